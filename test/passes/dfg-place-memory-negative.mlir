// RUN: dfc-opt %s -p 'builtin.module(dfg-place-memory{chip=tiny})' --split-input-file --verify-diagnostics

/// Placement works on kernels: run dfg-fuse first.
func.func @negative_unfused(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{dfg-place-memory places tensors between kernels: 'dfg.relu' is not inside a 'dfg.kernel' (run dfg-fuse first)}}
  %a = dfg.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  func.return %a : tensor<4xf32>
}

// -----

/// 5 MiB of weights exceed tiny's 1 MiB HBM plus 4 MiB DDR.
// expected-error @+1 {{@negative_too_large does not fit chip 'tiny': it needs 9216 bytes of HBM (capacity 1048576) and 5242880 bytes of DDR (capacity 4194304); 5252096 bytes of tensors live off chip}}
func.func @negative_too_large(%x: tensor<1x1280xf32>) -> tensor<1x1024xf32> {
  %w = dfg.constant dense<0.5> : tensor<1280x1024xf32>
  %r = dfg.kernel @k0 ins(%x, %w : tensor<1x1280xf32>, tensor<1280x1024xf32>) -> tensor<1x1024xf32> {
  ^bb0(%v: tensor<1x1280xf32>, %u: tensor<1280x1024xf32>):
    %y = dfg.matmul %v, %u : (tensor<1x1280xf32>, tensor<1280x1024xf32>) -> tensor<1x1024xf32>
    dfg.yield %y : tensor<1x1024xf32>
  }
  func.return %r : tensor<1x1024xf32>
}
