// RUN: dfc-opt %s | dfc-opt | filecheck %s
// RUN: dfc-opt %s --print-op-generic | dfc-opt | filecheck %s

// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x8xf32>, %[[K:.*]]: tensor<2x6x8xf32>, %[[V:.*]]: tensor<2x6x16xf32>)
func.func @attention(%q: tensor<2x4x8xf32>, %k: tensor<2x6x8xf32>, %v: tensor<2x6x16xf32>) -> tensor<2x4x16xf32> {
  // CHECK: %[[O:.*]] = dfg.attention %[[Q]], %[[K]], %[[V]] : (tensor<2x4x8xf32>, tensor<2x6x8xf32>, tensor<2x6x16xf32>) -> tensor<2x4x16xf32>
  %o = dfg.attention %q, %k, %v : (tensor<2x4x8xf32>, tensor<2x6x8xf32>, tensor<2x6x16xf32>) -> tensor<2x4x16xf32>
  // CHECK: func.return %[[O]]
  func.return %o : tensor<2x4x16xf32>
}

// CHECK-LABEL: func.func @attention_bool_mask_causal
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x4x8xbf16>, %[[K:.*]]: tensor<1x2x4x8xbf16>, %[[V:.*]]: tensor<1x2x4x8xbf16>, %[[M:.*]]: tensor<4x1xi1>)
func.func @attention_bool_mask_causal(%q: tensor<1x2x4x8xbf16>, %k: tensor<1x2x4x8xbf16>, %v: tensor<1x2x4x8xbf16>, %m: tensor<4x1xi1>) -> tensor<1x2x4x8xbf16> {
  // CHECK: dfg.attention %[[Q]], %[[K]], %[[V]], %[[M]] {causal = true, scale = 1.250000e-01 : f32} : (tensor<1x2x4x8xbf16>, tensor<1x2x4x8xbf16>, tensor<1x2x4x8xbf16>, tensor<4x1xi1>) -> tensor<1x2x4x8xbf16>
  %o = dfg.attention %q, %k, %v, %m {causal = true, scale = 0.125 : f32} : (tensor<1x2x4x8xbf16>, tensor<1x2x4x8xbf16>, tensor<1x2x4x8xbf16>, tensor<4x1xi1>) -> tensor<1x2x4x8xbf16>
  func.return %o : tensor<1x2x4x8xbf16>
}

// CHECK-LABEL: func.func @attention_additive_mask
func.func @attention_additive_mask(%q: tensor<3x8xf16>, %k: tensor<5x8xf16>, %v: tensor<5x2xf16>, %m: tensor<3x5xf16>) -> tensor<3x2xf16> {
  // CHECK: dfg.attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {causal = false} : (tensor<3x8xf16>, tensor<5x8xf16>, tensor<5x2xf16>, tensor<3x5xf16>) -> tensor<3x2xf16>
  %o = dfg.attention %q, %k, %v, %m {causal = false} : (tensor<3x8xf16>, tensor<5x8xf16>, tensor<5x2xf16>, tensor<3x5xf16>) -> tensor<3x2xf16>
  func.return %o : tensor<3x2xf16>
}
