// RUN: dfc-opt %s -p 'builtin.module(canonicalize{fold-limit=2})' | filecheck %s

/// A transpose of a weight blob is done at compile time, whatever its size
/// (here above a fold limit of 2 elements): a new blob (64-byte aligned, as
/// dfc writes its blobs) holds the transposed elements, named after the
/// weight. The weight stays while another use (here: returned) reads it.
// CHECK-LABEL: func.func @transposed_weight
// CHECK:         %[[W:.*]] = dfg.constant dense_resource<w> : tensor<2x3xf32>
// CHECK:         %[[T:.*]] = dfg.constant dense_resource<[[BLOB:w_t.*]]> : tensor<3x2xf32>
// CHECK-NOT:     dfg.transpose
// CHECK:         func.return %[[T]], %[[W]]
// CHECK:       dialect_resources
// CHECK:         [[BLOB]]: "0x400000000000803F00008040000000400000A040000040400000C040"
func.func @transposed_weight() -> (tensor<3x2xf32>, tensor<2x3xf32>) {
  %w = dfg.constant dense_resource<w> : tensor<2x3xf32>
  %t = dfg.transpose %w {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %t, %w : tensor<3x2xf32>, tensor<2x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}
