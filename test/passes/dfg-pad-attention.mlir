// RUN: dfc-opt %s --split-input-file -p 'dfg-pad-attention{chip=sn40l}' | filecheck %s

/// ViT-B/16's 197 tokens are prime: on sn40l (query blocks <= 32 rows, key
/// blocks <= 6 keys) the queries are padded to 203 (7 blocks of 29), the keys
/// and values to 198 (33 blocks of 6), the padded key is masked by an additive
/// -1e30 and the padded query rows are sliced away.
// CHECK-LABEL: func.func @vit_tokens
// CHECK-SAME:    (%[[Q:.*]]: tensor<12x197x64xf32>, %[[K:.*]]: tensor<12x197x64xf32>, %[[V:.*]]: tensor<12x197x64xf32>)
// CHECK:         %[[QP:.*]] = dfg.pad %[[Q]] {pads = array<i64: 0, 0, 0, 0, 6, 0>} : (tensor<12x197x64xf32>) -> tensor<12x203x64xf32>
// CHECK:         %[[KP:.*]] = dfg.pad %[[K]] {pads = array<i64: 0, 0, 0, 0, 1, 0>} : (tensor<12x197x64xf32>) -> tensor<12x198x64xf32>
// CHECK:         %[[VP:.*]] = dfg.pad %[[V]] {pads = array<i64: 0, 0, 0, 0, 1, 0>} : (tensor<12x197x64xf32>) -> tensor<12x198x64xf32>
/// (The mask prints as hex: 197 zeros, then -1e30 = 0xF149F2CA little-endian.)
// CHECK:         %[[M:.*]] = dfg.constant dense<"0x{{0+}}CAF249F1"> : tensor<198xf32>
// CHECK:         %[[O:.*]] = dfg.attention %[[QP]], %[[KP]], %[[VP]], %[[M]] {scale = 1.250000e-01 : f32} : (tensor<12x203x64xf32>, tensor<12x198x64xf32>, tensor<12x198x64xf32>, tensor<198xf32>) -> tensor<12x203x64xf32>
// CHECK:         %[[S:.*]] = dfg.slice %[[O]] {starts = array<i64: 0>, ends = array<i64: 197>, axes = array<i64: 1>} : (tensor<12x203x64xf32>) -> tensor<12x197x64xf32>
// CHECK:         func.return %[[S]]
func.func @vit_tokens(%q: tensor<12x197x64xf32>, %k: tensor<12x197x64xf32>, %v: tensor<12x197x64xf32>) -> tensor<12x197x64xf32> {
  %o = dfg.attention %q, %k, %v : (tensor<12x197x64xf32>, tensor<12x197x64xf32>, tensor<12x197x64xf32>) -> tensor<12x197x64xf32>
  func.return %o : tensor<12x197x64xf32>
}

// -----

/// Causal with as many keys as queries: every padded key lies after every real
/// query, so the causal mask already hides it and no mask operand is added.
// CHECK-LABEL: func.func @causal
// CHECK-NOT:     dfg.constant
// CHECK:         dfg.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.250000e-01 : f32} : (tensor<1x38x64xf32>, tensor<1x42x64xf32>, tensor<1x42x64xf32>) -> tensor<1x38x64xf32>
// CHECK:         dfg.slice
func.func @causal(%q: tensor<1x37x64xf32>, %k: tensor<1x37x64xf32>, %v: tensor<1x37x64xf32>) -> tensor<1x37x64xf32> {
  %o = dfg.attention %q, %k, %v {causal = true} : (tensor<1x37x64xf32>, tensor<1x37x64xf32>, tensor<1x37x64xf32>) -> tensor<1x37x64xf32>
  func.return %o : tensor<1x37x64xf32>
}

// -----

/// An additive mask broadcast along the keys is broadcast, then padded with
/// -1e30 on the key axis and 0 on the query axis.
// CHECK-LABEL: func.func @mask_over_queries
// CHECK:         %[[B:.*]] = dfg.broadcast %{{.*}} : (tensor<37x1xf32>) -> tensor<37x13xf32>
// CHECK:         %[[K:.*]] = dfg.pad %[[B]] {pads = array<i64: 0, 0, 0, 2>, value = -1.000000e+30 : f32} : (tensor<37x13xf32>) -> tensor<37x15xf32>
// CHECK:         %[[QK:.*]] = dfg.pad %[[K]] {pads = array<i64: 0, 0, 1, 0>} : (tensor<37x15xf32>) -> tensor<38x15xf32>
// CHECK:         dfg.attention %{{.*}}, %{{.*}}, %{{.*}}, %[[QK]]
func.func @mask_over_queries(%q: tensor<1x37x8xf32>, %k: tensor<1x13x8xf32>, %v: tensor<1x13x8xf32>, %m: tensor<37x1xf32>) -> tensor<1x37x8xf32> {
  %o = dfg.attention %q, %k, %v, %m : (tensor<1x37x8xf32>, tensor<1x13x8xf32>, tensor<1x13x8xf32>, tensor<37x1xf32>) -> tensor<1x37x8xf32>
  func.return %o : tensor<1x37x8xf32>
}

// -----

/// Lengths with good divisors (BERT's 128), and lengths whose padding would not
/// halve the blocks, are left alone; so are boolean masks.
// CHECK-LABEL: func.func @untouched
// CHECK-NOT:     dfg.pad
// CHECK:         dfg.attention
// CHECK-NOT:     dfg.pad
// CHECK:         dfg.attention
// CHECK-NOT:     dfg.slice
func.func @untouched(%q: tensor<12x128x64xf32>, %b: tensor<1x17x8xf32>, %m: tensor<17x17xi1>) -> (tensor<12x128x64xf32>, tensor<1x17x8xf32>) {
  %o = dfg.attention %q, %q, %q : (tensor<12x128x64xf32>, tensor<12x128x64xf32>, tensor<12x128x64xf32>) -> tensor<12x128x64xf32>
  %p = dfg.attention %b, %b, %b, %m : (tensor<1x17x8xf32>, tensor<1x17x8xf32>, tensor<1x17x8xf32>, tensor<17x17xi1>) -> tensor<1x17x8xf32>
  func.return %o, %p : tensor<12x128x64xf32>, tensor<1x17x8xf32>
}

// -----

/// torch's SDPA export (ViT) passes a constant all-true mask:
/// `dfg-recognize-attention` drops it, and the attention is padded like one
/// without a mask.
// RUN: dfc-opt %s --split-input-file -p 'dfg-recognize-attention,dfg-pad-attention{chip=sn40l}' | filecheck %s --check-prefix=KEEPALL
// KEEPALL-LABEL: func.func @keep_all_mask
// KEEPALL-NOT:     tensor<1x1x17x17xi1>
// KEEPALL:         dfg.attention {{.*}} : (tensor<1x2x17x32xf32>, tensor<1x2x18x32xf32>, tensor<1x2x18x32xf32>, tensor<18xf32>) -> tensor<1x2x17x32xf32>
func.func @keep_all_mask(%q: tensor<1x2x17x32xf32>, %k: tensor<1x2x17x32xf32>, %v: tensor<1x2x17x32xf32>) -> tensor<1x2x17x32xf32> {
  %m = dfg.constant dense<true> : tensor<1x1x17x17xi1>
  %o = dfg.attention %q, %k, %v, %m : (tensor<1x2x17x32xf32>, tensor<1x2x17x32xf32>, tensor<1x2x17x32xf32>, tensor<1x1x17x17xi1>) -> tensor<1x2x17x32xf32>
  func.return %o : tensor<1x2x17x32xf32>
}
