"""Theano's mode names, DebugMode, and the flags (SYMOPT_FLAGS, THEANO_FLAGS)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pytest
from xdsl.passes import ModulePass

import symopt
import symopt.tensor as T
from symopt import Mode
from symopt.dialects import sym
from symopt.passes import register_pass
from symopt.runtime.debug import DebugModeError
from symopt.runtime.native import NativeExecutor
from symopt.runtime.reference import ReferenceExecutor


@pytest.mark.parametrize(
    "mode, executor",
    [("FAST_RUN", NativeExecutor), ("native", NativeExecutor), ("FAST_COMPILE", ReferenceExecutor),
     ("py", ReferenceExecutor), (Mode("FAST_RUN"), NativeExecutor)],
)  # fmt: skip
def test_theano_mode_names(mode, executor) -> None:  # type: ignore[no-untyped-def]
    x = T.dvector("x")
    f = symopt.function([x], x * 2, mode=mode)
    assert isinstance(f._compiled.executor, executor)
    np.testing.assert_array_equal(f(np.arange(3.0)), [0, 2, 4])


def test_unknown_and_unavailable_modes() -> None:
    x = T.dvector("x")
    with pytest.raises(ValueError, match="unknown mode 'FAST'.*FAST_RUN"):
        symopt.function([x], x, mode="FAST")
    from symopt.runtime.cuda import CudaUnavailable, require_device

    try:
        require_device()
    except CudaUnavailable:
        with pytest.raises(CudaUnavailable, match="pycuda|driver|device"):
            symopt.function([x], x, mode="cuda")


def test_debug_mode_agrees_and_commits() -> None:
    x = T.dvector("x")
    w = symopt.shared(np.ones(3), name="w")
    f = symopt.function([x], [T.exp(x).sum(), T.argmax(x)], updates=[(w, w * x)], mode="DebugMode")
    out = f(np.array([1.0, 3.0, 2.0]))
    assert out[1] == 1
    np.testing.assert_allclose(out[0], np.exp([1.0, 3.0, 2.0]).sum())
    np.testing.assert_array_equal(w.get_value(), [1.0, 3.0, 2.0])


@register_pass
@dataclass(frozen=True)
class _SwapSubOperands(ModulePass):
    """A wrong pass: a - b becomes b - a."""

    name = "test-swap-sub"

    def apply(self, ctx, op) -> None:  # type: ignore[no-untyped-def]
        for inner in op.walk():
            if isinstance(inner, sym.SubOp):
                inner.operands = (inner.operands[1], inner.operands[0])


def test_debug_mode_names_the_output_and_the_pipeline_and_commits_nothing() -> None:
    x, y = T.dvectors("x", "y")
    w = symopt.shared(np.zeros(2), name="w")
    f = symopt.function(
        [x, y], [x + y, x - y], updates=[(w, w + (x - y))],
        mode=Mode("debug", pipeline="sym-opt,test-swap-sub,lower-cpu"),
    )  # fmt: skip
    with pytest.raises(DebugModeError, match=r"output 1 differs.*test-swap-sub"):
        f(np.array([5.0, 1.0]), np.array([1.0, 1.0]))
    np.testing.assert_array_equal(w.get_value(), [0.0, 0.0])
    out = f(np.array([2.0, 3.0]), np.array([2.0, 3.0]))  # a - b == b - a here
    np.testing.assert_array_equal(out[1], [0.0, 0.0])


def _config_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in ("SYMOPT_FLAGS", "THEANO_FLAGS")}
    full.update(env)
    code = "import symopt; print(symopt.config.floatX, symopt.config.mode)"
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120, check=False)


def test_theano_flags_are_a_fallback() -> None:
    out = _config_in_subprocess({"THEANO_FLAGS": "floatX=float32,device=cuda,optimizer=fast_run,mode=FAST_COMPILE"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["float32", "FAST_COMPILE"]
    out = _config_in_subprocess({"THEANO_FLAGS": "floatX=float32", "SYMOPT_FLAGS": "floatX=float64"})
    assert out.stdout.split() == ["float64", "native"]


def test_misspelt_flags_raise_and_suggest() -> None:
    out = _config_in_subprocess({"SYMOPT_FLAGS": "floatx=float32"})
    assert out.returncode != 0
    assert "unknown flag 'floatx'; did you mean 'floatX'?" in out.stderr
    out = _config_in_subprocess({"SYMOPT_FLAGS": "floatX=float128"})
    assert out.returncode != 0
    assert "config.floatX must be one of" in out.stderr
    with pytest.raises(AttributeError, match="did you mean 'floatX'"):
        symopt.config.floatx = "float32"  # type: ignore[attr-defined]
    with pytest.raises(ValueError):
        symopt.config.mode = "FASTEST"


def test_profile_counts_calls_and_compile_steps():
    import io

    from symopt.runtime.profile import ProfileStats

    x = T.dvector("x")
    f = symopt.function([x], T.exp(x).sum(), profile=True, name="demo")
    for _ in range(7):
        f([1.0, 2.0])
    assert f.profile.calls == 7 and f.profile.call_time > 0
    assert f.profile.compile_time > 0
    out = io.StringIO()
    f.profile.summary(file=out)
    text = out.getvalue()
    assert "Function profiling" in text and "Message: demo" in text
    assert "Time in 7 calls to Function.__call__" in text
    assert "pass loop-bufferize" in text or "disk cache" in text
    shared_stats = ProfileStats("both")
    g = symopt.function([x], x * 2, profile=shared_stats)
    h = symopt.function([x], x * 3, profile=shared_stats)
    g([1.0])
    h([1.0])
    assert shared_stats.calls == 2
    plain = symopt.function([x], x * 4)
    assert not hasattr(plain, "profile")


def test_profile_times_each_kernel_and_names_its_line() -> None:
    import io
    import inspect

    x = T.dmatrix("x")
    w = T.dvector("w")
    hidden, line = T.tanh(T.dot(x, w)), inspect.currentframe().f_lineno  # type: ignore[union-attr]
    f = symopt.function([x, w], hidden.sum(), profile=True)
    X, W = np.random.rand(50, 20), np.random.rand(20)
    for _ in range(5):
        f(X, W)
    kernels = f.profile.kernels()
    assert kernels and all(calls == 5 for _, calls, _ in kernels)
    assert all(seconds >= 0 for _, _, seconds in kernels)
    assert any(text.startswith("BLAS gemv") and text.endswith(f"at {__file__}:{line}") for text, _, _ in kernels)
    assert any("tanh" in text for text, _, _ in kernels)
    out = io.StringIO()
    f.profile.summary(file=out)
    assert "<% time> <sum %> <time> <time per call> <#call> <kernel>" in out.getvalue()
    # the same function without profile=True is other machine code: no counters
    g = symopt.function([x, w], hidden.sum())
    np.testing.assert_allclose(g(X, W), f(X, W))
    assert g._compiled.executor.kernel_profile() == []
