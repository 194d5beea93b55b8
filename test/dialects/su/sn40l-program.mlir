// RUN: dfc-opt %s | filecheck %s

/// A placed and routed two-section program on the `sn40l` chip (40 x 54 tiles,
/// 32 lanes), using the tiles next to the left edge:
///
///         col 0  col 1  col 2  col 3
///   row 0 agcu   pcu    pmu    pcu
///   row 1 agcu   pmu    pcu    pmu
///   row 2 .      pcu    pmu    pcu
///   row 3 agcu   pmu    pcu    pmu
///
/// Section @s0: t = transpose(x * w + 1): the AGCUs at (0, 0) and (1, 0) load x
/// and the weight w, the PCU at (0, 1) maps them, the PMU at (0, 2) writes rows
/// and reads columns, the AGCU at (3, 0) stores t.
/// Section @s1: y[i] = sum_j t'[i, j] * w[i, j] (t' = t read as 4 x 32): the
/// PCU at (0, 1) multiplies and reduces over the inner counter and the lanes.
/// The weight w is a dense_resource blob read by both sections: the bitstream
/// stores its image once.

// CHECK-LABEL: builtin.module attributes {su.chip = "sn40l", su.chip_fingerprint = "a7d3e7d77b4b785e"} {
// CHECK:         su.memory @w {tier = "hbm", offset = 512 : i64, type = tensor<4x32xf32>, role = "weight", init = dense_resource<w> : tensor<4x32xf32>}
// CHECK:         su.section @s0
// CHECK:         su.section @s1

builtin.module attributes {su.chip = "sn40l", su.chip_fingerprint = "a7d3e7d77b4b785e"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x32xf32>, role = "input"}
  su.memory @w {tier = "hbm", offset = 512 : i64, type = tensor<4x32xf32>, role = "weight", init = dense_resource<w> : tensor<4x32xf32>}
  su.memory @t {tier = "ddr", offset = 0 : i64, type = tensor<32x4xf32>, role = "scratch"}
  su.memory @y {tier = "hbm", offset = 1024 : i64, type = tensor<4xf32>, role = "output"}

  su.section @s0 {reads = [@x, @w], writes = [@t]} {
    %a0 = su.agcu @a0 load @x {at = array<i64: 0, 0>, counters = array<i64: 0, 4, 1, 0, 32, 32>, map = affine_map<(i, j) -> (i * 32 + j)>} : () -> !su.stream<vector, f32>
    %a1 = su.agcu @a1 load @w {at = array<i64: 1, 0>, counters = array<i64: 0, 4, 1, 0, 32, 32>, map = affine_map<(i, j) -> (i * 32 + j)>} : () -> !su.stream<vector, f32>
    %p0 = su.pcu @p0 "map" (%a0, %a1) {at = array<i64: 0, 1>, fifo_depths = array<i64: 4, 8>,
        routes = [array<i64: 0, 0, 0, 1>, array<i64: 1, 0, 1, 1, 0, 1>],
        counters = array<i64: 0, 4, 1, 0, 32, 32>, dtype = f32,
        stages = [#su.stage<mul(in0, in1)>, #su.stage<add(s0, c0)>], constants = array<f32: 1.0>}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    %m0 = su.pmu @m0 (%p0) {at = array<i64: 0, 2>, routes = [array<i64: 0, 1, 0, 2>],
        bytes = 512 : i64, banks = 16 : i64, double_buffer = true, dtype = f32,
        write = #su.agen<counters = array<i64: 0, 4, 1, 0, 32, 32>, map = affine_map<(i, j) -> (i * 32 + j)>>,
        read = #su.agen<counters = array<i64: 0, 32, 1, 0, 4, 4>, map = affine_map<(j, i) -> (i * 32 + j)>>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a2 store @t (%m0) {at = array<i64: 3, 0>, routes = [array<i64: 0, 2, 1, 2, 2, 2, 3, 2, 3, 1, 3, 0>],
        counters = array<i64: 0, 32, 1, 0, 4, 4>, map = affine_map<(j, i) -> (j * 4 + i)>}
        : (!su.stream<vector, f32>) -> ()
  }

  su.section @s1 {reads = [@t, @w], writes = [@y]} {
    %a0 = su.agcu @a0 load @t {at = array<i64: 0, 0>, counters = array<i64: 0, 4, 1, 0, 32, 32>, map = affine_map<(i, j) -> (i * 32 + j)>} : () -> !su.stream<vector, f32>
    %a1 = su.agcu @a1 load @w {at = array<i64: 1, 0>, counters = array<i64: 0, 4, 1, 0, 32, 32>, map = affine_map<(i, j) -> (i * 32 + j)>} : () -> !su.stream<vector, f32>
    %p0 = su.pcu @p0 "reduce" (%a0, %a1) {at = array<i64: 0, 1>,
        routes = [array<i64: 0, 0, 0, 1>, array<i64: 1, 0, 1, 1, 0, 1>],
        counters = array<i64: 0, 4, 1, 0, 32, 32>, dtype = f32, accumulate = f32,
        stages = [#su.stage<mul(in0, in1)>],
        reduce_op = "add", reduce_counters = array<i64: 1>, reduce_lanes = true}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<scalar, f32>
    su.agcu @a2 store @y (%p0) {at = array<i64: 3, 0>, routes = [array<i64: 0, 1, 1, 1, 2, 1, 3, 1, 3, 0>],
        counters = array<i64: 0, 4, 1>, map = affine_map<(i) -> (i)>}
        : (!su.stream<scalar, f32>) -> ()
  }
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x40000000000080BF00007CBF000078BF000074BF000070BF00006CBF000068BF000064BF000060BF00005CBF000058BF000054BF000050BF00004CBF000048BF000044BF000040BF00003CBF000038BF000034BF000030BF00002CBF000028BF000024BF000020BF00001CBF000018BF000014BF000010BF00000CBF000008BF000004BF000000BF0000F8BE0000F0BE0000E8BE0000E0BE0000D8BE0000D0BE0000C8BE0000C0BE0000B8BE0000B0BE0000A8BE0000A0BE000098BE000090BE000088BE000080BE000070BE000060BE000050BE000040BE000030BE000020BE000010BE000000BE0000E0BD0000C0BD0000A0BD000080BD000040BD000000BD000080BC000000000000803C0000003D0000403D0000803D0000A03D0000C03D0000E03D0000003E0000103E0000203E0000303E0000403E0000503E0000603E0000703E0000803E0000883E0000903E0000983E0000A03E0000A83E0000B03E0000B83E0000C03E0000C83E0000D03E0000D83E0000E03E0000E83E0000F03E0000F83E0000003F0000043F0000083F00000C3F0000103F0000143F0000183F00001C3F0000203F0000243F0000283F00002C3F0000303F0000343F0000383F00003C3F0000403F0000443F0000483F00004C3F0000503F0000543F0000583F00005C3F0000603F0000643F0000683F00006C3F0000703F0000743F0000783F00007C3F"
    }
  }
#-}
