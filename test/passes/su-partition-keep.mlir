// RUN: dfc-opt %s -p 'su-partition{chip=tiny}' | filecheck %s
// RUN: dfc-opt %s -p 'su-partition,su-place,su-route,su-check-routes' -o /dev/null

/// y = x * w + 1 needs three AGCUs (two loads and a store) in any piece that
/// holds the PCU, and tiny has two; cutting through HBM only adds AGCUs. A cut
/// stream small enough for one PMU can instead reach the next section in a
/// retained PMU: @s0_0 loads x into @ax_keep and retains it, @s0_1 reads it
/// there (same name, same element order) beside the load of w.

// CHECK-LABEL: builtin.module
// CHECK:         su.section @s0_0 {reads = [@x], writes = [], retain = [@ax_keep]} {
// CHECK-NEXT:      %[[X:.*]] = su.agcu @ax load @x
// CHECK-NEXT:      su.pmu @ax_keep (%[[X]]) {bytes = 256 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(d0, d1) -> (((d0 * 8) + d1))>>}
// CHECK-NEXT:    }
// CHECK-NEXT:    su.section @s0_1 {reads = [@w], writes = [@y]} {
// CHECK-NEXT:      %[[K:.*]] = su.pmu @ax_keep () {bytes = 256 : i64, banks = 4 : i64, dtype = f32, read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(d0, d1) -> (((d0 * 8) + d1))>>}
// CHECK-NEXT:      %[[W:.*]] = su.agcu @aw load @w
// CHECK-NEXT:      su.pcu @p0 "map" (%[[K]], %[[W]])

builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @w {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "weight", init = dense<0.5> : tensor<8x8xf32>}
  su.memory @y {tier = "hbm", offset = 512 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x, @w], writes = [@y]} {
    %x = su.agcu @ax load @x {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    %w = su.agcu @aw load @w {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (j * 8 + i)>} : () -> !su.stream<vector, f32>
    %m = su.pcu @p0 "map" (%x, %w) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, in1)>, #su.stage<add(s0, c0)>], constants = array<f32: 1.0>}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @ay store @y (%m) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}
