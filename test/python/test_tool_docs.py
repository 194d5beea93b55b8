"""docs/tools/<tool>.md are generated from the click definitions
(utils/gen-tool-docs.py); the checked-in pages must be the generator's output."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "utils" / "gen-tool-docs.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_tool_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checked_in_tool_pages_match_the_generator():
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_tool_and_option_has_its_row():
    generator = load_generator()
    names = generator.scripts()
    assert set(names) == {
        "dfc-compile",
        "dfc-objdump",
        "dfc-opt",
        "dfc-sim",
        "dfc-translate",
    }
    for name, target in names.items():
        page = (ROOT / "docs" / "tools" / f"{name}.md").read_text()
        command = generator.load_command(target)
        for param in command.params:
            if isinstance(param, click.Option):
                assert (
                    f"| `{param.opts[0]}`" in page or f"`{param.opts[0]}` |" in page
                ), (
                    name,
                    param.opts,
                )


def test_check_fails_on_a_stale_page(tmp_path, monkeypatch):
    generator = load_generator()
    monkeypatch.setattr(generator, "OUTPUT", tmp_path)
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
    page = tmp_path / "dfc-compile.md"
    page.write_text(page.read_text().replace("--floorplan-sections", "--floor"))
    assert generator.main(["--check"]) == 1
    (tmp_path / "dfc-gone.md").write_text("old tool\n")
    generator.main([])
    assert generator.main(["--check"]) == 1  # a page of no tool is stale too
