"""One Function called from several threads at once.

Calls are not serialized: each call has its own argument and result words, and
ctypes releases the GIL while compiled code runs, so calls overlap. Updates of
shared variables are committed one call at a time (under the GIL), each from the
values that call read; concurrent updating calls therefore race as they would in
Theano (the last commit wins), while pure functions give exactly the
single-threaded results. Calls that update a variable in place (its own buffer,
written while the code runs) are serialized, so their writes never interleave.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

import symopt
import symopt.tensor as T


@pytest.mark.parametrize("mode", ["native", "py"])
def test_pure_function_from_many_threads(mode: str) -> None:
    x = T.dmatrix("x")
    w = symopt.shared(np.linspace(-1, 1, 64 * 32).reshape(64, 32), name="w")
    f = symopt.function([x], [T.tanh(T.dot(x, w)).sum(axis=1), T.exp(x).max()], mode=mode)
    inputs = [np.random.RandomState(i).randn(50, 64) for i in range(8)]
    expected = [f(a) for a in inputs]
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for r in range(30):
                i = (k + r) % len(inputs)
                out = f(inputs[i])
                np.testing.assert_array_equal(out[0], expected[i][0])
                np.testing.assert_array_equal(out[1], expected[i][1])
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


def test_failed_checks_in_threads_report_their_own_values() -> None:
    x, y = T.dvectors("x", "y")
    f = symopt.function([x, y], x + y)
    errors: list[str] = []

    def work(n: int) -> None:
        for _ in range(50):
            try:
                f(np.zeros(n), np.zeros(n + 1))
            except ValueError as e:
                if f"size {n}" not in str(e) or f"size {n + 1}" not in str(e):
                    errors.append(str(e))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2, 8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]


def test_updates_from_threads_are_whole() -> None:
    """Every call reads one whole value of the variable and commits a whole one:
    in-place writes of concurrent calls never interleave."""
    n = 400_000
    s = symopt.shared(np.zeros(n), name="s")
    inc = T.dscalar("inc")
    f = symopt.function([inc], s.sum(), updates=[(s, s * 0 + inc)])
    assert "inplace" in f.ir("bufferized")
    seen: list[float] = []

    def work(v: float) -> None:
        for _ in range(60):
            seen.append(float(f(v)))

    threads = [threading.Thread(target=work, args=(float(v),)) for v in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(total / n in (0.0, 1.0, 2.0, 3.0, 4.0) for total in seen), sorted(set(seen))[:5]
    value = s.get_value()
    assert np.all(value == value[0]) and value[0] in (1.0, 2.0, 3.0, 4.0)
