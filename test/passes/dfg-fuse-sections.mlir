// RUN: dfc-opt %s -p 'builtin.module(dfg-fuse{strategy=greedy chip=sn40l},dfg-tile{chip=sn40l})' | filecheck %s

/// The lowering gives each convolution its own section (its row panels are
/// read from memory), so fusing two convolutions would save nothing: the
/// cost model prices a kernel as the sum of the sections it lowers to. The
/// bias add and ReLU run on each output piece of their convolution (an
/// epilogue) and fuse with it. Each convolution then gets the units of a
/// whole section, as many as sn40l's 64 AGCUs allow, counted as the lowering
/// makes them: each unit loads its row panel and stores its result, the 64
/// output channels are 10 blocks of the array's 6 columns and an edge block
/// of 4 (a unit of its own), and units with as many output rows share a
/// weight stream. With the bias slice each unit loads in the epilogue,
/// par 17: 18 units x 3 + 5 streams = 59 AGCUs; without, par 24: 25 x 2 + 6 =
/// 56 (more units would not finish sooner: the busiest keeps as many blocks).
// CHECK-LABEL: func.func @conv_chain
// CHECK:         dfg.kernel @conv_chain_k0
// CHECK:           dfg.conv2d {{.*}}par = 17>
// CHECK-NEXT:      dfg.add
// CHECK-NEXT:      dfg.relu
// CHECK-NEXT:      dfg.yield
// CHECK:         dfg.kernel @conv_chain_k1
// CHECK:           dfg.conv2d {{.*}}par = 24>
// CHECK-NEXT:      dfg.yield
// CHECK-NOT:     dfg.kernel
func.func @conv_chain(%x: tensor<1x64x56x56xf32>, %w1: tensor<64x64x1x1xf32>, %b1: tensor<1x64x1x1xf32>, %w2: tensor<64x64x1x1xf32>) -> tensor<1x64x56x56xf32> {
  %c1 = dfg.conv2d %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x64x56x56xf32>, tensor<64x64x1x1xf32>) -> tensor<1x64x56x56xf32>
  %a1 = dfg.add %c1, %b1 : (tensor<1x64x56x56xf32>, tensor<1x64x1x1xf32>) -> tensor<1x64x56x56xf32>
  %r1 = dfg.relu %a1 : (tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  %c2 = dfg.conv2d %r1, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x64x56x56xf32>, tensor<64x64x1x1xf32>) -> tensor<1x64x56x56xf32>
  func.return %c2 : tensor<1x64x56x56xf32>
}
