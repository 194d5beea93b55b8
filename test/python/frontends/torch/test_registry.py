"""The converter registry names real ATen overloads."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from dfc.frontends.torch.converters import CONVERTERS, supported_overloads  # noqa: E402
from dfc.frontends.torch.importer import kept_ops  # noqa: E402


@pytest.mark.parametrize("name", sorted(CONVERTERS))
def test_registered_name_is_an_aten_overload(name):
    namespace, packet, overload = name.split(".", 2)
    assert namespace == "aten"
    op = getattr(getattr(torch.ops.aten, packet), overload)
    assert str(op) == name


def test_kept_ops_have_converters():
    assert {str(op) for op in kept_ops()} <= set(supported_overloads())
