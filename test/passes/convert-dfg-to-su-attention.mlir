// RUN: dfc-opt %s -p 'builtin.module(convert-dfg-to-su{chip=tiny})' | filecheck %s

/// Causal attention as a streaming kernel over key blocks (tq = 4 query rows,
/// kb = 2 keys, tv = 2 value columns on tiny): pass 1 reduces the row maxima
/// of the masked scores, pass 2 recomputes the score tiles, exponentiates,
/// sums the rows and multiplies the transposed probability tiles with V; the
/// sums over key blocks are divided by the row sums. Every PMU holds a tile
/// or a row block (at most 64 bytes here), never the 8 x 8 scores.
// CHECK-LABEL: su.section @s0 {reads = [@q, @k, @v], writes = [@out0]}
// CHECK:         %[[QP:.*]] = su.pmu @qpanel0 ({{.*}}) {bytes = 64 : i64,{{.*}}read = #su.agen<counters = array<i64: 0, 4, 1, 0, 16, 4>, map = affine_map<(d0, d1) -> (d1)>>
// CHECK:         %[[K:.*]] = su.agcu @ld1 load @k
// CHECK:         %[[S:.*]] = su.pcu @qk0 "matmul" (%[[QP]], %[[K]]) {counters = array<i64: 0, 8, 1, 0, 1, 1>, {{.*}}tile = array<i64: 4, 2, 4>}
// CHECK:         %[[X:.*]] = su.pcu @scale0 "map" (%[[S]]) {{.*}}stages = [#su.stage<mul(in0, c0)>], constants = array<f32: 5.000000e-01>}
/// key - query from the counter values: i and j step by a block
// CHECK:         %[[D:.*]] = su.pcu @causal0 "map" () {counters = array<i64: 0, 8, 4, 0, 8, 2, 0, 4, 1, 0, 2, 2>, dtype = f32, stages = [#su.stage<sub(ctr1, ctr0)>, #su.stage<add(s0, ctr3)>, #su.stage<sub(s1, ctr2)>]}
// CHECK:         %[[XM:.*]] = su.pcu @causalmask0 "map" (%[[X]], %[[D]]) {{.*}}stages = [#su.stage<max(in1, c0)>, #su.stage<mul(s0, c1)>, #su.stage<add(in0, s1)>], constants = array<f32: 0.000000e+00, -1.000000e+30>}
// CHECK:         %[[M:.*]] = su.pcu @rowmax0 "reduce" (%[[XM]]) {{.*}}reduce_op = "max", reduce_counters = array<i64: 1, 3>, reduce_lanes = true}
// CHECK:         %[[MB:.*]] = su.pmu @bc0 (%[[M]]) {bytes = 16 : i64
// CHECK:         su.pcu @qk1 "matmul"
// CHECK:         %[[XM2:.*]] = su.pcu @causalmask1 "map"
// CHECK:         %[[P:.*]] = su.pcu @exp0 "map" (%[[XM2]], %[[MB]]) {{.*}}stages = [#su.stage<sub(in0, in1)>, #su.stage<exp(s0)>]}
// CHECK:         %[[L:.*]] = su.pcu @rowadd0 "reduce" (%[[P]])
// CHECK:         %[[R:.*]] = su.pcu @rowscale0 "map" (%[[L]]) {{.*}}stages = [#su.stage<recip(in0)>]}
/// each 4 x 2 probability tile is written by rows and read by columns
// CHECK:         %[[PT:.*]] = su.pmu @pt0 (%[[P]]) {bytes = 32 : i64, {{.*}}read = #su.agen<counters = array<i64: 0, 2, 1, 0, 2, 1, 0, 4, 4>, map = affine_map<(d0, d1, d2) -> ((d1 + (d2 * 2)))>>, double_buffer = true}
// CHECK:         %[[V:.*]] = su.agcu @ld4 load @v
// CHECK:         %[[PV:.*]] = su.pcu @pv0 "matmul" (%[[PT]], %[[V]]) {counters = array<i64: 0, 16, 1, 0, 1, 1>, {{.*}}tile = array<i64: 4, 2, 2>}
// CHECK:         %[[O:.*]] = su.pcu @acc0 "reduce" (%[[PV]]) {counters = array<i64: 0, 2, 1, 0, 4, 1, 0, 16, 4>, {{.*}}reduce_op = "add", reduce_counters = array<i64: 1>}
// CHECK:         %[[OH:.*]] = su.pmu @osum0 (%[[O]])
// CHECK:         %[[RB:.*]] = su.pmu @bc1 (%[[R]])
// CHECK:         %[[Y:.*]] = su.pcu @norm0 "map" (%[[OH]], %[[RB]]) {{.*}}stages = [#su.stage<mul(in0, in1)>]}
// CHECK:         su.agcu @st0 store @out0 (%[[Y]])
func.func @main(%q: tensor<1x8x4xf32>, %k: tensor<1x8x4xf32>, %v: tensor<1x8x4xf32>) -> tensor<1x8x4xf32> {
  %o = dfg.attention %q, %k, %v {causal = true} : (tensor<1x8x4xf32>, tensor<1x8x4xf32>, tensor<1x8x4xf32>) -> tensor<1x8x4xf32>
  func.return %o : tensor<1x8x4xf32>
}
