// RUN: dfc-opt %s --split-input-file --verify-diagnostics

/// DfgOp base: an operand element type outside dfg's set (f64).
func.func @unsupported_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error @+1 {{operand #0 ('input') has element type f64; dfg supports f32, bf16, f16, i64, i32, i8, i1}}
  %0 = dfg.exp %x : (tensor<4xf64>) -> tensor<4xf64>
  func.return %0 : tensor<4xf64>
}

// -----

/// DfgOp base: i16 is not a dfg integer width; the operand is named.
func.func @unsupported_i16(%a: tensor<4xi32>, %b: tensor<4xi16>) -> tensor<4xi32> {
  // expected-error @+1 {{operand #1 ('rhs') has element type i16; dfg supports}}
  %0 = dfg.add %a, %b : (tensor<4xi32>, tensor<4xi16>) -> tensor<4xi32>
  func.return %0 : tensor<4xi32>
}

// -----

/// DfgOp base: results are checked too.
func.func @unsupported_result(%x: tensor<4xf32>) -> tensor<4xf64> {
  // expected-error @+1 {{result #0 has element type f64; dfg supports}}
  %0 = dfg.cast %x : (tensor<4xf32>) -> tensor<4xf64>
  func.return %0 : tensor<4xf64>
}

// -----

/// Float-only unary op on an integer tensor.
func.func @exp_on_int(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{operand #0 ('input') has element type i32; 'dfg.exp' needs a floating-point tensor}}
  %0 = dfg.exp %x : (tensor<4xi32>) -> tensor<4xi32>
  func.return %0 : tensor<4xi32>
}

// -----

/// Float-only unary op on i1: the floating-point rule fires first.
func.func @floor_on_i1(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{operand #0 ('input') has element type i1; 'dfg.floor' needs a floating-point tensor}}
  %0 = dfg.floor %x : (tensor<4xi1>) -> tensor<4xi1>
  func.return %0 : tensor<4xi1>
}

// -----

/// Numeric unary op (integers allowed) on i1.
func.func @neg_on_i1(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{operand #0 ('input') is i1; 'dfg.neg' needs a numeric tensor}}
  %0 = dfg.neg %x : (tensor<4xi1>) -> tensor<4xi1>
  func.return %0 : tensor<4xi1>
}

// -----

/// Clip shares the numeric rule.
func.func @clip_on_i1(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{operand #0 ('input') is i1; 'dfg.clip' needs a numeric tensor}}
  %0 = dfg.clip %x {min = 0.0 : f32} : (tensor<4xi1>) -> tensor<4xi1>
  func.return %0 : tensor<4xi1>
}

// -----

/// Unary result shape must equal the input shape.
func.func @unary_bad_shape(%x: tensor<4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{result shape 3 does not match the inferred shape 4}}
  %0 = dfg.tanh %x : (tensor<4xf32>) -> tensor<3xf32>
  func.return %0 : tensor<3xf32>
}

// -----

/// A unary op may not broadcast a 0-d input either.
func.func @unary_scalar_shape(%x: tensor<f32>) -> tensor<1xf32> {
  // expected-error @+1 {{result shape 1 does not match the inferred shape scalar}}
  %0 = dfg.sigmoid %x : (tensor<f32>) -> tensor<1xf32>
  func.return %0 : tensor<1xf32>
}

// -----

/// Unary result element type must equal the input element type.
func.func @unary_bad_element(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{result element type f16 does not match the expected f32}}
  %0 = dfg.sqrt %x : (tensor<4xf32>) -> tensor<4xf16>
  func.return %0 : tensor<4xf16>
}

// -----

/// dfg.not takes i1 only.
func.func @not_on_float(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 ('input') has element type f32; 'dfg.not' needs i1}}
  %0 = dfg.not %x : (tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

/// dfg.not returns i1.
func.func @not_bad_result(%x: tensor<4xi1>) -> tensor<4xi8> {
  // expected-error @+1 {{result element type i8 does not match the expected i1}}
  %0 = dfg.not %x : (tensor<4xi1>) -> tensor<4xi8>
  func.return %0 : tensor<4xi8>
}

// -----

/// dfg.not keeps the shape.
func.func @not_bad_shape(%x: tensor<4xi1>) -> tensor<2x2xi1> {
  // expected-error @+1 {{result shape 2x2 does not match the inferred shape 4}}
  %0 = dfg.not %x : (tensor<4xi1>) -> tensor<2x2xi1>
  func.return %0 : tensor<2x2xi1>
}

// -----

/// Gelu's approximation is "none" or "tanh".
func.func @gelu_bad_approximate(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{attribute 'approximate' is "fast"; expected "none" or "tanh"}}
  %0 = dfg.gelu %x {approximate = "fast"} : (tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

/// Gelu is float-only.
func.func @gelu_on_int(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{operand #0 ('input') has element type i8; 'dfg.gelu' needs a floating-point tensor}}
  %0 = dfg.gelu %x : (tensor<4xi8>) -> tensor<4xi8>
  func.return %0 : tensor<4xi8>
}

// -----

/// Clip bounds must be ordered.
func.func @clip_min_above_max(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{attribute 'min' (6.0) is greater than 'max' (0.0)}}
  %0 = dfg.clip %x {min = 6.0 : f32, max = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

/// Cast converts the element type only, never the shape.
func.func @cast_bad_shape(%x: tensor<2x3xf32>) -> tensor<3x2xi32> {
  // expected-error @+1 {{result shape 3x2 does not match the inferred shape 2x3}}
  %0 = dfg.cast %x : (tensor<2x3xf32>) -> tensor<3x2xi32>
  func.return %0 : tensor<3x2xi32>
}

// -----

/// Binary operands share one element type; the mismatching operand is 'rhs'.
func.func @binary_element_mismatch(%a: tensor<4xf32>, %b: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #1 ('rhs') has element type f16, expected f32 to match 'lhs'}}
  %0 = dfg.mul %a, %b : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

/// Arithmetic on i1 is rejected.
func.func @add_on_i1(%a: tensor<4xi1>, %b: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{operand #0 ('lhs') is i1; 'dfg.add' needs a numeric tensor}}
  %0 = dfg.add %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  func.return %0 : tensor<4xi1>
}

// -----

/// Pow on i1 is rejected too (integers are fine).
func.func @pow_on_i1(%a: tensor<4xi1>, %b: tensor<i1>) -> tensor<4xi1> {
  // expected-error @+1 {{operand #0 ('lhs') is i1; 'dfg.pow' needs a numeric tensor}}
  %0 = dfg.pow %a, %b : (tensor<4xi1>, tensor<i1>) -> tensor<4xi1>
  func.return %0 : tensor<4xi1>
}

// -----

/// Shapes that do not broadcast: the error names 'rhs'.
func.func @binary_no_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand #1 ('rhs') of shape 4 does not broadcast with shape 2x3}}
  %0 = dfg.sub %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}

// -----

/// Two non-1 sizes in a middle dim do not broadcast either.
func.func @binary_no_broadcast_middle(%a: tensor<2x3x1xi32>, %b: tensor<2x1xi32>) -> tensor<2x3x1xi32> {
  // expected-error @+1 {{operand #1 ('rhs') of shape 2x1 does not broadcast with shape 2x3x1}}
  %0 = dfg.div %a, %b : (tensor<2x3x1xi32>, tensor<2x1xi32>) -> tensor<2x3x1xi32>
  func.return %0 : tensor<2x3x1xi32>
}

// -----

/// The result must have exactly the broadcast shape (no extra broadcasting).
func.func @binary_bad_result_shape(%a: tensor<2x1xf32>, %b: tensor<3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{result shape 2x1 does not match the inferred shape 2x3}}
  %0 = dfg.max %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x1xf32>
  func.return %0 : tensor<2x1xf32>
}

// -----

/// The result of arithmetic keeps the operand element type.
func.func @binary_bad_result_element(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{result element type i32 does not match the expected f32}}
  %0 = dfg.min %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi32>
  func.return %0 : tensor<4xi32>
}

// -----

/// Logical ops take i1.
func.func @and_on_float(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 ('lhs') has element type f32; 'dfg.and' needs i1}}
  %0 = dfg.and %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

/// A logical op with an i1 'lhs' still needs an i1 'rhs'.
func.func @or_rhs_not_i1(%a: tensor<4xi1>, %b: tensor<4xi8>) -> tensor<4xi1> {
  // expected-error @+1 {{operand #1 ('rhs') has element type i8, expected i1 to match 'lhs'}}
  %0 = dfg.or %a, %b : (tensor<4xi1>, tensor<4xi8>) -> tensor<4xi1>
  func.return %0 : tensor<4xi1>
}

// -----

/// Compare needs a predicate.
func.func @compare_no_predicate(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  // expected-error @+1 {{requires attribute 'predicate'}}
  %0 = dfg.compare %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  func.return %0 : tensor<4xi1>
}

// -----

/// Compare predicates are the six orderings.
func.func @compare_bad_predicate(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  // expected-error @+1 {{attribute 'predicate' is "lte"; expected one of eq, ne, lt, le, gt, ge}}
  %0 = dfg.compare %a, %b {predicate = "lte"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  func.return %0 : tensor<4xi1>
}

// -----

/// Compare returns i1.
func.func @compare_bad_result(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result element type f32 does not match the expected i1}}
  %0 = dfg.compare %a, %b {predicate = "lt"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

/// Compare operands share one element type.
func.func @compare_element_mismatch(%a: tensor<4xi32>, %b: tensor<4xi64>) -> tensor<4xi1> {
  // expected-error @+1 {{operand #1 ('rhs') has element type i64, expected i32 to match 'lhs'}}
  %0 = dfg.compare %a, %b {predicate = "eq"} : (tensor<4xi32>, tensor<4xi64>) -> tensor<4xi1>
  func.return %0 : tensor<4xi1>
}

// -----

/// The where condition is i1.
func.func @where_bad_condition(%c: tensor<4xf32>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 ('condition') has element type f32; expected i1}}
  %0 = dfg.where %c, %a, %b : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

/// Where's branches share one element type.
func.func @where_branch_mismatch(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #2 ('on_false') has element type f16, expected f32 to match 'on_true'}}
  %0 = dfg.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

/// All three where operands broadcast together; the first misfit is named.
func.func @where_no_broadcast(%c: tensor<2x3xi1>, %a: tensor<3xf32>, %b: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand #2 ('on_false') of shape 2 does not broadcast with shape 2x3}}
  %0 = dfg.where %c, %a, %b : (tensor<2x3xi1>, tensor<3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}

// -----

/// Where's result has the broadcast shape of all three operands.
func.func @where_bad_shape(%c: tensor<2x1xi1>, %a: tensor<3xf32>, %b: tensor<f32>) -> tensor<3xf32> {
  // expected-error @+1 {{result shape 3 does not match the inferred shape 2x3}}
  %0 = dfg.where %c, %a, %b : (tensor<2x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  func.return %0 : tensor<3xf32>
}

// -----

/// Where's result has the branches' element type.
func.func @where_bad_element(%c: tensor<4xi1>, %a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi64> {
  // expected-error @+1 {{result element type i64 does not match the expected i32}}
  %0 = dfg.where %c, %a, %b : (tensor<4xi1>, tensor<4xi32>, tensor<4xi32>) -> tensor<4xi64>
  func.return %0 : tensor<4xi64>
}
