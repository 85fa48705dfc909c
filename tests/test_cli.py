"""The symopt command: fast start, lazy registration, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from symopt.tools.symopt_main import main


def test_help_imports_no_dialect_or_backend():
    code = (
        "import sys\n"
        "from symopt.tools.symopt_main import SymoptMain\n"
        "try:\n"
        "    SymoptMain(args=['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('symopt.dialects.sym', 'llvmlite', 'pycuda', 'symopt.runtime')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr
    assert "--split-input-file" in out.stdout
    assert "--verify-diagnostics" in out.stdout


def test_pass_pipeline_runs(tmp_path, capsys):
    src = tmp_path / "f.mlir"
    src.write_text(
        "func.func @f(%x: tensor<?xf64>) -> tensor<?xf64> {\n"
        "  %a = sym.exp %x : tensor<?xf64>\n"
        "  %b = sym.exp %x : tensor<?xf64>\n"
        "  %c = sym.add %a, %b : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>\n"
        "  func.return %c : tensor<?xf64>\n"
        "}\n"
    )
    assert main([str(src), "-p", "cse"]) == 0
    out = capsys.readouterr().out
    assert out.count("sym.exp") == 1


@pytest.mark.parametrize(
    "text, args, message",
    [
        ("func.func @f() {", [], "bad.mlir:1:17: error:"),
        (
            "func.func @f(%a: tensor<2xf64>) -> tensor<3xf64> {\n"
            "  %0 = sym.exp %a : tensor<2xf64>\n  func.return %0 : tensor<2xf64>\n}\n",
            [],
            "Expected arguments to have the same types",
        ),
        ("", ["-p", "no-such-pass"], "unknown pass 'no-such-pass'"),
    ],
)
def test_errors_exit_1_without_traceback(tmp_path, capsys, text, args, message):
    src = tmp_path / "bad.mlir"
    src.write_text(text)
    assert main([str(src), *args]) == 1
    captured = capsys.readouterr()
    assert message in captured.err + captured.out
    assert "Traceback" not in captured.err
