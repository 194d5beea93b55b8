// RUN: xdsl-opt %s -p cse | filecheck %s
/// dfc's dialects reach xdsl-opt through the `xdsl.universe` entry point.

// CHECK-LABEL: func.func @twice
// CHECK:         %[[A:.*]] = dfg.exp %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT:    %[[B:.*]] = dfg.add %[[A]], %[[A]]
func.func @twice(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = dfg.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %b = dfg.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %c = dfg.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %c : tensor<4xf32>
}
