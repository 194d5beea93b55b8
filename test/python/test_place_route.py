"""su-partition, su-place, su-route and su-check-routes: legality on the chip,
determinism, numbers unchanged by the simulator, timing that follows the hops,
and scale on sn40l."""

from __future__ import annotations

import time

import numpy as np
import pytest
from place_route_programs import chain_program, reference
from xdsl.dialects.builtin import StringAttr

import dfc
from dfc.backends.chip import load_chip
from dfc.dialects.su import sections
from dfc.dialects.su.chip_checks import CHIP_ATTR, FINGERPRINT_ATTR
from dfc.passes.su_emit_bitstream import emit_bitstream
from dfc.passes.su_partition import partition_module
from dfc.passes.su_place import place_module
from dfc.passes.su_route import Router, check_routes, route_module

RNG = np.random.default_rng(0)


def _inputs(pipelines: int, chip: str, rows: int = 8) -> list[np.ndarray]:
    width = 2 * load_chip(chip).compute.lanes
    return [
        RNG.standard_normal((rows, width)).astype(np.float32) for _ in range(pipelines)
    ]


def _compile(text: str, chip: str, seed: int = 0, partition: bool = False):  # type: ignore[no-untyped-def]
    module = dfc.parse_mlir(text)
    target = load_chip(chip)
    if partition:
        partition_module(module, target)
    place_module(module, target, seed)
    route_module(module, target)
    check_routes(module)
    module.verify()
    return module


def _coords(module) -> dict[tuple[str, str], tuple[int, int] | None]:  # type: ignore[no-untyped-def]
    return {
        (s.symbol, u.symbol): u.coordinate()
        for s in sections(module)
        for u in s.units()
    }


def test_units_land_on_tiles_of_their_type_and_every_port_is_routed() -> None:
    module = _compile(chain_program("sn40l", 6, 9), "sn40l")
    chip = load_chip("sn40l")
    seen = set()
    for section in sections(module):
        for unit in section.units():
            at = unit.coordinate()
            assert at is not None and chip.unit_at(at) == unit.UNIT_KIND
            assert at not in seen
            seen.add(at)
            routes = unit.input_routes()
            for port, value in enumerate(unit.inputs):
                producer = value.owner
                route = routes[port]
                assert route[0] == producer.coordinate() and route[-1] == at  # type: ignore[union-attr]
                for a, b in zip(route, route[1:], strict=False):
                    assert abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1


def test_same_seed_same_placement_other_seed_still_legal() -> None:
    text = chain_program("sn40l", 3, 8)
    a = _compile(text, "sn40l", seed=5)
    b = _compile(text, "sn40l", seed=5)
    assert str(a) == str(b)
    c = _compile(text, "sn40l", seed=6)
    assert set(_coords(c)) == set(_coords(a))


def test_annealing_beats_the_constructive_start() -> None:
    """The annealer lowers the weighted wire length below the greedy start
    (effort 0 = the start itself)."""
    from dfc.passes.su_place import place_section

    chip = load_chip("sn40l")
    module = dfc.parse_mlir(chain_program("sn40l", 8, 12))
    section = sections(module)[0]
    start = place_section(section, chip, 0, effort=0.0)
    annealed = place_section(section, chip, 0)
    assert annealed.wirelength < start.wirelength


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_placed_and_routed_program_computes_the_same_outputs(chip: str) -> None:
    pipelines, length = (1, 6) if chip == "tiny" else (6, 10)
    text = chain_program(chip, pipelines, length)
    inputs = _inputs(pipelines, chip)
    virtual = dfc.simulate(
        emit_bitstream(dfc.parse_mlir(text), allow_virtual=True), inputs
    )
    routed = dfc.simulate(emit_bitstream(_compile(text, chip)), inputs)
    want = reference(inputs, length)
    for c in range(pipelines):
        np.testing.assert_array_equal(routed.outputs[f"y{c}"], virtual.outputs[f"y{c}"])
        np.testing.assert_allclose(routed.outputs[f"y{c}"], want[c], rtol=1e-6)


XW = """
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @w {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 512 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x, @w], writes = [@y]} {
    %x = su.agcu @ax load @x {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    %w = su.agcu @aw load @w {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (j * 8 + i)>} : () -> !su.stream<vector, f32>
    %m = su.pcu @p0 "map" (%x, %w) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, in1)>, #su.stage<add(s0, c0)>], constants = array<f32: 1.0>}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    %n = su.pcu @p1 "map" (%m) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @ay store @y (%n) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}
"""


def _xw(inputs: list[np.ndarray]) -> list[np.ndarray]:
    x, w = inputs
    return [np.square(x * w.T + np.float32(1))]


@pytest.mark.parametrize("case", ["cut-streams", "kept", "two-chains"])
def test_partitioned_program_matches_the_unsplit_one_on_a_bigger_chip(
    case: str,
) -> None:
    """Split for tiny (4 PCUs, 2 AGCUs), the program computes what the unsplit
    one computes as a single section on sn40l: a chain of 10 units (7 PCUs:
    cut streams through HBM); y = (x * w^T + 1)^2 (three AGCUs around a PCU:
    x goes to the next section in a retained PMU); two cross-linked chains of
    10 (two streams cross every cut: HBM and retained PMUs mixed)."""
    if case in ("cut-streams", "two-chains"):
        chains = 1 if case == "cut-streams" else 2
        text, inputs = chain_program("tiny", chains, 10), _inputs(chains, "tiny")
        want = reference(inputs, 10)
    else:
        text = XW
        inputs = [RNG.standard_normal((8, 8)).astype(np.float32) for _ in range(2)]
        want = _xw(inputs)
    split = _compile(text, "tiny", partition=True)
    assert len(sections(split)) == (5 if case == "two-chains" else 2)
    if case == "kept":
        assert sections(split)[0].retained() == ["ax_keep"]
    whole = dfc.parse_mlir(text)
    sn40l = load_chip("sn40l")
    whole.attributes[CHIP_ATTR] = StringAttr("sn40l")
    whole.attributes[FINGERPRINT_ATTR] = StringAttr(sn40l.short_fingerprint)
    place_module(whole, sn40l)
    route_module(whole, sn40l)
    assert len(sections(whole)) == 1
    got = dfc.simulate(emit_bitstream(split), inputs)
    ref = dfc.simulate(emit_bitstream(whole), inputs)
    for index, expected in enumerate(want):
        np.testing.assert_array_equal(got.outputs[index], ref.outputs[index])
        np.testing.assert_allclose(got.outputs[index], expected, rtol=1e-6)


def test_partition_keeps_reads_and_writes_consistent_and_counts_fit() -> None:
    chip = load_chip("tiny")
    module = dfc.parse_mlir(chain_program("tiny", 1, 14))
    partition_module(module, chip)
    assert len(sections(module)) == 3
    module.verify()  # the section verifier checks reads/writes against AGCUs
    for section in sections(module):
        counts = {"pcu": 0, "pmu": 0, "agcu": 0}
        for unit in section.units():
            counts[unit.UNIT_KIND] += 1
        assert all(counts[k] <= chip.count(k) for k in counts), (section.symbol, counts)


def _single_chain_far_apart(hops_apart: bool) -> str:
    """One load -> map -> store on sn40l, the PCU next to the AGCUs or far away."""
    text = chain_program("sn40l", 1, 1)
    at = "array<i64: 0, 1>" if not hops_apart else "array<i64: 21, 26>"
    text = text.replace('"map" (%x0) {', f'"map" (%x0) {{at = {at}, ', 1)
    text = text.replace("load @x0 {", "load @x0 {at = array<i64: 0, 0>, ", 1)
    return text.replace(
        "store @y0 (%u0_0) {", "store @y0 (%u0_0) {at = array<i64: 1, 0>, ", 1
    )


def test_timing_reflects_the_hops_of_the_routes() -> None:
    near = _compile(_single_chain_far_apart(False), "sn40l")
    far = _compile(_single_chain_far_apart(True), "sn40l")

    def hops(module) -> int:  # type: ignore[no-untyped-def]
        return sum(
            len(r) - 1
            for s in sections(module)
            for u in s.units()
            for r in u.input_routes()
        )

    inputs = _inputs(1, "sn40l")
    t_near = dfc.simulate(emit_bitstream(near), inputs).cycles
    t_far = dfc.simulate(emit_bitstream(far), inputs).cycles
    extra = hops(far) - hops(near)
    assert extra > 40
    # Each extra hop adds the switch latency (1 cycle on sn40l) on the path.
    assert t_far - t_near >= extra * load_chip("sn40l").switch.hop_latency_cycles * 0.9


def test_router_negotiates_congestion_independent_of_order() -> None:
    """Eight streams that all want the middle links of a 1-row-high corridor of
    tiny's mesh: whatever the order, PathFinder finds a legal routing with the
    same total demand (shortest detours)."""
    chip = load_chip("tiny")
    router = Router(chip)
    pairs = [
        ((2, 0), (2, 3)),
        ((2, 3), (2, 0)),
        ((1, 0), (1, 3)),
        ((2, 1), (2, 3)),
        ((2, 0), (2, 2)),
        ((1, 1), (2, 3)),
        ((3, 1), (1, 3)),
        ((2, 0), (1, 2)),
    ]
    nets = [
        (i, "vector", router.tile(a), [router.tile(b)])
        for i, (a, b) in enumerate(pairs)
    ]
    forward = router.route(nets)
    backward = router.route(list(reversed(nets)))
    assert forward.legal and backward.legal
    total = int(forward.usage["vector"].sum())
    assert total == int(backward.usage["vector"].sum())
    assert (forward.usage["vector"] <= chip.switch.vector_streams_per_link).all()


@pytest.mark.slow
def test_scaling_on_sn40l_hundreds_of_units() -> None:
    """16 chains of 25 units (432 units, 536 producer-consumer pairs): place,
    route and check in well under a minute."""
    module = dfc.parse_mlir(chain_program("sn40l", 16, 25))
    chip = load_chip("sn40l")
    start = time.perf_counter()
    placed = place_module(module, chip)
    mid = time.perf_counter()
    routed = route_module(module, chip)
    end = time.perf_counter()
    check_routes(module)
    assert routed[0].result.legal
    assert len(placed["s0"].coords) == 432
    assert mid - start < 60 and end - mid < 30


@pytest.mark.parametrize("chip", ["tiny", "sn40l"])
def test_mlp_example_through_the_whole_pipeline(chip: str) -> None:
    """examples/mlp.mlir: graph passes, convert-dfg-to-su, then su-partition
    (5 PCUs and a skip connection on tiny: two sections joined by retained
    PMUs), su-place, su-route, su-check-routes; the simulated bitstream
    matches the reference interpreter."""
    from pathlib import Path

    from dfc.dialects import make_context
    from dfc.passes import PASSES

    text = (Path(__file__).parents[2] / "examples" / "mlp.mlir").read_text()
    x = RNG.standard_normal((4, 8)).astype(np.float32)
    want = dfc.interpret(dfc.parse_mlir(text), [x])[0]
    module = dfc.parse_mlir(text)
    ctx = make_context()
    for name in ("dfg-compile-graph", "convert-dfg-to-su", "su-partition", "su-place"):
        PASSES[name]()(chip=chip).apply(ctx, module)  # type: ignore[call-arg]
    for name in ("su-route", "su-check-routes"):
        PASSES[name]()().apply(ctx, module)
    module.verify()
    assert len(sections(module)) == (2 if chip == "tiny" else 1)
    got = dfc.simulate(emit_bitstream(module), [x]).outputs[0]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def _two_identical_sections(chip: str, pipelines: int, length: int) -> str:
    """One module holding the same chain section twice (@s0, then @s1), like two
    layers of a transformer that lower to identical sections."""
    first = chain_program(chip, pipelines, length).rstrip().splitlines()
    second = chain_program(chip, pipelines, length, section_name="s1").splitlines()
    start = next(i for i, line in enumerate(second) if "su.section @s1" in line)
    body = [line for line in second[start:] if line.strip()][:-1]  # without "}"
    return "\n".join(first[:-1] + body + [first[-1]]) + "\n"


def test_identical_sections_reuse_one_placement_and_still_route() -> None:
    module = dfc.parse_mlir(_two_identical_sections("sn40l", 4, 6))
    chip = load_chip("sn40l")
    results = place_module(module, chip, 0)
    assert not results["s0"].reused and results["s0"].moves > 0
    assert results["s1"].reused and results["s1"].moves == 0
    s0, s1 = sections(module)
    assert [u.coordinate() for u in s0.units()] == [u.coordinate() for u in s1.units()]
    route_module(module, chip)
    check_routes(module)


def test_placement_reuse_does_not_change_a_section_placed_alone() -> None:
    # The memo only skips work: @s1 placed on its own anneals to the placement
    # it reuses from @s0 (the seed comes from the structure, not the name).
    chip = load_chip("sn40l")
    together = dfc.parse_mlir(_two_identical_sections("sn40l", 3, 5))
    place_module(together, chip, 0)
    alone = dfc.parse_mlir(chain_program("sn40l", 3, 5))
    place_module(alone, chip, 0)
    assert [u.coordinate() for u in sections(together)[1].units()] == [
        u.coordinate() for u in sections(alone)[0].units()
    ]
