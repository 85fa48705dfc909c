"""Fuzzing the two doors into symopt.

- The ``symopt`` driver gets malformed and mutated MLIR (the FileCheck suite's
  inputs truncated, tokens swapped or replaced, types changed, huge shapes, deep
  nesting, unknown ops, binary junk): it must answer every input with its output
  (exit 0) or a diagnostic (exit 1), never a traceback or a hang.
- Compiled functions get random argument lists (wrong counts, types, ranks,
  shapes, dtypes, objects): each call either works or raises TypeError or
  ValueError naming the input, and changes no shared variable.

CI runs a bounded number of cases; ``SYMOPT_FUZZ_EXAMPLES=1000 pytest
tests/test_fuzz.py`` runs the long version.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symopt
import symopt.tensor as T
from symopt.tools.symopt_main import _main

EXAMPLES = int(os.environ.get("SYMOPT_FUZZ_EXAMPLES", "60"))
CORPUS = [
    chunk
    for path in sorted((Path(__file__).parent / "filecheck").rglob("*.mlir"))
    if "Inputs" not in path.parts
    for chunk in path.read_text().split("// -----")
    if "func.func" in chunk
]
TOKEN = re.compile(r"%[\w.]+|@[\w.]+|[A-Za-z_][\w.]*|\d+|[^\s\w]")


def _run(text: str, *args: str) -> tuple[int, str, str]:
    """The driver in this process on ``text``: exit status, stdout, stderr."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False, encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
        name = f.name
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = _main([name, *args])
    finally:
        os.unlink(name)
    return status, out.getvalue(), err.getvalue()


def _mutate(text: str, rng: random.Random) -> str:
    tokens = TOKEN.findall(text)
    kind = rng.randrange(8)
    if kind == 0:  # truncation
        return text[: rng.randrange(len(text) + 1)]
    if kind == 1 and len(tokens) > 2:  # two tokens swapped
        a, b = rng.sample(range(len(tokens)), 2)
        return text.replace(tokens[a], "\0", 1).replace(tokens[b], tokens[a], 1).replace("\0", tokens[b], 1)
    if kind == 2:  # a type changed
        return re.sub(r"\b(f64|f32|i64|i32|i1)\b", lambda m: rng.choice(["f64", "f32", "i64", "i32", "i1", "i8", "index", "f16"]), text, count=rng.randrange(1, 4))
    if kind == 3:  # a huge or negative size
        return re.sub(r"tensor<(\d+)x", lambda m: f"tensor<{rng.choice(['99999999999999', '0', '-3', '4294967296'])}x", text, count=1) or text
    if kind == 4:  # an unknown op
        return text.replace("sym.", rng.choice(["sym.nope_", "loop.", "foo.", "sym."]), 1)
    if kind == 5:  # binary junk inserted
        at = rng.randrange(len(text) + 1)
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12))).decode("latin-1")
        return text[:at] + junk + text[at:]
    if kind == 6 and tokens:  # a token deleted
        return text.replace(rng.choice(tokens), "", 1)
    # a block of braces opened deep
    depth = rng.choice([50, 500, 3000])
    return "func.func @f() {\n" + "scf.execute_region {\n" * depth + "}\n" * depth + "func.return\n}\n"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1), st.sampled_from(["", "-p sym-opt", "-p cpu", "-p loop-bufferize"]))
def test_the_driver_never_crashes(seed, pipeline):
    rng = random.Random(seed)
    text = _mutate(rng.choice(CORPUS), rng)
    status, out, err = _run(text, *pipeline.split())
    assert status in (0, 1), (status, err[-2000:])
    assert "Traceback" not in err and "Traceback" not in out, err[-2000:]
    if status == 1:
        assert err.strip(), "a failure must say why"


def test_driver_corner_cases():
    for text in ("", "\x00\x01\x02", "builtin.module {", "}" * 10, "func.func @f(" * 2000):
        status, _out, err = _run(text)
        assert status in (0, 1) and "Traceback" not in err


# ---------------------------------------------------------------------------
# random arguments


def _bad_value(rng: random.Random):  # type: ignore[no-untyped-def]
    choices = [
        None, "text", b"bytes", object(), [1, "a"], [[1, 2], [3]], {"a": 1}, 1 + 2j,
        np.array([1 + 1j]), np.array(["a", "b"]), np.array([object()], dtype=object),
        np.zeros((2, 3, 4)), np.zeros(()), np.zeros((0,)), np.zeros(5, dtype=np.float32),
        np.arange(6).reshape(2, 3), float("nan"), 10**30, -1, True, np.zeros((3,))[::2],
        np.ones((4, 4)).T, np.array([1.5, 2.5]), [1.0, 2.0, 3.0], 3.5,
    ]
    return rng.choice(choices)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_random_arguments_raise_clearly(seed):
    rng = random.Random(seed)
    f, shared_var, names = _FUNCTION
    before = shared_var.get_value().copy()
    args = [_bad_value(rng) for _ in range(rng.choice([0, 1, 2, 3, 4]))]
    try:
        f(*args)
    except (TypeError, ValueError, IndexError) as e:
        message = str(e)
        assert "Traceback" not in message
        if len(args) == 2:  # the right count: the message names the input
            assert any(n in message for n in names), message
        np.testing.assert_array_equal(shared_var.get_value(), before)
    else:
        # accepted arguments: a real call, which updates the variable
        assert len(args) == 2


def _make_function():  # type: ignore[no-untyped-def]
    v = symopt.shared(np.zeros(3), name="v")
    x = T.dvector("x")
    k = T.iscalar("k")
    return symopt.function([x, k], (x * k).sum(), updates=[(v, v + x)]), v, ("'x'", "'k'", "%x", "%k")


_FUNCTION = _make_function()


@pytest.mark.parametrize("bad", [None, "3", [1.0, 2.0], np.zeros((2, 2))])
def test_named_input_in_messages(bad):
    f, _v, _names = _FUNCTION
    with pytest.raises((TypeError, ValueError), match="'k'|'x'"):
        f(bad, bad)


@settings(max_examples=max(EXAMPLES // 10, 5), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_llvm_never_aborts(seed):
    """Down to LLVM, in a process of its own (an LLVM abort would end this one)."""
    import subprocess
    import sys
    import tempfile

    rng = random.Random(seed)
    text = _mutate(rng.choice(CORPUS), rng)
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False, encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    try:
        r = subprocess.run([sys.executable, "-m", "symopt.tools.symopt_main", f.name, "-p", "cpu", "-t", "llvm"],
                           capture_output=True, text=True, errors="replace", timeout=120, check=False)
    finally:
        os.unlink(f.name)
    assert r.returncode in (0, 1), (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
