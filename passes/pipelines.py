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
    "dfg-recognize-attention",
    "dfg-pad-attention",
    "dfg-fuse{strategy=greedy}",
    "dfg-tile",
    "dfg-place-memory",
)
"""The graph-level pipeline, in order; chip-dependent passes get `chip=` added."""

CHIP_PASSES = ("dfg-pad-attention", "dfg-fuse", "dfg-tile", "dfg-place-memory")

LOWERING_PIPELINE = (
    "convert-dfg-to-su",
    "su-partition",
    "su-place",
    "su-route",
    "su-check-routes",
    "su-emit-bitstream",
)
"""From fused, tiled dfg to a bitstream, in order (chip passes get `chip=`,
`su-place` its `seed=`, `su-emit-bitstream` its `output=`)."""

COMPILE_PIPELINE = DEFAULT_PIPELINE + LOWERING_PIPELINE
"""`dfc-compile`'s whole pipeline after the import, in order: the graph passes,
the lowering to su, partitioning, placement, routing, the route check and the
emission. `dfc.compile` and `dfc-compile` run exactly this list."""

SU_CHIP_PASSES = ("convert-dfg-to-su", "su-partition", "su-place", "su-route")


def compile_pipeline(
    chip: str = "sn40l", strategy: str = "greedy", seed: int = 0, output: str = ""
) -> list[tuple[str, dict[str, str | int]]]:
    """`COMPILE_PIPELINE` as (pass name, options) pairs for `chip`, fusion
    `strategy`, placement `seed` and bitstream `output` (empty: the caller
    takes the bytes from `su_emit_bitstream.emit_bitstream`)."""
    passes: list[tuple[str, dict[str, str | int]]] = []
    for spec in COMPILE_PIPELINE:
        name = spec.split("{", 1)[0]
        options: dict[str, str | int] = {}
        if name == "dfg-fuse":
            options = {"strategy": strategy, "chip": chip}
        elif name in CHIP_PASSES or name in SU_CHIP_PASSES:
            options = {"chip": chip}
        if name == "su-place":
            options["seed"] = seed
        if name == "su-emit-bitstream" and output:
            options["output"] = output
        passes.append((name, options))
    return passes


def pipeline_text(passes: list[tuple[str, dict[str, str | int]]]) -> str:
    """The `dfc-opt -p` spelling of (pass name, options) pairs; strings that are
    not plain words (paths) are quoted, as xDSL's pipeline parser requires."""
    parts: list[str] = []
    for name, options in passes:
        items = []
        for key, value in options.items():
            text = str(value)
            if isinstance(value, str) and not text.replace("-", "").isalnum():
                text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
            items.append(f"{key}={text}")
        parts.append(f"{name}{{{' '.join(items)}}}" if items else name)
    return ",".join(parts)


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
    """Run `DEFAULT_PIPELINE` (canonicalize, cse, dfg-recognize-attention,
    dfg-fuse, dfg-tile, dfg-place-memory) for one chip and fusion strategy.

    ```mlir
    // before
    %y = dfg.relu %x : (tensor<8xf32>) -> tensor<8xf32>
    // after dfg-compile-graph{chip=tiny}
    func.func @main(%x: tensor<8xf32> {dfg.tier = #dfg.tier<hbm, offset = 0, size = 32>}) ...
      %y = dfg.kernel @main_k0 ins(%x : tensor<8xf32>) -> tensor<8xf32>
          attributes {tiers = [#dfg.tier<hbm, offset = 32, size = 32>]} {
        %r = dfg.relu %a {tile = #dfg.tile<[8], par = 1>} : ...
    ```
    """

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
