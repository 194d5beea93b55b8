"""Interop with upstream MLIR: IRDL export, round trips, upstream IR import.

- `dfc.interop.irdl`: the `dfg` and `su` dialects written as IRDL
  (`dfc-opt --emit-irdl`), loadable by `mlir-opt --irdl-file` or the MLIR
  Python bindings.
- `dfc.interop.wire`: the *upstream form* of dfc IR — generic op syntax, dfc
  attributes with IRDL parameter syntax, explicit block ends — and back.
- `dfc.interop.mlir`: finding the MLIR Python bindings (wheel or a user's LLVM
  build), verifying dfc IR in upstream MLIR, the round trip, and running
  upstream passes on a dfc module.
- `dfc.interop.importer`: linalg-on-tensors / TOSA modules into dfg
  (`dfc-translate --import-mlir`).

Everything that needs the bindings imports them lazily and raises
`MlirUnavailableError` (with what was tried) when they are missing. See
`docs/mlir-interop.md`.
"""
