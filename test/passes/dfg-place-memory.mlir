// RUN: dfc-opt %s -p 'builtin.module(dfg-place-memory{chip=tiny})' | filecheck %s

/// An intermediate used only by the next kernel stays in SRAM; arguments,
/// weights and results go to HBM at 16-byte-aligned, non-overlapping offsets
/// while live together (the result reuses the dead argument slot); the peak per tier is recorded.
// CHECK-LABEL: func.func @chain
// CHECK-SAME:    (%{{.*}}: tensor<8xf32> {dfg.tier = #dfg.tier<hbm, offset = 0, size = 32>})
// CHECK-SAME:    dfg.tier_peak = {ddr = 0 : i64, hbm = 64 : i64, sram = 32 : i64}
// CHECK:         dfg.constant {tier = #dfg.tier<hbm, offset = 32, size = 32>}
// CHECK:         dfg.kernel @k0 {{.*}} attributes {tiers = [#dfg.tier<sram, offset = 0, size = 32>]}
// CHECK:         dfg.kernel @k1 {{.*}} attributes {tiers = [#dfg.tier<hbm, offset = 0, size = 32>]}
func.func @chain(%x: tensor<8xf32>) -> tensor<8xf32> {
  %c = dfg.constant dense<1.0> : tensor<8xf32>
  %a = dfg.kernel @k0 ins(%x, %c : tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32> {
  ^bb0(%v: tensor<8xf32>, %w: tensor<8xf32>):
    %s = dfg.add %v, %w : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
    dfg.yield %s : tensor<8xf32>
  }
  %r = dfg.kernel @k1 ins(%a : tensor<8xf32>) -> tensor<8xf32> {
  ^bb0(%v: tensor<8xf32>):
    %y = dfg.relu %v : (tensor<8xf32>) -> tensor<8xf32>
    dfg.yield %y : tensor<8xf32>
  }
  func.return %r : tensor<8xf32>
}

/// A 1.5 MiB weight does not fit the 1 MiB HBM of `tiny`: it goes to DDR.
// CHECK-LABEL: func.func @big_weight
// CHECK:         dfg.constant {tier = #dfg.tier<ddr, offset = 0, size = 1572864>}
func.func @big_weight(%x: tensor<1x384xf32>) -> tensor<1x1024xf32> {
  %w = dfg.constant dense<0.5> : tensor<384x1024xf32>
  %r = dfg.kernel @k0 ins(%x, %w : tensor<1x384xf32>, tensor<384x1024xf32>) -> tensor<1x1024xf32> {
  ^bb0(%v: tensor<1x384xf32>, %u: tensor<384x1024xf32>):
    %y = dfg.matmul %v, %u : (tensor<1x384xf32>, tensor<384x1024xf32>) -> tensor<1x1024xf32>
    dfg.yield %y : tensor<1x1024xf32>
  }
  func.return %r : tensor<1x1024xf32>
}
