"""Load what `simulate` is given: a `Program`, `.dfcb` bytes, a path, or an object
with a `.bitstream` (a compiled `Artifact`). Only the pure bitstream modules and
the chip model are used: no compiler code is imported."""

from __future__ import annotations

import os
from typing import Any

from dfc.backends.bitstream import format as dfcb
from dfc.backends.bitstream.program import Program, ProgramError
from dfc.backends.chip import Chip, ChipModelError, load_chip

from .errors import SimulationError


def load_program(
    source: Any, chip: Chip | str | None = None
) -> tuple[Program, Chip, int | None]:
    """(program, chip, file size) of `source`; refuses corrupt or foreign files with a
    `SimulationError` that keeps the decoder's byte offset and reason."""
    where = "<bytes>"
    data: bytes | None = None
    if isinstance(source, Program):
        program = source
    else:
        if hasattr(source, "bitstream"):
            data = bytes(source.bitstream)
            where = "<artifact>"
        elif isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
        elif isinstance(source, (str, os.PathLike)):
            where = os.fspath(source)
            try:
                with open(where, "rb") as handle:
                    data = handle.read()
            except OSError as error:
                raise SimulationError(
                    f"{where}: cannot read: {error.strerror}"
                ) from None
        else:
            raise SimulationError(
                f"cannot simulate a {type(source).__name__}: expected a .dfcb path, "
                "bytes, a Program or a compiled Artifact"
            )
        try:
            program = dfcb.decode(data)
        except dfcb.BitstreamError as error:
            raise SimulationError(f"{where}: refused: {error}") from None
    resolved = _chip(chip if chip is not None else program.chip_name, where)
    try:
        if data is None:
            program.validate()
        dfcb.check_chip(program, resolved)
    except (dfcb.BitstreamError, ProgramError) as error:
        raise SimulationError(f"{where}: refused: {error}") from None
    return program, resolved, None if data is None else len(data)


def _chip(chip: Chip | str, where: str) -> Chip:
    if isinstance(chip, Chip):
        return chip
    try:
        return load_chip(chip)
    except (ChipModelError, OSError, ValueError) as error:
        raise SimulationError(f"{where}: cannot load chip '{chip}': {error}") from None


def section_config_bytes(program: Program) -> list[int]:
    """The configuration size of each section: its chunk's length in the file
    (what `Chip.config_load_cycles` is charged on)."""
    try:
        data = dfcb.encode(program)
    except ProgramError as error:
        raise SimulationError(f"cannot encode the program: {error}") from None
    container = dfcb.inspect(data)
    return [entry.length for entry in container.entries if entry.kind == "section"]
