"""`dense_resource` blobs: bit-exact round trips through the text form, handles
shared between files, and blobs without data."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects.builtin import DenseResourceAttr

import dfc
from dfc.dialects import make_context
from dfc.dialects.resources import (
    BLOBS,
    MissingBlobError,
    decode_blob,
    encode_blob,
)
from dfc.tools.mlir_io import SourceChunk, parse_chunk, print_module

ROOT = Path(__file__).resolve().parents[2]


def blob_hex(array: np.ndarray, alignment: int = 64) -> str:
    """MLIR's blob text, written here independently of dfc's encoder."""
    return "0x" + struct.pack("<I", alignment).hex() + array.tobytes().hex()


def chain_module(
    arrays: list[np.ndarray], handles: list[str], width: int, mlir_type: str = "f32"
) -> str:
    """`x -> (x * w0 + w1) -> relu -> ...`: 2 constants and 3 ops per pair."""
    t = f"tensor<{width}x{mlir_type}>"
    lines = [f"func.func @main(%x: {t}) -> {t} {{"]
    value = "%x"
    for index, handle in enumerate(handles):
        lines.append(f"  %c{index} = dfg.constant dense_resource<{handle}> : {t}")
    for layer in range(len(handles) // 2):
        w, b = f"%c{2 * layer}", f"%c{2 * layer + 1}"
        lines += [
            f"  %m{layer} = dfg.mul {value}, {w} : ({t}, {t}) -> {t}",
            f"  %a{layer} = dfg.add %m{layer}, {b} : ({t}, {t}) -> {t}",
            f"  %r{layer} = dfg.relu %a{layer} : ({t}) -> {t}",
        ]
        value = f"%r{layer}"
    lines += [f"  func.return {value} : {t}", "}", "{-#", "  dialect_resources: {"]
    lines.append("    builtin: {")
    entries = [
        f'      {h}: "{blob_hex(a)}"' for h, a in zip(handles, arrays, strict=True)
    ]
    lines.append(",\n".join(entries))
    lines += ["    }", "  }", "#-}", ""]
    return "\n".join(lines)


def constant_bytes(module) -> list[bytes | None]:
    result = []
    for op in module.walk():
        value = op.attributes.get("value")
        if op.name == "dfg.constant" and isinstance(value, DenseResourceAttr):
            result.append(BLOBS.get(value.resource_handle.data))
    return result


def parse(text: str, name: str = "<test>"):
    ctx = make_context()
    module, diagnostics = parse_chunk(ctx, SourceChunk(text, name, 0))
    assert not diagnostics, "\n".join(d.format() for d in diagnostics)
    assert module is not None
    return ctx, module


def test_small_round_trip_is_bit_exact():
    """50 dfg ops carrying 2 MB of weights: parse, print, parse again."""
    rng = np.random.default_rng(1234)
    layers, width = 10, 2_000_000 // (20 * 4)
    arrays = [rng.standard_normal(width, dtype=np.float32) for _ in range(2 * layers)]
    # Include the awkward values: NaN payloads, infinities, signed zero.
    arrays[0][:4] = np.array([np.nan, np.inf, -np.inf, -0.0], dtype=np.float32)
    arrays[1][:1] = np.frombuffer(b"\x01\x00\xc0\x7f", dtype=np.float32)
    handles = [f"rt_small_{i}" for i in range(2 * layers)]
    text = chain_module(arrays, handles, width)

    ctx, module = parse(text)
    assert sum(op.name.startswith("dfg.") for op in module.walk()) == 50
    assert constant_bytes(module) == [a.tobytes() for a in arrays]

    printed = print_module(ctx, module)
    ctx2, module2 = parse(printed)
    assert constant_bytes(module2) == [a.tobytes() for a in arrays]
    assert print_module(ctx2, module2) == printed

    # The interpreter reads the same bytes.
    x = rng.standard_normal(width, dtype=np.float32)
    expected = x
    for layer in range(layers):
        expected = np.maximum(expected * arrays[2 * layer] + arrays[2 * layer + 1], 0)
    [result] = dfc.interpret(module2, [x])
    np.testing.assert_array_equal(result[4:], expected[4:])


@pytest.mark.parametrize(
    ("mlir_type", "dtype"),
    [("i8", np.int8), ("i64", np.int64), ("f16", np.float16), ("i32", np.int32)],
)
def test_round_trip_other_element_types(mlir_type, dtype):
    rng = np.random.default_rng(7)
    data = rng.integers(-100, 100, size=16).astype(dtype)
    handle = f"rt_{mlir_type}"
    t = f"tensor<16x{mlir_type}>"
    text = (
        f"func.func @main() -> {t} {{\n"
        f"  %c = dfg.constant dense_resource<{handle}> : {t}\n"
        f"  func.return %c : {t}\n}}\n"
        f'{{-#\n  dialect_resources: {{\n    builtin: {{\n      {handle}: "{blob_hex(data)}"\n'
        "    }\n  }\n#-}\n"
    )
    module = dfc.parse_mlir(text)
    [result] = dfc.interpret(module, [])
    assert result.dtype == dtype
    np.testing.assert_array_equal(result, data)
    again = dfc.parse_mlir(dfc.print_mlir(module))
    assert constant_bytes(again) == [data.tobytes()]


def test_bench_round_trip_small():
    """The benchmark's own check, at 50 ops and 2 MB."""
    sys.path.insert(0, str(ROOT))
    try:
        from bench.roundtrip_large import round_trip
    finally:
        sys.path.remove(str(ROOT))
    result = round_trip(layers=10, megabytes=2.0, seed=3)
    assert result.ops == 50
    assert result.blob_bytes == 2_000_000
    assert result.blobs_exact
    assert result.identical


def test_same_handle_in_two_files_keeps_each_files_data():
    """Two files both naming `shared_w` with different bytes: each module keeps
    its own weights (the second one's handle is renamed by `BlobStore.adopt`)."""
    a = np.arange(4, dtype=np.float32)
    b = np.arange(4, dtype=np.float32) * -10
    handles = ["shared_w", "shared_b"]
    zeros = np.zeros(4, dtype=np.float32)
    text_a = chain_module([a, zeros], handles, 4)
    text_b = chain_module([b, zeros], handles, 4)

    ctx_a, module_a = parse(text_a, "a.mlir")
    ctx_b, module_b = parse(text_b, "b.mlir")
    assert constant_bytes(module_a) == [a.tobytes(), zeros.tobytes()]
    assert constant_bytes(module_b) == [b.tobytes(), zeros.tobytes()]

    x = np.ones(4, dtype=np.float32)
    np.testing.assert_array_equal(dfc.interpret(module_a, [x])[0], a)
    np.testing.assert_array_equal(dfc.interpret(module_b, [x])[0], np.maximum(b, 0))

    # Printing each module writes its own bytes under its own handle.
    again_a = parse(print_module(ctx_a, module_a))[1]
    again_b = parse(print_module(ctx_b, module_b))[1]
    assert constant_bytes(again_a)[0] == a.tobytes()
    assert constant_bytes(again_b)[0] == b.tobytes()
    printed_b = print_module(ctx_b, module_b)
    handle_b = module_b.body.block.ops.first.body.block.ops.first.value  # type: ignore[union-attr]
    assert handle_b.resource_handle.data in printed_b


def test_same_handle_same_bytes_is_shared():
    data = np.full(3, 2.5, dtype=np.float32)
    text = chain_module([data, data], ["dup_w", "dup_b"], 3)
    first = constant_bytes(parse(text)[1])
    _, module = parse(text)
    handles = [
        op.value.resource_handle.data  # type: ignore[attr-defined]
        for op in module.walk()
        if op.name == "dfg.constant"
    ]
    assert handles == ["dup_w", "dup_b"]
    assert constant_bytes(module) == first


def test_blob_without_data_is_a_clear_interpreter_error():
    t = "tensor<2xf32>"
    text = (
        f"func.func @main(%x: {t}) -> {t} {{\n"
        f"  %w = dfg.constant dense_resource<never_given_blob> : {t}\n"
        f"  %0 = dfg.add %x, %w : ({t}, {t}) -> {t}\n"
        f"  func.return %0 : {t}\n}}\n"
    )
    module = dfc.parse_mlir(text)
    with pytest.raises(MissingBlobError) as info:
        dfc.interpret(module, [np.ones(2, dtype=np.float32)])
    message = str(info.value)
    assert message == (
        "dense_resource<never_given_blob> has no data: the blob is missing from "
        "the file's dialect_resources section"
    )


def test_blob_of_wrong_size_is_an_error():
    t = "tensor<3xf32>"
    data = np.zeros(2, dtype=np.float32)
    text = (
        f"func.func @main() -> {t} {{\n"
        f"  %c = dfg.constant dense_resource<short_blob> : {t}\n"
        f"  func.return %c : {t}\n}}\n"
        f'{{-#\n  dialect_resources: {{\n    builtin: {{\n      short_blob: "{blob_hex(data)}"\n'
        "    }\n  }\n#-}\n"
    )
    module = dfc.parse_mlir(text)
    with pytest.raises(ValueError, match=r"holds 2 elements, its type needs 3"):
        dfc.interpret(module, [])


def test_encode_decode():
    raw = bytes(range(256))
    text = encode_blob(16, raw)
    assert text.startswith("0x10000000")
    assert decode_blob(text) == (16, raw)
    assert decode_blob(text.lower()) == (16, raw)
    with pytest.raises(ValueError, match="0x"):
        decode_blob("10000000")
    with pytest.raises(ValueError, match="truncated"):
        decode_blob("0x1000000")
    with pytest.raises(ValueError, match="truncated"):
        decode_blob("0x10000000A")


def test_add_picks_fresh_handles():
    one = BLOBS.add("fresh hint!", np.ones(2, dtype=np.float32))
    same = BLOBS.add("fresh hint!", np.ones(2, dtype=np.float32))
    other = BLOBS.add("fresh hint!", np.zeros(2, dtype=np.float32))
    assert one == same
    assert other != one
    assert one.startswith("fresh_hint_")
    assert BLOBS.add("0abc", b"\x00").startswith("blob_")


def test_scoped_forgets_only_the_blobs_added_inside():
    kept = BLOBS.add("scope_outer", np.arange(4, dtype=np.float32))
    with BLOBS.scoped():
        inner = BLOBS.add("scope_inner", np.arange(8, dtype=np.float32))
        shared = BLOBS.add("scope_outer", np.arange(4, dtype=np.float32))
        assert shared == kept and inner in BLOBS
    assert inner not in BLOBS
    assert kept in BLOBS
    np.testing.assert_array_equal(
        np.frombuffer(BLOBS.get(kept), dtype=np.float32), np.arange(4)
    )


def test_scoped_forgets_a_compiled_models_weights_on_exit(tmp_path):
    """Compiling inside the scope adds the model's weight blobs; they are gone
    after it, while the bitstream (its own bytes) still runs."""
    before = set(BLOBS._blobs)
    rng = np.random.default_rng(0)
    w, b = (rng.standard_normal(64).astype(np.float32) for _ in range(2))
    source = tmp_path / "m.mlir"
    source.write_text(chain_module([w, b], ["scoped_w", "scoped_b"], 64))
    with BLOBS.scoped():
        artifact = dfc.compile(source, chip="tiny")
        assert set(BLOBS._blobs) - before
    assert set(BLOBS._blobs) - before == set()
    x = np.linspace(-1, 1, 64, dtype=np.float32)
    (out,) = artifact.run([x])
    np.testing.assert_allclose(out, np.maximum(x * w + b, 0), rtol=1e-6)
