"""NumPy reference implementations of the random draws of the ``sym`` dialect.

``draw`` computes ``sym.random``: the distributions of Theano's ``RandomStreams`` on
a NumPy ``RandomState``. ``mrg_step`` and ``mrg_uniform`` are MRG31k3p (L'Ecuyer),
the generator of ``sym.mrg_uniform`` and Theano's ``MRG_RandomStreams``, in pure
integer arithmetic, so the compiled code (which computes the same step with arith
ops) gives the same values. ``multinomial_from_uniform`` turns uniform draws into
multinomial counts. The ops' ``evaluate`` methods call these functions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# ---------------------------------------------------------------------------
# NumPy RandomState draws


def copy_state(state: np.random.RandomState) -> np.random.RandomState:
    """A new ``RandomState`` in the state of ``state``."""
    new = np.random.RandomState()
    new.set_state(state.get_state())
    return new


def _permutation(rng, shape, n):  # type: ignore[no-untyped-def]
    n = int(n)
    if not shape:
        return rng.permutation(n)
    out = np.zeros(shape + (n,), dtype=np.int64)
    for index in np.ndindex(*shape):
        out[index] = rng.permutation(n)
    return out


def _multinomial(rng, shape, n, pvals):  # type: ignore[no-untyped-def]
    n = np.asarray(n)
    pvals = np.asarray(pvals)
    out = np.zeros(shape + pvals.shape[-1:], dtype=np.int64)
    for index in np.ndindex(*shape):
        nn = n[index] if n.ndim else n
        pp = pvals[index] if pvals.ndim > 1 else pvals
        out[index] = rng.multinomial(int(nn), pp)
    return out


def _shuffle_rows(rng, x):  # type: ignore[no-untyped-def]
    out = np.array(x)
    n = x.shape[-1]
    for index in np.ndindex(*x.shape[:-1]):
        out[index] = x[index][rng.permutation(n)]
    return out


DRAWS: dict[str, Callable[..., object]] = {
    "uniform": lambda rng, shape, low, high: rng.uniform(low, high, shape),
    "normal": lambda rng, shape, avg, std: rng.normal(avg, std, shape),
    "binomial": lambda rng, shape, n, p: rng.binomial(n, p, shape),
    "random_integers": lambda rng, shape, low, high: rng.randint(low, high + 1, shape),
    "choice": lambda rng, shape, a, replace, *p: rng.choice(
        a if a.ndim else int(a), shape, bool(replace), p[0] if p else None
    ),
    "poisson": lambda rng, shape, lam: rng.poisson(lam, shape),
    "permutation": _permutation,
    "multinomial": _multinomial,
    "shuffle_row_elements": lambda rng, shape, x: _shuffle_rows(rng, x),
}
"""Distribution name -> ``draw(rng, shape, *params)``."""


def draw(
    distribution: str, rng: np.random.RandomState, shape: tuple[int, ...], *params: np.ndarray
) -> object:
    """A sample of ``distribution`` drawn from ``rng`` (which advances)."""
    return DRAWS[distribution](rng, shape, *params)


# ---------------------------------------------------------------------------
# MRG31k3p

MRG_M1 = 2147483647  # 2^31 - 1
MRG_M2 = 2147462579  # 2^31 - 21069
MRG_NORM64 = 4.656612873077392578125e-10  # 1 / 2^31
MRG_NORM32 = np.float32(4.6566126e-10)  # the largest such that float32(x * M1) < 1


def mrg_step(state: np.ndarray) -> np.ndarray:
    """Advance MRG31k3p states (rows of 6 int32, updated in place); the raw outputs
    ``x11 - x21 (mod M1)`` in (0, M1], as int64."""
    x11, x12, x13, x21, x22, x23 = (state[:, k].astype(np.int32) for k in range(6))
    with np.errstate(over="ignore"):
        m1, m2 = np.int32(MRG_M1), np.int32(MRG_M2)
        y1 = ((x12 & 511) << 22) + (x12 >> 9) + ((x13 & 16777215) << 7) + (x13 >> 24)
        y1 = np.where((y1 < 0) | (y1 >= m1), y1 - m1, y1).astype(np.int32)
        y1 = (y1 + x13).astype(np.int32)
        y1 = np.where((y1 < 0) | (y1 >= m1), y1 - m1, y1).astype(np.int32)
        x13, x12, x11 = x12, x11, y1
        z1 = ((x21 & 65535) << 15) + np.int32(21069) * (x21 >> 16)
        z1 = np.where((z1 < 0) | (z1 >= m2), z1 - m2, z1).astype(np.int32)
        z2 = ((x23 & 65535) << 15) + np.int32(21069) * (x23 >> 16)
        z2 = np.where((z2 < 0) | (z2 >= m2), z2 - m2, z2).astype(np.int32)
        z2 = (z2 + x23).astype(np.int32)
        z2 = np.where((z2 < 0) | (z2 >= m2), z2 - m2, z2).astype(np.int32)
        z2 = (z2 + z1).astype(np.int32)
        z2 = np.where((z2 < 0) | (z2 >= m2), z2 - m2, z2).astype(np.int32)
        x23, x22, x21 = x22, x21, z2
    for k, v in enumerate((x11, x12, x13, x21, x22, x23)):
        state[:, k] = v
    diff = x11.astype(np.int64) - x21.astype(np.int64)
    return np.where(x11 <= x21, diff + MRG_M1, diff)


def mrg_uniform(state: np.ndarray, size: int, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """``size`` uniform draws in (0, 1) of ``dtype`` (float32 or float64) from the
    streams of ``state`` (n x 6 int32, n > 0; not changed): draw ``i`` comes from
    stream ``i % n``. The advanced state and the flat sample."""
    new = state.astype(np.int32, copy=True)
    ns = new.shape[0]
    raw = np.zeros(size, dtype=np.int64)
    for start in range(0, size, ns):
        count = min(ns, size - start)
        rows = new[:count].copy()
        raw[start : start + count] = mrg_step(rows)
        new[:count] = rows
    if dtype == "float32":
        sample = raw.astype(np.float32) * MRG_NORM32
    else:
        sample = raw * MRG_NORM64
    return new, sample.astype(dtype)


def multinomial_from_uniform(
    pvals: np.ndarray, unis: np.ndarray, n: int, dtype: str
) -> np.ndarray:
    """Counts of ``n`` draws per row of ``pvals`` (rows x outcomes): draw ``c`` of row
    ``r`` uses ``unis[c * rows + r]`` and falls in the first outcome whose cumulative
    probability (summed in float64) exceeds it."""
    rows = pvals.shape[0]
    out = np.zeros(pvals.shape, dtype=dtype)
    cumsum = np.cumsum(pvals.astype(np.float64), axis=1)
    for c in range(n):
        u = unis[c * rows : (c + 1) * rows].astype(np.float64)
        above = cumsum > u[:, None]
        hit = above.any(axis=1)
        first = np.argmax(above, axis=1)
        out[np.nonzero(hit)[0], first[hit]] += 1
    return out
