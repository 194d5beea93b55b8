"""The `dfg` dialect: dfc's tensor-level dataflow graph.

Tensor ops with value semantics inside `func.func`, each a structured op (see
`base.StructuredOpInterface`). The op families live in one module each; this
package assembles them into the `DFG` dialect object.

```mlir
func.func @main(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %y = dfg.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %z = dfg.relu %y : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %z : tensor<2x4xf32>
}
```
"""

from xdsl.ir import Dialect

from . import (
    attention,
    constant,
    elementwise,
    kernel,
    linalg,
    movement,
    normalization,
    pooling,
    reduction,
)
from .annotations import ATTRIBUTES as _ANNOTATION_ATTRIBUTES
from .base import IterationSpace, StructuredOpInterface
from .constant import ConstantOp
from .elementwise import *  # noqa: F403

_FAMILIES = (
    constant,
    elementwise,
    linalg,
    pooling,
    reduction,
    normalization,
    attention,
    movement,
    kernel,
)

DFG_OPS = tuple(op for family in _FAMILIES for op in family.OPS)

DFG = Dialect("dfg", list(DFG_OPS), list(_ANNOTATION_ATTRIBUTES))

__all__ = [
    "DFG",
    "DFG_OPS",
    "ConstantOp",
    "IterationSpace",
    "StructuredOpInterface",
]
