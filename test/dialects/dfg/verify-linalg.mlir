// RUN: dfc-opt %s --split-input-file --verify-diagnostics

/// dfg.matmul is strictly 2-D; batches go through dfg.batch_matmul.
func.func @matmul_lhs_rank(%a: tensor<2x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{operand #0 ('lhs') has rank 3; 'dfg.matmul' needs rank 2}}
  %r = dfg.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @matmul_rhs_rank(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{operand #1 ('rhs') has rank 1; 'dfg.matmul' needs rank 2}}
  %r = dfg.matmul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}

// -----

func.func @matmul_element_mismatch(%a: tensor<2x3xf32>, %b: tensor<3x4xf16>) -> tensor<2x4xf32> {
  // expected-error @+1 {{operand #1 ('rhs') has element type f16, expected f32 to match 'lhs'}}
  %r = dfg.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf16>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

/// Booleans are not a matmul element type.
func.func @matmul_bool(%a: tensor<2x3xi1>, %b: tensor<3x4xi1>) -> tensor<2x4xi1> {
  // expected-error @+1 {{operand #0 ('lhs') has element type i1; 'dfg.matmul' needs a float, i8, i32 or i64 tensor}}
  %r = dfg.matmul %a, %b : (tensor<2x3xi1>, tensor<3x4xi1>) -> tensor<2x4xi1>
  func.return %r : tensor<2x4xi1>
}

// -----

/// i8 operands may accumulate into i32, but not into i64.
func.func @matmul_i8_result(%a: tensor<2x3xi8>, %b: tensor<3x4xi8>) -> tensor<2x4xi64> {
  // expected-error @+1 {{result element type i64 does not match the expected i8 or i32}}
  %r = dfg.matmul %a, %b : (tensor<2x3xi8>, tensor<3x4xi8>) -> tensor<2x4xi64>
  func.return %r : tensor<2x4xi64>
}

// -----

/// Only i8 operands may widen their result.
func.func @matmul_float_result(%a: tensor<2x3xf16>, %b: tensor<3x4xf16>) -> tensor<2x4xf32> {
  // expected-error @+1 {{result element type f32 does not match the expected f16}}
  %r = dfg.matmul %a, %b : (tensor<2x3xf16>, tensor<3x4xf16>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{operand #1 ('rhs') has contraction size 4, expected 3 to match 'lhs'}}
  %r = dfg.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  func.return %r : tensor<2x5xf32>
}

// -----

/// With transpose_b the contraction dim of 'rhs' is its last one.
func.func @matmul_contraction_transposed(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand #1 ('rhs') has contraction size 4, expected 3 to match 'lhs'}}
  %r = dfg.matmul %a, %b {transpose_b = true} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// -----

func.func @matmul_result_shape(%a: tensor<3x2xf32>, %b: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{result shape 3x4 does not match the inferred shape 2x4}}
  %r = dfg.matmul %a, %b {transpose_a = true} : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  func.return %r : tensor<3x4xf32>
}

// -----

func.func @batch_matmul_rank(%a: tensor<2x2x3xf32>, %b: tensor<3xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{operand #1 ('rhs') has rank 1; 'dfg.batch_matmul' needs rank >= 2}}
  %r = dfg.batch_matmul %a, %b : (tensor<2x2x3xf32>, tensor<3xf32>) -> tensor<2x2xf32>
  func.return %r : tensor<2x2xf32>
}

// -----

/// A batch matmul needs a batch dim somewhere; plain matrices use dfg.matmul.
func.func @batch_matmul_no_batch(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{both operands have rank 2; 'dfg.batch_matmul' needs a batch dim on at least one}}
  %r = dfg.batch_matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

func.func @batch_matmul_element_mismatch(%a: tensor<2x2x3xi32>, %b: tensor<2x3x4xi64>) -> tensor<2x2x4xi32> {
  // expected-error @+1 {{operand #1 ('rhs') has element type i64, expected i32 to match 'lhs'}}
  %r = dfg.batch_matmul %a, %b : (tensor<2x2x3xi32>, tensor<2x3x4xi64>) -> tensor<2x2x4xi32>
  func.return %r : tensor<2x2x4xi32>
}

// -----

func.func @batch_matmul_contraction(%a: tensor<2x2x3xf32>, %b: tensor<2x5x4xf32>) -> tensor<2x2x4xf32> {
  // expected-error @+1 {{operand #1 ('rhs') has contraction size 5, expected 3 to match 'lhs'}}
  %r = dfg.batch_matmul %a, %b : (tensor<2x2x3xf32>, tensor<2x5x4xf32>) -> tensor<2x2x4xf32>
  func.return %r : tensor<2x2x4xf32>
}

// -----

/// Batch dims 2 and 3 do not broadcast.
func.func @batch_matmul_batch_broadcast(%a: tensor<2x2x3xf32>, %b: tensor<3x3x4xf32>) -> tensor<3x2x4xf32> {
  // expected-error @+1 {{operand #1 ('rhs') has batch dims 3 that do not broadcast with 'lhs' batch dims 2}}
  %r = dfg.batch_matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x3x4xf32>) -> tensor<3x2x4xf32>
  func.return %r : tensor<3x2x4xf32>
}

// -----

/// The result carries the broadcast batch shape (5x2), not the lhs batch shape.
func.func @batch_matmul_result_shape(%a: tensor<1x2x2x3xf32>, %b: tensor<5x1x3x4xf32>) -> tensor<1x2x2x4xf32> {
  // expected-error @+1 {{result shape 1x2x2x4 does not match the inferred shape 5x2x2x4}}
  %r = dfg.batch_matmul %a, %b : (tensor<1x2x2x3xf32>, tensor<5x1x3x4xf32>) -> tensor<1x2x2x4xf32>
  func.return %r : tensor<1x2x2x4xf32>
}

// -----

func.func @batch_matmul_result_element(%a: tensor<2x2x3xi8>, %b: tensor<2x3x4xi8>) -> tensor<2x2x4xf32> {
  // expected-error @+1 {{result element type f32 does not match the expected i8 or i32}}
  %r = dfg.batch_matmul %a, %b : (tensor<2x2x3xi8>, tensor<2x3x4xi8>) -> tensor<2x2x4xf32>
  func.return %r : tensor<2x2x4xf32>
}

// -----

func.func @conv2d_input_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{operand #0 ('input') has rank 3; 'dfg.conv2d' needs rank 4}}
  %y = dfg.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{operand #1 ('weight') has rank 3; 'dfg.conv2d' needs rank 4}}
  %y = dfg.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

/// Conv follows ONNX Conv: floating-point only.
func.func @conv2d_integer(%x: tensor<1x3x8x8xi32>, %w: tensor<4x3x3x3xi32>) -> tensor<1x4x6x6xi32> {
  // expected-error @+1 {{operand #0 ('input') has element type i32; 'dfg.conv2d' needs a floating-point tensor}}
  %y = dfg.conv2d %x, %w : (tensor<1x3x8x8xi32>, tensor<4x3x3x3xi32>) -> tensor<1x4x6x6xi32>
  func.return %y : tensor<1x4x6x6xi32>
}

// -----

func.func @conv2d_weight_element(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xbf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{operand #1 ('weight') has element type bf16, expected f32 to match 'input'}}
  %y = dfg.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xbf16>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_bias_element(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{operand #2 ('bias') has element type f16, expected f32 to match 'input'}}
  %y = dfg.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf16>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_strides_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{attribute 'strides' has 1 entries; expected 2}}
  %y = dfg.conv2d %x, %w {strides = array<i64: 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_strides_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{attribute 'strides' entry 0 must be >= 1}}
  %y = dfg.conv2d %x, %w {strides = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

/// pads are [top, left, bottom, right]: four entries.
func.func @conv2d_pads_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{attribute 'pads' has 2 entries; expected 4}}
  %y = dfg.conv2d %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  func.return %y : tensor<1x4x8x8xf32>
}

// -----

func.func @conv2d_pads_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{attribute 'pads' entry -1 must be >= 0}}
  %y = dfg.conv2d %x, %w {pads = array<i64: 1, 0, -1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_dilations_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{attribute 'dilations' has 3 entries; expected 2}}
  %y = dfg.conv2d %x, %w {dilations = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_dilations_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{attribute 'dilations' entry 0 must be >= 1}}
  %y = dfg.conv2d %x, %w {dilations = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_groups_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{attribute 'groups' is 0; must be >= 1}}
  %y = dfg.conv2d %x, %w {groups = 0 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

/// groups is an i64 integer attribute.
func.func @conv2d_groups_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{Expected attribute i64 but got i32}}
  %y = dfg.conv2d %x, %w {groups = 1 : i32} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_channels_groups(%x: tensor<1x3x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{operand #0 ('input') has 3 channels, not divisible by attribute 'groups' (2)}}
  %y = dfg.conv2d %x, %w {groups = 2 : i64} : (tensor<1x3x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_out_channels_groups(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+1 {{operand #1 ('weight') has 3 output channels, not divisible by attribute 'groups' (2)}}
  %y = dfg.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  func.return %y : tensor<1x3x6x6xf32>
}

// -----

/// A depthwise weight ([C, 1, KH, KW]) without groups = C is rejected.
func.func @conv2d_weight_channels(%x: tensor<1x8x8x8xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{operand #1 ('weight') has 1 input channels per group; expected 8 (C=8 / groups=1)}}
  %y = dfg.conv2d %x, %w : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  func.return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv2d_bias_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{operand #2 ('bias') has shape 3; expected 4 (one per output channel)}}
  %y = dfg.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}

// -----

/// A dilated 3x3 window spans 5 pixels: more than the 4x4 input.
func.func @conv2d_window_too_large(%x: tensor<1x3x4x4xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+1 {{operand #1 ('weight') window 3x3 does not fit the padded input 4x4 (output would be 0x0)}}
  %y = dfg.conv2d %x, %w {dilations = array<i64: 2, 2>} : (tensor<1x3x4x4xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  func.return %y : tensor<1x4x1x1xf32>
}

// -----

/// Output H = floor((8 + 1 + 1 - 3) / 2) + 1 = 4.
func.func @conv2d_result_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x5x5xf32> {
  // expected-error @+1 {{result shape 1x4x5x5 does not match the inferred shape 1x4x4x4}}
  %y = dfg.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x5x5xf32>
  func.return %y : tensor<1x4x5x5xf32>
}

// -----

func.func @conv2d_result_element(%x: tensor<1x3x8x8xf16>, %w: tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{result element type f32 does not match the expected f16}}
  %y = dfg.conv2d %x, %w : (tensor<1x3x8x8xf16>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}
