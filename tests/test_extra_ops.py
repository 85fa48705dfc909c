"""The helpers Theano users reach for (tile, repeat, eye, identity_like, cumsum,
cumprod, diff, sort, argsort, round, isnan, isinf, the broadcastable-pattern
helpers, nonzero), ``clone``, ``Out`` and the gradient tools (``zero_grad``,
``disconnected_grad``, ``Rop``, ``Lop``): each against NumPy (compiled and
reference executor), with gradients where Theano has them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import symopt
import symopt.tensor as T
from symopt import function
from symopt.gradient import (
    DisconnectedInputError,
    Lop,
    Rop,
    disconnected_grad,
    verify_grad,
    zero_grad,
)

rng = np.random.default_rng(0)


def both(inputs, output, *args):
    native = function(inputs, output)(*args)
    reference = function(inputs, output, mode="py")(*args)
    assert_array_equal(np.asarray(native).shape, np.asarray(reference).shape)
    assert_allclose(native, reference, equal_nan=True)
    return native


M = rng.normal(size=(3, 4))


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda x: T.tile(x, (2, 3)), np.tile(M, (2, 3))),
        (lambda x: T.tile(x, (2, 1, 2)), np.tile(M, (2, 1, 2))),
        (lambda x: T.repeat(x, 3, axis=0), np.repeat(M, 3, axis=0)),
        (lambda x: T.repeat(x, 2), np.repeat(M, 2)),
        (lambda x: T.repeat(x, np.array([2, 0, 1, 3]), axis=1), np.repeat(M, [2, 0, 1, 3], axis=1)),
        (lambda x: T.cumsum(x), np.cumsum(M)),
        (lambda x: T.cumsum(x, axis=0), np.cumsum(M, axis=0)),
        (lambda x: T.cumprod(x, axis=-1), np.cumprod(M, axis=-1)),
        (lambda x: T.diff(x), np.diff(M)),
        (lambda x: T.diff(x, n=2, axis=0), np.diff(M, n=2, axis=0)),
        (lambda x: T.sort(x), np.sort(M)),
        (lambda x: T.sort(x, axis=0), np.sort(M, axis=0)),
        (lambda x: T.sort(x, axis=None), np.sort(M, axis=None)),
        (lambda x: T.argsort(x), np.argsort(M, kind="stable")),
        (lambda x: T.argsort(x, axis=0), np.argsort(M, axis=0, kind="stable")),
        (lambda x: T.identity_like(x), np.eye(3, 4)),
        (lambda x: T.shape_padleft(x), M[None]),
        (lambda x: T.shape_padright(x, 2), M[:, :, None, None]),
        (lambda x: T.shape_padaxis(x, 1), M[:, None]),
        (lambda x: T.shape_padaxis(x, -1), M[..., None]),
    ],
)
def test_against_numpy(build, expected):
    x = T.dmatrix("x")
    assert_allclose(both([x], build(x), M), expected)


def test_eye():
    n = T.iscalar("n")
    assert_allclose(both([n], T.eye(n), 3), np.eye(3))
    assert_allclose(both([n], T.eye(n, 5, k=-1, dtype="int32"), 3), np.eye(3, 5, -1))
    assert T.eye(2, dtype="int32").dtype == "int32"


def test_round_modes_and_special_values():
    x = T.dvector("x")
    v = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6])
    assert_allclose(both([x], T.round(x), v), np.sign(v) * np.floor(np.abs(v) + 0.5))
    assert_allclose(both([x], T.round(x, "half_to_even"), v), np.round(v))
    with pytest.raises(ValueError, match="mode"):
        T.round(x, "up")
    s = np.array([1.0, np.nan, np.inf, -np.inf, 0.0])
    assert_array_equal(both([x], T.isnan(x), s), np.isnan(s))
    assert_array_equal(both([x], T.isinf(x), s), np.isinf(s))
    i = T.ivector("i")
    assert_array_equal(both([i], T.isnan(i), np.array([1, 2], dtype=np.int32)), [False, False])


def test_sort_puts_nan_last_and_is_stable():
    x = T.dvector("x")
    v = np.array([3.0, np.nan, 1.0, 2.0, 1.0, np.nan, -np.inf])
    assert_allclose(both([x], T.sort(x), v), np.sort(v), equal_nan=True)
    assert_array_equal(both([x], T.argsort(x), v), np.argsort(v, kind="stable"))
    u = T.TensorType("uint8", (None,))("u")
    w = np.array([200, 3, 255, 0], dtype=np.uint8)
    assert_array_equal(both([u], T.sort(u), w), np.sort(w))
    e = np.zeros(0)
    assert both([x], T.sort(x), e).shape == (0,)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=0, max_size=40), st.integers(0, 2))
def test_sort_and_cumsum_random(values, shift):
    x = T.lvector("x")
    v = np.array(values, dtype=np.int64)
    assert_array_equal(both([x], T.sort(x), v), np.sort(v, kind="stable"))
    assert_array_equal(both([x], T.argsort(x), v), np.argsort(v, kind="stable"))
    assert_array_equal(both([x], T.cumsum(x + shift), v), np.cumsum(v + shift))
    assert T.cumsum(x).dtype == "int64"


def test_broadcast_patterns():
    x = T.dmatrix("x")
    b = T.addbroadcast(x, 0)
    assert b.broadcastable == (True, False)
    assert_allclose(both([x], b + T.ones((3, 4)), np.ones((1, 4))), 2 * np.ones((3, 4)))
    with pytest.raises(ValueError):
        function([x], b)(np.ones((2, 4)))
    u = T.unbroadcast(b, 0)
    assert u.broadcastable == (False, False)
    p = T.patternbroadcast(x, (False, True))
    assert p.broadcastable == (False, True)
    with pytest.raises(ValueError, match="flags"):
        T.patternbroadcast(x, (True,))


def test_gradients():
    g = np.random.default_rng(1)
    verify_grad(lambda a: T.cumsum(a, axis=1), [g.normal(size=(2, 3))], rng=g)
    verify_grad(lambda a: T.cumprod(a, axis=0), [g.uniform(0.5, 2, size=(3, 2))], rng=g)
    verify_grad(lambda a: T.sort(a, axis=0), [g.permutation(12).reshape(4, 3) * 0.5], rng=g)
    verify_grad(lambda a: T.tile(a, (2, 2)), [g.normal(size=(2, 3))], rng=g)
    verify_grad(lambda a: T.repeat(a, 2, axis=1), [g.normal(size=(2, 3))], rng=g)
    verify_grad(lambda a: T.diff(a, 2), [g.normal(size=(2, 5))], rng=g)


def test_zero_and_disconnected_grad():
    a = T.dscalar("a")
    assert function([a], T.grad(a * zero_grad(a**2), a))(3.0) == 9.0
    assert function([a], T.grad(a * disconnected_grad(a**2), a))(3.0) == 9.0
    assert function([a], zero_grad(a) * 2)(4.0) == 8.0
    assert T.grad(zero_grad(a) * 2, a).eval({a: 1.0}) == 0.0
    with pytest.raises(DisconnectedInputError):
        T.grad(disconnected_grad(a) * 2, a)
    assert "stop_gradient" not in function([a], zero_grad(a) * 2).ir("loop")


def test_rop_and_lop():
    W = T.dmatrix("W")
    V = T.dmatrix("V")
    x = T.dvector("x")
    y = T.tanh(T.dot(x, W))
    wv, vv, xv = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=3)
    jv = both([W, V, x], Rop(y, W, V), wv, vv, xv)
    assert_allclose(jv, (1 - np.tanh(xv @ wv) ** 2) * (xv @ vv))
    v = T.dvector("v")
    uv = rng.normal(size=2)
    vj = both([W, v, x], Lop(y, W, v), wv, uv, xv)
    assert_allclose(vj, np.outer(xv, uv * (1 - np.tanh(xv @ wv) ** 2)))
    with pytest.raises(ValueError, match="evaluation points"):
        Rop(y, [W, x], [V])


def test_clone_and_out():
    x, y = T.dscalars("x", "y")
    z = x * 2 + T.exp(y)
    c = symopt.clone(z, replace={x: y * 3})
    assert function([y], c)(1.0) == pytest.approx(6 + np.e)
    assert function([x, y], z)(1.0, 0.0) == 3.0  # the original is untouched
    both_ = symopt.clone([z, x + 1], replace=[(y, T.constant(0.0))])
    assert function([x], both_)(2.0) == [5.0, 3.0]
    with pytest.raises(TypeError, match="strict"):
        symopt.clone(z, replace={x: T.iscalar()})
    i = T.iscalar("i")
    assert function([i, y], symopt.clone(z, replace={x: i}, strict=False))(2, 0.0) == 5.0
    assert function([x], symopt.Out(x * 2, borrow=True))(2.0) == 4.0
    assert function([x], [symopt.Out(x), x + 1])(2.0) == [2.0, 3.0]
