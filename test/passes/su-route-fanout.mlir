// RUN: dfc-opt %s -p 'su-route,su-check-routes' | filecheck %s

/// A fan-out stream is routed as a tree: %x reaches @p0 at (2, 1) in one hop,
/// and the route to @p1 at (0, 1) continues from that branch (2, 0) -> (2, 1)
/// rather than taking an equally short separate path, so the stream occupies
/// the link (2, 0) -> (2, 1) once for both consumers.

// CHECK-LABEL: su.section @s0
// CHECK:         su.pcu @p0 "map" {{.*}}routes = [array<i64: 2, 0, 2, 1>]}
// CHECK:         su.pcu @p1 "map" {{.*}}routes = [array<i64: 2, 0, 2, 1, 1, 1, 0, 1>]}
// CHECK:         su.pcu @p2 "map" {{.*}}routes = [array<i64: 2, 1, {{[0-9], [0-9]}}, 1, 2>, array<i64: 0, 1, {{[0-9], [0-9]}}, 1, 2>]}
// CHECK:         su.agcu @ay store @y {{.*}}routes = [array<i64: 1, 2, {{[0-9], [0-9]}}, 2, 3>]}

builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @ax load @x {at = array<i64: 2, 0>, counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    %a = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, c0)>], constants = array<f32: 2.0>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %b = su.pcu @p1 "map" (%x) {at = array<i64: 0, 1>, counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<add(in0, c0)>], constants = array<f32: 1.0>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %c = su.pcu @p2 "map" (%a, %b) {at = array<i64: 1, 2>, counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<add(in0, in1)>]}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @ay store @y (%c) {at = array<i64: 2, 3>, counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}
