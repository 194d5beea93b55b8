// RUN: dfc-opt %s --split-input-file -p 'builtin.module(convert-dfg-to-su{chip=tiny})' | filecheck %s

/// An embedding lookup: the i64 indices are i32 in memory, a map unit makes
/// negative ones positive (i + (i >> 31 & 10)), and the 10 x 4 table, small
/// enough for a memory unit, is loaded once and gathered on chip: the index
/// stands for the outermost counter of the PMU's read map (s0).
// CHECK-LABEL: su.memory @i {{.*}}type = tensor<2x3xi32>, role = "input"}
// CHECK:         %[[I:.*]] = su.agcu @ld0 load @i {{.*}} -> !su.stream<vector, i32>
// CHECK:         %[[J:.*]] = su.pcu @idx0 "map" (%[[I]]) {{.*}}dtype = i32, stages = [#su.stage<shr(in0, c0)>, #su.stage<and(s0, c1)>, #su.stage<add(in0, s1)>], constants = array<i32: 31, 10>}
// CHECK:         %[[T:.*]] = su.agcu @ld1 load @t
// CHECK:         %[[R:.*]] = su.pmu @table0 (%[[T]], %[[J]]) {{.*}}read = #su.agen<counters = array<i64: 0, 6, 1, 0, 4, 4>, map = affine_map<(d0, d1)[s0] -> (((s0 * 4) + d1))>>, gather = true}
// CHECK:         su.agcu @st0 store @out0 (%[[R]])
func.func @main(%t: tensor<10x4xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %r = dfg.gather %t, %i {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  func.return %r : tensor<2x3x4xf32>
}

// -----

/// A table larger than a memory unit is gathered by the AGCU; the index is
/// outermost in the load, so the store scatters into (prefix, index, suffix).
// CHECK-LABEL: su.memory @t {{.*}}type = tensor<3x500x4xf32>
// CHECK:         %[[J:.*]] = su.pcu @idx0 "map"
// CHECK:         %[[R:.*]] = su.agcu @ld1 load @t (%[[J]]) {counters = array<i64: 0, 5, 1, 0, 3, 1, 0, 4, 4>, map = affine_map<(d0, d1, d2)[s0] -> ((((s0 * 4) + (d1 * 2000)) + d2))>}
// CHECK:         su.agcu @st0 store @out0 (%[[R]]) {counters = array<i64: 0, 5, 1, 0, 3, 1, 0, 4, 4>, map = affine_map<(d0, d1, d2) -> ((((d0 * 4) + (d1 * 20)) + d2))>}
func.func @main(%t: tensor<3x500x4xf32>, %i: tensor<5xi32>) -> tensor<3x5x4xf32> {
  %r = dfg.gather %t, %i {axis = 1 : i64} : (tensor<3x500x4xf32>, tensor<5xi32>) -> tensor<3x5x4xf32>
  func.return %r : tensor<3x5x4xf32>
}

// -----

/// A reverse exclusive cumulative sum along the last axis: slices 5..1 are
/// scanned (a negative coefficient walks backwards) and stored one slice on;
/// slice 5 gets the identity from a unit without inputs.
// CHECK-LABEL: su.memory @x {{.*}}type = tensor<3x6xf32>
// CHECK:         %[[X:.*]] = su.agcu @ld0 load @x {counters = array<i64: 0, 3, 1, 0, 5, 4>, map = affine_map<(d0, d1) -> ((((d0 * 6) + 5) + (d1 * -1)))>}
// CHECK:         %[[S:.*]] = su.pcu @scan0 "scan" (%[[X]]) {counters = array<i64: 0, 3, 1, 0, 5, 4>, dtype = f32, stages = [], scan_op = "add", scan_counter = 1 : i64}
// CHECK:         su.agcu @st0 store @out0 (%[[S]]) {counters = array<i64: 0, 3, 1, 0, 5, 4>, map = affine_map<(d0, d1) -> ((((d0 * 6) + 4) + (d1 * -1)))>}
// CHECK:         %[[Z:.*]] = su.pcu @identity0 "map" () {{.*}}stages = [#su.stage<max(c0, c0)>], constants = array<f32: 0.000000e+00>}
// CHECK:         su.agcu @st1 store @out0 (%[[Z]]) {counters = array<i64: 0, 3, 1, 0, 1, 1>, map = affine_map<(d0, d1) -> ((((d0 * 6) + 5) + d1))>}
func.func @main(%x: tensor<3x6xf32>) -> tensor<3x6xf32> {
  %r = dfg.scan %x {axis = 1 : i64, kind = "sum", exclusive = true, reverse = true} : (tensor<3x6xf32>) -> tensor<3x6xf32>
  func.return %r : tensor<3x6xf32>
}
