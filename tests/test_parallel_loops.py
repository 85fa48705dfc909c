"""Loops of native code split over threads (``symopt.config.threads``).

The outer loop of a map, and of a reduction that keeps dimensions, runs in
chunks on up to ``config.threads`` threads once it has at least 65,536 innermost
iterations per thread. The results must be the same bits with any number of
threads: each element is computed by the same code whatever the split (a
one-loop nest is split at multiples of 256, the vector body's alignment), and
reductions are never split along the reduced axis.

Large buffers (results the caller dropped, and temporaries) go back to the
runtime's pool and are reused by the next call.
"""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T


@pytest.fixture
def threads():  # type: ignore[no-untyped-def]
    """Set config.threads for a test; restored after."""
    before = symopt.config.threads

    def set_threads(n: int) -> None:
        symopt.config.threads = n

    yield set_threads
    symopt.config.threads = before


def _bits(values) -> list[bytes]:  # type: ignore[no-untyped-def]
    return [np.ascontiguousarray(v).tobytes() for v in values]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_maps_and_reductions_give_the_same_bits_with_any_thread_count(threads, dtype: str) -> None:  # type: ignore[no-untyped-def]
    """Sizes that are not multiples of the chunk alignment, vector math (where
    the vector and scalar routines may differ in the last bit), row and column
    reductions, argmax and a full sum, against 1 thread and the reference."""
    v, m = T.vector("v", dtype=dtype), T.matrix("m", dtype=dtype)
    outputs = [
        T.nnet.sigmoid(v) * T.tanh(v) + T.log1p(abs(v)),
        T.exp(m / 4).sum(axis=1),
        T.cos(m).max(axis=0),
        T.argmax(m, axis=1),
        m.sum(),
        (m * 2 - 1) ** 2,
    ]
    f = symopt.function([v, m], outputs)
    rng = np.random.default_rng(0)
    a = rng.uniform(-8, 8, 300_007).astype(dtype)
    b = rng.uniform(-3, 3, (611, 523)).astype(dtype)
    threads(1)
    one = _bits(f(a, b))
    for n in (2, 3, 7):
        threads(n)
        assert _bits(f(a, b)) == one, n
    ref = symopt.function([v, m], outputs, mode="py")(a, b)
    threads(1)
    tol = 1e-5 if dtype == "float32" else 1e-12
    for k, (got, want) in enumerate(zip(f(a, b), ref)):
        # the full sum adds in order, NumPy pairwise: held to a looser tolerance
        rtol = tol * 100 if k == 4 else tol
        np.testing.assert_allclose(got, want, rtol=rtol, atol=tol)


def test_small_loops_and_empty_inputs(threads) -> None:  # type: ignore[no-untyped-def]
    threads(4)
    x = T.dmatrix("x")
    f = symopt.function([x], [T.exp(x), x.sum(axis=1)])
    for shape in [(0, 5), (5, 0), (1, 1), (3, 200_000), (200_000, 3), (0, 0)]:
        a = np.random.default_rng(1).standard_normal(shape)
        e, s = f(a)
        np.testing.assert_allclose(e, np.exp(a))
        np.testing.assert_allclose(s, a.sum(axis=1), rtol=1e-12, atol=1e-12)


def test_in_place_updates_with_threads(threads) -> None:  # type: ignore[no-untyped-def]
    """A shared variable updated in place, its map split over threads, gives
    what one thread gives over several calls."""
    results = []
    for n in (1, 3):
        threads(n)
        w = symopt.shared(np.linspace(-1, 1, 400_000), name="w")
        step = symopt.function([], [], updates=[(w, T.tanh(w) * 0.9 + 0.05)])
        for _ in range(3):
            step()
        results.append(w.get_value().tobytes())
    assert results[0] == results[1]


def test_thread_count_is_read_at_each_call(threads) -> None:  # type: ignore[no-untyped-def]
    """One compiled function follows config.threads from call to call (the
    count is a global of the runtime, not part of the code or the cache key)."""
    x = T.dvector("x")
    f = symopt.function([x], T.sqrt(abs(x)) + 1)
    a = np.arange(1_000_003.0)
    outs = []
    for n in (1, 2, 1, 5):
        threads(n)
        outs.append(f(a).tobytes())
    assert len(set(outs)) == 1


@pytest.mark.parametrize("bad", [0, -1, 1025, 1.5, "many", None, True])
def test_bad_thread_counts_are_refused(bad: object) -> None:
    before = symopt.config.threads
    with pytest.raises(ValueError, match="config.threads must be a whole number"):
        symopt.config.threads = bad  # type: ignore[assignment]
    assert symopt.config.threads == before


def test_threads_flag() -> None:
    from symopt.configparser import Config

    c = Config()
    assert c.threads >= 1
    c.apply_flags("threads=3")
    assert c.threads == 3
    with pytest.raises(ValueError, match="SYMOPT_FLAGS: config.threads"):
        c.apply_flags("threads=zero")


def test_large_results_reuse_dropped_buffers() -> None:
    """A dropped result of 1 MiB or more goes back to its function's pool, and
    the next call's result reuses it (no fresh pages to map and zero); a result
    still alive is never handed out again."""
    x = T.dvector("x")
    f = symopt.function([x], [T.exp(x), x * 2])
    a = np.linspace(-1, 1, 400_000)  # 3.2 MB per result
    first, second = f(a)
    address = first.__array_interface__["data"][0]
    kept = second
    del first, second
    again, again2 = f(a)
    assert address in (again.__array_interface__["data"][0], again2.__array_interface__["data"][0])
    live = {kept.__array_interface__["data"][0]}
    assert not live & {again.__array_interface__["data"][0], again2.__array_interface__["data"][0]}
    np.testing.assert_allclose(again, np.exp(a))
    np.testing.assert_array_equal(kept, a * 2)
    np.testing.assert_array_equal(again2, a * 2)


def test_pool_from_many_threads(in_threads) -> None:  # type: ignore[no-untyped-def]
    """Calls on several threads, each dropping its results, give correct values
    (the pool's table is locked; results are never shared)."""
    x = T.dvector("x")
    f = symopt.function([x], [x + 1, T.sqrt(abs(x))])

    def work(seed: int) -> None:
        rng = np.random.default_rng(seed)
        for _ in range(30):
            a = rng.standard_normal(int(rng.integers(131_072, 300_000)))
            p, q = f(a)
            np.testing.assert_array_equal(p, a + 1)
            np.testing.assert_array_equal(q, np.sqrt(abs(a)))

    in_threads(work, range(6))


def test_pool_keeps_large_buffers_of_about_the_size_asked() -> None:
    """The runtime's pool: a given-back buffer of 1 MiB or more is kept and
    handed out for a request of 80 % to 100 % of its size; small ones are freed
    at once; drain_pool frees what is kept."""
    import ctypes

    from symopt.runtime import native

    rt = native._runtime()
    take = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int64)(rt.addresses["symopt_pool_take"])
    malloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_size_t)(
        ctypes.cast(ctypes.CDLL(None).malloc, ctypes.c_void_p).value
    )
    native.drain_pool()
    mib = 1 << 20
    block = malloc(4 * mib)
    rt.give(block, 4 * mib)  # type: ignore[attr-defined]
    assert take(2 * mib) is None  # too big a block for the request
    assert take(3 * mib + mib // 2) == block
    assert take(3 * mib + mib // 2) is None  # handed out once
    rt.give(block, 4 * mib)  # type: ignore[attr-defined]
    native.drain_pool()
    assert take(4 * mib) is None
    small = malloc(1000)
    rt.give(small, 1000)  # type: ignore[attr-defined]
    assert take(1000) is None


def test_runtime_module_is_valid_and_exports_its_functions() -> None:
    """The runtime module verifies, exports what compiled code calls, guards the
    pool with an acquire/release spin lock, reads the thread count from the
    runtime's symopt_threads and keeps its worker threads."""
    from symopt.lowering.machine import parse_verified
    from symopt.lowering.native_abi import RUNTIME_EXPORTS
    from symopt.lowering.runtime import runtime_ir

    text, imported = runtime_ir()
    parse_verified(text)
    assert imported == ["PyCapsule_GetContext", "PyCapsule_GetPointer", "symopt_min_work", "symopt_threads"]
    for name in RUNTIME_EXPORTS:
        assert f'define void @"{name}"' in text or f'define i8* @"{name}"' in text, name
    assert 'atomicrmw xchg i32* @"symopt.pool.lock", i32 1 acquire' in text
    assert 'store atomic i32 0, i32* @"symopt.pool.lock" release' in text
    # the thread count and the minimum work are the Python side's words, imports
    assert '@"symopt.import.symopt_threads" = global i8* null' in text
    assert 'load i8*, i8** @"symopt.import.symopt_min_work"' in text
    # the workers: made once (and detached), woken through the generation word,
    # claiming chunks by compare-and-swap on the ticket
    assert 'call i32 @"pthread_create"' in text and 'call i32 @"pthread_detach"' in text
    assert 'cmpxchg i64* @"symopt.workers.ticket"' in text
    assert 'store atomic i32 %' in text and '@"symopt.workers.generation" seq_cst' in text
    assert 'call i64 (i64, ...) @"syscall"(i64 202' in text  # futex
