// RUN: dfc-opt %s -p 'su-partition{chip=tiny}' | filecheck %s
// RUN: dfc-opt %s -p 'su-partition,su-place,su-route,su-check-routes' -o /dev/null

/// A chain of 6 map PCUs and 2 PMUs between a load and a store does not fit
/// tiny's 4 PCUs. The cheapest legal cut (one cut stream, balanced pieces: 3
/// PCUs each) splits it into @s0_0 and @s0_1; the cut stream goes through a new
/// HBM scratch region placed after the existing ones (offset 512), stored by
/// a new AGCU in @s0_0 and loaded by one in @s0_1; reads/writes follow.

// CHECK-LABEL: builtin.module
// CHECK:         su.memory @s0_cut[[N:[0-9]+]] {tier = "hbm", offset = 512 : i64, type = tensor<64xf32>, role = "scratch"}
// CHECK:         su.section @s0_0 {reads = [@x0], writes = [@s0_cut[[N]]]} {
// CHECK-COUNT-3:   su.pcu
// CHECK:           su.agcu @u0_3_st store @s0_cut[[N]] (%{{.*}}) {counters = array<i64: 0, 8, 1, 0, 8, 4>
// CHECK-NEXT:    }
// CHECK-NEXT:    su.section @s0_1 {reads = [@s0_cut[[N]]], writes = [@y0]} {
// CHECK-NEXT:      %[[L:.*]] = su.agcu @u0_3_ld1 load @s0_cut[[N]] {counters = array<i64: 0, 8, 1, 0, 8, 4>
// CHECK-NEXT:      su.pcu @u0_4 "map" (%[[L]])
// CHECK:           su.agcu @sa0 store @y0
// CHECK-NEXT:    }

builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x0 {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y0 {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x0], writes = [@y0]} {
    %x0 = su.agcu @la0 load @x0 {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    %u0_0 = su.pcu @u0_0 "map" (%x0) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 0.75, 0.25>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_1 = su.pcu @u0_1 "map" (%u0_0) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 0.75, 0.25>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_2 = su.pmu @u0_2 (%u0_1) {bytes = 256 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>, read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_3 = su.pcu @u0_3 "map" (%u0_2) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 0.75, 0.25>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_4 = su.pcu @u0_4 "map" (%u0_3) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 0.75, 0.25>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_5 = su.pmu @u0_5 (%u0_4) {bytes = 256 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>, read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_6 = su.pcu @u0_6 "map" (%u0_5) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 0.75, 0.25>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u0_7 = su.pcu @u0_7 "map" (%u0_6) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 0.75, 0.25>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @sa0 store @y0 (%u0_7) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

