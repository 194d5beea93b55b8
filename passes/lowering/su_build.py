"""Small builders for `su` IR used by the matmul / conv / attention / gather / scan
lowerings: off-chip tensors (`MemRef`), affine walks over them (`Walk`), and a
`SectionBuilder` that creates uniquely named units and tracks what a section
reads and writes.

A *walk* is a counter chain (outermost first, innermost vectorized) plus one
coefficient per counter and a base: the element offset of the value visited at
each point, exactly an `su` address generator. The same walk describes the
order of the elements on a stream and, given to an AGCU, the DMA that loads or
stores them.

```python
sb = SectionBuilder(chip, "s0")
x = sb.load(xref, Walk.row_major((4, 8), lanes=4))        # su.agcu load
sb.store(yref, x, Walk.row_major((4, 8), lanes=4))         # su.agcu store
section = sb.finish()
```
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects.builtin import (
    BFloat16Type,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    Float32Type,
    IntegerType,
    ModuleOp,
    StringAttr,
    TensorType,
    f32,
    i32,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap

from dfc.backends.chip import Chip
from dfc.dialects.su import (
    AgcuOp,
    AgenAttr,
    MemoryOp,
    PcuOp,
    PmuOp,
    SectionOp,
    StageAttr,
    StreamType,
)

Counter = tuple[int, int, int]

DTYPE_BYTES = {"f32": 4, "bf16": 2, "i32": 4, "i8": 1, "i64": 8}


def element_attr(dtype: str) -> Attribute:
    """The xDSL element type of a dtype name."""
    return {
        "f32": Float32Type(),
        "bf16": BFloat16Type(),
        "i32": IntegerType(32),
        "i8": IntegerType(8),
        "i64": IntegerType(64),
    }[dtype]


def dtype_name(element: Attribute) -> str | None:
    """`f32` / `bf16` / `i32` / `i8` / `i64` for an xDSL element type, else None."""
    if isinstance(element, Float32Type):
        return "f32"
    if isinstance(element, BFloat16Type):
        return "bf16"
    if isinstance(element, IntegerType) and element.width.data in (8, 32, 64):
        return f"i{element.width.data}"
    return None


def largest_divisor(n: int, limit: int) -> int:
    """The largest divisor of `n` that is at most `limit` (>= 1)."""
    for d in range(min(n, limit), 0, -1):
        if n % d == 0:
            return d
    return 1


@dataclass(frozen=True)
class MemRef:
    """An off-chip tensor (a `su.memory` region), row-major. A weight also
    carries its data: read through a walk, it is then a PMU holding the weight
    as its `init` image when it fits one (no off-chip port needed)."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    data: np.ndarray | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def strides(self) -> tuple[int, ...]:
        out = []
        step = 1
        for size in reversed(self.shape):
            out.append(step)
            step *= size
        return tuple(reversed(out))

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def stream(
        self, sb: SectionBuilder, walk: Walk, index: SSAValue | None = None
    ) -> SSAValue:
        """The elements `walk` visits, on a stream: an AGCU load, or for a weight
        that fits a memory unit (bytes and address counters) a PMU whose `init`
        is the weight, read through `walk`. (Every operand the generators read
        offers this method, so an operand that is already a stream in the
        section can stand in for a memory.)"""
        if self.data is not None and resident(sb.chip, self, walk, index is not None):
            return sb.pmu(
                "w",
                [index] if index is not None else [],
                self.dtype,
                self.size,
                None,
                walk,
                init=self.data,
                gather=index is not None,
            )
        return sb.load(self, walk, index)


def resident(chip: Chip, ref: MemRef, walk: Walk, indexed: bool = False) -> bool:
    """Whether `ref` fits one memory unit and `walk` its read generator."""
    nbytes = ref.size * DTYPE_BYTES[ref.dtype]
    counters = len(walk.normalized(keep_first=indexed).counters)
    return nbytes <= chip.memory.bytes and counters <= chip.memory.counters


@dataclass(frozen=True)
class Walk:
    """A counter chain and the affine element offset `base + sum coeff_k * c_k`.

    Counters count loop indices (start 0, stride 1) except the innermost, whose
    stride is the vector width; a counter may also start elsewhere or step by
    more when its *value* is used (a `ctr<k>` stage source)."""

    counters: tuple[Counter, ...]
    coeffs: tuple[int, ...]
    base: int = 0

    @staticmethod
    def loops(
        extents: Sequence[int], coeffs: Sequence[int], lanes: int, base: int = 0
    ) -> Walk:
        """Loops `0..extent` (innermost vectorized over `lanes`) with coefficients."""
        assert len(extents) == len(coeffs) and extents
        counters = [(0, e, 1) for e in extents[:-1]]
        counters.append((0, extents[-1], max(1, min(lanes, extents[-1]))))
        return Walk(tuple(counters), tuple(coeffs), base)

    @staticmethod
    def row_major(shape: Sequence[int], lanes: int, base: int = 0) -> Walk:
        ref = MemRef("", tuple(shape) or (1,), "f32")
        return Walk.loops(ref.shape, ref.strides, lanes, base)

    @staticmethod
    def flat(size: int, lanes: int) -> Walk:
        return Walk.loops((size,), (1,), lanes)

    @property
    def shape(self) -> tuple[int, ...]:
        *outer, inner = self.counters
        trips = [-(-(stop - start) // stride) for start, stop, stride in outer]
        return (*trips, inner[1] - inner[0])

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def normalized(self, keep_first: bool = False) -> Walk:
        """The same element sequence with fewer counters: counters start at 0
        (their start folded into the base), outer counters of one iteration
        dropped, and neighbours that walk contiguously (`coeff_k == coeff_k+1 *
        extent_k+1`) merged. Address generators have few counters (4 on
        `tiny`). `keep_first` leaves the outermost counter alone (it is
        replaced by an index stream when gathering)."""
        *outer, inner = self.counters
        base = self.base
        counters: list[list[int]] = []
        coeffs = list(self.coeffs)
        for k, (start, stop, stride) in enumerate(outer):
            if keep_first and k == 0:
                counters.append([start, stop, stride])
                continue
            trips = -(-(stop - start) // stride)
            base += coeffs[k] * start
            coeffs[k] *= stride
            counters.append([0, trips, 1])
        start, stop, width = inner
        base += coeffs[-1] * start
        counters.append([0, stop - start, width])
        fixed = 1 if keep_first else 0
        changed = True
        while changed:
            changed = False
            for k in range(fixed, len(counters) - 1):
                if counters[k][1] == 1 and len(counters) > 1:
                    del counters[k], coeffs[k]
                    changed = True
                    break
                extent = counters[k + 1][1]
                if coeffs[k] == coeffs[k + 1] * extent:
                    counters[k + 1][1] *= counters[k][1]
                    del counters[k], coeffs[k]
                    changed = True
                    break
        return Walk(tuple(tuple(c) for c in counters), tuple(coeffs), base)  # type: ignore[misc]

    def flat_counters(self) -> list[int]:
        return [v for c in self.counters for v in c]

    def affine_map(self, index_symbol: bool = False) -> AffineMap:
        expr: AffineExpr = AffineExpr.constant(self.base)
        for k, coeff in enumerate(self.coeffs):
            if coeff:
                expr = expr + AffineExpr.dimension(k) * coeff
        if index_symbol:
            # the index replaces the outermost counter (its coefficient applies to s0)
            expr = AffineExpr.constant(self.base)
            for k, coeff in enumerate(self.coeffs):
                if k == 0:
                    expr = expr + AffineExpr.symbol(0) * coeff
                elif coeff:
                    expr = expr + AffineExpr.dimension(k) * coeff
        return AffineMap(len(self.counters), 1 if index_symbol else 0, (expr,))

    def agen(self, index_symbol: bool = False) -> AgenAttr:
        return AgenAttr(self.flat_counters(), self.affine_map(index_symbol))

    def addresses(self) -> np.ndarray:
        """Every offset the walk visits, in visit order (compile-time images)."""
        result = np.full(self.shape, self.base, dtype=np.int64)
        for k, ((start, _, stride), coeff) in enumerate(
            zip(self.counters, self.coeffs, strict=True)
        ):
            if not coeff:
                continue
            n = self.shape[k]
            inner = k == len(self.counters) - 1
            values = start + np.arange(n) * (1 if inner else stride)
            view = [1] * len(self.shape)
            view[k] = n
            result = result + coeff * values.reshape(view)
        return result.reshape(-1)


def tile_loop(tiles: int) -> list[Counter]:
    """The counter chain of a `matmul` PCU running `tiles` tiles: the tile loop
    and an innermost counter of one iteration. (The simulator counts tiles over
    every counter; `su-place` / `su-partition` over all but the innermost: with
    a unit innermost counter both read `tiles`.)"""
    return [(0, tiles, 1), (0, 1, 1)]


@dataclass
class Piece:
    """A part of a tensor value on a stream: the stream and the walk (into the
    tensor's row-major element space) of the elements it carries, in order."""

    stream: SSAValue
    walk: Walk


@dataclass
class SectionBuilder:
    """Collects the units of one `su.section`, naming them uniquely."""

    chip: Chip
    name: str
    ops: list[PcuOp | PmuOp | AgcuOp] = field(default_factory=lambda: [])
    reads: list[str] = field(default_factory=lambda: [])
    writes: list[str] = field(default_factory=lambda: [])
    counts: dict[str, int] = field(default_factory=lambda: {})
    prefix: str = ""

    @property
    def lanes(self) -> int:
        return self.chip.compute.lanes

    def fresh(self, stem: str) -> str:
        stem = f"{self.prefix}{stem}"
        n = self.counts.get(stem, 0)
        self.counts[stem] = n + 1
        return f"{stem}{n}"

    # -- units -------------------------------------------------------------------

    def load(self, mem: MemRef, walk: Walk, index: SSAValue | None = None) -> SSAValue:
        """An AGCU loading `walk` of `mem` (gathering rows when `index` is given:
        the index value replaces the outermost counter)."""
        if mem.name not in self.reads:
            self.reads.append(mem.name)
        walk = walk.normalized(keep_first=index is not None)
        op = AgcuOp(
            self.fresh("ld"),
            "load",
            mem.name,
            [index] if index is not None else [],
            StreamType("vector", element_attr(mem.dtype)),
            counters=walk.flat_counters(),
            map=walk.affine_map(index is not None),
        )
        self.ops.append(op)
        return op.results[0]

    def store(self, mem: MemRef, value: SSAValue, walk: Walk) -> None:
        if mem.name not in self.writes:
            self.writes.append(mem.name)
        walk = walk.normalized()
        op = AgcuOp(
            self.fresh("st"),
            "store",
            mem.name,
            [value],
            None,
            counters=walk.flat_counters(),
            map=walk.affine_map(),
        )
        self.ops.append(op)

    def pcu(
        self,
        stem: str,
        template: str,
        inputs: Sequence[SSAValue],
        counters: Sequence[Counter],
        dtype: str,
        out_dtype: str | None = None,
        stages: Sequence[tuple[str, Sequence[str]]] = (),
        constants: Sequence[float] = (),
        **extra: Attribute,
    ) -> SSAValue:
        flat = [v for c in counters for v in c]
        op = PcuOp(
            self.fresh(stem),
            template,
            list(inputs),
            StreamType("vector", element_attr(out_dtype or dtype)),
            counters=flat,
            dtype=element_attr(dtype),
            stages=[StageAttr(o, list(s)) for o, s in stages],
            constants=_constants(constants, dtype) if constants else None,
            **extra,
        )
        self.ops.append(op)
        return op.results[0]

    def pmu(
        self,
        stem: str,
        inputs: Sequence[SSAValue],
        dtype: str,
        elements: int,
        write: Walk | None,
        read: Walk | None,
        *,
        init: np.ndarray | None = None,
        gather: bool = False,
        double_buffer: bool = False,
    ) -> SSAValue:
        """A PMU of `elements` elements (rounded up to a whole number of banks'
        words); `init` is its constant image (1-D, `dtype`)."""
        nbytes = max(DTYPE_BYTES[dtype] * elements, DTYPE_BYTES[dtype])
        extra: dict[str, Attribute] = {}
        if init is not None:
            extra["init"] = _image(init, dtype, self.fresh("img"))
        if gather:
            from xdsl.dialects.builtin import BoolAttr

            extra["gather"] = BoolAttr.from_bool(True)
        if double_buffer:
            from xdsl.dialects.builtin import BoolAttr

            extra["double_buffer"] = BoolAttr.from_bool(True)
        op = PmuOp(
            self.fresh(stem),
            list(inputs),
            StreamType("vector", element_attr(dtype)) if read is not None else None,
            bytes=nbytes,
            banks=min(self.chip.memory.banks, max(1, self.lanes)),
            dtype=element_attr(dtype),
            write=write.normalized().agen() if write is not None else None,
            read=read.normalized(keep_first=gather).agen(gather)
            if read is not None
            else None,
            **extra,
        )
        self.ops.append(op)
        return op.results[0]

    def finish(self) -> SectionOp:
        section = SectionOp(self.name, self.reads, self.writes, Region(Block()))
        for op in self.ops:
            section.block.add_op(op)
        return section


def _constants(values: Sequence[float], dtype: str) -> DenseArrayBase:
    """Stage constants: `array<f32: ...>` for float units, the unit's integer
    type otherwise (the su rule)."""
    if dtype in ("f32", "bf16"):
        return DenseArrayBase.from_list(f32, [float(v) for v in values])
    return DenseArrayBase.from_list(element_attr(dtype), [int(v) for v in values])


def _image(values: np.ndarray, dtype: str, hint: str) -> Attribute:
    """A PMU's `init`: a 1-D tensor of its type; a splat or a short image as
    `dense`, anything larger as a `dense_resource` blob."""
    flat = numpy_array(np.asarray(values).reshape(-1), dtype)
    if flat.size <= 64 or np.all(flat == flat[0]):
        if np.all(flat == flat[0]):
            flat = flat[:1]
        tensor = TensorType(element_attr(dtype), [np.asarray(values).size])
        if dtype in ("f32", "bf16"):
            return DenseIntOrFPElementsAttr.from_list(
                tensor, [float(v) for v in flat.astype(np.float32)]
            )
        return DenseIntOrFPElementsAttr.from_list(tensor, [int(v) for v in flat])
    from xdsl.dialects.builtin import DenseResourceAttr

    from dfc.dialects.resources import BLOBS

    handle = BLOBS.add(hint, np.ascontiguousarray(flat))
    return DenseResourceAttr.from_params(
        handle, TensorType(element_attr(dtype), [flat.size])
    )


NUMPY_TYPES = {"f32": "float32", "i32": "int32", "i8": "int8", "i64": "int64"}


def numpy_array(values: np.ndarray, dtype: str) -> np.ndarray:
    """`values` as the numpy type of a dtype name (bf16 through ml_dtypes).

    No copy when `values` already has that type: a weight's memory image is
    then the imported constant's blob itself, not a second copy of it."""
    if dtype == "bf16":
        import ml_dtypes

        return np.asarray(values).astype(ml_dtypes.bfloat16, copy=False)
    return np.asarray(values).astype(NUMPY_TYPES[dtype], copy=False)


def memory_op(
    ref: MemRef, tier: str, offset: int, role: str, init: np.ndarray | None = None
) -> MemoryOp:
    """The `su.memory` of `ref`; an `init` image is a splat `dense<v>` when every
    element is equal (a padded scratch's fill), else a `dense_resource` blob."""
    tensor = TensorType(element_attr(ref.dtype), list(ref.shape) or [1])
    attr: Attribute | None = None
    if init is not None:
        arr = np.ascontiguousarray(numpy_array(init, ref.dtype)).reshape(ref.shape)
        flat = arr.reshape(-1)
        if flat.size and np.all(flat == flat[0]):
            value = flat[0]
            attr = DenseIntOrFPElementsAttr.from_list(
                tensor,
                [float(value) if ref.dtype in ("f32", "bf16") else int(value)],
            )
        else:
            from xdsl.dialects.builtin import DenseResourceAttr

            from dfc.dialects.resources import BLOBS

            handle = BLOBS.add(ref.name, arr)
            attr = DenseResourceAttr.from_params(handle, tensor)
    return MemoryOp(ref.name, tier, offset, tensor, role, attr)


__all__ = [
    "DTYPE_BYTES",
    "MemRef",
    "Piece",
    "SectionBuilder",
    "Walk",
    "dtype_name",
    "element_attr",
    "i32",
    "largest_divisor",
    "memory_op",
]


@dataclass
class ProgramBuilder:
    """Off-chip regions and sections of a whole `su` module, in order.

    Regions are allocated one after another in their tier, aligned to 64 bytes;
    sections run in the order they are started."""

    chip: Chip
    memories: list[MemoryOp] = field(default_factory=lambda: [])
    sections: list[SectionOp] = field(default_factory=lambda: [])
    offsets: dict[str, int] = field(default_factory=lambda: {})
    names: set[str] = field(default_factory=lambda: set())
    open: list[SectionBuilder] = field(default_factory=lambda: [])

    def memory(
        self,
        hint: str,
        shape: Sequence[int],
        dtype: str,
        role: str,
        init: np.ndarray | None = None,
        tier: str = "hbm",
    ) -> MemRef:
        name = hint
        n = 0
        while name in self.names:
            name = f"{hint}_{n}"
            n += 1
        self.names.add(name)
        data = None
        if role == "weight" and init is not None:
            data = numpy_array(np.asarray(init), dtype).reshape(-1)
        ref = MemRef(name, tuple(shape) or (1,), dtype, data)
        offset = self.offsets.get(tier, 0)
        nbytes = ref.size * DTYPE_BYTES[dtype]
        self.offsets[tier] = offset + -(-nbytes // 64) * 64
        self.memories.append(memory_op(ref, tier, offset, role, init))
        return ref

    def section(self, stem: str = "s") -> SectionBuilder:
        """A new section builder; `finish_sections` appends it (in start order)."""
        sb = SectionBuilder(self.chip, f"{stem}{len(self.open)}")
        self.open.append(sb)
        return sb

    def module(self) -> ModuleOp:
        ops: list[Operation] = [*self.memories]
        ops += [sb.finish() for sb in self.open if sb.ops]
        module = ModuleOp(ops)
        module.attributes["su.chip"] = StringAttr(self.chip.name)
        module.attributes["su.chip_fingerprint"] = StringAttr(
            self.chip.short_fingerprint
        )
        return module
