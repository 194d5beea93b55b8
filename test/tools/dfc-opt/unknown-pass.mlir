// RUN: not dfc-opt %s -p 'builtin.module(canonicalise)' 2>&1 | filecheck %s
// RUN: not dfc-opt %s -p 'canonicalize{bogus=1}' 2>&1 | filecheck %s --check-prefix=OPTION
// RUN: not dfc-opt %s -p 'canonicalize{' 2>&1 | filecheck %s --check-prefix=SYNTAX
/// Unknown passes and options are reported by name, exit 1, no traceback.

func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {
  func.return %a : tensor<2xf32>
}

// CHECK: <pass-pipeline>: error: 'canonicalise' does not refer to a registered pass; did you mean 'canonicalize'?
// CHECK-NOT: Traceback
// OPTION: <pass-pipeline>: error: pass 'canonicalize' has no option 'bogus'
// OPTION-NOT: Traceback
// SYNTAX: <pass-pipeline>: error: malformed pass pipeline
// SYNTAX-NOT: Traceback
