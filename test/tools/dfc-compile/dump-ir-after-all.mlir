/// `--dump-ir-after-all DIR` writes the IR after every stage to
/// DIR/NN-STAGE.mlir, numbered in pipeline order (00 is the import); each
/// file is IR that dfc-opt reads.
// RUN: rm -rf %t.dir
// RUN: dfc-compile %s --chip tiny -o %t.dfcb --dump-ir-after-all %t.dir
// RUN: ls %t.dir | filecheck %s
// RUN: dfc-opt %t.dir/06-dfg-tile.mlir | filecheck %s --check-prefix=TILED
// RUN: dfc-opt %t.dir/11-su-route.mlir | filecheck %s --check-prefix=ROUTED

// CHECK:      00-import.mlir
// CHECK-NEXT: 01-canonicalize.mlir
// CHECK-NEXT: 02-cse.mlir
// CHECK-NEXT: 03-dfg-recognize-attention.mlir
// CHECK-NEXT: 04-dfg-pad-attention.mlir
// CHECK-NEXT: 05-dfg-fuse.mlir
// CHECK-NEXT: 06-dfg-tile.mlir
// CHECK-NEXT: 07-dfg-place-memory.mlir
// CHECK-NEXT: 08-convert-dfg-to-su.mlir
// CHECK-NEXT: 09-su-partition.mlir
// CHECK-NEXT: 10-su-place.mlir
// CHECK-NEXT: 11-su-route.mlir
// CHECK-NEXT: 12-su-check-routes.mlir
// CHECK-NEXT: 13-su-emit-bitstream.mlir
// CHECK-NOT:  .mlir

// TILED-LABEL: func.func @main
// TILED:       dfg.gelu {{.*}}tile = #dfg.tile<

// ROUTED:      su.section
// ROUTED:      routes = [array<i64:

func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = dfg.gelu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %0 : tensor<4x8xf32>
}
