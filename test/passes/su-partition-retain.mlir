// RUN: dfc-opt %s -p 'su-partition' | filecheck %s
// RUN: dfc-opt %s -p 'su-partition,su-place,su-route,su-check-routes' -o /dev/null

/// @s0 retains @buf into @s1, which has 6 PCUs and must be split for tiny:
/// @buf stays in the first piece (the one right after @s0), and the split
/// sections still verify (the retained PMU exists in the next section).

// CHECK-LABEL: builtin.module
// CHECK:         su.section @s0 {reads = [@x], writes = [], retain = [@buf]} {
// CHECK:         su.section @s1_0 {
// CHECK:           su.pmu @buf ()
// CHECK:         su.section @s1_1 {
// CHECK-NOT:       @buf

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
    %p5 = su.pcu @p5 "map" (%p4) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<add(in0, c0)>], constants = array<f32: 1.0>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %p4 = su.pcu @p4 "map" (%p3) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<add(in0, c0)>], constants = array<f32: 1.0>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %p3 = su.pcu @p3 "map" (%p2) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<add(in0, c0)>], constants = array<f32: 1.0>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %p2 = su.pcu @p2 "map" (%p1) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<add(in0, c0)>], constants = array<f32: 1.0>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %p1 = su.pcu @p1 "map" (%p0) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<add(in0, c0)>], constants = array<f32: 1.0>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %p0 = su.pcu @p0 "map" (%b) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<add(in0, c0)>], constants = array<f32: 1.0>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%p5) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
    %b = su.pmu @buf () {bytes = 256 : i64, banks = 4 : i64, dtype = f32,
        read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (j * 8 + i)>>}
        : () -> !su.stream<vector, f32>
  }
}
