// RUN: dfc-opt --emit-irdl | filecheck %s

/// `dfc-opt --emit-irdl` writes dfc's own dialects (not builtin, func, arith,
/// tensor, which upstream has) as IRDL for `mlir-opt --irdl-file`.

// CHECK:      irdl.dialect @dfg {
// CHECK:        irdl.attribute @tile {
// CHECK-NEXT:     %[[A:.*]] = irdl.base "#builtin.array"
// CHECK-NEXT:     %[[I:.*]] = irdl.base "#builtin.integer"
// CHECK-NEXT:     irdl.parameters(sizes: %[[A]], parallelism: %[[I]])

/// Optional attributes cannot be said in IRDL: the export says so.
// CHECK:        // not checked: attribute 'perm' is optional: not checked (IRDL has no optional attributes)
// CHECK:        irdl.operation @transpose {
// CHECK-NEXT:     %[[X:.*]] = irdl.base "!builtin.tensor"
// CHECK-NEXT:     irdl.operands(input: %[[X]])

/// Required attributes are checked with their builtin base.
// CHECK:        irdl.operation @concat {
// CHECK:          irdl.operands(inputs: variadic %{{.*}})
// CHECK:          irdl.attributes {"axis" = %{{.*}}}

// CHECK:        irdl.operation @kernel {
// CHECK:          %[[R:.*]] = irdl.region
// CHECK-NEXT:     irdl.regions(body: %[[R]])

// CHECK:      irdl.dialect @su {
// CHECK:        irdl.type @stream {
// CHECK:        irdl.operation @section {
// CHECK:          %[[B:.*]] = irdl.region with size 1
// CHECK-NEXT:     irdl.regions(body: %[[B]])
// CHECK:        irdl.operation @pcu {
// CHECK-NEXT:     %[[S:.*]] = irdl.base @su::@stream
// CHECK-NEXT:     irdl.operands(inputs: variadic %[[S]])
