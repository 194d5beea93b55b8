"""`dfc-opt f.mlir | dfc-opt` is a fixed point, for every valid lit input.

Every `.mlir` under `test/` whose RUN lines feed it to `dfc-opt` and expect
success (no `--verify-diagnostics`, no `not`) is printed once, and the printed
text must come back unchanged from a second parse and print; likewise for the
generic form (`--print-op-generic`). Runs in-process through the functions
`dfc-opt` itself uses, so new lit files are picked up automatically and cheaply.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dfc.dialects import make_context
from dfc.tools.mlir_io import SourceChunk, parse_chunk, print_module, split_input

TEST_ROOT = Path(__file__).resolve().parents[1]
RUN_LINE = re.compile(r"^\s*//\s*RUN:(.*)$", re.M)
READS_INPUT = re.compile(r"(?:^|[\s|])%?dfc-opt\b[^|]*%s")


def run_lines(text: str) -> list[str]:
    """RUN commands, with `\\` continuations joined."""
    commands: list[str] = []
    pending = ""
    for match in RUN_LINE.finditer(text):
        line = match.group(1).strip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        commands.append(pending + line)
        pending = ""
    if pending:
        commands.append(pending)
    return commands


def valid_inputs() -> list[Path]:
    files: list[Path] = []
    for path in sorted(TEST_ROOT.rglob("*.mlir")):
        if "Output" in path.relative_to(TEST_ROOT).parts:
            continue
        commands = run_lines(path.read_text(encoding="utf-8"))
        if not commands or not any(READS_INPUT.search(c) for c in commands):
            continue
        if any(
            "--verify-diagnostics" in c or re.search(r"(^|\|)\s*not\s", c)
            for c in commands
        ):
            continue
        files.append(path)
    return files


def dfc_opt(
    text: str, filename: str, *, split: bool, generic: bool, unregistered: bool
) -> str:
    """What `dfc-opt [--split-input-file] [--print-op-generic]` prints, or a
    failed assertion with its diagnostics."""
    chunks = split_input(text, filename) if split else [SourceChunk(text, filename, 0)]
    pieces: list[str] = []
    for chunk in chunks:
        ctx = make_context(unregistered)
        module, diagnostics = parse_chunk(ctx, chunk)
        assert module is not None and not diagnostics, "\n".join(
            d.format() for d in diagnostics
        )
        pieces.append(print_module(ctx, module, generic))
    return "// -----\n".join(pieces)


INPUTS = valid_inputs()


@pytest.mark.parametrize(
    "path", INPUTS, ids=[str(p.relative_to(TEST_ROOT)) for p in INPUTS]
)
@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
def test_print_parse_print_is_a_fixed_point(path: Path, generic: bool):
    text = path.read_text(encoding="utf-8")
    commands = run_lines(text)
    split = any("--split-input-file" in c for c in commands)
    unregistered = any("--allow-unregistered-dialect" in c for c in commands)
    options = {"split": split, "unregistered": unregistered}

    first = dfc_opt(text, str(path), generic=generic, **options)
    second = dfc_opt(first, "<first output>", generic=generic, **options)
    assert second == first, f"{path.name}: printing is not a fixed point"
    if generic:
        # The generic form parses back to the same IR as the custom form.
        custom = dfc_opt(text, str(path), generic=False, **options)
        assert dfc_opt(first, "<generic>", generic=False, **options) == custom


def test_the_collection_sees_the_tool_tests():
    """Guard against the file filter silently matching nothing."""
    assert all(p.suffix == ".mlir" for p in INPUTS)
    lit_files = [p for p in TEST_ROOT.rglob("*.mlir") if "Output" not in p.parts]
    assert lit_files, "no lit tests found under test/"
