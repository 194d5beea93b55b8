// RUN: dfc-opt %s -p 'builtin.module(dfg-tile{chip=tiny})' | filecheck %s

/// An elementwise op streams: tiles of 8 vectors of 4 lanes, one unit
/// (HBM-bound, faster would not help).
// CHECK-LABEL: func.func @stream
// CHECK:         dfg.relu %{{.*}} {tile = #dfg.tile<[32, 32], par = 1>}
func.func @stream(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %r = dfg.kernel @k ins(%x : tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%a: tensor<64x64xf32>):
    %y = dfg.relu %a : (tensor<64x64xf32>) -> tensor<64x64xf32>
    dfg.yield %y : tensor<64x64xf32>
  }
  func.return %r : tensor<64x64xf32>
}

/// Each staged matmul operand must fit one 4 KiB PMU double-buffered: from
/// 32 x 32 x 32, M and K halve (the vectorized N stays): A 16x16 and B 16x32
/// f32 tiles, x2 = 2 KiB and 4 KiB. Compute-bound, but one unit: its A load,
/// C store and shared B load already take 3 AGCUs, more than tiny's 2, and
/// each further unit would need its own A load and C store.
// CHECK-LABEL: func.func @matmul
// CHECK:         dfg.matmul %{{.*}}, %{{.*}} {tile = #dfg.tile<[16, 32, 16], par = 1>}
func.func @matmul(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %r = dfg.kernel @k ins(%x, %w : tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>):
    %y = dfg.matmul %a, %b : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
    dfg.yield %y : tensor<64x64xf32>
  }
  func.return %r : tensor<64x64xf32>
}
