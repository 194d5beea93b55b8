// RUN: dfc-opt %s | dfc-opt | filecheck %s
// RUN: dfc-opt %s --print-op-generic | dfc-opt | filecheck %s

/// Every su op and attribute in its custom form, on no chip (units unplaced and
/// unrouted: the IR before su-place and su-route).

// CHECK-LABEL: builtin.module {
// CHECK-NEXT:    su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
// CHECK-NEXT:    su.memory @w {tier = "ddr", offset = 0 : i64, type = tensor<4x4xf32>, role = "weight", init = dense<1.000000e+00> : tensor<4x4xf32>}
// CHECK-NEXT:    su.memory @ids {tier = "hbm", offset = 64 : i64, type = tensor<4xi32>, role = "input"}
// CHECK-NEXT:    su.memory @y {tier = "hbm", offset = 128 : i64, type = tensor<4x4xf32>, role = "output"}
// CHECK-NEXT:    su.memory @z {tier = "hbm", offset = 192 : i64, type = tensor<4xf32>, role = "scratch"}
// CHECK-NEXT:    su.memory @xb {tier = "hbm", offset = 256 : i64, type = tensor<4x4xbf16>, role = "input"}
// CHECK-NEXT:    su.memory @wb {tier = "ddr", offset = 64 : i64, type = tensor<4x4xbf16>, role = "weight", init = dense<1.000000e+00> : tensor<4x4xbf16>}
su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<4x4xf32>, role = "input"}
su.memory @w {tier = "ddr", offset = 0 : i64, type = tensor<4x4xf32>, role = "weight",
              init = dense<1.0> : tensor<4x4xf32>}
su.memory @ids {tier = "hbm", offset = 64 : i64, type = tensor<4xi32>, role = "input"}
su.memory @y {tier = "hbm", offset = 128 : i64, type = tensor<4x4xf32>, role = "output"}
su.memory @z {tier = "hbm", offset = 192 : i64, type = tensor<4xf32>, role = "scratch"}
su.memory @xb {tier = "hbm", offset = 256 : i64, type = tensor<4x4xbf16>, role = "input"}
su.memory @wb {tier = "ddr", offset = 64 : i64, type = tensor<4x4xbf16>, role = "weight",
               init = dense<1.0> : tensor<4x4xbf16>}

/// A map with two inputs, a constant, a counter source and a cmp/select tail;
/// a PMU that transposes and is retained into the next section.
// CHECK:         su.section @map {reads = [@x, @w], writes = [@y], retain = [@m0]} {
// CHECK-NEXT:      %[[X:.*]] = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1) -> (((d0 * 4) + d1))>} : () -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[W:.*]] = su.agcu @a1 load @w {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1) -> (((d0 * 4) + d1))>} : () -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[P:.*]] = su.pcu @p0 "map" (%[[X]], %[[W]]) {fifo_depths = array<i64: 2, 1>, counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<fma(in0, in1, c0)>, #su.stage<cmp.gt(s0, ctr1)>, #su.stage<select(s1, s0, c1)>], constants = array<f32: 1.000000e+00, 0.000000e+00>} : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[T:.*]] = su.pmu @m0 (%[[P]]) {bytes = 64 : i64, banks = 4 : i64, double_buffer = true, dtype = f32, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1) -> (((d0 * 4) + d1))>>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1) -> (((d1 * 4) + d0))>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
// CHECK-NEXT:      su.agcu @a2 store @y (%[[T]]) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1) -> (((d0 * 4) + d1))>} : (!su.stream<vector, f32>) -> ()
// CHECK-NEXT:    }
su.section @map {reads = [@x, @w], writes = [@y], retain = [@m0]} {
  %x = su.agcu @a0 load @x {counters = array<i64: 0, 4, 1, 0, 4, 4>,
      map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %w = su.agcu @a1 load @w {counters = array<i64: 0, 4, 1, 0, 4, 4>,
      map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, f32>
  %p = su.pcu @p0 "map" (%x, %w) {fifo_depths = array<i64: 2, 1>,
      counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32,
      stages = [#su.stage<fma(in0, in1, c0)>, #su.stage<cmp.gt(s0, ctr1)>,
                #su.stage<select(s1, s0, c1)>],
      constants = array<f32: 1.0, 0.0>}
      : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<vector, f32>
  %t = su.pmu @m0 (%p) {bytes = 64 : i64, banks = 4 : i64, double_buffer = true, dtype = f32,
      write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>,
      read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (j * 4 + i)>>}
      : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  su.agcu @a2 store @y (%t) {counters = array<i64: 0, 4, 1, 0, 4, 4>,
      map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

/// The retained PMU read again (no write generator, no input); a reduce over
/// the inner counter and the lanes into a scalar stream; a gather by an index
/// stream read from memory.
// CHECK:         su.section @reduce {reads = [@ids], writes = [@z, @y]} {
// CHECK-NEXT:      %[[M:.*]] = su.pmu @m0 () {bytes = 64 : i64, banks = 4 : i64, dtype = f32, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1) -> (((d0 * 4) + d1))>>} : () -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[R:.*]] = su.pcu @p0 "reduce" (%[[M]]) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, accumulate = f32, stages = [], reduce_op = "max", reduce_counters = array<i64: 1>, reduce_lanes = true} : (!su.stream<vector, f32>) -> !su.stream<scalar, f32>
// CHECK-NEXT:      su.agcu @a0 store @z (%[[R]]) {counters = array<i64: 0, 4, 1>, map = affine_map<(d0) -> (d0)>} : (!su.stream<scalar, f32>) -> ()
// CHECK-NEXT:      %[[I:.*]] = su.agcu @a1 load @ids {counters = array<i64: 0, 4, 1>, map = affine_map<(d0) -> (d0)>} : () -> !su.stream<scalar, i32>
// CHECK-NEXT:      %[[G:.*]] = su.pmu @m1 (%[[I]]) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, gather = true, init = dense<2.000000e+00> : tensor<4x4xf32>, read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1)[s0] -> (((s0 * 4) + d1))>>} : (!su.stream<scalar, i32>) -> !su.stream<vector, f32>
// CHECK-NEXT:      su.agcu @a2 store @y (%[[G]]) {counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1) -> (((d0 * 4) + d1))>} : (!su.stream<vector, f32>) -> ()
// CHECK-NEXT:    }
su.section @reduce {reads = [@ids], writes = [@z, @y]} {
  %m = su.pmu @m0 () {bytes = 64 : i64, banks = 4 : i64, dtype = f32,
      read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>}
      : () -> !su.stream<vector, f32>
  %r = su.pcu @p0 "reduce" (%m) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32,
      accumulate = f32, stages = [], reduce_op = "max", reduce_counters = array<i64: 1>,
      reduce_lanes = true} : (!su.stream<vector, f32>) -> !su.stream<scalar, f32>
  su.agcu @a0 store @z (%r) {counters = array<i64: 0, 4, 1>, map = affine_map<(i) -> (i)>}
      : (!su.stream<scalar, f32>) -> ()
  %i = su.agcu @a1 load @ids {counters = array<i64: 0, 4, 1>, map = affine_map<(i) -> (i)>}
      : () -> !su.stream<scalar, i32>
  %g = su.pmu @m1 (%i) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, gather = true,
      init = dense<2.0> : tensor<4x4xf32>,
      read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j)[row] -> (row * 4 + j)>>}
      : (!su.stream<scalar, i32>) -> !su.stream<vector, f32>
  su.agcu @a2 store @y (%g) {counters = array<i64: 0, 4, 1, 0, 4, 4>,
      map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}

/// matmul and scan templates in bf16 / f32; a scatter into a PMU; a control
/// stream (a token per element, gating the scan); feedback cycles (the section
/// body is a graph region: %acc and %tok are used before they are defined).
// CHECK:         su.section @systolic {reads = [@xb, @wb, @ids], writes = [@y]} {
// CHECK-NEXT:      %[[A:.*]] = su.agcu @a0 load @xb
// CHECK-NEXT:      %[[B:.*]] = su.agcu @a1 load @wb
// CHECK-NEXT:      %[[C:.*]] = su.pcu @mm "matmul" (%[[A]], %[[B]]) {counters = array<i64: 0, 4, 4>, dtype = bf16, accumulate = f32, stages = [], tile = array<i64: 4, 4, 4>} : (!su.stream<vector, bf16>, !su.stream<vector, bf16>) -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[S:.*]] = su.pcu @sc "scan" (%[[C]], %[[ACC:[^,]*]], %[[TOK:.*]]) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<add(in0, in1)>], scan_op = "add", scan_counter = 0 : i64} : (!su.stream<vector, f32>, !su.stream<vector, f32>, !su.stream<control, i1>) -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[ACC]] = su.pmu @fb (%[[S]]) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, write = #su.agen<{{.*}}>, read = #su.agen<{{.*}}>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[J:.*]] = su.agcu @a2 load @ids
// CHECK-NEXT:      %[[SC:.*]] = su.pmu @sct (%[[S]], %[[J]]) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, scatter = true, write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(d0, d1)[s0] -> (((s0 * 4) + d1))>>, read = #su.agen<{{.*}}>} : (!su.stream<vector, f32>, !su.stream<scalar, i32>) -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[TOK]] = su.pcu @done "map" (%[[SC]]) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32, stages = [#su.stage<cmp.ne(in0, c0)>], constants = array<f32: 0.000000e+00>} : (!su.stream<vector, f32>) -> !su.stream<control, i1>
// CHECK-NEXT:      su.agcu @a3 store @y (%[[SC]]) {{.*}} : (!su.stream<vector, f32>) -> ()
// CHECK-NEXT:    }
su.section @systolic {reads = [@xb, @wb, @ids], writes = [@y]} {
  %a = su.agcu @a0 load @xb {counters = array<i64: 0, 4, 1, 0, 4, 4>,
      map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, bf16>
  %b = su.agcu @a1 load @wb {counters = array<i64: 0, 4, 1, 0, 4, 4>,
      map = affine_map<(i, j) -> (i * 4 + j)>} : () -> !su.stream<vector, bf16>
  %c = su.pcu @mm "matmul" (%a, %b) {counters = array<i64: 0, 4, 4>, dtype = bf16,
      accumulate = f32, stages = [], tile = array<i64: 4, 4, 4>}
      : (!su.stream<vector, bf16>, !su.stream<vector, bf16>) -> !su.stream<vector, f32>
  %s = su.pcu @sc "scan" (%c, %acc, %tok) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32,
      stages = [#su.stage<add(in0, in1)>], scan_op = "add", scan_counter = 0 : i64}
      : (!su.stream<vector, f32>, !su.stream<vector, f32>, !su.stream<control, i1>) -> !su.stream<vector, f32>
  %acc = su.pmu @fb (%s) {bytes = 64 : i64, banks = 4 : i64, dtype = f32,
      write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>,
      read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>}
      : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
  %j = su.agcu @a2 load @ids {counters = array<i64: 0, 4, 1>, map = affine_map<(i) -> (i)>}
      : () -> !su.stream<scalar, i32>
  %sc = su.pmu @sct (%s, %j) {bytes = 64 : i64, banks = 4 : i64, dtype = f32, scatter = true,
      write = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j)[row] -> (row * 4 + j)>>,
      read = #su.agen<counters = array<i64: 0, 4, 1, 0, 4, 4>, map = affine_map<(i, j) -> (i * 4 + j)>>}
      : (!su.stream<vector, f32>, !su.stream<scalar, i32>) -> !su.stream<vector, f32>
  %tok = su.pcu @done "map" (%sc) {counters = array<i64: 0, 4, 1, 0, 4, 4>, dtype = f32,
      stages = [#su.stage<cmp.ne(in0, c0)>], constants = array<f32: 0.0>}
      : (!su.stream<vector, f32>) -> !su.stream<control, i1>
  su.agcu @a3 store @y (%sc) {counters = array<i64: 0, 4, 1, 0, 4, 4>,
      map = affine_map<(i, j) -> (i * 4 + j)>} : (!su.stream<vector, f32>) -> ()
}
