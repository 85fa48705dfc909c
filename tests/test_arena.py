"""The entry function's arena: its temporaries take stack memory while 32 KiB
last, then the usual allocation (see ``symopt.lowering.llvm.ARENA_BYTES``).

Sorting makes a temporary copy that nothing fuses away, so a chain of sorts
makes as many temporaries as it likes, of a size the test picks.
"""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt.lowering.llvm import ARENA_BYTES
from symopt.runtime import native


def _chain(n_temps: int):  # type: ignore[no-untyped-def]
    x, y = T.dvectors("x", "y")
    t = x
    for k in range(n_temps):
        t = T.sort(T.tanh(t) * 0.5 + k)
    return symopt.function([x, y], t + y), symopt.function([x, y], t + y, mode="py")


@pytest.mark.parametrize("elements", [1, 100, 1000, ARENA_BYTES // 8, ARENA_BYTES // 8 + 1, 20_000])
@pytest.mark.parametrize("n_temps", [1, 6])
def test_temporaries_in_and_past_the_arena(elements: int, n_temps: int) -> None:
    native_f, reference = _chain(n_temps)
    assert "alloca [32768 x i8]" in native_f.ir("llvm")
    a = np.random.RandomState(elements).randn(elements)
    b = np.ones(elements)
    for _ in range(3):  # the arena starts empty at every call
        np.testing.assert_allclose(native_f(a, b), reference(a, b), rtol=1e-12)


def test_a_failed_check_after_temporaries_frees_only_the_heap_ones() -> None:
    native_f, _ = _chain(6)
    a = np.random.RandomState(0).randn(3000)  # some temporaries in the arena, some not
    for _ in range(20):
        with pytest.raises(ValueError, match="shape mismatch"):
            native_f(a, np.ones(5))
    np.testing.assert_allclose(native_f(a, np.ones(3000)), _chain(6)[1](a, np.ones(3000)), rtol=1e-12)


def test_arena_temporaries_in_parallel_loops() -> None:
    threads, work = symopt.config.threads, native.parallel_min_work()
    symopt.config.threads = 3
    native.parallel_min_work(1)
    try:
        native_f, reference = _chain(4)
        a = np.random.RandomState(1).randn(1000)
        np.testing.assert_allclose(native_f(a, a), reference(a, a), rtol=1e-12)
    finally:
        symopt.config.threads = threads
        native.parallel_min_work(work)
