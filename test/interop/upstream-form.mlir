// RUN: dfc-translate --mlir-to-upstream %s | filecheck %s
// RUN: dfc-translate --mlir-to-upstream %s | dfc-translate --upstream-to-mlir - | filecheck %s --check-prefix=BACK

/// The upstream form: generic ops, dfc attributes with IRDL parameters (every
/// parameter an attribute, integers as i64), an unregistered block end in
/// every block of a dfc region op, and ops IRDL cannot describe (a variadic
/// group with values of different types) renamed `dfc_upstream.<op>`.

// CHECK-LABEL: "func.func"() <{sym_name = "tiled"
// CHECK:         "dfg.kernel"(%{{.*}}) ({
// CHECK:           "dfg.relu"(%{{.*}}) {tile = #dfg.tile<[16 : i64, 64 : i64], 2 : i64>}
// CHECK-NEXT:      "dfg.yield"(%{{.*}}) : (tensor<64x64xf32>) -> ()
// CHECK-NEXT:      "dfc_upstream.block_end"() : () -> ()
// CHECK-NEXT:    }) {sym_name = "k0", tiers = [#dfg.tier<"hbm", 0 : i64, 16384 : i64>]}
// BACK-LABEL: func.func @tiled
// BACK:         %{{.*}} = dfg.kernel @k0 ins(%{{.*}} : tensor<64x64xf32>) -> tensor<64x64xf32> attributes {tiers = [#dfg.tier<hbm, offset = 0, size = 16384>]} {
// BACK:           dfg.relu %{{.*}} {tile = #dfg.tile<[16, 64], par = 2>}
// BACK-NOT:       dfc_upstream
func.func @tiled(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %r = dfg.kernel @k0 ins(%x : tensor<64x64xf32>) -> tensor<64x64xf32>
      attributes {tiers = [#dfg.tier<hbm, offset = 0, size = 16384>]} {
  ^bb0(%a: tensor<64x64xf32>):
    %y = dfg.relu %a {tile = #dfg.tile<[16, 64], par = 2>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
    dfg.yield %y : tensor<64x64xf32>
  }
  func.return %r : tensor<64x64xf32>
}

// CHECK-LABEL: "func.func"() <{sym_name = "mixed"
// CHECK:         "dfc_upstream.dfg.concat"(%{{.*}}, %{{.*}}) {axis = 1 : i64}
// CHECK:         "dfg.concat"(%{{.*}}, %{{.*}}) {axis = 1 : i64}
// BACK-LABEL: func.func @mixed
// BACK:         dfg.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
// BACK:         dfg.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
func.func @mixed(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> (tensor<2x8xf32>, tensor<2x6xf32>) {
  %r = dfg.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %s = dfg.concat %a, %a {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  func.return %r, %s : tensor<2x8xf32>, tensor<2x6xf32>
}
