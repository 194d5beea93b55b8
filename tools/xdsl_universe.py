"""xDSL plugin entry point: makes dfc's dialects and passes visible to `xdsl-opt`.

Registered under the `xdsl.universe` entry point in pyproject.toml. Note that
`xdsl-opt` uses xDSL's own builtin resource storage, so `dense_resource` blobs are
better handled by `dfc-opt`.
"""

from xdsl.universe import Universe


def get_universe() -> Universe:
    from dfc.dialects import DIALECTS
    from dfc.passes import PASSES

    return Universe(
        all_dialects={"dfg": DIALECTS["dfg"]},
        all_passes={k: v for k, v in PASSES.items() if k.startswith("dfg")},
    )
