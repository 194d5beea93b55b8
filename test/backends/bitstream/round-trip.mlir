/// `--mlir-to-bitstream` then `--bitstream-to-mlir` gives back the program.
///
/// The sn40l program round-trips to exactly the text `dfc-opt` prints for it
/// (its SSA values are named after their producers, its PMU has no init, its
/// weight is a dense_resource blob).
// RUN: dfc-opt %S/../../dialects/su/sn40l-program.mlir -o %t.sn40l.mlir
// RUN: dfc-translate --mlir-to-bitstream %S/../../dialects/su/sn40l-program.mlir -o %t.sn40l.dfcb
// RUN: dfc-translate --bitstream-to-mlir %t.sn40l.dfcb | dfc-opt -o %t.sn40l.back.mlir
// RUN: diff %t.sn40l.mlir %t.sn40l.back.mlir

/// The tiny multi-section example: the same ops, attributes and wiring; the PMU
/// init image comes back as a 1-D tensor (the format stores its bytes only).
/// Re-encoding the decoded IR gives the same bytes.
// RUN: dfc-translate --mlir-to-bitstream %S/../../dialects/su/multi-section.mlir -o %t.ms.dfcb
// RUN: dfc-translate --bitstream-to-mlir %t.ms.dfcb -o %t.ms.back.mlir
// RUN: dfc-opt %t.ms.back.mlir | filecheck %s
// RUN: dfc-translate --mlir-to-bitstream %t.ms.back.mlir -o %t.ms.again.dfcb
// RUN: %python -c "import sys; a, b = (open(p, 'rb').read() for p in sys.argv[1:]); sys.exit(a != b)" %t.ms.dfcb %t.ms.again.dfcb

// CHECK-LABEL: builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
// CHECK-NEXT:    su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
// CHECK-NEXT:    su.memory @t {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "scratch"}
// CHECK-NEXT:    su.memory @y {tier = "hbm", offset = 512 : i64, type = tensor<8xf32>, role = "output"}
// CHECK-NEXT:    su.section @s0 {reads = [@x], writes = [@t]} {
// CHECK-NEXT:      %[[X:.*]] = su.agcu @a0 load @x {at = array<i64: 2, 0>, counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(d0, d1) -> (((d0 * 8) + d1))>} : () -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[M:.*]] = su.pcu @p0 "map" (%[[X]]) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>], counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>], constants = array<f32: 2.000000e+00, 1.000000e+00>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[T:.*]] = su.pmu @m0 (%[[M]]) {at = array<i64: 2, 2>, routes = [array<i64: 2, 1, 2, 2>], bytes = 256 : i64, banks = 4 : i64, double_buffer = true, dtype = f32, write = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(d0, d1) -> (((d0 * 8) + d1))>>, read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(d0, d1) -> (((d1 * 8) + d0))>>} : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
// CHECK-NEXT:      su.agcu @a1 store @t (%[[T]]) {at = array<i64: 2, 3>, routes = [array<i64: 2, 2, 2, 3>], counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(d0, d1) -> (((d0 * 8) + d1))>} : (!su.stream<vector, f32>) -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    su.section @s1 {reads = [@t], writes = [@y]} {
// CHECK-NEXT:      %[[L:.*]] = su.agcu @a0 load @t {at = array<i64: 2, 0>, counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(d0, d1) -> (((d0 * 8) + d1))>} : () -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[W:.*]] = su.pmu @m0 () {at = array<i64: 2, 2>, bytes = 256 : i64, banks = 4 : i64, dtype = f32, init = dense<5.000000e-01> : tensor<64xf32>, read = #su.agen<counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(d0, d1) -> (((d0 * 8) + d1))>>} : () -> !su.stream<vector, f32>
// CHECK-NEXT:      %[[S:.*]] = su.pcu @p0 "reduce" (%[[L]], %[[W]]) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>, array<i64: 2, 2, 2, 1>], counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32, accumulate = f32, stages = [#su.stage<mul(in0, in1)>], reduce_op = "add", reduce_counters = array<i64: 1>, reduce_lanes = true} : (!su.stream<vector, f32>, !su.stream<vector, f32>) -> !su.stream<scalar, f32>
// CHECK-NEXT:      su.agcu @a1 store @y (%[[S]]) {at = array<i64: 2, 3>, routes = [array<i64: 2, 1, 2, 2, 2, 3>], counters = array<i64: 0, 8, 1>, map = affine_map<(d0) -> (d0)>} : (!su.stream<scalar, f32>) -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:  }
