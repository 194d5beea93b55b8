// RUN: dfc-opt %s -p 'builtin.module(convert-dfg-to-su{chip=tiny})' | filecheck %s

/// `par = 2` on an elementwise chain (pinned here: on tiny, dfg-tile keeps one
/// unit per op, since a second replica would need AGCUs tiny does not have)
/// gives two replicas of the whole stage pipeline over the rows, each with
/// its own load and store walking its half of the tensor.
// CHECK-LABEL: su.section @s0 {reads = [@x], writes = [@out0]}
// CHECK:         %[[X:.*]] = su.agcu @r0_ld0 load @x {counters = array<i64: 0, 16, 4>, map = affine_map<(d0) -> (d0)>}
// CHECK:         %[[A:.*]] = su.pcu @r0_map0 "map" (%[[X]]) {{.*}}stages = [#su.stage<mul(in0, c0)>
// CHECK:         su.agcu @r0_st0 store @out0 ({{.*}}) {counters = array<i64: 0, 16, 4>, map = affine_map<(d0) -> (d0)>}
// CHECK:         su.agcu @r1_ld0 load @x {counters = array<i64: 0, 16, 4>, map = affine_map<(d0) -> ((d0 + 16))>}
// CHECK:         su.agcu @r1_st0 store @out0 ({{.*}}) {counters = array<i64: 0, 16, 4>, map = affine_map<(d0) -> ((d0 + 16))>}
// CHECK-NOT:     su.section
func.func @gelu_chain(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %half = dfg.constant dense<5.000000e-01> : tensor<f32>
  %0 = dfg.mul %x, %half {tile = #dfg.tile<[2, 8], par = 2>} : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %1 = dfg.gelu %0 {tile = #dfg.tile<[2, 8], par = 2>} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %1 : tensor<4x8xf32>
}
