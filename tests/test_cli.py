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


def _run(args, stdin=None):  # type: ignore[no-untyped-def]
    """The installed command in its own process (its real stdout and stderr)."""
    return subprocess.run(
        [sys.executable, "-m", "symopt.tools.symopt_main", *args],
        input=stdin, capture_output=True, timeout=300,
    )


def test_empty_input_is_an_empty_module(tmp_path):
    for text in ["", "\n  \n", "// only a comment\n"]:
        src = tmp_path / "empty.mlir"
        src.write_text(text)
        out = _run([str(src)])
        assert out.returncode == 0, out.stderr
        assert out.stdout.decode().split() == ["builtin.module", "{", "}"]


def test_binary_input_is_a_diagnostic(tmp_path):
    src = tmp_path / "junk.mlir"
    src.write_bytes(b"func.func\n  @f\xff\xfe\x00garbage")
    out = _run([str(src)])
    assert out.returncode == 1
    err = out.stderr.decode()
    assert "junk.mlir:2:5: error: the input is not UTF-8 text (byte 0xff)" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("line", "column", "why"),
    [
        ('  func.return "' + "a" * 200, 15, "string literal not closed on its line"),
        ('  func.return {s = "ab\\q' + "a" * 200 + '"}', 23, "invalid escape in a string literal"),
        ('  func.return {s = "a\v' + "a" * 200 + '"}', 22, "cannot contain a vertical tab"),
    ],
)
def test_bad_string_literals_are_diagnosed_at_once(tmp_path, line, column, why):
    """xDSL's lexer backtracks exponentially on these (a 30-character open
    literal took seconds): the driver reports them before it lexes."""
    src = tmp_path / "strings.mlir"
    src.write_text("func.func @f() {\n" + line + "\n}\n")
    out = _run([str(src)])
    assert out.returncode == 1
    err = out.stderr.decode()
    assert f"strings.mlir:2:{column}: error:" in err and why in err, err
    assert "Traceback" not in err


def test_deep_nesting_is_handled(tmp_path):
    """3,000 nested regions parse, verify and print (mlir-opt handles them); far
    deeper input is a diagnostic, never a RecursionError traceback."""
    depth = 3000
    text = 'builtin.module {' + '"test.op"() ({' * depth + "}) : () -> ()" * depth + "}"
    src = tmp_path / "deep.mlir"
    src.write_text(text)
    out = _run([str(src), "--allow-unregistered-dialect", "-p", "cse"])
    assert out.returncode == 0, out.stderr.decode()[-500:]
    assert out.stdout.decode().count('"test.op"') == depth
    brackets = "[" * depth + "1.0" + "]" * depth
    src.write_text(f"func.func @f() {{\n %0 = arith.constant dense<{brackets}> : tensor<1xf64>\n func.return\n}}\n")
    out = _run([str(src)])
    assert out.returncode == 1
    assert "Traceback" not in out.stderr.decode()
    assert "error:" in out.stderr.decode()


def test_time_passes_goes_to_stderr(tmp_path):
    src = tmp_path / "f.mlir"
    src.write_text("func.func @f(%x: tensor<?xf64>) -> tensor<?xf64> {\n  func.return %x : tensor<?xf64>\n}\n")
    out = _run([str(src), "-p", "cse,dce", "--time-passes"])
    assert out.returncode == 0
    assert "took" not in out.stdout.decode()
    assert "Pass cse took" in out.stderr.decode()
    assert out.stdout.decode().startswith("builtin.module")


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "func.func @f(%a: f64, %b: f64) -> f64 {\n  %c = arith.addf %a, %b : f64\n  func.return %c : f64\n}\n",
            "argument 0 of @f has type f64; native code takes tensors (a scalar is a 0-d tensor, tensor<f64>)",
        ),
        (
            "func.func @g(%x: memref<?xf64>) -> memref<?xf64> {\n  func.return %x : memref<?xf64>\n}\n",
            "@g is lowered already (argument 0 is memref<?xf64>)",
        ),
    ],
)
def test_cpu_pipeline_rejects_what_it_does_not_take(tmp_path, capsys, text, message):
    src = tmp_path / "f.mlir"
    src.write_text(text)
    assert main([str(src), "-p", "cpu"]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_lowered_ir_reruns_the_cpu_pipeline_with_a_diagnostic(tmp_path):
    src = tmp_path / "f.mlir"
    src.write_text(
        "func.func @f(%x: tensor<?xf64>) -> tensor<?xf64> {\n"
        "  %e = sym.exp %x : tensor<?xf64>\n  func.return %e : tensor<?xf64>\n}\n"
    )
    lowered = _run([str(src), "-p", "cpu"])
    assert lowered.returncode == 0
    again = tmp_path / "lowered.mlir"
    again.write_bytes(lowered.stdout)
    out = _run([str(again), "-p", "cpu"])
    assert out.returncode == 1
    assert "lowered already" in out.stderr.decode()
    llvm = _run([str(again), "-t", "llvm"])
    assert llvm.returncode == 0
    assert b'define i32 @"symopt.fn.f"' in llvm.stdout
