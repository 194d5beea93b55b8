"""The `su` type and attributes, and the arithmetic shared by verifiers and tools:
counter chains (trip counts) and the address range of an affine map over a chain.

- `!su.stream<vector, f32>`: a stream on one network carrying one element type;
- `#su.stage<mul(in0, c0)>`: one PCU pipeline stage (op and sources);
- `#su.agen<counters = array<i64: ...>, map = affine_map<...>>`: an address
  generator (counter chain + affine map to an element address).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    BFloat16Type,
    DenseArrayBase,
    Float32Type,
    IntegerType,
    StringAttr,
    i64,
)
from xdsl.ir import Attribute, ParametrizedAttribute, TypeAttribute
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from dfc.backends.chip import STAGE_OPS

# ---------------------------------------------------------------------------
# Element types and networks
# ---------------------------------------------------------------------------

NETWORKS = ("vector", "scalar", "control")
"""The three networks of the switch mesh (see docs/execution-model.md)."""

ELEMENT_TYPE_NAMES = ("f32", "bf16", "i32", "i8", "i1")
"""Element types a stream may carry (i1 only on the control network)."""

DTYPE_NAMES = ("f32", "bf16", "i32", "i8")
"""Arithmetic (PCU) and storage (PMU) data types; names as in the chip model."""

ACCUMULATE_NAMES = ("f32", "i32")

ROLES = ("input", "output", "weight", "scratch")
OFFCHIP_TIERS = ("hbm", "ddr")
DIRECTIONS = ("load", "store")
REDUCE_OPS = ("add", "max", "min")
SCAN_OPS = ("add", "max", "min", "mul")


def type_name(t: Attribute) -> str | None:
    """`f32`, `bf16`, `i32`, `i8`, `i1`, or None for any other type."""
    if isinstance(t, Float32Type):
        return "f32"
    if isinstance(t, BFloat16Type):
        return "bf16"
    if isinstance(t, IntegerType) and t.width.data in (32, 8, 1):
        return f"i{t.width.data}"
    return None


def element_bytes(t: Attribute) -> int:
    """Storage bytes of one element (i1 takes a byte)."""
    return {"f32": 4, "bf16": 2, "i32": 4, "i8": 1, "i1": 1}[type_name(t) or "?"]


def format_bytes(n: int) -> str:
    """`512 KiB`, `2 MiB`, or `600 bytes` when not a whole KiB."""
    if n >= 1 << 30 and n % (1 << 30) == 0:
        return f"{n >> 30} GiB"
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n >> 20} MiB"
    if n >= 1 << 10 and n % (1 << 10) == 0:
        return f"{n >> 10} KiB"
    return f"{n} bytes"


def format_coord(coord: Sequence[int]) -> str:
    return "(" + ", ".join(str(v) for v in coord) + ")"


# ---------------------------------------------------------------------------
# Counter chains and address ranges
# ---------------------------------------------------------------------------

Counter = tuple[int, int, int]
"""(start, stop, stride) of one counter."""


def trip_count(counter: Counter) -> int:
    """Iterations of a counter: ceil((stop - start) / stride), at least 0."""
    start, stop, stride = counter
    return max(0, -(-(stop - start) // stride)) if stride > 0 else 0


def counter_chain(attr: DenseArrayBase | None) -> list[Counter]:
    """The (start, stop, stride) triples of a `counters` array, outermost first."""
    if attr is None:
        return []
    values = [int(v) for v in attr.get_values()]
    return [
        (values[i], values[i + 1], values[i + 2]) for i in range(0, len(values) - 2, 3)
    ]


def counter_problem(attr: DenseArrayBase) -> str | None:
    """Why a `counters` array is not a valid chain, or None. The message starts
    with the attribute's subject ("counters ...", "counter 1 ...")."""
    values = [int(v) for v in attr.get_values()]
    if len(values) % 3:
        return (
            f"counters must be (start, stop, stride) triples, got {len(values)} values"
        )
    if not values:
        return "counters must hold at least one (start, stop, stride) triple"
    for index, counter in enumerate(counter_chain(attr)):
        start, stop, stride = counter
        if stride <= 0:
            return f"counter {index} has stride {stride}; strides must be positive"
        if trip_count(counter) == 0:
            return (
                f"counter {index} runs 0 times "
                f"(start {start}, stop {stop}, stride {stride})"
            )
    return None


def counter_ranges(chain: Sequence[Counter], vectorized: bool = True) -> list[Interval]:
    """The values each counter takes. With `vectorized`, the innermost counter
    covers every element it steps over (its lanes): start .. stop - 1."""
    ranges: list[Interval] = []
    for index, counter in enumerate(chain):
        start, stop, stride = counter
        if vectorized and index == len(chain) - 1:
            ranges.append(Interval(start, stop - 1))
        else:
            ranges.append(Interval(start, start + (trip_count(counter) - 1) * stride))
    return ranges


def vector_width(chain: Sequence[Counter]) -> int:
    """Elements per vector: the innermost counter's stride (1 for no counter)."""
    return chain[-1][2] if chain else 1


class Interval(NamedTuple):
    """A closed integer range [lo, hi]."""

    lo: int
    hi: int


def _combine(a: Interval, b: Interval, f: object) -> Interval:
    assert callable(f)
    values = [f(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    return Interval(min(values), max(values))


def expr_range(
    expr: AffineExpr, dims: Sequence[Interval], symbols: Sequence[Interval]
) -> Interval:
    """Bounds of an affine expression over boxes of dims and symbols (interval
    arithmetic: exact for expressions where each dim appears once)."""
    if isinstance(expr, AffineConstantExpr):
        return Interval(expr.value, expr.value)
    if isinstance(expr, AffineDimExpr):
        return dims[expr.position]
    if isinstance(expr, AffineSymExpr):
        return symbols[expr.position]
    assert isinstance(expr, AffineBinaryOpExpr)
    lhs = expr_range(expr.lhs, dims, symbols)
    rhs = expr_range(expr.rhs, dims, symbols)
    kind = expr.kind
    if kind == AffineBinaryOpKind.Add:
        return Interval(lhs.lo + rhs.lo, lhs.hi + rhs.hi)
    if kind == AffineBinaryOpKind.Mul:
        return _combine(lhs, rhs, lambda x, y: x * y)
    if rhs.lo <= 0 <= rhs.hi:
        raise ValueError(f"division by a range that holds 0 in {expr}")
    if kind == AffineBinaryOpKind.FloorDiv:
        return _combine(lhs, rhs, lambda x, y: x // y)
    if kind == AffineBinaryOpKind.CeilDiv:
        return _combine(lhs, rhs, lambda x, y: -(-x // y))
    # Mod by a constant c > 0: exact when the range does not wrap.
    if rhs.lo == rhs.hi and rhs.lo > 0:
        c = rhs.lo
        if lhs.lo // c == lhs.hi // c:
            return Interval(lhs.lo % c, lhs.hi % c)
        return Interval(0, c - 1)
    bound = max(abs(rhs.lo), abs(rhs.hi)) - 1
    return Interval(-bound, bound)


def address_range(
    map_: AffineMap,
    chain: Sequence[Counter],
    *,
    vectorized: bool = True,
    symbols: Sequence[Interval] | None = None,
) -> Interval:
    """Smallest and largest address the first result of `map_` produces when
    its dims walk `chain` (innermost vectorized) and its symbols (gather /
    scatter indices) stay in `symbols` (default: every symbol 0)."""
    dims = counter_ranges(chain, vectorized)
    syms = (
        list(symbols) if symbols is not None else [Interval(0, 0)] * (map_.num_symbols)
    )
    return expr_range(map_.results[0], dims, syms)


# ---------------------------------------------------------------------------
# !su.stream
# ---------------------------------------------------------------------------


def stream_problem(network: str, element: Attribute) -> str | None:
    if network not in NETWORKS:
        return f"unknown network '{network}'; networks: {', '.join(NETWORKS)}"
    name = type_name(element)
    if name is None:
        return f"stream element type {element} is not one of " + ", ".join(
            ELEMENT_TYPE_NAMES
        )
    if (name == "i1") != (network == "control"):
        return "control streams carry i1, and only control streams do"
    return None


@irdl_attr_definition
class StreamType(ParametrizedAttribute, TypeAttribute):
    """A stream: vectors (or words, or tokens) flowing from one output port to
    one or more input ports over one network of the switch mesh.

    ```mlir
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>,
        map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    ```
    The network is `vector`, `scalar` or `control`; the element type f32, bf16,
    i32 or i8, or i1 on the control network.
    """

    name = "su.stream"

    network: StringAttr
    """`vector`, `scalar` or `control`."""
    element_type: Attribute
    """The element type of the data the stream carries."""

    def __init__(self, network: str | StringAttr, element_type: Attribute) -> None:
        if isinstance(network, str):
            network = StringAttr(network)
        super().__init__(network, element_type)

    @property
    def network_name(self) -> str:
        return self.network.data

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            start = parser.pos
            network = parser.parse_identifier("network (vector, scalar or control)")
            parser.parse_punctuation(",")
            element = parser.parse_type()
            problem = stream_problem(network, element)
            if problem is not None:
                parser.raise_error(problem, start, parser.pos)
        return (StringAttr(network), element)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(self.network.data + ", ")
            printer.print_attribute(self.element_type)

    def verify(self) -> None:
        problem = stream_problem(self.network.data, self.element_type)
        if problem is not None:
            raise VerifyException(problem)


# ---------------------------------------------------------------------------
# #su.stage
# ---------------------------------------------------------------------------

UNARY_STAGE_OPS = frozenset(
    [
        "neg",
        "abs",
        "exp",
        "log",
        "sqrt",
        "rsqrt",
        "recip",
        "tanh",
        "erf",
        "sigmoid",
        "floor",
        "ceil",
        "sin",
        "cos",
        "cast",
        "not",
    ]
)
TERNARY_STAGE_OPS = frozenset({"fma", "select"})
STAGE_MODIFIERS: dict[str, tuple[str, ...]] = {
    "cmp": ("lt", "le", "gt", "ge", "eq", "ne"),
    "cast": ELEMENT_TYPE_NAMES,
}
"""Stage ops that need a modifier, written `op.modifier`: the predicate of `cmp`
and the target type of `cast`."""

SOURCE_KINDS = ("in", "s", "c", "ctr")
_SOURCE = re.compile(r"^(in|s|c|ctr)(\d+)$")


def stage_arity(op: str) -> int:
    if op in UNARY_STAGE_OPS:
        return 1
    if op in TERNARY_STAGE_OPS:
        return 3
    return 2


class StageSource(NamedTuple):
    """Where a stage operand comes from: `in` (input port), `s` (an earlier
    stage's result), `c` (a constant) or `ctr` (a counter's value), and index."""

    kind: str
    index: int

    def __str__(self) -> str:
        return f"{self.kind}{self.index}"


class Stage(NamedTuple):
    """A stage as plain values: op (`mul`), modifier (`lt` for `cmp.lt`, else
    None) and sources."""

    op: str
    modifier: str | None
    sources: tuple[StageSource, ...]


def stage_problem(op: str, sources: Sequence[str]) -> str | None:
    base, _, modifier = op.partition(".")
    if base not in STAGE_OPS:
        return f"unknown stage op '{base}'"
    allowed = STAGE_MODIFIERS.get(base)
    if allowed is None and modifier:
        return f"stage op '{base}' takes no modifier, got '{op}'"
    if allowed is not None and modifier not in allowed:
        return (
            f"stage op '{base}' needs a modifier '{base}.<m>' with m one of "
            + ", ".join(allowed)
        )
    for source in sources:
        if _SOURCE.match(source) is None:
            return f"stage source '{source}' is not in<i>, s<j>, c<k> or ctr<k>"
    arity = stage_arity(base)
    if len(sources) != arity:
        return f"stage op '{base}' takes {arity} sources, got {len(sources)}"
    return None


@irdl_attr_definition
class StageAttr(ParametrizedAttribute):
    """One pipeline stage of a PCU: an op from the chip's stage vocabulary applied
    to its sources, `in<i>` (input port i), `s<j>` (stage j's result, j earlier),
    `c<k>` (constant k) or `ctr<k>` (counter k's value). `cmp` and `cast` carry a
    modifier: `cmp.lt`, `cast.bf16`.

    ```mlir
    %y = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 16, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>],
        constants = array<f32: 2.0, 1.0>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    ```
    """

    name = "su.stage"

    op: StringAttr
    """The stage op, with its modifier if any (`mul`, `cmp.lt`)."""
    sources: ArrayAttr[StringAttr]
    """The operands, as `in0`, `s1`, `c0`, `ctr2`."""

    def __init__(self, op: str, sources: Sequence[str | StageSource]) -> None:
        super().__init__(
            StringAttr(op), ArrayAttr([StringAttr(str(s)) for s in sources])
        )

    def stage(self) -> Stage:
        base, _, modifier = self.op.data.partition(".")
        return Stage(base, modifier or None, self.source_list())

    def source_list(self) -> tuple[StageSource, ...]:
        result: list[StageSource] = []
        for source in self.sources.data:
            match = _SOURCE.match(source.data)
            assert match is not None, source.data
            result.append(StageSource(match.group(1), int(match.group(2))))
        return tuple(result)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            start = parser.pos
            op = parser.parse_identifier("stage op")
            sources = parser.parse_comma_separated_list(
                parser.Delimiter.PAREN, lambda: parser.parse_identifier("source")
            )
            problem = stage_problem(op, sources)
            if problem is not None:
                parser.raise_error(problem, start, parser.pos)
        return (StringAttr(op), ArrayAttr([StringAttr(s) for s in sources]))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(self.op.data + "(")
            printer.print_string(", ".join(s.data for s in self.sources.data))
            printer.print_string(")")

    def verify(self) -> None:
        problem = stage_problem(self.op.data, [s.data for s in self.sources.data])
        if problem is not None:
            raise VerifyException(problem)


# ---------------------------------------------------------------------------
# #su.agen
# ---------------------------------------------------------------------------


def agen_problem(counters: DenseArrayBase, map_: AffineMap) -> str | None:
    if counters.elt_type != i64:
        return f"counters must be an array<i64: ...>, got {counters.elt_type}"
    problem = counter_problem(counters)
    if problem is not None:
        return problem
    depth = len(counter_chain(counters))
    if map_.num_dims != depth:
        return f"the map has {map_.num_dims} dims but there are {depth} counters"
    if len(map_.results) != 1:
        return f"the map must give one address, it gives {len(map_.results)}"
    if map_.num_symbols > 1:
        return (
            "the map may have at most one symbol (the index of a gather or "
            f"scatter), it has {map_.num_symbols}"
        )
    return None


@irdl_attr_definition
class AgenAttr(ParametrizedAttribute):
    """An address generator: a counter chain (outermost first, `(start, stop,
    stride)` triples, innermost vectorized) and an affine map from the counter
    values to an element address. A symbol `s0` in the map is the value of the
    index stream (gather on read, scatter on write).

    ```mlir
    %t = su.pmu @m0 (%y) {bytes = 64 : i64, banks = 4 : i64, dtype = f32,
        write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>,
        read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(j, i) -> (i * 4 + j)>>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    ```
    """

    name = "su.agen"

    counters: DenseArrayBase
    """`array<i64: start, stop, stride, ...>`, outermost counter first."""
    map: AffineMapAttr
    """From the counter values (and the index, as `s0`) to an element address."""

    def __init__(
        self, counters: Sequence[int] | DenseArrayBase, map_: AffineMap | AffineMapAttr
    ) -> None:
        if not isinstance(counters, DenseArrayBase):
            counters = DenseArrayBase.from_list(i64, list(counters))
        if isinstance(map_, AffineMap):
            map_ = AffineMapAttr(map_)
        super().__init__(counters, map_)

    @property
    def affine_map(self) -> AffineMap:
        return self.map.data

    def counter_chain(self) -> list[Counter]:
        return counter_chain(self.counters)

    def trip_counts(self) -> list[int]:
        return [trip_count(c) for c in self.counter_chain()]

    @property
    def indexed(self) -> bool:
        """True when the map reads an index stream (gather / scatter)."""
        return self.map.data.num_symbols == 1

    def address_range(self) -> Interval:
        return address_range(self.affine_map, self.counter_chain())

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            start = parser.pos
            parser.parse_keyword("counters")
            parser.parse_punctuation("=")
            counters = parser.parse_attribute()
            if not isinstance(counters, DenseArrayBase):
                parser.raise_error(
                    "expected counters = array<i64: ...>", start, parser.pos
                )
            parser.parse_punctuation(",")
            parser.parse_keyword("map")
            parser.parse_punctuation("=")
            map_ = parser.parse_attribute()
            if not isinstance(map_, AffineMapAttr):
                parser.raise_error("expected map = affine_map<...>", start, parser.pos)
            problem = agen_problem(counters, map_.data)
            if problem is not None:
                parser.raise_error(problem, start, parser.pos)
        return (counters, map_)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string("counters = ")
            printer.print_attribute(self.counters)
            printer.print_string(", map = ")
            printer.print_attribute(self.map)

    def verify(self) -> None:
        problem = agen_problem(self.counters, self.map.data)
        if problem is not None:
            raise VerifyException(problem)
