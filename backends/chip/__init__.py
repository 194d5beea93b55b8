"""The chip model: what the compiler and the simulator know about the hardware.

A typed, immutable description of a reconfigurable dataflow chip (grid of tiles,
compute units, memory units, switches, off-chip ports, memory tiers, clock,
configuration load time), loaded from TOML and validated. Presets ship in
`presets/`: `sn40l`, `plasticine`, `tiny`. This package imports only the Python
standard library, so the simulator can use it with no compiler code loaded.

    chip = load_chip("sn40l")
    chip.peak_flops("bf16")      # 6.39e14
    chip.units_of("pcu")[:2]     # ((0, 1), (0, 3))
    chip.fingerprint             # stable SHA-256 hex of the description

Every field is documented in `docs/chip-model.md`.
"""

from .loader import PRESETS, chip_from_dict, load_chip, parse_chip
from .model import (
    AGCU,
    DATA_TYPES,
    PCU,
    PMU,
    STAGE_OPS,
    TEMPLATES,
    TIERS,
    UNIT_KINDS,
    Chip,
    ChipModelError,
    ComputeUnit,
    ConfigLoad,
    Coord,
    Grid,
    MemoryUnit,
    OffChipPorts,
    Switch,
    Template,
    Templates,
    Tier,
    Tiers,
)

__all__ = [
    "AGCU",
    "DATA_TYPES",
    "PCU",
    "PMU",
    "PRESETS",
    "STAGE_OPS",
    "TEMPLATES",
    "TIERS",
    "UNIT_KINDS",
    "Chip",
    "ChipModelError",
    "ComputeUnit",
    "ConfigLoad",
    "Coord",
    "Grid",
    "MemoryUnit",
    "OffChipPorts",
    "Switch",
    "Template",
    "Templates",
    "Tier",
    "Tiers",
    "chip_from_dict",
    "load_chip",
    "parse_chip",
]
