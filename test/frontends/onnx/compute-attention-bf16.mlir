// RUN: dfc-translate --import-onnx %S/Inputs/compute_attention_bf16.onnxtxt | filecheck %s
/// bf16 Attention is expanded into one dfg op per step of onnx.reference's
/// numpy computation, each typed bf16, so the result rounds where the
/// reference's does: Q and K times sqrt(scale), the product, the causal bias,
/// the guarded softmax with its denominator summed left to right (a chain of
/// rounded adds, as numpy sums bfloat16), and P @ V. No dfg.attention.

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[Q:.*]]: tensor<1x2x2x4xbf16> {dfc.name = "q"}, %[[K:.*]]: tensor<1x2x3x4xbf16> {dfc.name = "k"}, %[[V:.*]]: tensor<1x2x3x4xbf16> {dfc.name = "v"}
// CHECK-NOT:     dfg.attention
// CHECK:         %[[S:.*]] = dfg.constant dense<7.070310e-01> : tensor<bf16>
// CHECK:         %[[QS:.*]] = dfg.mul %[[Q]], %[[S]] : (tensor<1x2x2x4xbf16>, tensor<bf16>) -> tensor<1x2x2x4xbf16>
// CHECK:         %[[KS:.*]] = dfg.mul %[[K]], %[[S]] : (tensor<1x2x3x4xbf16>, tensor<bf16>) -> tensor<1x2x3x4xbf16>
// CHECK:         %[[QK:.*]] = dfg.batch_matmul %[[QS]], %[[KS]] {transpose_b = true} : {{.*}} -> tensor<1x2x2x3xbf16>
// CHECK:         %[[BIAS:.*]] = dfg.constant dense<{{\[\[}}0.000000e+00, 0xff80, 0xff80], [0.000000e+00, 0.000000e+00, 0xff80]]> : tensor<2x3xbf16>
// CHECK:         %[[X:.*]] = dfg.add %[[QK]], %[[BIAS]] : {{.*}} -> tensor<1x2x2x3xbf16>
// CHECK:         %[[MAX:.*]] = dfg.reduce_max %[[X]] {axes = array<i64: 3>, keepdims = true}
// CHECK:         %[[SAFE:.*]] = dfg.where %{{.*}}, %{{.*}}, %[[MAX]]
// CHECK:         %[[T:.*]] = dfg.sub %[[X]], %[[SAFE]] : {{.*}} -> tensor<1x2x2x3xbf16>
// CHECK:         %[[E:.*]] = dfg.exp %[[T]] : (tensor<1x2x2x3xbf16>) -> tensor<1x2x2x3xbf16>
// CHECK:         %[[E0:.*]] = dfg.slice %[[E]] {starts = array<i64: 0>, ends = array<i64: 1>, axes = array<i64: 3>
// CHECK:         %[[E1:.*]] = dfg.slice %[[E]] {starts = array<i64: 1>, ends = array<i64: 2>, axes = array<i64: 3>
// CHECK:         %[[S01:.*]] = dfg.add %[[E0]], %[[E1]] : {{.*}} -> tensor<1x2x2x1xbf16>
// CHECK:         %[[E2:.*]] = dfg.slice %[[E]] {starts = array<i64: 2>, ends = array<i64: 3>, axes = array<i64: 3>
// CHECK:         %[[SUM:.*]] = dfg.add %[[S01]], %[[E2]] : {{.*}} -> tensor<1x2x2x1xbf16>
// CHECK:         %[[DEN:.*]] = dfg.where %{{.*}}, %{{.*}}, %[[SUM]]
// CHECK:         %[[P:.*]] = dfg.div %[[E]], %[[DEN]] : {{.*}} -> tensor<1x2x2x3xbf16>
// CHECK:         %[[Y:.*]] = dfg.batch_matmul %[[P]], %[[V]] : {{.*}} -> tensor<1x2x2x4xbf16>
// CHECK:         func.return %[[Y]]
