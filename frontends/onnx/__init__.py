"""The ONNX frontend: `import_onnx(path | ModelProto) -> ModuleOp` (dfg)."""

from .importer import OnnxImportError, import_onnx

__all__ = ["OnnxImportError", "import_onnx"]
