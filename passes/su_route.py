"""`su-route{chip=NAME congestion-map=PATH}`: route every stream through the
switch mesh; `su-check-routes`: check that every input port is connected.

`su-route` is PathFinder negotiated-congestion routing, per section and per
network (vector, scalar, control): a directed link carries at most the chip's
`<network>_streams_per_link` streams. Each stream is routed as a tree from its
producer's tile: sinks in order of distance, each by A* from the whole tree so
far (a fan-out stream occupies a link once, however many of its consumers lie
beyond it). A link costs `(1 + history) x (1 + present x overuse)`; after every
iteration over-used links raise their history and the present factor grows, so
streams negotiate who takes the contested links; the final result does not
depend on which stream was routed first. When links stay over-used after
`iterations`, the units are placed again with the congested tiles penalised
(`feedback-rounds` times; retained PMUs keep their tiles) and routing is
retried. If the section is still unroutable the pass fails at the section,
naming the most over-used links with demand / capacity and the streams that
cross them. `congestion-map=PATH` writes the demand of every used link as JSON.

```mlir
// dfc-opt prog.mlir -p 'su-place{chip=tiny},su-route{chip=tiny}'
%m = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, ...}
// ->
%m = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>], ...}
```

Routes are written exactly as `docs/su-dialect.md` fixes them: per input port
the switch coordinates from the producer's tile to the consumer's.
"""

# No `from __future__ import annotations`: xDSL reads option types from fields.
import heapq
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.dialects.builtin import ArrayAttr, DenseArrayBase, i64
from xdsl.passes import ModulePass

from dfc.backends.chip import Chip
from dfc.dialects.diagnostics import DfcDiagnosticError
from dfc.dialects.su import SectionOp, UnitOp, sections
from dfc.dialects.su.chip_checks import module_chip, route_problem, section_analysis

from .su_place import Net, place_section, resolve_chip, section_nets, set_coordinate

Coord = tuple[int, int]
DIRS = ((-1, 0), (0, 1), (1, 0), (0, -1))
"""North, east, south, west: link id = 4 x tile + direction."""


@dataclass
class RouteResult:
    """Routing of one section: per net its tree (child tile -> parent tile) and
    per directed link and network the streams using it."""

    trees: dict[int, dict[int, int]]
    usage: dict[str, np.ndarray]
    """Per network, streams per directed link (4 x tiles)."""
    overused: list[tuple[str, int, int]]
    """(network, link, demand) of every link over capacity, worst first."""
    iterations: int
    link_nets: dict[tuple[str, int], list[int]] = field(default_factory=lambda: {})

    @property
    def legal(self) -> bool:
        return not self.overused


class Router:
    """PathFinder over the chip's switch mesh for one section."""

    def __init__(self, chip: Chip) -> None:
        self.chip = chip
        self.rows, self.cols = chip.grid.rows, chip.grid.cols
        tiles = self.rows * self.cols
        # Neighbour tile of each directed link (-1 off the grid).
        self.link_to = np.full(4 * tiles, -1, dtype=np.int64)
        for r in range(self.rows):
            for c in range(self.cols):
                for d, (dr, dc) in enumerate(DIRS):
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < self.rows and 0 <= cc < self.cols:
                        self.link_to[4 * (r * self.cols + c) + d] = rr * self.cols + cc
        self.link_to_list = self.link_to.tolist()

    def tile(self, coord: Coord) -> int:
        return coord[0] * self.cols + coord[1]

    def coord(self, tile: int) -> Coord:
        return divmod(tile, self.cols)

    def route(
        self,
        nets: Sequence[tuple[int, str, int, list[int]]],
        iterations: int = 50,
    ) -> RouteResult:
        """`nets`: (id, network, source tile, sink tiles). Returns the trees."""
        n_links = len(self.link_to)
        networks = sorted({net[1] for net in nets})
        cap = {w: self.chip.switch.streams_per_link(w) for w in networks}
        occ = {w: np.zeros(n_links, dtype=np.int64) for w in networks}
        hist = {w: np.zeros(n_links) for w in networks}
        trees: dict[int, dict[int, int]] = {}
        links_of: dict[int, list[int]] = {}
        present = 0.5
        overused: list[tuple[str, int, int]] = []
        iteration = 0
        for iteration in range(1, iterations + 1):
            over_now = {w: occ[w] > cap[w] for w in networks}
            for net_id, network, source, sinks in nets:
                if iteration > 1:
                    used = links_of.get(net_id, [])
                    if not any(over_now[network][lk] for lk in used):
                        continue
                    occ[network][used] -= 1
                o, h, k = occ[network], hist[network], cap[network]
                cost = (1.0 + h) * (1.0 + present * np.maximum(0, o + 1 - k))
                tree, links = self._route_tree(source, sinks, cost.tolist())
                trees[net_id] = tree
                links_of[net_id] = links
                occ[network][links] += 1
            overused = []
            for w in networks:
                over = np.flatnonzero(occ[w] > cap[w])
                for lk in over.tolist():
                    overused.append((w, lk, int(occ[w][lk])))
                hist[w][over] += 0.5 * (occ[w][over] - cap[w])
            if not overused:
                break
            present *= 1.8
        overused.sort(key=lambda item: (-(item[2] - cap[item[0]]), item[0], item[1]))
        link_nets: dict[tuple[str, int], list[int]] = {}
        for net_id, network, _source, _sinks in nets:
            for lk in links_of.get(net_id, []):
                link_nets.setdefault((network, lk), []).append(net_id)
        return RouteResult(trees, occ, overused, iteration, link_nets)

    def _route_tree(
        self, source: int, sinks: Sequence[int], cost: list[float]
    ) -> tuple[dict[int, int], list[int]]:
        """A tree from `source` reaching every sink (child -> parent), and the
        directed links it uses (each once)."""
        parent: dict[int, int] = {source: -1}
        links: list[int] = []
        cols = self.cols
        order = sorted(
            set(sinks),
            key=lambda t: (
                abs(t // cols - source // cols) + abs(t % cols - source % cols),
                t,
            ),
        )
        link_to = self.link_to_list
        for sink in order:
            if sink in parent:
                continue
            sr, sc = divmod(sink, cols)
            best: dict[int, float] = {}
            came: dict[int, int] = {}
            heap: list[tuple[float, float, int]] = []
            for t in parent:
                best[t] = 0.0
                hr = abs(t // cols - sr) + abs(t % cols - sc)
                heapq.heappush(heap, (float(hr), 0.0, t))
            while heap:
                _f, g, t = heapq.heappop(heap)
                if t == sink:
                    break
                if g > best.get(t, np.inf):
                    continue
                base = 4 * t
                for d in range(4):
                    nxt = link_to[base + d]
                    if nxt < 0 or nxt in parent:
                        continue
                    ng = g + cost[base + d]
                    if ng < best.get(nxt, np.inf):
                        best[nxt] = ng
                        came[nxt] = base + d
                        hr = abs(nxt // cols - sr) + abs(nxt % cols - sc)
                        heapq.heappush(heap, (ng + hr, ng, nxt))
            path: list[int] = []
            t = sink
            while t not in parent:
                lk = came[t]
                path.append(lk)
                t = lk // 4
            for lk in reversed(path):
                parent[link_to[lk]] = lk // 4
                links.append(lk)
        return parent, links


def _tree_path(tree: dict[int, int], sink: int) -> list[int]:
    path = [sink]
    while tree[path[-1]] != -1:
        path.append(tree[path[-1]])
    return path[::-1]


@dataclass
class SectionRouting:
    section: SectionOp
    units: list[UnitOp]
    nets: list[Net]
    result: RouteResult
    rounds: int


def route_section(
    section: SectionOp,
    chip: Chip,
    *,
    iterations: int = 50,
    feedback_rounds: int = 3,
    seed: int = 0,
) -> SectionRouting:
    """Route every stream of a placed section, placing again with congestion
    feedback when needed. Writes `routes` when routing succeeds."""
    router = Router(chip)
    units = section.units()
    for unit in units:
        if unit.coordinate() is None:
            raise DfcDiagnosticError(
                unit,
                f"su-route: {unit.label} in section @{section.symbol} is not placed "
                "(run su-place first)",
            )
    rounds = 0
    penalty = np.zeros((chip.grid.rows, chip.grid.cols))
    while True:
        nets = section_nets(units)
        problems = [
            (
                net.value_index,
                net.network,
                router.tile(_at(units[net.producer])),
                [router.tile(_at(units[c])) for c, _ in net.consumers],
            )
            for net in nets
            if net.consumers
        ]
        result = router.route(problems, iterations)
        if result.legal or rounds >= feedback_rounds:
            break
        rounds += 1
        for _w, lk, demand in result.overused:
            tile = lk // 4
            penalty[divmod(tile, router.cols)] += demand
            other = router.link_to[lk]
            penalty[divmod(int(other), router.cols)] += demand
        pinned = _pinned_units(section)
        fixed = {u: _at(u) for u in pinned}
        placed = place_section(
            section,
            chip,
            seed + rounds,
            fixed=fixed,
            penalty=penalty / max(1.0, penalty.max()) * 4.0,
        )
        for unit, at in placed.coords.items():
            if unit.coordinate() != at:
                set_coordinate(unit, at)
    routing = SectionRouting(section, units, nets, result, rounds)
    if result.legal:
        _write_routes(routing, router)
    return routing


def _at(unit: UnitOp) -> Coord:
    at = unit.coordinate()
    assert at is not None
    return at


def _pinned_units(section: SectionOp) -> list[UnitOp]:
    """PMUs shared with a neighbouring section through `retain` keep their tile."""
    names = set(section.retained())
    op = section.prev_op
    while op is not None and not isinstance(op, SectionOp):
        op = op.prev_op
    if isinstance(op, SectionOp):
        names |= set(op.retained())
    return [u for u in section.units() if u.symbol in names]


def _write_routes(routing: SectionRouting, router: Router) -> None:
    per_unit: dict[int, dict[int, list[int]]] = {}
    for net in routing.nets:
        tree = routing.result.trees.get(net.value_index)
        if tree is None:
            continue
        for c, port in net.consumers:
            sink = router.tile(_at(routing.units[c]))
            per_unit.setdefault(c, {})[port] = _tree_path(tree, sink)
    for index, unit in enumerate(routing.units):
        ports = per_unit.get(index, {})
        if not len(unit.inputs):
            continue
        attrs = []
        for port in range(len(unit.inputs)):
            path = ports.get(port, [])
            flat = [v for t in path for v in router.coord(t)]
            attrs.append(DenseArrayBase.from_list(i64, flat))
        unit.attributes["routes"] = ArrayAttr(attrs)


def _fmt(coord: Coord) -> str:
    return f"({coord[0]}, {coord[1]})"


def unroutable_message(routing: SectionRouting, router: Router, chip: Chip) -> str:
    """The error for a section that stays unroutable: the worst links with their
    demand and capacity, and the streams that compete for them."""
    result = routing.result
    worst = result.overused[:3]
    parts = []
    streams: list[int] = []
    for network, lk, demand in worst:
        a = router.coord(lk // 4)
        b = router.coord(int(router.link_to[lk]))
        parts.append(
            f"{_fmt(a)} -> {_fmt(b)} needs {demand} {network} streams, capacity "
            f"{chip.switch.streams_per_link(network)}"
        )
        for net_id in result.link_nets.get((network, lk), []):
            if net_id not in streams:
                streams.append(net_id)
    by_id = {net.value_index: net for net in routing.nets}
    names = []
    for net_id in streams:
        net = by_id[net_id]
        sinks = ", ".join(f"@{routing.units[c].symbol}" for c, _ in net.consumers)
        names.append(f"{net.label} -> {sinks}")
    return (
        f"su-route: section @{routing.section.symbol} is unroutable on "
        f"'{chip.name}' after {result.iterations} iterations and {routing.rounds} "
        f"placement rounds: {len(result.overused)} "
        f"link{'s' if len(result.overused) != 1 else ''} over capacity; worst: "
        + "; ".join(parts)
        + f"; conflicting streams ({len(names)}): "
        + "; ".join(names)
    )


def congestion_map(routings: Sequence[SectionRouting], chip: Chip) -> dict[str, object]:
    router = Router(chip)
    out: dict[str, object] = {
        "chip": chip.name,
        "rows": chip.grid.rows,
        "cols": chip.grid.cols,
        "sections": {},
    }
    sections_out: dict[str, object] = {}
    for routing in routings:
        links = []
        for network, usage in sorted(routing.result.usage.items()):
            capacity = chip.switch.streams_per_link(network)
            for lk in np.flatnonzero(usage).tolist():
                links.append(
                    {
                        "network": network,
                        "from": list(router.coord(lk // 4)),
                        "to": list(router.coord(int(router.link_to[lk]))),
                        "demand": int(usage[lk]),
                        "capacity": capacity,
                    }
                )
        sections_out[routing.section.symbol] = {
            "legal": routing.result.legal,
            "iterations": routing.result.iterations,
            "placement_rounds": routing.rounds,
            "overused": sum(1 for item in links if item["demand"] > item["capacity"]),
            "links": links,
        }
    out["sections"] = sections_out
    return out


def route_module(
    module: builtin.ModuleOp,
    chip: Chip,
    *,
    iterations: int = 50,
    feedback_rounds: int = 3,
    congestion_map_path: str = "",
) -> list[SectionRouting]:
    routings = [
        route_section(s, chip, iterations=iterations, feedback_rounds=feedback_rounds)
        for s in sections(module)
    ]
    if congestion_map_path:
        data = congestion_map(routings, chip)
        try:
            with open(congestion_map_path, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1, sort_keys=True)
                handle.write("\n")
        except OSError as error:
            raise DfcDiagnosticError(
                module,
                f"su-route: cannot write '{congestion_map_path}': {error.strerror}",
            ) from None
    router = Router(chip)
    for routing in routings:
        if not routing.result.legal:
            raise DfcDiagnosticError(
                routing.section, unroutable_message(routing, router, chip)
            )
    return routings


@dataclass(frozen=True)
class SuRoutePass(ModulePass):
    """Route every stream through the switch mesh (PathFinder, per network,
    fan-out as trees), re-placing with congestion feedback when needed."""

    name = "su-route"

    chip: str = ""
    """The target chip (preset or TOML path); default: the module's `su.chip`."""
    congestion_map: str = ""
    """Write the link demand of every section as JSON to this path."""
    iterations: int = 50
    """PathFinder iterations per routing attempt."""
    feedback_rounds: int = 3
    """Placement rounds with congestion feedback before giving up."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        chip = resolve_chip(op, self.chip, self.name)
        route_module(
            op,
            chip,
            iterations=self.iterations,
            feedback_rounds=self.feedback_rounds,
            congestion_map_path=self.congestion_map,
        )


def check_routes(module: builtin.ModuleOp) -> None:
    """Raise DfcDiagnosticError at the first input port that is not connected
    by a continuous route from its producer, or a link over capacity."""
    chip, problem = module_chip(module)
    if chip is None:
        raise DfcDiagnosticError(
            module,
            f"su-check-routes: {problem or 'the module names no chip (su.chip)'}",
        )
    for section in sections(module):
        for unit in section.units():
            where = f"input port {{}} of {unit.label} in section @{section.symbol}"
            routes = unit.input_routes()
            for port, value in enumerate(unit.inputs):
                owner = value.owner
                source = (
                    owner.label if isinstance(owner, UnitOp) else "a non-unit value"
                )
                route = routes[port] if port < len(routes) else []
                if not route:
                    raise DfcDiagnosticError(
                        unit,
                        f"su-check-routes: {where.format(port)} (from {source}) has "
                        "no route",
                    )
                why = route_problem(unit, port, route, chip)
                if why is not None:
                    raise DfcDiagnosticError(
                        unit,
                        f"su-check-routes: {where.format(port)} (from {source}) is not "
                        f"connected: {why}",
                    )
        analysis = section_analysis(section, chip)
        for unit in section.units():
            why = analysis.problems.get(unit)
            if why is not None:
                raise DfcDiagnosticError(unit, f"su-check-routes: {why}")


@dataclass(frozen=True)
class SuCheckRoutesPass(ModulePass):
    """Check that every input port is connected by a continuous route from its
    producer's tile and that no link is over capacity; the IR is unchanged."""

    name = "su-check-routes"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        check_routes(op)
