// RUN: dfc-opt %s -p 'convert-dfg-to-su{chip=tiny}' --split-input-file | filecheck %s
// RUN: dfc-opt %s -p 'convert-dfg-to-su{chip=tiny}' --split-input-file | filecheck %s --check-prefix=NOSEC

/// Results known without computing need no section: an empty tensor is an
/// empty output memory, a constant (the identity of a reduction over an empty
/// axis, after `canonicalize`) is the output memory's initial image.

// CHECK-LABEL: builtin.module
// CHECK:         su.memory @x {{.*}} type = tensor<20x10x5xf32>, role = "input"}
// CHECK:         su.memory @out0 {{.*}} type = tensor<20x0x5xf32>, role = "output"}
// CHECK:         su.memory @out1 {{.*}} type = tensor<2x4xf32>, role = "output", init = dense<0.000000e+00> : tensor<2x4xf32>}
// NOSEC-NOT:     su.section
func.func @known(%x: tensor<20x10x5xf32>) -> (tensor<20x0x5xf32>, tensor<2x4xf32>) {
  %0 = dfg.constant dense<> : tensor<20x0x5xf32>
  %1 = dfg.constant dense<0.0> : tensor<2x4xf32>
  func.return %0, %1 : tensor<20x0x5xf32>, tensor<2x4xf32>
}

// -----

/// An op with an empty result is not lowered (no unit), even when
/// `canonicalize` did not fold it.
// CHECK-LABEL: builtin.module
// CHECK:         su.memory @out0 {{.*}} type = tensor<0xf32>, role = "output"}
// CHECK-NOT:     su.section
func.func @empty_op(%x: tensor<9xf32>) -> tensor<0xf32> {
  %0 = dfg.slice %x {starts = array<i64: 9>, ends = array<i64: 9>, axes = array<i64: 0>, steps = array<i64: 1>} : (tensor<9xf32>) -> tensor<0xf32>
  func.return %0 : tensor<0xf32>
}
