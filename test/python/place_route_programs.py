"""Generated virtual `su` programs for the placement and routing tests and the
`place-route` benchmark: `pipelines` parallel chains of units between an AGCU
load and an AGCU store, each chain alternating map PCUs and transposing-free
PMU buffers, with cross links (a PCU adding its neighbour chain's stream) so
the streams form a mesh with fan-out.

Every chain computes y_k = f(x_k, x_{k-1}, ...) on an R x W f32 tensor;
`reference(inputs)` gives the expected outputs with numpy.
"""

from __future__ import annotations

import numpy as np

from dfc.backends.chip import load_chip


def chain_program(
    chip_name: str,
    pipelines: int,
    length: int,
    *,
    rows: int = 8,
    cross_every: int = 3,
    section_name: str = "s0",
) -> str:
    """MLIR text of one section: `pipelines` chains of `length` units each
    (between the two AGCUs). Unit k of a chain is a PMU when k % 3 == 2, else
    a map PCU; every `cross_every`-th PCU of chain c > 0 adds chain c - 1's
    stream at the same depth (fan-out of that stream)."""
    chip = load_chip(chip_name)
    lanes = chip.compute.lanes
    width = 2 * lanes
    counters = f"array<i64: 0, {rows}, 1, 0, {width}, {lanes}>"
    amap = f"affine_map<(i, j) -> (i * {width} + j)>"
    nbytes = rows * width * 4
    banks = min(4, chip.memory.banks)
    stream = "!su.stream<vector, f32>"
    lines = [
        f'builtin.module attributes {{su.chip = "{chip_name}", '
        f'su.chip_fingerprint = "{chip.short_fingerprint}"}} {{'
    ]
    for c in range(pipelines):
        lines.append(
            f'  su.memory @x{c} {{tier = "hbm", offset = {2 * c * nbytes} : i64, '
            f'type = tensor<{rows}x{width}xf32>, role = "input"}}'
        )
        lines.append(
            f'  su.memory @y{c} {{tier = "hbm", offset = {(2 * c + 1) * nbytes} : i64, '
            f'type = tensor<{rows}x{width}xf32>, role = "output"}}'
        )
    reads = ", ".join(f"@x{c}" for c in range(pipelines))
    writes = ", ".join(f"@y{c}" for c in range(pipelines))
    lines.append(
        f"  su.section @{section_name} {{reads = [{reads}], writes = [{writes}]}} {{"
    )
    last: dict[tuple[int, int], str] = {}
    for c in range(pipelines):
        lines.append(
            f"    %x{c} = su.agcu @la{c} load @x{c} {{counters = {counters}, "
            f"map = {amap}}} : () -> {stream}"
        )
        last[(c, -1)] = f"%x{c}"
    for k in range(length):
        for c in range(pipelines):
            prev = last[(c, k - 1)]
            name = f"u{c}_{k}"
            if k % 3 == 2:
                lines.append(
                    f"    %{name} = su.pmu @{name} ({prev}) {{bytes = {nbytes} : i64, "
                    f"banks = {banks} : i64, dtype = f32, "
                    f"write = #su.agen<counters = {counters}, map = {amap}>, "
                    f"read = #su.agen<counters = {counters}, map = {amap}>}} "
                    f": ({stream}) -> {stream}"
                )
            elif c > 0 and k % cross_every == 0:
                other = last[(c - 1, k - 1)]
                lines.append(
                    f'    %{name} = su.pcu @{name} "map" ({prev}, {other}) '
                    f"{{counters = {counters}, dtype = f32, "
                    f"stages = [#su.stage<add(in0, in1)>, #su.stage<mul(s0, c0)>], "
                    f"constants = array<f32: 0.5>}} : ({stream}, {stream}) -> {stream}"
                )
            else:
                lines.append(
                    f'    %{name} = su.pcu @{name} "map" ({prev}) '
                    f"{{counters = {counters}, dtype = f32, "
                    f"stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], "
                    f"constants = array<f32: 0.75, 0.25>}} : ({stream}) -> {stream}"
                )
            last[(c, k)] = f"%{name}"
    for c in range(pipelines):
        lines.append(
            f"    su.agcu @sa{c} store @y{c} ({last[(c, length - 1)]}) "
            f"{{counters = {counters}, map = {amap}}} : ({stream}) -> ()"
        )
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def reference(
    inputs: list[np.ndarray], length: int, cross_every: int = 3
) -> list[np.ndarray]:
    """The outputs of `chain_program` for `inputs` (one array per chain)."""
    pipelines = len(inputs)
    last = {(c, -1): inputs[c].astype(np.float32) for c in range(pipelines)}
    for k in range(length):
        for c in range(pipelines):
            prev = last[(c, k - 1)]
            if k % 3 == 2:
                out = prev
            elif c > 0 and k % cross_every == 0:
                out = ((prev + last[(c - 1, k - 1)]) * np.float32(0.5)).astype(
                    np.float32
                )
            else:
                out = (prev * np.float32(0.75) + np.float32(0.25)).astype(np.float32)
            last[(c, k)] = out
    return [last[(c, length - 1)] for c in range(pipelines)]
