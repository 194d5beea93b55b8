/// `--stop-after PASS` runs the pipeline up to PASS and writes that IR: here the
/// graph stages of the example MLP on `tiny` (one fused kernel, tiled, with
/// memory tiers). `--dump-ir-after` prints the IR after a stage to stderr.
// RUN: dfc-compile %s --chip tiny --stop-after dfg-place-memory -o %t.mlir
// RUN: dfc-opt %t.mlir | filecheck %s
// RUN: dfc-compile %s --chip tiny --stop-after dfg-fuse --dump-ir-after import --dump-ir-after dfg-fuse 2>&1 >/dev/null | filecheck %s --check-prefix=DUMP
// RUN: dfc-compile %s --chip tiny --fusion none --stop-after dfg-fuse | filecheck %s --check-prefix=NONE

// CHECK-LABEL: func.func @main
// CHECK-SAME:    dfg.tier = #dfg.tier<hbm
// CHECK:         dfg.kernel @main_k0
// CHECK:           dfg.gelu {{.*}}tile = #dfg.tile<
// CHECK-NOT:     dfg.kernel

// DUMP:      // -----// IR Dump After import //----- //
// DUMP-NOT:  dfg.kernel
// DUMP:      // -----// IR Dump After dfg-fuse //----- //
// DUMP:      dfg.kernel @main_k0

/// With `--fusion none` every op is its own kernel.
// NONE-LABEL: func.func @main
// NONE-COUNT-5: dfg.kernel
// NONE-NOT:     dfg.kernel

func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %scale = dfg.constant dense<5.000000e-01> : tensor<8xf32>
  %shift = dfg.constant dense<[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]> : tensor<8xf32>
  %0 = dfg.mul %x, %scale : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %1 = dfg.add %0, %shift : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %2 = dfg.gelu %1 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = dfg.sub %x, %2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = dfg.mul %2, %3 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %4 : tensor<4x8xf32>
}
