"""The `.dfcb` bitstream: a whole chip program as plain dataclasses and bytes.

`program` holds the typed model (`Program`, `Memory`, `Section`, `Pcu`, `Pmu`,
`Agcu`, `Stream`, ...), `format` the container (`encode`, `decode`, `inspect`,
`BitstreamError`). Both use only the standard library and `dfc.backends.chip`, so
the simulator can read a bitstream with no compiler code loaded. The conversion
to and from `su` IR lives in its own module (compiler side only).
The byte layout is documented in `docs/bitstream.md`.
"""

from .format import (
    BitstreamError,
    Container,
    Entry,
    check_chip,
    decode,
    encode,
    inspect,
)
from .program import (
    AddressGen,
    Agcu,
    InputPort,
    Memory,
    Pcu,
    Pmu,
    Program,
    ProgramError,
    Section,
    Source,
    Stage,
    Stream,
    Unit,
    check_program,
)

__all__ = [
    "AddressGen",
    "Agcu",
    "BitstreamError",
    "Container",
    "Entry",
    "InputPort",
    "Memory",
    "Pcu",
    "Pmu",
    "Program",
    "ProgramError",
    "Section",
    "Source",
    "Stage",
    "Stream",
    "Unit",
    "check_chip",
    "check_program",
    "decode",
    "encode",
    "inspect",
]
