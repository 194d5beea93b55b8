"""Estimated time of `dfg-fuse` strategies on real blocks imported from ONNX.

    python -m bench fusion-blocks [--chip sn40l] [--tokens 128] [--width 768]

Builds three ONNX models with `onnx.helper` (random weights, no download), in
the form exporters emit them:

- a GPT-2 block (pre-norm; fused QKV projection, heads split with
  Reshape/Transpose, `MatMul(Q, Transpose(K)) / sqrt(d)`, a causal `Where`
  whose condition is built in the graph from `Trilu`, `Softmax`, `MatMul V`,
  tanh-GELU MLP, residuals),
- a BERT encoder layer (post-norm; torch-dynamo style attention: Q and K^T
  each multiplied by `sqrt(scale)`, an additive padding mask input, the
  `IsNaN`/`Where` guard after `Softmax`; erf-GELU feed-forward),
- a ResNet bottleneck block (1x1, 3x3, 1x1 convolutions with batch norm and
  ReLU, identity shortcut),

imports each with `dfc.import_onnx`, runs the default graph pipeline
(`canonicalize, cse, dfg-recognize-attention, dfg-fuse{strategy=S}, dfg-tile,
dfg-place-memory`) for `none`, `greedy` and `optimal`, and prints the kernels,
the estimated time (the cost model's sum over kernels), the ratio to `none`
and the wall time of the passes. The builders are also used by the tests.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

F32_MIN = float(np.finfo(np.float32).min)


class _Graph:
    """A small helper around `onnx.helper` that names nodes and initializers."""

    def __init__(self, seed: int = 0) -> None:
        from onnx import helper

        self.helper = helper
        self.nodes: list = []
        self.inits: list = []
        self.rng = np.random.default_rng(seed)
        self.count = 0

    def name(self, hint: str) -> str:
        self.count += 1
        return f"{hint}_{self.count}"

    def const(self, array: np.ndarray, hint: str = "c") -> str:
        from onnx import numpy_helper

        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, *shape: int, scale: float | None = None) -> str:
        scale = scale if scale is not None else 1.0 / math.sqrt(shape[0])
        return self.const(
            (self.rng.standard_normal(shape) * scale).astype(np.float32), "w"
        )

    def op(
        self, op_type: str, *inputs: str, outputs: int = 1, **attrs
    ) -> str | list[str]:
        names = [self.name(op_type.lower()) for _ in range(outputs)]
        self.nodes.append(
            self.helper.make_node(
                op_type, list(inputs), names, name=self.name(op_type), **attrs
            )
        )
        return names[0] if outputs == 1 else names

    def model(self, inputs: list, outputs: list, opset: int = 17):
        from onnx import helper

        graph = helper.make_graph(self.nodes, "block", inputs, outputs, self.inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def _layer_norm(g: _Graph, x: str, width: int) -> str:
    return g.op(  # pyright: ignore[reportReturnType]
        "LayerNormalization",
        x,
        g.const(np.ones(width, np.float32), "gamma"),
        g.const(np.zeros(width, np.float32), "beta"),
        axis=-1,
        epsilon=1e-5,
    )


def _heads(g: _Graph, x: str, tokens: int, heads: int, dh: int, perm: list[int]) -> str:
    shaped = g.op("Reshape", x, g.const(np.array([1, tokens, heads, dh], np.int64)))
    return g.op("Transpose", shaped, perm=perm)  # pyright: ignore[reportReturnType]


def _merge_heads(g: _Graph, x: str, tokens: int, width: int) -> str:
    t = g.op("Transpose", x, perm=[0, 2, 1, 3])
    return g.op("Reshape", t, g.const(np.array([1, tokens, width], np.int64)))  # pyright: ignore


def gpt2_block(
    tokens: int = 128,
    width: int = 768,
    heads: int = 12,
    seed: int = 0,
    window: int | None = None,
):
    """One GPT-2 decoder block as an ONNX model: input `x` `[1, tokens, width]`.
    With `window`, the causal mask is a sliding window: query `i` sees keys
    `i - window < j <= i` (Mistral-style local attention)."""
    from onnx import TensorProto, helper

    g = _Graph(seed)
    dh = width // heads
    x = "x"
    h = _layer_norm(g, x, width)
    qkv = g.op("Add", g.op("MatMul", h, g.weight(width, 3 * width)),
               g.const(np.zeros(3 * width, np.float32), "b"))  # fmt: skip
    q, k, v = g.op(
        "Split", qkv, g.const(np.array([width] * 3, np.int64)), axis=-1, outputs=3
    )
    q = _heads(g, q, tokens, heads, dh, [0, 2, 1, 3])
    kt = _heads(g, k, tokens, heads, dh, [0, 2, 3, 1])
    v = _heads(g, v, tokens, heads, dh, [0, 2, 1, 3])
    scores = g.op("Div", g.op("MatMul", q, kt), g.const(np.float32(math.sqrt(dh))))
    # The causal condition, built in the graph as exporters do (the lower
    # triangle of a tensor of `true`), not a tokens x tokens initializer.
    ones = g.op(
        "ConstantOfShape",
        g.const(np.array([tokens, tokens], np.int64)),
        value=helper.make_tensor("one", TensorProto.BOOL, [1], [True]),
    )
    causal = g.op("Trilu", ones, upper=0)
    if window is not None:
        # drop the keys at least `window` behind: tril(ones, -window)
        far = g.op("Trilu", ones, g.const(np.array(-window, np.int64)), upper=0)
        causal = g.op("And", causal, g.op("Not", far))
    masked = g.op("Where", causal, scores, g.const(np.float32(F32_MIN)))
    probs = g.op("Softmax", masked, axis=-1)
    attn = _merge_heads(g, g.op("MatMul", probs, v), tokens, width)
    proj = g.op("Add", g.op("MatMul", attn, g.weight(width, width)),
                g.const(np.zeros(width, np.float32), "b"))  # fmt: skip
    r = g.op("Add", x, proj)
    m = _layer_norm(g, r, width)
    up = g.op("MatMul", m, g.weight(width, 4 * width))
    # GPT-2's tanh GELU: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    cube = g.op(
        "Mul", g.op("Pow", up, g.const(np.float32(3.0))), g.const(np.float32(0.044715))
    )
    inner = g.op(
        "Mul", g.op("Add", up, cube), g.const(np.float32(math.sqrt(2 / math.pi)))
    )
    gelu = g.op("Mul", g.op("Mul", up, g.const(np.float32(0.5))),
                g.op("Add", g.op("Tanh", inner), g.const(np.float32(1.0))))  # fmt: skip
    down = g.op("MatMul", gelu, g.weight(4 * width, width))
    y = g.op("Add", r, down)
    return g.model(
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, tokens, width])],
        [helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, tokens, width])],
    )


def bert_layer(tokens: int = 128, width: int = 768, heads: int = 12, seed: int = 1):
    """One BERT encoder layer: inputs `x` `[1, tokens, width]` and an additive
    padding mask `bias` `[1, 1, 1, tokens]`."""
    from onnx import TensorProto, helper

    g = _Graph(seed)
    dh = width // heads
    x = "x"

    def dense(a: str, n_in: int, n_out: int) -> str:
        return g.op("Add", g.op("MatMul", a, g.weight(n_in, n_out)),  # pyright: ignore
                    g.const(np.zeros(n_out, np.float32), "b"))  # fmt: skip

    q = _heads(g, dense(x, width, width), tokens, heads, dh, [0, 2, 1, 3])
    kt = _heads(g, dense(x, width, width), tokens, heads, dh, [0, 2, 3, 1])
    v = _heads(g, dense(x, width, width), tokens, heads, dh, [0, 2, 1, 3])
    root = g.const(np.float32(dh**-0.25))
    scores = g.op("MatMul", g.op("Mul", q, root), g.op("Mul", kt, root))
    probs = g.op("Softmax", g.op("Add", scores, "bias"), axis=-1)
    guarded = g.op("Where", g.op("IsNaN", probs), g.const(np.float32(0.0)), probs)
    attn = _merge_heads(g, g.op("MatMul", guarded, v), tokens, width)
    h = _layer_norm(g, g.op("Add", dense(attn, width, width), x), width)
    up = dense(h, width, 4 * width)
    erf = g.op("Erf", g.op("Div", up, g.const(np.float32(math.sqrt(2.0)))))
    gelu = g.op("Mul", g.op("Mul", up, g.op("Add", erf, g.const(np.float32(1.0)))),
                g.const(np.float32(0.5)))  # fmt: skip
    y = _layer_norm(g, g.op("Add", dense(gelu, 4 * width, width), h), width)
    return g.model(
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, tokens, width]),
            helper.make_tensor_value_info("bias", TensorProto.FLOAT, [1, 1, 1, tokens]),
        ],
        [helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, tokens, width])],
    )


def resnet_bottleneck(
    channels: int = 256, mid: int = 64, size: int = 56, seed: int = 2
):
    """A ResNet-50 bottleneck block (identity shortcut): input `x`
    `[1, channels, size, size]`."""
    from onnx import TensorProto, helper

    g = _Graph(seed)

    def conv_bn(a: str, c_in: int, c_out: int, k: int, relu: bool) -> str:
        w = g.weight(c_out, c_in, k, k, scale=1.0 / math.sqrt(c_in * k * k))
        y = g.op("Conv", a, w, pads=[k // 2] * 4, kernel_shape=[k, k])
        y = g.op(
            "BatchNormalization",
            y,
            g.const(g.rng.uniform(0.5, 1.5, c_out).astype(np.float32), "gamma"),
            g.const(g.rng.uniform(-0.1, 0.1, c_out).astype(np.float32), "beta"),
            g.const(g.rng.uniform(-0.1, 0.1, c_out).astype(np.float32), "mean"),
            g.const(g.rng.uniform(0.5, 1.5, c_out).astype(np.float32), "var"),
            epsilon=1e-5,
        )
        return g.op("Relu", y) if relu else y  # pyright: ignore[reportReturnType]

    y = conv_bn("x", channels, mid, 1, True)
    y = conv_bn(y, mid, mid, 3, True)
    y = conv_bn(y, mid, channels, 1, False)
    out = g.op("Relu", g.op("Add", y, "x"))
    shape = [1, channels, size, size]
    return g.model(
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, shape)],
    )


def compile_graph(model, chip: str, strategy: str):
    """Import `model` and run the default graph pipeline; returns the module
    and the passes' wall time."""
    import dfc
    from dfc.passes import PASSES
    from dfc.passes.pipelines import graph_pipeline

    module = dfc.import_onnx(model)
    ctx = dfc.make_context()
    start = time.perf_counter()
    for spec in graph_pipeline(chip, strategy).split(","):
        name, _, options = spec.partition("{")
        kwargs = dict(item.partition("=")[::2] for item in options.rstrip("}").split())
        kwargs = {k.replace("-", "_"): v for k, v in kwargs.items()}
        PASSES[name]()(**kwargs).apply(ctx, module)  # pyright: ignore[reportCallIssue]
    return module, time.perf_counter() - start


BLOCKS = {
    "gpt2-block": lambda t, w: gpt2_block(t, w, max(1, w // 64)),
    "bert-layer": lambda t, w: bert_layer(t, w, max(1, w // 64)),
    "resnet-bottleneck": lambda t, w: resnet_bottleneck(),
}


def main(argv: list[str] | None = None) -> int:
    import dfc
    from dfc.backends.cost import kernel_report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chip", default="sn40l")
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--width", type=int, default=768)
    args = parser.parse_args(argv)
    chip = dfc.load_chip(args.chip)
    print(
        f"chip {chip.name}, f32; transformer blocks {args.tokens} tokens x "
        f"{args.width} wide; ResNet bottleneck 256 -> 64 -> 256 channels, 56 x 56"
    )
    print(
        f"{'block':<18} {'strategy':<8} {'kernels':>7} {'est. us':>10} "
        f"{'off-chip MB':>11} {'vs none':>8} {'pass s':>7}  fusion"
    )
    status = 0
    for name, build in BLOCKS.items():
        model = build(args.tokens, args.width)
        baseline = None
        for strategy in ("none", "greedy", "optimal"):
            module, elapsed = compile_graph(model, args.chip, strategy)
            rows = kernel_report(module, chip)
            seconds = sum(r.seconds for r in rows)
            baseline = baseline or seconds
            ratio = baseline / seconds
            if strategy != "none" and ratio <= 1.0:
                status = 1
            label = next(
                (
                    op.attributes["dfg.fusion"].data  # pyright: ignore
                    for op in module.walk()
                    if "dfg.fusion" in op.attributes
                ),
                strategy,
            )
            print(
                f"{name:<18} {strategy:<8} {len(rows):>7} {seconds * 1e6:>10.2f} "
                f"{sum(r.offchip_bytes for r in rows) / 1e6:>11.2f} "
                f"{ratio:>7.2f}x {elapsed:>7.2f}  {label}"
            )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
