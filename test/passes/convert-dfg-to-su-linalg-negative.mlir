// RUN: dfc-opt %s --split-input-file --verify-diagnostics -p 'builtin.module(convert-dfg-to-su{chip=tiny})'

/// i64 operands: su memories and compute units have no 64-bit integers.
func.func @main(%a: tensor<4x4xi64>, %b: tensor<4x4xi64>) -> tensor<4x4xi64> {
  // expected-error @+1 {{'dfg.matmul' on i64 cannot be lowered: the systolic matmul template is lowered for f32, bf16, i8, i32}}
  %c = dfg.matmul %a, %b : (tensor<4x4xi64>, tensor<4x4xi64>) -> tensor<4x4xi64>
  func.return %c : tensor<4x4xi64>
}

// -----

/// One query row of a 1024-wide head needs more than tiny's 4 KiB memory unit.
func.func @main(%q: tensor<1x4x1024xf32>, %k: tensor<1x4x1024xf32>, %v: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  // expected-error @+1 {{'dfg.attention' with head size 1024 / value size 8 cannot be lowered on 'tiny': one query row's Q panel and sums need 8192 + 64 bytes of a 4096-byte memory unit}}
  %o = dfg.attention %q, %k, %v : (tensor<1x4x1024xf32>, tensor<1x4x1024xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  func.return %o : tensor<1x4x8xf32>
}
