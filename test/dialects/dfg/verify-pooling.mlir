// RUN: dfc-opt %s --split-input-file --verify-diagnostics

func.func @max_pool_rank(%x: tensor<8x16x16xf32>) -> tensor<8x8x8xf32> {
  // expected-error @+1 {{operand #0 ('input') has rank 3; 'dfg.max_pool2d' needs rank 4 (NCHW)}}
  %y = dfg.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<8x16x16xf32>) -> tensor<8x8x8xf32>
  func.return %y : tensor<8x8x8xf32>
}

// -----

/// Max pooling takes integers but not booleans.
func.func @max_pool_bool(%x: tensor<1x1x4x4xi1>) -> tensor<1x1x3x3xi1> {
  // expected-error @+1 {{operand #0 ('input') has element type i1; 'dfg.max_pool2d' needs a floating-point or i8/i32/i64 tensor}}
  %y = dfg.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x1x4x4xi1>) -> tensor<1x1x3x3xi1>
  func.return %y : tensor<1x1x3x3xi1>
}

// -----

/// Average pooling is floating-point only (ONNX AveragePool).
func.func @avg_pool_integer(%x: tensor<1x1x4x4xi32>) -> tensor<1x1x3x3xi32> {
  // expected-error @+1 {{operand #0 ('input') has element type i32; 'dfg.avg_pool2d' needs a floating-point tensor}}
  %y = dfg.avg_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x1x4x4xi32>) -> tensor<1x1x3x3xi32>
  func.return %y : tensor<1x1x3x3xi32>
}

// -----

func.func @pool_missing_kernel(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{requires attribute 'kernel'}}
  %y = dfg.avg_pool2d %x : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  func.return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @pool_kernel_length(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{attribute 'kernel' has 3 entries; expected 2}}
  %y = dfg.max_pool2d %x {kernel = array<i64: 2, 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  func.return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @pool_kernel_zero(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{attribute 'kernel' entry 0 must be >= 1}}
  %y = dfg.max_pool2d %x {kernel = array<i64: 2, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  func.return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @pool_strides_length(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{attribute 'strides' has 1 entries; expected 2}}
  %y = dfg.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  func.return %y : tensor<1x1x2x2xf32>
}

// -----

func.func @pool_strides_zero(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{attribute 'strides' entry 0 must be >= 1}}
  %y = dfg.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 0, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  func.return %y : tensor<1x1x2x2xf32>
}

// -----

func.func @pool_pads_length(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{attribute 'pads' has 2 entries; expected 4}}
  %y = dfg.max_pool2d %x {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  func.return %y : tensor<1x1x4x4xf32>
}

// -----

func.func @pool_pads_negative(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{attribute 'pads' entry -1 must be >= 0}}
  %y = dfg.avg_pool2d %x {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, -1, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  func.return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @max_pool_dilations_length(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{attribute 'dilations' has 1 entries; expected 2}}
  %y = dfg.max_pool2d %x {kernel = array<i64: 2, 2>, dilations = array<i64: 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  func.return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @max_pool_dilations_zero(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{attribute 'dilations' entry 0 must be >= 1}}
  %y = dfg.max_pool2d %x {kernel = array<i64: 2, 2>, dilations = array<i64: 1, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  func.return %y : tensor<1x1x3x3xf32>
}

// -----

/// dilations belong to max pooling only; reject rather than ignore them.
func.func @avg_pool_dilations(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{attribute 'dilations' is not supported by 'dfg.avg_pool2d'}}
  %y = dfg.avg_pool2d %x {kernel = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  func.return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @pool_window_too_large(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+1 {{attribute 'kernel' window 5x5 does not fit the padded input 4x4 of operand #0 ('input') (output would be 0x0)}}
  %y = dfg.max_pool2d %x {kernel = array<i64: 5, 5>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x1x1xf32>
  func.return %y : tensor<1x1x1x1xf32>
}

// -----

/// ceil_mode rounds up: H = ceil((5 - 2) / 2) + 1 = 3 (floor mode gives 2).
func.func @pool_ceil_mode_shape(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{result shape 1x1x2x2 does not match the inferred shape 1x1x3x3}}
  %y = dfg.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = true} : (tensor<1x1x5x5xf32>) -> tensor<1x1x2x2xf32>
  func.return %y : tensor<1x1x2x2xf32>
}

// -----

/// In ceil mode a window that would start in the right padding is dropped:
/// ceil((4 + 1 - 2) / 2) + 1 = 3, but the third window starts at 4 >= 4 + 0.
func.func @pool_ceil_mode_drops_padding_window(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{result shape 1x1x3x3 does not match the inferred shape 1x1x2x2}}
  %y = dfg.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, ceil_mode = true} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  func.return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @pool_result_element(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf16> {
  // expected-error @+1 {{result element type f16 does not match the expected f32}}
  %y = dfg.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf16>
  func.return %y : tensor<1x1x2x2xf16>
}

// -----

func.func @global_pool_rank(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{operand #0 ('input') has rank 2; 'dfg.global_avg_pool' needs rank >= 3 (N, C and spatial dims), got shape 2x8}}
  %y = dfg.global_avg_pool %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  func.return %y : tensor<2x8xf32>
}

// -----

func.func @global_avg_pool_integer(%x: tensor<1x2x3x3xi8>) -> tensor<1x2x1x1xi8> {
  // expected-error @+1 {{operand #0 ('input') has element type i8; 'dfg.global_avg_pool' needs a floating-point tensor}}
  %y = dfg.global_avg_pool %x : (tensor<1x2x3x3xi8>) -> tensor<1x2x1x1xi8>
  func.return %y : tensor<1x2x1x1xi8>
}

// -----

func.func @global_max_pool_bool(%x: tensor<1x2x3x3xi1>) -> tensor<1x2x1x1xi1> {
  // expected-error @+1 {{operand #0 ('input') has element type i1; 'dfg.global_max_pool' needs a floating-point or i8/i32/i64 tensor}}
  %y = dfg.global_max_pool %x : (tensor<1x2x3x3xi1>) -> tensor<1x2x1x1xi1>
  func.return %y : tensor<1x2x1x1xi1>
}

// -----

/// Global pooling keeps every spatial dim as size 1.
func.func @global_pool_result_shape(%x: tensor<1x2x3x3xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{result shape 1x2 does not match the inferred shape 1x2x1x1}}
  %y = dfg.global_max_pool %x : (tensor<1x2x3x3xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}

// -----

func.func @global_pool_result_element(%x: tensor<1x2x3x3xi32>) -> tensor<1x2x1x1xi64> {
  // expected-error @+1 {{result element type i64 does not match the expected i32}}
  %y = dfg.global_max_pool %x : (tensor<1x2x3x3xi32>) -> tensor<1x2x1x1xi64>
  func.return %y : tensor<1x2x1x1xi64>
}

// -----

/// count_include_pad is meaningless for max pooling; reject rather than ignore.
func.func @max_pool_count_include_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{attribute 'count_include_pad' is not supported by 'dfg.max_pool2d'}}
  %y = dfg.max_pool2d %x {kernel = array<i64: 2, 2>, count_include_pad = true} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  func.return %y : tensor<1x1x3x3xf32>
}
