// RUN: dfc-opt %s --split-input-file -p dfg-recognize-attention | filecheck %s

/// The ONNX TorchScript form: MatMul(Q, Transpose(K)) / sqrt(d), Softmax, MatMul V.
// CHECK-LABEL: func.func @transpose_div
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x4x8xf32>, %[[K:.*]]: tensor<2x4x8xf32>, %[[V:.*]]: tensor<2x4x16xf32>)
// CHECK-NEXT:    %[[O:.*]] = dfg.attention %[[Q]], %[[K]], %[[V]] {scale = 0.353553385 : f32} : (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
// CHECK-NEXT:    func.return %[[O]]
func.func @transpose_div(%q: tensor<2x4x8xf32>, %k: tensor<2x4x8xf32>, %v: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  %kt = dfg.transpose %k {perm = array<i64: 0, 2, 1>} : (tensor<2x4x8xf32>) -> tensor<2x8x4xf32>
  %s = dfg.batch_matmul %q, %kt : (tensor<2x4x8xf32>, tensor<2x8x4xf32>) -> tensor<2x4x4xf32>
  %c = dfg.constant dense<2.82842708> : tensor<f32>
  %x = dfg.div %s, %c : (tensor<2x4x4xf32>, tensor<f32>) -> tensor<2x4x4xf32>
  %p = dfg.softmax %x {axis = -1 : i64} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o = dfg.batch_matmul %p, %v : (tensor<2x4x4xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  func.return %o : tensor<2x4x16xf32>
}

// -----

/// `transpose_b` instead of a transpose op; scalar factors on Q and K (torch's
/// SDPA decomposition) multiply into `scale`; a 2-D (single head) attention.
// CHECK-LABEL: func.func @transpose_b_scaled_operands
// CHECK-SAME:    (%[[Q:.*]]: tensor<4x8xf32>, %[[K:.*]]: tensor<6x8xf32>, %[[V:.*]]: tensor<6x8xf32>)
// CHECK-NEXT:    %[[O:.*]] = dfg.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32}
// CHECK-NEXT:    func.return %[[O]]
func.func @transpose_b_scaled_operands(%q: tensor<4x8xf32>, %k: tensor<6x8xf32>, %v: tensor<6x8xf32>) -> tensor<4x8xf32> {
  %c = dfg.constant dense<5.000000e-01> : tensor<f32>
  %qs = dfg.mul %q, %c : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %ks = dfg.mul %c, %k : (tensor<f32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %s = dfg.matmul %qs, %ks {transpose_b = true} : (tensor<4x8xf32>, tensor<6x8xf32>) -> tensor<4x6xf32>
  %p = dfg.softmax %s {axis = 1 : i64} : (tensor<4x6xf32>) -> tensor<4x6xf32>
  %o = dfg.matmul %p, %v : (tensor<4x6xf32>, tensor<6x8xf32>) -> tensor<4x8xf32>
  func.return %o : tensor<4x8xf32>
}

// -----

/// A constant additive mask holding the top-left causal triangle (0 kept,
/// float32 min masked) becomes `causal = true`; the mask disappears. The
/// key's transpose is any permutation ending in a swap: it is composed.
// CHECK-LABEL: func.func @causal_additive_constant
// CHECK-SAME:    (%[[Q:.*]]: tensor<1x2x3x4xf32>, %[[K:.*]]: tensor<1x3x2x4xf32>, %[[V:.*]]: tensor<1x2x3x4xf32>)
// CHECK-NEXT:    %[[KH:.*]] = dfg.transpose %[[K]] {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x4xf32>) -> tensor<1x2x3x4xf32>
// CHECK-NEXT:    %[[O:.*]] = dfg.attention %[[Q]], %[[KH]], %[[V]] {scale = 1.000000e+00 : f32, causal = true}
// CHECK-NOT:     dfg.softmax
// CHECK-NOT:     dfg.constant
func.func @causal_additive_constant(%q: tensor<1x2x3x4xf32>, %k: tensor<1x3x2x4xf32>, %v: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %kt = dfg.transpose %k {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x2x4xf32>) -> tensor<1x2x4x3xf32>
  %s = dfg.batch_matmul %q, %kt : (tensor<1x2x3x4xf32>, tensor<1x2x4x3xf32>) -> tensor<1x2x3x3xf32>
  %m = dfg.constant dense<[[0.0, -3.40282347E+38, -3.40282347E+38], [0.0, 0.0, -3.40282347E+38], [0.0, 0.0, 0.0]]> : tensor<3x3xf32>
  %x = dfg.add %s, %m : (tensor<1x2x3x3xf32>, tensor<3x3xf32>) -> tensor<1x2x3x3xf32>
  %p = dfg.softmax %x {axis = 3 : i64} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %o = dfg.batch_matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
  func.return %o : tensor<1x2x3x4xf32>
}

// -----

/// GPT-2's eager form: `where(causal, scores, finfo.min)` with a constant
/// lower-triangular condition, and torch's NaN guard after the softmax.
// CHECK-LABEL: func.func @causal_where_nan_guard
// CHECK-NEXT:    %[[KT:.*]] = dfg.transpose
// CHECK-NEXT:    %[[O:.*]] = dfg.attention %{{.*}}, %[[KT]], %{{.*}} {scale = 5.000000e-01 : f32, causal = true} : (tensor<2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
// CHECK-NEXT:    func.return %[[O]]
func.func @causal_where_nan_guard(%q: tensor<2x2x4xf32>, %kt: tensor<2x4x2xf32>, %v: tensor<2x2x4xf32>) -> tensor<2x2x4xf32> {
  %s = dfg.batch_matmul %q, %kt : (tensor<2x2x4xf32>, tensor<2x4x2xf32>) -> tensor<2x2x2xf32>
  %c = dfg.constant dense<5.000000e-01> : tensor<f32>
  %x = dfg.mul %s, %c : (tensor<2x2x2xf32>, tensor<f32>) -> tensor<2x2x2xf32>
  %tril = dfg.constant dense<[[true, false], [true, true]]> : tensor<2x2xi1>
  %min = dfg.constant dense<-3.40282347E+38> : tensor<f32>
  %w = dfg.where %tril, %x, %min : (tensor<2x2xi1>, tensor<2x2x2xf32>, tensor<f32>) -> tensor<2x2x2xf32>
  %p = dfg.softmax %w {axis = 2 : i64} : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %nan = dfg.compare %p, %p {predicate = "ne"} : (tensor<2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<2x2x2xi1>
  %zero = dfg.constant dense<0.000000e+00> : tensor<f32>
  %g = dfg.where %nan, %zero, %p : (tensor<2x2x2xi1>, tensor<f32>, tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %o = dfg.batch_matmul %g, %v : (tensor<2x2x2xf32>, tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
  func.return %o : tensor<2x2x4xf32>
}

// -----

/// A mask that is not constant (a padding mask input) stays the mask
/// operand; an all-zero constant mask is dropped.
// CHECK-LABEL: func.func @additive_input_mask
// CHECK-SAME:    %[[M:[a-z0-9_]+]]: tensor<1x1x1x4xf32>
// CHECK:         dfg.attention %{{.*}}, %{{.*}}, %{{.*}}, %[[M]] {scale = 1.000000e+00 : f32} :
// CHECK-NOT:     dfg.add
func.func @additive_input_mask(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>, %m: tensor<1x1x1x4xf32>) -> tensor<1x2x4x8xf32> {
  %s = dfg.batch_matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %z = dfg.constant dense<0.000000e+00> : tensor<4x4xf32>
  %x = dfg.add %s, %z : (tensor<1x2x4x4xf32>, tensor<4x4xf32>) -> tensor<1x2x4x4xf32>
  %y = dfg.add %m, %x : (tensor<1x1x1x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = dfg.softmax %y {axis = 3 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = dfg.batch_matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  func.return %o : tensor<1x2x4x8xf32>
}

// -----

/// A boolean input mask with a -inf fill is exactly dfg.attention's i1 mask.
// CHECK-LABEL: func.func @boolean_input_mask
// CHECK-SAME:    %[[M:[a-z0-9_]+]]: tensor<4x4xi1>
// CHECK:         dfg.attention %{{.*}}, %{{.*}}, %{{.*}}, %[[M]] {scale = 1.000000e+00 : f32} :
func.func @boolean_input_mask(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>, %m: tensor<4x4xi1>) -> tensor<2x4x8xf32> {
  %s = dfg.batch_matmul %q, %kt : (tensor<2x4x8xf32>, tensor<2x8x4xf32>) -> tensor<2x4x4xf32>
  %zero = dfg.constant dense<0.000000e+00> : tensor<f32>
  %ninf = dfg.log %zero : (tensor<f32>) -> tensor<f32>
  %w = dfg.where %m, %s, %ninf : (tensor<4x4xi1>, tensor<2x4x4xf32>, tensor<f32>) -> tensor<2x4x4xf32>
  %p = dfg.softmax %w {axis = 2 : i64} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o = dfg.batch_matmul %p, %v : (tensor<2x4x4xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  func.return %o : tensor<2x4x8xf32>
}

// -----

/// The probabilities are also returned: the score matrix exists anyway, so
/// nothing is rewritten.
// CHECK-LABEL: func.func @no_rewrite_probs_escape
// CHECK-NOT:     dfg.attention
// CHECK:         dfg.softmax
func.func @no_rewrite_probs_escape(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x4xf32>) {
  %s = dfg.batch_matmul %q, %kt : (tensor<2x4x8xf32>, tensor<2x8x4xf32>) -> tensor<2x4x4xf32>
  %p = dfg.softmax %s {axis = 2 : i64} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o = dfg.batch_matmul %p, %v : (tensor<2x4x4xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  func.return %o, %p : tensor<2x4x8xf32>, tensor<2x4x4xf32>
}

// -----

/// A softmax over the queries (axis 1) is not attention.
// CHECK-LABEL: func.func @no_rewrite_softmax_axis
// CHECK-NOT:     dfg.attention
// CHECK:         dfg.softmax
func.func @no_rewrite_softmax_axis(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %s = dfg.batch_matmul %q, %kt : (tensor<2x4x8xf32>, tensor<2x8x4xf32>) -> tensor<2x4x4xf32>
  %p = dfg.softmax %s {axis = 1 : i64} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o = dfg.batch_matmul %p, %v : (tensor<2x4x4xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  func.return %o : tensor<2x4x8xf32>
}

// -----

/// `(S + M) * c` scales the additive mask too: not one `scale` attribute.
// CHECK-LABEL: func.func @no_rewrite_scale_after_mask
// CHECK-NOT:     dfg.attention
// CHECK:         dfg.softmax
func.func @no_rewrite_scale_after_mask(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>, %m: tensor<4x4xf32>) -> tensor<2x4x8xf32> {
  %s = dfg.batch_matmul %q, %kt : (tensor<2x4x8xf32>, tensor<2x8x4xf32>) -> tensor<2x4x4xf32>
  %x = dfg.add %s, %m : (tensor<2x4x4xf32>, tensor<4x4xf32>) -> tensor<2x4x4xf32>
  %c = dfg.constant dense<5.000000e-01> : tensor<f32>
  %y = dfg.mul %x, %c : (tensor<2x4x4xf32>, tensor<f32>) -> tensor<2x4x4xf32>
  %p = dfg.softmax %y {axis = 2 : i64} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o = dfg.batch_matmul %p, %v : (tensor<2x4x4xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  func.return %o : tensor<2x4x8xf32>
}

// -----

/// A boolean input mask with a finite fill: a fully masked row would get
/// uniform weights, not the zeros of dfg.attention, so it is left alone.
// CHECK-LABEL: func.func @no_rewrite_finite_fill_input_mask
// CHECK-NOT:     dfg.attention
// CHECK:         dfg.where
func.func @no_rewrite_finite_fill_input_mask(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>, %m: tensor<4x4xi1>) -> tensor<2x4x8xf32> {
  %s = dfg.batch_matmul %q, %kt : (tensor<2x4x8xf32>, tensor<2x8x4xf32>) -> tensor<2x4x4xf32>
  %min = dfg.constant dense<-1.000000e+09> : tensor<f32>
  %w = dfg.where %m, %s, %min : (tensor<4x4xi1>, tensor<2x4x4xf32>, tensor<f32>) -> tensor<2x4x4xf32>
  %p = dfg.softmax %w {axis = 2 : i64} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o = dfg.batch_matmul %p, %v : (tensor<2x4x4xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  func.return %o : tensor<2x4x8xf32>
}

// -----

/// A constant sliding-window mask (keys i-1 .. i) stays the mask operand and
/// is described by a `dfg.band` hint (loops Lq = 1 and Lk = 3, left 1, right
/// 0) with which the cost model skips the blocks outside the band.
// CHECK-LABEL: func.func @sliding_window
// CHECK:         %[[M:.*]] = dfg.constant dense<{{.*}}> : tensor<4x4xi1>
// CHECK:         dfg.attention %{{.*}}, %{{.*}}, %{{.*}}, %[[M]] {scale = 1.000000e+00 : f32, dfg.band = array<i64: 1, 3, 1, 0>}
func.func @sliding_window(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %s = dfg.batch_matmul %q, %kt : (tensor<2x4x8xf32>, tensor<2x8x4xf32>) -> tensor<2x4x4xf32>
  %m = dfg.constant dense<[[true, false, false, false], [true, true, false, false], [false, true, true, false], [false, false, true, true]]> : tensor<4x4xi1>
  %min = dfg.constant dense<-3.40282347E+38> : tensor<f32>
  %w = dfg.where %m, %s, %min : (tensor<4x4xi1>, tensor<2x4x4xf32>, tensor<f32>) -> tensor<2x4x4xf32>
  %p = dfg.softmax %w {axis = 2 : i64} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %o = dfg.batch_matmul %p, %v : (tensor<2x4x4xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  func.return %o : tensor<2x4x8xf32>
}

// -----

/// A `dfg.attention` built with a constant mask (the torch frontend's SDPA):
/// the top-left causal triangle becomes `causal = true`, an all-true mask is
/// dropped, any other mask stays.
// CHECK-LABEL: func.func @existing_attention_masks
// CHECK:         %[[M:.*]] = dfg.constant dense<{{\[\[}}true, false, true]{{.*}}> : tensor<3x3xi1>
// CHECK-NOT:     dfg.constant
// CHECK:         dfg.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true} : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>) -> tensor<1x3x8xf32>
// CHECK:         dfg.attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>) -> tensor<1x3x8xf32>
// CHECK:         dfg.attention %{{.*}}, %{{.*}}, %{{.*}}, %[[M]] : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<3x3xi1>)
func.func @existing_attention_masks(%q: tensor<1x3x8xf32>) -> (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>) {
  %tri = dfg.constant dense<[[true, false, false], [true, true, false], [true, true, true]]> : tensor<3x3xi1>
  %all = dfg.constant dense<true> : tensor<1x3x3xi1>
  %other = dfg.constant dense<[[true, false, true], [true, true, false], [true, true, true]]> : tensor<3x3xi1>
  %a = dfg.attention %q, %q, %q, %tri : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<3x3xi1>) -> tensor<1x3x8xf32>
  %b = dfg.attention %q, %q, %q, %all : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x3xi1>) -> tensor<1x3x8xf32>
  %c = dfg.attention %q, %q, %q, %other : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<3x3xi1>) -> tensor<1x3x8xf32>
  func.return %a, %b, %c : tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>
}
