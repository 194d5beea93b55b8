// RUN: dfc-opt %s --split-input-file -p 'builtin.module(convert-dfg-to-su{chip=tiny})' | filecheck %s

/// 6 x 5 on tiny's 4 x 3 systolic array: four regions (full tile, last
/// columns, last rows, corner), each a matmul unit with its own uniform tile;
/// A is walked column by column (the template takes A as K x M), B by rows.
// CHECK-LABEL: su.section @s0
// CHECK:       %[[B0:.*]] = su.agcu @ld0 load @b {counters = array<i64: 0, 8, 1, 0, 3, 3>, map = affine_map<(d0, d1) -> (((d0 * 5) + d1))>}
// CHECK:       %[[A0:.*]] = su.agcu @ld1 load @a {counters = array<i64: 0, 8, 1, 0, 4, 4>, map = affine_map<(d0, d1) -> ((d0 + (d1 * 8)))>}
// CHECK:       %[[C0:.*]] = su.pcu @mm0 "matmul" (%[[A0]], %[[B0]]) {{{.*}}accumulate = f32, tile = array<i64: 4, 3, 8>}
// CHECK:       su.pcu @mm1 "matmul" {{.*}}tile = array<i64: 4, 2, 8>}
// CHECK:       su.pcu @mm2 "matmul" {{.*}}tile = array<i64: 2, 3, 8>}
// CHECK:       su.pcu @mm3 "matmul" {{.*}}tile = array<i64: 2, 2, 8>}
// CHECK:       su.agcu @st0 store @out0 (%[[C0]]) {counters = array<i64: 0, 4, 1, 0, 3, 3>, map = affine_map<(d0, d1) -> (((d0 * 5) + d1))>}
// CHECK:       su.agcu @st3 store @out0 ({{.*}}) {counters = array<i64: 0, 2, 1, 0, 2, 2>, map = affine_map<(d0, d1) -> ((((d0 * 5) + 23) + d1))>}
func.func @main(%a: tensor<6x8xf32>, %b: tensor<8x5xf32>) -> tensor<6x5xf32> {
  %c = dfg.matmul %a, %b : (tensor<6x8xf32>, tensor<8x5xf32>) -> tensor<6x5xf32>
  func.return %c : tensor<6x5xf32>
}

// -----

/// par = 2 over 4 row tiles: each unit keeps its A panels (8 x 4) in a
/// double-buffered PMU, re-read for the 2 column tiles; both units share one
/// B load (the same element sequence), fanned out.
// CHECK-LABEL: su.section @s0
// CHECK:       %[[B:.*]] = su.agcu @ld0 load @b
// CHECK-SAME:    {counters = array<i64: 0, 2, 1, 0, 2, 1, 0, 8, 1, 0, 3, 3>
// CHECK:       %[[A:.*]] = su.agcu @ld1 load @a {counters = array<i64: 0, 2, 1, 0, 8, 1, 0, 4, 4>
// CHECK:       %[[P:.*]] = su.pmu @apanel0 (%[[A]]) {bytes = 128 : i64, {{.*}}write = #su.agen<counters = array<i64: 0, 32, 4>, {{.*}}read = #su.agen<counters = array<i64: 0, 2, 1, 0, 32, 4>, map = affine_map<(d0, d1) -> (d1)>>, double_buffer = true}
// CHECK:       su.pcu @mm0 "matmul" (%[[P]], %[[B]]) {counters = array<i64: 0, 4, 1, 0, 1, 1>
// CHECK:       su.pcu @mm1 "matmul" ({{.*}}, %[[B]]) {counters = array<i64: 0, 4, 1, 0, 1, 1>
func.func @main(%a: tensor<16x8xf32>, %b: tensor<8x6xf32>) -> tensor<16x6xf32> {
  %c = dfg.matmul %a, %b {tile = #dfg.tile<[4, 3, 8], par = 2>} : (tensor<16x8xf32>, tensor<8x6xf32>) -> tensor<16x6xf32>
  func.return %c : tensor<16x6xf32>
}

// -----

/// Batch dims broadcast numpy-style: A's batch dim of size 1 and B's missing
/// leading dim get coefficient 0 in the walks. (M = 5 on tiny's 4 x 3 array
/// takes 2 x 2 passes, N = 4 on its rows 1 x 2: the product is computed as
/// C^T = B^T A^T, B staged as the row operand, A streamed.)
// CHECK-LABEL: su.section @s0
/// A: the 3 loop (B's batch dim) has coefficient 0, A's own batch is d0.
// CHECK:       su.agcu @ld0 load @a {counters = array<i64: 0, 2, 1, 0, 3, 1, 0, 7, 1, 0, 3, 3>, map = affine_map<(d0, d1, d2, d3) -> ((((d0 * 35) + d2) + (d3 * 7)))>}
/// B: A's batch loop (2) has coefficient 0; B's batch, K and N loops walk
/// contiguously: merged into one counter.
// CHECK:       su.agcu @ld1 load @b {counters = array<i64: 0, 2, 1, 0, 84, 4>, map = affine_map<(d0, d1) -> (d1)>}
// CHECK:       su.pcu @mm0 "matmul" {{.*}}counters = array<i64: 0, 6, 1, 0, 1, 1>{{.*}}tile = array<i64: 4, 3, 7>}
// CHECK:       su.agcu @st0 store @out0 ({{.*}}) {counters = array<i64: 0, 6, 1, 0, 4, 1, 0, 3, 3>, map = affine_map<(d0, d1, d2) -> ((((d0 * 20) + d1) + (d2 * 4)))>}
func.func @main(%a: tensor<2x1x5x7xf32>, %b: tensor<3x7x4xf32>) -> tensor<2x3x5x4xf32> {
  %c = dfg.batch_matmul %a, %b : (tensor<2x1x5x7xf32>, tensor<3x7x4xf32>) -> tensor<2x3x5x4xf32>
  func.return %c : tensor<2x3x5x4xf32>
}
