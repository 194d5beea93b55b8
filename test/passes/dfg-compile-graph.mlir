// RUN: dfc-opt %s -p 'dfg-compile-graph{chip=tiny}' | filecheck %s

/// The whole graph pipeline on a decomposed causal attention as ONNX exports
/// it: the chain is recognised (dfg-recognize-attention; the transpose of K
/// cancels), the Q projection and the attention become two kernels on `tiny`,
/// the projection's result is handed over in SRAM, and every op carries a
/// tile. The 8 x 8 scores, mask and probabilities are gone: no value of that
/// type is left.
// CHECK-LABEL: func.func @decomposed_causal_attention
// CHECK-SAME:    %[[K:[a-z0-9]+]]: tensor<1x8x4xf32> {dfg.tier = #dfg.tier<hbm, offset = 128, size = 128>}
// CHECK-SAME:    %[[V:[a-z0-9]+]]: tensor<1x8x4xf32> {dfg.tier = #dfg.tier<hbm, offset = 256, size = 128>}
// CHECK-SAME:    attributes {dfg.fusion = "greedy", dfg.tier_peak = {ddr = 0 : i64, hbm = 448 : i64, sram = 128 : i64}}
// CHECK-NOT:     8x8x
// CHECK:         %[[Q:.*]] = dfg.kernel @decomposed_causal_attention_k0 ins({{.*}}) -> tensor<1x8x4xf32> attributes {tiers = [#dfg.tier<sram, offset = 0, size = 128>]}
// CHECK:           dfg.matmul {{.*}} {tile = #dfg.tile<[8, 4, 4], par = 1>}
// CHECK:         %[[O:.*]] = dfg.kernel @decomposed_causal_attention_k1 ins(%[[Q]], %[[K]], %[[V]] : {{.*}}) -> tensor<1x8x4xf32> attributes {tiers = [#dfg.tier<hbm, offset = 0, size = 128>]}
// CHECK:           dfg.attention {{.*}} {scale = 5.000000e-01 : f32, causal = true, tile = #dfg.tile<[1, 8, 4, 8, 4], par = 1>} : (tensor<1x8x4xf32>, tensor<1x8x4xf32>, tensor<1x8x4xf32>) -> tensor<1x8x4xf32>
// CHECK-NOT:     8x8x
// CHECK:         func.return %[[O]]
func.func @decomposed_causal_attention(%x: tensor<1x8x4xf32>, %wq: tensor<4x4xf32>, %k: tensor<1x8x4xf32>, %v: tensor<1x8x4xf32>) -> tensor<1x8x4xf32> {
  %x2 = dfg.reshape %x : (tensor<1x8x4xf32>) -> tensor<8x4xf32>
  %q2 = dfg.matmul %x2, %wq : (tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<8x4xf32>
  %q = dfg.reshape %q2 : (tensor<8x4xf32>) -> tensor<1x8x4xf32>
  %kt = dfg.transpose %k {perm = array<i64: 0, 2, 1>} : (tensor<1x8x4xf32>) -> tensor<1x4x8xf32>
  %s = dfg.batch_matmul %q, %kt : (tensor<1x8x4xf32>, tensor<1x4x8xf32>) -> tensor<1x8x8xf32>
  %c = dfg.constant dense<2.000000e+00> : tensor<f32>
  %x3 = dfg.div %s, %c : (tensor<1x8x8xf32>, tensor<f32>) -> tensor<1x8x8xf32>
  %m = dfg.constant dense<[[true, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false], [true, true, true, false, false, false, false, false], [true, true, true, true, false, false, false, false], [true, true, true, true, true, false, false, false], [true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true]]> : tensor<8x8xi1>
  %min = dfg.constant dense<-3.40282347E+38> : tensor<f32>
  %w = dfg.where %m, %x3, %min : (tensor<8x8xi1>, tensor<1x8x8xf32>, tensor<f32>) -> tensor<1x8x8xf32>
  %p = dfg.softmax %w {axis = -1 : i64} : (tensor<1x8x8xf32>) -> tensor<1x8x8xf32>
  %o = dfg.batch_matmul %p, %v : (tensor<1x8x8xf32>, tensor<1x8x4xf32>) -> tensor<1x8x4xf32>
  func.return %o : tensor<1x8x4xf32>
}
