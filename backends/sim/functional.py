"""Functional execution of one section: every unit runs its decoded configuration on
whole numpy tiles.

A stream's contents are one flat numpy array: the elements its producer emits, in
emission order (a vector is `lanes` consecutive elements; the padded lanes of a
short last vector are masked, so they are not stored). A consumer reshapes that
sequence to its own iteration space. Control streams carry tokens (a count).

    space(((0, 4, 1), (0, 8, 4)))  ->  shape (4, 8): counter 0 takes 0..3, the
    innermost counter is vectorized: elements 0..7 in 2 vectors of 4 lanes

The semantics of every template are written down in `docs/simulator.md`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ml_dtypes
import numpy as np

from dfc.backends.bitstream.program import (
    AddressGen,
    Agcu,
    Counter,
    Pcu,
    Pmu,
    Section,
    Stage,
    Unit,
)

from .errors import DeadlockError, SimulationError

NUMPY_DTYPES: dict[str, np.dtype] = {
    "f32": np.dtype(np.float32),
    "bf16": np.dtype(ml_dtypes.bfloat16),
    "i32": np.dtype(np.int32),
    "i8": np.dtype(np.int8),
    "i1": np.dtype(np.bool_),
    "i64": np.dtype(np.int64),
}

# -- iteration spaces ------------------------------------------------------------------


def trip(counter: Counter) -> int:
    start, stop, stride = counter
    return max(0, -(-(stop - start) // stride))


def space_shape(counters: Sequence[Counter]) -> tuple[int, ...]:
    """Element shape walked by a counter chain: outer trip counts, then the
    innermost counter's element extent (it is vectorized over the lanes)."""
    if not counters:
        return (1,)
    *outer, inner = counters
    return tuple(trip(c) for c in outer) + (max(0, inner[1] - inner[0]),)


def space_vectors(counters: Sequence[Counter], lanes: int) -> int:
    """Vectors a counter chain walks (the innermost stride is the vector width)."""
    if not counters:
        return 1
    *outer, inner = counters
    width = max(1, min(inner[2], lanes))
    return math.prod(trip(c) for c in outer) * -(-max(0, inner[1] - inner[0]) // width)


def counter_values(counters: Sequence[Counter], k: int) -> np.ndarray:
    """The values of counter `k` broadcast over the chain's element space."""
    shape = space_shape(counters)
    start, stop, stride = counters[k]
    inner = k == len(counters) - 1
    values = (
        np.arange(start, stop, dtype=np.int64)
        if inner
        else start + stride * np.arange(shape[k], dtype=np.int64)
    )
    view = [1] * len(shape)
    view[k] = shape[k]
    return np.broadcast_to(values.reshape(view), shape)


def addresses(agen: AddressGen, index: np.ndarray | None = None) -> np.ndarray:
    """Element addresses of an address generator over its element space:
    base + sum(coefficient_k * counter_k). With `index` (gather/scatter), the
    outermost counter's values are replaced by the index stream's values."""
    shape = space_shape(agen.counters)
    result = np.full(shape, agen.base, dtype=np.int64)
    for k, coefficient in enumerate(agen.coefficients):
        if k == 0 and index is not None:
            view = [1] * len(shape)
            view[0] = shape[0]
            result = result + coefficient * index.astype(np.int64).reshape(view)
        elif coefficient:
            result = result + coefficient * counter_values(agen.counters, k)
    return result


def address_range(agen: AddressGen) -> tuple[int, int]:
    """Smallest and largest address an unindexed generator produces (closed form)."""
    low = high = agen.base
    shape = space_shape(agen.counters)
    for k, (coefficient, (start, _, stride)) in enumerate(
        zip(agen.coefficients, agen.counters)
    ):
        if shape[k] == 0:
            return agen.base, agen.base - 1
        inner = k == len(agen.counters) - 1
        first, last = start, start + (shape[k] - 1) * (1 if inner else stride)
        a, b = coefficient * first, coefficient * last
        low += min(a, b)
        high += max(a, b)
    return low, high


# -- port plans: what every port carries -------------------------------------------------


@dataclass
class UnitPlan:
    """Elements each port of a unit moves in one run of its section."""

    unit: Unit
    inputs: list[int]
    """Elements consumed per input port (-1: a control port, takes any tokens)."""
    outputs: list[int]
    """Elements (or control tokens) produced per output port."""
    rounds: int = 1
    """PMU: buffer rounds (write a buffer, read it); PCU matmul: tiles."""
    vectors: int = 0
    """Vectors the unit's pipeline issues (its occupancy in initiation intervals)."""


def pmu_ports(unit: Pmu) -> tuple[int | None, int | None, int | None]:
    """Input port numbers of a PMU's write data, scatter index and gather index."""
    port = 0
    write = scatter = gather = None
    if unit.write is not None:
        write, port = port, port + 1
        if unit.write.indexed:
            scatter, port = port, port + 1
    if unit.read is not None and unit.read.indexed:
        gather = port
    return write, scatter, gather


def plan_section(section: Section, lanes: int) -> dict[str, UnitPlan]:
    """Element counts of every port, in dataflow order; refuses mismatched streams
    (the consumer would starve or the stream never drain) as a `DeadlockError`."""
    order = dataflow_order(section)
    streams_in: dict[tuple[str, int], tuple[int, str, tuple[str, int]]] = {}
    networks: dict[tuple[str, int], str] = {}
    for stream in section.streams:
        networks[stream.producer] = stream.network
        for end in stream.consumers:
            streams_in[end] = (stream.id, stream.network, stream.producer)
        if not stream.consumers and stream.network != "control":
            raise DeadlockError(
                section.name,
                (stream.producer[0],),
                f"stream {stream.id} from '{stream.producer[0]}' output {stream.producer[1]} "
                "has no consumer: it never drains",
            )
    plans: dict[str, UnitPlan] = {}
    for unit in order:
        supplied = []
        for port in range(len(unit.inputs)):
            sid, network, producer = streams_in[(unit.name, port)]
            supplied.append(
                -1 if network == "control" else plans[producer[0]].outputs[producer[1]]
            )
        plan = _plan_unit(section.name, unit, supplied, lanes)
        for port in range(unit.outputs):
            if networks.get((unit.name, port)) == "control":
                plan.outputs[port] = plan.rounds
        for port, have in enumerate(supplied):
            need = plan.inputs[port]
            if have >= 0 and need >= 0 and have != need:
                sid, _, producer = streams_in[(unit.name, port)]
                if have < need:
                    problem = (
                        f"'{unit.name}' input {port} needs {need} elements but stream {sid} "
                        f"from '{producer[0]}' carries only {have}: '{unit.name}' waits "
                        "forever for data that never comes"
                    )
                else:
                    problem = (
                        f"stream {sid} from '{producer[0]}' carries {have} elements but "
                        f"'{unit.name}' input {port} takes only {need}: the stream never "
                        f"drains and '{producer[0]}' stalls forever"
                    )
                raise DeadlockError(section.name, (producer[0], unit.name), problem)
        plans[unit.name] = plan
    return plans


def dataflow_order(section: Section) -> list[Unit]:
    """Units in an order where every producer comes before its consumers; a cycle
    of streams is a deadlock (every unit on it waits for another's output)."""
    units = {unit.name: unit for unit in section.units}
    preds: dict[str, set[str]] = {name: set() for name in units}
    for stream in section.streams:
        for name, _ in stream.consumers:
            preds[name].add(stream.producer[0])
    order: list[Unit] = []
    done: set[str] = set()
    pending = [unit.name for unit in section.units]
    while pending:
        ready = [name for name in pending if preds[name] <= done]
        if not ready:
            cycle = _find_cycle(pending, preds)
            raise DeadlockError(
                section.name,
                tuple(cycle),
                "the streams between these units form a cycle: each waits for "
                "another's output, so none can start",
            )
        for name in ready:
            order.append(units[name])
            done.add(name)
        pending = [name for name in pending if name not in done]
    return order


def _find_cycle(pending: list[str], preds: dict[str, set[str]]) -> list[str]:
    left = set(pending)
    node = pending[0]
    path: list[str] = []
    seen: dict[str, int] = {}
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = min(p for p in preds[node] if p in left)
    return sorted(path[seen[node] :])


def _plan_unit(section: str, unit: Unit, supplied: list[int], lanes: int) -> UnitPlan:
    where = f"section '{section}': {unit.kind} '{unit.name}'"
    if isinstance(unit, Agcu):
        size = math.prod(space_shape(unit.agen.counters))
        vectors = space_vectors(unit.agen.counters, lanes)
        index = [space_shape(unit.agen.counters)[0]] if unit.agen.indexed else []
        if unit.direction == "load":
            return UnitPlan(unit, index, [size] * unit.outputs, 1, vectors)
        return UnitPlan(unit, [size] + index, [], 1, vectors)
    if isinstance(unit, Pmu):
        write, scatter, gather = pmu_ports(unit)
        inputs = [-1] * len(unit.inputs)
        rounds = 1
        if unit.write is not None:
            per_round = math.prod(space_shape(unit.write.counters))
            have = supplied[write] if write is not None and write < len(supplied) else 0
            if per_round == 0 or have <= 0 or have % per_round:
                raise SimulationError(
                    f"{where}: its write address generator takes {per_round} elements "
                    f"per buffer round but its input stream carries {have}"
                )
            rounds = have // per_round
            inputs[write] = have
            if scatter is not None:
                inputs[scatter] = rounds * space_shape(unit.write.counters)[0]
        read_size = 0
        vectors = 0
        if unit.read is not None:
            read_size = math.prod(space_shape(unit.read.counters))
            vectors = rounds * space_vectors(unit.read.counters, lanes)
            if gather is not None:
                inputs[gather] = rounds * space_shape(unit.read.counters)[0]
        if unit.write is not None:
            vectors += rounds * space_vectors(unit.write.counters, lanes)
        return UnitPlan(
            unit, inputs, [rounds * read_size] * unit.outputs, rounds, vectors
        )
    assert isinstance(unit, Pcu)
    used = {s.index for stage in unit.stages for s in stage.sources if s.kind == "in"}
    if unit.template == "matmul":
        if unit.stages:
            raise SimulationError(
                f"{where}: a matmul with stages is not supported by the simulator"
            )
        if len(unit.inputs) < 2:
            raise SimulationError(f"{where}: a matmul needs the A and B input streams")
        m, n, k = unit.tile  # type: ignore[misc]
        tiles = math.prod(trip(c) for c in unit.counters) if unit.counters else 1
        inputs = [-1] * len(unit.inputs)
        inputs[0], inputs[1] = tiles * k * m, tiles * k * n
        return UnitPlan(unit, inputs, [tiles * m * n] * unit.outputs, tiles, tiles * k)
    size = math.prod(space_shape(unit.counters))
    vectors = space_vectors(unit.counters, lanes)
    if not unit.stages:
        used = {0}
    inputs = [size if port in used else -1 for port in range(len(unit.inputs))]
    out = size
    if unit.template == "reduce":
        out = math.prod(_reduced_shape(unit, lanes))
    return UnitPlan(unit, inputs, [out] * unit.outputs, 1, vectors)


# -- arithmetic ------------------------------------------------------------------------


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 refined by one Newton step on erf' = 2/sqrt(pi) e^-x^2
    # is not needed at bf16/f32 tolerance; 7.1.26 alone has |error| < 1.5e-7.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592
        + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return (sign * (1.0 - poly * np.exp(-a * a))).astype(x.dtype)


_FLOAT_OPS: dict[str, Callable[..., np.ndarray]] = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "fma": lambda a, b, c: a * b + c,
    "div": np.divide,
    "neg": np.negative,
    "abs": np.abs,
    "max": np.maximum,
    "min": np.minimum,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "rsqrt": lambda a: 1.0 / np.sqrt(a),
    "recip": lambda a: 1.0 / a,
    "tanh": np.tanh,
    "erf": _erf,
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
    "floor": np.floor,
    "ceil": np.ceil,
    "sin": np.sin,
    "cos": np.cos,
    "cmp": lambda a, b: (a < b).astype(a.dtype),
    "select": lambda c, a, b: np.where(c != 0, a, b),
    "cast": lambda a: a,
}
_INT_OPS: dict[str, Callable[..., np.ndarray]] = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "fma": lambda a, b, c: a * b + c,
    "div": lambda a, b: np.where(
        b != 0, np.trunc(a / np.where(b == 0, 1, b)), 0
    ).astype(a.dtype),
    "neg": np.negative,
    "abs": np.abs,
    "max": np.maximum,
    "min": np.minimum,
    "cmp": lambda a, b: (a < b).astype(a.dtype),
    "select": lambda c, a, b: np.where(c != 0, a, b),
    "cast": lambda a: a,
    "and": np.bitwise_and,
    "or": np.bitwise_or,
    "xor": np.bitwise_xor,
    "not": np.invert,
    "shl": lambda a, b: np.left_shift(a, b & 31),
    "shr": lambda a, b: np.right_shift(a, b & 31),
}


_PREDICATES: dict[str, Callable[..., np.ndarray]] = {
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "eq": np.equal,
    "ne": np.not_equal,
}
"""`cmp.<predicate>` (format 1.1): IEEE comparisons, so NaN compares unequal to
everything (also to itself) and equal infinities compare equal."""


def _modified(op: str, modifier: str) -> Callable[..., np.ndarray] | None:
    """The function of a stage with a modifier: `cmp.<predicate>` gives 1/0 in
    the unit's type; `cast.<type>` rounds (floats) or truncates toward zero and
    wraps (integers) to the type, the result staying in the unit's type."""
    if op == "cmp" and modifier in _PREDICATES:
        predicate = _PREDICATES[modifier]
        return lambda a, b: predicate(a, b).astype(a.dtype)
    if op == "cast" and modifier in NUMPY_DTYPES:
        target = NUMPY_DTYPES[modifier]

        def cast(a: np.ndarray) -> np.ndarray:
            if np.dtype(target).kind == "i" and a.dtype.kind == "f":
                a = np.trunc(np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0))
                return a.astype(np.int64).astype(target)
            return a.astype(target)

        return cast
    return None


def compute_dtype(dtype: str) -> np.dtype:
    """The numpy type arithmetic runs in: f32 for f32 and bf16 (rounded back to bf16
    after every stage), int64 for the integer types (wrapped after every stage)."""
    return np.dtype(np.float32) if dtype in ("f32", "bf16") else np.dtype(np.int64)


def to_unit(values: np.ndarray, dtype: str) -> np.ndarray:
    """Round/wrap `values` to `dtype`, returned in the compute type."""
    return np.asarray(values).astype(NUMPY_DTYPES[dtype]).astype(compute_dtype(dtype))


def run_stages(
    where: str, unit: Pcu, inputs: list[np.ndarray | None], shape: tuple[int, ...]
) -> np.ndarray:
    """Apply a PCU's stage pipeline to whole tiles of its element space."""
    if not unit.stages:
        first = inputs[0] if inputs else None
        if first is None:
            raise SimulationError(f"{where}: a stage-less unit needs a data input 0")
        return first
    ops = _INT_OPS if unit.dtype in ("i32", "i8") else _FLOAT_OPS
    results: list[np.ndarray] = []
    ctype = compute_dtype(unit.dtype)
    for j, stage in enumerate(unit.stages):
        args = [_source(where, unit, inputs, results, shape, s) for s in stage.sources]
        op = ops.get(stage.op)
        if stage.modifier is not None:
            op = _modified(stage.op, stage.modifier)
        if op is None:
            raise SimulationError(
                f"{where}: stage {j} '{stage.op}' is not defined on {unit.dtype}"
            )
        with np.errstate(all="ignore"):
            value = op(*[a.astype(ctype, copy=False) for a in args])
        results.append(to_unit(value, unit.dtype))
    return results[-1]


def _source(where: str, unit: Pcu, inputs, results, shape, source) -> np.ndarray:  # type: ignore[no-untyped-def]
    if source.kind == "in":
        value = inputs[source.index] if source.index < len(inputs) else None
        if value is None:
            raise SimulationError(
                f"{where}: stage source in{source.index} is not a data stream"
            )
        return value
    if source.kind == "s":
        return results[source.index]
    if source.kind == "c":
        return to_unit(np.full(shape, unit.constants[source.index]), unit.dtype)
    return to_unit(counter_values(unit.counters, source.index), unit.dtype)


_REDUCE = {"add": np.add, "max": np.maximum, "min": np.minimum}
_IDENTITY = {"add": 0, "max": -np.inf, "min": np.inf}


def _reduced_shape(unit: Pcu, lanes: int) -> tuple[int, ...]:
    shape = list(space_shape(unit.counters))
    last = len(shape) - 1
    width = max(1, min(unit.counters[-1][2], lanes)) if unit.counters else 1
    outer = [shape[k] for k in range(last) if k not in unit.reduce_counters]
    vectors, keep_lanes = -(-shape[last] // width), width
    inner: list[int] = []
    if last not in unit.reduce_counters:
        inner.append(vectors)
    if not unit.reduce_lanes:
        inner.append(keep_lanes)
    if last not in unit.reduce_counters and not unit.reduce_lanes:
        inner = [shape[last]]
    return tuple(outer + inner) or (1,)


def run_reduce(where: str, unit: Pcu, values: np.ndarray, lanes: int) -> np.ndarray:
    """Accumulate over `reduce_counters` (and across lanes with `reduce_lanes`) in
    the accumulation type; padded lanes hold the operation's identity."""
    acc = unit.accumulate or unit.dtype
    atype = compute_dtype(acc)
    op = _REDUCE[unit.reduce_op or "add"]
    shape = values.shape
    last = len(shape) - 1
    width = max(1, min(unit.counters[-1][2], lanes)) if unit.counters else 1
    vectors = -(-shape[last] // width)
    identity = _IDENTITY[unit.reduce_op or "add"]
    if atype.kind == "i" and not np.isfinite(identity):
        identity = np.iinfo(np.int32).min if identity < 0 else np.iinfo(np.int32).max
    padded = np.full(shape[:last] + (vectors * width,), identity, dtype=atype)
    padded[..., : shape[last]] = values.astype(atype)
    split = padded.reshape(shape[:last] + (vectors, width))
    axes = [k for k in unit.reduce_counters if k != last]
    if last in unit.reduce_counters:
        axes.append(last)
    if unit.reduce_lanes:
        axes.append(last + 1)
    result = op.reduce(split, axis=tuple(axes)) if axes else split
    if last not in unit.reduce_counters and not unit.reduce_lanes:
        result = result.reshape(result.shape[:-2] + (vectors * width,))[
            ..., : shape[last]
        ]
    return to_unit(result, acc)


_SCAN = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}


# -- units -----------------------------------------------------------------------------


class SectionState:
    """The memory the functional model reads and writes: off-chip regions (flat
    arrays by memory name) and PMU buffers retained between sections."""

    def __init__(self, memories: dict[str, np.ndarray]) -> None:
        self.memories = memories
        self.retained: dict[str, np.ndarray] = {}


def run_section(
    section: Section, plans: dict[str, UnitPlan], state: SectionState, lanes: int
) -> None:
    """Run every unit of `section` in dataflow order on whole tiles."""
    consumers: dict[tuple[str, int], tuple[str, int]] = {}
    for stream in section.streams:
        for end in stream.consumers:
            consumers[end] = stream.producer
    dtypes = {stream.producer: stream.dtype for stream in section.streams}
    data: dict[tuple[str, int], np.ndarray | None] = {}
    kept: dict[str, np.ndarray] = {}
    for unit in dataflow_order(section):
        where = f"section '{section.name}': {unit.kind} '{unit.name}'"
        ins = [data.get(consumers[(unit.name, p)]) for p in range(len(unit.inputs))]
        plan = plans[unit.name]
        outs = _run_unit(where, unit, plan, ins, state, lanes, kept)
        for port in range(unit.outputs):
            dtype = dtypes.get((unit.name, port), "f32")
            value = outs if dtype != "i1" else None
            data[(unit.name, port)] = (
                None
                if value is None
                else np.ascontiguousarray(value).reshape(-1).astype(NUMPY_DTYPES[dtype])
            )
    state.retained = {name: kept[name] for name in section.retain if name in kept}


def _run_unit(where, unit, plan, ins, state, lanes, kept):  # type: ignore[no-untyped-def]
    if isinstance(unit, Agcu):
        region = state.memories[unit.memory]
        index = None
        if unit.agen.indexed:
            index = ins[-1]
        addr = addresses(unit.agen, index)
        _check_addresses(where, addr, region.size, f"memory '{unit.memory}'")
        if unit.direction == "load":
            return region[addr]
        region[addr.reshape(-1)] = ins[0].astype(region.dtype)
        return None
    if isinstance(unit, Pmu):
        return _run_pmu(where, unit, plan, ins, state, kept)
    if unit.template == "matmul":
        m, n, k = unit.tile
        a = to_unit(ins[0], unit.dtype).reshape(plan.rounds, k, m)
        b = to_unit(ins[1], unit.dtype).reshape(plan.rounds, k, n)
        acc = unit.accumulate or unit.dtype
        c = np.matmul(
            a.transpose(0, 2, 1).astype(compute_dtype(acc)),
            b.astype(compute_dtype(acc)),
        )
        return to_unit(c, acc)
    shape = space_shape(unit.counters)
    tiles = [
        None if x is None or plan.inputs[p] < 0 else x.reshape(shape)
        for p, x in enumerate(ins)
    ]
    tiles = [None if x is None else to_unit(x, unit.dtype) for x in tiles]
    values = run_stages(where, unit, tiles, shape)
    if unit.template == "reduce":
        return run_reduce(where, unit, values, lanes)
    if unit.template == "scan":
        axis = unit.scan_counter
        return to_unit(
            _SCAN[unit.scan_op].accumulate(
                values.astype(compute_dtype(unit.dtype)), axis=axis
            ),
            unit.dtype,
        )
    return values


def _check_addresses(where: str, addr: np.ndarray, size: int, what: str) -> None:
    if addr.size and (addr.min() < 0 or addr.max() >= size):
        bad = int(addr.max()) if addr.max() >= size else int(addr.min())
        raise SimulationError(
            f"{where}: address {bad} is outside {what} ({size} elements)"
        )


def _run_pmu(where, unit: Pmu, plan: UnitPlan, ins, state: SectionState, kept):  # type: ignore[no-untyped-def]
    dtype = NUMPY_DTYPES[unit.dtype]
    half = unit.bytes // dtype.itemsize
    halves = 2 if unit.double_buffer else 1
    buffer = state.retained.get(unit.name)
    if buffer is None or buffer.size != half * halves or buffer.dtype != dtype:
        buffer = np.zeros(half * halves, dtype=dtype)
    else:
        buffer = buffer.copy()
    if unit.init is not None:
        image = np.frombuffer(
            unit.init[: len(unit.init) // dtype.itemsize * dtype.itemsize], dtype=dtype
        )
        buffer[: image.size] = image
    write_port, scatter_port, gather_port = pmu_ports(unit)
    outs = []
    wdata = sidx = gidx = None
    if unit.write is not None:
        wdata = ins[write_port].astype(dtype).reshape(plan.rounds, -1)
        if scatter_port is not None:
            sidx = ins[scatter_port].reshape(plan.rounds, -1)
    if gather_port is not None:
        gidx = ins[gather_port].reshape(plan.rounds, -1)
    for r in range(plan.rounds):
        offset = (r % halves) * half
        if unit.write is not None:
            addr = addresses(unit.write, None if sidx is None else sidx[r]).reshape(-1)
            _check_addresses(where, addr, half, "its buffer")
            buffer[offset + addr] = wdata[r]
        if unit.read is not None:
            addr = addresses(unit.read, None if gidx is None else gidx[r]).reshape(-1)
            _check_addresses(where, addr, half, "its buffer")
            outs.append(buffer[offset + addr])
    kept[unit.name] = buffer
    if not outs:
        return np.zeros(0, dtype=dtype)
    return np.concatenate(outs)


def stage_flops(stages: Sequence[Stage]) -> int:
    """Arithmetic operations per element of a stage pipeline (an fma counts two)."""
    return sum(2 if stage.op == "fma" else 1 for stage in stages)
