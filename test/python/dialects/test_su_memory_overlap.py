"""`su.memory` regions of one tier never overlap: the block-wide sweep that
clears a whole module at once must report exactly what the pairwise rule does,
at the later region, including after a region changes."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import IntegerAttr, i64
from xdsl.utils.exceptions import VerifyException

import dfc


def _module(regions: list[tuple[str, int, int]]) -> str:
    lines = ['builtin.module attributes {su.chip = "tiny"} {']
    for name, offset, floats in regions:
        lines.append(
            f'  su.memory @{name} {{tier = "hbm", offset = {offset} : i64, '
            f'type = tensor<{floats}xf32>, role = "scratch"}}'
        )
    return "\n".join(lines + ["}"]) + "\n"


def test_disjoint_regions_in_any_order_verify() -> None:
    # Out of address order and touching ends: no overlap.
    dfc.parse_mlir(
        _module([("a", 400, 10), ("b", 0, 25), ("c", 100, 75), ("d", 440, 0)])
    )


def test_a_region_overlapping_a_non_adjacent_earlier_one_is_reported_at_itself() -> (
    None
):
    with pytest.raises(
        Exception, match=r"@c occupies hbm bytes \[160, 200\), overlapping @b"
    ):
        dfc.parse_mlir(
            _module([("a", 0, 16), ("b", 100, 25), ("x", 1000, 4), ("c", 160, 10)])
        )


def test_an_empty_region_overlaps_nothing() -> None:
    dfc.parse_mlir(_module([("a", 0, 16), ("e", 8, 0)]))


def test_a_region_moved_after_verification_is_checked_again() -> None:
    module = dfc.parse_mlir(_module([("a", 0, 16), ("b", 64, 16)]))
    b = list(module.ops)[1]
    b.attributes["offset"] = IntegerAttr(32, i64)
    with pytest.raises(
        VerifyException, match=r"@b occupies hbm bytes \[32, 96\), overlapping @a"
    ):
        b.verify()
