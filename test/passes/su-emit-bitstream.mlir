/// `su-emit-bitstream` writes the placed and routed program as a `.dfcb`: the
/// same bytes as `dfc-translate --mlir-to-bitstream`, and the IR is unchanged.
// RUN: dfc-opt %s -p 'su-emit-bitstream{output="%t.dfcb"}' | filecheck %s --check-prefix=IR
// RUN: dfc-translate --mlir-to-bitstream %s -o %t.ref.dfcb
// RUN: %python -c "import sys; a, b = (open(p, 'rb').read() for p in sys.argv[1:]); sys.exit(a != b)" %t.dfcb %t.ref.dfcb
// RUN: dfc-objdump %t.dfcb | filecheck %s

/// Emitting twice gives byte-identical files.
// RUN: dfc-opt %s -p 'su-emit-bitstream{output="%t.again.dfcb"}' -o /dev/null
// RUN: %python -c "import sys; a, b = (open(p, 'rb').read() for p in sys.argv[1:]); sys.exit(a != b)" %t.dfcb %t.again.dfcb

// IR-LABEL: builtin.module attributes {su.chip = "tiny"
// IR:         su.pcu @p0 "map" (%{{.*}}) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>]

// CHECK:       chip: tiny, fingerprint 071e6348378fa0f3
// CHECK-LABEL: section 0 @s0:
// CHECK:         pcu @p0 at (2, 1): map f32
// CHECK:         @p0.in0: (2, 0) -> (2, 1)
// CHECK:         @a1.in0: (2, 1) -> (2, 2) -> (2, 3)

builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>,
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : () -> !su.stream<vector, f32>
    %m = su.pcu @p0 "map" (%x) {at = array<i64: 2, 1>, routes = [array<i64: 2, 0, 2, 1>],
        counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>],
        constants = array<f32: 2.0, 1.0>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%m) {at = array<i64: 2, 3>, routes = [array<i64: 2, 1, 2, 2, 2, 3>],
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : (!su.stream<vector, f32>) -> ()
  }
}
