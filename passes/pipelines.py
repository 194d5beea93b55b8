"""The named pass pipelines: the one place that lists them, in order, by pass name.

`DEFAULT_PIPELINE` is the graph-level part of `dfc-compile`'s pipeline;
`dfg-compile-graph{chip=... strategy=...}` runs it as one pass in `dfc-opt`:

```
dfc-opt model.mlir -p 'dfg-compile-graph{chip=tiny strategy=greedy}'
```
"""

# No `from __future__ import annotations`: xDSL reads option types from fields.
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.passes import ModulePass

DEFAULT_PIPELINE = (
    "canonicalize",
    "cse",
    "dfg-fuse{strategy=greedy}",
    "dfg-tile",
    "dfg-place-memory",
)
"""The graph-level pipeline, in order; chip-dependent passes get `chip=` added."""

CHIP_PASSES = ("dfg-fuse", "dfg-tile", "dfg-place-memory")


def graph_pipeline(chip: str = "sn40l", strategy: str = "greedy") -> str:
    """`DEFAULT_PIPELINE` as a pipeline string for `chip` and fusion `strategy`."""
    parts: list[str] = []
    for spec in DEFAULT_PIPELINE:
        name = spec.split("{", 1)[0]
        if name == "dfg-fuse":
            spec = f"dfg-fuse{{strategy={strategy} chip={chip}}}"
        elif name in CHIP_PASSES:
            spec = f"{name}{{chip={chip}}}"
        parts.append(spec)
    return ",".join(parts)


@dataclass(frozen=True)
class DfgCompileGraphPass(ModulePass):
    """Run `DEFAULT_PIPELINE` (canonicalize, cse, dfg-fuse, dfg-tile,
    dfg-place-memory) for one chip and fusion strategy."""

    name = "dfg-compile-graph"

    chip: str = "sn40l"
    """Chip preset name or TOML path."""
    strategy: str = "greedy"
    """Fusion strategy: `none`, `greedy` or `optimal`."""

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        from . import PASSES

        for spec in graph_pipeline(self.chip, self.strategy).split(","):
            name, _, options = spec.partition("{")
            cls = PASSES[name]()
            kwargs: dict[str, str] = {}
            for item in options.rstrip("}").split():
                key, _, value = item.partition("=")
                kwargs[key.replace("-", "_")] = value
            cls(**kwargs).apply(ctx, op)  # pyright: ignore[reportCallIssue]
