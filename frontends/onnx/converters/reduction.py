"""ONNX converters for the 'reduction' family (being written)."""
