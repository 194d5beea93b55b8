// RUN: dfc-opt %s -p 'builtin.module(canonicalize)' | filecheck %s
// RUN: dfc-opt %s -p 'builtin.module(canonicalize{fold-limit=2})' | filecheck %s --check-prefix=LIMIT

// ---------------------------------------------------------------------------
// Constant folding
// ---------------------------------------------------------------------------

/// A chain of elementwise ops on constants (with broadcasting) folds to one
/// constant, with the interpreter's values.
// CHECK-LABEL: func.func @fold_elementwise_chain
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<{{\[}}[3.000000e+00, 5.000000e+00], [7.000000e+00, 9.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT:    func.return %[[C]] : tensor<2x2xf32>
// LIMIT-LABEL: func.func @fold_elementwise_chain
// LIMIT:         dfg.mul
// LIMIT:         dfg.add
func.func @fold_elementwise_chain() -> tensor<2x2xf32> {
  %a = dfg.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %two = dfg.constant dense<2.0> : tensor<f32>
  %one = dfg.constant dense<1.0> : tensor<2xf32>
  %m = dfg.mul %a, %two : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
  %r = dfg.add %m, %one : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  func.return %r : tensor<2x2xf32>
}

/// A result whose elements are all equal prints as a splat.
// CHECK-LABEL: func.func @fold_to_splat
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<true> : tensor<3xi1>
// CHECK-NEXT:    func.return %[[C]] : tensor<3xi1>
func.func @fold_to_splat() -> tensor<3xi1> {
  %a = dfg.constant dense<[1, 2, 3]> : tensor<3xi32>
  %b = dfg.constant dense<[4, 5, 6]> : tensor<3xi32>
  %r = dfg.compare %a, %b {predicate = "lt"} : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
  func.return %r : tensor<3xi1>
}

/// Integer semantics are the interpreter's: division truncates toward zero.
// CHECK-LABEL: func.func @fold_integer_div
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<[-3, 3, -3]> : tensor<3xi64>
// CHECK-NEXT:    func.return %[[C]]
func.func @fold_integer_div() -> tensor<3xi64> {
  %a = dfg.constant dense<[-7, 7, 7]> : tensor<3xi64>
  %b = dfg.constant dense<[2, 2, -2]> : tensor<3xi64>
  %r = dfg.div %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  func.return %r : tensor<3xi64>
}

/// bf16 computes in f32 and rounds once, ties to even: 1 + 2^-8 gives 1 and
/// 1 + 3 * 2^-8 gives 1 + 2^-6 (printed 1.01562, which parses back to it).
// CHECK-LABEL: func.func @fold_bf16
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<[1.000000e+00, 1.015620e+00]> : tensor<2xbf16>
// CHECK-NEXT:    func.return %[[C]]
func.func @fold_bf16() -> tensor<2xbf16> {
  %a = dfg.constant dense<1.0> : tensor<2xbf16>
  %b = dfg.constant dense<[0.00390625, 0.01171875]> : tensor<2xbf16>
  %r = dfg.add %a, %b : (tensor<2xbf16>, tensor<2xbf16>) -> tensor<2xbf16>
  func.return %r : tensor<2xbf16>
}

/// Casts fold with ONNX Cast semantics (float to int truncates).
// CHECK-LABEL: func.func @fold_cast_and_where
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<[2, 0, -1]> : tensor<3xi8>
// CHECK-NEXT:    func.return %[[C]]
func.func @fold_cast_and_where() -> tensor<3xi8> {
  %x = dfg.constant dense<[2.7, 0.5, -1.9]> : tensor<3xf16>
  %i = dfg.cast %x : (tensor<3xf16>) -> tensor<3xi8>
  %c = dfg.constant dense<[true, false, true]> : tensor<3xi1>
  %z = dfg.constant dense<0> : tensor<i8>
  %r = dfg.where %c, %i, %z : (tensor<3xi1>, tensor<3xi8>, tensor<i8>) -> tensor<3xi8>
  func.return %r : tensor<3xi8>
}

/// Movement ops on constants fold too.
// CHECK-LABEL: func.func @fold_movement
// CHECK-NEXT:    %[[C:.*]] = dfg.constant dense<{{\[}}[1, 3], [2, 4], [1, 3], [2, 4]]> : tensor<4x2xi32>
// CHECK-NEXT:    func.return %[[C]]
func.func @fold_movement() -> tensor<4x2xi32> {
  %a = dfg.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %r = dfg.reshape %a : (tensor<4xi32>) -> tensor<2x2xi32>
  %t = dfg.transpose %r {perm = array<i64: 1, 0>} : (tensor<2x2xi32>) -> tensor<2x2xi32>
  %b = dfg.broadcast %t : (tensor<2x2xi32>) -> tensor<2x2x2xi32>
  %f = dfg.reshape %b : (tensor<2x2x2xi32>) -> tensor<4x2xi32>
  func.return %f : tensor<4x2xi32>
}

/// Results over the limit (1024 elements) stay unfolded: a broadcast of a
/// scalar to 2048 elements is not written out as text.
// CHECK-LABEL: func.func @no_fold_large_constant
// CHECK:         %[[C:.*]] = dfg.constant dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[B:.*]] = dfg.broadcast %[[C]] : (tensor<f32>) -> tensor<2x1024xf32>
// CHECK-NEXT:    func.return %[[B]]
func.func @no_fold_large_constant() -> tensor<2x1024xf32> {
  %c = dfg.constant dense<1.0> : tensor<f32>
  %b = dfg.broadcast %c : (tensor<f32>) -> tensor<2x1024xf32>
  func.return %b : tensor<2x1024xf32>
}

/// `dense_resource` weights are never read by the folder.
// CHECK-LABEL: func.func @no_fold_resource_constant
// CHECK-NEXT:    %[[W:.*]] = dfg.constant dense_resource<canon_w> : tensor<2xf32>
// CHECK-NEXT:    %[[R:.*]] = dfg.neg %[[W]]
// CHECK-NEXT:    func.return %[[R]]
func.func @no_fold_resource_constant() -> tensor<2xf32> {
  %w = dfg.constant dense_resource<canon_w> : tensor<2xf32>
  %r = dfg.neg %w : (tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}

/// An op with a non-constant operand is not folded.
// CHECK-LABEL: func.func @no_fold_non_constant_operand
// CHECK:         dfg.exp
func.func @no_fold_non_constant_operand(%x: tensor<2xf32>) -> tensor<2xf32> {
  %r = dfg.exp %x : (tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}

/// NaN results would print as a hex integer that xDSL reads back as a number,
/// so they stay unfolded.
// CHECK-LABEL: func.func @no_fold_nan_result
// CHECK:         dfg.sqrt
func.func @no_fold_nan_result() -> tensor<2xf32> {
  %c = dfg.constant dense<[-1.0, 4.0]> : tensor<2xf32>
  %r = dfg.sqrt %c : (tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}

// ---------------------------------------------------------------------------
// Transpose
// ---------------------------------------------------------------------------

// CHECK-LABEL: func.func @identity_transpose
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    func.return %[[X]]
func.func @identity_transpose(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = dfg.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

/// A permutation that keeps the shape (square) is still a real transpose.
// CHECK-LABEL: func.func @no_identity_transpose
// CHECK-SAME:    (%[[X:.*]]: tensor<3x3xf32>)
// CHECK-NEXT:    %[[T:.*]] = dfg.transpose %[[X]] {perm = array<i64: 1, 0>}
// CHECK-NEXT:    func.return %[[T]]
func.func @no_identity_transpose(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %r = dfg.transpose %x {perm = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  func.return %r : tensor<3x3xf32>
}

// CHECK-LABEL: func.func @transpose_of_transpose
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[T:.*]] = dfg.transpose %[[X]] {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT:    func.return %[[T]]
func.func @transpose_of_transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %a = dfg.transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %b = dfg.transpose %a {perm = array<i64: 1, 2, 0>} : (tensor<3x4x2xf32>) -> tensor<4x2x3xf32>
  func.return %b : tensor<4x2x3xf32>
}

/// Two transposes that compose to the identity (the second without `perm`,
/// i.e. reversed) vanish.
// CHECK-LABEL: func.func @transpose_of_transpose_identity
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    func.return %[[X]]
func.func @transpose_of_transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = dfg.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %b = dfg.transpose %a : (tensor<3x2xf32>) -> tensor<2x3xf32>
  func.return %b : tensor<2x3xf32>
}

/// A transpose fed by another op is left alone.
// CHECK-LABEL: func.func @no_transpose_of_transpose
// CHECK:         dfg.neg
// CHECK-NEXT:    dfg.transpose
func.func @no_transpose_of_transpose(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %a = dfg.neg %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %b = dfg.transpose %a {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %b : tensor<3x2xf32>
}

// ---------------------------------------------------------------------------
// Reshape and broadcast
// ---------------------------------------------------------------------------

// CHECK-LABEL: func.func @identity_reshape
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    func.return %[[X]]
func.func @identity_reshape(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = dfg.reshape %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @no_identity_reshape
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    %[[R:.*]] = dfg.reshape %[[X]] : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @no_identity_reshape(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %r = dfg.reshape %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %r : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @reshape_of_reshape
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[R:.*]] = dfg.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<24xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<24xf32> {
  %a = dfg.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %b = dfg.reshape %a : (tensor<6x4xf32>) -> tensor<24xf32>
  func.return %b : tensor<24xf32>
}

// CHECK-LABEL: func.func @reshape_of_reshape_identity
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    func.return %[[X]]
func.func @reshape_of_reshape_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = dfg.reshape %x : (tensor<2x3xf32>) -> tensor<6xf32>
  %b = dfg.reshape %a : (tensor<6xf32>) -> tensor<2x3xf32>
  func.return %b : tensor<2x3xf32>
}

/// A reshape of a transpose is not a reshape chain.
// CHECK-LABEL: func.func @no_reshape_of_reshape
// CHECK:         dfg.transpose
// CHECK-NEXT:    dfg.reshape
func.func @no_reshape_of_reshape(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %a = dfg.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %b = dfg.reshape %a : (tensor<3x2xf32>) -> tensor<6xf32>
  func.return %b : tensor<6xf32>
}

// CHECK-LABEL: func.func @identity_broadcast
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    func.return %[[X]]
func.func @identity_broadcast(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = dfg.broadcast %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @no_identity_broadcast
// CHECK-SAME:    (%[[X:.*]]: tensor<1x3xf32>)
// CHECK-NEXT:    %[[B:.*]] = dfg.broadcast %[[X]] : (tensor<1x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %[[B]]
func.func @no_identity_broadcast(%x: tensor<1x3xf32>) -> tensor<2x3xf32> {
  %r = dfg.broadcast %x : (tensor<1x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// ---------------------------------------------------------------------------
// Arithmetic identities
// ---------------------------------------------------------------------------

/// Floats: `x + (-0.0)` is exactly `x`, in either operand order.
// CHECK-LABEL: func.func @add_negative_zero
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    func.return %[[X]], %[[X]]
func.func @add_negative_zero(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %z = dfg.constant dense<-0.0> : tensor<3xf32>
  %a = dfg.add %x, %z : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %b = dfg.add %z, %x : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %a, %b : tensor<2x3xf32>, tensor<2x3xf32>
}

/// `-0.0 + 0.0` is `+0.0`, so `x + 0.0` is not `x` (MLIR does not fold it).
// CHECK-LABEL: func.func @no_fold_add_positive_zero_float
// CHECK:         dfg.add
func.func @no_fold_add_positive_zero_float(%x: tensor<3xf32>) -> tensor<3xf32> {
  %z = dfg.constant dense<0.0> : tensor<3xf32>
  %a = dfg.add %x, %z : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return %a : tensor<3xf32>
}

// CHECK-LABEL: func.func @add_zero_int
// CHECK-SAME:    (%[[X:.*]]: tensor<4xi32>)
// CHECK-NEXT:    func.return %[[X]]
func.func @add_zero_int(%x: tensor<4xi32>) -> tensor<4xi32> {
  %z = dfg.constant dense<0> : tensor<i32>
  %a = dfg.add %x, %z : (tensor<4xi32>, tensor<i32>) -> tensor<4xi32>
  func.return %a : tensor<4xi32>
}

/// The zero broadcasts `x` to a larger shape: the add is a broadcast, kept.
// CHECK-LABEL: func.func @no_fold_broadcasting_add_zero
// CHECK:         dfg.add
func.func @no_fold_broadcasting_add_zero(%x: tensor<3xi32>) -> tensor<2x3xi32> {
  %z = dfg.constant dense<0> : tensor<2x3xi32>
  %a = dfg.add %x, %z : (tensor<3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  func.return %a : tensor<2x3xi32>
}

/// `x - 0.0` is exactly `x` (also for `x = -0.0`).
// CHECK-LABEL: func.func @sub_zero
// CHECK-SAME:    (%[[X:.*]]: tensor<3xbf16>)
// CHECK-NEXT:    func.return %[[X]]
func.func @sub_zero(%x: tensor<3xbf16>) -> tensor<3xbf16> {
  %z = dfg.constant dense<0.0> : tensor<bf16>
  %a = dfg.sub %x, %z : (tensor<3xbf16>, tensor<bf16>) -> tensor<3xbf16>
  func.return %a : tensor<3xbf16>
}

/// `0 - x` is a negation, not `x`.
// CHECK-LABEL: func.func @no_fold_zero_minus_x
// CHECK:         dfg.sub
func.func @no_fold_zero_minus_x(%x: tensor<3xi64>) -> tensor<3xi64> {
  %z = dfg.constant dense<0> : tensor<3xi64>
  %a = dfg.sub %z, %x : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  func.return %a : tensor<3xi64>
}

// CHECK-LABEL: func.func @mul_one
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf16>, %[[Y:.*]]: tensor<4xi8>)
// CHECK-NEXT:    func.return %[[X]], %[[Y]]
func.func @mul_one(%x: tensor<2x3xf16>, %y: tensor<4xi8>) -> (tensor<2x3xf16>, tensor<4xi8>) {
  %one = dfg.constant dense<1.0> : tensor<2x3xf16>
  %a = dfg.mul %one, %x : (tensor<2x3xf16>, tensor<2x3xf16>) -> tensor<2x3xf16>
  %i = dfg.constant dense<1> : tensor<1xi8>
  %b = dfg.mul %y, %i : (tensor<4xi8>, tensor<1xi8>) -> tensor<4xi8>
  func.return %a, %b : tensor<2x3xf16>, tensor<4xi8>
}

/// A constant that is not a splat of 1 is kept.
// CHECK-LABEL: func.func @no_fold_mul_non_splat
// CHECK:         dfg.mul
func.func @no_fold_mul_non_splat(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = dfg.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %a = dfg.mul %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  func.return %a : tensor<2xf32>
}

// CHECK-LABEL: func.func @div_one
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf32>)
// CHECK-NEXT:    func.return %[[X]]
func.func @div_one(%x: tensor<3xf32>) -> tensor<3xf32> {
  %one = dfg.constant dense<1.0> : tensor<f32>
  %a = dfg.div %x, %one : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  func.return %a : tensor<3xf32>
}

/// `1 / x` is a reciprocal, not `x`.
// CHECK-LABEL: func.func @no_fold_one_div_x
// CHECK:         dfg.div
func.func @no_fold_one_div_x(%x: tensor<3xf32>) -> tensor<3xf32> {
  %one = dfg.constant dense<1.0> : tensor<3xf32>
  %a = dfg.div %one, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return %a : tensor<3xf32>
}

// ---------------------------------------------------------------------------
// Involutions and casts
// ---------------------------------------------------------------------------

// CHECK-LABEL: func.func @double_neg
// CHECK-SAME:    (%[[X:.*]]: tensor<3xi32>)
// CHECK-NEXT:    func.return %[[X]]
func.func @double_neg(%x: tensor<3xi32>) -> tensor<3xi32> {
  %a = dfg.neg %x : (tensor<3xi32>) -> tensor<3xi32>
  %b = dfg.neg %a : (tensor<3xi32>) -> tensor<3xi32>
  func.return %b : tensor<3xi32>
}

/// `neg(abs(x))` is not an involution.
// CHECK-LABEL: func.func @no_double_neg
// CHECK:         dfg.abs
// CHECK-NEXT:    dfg.neg
func.func @no_double_neg(%x: tensor<3xf32>) -> tensor<3xf32> {
  %a = dfg.abs %x : (tensor<3xf32>) -> tensor<3xf32>
  %b = dfg.neg %a : (tensor<3xf32>) -> tensor<3xf32>
  func.return %b : tensor<3xf32>
}

// CHECK-LABEL: func.func @double_not
// CHECK-SAME:    (%[[X:.*]]: tensor<3xi1>)
// CHECK-NEXT:    func.return %[[X]]
func.func @double_not(%x: tensor<3xi1>) -> tensor<3xi1> {
  %a = dfg.not %x : (tensor<3xi1>) -> tensor<3xi1>
  %b = dfg.not %a : (tensor<3xi1>) -> tensor<3xi1>
  func.return %b : tensor<3xi1>
}

// CHECK-LABEL: func.func @no_double_not
// CHECK-SAME:    (%[[X:.*]]: tensor<3xi1>)
// CHECK-NEXT:    %[[N:.*]] = dfg.not %[[X]]
// CHECK-NEXT:    func.return %[[N]]
func.func @no_double_not(%x: tensor<3xi1>) -> tensor<3xi1> {
  %a = dfg.not %x : (tensor<3xi1>) -> tensor<3xi1>
  func.return %a : tensor<3xi1>
}

// CHECK-LABEL: func.func @cast_same_type
// CHECK-SAME:    (%[[X:.*]]: tensor<3xbf16>)
// CHECK-NEXT:    func.return %[[X]]
func.func @cast_same_type(%x: tensor<3xbf16>) -> tensor<3xbf16> {
  %a = dfg.cast %x : (tensor<3xbf16>) -> tensor<3xbf16>
  func.return %a : tensor<3xbf16>
}

/// A round trip through a narrower type rounds: both casts stay.
// CHECK-LABEL: func.func @no_fold_cast_changing_type
// CHECK:         dfg.cast
// CHECK-NEXT:    dfg.cast
func.func @no_fold_cast_changing_type(%x: tensor<3xf32>) -> tensor<3xf32> {
  %a = dfg.cast %x : (tensor<3xf32>) -> tensor<3xbf16>
  %b = dfg.cast %a : (tensor<3xbf16>) -> tensor<3xf32>
  func.return %b : tensor<3xf32>
}

/// Dead pure ops are erased.
// CHECK-LABEL: func.func @dead_ops_removed
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf32>)
// CHECK-NEXT:    func.return %[[X]]
func.func @dead_ops_removed(%x: tensor<3xf32>) -> tensor<3xf32> {
  %a = dfg.exp %x : (tensor<3xf32>) -> tensor<3xf32>
  %c = dfg.constant dense<2.0> : tensor<3xf32>
  func.return %x : tensor<3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      canon_w: "0x040000000000803F00000040"
    }
  }
#-}
