// RUN: dfc-opt %s --split-input-file --verify-diagnostics

/// The chip rules of su, on the tiny chip (4 x 4 tiles, 4 lanes, 3 stages, 4 KiB
/// memory units, 2 streams per link) and one on sn40l.

/// The chip must load.
builtin.module attributes {su.chip = "tinny"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  // expected-error @+1 {{'su.section' @s0: su.chip = 'tinny' cannot be loaded: tinny: unknown chip 'tinny': not a preset and not a .toml path; did you mean 'tiny'?}}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// The fingerprint must match the chip the module was built for; reported once,
/// at the first section, not at every section.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "0123456789abcdef"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  // expected-error @+1 {{'su.section' @s0: the module was built for chip 'tiny' with fingerprint 0123456789abcdef, but 'tiny' now has fingerprint 071e6348378fa0f3}}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
  su.section @s1 {reads = [@x], writes = [@y]} {
    %y = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%y) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.memory: a region fits its tier (1 MiB of HBM on tiny).
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  // expected-error @+1 {{'su.memory' @big ends at byte 1048580 but hbm on 'tiny' holds 1048576 bytes}}
  su.memory @big {tier = "hbm", offset = 4 : i64, type = tensor<262144xf32>, role = "input"}
}

// -----

/// Placement: inside the grid.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    // expected-error @+1 {{'su.agcu' @a0 is placed at (4, 0), outside the 4 x 4 grid of 'tiny'}}
    %x = su.agcu @a0 load @x {at = array<i64: 4, 0>, counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Placement: on a tile of the unit's type.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 is placed at (0, 2), which holds a pmu on 'tiny'}}
    %v = su.pcu @p0 "map" (%x) {at = array<i64: 0, 2>, counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Placement: on an empty tile.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    // expected-error @+1 {{'su.agcu' @a0 is placed at (0, 0), which holds an empty tile on 'tiny'}}
    %x = su.agcu @a0 load @x {at = array<i64: 0, 0>, counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Placement: one unit per tile.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    %v = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p1 is placed at (2, 1), already taken by 'su.pcu' @p0}}
    %w = su.pcu @p1 "map" (%v) {at = array<i64: 2, 1>, counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%w) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.pcu: stages (3 on tiny).
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 has 4 stages but compute units on 'tiny' have 3}}
    %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>, #su.stage<neg(s0)>, #su.stage<neg(s1)>, #su.stage<neg(s2)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.pcu: lanes (the innermost stride is the vector width; 4 lanes on tiny).
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 compute counters vectorize 8 elements per vector but compute units on 'tiny' have 4 lanes}}
    %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 8>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.pcu: counters (4 on tiny).
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 has 5 counters but compute units on 'tiny' have 4}}
    %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.pcu: vector input ports (2 on tiny).
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 has 3 vector inputs but compute units on 'tiny' have 2}}
    %v = su.pcu @p0 "map" (%x, %x, %x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<fma(in0, in1, in2)>]} : (!su.stream<vector, f32>, !su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.pcu: the matmul tile fits the systolic array (4 x 3 on tiny).
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 matmul tile is 4 x 4 but the systolic array on 'tiny' is 4 x 3}}
    %v = su.pcu @p0 "matmul" (%x, %x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [], tile = array<i64: 4, 4, 4>} : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.pcu: FIFO depths (2 vectors on tiny).
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 input 0 asks for FIFO depth 4 but compute units on 'tiny' have 2}}
    %v = su.pcu @p0 "map" (%x) {fifo_depths = array<i64: 4>, counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.pmu: capacity, counting both halves of a double buffer (4 KiB on tiny).
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pmu' @m0 needs 8 KiB (2 x 4 KiB, double-buffered) but memory units on 'tiny' hold 4 KiB}}
    %v = su.pmu @m0 (%x) {bytes = 4096 : i64, banks = 4 : i64, double_buffer = true, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.pmu: banks (4 on tiny).
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pmu' @m0 has 8 banks but memory units on 'tiny' have 4}}
    %v = su.pmu @m0 (%x) {bytes = 64 : i64, banks = 8 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.pmu: counters per address generator (4 on tiny).
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pmu' @m0 has 5 read counters but memory units on 'tiny' have 4}}
    %v = su.pmu @m0 (%x) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 4, 1, 0, 4, 4>, map = affine_map<(a, b, c, i, j) -> (i * 4 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.agcu: lanes.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    // expected-error @+1 {{'su.agcu' @a0 dma counters vectorize 16 elements per vector but off-chip ports on 'tiny' have 4 lanes}}
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 16, 16>, map = affine_map<(i) -> (i)>} : () -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%x) {counters = array<i64: 0, 16, 4>, map = affine_map<(i) -> (i)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Routes: start at the producer's tile.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>, counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 route of input 0 starts at (1, 1) but its producer 'su.agcu' @a0 is at (2, 0)}}
    %v = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, routes = [array<i64: 1, 1, 2, 1>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Routes: end at the consumer's tile.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>, counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 route of input 0 ends at (2, 0) but the unit is at (2, 1)}}
    %v = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 0>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Routes: each hop is a neighbour of the previous one.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>, counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 route of input 0 hop 1 (3, 1) is not a neighbour of (2, 0)}}
    %v = su.pcu @p0 "map" (%x) {at = array<i64: 3, 2>, routes = [array<i64: 2, 0, 3, 1, 3, 2>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Routes: the consumer is placed.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>, counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 route of input 0 is set but the unit is not placed}}
    %v = su.pcu @p0 "map" (%x) {routes = [array<i64: 2, 0, 2, 1>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Routes: the producer is placed.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p0 route of input 0 is set but 'su.agcu' @a0 is not placed}}
    %v = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Routes: a stream takes a slot on each link it crosses, once however many of its routes cross it;
/// three vector streams cross (2, 1) -> (2, 2) here, and tiny links carry 2.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>, counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
    %v = su.pcu @p3 "map" (%x) {at = array<i64: 0, 1>, routes = [array<i64: 2, 0, 1, 0, 0, 0, 0, 1>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %u = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %r = su.pmu @m0 (%u) {at = array<i64: 2, 2>, routes = [array<i64: 2, 1, 2, 2>], bytes = 64 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    %p = su.pcu @p1 "map" (%x, %r) {at = array<i64: 1, 2>, routes = [array<i64: 2, 0, 2, 1, 2, 2, 1, 2>, array<i64: 2, 2, 1, 2>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<add(in0, in1)>]} : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pcu' @p2 route of input 0 crosses link (2, 1) -> (2, 2), which then carries 3 vector streams but links on 'tiny' carry 2}}
    %o = su.pcu @p2 "map" (%v, %p) {at = array<i64: 3, 2>, routes = [array<i64: 0, 1, 1, 1, 2, 1, 2, 2, 3, 2>, array<i64: 1, 2, 2, 2, 3, 2>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<add(in0, in1)>]} : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%o) {at = array<i64: 2, 3>, routes = [array<i64: 3, 2, 2, 2, 2, 3>], counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// su.pmu on sn40l: a 600 KiB buffer does not fit a 512 KiB memory unit.
builtin.module attributes {su.chip = "sn40l", su.chip_fingerprint = "a7d3e7d77b4b785e"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<32x32xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 4096 : i64, type = tensor<32x32xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {counters = array<i64: 0, 32, 1, 0, 32, 32>, map = affine_map<(i, j) -> (i * 32 + j)>} : () -> !su.stream<vector, f32>
    // expected-error @+1 {{'su.pmu' @m3 needs 600 KiB but memory units on 'sn40l' hold 512 KiB}}
    %v = su.pmu @m3 (%x) {at = array<i64: 0, 2>, bytes = 614400 : i64, banks = 32 : i64, dtype = f32,
        write = #su.agen<counters = array<i64: 0, 32, 1, 0, 32, 32>, map = affine_map<(i, j) -> (i * 32 + j)>>,
        read = #su.agen<counters = array<i64: 0, 32, 1, 0, 32, 32>, map = affine_map<(i, j) -> (j * 32 + i)>>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%v) {counters = array<i64: 0, 32, 1, 0, 32, 32>, map = affine_map<(i, j) -> (i * 32 + j)>} : (!su.stream<vector, f32>) -> ()
  }
}
