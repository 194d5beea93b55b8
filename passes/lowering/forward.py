"""Stream forwarding: consecutive sections of one `dfg.kernel` become one
section when the later one reads what the earlier one wrote in the same order.

A lowering stores its result to memory and the next lowering loads it. When
the load walks the memory exactly as the store did (same counters and map),
the load is replaced by the stored stream (fan-out is free) and the two
sections are merged; the store stays only when the tensor is still needed
afterwards (an output, or read by a later section). Merging stops at kernel
boundaries (`dfg-fuse` decided them) and whenever the pair would race in one
section: the later section writes what the earlier reads or writes, or reads a
written memory in another order. `su-partition` splits a merged section that
exceeds the chip's unit counts.

```mlir
su.section @s0 {reads = [@x], writes = [@t]} { ... su.agcu @st0 store @t (%h) {W} }
su.section @s1 {reads = [@t], writes = [@y]} { %a = su.agcu @ld0 load @t {W} ... }
// becomes one section: %a's users read %h; @t and its store are gone
```
"""

from __future__ import annotations

from xdsl.dialects.builtin import StringAttr

from dfc.dialects.su import AgcuOp

from .su_build import ProgramBuilder, SectionBuilder


def _walk_key(op: AgcuOp) -> tuple[tuple[int, ...], str]:
    """The element order of a DMA: counters and map, without the innermost
    counter's vector width (a stream is a flat element sequence: producer and
    consumer may cut it into vectors differently)."""
    counters = list(op.attributes["counters"].get_values())  # type: ignore[attr-defined]
    if counters:
        counters[-1] = 0
    return (tuple(counters), str(op.attributes["map"]))


def _try_merge(
    a: SectionBuilder, b: SectionBuilder, later_reads: set[str], outputs: set[str]
) -> bool:
    """Merge `b` into `a` (in place) when it is safe; False leaves both as
    they were."""
    if set(b.writes) & (set(a.reads) | set(a.writes)):
        return False
    stores: dict[str, list[AgcuOp]] = {}
    for op in a.ops:
        if isinstance(op, AgcuOp) and not op.is_load:
            stores.setdefault(op.memory_name, []).append(op)
    forwarded: list[tuple[AgcuOp, AgcuOp]] = []
    for op in b.ops:
        if not isinstance(op, AgcuOp) or not op.is_load:
            continue
        name = op.memory_name
        if name not in a.writes:
            continue
        candidates = stores.get(name, [])
        if len(candidates) != 1 or len(op.operands) != 0:
            return False
        store = candidates[0]
        if len(store.operands) != 1 or _walk_key(store) != _walk_key(op):
            return False
        forwarded.append((op, store))
    if not forwarded:
        return False
    # rename b's units that clash with a's
    taken = {op.sym_name.data for op in a.ops}  # type: ignore[attr-defined]
    for op in b.ops:
        name = op.sym_name.data  # type: ignore[attr-defined]
        if name in taken:
            k = 0
            while f"{name}_{k}" in taken:
                k += 1
            name = f"{name}_{k}"
            op.attributes["sym_name"] = StringAttr(name)
        taken.add(name)
    dropped_loads = set()
    for load, store in forwarded:
        load.results[0].replace_all_uses_with(store.operands[0])
        dropped_loads.add(load)
    ops = [op for op in b.ops if op not in dropped_loads]
    still_read = {op.memory_name for op in ops if isinstance(op, AgcuOp) and op.is_load}
    # a forwarded tensor nobody reads later and that is not an output: no store
    dead = {
        store.memory_name
        for _, store in forwarded
        if store.memory_name not in later_reads
        and store.memory_name not in outputs
        and store.memory_name not in still_read
    }
    kept = []
    for op in a.ops:
        if isinstance(op, AgcuOp) and not op.is_load and op.memory_name in dead:
            op.drop_all_references()  # the stream loses this consumer
        else:
            kept.append(op)
    for load in dropped_loads:
        load.drop_all_references()
    a.ops = kept + ops
    a.reads = [m for m in a.reads] + [
        m for m in b.reads if m in still_read and m not in a.reads
    ]
    a.writes = [m for m in a.writes if m not in dead] + list(b.writes)
    b.ops = []
    b.reads, b.writes = [], []
    return True


def forward_streams(program: ProgramBuilder, tags: list[object | None]) -> None:
    """Merge runs of sections with the same non-None tag (their kernel) where
    `_try_merge` allows; drop scratch memories no section uses any more."""
    sections = program.open
    outputs = {m.sym_name.data for m in program.memories if m.role.data == "output"}
    reads_after: list[set[str]] = [set() for _ in sections]
    seen: set[str] = set()
    for i in range(len(sections) - 1, -1, -1):
        reads_after[i] = set(seen)
        seen |= set(sections[i].reads)
    current = 0
    for i in range(1, len(sections)):
        a, b = sections[current], sections[i]
        if tags[i] is None or tags[i] != tags[current] or not b.ops:
            current = i
            continue
        if not _try_merge(a, b, reads_after[i], outputs):
            current = i
    used: set[str] = set()
    for sb in sections:
        used |= set(sb.reads) | set(sb.writes)
        for op in sb.ops:
            if isinstance(op, AgcuOp):
                used.add(op.memory_name)
    program.memories = [
        m
        for m in program.memories
        if m.role.data != "scratch" or m.sym_name.data in used
    ]
