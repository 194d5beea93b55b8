// RUN: dfc-opt %s --split-input-file --verify-diagnostics

/// Summing booleans is not defined (ONNX ReduceSum has no bool variant).
func.func @sum_bool(%x: tensor<2x3xi1>) -> tensor<1x1xi1> {
  // expected-error @+1 {{operand #0 ('input') is i1; 'dfg.reduce_sum' needs a numeric tensor}}
  %r = dfg.reduce_sum %x : (tensor<2x3xi1>) -> tensor<1x1xi1>
  func.return %r : tensor<1x1xi1>
}

// -----

/// Mean and product reject i1 as well (max/min accept it).
func.func @prod_bool(%x: tensor<2x3xi1>) -> tensor<1x1xi1> {
  // expected-error @+1 {{operand #0 ('input') is i1; 'dfg.reduce_prod' needs a numeric tensor}}
  %r = dfg.reduce_prod %x : (tensor<2x3xi1>) -> tensor<1x1xi1>
  func.return %r : tensor<1x1xi1>
}

// -----

func.func @axes_i32(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{attribute 'axes' has element type i32; expected i64}}
  %r = dfg.reduce_mean %x {axes = array<i32: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %r : tensor<2x1xf32>
}

// -----

func.func @axes_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{attribute 'axes' entry 2 is out of range for rank 2}}
  %r = dfg.reduce_max %x {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %r : tensor<2x1xf32>
}

// -----

/// Negative axes below -rank are out of range too.
func.func @axes_negative_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{attribute 'axes' entry -3 is out of range for rank 2}}
  %r = dfg.reduce_min %x {axes = array<i64: -3>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %r : tensor<2x1xf32>
}

// -----

/// 1 and -1 name the same axis of a rank-2 tensor.
func.func @axes_repeated(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{attribute 'axes' entry -1 is repeated}}
  %r = dfg.reduce_sum %x {axes = array<i64: 1, -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %r : tensor<2x1xf32>
}

// -----

/// keepdims defaults to true, so the reduced axis stays as size 1.
func.func @result_shape_keepdims_default(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{result shape 2 does not match the inferred shape 2x1}}
  %r = dfg.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}

// -----

/// Empty axes reduce every axis.
func.func @result_shape_empty_axes(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{result shape 2 does not match the inferred shape scalar}}
  %r = dfg.reduce_sum %x {axes = array<i64>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}

// -----

func.func @result_element_type(%x: tensor<2x3xi32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{result element type f32 does not match the expected i32}}
  %r = dfg.reduce_mean %x : (tensor<2x3xi32>) -> tensor<1x1xf32>
  func.return %r : tensor<1x1xf32>
}

// -----

func.func @scan_bool(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{operand #0 ('input') is i1; 'dfg.scan' needs a numeric tensor}}
  %r = dfg.scan %x {axis = 0 : i64, kind = "max"} : (tensor<4xi1>) -> tensor<4xi1>
  func.return %r : tensor<4xi1>
}

// -----

func.func @scan_kind(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{attribute 'kind' is "mean"; expected one of sum, prod, max, min}}
  %r = dfg.scan %x {axis = 0 : i64, kind = "mean"} : (tensor<4xf32>) -> tensor<4xf32>
  func.return %r : tensor<4xf32>
}

// -----

func.func @scan_axis(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{attribute 'axis' is -3, out of range for rank 2}}
  %r = dfg.scan %x {axis = -3 : i64, kind = "sum"} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// -----

/// A scalar has no axis to scan.
func.func @scan_scalar(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{attribute 'axis' is 0, out of range for rank 0}}
  %r = dfg.scan %x {axis = 0 : i64, kind = "sum"} : (tensor<f32>) -> tensor<f32>
  func.return %r : tensor<f32>
}

// -----

func.func @scan_result_shape(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{result shape 2x3 does not match the inferred shape 2x4}}
  %r = dfg.scan %x {axis = 1 : i64, kind = "sum"} : (tensor<2x4xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// -----

func.func @scan_result_element_type(%x: tensor<4xi32>) -> tensor<4xi64> {
  // expected-error @+1 {{result element type i64 does not match the expected i32}}
  %r = dfg.scan %x {axis = 0 : i64, kind = "sum"} : (tensor<4xi32>) -> tensor<4xi64>
  func.return %r : tensor<4xi64>
}
