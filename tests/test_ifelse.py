"""``symopt.ifelse.ifelse``: lazy (a branch that would raise does not run, in
compiled code and in the reference executor), lists of outputs, gradients, use in a
scan step, the ``sym.if`` in the IR, and bad input. ``T.switch`` stays eager."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

import symopt
import symopt.tensor as T
from symopt import function
from symopt.gradient import verify_grad
from symopt.ifelse import ifelse


def test_tutorial_switch_and_ifelse():
    a, b = T.scalars("a", "b")
    x, y = T.matrices("x", "y")
    z_switch = T.switch(T.lt(a, b), T.mean(x), T.mean(y))
    z_lazy = ifelse(T.lt(a, b), T.mean(x), T.mean(y))
    f_switch = function([a, b, x, y], z_switch)
    f_lazyifelse = function([a, b, x, y], z_lazy)
    val1, val2 = 0.0, 1.0
    big_mat1 = np.ones((100, 100))
    big_mat2 = np.zeros((100, 100))
    assert f_switch(val1, val2, big_mat1, big_mat2) == 1.0
    assert f_lazyifelse(val1, val2, big_mat1, big_mat2) == 1.0
    assert f_lazyifelse(val2, val1, big_mat1, big_mat2) == 0.0


@pytest.mark.parametrize("mode", [None, "py"])
def test_only_the_chosen_branch_runs(mode):
    """The else branch reads v[5]: out of range for a 3-vector, so it raises
    IndexError if it runs at all."""
    a = T.dscalar("a")
    v = T.dvector("v")
    f = function([a, v], ifelse(T.gt(a, 0), v[0] * 2, v[5]), mode=mode)
    assert f(1.0, np.arange(1.0, 4.0)) == 2.0
    with pytest.raises(IndexError):
        f(-1.0, np.arange(1.0, 4.0))
    # the same values through T.switch raise whichever side is taken
    g = function([a, v], T.switch(T.gt(a, 0), v[0] * 2, v[5]), mode=mode)
    with pytest.raises(IndexError):
        g(1.0, np.arange(1.0, 4.0))


@pytest.mark.parametrize("mode", [None, "py"])
def test_shape_error_in_the_branch_not_taken(mode):
    x, y = T.dvectors("x", "y")
    c = T.iscalar("c")
    f = function([c, x, y], ifelse(c, x + y, x * 2), mode=mode)
    assert_allclose(f(0, [1.0, 2.0], [1.0, 2.0, 3.0]), [2.0, 4.0])
    with pytest.raises(ValueError, match="shape mismatch"):
        f(1, [1.0, 2.0], [1.0, 2.0, 3.0])


def test_value_used_outside_the_branch_is_computed_once_before():
    x = T.dvector("x")
    c = T.bscalar("c")
    s = T.exp(x)
    f = function([c, x], [ifelse(c, s.sum(), T.constant(0.0)), s])
    ir = f.ir("sym")
    body = ir[ir.index("sym.if") :]
    assert "sym.exp" not in body  # s is computed before the if, once
    r, e = f(1, [0.0, 1.0])
    assert_allclose(r, 1 + np.e)
    assert_allclose(e, [1.0, np.e])


def test_lists_of_outputs_and_shapes_that_differ():
    x = T.dvector("x")
    y = T.dmatrix("y")
    c = T.iscalar("c")
    out = ifelse(c, [x, y.sum(0), T.constant(1.0)], [x[:2], y.sum(1), T.constant(2.0)])
    assert isinstance(out, list) and len(out) == 3
    f = function([c, x, y], out)
    yv = np.arange(6.0).reshape(2, 3)
    a, b, k = f(1, [1.0, 2.0, 3.0], yv)
    assert_allclose(a, [1.0, 2.0, 3.0])
    assert_allclose(b, yv.sum(0))
    assert k == 1.0
    a, b, k = f(0, [1.0, 2.0, 3.0], yv)
    assert_allclose(a, [1.0, 2.0])
    assert_allclose(b, yv.sum(1))
    assert k == 2.0
    # the same value twice, an input returned as is: each result owns its buffer
    g = function([c, x], ifelse(c, [x, x], [x * 2, x]))
    p, q = g(1, [1.0, 2.0])
    p[0] = 99
    assert_allclose(q, [1.0, 2.0])


def test_gradient():
    x = T.dvector("x")
    c = T.iscalar("c")
    cost = ifelse(c, (x**2).sum(), T.sin(x).sum())
    gx = T.grad(cost, x)
    f = function([c, x], gx)
    v = np.array([0.3, -1.2])
    assert_allclose(f(1, v), 2 * v)
    assert_allclose(f(0, v), np.cos(v))
    rng = np.random.default_rng(0)
    verify_grad(lambda a, b: ifelse(T.constant(1), a * b, b), [rng.normal(size=3), rng.normal(size=3)], rng=rng)
    verify_grad(lambda a, b: ifelse(T.constant(0), a * b, T.exp(b)), [rng.normal(size=3), rng.normal(size=3)], rng=rng)


def test_ifelse_in_a_scan_step():
    x = T.dvector("x")
    out, _ = symopt.scan(lambda v: ifelse(T.gt(v, 0), T.sqrt(v), -v), sequences=x)
    f = function([x], out)
    v = np.array([4.0, -3.0, 9.0, -1.0])
    expected = np.where(v > 0, np.sqrt(np.abs(v)), -v)
    assert_allclose(f(v), expected)
    assert_allclose(function([x], out, mode="py")(v), expected)
    # as in Theano, the gradient multiplies the branch not taken by zero (so
    # that branch's derivative must be finite there): use one that is
    sq, _ = symopt.scan(lambda v: ifelse(T.gt(v, 0), v**2, -v), sequences=x)
    g = function([x], T.grad(sq.sum(), x))
    assert_allclose(g(v), np.where(v > 0, 2 * v, -1.0))


def test_switch_stays_elementwise():
    x = T.dvector("x")
    f = function([x], T.switch(T.gt(x, 0), x, -x))
    assert "sym.if" not in f.ir("sym")
    assert_allclose(f([1.0, -2.0]), [1.0, 2.0])


def test_bad_input():
    x = T.dvector("x")
    m = T.dmatrix("m")
    i = T.ivector("i")
    with pytest.raises(TypeError, match="scalar"):
        ifelse(x, x, x)
    with pytest.raises(TypeError, match="rank"):
        ifelse(T.constant(1), x, m)
    with pytest.raises(TypeError, match="dtype"):
        ifelse(T.constant(1), x, i)
    with pytest.raises(ValueError, match="as many"):
        ifelse(T.constant(1), [x, x], [x])
    # a constant takes the other side's dtype
    assert ifelse(T.constant(1), x, np.zeros(2, dtype=np.int32)).dtype == "float64"
