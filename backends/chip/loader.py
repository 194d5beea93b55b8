"""Loading and validating chip descriptions (TOML files, presets, plain dicts).

Every problem is a `ChipModelError` naming the file, the dotted key and what is
wrong: an unknown key (with a did-you-mean), a missing field, a wrong type, an
impossible value, or a TOML syntax error (with its line and column).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import importlib.resources
import math
import os
import re
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

from .model import (
    AGCU,
    PATTERN_TILES,
    PCU,
    PMU,
    Chip,
    ChipModelError,
    edge_slots,
    resolve_layout,
)

PRESETS = ("plasticine", "sn40l", "tiny")
"""Preset names; each is `presets/<name>.toml` in this package."""

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_TOML_POSITION = re.compile(
    r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$"
)


def load_chip(name_or_path: str | os.PathLike[str] | Chip) -> Chip:
    """Load a chip: a preset name (`sn40l`, `plasticine`, `tiny`) or a TOML path.

    A string is a path when it ends in `.toml` or contains a path separator;
    otherwise it names a preset. A `Chip` is returned unchanged.
    """
    if isinstance(name_or_path, Chip):
        return name_or_path
    if isinstance(name_or_path, str) and not _looks_like_path(name_or_path):
        return _load_preset(name_or_path)
    path = Path(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChipModelError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ChipModelError(str(path), f"cannot read: {error}") from None
    return parse_chip(text, str(path))


def _looks_like_path(text: str) -> bool:
    return text.endswith(".toml") or os.sep in text or "/" in text


@functools.cache
def _load_preset(name: str) -> Chip:
    if name not in PRESETS:
        problem = f"unknown chip '{name}': not a preset and not a .toml path"
        raise ChipModelError(name, problem + _suggest(name, PRESETS, "presets"))
    resource = importlib.resources.files(__package__).joinpath(
        "presets", f"{name}.toml"
    )
    return parse_chip(resource.read_text(encoding="utf-8"), str(resource))


def parse_chip(text: str, source: str = "<string>") -> Chip:
    """Parse and validate the TOML text of a chip description."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_POSITION.match(message)
        if match is None:
            raise ChipModelError(source, f"invalid TOML: {message}") from None
        raise ChipModelError(
            source,
            f"invalid TOML: {match['message']}",
            line=int(match["line"]),
            column=int(match["col"]),
        ) from None
    return chip_from_dict(data, source)


def chip_from_dict(data: dict[str, Any], source: str = "<dict>") -> Chip:
    """Build a `Chip` from its nested dict form, checking every field."""
    chip = _build(Chip, data, "", source)
    _check_chip(chip, source)
    return chip


# -- fields -----------------------------------------------------------------------


def _suggest(word: str, candidates: typing.Iterable[str], what: str) -> str:
    candidates = list(candidates)
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; {what}: " + ", ".join(candidates)


def _dotted(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def _wrong_type(source: str, key: str, expected: str, value: Any) -> ChipModelError:
    plain = isinstance(value, str | int | float) and not isinstance(value, bool)
    shown = f" ({value!r})" if plain else ""
    return ChipModelError(
        source, f"expected {expected}, got {_toml_type(value)}{shown}", key
    )


def _build(cls: type, table: Any, prefix: str, source: str) -> Any:
    if not isinstance(table, dict):
        raise _wrong_type(source, prefix or "<top level>", "a table", table)
    fields = dataclasses.fields(cls)
    names = [f.name for f in fields]
    for key in table:
        if key not in names:
            dotted = _dotted(prefix, key)
            suggestions = [_dotted(prefix, n) for n in names]
            raise ChipModelError(
                source,
                "unknown key" + _suggest(dotted, suggestions, "valid keys"),
                dotted,
            )
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in fields:
        dotted = _dotted(prefix, f.name)
        if f.name not in table:
            if f.default is dataclasses.MISSING:
                raise ChipModelError(source, "missing field", dotted)
            continue
        values[f.name] = _convert(
            hints[f.name], f.metadata, table[f.name], dotted, source
        )
    return cls(**values)


def _convert(
    hint: Any, meta: typing.Mapping[str, Any], value: Any, key: str, source: str
) -> Any:
    kind = meta.get("kind")
    if kind == "rates":
        return _convert_rates(meta, value, key, source)
    if kind == "set":
        return _convert_set(meta, value, key, source)
    if kind == "pattern":
        if not isinstance(value, list):
            raise _wrong_type(source, key, "an array of strings", value)
        for index, row in enumerate(value):
            if not isinstance(row, str):
                raise _wrong_type(source, f"{key}[{index}]", "a string", row)
        return tuple(value)
    if isinstance(hint, types.UnionType):  # `X | None`: present means X
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key, source)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type(source, key, "an integer", value)
    elif hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong_type(source, key, "a number", value)
        if not math.isfinite(value):
            raise ChipModelError(source, f"must be finite, got {value}", key)
        value = float(value)
    elif hint is str and not isinstance(value, str):
        raise _wrong_type(source, key, "a string", value)
    _check_bounds(meta, value, key, source)
    return value


def _check_bounds(
    meta: typing.Mapping[str, Any], value: Any, key: str, source: str
) -> None:
    minimum = meta.get("minimum")
    if minimum is not None and value < minimum:
        raise ChipModelError(source, f"must be at least {minimum}, got {value}", key)
    if meta.get("positive") and value <= 0:
        raise ChipModelError(source, f"must be greater than 0, got {value}", key)
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        options = ", ".join(f"'{c}'" for c in choices)
        close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ChipModelError(
            source, f"must be one of {options}, got '{value}'{hint}", key
        )


def _convert_rates(
    meta: typing.Mapping[str, Any], value: Any, key: str, source: str
) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, dict):
        raise _wrong_type(source, key, "a table", value)
    choices: tuple[str, ...] = meta["choices"]
    for name in value:
        if name not in choices:
            dotted = f"{key}.{name}"
            raise ChipModelError(
                source,
                "unknown data type" + _suggest(name, choices, "data types"),
                dotted,
            )
    if not value:
        raise ChipModelError(source, "must list at least one data type", key)
    number = {"minimum": None, "positive": True, "choices": None, "kind": None}
    return tuple(
        (name, _convert(float, number, value[name], f"{key}.{name}", source))
        for name in choices
        if name in value
    )


def _convert_set(
    meta: typing.Mapping[str, Any], value: Any, key: str, source: str
) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _wrong_type(source, key, "an array of strings", value)
    choices: tuple[str, ...] = meta["choices"]
    seen: set[str] = set()
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(item, str):
            raise _wrong_type(source, where, "a string", item)
        if item not in choices:
            raise ChipModelError(
                source, f"unknown op '{item}'" + _suggest(item, choices, "ops"), where
            )
        if item in seen:
            raise ChipModelError(source, f"'{item}' is listed twice", where)
        seen.add(item)
    if not seen:
        raise ChipModelError(source, "must list at least one entry", key)
    return tuple(c for c in choices if c in seen)


# -- the chip as a whole ------------------------------------------------------------


def _check_chip(chip: Chip, source: str) -> None:
    def fail(key: str, problem: str) -> typing.NoReturn:
        raise ChipModelError(source, problem, key)

    if not _NAME.match(chip.name):
        fail(
            "name",
            f"must be lower-case letters, digits, '_', '-' or '.', got {chip.name!r}",
        )
    _check_grid(chip, fail)

    compute = chip.compute
    if compute.systolic_rows > compute.lanes:
        fail(
            "compute.systolic_rows",
            f"must be at most compute.lanes ({compute.lanes}), got {compute.systolic_rows}",
        )
    if compute.systolic_cols > compute.stages:
        fail(
            "compute.systolic_cols",
            f"must be at most compute.stages ({compute.stages}), got {compute.systolic_cols}",
        )

    memory = chip.memory
    unit = memory.banks * memory.word_bytes
    if memory.bytes % unit:
        fail(
            "memory.bytes",
            f"must be a multiple of memory.banks x memory.word_bytes ({unit}), got {memory.bytes}",
        )

    lane_bits = 8 * compute.lanes
    if chip.switch.vector_width_bits % lane_bits:
        fail(
            "switch.vector_width_bits",
            f"must be a multiple of 8 x compute.lanes ({lane_bits}), "
            f"got {chip.switch.vector_width_bits}",
        )

    expected = chip.sram_bytes
    if chip.tiers.sram.capacity_bytes != expected:
        fail(
            "tiers.sram.capacity_bytes",
            f"must equal memory units x memory.bytes ({chip.count(PMU)} x {memory.bytes} "
            f"= {expected}), got {chip.tiers.sram.capacity_bytes}",
        )


def _check_grid(chip: Chip, fail: typing.Callable[[str, str], typing.NoReturn]) -> None:
    grid, offchip = chip.grid, chip.offchip
    if grid.layout == "pattern":
        if offchip.placement != "pattern":
            fail(
                "offchip.placement",
                f"must be 'pattern' when grid.layout is 'pattern', got '{offchip.placement}'",
            )
        if len(grid.pattern) != grid.rows:
            fail(
                "grid.pattern",
                f"has {len(grid.pattern)} rows but grid.rows is {grid.rows}",
            )
        for row, text in enumerate(grid.pattern):
            if len(text) != grid.cols:
                fail(
                    f"grid.pattern[{row}]",
                    f"has {len(text)} tiles but grid.cols is {grid.cols}",
                )
            for col, char in enumerate(text):
                if char not in PATTERN_TILES:
                    fail(
                        f"grid.pattern[{row}]",
                        f"unknown tile '{char}' at column {col}; "
                        "use C (pcu), M (pmu), A (agcu) or . (empty)",
                    )
                edge = row in (0, grid.rows - 1) or col in (0, grid.cols - 1)
                if char == "A" and not edge:
                    fail(
                        f"grid.pattern[{row}]",
                        f"off-chip port 'A' at ({row}, {col}) is not on the grid's edge",
                    )
        ports = sum(text.count("A") for text in grid.pattern)
        if ports != offchip.count:
            fail(
                "offchip.count",
                f"is {offchip.count} but grid.pattern places {ports} off-chip ports ('A')",
            )
    else:
        if grid.pattern:
            fail("grid.pattern", "must be empty unless grid.layout is 'pattern'")
        if offchip.placement == "pattern":
            fail("offchip.placement", "'pattern' requires grid.layout = 'pattern'")
        across, length = (
            ("grid.cols", grid.cols)
            if offchip.placement == "left_right"
            else ("grid.rows", grid.rows)
        )
        if length < 3:
            fail(
                across,
                f"must be at least 3 for a checkerboard with off-chip ports on "
                f"the {offchip.placement.replace('_', ' and ')} edges, got {length}",
            )
        first, second = edge_slots(grid, offchip.placement)
        slots = len(first) + len(second)
        if offchip.count > slots:
            fail(
                "offchip.count",
                f"{offchip.count} off-chip ports do not fit on the {slots} edge tiles "
                f"({offchip.placement.replace('_', ' and ')} edges of a "
                f"{grid.rows} x {grid.cols} grid)",
            )
    tiles = resolve_layout(grid, offchip)
    for kind in (PCU, PMU, AGCU):
        if not any(kind in row for row in tiles):
            fail("grid", f"the layout holds no {kind}")
