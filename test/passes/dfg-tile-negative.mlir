// RUN: dfc-opt %s -p 'builtin.module(dfg-tile{chip=tiny})' --verify-diagnostics

/// Five compute ops in one kernel need five PCUs; `tiny` has four.
func.func @negative_too_big(%x: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{kernel @big does not fit chip 'tiny': needs 5 compute units, the chip has 4}}
  %r = dfg.kernel @big ins(%x : tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%v: tensor<64xf32>):
    %a = dfg.exp %v : (tensor<64xf32>) -> tensor<64xf32>
    %b = dfg.tanh %a : (tensor<64xf32>) -> tensor<64xf32>
    %c = dfg.sigmoid %b : (tensor<64xf32>) -> tensor<64xf32>
    %d = dfg.relu %c : (tensor<64xf32>) -> tensor<64xf32>
    %e = dfg.neg %d : (tensor<64xf32>) -> tensor<64xf32>
    dfg.yield %e : tensor<64xf32>
  }
  func.return %r : tensor<64xf32>
}
