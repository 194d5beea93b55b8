"""xDSL plugin entry point: makes dfc's dialects and passes visible to `xdsl-opt`.

Registered under the `xdsl.universe` entry point in pyproject.toml (xDSL wants a
`Universe` instance; its loaders stay lazy). dfc passes that share a name with
an xDSL pass (`canonicalize`, `cse`) are left to xDSL's. Note that `xdsl-opt`
keeps `dense_resource` blobs in xDSL's own storage, and prints no
`file:line:col` diagnostics: `dfc-opt` is the supported driver.
"""

from __future__ import annotations

from xdsl.universe import Universe

from dfc.dialects import DIALECTS
from dfc.passes import PASSES

_SHARED_WITH_XDSL = ("canonicalize", "cse")

DFC_UNIVERSE = Universe(
    all_dialects={name: DIALECTS[name] for name in ("dfg", "su") if name in DIALECTS},
    all_passes={k: v for k, v in PASSES.items() if k not in _SHARED_WITH_XDSL},
)
