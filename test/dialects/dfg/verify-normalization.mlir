// RUN: dfc-opt %s --split-input-file --verify-diagnostics

func.func @softmax_int(%x: tensor<2x4xi32>) -> tensor<2x4xi32> {
  // expected-error @+1 {{operand #0 ('input') has element type i32; 'dfg.softmax' needs a floating-point tensor}}
  %r = dfg.softmax %x : (tensor<2x4xi32>) -> tensor<2x4xi32>
  func.return %r : tensor<2x4xi32>
}

// -----

func.func @softmax_axis(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{attribute 'axis' is 2, out of range for rank 2}}
  %r = dfg.softmax %x {axis = 2 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

/// A scalar has no axis to normalize over.
func.func @log_softmax_scalar(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{attribute 'axis' is -1, out of range for rank 0}}
  %r = dfg.log_softmax %x : (tensor<f32>) -> tensor<f32>
  func.return %r : tensor<f32>
}

// -----

func.func @log_softmax_result_shape(%x: tensor<2x4xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{result shape 4x2 does not match the inferred shape 2x4}}
  %r = dfg.log_softmax %x : (tensor<2x4xf32>) -> tensor<4x2xf32>
  func.return %r : tensor<4x2xf32>
}

// -----

func.func @softmax_result_element_type(%x: tensor<2x4xbf16>) -> tensor<2x4xf32> {
  // expected-error @+1 {{result element type f32 does not match the expected bf16}}
  %r = dfg.softmax %x : (tensor<2x4xbf16>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @layer_norm_int(%x: tensor<2x4xi8>) -> tensor<2x4xi8> {
  // expected-error @+1 {{operand #0 ('input') has element type i8; 'dfg.layer_norm' needs a floating-point tensor}}
  %r = dfg.layer_norm %x : (tensor<2x4xi8>) -> tensor<2x4xi8>
  func.return %r : tensor<2x4xi8>
}

// -----

func.func @layer_norm_axis(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{attribute 'axis' is -3, out of range for rank 2}}
  %r = dfg.layer_norm %x {axis = -3 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @layer_norm_scale_type(%x: tensor<2x4xf32>, %g: tensor<4xf16>) -> tensor<2x4xf32> {
  // expected-error @+1 {{operand #1 ('scale') has element type f16, expected f32 to match 'input'}}
  %r = dfg.layer_norm %x scale %g : (tensor<2x4xf32>, tensor<4xf16>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

/// Without a scale, the bias is operand #1.
func.func @layer_norm_bias_shape(%x: tensor<2x4xf32>, %b: tensor<5xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{operand #1 ('bias') of shape 5 does not broadcast to the normalized shape 4}}
  %r = dfg.layer_norm %x bias %b : (tensor<2x4xf32>, tensor<5xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

/// Parameters cover the normalized suffix only: a rank-2 scale does not fit a
/// rank-1 normalized shape, even with a leading 1.
func.func @layer_norm_scale_rank(%x: tensor<2x4xf32>, %g: tensor<1x4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{operand #1 ('scale') of shape 1x4 does not broadcast to the normalized shape 4}}
  %r = dfg.layer_norm %x scale %g bias %b : (tensor<2x4xf32>, tensor<1x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @layer_norm_epsilon(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{attribute 'epsilon' is -1.0; expected a non-negative value}}
  %r = dfg.layer_norm %x {epsilon = -1.0 : f32} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @layer_norm_result_shape(%x: tensor<2x4xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{result shape 2x1 does not match the inferred shape 2x4}}
  %r = dfg.layer_norm %x : (tensor<2x4xf32>) -> tensor<2x1xf32>
  func.return %r : tensor<2x1xf32>
}

// -----

func.func @layer_norm_result_type(%x: tensor<2x4xf16>) -> tensor<2x4xf32> {
  // expected-error @+1 {{result element type f32 does not match the expected f16}}
  %r = dfg.layer_norm %x : (tensor<2x4xf16>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @rms_norm_int(%x: tensor<2x4xi64>) -> tensor<2x4xi64> {
  // expected-error @+1 {{operand #0 ('input') has element type i64; 'dfg.rms_norm' needs a floating-point tensor}}
  %r = dfg.rms_norm %x : (tensor<2x4xi64>) -> tensor<2x4xi64>
  func.return %r : tensor<2x4xi64>
}

// -----

func.func @rms_norm_axis(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{attribute 'axis' is 5, out of range for rank 2}}
  %r = dfg.rms_norm %x {axis = 5 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @rms_norm_scale_type(%x: tensor<2x4xbf16>, %g: tensor<4xf32>) -> tensor<2x4xbf16> {
  // expected-error @+1 {{operand #1 ('scale') has element type f32, expected bf16 to match 'input'}}
  %r = dfg.rms_norm %x scale %g : (tensor<2x4xbf16>, tensor<4xf32>) -> tensor<2x4xbf16>
  func.return %r : tensor<2x4xbf16>
}

// -----

/// With axis = 0 the normalized shape is 2x4; a 2-element scale does not
/// broadcast to it (it would need to be 2x1).
func.func @rms_norm_scale_shape(%x: tensor<2x4xf32>, %g: tensor<2xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{operand #1 ('scale') of shape 2 does not broadcast to the normalized shape 2x4}}
  %r = dfg.rms_norm %x scale %g {axis = 0 : i64} : (tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @rms_norm_epsilon(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{attribute 'epsilon' is -0.5; expected a non-negative value}}
  %r = dfg.rms_norm %x {epsilon = -0.5 : f32} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @rms_norm_result_shape(%x: tensor<2x4xf32>) -> tensor<2x4x1xf32> {
  // expected-error @+1 {{result shape 2x4x1 does not match the inferred shape 2x4}}
  %r = dfg.rms_norm %x : (tensor<2x4xf32>) -> tensor<2x4x1xf32>
  func.return %r : tensor<2x4x1xf32>
}

// -----

/// Operands after `input` are introduced by their names; the type list must
/// still give one type per operand.
func.func @layer_norm_type_count(%x: tensor<2x4xf32>, %g: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{expected 2 operand types but had 1}}
  %r = dfg.layer_norm %x : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}
