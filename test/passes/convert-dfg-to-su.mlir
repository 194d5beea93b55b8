// RUN: dfc-opt %s -p 'dfg-compile-graph{chip=tiny},convert-dfg-to-su{chip=tiny}' --split-input-file | filecheck %s

/// An elementwise chain is one section: a splat constant is a stage constant,
/// the broadcast bias a stride-0 walk (read from a PMU holding the small
/// weight), gelu expands into stages (erf form), and tiny's 3 stages per PCU
/// split the chain. One replica: a second would need more than tiny's 2
/// AGCUs (replicas: convert-dfg-to-su-replicas.mlir).
// CHECK-LABEL: builtin.module attributes {su.chip = "tiny"
// CHECK:         su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x8xf32>, role = "input"}
// CHECK:         su.memory @out0 {{.*}} role = "output"}
// CHECK:         su.memory @b {{.*}} role = "weight", init = dense_resource<b> : tensor<8xf32>}
// CHECK:         su.section @s0 {reads = [@x], writes = [@out0]}
// CHECK:           %[[X:.*]] = su.agcu @ld0 load @x {counters = array<i64: 0, 32, 4>, map = affine_map<(d0) -> (d0)>}
// CHECK:           %[[B:.*]] = su.pmu @w0 () {{.*}}read = #su.agen<counters = array<i64: 0, 4, 1, 0, 8, 4>, map = affine_map<(d0, d1) -> (d1)>>
// CHECK:           %[[A:.*]] = su.pcu @map0 "map" (%[[X]], %[[B]]) {{.*}}stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, in1)>], constants = array<f32: 5.000000e-01>}
// CHECK:           %[[E:.*]] = su.pcu @map1 "map" (%[[A]]) {{.*}}stages = [#su.stage<mul(in0, c0)>, #su.stage<erf(s0)>, #su.stage<fma(s1, c1, c1)>]
// CHECK:           %[[G:.*]] = su.pcu @map2 "map" (%[[A]], %[[E]]) {{.*}}stages = [#su.stage<mul(in0, in1)>]
// CHECK:           su.agcu @st0 store @out0 (%[[G]]) {counters = array<i64: 0, 32, 4>, map = affine_map<(d0) -> (d0)>}
// CHECK-NOT:       su.section
func.func @gelu_chain(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %half = dfg.constant dense<5.000000e-01> : tensor<f32>
  %b = dfg.constant dense<[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]> : tensor<8xf32>
  %0 = dfg.mul %x, %half : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %1 = dfg.add %0, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %2 = dfg.gelu %1 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %2 : tensor<4x8xf32>
}

// -----

/// softmax: three sections over the rows (max, sum of exp, normalize), the
/// per-row statistics through f32 scratch memories re-read with a stride-0 walk.
// CHECK-LABEL: builtin.module attributes {su.chip = "tiny"
// CHECK:         su.memory @rowmax {{.*}} type = tensor<4xf32>, role = "scratch"}
// CHECK:         su.memory @rowsum {{.*}} type = tensor<4xf32>, role = "scratch"}
// CHECK:         su.section @s0 {reads = [@x], writes = [@rowmax]}
// CHECK:           su.pcu @redmax0 "reduce" {{.*}}counters = array<i64: 0, 4, 1, 0, 8, 4>, {{.*}}reduce_op = "max", reduce_counters = array<i64: 1>, reduce_lanes = true
// CHECK:         su.section @s1 {reads = [@x, @rowmax], writes = [@rowsum]}
// CHECK:           su.agcu @ld1 load @rowmax {counters = array<i64: 0, 4, 1, 0, 8, 4>, map = affine_map<(d0, d1) -> (d0)>}
// CHECK:           su.pcu @map0 "map" {{.*}}stages = [#su.stage<sub(in0, in1)>, #su.stage<exp(s0)>]
// CHECK:           su.pcu @redadd0 "reduce"
// CHECK:         su.section @s2 {reads = [@x, @rowmax, @rowsum], writes = [@out0]}
// CHECK:           su.pcu @map0 "map" {{.*}}stages = [#su.stage<sub(in0, in1)>, #su.stage<exp(s0)>]
// CHECK:           su.pcu @map1 "map" {{.*}}stages = [#su.stage<div(in0, in1)>]
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = dfg.softmax %x {axis = -1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %0 : tensor<4x8xf32>
}

// -----

/// A reduction over the middle axis keeps the last axis vectorized: the unit's
/// counters are (kept, reduced, last kept) and it accumulates counter 1 (the
/// load, row-major here, is normalized to one counter); mean scales by 1/5.
// CHECK-LABEL: builtin.module attributes {su.chip = "tiny"
// CHECK:         su.section @s0 {reads = [@x], writes = [@out0]}
// CHECK:           %[[L:.*]] = su.agcu @ld0 load @x {counters = array<i64: 0, 105, 4>, map = affine_map<(d0) -> (d0)>}
// CHECK:           su.pcu @redadd0 "reduce" (%[[L]]) {counters = array<i64: 0, 3, 1, 0, 5, 1, 0, 7, 4>, {{.*}}reduce_counters = array<i64: 1>
// CHECK-NOT:       reduce_lanes
// CHECK:           su.pcu @map0 "map" {{.*}}stages = [#su.stage<mul(in0, c0)>], constants = array<f32: 2.000000e-01>
func.func @mean_middle(%x: tensor<3x5x7xf32>) -> tensor<3x7xf32> {
  %0 = dfg.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<3x5x7xf32>) -> tensor<3x7xf32>
  func.return %0 : tensor<3x7xf32>
}

// -----

/// A transpose is a DMA walk: no compute unit.
// CHECK-LABEL: builtin.module attributes {su.chip = "tiny"
// CHECK:         su.section @s0 {reads = [@x], writes = [@out0]}
// CHECK-NEXT:      %[[L:.*]] = su.agcu @ld0 load @x {counters = array<i64: 0, 8, 1, 0, 4, 4>, map = affine_map<(d0, d1) -> ((d0 + (d1 * 8)))>}
// CHECK-NEXT:      su.agcu @st0 store @out0 (%[[L]]) {counters = array<i64: 0, 32, 4>, map = affine_map<(d0) -> (d0)>}
// CHECK-NEXT:    }
func.func @transpose(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %0 = dfg.transpose %x {perm = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  func.return %0 : tensor<8x4xf32>
}
