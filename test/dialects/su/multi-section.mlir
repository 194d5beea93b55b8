// RUN: dfc-opt %s | dfc-opt | filecheck %s
// RUN: dfc-opt %s --print-op-generic | dfc-opt | filecheck %s

/// A placed and routed two-section program on the `tiny` chip (4 x 4 tiles):
///
///         col 0  col 1  col 2  col 3
///   row 0   .      pcu    pmu    .
///   row 1   .      pmu    pcu    .
///   row 2   agcu   pcu    pmu    agcu
///   row 3   .      pmu    pcu    .
///
/// Section @s0: t = transpose(x * 2 + 1): AGCU (2, 0) loads x, the PCU at (2, 1)
/// maps it, the PMU at (2, 2) writes it row by row and reads it column by column,
/// the AGCU at (2, 3) stores t.
/// Section @s1: y[i] = sum_j t[i, j] * w[i, j]: AGCU (2, 0) loads t, the PMU at
/// (2, 2) holds the small weight table w (its init image), the PCU at (2, 1)
/// multiplies and reduces each row over the lanes and the inner counter, and the
/// AGCU at (2, 3) stores the scalar stream of row sums into y.

// CHECK-LABEL: builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
// CHECK-COUNT-3: su.memory
// CHECK:         su.section @s0 {reads = [@x], writes = [@t]} {
// CHECK-NEXT:      %[[X:.*]] = su.agcu @a0 load @x {at = array<i64: 2, 0>,
// CHECK-NEXT:      %[[M:.*]] = su.pcu @p0 "map" (%[[X]]) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>],
// CHECK-NEXT:      %[[T:.*]] = su.pmu @m0 (%[[M]]) {at = array<i64: 2, 2>, routes = [array<i64: 2, 1, 2, 2>],
// CHECK-NEXT:      su.agcu @a1 store @t (%[[T]]) {at = array<i64: 2, 3>, routes = [array<i64: 2, 2, 2, 3>],
// CHECK-NEXT:    }
// CHECK-NEXT:    su.section @s1 {reads = [@t], writes = [@y]} {
// CHECK-NEXT:      %[[L:.*]] = su.agcu @a0 load @t {at = array<i64: 2, 0>,
// CHECK-NEXT:      %[[W:.*]] = su.pmu @m0 () {at = array<i64: 2, 2>,
// CHECK-NEXT:      %[[S:.*]] = su.pcu @p0 "reduce" (%[[L]], %[[W]]) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>, array<i64: 2, 2, 2, 1>],
// CHECK-NEXT:      su.agcu @a1 store @y (%[[S]]) {at = array<i64: 2, 3>, routes = [array<i64: 2, 1, 2, 2, 2, 3>],
// CHECK-NEXT:    }
// CHECK-NEXT:  }

builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @t {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "scratch"}
  su.memory @y {tier = "hbm", offset = 512 : i64, type = tensor<8xf32>, role = "output"}

  su.section @s0 {reads = [@x], writes = [@t]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>,
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : () -> !su.stream<vector, f32>
    %m = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>],
        counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>],
        constants = array<f32: 2.0, 1.0>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %tt = su.pmu @m0 (%m) {at = array<i64: 2, 2>, routes = [array<i64: 2, 1, 2, 2>],
        bytes = 256 : i64, banks = 4 : i64, double_buffer = true, dtype = f32,
        write = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>,
        read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (j * 8 + i)>>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @t (%tt) {at = array<i64: 2, 3>, routes = [array<i64: 2, 2, 2, 3>],
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
        routes = [array<i64: 2, 0, 2, 1>, array<i64: 2, 2, 2, 1>],
        counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, accumulate = f32,
        stages = [#su.stage<mul(in0, in1)>],
        reduce_op = "add", reduce_counters = array<i64: 1>, reduce_lanes = true}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<scalar, f32>
    su.agcu @a1 store @y (%s) {at = array<i64: 2, 3>, routes = [array<i64: 2, 1, 2, 2, 2, 3>],
        counters = array<i64: 0, 8, 1>, map = affine_map<(i) -> (i)>}
        : (!su.stream<scalar, f32>) -> ()
  }
}
