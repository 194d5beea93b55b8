// RUN: rm -f %t.mlir
// RUN: not dfc-translate --import-onnx %S/Inputs/bad_input_dynamic_dim.onnxtxt -o %t.mlir 2>&1 | filecheck %s
// RUN: not test -e %t.mlir
/// A dynamic dimension is refused with the option that fixes it ...

// CHECK-NOT: Traceback
// CHECK: input 'x' has dynamic dimension 'N' (axis 0) in shape [N, 3]; dfc needs static shapes: pin it with --input-shape x=<dims>, e.g. --input-shape x=1x3
// CHECK-NOT: Traceback

/// ... and `--input-shape` pins it.
// RUN: dfc-translate --import-onnx %S/Inputs/bad_input_dynamic_dim.onnxtxt --input-shape x=2x3 -o %t.mlir
// RUN: filecheck %s --check-prefix=PINNED < %t.mlir
// PINNED-LABEL: func.func @main(
// PINNED-SAME:    %[[X:.*]]: tensor<2x3xf32> {dfc.name = "x"}
// PINNED-SAME:    %[[B:.*]]: tensor<3xf32> {dfc.name = "b"}
// PINNED-SAME:    -> (tensor<2x3xf32> {dfc.name = "y"})
// PINNED:         %[[Y:.*]] = dfg.add %[[X]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// PINNED:         func.return %[[Y]]

/// A pinned shape that contradicts a static dimension is refused.
// RUN: not dfc-translate --import-onnx %S/Inputs/bad_input_dynamic_dim.onnxtxt --input-shape x=2x4 2>&1 | filecheck %s --check-prefix=CONFLICT
// CONFLICT: bad_input_dynamic_dim.onnxtxt: error: --input-shape x sets a dimension to 4, but the model fixes it to 3
