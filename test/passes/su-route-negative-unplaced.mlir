// RUN: dfc-opt %s -p 'su-route' --verify-diagnostics

/// Routing needs every unit placed: the first unit without `at` is named.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>, counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{su-route: 'su.agcu' @a1 in section @s0 is not placed (run su-place first)}}
    su.agcu @a1 store @y (%x) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}
