// RUN: dfc-opt %s -p 'builtin.module(dfg-fuse{strategy=optimal chip=tiny})' | filecheck %s
// RUN: dfc-opt %s -p 'builtin.module(dfg-fuse{strategy=optimal chip=tiny exact-limit=2})' | filecheck %s --check-prefix=FALLBACK

/// A branching graph (one value, two consumers, joined again) is solved
/// exactly into one kernel; above `exact-limit` the function says it fell back.
// CHECK-LABEL:    func.func @diamond
// CHECK-SAME:       attributes {dfg.fusion = "optimal"}
// CHECK-COUNT-1:    dfg.kernel
// CHECK-NOT:        dfg.kernel
// FALLBACK-LABEL: func.func @diamond
// FALLBACK-SAME:    dfg.fusion = "optimal (greedy fallback for 1 of 1 components above exact-limit 2)"
func.func @diamond(%x: tensor<32xf32>) -> tensor<32xf32> {
  %a = dfg.exp %x : (tensor<32xf32>) -> tensor<32xf32>
  %b = dfg.relu %a : (tensor<32xf32>) -> tensor<32xf32>
  %c = dfg.tanh %a : (tensor<32xf32>) -> tensor<32xf32>
  %d = dfg.add %b, %c : (tensor<32xf32>, tensor<32xf32>) -> tensor<32xf32>
  func.return %d : tensor<32xf32>
}
