/// A program whose units are not placed yet (the output of convert-dfg-to-su)
/// is refused by default, and emitted with `allow-virtual=true`: the simulator's
/// functional model runs it without coordinates.
// RUN: dfc-opt %s -p 'su-emit-bitstream{output="%t.dfcb" allow-virtual=true}' -o /dev/null
// RUN: dfc-objdump %t.dfcb | filecheck %s
// RUN: %python -c "import numpy as np; np.savez('%t.in.npz', x=np.arange(64, dtype=np.float32).reshape(8, 8))"
// RUN: dfc-sim %t.dfcb --inputs %t.in.npz -o %t.out.npz
// RUN: %python -c "import numpy as np; y = np.load('%t.out.npz')['y']; x = np.arange(64, dtype=np.float32).reshape(8, 8); assert np.array_equal(y, x * 2 + 1), y"

// CHECK-LABEL: section 0 @s0:
// CHECK:         pcu @p0 at virtual: map f32
// CHECK:       routes (0):

builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : () -> !su.stream<vector, f32>
    %m = su.pcu @p0 "map" (%x) {
        counters = array<i64: 0, 8, 1, 0, 8, 4>, dtype = f32,
        stages = [#su.stage<mul(in0, c0)>, #su.stage<add(s0, c1)>],
        constants = array<f32: 2.0, 1.0>}
        : (!su.stream<vector, f32>) -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%m) {
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : (!su.stream<vector, f32>) -> ()
  }
}
