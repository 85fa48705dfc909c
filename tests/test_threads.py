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

import numpy as np
import pytest

import symopt
import symopt.tensor as T


@pytest.mark.parametrize("mode", ["native", "py"])
def test_pure_function_from_many_threads(mode: str, in_threads) -> None:  # type: ignore[no-untyped-def]
    x = T.dmatrix("x")
    w = symopt.shared(np.linspace(-1, 1, 64 * 32).reshape(64, 32), name="w")
    f = symopt.function([x], [T.tanh(T.dot(x, w)).sum(axis=1), T.exp(x).max()], mode=mode)
    inputs = [np.random.RandomState(i).randn(50, 64) for i in range(8)]
    expected = [f(a) for a in inputs]

    def work(k: int) -> None:
        for r in range(30):
            i = (k + r) % len(inputs)
            out = f(inputs[i])
            np.testing.assert_array_equal(out[0], expected[i][0])
            np.testing.assert_array_equal(out[1], expected[i][1])

    in_threads(work, range(6))


def test_failed_checks_in_threads_report_their_own_values(in_threads) -> None:  # type: ignore[no-untyped-def]
    x, y = T.dvectors("x", "y")
    f = symopt.function([x, y], x + y)

    def work(n: int) -> None:
        for _ in range(50):
            with pytest.raises(ValueError) as e:
                f(np.zeros(n), np.zeros(n + 1))
            assert f"size {n}" in str(e.value) and f"size {n + 1}" in str(e.value), str(e.value)

    in_threads(work, range(2, 8))


def test_updates_from_threads_are_whole(in_threads) -> None:  # type: ignore[no-untyped-def]
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

    in_threads(work, [float(v) for v in range(1, 5)])
    assert all(total / n in (0.0, 1.0, 2.0, 3.0, 4.0) for total in seen), sorted(set(seen))[:5]
    value = s.get_value()
    assert np.all(value == value[0]) and value[0] in (1.0, 2.0, 3.0, 4.0)
