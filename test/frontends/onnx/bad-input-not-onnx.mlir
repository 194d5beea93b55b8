// RUN: rm -f %t.mlir
// RUN: not dfc-translate --import-onnx %S/Inputs/bad_input_not_onnx.onnx -o %t.mlir 2>&1 | filecheck %s
// RUN: not test -e %t.mlir
/// A text file named .onnx.

// CHECK-NOT: Traceback
// CHECK: bad_input_not_onnx.onnx: error: not an ONNX model: the file is text, not a binary ONNX protobuf{{$}}
// CHECK-NOT: Traceback

/// ONNX text syntax in a .onnx file gets a hint about the suffix.
// RUN: not dfc-translate --import-onnx %S/Inputs/bad_input_text_model.onnx -o %t.mlir 2>&1 | filecheck %s --check-prefix=TEXT
// RUN: not test -e %t.mlir
// TEXT-NOT: Traceback
// TEXT: bad_input_text_model.onnx: error: not an ONNX model: the file is text, not a binary ONNX protobuf; models in ONNX text syntax need the .onnxtxt suffix
// TEXT-NOT: Traceback
