"""dfc benchmarks, run as `python -m bench <name>` from the repository root.

- `roundtrip-large`: print and re-parse a 1,000-op dfg module carrying 100 MB of
  `dense_resource` weights through the path `dfc-opt` uses.
"""
