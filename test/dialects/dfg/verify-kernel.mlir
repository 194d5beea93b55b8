// RUN: dfc-opt %s --split-input-file --verify-diagnostics

func.func @two_blocks(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{the body must have exactly one block, it has 2}}
  %k = dfg.kernel ins(%a : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    dfg.yield %x : tensor<4xf32>
  ^bb1(%y: tensor<4xf32>):
    dfg.yield %y : tensor<4xf32>
  }
  func.return %k : tensor<4xf32>
}

// -----

func.func @arg_count(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{the body has 1 block arguments but the kernel has 2 operands}}
  %k = dfg.kernel ins(%a, %b : tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    dfg.yield %x : tensor<4xf32>
  }
  func.return %k : tensor<4xf32>
}

// -----

func.func @arg_type(%a: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{block argument #0 has type tensor<4xf16> but operand #0 ('inputs') has type tensor<4xf32>}}
  %k = dfg.kernel ins(%a : tensor<4xf32>) -> tensor<4xf16> {
  ^bb0(%x: tensor<4xf16>):
    dfg.yield %x : tensor<4xf16>
  }
  func.return %k : tensor<4xf16>
}

// -----

/// An empty body has no terminator at all.
func.func @no_yield(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{the body must end with 'dfg.yield'}}
  %k = dfg.kernel ins(%a : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
  }
  func.return %k : tensor<4xf32>
}

// -----

func.func @yield_count(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dfg.yield' returns 2 values but the kernel has 1 results}}
  %k = dfg.kernel ins(%a : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    dfg.yield %x, %x : tensor<4xf32>, tensor<4xf32>
  }
  func.return %k : tensor<4xf32>
}

// -----

func.func @yield_type(%a: tensor<4xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'dfg.yield' operand #0 has type tensor<4xf32> but result #0 has type tensor<2x2xf32>}}
  %k = dfg.kernel ins(%a : tensor<4xf32>) -> tensor<2x2xf32> {
  ^bb0(%x: tensor<4xf32>):
    dfg.yield %x : tensor<4xf32>
  }
  func.return %k : tensor<2x2xf32>
}

// -----

/// The body may not capture values from outside: operands are the only way in.
func.func @captures(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{Operation using value defined out of its IsolatedFromAbove parent}}
  %k = dfg.kernel ins(%a : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    %s = dfg.add %x, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    dfg.yield %s : tensor<4xf32>
  }
  func.return %k : tensor<4xf32>
}

// -----

/// `dfg.yield` only terminates a kernel body.
func.func @yield_outside(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dfg.yield' expects parent op 'dfg.kernel'}}
  dfg.yield %a : tensor<4xf32>
}

// -----

/// Kernel results are dfg tensors like any other op's.
func.func @result_type(%a: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error @+1 {{operand #0 ('inputs') has element type f64; dfg supports}}
  %k = dfg.kernel ins(%a : tensor<4xf64>) -> tensor<4xf64> {
  ^bb0(%x: tensor<4xf64>):
    dfg.yield %x : tensor<4xf64>
  }
  func.return %k : tensor<4xf64>
}
