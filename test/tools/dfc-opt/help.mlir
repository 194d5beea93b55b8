// RUN: dfc-opt --help | filecheck %s
// RUN: dfc-opt --list-passes | filecheck %s --check-prefix=PASSES

// CHECK: Usage: dfc-opt [OPTIONS] [FILE|-]
// CHECK: --pass-pipeline
// CHECK: --split-input-file
// CHECK: --verify-diagnostics

// PASSES: Available passes:
// PASSES: canonicalize: Apply canonicalization patterns
// PASSES: cse: Eliminate common subexpressions
