"""The wheel ships every mapped subpackage and works outside the repository;
the development install is editable.

The wheel is built without isolation from a copy of the source tree (so the
repository gets no `build/` folder), installed with `--no-deps` into a fresh
virtual environment that sees the current environment's dependencies through a
`.pth` line, and run from a directory outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "setup.py", "README.md")
PACKAGES = ("dfc", "dialects", "passes", "frontends", "backends", "tools")
REQUIRED_IN_WHEEL = (
    "dfc/__init__.py",
    "dfc/py.typed",
    "dfc/dialects/dfg/__init__.py",
    "dfc/backends/reference/interpreter.py",
    "dfc/tools/dfc_opt.py",
    "dfc/passes/__init__.py",
)

SMALL = """\
func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
  %w = dfg.constant dense_resource<pkg_w> : tensor<3xf32>
  %0 = dfg.mul %x, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return %0 : tensor<3xf32>
}
{-#
  dialect_resources: {
    builtin: {
      pkg_w: "0x040000000000803F000000400000C0BF"
    }
  }
#-}
"""


def clean_env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def run(*args: str | Path, cwd: Path, timeout: int = 300) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "Output")
    source.mkdir()
    for name in SOURCES:
        shutil.copy2(ROOT / name, source / name)
    for name in PACKAGES:
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    dist = work / "dist"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--quiet",
        "-w",
        dist,
        source,
        cwd=work,
    )
    [built] = dist.glob("dfc-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel: Path) -> Path:
    """A fresh venv with the wheel installed and the current environment's
    packages (but not its editable dfc) importable."""
    home = tmp_path_factory.mktemp("venv")
    env_dir = home / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", env_dir, cwd=home)
    python = env_dir / "bin" / "python"
    site = Path(
        run(
            python,
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            cwd=home,
        ).strip()
    )
    # A plain path line: the .pth files of the outer site-packages (among them
    # the editable finder of dfc) are not executed from here.
    outer = sysconfig.get_paths()["purelib"]
    (site / "zz_outer_site_packages.pth").write_text(outer + "\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--quiet",
        wheel,
        cwd=home,
    )
    return env_dir


def test_wheel_contents(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in REQUIRED_IN_WHEEL if name not in names]
    assert not missing, f"the wheel lacks {missing}"
    # Every package folder of the source tree is in the wheel.
    for name in PACKAGES:
        for init in (ROOT / name).rglob("__init__.py"):
            relative = init.relative_to(ROOT / name)
            if "__pycache__" in relative.parts:
                continue
            prefix = "dfc" if name == "dfc" else f"dfc/{name}"
            assert f"{prefix}/{relative.as_posix()}" in names
    # Nothing from the tests, benchmarks or tools' caches.
    assert not any(n.startswith(("test/", "bench/")) or ".pyc" in n for n in names)
    entry_points = [n for n in names if n.endswith("entry_points.txt")]
    [entry] = entry_points
    text = zipfile.ZipFile(wheel).read(entry).decode()
    assert "dfc-opt = dfc.tools.dfc_opt:main" in text


def test_installed_wheel_is_imported_from_the_venv(venv: Path, tmp_path: Path):
    python = venv / "bin" / "python"
    out = run(
        python,
        "-c",
        "import dfc, dfc.dialects, dfc.backends.reference as r, sys;"
        "print(dfc.__file__); print(dfc.dialects.__file__); print(r.__file__);"
        "print(any('__editable__' in repr(f) for f in sys.meta_path))",
        cwd=tmp_path,
    ).splitlines()
    for path in out[:3]:
        assert Path(path).resolve().is_relative_to(venv.resolve()), path
    assert out[3] == "False", "the editable finder leaked into the fresh venv"


def test_installed_dfc_opt_round_trip(venv: Path, tmp_path: Path):
    dfc_opt = venv / "bin" / "dfc-opt"
    assert dfc_opt.exists()
    assert "Usage: dfc-opt" in run(dfc_opt, "--help", cwd=tmp_path)
    source = tmp_path / "small.mlir"
    source.write_text(SMALL)
    first = run(dfc_opt, source, cwd=tmp_path)
    assert 'pkg_w: "0x040000000000803F000000400000C0BF"' in first
    assert "dfg.mul" in first
    (tmp_path / "first.mlir").write_text(first)
    assert run(dfc_opt, tmp_path / "first.mlir", cwd=tmp_path) == first
    # The installed interpreter runs it on the blob's data.
    out = run(
        venv / "bin" / "python",
        "-c",
        "import dfc, numpy as np;"
        "m = dfc.parse_mlir(open('small.mlir').read());"
        "print(dfc.interpret(m, [np.ones(3, np.float32)])[0].tolist())",
        cwd=tmp_path,
    )
    assert out.strip() == "[1.0, 2.0, -1.5]"


def test_development_install_is_editable():
    """The test environment imports dfc from the repository's folders."""
    import dfc.dialects
    import dfc.tools

    assert Path(dfc.__file__).resolve() == ROOT / "dfc" / "__init__.py"
    assert Path(dfc.dialects.__file__).resolve() == ROOT / "dialects" / "__init__.py"
    assert Path(dfc.tools.__file__).resolve().parent == ROOT / "tools"
