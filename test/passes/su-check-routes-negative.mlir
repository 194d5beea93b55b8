// RUN: dfc-opt %s -p 'su-check-routes' --split-input-file --verify-diagnostics

/// A placed unit whose input port has no route: nothing may be dropped
/// silently, the port is named with its producer.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>, counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{su-check-routes: input port 0 of 'su.agcu' @a1 in section @s0 (from 'su.agcu' @a0) has no route}}
    su.agcu @a1 store @y (%x) {at = array<i64: 2, 3>, counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// An empty route (`array<i64>`) for one of two ports counts as missing.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>, counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{su-check-routes: input port 1 of 'su.pcu' @p0 in section @s0 (from 'su.agcu' @a0) has no route}}
    %m = su.pcu @p0 "map" (%x, %x) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>, array<i64>],
        counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<add(in0, in1)>]}
        : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%m) {at = array<i64: 2, 3>, routes = [array<i64: 2, 1, 2, 2, 2, 3>], counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// A unit that is not placed has no route either.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{su-check-routes: input port 0 of 'su.agcu' @a1 in section @s0 (from 'su.agcu' @a0) has no route}}
    su.agcu @a1 store @y (%x) {counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}
