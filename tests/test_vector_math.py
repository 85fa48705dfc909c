"""Math in vectorized loops (libmvec's SIMD functions where the host has them)
stays within 4 ulp of NumPy, over the whole domain and at the edges, in float64
and float32."""

from __future__ import annotations

import re

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt.lowering.machine import vector_math_variants


def _ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in units in the last place (NaN against NaN: 0)."""
    itype = np.int64 if a.dtype == np.float64 else np.int32
    ia, ib = a.view(itype).astype(np.int64), b.view(itype).astype(np.int64)
    top = np.int64(1) << (63 if itype is np.int64 else 31)
    # map the sign-magnitude order of floats onto integers
    ia = np.where(ia < 0, -(ia + top) if itype is np.int64 else -(ia & 0x7FFFFFFF), ia)
    ib = np.where(ib < 0, -(ib + top) if itype is np.int64 else -(ib & 0x7FFFFFFF), ib)
    d = np.abs(ia - ib)
    both_nan = np.isnan(a) & np.isnan(b)
    return np.where(both_nan, 0, d)


def _inputs(dtype: str, low: float, high: float, n: int = 20000) -> np.ndarray:
    rng = np.random.default_rng(0)
    finfo = np.finfo(dtype)
    body = rng.uniform(low, high, n)
    logs = np.concatenate([np.geomspace(finfo.tiny, min(high, 1e300), 500) if high > 0 else [],
                           -np.geomspace(finfo.tiny, min(-low, 1e300), 500) if low < 0 else []])
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, finfo.tiny, finfo.smallest_subnormal, finfo.max, -finfo.max, 1.0, -1.0]
    with np.errstate(over="ignore"):
        return np.concatenate([body, logs, edges]).astype(dtype)


CASES = {
    "exp": (-750.0, 750.0),
    "log": (0.0, 1e308),
    "log2": (0.0, 1e308),
    "log10": (0.0, 1e308),
    "log1p": (-1.0, 1e308),
    "expm1": (-750.0, 750.0),
    "sin": (-1e4, 1e4),
    "cos": (-1e4, 1e4),
    "tan": (-1e4, 1e4),
    "arcsin": (-1.0, 1.0),
    "arccos": (-1.0, 1.0),
    "arctan": (-1e300, 1e300),
    "sinh": (-720.0, 720.0),
    "cosh": (-720.0, 720.0),
    "tanh": (-30.0, 30.0),
    "sqrt": (0.0, 1e308),
}
FLOAT32_RANGE = {"exp": (-104.0, 89.0), "expm1": (-104.0, 89.0), "sinh": (-90.0, 90.0), "cosh": (-90.0, 90.0)}
COMPOSITES = {"sigmoid": (-750.0, 750.0), "softplus": (-750.0, 750.0)}


def _check(got: np.ndarray, want: np.ndarray, v: np.ndarray, what: object) -> None:
    assert got.dtype == want.dtype
    ulps = _ulps(got, want)
    worst = int(np.argmax(ulps))
    assert ulps.max() <= 4, (what, v[worst], got[worst], want[worst], ulps.max())
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.array_equal(np.signbit(got[want == 0]), np.signbit(want[want == 0]))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_unary_within_4_ulp_of_numpy(name: str, dtype: str) -> None:
    low, high = CASES[name]
    if dtype == "float32":
        low, high = FLOAT32_RANGE.get(name, (max(low, -1e4 if name in ("sin", "cos", "tan") else -3e38),
                                             min(high, 1e4 if name in ("sin", "cos", "tan") else 3e38)))
    x = T.vector("x", dtype=dtype)
    f = symopt.function([x], getattr(T, name)(x))
    v = _inputs(dtype, low, high)
    with np.errstate(all="ignore"):
        want = getattr(np, name)(v)
    _check(f(v), want, v, (name, dtype))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_composites_within_4_ulp_of_the_reference(name: str, dtype: str) -> None:
    """sigmoid and softplus, made of exp and log1p, against the NumPy reference
    executor (mode='py')."""
    low, high = COMPOSITES[name]
    x = T.vector("x", dtype=dtype)
    out = getattr(T.nnet, name)(x)
    f, ref = symopt.function([x], out), symopt.function([x], out, mode="py")
    v = _inputs(dtype, low, high)
    with np.errstate(all="ignore"):
        want = ref(v)
    _check(f(v), want, v, (name, dtype))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_arctan2_within_4_ulp_of_numpy(dtype: str) -> None:
    y, x = T.vector("y", dtype=dtype), T.vector("x", dtype=dtype)
    f = symopt.function([y, x], T.arctan2(y, x))
    rng = np.random.default_rng(2)
    a = rng.uniform(-100, 100, 20000).astype(dtype)
    b = rng.uniform(-100, 100, 20000).astype(dtype)
    specials = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan], dtype=dtype)
    a = np.concatenate([a, np.repeat(specials, len(specials))])
    b = np.concatenate([b, np.tile(specials, len(specials))])
    _check(f(a, b), np.arctan2(a, b), a, ("arctan2", dtype))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_pow_within_4_ulp_of_numpy(dtype: str) -> None:
    x, y = T.vector("x", dtype=dtype), T.vector("y", dtype=dtype)
    f = symopt.function([x, y], x**y)
    rng = np.random.default_rng(1)
    a = rng.uniform(0, 100, 20000).astype(dtype)
    b = rng.uniform(-30, 30, 20000).astype(dtype)
    specials = np.array([0.0, -0.0, 1.0, np.inf, np.nan, 2.0, -2.0], dtype=dtype)
    a = np.concatenate([a, np.repeat(specials, len(specials))])
    b = np.concatenate([b, np.tile(specials, len(specials))])
    with np.errstate(all="ignore"):
        want = a**b
    assert _ulps(f(a, b), want).max() <= 4


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["exp", "log", "log1p", "expm1", "tanh", "sin", "cos", "tan"])
def test_vectorized_loops_call_the_vector_library_where_there_is_one(name: str, dtype: str) -> None:
    if ("d", 256) not in vector_math_variants():
        pytest.skip("no vector math library with AVX2 variants on this machine")
    x = T.vector("x", dtype=dtype)
    f = symopt.function([x], getattr(T, name)(x))
    suffix = "f" if dtype == "float32" else ""
    isa, bits = max(vector_math_variants(), key=lambda v: v[1])  # AVX2's, or AVX-512's
    lanes = bits // (32 if dtype == "float32" else 64)
    # the machine code calls libmvec's widest variant
    assert re.search(rf"_ZGV{isa}N{lanes}v_{name}{suffix}\b", f._compiled.executor.assembly())
