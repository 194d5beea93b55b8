// REQUIRES: mlir-bindings
// RUN: not dfc-translate --import-mlir %s 2>&1 | filecheck %s

/// Every op without a dfg mapping is listed at once, located; ops that only
/// use an unsupported op's result are not reported again.

// CHECK: import-unsupported.mlir: error: cannot import 3 op(s) into dfg
// CHECK-NEXT: import-unsupported.mlir:14:8: error: 'tosa.argmax': no dfg mapping
// CHECK-NEXT: import-unsupported.mlir:15:8: error: 'tosa.sin': no dfg mapping
// CHECK-NEXT: import-unsupported.mlir:18:8: error: 'linalg.generic': reduction iterators (only elementwise generics map)
// CHECK-NOT: error
// CHECK-NOT: Traceback
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<f32>) {
  %0 = tosa.argmax %x {axis = 0 : i32} : (tensor<4xf32>) -> tensor<i32>
  %1 = tosa.sin %x : (tensor<4xf32>) -> tensor<4xf32>
  %2 = tosa.exp %1 : (tensor<4xf32>) -> tensor<4xf32>
  %init = tensor.empty() : tensor<f32>
  %3 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : tensor<4xf32>) outs(%init : tensor<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %2, %3 : tensor<4xf32>, tensor<f32>
}
