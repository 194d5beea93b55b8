"""Plain data about a placed and routed su module, for the pictures and reports.

    layouts = section_layouts(artifact.module)
    attach_utilization(layouts, sim_result.report)
    chosen = select_sections(layouts, "2")      # the two busiest sections

A `SectionLayout` holds every unit with its tile and an op label (what the
floorplan colours it by), the bytes each directed switch link carries (a
fan-out stream counts once per link, as the router counts it) and, once
simulated, each unit's busy fraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xdsl.dialects.builtin import ModuleOp

Coord = tuple[int, int]

SPECIAL_MAP_OPS = (
    "exp",
    "log",
    "erf",
    "tanh",
    "sigmoid",
    "rsqrt",
    "sqrt",
    "div",
    "recip",
    "pow",
    "cmp",
    "select",
    "cast",
)
"""Stage ops that name a `map` PCU in the floorplan's legend (the first one
found, in this order of rarity); other maps are plain arithmetic (`map`)."""


@dataclass(frozen=True)
class PlacedUnit:
    name: str
    kind: str
    """`pcu`, `pmu` or `agcu`."""
    op: str
    """The label the floorplan colours by: `matmul`, `reduce add`, `map exp`,
    `map`, `scan add`, `buffer`, `load`, `store`."""
    at: Coord | None


@dataclass
class SectionLayout:
    name: str
    units: list[PlacedUnit] = field(default_factory=list)
    links: dict[tuple[Coord, Coord], float] = field(default_factory=dict)
    """Bytes carried per directed link (from-switch, to-switch)."""
    streams: int = 0
    unrouted: int = 0
    """Input ports without a route."""
    utilization: dict[str, float] = field(default_factory=dict)
    """Unit name -> busy cycles / section run cycles (after simulation)."""
    run_cycles: float | None = None

    @property
    def busy_units(self) -> float:
        """Sum of the units' busy fractions: how much work the section holds."""
        return sum(self.utilization.values())


def unit_op(unit: Any) -> str:
    """The floorplan's op label of a su unit (see `PlacedUnit.op`)."""
    from dfc.dialects.su import AgcuOp, PcuOp

    if isinstance(unit, AgcuOp):
        return "load" if unit.is_load else "store"
    if not isinstance(unit, PcuOp):
        return "buffer"
    template = unit.template_name
    if template == "reduce" and unit.reduce_op is not None:
        return f"reduce {unit.reduce_op.data}"
    if template == "scan" and unit.scan_op is not None:
        return f"scan {unit.scan_op.data}"
    if template == "map":
        ops = {stage.op for stage in unit.stage_list()}
        special = next((op for op in SPECIAL_MAP_OPS if op in ops), None)
        return f"map {special}" if special else "map"
    return template


def section_layouts(module: ModuleOp) -> list[SectionLayout]:
    """One `SectionLayout` per `su.section`, in schedule order."""
    from dfc.dialects.su import sections
    from dfc.passes.su_place import stream_bytes

    layouts = []
    for section in sections(module):
        layout = SectionLayout(section.symbol, streams=len(section.streams()))
        for unit in section.units():
            layout.units.append(
                PlacedUnit(
                    unit.symbol, unit.UNIT_KIND, unit_op(unit), unit.coordinate()
                )
            )
        # A stream's route is a tree: the consumers' paths share their first
        # hops, and the router charges a shared link once per stream.
        per_stream: dict[tuple[int, int], set[tuple[Coord, Coord]]] = {}
        sizes: dict[tuple[int, int], float] = {}
        for unit in section.units():
            routes = unit.input_routes()
            for port in range(len(unit.inputs)):
                route = routes[port] if port < len(routes) else []
                if not route:
                    layout.unrouted += 1
                    continue
                producer = unit.producer(port)
                if producer is None:
                    continue
                value = unit.inputs[port]
                index = list(producer.results).index(value)
                key = (id(producer), index)
                if key not in sizes:
                    sizes[key] = float(stream_bytes(producer, index))
                hops = per_stream.setdefault(key, set())
                hops.update(zip(route, route[1:], strict=False))
        for key, hops in per_stream.items():
            for link in hops:
                layout.links[link] = layout.links.get(link, 0.0) + sizes[key]
        layouts.append(layout)
    return layouts


def attach_utilization(layouts: list[SectionLayout], sim_report: Any) -> None:
    """Fill `utilization` and `run_cycles` from a simulator `SimReport`. The
    simulator reports a PMU's write and read sides as `<pmu>.write` and
    `<pmu>.read`; the busier side stands for the unit."""
    by_name = {layout.name: layout for layout in layouts}
    for section in sim_report.sections:
        layout = by_name.get(section.name)
        if layout is None:
            continue
        layout.run_cycles = float(section.run_cycles)
        total = max(float(section.run_cycles), 1e-9)
        for unit in section.units:
            name = unit.name.split(".")[0]
            fraction = min(1.0, unit.busy_cycles / total)
            layout.utilization[name] = max(layout.utilization.get(name, 0.0), fraction)


DEFAULT_PANELS = 6
"""Sections drawn when none are chosen and the program has more than this."""


class SectionChoiceError(ValueError):
    """`--floorplan-sections` names something that is not there."""


def select_sections(
    layouts: list[SectionLayout], choice: str | None = None
) -> list[SectionLayout]:
    """The sections to draw. `choice`: None (all, or the `DEFAULT_PANELS`
    busiest when there are more), `all`, a number N (the N busiest: by
    simulated run cycles, else by unit count), or section names separated by
    commas (`s0,s3`). Panels keep schedule order."""
    if choice is None:
        if len(layouts) <= DEFAULT_PANELS:
            return list(layouts)
        choice = str(DEFAULT_PANELS)
    choice = choice.strip()
    if choice == "all":
        return list(layouts)
    if choice.isdigit():
        count = int(choice)
        if count < 1:
            raise SectionChoiceError("--floorplan-sections N needs N >= 1")
        ranked = sorted(
            range(len(layouts)),
            key=lambda i: (
                -(layouts[i].run_cycles or 0.0),
                -len(layouts[i].units),
                i,
            ),
        )
        keep = set(ranked[:count])
        return [layout for i, layout in enumerate(layouts) if i in keep]
    names = [name.strip().lstrip("@") for name in choice.split(",") if name.strip()]
    known = {layout.name: layout for layout in layouts}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SectionChoiceError(
            f"--floorplan-sections: no section named {', '.join(unknown)}; the "
            f"program has {_preview([layout.name for layout in layouts])}"
        )
    wanted = set(names)
    return [layout for layout in layouts if layout.name in wanted]


def _preview(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} sections)" if len(names) > limit else "")
