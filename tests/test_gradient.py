"""Automatic differentiation: ``grad``, ``jacobian``, ``hessian`` and ``verify_grad``.

Theano 1.0's ``theano.gradient`` is the reference. Every differentiable op of the
frontend is checked against central finite differences with ``verify_grad`` on
several shapes, broadcasting included (``verify_grad`` gives its symbolic inputs
all-dynamic shapes, so the functions below broadcast internally: through
``dimshuffle('x', ...)``, rank padding or constants of static size 1). Then the
``grad`` API (lists, disconnected inputs, ``consider_constant``, ``known_grads``,
higher derivatives, shared variables in updates) and the outputs of the tutorial
page "Derivatives in Theano".
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import symopt
import symopt.tensor as T
import symopt.tensor.grad_rules  # noqa: F401  (registers the rules before monkeypatching)
from symopt import function, shared
from symopt.dialects import sym
from symopt.gradient import (
    GRAD_RULES,
    DisconnectedInputError,
    GradientError,
    verify_grad,
)


def check(fun, *arrays, seed=0, **kwargs):
    """``verify_grad`` of ``fun`` at copies of ``arrays`` (non-floats as float64)."""
    pt = [np.array(a, dtype=None if np.asarray(a).dtype.kind == "f" else np.float64)
          for a in arrays]
    verify_grad(fun, pt, rng=np.random.default_rng(seed), **kwargs)


def uniform(shape, lo, hi, seed=0):
    return np.random.default_rng(seed).uniform(lo, hi, size=shape)


def distinct(shape, seed=0):
    """Values in (-2, 2) with pairwise gaps of at least 0.1 for up to 40 elements
    (no ties) and none within 0.01 of 0."""
    n = int(np.prod(shape, dtype=np.int64))
    values = np.linspace(-1.95, 1.95, max(n, 2))[:n] + 0.013
    return np.random.default_rng(seed).permutation(values).reshape(shape)


# ---------------------------------------------------------------------------
# elementwise: unary


SHAPES = [(3, 4), (5,), (), (2, 3, 2)]

# name -> (function, low, high): the sample domain keeps away from kinks and
# singularities
UNARY = {
    "neg": (T.neg, -2, 2),
    "neg_op": (lambda x: -x, -2, 2),
    "abs": (T.abs_, 0.2, 2),
    "abs_negative": (T.abs_, -2, -0.2),
    "exp": (T.exp, -2, 2),
    "log": (T.log, 0.2, 3),
    "log1p": (T.log1p, -0.5, 3),
    "expm1": (T.expm1, -2, 2),
    "log2": (T.log2, 0.2, 3),
    "log10": (T.log10, 0.2, 3),
    "sqrt": (T.sqrt, 0.2, 3),
    "sqr": (T.sqr, -2, 2),
    "tanh": (T.tanh, -2, 2),
    "sinh": (T.sinh, -2, 2),
    "cosh": (T.cosh, -2, 2),
    "sin": (T.sin, -3, 3),
    "cos": (T.cos, -3, 3),
    "tan": (T.tan, -1.2, 1.2),
    "arcsin": (T.arcsin, -0.9, 0.9),
    "arccos": (T.arccos, -0.9, 0.9),
    "arctan": (T.arctan, -3, 3),
    "deg2rad": (T.deg2rad, -90, 90),
    "rad2deg": (T.rad2deg, -2, 2),
    "sigmoid": (T.sigmoid, -4, 4),
    "nnet_sigmoid": (T.nnet.sigmoid, -4, 4),
    "softplus": (T.softplus, -4, 4),
    "relu_positive": (T.nnet.relu, 0.1, 2),
    "relu_negative": (T.nnet.relu, -2, -0.1),
    "leaky_relu": (lambda x: T.nnet.relu(x, alpha=0.1), 0.1, 2),
    "leaky_relu_negative": (lambda x: T.nnet.relu(x, alpha=0.1), -2, -0.1),
    "pow_const": (lambda x: x ** 3, -2, 2),
    "pow_half": (lambda x: x ** 0.5, 0.2, 3),
    "rpow": (lambda x: 2.0 ** x, -2, 2),
    "rsub": (lambda x: 1.0 - x, -2, 2),
    "rdiv": (lambda x: 1.0 / x, 0.5, 3),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(UNARY))
def test_unary(name, shape):
    fun, lo, hi = UNARY[name]
    check(fun, uniform(shape, lo, hi, seed=len(name)))


def test_relu_mixed_signs():
    x = distinct((3, 4))
    check(T.nnet.relu, x)
    check(lambda v: T.nnet.relu(v, alpha=0.3), x)


def test_abs_mixed_signs():
    check(T.abs_, distinct((3, 4)))
    check(abs, distinct((5,)))


# ---------------------------------------------------------------------------
# elementwise: binary, with broadcasting


BINARY = {
    "add": (T.add, (-2, 2), (-2, 2)),
    "sub": (T.sub, (-2, 2), (-2, 2)),
    "mul": (T.mul, (-2, 2), (-2, 2)),
    "true_div": (T.true_div, (-2, 2), (0.5, 2)),
    "true_div_negative": (T.true_div, (-2, 2), (-2, -0.5)),
    "pow": (T.pow, (0.3, 2), (-2, 2)),
    "operators": (lambda a, b: (a + b) * a - b / 2.0 + a / b, (-2, 2), (0.5, 2)),
    "arctan2": (T.arctan2, (-2, 2), (0.3, 2)),
    "arctan2_left_half": (T.arctan2, (0.3, 2), (-2, 2)),
}

# (shape of a, shape of b, how b is combined): b is broadcast inside the function
BROADCASTS = {
    "same": ((3, 4), (3, 4), lambda b: b),
    "row_vector": ((3, 4), (4,), lambda b: b),  # rank padding: b.dimshuffle('x', 0)
    "row": ((3, 4), (4,), lambda b: b.dimshuffle("x", 0)),
    "col": ((3, 4), (3,), lambda b: b.dimshuffle(0, "x")),
    "scalar": ((3, 4), (), lambda b: b),
    "3d_middle": ((2, 3, 4), (2, 4), lambda b: b.dimshuffle(0, "x", 1)),
    "vectors": ((5,), (5,), lambda b: b),
}


@pytest.mark.parametrize("bcast", list(BROADCASTS))
@pytest.mark.parametrize("name", list(BINARY))
def test_binary(name, bcast):
    op, (alo, ahi), (blo, bhi) = BINARY[name]
    ashape, bshape, fix = BROADCASTS[bcast]
    a = uniform(ashape, alo, ahi, seed=1)
    b = uniform(bshape, blo, bhi, seed=2)
    check(lambda x, y: op(x, fix(y)), a, b)
    # the broadcast operand first: a is now the divisor or the exponent, b the base
    if name.startswith(("true_div", "pow", "operators")):
        a = np.abs(a) + 0.5
    if name == "pow":
        b = np.abs(b) + 0.3
    check(lambda x, y: op(fix(y), x), a, b)


@pytest.mark.parametrize("op", [T.maximum, T.minimum], ids=["maximum", "minimum"])
@pytest.mark.parametrize("bcast", list(BROADCASTS))
def test_maximum_minimum(op, bcast):
    ashape, bshape, fix = BROADCASTS[bcast]
    a = distinct(ashape, seed=3)
    # b's values sit between a's, so no pair is tied
    b = distinct(bshape, seed=4) + 0.05
    check(lambda x, y: op(x, fix(y)), a, b)
    check(lambda x, y: op(fix(y), x), a, b)


def test_maximum_with_constant():
    check(lambda x: T.maximum(x, 0.25) * x, distinct((3, 4)))
    check(lambda x: T.minimum(x, T.constant(np.full((1, 4), 0.3))), distinct((3, 4)))


def test_mod():
    # x / y never near an integer: x % y is smooth there
    x = np.array([[0.3, 1.7, 2.45, -0.8], [3.3, -2.45, 0.55, 4.1], [-1.15, 2.05, 5.3, -3.4]])
    y = np.array([[1.0, 0.65, 1.1, 0.7], [1.4, 0.9, 2.0, 1.3], [0.75, -1.6, 1.9, 1.2]])
    for q in (x / y, x / 1.3, x / y[0]):
        assert np.all(np.abs(q - np.round(q)) > 0.05)
    check(T.mod, x, y)
    check(lambda a, b: a % b, x, y)
    check(lambda a: a % 1.3, x)
    check(lambda a, b: T.mod(a, b.dimshuffle("x", 0)), x, y[0])


# ---------------------------------------------------------------------------
# broadcasting through declared types and constants


def test_broadcast_constant_row():
    check(lambda x: x * T.constant(np.arange(1.0, 5.0).reshape(1, 4)), uniform((3, 4), -1, 1))
    check(lambda x: T.constant(np.full((3, 1), 2.0)) / x, uniform((3, 4), 0.5, 2))


def test_broadcastable_row_input():
    """A declared row (T.drow, shape (1, n)) added to a matrix gets the gradient
    summed over the broadcast dimension, with the row's type."""
    x = T.dmatrix("x")
    r = T.drow("r")
    r2 = T.TensorType("float64", (True, False))("r2")
    assert r.broadcastable == (True, False) and r2.broadcastable == (True, False)
    cost = (x * r + T.exp(r2) * x).sum()
    gx, gr, gr2 = T.grad(cost, [x, r, r2])
    assert gr.broadcastable == (True, False)
    assert gr2.broadcastable == (True, False)
    f = function([x, r, r2], [gx, gr, gr2])
    xv = uniform((3, 4), -1, 1)
    rv = uniform((1, 4), -1, 1, seed=1)
    r2v = uniform((1, 4), -1, 1, seed=2)
    got = f(xv, rv, r2v)
    assert_allclose(got[0], np.broadcast_to(rv + np.exp(r2v), (3, 4)))
    assert_allclose(got[1], xv.sum(axis=0, keepdims=True))
    assert_allclose(got[2], np.exp(r2v) * xv.sum(axis=0, keepdims=True))


def test_broadcastable_col_input():
    x = T.dmatrix("x")
    c = T.dcol("c")
    gc = T.grad(T.sum((x - c) ** 2), c)
    assert gc.broadcastable == (False, True)
    xv, cv = uniform((3, 4), -1, 1), uniform((3, 1), -1, 1, seed=1)
    assert_allclose(gc.eval({x: xv, c: cv}), (-2 * (xv - cv)).sum(axis=1, keepdims=True))


# ---------------------------------------------------------------------------
# switch, clip, cast


def test_switch():
    x = distinct((3, 4))
    check(lambda v: T.switch(v > 0, v ** 2, -3 * v), x)
    check(lambda v, w: T.switch(T.lt(v, 0.3), v * w, w - v), x, uniform((3, 4), -1, 1))
    # the condition and a branch broadcast
    check(lambda v, w: T.switch(v > 0, w.dimshuffle("x", 0), v), x, uniform((4,), -1, 1))
    check(lambda v, w: T.switch(w.dimshuffle(0, "x") > 0, T.exp(v), 2.0), x,
          np.array([-1.0, 0.5, 2.0]))
    check(lambda v: T.where(v < 0, 0.0, T.sin(v)), x)


def test_clip():
    x = distinct((3, 4))
    # no element sits on a bound
    assert not np.any(np.isclose(x, -0.5) | np.isclose(x, 0.8))
    check(lambda v: T.clip(v, -0.5, 0.8), x)
    check(lambda v: v.clip(-0.5, 0.8) * v, x)
    # symbolic bounds get the gradient where they clip
    check(lambda v, lo, hi: T.clip(v, lo, hi), x, np.array(-0.5), np.array(0.8))
    check(lambda v, lo, hi: T.clip(v, lo.dimshuffle("x", 0), hi.dimshuffle("x", 0)), x,
          np.array([-1.0, -0.5, 0.0, -2.0]), np.array([0.5, 0.8, 1.5, 1.0]))


def test_cast_float64_to_float32():
    x = uniform((3, 4), -1, 1)
    check(lambda v: T.cast(v, "float32"), x, eps=1e-3, abs_tol=1e-2, rel_tol=1e-2)
    check(lambda v: T.cast(v * v, "float32") * 3, x, eps=1e-3, abs_tol=1e-2, rel_tol=1e-2)
    v = T.dvector("v")
    g = T.grad(T.cast(v, "float32").sum(), v)
    assert g.dtype == "float64"
    assert_allclose(g.eval({v: [1.0, 2.0]}), [1.0, 1.0])


def test_cast_float32_to_float64():
    x = uniform((3, 4), -1, 1).astype(np.float32)
    check(lambda v: T.cast(v, "float64") ** 2, x)
    check(lambda v: T.exp(v.astype("float64")) * 2, x)
    v = T.fvector("v")
    g = T.grad((T.cast(v, "float64") ** 2).sum(), v)
    assert g.dtype == "float32"
    assert_allclose(g.eval({v: np.array([1.0, 2.0], np.float32)}), [2.0, 4.0])


def test_float32_inputs():
    x = uniform((3, 4), 0.5, 2).astype(np.float32)
    check(lambda v: T.log(v) * T.sqrt(v), x)
    check(lambda v, w: v * w.dimshuffle("x", 0), x, x[0])


def test_mixed_float32_float64_inputs():
    """verify_grad takes the float32 step and tolerances when any input is float32
    (as Theano takes the largest over the inputs' dtypes)."""
    a = uniform((3,), 0.5, 1.5).astype(np.float32)
    b = uniform((3,), 0.5, 1.5, seed=1)
    check(lambda x, y: x * y, a, b)
    check(lambda x, y: T.concatenate([x, y]), a, b)
    check(lambda x, y: T.stack([y, x], axis=1), a, b)


def test_integer_cast_stops_gradient():
    """Rounding to an integer dtype has no gradient: the input gets zeros."""
    x = T.dvector("x")
    cost = T.cast(T.cast(x, "int64"), "float64").sum() + 0 * x.sum()
    g = T.grad(cost, x)
    assert_allclose(g.eval({x: [1.5, 2.5]}), [0.0, 0.0])


# ---------------------------------------------------------------------------
# softmax


@pytest.mark.parametrize("shape,axis", [((3, 4), -1), ((3, 4), 0), ((5,), -1), ((2, 3, 4), 1)])
def test_softmax(shape, axis):
    check(lambda v: T.nnet.softmax(v, axis=axis), distinct(shape))
    check(lambda v: T.log(T.nnet.softmax(v, axis=axis)), distinct(shape, seed=1))


# ---------------------------------------------------------------------------
# reductions


AXES = [None, 0, 1, (0, 1), -1]
REDUCTIONS = {
    "sum": lambda v, axis, kd: T.sum(v, axis=axis, keepdims=kd),
    "mean": lambda v, axis, kd: T.mean(v, axis=axis, keepdims=kd),
    "prod": lambda v, axis, kd: T.prod(v, axis=axis, keepdims=kd),
    "max": lambda v, axis, kd: T.max(v, axis=axis, keepdims=kd),
    "min": lambda v, axis, kd: T.min(v, axis=axis, keepdims=kd),
    "var": lambda v, axis, kd: T.var(v, axis=axis, keepdims=kd),
    "std": lambda v, axis, kd: T.std(v, axis=axis, keepdims=kd),
    "var_ddof": lambda v, axis, kd: T.var(v, axis=axis, ddof=1, keepdims=kd),
    "method_sum": lambda v, axis, kd: v.sum(axis=axis, keepdims=kd),
    "method_max": lambda v, axis, kd: v.max(axis=axis, keepdims=kd),
}


@pytest.mark.parametrize("keepdims", [False, True], ids=["", "keepdims"])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", list(REDUCTIONS))
def test_reduction(name, axis, keepdims):
    fn = REDUCTIONS[name]
    check(lambda v: fn(v, axis, keepdims), distinct((3, 4)))


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min", "var", "std"])
def test_reduction_3d_and_vector(name):
    fn = REDUCTIONS[name]
    check(lambda v: fn(v, (0, 2), False), distinct((2, 3, 2)))
    check(lambda v: fn(v, 1, True), distinct((2, 3, 2)))
    check(lambda v: fn(v, None, False), distinct((5,)))
    check(lambda v: fn(v, 0, True), distinct((5,)))


def test_reduction_broadcast_back():
    """A reduction's result used elementwise against its input (as in softmax or
    normalisation)."""
    x = distinct((3, 4))
    check(lambda v: v - v.mean(axis=1, keepdims=True), x)
    check(lambda v: v / v.sum(axis=0).dimshuffle("x", 0), np.abs(x) + 0.5)
    check(lambda v: (v - v.mean(axis=0)) / v.std(axis=0), x)


@pytest.mark.parametrize("axis", [None, 0, 1], ids=str)
def test_prod_with_zero(axis):
    x = np.array([[0.5, -1.5, 2.0, 0.75], [1.25, 0.0, -0.6, 1.1], [0.9, 1.3, -2.0, 0.4]])
    check(lambda v: T.prod(v, axis=axis), x)
    check(lambda v: T.prod(v, axis=axis, keepdims=True), x)
    # the exact gradient: the product of the other elements
    v = T.dmatrix("v")
    g = T.grad(T.prod(v), v).eval({v: x})
    expected = np.zeros_like(x)
    expected[1, 1] = np.prod(np.delete(x.reshape(-1), 5))
    assert_allclose(g, expected)


@pytest.mark.parametrize("axis", [None, 0, 1], ids=str)
def test_prod_with_two_zeros(axis):
    # two zeros in the same row and the same column, one more zero elsewhere
    x = np.array([[0.5, 0.0, 2.0, 0.0], [1.25, 0.0, -0.6, 1.1], [0.9, 1.3, -2.0, 0.4]])
    check(lambda v: T.prod(v, axis=axis), x)
    check(lambda v: T.prod(v, axis=axis, keepdims=True), x)
    v = T.dmatrix("v")
    g = T.grad(T.prod(v), v).eval({v: x})
    assert_allclose(g, np.zeros_like(x))
    assert np.all(np.isfinite(T.grad(T.prod(v, axis=1).sum(), v).eval({v: x})))


def test_prod_vector_zero():
    v = T.dvector("v")
    g = T.grad(T.prod(v), v)
    assert_allclose(g.eval({v: [2.0, 0.0, 3.0]}), [0.0, 6.0, 0.0])
    assert_allclose(g.eval({v: [2.0, 0.0, 0.0]}), [0.0, 0.0, 0.0])
    assert_allclose(g.eval({v: [2.0, 5.0, 3.0]}), [15.0, 6.0, 10.0])
    check(T.prod, np.array([2.0, 0.0, 3.0]))


# ---------------------------------------------------------------------------
# dot and outer


DOT_SHAPES = {
    "1x1": ((4,), (4,)),
    "2x1": ((3, 4), (4,)),
    "1x2": ((4,), (4, 5)),
    "2x2": ((3, 4), (4, 5)),
    "3x2": ((2, 3, 4), (4, 5)),
    "2x3": ((3, 4), (2, 4, 5)),
    "3x3": ((2, 3, 4), (2, 4, 3)),
    "3x1": ((2, 3, 4), (4,)),
    "1x3": ((4,), (2, 4, 3)),
}


@pytest.mark.parametrize("ranks", list(DOT_SHAPES))
def test_dot(ranks):
    ashape, bshape = DOT_SHAPES[ranks]
    a, b = uniform(ashape, -1, 1, seed=5), uniform(bshape, -1, 1, seed=6)
    check(T.dot, a, b)
    # the gradient flows on through what consumes the product
    check(lambda x, y: T.tanh(T.dot(x, y)), a, b)


def test_dot_operators_and_scalars():
    a, b = uniform((3, 4), -1, 1), uniform((4, 2), -1, 1, seed=1)
    check(lambda x, y: x @ y, a, b)
    check(lambda x, y: x.dot(y), a, b)
    check(lambda x, y: T.dot(x, y), a, np.array(1.5))
    check(lambda x, y: T.dot(x.T, x) + y.sum(), a, b)


def test_outer():
    check(T.outer, uniform((3,), -1, 1), uniform((4,), -1, 1, seed=1))
    check(lambda u: T.outer(u, u), uniform((3,), -1, 1))


# ---------------------------------------------------------------------------
# shapes


SHAPE_FUNS = {
    "dimshuffle_swap": (lambda v: v.dimshuffle(1, 0), (3, 4)),
    "dimshuffle_insert": (lambda v: v.dimshuffle(1, "x", 0), (3, 4)),
    "dimshuffle_vector": (lambda v: v.dimshuffle("x", 0, "x"), (5,)),
    "dimshuffle_drop": (lambda v: (v.dimshuffle(0, "x") * 2.0).dimshuffle(0), (5,)),
    "dimshuffle_3d": (lambda v: T.dimshuffle(v, [2, 0, "x", 1]), (2, 3, 4)),
    "transpose": (lambda v: v.T, (3, 4)),
    "transpose_axes": (lambda v: T.transpose(v, (1, 2, 0)), (2, 3, 4)),
    "transpose_method": (lambda v: v.transpose(2, 0, 1), (2, 3, 4)),
    "reshape": (lambda v: v.reshape((2, 6)), (3, 4)),
    "reshape_minus_one": (lambda v: T.reshape(v, (4, -1)), (3, 4)),
    "reshape_3d": (lambda v: v.reshape((2, 2, 3)), (3, 4)),
    "reshape_to_vector": (lambda v: v.reshape((-1,)), (2, 3, 2)),
    "reshape_symbolic": (lambda v: v.reshape(v.shape[::-1], ndim=2), (3, 4)),
    "reshape_vector_to_matrix": (lambda v: v.reshape((2, 3)), (6,)),
    "flatten": (lambda v: T.flatten(v), (3, 4)),
    "flatten_method": (lambda v: v.flatten(), (2, 3, 2)),
    "flatten_ndim2": (lambda v: T.flatten(v, 2), (2, 3, 2)),
    "reshape_then_elemwise": (lambda v: T.exp(v.reshape((4, 3))) * v.T, (3, 4)),
}


@pytest.mark.parametrize("name", list(SHAPE_FUNS))
def test_shape_ops(name):
    fun, shape = SHAPE_FUNS[name]
    check(fun, uniform(shape, -1, 1, seed=7))


# ---------------------------------------------------------------------------
# indexing


INDEXING = {
    "int": (lambda v: v[1], (3, 4)),
    "negative": (lambda v: v[-1], (3, 4)),
    "two_ints": (lambda v: v[1, -2], (3, 4)),
    "slice": (lambda v: v[1:3], (3, 4)),
    "slice_negative": (lambda v: v[-2:], (5,)),
    "slice_step": (lambda v: v[:, ::2], (3, 4)),
    "slice_reverse": (lambda v: v[::-1], (3, 4)),
    "slice_negative_step": (lambda v: v[3:0:-2], (5,)),
    "int_and_slice": (lambda v: v[1:, 2], (3, 4)),
    "3d": (lambda v: v[1, :, 1:], (2, 3, 4)),
    "ellipsis": (lambda v: v[..., 1], (2, 3, 4)),
    "newaxis": (lambda v: v[None, 1:], (3, 4)),
    "overlapping": (lambda v: v[1:] * v[:-1], (5,)),
    "constant_index": (lambda v: v[T.constant(np.int64(2))], (3, 4)),
    # symbolic indices computed from the input's shape: not known statically
    "symbolic_index": (lambda v: v[v.shape[0] - 2], (3, 4)),
    "symbolic_index_negative": (lambda v: v[:, -(v.shape[1] // 2)], (3, 4)),
    "symbolic_slice": (lambda v: v[v.shape[0] // 2 :, : v.shape[1] - 1], (3, 4)),
    "symbolic_step": (lambda v: v[:: v.shape[0] - 3], (5,)),
}


@pytest.mark.parametrize("name", list(INDEXING))
def test_indexing(name):
    fun, shape = INDEXING[name]
    check(fun, uniform(shape, -1, 1, seed=8))


def test_indexing_closure_symbolic_index():
    """The index is a symbolic integer the function closes over (here computed from
    a constant, so it is not folded into the op's spec)."""
    i = T.cast(T.constant(np.array([0, 2])).sum(), "int64") - 1
    check(lambda v: v[i] * 2.0, uniform((3, 4), -1, 1))
    check(lambda v: v[i:, i], uniform((3, 4), -1, 1))


def test_index_wrt_int_index_is_disconnected():
    """As in Theano (Subtensor's connection pattern), an index does not connect."""
    x = T.dvector("x")
    i = T.lscalar("i")
    with pytest.raises(DisconnectedInputError, match="'i'|i"):
        T.grad(x[i], i)
    g = T.grad(x[i], i, disconnected_inputs="ignore")
    assert g.dtype.startswith("float") and g.ndim == 0
    assert_allclose(g.eval({i: 1}), 0.0)
    # through a cast to float an integer is connected: its gradient is zeros
    gi = T.grad(T.cast(i, "float64") * 2.0, i)
    assert gi.dtype.startswith("float")
    assert_allclose(gi.eval({i: 3}), 0.0)


INC_SET = {
    "inc_slice": (lambda v, w: T.inc_subtensor(v[1:3], w), (3, 4), (2, 4)),
    "set_slice": (lambda v, w: T.set_subtensor(v[1:3], w), (3, 4), (2, 4)),
    "inc_row_vector": (lambda v, w: T.inc_subtensor(v[1], w), (3, 4), (4,)),
    "set_row_vector": (lambda v, w: T.set_subtensor(v[1], w), (3, 4), (4,)),
    "inc_column": (lambda v, w: T.inc_subtensor(v[:, -1], w), (3, 4), (3,)),
    "set_element": (lambda v, w: T.set_subtensor(v[2, 1], w), (3, 4), ()),
    "inc_broadcast_scalar": (lambda v, w: T.inc_subtensor(v[:, 1:3], w), (3, 4), ()),
    "set_broadcast_scalar": (lambda v, w: T.set_subtensor(v[:, 1:3], w), (3, 4), ()),
    "inc_broadcast_row": (lambda v, w: T.inc_subtensor(v[1:], w.dimshuffle("x", 0)), (3, 4), (4,)),
    "set_broadcast_row": (lambda v, w: T.set_subtensor(v[1:], w), (3, 4), (4,)),
    "inc_step": (lambda v, w: T.inc_subtensor(v[::2], w), (5,), (3,)),
    "set_reverse": (lambda v, w: T.set_subtensor(v[::-1][1:], w), (5,), (4,)),
    "inc_symbolic": (lambda v, w: T.inc_subtensor(v[v.shape[0] - 1], w), (3, 4), (4,)),
    "set_symbolic_slice": (
        lambda v, w: T.set_subtensor(v[v.shape[0] - 2 :], w), (3, 4), (2, 4)),
    "set_then_elemwise": (lambda v, w: T.exp(T.set_subtensor(v[1:3], w * v[:2])), (3, 4), (2, 4)),
}


@pytest.mark.parametrize("name", list(INC_SET))
def test_inc_set_subtensor(name):
    fun, xshape, yshape = INC_SET[name]
    check(fun, uniform(xshape, -1, 1, seed=9), uniform(yshape, -1, 1, seed=10))


# ---------------------------------------------------------------------------
# joining and allocating


JOIN = {
    "concatenate_axis0": (lambda a, b, c: T.concatenate([a, b, c]), [(2, 3), (1, 3), (3, 3)]),
    "concatenate_axis1": (lambda a, b, c: T.concatenate([a, b, c], axis=1), [(2, 3), (2, 1), (2, 2)]),
    "concatenate_negative": (lambda a, b, c: T.concatenate([a, b, c], axis=-1), [(4,), (2,), (3,)]),
    "join": (lambda a, b, c: T.join([a, b * c], axis=0), [(2, 3), (1, 3), (1, 3)]),
    "concatenate_same_twice": (lambda a, b, c: T.concatenate([a, b, a]) * 2.0, [(2, 3), (1, 3), ()]),
    "stack_vectors": (lambda a, b, c: T.stack([a, b, c]), [(4,), (4,), (4,)]),
    "stack_axis1": (lambda a, b, c: T.stack([a, b, c], axis=1), [(2, 3), (2, 3), (2, 3)]),
    "stack_scalars": (lambda a, b, c: T.stack(a, b, c), [(), (), ()]),
    "stack_varargs": (lambda a, b, c: T.stack(a, b ** 2, c), [(3,), (3,), (3,)]),
}


@pytest.mark.parametrize("name", list(JOIN))
def test_join(name):
    fun, shapes = JOIN[name]
    check(fun, *[uniform(s, -1, 1, seed=i) for i, s in enumerate(shapes)])


ALLOC = {
    "alloc_scalar": (lambda v: T.alloc(v, 2, 3), ()),
    "alloc_vector": (lambda v: T.alloc(v, 3, 4), (4,)),
    "alloc_matrix": (lambda v: T.alloc(v, 2, 3, 4), (3, 4)),
    "alloc_row": (lambda v: T.alloc(v.dimshuffle("x", 0), 3, 4), (4,)),
    "alloc_col": (lambda v: T.alloc(v.dimshuffle(0, "x"), 3, 4), (3,)),
    "alloc_symbolic_shape": (lambda v: T.alloc(v, v.shape[0] + 1, v.shape[0]), (3,)),
    "fill": (lambda v: T.fill(v, 2.0) * v, (3, 4)),
    "fill_value": (lambda v: T.fill(T.ones((3, 4)), v), ()),
    "second": (lambda v: T.second(T.ones((2, 4)), v), (4,)),
    "zeros_like": (lambda v: T.zeros_like(v) + v * 3.0, (3, 4)),
    "ones_like": (lambda v: T.ones_like(v) * v, (3, 4)),
    "zeros": (lambda v: T.zeros((3,)) + v, (3,)),
}


@pytest.mark.parametrize("name", list(ALLOC))
def test_alloc(name):
    fun, shape = ALLOC[name]
    check(fun, uniform(shape, -1, 1, seed=11))


def test_fill_two_inputs():
    check(lambda m, v: T.fill(m, v), uniform((3, 4), -1, 1), uniform((4,), -1, 1))
    check(lambda m, v: T.fill(m, v) * m, uniform((3, 4), -1, 1), uniform((), -1, 1))


# ---------------------------------------------------------------------------
# composite functions


def test_logistic_regression_cost():
    x = uniform((5, 3), -1, 1)
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])

    def cost(w, b):
        p = T.sigmoid(T.dot(T.constant(x), w) + b)
        yc = T.constant(y)
        return -T.mean(yc * T.log(p) + (1 - yc) * T.log(1 - p)) + 0.01 * (w ** 2).sum()

    check(cost, uniform((3,), -1, 1, seed=1), np.array(0.3))


def test_mlp():
    def net(x, w1, w2):
        h = T.tanh(T.dot(x, w1))
        return T.nnet.softmax(T.dot(h, w2))

    check(net, uniform((4, 3), -1, 1), uniform((3, 5), -1, 1, seed=1), uniform((5, 2), -1, 1, seed=2))


def test_stabilized_log_sigmoid():
    """``grad`` differentiates the stabilized graph: log(1/(1+exp(-x))) has a
    finite gradient where the naive formula would give nan."""
    check(lambda v: T.log(1 / (1 + T.exp(-v))), uniform((3, 4), -3, 3))
    x = T.dvector("x")
    g = T.grad(T.log(1 / (1 + T.exp(-x))).sum(), x)
    out = g.eval({x: [-800.0, 0.0, 800.0]})
    assert np.all(np.isfinite(out))
    assert_allclose(out, [1.0, 0.5, 0.0])


# ---------------------------------------------------------------------------
# verify_grad detects wrong gradients


def _wrong_exp(op, inputs, outputs, grads):
    return [grads[0] * outputs[0] * 1.5]


def test_verify_grad_detects_wrong_rule(monkeypatch):
    assert sym.ExpOp in GRAD_RULES
    monkeypatch.setitem(GRAD_RULES, sym.ExpOp, _wrong_exp)
    x, y = uniform((3,), -1, 1), uniform((2, 2), -1, 1, seed=1)
    # input 0 is fine, input 1 goes through the wrong rule
    with pytest.raises(GradientError) as info:
        verify_grad(lambda a, b: a.sum() + T.exp(b), [x, y], rng=np.random.default_rng(0))
    err = info.value
    assert err.arg == 1
    assert "input 1" in str(err)
    assert isinstance(err, AssertionError)
    assert err.abs_err > 1e-4 and err.rel_err > 1e-4
    # and only the broken input is named
    with pytest.raises(GradientError, match="input 0"):
        verify_grad(lambda a, b: T.exp(a) * 2.0 + b.sum(), [x, y], rng=np.random.default_rng(0))


def test_verify_grad_passes_after_monkeypatch_undone():
    verify_grad(lambda b: T.exp(b), [uniform((2, 2), -1, 1)], rng=np.random.default_rng(0))


def test_verify_grad_detects_wrong_broadcast_rule(monkeypatch):
    """A rule that forgets a factor only on one operand is caught on that operand."""

    def wrong_mul(op, inputs, outputs, grads):
        (gz,) = grads
        x, y = inputs
        return [gz * y, gz]

    monkeypatch.setitem(GRAD_RULES, sym.MulOp, wrong_mul)
    with pytest.raises(GradientError) as info:
        verify_grad(lambda a, b: a * b.dimshuffle("x", 0), [uniform((3, 4), 1, 2), uniform((4,), 1, 2)],
                    rng=np.random.default_rng(0))
    assert info.value.arg == 1


def test_verify_grad_tolerances():
    # an absurdly tight tolerance makes rounding error a failure
    with pytest.raises(GradientError):
        verify_grad(lambda v: T.exp(v) * 1e3, [uniform((3,), 1, 2)], rng=np.random.default_rng(0),
                    abs_tol=1e-14, rel_tol=1e-14)


def test_verify_grad_bad_pt():
    with pytest.raises(TypeError):
        verify_grad(T.exp, np.ones(3))


# ---------------------------------------------------------------------------
# the grad API


def test_grad_list_in_list_out():
    x, y = T.dscalars("x", "y")
    cost = x ** 2 * y
    gs = T.grad(cost, [x, y])
    assert isinstance(gs, list) and len(gs) == 2
    f = function([x, y], gs)
    gx, gy = f(3.0, 2.0)
    assert_allclose(gx, 12.0)
    assert_allclose(gy, 9.0)
    assert isinstance(T.grad(cost, (x, y)), list)
    assert len(T.grad(cost, [x])) == 1


def test_grad_single_in_single_out():
    x = T.dscalar("x")
    g = T.grad(x ** 2, x)
    assert not isinstance(g, (list, tuple))
    assert g.ndim == 0 and g.dtype == "float64"
    assert_allclose(function([x], g)(3.0), 6.0)


def test_grad_has_wrt_type():
    m = T.dmatrix("m")
    v = T.fvector("v")
    gm, gv = T.grad((m ** 2).sum() + T.cast(v, "float64").sum(), [m, v])
    assert gm.ndim == 2 and gm.dtype == "float64"
    assert gv.ndim == 1 and gv.dtype == "float32"


def test_grad_names():
    x = T.dscalar("x")
    y = x ** 2
    y.name = "y"
    assert T.grad(y, x).name == "(dy/dx)"
    assert T.grad(x ** 2, x).name == "(dcost/dx)"


def test_second_derivative():
    x = T.dscalar("x")
    g = T.grad(x ** 3, x)
    gg = T.grad(g, x)
    f = function([x], [g, gg])
    for v in (-1.5, 0.5, 2.0):
        d1, d2 = f(v)
        assert_allclose(d1, 3 * v ** 2)
        assert_allclose(d2, 6 * v)


def test_third_derivative_and_mixed():
    x, y = T.dscalars("x", "y")
    g3 = T.grad(T.grad(T.grad(T.sin(x) * y, x), x), x)
    gxy = T.grad(T.grad(T.exp(x * y), x), y)
    f = function([x, y], [g3, gxy])
    a, b = f(0.7, 1.3)
    assert_allclose(a, -np.cos(0.7) * 1.3)
    assert_allclose(b, np.exp(0.7 * 1.3) * (1 + 0.7 * 1.3))


def test_gradient_of_gradient_verified():
    """The gradient graph itself differentiates correctly (through the rules'
    switch, eq, fill, ... ops)."""
    check(lambda v: T.grad((T.tanh(v) ** 2 * T.exp(-v)).sum(), v), uniform((4,), -1, 1))
    check(lambda v: T.grad(T.nnet.softmax(v)[0, 1], v), distinct((3,)))
    check(lambda v: T.grad(T.prod(v) + T.max(v), v), distinct((2, 3)))


def test_non_scalar_cost():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="scalar"):
        T.grad(x ** 2, x)
    m = T.dmatrix("m")
    with pytest.raises(TypeError, match="scalar"):
        T.grad(m.sum(axis=0), m)


def test_integer_cost():
    i = T.iscalar("i")
    with pytest.raises(TypeError):
        T.grad(i * 2, i)
    x = T.dscalar("x")
    with pytest.raises(TypeError):
        T.grad(T.cast(x, "int64"), x)


def test_bad_wrt():
    x = T.dscalar("x")
    with pytest.raises(TypeError):
        T.grad(x ** 2, 3.0)
    with pytest.raises(TypeError):
        T.grad(x ** 2, [x, "y"])
    with pytest.raises(ValueError):
        T.grad(x ** 2, x, disconnected_inputs="sometimes")


def test_disconnected_raises():
    x = T.dscalar("x")
    y = T.dscalar("yvar")
    with pytest.raises(DisconnectedInputError, match="yvar") as info:
        T.grad(x ** 2, y)
    assert isinstance(info.value, ValueError)
    with pytest.raises(ValueError, match="yvar"):
        T.grad(x ** 2, [x, y])


def test_shape_only_dependency_is_disconnected():
    """As in Theano (Shape's and Second's connection patterns), a cost that depends
    only on the sizes of ``x`` is disconnected from it."""
    x = T.dvector("x")
    with pytest.raises(DisconnectedInputError):
        T.grad(T.cast(x.shape[0], "float64"), x)
    with pytest.raises(DisconnectedInputError):
        T.grad(T.zeros_like(x).sum(), x)
    g = T.grad(T.zeros_like(x).sum() + x.mean(), x)
    assert_allclose(g.eval({x: [1.0, 2.0, 3.0, 4.0]}), np.full(4, 0.25))


def test_structural_operands_are_disconnected():
    x = T.dvector("x")
    m = T.dmatrix("m")
    with pytest.raises(DisconnectedInputError):
        T.grad(T.fill(x, 2.0).sum(), x)
    with pytest.raises(DisconnectedInputError):
        T.grad(T.alloc(1.0, x.shape[0], 2).sum(), x)
    with pytest.raises(DisconnectedInputError):
        T.grad(m.reshape(x.shape, ndim=1).sum(), x)
    with pytest.raises(DisconnectedInputError):
        T.grad(T.inc_subtensor(m[x.shape[0]], 1.0).sum(), x)


def test_folded_dependency_is_still_connected():
    """The cost is rewritten (stabilized, canonicalized) before differentiation, but
    connection is judged on the graph as written: x * 0 connects x (zeros), as in
    Theano."""
    x, y = T.dvectors("x", "y")
    for cost in ((x * 0).sum() + y.sum(), (x - x).sum() + y.sum()):
        g = T.grad(cost, x)
        assert_allclose(g.eval({x: [1.0, 2.0], y: [3.0]}), [0.0, 0.0])


def test_constant_gradient_still_uses_wrt():
    """As in Theano (the gradient starts from ones_like(cost)), a function of x
    returning a gradient that is constant in x still takes x without complaint."""
    x = T.dscalar("x")
    f = function([x], T.grad(2.0 * x, x))
    assert_allclose(f(5.0), 2.0)


def test_grad_of_wrt_itself():
    s = T.dscalar("s")
    assert_allclose(T.grad(s, s).eval({s: 3.0}), 1.0)
    v = T.dvector("v")
    assert_allclose(T.grad(v[0], v).eval({v: [1.0, 2.0]}), [1.0, 0.0])


def test_theano_conventions_at_kinks():
    """Where the derivative is not defined, Theano's choices: ties of max/maximum
    give the gradient to every tied element, abs'(0) = 0, clip passes the gradient
    to x on the bounds."""
    v = T.dvector("v")
    assert_allclose(T.grad(T.max(v), v).eval({v: [1.0, 3.0, 3.0]}), [0, 1, 1])
    assert_allclose(T.grad(T.maximum(v, 1.0).sum(), v).eval({v: [1.0, 3.0, 0.0]}), [1, 1, 0])
    assert_allclose(T.grad(T.minimum(v, 1.0).sum(), v).eval({v: [1.0, 3.0, 0.0]}), [1, 0, 1])
    assert_allclose(T.grad(abs(v).sum(), v).eval({v: [0.0, -3.0, 2.0]}), [0, -1, 1])
    assert_allclose(T.grad(T.clip(v, 0, 1).sum(), v).eval({v: [0.0, 1.0, 0.5, -1, 2]}),
                    [1, 1, 1, 0, 0])
    assert_allclose(T.grad(T.nnet.relu(v).sum(), v).eval({v: [-1.0, 2.0]}), [0, 1])


def test_reduction_dtype_gradient():
    f = T.fvector("f")
    for red in (T.sum, T.mean):
        g = T.grad(red(f, dtype="float64"), f)
        assert g.dtype == "float32"
    assert_allclose(T.grad(T.mean(f, dtype="float64"), f).eval({f: np.ones(2, np.float32)}),
                    [0.5, 0.5])


def test_inc_subtensor_broadcastable_value():
    x = T.dmatrix("x")
    r = T.drow("r")
    out = T.inc_subtensor(x[1:], r) * T.exp(x)
    gx, gr = T.grad(out.sum(), [x, r])
    assert gr.broadcastable == (True, False)
    xv, rv = uniform((3, 4), -1, 1), uniform((1, 4), -1, 1, seed=1)
    gxv, grv = function([x, r], [gx, gr])(xv, rv)
    y = xv.copy()
    y[1:] += rv
    assert_allclose(grv, np.exp(xv[1:]).sum(axis=0, keepdims=True))
    assert_allclose(gxv, np.exp(xv) + y * np.exp(xv))


def test_disconnected_warn():
    x = T.dscalar("x")
    y = T.dvector("yvec")
    with pytest.warns(UserWarning, match="yvec"):
        gx, gy = T.grad(x ** 2, [x, y], disconnected_inputs="warn")
    f = function([x, y], [gx, gy])
    a, b = f(3.0, [1.0, 2.0, 3.0])
    assert_allclose(a, 6.0)
    assert_allclose(b, np.zeros(3))


def test_disconnected_ignore():
    x = T.dscalar("x")
    y = T.dmatrix("y")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gy = T.grad(x ** 2, y, disconnected_inputs="ignore")
    assert gy.ndim == 2 and gy.dtype == "float64"
    assert_allclose(gy.eval({y: np.ones((2, 3))}), np.zeros((2, 3)))


def test_disconnected_integer_wrt_gets_float_zeros():
    x = T.dscalar("x")
    i = T.iscalar("i")
    gi = T.grad(x ** 2, i, disconnected_inputs="ignore")
    assert gi.dtype.startswith("float")


def test_return_disconnected_none():
    x, y = T.dscalars("x", "y")
    gx, gy = T.grad(x ** 2, [x, y], disconnected_inputs="ignore", return_disconnected="None")
    assert gy is None
    assert_allclose(gx.eval({x: 2.0}), 4.0)
    assert T.grad(x ** 2, y, disconnected_inputs="ignore", return_disconnected="disconnected") is None


def test_consider_constant():
    x = T.dscalar("x")
    y = x ** 2
    cost = y * x
    g_full = T.grad(cost, x)
    g_const = T.grad(cost, x, consider_constant=[y])
    f = function([x], [g_full, g_const])
    full, const = f(3.0)
    assert_allclose(full, 27.0)  # 3 x**2
    assert_allclose(const, 9.0)  # y = x**2, held constant


def test_consider_constant_blocks_whole_path():
    x = T.dvector("x")
    h = T.exp(x)
    cost = (h * 2.0).sum()
    with pytest.raises(DisconnectedInputError):
        T.grad(cost, x, consider_constant=[h])
    g = T.grad(cost, x, consider_constant=[h], disconnected_inputs="ignore")
    assert_allclose(g.eval({x: [1.0, 2.0]}), [0.0, 0.0])


def test_known_grads():
    x = T.dvector("x")
    y = x ** 2
    gy = T.dvector("gy")
    gx = T.grad(None, x, known_grads={y: gy})
    f = function([x, gy], gx)
    assert_allclose(f([1.0, 2.0], [1.0, -1.0]), [2.0, -4.0])  # 2x * gy
    # with a cost as well, the gradients add up
    gx2 = T.grad(x.sum(), x, known_grads={y: gy})
    f2 = function([x, gy], gx2)
    assert_allclose(f2([1.0, 2.0], [1.0, -1.0]), [3.0, -3.0])
    # a known gradient on an intermediate of the cost replaces nothing: it adds
    z = T.exp(y)
    gx3 = T.grad(z.sum(), x, known_grads={y: gy})
    xv, gv = np.array([0.5, -0.3]), np.array([2.0, 1.0])
    assert_allclose(function([x, gy], gx3)(xv, gv), 2 * xv * (np.exp(xv ** 2) + gv))


def test_known_grads_rank_mismatch():
    x = T.dvector("x")
    y = x * 3.0
    with pytest.raises(ValueError):
        T.grad(None, x, known_grads={y: T.dscalar()})
    with pytest.raises(ValueError):
        T.grad(None, x)


def test_grad_wrt_intermediate():
    x = T.dvector("x")
    y = x * 3.0
    cost = (y ** 2).sum() + x.sum()
    gy, gx = T.grad(cost, [y, x])
    f = function([x], [gy, gx])
    a, b = f([1.0, 2.0])
    assert_allclose(a, 2 * 3.0 * np.array([1.0, 2.0]))  # 2y
    assert_allclose(b, 18 * np.array([1.0, 2.0]) + 1)  # 2 * 9x + 1


def test_grad_wrt_intermediate_only():
    x = T.dmatrix("x")
    h = T.tanh(x)
    cost = T.sum(h * h)
    gh = T.grad(cost, h)
    xv = uniform((2, 3), -1, 1)
    assert_allclose(gh.eval({x: xv}), 2 * np.tanh(xv))


def test_grad_wrt_intermediate_and_input_stabilized():
    """The cost is stabilized with the intermediate wrt kept; the input's gradient
    includes the path through it."""
    v = T.dvector("v")
    y = v * 3.0
    gy, gv = T.grad(T.log(1 / (1 + T.exp(-y))).sum(), [y, v])
    vv = np.array([1.0, 2.0, 300.0])
    sig = np.exp(-np.logaddexp(0, 3 * vv))  # d log(sigmoid(y))/dy = sigmoid(-y)
    assert_allclose(gy.eval({v: vv}), sig)
    assert_allclose(gv.eval({v: vv}), 3 * sig)
    # an intermediate computed by a loop op without a gradient rule is fine as wrt
    J = T.jacobian(v ** 2, v)
    assert_allclose(T.grad((J ** 2).sum(), J).eval({v: [1.0, 2.0]}), [[4, 0], [0, 8]])


def test_grad_same_variable_twice_in_graph():
    x = T.dscalar("x")
    cost = x * x + x * T.sin(x)
    g = T.grad(cost, x)
    assert_allclose(g.eval({x: 0.4}), 2 * 0.4 + np.sin(0.4) + 0.4 * np.cos(0.4))


def test_grad_of_shared_in_updates():
    target = np.array([1.0, -2.0, 0.5])
    w = shared(np.zeros(3), name="w")
    cost = T.sum((w - T.constant(target)) ** 2)
    gw = T.grad(cost, w)
    train = function([], cost, updates=[(w, w - 0.1 * gw)])
    first = float(train())
    for _ in range(60):
        last = float(train())
    assert last < first * 1e-6
    assert_allclose(w.get_value(), target, atol=1e-5)


def test_sgd_logistic_regression_shared():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(20, 2))
    ys = (xs[:, 0] - xs[:, 1] > 0).astype(np.float64)
    x = T.dmatrix("x")
    y = T.dvector("y")
    w = shared(np.zeros(2), name="w")
    b = shared(0.0, name="b")
    p = T.sigmoid(T.dot(x, w) + b)
    cost = T.mean(T.nnet.softplus(-(2 * y - 1) * (T.dot(x, w) + b)))
    gw, gb = T.grad(cost, [w, b])
    train = function([x, y], cost, updates=[(w, w - 1.0 * gw), (b, b - 1.0 * gb)])
    costs = [float(train(xs, ys)) for _ in range(30)]
    assert costs[-1] < costs[0] / 2
    predict = function([x], p > 0.5)
    assert np.mean(predict(xs) == ys) >= 0.9


# ---------------------------------------------------------------------------
# "Derivatives in Theano" (tutorial)


def test_tutorial_computing_gradients():
    x = T.dscalar("x")
    y = x ** 2
    gy = T.grad(y, x)
    f = function([x], gy)
    assert_allclose(f(4), 8.0)
    assert_allclose(f(94.2), 188.4)
    out = f(4)
    assert isinstance(out, np.ndarray) and out.shape == () and out.dtype == np.float64


def test_tutorial_dlogistic():
    x = T.dmatrix("x")
    s = T.sum(1 / (1 + T.exp(-x)))
    gs = T.grad(s, x)
    dlogistic = function([x], gs)
    out = dlogistic([[0, 1], [-1, -2]])
    assert_allclose(out, [[0.25, 0.19661193], [0.19661193, 0.10499359]], rtol=1e-7)


def test_tutorial_jacobian():
    x = T.dvector("x")
    y = x ** 2
    J = T.jacobian(y, x)
    f = function([x], J)
    assert_allclose(f([4, 4]), [[8, 0], [0, 8]])
    # the length is symbolic: the same function takes any length
    assert_allclose(f([1, 2, 3]), np.diag([2.0, 4.0, 6.0]))


def test_tutorial_hessian():
    x = T.dvector("x")
    y = x ** 2
    cost = y.sum()
    gy = T.grad(cost, x)
    H = T.jacobian(gy, x)
    f = function([x], H)
    assert_allclose(f([4, 4]), [[2, 0], [0, 2]])
    H2 = T.hessian(cost, x)
    assert_allclose(function([x], H2)([4, 4]), [[2, 0], [0, 2]])


def test_jacobian_matrix_wrt():
    W = T.dmatrix("W")
    v = T.dvector("v")
    y = T.dot(W, v)  # y_i = sum_k W_ik v_k
    J = T.jacobian(y, W)
    Wv = uniform((2, 3), -1, 1)
    vv = np.array([1.0, 2.0, 3.0])
    got = function([W, v], J)(Wv, vv)
    assert got.shape == (2, 2, 3)
    expected = np.zeros((2, 2, 3))
    for i in range(2):
        expected[i, i, :] = vv
    assert_allclose(got, expected)
    Jv = T.jacobian(y, v)
    assert_allclose(function([W, v], Jv)(Wv, vv), Wv)


def test_jacobian_matrix_expression_and_list_wrt():
    x = T.dvector("x")
    A = T.dmatrix("A")
    y = A * x.dimshuffle("x", 0)  # matrix-valued: the Jacobian of its flattening
    Jx, JA = T.jacobian(y, [x, A])
    xv, Av = np.array([1.0, 2.0]), uniform((3, 2), -1, 1)
    jx, jA = function([x, A], [Jx, JA])(xv, Av)
    assert jx.shape == (6, 2) and jA.shape == (6, 3, 2)
    expected_x = np.zeros((6, 2))
    expected_A = np.zeros((6, 3, 2))
    for r in range(3):
        for c in range(2):
            expected_x[r * 2 + c, c] = Av[r, c]
            expected_A[r * 2 + c, r, c] = xv[c]
    assert_allclose(jx, expected_x)
    assert_allclose(jA, expected_A)


def test_jacobian_symbolic_length():
    n = T.lscalar("n")
    x = T.dvector("x")
    y = T.exp(x[:n]) * 2.0  # its length is known only when n is
    J = T.jacobian(y, x)
    f = function([x, n], J)
    xv = np.array([0.1, 0.2, 0.3, 0.4])
    for k in (1, 3):
        got = f(xv, k)
        expected = np.zeros((k, 4))
        expected[np.arange(k), np.arange(k)] = 2 * np.exp(xv[:k])
        assert_allclose(got, expected)


def test_jacobian_scalar_and_errors():
    x = T.dvector("x")
    assert_allclose(T.jacobian((x ** 2).sum(), x).eval({x: [1.0, 2.0]}), [2.0, 4.0])
    with pytest.raises(TypeError):
        T.jacobian(T.cast(x, "int64"), x)
    y = T.dvector("y")
    with pytest.raises(DisconnectedInputError):
        T.jacobian(x * 2.0, y)


def test_hessian_nontrivial():
    x = T.dvector("x")
    cost = T.sum(T.exp(x[0] * x[1]) + x ** 3)
    H = T.hessian(cost, x)
    a, b = 0.3, -0.7
    e = np.exp(a * b)
    # exp(x0 x1) is broadcast against x**3 (two entries): it is summed twice
    expected = np.array([
        [2 * b * b * e + 6 * a, 2 * e * (1 + a * b)],
        [2 * e * (1 + a * b), 2 * a * a * e + 6 * b],
    ])
    assert_allclose(H.eval({x: [a, b]}), expected)


def test_grad_through_jacobian():
    v = T.dvector("v")
    J = T.jacobian(T.tanh(v) * v[0], v)
    g = T.grad(J.sum(), v)
    vv = np.array([0.1, 0.2])
    eps = 1e-6
    f = function([v], J.sum())
    numeric = [(f(vv + eps * e) - f(vv - eps * e)) / (2 * eps) for e in np.eye(2)]
    assert_allclose(g.eval({v: vv}), numeric, rtol=1e-5)


def test_hessian_list_and_errors():
    x, y = T.dvectors("x", "y")
    cost = (x ** 2 * 3.0).sum() + (y ** 3).sum()
    Hx, Hy = T.hessian(cost, [x, y])
    f = function([x, y], [Hx, Hy])
    hx, hy = f([1.0, 2.0], [1.0, -1.0, 2.0])
    assert_allclose(hx, 6 * np.eye(2))
    assert_allclose(hy, np.diag([6.0, -6.0, 12.0]))
    with pytest.raises(TypeError):
        T.hessian(x ** 2, x)
    m = T.dmatrix("m")
    with pytest.raises(TypeError):
        T.hessian((m ** 2).sum(), m)


# -- gradients through map_index ------------------------------------------------


@pytest.mark.parametrize("mode", ["native", "py"])
def test_map_index_gradient_whose_incoming_gradient_reads_the_loop(mode):
    """d log(m) = 1/m reads the loop's own result: the rule must not differentiate
    the incoming gradient again (that recursed without end)."""
    v = T.dvector("v")
    m = T.map_index(v.shape[0], lambda i: v[i] * 2)
    g = T.grad(T.log(m).sum(), v)
    x = np.array([1.0, 2.0, 4.0])
    np.testing.assert_allclose(symopt.function([v], g, mode=mode)(x), 1 / x)
    g2 = T.grad((m**2).sum(), v)
    np.testing.assert_allclose(symopt.function([v], g2, mode=mode)(x), 8 * x)


@pytest.mark.parametrize(
    "cost",
    [
        lambda m: T.log(m).sum(),
        lambda m: (m**2).sum(),
        lambda m: (T.exp(m) * m).sum(),
        lambda m: (m * m.sum()).sum(),
    ],
)
def test_verify_grad_through_map_index(cost):
    def fun(v):
        return cost(T.map_index(v.shape[0], lambda i: v[i] * 2 + v[0] ** 2))

    verify_grad(fun, [np.array([0.7, 1.3, 0.4])], rng=np.random.default_rng(1))


def test_grad_canonicalizes_the_cost_it_differentiates():
    """The stabilized cost is canonicalized in the same walk (``w ** 2`` becomes
    ``w * w``), so its gradient has no ``pow``; and the gradient of the
    tutorial's cross-entropy stays finite where the sigmoid saturates."""
    w = T.dvector("w")
    g = T.grad((w**2).sum(), w)
    module = str(symopt.function([w], g).module)
    assert "sym.pow" not in module
    assert_allclose(g.eval({w: [1.0, -2.0]}), [2.0, -4.0])
    x, y = T.dvector("x"), T.dvector("y")
    p = 1 / (1 + T.exp(-x))
    xent = (-y * T.log(p) - (1 - y) * T.log(1 - p)).sum()
    out = T.grad(xent, x).eval({x: [-800.0, 800.0, 0.0], y: [1.0, 0.0, 1.0]})
    assert_allclose(out, [-1.0, 1.0, -0.5])
