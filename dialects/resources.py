"""`dense_resource` blobs: large constants kept out of the IR text.

MLIR prints a blob in the file's trailing `{-# dialect_resources: { builtin: {
key: "0x<alignment><bytes>" } } #-}` section, where the first four bytes are the
little-endian alignment. dfc keeps the bytes of every blob in one process-wide
`BlobStore`, keyed by handle:

- building IR, `BLOBS.add(hint, array)` picks a fresh handle;
- parsing, a per-parse `ResourceInterface` collects the file's blobs, then
  `BLOBS.adopt(module, parsed)` moves them into the store; a handle already taken
  by different bytes is renamed, and the module's attributes rewritten, so that
  parsing several files in one process never mixes up their weights;
- printing, the interface looks the bytes up in the store.

xDSL's own builtin resource storage dedups handles at parse time in a way that
loses the data of a second file with the same handle; this module replaces it in
dfc's contexts.
"""

from __future__ import annotations

import contextlib
import struct
import threading
from collections.abc import Iterable, Iterator

import numpy as np
from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface
from xdsl.dialects.builtin import DenseResourceAttr, ModuleOp, StringAttr
from xdsl.ir import Attribute, Operation

DEFAULT_ALIGNMENT = 64
"""Alignment written in front of blobs that dfc creates (bytes)."""


class BlobStore:
    """Process-wide map from resource handle to immutable bytes."""

    def __init__(self) -> None:
        self._blobs: dict[str, tuple[int, bytes | memoryview]] = {}
        self._lock = threading.Lock()

    def get(self, handle: str) -> bytes | memoryview | None:
        entry = self._blobs.get(handle)
        return None if entry is None else entry[1]

    def alignment(self, handle: str) -> int:
        return self._blobs[handle][0]

    def __contains__(self, handle: str) -> bool:
        return handle in self._blobs

    def add(
        self, hint: str, data: bytes | np.ndarray, alignment: int = DEFAULT_ALIGNMENT
    ) -> str:
        """Store `data` under a fresh handle derived from `hint`; return it.

        A contiguous numpy array is kept by reference, not copied (weights of a
        large model are stored once): the caller must not modify it afterwards."""
        if isinstance(data, np.ndarray):
            flat = np.ascontiguousarray(data).reshape(-1).view(np.uint8)
            raw: bytes | memoryview = memoryview(flat)
        else:
            raw = bytes(data)
        with self._lock:
            handle = self._fresh_handle(_sanitize(hint), raw)
            self._blobs.setdefault(handle, (alignment, raw))
            return handle

    def adopt(self, module: Operation, parsed: dict[str, tuple[int, bytes]]) -> None:
        """Move blobs parsed from a file into the store, renaming handles that
        clash with different bytes and rewriting `module` to match."""
        renames: dict[str, str] = {}
        with self._lock:
            for handle, (alignment, raw) in parsed.items():
                existing = self._blobs.get(handle)
                if existing is None:
                    self._blobs[handle] = (alignment, raw)
                elif existing[1] != raw:
                    new_handle = self._fresh_handle(handle, raw)
                    self._blobs.setdefault(new_handle, (alignment, raw))
                    renames[handle] = new_handle
        if renames:
            _rename_handles(module, renames)

    @contextlib.contextmanager
    def scoped(self) -> Iterator[None]:
        """Forget, on exit, every blob added inside the block.

        For a process that compiles many large models one after another (the
        benchmark suite): the store otherwise keeps every model's weights until
        the process ends. Modules built inside the block lose their weights'
        bytes on exit, so use their results (bitstreams, reports) inside it."""
        with self._lock:
            before = set(self._blobs)
        try:
            yield
        finally:
            with self._lock:
                for handle in set(self._blobs) - before:
                    del self._blobs[handle]

    def _fresh_handle(self, base: str, raw: bytes | memoryview) -> str:
        # An existing handle with identical bytes is shared, as MLIR would.
        candidate, counter = base, 0
        while candidate in self._blobs and self._blobs[candidate][1] != raw:
            candidate = f"{base}_{counter}"
            counter += 1
        return candidate


BLOBS = BlobStore()
"""The store behind every dfc context."""


def _sanitize(hint: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "_." else "_" for c in hint)
    if not cleaned or not (cleaned[0].isalpha() or cleaned[0] == "_"):
        cleaned = "blob_" + cleaned
    return cleaned


def _rename_handles(module: Operation, renames: dict[str, str]) -> None:
    def rewrite(attr: Attribute) -> Attribute:
        if isinstance(attr, DenseResourceAttr) and attr.resource_handle.data in renames:
            return DenseResourceAttr(
                StringAttr(renames[attr.resource_handle.data]), attr.type
            )
        return attr

    for op in module.walk():
        for name, attr in list(op.attributes.items()):
            new = rewrite(attr)
            if new is not attr:
                op.attributes[name] = new
        for name, attr in list(op.properties.items()):
            new = rewrite(attr)
            if new is not attr:
                op.properties[name] = new


def encode_blob(alignment: int, raw: bytes | memoryview) -> str:
    """The MLIR hex form of a blob: alignment (u32 LE) then the bytes."""
    return "0x" + struct.pack("<I", alignment).hex().upper() + raw.hex().upper()


def decode_blob(text: str) -> tuple[int, bytes]:
    if not text.startswith("0x"):
        raise ValueError(
            f"blob must be a hex string starting with 0x, got {text[:16]!r}"
        )
    body = text[2:]
    if len(body) < 8 or len(body) % 2:
        raise ValueError("blob hex string is truncated")
    alignment = struct.unpack("<I", bytes.fromhex(body[:8]))[0]
    return alignment, bytes.fromhex(body[8:])


class ResourceInterface(OpAsmDialectInterface):
    """The builtin dialect's resource interface in dfc contexts: parsing fills a
    per-parse table (see `take_parsed`), printing reads `BLOBS`."""

    def __init__(self, store: BlobStore = BLOBS) -> None:
        super().__init__()
        self.store = store
        self._parsed: dict[str, tuple[int, bytes]] = {}

    def declare_resource(self, key: str) -> str:
        # Within one file equal handles name the same blob: no renaming here.
        return key

    def parse_resource(self, key: str, val: str) -> None:
        self._parsed[key] = decode_blob(val)

    def lookup(self, key: str) -> str | None:
        raw = self.store.get(key)
        return None if raw is None else encode_blob(self.store.alignment(key), raw)

    def build_resources(self, keys: Iterable[str]) -> dict[str, str]:
        result: dict[str, str] = {}
        for key in keys:
            raw = self.store.get(key)
            if raw is not None:
                result[key] = encode_blob(self.store.alignment(key), raw)
        return result

    def take_parsed(self) -> dict[str, tuple[int, bytes]]:
        parsed, self._parsed = self._parsed, {}
        return parsed


def adopt_parsed_resources(module: ModuleOp, interface: ResourceInterface) -> None:
    BLOBS.adopt(module, interface.take_parsed())


class MissingBlobError(KeyError):
    """A `dense_resource` handle whose bytes were never given. A `KeyError` (the
    handle is not in the store) whose message prints without quotes."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def blob_array(attr: DenseResourceAttr, dtype: np.dtype) -> np.ndarray:
    """The blob behind `attr` as a read-only numpy array of its type's shape."""
    raw = BLOBS.get(attr.resource_handle.data)
    if raw is None:
        raise MissingBlobError(
            f"dense_resource<{attr.resource_handle.data}> has no data: the blob is "
            "missing from the file's dialect_resources section"
        )
    shape = tuple(attr.type.get_shape())  # pyright: ignore[reportAttributeAccessIssue]
    array = np.frombuffer(raw, dtype=dtype)
    expected = int(np.prod(shape))
    if array.size != expected:
        raise ValueError(
            f"dense_resource<{attr.resource_handle.data}> holds {array.size} "
            f"elements, its type needs {expected}"
        )
    return array.reshape(shape)
