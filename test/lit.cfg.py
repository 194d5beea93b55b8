"""lit configuration for dfc's IR-level tests.

Tools (`dfc-opt`, `filecheck`, ...) are found on PATH in the environment that
runs lit: the virtual environment created by `utils/run-tests.sh`, or the one
CMake's `check-dfc` target was configured with.
"""

import os
import shutil
import subprocess
import sys

import lit.formats

config.name = "dfc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.excludes = ["Inputs", "python", "lit.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.test_source_root, "Output")

bin_dir = os.path.dirname(sys.executable)
config.environment["PATH"] = os.pathsep.join(
    [bin_dir, config.environment.get("PATH", os.environ.get("PATH", ""))]
)
for name in ("HOME", "TMPDIR"):
    if name in os.environ:
        config.environment[name] = os.environ[name]

TOOLS = ["dfc-opt", "dfc-translate", "dfc-objdump", "filecheck"]
for tool in TOOLS:
    path = shutil.which(tool, path=config.environment["PATH"])
    if path is None:
        lit_config.fatal(f"'{tool}' not found on PATH; install dfc with its dev extra")
    # `%dfc-opt` etc. resolve to the exact binary; the bare names work via PATH.
    config.substitutions.append((f"%{tool}", path))
config.substitutions.append(("%python", sys.executable))

# Upstream MLIR interop (docs/mlir-interop.md). With the MLIR Python bindings
# installed (dfc's `mlir` extra), the feature `mlir-bindings` is set and every
# `dfc-opt` of a RUN line becomes `dfc-opt --check-upstream-roundtrip`: each
# module it prints is also parsed and verified by upstream MLIR (dfc's
# dialects loaded from IRDL) and read back unchanged, as xDSL's MLIR_ROUNDTRIP
# tests do. `lit --param upstream_roundtrip=0` turns the substitution off.
_probe = subprocess.run(
    [sys.executable, "-c", "from dfc.interop.mlir import find_mlir; print(find_mlir())"],
    capture_output=True,
    text=True,
)
if _probe.returncode == 0:
    config.available_features.add("mlir-bindings")
    lit_config.note(_probe.stdout.strip())
    if lit_config.params.get("upstream_roundtrip", "1") != "0":
        # Bare `dfc-opt` only: not `%dfc-opt`'s expansion (a path) nor a file
        # or folder named dfc-opt (test/tools/dfc-opt/...).
        config.substitutions.append(
            (r"(?<![\w/.%-])dfc-opt(?![\w/.-])", "dfc-opt --check-upstream-roundtrip")
        )
elif os.environ.get("CI"):
    # CI installs dfc's `mlir` extra (utils/run-tests.sh): missing bindings
    # there are a broken setup, not a reason to skip the round trip.
    lit_config.fatal(f"CI without the MLIR Python bindings: {_probe.stderr.strip()}")
else:
    lit_config.note(
        "MLIR Python bindings not found: upstream round trip off "
        f"({_probe.stderr.strip().splitlines()[-1] if _probe.stderr.strip() else ''})"
    )
