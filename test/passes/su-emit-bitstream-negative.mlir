// RUN: dfc-opt %s --split-input-file --verify-diagnostics -p 'su-emit-bitstream{output="%t.dfcb"}'
// RUN: %python -c "import os, sys; sys.exit(os.path.exists('%t.dfcb'))"
// RUN: not dfc-opt %S/su-emit-bitstream.mlir -p su-emit-bitstream 2>&1 | filecheck %s --check-prefix=NOOUT

/// The pass needs a file to write.
// NOOUT: su-emit-bitstream.mlir:{{[0-9]+}}:1: error: su-emit-bitstream needs a file to write: output=PATH
// NOOUT-NOT: Traceback

/// No bitstream is written when any chunk fails (the second RUN line checks it):
/// a unit without `at` is reported at the unit, naming the pass to run.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    // expected-error @+1 {{cannot emit a bitstream: 'su.agcu' @a0 in section @s0 is not placed (no `at`); run su-place first, or emit a virtual program with allow-virtual=true}}
    %x = su.agcu @a0 load @x {
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : () -> !su.stream<vector, f32>
    su.agcu @a1 store @y (%x) {
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// Placed but not routed: the unrouted input port is named with its producer.
builtin.module attributes {su.chip = "tiny", su.chip_fingerprint = "071e6348378fa0f3"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
  su.memory @y {tier = "hbm", offset = 256 : i64, type = tensor<8x8xf32>, role = "output"}
  su.section @s0 {reads = [@x], writes = [@y]} {
    %x = su.agcu @a0 load @x {at = array<i64: 2, 0>,
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : () -> !su.stream<vector, f32>
    // expected-error @+1 {{cannot emit a bitstream: input port 0 of 'su.agcu' @a1 in section @s0 (from 'su.agcu' @a0) is not routed; run su-route first}}
    su.agcu @a1 store @y (%x) {at = array<i64: 2, 3>,
        counters = array<i64: 0, 8, 1, 0, 8, 4>, map = affine_map<(i, j) -> (i * 8 + j)>}
        : (!su.stream<vector, f32>) -> ()
  }
}

// -----

/// A dfg module (not lowered yet) names no chip.
// expected-error @+1 {{cannot emit a bitstream: the module names no chip (`su.chip = "..."`); is it an su program (run convert-dfg-to-su first)?}}
builtin.module {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    func.return %x : tensor<4xf32>
  }
}

// -----

/// A module with a chip but no section has nothing to configure.
// expected-error @+1 {{cannot emit a bitstream: the module has no su.section}}
builtin.module attributes {su.chip = "tiny"} {
  su.memory @x {tier = "hbm", offset = 0 : i64, type = tensor<8x8xf32>, role = "input"}
}
