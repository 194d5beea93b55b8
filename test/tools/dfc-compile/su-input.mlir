/// su IR (here: the virtual units `convert-dfg-to-su` produces) resumes after
/// `convert-dfg-to-su`: su-partition, su-place, su-route, su-check-routes and
/// su-emit-bitstream run on it, and the report lists the figures.
// RUN: dfc-compile %s --chip tiny -o %t.dfcb --report %t.md
// RUN: filecheck %s --input-file %t.md --check-prefix=REPORT
// RUN: dfc-objdump %t.dfcb | filecheck %s --check-prefix=PLACED

/// Byte-identical when compiled again, in a process with another hash seed.
// RUN: env PYTHONHASHSEED=7 dfc-compile %s --chip tiny -o %t.again.dfcb
// RUN: %python -c "import sys; a, b = (open(p, 'rb').read() for p in sys.argv[1:]); sys.exit(a != b)" %t.dfcb %t.again.dfcb

/// The bitstream runs on the simulator: y = 2 x + 1.
// RUN: %python -c "import numpy as np; np.savez('%t.in.npz', x=np.arange(64, dtype=np.float32).reshape(8, 8))"
// RUN: dfc-sim %t.dfcb --inputs %t.in.npz -o %t.out.npz
// RUN: %python -c "import numpy as np; y = np.load('%t.out.npz')['y']; x = np.arange(64, dtype=np.float32).reshape(8, 8); assert np.array_equal(y, x * 2 + 1), y"

// REPORT:      # Compile report: `su-input.mlir` on `tiny`
// REPORT:      - input resumed after: convert-dfg-to-su
// REPORT:      - kernels: 0; sections: 1
// REPORT-NEXT: - units: 3 (agcu 2, pcu 1, pmu 0); most in one section: agcu 2/2, pcu 1/4, pmu 0/4
// REPORT-NEXT: - placement: 3/3 units placed
// REPORT-NEXT: - routing: 2/2 input ports routed (ok); 2 streams
// REPORT:      - simulated time: {{.*}} us ({{.*}} cycles, {{.*}}, timing model only)
// REPORT:      | stage | ms |
// REPORT-NEXT: |---|---:|
// REPORT-NEXT: | import | {{.*}} |
// REPORT-NEXT: | su-partition | {{.*}} |
// REPORT-NEXT: | su-place | {{.*}} |
// REPORT-NEXT: | su-route | {{.*}} |
// REPORT-NEXT: | su-check-routes | {{.*}} |
// REPORT-NEXT: | su-emit-bitstream | {{.*}} |

// PLACED-LABEL: section 0 @s0:
// PLACED:         agcu @a0 at ({{[0-9]+}}, {{[0-9]+}}): load @x
// PLACED:         pcu @p0 at ({{[0-9]+}}, {{[0-9]+}}): map f32
// PLACED:         agcu @a1 at ({{[0-9]+}}, {{[0-9]+}}): store @y
// PLACED:       routes (2):

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
