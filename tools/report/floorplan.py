"""The floorplan picture: the chip grid, each placed unit coloured by the op it
runs, the routed streams drawn over the switches with line width by
bandwidth, and (once simulated) a heat map of each unit's utilization. One
panel per section, or per chosen section (`layout.select_sections`).

    fig = floorplan_figure(select_sections(layouts, "s0,s3"), chip)
    save_figure(fig, "floorplan.png")       # .png or .svg, byte-stable

`congestion_figure(data)` draws the congestion map `su-route{congestion-map}`
writes (JSON), one panel per section: every link's demand over capacity, the
over-used ones in red.

matplotlib's object API only (no pyplot: no global figure state, no GUI
backend); the Agg/SVG canvases render the files.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .layout import SectionLayout

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from dfc.backends.chip import Chip

TILE_COLOURS = {"pcu": "#eef1f6", "pmu": "#f6f1e8", "agcu": "#e9f3ec", None: "#ffffff"}
"""Background of a free tile by the unit type the chip puts there."""

KIND_EDGES = {"pcu": "#4a5568", "pmu": "#8a6d3b", "agcu": "#2f6f4f"}

FIXED_COLOURS = {"load": "#2ca02c", "store": "#98df8a", "buffer": "#c49c94"}
"""Ops whose colour never changes between pictures (memory traffic)."""

OP_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#d62728",
    "#9467bd",
    "#17becf",
    "#e377c2",
    "#bcbd22",
    "#8c564b",
    "#7f7f7f",
    "#aec7e8",
    "#ffbb78",
    "#ff9896",
    "#c5b0d5",
    "#9edae5",
    "#f7b6d2",
    "#dbdb8d",
)

MAX_PANEL_COLUMNS = 3
LABEL_TILES = 144
"""Unit names are written on the tiles only when the panel shows at most this
many tiles (`tiny`, or a zoomed-in section); bigger views rely on the legend."""


def op_colours(layouts: list[SectionLayout]) -> dict[str, str]:
    """A colour per op label, the same in every panel: memory ops fixed, compute
    ops from the palette in sorted order (deterministic)."""
    ops = sorted({unit.op for layout in layouts for unit in layout.units})
    colours: dict[str, str] = {}
    compute = [op for op in ops if op not in FIXED_COLOURS]
    for index, op in enumerate(compute):
        colours[op] = OP_PALETTE[index % len(OP_PALETTE)]
    for op in ops:
        if op in FIXED_COLOURS:
            colours[op] = FIXED_COLOURS[op]
    return colours


def _panel_size(chip: Chip, window: tuple[int, int, int, int]) -> tuple[float, float]:
    rows, cols = window[1] - window[0] + 1, window[3] - window[2] + 1
    # About 0.45 in per tile on small chips, 6.5 in wide for sn40l's 54
    # columns (12 px per tile at 100 dpi): four panels side by side.
    scale = min(0.45, 6.5 / cols)
    return max(3.0, cols * scale), max(2.5, rows * scale)


def floorplan_figure(
    layouts: list[SectionLayout],
    chip: Chip,
    title: str | None = None,
) -> Figure:
    """One floorplan panel per layout; when any layout carries simulated
    utilization, a heat-map panel beside each."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if not layouts:
        raise ValueError("no section to draw")
    simulated = any(layout.utilization for layout in layouts)
    per_section = 2 if simulated else 1
    # Sections side by side: two (floorplan + heat map each) when simulated,
    # else three; the figure grows downwards.
    columns = min(len(layouts), 2 if simulated else MAX_PANEL_COLUMNS)
    rows = math.ceil(len(layouts) / columns)
    window = view_window(layouts, chip)
    width, height = _panel_size(chip, window)
    fig_width = width * columns * per_section + 0.6
    fig = Figure(
        figsize=(fig_width, height * rows + 1.6),
        dpi=100,
        layout="constrained",
    )
    colours = op_colours(layouts)
    axes = fig.subplots(rows, columns * per_section, squeeze=False)
    max_bytes = max((b for layout in layouts for b in layout.links.values()), default=1)
    heat = None
    for index, layout in enumerate(layouts):
        r, c = divmod(index, columns)
        ax = axes[r][c * per_section]
        _draw_section(ax, layout, chip, colours, max_bytes, window)
        if simulated:
            heat = _draw_utilization(axes[r][c * per_section + 1], layout, chip, window)
    for index in range(len(layouts), rows * columns):
        r, c = divmod(index, columns)
        for k in range(per_section):
            axes[r][c * per_section + k].set_axis_off()
    handles: list[Any] = [
        Patch(facecolor=colours[op], edgecolor="#333333", label=op) for op in colours
    ]
    for fraction, label in ((1.0, "most bytes"), (0.25, "1/4 of that")):
        handles.append(
            Line2D(
                [], [], color="#222222", lw=_width(fraction), label=f"route: {label}"
            )
        )
    fig.legend(
        handles=handles,
        loc="outside lower center",
        # about 1.7 inches per entry, so a narrow figure wraps its legend
        ncols=max(1, min(len(handles), 8, int(fig_width / 1.7))),
        fontsize=9,
        frameon=False,
    )
    if heat is not None:
        fig.colorbar(
            heat,
            ax=axes[:, 1::2].ravel().tolist(),
            shrink=min(0.6, 1.5 / rows),
            label="busy cycles / section cycles",
        )
    fig.suptitle(title or f"floorplan on {chip.name}", fontsize=11)
    return fig


def _width(fraction: float) -> float:
    # Square root: a 100x heavier stream is 10x wider, light ones stay visible.
    return 0.6 + 3.4 * math.sqrt(max(fraction, 0.0))


ZOOM_MARGIN = 2
"""Tiles kept around the used ones when a panel zooms in."""


def view_window(layouts: list[SectionLayout], chip: Chip) -> tuple[int, int, int, int]:
    """(first row, last row, first col, last col) the panels show: the rows
    and the columns any drawn section uses plus a margin, each axis cropped
    only when that hides at least a quarter of it. All panels share it, so
    they keep one scale."""
    rows, cols = chip.grid.rows, chip.grid.cols
    used = [u.at for layout in layouts for u in layout.units if u.at is not None]
    if not used:
        return 0, rows - 1, 0, cols - 1

    def crop(values: list[int], size: int) -> tuple[int, int]:
        low = max(0, min(values) - ZOOM_MARGIN)
        high = min(size - 1, max(values) + ZOOM_MARGIN)
        return (low, high) if high - low + 1 <= 0.75 * size else (0, size - 1)

    r0, r1 = crop([r for r, _ in used], rows)
    c0, c1 = crop([c for _, c in used], cols)
    return r0, r1, c0, c1


def _grid_axes(
    ax: Any, chip: Chip, title: str, window: tuple[int, int, int, int] | None = None
) -> None:
    rows, cols = chip.grid.rows, chip.grid.cols
    r0, r1, c0, c1 = window or (0, rows - 1, 0, cols - 1)
    if (r0, r1, c0, c1) != (0, rows - 1, 0, cols - 1):
        # on a line of its own: a zoomed panel can be a few tiles wide
        title += f"\n[rows {r0}-{r1}, cols {c0}-{c1}]"
    ax.set_xlim(c0 - 0.5, c1 + 0.5)
    ax.set_ylim(r1 + 0.5, r0 - 0.5)  # row 0 at the top, as the coordinates read
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=9)
    big = max(r1 - r0, c1 - c0) >= 16
    step = 5 if big else 1
    ax.set_xticks(range(c0 + (-c0) % step, c1 + 1, step))
    ax.set_yticks(range(r0 + (-r0) % step, r1 + 1, step))
    ax.tick_params(labelsize=7, length=2)


def _draw_section(
    ax: Any,
    layout: SectionLayout,
    chip: Chip,
    colours: dict[str, str],
    max_bytes: float,
    window: tuple[int, int, int, int],
) -> None:
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import Rectangle

    placed = [u for u in layout.units if u.at is not None]
    title = f"@{layout.name}: {len(placed)}/{len(layout.units)} units placed"
    title += f", {layout.streams} streams"
    if layout.unrouted:
        title += f", {layout.unrouted} unrouted"
    _grid_axes(ax, chip, title, window)
    background = []
    faces = []
    for row, kinds in enumerate(chip.tiles):
        for col, kind in enumerate(kinds):
            background.append(Rectangle((col - 0.5, row - 0.5), 1, 1))
            faces.append(TILE_COLOURS.get(kind, "#ffffff"))
    ax.add_collection(
        PatchCollection(
            background, facecolors=faces, edgecolors="#d0d4da", linewidths=0.3
        )
    )
    boxes = [
        Rectangle((u.at[1] - 0.42, u.at[0] - 0.42), 0.84, 0.84) for u in placed if u.at
    ]
    ax.add_collection(
        PatchCollection(
            boxes,
            facecolors=[colours[u.op] for u in placed],
            edgecolors=[KIND_EDGES.get(u.kind, "#333333") for u in placed],
            linewidths=0.6,
        )
    )
    if layout.links:
        segments = []
        widths = []
        for (a, b), nbytes in sorted(layout.links.items()):
            # Both directions of a link would overlap: shift each direction a
            # little to its right so that a two-way link shows two lines.
            dr, dc = b[0] - a[0], b[1] - a[1]
            off_r, off_c = 0.12 * dc, -0.12 * dr
            segments.append(
                [(a[1] + off_c, a[0] + off_r), (b[1] + off_c, b[0] + off_r)]
            )
            widths.append(_width(nbytes / max_bytes))
        ax.add_collection(
            LineCollection(
                segments,
                linewidths=widths,
                colors="#1a1a1a",
                alpha=0.75,
                capstyle="round",
                zorder=3,
            )
        )
    r0, r1, c0, c1 = window
    if (r1 - r0 + 1) * (c1 - c0 + 1) <= LABEL_TILES:
        for unit in placed:
            assert unit.at is not None
            ax.text(
                unit.at[1],
                unit.at[0] - 0.28,
                unit.name,
                ha="center",
                va="center",
                fontsize=6,
                zorder=4,
                color="#111111",
                bbox={
                    "boxstyle": "square,pad=0.1",
                    "fc": "white",
                    "ec": "none",
                    "alpha": 0.8,
                },
            )


def _draw_utilization(
    ax: Any, layout: SectionLayout, chip: Chip, window: tuple[int, int, int, int]
) -> Any:
    import numpy as np

    grid = np.full((chip.grid.rows, chip.grid.cols), np.nan)
    for unit in layout.units:
        if unit.at is not None and unit.name in layout.utilization:
            grid[unit.at] = layout.utilization[unit.name]
    busiest = np.nanmax(grid) if np.isfinite(grid).any() else 0.0
    cycles = f"{layout.run_cycles:,.0f} cycles" if layout.run_cycles else "not run"
    _grid_axes(
        ax,
        chip,
        f"@{layout.name} busy ({cycles}, max {100 * busiest:.0f} %)",
        window,
    )
    image = ax.imshow(
        np.ma.masked_invalid(grid),
        cmap="viridis",
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
        extent=(-0.5, chip.grid.cols - 0.5, chip.grid.rows - 0.5, -0.5),
    )
    ax.set_facecolor("#f4f4f4")
    return image


def congestion_figure(data: dict[str, Any], chip: Chip | None = None) -> Figure:
    """The congestion map of `su-route{congestion-map=PATH}` (its JSON): per
    section, every used link as a segment coloured by demand / capacity
    (green to red, red over capacity), over-used links thicker and labelled."""
    from matplotlib import colormaps
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    rows, cols = int(data["rows"]), int(data["cols"])
    sections = list(data.get("sections", {}).items())
    if not sections:
        raise ValueError("the congestion map holds no section")
    columns = min(len(sections), 2)
    panels = math.ceil(len(sections) / columns)
    scale = min(0.45, 9.0 / cols)
    fig = Figure(
        figsize=(
            max(3.5, cols * scale) * columns + 1.2,
            max(3.0, rows * scale) * panels + 1,
        ),
        dpi=100,
        layout="constrained",
    )
    axes = fig.subplots(panels, columns, squeeze=False)
    norm = Normalize(0.0, 1.5)
    cmap = colormaps["RdYlGn_r"]
    mappable = None
    for index, (name, section) in enumerate(sections):
        ax = axes[index // columns][index % columns]
        ax.set_xlim(-0.5, cols - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_xticks(range(0, cols, 1 if cols <= 16 else 5))
        ax.set_yticks(range(0, rows, 1 if rows <= 16 else 5))
        ax.tick_params(labelsize=7, length=2)
        if chip is not None:
            for row, kinds in enumerate(chip.tiles):
                for col, kind in enumerate(kinds):
                    ax.add_patch(_tile(col, row, TILE_COLOURS.get(kind, "#ffffff")))
        segments, ratios, widths = [], [], []
        for link in section.get("links", []):
            (r0, c0), (r1, c1) = link["from"], link["to"]
            dr, dc = r1 - r0, c1 - c0
            off_r, off_c = 0.12 * dc, -0.12 * dr
            segments.append([(c0 + off_c, r0 + off_r), (c1 + off_c, r1 + off_r)])
            ratio = link["demand"] / max(1, link["capacity"])
            ratios.append(ratio)
            widths.append(3.2 if ratio > 1 else 1.4)
            if ratio > 1:
                ax.text(
                    (c0 + c1) / 2 + off_c,
                    (r0 + r1) / 2 + off_r,
                    f"{link['demand']}/{link['capacity']}",
                    fontsize=6,
                    ha="center",
                    va="bottom",
                    zorder=5,
                )
        collection = LineCollection(
            segments,
            linewidths=widths,
            cmap=cmap,
            norm=norm,
            capstyle="round",
            zorder=3,
        )
        collection.set_array(ratios)
        ax.add_collection(collection)
        mappable = collection
        state = (
            "legal"
            if section.get("legal")
            else f"{section.get('overused', 0)} over-used links"
        )
        ax.set_title(
            f"@{name}: {state} after {section.get('iterations', '?')} iterations",
            fontsize=9,
        )
    for index in range(len(sections), panels * columns):
        axes[index // columns][index % columns].set_axis_off()
    if mappable is not None:
        fig.colorbar(
            mappable, ax=axes.ravel().tolist(), shrink=0.6, label="demand / capacity"
        )
    fig.suptitle(f"routing congestion on {data.get('chip', '?')}", fontsize=11)
    return fig


def _tile(col: int, row: int, colour: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(
        (col - 0.5, row - 0.5),
        1,
        1,
        facecolor=colour,
        edgecolor="#d0d4da",
        linewidth=0.3,
    )


def save_figure(fig: Figure, path: str, format: str | None = None) -> bytes:  # noqa: A002
    """Render `fig` as PNG or SVG (by `format` or `path`'s suffix) and return the
    bytes (`path` may be '' to only render). The output is a pure function of
    the figure: no date, no random SVG ids."""
    import io

    import matplotlib

    kind = format or path.rsplit(".", 1)[-1].lower()
    if kind not in ("png", "svg"):
        raise ValueError(f"{path}: the floorplan is .png or .svg, not .{kind}")
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "dfc", "svg.fonttype": "path"}):
        metadata: dict[str, Any] = (
            {"Date": None, "Creator": "dfc"} if kind == "svg" else {"Software": "dfc"}
        )
        fig.savefig(buffer, format=kind, metadata=metadata)
    data = buffer.getvalue()
    if path:
        from dfc.passes.su_emit_bitstream import write_bytes_atomically

        write_bytes_atomically(path, data)
    return data
