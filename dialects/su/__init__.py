"""The `su` dialect: one configured chip program, exactly.

A module of `su.memory` regions (off-chip tensors in HBM or DDR) and `su.section`
ops (one configuration of the whole chip each, run in order). A section holds
unit ops — `su.pcu` (compute), `su.pmu` (scratchpad), `su.agcu` (DMA) — joined
by `!su.stream` values. What the bitstream stores and the simulator runs; the
design is `docs/su-dialect.md`, the machine `docs/execution-model.md`.

```mlir
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "..."} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>,
        map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>,
        map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}
```
"""

from xdsl.ir import Dialect

from .chip_checks import chip_for, fifo_depth, module_chip, section_analysis
from .ops import (
    MemoryOp,
    SectionOp,
    Stream,
    UnitOp,
    find_memory,
    memories,
    module_of,
    sections,
    units,
)
from .types import (
    AgenAttr,
    Counter,
    Interval,
    Stage,
    StageAttr,
    StageSource,
    StreamType,
    address_range,
    counter_chain,
    trip_count,
    vector_width,
)
from .units import UNIT_OPS, AgcuOp, PcuOp, PmuOp

OPS = (MemoryOp, SectionOp, *UNIT_OPS)
"""Every su op."""

SU = Dialect("su", list(OPS), [StreamType, StageAttr, AgenAttr])

__all__ = [
    "OPS",
    "SU",
    "UNIT_OPS",
    "AgcuOp",
    "AgenAttr",
    "Counter",
    "Interval",
    "MemoryOp",
    "PcuOp",
    "PmuOp",
    "SectionOp",
    "Stage",
    "StageAttr",
    "StageSource",
    "Stream",
    "StreamType",
    "UnitOp",
    "address_range",
    "chip_for",
    "counter_chain",
    "fifo_depth",
    "find_memory",
    "memories",
    "module_chip",
    "module_of",
    "section_analysis",
    "sections",
    "trip_count",
    "units",
    "vector_width",
]
