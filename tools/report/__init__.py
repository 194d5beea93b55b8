"""What `dfc-compile` shows its users: the floorplan picture, the HTML and
terminal reports, the compile trace and the progress bar.

- `layout`: plain data about a placed and routed su module (units with their
  tiles and op labels, link loads), the input of every picture;
- `floorplan`: the chip grid, units coloured by op, routes by bandwidth, the
  simulated utilization heat map, and the congestion map of a failed route
  (matplotlib);
- `html`: the self-contained HTML report (inline CSS, inline SVG floorplan);
- `terminal`: the report as rich tables (`--report -`);
- `trace`: compile-stage spans in the Chrome/Perfetto trace format, merged
  with the simulator's trace;
- `progress`: the per-stage progress bar (rich), silent off a terminal.

These modules live in `tools` because they wire the compiler's IR, the chip
model and the simulator's report together (DESIGN.md's layering).
"""
