"""`dfc-opt` command-line behaviour, run as the installed console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dfc.tools import dfc_opt

DFC_OPT = Path(sys.executable).parent / "dfc-opt"

GOOD = """\
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %w = dfg.constant dense_resource<cli_w> : tensor<2xf32>
  %0 = dfg.add %x, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = dfg.relu %0 : (tensor<2xf32>) -> tensor<2xf32>
  func.return %1 : tensor<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      cli_w: "0x040000000000803F00000040"
    }
  }
#-}
"""

BAD = """\
func.func @f(%a: tensor<2xf32>) -> tensor<3xf32> {
  %0 = dfg.exp %a : (tensor<2xf32>) -> tensor<3xf32>
  func.return %0 : tensor<3xf32>
}
"""
BAD_MESSAGE = "result shape 3 does not match the inferred shape 2"


def dfc_opt_cli(*args: str, stdin: str | bytes | None = None, cwd: Path | None = None):
    assert DFC_OPT.exists(), f"{DFC_OPT} is not installed"
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run(
        [str(DFC_OPT), *args],
        input=data,
        capture_output=True,
        cwd=cwd,
        timeout=120,
    )
    return result.returncode, result.stdout.decode(), result.stderr.decode()


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.mlir"
    path.write_text(GOOD)
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.mlir"
    path.write_text(BAD)
    return path


def test_output_option_writes_the_file(good: Path, tmp_path: Path):
    code, stdout, stderr = dfc_opt_cli(str(good))
    assert code == 0, stderr
    out = tmp_path / "out.mlir"
    code, to_file_stdout, stderr = dfc_opt_cli(str(good), "-o", str(out))
    assert code == 0, stderr
    assert to_file_stdout == ""
    assert out.read_text() == stdout
    assert "dfg.relu" in stdout and 'cli_w: "0x040000000000803F00000040"' in stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.mlir", "out.mlir"]


def test_error_leaves_no_output_file(bad: Path, tmp_path: Path):
    out = tmp_path / "out.mlir"
    code, stdout, stderr = dfc_opt_cli(str(bad), "-o", str(out))
    assert code == 1
    assert f"bad.mlir:2:3: error: {BAD_MESSAGE}" in stderr
    assert not out.exists()
    # An existing output is left untouched, and no temporary file remains.
    out.write_text("previous")
    code, _, _ = dfc_opt_cli(str(bad), "-o", str(out))
    assert code == 1
    assert out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.mlir", "out.mlir"]


def test_error_in_a_later_split_chunk_writes_nothing(good: Path, tmp_path: Path):
    both = tmp_path / "both.mlir"
    both.write_text(GOOD + "// -----\n" + BAD)
    out = tmp_path / "out.mlir"
    code, _, stderr = dfc_opt_cli(str(both), "--split-input-file", "-o", str(out))
    assert code == 1
    assert f"both.mlir:{GOOD.count(chr(10)) + 3}:3: error: {BAD_MESSAGE}" in stderr
    assert not out.exists()


def test_output_into_a_missing_directory_names_the_output(good: Path, tmp_path: Path):
    target = tmp_path / "missing" / "out.mlir"
    code, _, stderr = dfc_opt_cli(str(good), "-o", str(target))
    assert code == 1
    assert f"dfc-opt: error: No such file or directory: {target}" in stderr


@pytest.mark.parametrize("args", [(), ("-",)], ids=["no-argument", "dash"])
def test_reads_stdin(args, good: Path):
    code, from_file, _ = dfc_opt_cli(str(good))
    code, from_stdin, stderr = dfc_opt_cli(*args, stdin=GOOD)
    assert code == 0, stderr
    assert from_stdin == from_file


def test_stdin_errors_are_located(tmp_path: Path):
    code, stdout, stderr = dfc_opt_cli(stdin=BAD)
    assert code == 1
    assert stdout == ""
    assert f"<stdin>:2:3: error: {BAD_MESSAGE}" in stderr


def test_split_input_file_separates_outputs(good: Path, tmp_path: Path):
    both = tmp_path / "both.mlir"
    both.write_text(GOOD + "// -----\n" + GOOD)
    code, stdout, stderr = dfc_opt_cli(str(both), "--split-input-file")
    assert code == 0, stderr
    first, second = stdout.split("// -----\n")
    assert first == second


def test_print_ir_after_all(good: Path):
    code, stdout, stderr = dfc_opt_cli(
        str(good), "-p", "builtin.module(canonicalize,cse)", "--print-ir-after-all"
    )
    assert code == 0, stderr
    assert "// -----// IR Dump After canonicalize //----- //\n" in stderr
    assert "// -----// IR Dump After cse //----- //\n" in stderr
    assert stderr.index("After canonicalize") < stderr.index("After cse")
    dump = stderr.split("// -----// IR Dump After cse //----- //\n", 1)[1]
    assert dump == stdout


def test_print_debuginfo(good: Path):
    code, stdout, stderr = dfc_opt_cli(str(good), "--mlir-print-debuginfo")
    assert code == 0, stderr
    assert "loc(" in stdout
    code, plain, _ = dfc_opt_cli(str(good))
    assert "loc(" not in plain


def test_print_op_generic(good: Path):
    code, stdout, stderr = dfc_opt_cli(str(good), "--print-op-generic")
    assert code == 0, stderr
    assert '"dfg.add"(' in stdout
    assert "value = dense_resource<cli_w>" in stdout


def test_verify_diagnostics_matches_and_reports(tmp_path: Path):
    expected = tmp_path / "expected.mlir"
    expected.write_text(
        BAD.replace("  %0", f"  // expected-error @+1 {{{{{BAD_MESSAGE}}}}}\n  %0")
    )
    code, stdout, stderr = dfc_opt_cli(str(expected), "--verify-diagnostics")
    assert (code, stderr) == (0, "")

    wrong = tmp_path / "wrong.mlir"
    wrong.write_text(
        BAD.replace("  %0", "  // expected-error @+1 {{other text}}\n  %0")
    )
    code, stdout, stderr = dfc_opt_cli(str(wrong), "--verify-diagnostics")
    assert code == 1
    assert f"wrong.mlir:3:3: error: unexpected error: {BAD_MESSAGE}" in stderr
    assert (
        'wrong.mlir:2:1: error: expected error "other text" was not produced' in stderr
    )


def test_missing_and_unreadable_inputs(tmp_path: Path):
    code, _, stderr = dfc_opt_cli(str(tmp_path / "nope.mlir"))
    assert code == 1
    assert "dfc-opt: error: No such file or directory:" in stderr
    binary = tmp_path / "binary.mlir"
    binary.write_bytes(b"\xff\xfe\x00")
    code, _, stderr = dfc_opt_cli(str(binary))
    assert code == 1
    assert "is not UTF-8 text (byte 0xff at offset 0)" in stderr
    assert "Traceback" not in stderr


def test_internal_error_has_no_traceback_without_debug(monkeypatch, good: Path):
    """A bug inside dfc-opt (simulated: `run` raises) is reported in one line
    with exit code 2; `--debug` lets the exception through."""

    def broken_run(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(dfc_opt, "run", broken_run)
    runner = CliRunner()
    result = runner.invoke(dfc_opt.main, [str(good)])
    assert result.exit_code == 2
    assert "dfc-opt: internal error: RuntimeError: simulated bug" in result.output
    assert "--debug" in result.output
    assert "Traceback" not in result.output

    result = runner.invoke(dfc_opt.main, [str(good), "--debug"])
    assert isinstance(result.exception, RuntimeError)


def test_help_and_list_passes():
    code, stdout, _ = dfc_opt_cli("--help")
    assert code == 0
    assert "Usage: dfc-opt [OPTIONS] [FILE|-]" in stdout
    code, stdout, _ = dfc_opt_cli("--list-passes")
    assert code == 0
    assert "  canonicalize: " in stdout
