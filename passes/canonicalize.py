"""`canonicalize`: folds and simplifies IR with every op's canonicalization
patterns and folders, dfg's included.

Same as xDSL's pass, registered here so that importing the dfg patterns happens
through the ops' traits.
"""

from xdsl.transforms.canonicalize import CanonicalizePass


class DfcCanonicalizePass(CanonicalizePass):
    """Apply canonicalization patterns and folders until a fixed point.

    ```mlir
    %0 = dfg.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
    %1 = dfg.transpose %0 {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
    // becomes: uses of %1 replaced by %x
    ```
    """

    name = "canonicalize"
