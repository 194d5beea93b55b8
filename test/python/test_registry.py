"""The pass and op registries are consistent with the classes they load."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from dfc.dialects.dfg import DFG, DFG_OPS, StructuredOpInterface
from dfc.passes import PASSES

NOT_STRUCTURED = {"dfg.kernel", "dfg.yield"}
"""Region holders and terminators: they compute nothing themselves."""


@pytest.mark.parametrize("name", sorted(PASSES))
def test_pass_key_is_the_class_name(name):
    cls = PASSES[name]()
    assert cls.name == name


def test_op_names_are_unique_and_in_the_dialect():
    names = [op.name for op in DFG_OPS]
    assert len(names) == len(set(names)), "duplicate dfg op names"
    assert all(name.startswith("dfg.") for name in names)
    assert {op.name for op in DFG.operations} == set(names)


@pytest.mark.parametrize("op", DFG_OPS, ids=lambda op: op.name)
def test_op_docstring_has_a_summary_and_an_example(op):
    doc = op.__doc__ or ""
    lines = [line.strip() for line in doc.strip().splitlines()]
    assert lines and lines[0], f"{op.name} has no docstring summary line"
    example = re.compile(rf"(^|[\s`=]){re.escape(op.name)}(\s|`|$)")
    examples = [line for line in lines if example.search(line) and "%" in line]
    assert examples, (
        f"{op.name}: the docstring needs an MLIR example line using '{op.name}'"
    )


@pytest.mark.parametrize("op", DFG_OPS, ids=lambda op: op.name)
def test_op_is_structured(op):
    if op.name in NOT_STRUCTURED:
        pytest.skip(f"{op.name} is not a structured op")
    assert issubclass(op, StructuredOpInterface), (
        f"{op.name} must implement StructuredOpInterface"
    )


def test_dialect_documentation_is_up_to_date():
    root = Path(__file__).resolve().parents[2]
    script = root / "utils" / "gen-dialect-docs.py"
    spec = importlib.util.spec_from_file_location("gen_dialect_docs", script)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    committed = (
        generator.OUTPUT.read_text(encoding="utf-8")
        if generator.OUTPUT.exists()
        else ""
    )
    assert committed == generator.generate(), (
        "docs/dialects/dfg.md is out of date: run python utils/gen-dialect-docs.py"
    )
