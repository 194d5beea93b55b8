// RUN: dfc-opt %s | dfc-opt | filecheck %s
// RUN: dfc-opt %s --print-op-generic | dfc-opt | filecheck %s

/// Every elementwise dfg op round-trips through the custom and the generic form.

// CHECK-LABEL: func.func @unary_float
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
func.func @unary_float(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[EXP:.*]] = dfg.exp %[[X]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = dfg.exp %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[LOG:.*]] = dfg.log %[[EXP]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = dfg.log %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[SQRT:.*]] = dfg.sqrt %[[LOG]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = dfg.sqrt %1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[RSQRT:.*]] = dfg.rsqrt %[[SQRT]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = dfg.rsqrt %2 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[RECIP:.*]] = dfg.reciprocal %[[RSQRT]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = dfg.reciprocal %3 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[TANH:.*]] = dfg.tanh %[[RECIP]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = dfg.tanh %4 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[ERF:.*]] = dfg.erf %[[TANH]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = dfg.erf %5 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[SIG:.*]] = dfg.sigmoid %[[ERF]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = dfg.sigmoid %6 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[SIN:.*]] = dfg.sin %[[SIG]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %8 = dfg.sin %7 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[COS:.*]] = dfg.cos %[[SIN]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %9 = dfg.cos %8 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[FLOOR:.*]] = dfg.floor %[[COS]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %10 = dfg.floor %9 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[CEIL:.*]] = dfg.ceil %[[FLOOR]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %11 = dfg.ceil %10 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: func.return %[[CEIL]] : tensor<2x3xf32>
  func.return %11 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @unary_narrow_float
// CHECK-SAME:    (%[[X:.*]]: tensor<4xbf16>, %[[Y:.*]]: tensor<f16>)
func.func @unary_narrow_float(%x: tensor<4xbf16>, %y: tensor<f16>) -> (tensor<4xbf16>, tensor<f16>) {
  // CHECK: %[[G:.*]] = dfg.gelu %[[X]] : (tensor<4xbf16>) -> tensor<4xbf16>
  %0 = dfg.gelu %x : (tensor<4xbf16>) -> tensor<4xbf16>
  // CHECK: %[[GT:.*]] = dfg.gelu %[[G]] {approximate = "tanh"} : (tensor<4xbf16>) -> tensor<4xbf16>
  %1 = dfg.gelu %0 {approximate = "tanh"} : (tensor<4xbf16>) -> tensor<4xbf16>
  // CHECK: %[[GN:.*]] = dfg.gelu %[[Y]] {approximate = "none"} : (tensor<f16>) -> tensor<f16>
  %2 = dfg.gelu %y {approximate = "none"} : (tensor<f16>) -> tensor<f16>
  // CHECK: %[[E:.*]] = dfg.exp %[[GN]] : (tensor<f16>) -> tensor<f16>
  %3 = dfg.exp %2 : (tensor<f16>) -> tensor<f16>
  // CHECK: func.return %[[GT]], %[[E]] : tensor<4xbf16>, tensor<f16>
  func.return %1, %3 : tensor<4xbf16>, tensor<f16>
}

// CHECK-LABEL: func.func @unary_numeric
// CHECK-SAME:    (%[[X:.*]]: tensor<3xi32>, %[[Y:.*]]: tensor<2x2xi8>, %[[Z:.*]]: tensor<i64>)
func.func @unary_numeric(%x: tensor<3xi32>, %y: tensor<2x2xi8>, %z: tensor<i64>) -> (tensor<3xi32>, tensor<2x2xi8>, tensor<i64>) {
  // CHECK: %[[NEG:.*]] = dfg.neg %[[X]] : (tensor<3xi32>) -> tensor<3xi32>
  %0 = dfg.neg %x : (tensor<3xi32>) -> tensor<3xi32>
  // CHECK: %[[ABS:.*]] = dfg.abs %[[NEG]] : (tensor<3xi32>) -> tensor<3xi32>
  %1 = dfg.abs %0 : (tensor<3xi32>) -> tensor<3xi32>
  // CHECK: %[[RELU:.*]] = dfg.relu %[[Y]] : (tensor<2x2xi8>) -> tensor<2x2xi8>
  %2 = dfg.relu %y : (tensor<2x2xi8>) -> tensor<2x2xi8>
  // CHECK: %[[CLIP:.*]] = dfg.clip %[[RELU]] {min = -1.000000e+00 : f32, max = 1.000000e+01 : f32} : (tensor<2x2xi8>) -> tensor<2x2xi8>
  %3 = dfg.clip %2 {min = -1.0 : f32, max = 10.0 : f32} : (tensor<2x2xi8>) -> tensor<2x2xi8>
  // CHECK: %[[NZ:.*]] = dfg.neg %[[Z]] : (tensor<i64>) -> tensor<i64>
  %4 = dfg.neg %z : (tensor<i64>) -> tensor<i64>
  // CHECK: func.return %[[ABS]], %[[CLIP]], %[[NZ]] : tensor<3xi32>, tensor<2x2xi8>, tensor<i64>
  func.return %1, %3, %4 : tensor<3xi32>, tensor<2x2xi8>, tensor<i64>
}

// CHECK-LABEL: func.func @clip_one_bound
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
func.func @clip_one_bound(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: %[[LO:.*]] = dfg.clip %[[X]] {min = 0.000000e+00 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %0 = dfg.clip %x {min = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: %[[HI:.*]] = dfg.clip %[[X]] {max = 6.000000e+00 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = dfg.clip %x {max = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: %[[NONE:.*]] = dfg.clip %[[X]] : (tensor<4xf32>) -> tensor<4xf32>
  %2 = dfg.clip %x : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: func.return %[[LO]], %[[HI]], %[[NONE]]
  func.return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @logical
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3xi1>, %[[B:.*]]: tensor<3xi1>)
func.func @logical(%a: tensor<2x3xi1>, %b: tensor<3xi1>) -> tensor<2x3xi1> {
  // CHECK: %[[NOT:.*]] = dfg.not %[[B]] : (tensor<3xi1>) -> tensor<3xi1>
  %0 = dfg.not %b : (tensor<3xi1>) -> tensor<3xi1>
  // CHECK: %[[AND:.*]] = dfg.and %[[A]], %[[NOT]] : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %1 = dfg.and %a, %0 : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  // CHECK: %[[OR:.*]] = dfg.or %[[NOT]], %[[AND]] : (tensor<3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %2 = dfg.or %0, %1 : (tensor<3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: %[[EQ:.*]] = dfg.compare %[[OR]], %[[A]] {predicate = "eq"} : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %3 = dfg.compare %2, %a {predicate = "eq"} : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: func.return %[[EQ]] : tensor<2x3xi1>
  func.return %3 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @cast
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
func.func @cast(%x: tensor<2x3xf32>) -> (tensor<2x3xbf16>, tensor<2x3xf16>, tensor<2x3xi32>, tensor<2x3xi8>, tensor<2x3xi64>, tensor<2x3xi1>) {
  // CHECK: %[[BF:.*]] = dfg.cast %[[X]] : (tensor<2x3xf32>) -> tensor<2x3xbf16>
  %0 = dfg.cast %x : (tensor<2x3xf32>) -> tensor<2x3xbf16>
  // CHECK: %[[H:.*]] = dfg.cast %[[BF]] : (tensor<2x3xbf16>) -> tensor<2x3xf16>
  %1 = dfg.cast %0 : (tensor<2x3xbf16>) -> tensor<2x3xf16>
  // CHECK: %[[I:.*]] = dfg.cast %[[H]] : (tensor<2x3xf16>) -> tensor<2x3xi32>
  %2 = dfg.cast %1 : (tensor<2x3xf16>) -> tensor<2x3xi32>
  // CHECK: %[[I8:.*]] = dfg.cast %[[I]] : (tensor<2x3xi32>) -> tensor<2x3xi8>
  %3 = dfg.cast %2 : (tensor<2x3xi32>) -> tensor<2x3xi8>
  // CHECK: %[[I64:.*]] = dfg.cast %[[I8]] : (tensor<2x3xi8>) -> tensor<2x3xi64>
  %4 = dfg.cast %3 : (tensor<2x3xi8>) -> tensor<2x3xi64>
  // CHECK: %[[B:.*]] = dfg.cast %[[I64]] : (tensor<2x3xi64>) -> tensor<2x3xi1>
  %5 = dfg.cast %4 : (tensor<2x3xi64>) -> tensor<2x3xi1>
  // CHECK: func.return %[[BF]], %[[H]], %[[I]], %[[I8]], %[[I64]], %[[B]]
  func.return %0, %1, %2, %3, %4, %5 : tensor<2x3xbf16>, tensor<2x3xf16>, tensor<2x3xi32>, tensor<2x3xi8>, tensor<2x3xi64>, tensor<2x3xi1>
}

/// Broadcasting: a trailing vector, size-1 dims, rank-0 operands, on either side.
// CHECK-LABEL: func.func @binary_broadcast
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>, %[[C:.*]]: tensor<2x1xf32>, %[[S:.*]]: tensor<f32>)
func.func @binary_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>, %s: tensor<f32>) -> tensor<2x3xf32> {
  // CHECK: %[[ADD:.*]] = dfg.add %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = dfg.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[SUB:.*]] = dfg.sub %[[C]], %[[B]] : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = dfg.sub %c, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MUL:.*]] = dfg.mul %[[S]], %[[SUB]] : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = dfg.mul %s, %1 : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[DIV:.*]] = dfg.div %[[MUL]], %[[S]] : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %3 = dfg.div %2, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK: %[[MAX:.*]] = dfg.max %[[DIV]], %[[ADD]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = dfg.max %3, %0 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MIN:.*]] = dfg.min %[[MAX]], %[[C]] : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %5 = dfg.min %4, %c : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  // CHECK: %[[POW:.*]] = dfg.pow %[[MIN]], %[[S]] : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %6 = dfg.pow %5, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK: func.return %[[POW]] : tensor<2x3xf32>
  func.return %6 : tensor<2x3xf32>
}

/// Two size-1 dims broadcast against each other; both 0-d gives a 0-d result.
// CHECK-LABEL: func.func @binary_integer
// CHECK-SAME:    (%[[A:.*]]: tensor<4x1xi32>, %[[B:.*]]: tensor<1x5xi32>, %[[C:.*]]: tensor<i64>, %[[D:.*]]: tensor<i64>, %[[E:.*]]: tensor<3xi8>)
func.func @binary_integer(%a: tensor<4x1xi32>, %b: tensor<1x5xi32>, %c: tensor<i64>, %d: tensor<i64>, %e: tensor<3xi8>) -> (tensor<4x5xi32>, tensor<i64>, tensor<3xi8>) {
  // CHECK: %[[DIV:.*]] = dfg.div %[[A]], %[[B]] : (tensor<4x1xi32>, tensor<1x5xi32>) -> tensor<4x5xi32>
  %0 = dfg.div %a, %b : (tensor<4x1xi32>, tensor<1x5xi32>) -> tensor<4x5xi32>
  // CHECK: %[[POW:.*]] = dfg.pow %[[C]], %[[D]] : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %1 = dfg.pow %c, %d : (tensor<i64>, tensor<i64>) -> tensor<i64>
  // CHECK: %[[MAX:.*]] = dfg.max %[[E]], %[[E]] : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  %2 = dfg.max %e, %e : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  // CHECK: func.return %[[DIV]], %[[POW]], %[[MAX]] : tensor<4x5xi32>, tensor<i64>, tensor<3xi8>
  func.return %0, %1, %2 : tensor<4x5xi32>, tensor<i64>, tensor<3xi8>
}

// CHECK-LABEL: func.func @binary_narrow_float
// CHECK-SAME:    (%[[A:.*]]: tensor<2x4xbf16>, %[[B:.*]]: tensor<4xbf16>, %[[C:.*]]: tensor<f16>, %[[D:.*]]: tensor<3x1xf16>)
func.func @binary_narrow_float(%a: tensor<2x4xbf16>, %b: tensor<4xbf16>, %c: tensor<f16>, %d: tensor<3x1xf16>) -> (tensor<2x4xbf16>, tensor<3x1xf16>) {
  // CHECK: %[[MUL:.*]] = dfg.mul %[[A]], %[[B]] : (tensor<2x4xbf16>, tensor<4xbf16>) -> tensor<2x4xbf16>
  %0 = dfg.mul %a, %b : (tensor<2x4xbf16>, tensor<4xbf16>) -> tensor<2x4xbf16>
  // CHECK: %[[SUB:.*]] = dfg.sub %[[D]], %[[C]] : (tensor<3x1xf16>, tensor<f16>) -> tensor<3x1xf16>
  %1 = dfg.sub %d, %c : (tensor<3x1xf16>, tensor<f16>) -> tensor<3x1xf16>
  // CHECK: func.return %[[MUL]], %[[SUB]] : tensor<2x4xbf16>, tensor<3x1xf16>
  func.return %0, %1 : tensor<2x4xbf16>, tensor<3x1xf16>
}

// CHECK-LABEL: func.func @compare
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<f32>, %[[I:.*]]: tensor<3xi64>)
func.func @compare(%a: tensor<2x3xf32>, %b: tensor<f32>, %i: tensor<3xi64>) -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<3xi1>) {
  // CHECK: %[[EQ:.*]] = dfg.compare %[[A]], %[[B]] {predicate = "eq"} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  %0 = dfg.compare %a, %b {predicate = "eq"} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  // CHECK: %[[NE:.*]] = dfg.compare %[[A]], %[[B]] {predicate = "ne"} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  %1 = dfg.compare %a, %b {predicate = "ne"} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  // CHECK: %[[LT:.*]] = dfg.compare %[[B]], %[[A]] {predicate = "lt"} : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  %2 = dfg.compare %b, %a {predicate = "lt"} : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: %[[LE:.*]] = dfg.compare %[[A]], %[[A]] {predicate = "le"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  %3 = dfg.compare %a, %a {predicate = "le"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: %[[GT:.*]] = dfg.compare %[[A]], %[[B]] {predicate = "gt"} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  %4 = dfg.compare %a, %b {predicate = "gt"} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  // CHECK: %[[GE:.*]] = dfg.compare %[[I]], %[[I]] {predicate = "ge"} : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi1>
  %5 = dfg.compare %i, %i {predicate = "ge"} : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi1>
  // CHECK: func.return %[[EQ]], %[[NE]], %[[LT]], %[[LE]], %[[GT]], %[[GE]]
  func.return %0, %1, %2, %3, %4, %5 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<3xi1>
}

/// All three operands of where broadcast together.
// CHECK-LABEL: func.func @where
// CHECK-SAME:    (%[[C:.*]]: tensor<2x1xi1>, %[[T:.*]]: tensor<3xbf16>, %[[F:.*]]: tensor<bf16>, %[[S:.*]]: tensor<i1>, %[[I:.*]]: tensor<i32>)
func.func @where(%c: tensor<2x1xi1>, %t: tensor<3xbf16>, %f: tensor<bf16>, %s: tensor<i1>, %i: tensor<i32>) -> (tensor<2x3xbf16>, tensor<i32>) {
  // CHECK: %[[W:.*]] = dfg.where %[[C]], %[[T]], %[[F]] : (tensor<2x1xi1>, tensor<3xbf16>, tensor<bf16>) -> tensor<2x3xbf16>
  %0 = dfg.where %c, %t, %f : (tensor<2x1xi1>, tensor<3xbf16>, tensor<bf16>) -> tensor<2x3xbf16>
  // CHECK: %[[W0:.*]] = dfg.where %[[S]], %[[I]], %[[I]] : (tensor<i1>, tensor<i32>, tensor<i32>) -> tensor<i32>
  %1 = dfg.where %s, %i, %i : (tensor<i1>, tensor<i32>, tensor<i32>) -> tensor<i32>
  // CHECK: func.return %[[W]], %[[W0]] : tensor<2x3xbf16>, tensor<i32>
  func.return %0, %1 : tensor<2x3xbf16>, tensor<i32>
}
