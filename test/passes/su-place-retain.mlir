// RUN: dfc-opt %s -p 'su-place' | filecheck %s

/// A PMU retained from one section into the next is placed once: the second
/// section puts its PMU of the same name on the same tile.
// CHECK-LABEL: su.section @s0
// CHECK:         su.pmu @buf {{.*}}at = array<i64: [[R:[0-9]]], [[C:[0-9]]]>
// CHECK-LABEL: su.section @s1
// CHECK:         su.pmu @buf {{.*}}at = array<i64: [[R]], [[C]]>

builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [], retain = [@buf]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 64, 4>, map = affine_map<(i) -> (i)>} : () -> !su.stream<vector, f32>
    su.pmu @buf (%x) {bytes = 256 : i64, banks = 4 : i64, dtype = f32,
        write = #su.agen<counters = array<i64: 0, 64, 4>, map = affine_map<(i) -> (i)>>}
        : (!su.stream<vector, f32>) -> ()
  }
  su.section @s1 {reads = [], writes = [@y]} {
    %b = su.pmu @buf () {bytes = 256 : i64, banks = 4 : i64, dtype = f32,
        read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (j * 8 + i)>>}
        : () -> !su.stream<vector, f32>
    %m = su.pcu @p0 "map" (%b) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<add(in0, c0)>], constants = array<f32: 1.0>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%m) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}
