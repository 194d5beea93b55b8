// RUN: dfc-opt %s -p 'builtin.module(dfg-fuse{chip=tiny})' --split-input-file --verify-diagnostics

/// dfg-fuse partitions dfg ops only.
func.func @negative_foreign_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = dfg.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{dfg-fuse partitions functions of dfg ops only; 'arith.addf' is not a dfg op}}
  %b = arith.addf %a, %a : tensor<4xf32>
  func.return %b : tensor<4xf32>
}
