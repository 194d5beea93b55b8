// RUN: dfc-opt %s --split-input-file --verify-diagnostics

/// One case per structural rule of the su dialect (no chip named).

/// !su.stream: the network must be vector, scalar or control.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>}
    // expected-error @+1 {{unknown network 'wide'; networks: vector, scalar, control}}
    : (!su.stream<wide, f32>) -> ()
}

// -----

/// !su.stream: i1 travels on the control network only.
// expected-error @+1 {{control streams carry i1, and only control streams do}}
func.func private @f() -> !su.stream<vector, i1>

// -----

/// #su.stage: the op must be in the stage vocabulary.
// expected-error @+1 {{unknown stage op 'gelu'}}
func.func private @f() attributes {s = #su.stage<gelu(in0)>}

// -----

/// #su.stage: the number of sources must match the op.
// expected-error @+1 {{stage op 'fma' takes 3 sources, got 2}}
func.func private @f() attributes {s = #su.stage<fma(in0, c0)>}

// -----

/// #su.stage: sources are in<i>, s<j>, c<k> or ctr<k>.
// expected-error @+1 {{stage source 'x0' is not in<i>, s<j>, c<k> or ctr<k>}}
func.func private @f() attributes {s = #su.stage<add(in0, x0)>}

// -----

/// #su.stage: cmp needs its predicate.
// expected-error @+1 {{stage op 'cmp' needs a modifier 'cmp.<m>' with m one of lt, le, gt, ge, eq, ne}}
func.func private @f() attributes {s = #su.stage<cmp(in0, c0)>}

// -----

/// #su.agen: one map dim per counter.
// expected-error @+1 {{the map has 1 dims but there are 2 counters}}
func.func private @f() attributes {a = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i) -> (i)>>}

// -----

/// #su.agen: counters are (start, stop, stride) triples.
// expected-error @+1 {{counters must be (start, stop, stride) triples, got 4 values}}
func.func private @f() attributes {a = #su.agen<counters = array<i64: 0, 4, 1, 0>, map = affine_map<(i) -> (i)>>}

// -----

/// su.memory: tiers are hbm and ddr.
// expected-error @+1 {{'su.memory' @x has tier 'sram'; tiers: hbm, ddr}}
su.memory @x {tier = "sram", offset = 0 : i64, type = tensor<4xf32>, role = "input"}

// -----

/// su.memory: roles.
// expected-error @+1 {{'su.memory' @x has role 'temp'; roles: input, output, weight, scratch}}
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4xf32>, role = "temp"}

// -----

/// su.memory: a weight needs its initial image.
// expected-error @+1 {{'su.memory' @w is a weight and needs an init image}}
su.memory @w {tier = "hbm", offset = 0 : i64, type = tensor<4xf32>, role = "weight"}

// -----

/// su.memory: an input is written by the host, never initialized here.
// expected-error @+1 {{'su.memory' @x is an input and may not have an init image}}
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4xf32>, role = "input", init = dense<0.0> : tensor<4xf32>}

// -----

/// su.memory: the image has the region's type.
// expected-error @+1 {{'su.memory' @w init has type tensor<2xf32> but the region is tensor<4xf32>}}
su.memory @w {tier = "hbm", offset = 0 : i64, type = tensor<4xf32>, role = "weight", init = dense<0.0> : tensor<2xf32>}

// -----

/// su.memory: regions of one tier never overlap.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
// expected-error @+1 {{'su.memory' @y occupies hbm bytes [32, 96), overlapping @x at [0, 64)}}
su.memory @y {tier = "hbm", offset = 32 : i64, type = tensor<4x4xf32>, role = "output"}

// -----

/// su.memory: element types are f32, bf16, i32, i8.
// expected-error @+1 {{'su.memory' @x has element type f64; memories hold f32, bf16, i32, i8}}
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4xf64>, role = "input"}

// -----

/// su.section: only unit ops.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
// expected-error @+1 {{'su.section' @s0 may only hold su.pcu, su.pmu and su.agcu ops, found 'arith.constant'}}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  %c = arith.constant 0 : i32
}

// -----

/// su.section: unit names are unique in the section.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
// expected-error @+1 {{'su.section' @s0 defines @a0 twice}}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %v = su.pcu @a0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.section: reads lists exactly the memories the AGCUs load.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
// expected-error @+1 {{'su.section' @s0 reads [@x, @y] but its AGCUs load [@x]}}
su.section @s0 {reads = [@x, @y], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.section: writes lists exactly the memories the AGCUs store.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
// expected-error @+1 {{'su.section' @s0 writes [] but its AGCUs store [@y]}}
su.section @s0 {reads = [@x], writes = []} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.section: retain names a PMU of the section.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
// expected-error @+1 {{'su.section' @s0 retains @p0, which is not a su.pmu of the section}}
su.section @s0 {reads = [@x], writes = [@y], retain = [@p0]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.section: a retained buffer needs a following section.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
// expected-error @+1 {{'su.section' @s0 retains @m0 but no section follows}}
su.section @s0 {reads = [@x], writes = [@y], retain = [@m0]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %v = su.pmu @m0 (%x) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.section: the next section must use the retained PMU.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
// expected-error @+1 {{'su.section' @s0 retains @m0 but the next section @s1 has no su.pmu @m0}}
su.section @s0 {reads = [@x], writes = [@y], retain = [@m0]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %v = su.pmu @m0 (%x) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}
su.section @s1 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// Units: at is (row, col).
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 at must be array<i64: row, col> with row, col >= 0, got [1, 2, 3]}}
  %v = su.pcu @p0 "map" (%x) {at = array<i64: 1, 2, 3>, counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// Units: counters are triples.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 counters must be (start, stop, stride) triples, got 5 values}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// Units: strides are positive (reverse walks go in the map).
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 counter 1 has stride 0; strides must be positive}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 0>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// Units: every counter runs at least once.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 counter 0 runs 0 times (start 4, stop 4, stride 1)}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 4, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// Units: one FIFO depth per input port.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 has 1 inputs but 2 fifo_depths}}
  %v = su.pcu @p0 "map" (%x) {fifo_depths = array<i64: 2, 2>, counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// Units: one route per input port.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 has 1 inputs but 2 routes}}
  %v = su.pcu @p0 "map" (%x) {routes = [array<i64>, array<i64>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// Units: a route is a list of (row, col) pairs.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 route of input 0 must be array<i64: r0, c0, r1, c1, ...>, got 3 values}}
  %v = su.pcu @p0 "map" (%x) {routes = [array<i64: 2, 0, 2>], counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// Units: every output stream has a consumer.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p1 output 0 has no consumer}}
  %u = su.pcu @p1 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: templates.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 has template 'conv'; templates: map, reduce, matmul, scan}}
  %v = su.pcu @p0 "conv" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: data types.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 has dtype f64; PCUs compute in f32, bf16, i32, i8}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f64, stages = [#su.stage<neg(in0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: accumulation types.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 accumulates in bf16; accumulation types: f32, i32}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>], accumulate = bf16} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: a map has at least one stage.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 is a map with no stages}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = []} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: a stage reads earlier stages only.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 stage 0 reads s0, which is not an earlier stage}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(s0)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: in<i> names an input port.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 stage 0 reads in1 but the unit has 1 inputs}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<add(in0, in1)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: c<k> names a constant.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 stage 0 reads c1 but the unit has 1 constants}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<add(in0, c1)>], constants = array<f32: 1.0>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: ctr<k> names a counter.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 stage 0 reads ctr2 but the unit has 2 counters}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<add(in0, ctr2)>]} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: constants are f32 for float arithmetic.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 constants are i32 but dtype f32 needs array<f32: ...>}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<add(in0, c0)>], constants = array<i32: 1>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: template attributes belong to their template.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 has 'reduce_op', which only the 'reduce' template takes}}
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>], reduce_op = "add"} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: reduce needs its op.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 reduce_op must be one of add, max, min, got 'mul'}}
  %v = su.pcu @p0 "reduce" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>], reduce_op = "mul", reduce_lanes = true} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: reduce_counters name counters.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 reduce_counters names counter 2 but the unit has 2 counters}}
  %v = su.pcu @p0 "reduce" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>], reduce_op = "add", reduce_counters = array<i64: 2>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: a reduce reduces something.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 reduces nothing: give reduce_counters or reduce_lanes}}
  %v = su.pcu @p0 "reduce" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>], reduce_op = "add"} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: a stage-less reduce or scan takes one input.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 has no stages, so it needs exactly one input, got 2}}
  %v = su.pcu @p0 "reduce" (%x, %x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [], reduce_op = "add", reduce_lanes = true} : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: matmul takes A and B.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 matmul takes 2 inputs (A, B), got 1}}
  %v = su.pcu @p0 "matmul" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [], tile = array<i64: 4, 4, 4>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: matmul needs its tile.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 matmul needs tile = array<i64: M, N, K> (positive), got []}}
  %v = su.pcu @p0 "matmul" (%x, %x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = []} : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: scan_op.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 scan_op must be one of add, max, min, mul, got none}}
  %v = su.pcu @p0 "scan" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>], scan_counter = 0 : i64} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pcu: scan_counter names a counter.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pcu' @p0 scan_counter is 3 but the unit has 2 counters}}
  %v = su.pcu @p0 "scan" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<neg(in0)>], scan_op = "add", scan_counter = 3 : i64} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pmu: bytes hold whole elements.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pmu' @m0 bytes = 66 is not a positive multiple of the 4-byte f32 element}}
  %v = su.pmu @m0 (%x) {bytes = 66 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pmu: at least one address generator.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  // expected-error @+1 {{'su.pmu' @m0 has neither a write nor a read generator}}
  su.pmu @m0 () {bytes = 64 : i64, banks = 4 : i64, dtype = f32} : () -> ()
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pmu: input ports follow the generators (data, scatter index, gather index).
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pmu' @m0 takes 0 inputs (none) but has 1}}
  %v = su.pmu @m0 (%x) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pmu: an output stream exactly when there is a read generator.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pmu' @m0 must have an output stream exactly when it has a read generator}}
  su.pmu @m0 (%x) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>} : (!su.stream<vector, f32>) -> ()
  su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pmu: the write data has the buffer's type.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.memory @yb {tier = "hbm", offset = 128 : i64, type = tensor<4x4xbf16>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y, @yb]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pmu' @m0 write data carries f32 but the unit holds bf16}}
  %v = su.pmu @m0 (%x) {bytes = 64 : i64, banks = 4 : i64, dtype = bf16, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, bf16>
  su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  su.agcu @a2 store @yb (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, bf16>) -> ()
}

// -----

/// su.pmu: a gather map takes the index as s0.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %i = su.agcu @a2 load @x {counters = array<i64: 0, 4, 1>, map = affine_map<(i) -> (i)>} : () -> !su.stream<scalar, f32>
  // expected-error @+1 {{'su.pmu' @m0 gather index stream carries f32; indices are i32}}
  %v = su.pmu @m0 (%x, %i) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, gather = true, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j)[r] -> (r * 4 + j)>>} : (!su.stream<vector, f32>, !su.stream<scalar, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pmu: an indexed map needs gather or scatter.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pmu' @m0 read map has 1 symbols; it needs 0 (one exactly when 'gather' is set)}}
  %v = su.pmu @m0 (%x) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j)[r] -> (r * 4 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pmu: every address lies in the buffer.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pmu' @m0 read addresses reach [0, 18] but the buffer holds 16 f32 elements}}
  %v = su.pmu @m0 (%x) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 5 + j)>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.pmu: the init image fits the buffer.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.pmu' @m0 init holds 128 bytes but the buffer has 64}}
  %v = su.pmu @m0 () {bytes = 64 : i64, banks = 4 : i64, dtype = f32, init = dense<0.0> : tensor<32xf32>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>} : () -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
  su.agcu @a2 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.agcu: the memory is a su.memory.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@q], writes = [@y]} {
  // expected-error @+1 {{'su.agcu' @a0 names @q, which is not a su.memory}}
  %x = su.agcu @a0 load @q {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.agcu: inputs and weights are never stored into.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@x]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.agcu' @a1 stores into @x, whose role is 'input'}}
  su.agcu @a1 store @x (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.agcu: the stream carries the memory's element type.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  // expected-error @+1 {{'su.agcu' @a0 data stream carries i32 but @x holds f32}}
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, i32>
  %v = su.pcu @p0 "map" (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = i32, stages = [#su.stage<cast.f32(in0)>]} : (!su.stream<vector, i32>) -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.agcu: every address lies in the region.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  // expected-error @+1 {{'su.agcu' @a0 addresses reach [0, 19] but @x holds 16 elements}}
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 5, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.agcu: a load has an output stream, a store none.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  // expected-error @+1 {{'su.agcu' @a1 must have an output stream exactly when it loads}}
  %v = su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a2 store @y (%v) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

// -----

/// su.agcu: one map dim per counter.
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @y {tier = "hbm", offset = 64 : i64, type = tensor<4x4xf32>, role = "output"}
su.section @s0 {reads = [@x], writes = [@y]} {
  // expected-error @+1 {{'su.agcu' @a0 map must take 2 dims (one per counter) and give one offset, it is (d0) -> (d0)}}
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i) -> (i)>} : () -> !su.stream<vector, f32>
  su.agcu @a1 store @y (%x) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}
