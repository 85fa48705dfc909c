"""Each run-time size check is made once, and none that matters is dropped.

loop-bufferize reuses the sizes a buffer was made with and skips a check whose
equality an earlier check already established (directly or through a chain of
checks). These tests make the sizes disagree at every place along such chains
and expect the error, in native and reference mode, with shared state untouched.
"""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T

MODES = ["native", "py"]


@pytest.mark.parametrize("mode", MODES)
def test_chain_of_sums_checks_every_operand(mode: str) -> None:
    a, b, c, d = T.dvectors("a", "b", "c", "d")
    f = symopt.function([a, b, c, d], ((a + b) * c) - d, mode=mode)
    ok = [np.arange(3.0)] * 4
    np.testing.assert_allclose(f(*ok), (ok[0] + ok[1]) * ok[2] - ok[3])
    for k in range(4):
        args = [np.arange(3.0) for _ in range(4)]
        args[k] = np.arange(4.0)
        with pytest.raises(ValueError, match="shape mismatch"):
            f(*args)


@pytest.mark.parametrize("mode", MODES)
def test_mlp_checks_each_layer(mode: str) -> None:
    """Three layers with gradient updates: a weight of the wrong size at any layer
    is an error, and no parameter changes."""
    rng = np.random.RandomState(0)
    x, y = T.dmatrix("x"), T.dmatrix("y")
    h, params = x, []
    for i in range(3):
        w = symopt.shared(rng.randn(4, 4), name=f"W{i}")
        b = symopt.shared(np.zeros(4), name=f"b{i}")
        params += [w, b]
        h = T.tanh(T.dot(h, w) + b)
    cost = ((h - y) ** 2).sum()
    grads = T.grad(cost, params)
    f = symopt.function([x, y], cost, updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)], mode=mode)
    xv, yv = rng.randn(5, 4), rng.randn(5, 4)
    assert np.isfinite(f(xv, yv))
    for p in params:
        good = p.get_value()
        bad = np.zeros(tuple(s + 1 for s in good.shape))
        p.set_value(bad)
        before = [q.get_value() for q in params]
        with pytest.raises(ValueError, match="shape mismatch"):
            f(xv, yv)
        for q, v in zip(params, before):
            np.testing.assert_array_equal(q.get_value(), v)
        p.set_value(good)
    with pytest.raises(ValueError, match="shape mismatch"):
        f(xv, rng.randn(5, 3))
    with pytest.raises(ValueError, match="shape mismatch"):
        f(xv, rng.randn(6, 4))
    assert np.isfinite(f(xv, yv))


@pytest.mark.parametrize("mode", MODES)
def test_broadcast_shape_of_another_value(mode: str) -> None:
    """alloc to the shape of one value, combined with another: sizes known from a
    shape buffer still have to agree with the other operand."""
    x, y = T.dmatrices("x", "y")
    f = symopt.function([x, y], T.alloc(1.5, x.shape[0], x.shape[1]) + y, mode=mode)
    np.testing.assert_allclose(f(np.zeros((2, 3)), np.ones((2, 3))), np.full((2, 3), 2.5))
    with pytest.raises(ValueError):
        f(np.zeros((2, 3)), np.ones((2, 4)))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", [(-2, -3), (-1, -1), (-1, -4)])
def test_reshape_to_negative_sizes_is_an_error(mode: str, shape: tuple[int, int]) -> None:
    """A reshape's sizes become a view's, trusted by every later size check: as in
    NumPy, one negative size is inferred, and two are an error."""
    x = T.dvector("x")
    a, b = T.lscalars("a", "b")
    f = symopt.function([x, a, b], T.reshape(x, (a, b)) + 1, mode=mode)
    assert f(np.arange(6.0), 2, -1).shape == (2, 3)
    assert f(np.arange(6.0), -4, 3).shape == (2, 3)
    with pytest.raises(ValueError, match="reshape"):
        f(np.arange(6.0), *shape)
