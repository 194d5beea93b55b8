// RUN: dfc-opt %s --split-input-file -p 'builtin.module(convert-dfg-to-su{chip=sn40l})' | filecheck %s

/// A product with one row (a decoding step's GEMV) would use one of the 32 x 6
/// systolic array's 32 rows: it is computed as C^T = B^T x^T instead, the 40
/// columns of C on the array's rows (a block of 32 and one of 8). The weight
/// is the staged operand, read 32 contiguous columns per K step; x streams in
/// one element per step; C^T's tile [32, 1] is stored as C's row.
// CHECK-LABEL: su.section @s0 {reads = [@x, @w], writes = [@out0]}
// CHECK:         %[[X:.*]] = su.agcu @ld0 load @x {counters = array<i64: 0, 64, 1, 0, 1, 1>
// CHECK:         %[[W:.*]] = su.agcu @ld1 load @w {counters = array<i64: 0, 64, 1, 0, 32, 32>, map = affine_map<(d0, d1) -> (((d0 * 40) + d1))>}
// CHECK:         %[[C:.*]] = su.pcu @mm0 "matmul" (%[[W]], %[[X]]) {{.*}}tile = array<i64: 32, 1, 64>}
// CHECK:         su.pcu @mm1 "matmul" {{.*}}tile = array<i64: 8, 1, 64>}
// CHECK:         su.agcu @st0 store @out0 (%[[C]]) {counters = array<i64: 0, 32, 1, 0, 1, 1>, map = affine_map<(d0, d1) -> ((d0 + (d1 * 40)))>}
func.func @gemv(%x: tensor<1x64xf32>, %w: tensor<64x40xf32>) -> tensor<1x40xf32> {
  %y = dfg.matmul %x, %w : (tensor<1x64xf32>, tensor<64x40xf32>) -> tensor<1x40xf32>
  func.return %y : tensor<1x40xf32>
}

// -----

/// 64 rows fill the array's rows twice: no swap (2 x 7 passes against 2 x 11).
// CHECK-LABEL: su.section @s0 {reads = [@b, @a], writes = [@out0]}
// CHECK:         su.pcu @mm0 "matmul" {{.*}}tile = array<i64: 32, 6, 16>}
func.func @tall(%a: tensor<64x16xf32>, %b: tensor<16x40xf32>) -> tensor<64x40xf32> {
  %c = dfg.matmul %a, %b : (tensor<64x16xf32>, tensor<16x40xf32>) -> tensor<64x40xf32>
  func.return %c : tensor<64x40xf32>
}
