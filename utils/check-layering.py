#!/usr/bin/env python3
"""Check DESIGN.md's layering rules on dfc's source tree.

The contracts are the `[[tool.importlinter.contracts]]` tables of pyproject.toml
(type "forbidden": `source_modules` must not import `forbidden_modules`, directly
or through other dfc modules). import-linter itself cannot check them here:
its graph builder (grimp) looks for `dfc.dialects` under `dfc/`, but dfc maps
root folders (`dialects/`, `passes/`, ...) onto subpackages through
`package-dir`, so it reports "Module 'dfc.dialects' does not exist". This script
reads the same contracts, builds the import graph with `ast` (imports inside
functions count too) and checks them transitively within dfc.

Usage: python utils/check-layering.py   (exit 1 and a list of violations)
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPING = {
    "dfc": "dfc",
    "dfc.dialects": "dialects",
    "dfc.passes": "passes",
    "dfc.frontends": "frontends",
    "dfc.backends": "backends",
    "dfc.tools": "tools",
}


def module_files() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package, folder in MAPPING.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT / folder).with_suffix("")
            parts = [p for p in relative.parts if p != "__init__"]
            modules[".".join([package, *parts])] = path
    return modules


def imports_of(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from pkg import submodule` imports the submodule too.
            found.update(f"{target}.{alias.name}" for alias in node.names)
    # Importing `a.b.c` runs the `__init__` of `a` and `a.b` first, so those
    # count as imported too (what matters for "runs with no compiler code").
    for module in list(found):
        parts = module.split(".")
        found.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return found


def covers(prefix: str, module: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def main() -> int:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    files = module_files()
    graph = {name: imports_of(name, path) for name, path in files.items()}

    failures: list[str] = []
    for contract in contracts:
        if contract["type"] != "forbidden":
            raise SystemExit(f"unsupported contract type {contract['type']}")
        sources = [m for m in files if any(covers(s, m) for s in contract["source_modules"])]
        forbidden = contract["forbidden_modules"]
        for source in sources:
            # Breadth-first through dfc modules, remembering the chain.
            chains: dict[str, list[str]] = {source: [source]}
            queue = deque([source])
            while queue:
                current = queue.popleft()
                for target in sorted(graph.get(current, ())):
                    hit = next((f for f in forbidden if covers(f, target)), None)
                    if hit is not None:
                        chain = " -> ".join([*chains[current], target])
                        failures.append(f"[{contract['name']}] {chain}")
                        continue
                    if target in files and target not in chains:
                        chains[target] = [*chains[current], target]
                        queue.append(target)
    if failures:
        print("Layering violations:")
        for failure in sorted(set(failures)):
            print("  " + failure)
        return 1
    print(f"layering: {len(contracts)} contracts kept over {len(files)} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
