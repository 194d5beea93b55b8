// RUN: dfc-opt %s -p 'su-place' --split-input-file --verify-diagnostics

/// Three AGCUs do not fit tiny's two: the error names the type and both counts.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @w {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 512 : i64, type = tensor<8x8xf32>, role = "output"}
  // expected-error @+1 {{su-place: section @negative_agcus needs 3 agcus but 'tiny' has 2 (run su-partition{chip=tiny} first)}}
  su.section @negative_agcus {reads = [@x, @w], writes = [@y]} {
    %x = su.agcu @ax load @x {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    %w = su.agcu @aw load @w {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    %m = su.pcu @p0 "map" (%x, %w) {counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<add(in0, in1)>]}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @ay store @y (%m) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// The module names no chip and the pass is given none.
// expected-error @+1 {{su-place: the module names no chip (`su.chip`) and the pass was given none (chip=NAME)}}
builtin.module {
}

