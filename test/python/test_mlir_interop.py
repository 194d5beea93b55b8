"""dfc IR in upstream MLIR (issue 11): IRDL export, verification and round trip
through the MLIR Python bindings, upstream passes, and import of linalg / TOSA
modules checked on the reference interpreter against numpy formulas.

Skipped only when the bindings are missing (dfc's `mlir` extra, which
`utils/run-tests.sh` installs).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dfc
from dfc.dialects import make_context
from dfc.dialects.diagnostics import verify_module
from dfc.interop.mlir import mlir_available
from dfc.tools.mlir_io import SourceChunk, parse_chunk, print_module

if not mlir_available() and os.environ.get("CI"):
    # CI installs the `mlir` extra (utils/run-tests.sh): never skip there.
    raise RuntimeError("CI without the MLIR Python bindings (dfc[mlir])")

pytestmark = pytest.mark.skipif(
    not mlir_available(), reason="MLIR Python bindings not installed (dfc[mlir])"
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def parse(text: str, verify: bool = True):
    module, diagnostics = parse_chunk(
        make_context(), SourceChunk(text, "<test>", 0), verify=verify
    )
    assert module is not None, [d.format() for d in diagnostics]
    if verify:
        assert not diagnostics, [d.format() for d in diagnostics]
    return module


# -- provider detection -------------------------------------------------------


def test_find_mlir_reports_the_wheel_and_llvm_version():
    from dfc.interop.mlir import find_mlir

    provider = find_mlir()
    assert provider.kind == "wheel"
    assert provider.distribution.startswith("xtc-mlir-python-bindings 22.")
    assert re.fullmatch(r"22\.\d+\.\d+", provider.llvm_version)
    assert "MLIR Python bindings 22." in str(provider)


def test_an_llvm_build_on_pythonpath_is_reported_with_llvm_config(
    tmp_path, monkeypatch
):
    """No pip distribution owns the package: it is a user's build, whose
    version `<build>/bin/llvm-config --version` gives."""
    import dfc.interop.mlir as interop

    build = tmp_path / "build"
    package = build / "tools" / "mlir" / "python_packages" / "mlir_core" / "mlir"
    package.mkdir(parents=True)
    (build / "bin").mkdir()
    config = build / "bin" / "llvm-config"
    config.write_text("#!/bin/sh\necho 23.0.0git\n")
    config.chmod(0o755)
    assert interop._llvm_config_version(package) == "23.0.0git"
    assert interop._llvm_config_version(tmp_path / "elsewhere" / "mlir") == "unknown"

    monkeypatch.setattr(
        interop.importlib.metadata, "packages_distributions", lambda: {}
    )
    interop.find_mlir.cache_clear()
    try:
        provider = interop.find_mlir()
        assert provider.kind == "llvm-build"
        assert "LLVM build on PYTHONPATH" in str(provider)
    finally:
        interop.find_mlir.cache_clear()


def test_missing_bindings_give_a_clear_error(monkeypatch):
    import builtins

    import dfc.interop.mlir as interop

    real_import = builtins.__import__

    def no_mlir(name, *args, **kwargs):
        if name == "mlir" or name.startswith("mlir."):
            raise ImportError("No module named 'mlir'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mlir)
    with pytest.raises(interop.MlirUnavailableError, match=r"dfc\[mlir\]"):
        interop._import_mlir()


# -- IRDL export --------------------------------------------------------------


def test_irdl_loads_into_upstream_and_registers_every_op():
    from mlir import ir
    from mlir.dialects import irdl

    from dfc.dialects.dfg import DFG
    from dfc.dialects.su import SU
    from dfc.interop.irdl import export_irdl

    context = ir.Context()
    with context:
        irdl.load_dialects(ir.Module.parse(export_irdl()))
    for dialect in (DFG, SU):
        for op in dialect.operations:
            assert context.is_registered_operation(op.name), op.name


def test_irdl_says_what_it_does_not_check():
    from dfc.interop.irdl import export_irdl

    text = export_irdl()
    # dfg.transpose: `perm` is optional, so IRDL (no optional attributes)
    # cannot check it; su.section's traits are listed.
    assert "attribute 'perm' is optional: not checked" in text
    assert "IsolatedFromAbove, NoTerminator, SymbolOpInterface" in text
    # Required attributes are checked with their builtin base.
    match = re.search(r"irdl\.operation @concat \{(.*?)\n  \}", text, re.S)
    assert match is not None
    assert 'irdl.attributes {"axis" = %' in match.group(1)
    assert 'irdl.base "#builtin.integer"' in match.group(1)


def test_dfc_opt_emit_irdl_matches_the_library():
    from dfc.interop.irdl import export_irdl

    out = subprocess.run(
        [BIN / "dfc-opt", "--emit-irdl"], capture_output=True, text=True, check=True
    )
    assert out.stdout == export_irdl()


# -- verification and round trip -----------------------------------------------

KERNEL = """
func.func @main(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %r = dfg.kernel @main_k0 ins(%x : tensor<64x64xf32>) -> tensor<64x64xf32>
      attributes {tiers = [#dfg.tier<hbm, offset = 0, size = 16384>]} {
  ^bb0(%a: tensor<64x64xf32>):
    %y = dfg.relu %a {tile = #dfg.tile<[16, 64], par = 2>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
    dfg.yield %y : tensor<64x64xf32>
  }
  func.return %r : tensor<64x64xf32>
}
"""


def test_a_dfg_module_verifies_upstream_and_comes_back_unchanged():
    from dfc.interop.mlir import roundtrip

    module = parse(KERNEL)
    result = roundtrip(module)
    assert result.unchecked == []
    # The upstream form spells dfc attributes with IRDL parameters...
    assert "#dfg.tile<[16 : i64, 64 : i64], 2 : i64>" in result.sent
    assert '#dfg.tier<"hbm", 0 : i64, 16384 : i64>' in result.sent
    # ... and upstream printed the registered (not unknown) ops back.
    assert '"dfg.kernel"' in result.received
    assert "#dfg.tile<[16, 64], 2 : i64>" in result.received
    assert verify_module(result.module) == []
    tile = next(op for op in result.module.walk() if op.name == "dfg.relu")
    assert (
        tile.attributes["tile"]
        == next(op for op in module.walk() if op.name == "dfg.relu").attributes["tile"]
    )


def test_a_placed_and_routed_su_module_verifies_upstream():
    from dfc.interop.mlir import roundtrip

    text = (ROOT / "test/dialects/su/sn40l-program.mlir").read_text()
    module = parse(text)
    placed = [
        op
        for op in module.walk()
        if op.name.startswith("su.") and "at" in op.attributes
    ]
    assert placed, "the program must be placed"
    assert any("routes" in op.attributes for op in placed), "and routed"
    result = roundtrip(module)
    assert '!su.stream<"vector", f32>' in result.sent
    assert verify_module(result.module) == []


def test_a_malformed_dfg_op_is_rejected_by_dfc_and_by_upstream():
    from dfc.interop.mlir import UpstreamError, upstream_module

    module = parse(
        """func.func @f(%x: f32) -> f32 {
  %y = "dfg.relu"(%x) : (f32) -> f32
  func.return %y : f32
}""",
        verify=False,
    )
    assert "should be of base attribute tensor" in verify_module(module)[0].message
    with pytest.raises(UpstreamError, match="expected base type 'builtin.tensor'"):
        upstream_module(module)


def test_a_malformed_su_unit_is_rejected_by_dfc_and_by_upstream():
    from dfc.interop.mlir import UpstreamError, upstream_module

    text = (ROOT / "test/dialects/su/sn40l-program.mlir").read_text()
    generic = print_module(make_context(), parse(text), generic=True)
    broken = generic.replace("banks = 16 : i64", 'banks = "four"', 1)
    assert broken != generic
    module = parse(broken, verify=False)
    assert "should be of base attribute integer" in verify_module(module)[0].message
    with pytest.raises(
        UpstreamError, match="expected base attribute 'builtin.integer'"
    ):
        upstream_module(module)


def test_a_changed_round_trip_is_reported(monkeypatch):
    import dfc.interop.mlir as interop

    module = parse(KERNEL)
    real = interop.print_upstream
    monkeypatch.setattr(
        interop,
        "print_upstream",
        lambda m: real(m).replace("#dfg.tile<[16, 64]", "#dfg.tile<[16, 32]"),
    )
    with pytest.raises(interop.RoundTripMismatch, match=r"\[16, 32\]"):
        interop.roundtrip(module)


def test_mixed_type_variadics_travel_unchecked():
    """IRDL checks all values of a variadic group against one constraint
    variable (they must have one type): such ops travel unregistered."""
    from dfc.interop.mlir import roundtrip

    mixed = parse(
        """func.func @f(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %r = dfg.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  func.return %r : tensor<2x8xf32>
}"""
    )
    same = parse(
        """func.func @f(%a: tensor<2x3xf32>) -> tensor<2x6xf32> {
  %r = dfg.concat %a, %a {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  func.return %r : tensor<2x6xf32>
}"""
    )
    result = roundtrip(mixed)
    assert result.unchecked == ["dfg.concat"]
    assert '"dfc_upstream.dfg.concat"' in result.sent
    assert roundtrip(same).unchecked == []


def test_ops_unregistered_in_dfc_may_stay_unregistered_upstream():
    """`--allow-unregistered-dialect` input: its unknown ops go through as
    unknown ops; any other unregistered op upstream is an error."""
    from dfc.interop.mlir import roundtrip
    from dfc.interop.wire import UpstreamFormError, from_upstream

    text = """func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "test.op"(%x) ({
    "test.inner"() : () -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = dfg.relu %0 : (tensor<4xf32>) -> tensor<4xf32>
  func.return %1 : tensor<4xf32>
}"""
    module, diagnostics = parse_chunk(
        make_context(allow_unregistered=True), SourceChunk(text, "<test>", 0)
    )
    assert module is not None and not diagnostics
    result = roundtrip(module)
    assert '"test.inner"' in result.received
    with pytest.raises(UpstreamFormError, match="unregistered op 'test.op'"):
        from_upstream(result.received)


def test_dfc_opt_check_upstream_roundtrip_leaves_the_output_alone():
    path = ROOT / "examples" / "mlp.mlir"
    plain = subprocess.run(
        [BIN / "dfc-opt", path], capture_output=True, text=True, check=True
    )
    checked = subprocess.run(
        [BIN / "dfc-opt", path, "--check-upstream-roundtrip"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert checked.stdout == plain.stdout
    assert checked.stderr == ""


# -- upstream passes -------------------------------------------------------------


def test_upstream_canonicalize_and_cse_run_on_a_dfg_module():
    from dfc.interop.mlir import run_upstream_passes

    module = parse(
        """func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = arith.constant 2 : index
  %d = tensor.dim %x, %c : tensor<4x8xf32>
  %a = dfg.relu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %a : tensor<4x8xf32>
}"""
    )
    out = run_upstream_passes(module, "canonicalize,cse")
    names = [op.name for op in out.walk()]
    assert "tensor.dim" not in names and "arith.constant" not in names
    assert "dfg.relu" in names
    assert verify_module(out) == []
    x = np.arange(32, dtype=np.float32).reshape(4, 8) - 16
    np.testing.assert_array_equal(dfc.interpret(out, [x])[0], np.maximum(x, 0))


def test_unknown_upstream_pass_is_an_error():
    from dfc.interop.mlir import UpstreamError, run_upstream_passes

    with pytest.raises(UpstreamError):
        run_upstream_passes(parse(KERNEL), "no-such-pass")


# -- import of linalg and TOSA ----------------------------------------------------

LINALG = """
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#col = affine_map<(d0, d1) -> (d0)>
#one = affine_map<(d0, d1) -> (0, d1)>
func.func @main(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>,
                %s: tensor<1x16xf32>, %g: tensor<4xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %e0 = tensor.empty() : tensor<8x16xf32>
  %wt = linalg.transpose ins(%w : tensor<16x8xf32>) outs(%e0 : tensor<8x16xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %mm = linalg.matmul ins(%x, %wt : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %biased = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %0 = arith.addf %in, %in2 : f32
    linalg.yield %0 : f32
  } -> tensor<4x16xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #one, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%biased, %s, %g : tensor<4x16xf32>, tensor<1x16xf32>, tensor<4xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %in2: f32, %in3: f32, %out: f32):
    %0 = arith.mulf %in, %in2 : f32
    %1 = arith.subf %0, %in3 : f32
    linalg.yield %1 : f32
  } -> tensor<4x16xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%scaled : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %zero : f32
    %1 = arith.select %0, %in, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<4x16xf32>
  %t = linalg.tanh ins(%relu : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %sum = linalg.add ins(%t, %mm : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %acc = linalg.matmul ins(%x, %wt : tensor<4x8xf32>, tensor<8x16xf32>) outs(%sum : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %acc : tensor<4x16xf32>
}
"""


def test_a_linalg_matmul_and_elementwise_module_imports_and_runs():
    from dfc.interop.importer import import_mlir

    module = import_mlir(LINALG, "linalg.mlir")
    names = [op.name for op in module.walk() if op.name.startswith("dfg.")]
    assert names.count("dfg.matmul") == 2 and "dfg.where" in names
    rng = np.random.default_rng(7)
    x = rng.standard_normal((4, 8)).astype(np.float32)
    w = rng.standard_normal((16, 8)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    s = rng.standard_normal((1, 16)).astype(np.float32)
    g = rng.standard_normal(4).astype(np.float32)
    (got,) = dfc.interpret(module, [x, w, b, s, g])

    mm = np.einsum("ik,jk->ij", x.astype(np.float64), w.astype(np.float64))
    scaled = (mm + b) * s - g[:, None]
    relu = np.where(scaled > 0, scaled, 0.0)
    expected = np.tanh(relu) + mm + mm  # the last matmul accumulates into %sum
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_linalg_transposed_and_batch_matmuls_import():
    from dfc.interop.importer import import_mlir

    text = """
func.func @main(%a: tensor<3x5xf32>, %b: tensor<4x5xf32>, %p: tensor<2x3x5xf32>, %q: tensor<2x5x4xf32>) -> (tensor<3x4xf32>, tensor<2x3x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x4xf32>) -> tensor<3x4xf32>
  %m = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%a, %b : tensor<3x5xf32>, tensor<4x5xf32>) outs(%f : tensor<3x4xf32>) -> tensor<3x4xf32>
  %e3 = tensor.empty() : tensor<2x3x4xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %bm = linalg.batch_matmul ins(%p, %q : tensor<2x3x5xf32>, tensor<2x5x4xf32>) outs(%f3 : tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %m, %bm : tensor<3x4xf32>, tensor<2x3x4xf32>
}
"""
    module = import_mlir(text, "mm.mlir")
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    p, q = rng.standard_normal((2, 3, 5)), rng.standard_normal((2, 5, 4))
    inputs = [v.astype(np.float32) for v in (a, b, p, q)]
    m, bm = dfc.interpret(module, inputs)
    np.testing.assert_allclose(m, a @ b.T, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        bm, np.einsum("bik,bkj->bij", p, q), rtol=1e-5, atol=1e-5
    )


def dense(array: np.ndarray) -> str:
    shape = "x".join(str(d) for d in array.shape)
    return f"dense<{json.dumps(array.tolist())}> : tensor<{shape}xf32>"


def conv_nhwc(x, w_ohwi, bias, stride, pad):
    """Direct loops: out[n, i, j, o] = sum x_pad[n, i*s+kh, j*s+kw, c] w[o, kh, kw, c]."""
    top, bottom, left, right = pad
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    n, h, w_, c = xp.shape
    o, kh, kw, _ = w_ohwi.shape
    oh, ow = (h - kh) // stride + 1, (w_ - kw) // stride + 1
    out = np.zeros((n, oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * stride : i * stride + kh, j * stride : j * stride + kw, :]
            for oc in range(o):
                out[:, i, j, oc] = (patch * w_ohwi[oc]).sum(axis=(1, 2, 3)) + bias[oc]
    return out


def depthwise_nhwc(x, w_hwcm, bias):
    kh, kw, c, m = w_hwcm.shape
    n, h, w_, _ = x.shape
    out = np.zeros((n, h - kh + 1, w_ - kw + 1, c * m))
    for i in range(h - kh + 1):
        for j in range(w_ - kw + 1):
            for ch in range(c):
                for k in range(m):
                    out[:, i, j, ch * m + k] = (
                        x[:, i : i + kh, j : j + kw, ch] * w_hwcm[:, :, ch, k]
                    ).sum(axis=(1, 2)) + bias[ch * m + k]
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_a_tosa_conv_block_imports_and_runs(seed):
    from dfc.interop.importer import import_mlir

    rng = np.random.default_rng(seed)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)  # OHWI
    b = rng.standard_normal(4).astype(np.float32)
    dw = rng.standard_normal((3, 3, 4, 2)).astype(np.float32)  # KH KW C M
    db = rng.standard_normal(8).astype(np.float32)
    fc = rng.standard_normal((1, 8, 5)).astype(np.float32)
    text = f"""
func.func @main(%x: tensor<1x9x9x3xf32>) -> tensor<1x1x5xf32> {{
  %w = "tosa.const"() {{values = {dense(w)}}} : () -> tensor<4x3x3x3xf32>
  %b = "tosa.const"() {{values = {dense(b)}}} : () -> tensor<4xf32>
  %zp = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {{acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}} : (tensor<1x9x9x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x4xf32>
  %r = tosa.clamp %c {{min_val = 0.0 : f32, max_val = 6.0 : f32}} : (tensor<1x5x5x4xf32>) -> tensor<1x5x5x4xf32>
  %dw = "tosa.const"() {{values = {dense(dw)}}} : () -> tensor<3x3x4x2xf32>
  %db = "tosa.const"() {{values = {dense(db)}}} : () -> tensor<8xf32>
  %d = tosa.depthwise_conv2d %r, %dw, %db, %zp, %zp {{acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}} : (tensor<1x5x5x4xf32>, tensor<3x3x4x2xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x8xf32>
  %p = tosa.max_pool2d %d {{kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 3, 3>}} : (tensor<1x3x3x8xf32>) -> tensor<1x1x1x8xf32>
  %shape = tosa.const_shape {{values = dense<[1, 1, 8]> : tensor<3xindex>}} : () -> !tosa.shape<3>
  %flat = tosa.reshape %p, %shape : (tensor<1x1x1x8xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
  %fc = "tosa.const"() {{values = {dense(fc)}}} : () -> tensor<1x8x5xf32>
  %y = tosa.matmul %flat, %fc, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x5xf32>
  %s = tosa.sigmoid %y : (tensor<1x1x5xf32>) -> tensor<1x1x5xf32>
  return %s : tensor<1x1x5xf32>
}}
"""
    module = import_mlir(text, "block.tosa.mlir")
    x = rng.standard_normal((1, 9, 9, 3)).astype(np.float32)
    (got,) = dfc.interpret(module, [x])

    conv = np.clip(conv_nhwc(x, w, b, 2, (1, 1, 1, 1)), 0, 6)
    depth = depthwise_nhwc(conv, dw, db)
    pooled = depth.max(axis=(1, 2)).reshape(1, 1, 8)
    expected = 1 / (1 + np.exp(-(pooled @ fc)))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_unsupported_ops_are_all_listed_with_locations():
    from dfc.interop.importer import MlirImportError, import_mlir

    text = """func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.argmax %x {axis = 0 : i32} : (tensor<4xf32>) -> tensor<i32>
  %1 = tosa.sin %x : (tensor<4xf32>) -> tensor<4xf32>
  %2 = tosa.exp %1 : (tensor<4xf32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}"""
    with pytest.raises(MlirImportError) as info:
        import_mlir(text, "m.mlir")
    message = str(info.value)
    assert "cannot import 2 op(s)" in message
    assert "m.mlir:2:8: error: 'tosa.argmax': no dfg mapping" in message
    assert "m.mlir:3:8: error: 'tosa.sin': no dfg mapping" in message
    # tosa.exp maps; it is not reported again for using tosa.sin's result.
    assert "tosa.exp" not in message


def test_cmpf_predicates_keep_their_nan_semantics():
    """Ordered predicates are false on NaN, unordered ones true (MLIR)."""
    from dfc.interop.importer import import_mlir

    predicates = ["oeq", "ogt", "oge", "olt", "ole", "one"]
    predicates += ["ueq", "ugt", "uge", "ult", "ule", "une"]
    body = "\n".join(
        f"""  %r{i} = linalg.generic {{indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}}
      ins(%a, %b : tensor<6xf32>, tensor<6xf32>) outs(%e : tensor<6xi1>) {{
  ^bb0(%x: f32, %y: f32, %o: i1):
    %c = arith.cmpf {p}, %x, %y : f32
    linalg.yield %c : i1
  }} -> tensor<6xi1>"""
        for i, p in enumerate(predicates)
    )
    results = ", ".join(f"%r{i}" for i in range(len(predicates)))
    types = ", ".join(["tensor<6xi1>"] * len(predicates))
    text = f"""#id = affine_map<(d0) -> (d0)>
func.func @main(%a: tensor<6xf32>, %b: tensor<6xf32>) -> ({types}) {{
  %e = tensor.empty() : tensor<6xi1>
{body}
  return {results} : {types}
}}"""
    module = import_mlir(text, "cmp.mlir")
    nan = np.float32("nan")
    a = np.array([1, 2, 3, nan, 1, nan], np.float32)
    b = np.array([2, 2, 1, 1, nan, nan], np.float32)
    got = dfc.interpret(module, [a, b])
    unordered = np.isnan(a) | np.isnan(b)
    with np.errstate(invalid="ignore"):
        ordered = {
            "eq": a == b, "gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b,
            "ne": (a != b) & ~unordered,
        }  # fmt: skip
    for p, value in zip(predicates, got):
        expected = ordered[p[1:]] | unordered if p[0] == "u" else ordered[p[1:]]
        np.testing.assert_array_equal(value, expected, err_msg=p)


def test_invalid_upstream_input_is_reported_by_upstream():
    from dfc.interop.importer import import_mlir
    from dfc.interop.mlir import UpstreamError

    with pytest.raises(UpstreamError, match="bad.mlir"):
        import_mlir("func.func @f(%x: tensor<4xf32>) { %0 = tosa.exp %x }", "bad.mlir")


def test_import_mlir_reads_a_path_and_reports_it():
    path = ROOT / "test" / "interop" / "import-tosa.mlir"
    module = dfc.import_mlir(path)
    assert [op.name for op in module.walk() if op.name == "dfg.conv2d"]
    from_text = dfc.import_mlir(path.read_text())
    from_str_path = dfc.import_mlir(str(path))
    expected = print_module(make_context(), module)
    assert print_module(make_context(), from_text) == expected
    assert print_module(make_context(), from_str_path) == expected
    unsupported = ROOT / "test" / "interop" / "import-unsupported.mlir"
    from dfc.interop.importer import MlirImportError

    with pytest.raises(MlirImportError, match="import-unsupported.mlir:15:8"):
        dfc.import_mlir(unsupported)


def test_tosa_pooling_reduction_concat_transpose_and_cast_import():
    text = (
        "func.func @main(%x: tensor<1x5x5x2xf32>, %y: tensor<1x5x5x3xf32>) -> "
        "(tensor<1x3x3x2xf32>, tensor<1x1x5x2xf32>, tensor<1x5x5x5xf32>, "
        "tensor<2x5x5x1xf32>, tensor<1x5x5x2xbf16>) {\n"
        """  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %a = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x5x5x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  %r = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<1x5x5x2xf32>) -> tensor<1x1x5x2xf32>
  %c = tosa.concat %x, %y {axis = 3 : i32} : (tensor<1x5x5x2xf32>, tensor<1x5x5x3xf32>) -> tensor<1x5x5x5xf32>
  %t = tosa.transpose %x {perms = array<i32: 3, 1, 2, 0>} : (tensor<1x5x5x2xf32>) -> tensor<2x5x5x1xf32>
  %k = tosa.cast %x : (tensor<1x5x5x2xf32>) -> tensor<1x5x5x2xbf16>
  return %a, %r, %c, %t, %k : tensor<1x3x3x2xf32>, tensor<1x1x5x2xf32>, tensor<1x5x5x5xf32>, tensor<2x5x5x1xf32>, tensor<1x5x5x2xbf16>
}"""
    )
    module = dfc.import_mlir(text)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, 5, 5, 2)).astype(np.float32)
    y = rng.standard_normal((1, 5, 5, 3)).astype(np.float32)
    a, r, c, t, k = dfc.interpret(module, [x, y])
    # TOSA's average excludes the padding: NaN padding + nanmean.
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), constant_values=np.nan)
    pooled = np.zeros((1, 3, 3, 2))
    for i in range(3):
        for j in range(3):
            window = padded[0, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3, :]
            pooled[0, i, j] = np.nanmean(window.reshape(-1, 2), axis=0)
    np.testing.assert_allclose(a, pooled, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(r, x.sum(axis=1, keepdims=True), rtol=1e-6)
    np.testing.assert_array_equal(c, np.concatenate([x, y], axis=3))
    np.testing.assert_array_equal(t, x.transpose(3, 1, 2, 0))
    np.testing.assert_array_equal(
        k.astype(np.float32), x.astype(k.dtype).astype(np.float32)
    )


def test_tosa_float_to_int_cast_is_refused():
    from dfc.interop.importer import MlirImportError

    text = """func.func @main(%x: tensor<4xf32>) -> tensor<4xi32> {
  %k = tosa.cast %x : (tensor<4xf32>) -> tensor<4xi32>
  return %k : tensor<4xi32>
}"""
    with pytest.raises(MlirImportError, match="TOSA rounds, dfg.cast truncates"):
        dfc.import_mlir(text, "cast.mlir")
