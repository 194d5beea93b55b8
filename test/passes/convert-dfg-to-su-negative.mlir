// RUN: dfc-opt %s -p 'convert-dfg-to-su{chip=tiny}' --split-input-file --verify-diagnostics

/// sin has no stage op and no expansion.
func.func @sin(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'dfg.sin' on f32 has no stage expansion on 'tiny' (no stage op)}}
  %0 = dfg.sin %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %0 : tensor<4x8xf32>
}

// -----

/// reduce_prod: no multiplicative reduce unit (and exp/log loses signs).
func.func @prod(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dfg.reduce_prod' is not lowered (no multiplicative reduce unit)}}
  %0 = dfg.reduce_prod %x {axes = array<i64: 1>, keepdims = false} : (tensor<4x8xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

/// pow with a tensor exponent would need exp(b log a), wrong for a < 0.
func.func @pow(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'dfg.pow' with a non-constant exponent is not lowered}}
  %0 = dfg.pow %x, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %0 : tensor<4x8xf32>
}

// -----

/// reflect padding reads mirrored positions (not an affine walk).
func.func @pad_reflect(%x: tensor<4x8xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{'dfg.pad' in mode "reflect" is not lowered (constant only)}}
  %0 = dfg.pad %x {pads = array<i64: 0, 1, 0, 1>, mode = "reflect"} : (tensor<4x8xf32>) -> tensor<4x10xf32>
  func.return %0 : tensor<4x10xf32>
}

// -----

/// Kept and reduced axes alternating five times need five counters; tiny's
/// units have four.
func.func @alternating(%x: tensor<2x3x2x3x2xf32>) -> tensor<2x2x2xf32> {
  // expected-error @+1 {{'dfg.reduce_sum' needs 5 counters (kept and reduced axes alternate) but compute units on 'tiny' have 4}}
  %0 = dfg.reduce_sum %x {axes = array<i64: 1, 3>, keepdims = false} : (tensor<2x3x2x3x2xf32>) -> tensor<2x2x2xf32>
  func.return %0 : tensor<2x2x2xf32>
}

// -----

/// A reduction over an empty axis that `canonicalize` did not fold: its value
/// is a constant, not a computation.
func.func @reduce_empty_axis(%x: tensor<2x0xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'dfg.reduce_sum' reads a zero-size operand but its result is not empty; run canonicalize first (it folds such ops to constants)}}
  %0 = dfg.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x0xf32>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}
