// RUN: cd %S && dfc-opt su-route-negative.mlir -p 'su-place,su-route{congestion-map="%t.json"}' --verify-diagnostics
// RUN: %python -c "import json; d = json.load(open('%t.json')); s = d['sections']['s0']; assert not s['legal'] and s['overused'] >= 1, s; assert any(l['demand'] == 2 and l['capacity'] == 1 for l in s['links']), s"
// RUN: cd %S && not dfc-opt su-route-negative.mlir -p 'su-place,su-route' 2>&1 | filecheck %s

/// Inputs/narrow.toml is one row of tiles, agcu pcu pmu pcu agcu, with one
/// vector stream per link and direction and no detour. Whichever PCU and AGCU
/// each unit takes, two streams cross one link in the same direction (x to the
/// far PCU, and p0 -> p1 or p1 -> the store): the section is unroutable,
/// placement feedback cannot help, and the error names the link with its
/// demand and capacity and the streams that compete for it.
// CHECK: su-route-negative.mlir:[[# @LINE + 4]]:{{[0-9]+}}: error: su-route: section @s0 is unroutable on 'narrow'
// CHECK-NOT: Traceback
builtin.module attributes {su.chip = "Inputs/narrow.toml"} {
  // expected-error @+1 {{su-route: section @s0 is unroutable on 'narrow' after 50 iterations and 3 placement rounds: 2 links over capacity; worst: (0, 1) -> (0, 2) needs 2 vector streams, capacity 1; (0, 2) -> (0, 3) needs 2 vector streams, capacity 1; conflicting streams (2): @ax -> @p0, @p1; @p0 -> @p1}}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @ax load @x {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    %a = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %b = su.pcu @p1 "map" (%x, %a) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<add(in0, in1)>]}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @ay store @y (%b) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
}
