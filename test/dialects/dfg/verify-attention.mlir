// RUN: dfc-opt %s --split-input-file --verify-diagnostics

func.func @query_int(%q: tensor<4x8xi32>, %k: tensor<6x8xi32>, %v: tensor<6x8xi32>) -> tensor<4x8xi32> {
  // expected-error @+1 {{operand #0 ('query') has element type i32; 'dfg.attention' needs a floating-point tensor}}
  %o = dfg.attention %q, %k, %v : (tensor<4x8xi32>, tensor<6x8xi32>, tensor<6x8xi32>) -> tensor<4x8xi32>
  func.return %o : tensor<4x8xi32>
}

// -----

func.func @key_type(%q: tensor<4x8xf32>, %k: tensor<6x8xf16>, %v: tensor<6x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand #1 ('key') has element type f16, expected f32 to match 'query'}}
  %o = dfg.attention %q, %k, %v : (tensor<4x8xf32>, tensor<6x8xf16>, tensor<6x8xf32>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}

// -----

func.func @value_type(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x8xbf16>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand #2 ('value') has element type bf16, expected f32 to match 'query'}}
  %o = dfg.attention %q, %k, %v : (tensor<4x8xf32>, tensor<6x8xf32>, tensor<6x8xbf16>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}

// -----

func.func @rank_one(%q: tensor<4x8xf32>, %k: tensor<8xf32>, %v: tensor<6x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand #1 ('key') has rank 1; expected at least 2 ([..., L, D])}}
  %o = dfg.attention %q, %k, %v : (tensor<4x8xf32>, tensor<8xf32>, tensor<6x8xf32>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}

// -----

/// Batch dimensions must match exactly (no broadcasting of q/k/v).
func.func @key_batch(%q: tensor<2x4x8xf32>, %k: tensor<1x6x8xf32>, %v: tensor<2x6x8xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+1 {{operand #1 ('key') has batch dimensions 1; expected 2 to match 'query'}}
  %o = dfg.attention %q, %k, %v : (tensor<2x4x8xf32>, tensor<1x6x8xf32>, tensor<2x6x8xf32>) -> tensor<2x4x8xf32>
  func.return %o : tensor<2x4x8xf32>
}

// -----

/// A missing batch dimension is a mismatch too.
func.func @value_batch(%q: tensor<2x4x8xf32>, %k: tensor<2x6x8xf32>, %v: tensor<6x8xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+1 {{operand #2 ('value') has batch dimensions scalar; expected 2 to match 'query'}}
  %o = dfg.attention %q, %k, %v : (tensor<2x4x8xf32>, tensor<2x6x8xf32>, tensor<6x8xf32>) -> tensor<2x4x8xf32>
  func.return %o : tensor<2x4x8xf32>
}

// -----

func.func @head_dim(%q: tensor<4x8xf32>, %k: tensor<6x16xf32>, %v: tensor<6x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand #1 ('key') has head dimension 16; expected 8 to match 'query'}}
  %o = dfg.attention %q, %k, %v : (tensor<4x8xf32>, tensor<6x16xf32>, tensor<6x8xf32>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}

// -----

func.func @value_positions(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<5x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand #2 ('value') has 5 positions; expected 6 to match 'key'}}
  %o = dfg.attention %q, %k, %v : (tensor<4x8xf32>, tensor<6x8xf32>, tensor<5x8xf32>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}

// -----

/// A float mask must have the query's element type.
func.func @mask_type(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x8xf32>, %m: tensor<4x6xf16>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand #3 ('mask') has element type f16; expected i1 or f32}}
  %o = dfg.attention %q, %k, %v, %m : (tensor<4x8xf32>, tensor<6x8xf32>, tensor<6x8xf32>, tensor<4x6xf16>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}

// -----

func.func @mask_shape(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x8xf32>, %m: tensor<6x4xi1>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand #3 ('mask') of shape 6x4 does not broadcast to the score shape 4x6}}
  %o = dfg.attention %q, %k, %v, %m : (tensor<4x8xf32>, tensor<6x8xf32>, tensor<6x8xf32>, tensor<6x4xi1>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}

// -----

/// The mask may not add dimensions beyond the score shape.
func.func @mask_rank(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x8xf32>, %m: tensor<1x4x6xi1>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand #3 ('mask') of shape 1x4x6 does not broadcast to the score shape 4x6}}
  %o = dfg.attention %q, %k, %v, %m : (tensor<4x8xf32>, tensor<6x8xf32>, tensor<6x8xf32>, tensor<1x4x6xi1>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}

// -----

/// The result takes Dv from value, not D from query.
func.func @result_shape(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x2xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{result shape 4x8 does not match the inferred shape 4x2}}
  %o = dfg.attention %q, %k, %v : (tensor<4x8xf32>, tensor<6x8xf32>, tensor<6x2xf32>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}

// -----

func.func @result_type(%q: tensor<4x8xbf16>, %k: tensor<6x8xbf16>, %v: tensor<6x8xbf16>) -> tensor<4x8xf32> {
  // expected-error @+1 {{result element type f32 does not match the expected bf16}}
  %o = dfg.attention %q, %k, %v : (tensor<4x8xbf16>, tensor<6x8xbf16>, tensor<6x8xbf16>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}
