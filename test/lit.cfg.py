"""lit configuration for dfc's IR-level tests.

Tools (`dfc-opt`, `filecheck`, ...) are found on PATH in the environment that
runs lit: the virtual environment created by `utils/run-tests.sh`, or the one
CMake's `check-dfc` target was configured with.
"""

import os
import shutil
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
