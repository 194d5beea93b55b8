// RUN: dfc-opt %s -p 'builtin.module(cse)' | filecheck %s

/// dfg ops are Pure: two identical adds are merged into one.
// CHECK-LABEL: func.func @merge_identical_adds
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[A:.*]] = dfg.add %[[X]], %[[Y]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT:    %[[M:.*]] = dfg.mul %[[A]], %[[A]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT:    func.return %[[M]]
func.func @merge_identical_adds(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %a = dfg.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = dfg.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %m = dfg.mul %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %m : tensor<4xf32>
}

/// Adds with swapped operands are different ops (no commutativity is
/// assumed): both are kept.
// CHECK-LABEL: func.func @keep_different_adds
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[A:.*]] = dfg.add %[[X]], %[[Y]]
// CHECK-NEXT:    %[[B:.*]] = dfg.add %[[Y]], %[[X]]
// CHECK-NEXT:    %[[M:.*]] = dfg.mul %[[A]], %[[B]]
// CHECK-NEXT:    func.return %[[M]]
func.func @keep_different_adds(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %a = dfg.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = dfg.add %y, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %m = dfg.mul %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %m : tensor<4xf32>
}

/// Equal constants merge; ops differing only in an attribute are kept.
// CHECK-LABEL: func.func @attributes_distinguish
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK-NEXT:    %[[L:.*]] = dfg.compare %[[X]], %[[C]] {predicate = "lt"}
// CHECK-NEXT:    %[[G:.*]] = dfg.compare %[[X]], %[[C]] {predicate = "gt"}
// CHECK-NEXT:    %[[O:.*]] = dfg.or %[[L]], %[[G]]
// CHECK-NEXT:    func.return %[[O]]
func.func @attributes_distinguish(%x: tensor<4xf32>) -> tensor<4xi1> {
  %c1 = dfg.constant dense<2.0> : tensor<4xf32>
  %c2 = dfg.constant dense<2.0> : tensor<4xf32>
  %l = dfg.compare %x, %c1 {predicate = "lt"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %g = dfg.compare %x, %c2 {predicate = "gt"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %o = dfg.or %l, %g : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  func.return %o : tensor<4xi1>
}
