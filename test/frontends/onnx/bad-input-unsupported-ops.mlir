// RUN: rm -f %t.mlir
// RUN: not dfc-translate --import-onnx %S/Inputs/bad_input_unsupported_ops.onnxtxt -o %t.mlir 2>&1 | filecheck %s
// RUN: not test -e %t.mlir
/// One error lists every unsupported node; the supported Relu that reads an
/// unsupported node's output is not reported.

// CHECK-NOT: Traceback
// CHECK: bad_input_unsupported_ops.onnxtxt: error: 2 unsupported ONNX nodes:
// CHECK-NEXT: {{^}}  com.example.Frobnicate (opset 1) at node 'Frobnicate:a': domain 'com.example' is not supported
// CHECK-NEXT: {{^}}  NonZero (opset 17) at node 'NonZero:z': no converter{{$}}
// CHECK-NOT: Relu
// CHECK-NOT: Traceback
