"""``loop-fuse-dot`` end to end: the logistic step reads its data matrix once.

The fused step must compute what the reference executor computes (the gradient
product's sums run in another order, so to rounding), and the same bits with
any number of threads: the blocks are fixed by the matrix's shape. The worker
threads (``symopt.lowering.workers``) run the blocks; these tests also call
fused functions from several Python threads at once and from a forked child.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symopt
import symopt.tensor as T
from symopt.passes.loop_fuse_dot import BLOCK_BYTES, MIN_ROWS
from symopt.runtime import native


def logistic(mode: str = "native", dtype: str = "float64", cols: int = 5):  # type: ignore[no-untyped-def]
    """The tutorial's logistic regression ``train`` and its shared weights."""
    x, y = T.matrix("x", dtype=dtype), T.vector("y", dtype=dtype)
    w = symopt.shared(np.linspace(-0.5, 0.5, cols).astype(dtype), name="w")
    b = symopt.shared(np.asarray(0.1, dtype=dtype), name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w**2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = symopt.function([x, y], [p_1 > 0.5, xent], updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)), mode=mode)
    return train, w, b


def _data(rows: int, cols: int, dtype: str = "float64", seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    return rng.randn(rows, cols).astype(dtype), rng.randint(0, 2, rows).astype(dtype)


def _steps(mode: str, rows: int, cols: int, dtype: str = "float64", n: int = 3) -> list[np.ndarray]:
    train, w, b = logistic(mode, dtype, cols)
    X, Y = _data(rows, cols, dtype)
    out = []
    for _ in range(n):
        prediction, xent = train(X, Y)
        out += [prediction, xent, w.get_value(), b.get_value()]
    return out


def test_the_logistic_step_is_fused() -> None:
    train, _, _ = logistic()
    scf = train.ir("scf")
    assert "symopt.work" in scf
    # both products run on views of the blocks, inside the loop over blocks
    assert scf.count("loop.dot") == 2
    assert "loop.dot %x" not in scf


@pytest.mark.parametrize("rows", [0, 1, 7, MIN_ROWS, 21, 100, 333])
@pytest.mark.parametrize("cols", [0, 1, 3, 784, 3000])
def test_fused_step_matches_the_reference(rows: int, cols: int) -> None:
    with np.errstate(all="ignore"):  # the mean of no rows
        got = _steps("native", rows, cols)
    with np.errstate(all="ignore"):
        want = _steps("py", rows, cols)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_float32() -> None:
    got = _steps("native", 50, 40, "float32")
    want = _steps("py", 50, 40, "float32")
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=1e-6)


def test_the_same_bits_with_any_number_of_threads() -> None:
    threads, work = symopt.config.threads, native.parallel_min_work()
    rows = 5 * (BLOCK_BYTES // 8 // 60) + 3  # several blocks of 60 columns
    results = []
    try:
        native.parallel_min_work(1)
        for n in (1, 2, 3, 7):
            symopt.config.threads = n
            results.append(_steps("native", rows, 60))
    finally:
        symopt.config.threads = threads
        native.parallel_min_work(work)
    for other in results[1:]:
        for a, b in zip(results[0], other):
            assert a.tobytes() == b.tobytes()


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(0, 70), cols=st.integers(1, 40), seed=st.integers(0, 2**31 - 1))
def test_differential(rows: int, cols: int, seed: int) -> None:
    X, Y = _data(rows, cols, seed=seed)
    results = []
    for mode in ("native", "py"):
        train, w, b = logistic(mode, cols=cols)
        with np.errstate(all="ignore"):
            results.append([*train(X, Y), w.get_value(), b.get_value()])
    for g, w in zip(*results):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_calls_from_several_threads(in_threads) -> None:  # type: ignore[no-untyped-def]
    threads, work = symopt.config.threads, native.parallel_min_work()
    X, Y = _data(300, 50)
    want = _steps("py", 300, 50, n=1)
    native.parallel_min_work(1)
    symopt.config.threads = 3
    try:

        def work_(_: object) -> None:
            train, w, b = logistic(cols=50)
            prediction, xent = train(X, Y)
            for g, e in zip([prediction, xent, w.get_value(), b.get_value()], want):
                np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)
            for _ in range(50):
                train(X, Y)

        in_threads(work_, range(4))
    finally:
        symopt.config.threads = threads
        native.parallel_min_work(work)


def _child(queue) -> None:  # type: ignore[no-untyped-def]
    X, Y = _data(300, 50)
    train, w, _ = logistic(cols=50)
    train(X, Y)
    queue.put(w.get_value())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_makes_its_own_workers() -> None:
    threads, work = symopt.config.threads, native.parallel_min_work()
    native.parallel_min_work(1)
    symopt.config.threads = 2
    try:
        X, Y = _data(300, 50)
        train, w, _ = logistic(cols=50)
        train(X, Y)  # the parent has workers now
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=_child, args=(queue,))
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a process with threads (the workers)
            warnings.simplefilter("ignore", DeprecationWarning)
            child.start()
        got = queue.get(timeout=60)
        child.join(timeout=60)
        assert child.exitcode == 0
        np.testing.assert_array_equal(got, w.get_value())
    finally:
        symopt.config.threads = threads
        native.parallel_min_work(work)
