// RUN: dfc-opt %s -p 'su-route' | filecheck %s
// RUN: dfc-opt %s -p 'su-route{chip=tiny},su-check-routes' -o /dev/null

/// The placed program of test/dialects/su/multi-section.mlir without its
/// routes: su-route gives every input port a route from its producer's tile to
/// its own, as `array<i64: r0, c0, r1, c1, ...>` (neighbouring switches), the
/// shortest one when links are free; su-check-routes accepts the result.

// CHECK-LABEL: su.section @s0
// CHECK:         su.agcu @a0 load @x {{.*}}at = array<i64: 2, 0>
// CHECK:         su.pcu @p0 "map" {{.*}}routes = [array<i64: 2, 0, 2, 1>]}
// CHECK:         su.pmu @m0 {{.*}}routes = [array<i64: 2, 1, 2, 2>]}
// CHECK:         su.agcu @a1 store @t {{.*}}routes = [array<i64: 2, 2, 2, 3>]}
// CHECK-LABEL: su.section @s1
// CHECK:         su.pmu @m0 () {{.*}}at = array<i64: 2, 2>
// CHECK:         su.pcu @p0 "reduce" {{.*}}routes = [array<i64: 2, 0, 2, 1>, array<i64: 2, 2, 2, 1>]}
// CHECK:         su.agcu @a1 store @y {{.*}}routes = [array<i64: 2, 1, 2, 2, 2, 3>]}
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @t {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "scratch"}
  su.memory @y {tier = "hbm", offset = 512 : i64, type = tensor<8xf32>, role = "output"}

  su.section @s0 {reads = [@x], writes = [@t]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>,
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : () -> !su.stream<vector, f32>
    %m = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>,
        counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>],
        constants = array<f32: 2.0, 1.0>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %tt = su.pmu @m0 (%m) {at = array<i64: 2, 2>,
        bytes = 256 : i64, banks = 4 : i64, double_buffer = true, dtype = f32,
        write = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>,
        read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (j * 8 + i)>>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @t (%tt) {at = array<i64: 2, 3>,
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : (!su.stream<vector, f32>) -> ()
  }

  su.section @s1 {reads = [@t], writes = [@y]} {
    %t = su.agcu @a0 load @t {at = array<i64: 2, 0>,
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : () -> !su.stream<vector, f32>
    %w = su.pmu @m0 () {at = array<i64: 2, 2>, bytes = 256 : i64, banks = 4 : i64, dtype = f32,
        init = dense<0.5> : tensor<8x8xf32>,
        read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>}
        : () -> !su.stream<vector, f32>
    %s = su.pcu @p0 "reduce" (%t, %w) {at = array<i64: 2, 1>,
        counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, accumulate = f32,
        stages = [#su.stage<mul(in0, in1)>],
        reduce_op = "add", reduce_counters = array<i64: 1>, reduce_lanes = true}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<scalar, f32>
    su.agcu @a1 store @y (%s) {at = array<i64: 2, 3>,
        counters = array<i64: 0, 8, 1>, map = affine_map<(i) -> (i)>}
        : (!su.stream<scalar, f32>) -> ()
  }
}
