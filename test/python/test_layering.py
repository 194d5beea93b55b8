"""The package's layering rules (import-linter contracts in pyproject.toml) and
the lazy top-level API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


MAPPED = ("dialects", "passes", "frontends", "backends", "tools")
"""Folders that pyproject.toml's `package-dir` maps to `dfc.<folder>`."""


def package_tree(tmp_path: Path) -> Path:
    """A `dfc/` folder laid out as in the wheel, made of symlinks into the
    repository. import-linter finds modules by walking the package's folder,
    which in the editable install holds only `dfc/`, not the mapped folders."""
    src = tmp_path / "src"
    package = src / "dfc"
    package.mkdir(parents=True)
    for entry in (ROOT / "dfc").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for folder in MAPPED:
        (package / folder).symlink_to(ROOT / folder, target_is_directory=True)
    return src


def test_import_linter_contracts_hold(tmp_path):
    lint_imports = BIN / "lint-imports"
    assert lint_imports.exists(), "import-linter is part of the dev extra"
    env = dict(os.environ, PYTHONPATH=str(package_tree(tmp_path)))
    result = subprocess.run(
        [str(lint_imports), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken." in result.stdout


def test_import_dfc_is_lazy(tmp_path):
    """`import dfc` alone loads neither xDSL nor numpy."""
    code = (
        "import sys, dfc\n"
        "print(sorted(m for m in ('xdsl', 'numpy', 'ml_dtypes', 'onnx') "
        "if m in sys.modules))\n"
        "print(callable(dfc.parse_mlir))\n"
        "print('xdsl' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded, api_works, xdsl_after = result.stdout.split("\n")[:3]
    assert loaded == "[]", f"import dfc loaded {loaded}"
    # The lazy attribute does load the parser when asked for.
    assert api_works == "True"
    assert xdsl_after == "True"
