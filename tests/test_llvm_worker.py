"""Compilation in a worker process: after a process's first optimizations, LLVM
runs in a worker that is replaced every few hundred compilations, so that the
memory LLVM's pass manager keeps from every run does not pile up in the user's
process (``python benchmarks/memory.py``: 2,000 distinct functions)."""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt.lowering import llvm_worker


@pytest.fixture
def worker_only(monkeypatch):
    monkeypatch.setattr(llvm_worker, "_in_process", llvm_worker.IN_PROCESS_RUNS)
    monkeypatch.setattr(llvm_worker, "RUNS_PER_WORKER", 3)
    worker = llvm_worker.Worker()
    monkeypatch.setattr(llvm_worker, "_worker", worker)
    monkeypatch.setattr(symopt.config, "cache_dir", "")
    yield worker
    worker._stop()


def test_functions_compiled_in_the_worker_run_and_workers_are_replaced(worker_only):
    x = T.dvector("x")
    pids = set()
    for k in range(8):
        f = symopt.function([x], T.tanh(x) * (k + 0.25))
        np.testing.assert_allclose(f(np.arange(3.0)), np.tanh(np.arange(3.0)) * (k + 0.25))
        pids.add(worker_only._process.pid)
    assert len(pids) >= 3  # a fresh worker every 3 compilations


def test_a_dead_worker_is_replaced(worker_only):
    x = T.dvector("x")
    symopt.function([x], x + 1.5)
    worker_only._process.kill()
    worker_only._process.wait()
    f = symopt.function([x], x + 2.5)
    np.testing.assert_array_equal(f(np.zeros(2)), [2.5, 2.5])


def test_invalid_ir_is_an_error_from_the_worker(worker_only):
    with pytest.raises(ValueError, match="invalid LLVM IR"):
        worker_only.compile("define i32 @f() {\n  ret i64 0\n}\n")
