"""The chip model: presets, derived figures, fingerprint, errors, and its doc table."""

from __future__ import annotations

import dataclasses
import importlib.resources
import json
import os
import random
import re
import subprocess
import sys
import tomllib
import types
import typing
from pathlib import Path

import pytest

import dfc
from dfc.backends.chip import (
    DATA_TYPES,
    STAGE_OPS,
    Chip,
    ChipModelError,
    load_chip,
    parse_chip,
)

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "chip-model.md"
PRESET_NAMES = ("sn40l", "plasticine", "tiny")


def preset_text(name: str) -> str:
    resource = (
        importlib.resources.files("dfc.backends.chip") / "presets" / f"{name}.toml"
    )
    return resource.read_text(encoding="utf-8")


TINY = preset_text("tiny")


def tiny_with(old: str, new: str) -> str:
    assert TINY.count(old) == 1, f"{old!r} must occur once in tiny.toml"
    return TINY.replace(old, new)


# -- presets ---------------------------------------------------------------------


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_loads(name: str) -> None:
    chip = load_chip(name)
    assert chip.name == name
    assert dfc.load_chip(name) is chip  # presets are loaded once
    assert chip.count("pcu") > 0 and chip.count("pmu") > 0 and chip.count("agcu") > 0


def test_sn40l_published_figures() -> None:
    chip = load_chip("sn40l")
    assert chip.unit_counts() == {"pcu": 1040, "pmu": 1040, "agcu": 64}
    # 1040 PCUs x 32 lanes x 6 stages x 2 flops x 1.6 GHz
    assert chip.peak_flops("bf16") == 638_976_000_000_000
    assert abs(chip.peak_flops("bf16") / 638e12 - 1) < 0.01
    assert chip.peak_flops("f32") == 319_488_000_000_000
    # 1040 x 512 KiB = 520 MiB = 545,259,520 bytes
    assert chip.sram_bytes == 545_259_520 == 520 * 2**20
    assert chip.tiers.sram.capacity_bytes == chip.sram_bytes
    assert chip.tier("hbm").capacity_bytes == 64 * 2**30
    assert chip.bandwidth("hbm") == 1_600_000_000_000
    assert chip.tier("ddr").capacity_bytes == 3 * 2**39  # 1.5 TiB
    assert chip.bandwidth("ddr") == 100_000_000_000
    assert (chip.grid.rows, chip.grid.cols) == (40, 54)
    assert chip.memory.bytes == 512 * 1024
    assert chip.compute.data_types == ("bf16", "f32", "i8", "i32")


def test_plasticine_is_an_8x8_checkerboard() -> None:
    chip = load_chip("plasticine")
    assert (chip.grid.rows, chip.grid.cols) == (8, 10)
    interior = [row[1:9] for row in chip.tiles]
    for r, row in enumerate(interior):
        for c, kind in enumerate(row):
            assert kind == ("pcu" if (r + c) % 2 == 0 else "pmu"), (r, c)
    assert chip.unit_counts() == {"pcu": 32, "pmu": 32, "agcu": 8}
    assert chip.units_of("agcu") == tuple((r, c) for r in (1, 3, 5, 7) for c in (0, 9))
    compute, memory = chip.compute, chip.memory
    assert (compute.lanes, compute.stages, compute.counters, compute.registers) == (
        16,
        6,
        16,
        16,
    )
    assert (compute.vector_inputs, compute.vector_outputs) == (8, 4)
    assert (compute.scalar_inputs, compute.scalar_outputs) == (6, 4)
    assert compute.vector_fifo_depth == 4
    assert (memory.bytes, memory.banks, memory.address_stages) == (262_144, 16, 6)
    assert chip.clock_hz == 1_000_000_000
    assert chip.peak_flops("f32") == 32 * 16 * 6 * 2 * 1e9


def test_tiny_by_hand() -> None:
    chip = load_chip("tiny")
    assert chip.tiles == (
        (None, "pcu", "pmu", None),
        (None, "pmu", "pcu", None),
        ("agcu", "pcu", "pmu", "agcu"),
        (None, "pmu", "pcu", None),
    )
    assert chip.units_of("pcu") == ((0, 1), (1, 2), (2, 1), (3, 2))
    assert chip.units_of("pmu") == ((0, 2), (1, 1), (2, 2), (3, 1))
    assert chip.units_of("agcu") == ((2, 0), (2, 3))
    assert chip.unit_at((2, 0)) == "agcu"
    assert chip.unit_at((0, 0)) is None
    assert chip.peak_flops("bf16") == 4 * 4 * 3 * 2 * 1e9
    assert chip.sram_bytes == 16_384
    assert chip.vector_bytes == 16
    assert chip.offchip_port_bytes_per_second == 32_000_000_000
    assert chip.config_load_cycles(0) == 10
    assert chip.config_load_cycles(33) == 10 + 3
    assert chip.seconds(1000) == 1e-6


def test_tiny_switch_graph_by_hand() -> None:
    chip = load_chip("tiny")
    # north, east, south, west
    assert chip.neighbours((0, 0)) == ((0, 1), (1, 0))
    assert chip.neighbours((0, 2)) == ((0, 3), (1, 2), (0, 1))
    assert chip.neighbours((1, 1)) == ((0, 1), (1, 2), (2, 1), (1, 0))
    assert chip.neighbours((3, 3)) == ((2, 3), (3, 2))
    graph = chip.switch_graph()
    assert list(graph) == [(r, c) for r in range(4) for c in range(4)]
    assert graph[(2, 3)] == ((1, 3), (3, 3), (2, 2))
    assert all(a in graph[b] for a, adjacent in graph.items() for b in adjacent)
    assert sum(len(adjacent) for adjacent in graph.values()) == 2 * 24
    links = chip.links()
    assert len(links) == 24  # 4 rows x 3 + 4 cols x 3
    assert links[:3] == (((0, 0), (0, 1)), ((0, 0), (1, 0)), ((0, 1), (0, 2)))


def test_queries_refuse_bad_arguments() -> None:
    chip = load_chip("tiny")
    with pytest.raises(
        ValueError, match=r"\(4, 0\) is outside the 4 x 4 grid of 'tiny'"
    ):
        chip.unit_at((4, 0))
    with pytest.raises(ValueError, match="unknown unit type 'alu'"):
        chip.units_of("alu")
    with pytest.raises(ValueError, match="unknown memory tier 'l2'"):
        chip.tier("l2")
    plasticine = load_chip("plasticine")
    assert plasticine.compute.rate("f32") == 1.0
    with pytest.raises(ValueError, match="data type 'f64' is not supported"):
        plasticine.peak_flops("f64")


# -- dict form and fingerprint -----------------------------------------------------


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_dict_round_trip(name: str) -> None:
    chip = load_chip(name)
    data = chip.to_dict()
    json.dumps(data)  # plain data only
    again = Chip.from_dict(data)
    assert again == chip
    assert hash(again) == hash(chip)
    assert again.fingerprint == chip.fingerprint
    assert len(chip.fingerprint) == 64
    assert chip.short_fingerprint == chip.fingerprint[:16]


def _reversed_keys(value: typing.Any) -> typing.Any:
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    return value


def _as_toml(data: dict[str, typing.Any], prefix: str = "") -> str:
    """A plain TOML writer, enough for chip descriptions (tables last)."""
    lines, tables = [], []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            lines.append(f"{key}   =   {json.dumps(value)}")
    text = "\n".join(lines) + "\n"
    for key, value in tables:
        name = f"{prefix}.{key}" if prefix else key
        text += f"\n[{name}]\n" + _as_toml(value, name)
    return text


def test_fingerprint_ignores_spelling() -> None:
    chip = load_chip("tiny")
    data = _reversed_keys(chip.to_dict())
    ops = data["compute"]["stage_ops"]
    random.Random(4).shuffle(ops)
    rewritten = _as_toml(data)
    assert "#" not in rewritten and rewritten != TINY
    again = parse_chip(rewritten, "rewritten.toml")
    assert again == chip
    assert again.fingerprint == chip.fingerprint
    described = parse_chip(tiny_with('description = "', 'description = "changed '))
    assert described.fingerprint == chip.fingerprint


def test_fingerprint_follows_the_hardware() -> None:
    chip = load_chip("tiny")
    faster = parse_chip(
        tiny_with("clock_hz = 1_000_000_000", "clock_hz = 1_000_000_001")
    )
    assert faster.fingerprint != chip.fingerprint
    fingerprints = {load_chip(name).fingerprint for name in PRESET_NAMES}
    assert len(fingerprints) == 3


def test_fingerprint_is_stable_across_processes() -> None:
    code = (
        "from dfc.backends.chip import load_chip\n"
        "print(' '.join(load_chip(n).fingerprint for n in ('sn40l', 'plasticine', 'tiny')))"
    )
    expected = " ".join(load_chip(n).fingerprint for n in PRESET_NAMES)
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == expected


def test_chip_model_loads_no_compiler_code() -> None:
    code = (
        "import sys\n"
        "from dfc.backends.chip import load_chip\n"
        "load_chip('sn40l').fingerprint\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('xdsl', 'numpy')"
        " or m.startswith(('dfc.dialects', 'dfc.passes', 'dfc.frontends')))\n"
        "print(bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# -- errors ------------------------------------------------------------------------

ERRORS = [
    (
        "lanes = 4\n",
        "lane = 4\n",
        "compute.lane: unknown key; did you mean 'compute.lanes'?",
    ),
    (
        "[config_load]\n",
        "[config_load]\nzzzzzz = 1\n",
        "config_load.zzzzzz: unknown key; valid keys: "
        "config_load.fixed_cycles, config_load.bytes_per_cycle",
    ),
    ("[tiers.hbm]", "[tiers.hmb]", "tiers.hmb: unknown key; did you mean 'tiers.hbm'?"),
    (
        "bf16 = 1.0\n",
        "bf17 = 1.0\n",
        "compute.fma_rate.bf17: unknown data type; did you mean 'bf16'?",
    ),
    ("banks = 4\n", "", "memory.banks: missing field"),
    (
        "map = { latency_cycles = 5, initiation_interval = 1 }\n",
        "",
        "compute.templates.map: missing field",
    ),
    (
        "lanes = 4\n",
        'lanes = "4"\n',
        "compute.lanes: expected an integer, got a string ('4')",
    ),
    (
        "lanes = 4\n",
        "lanes = 4.0\n",
        "compute.lanes: expected an integer, got a float (4.0)",
    ),
    (
        "lanes = 4\n",
        "lanes = true\n",
        "compute.lanes: expected an integer, got a boolean",
    ),
    (
        '"add", "sub"',
        '"add", 7',
        "compute.stage_ops[1]: expected a string, got an integer (7)",
    ),
    (
        '"add", "sub"',
        '"add", "sbu"',
        "compute.stage_ops[1]: unknown op 'sbu'; did you mean 'sub'?",
    ),
    ('"add", "sub"', '"add", "add"', "compute.stage_ops[1]: 'add' is listed twice"),
    (
        "latency_ns = 50.0",
        'latency_ns = "fast"',
        "tiers.hbm.latency_ns: expected a number, got a string ('fast')",
    ),
    ("lanes = 4\n", "lanes = 0\n", "compute.lanes: must be at least 1, got 0"),
    ("stages = 3\n", "stages = -3\n", "compute.stages: must be at least 1, got -3"),
    (
        "bytes_per_second = 16_000_000_000\n",
        "bytes_per_second = 0\n",
        "tiers.hbm.bytes_per_second: must be at least 1, got 0",
    ),
    (
        "latency_ns = 50.0",
        "latency_ns = -1.0",
        "tiers.hbm.latency_ns: must be at least 0.0, got -1.0",
    ),
    ("i8 = 1.0", "i8 = 0.0", "compute.fma_rate.i8: must be greater than 0, got 0.0"),
    (
        "latency_ns = 50.0",
        "latency_ns = nan",
        "tiers.hbm.latency_ns: must be finite, got nan",
    ),
    (
        'layout = "checkerboard"',
        'layout = "checker"',
        "grid.layout: must be one of 'checkerboard', 'pattern', got 'checker' "
        "(did you mean 'checkerboard'?)",
    ),
    (
        "count = 2\n",
        "count = 9\n",
        "offchip.count: 9 off-chip ports do not fit on the 8 edge tiles "
        "(left and right edges of a 4 x 4 grid)",
    ),
    (
        "cols = 4\n",
        "cols = 2\n",
        "grid.cols: must be at least 3 for a checkerboard with off-chip ports on the "
        "left and right edges, got 2",
    ),
    (
        "cols = 4\n",
        "cols = 3\n",
        "tiers.sram.capacity_bytes: must equal memory units x memory.bytes "
        "(2 x 4096 = 8192), got 16384",
    ),
    (
        "capacity_bytes = 16_384",
        "capacity_bytes = 16_000",
        "tiers.sram.capacity_bytes: must equal memory units x memory.bytes "
        "(4 x 4096 = 16384), got 16000",
    ),
    (
        "\nrows = 4\ncols = 4\n",
        "\nrows = 1\ncols = 3\n",
        "grid: the layout holds no pmu",
    ),
    (
        "bytes = 4_096",
        "bytes = 4_100",
        "memory.bytes: must be a multiple of memory.banks x memory.word_bytes (16), got 4100",
    ),
    (
        "systolic_rows = 4",
        "systolic_rows = 8",
        "compute.systolic_rows: must be at most compute.lanes (4), got 8",
    ),
    (
        "systolic_cols = 3",
        "systolic_cols = 4",
        "compute.systolic_cols: must be at most compute.stages (3), got 4",
    ),
    (
        "vector_width_bits = 128",
        "vector_width_bits = 120",
        "switch.vector_width_bits: must be a multiple of 8 x compute.lanes (32), got 120",
    ),
    (
        'name = "tiny"',
        'name = "Tiny Chip"',
        "name: must be lower-case letters, digits, '_', '-' or '.', got 'Tiny Chip'",
    ),
    (
        'placement = "left_right"',
        'placement = "pattern"',
        "offchip.placement: 'pattern' requires grid.layout = 'pattern'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message"), ERRORS, ids=[e[2].split(":")[0] for e in ERRORS]
)
def test_error_message(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(tiny_with(old, new))
    with pytest.raises(ChipModelError) as caught:
        load_chip(path)
    assert str(caught.value) == f"{path}: {message}"
    assert caught.value.source == str(path)


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('name = "tiny"\n\n[grid]\nrows = = 4\n')
    with pytest.raises(ChipModelError) as caught:
        load_chip(str(path))
    assert str(caught.value) == f"{path}:4:8: invalid TOML: Invalid value"
    assert (caught.value.line, caught.value.column) == (4, 8)


def test_unknown_preset_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ChipModelError) as caught:
        load_chip("sn4l")
    assert str(caught.value) == (
        "sn4l: unknown chip 'sn4l': not a preset and not a .toml path; did you mean 'sn40l'?"
    )
    with pytest.raises(ChipModelError) as caught:
        load_chip("gpu")
    assert str(caught.value) == (
        "gpu: unknown chip 'gpu': not a preset and not a .toml path; "
        "presets: plasticine, sn40l, tiny"
    )
    missing = tmp_path / "none.toml"
    with pytest.raises(ChipModelError) as caught:
        load_chip(str(missing))
    assert str(caught.value) == f"{missing}: no such file"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("clock_hz"), "clock_hz: missing field"),
        (lambda d: d.update(grid=3), "grid: expected a table, got an integer (3)"),
        (
            lambda d: d["compute"].update(fma_rate={}),
            "compute.fma_rate: must list at least one data type",
        ),
        (
            lambda d: d["compute"].update(stage_ops=[]),
            "compute.stage_ops: must list at least one entry",
        ),
        (
            lambda d: d["compute"]["templates"].update(scan=[1]),
            "compute.templates.scan: expected a table, got an array",
        ),
        (
            lambda d: d["grid"].update(pattern=["C"]),
            "grid.pattern: must be empty unless grid.layout is 'pattern'",
        ),
    ],
)
def test_from_dict_errors_name_their_source(edit, message: str) -> None:
    data = load_chip("tiny").to_dict()
    edit(data)
    with pytest.raises(ChipModelError) as caught:
        Chip.from_dict(data)
    assert str(caught.value) == f"<dict>: {message}"


# -- other layouts -------------------------------------------------------------------

PATTERN = """
[grid]
rows = 3
cols = 4
layout = "pattern"
pattern = ["ACM.", ".MC.", "..CA"]
"""


def pattern_chip(pattern: str, count: int = 2) -> str:
    text = tiny_with('[grid]\nrows = 4\ncols = 4\nlayout = "checkerboard"\n', pattern)
    text = text.replace("count = 2\n", f"count = {count}\n")
    text = text.replace('placement = "left_right"', 'placement = "pattern"')
    return text.replace("capacity_bytes = 16_384", "capacity_bytes = 8_192")


def test_pattern_layout() -> None:
    chip = parse_chip(pattern_chip(PATTERN))
    assert chip.tiles == (
        ("agcu", "pcu", "pmu", None),
        (None, "pmu", "pcu", None),
        (None, None, "pcu", "agcu"),
    )
    assert chip.unit_counts() == {"pcu": 3, "pmu": 2, "agcu": 2}
    assert Chip.from_dict(chip.to_dict()) == chip


@pytest.mark.parametrize(
    ("pattern", "count", "message"),
    [
        ('["ACM.", ".MC."]', 2, "grid.pattern: has 2 rows but grid.rows is 3"),
        (
            '["ACM.", ".MC", "..CA"]',
            2,
            "grid.pattern[1]: has 3 tiles but grid.cols is 4",
        ),
        (
            '["ACM.", ".MX.", "..CA"]',
            2,
            "grid.pattern[1]: unknown tile 'X' at column 2; use C (pcu), M (pmu), A (agcu) or . (empty)",
        ),
        (
            '["ACM.", ".AC.", "..CA"]',
            3,
            "grid.pattern[1]: off-chip port 'A' at (1, 1) is not on the grid's edge",
        ),
        (
            '["ACM.", ".MC.", "..CA"]',
            3,
            "offchip.count: is 3 but grid.pattern places 2 off-chip ports ('A')",
        ),
    ],
)
def test_pattern_errors(pattern: str, count: int, message: str) -> None:
    text = pattern_chip(PATTERN.replace('["ACM.", ".MC.", "..CA"]', pattern), count)
    with pytest.raises(ChipModelError) as caught:
        parse_chip(text, "p.toml")
    assert str(caught.value) == f"p.toml: {message}"


def test_top_bottom_placement() -> None:
    text = tiny_with('placement = "left_right"', 'placement = "top_bottom"')
    text = text.replace("count = 2\n", "count = 3\n")
    chip = parse_chip(text)
    assert chip.tiles == (
        (None, "agcu", None, "agcu"),
        ("pcu", "pmu", "pcu", "pmu"),
        ("pmu", "pcu", "pmu", "pcu"),
        (None, None, "agcu", None),
    )


# -- the documentation table -------------------------------------------------------


def documented_keys(cls: type, prefix: str = "") -> typing.Iterator[str]:
    """Every dotted TOML key the dataclasses accept (all templates, all types)."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        key = f"{prefix}.{f.name}" if prefix else f.name
        hint = hints[f.name]
        if isinstance(hint, types.UnionType):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        if f.metadata.get("kind") == "rates":
            yield from (f"{key}.{dtype}" for dtype in DATA_TYPES)
        elif dataclasses.is_dataclass(hint):
            yield from documented_keys(hint, key)
        else:
            yield key


def doc_cell(value: typing.Any) -> str:
    """How docs/chip-model.md writes a preset's value."""
    if value is None or value == [] or value == ():
        return "—"
    if isinstance(value, int):
        return f"{value:_}" if abs(value) >= 10000 else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "all" if tuple(value) == STAGE_OPS else ", ".join(map(str, value))
    return str(value)


def lookup(data: dict[str, typing.Any], key: str) -> typing.Any:
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def doc_table() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([a-z0-9_.]+)` \|(.*)\|$", line)
        if (
            match
            and "." in match[1]
            or match
            and match[1] in ("name", "clock_hz", "description")
        ):
            cells = [cell.strip() for cell in match[2].split("|")]
            if len(cells) == 5:  # unit, meaning, sn40l, plasticine, tiny
                rows[match[1]] = cells
    return rows


def test_every_field_is_documented_with_preset_values() -> None:
    rows = doc_table()
    keys = list(documented_keys(Chip))
    assert sorted(rows) == sorted(keys)
    for key in keys:
        unit, meaning, *values = rows[key]
        assert unit and meaning, key
        if key == "description":
            continue
        for name, cell in zip(PRESET_NAMES, values, strict=True):
            assert cell == doc_cell(lookup(load_chip(name).to_dict(), key)), (key, name)


def test_doc_examples_match() -> None:
    text = DOC.read_text(encoding="utf-8")
    chip = load_chip("sn40l")
    assert (
        "638_976_000_000_000.0" in text and chip.peak_flops() == 638_976_000_000_000.0
    )
    assert chip.units_of("pcu")[:3] == ((0, 1), (0, 3), (0, 5))
    assert chip.unit_at((0, 2)) == "pmu"
    assert chip.neighbours((0, 0)) == ((0, 1), (1, 0))
    rows = sorted({row for row, col in chip.units_of("agcu") if col == 0})
    assert rows[:7] == [0, 1, 3, 4, 5, 6, 8]
    assert tomllib.loads(preset_text("sn40l"))["name"] == "sn40l"
