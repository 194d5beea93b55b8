// RUN: dfc-translate --import-onnx %S/Inputs/compute_attention_gqa.onnxtxt | filecheck %s
/// 3-D Attention: heads are split with reshape + transpose, the two KV heads
/// are repeated for the four query heads (broadcast + reshape), and the result
/// is merged back to [B, L, H*D].

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[Q:.*]]: tensor<1x3x8xf32> {dfc.name = "q"}, %[[K:.*]]: tensor<1x5x4xf32> {dfc.name = "k"}, %[[V:.*]]: tensor<1x5x4xf32> {dfc.name = "v"}
// CHECK:         %[[Q4:.*]] = dfg.reshape %[[Q]] : (tensor<1x3x8xf32>) -> tensor<1x3x4x2xf32>
// CHECK:         %[[QT:.*]] = dfg.transpose %[[Q4]] {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x4x2xf32>) -> tensor<1x4x3x2xf32>
// CHECK:         %[[KB:.*]] = dfg.broadcast %{{.*}} : (tensor<1x2x1x5x2xf32>) -> tensor<1x2x2x5x2xf32>
// CHECK:         %[[KR:.*]] = dfg.reshape %[[KB]] : (tensor<1x2x2x5x2xf32>) -> tensor<1x4x5x2xf32>
// CHECK:         %[[VR:.*]] = dfg.reshape %{{.*}} : (tensor<1x2x2x5x2xf32>) -> tensor<1x4x5x2xf32>
// CHECK:         %[[O:.*]] = dfg.attention %[[QT]], %[[KR]], %[[VR]] {causal = true} : (tensor<1x4x3x2xf32>, tensor<1x4x5x2xf32>, tensor<1x4x5x2xf32>) -> tensor<1x4x3x2xf32>
// CHECK:         %[[OT:.*]] = dfg.transpose %[[O]] {perm = array<i64: 0, 2, 1, 3>}
// CHECK:         %[[Y:.*]] = dfg.reshape %[[OT]] : (tensor<1x3x4x2xf32>) -> tensor<1x3x8xf32>
// CHECK:         func.return %[[Y]]
