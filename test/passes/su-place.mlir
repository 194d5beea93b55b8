// RUN: dfc-opt %s -p 'su-place{seed=0}' | filecheck %s
// RUN: dfc-opt %s -p 'su-place{seed=7}' -o %t.a.mlir
// RUN: dfc-opt %s -p 'su-place{seed=7}' -o %t.b.mlir
// RUN: diff %t.a.mlir %t.b.mlir
// RUN: dfc-opt %s -p 'su-place{chip=tiny seed=0}' | filecheck %s --check-prefix=FIXED

/// Every unit lands on a tile of its own type of `tiny`:
///         col 0  col 1  col 2  col 3
///   row 0   .      pcu    pmu    .
///   row 1   .      pmu    pcu    .
///   row 2   agcu   pcu    pmu    agcu
///   row 3   .      pmu    pcu    .
/// The same input and seed give the same placement (the diff RUN line).

// CHECK-LABEL: su.section @s0
// CHECK:         su.agcu @la0 load @x0 {{.*}}at = array<i64: 2, {{0|3}}>
// CHECK:         su.pcu @u0_0 "map" {{.*}}at = array<i64: {{0, 1|1, 2|2, 1|3, 2}}>
// CHECK:         su.pcu @u0_1 "map" {{.*}}at = array<i64: {{0, 1|1, 2|2, 1|3, 2}}>
// CHECK:         su.pmu @u0_2 {{.*}}at = array<i64: {{0, 2|1, 1|2, 2|3, 1}}>
// CHECK:         su.pcu @u0_3 "map" {{.*}}at = array<i64: {{0, 1|1, 2|2, 1|3, 2}}>
// CHECK:         su.pcu @u0_4 "map" {{.*}}at = array<i64: {{0, 1|1, 2|2, 1|3, 2}}>
// CHECK:         su.pmu @u0_5 {{.*}}at = array<i64: {{0, 2|1, 1|2, 2|3, 1}}>
// CHECK:         su.agcu @sa0 store @y0 {{.*}}at = array<i64: 2, {{0|3}}>

/// A unit that is already placed stays where it is (@u0_3 at (0, 1)).
// FIXED-LABEL: su.section @s0
// FIXED:         su.pcu @u0_3 "map" {{.*}}at = array<i64: 0, 1>

builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x0 {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y0 {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x0], writes = [@y0]} {
    %x0 = su.agcu @la0 load @x0 {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    %u0_0 = su.pcu @u0_0 "map" (%x0) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 0.75, 0.25>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_1 = su.pcu @u0_1 "map" (%u0_0) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 0.75, 0.25>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_2 = su.pmu @u0_2 (%u0_1) {bytes = 256 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>, read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_3 = su.pcu @u0_3 "map" (%u0_2) {at = array<i64: 0, 1>, counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 0.75, 0.25>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_4 = su.pcu @u0_4 "map" (%u0_3) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 0.75, 0.25>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_5 = su.pmu @u0_5 (%u0_4) {bytes = 256 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>, read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @sa0 store @y0 (%u0_5) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

