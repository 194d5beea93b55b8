// RUN: dfc-opt %s --split-input-file -p 'builtin.module(convert-dfg-to-su{chip=tiny})' | filecheck %s

/// Padding 1: a scratch copy of x whose init is a splat of 0, filled by its own
/// section; the im2col walk reads 3 x 3 windows at stride 2 from it as the
/// matmul's A (K = (c, kh, kw) = 18); the bias is added per piece by a map unit.
// CHECK-LABEL: su.memory @x_pad {tier = "hbm", offset = {{.*}}, type = tensor<1x2x7x7xf32>, role = "scratch", init = dense<0.000000e+00> : tensor<1x2x7x7xf32>}
// CHECK:       su.section @s0 {reads = [@x], writes = [@x_pad]}
// CHECK:         su.agcu @st0 store @x_pad ({{.*}}) {counters = array<i64: 0, 2, 1, 0, 5, 1, 0, 5, 4>, map = affine_map<(d0, d1, d2) -> (((((d0 * 49) + 8) + (d1 * 7)) + d2))>}
// CHECK:       su.section @s1 {reads = [@w, @x_pad, @bias], writes = [@out0]}
// CHECK:         su.agcu @ld1 load @x_pad {counters = array<i64: 0, 3, 1, 0, 2, 1, 0, 3, 1, 0, 3, 1, 0, 3, 3>, map = affine_map<(d0, d1, d2, d3, d4) -> ((((((d0 * 14) + (d1 * 49)) + (d2 * 7)) + d3) + (d4 * 2)))>}
// CHECK:         %[[MM:.*]] = su.pcu @mm0 "matmul" {{.*}}tile = array<i64: 3, 3, 18>}
// CHECK:         %[[BIAS:.*]] = su.agcu @ld2 load @bias {counters = array<i64: 0, 9, 1, 0, 3, 3>, map = affine_map<(d0, d1) -> (d1)>}
// CHECK:         %[[OUT:.*]] = su.pcu @bias0 "map" (%[[MM]], %[[BIAS]]) {{.*}}stages = [#su.stage<add(in0, in1)>]}
// CHECK:         su.agcu @st0 store @out0 (%[[OUT]])
func.func @main(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>, %bias: tensor<3xf32>) -> tensor<1x3x3x3xf32> {
  %y = dfg.conv2d %x, %w, %bias {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x3x3xf32>
  func.return %y : tensor<1x3x3x3xf32>
}

// -----

/// Max pooling pads with the lowest finite f32 and reduces the (kh, kw)
/// counters of the window walk.
// CHECK-LABEL: su.memory @x_pad {{.*}}init = dense<-3.40282347e+38> : tensor<1x2x9x9xf32>}
// CHECK:       su.section @s1
// CHECK:         %[[W:.*]] = su.agcu @ld0 load @x_pad {counters = array<i64: 0, 2, 1, 0, 4, 1, 0, 3, 1, 0, 3, 1, 0, 4, 4>, map = affine_map<(d0, d1, d2, d3, d4) -> ((((((d0 * 81) + (d1 * 18)) + (d2 * 9)) + d3) + (d4 * 2)))>}
// CHECK:         su.pcu @pool0 "reduce" (%[[W]]) {counters = array<i64: 0, 8, 1, 0, 3, 1, 0, 3, 1, 0, 4, 4>, dtype = f32, stages = [], accumulate = f32, reduce_op = "max", reduce_counters = array<i64: 1, 2>}
func.func @main(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %y = dfg.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  func.return %y : tensor<1x2x4x4xf32>
}

// -----

/// Average pooling whose windows overlap the padding: the divisors differ per
/// output position, so a table of reciprocals (a PMU's init image) is read
/// with zero coefficients over the channels.
// CHECK-LABEL: su.memory @x {{.*}}type = tensor<1x3x4x4xf32>
// CHECK:       %[[SUM:.*]] = su.pcu @pool0 "reduce" {{.*}}reduce_op = "add", reduce_counters = array<i64: 1, 2>}
// CHECK:       %[[R:.*]] = su.pmu @w0 () {bytes = 16 : i64, {{.*}}read = #su.agen<counters = array<i64: 0, 3, 1, 0, 4, 2>, map = affine_map<(d0, d1) -> (d1)>>, init = dense<[2.500000e-01, 0.166666672, 0.166666672, 0.111111112]> : tensor<4xf32>}
// CHECK:       su.pcu @avg0 "map" (%[[SUM]], %[[R]]) {{.*}}stages = [#su.stage<mul(in0, in1)>]}
func.func @main(%x: tensor<1x3x4x4xf32>) -> tensor<1x3x2x2xf32> {
  %y = dfg.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x2x2xf32>
  func.return %y : tensor<1x3x2x2xf32>
}

// -----

/// A global average: x / S summed over the spatial loop and the lanes.
// CHECK-LABEL: su.memory @x {{.*}}type = tensor<2x3x5x7xf32>
// CHECK:         su.pcu @gpool0 "reduce" ({{.*}}) {counters = array<i64: 0, 6, 1, 0, 35, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>], constants = array<f32: 0.0285714287>, accumulate = f32, reduce_op = "add", reduce_counters = array<i64: 1>, reduce_lanes = true}
func.func @main(%x: tensor<2x3x5x7xf32>) -> tensor<2x3x1x1xf32> {
  %y = dfg.global_avg_pool %x : (tensor<2x3x5x7xf32>) -> tensor<2x3x1x1xf32>
  func.return %y : tensor<2x3x1x1xf32>
}
