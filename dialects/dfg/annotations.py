"""Attributes that graph-level passes attach to dfg IR: tiles and memory tiers.

- `#dfg.tile<[t0, t1, ...], par = P>` — written by `dfg-tile` on every op inside
  a `dfg.kernel` (attribute name `tile`): one tile extent per loop of the op's
  iteration space (same order as `iteration_space()`) and the number of compute
  units the op is spread over.
- `#dfg.tier<hbm, offset = 4096, size = 1024>` — written by `dfg-place-memory`
  on every tensor that crosses a kernel boundary and on every weight: the memory
  tier (`sram`, `hbm` or `ddr`) and the byte range after allocation.

DESIGN.md spells the tier attribute `#dfc.tier<...>`; xDSL attributes live in a
dialect namespace and dfc has no `dfc` dialect, so it is `#dfg.tier<...>`
(recorded in `docs/cost-model.md`).

```mlir
%r = dfg.kernel @main_k0 ins(%x : tensor<64x64xf32>) -> tensor<64x64xf32>
    attributes {tiers = [#dfg.tier<hbm, offset = 0, size = 16384>]} {
^bb0(%a: tensor<64x64xf32>):
  %y = dfg.relu %a {tile = #dfg.tile<[16, 64], par = 2>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  dfg.yield %y : tensor<64x64xf32>
}
```
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import ArrayAttr, IntAttr, StringAttr
from xdsl.ir import Attribute, ParametrizedAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

TIER_NAMES = ("sram", "hbm", "ddr")
"""The memory tiers, fastest first (the chip model's `TIERS`)."""

TILE_ATTR = "tile"
"""Name of the `#dfg.tile` attribute on ops inside a kernel."""
TIER_ATTR = "tier"
"""Name of the `#dfg.tier` attribute on a `dfg.constant` (a weight) and, as
`dfg.tier`, on a function argument."""
TIERS_ATTR = "tiers"
"""Name of the array of `#dfg.tier`, one per result, on a `dfg.kernel`."""


@irdl_attr_definition
class TileAttr(ParametrizedAttribute):
    """Tile extent per loop and parallelism of one op: `#dfg.tile<[8, 32], par = 2>`."""

    name = "dfg.tile"

    sizes: ArrayAttr[IntAttr]
    """One tile extent per loop of the op's iteration space (>= 1)."""
    parallelism: IntAttr
    """Compute units the op is spread over (>= 1; 0 for ops that need none)."""

    def __init__(self, sizes: Sequence[int], parallelism: int) -> None:
        super().__init__(ArrayAttr([IntAttr(s) for s in sizes]), IntAttr(parallelism))

    @property
    def tile(self) -> tuple[int, ...]:
        return tuple(s.data for s in self.sizes.data)

    @property
    def par(self) -> int:
        return self.parallelism.data

    def verify(self) -> None:
        if any(s < 1 for s in self.tile):
            raise VerifyException(f"tile sizes must be >= 1, got {list(self.tile)}")
        if self.par < 0:
            raise VerifyException(f"parallelism must be >= 0, got {self.par}")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> list[Attribute]:
        with parser.in_angle_brackets():
            sizes = parser.parse_comma_separated_list(
                parser.Delimiter.SQUARE, parser.parse_integer
            )
            parser.parse_punctuation(",")
            parser.parse_keyword("par")
            parser.parse_punctuation("=")
            par = parser.parse_integer()
        return [ArrayAttr([IntAttr(s) for s in sizes]), IntAttr(par)]

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<[{', '.join(map(str, self.tile))}], par = {self.par}>")


@irdl_attr_definition
class TierAttr(ParametrizedAttribute):
    """Memory tier and byte range of a tensor: `#dfg.tier<hbm, offset = 0, size = 64>`."""

    name = "dfg.tier"

    tier: StringAttr
    """`sram`, `hbm` or `ddr`."""
    offset: IntAttr
    """Byte offset in the tier (aligned; see `dfg-place-memory`)."""
    size: IntAttr
    """Bytes allocated (the tensor's size rounded up to the alignment)."""

    def __init__(self, tier: str, offset: int, size: int) -> None:
        super().__init__(StringAttr(tier), IntAttr(offset), IntAttr(size))

    def verify(self) -> None:
        if self.tier.data not in TIER_NAMES:
            raise VerifyException(
                f"unknown memory tier '{self.tier.data}'; tiers: {', '.join(TIER_NAMES)}"
            )
        if self.offset.data < 0 or self.size.data < 0:
            raise VerifyException("tier offset and size must be >= 0")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> list[Attribute]:
        with parser.in_angle_brackets():
            tier = parser.parse_identifier()
            values: dict[str, int] = {}
            for key in ("offset", "size"):
                parser.parse_punctuation(",")
                parser.parse_keyword(key)
                parser.parse_punctuation("=")
                values[key] = parser.parse_integer()
        return [StringAttr(tier), IntAttr(values["offset"]), IntAttr(values["size"])]

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(
            f"<{self.tier.data}, offset = {self.offset.data}, size = {self.size.data}>"
        )


ATTRIBUTES = (TileAttr, TierAttr)
