"""Native code: in-place updates, errors before any write, introspection, agreement
with the reference executor."""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T


def _logistic_regression(rng: np.random.RandomState, mode: str = "native"):
    x = T.dmatrix("x")
    y = T.dvector("y")
    w = symopt.shared(rng.randn(784), name="w")
    b = symopt.shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w**2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = symopt.function(
        [x, y], [p_1 > 0.5, xent], updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)), mode=mode
    )
    return train, w, b


def test_logistic_regression_updates_w_in_place():
    """The update of w is written into w's own buffer: no second 784-vector per call."""
    rng = np.random.RandomState(0)
    train, w, b = _logistic_regression(rng)
    X, Y = rng.randn(400, 784), rng.randint(0, 2, 400)
    before = w.get_value(borrow=True)
    old = before.copy()
    address = before.ctypes.data
    train(X, Y)
    after = w.get_value(borrow=True)
    assert after is before and after.ctypes.data == address
    assert not np.array_equal(after, old)
    assert "outs(%w : memref<?xf64>)" in train.ir("bufferized")


def test_in_place_matches_reference():
    rng = np.random.RandomState(1)
    X, Y = rng.randn(50, 784), rng.randint(0, 2, 50)
    train, w, b = _logistic_regression(np.random.RandomState(3))
    ref, w_ref, b_ref = _logistic_regression(np.random.RandomState(3), mode="py")
    for _ in range(5):
        train(X, Y)
        ref(X, Y)
    np.testing.assert_allclose(w.get_value(), w_ref.get_value(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b.get_value(), b_ref.get_value(), rtol=1e-12, atol=1e-14)


def test_shape_error_raises_before_any_write_and_function_survives():
    s = symopt.shared(np.array([1.0, 2.0, 3.0]), name="s")
    x = T.dvector("x")
    f = symopt.function([x], (x * 2).sum(), updates={s: s + x})
    with pytest.raises(ValueError, match="shape mismatch"):
        f(np.ones(4))
    np.testing.assert_array_equal(s.get_value(), [1.0, 2.0, 3.0])
    assert f(np.ones(3)) == 6.0
    np.testing.assert_array_equal(s.get_value(), [2.0, 3.0, 4.0])


def test_dot_mismatch_is_a_value_error():
    a, b = T.dmatrices("a", "b")
    f = symopt.function([a, b], T.dot(a, b))
    with pytest.raises(ValueError, match="inner dimensions differ"):
        f(np.ones((2, 3)), np.ones((4, 2)))
    np.testing.assert_array_equal(f(np.ones((2, 3)), np.ones((3, 2))), np.full((2, 2), 3.0))


def test_index_error_is_an_index_error():
    x = T.dvector("x")
    i = T.lscalar("i")
    f = symopt.function([x, i], x[i])
    with pytest.raises(IndexError, match="out of bounds"):
        f(np.ones(3), 5)
    assert f(np.arange(3.0), -1) == 2.0


def test_ir_stages():
    x = T.dmatrix("x")
    f = symopt.function([x], 1 / (1 + T.exp(-x)))
    assert "sym.sigmoid" in f.ir("sym")
    assert "loop.map" in f.ir("loop")
    assert "memref.alloc" in f.ir("bufferized")
    assert "scf.for" in f.ir("scf")
    assert "define i32 @\"symopt.fn.main\"" in f.ir("llvm")
    with pytest.raises(ValueError, match="no stage 'nope'"):
        f.ir("nope")
    g = symopt.function([x], x + 1, mode="py")
    assert "sym.add" in g.ir("sym")


def test_outputs_own_their_memory():
    x = T.dvector("x")
    f = symopt.function([x], [x * 2, x + 1])
    a, b = f(np.arange(3.0))
    a[0] = 100.0
    c, _ = f(np.arange(3.0))
    assert c[0] == 0.0 and b[1] == 2.0
    del a, b, c  # the buffers are freed with the arrays


def test_modes_and_flags():
    x = T.dscalar("x")
    assert symopt.function([x], x + 1, mode="py")(1.0) == 2.0
    assert symopt.function([x], x + 1, mode=symopt.Mode("native", "sym-opt"))(1.0) == 2.0
    with pytest.raises(ValueError, match="unknown mode"):
        symopt.function([x], x, mode="gpu")
    with pytest.raises(ValueError, match="invalid pipeline"):
        symopt.function([x], x + 1, pipeline="no-such-pass")
