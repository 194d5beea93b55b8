// REQUIRES: mlir-bindings
// RUN: dfc-opt %s --check-upstream-roundtrip | filecheck %s

/// A tiled kernel (region op, dfc attributes) passes through upstream MLIR and
/// back unchanged; the output is dfc-opt's usual one. (With the
/// `mlir-bindings` feature every lit test's dfc-opt does the same, e.g.
/// test/dialects/su/ops.mlir's section with a feedback stream.)

// CHECK-LABEL: func.func @tiled
// CHECK:         dfg.relu %{{.*}} {tile = #dfg.tile<[16, 64], par = 2>}
func.func @tiled(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %r = dfg.kernel @k0 ins(%x : tensor<64x64xf32>) -> tensor<64x64xf32>
      attributes {tiers = [#dfg.tier<hbm, offset = 0, size = 16384>]} {
  ^bb0(%a: tensor<64x64xf32>):
    %y = dfg.relu %a {tile = #dfg.tile<[16, 64], par = 2>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
    dfg.yield %y : tensor<64x64xf32>
  }
  func.return %r : tensor<64x64xf32>
}
