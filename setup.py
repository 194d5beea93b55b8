"""Package discovery for dfc's MLIR-style layout.

The repository keeps `dialects/`, `passes/`, `frontends/`, `backends/` and `tools/`
at its root (the MLIR out-of-tree convention) and maps each to a subpackage of
`dfc` through `package-dir` in pyproject.toml. setuptools' automatic discovery
does not follow such a mapping, so the subpackages are listed here by walking the
mapped folders; every folder with an `__init__.py` ships.
"""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
MAPPING = {
    "dfc": "dfc",
    "dfc.dialects": "dialects",
    "dfc.passes": "passes",
    "dfc.frontends": "frontends",
    "dfc.backends": "backends",
    "dfc.tools": "tools",
}


def find_mapped_packages() -> list[str]:
    packages: list[str] = []
    for package, folder in MAPPING.items():
        base = ROOT / folder
        for init in sorted(base.rglob("__init__.py")):
            relative = init.parent.relative_to(base)
            if "__pycache__" in relative.parts:
                continue
            packages.append(".".join((package, *relative.parts)))
    return packages


setup(
    packages=find_mapped_packages(),
    package_data={"dfc": ["py.typed"], "dfc.backends.chip": ["presets/*.toml"]},
)
