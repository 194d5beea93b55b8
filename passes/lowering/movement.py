"""Data movement as DMA walks: no compute unit, an AGCU load visiting the
input in the output's order and an AGCU store.

- `transpose`: the load walks the output dims with the permuted input strides;
- `broadcast`: stride-0 counters for repeated dims;
- `slice`: a base offset and strides `step * stride` (negative steps walk
  backwards in the map);
- `concat`: one load/store pair per operand, the store offset along the axis;
- `pad` (constant mode): the result memory gets the pad value as its initial
  image and the (cropped) input is stored into the interior;
- `reshape`: the same bytes — the driver aliases the memory (this lowering, a
  copy, only runs when the alias is not possible).

```mlir
%t = dfg.transpose %x {perm = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
// becomes
%a = su.agcu @ld0 load @x {counters = array<i64: 0, 8, 1, 0, 4, 4>, map = (d0, d1) -> (d1 * 8 + d0)}
su.agcu @st0 store @out0 (%a) {counters = array<i64: 0, 32, 4>, map = (d0) -> (d0)}
```
"""

from __future__ import annotations

from xdsl.ir import Operation

from dfc.dialects.dfg.base import shape_of

from .base import (
    LoweringError,
    broadcast_walk,
    check_counters,
    copy,
    row_major_strides,
    set_init,
)
from .su_build import MemRef, ProgramBuilder, Walk


def _move(
    program: ProgramBuilder,
    op: Operation,
    src: MemRef,
    load: Walk,
    out: MemRef,
    store: Walk | None = None,
    sb=None,  # type: ignore[no-untyped-def]
) -> None:
    sb = sb or program.section()
    load = check_counters(op, load, program.chip, f"'{op.name}' load walk")
    if store is None:
        store = Walk.flat(load.size, sb.lanes)
    store = check_counters(op, store, program.chip, f"'{op.name}' store walk")
    sb.store(out, src.stream(sb, load), store)


def program_transpose(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    perm = op.permutation()  # type: ignore[attr-defined]
    in_shape = shape_of(op.operands[0])
    strides = row_major_strides(in_shape)
    extents = [in_shape[p] for p in perm]
    coeffs = [strides[p] for p in perm]
    _move(
        program,
        op,
        operands[0],
        Walk.loops(extents or [1], coeffs or [0], program.chip.compute.lanes),
        out,
    )


def program_broadcast(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    walk = broadcast_walk(
        shape_of(op.operands[0]), shape_of(op.results[0]), program.chip.compute.lanes
    )
    _move(program, op, operands[0], walk, out)


def program_slice(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    windows = op.windows()  # type: ignore[attr-defined]
    strides = row_major_strides(shape_of(op.operands[0]))
    if any(count == 0 for _, _, count in windows):
        return  # an empty result: nothing to move
    base = sum(
        start * stride for (start, _, _), stride in zip(windows, strides, strict=True)
    )
    extents = [count for _, _, count in windows] or [1]
    coeffs = [
        step * stride for (_, step, _), stride in zip(windows, strides, strict=True)
    ] or [0]
    _move(
        program,
        op,
        operands[0],
        Walk.loops(extents, coeffs, program.chip.compute.lanes, base),
        out,
    )


def program_concat(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    axis = op.normalized_axis()  # type: ignore[attr-defined]
    out_shape = shape_of(op.results[0])
    out_strides = row_major_strides(out_shape)
    lanes = program.chip.compute.lanes
    sb = program.section()
    offset = 0
    for ref, value in zip(operands, op.operands, strict=True):
        shape = shape_of(value)
        if 0 in shape:
            continue
        store = Walk.loops(shape, out_strides, lanes, offset * out_strides[axis])
        _move(program, op, ref, Walk.flat(ref.size, lanes), out, store, sb)
        offset += shape[axis]


def program_pad(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    mode = op.attributes.get("mode")
    pads = list(op.pads.get_values())  # type: ignore[attr-defined]
    in_shape = shape_of(op.operands[0])
    rank = len(in_shape)
    begins, ends = pads[:rank], pads[rank:]
    if mode is not None and mode.data != "constant" and any(p > 0 for p in pads):  # type: ignore[attr-defined]
        raise LoweringError(
            op,
            f"'dfg.pad' in mode \"{mode.data}\" is not lowered (constant only)",  # type: ignore[attr-defined]
        )
    value_attr = op.attributes.get("value")
    value = float(value_attr.value.data) if value_attr is not None else 0.0  # type: ignore[attr-defined]
    set_init(program, out, value)
    # the part of the input that survives cropping, and where it lands
    in_strides = row_major_strides(in_shape)
    out_strides = row_major_strides(shape_of(op.results[0]))
    extents, load_base, store_base = [], 0, 0
    for k in range(rank):
        first = max(0, -begins[k])
        last = in_shape[k] - max(0, -ends[k])
        if last <= first:
            return  # everything cropped: the fill is the result
        extents.append(last - first)
        load_base += first * in_strides[k]
        store_base += max(0, begins[k]) * out_strides[k]
    lanes = program.chip.compute.lanes
    _move(
        program,
        op,
        operands[0],
        Walk.loops(extents, in_strides, lanes, load_base),
        out,
        Walk.loops(extents, out_strides, lanes, store_base),
    )


def program_reshape(
    program: ProgramBuilder, op: Operation, operands: list[MemRef], out: MemRef
) -> None:
    copy(program, operands[0], out)


PROGRAM_LOWERINGS = {
    "dfg.transpose": program_transpose,
    "dfg.broadcast": program_broadcast,
    "dfg.slice": program_slice,
    "dfg.concat": program_concat,
    "dfg.pad": program_pad,
    "dfg.reshape": program_reshape,
}
