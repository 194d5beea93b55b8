#!/usr/bin/env python3
"""Generate `docs/dialects/dfg.md` from the dfg op classes.

For each op: its name, class docstring (summary and MLIR example), assembly
syntax, operands, results, attributes and regions with the docstring written
under each field in the source, its traits, and whether it is a structured op.
Field docstrings are not kept by Python at run time, so they are read from the
source with `ast`, walking the class and its bases.

    python utils/gen-dialect-docs.py            # rewrite docs/dialects/dfg.md
    python utils/gen-dialect-docs.py --check    # exit 1 if it is out of date
    python utils/gen-dialect-docs.py --stdout   # print instead of writing
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib
import inspect
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "dialects" / "dfg.md"
REGENERATE = "python utils/gen-dialect-docs.py"
INTERNAL_ATTRIBUTES = {"operandSegmentSizes", "resultSegmentSizes"}
"""Attributes xDSL adds for variadic operands; not part of an op's interface."""


@functools.cache
def module_classes(module_name: str) -> dict[str, ast.ClassDef]:
    """Top-level classes of a module's source, by name."""
    try:
        source = inspect.getsource(importlib.import_module(module_name))
    except (OSError, TypeError):
        return {}
    tree = ast.parse(source)
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def class_field_docs(cls: type) -> dict[str, str]:
    """`name = ...` followed by a string literal, in `cls` and its bases (the
    class's own documentation wins)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        node = module_classes(klass.__module__).get(klass.__name__)
        if node is None:
            continue
        body = node.body
        for statement, following in zip(body, body[1:]):
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
            elif isinstance(statement, ast.AnnAssign):
                target = statement.target
            else:
                continue
            if not isinstance(target, ast.Name):
                continue
            if (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[target.id] = " ".join(
                    inspect.cleandoc(following.value.value).split()
                )
    return docs


_CONSTRAINT_CLASS = re.compile(r"(?:BaseAttr|ParamAttrConstraint)\((\w+)")
_PRETTY = {
    "TensorType": "tensor",
    "DenseArrayBase": "`array<i64: ...>`",
    "IntegerAttr": "integer",
    "FloatAttr": "float",
    "StringAttr": "string",
    "BoolAttr": "bool",
    "DenseIntOrFPElementsAttr": "`dense<...>`",
    "DenseResourceAttr": "`dense_resource<...>`",
    "SymbolRefAttr": "symbol",
    "ArrayAttr": "array",
    "DictionaryAttr": "dictionary",
    "TypeAttribute": "type",
    "FunctionType": "function type",
}


def describe_constraint(definition: object) -> str:
    text = repr(getattr(definition, "constr", definition))
    names = list(dict.fromkeys(_CONSTRAINT_CLASS.findall(text)))
    if names:
        kinds = " or ".join(_PRETTY.get(n, n) for n in names)
    elif "AnyAttr" in text:
        kinds = "any"
    else:
        kinds = re.sub(r"\s+", " ", text)[:80]
    kind_name = type(definition).__name__
    if kind_name.startswith("Var"):
        kinds = f"variadic {kinds}"
    elif kind_name.startswith("Opt"):
        kinds = f"optional {kinds}"
    return kinds


def table(rows: list[tuple[str, str, str]], header: tuple[str, str, str]) -> list[str]:
    lines = [
        f"| {header[0]} | {header[1]} | {header[2]} |",
        "| --- | --- | --- |",
    ]
    for name, kind, doc in rows:
        lines.append(f"| `{name}` | {kind} | {doc.replace('|', chr(92) + '|')} |")
    return lines


def op_section(op: type) -> list[str]:
    from dfc.dialects.dfg import StructuredOpInterface

    definition = op.get_irdl_definition()
    field_docs = class_field_docs(op)
    doc = inspect.cleandoc(op.__doc__ or "")
    summary, _, details = doc.partition("\n\n")
    summary = " ".join(summary.split())
    lines = [f"### `{op.name}`", "", f"{summary} (`{op.__name__}`)", ""]
    if details.strip():
        lines += [textwrap.dedent(details).strip(), ""]
    if definition.assembly_format:
        lines += [
            "Syntax:",
            "",
            "```",
            f"{op.name} {definition.assembly_format}",
            "```",
            "",
        ]
    else:
        lines += ["Syntax: custom (see the example).", ""]

    sections = (
        ("Operands", definition.operands, ("Operand", "Type", "Description")),
        ("Results", definition.results, ("Result", "Type", "Description")),
        (
            "Attributes",
            list(definition.attributes.items()) + list(definition.properties.items()),
            ("Attribute", "Kind", "Description"),
        ),
        ("Regions", definition.regions, ("Region", "Kind", "Description")),
    )
    for title, fields, header in sections:
        if not fields:
            continue
        rows = [
            (name, describe_constraint(field), field_docs.get(name, ""))
            for name, field in fields
            if name not in INTERNAL_ATTRIBUTES
        ]
        if not rows:
            continue
        lines += [f"#### {title}", "", *table(rows, header), ""]

    traits = sorted(type(t).__name__ for t in definition.traits)
    if traits:
        lines += [f"Traits: {', '.join(f'`{t}`' for t in traits)}", ""]
    if issubclass(op, StructuredOpInterface):
        lines += [
            "Structured op: reports its iteration space (extents, parallel or "
            "reduction loops), one affine indexing map per operand and result, "
            "its FLOP count and the bytes it touches.",
            "",
        ]
    else:
        lines += ["Not a structured op.", ""]
    return lines


def generate() -> str:
    from dfc.dialects import dfg

    dialect_doc = inspect.cleandoc(dfg.__doc__ or "")
    lines = [
        "<!-- Generated by utils/gen-dialect-docs.py from the op classes: do not "
        f"edit. Regenerate with `{REGENERATE}`. -->",
        "",
        "# The `dfg` dialect",
        "",
        dialect_doc,
        "",
    ]
    families: dict[str, list[type]] = {}
    for op in dfg.DFG_OPS:
        families.setdefault(op.__module__, []).append(op)

    lines += ["## Contents", ""]
    for module_name, ops in families.items():
        family = module_name.rsplit(".", 1)[-1]
        names = ", ".join(f"[`{op.name}`](#{anchor(op.name)})" for op in ops)
        lines.append(f"- **{family}**: {names}")
    lines.append("")

    for module_name, ops in families.items():
        module = importlib.import_module(module_name)
        family = module_name.rsplit(".", 1)[-1]
        lines += [f"## {family.capitalize()} ops", ""]
        module_doc = inspect.cleandoc(module.__doc__ or "")
        if module_doc:
            lines += [module_doc, ""]
        for op in ops:
            lines += op_section(op)
    return "\n".join(lines).rstrip() + "\n"


def anchor(op_name: str) -> str:
    """GitHub's heading anchor for "### `dfg.name`"."""
    return re.sub(r"[^a-z0-9_\- ]", "", op_name.lower()).replace(" ", "-")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail if out of date")
    parser.add_argument("--stdout", action="store_true", help="print the document")
    args = parser.parse_args(argv)
    text = generate()
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run {REGENERATE}")
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
