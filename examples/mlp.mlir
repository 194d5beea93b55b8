// A two-layer MLP block in the dfg dialect: the example the README's main
// command runs through dfc-opt and the reference interpreter.
func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %scale = dfg.constant dense<5.000000e-01> : tensor<8xf32>
  %shift = dfg.constant dense<[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]> : tensor<8xf32>
  %0 = dfg.mul %x, %scale : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %1 = dfg.add %0, %shift : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %2 = dfg.gelu %1 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = dfg.mul %x, %scale : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %4 = dfg.add %2, %3 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %4 : tensor<4x8xf32>
}
