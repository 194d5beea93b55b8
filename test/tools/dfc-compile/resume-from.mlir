/// `--stop-after PASS` heads its IR with the stage and the options that must
/// not change; `--resume-from FILE` reads it and runs the stages after PASS.
/// The resumed compile gives the bitstream of an uninterrupted one.
// RUN: dfc-compile %s --chip tiny -o %t.whole.dfcb
// RUN: dfc-compile %s --chip tiny --stop-after su-place -o %t.placed.mlir
// RUN: filecheck %s --input-file %t.placed.mlir --check-prefix=HEADER
// RUN: dfc-compile --resume-from %t.placed.mlir -o %t.resumed.dfcb --time-passes 2>&1 | filecheck %s --check-prefix=STAGES
// RUN: %python -c "import sys; a, b = (open(p, 'rb').read() for p in sys.argv[1:]); sys.exit(a != b)" %t.whole.dfcb %t.resumed.dfcb

// HEADER:      // dfc-compile: stopped after su-place (chip=tiny fusion=auto seed=0)
// HEADER-NEXT: builtin.module attributes {su.chip = "tiny"
// HEADER:      su.pcu {{.*}}at = array<i64:

/// Only the stages after su-place run (import reads the file).
// STAGES:      Total Execution Time
// STAGES:      import
// STAGES-NEXT: su-route
// STAGES-NEXT: su-check-routes
// STAGES-NEXT: su-emit-bitstream
// STAGES-NEXT: Total

/// Resuming with another chip than the header's is refused.
// RUN: not dfc-compile --resume-from %t.placed.mlir --chip sn40l -o %t.x.dfcb 2>&1 | filecheck %s --check-prefix=CHIP
// CHIP: dfc-compile: error: {{.*}}placed.mlir was compiled with --chip tiny: resume with the same --chip (got sn40l)
// CHIP-NOT: Traceback

func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %scale = dfg.constant dense<5.000000e-01> : tensor<8xf32>
  %0 = dfg.mul %x, %scale : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %1 = dfg.gelu %0 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %1 : tensor<4x8xf32>
}
