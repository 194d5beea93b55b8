// RUN: rm -f %t.mlir
// RUN: not dfc-translate --import-onnx %S/Inputs/bad_input_truncated.onnx -o %t.mlir 2>&1 | filecheck %s
// RUN: not test -e %t.mlir
/// The first half of a valid model's bytes: a clean error, no output file.
/// (Inputs/bad_input_truncated.onnx is a one-Relu model cut to 35 of its 71 bytes.)

// CHECK-NOT: Traceback
// CHECK: bad_input_truncated.onnx: error: not an ONNX model: the file is truncated or is not an ONNX protobuf (protobuf DecodeError:
// CHECK-NOT: Traceback
