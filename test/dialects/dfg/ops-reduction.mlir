// RUN: dfc-opt %s | dfc-opt | filecheck %s
// RUN: dfc-opt %s --print-op-generic | dfc-opt | filecheck %s

// CHECK-LABEL: func.func @reduce_sum
func.func @reduce_sum(%x: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  // CHECK: %{{.*}} = dfg.reduce_sum %[[X:.*]] {axes = array<i64: 1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  %r = dfg.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  func.return %r : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @reduce_sum_all
func.func @reduce_sum_all(%x: tensor<2x3xi32>) -> tensor<1x1xi32> {
  // CHECK: dfg.reduce_sum %{{.*}} : (tensor<2x3xi32>) -> tensor<1x1xi32>
  %r = dfg.reduce_sum %x : (tensor<2x3xi32>) -> tensor<1x1xi32>
  func.return %r : tensor<1x1xi32>
}

// CHECK-LABEL: func.func @reduce_mean
func.func @reduce_mean(%x: tensor<2x3x4xbf16>) -> tensor<2x3x1xbf16> {
  // CHECK: dfg.reduce_mean %{{.*}} {axes = array<i64: -1>, keepdims = true} : (tensor<2x3x4xbf16>) -> tensor<2x3x1xbf16>
  %r = dfg.reduce_mean %x {axes = array<i64: -1>, keepdims = true} : (tensor<2x3x4xbf16>) -> tensor<2x3x1xbf16>
  func.return %r : tensor<2x3x1xbf16>
}

// CHECK-LABEL: func.func @reduce_max
func.func @reduce_max(%x: tensor<2x3x4xf16>) -> tensor<3xf16> {
  // CHECK: dfg.reduce_max %{{.*}} {axes = array<i64: 0, -1>, keepdims = false} : (tensor<2x3x4xf16>) -> tensor<3xf16>
  %r = dfg.reduce_max %x {axes = array<i64: 0, -1>, keepdims = false} : (tensor<2x3x4xf16>) -> tensor<3xf16>
  func.return %r : tensor<3xf16>
}

// CHECK-LABEL: func.func @reduce_min
func.func @reduce_min(%x: tensor<5xi1>) -> tensor<i1> {
  // CHECK: dfg.reduce_min %{{.*}} {axes = array<i64>, keepdims = false} : (tensor<5xi1>) -> tensor<i1>
  %r = dfg.reduce_min %x {axes = array<i64>, keepdims = false} : (tensor<5xi1>) -> tensor<i1>
  func.return %r : tensor<i1>
}

// CHECK-LABEL: func.func @reduce_prod
func.func @reduce_prod(%x: tensor<2x3xi64>) -> tensor<1x3xi64> {
  // CHECK: dfg.reduce_prod %{{.*}} {axes = array<i64: 0>} : (tensor<2x3xi64>) -> tensor<1x3xi64>
  %r = dfg.reduce_prod %x {axes = array<i64: 0>} : (tensor<2x3xi64>) -> tensor<1x3xi64>
  func.return %r : tensor<1x3xi64>
}

// CHECK-LABEL: func.func @scan
func.func @scan(%x: tensor<2x3xf32>, %y: tensor<4xi32>) -> (tensor<2x3xf32>, tensor<4xi32>) {
  // CHECK: %[[A:.*]] = dfg.scan %{{.*}} {axis = 1 : i64, kind = "sum"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %a = dfg.scan %x {axis = 1 : i64, kind = "sum"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[B:.*]] = dfg.scan %[[A]] {axis = -2 : i64, kind = "prod", exclusive = true, reverse = true} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %b = dfg.scan %a {axis = -2 : i64, kind = "prod", exclusive = true, reverse = true} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[C:.*]] = dfg.scan %{{.*}} {axis = 0 : i64, kind = "max", exclusive = false} : (tensor<4xi32>) -> tensor<4xi32>
  %c = dfg.scan %y {axis = 0 : i64, kind = "max", exclusive = false} : (tensor<4xi32>) -> tensor<4xi32>
  // CHECK: %[[D:.*]] = dfg.scan %[[C]] {axis = 0 : i64, kind = "min", reverse = true} : (tensor<4xi32>) -> tensor<4xi32>
  %d = dfg.scan %c {axis = 0 : i64, kind = "min", reverse = true} : (tensor<4xi32>) -> tensor<4xi32>
  // CHECK: func.return %[[B]], %[[D]] : tensor<2x3xf32>, tensor<4xi32>
  func.return %b, %d : tensor<2x3xf32>, tensor<4xi32>
}
