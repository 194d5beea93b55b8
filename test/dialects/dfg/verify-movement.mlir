// RUN: dfc-opt %s --split-input-file --verify-diagnostics

/// `perm` must be a permutation of the input's dimensions.
func.func @transpose_not_permutation(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{attribute 'perm' [1, 1] is not a permutation of the 2 dimensions of operand #0 ('input')}}
  %r = dfg.transpose %x {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %r : tensor<3x2xf32>
}

// -----

/// A `perm` of the wrong length is not a permutation either.
func.func @transpose_perm_length(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{attribute 'perm' [1, 0, 2] is not a permutation of the 2 dimensions}}
  %r = dfg.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %r : tensor<3x2xf32>
}

// -----

func.func @transpose_result_shape(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{result shape 2x3x4 does not match the inferred shape 4x3x2}}
  %r = dfg.transpose %x : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  func.return %r : tensor<2x3x4xf32>
}

// -----

func.func @transpose_element_type(%x: tensor<2x3xf32>) -> tensor<3x2xf16> {
  // expected-error @+1 {{result element type f16 does not match the expected f32}}
  %r = dfg.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf16>
  func.return %r : tensor<3x2xf16>
}

// -----

func.func @reshape_count(%x: tensor<2x6xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{result shape 3x5 has 15 elements but operand #0 ('input') of shape 2x6 has 12}}
  %r = dfg.reshape %x : (tensor<2x6xf32>) -> tensor<3x5xf32>
  func.return %r : tensor<3x5xf32>
}

// -----

func.func @reshape_element_type(%x: tensor<2x6xf32>) -> tensor<12xi32> {
  // expected-error @+1 {{result element type i32 does not match the expected f32}}
  %r = dfg.reshape %x : (tensor<2x6xf32>) -> tensor<12xi32>
  func.return %r : tensor<12xi32>
}

// -----

/// A non-1 extent must match the target extent (numpy rules).
func.func @broadcast_incompatible(%x: tensor<3x2xf32>) -> tensor<4x3x4xf32> {
  // expected-error @+1 {{operand #0 ('input') of shape 3x2 does not broadcast to the result shape 4x3x4}}
  %r = dfg.broadcast %x : (tensor<3x2xf32>) -> tensor<4x3x4xf32>
  func.return %r : tensor<4x3x4xf32>
}

// -----

/// Broadcasting never drops dimensions.
func.func @broadcast_lower_rank(%x: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 ('input') of shape 2x3 does not broadcast to the result shape 3}}
  %r = dfg.broadcast %x : (tensor<2x3xf32>) -> tensor<3xf32>
  func.return %r : tensor<3xf32>
}

// -----

func.func @broadcast_element_type(%x: tensor<3xf32>) -> tensor<2x3xbf16> {
  // expected-error @+1 {{result element type bf16 does not match the expected f32}}
  %r = dfg.broadcast %x : (tensor<3xf32>) -> tensor<2x3xbf16>
  func.return %r : tensor<2x3xbf16>
}

// -----

func.func @concat_no_operands() -> tensor<0xf32> {
  // expected-error @+1 {{'dfg.concat' needs at least one operand}}
  %r = dfg.concat {axis = 0 : i64} : () -> tensor<0xf32>
  func.return %r : tensor<0xf32>
}

// -----

func.func @concat_scalar(%a: tensor<f32>) -> tensor<2xf32> {
  // expected-error @+1 {{operand #0 ('inputs') is a scalar; 'dfg.concat' needs tensors of rank >= 1}}
  %r = dfg.concat %a, %a {axis = 0 : i64} : (tensor<f32>, tensor<f32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}

// -----

func.func @concat_axis_range(%a: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{attribute 'axis' (2) is out of range for rank 2}}
  %r = dfg.concat %a, %a {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  func.return %r : tensor<2x6xf32>
}

// -----

func.func @concat_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) -> tensor<2x6xf32> {
  // expected-error @+1 {{operand #1 ('inputs') has element type f16, expected f32 to match operand #0}}
  %r = dfg.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<2x6xf32>
  func.return %r : tensor<2x6xf32>
}

// -----

/// Dimensions other than `axis` must agree.
func.func @concat_other_dims(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{operand #1 ('inputs') of shape 4x3 does not match operand #0 of shape 2x3 outside axis 1}}
  %r = dfg.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x6xf32>
  func.return %r : tensor<2x6xf32>
}

// -----

/// So must the ranks.
func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<2x3x1xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{operand #1 ('inputs') of shape 2x3x1 does not match operand #0 of shape 2x3 outside axis 0}}
  %r = dfg.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3x1xf32>) -> tensor<4x3xf32>
  func.return %r : tensor<4x3xf32>
}

// -----

func.func @concat_result_shape(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x9xf32> {
  // expected-error @+1 {{result shape 2x9 does not match the inferred shape 2x8}}
  %r = dfg.concat %a, %b {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x9xf32>
  func.return %r : tensor<2x9xf32>
}

// -----

func.func @concat_result_element_type(%a: tensor<2x3xf32>) -> tensor<2x6xf16> {
  // expected-error @+1 {{result element type f16 does not match the expected f32}}
  %r = dfg.concat %a, %a {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf16>
  func.return %r : tensor<2x6xf16>
}

// -----

func.func @slice_ends_length(%x: tensor<4x10xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{attribute 'ends' has 2 entries, expected 1 (one per entry of 'starts')}}
  %r = dfg.slice %x {starts = array<i64: 1>, ends = array<i64: 4, 4>} : (tensor<4x10xf32>) -> tensor<4x3xf32>
  func.return %r : tensor<4x3xf32>
}

// -----

func.func @slice_axes_length(%x: tensor<4x10xf32>) -> tensor<3x10xf32> {
  // expected-error @+1 {{attribute 'axes' has 2 entries, expected 1 (one per entry of 'starts')}}
  %r = dfg.slice %x {starts = array<i64: 1>, ends = array<i64: 4>, axes = array<i64: 0, 1>} : (tensor<4x10xf32>) -> tensor<3x10xf32>
  func.return %r : tensor<3x10xf32>
}

// -----

func.func @slice_steps_length(%x: tensor<4x10xf32>) -> tensor<3x10xf32> {
  // expected-error @+1 {{attribute 'steps' has 0 entries, expected 1 (one per entry of 'starts')}}
  %r = dfg.slice %x {starts = array<i64: 1>, ends = array<i64: 4>, steps = array<i64>} : (tensor<4x10xf32>) -> tensor<3x10xf32>
  func.return %r : tensor<3x10xf32>
}

// -----

/// Without 'axes', entry i of 'starts' is axis i: there can be at most rank.
func.func @slice_too_many_starts(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{attribute 'starts' has 2 entries but operand #0 ('input') has rank 1; pass 'axes'}}
  %r = dfg.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 4, 4>} : (tensor<4xf32>) -> tensor<4xf32>
  func.return %r : tensor<4xf32>
}

// -----

func.func @slice_axis_range(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{attribute 'axes' entry -3 is out of range for rank 2}}
  %r = dfg.slice %x {starts = array<i64: 0>, ends = array<i64: 4>, axes = array<i64: -3>} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  func.return %r : tensor<4x10xf32>
}

// -----

/// `1` and `-1` name the same axis of a rank-2 tensor.
func.func @slice_axis_repeated(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{attribute 'axes' entry -1 is repeated}}
  %r = dfg.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 10, 10>, axes = array<i64: 1, -1>} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  func.return %r : tensor<4x10xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{attribute 'steps' has a zero entry}}
  %r = dfg.slice %x {starts = array<i64: 0>, ends = array<i64: 4>, steps = array<i64: 0>} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  func.return %r : tensor<4x10xf32>
}

// -----

/// Out-of-range ends clamp: [1, 100) on an extent of 4 keeps 3 elements.
func.func @slice_result_shape(%x: tensor<4x10xf32>) -> tensor<99x10xf32> {
  // expected-error @+1 {{result shape 99x10 does not match the inferred shape 3x10}}
  %r = dfg.slice %x {starts = array<i64: 1>, ends = array<i64: 100>} : (tensor<4x10xf32>) -> tensor<99x10xf32>
  func.return %r : tensor<99x10xf32>
}

// -----

func.func @slice_element_type(%x: tensor<4xi32>) -> tensor<2xi64> {
  // expected-error @+1 {{result element type i64 does not match the expected i32}}
  %r = dfg.slice %x {starts = array<i64: 0>, ends = array<i64: 2>} : (tensor<4xi32>) -> tensor<2xi64>
  func.return %r : tensor<2xi64>
}

// -----

func.func @pad_length(%x: tensor<3x4xf32>) -> tensor<5x4xf32> {
  // expected-error @+1 {{attribute 'pads' has 2 entries, expected 4 (begin and end for each of the 2 dimensions)}}
  %r = dfg.pad %x {pads = array<i64: 1, 1>} : (tensor<3x4xf32>) -> tensor<5x4xf32>
  func.return %r : tensor<5x4xf32>
}

// -----

func.func @pad_mode(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{attribute 'mode' is "wrap"; expected one of constant, reflect, edge}}
  %r = dfg.pad %x {pads = array<i64: 0, 0, 0, 0>, mode = "wrap"} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  func.return %r : tensor<3x4xf32>
}

// -----

/// A fill value would be silently ignored outside constant mode.
func.func @pad_value_mode(%x: tensor<3x4xf32>) -> tensor<5x4xf32> {
  // expected-error @+1 {{attribute 'value' is only used in constant mode, not "edge"}}
  %r = dfg.pad %x {pads = array<i64: 1, 0, 1, 0>, mode = "edge", value = 1.0 : f32} : (tensor<3x4xf32>) -> tensor<5x4xf32>
  func.return %r : tensor<5x4xf32>
}

// -----

func.func @pad_crop_too_much(%x: tensor<3x4xf32>) -> tensor<3x0xf32> {
  // expected-error @+1 {{attribute 'pads' crops dimension 1 of operand #0 ('input') (extent 4) below zero}}
  %r = dfg.pad %x {pads = array<i64: 0, -3, 0, -2>} : (tensor<3x4xf32>) -> tensor<3x0xf32>
  func.return %r : tensor<3x0xf32>
}

// -----

/// Reflect mirrors once without repeating the edge: the pad must be smaller
/// than the extent.
func.func @pad_reflect_too_far(%x: tensor<3x4xf32>) -> tensor<6x4xf32> {
  // expected-error @+1 {{attribute 'pads' reflects dimension 0 by 3, which needs an extent above 3 but it is 3}}
  %r = dfg.pad %x {pads = array<i64: 3, 0, 0, 0>, mode = "reflect"} : (tensor<3x4xf32>) -> tensor<6x4xf32>
  func.return %r : tensor<6x4xf32>
}

// -----

func.func @pad_edge_empty(%x: tensor<3x0xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{attribute 'pads' edge-pads dimension 1, which is empty}}
  %r = dfg.pad %x {pads = array<i64: 0, 1, 0, 1>, mode = "edge"} : (tensor<3x0xf32>) -> tensor<3x2xf32>
  func.return %r : tensor<3x2xf32>
}

// -----

func.func @pad_result_shape(%x: tensor<3x4xf32>) -> tensor<5x4xf32> {
  // expected-error @+1 {{result shape 5x4 does not match the inferred shape 4x5}}
  %r = dfg.pad %x {pads = array<i64: 1, 0, 0, 1>} : (tensor<3x4xf32>) -> tensor<5x4xf32>
  func.return %r : tensor<5x4xf32>
}

// -----

func.func @pad_element_type(%x: tensor<3xi8>) -> tensor<4xi32> {
  // expected-error @+1 {{result element type i32 does not match the expected i8}}
  %r = dfg.pad %x {pads = array<i64: 1, 0>} : (tensor<3xi8>) -> tensor<4xi32>
  func.return %r : tensor<4xi32>
}

// -----

func.func @gather_index_type(%t: tensor<10x4xf32>, %i: tensor<3xi8>) -> tensor<3x4xf32> {
  // expected-error @+1 {{operand #1 ('indices') has element type i8; expected i32 or i64}}
  %r = dfg.gather %t, %i : (tensor<10x4xf32>, tensor<3xi8>) -> tensor<3x4xf32>
  func.return %r : tensor<3x4xf32>
}

// -----

func.func @gather_scalar_data(%t: tensor<f32>, %i: tensor<3xi64>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 ('data') is a scalar; 'dfg.gather' needs rank >= 1}}
  %r = dfg.gather %t, %i : (tensor<f32>, tensor<3xi64>) -> tensor<3xf32>
  func.return %r : tensor<3xf32>
}

// -----

func.func @gather_axis_range(%t: tensor<10x4xf32>, %i: tensor<3xi64>) -> tensor<10x3xf32> {
  // expected-error @+1 {{attribute 'axis' (-3) is out of range for rank 2}}
  %r = dfg.gather %t, %i {axis = -3 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<10x3xf32>
  func.return %r : tensor<10x3xf32>
}

// -----

/// The indices' shape replaces the gathered dimension in place.
func.func @gather_result_shape(%t: tensor<10x4xf32>, %i: tensor<2x3xi64>) -> tensor<10x2x3xf32> {
  // expected-error @+1 {{result shape 10x2x3 does not match the inferred shape 2x3x4}}
  %r = dfg.gather %t, %i {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<10x2x3xf32>
  func.return %r : tensor<10x2x3xf32>
}

// -----

/// The result takes the data's element type, not the indices'.
func.func @gather_element_type(%t: tensor<10xf32>, %i: tensor<3xi64>) -> tensor<3xi64> {
  // expected-error @+1 {{result element type i64 does not match the expected f32}}
  %r = dfg.gather %t, %i : (tensor<10xf32>, tensor<3xi64>) -> tensor<3xi64>
  func.return %r : tensor<3xi64>
}
