"""Shared updates that read their own variable: native code (where loop-inplace may
write the variable's buffer) must agree with the reference executor, and a failed
call must leave every variable untouched."""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T

UPDATES = {
    # the reported bug: an element of v read inside the loop that overwrites v
    "element": lambda v: (1.5 - v[0, 1], v - 0.125 * v[0, 1]),
    "row": lambda v: (v.sum(), v - v[1]),
    "column": lambda v: (v.max(), v * v[:, 2].dimshuffle(0, "x")),
    "transpose_square": lambda v: (v.mean(), v + v.T),
    "reversed": lambda v: (v[0, 0], v - v[::-1, ::-1]),
    "reduction": lambda v: (v.sum(), v - v.sum(axis=0)),
    "reduction_keepdims": lambda v: (v.sum(), v / v.sum(axis=1, keepdims=True)),
    "full_reduction": lambda v: (v.max(), v - v.mean()),
    "dot": lambda v: (v.sum(), v - 0.01 * T.dot(v, v.T)),
    "elementwise": lambda v: (v.sum(), v * 2 + 1),
    "old_value_returned": lambda v: (v, v * 3),
    "old_value_returned_after": lambda v: (v * 1, v - 1),
    "view_returned": lambda v: (v[1:], v + 1),
    "shifted": lambda v: (v.sum(), T.set_subtensor(v[1:], v[:-1])),
    "inc_self": lambda v: (v.sum(), T.inc_subtensor(v[0], v[1])),
}


def _run(mode: str, make, value: np.ndarray):  # type: ignore[no-untyped-def]
    v = symopt.shared(value.copy(), name="v")
    out, new = make(v)
    f = symopt.function([], out, updates=[(v, new)], mode=mode)
    results = [np.array(f()) for _ in range(3)]
    return results, v.get_value()


@pytest.mark.parametrize("name", sorted(UPDATES))
def test_update_reading_itself(name):
    value = np.arange(16.0).reshape(4, 4) / 7 + 0.5
    want, want_v = _run("py", UPDATES[name], value)
    got, got_v = _run("native", UPDATES[name], value)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)
    np.testing.assert_allclose(got_v, want_v, rtol=1e-12)


def test_reported_case_exact():
    """v = shared(5x3), f = function([], 1.5 - v[0, 1], updates=[(v, v - 0.125 * v[0, 1])])."""
    start = np.arange(15.0).reshape(5, 3)
    v = symopt.shared(start.copy())
    f = symopt.function([], 1.5 - v[0, 1], updates=[(v, v - 0.125 * v[0, 1])])
    assert float(f()) == 0.5
    np.testing.assert_array_equal(v.get_value(), start - 0.125)


def test_swap_is_not_in_place():
    a = symopt.shared(np.arange(4.0), name="a")
    b = symopt.shared(np.arange(4.0) + 10, name="b")
    f = symopt.function([], [], updates=[(a, b * 1), (b, a * 1)])
    f()
    np.testing.assert_array_equal(a.get_value(), np.arange(4.0) + 10)
    np.testing.assert_array_equal(b.get_value(), np.arange(4.0))


def test_two_updates_reading_each_other():
    a = symopt.shared(np.arange(4.0), name="a")
    b = symopt.shared(np.ones(4), name="b")
    f = symopt.function([], [], updates=[(a, a + b), (b, b * a)])
    f()
    np.testing.assert_array_equal(a.get_value(), np.arange(4.0) + 1)
    np.testing.assert_array_equal(b.get_value(), np.arange(4.0))


def test_in_place_update_then_failing_check_leaves_state():
    """A check that fails after the update is computed must not leave a half-written
    variable: the call raises and v is as before."""
    v = symopt.shared(np.arange(6.0), name="v")
    x = T.dvector("x")
    f = symopt.function([x], (x + v[:3]).sum(), updates=[(v, v * 2)])
    before = v.get_value().copy()
    with pytest.raises(ValueError):
        f(np.ones(4))
    np.testing.assert_array_equal(v.get_value(), before)
    f(np.ones(3))
    np.testing.assert_array_equal(v.get_value(), before * 2)


def test_logistic_update_is_in_place():
    rng = np.random.RandomState(0)
    x, y = T.dmatrix("x"), T.dvector("y")
    w = symopt.shared(rng.randn(20), name="w")
    p = T.nnet.sigmoid(T.dot(x, w))
    cost = T.nnet.binary_crossentropy(p, y).mean() if hasattr(T.nnet, "binary_crossentropy") else ((p - y) ** 2).mean()
    gw = T.grad(cost, w)
    f = symopt.function([x, y], cost, updates=[(w, w - 0.1 * gw)])
    assert 'role = "inplace", name = "w"' in f.ir("bufferized")
    X, Y = rng.randn(30, 20), rng.randint(0, 2, 30).astype(float)
    g = symopt.function([x, y], cost, updates=[(w, w - 0.1 * gw)], mode="py")
    w0 = w.get_value().copy()
    f(X, Y)
    native = w.get_value().copy()
    w.set_value(w0)
    g(X, Y)
    np.testing.assert_allclose(native, w.get_value(), rtol=1e-12)
