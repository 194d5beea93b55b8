"""ONNX converters for the 'normalization' family (being written)."""
