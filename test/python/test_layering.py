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


def existing_contracts_config(tmp_path: Path) -> Path:
    """pyproject's import-linter table, with forbidden dfc modules that do not
    exist yet (e.g. the simulator before it is written) left out: import-linter
    refuses unknown module names, and nothing can import a missing module."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    sys.path.insert(0, str(ROOT / "utils"))
    try:
        import importlib

        layering = importlib.import_module("check-layering".replace("-", "_"))
    except ModuleNotFoundError:
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "check_layering", ROOT / "utils" / "check-layering.py"
        )
        assert spec and spec.loader
        layering = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(layering)
    finally:
        sys.path.pop(0)
    existing = set(layering.module_files())

    def exists(name: str) -> bool:
        return not name.startswith("dfc") or any(
            m == name or m.startswith(name + ".") for m in existing
        )

    lines = ["[tool.importlinter]", 'root_packages = ["dfc"]', "include_external_packages = true"]
    for contract in config["contracts"]:
        lines += [
            "",
            "[[tool.importlinter.contracts]]",
            f"name = {contract['name']!r}",
            f"type = {contract['type']!r}",
            f"source_modules = {[m for m in contract['source_modules'] if exists(m)]!r}",
            f"forbidden_modules = {[m for m in contract['forbidden_modules'] if exists(m)]!r}",
        ]
    path = tmp_path / "importlinter.toml"
    path.write_text("\n".join(lines).replace("'", '"') + "\n")
    return path


def test_layering_script_keeps_contracts():
    """utils/check-layering.py: the same contracts, checked transitively and
    counting parent-package imports (run by utils/run-tests.sh too)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "utils" / "check-layering.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_linter_contracts_hold(tmp_path):
    lint_imports = BIN / "lint-imports"
    assert lint_imports.exists(), "import-linter is part of the dev extra"
    env = dict(os.environ, PYTHONPATH=str(package_tree(tmp_path)))
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--config", str(existing_contracts_config(tmp_path))],
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
