// RUN: dfc-opt %s -p 'dfg-fuse{strategy=none chip=tiny},dfg-tile{chip=tiny}' | filecheck %s
// RUN: sed 's/512/8192/g' %s | dfc-opt -p 'dfg-fuse{strategy=none chip=tiny},dfg-tile{chip=tiny}' | filecheck %s

/// Streaming attention is tiled in key blocks: loops (B, Lq, Dv, Lk, D), the
/// key loop Lk cut to 32 (8 vectors of 4 lanes), the same tile (and so the same
/// on-chip bytes) for 512 and for 8192 positions (second RUN line).
// CHECK-LABEL: func.func @attention_key_blocks
// CHECK:         dfg.attention {{.*}} {causal = true, tile = #dfg.tile<[1, 32, 16, 32, 16], par = 1>}
func.func @attention_key_blocks(%q: tensor<1x512x16xf32>, %k: tensor<1x512x16xf32>, %v: tensor<1x512x16xf32>) -> tensor<1x512x16xf32> {
  %o = dfg.attention %q, %k, %v {causal = true} : (tensor<1x512x16xf32>, tensor<1x512x16xf32>, tensor<1x512x16xf32>) -> tensor<1x512x16xf32>
  func.return %o : tensor<1x512x16xf32>
}
