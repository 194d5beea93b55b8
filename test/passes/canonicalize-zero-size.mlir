// RUN: dfc-opt %s -p 'builtin.module(canonicalize)' | filecheck %s

/// Zero-size tensors (a dimension of extent 0) carry no data: `canonicalize`
/// folds every op on them so that no later pass meets one.

/// An op whose result has no elements becomes an empty constant.
// CHECK-LABEL: func.func @empty_result
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<> : tensor<20x0x5xf32>
// CHECK-NEXT:    func.return %[[C]] : tensor<20x0x5xf32>
func.func @empty_result(%x: tensor<20x10x5xf32>) -> tensor<20x0x5xf32> {
  %0 = dfg.slice %x {starts = array<i64: 1000>, ends = array<i64: 1000>, axes = array<i64: 1>, steps = array<i64: 1>} : (tensor<20x10x5xf32>) -> tensor<20x0x5xf32>
  func.return %0 : tensor<20x0x5xf32>
}

/// A chain of ops on an empty argument folds step by step.
// CHECK-LABEL: func.func @empty_chain
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<> : tensor<3x4x0xf32>
// CHECK-NEXT:    func.return %[[C]] : tensor<3x4x0xf32>
func.func @empty_chain(%x: tensor<0x3x4xf32>) -> tensor<3x4x0xf32> {
  %0 = dfg.exp %x : (tensor<0x3x4xf32>) -> tensor<0x3x4xf32>
  %1 = dfg.reshape %0 : (tensor<0x3x4xf32>) -> tensor<3x4x0xf32>
  func.return %1 : tensor<3x4x0xf32>
}

/// A concat forgets its empty operands; with one left, it is that operand.
// CHECK-LABEL: func.func @concat_drops_empty
// CHECK-NEXT:    %[[R:.*]] = dfg.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
// CHECK-NEXT:    func.return %[[R]], %a : tensor<2x8xf32>, tensor<2x3xf32>
func.func @concat_drops_empty(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %e: tensor<2x0xf32>) -> (tensor<2x8xf32>, tensor<2x3xf32>) {
  %0 = dfg.concat %a, %e, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %1 = dfg.concat %e, %a {axis = 1 : i64} : (tensor<2x0xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %0, %1 : tensor<2x8xf32>, tensor<2x3xf32>
}

/// A sum over an empty axis is its identity, 0.
// CHECK-LABEL: func.func @reduce_sum_empty_axis
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<0.000000e+00> : tensor<2x1x4xf32>
// CHECK-NEXT:    func.return %[[C]] : tensor<2x1x4xf32>
func.func @reduce_sum_empty_axis(%x: tensor<2x0x4xf32>) -> tensor<2x1x4xf32> {
  %0 = dfg.abs %x : (tensor<2x0x4xf32>) -> tensor<2x0x4xf32>
  %1 = dfg.reduce_sum %0 {keepdims = true, axes = array<i64: 1>} : (tensor<2x0x4xf32>) -> tensor<2x1x4xf32>
  func.return %1 : tensor<2x1x4xf32>
}

/// A product over an empty axis is 1.
// CHECK-LABEL: func.func @reduce_prod_empty_axis
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<1.000000e+00> : tensor<2x4xf32>
func.func @reduce_prod_empty_axis(%x: tensor<2x0x4xf32>) -> tensor<2x4xf32> {
  %0 = dfg.reduce_prod %x {keepdims = false, axes = array<i64: 1>} : (tensor<2x0x4xf32>) -> tensor<2x4xf32>
  func.return %0 : tensor<2x4xf32>
}

/// Integer identities print exactly: the smallest i32 for a max.
// CHECK-LABEL: func.func @reduce_max_empty_axis_int
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<-2147483648> : tensor<3xi32>
func.func @reduce_max_empty_axis_int(%x: tensor<3x0xi32>) -> tensor<3xi32> {
  %0 = dfg.reduce_max %x {keepdims = false, axes = array<i64: 1>} : (tensor<3x0xi32>) -> tensor<3xi32>
  func.return %0 : tensor<3xi32>
}

/// A float max over an empty axis is -inf, which an inline literal cannot
/// carry through printing: it becomes a blob.
// CHECK-LABEL: func.func @reduce_max_empty_axis_float
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense_resource<[[BLOB:reduce_max_empty.*]]> : tensor<3xf32>
func.func @reduce_max_empty_axis_float(%x: tensor<3x0xf32>) -> tensor<3xf32> {
  %0 = dfg.reduce_max %x {keepdims = false, axes = array<i64: 1>} : (tensor<3x0xf32>) -> tensor<3xf32>
  func.return %0 : tensor<3xf32>
}

/// A matmul with an empty contraction is zeros.
// CHECK-LABEL: func.func @matmul_empty_contraction
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<0.000000e+00> : tensor<2x3xf32>
func.func @matmul_empty_contraction(%a: tensor<2x0xf32>, %b: tensor<0x3xf32>) -> tensor<2x3xf32> {
  %0 = dfg.matmul %a, %b : (tensor<2x0xf32>, tensor<0x3xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}

/// no_: ops on tensors with elements are left alone.
// CHECK-LABEL: func.func @no_fold_nonempty
// CHECK-NEXT:    %[[R:.*]] = dfg.add %x, %y
func.func @no_fold_nonempty(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dfg.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

/// The blob of the float max holds -inf (0xFF800000) three times.
// CHECK:       dialect_resources
// CHECK:       [[BLOB]]: "0x40000000000080FF000080FF000080FF"
