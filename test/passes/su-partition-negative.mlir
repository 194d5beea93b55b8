// RUN: dfc-opt %s -p 'su-partition' --split-input-file --verify-diagnostics

/// A cycle of five PCUs cannot be split (its streams would have to go through
/// memory in both directions) and does not fit tiny's four.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  // expected-error @+1 {{su-partition: section @s0 has a cycle of units (@p0, @p1, @p2, @p3, @p4) that needs 5 pcus but 'tiny' has 4; a cycle cannot be split across sections}}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @ax load @x {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    %a = su.pcu @p0 "map" (%x, %e) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<add(in0, in1)>]} : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    %b = su.pcu @p1 "map" (%a) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %c = su.pcu @p2 "map" (%b) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %d = su.pcu @p3 "map" (%c) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %e = su.pcu @p4 "map" (%d) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @ay store @y (%e) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Two loads and a store around one PCU need three AGCUs in one piece; tiny has
/// two, and no 16 KiB stream fits a 4 KiB PMU to reach the next section
/// without an AGCU.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<64x64xf32>, role = "input"}
  su.memory @w {tier = "hbm", offset = 16384 : i64, type = tensor<64x64xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 32768 : i64, type = tensor<64x64xf32>, role = "output"}
  // expected-error @+1 {{su-partition: section @s0 cannot be split to fit 'tiny': every piece needs more AGCUs than the chip's 2 (@p0 alone needs 3 AGCUs: 0 of its own and 3 for the streams it cuts), also when small cut streams go to the next section in retained PMUs}}
  su.section @s0 {reads = [@x, @w], writes = [@y]} {
    %x = su.agcu @ax load @x {counters = array<i64: 0, 64, 1, 0, 64, 4>, map = affine_map<(i, j) -> (i * 64 + j)>} : () -> !su.stream<vector, f32>
    %w = su.agcu @aw load @w {counters = array<i64: 0, 64, 1, 0, 64, 4>, map = affine_map<(i, j) -> (i * 64 + j)>} : () -> !su.stream<vector, f32>
    %m = su.pcu @p0 "map" (%x, %w) {counters = array<i64: 0, 64, 1, 0, 64, 4>, dtype = f32, stages = [#su.stage<add(in0, in1)>]} : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @ay store @y (%m) {counters = array<i64: 0, 64, 1, 0, 64, 4>, map = affine_map<(i, j) -> (i * 64 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}
