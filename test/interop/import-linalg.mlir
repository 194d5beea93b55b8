// REQUIRES: mlir-bindings
// RUN: dfc-translate --import-mlir %s | dfc-opt | filecheck %s

/// linalg on tensors as torch-mlir writes it: a matmul into a zero fill, a
/// broadcast bias add and a relu as `linalg.generic`s, a named elementwise op.
/// (Numerics: test/python/test_mlir_interop.py.)

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @main
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8x16xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK:         %[[MM:.*]] = dfg.matmul %[[X]], %[[W]] : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:    %[[ROW:.*]] = dfg.reshape %[[B]] : (tensor<16xf32>) -> tensor<1x16xf32>
// CHECK-NEXT:    %[[ADD:.*]] = dfg.add %[[MM]], %[[ROW]] : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:    %[[ZERO:.*]] = dfg.constant dense<0.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[RELU:.*]] = dfg.max %[[ADD]], %[[ZERO]] : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
// CHECK-NEXT:    %[[EXP:.*]] = dfg.exp %[[RELU]] : (tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:    func.return %[[EXP]] : tensor<4x16xf32>
func.func @main(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %relu = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %0 = arith.addf %in, %in2 : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<4x16xf32>
  %y = linalg.exp ins(%relu : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
