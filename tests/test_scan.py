"""``symopt.scan``: the examples of Theano's "Loop" tutorial page, the rest of
scan's signature (taps, go_backwards, n_steps, updates, random draws in the step,
strict, return_list), gradients through scan (``verify_grad`` on several step
functions, ``truncate_gradient``, an Elman RNN that trains), the IR (one
``loop.scan``, lowered to one ``scf.for``) and bad input.

Every compiled result is compared with NumPy and with the reference executor
(``mode="py"``)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

import symopt
import symopt.tensor as T
from symopt import function, shared
from symopt.gradient import verify_grad
from symopt.sandbox.rng_mrg import MRG_RandomStreams

floatX = symopt.config.floatX


def both(inputs, outputs, *args, updates=None):
    """Results of the compiled function and of the reference executor."""
    native = function(inputs, outputs, updates=updates)(*args)
    reference = function(inputs, outputs, updates=updates, mode="py")(*args)
    return native, reference


def check_both(inputs, outputs, args, expected, **kw):
    native, reference = both(inputs, outputs, *args, **kw)
    assert_allclose(native, expected, rtol=1e-10, atol=1e-12)
    assert_allclose(reference, expected, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------
# the "Loop" tutorial page


def test_power_of_a():
    k = T.iscalar("k")
    A = T.vector("A")
    result, updates = symopt.scan(
        fn=lambda prior_result, A: prior_result * A,
        outputs_info=T.ones_like(A), non_sequences=A, n_steps=k,
    )  # fmt: skip
    final_result = result[-1]
    power = function(inputs=[A, k], outputs=final_result, updates=updates)
    assert_allclose(power(range(10), 2), [0.0, 1.0, 4.0, 9.0, 16.0, 25.0, 36.0, 49.0, 64.0, 81.0])
    assert_allclose(power(np.arange(4.0), 3), np.arange(4.0) ** 3)
    # all the steps, and zero steps: the stored result has no rows
    f = function([A, k], result)
    assert_allclose(f([1.0, 2.0], 3), [[1, 2], [1, 4], [1, 8]])
    assert f([1.0, 2.0], 0).shape == (0, 2)


def test_polynomial():
    coefficients = T.vector("coefficients")
    x = T.scalar("x")
    full_range = T.arange(10000)
    components, updates = symopt.scan(
        fn=lambda coefficient, power, free_variable: coefficient * (free_variable ** power),
        outputs_info=None, sequences=[coefficients, full_range], non_sequences=x,
    )  # fmt: skip
    polynomial = components.sum()
    calculate_polynomial = function(inputs=[coefficients, x], outputs=polynomial)
    test_coefficients = np.asarray([1, 0, 2], dtype=np.float32)
    assert calculate_polynomial(test_coefficients, 3) == 19.0
    coeffs = np.random.default_rng(0).normal(size=7)
    check_both([coefficients, x], polynomial, [coeffs, 1.3], np.polyval(coeffs[::-1], 1.3))


def test_cumulative_sum():
    a = T.vector()
    s, _ = symopt.scan(lambda v, acc: acc + v, sequences=a, outputs_info=T.constant(0.0))
    v = np.random.default_rng(1).normal(size=9)
    check_both([a], s, [v], np.cumsum(v))


def test_tanh_of_rows():
    X = T.matrix("X")
    W = T.matrix("W")
    b_sym = T.vector("b_sym")
    results, updates = symopt.scan(lambda v: T.tanh(T.dot(v, W) + b_sym), sequences=X)
    compute_elementwise = function(inputs=[X, W, b_sym], outputs=results)
    x = np.eye(2, dtype=floatX)
    w = np.ones((2, 2), dtype=floatX)
    b = np.ones((2), dtype=floatX)
    b[1] = 2
    assert_allclose(compute_elementwise(x, w, b), np.tanh(x.dot(w) + b))


def test_recurrence_with_reversed_sequence():
    """x(t) = tanh(x(t - 1).dot(W) + y(t).dot(U) + p(T - t).dot(V))"""
    X, W, U, V = T.vector("X"), T.matrix("W"), T.matrix("U"), T.matrix("V")
    Y, P = T.matrix("Y"), T.matrix("P")
    results, updates = symopt.scan(
        lambda y, p, x_tm1: T.tanh(T.dot(x_tm1, W) + T.dot(y, U) + T.dot(p, V)),
        sequences=[Y, P[::-1]], outputs_info=[X],
    )  # fmt: skip
    rng = np.random.default_rng(2)
    x = np.zeros((2), dtype=floatX)
    x[1] = 1
    w = np.ones((2, 2), dtype=floatX)
    y = np.ones((5, 2), dtype=floatX)
    y[0, :] = -3
    u = np.ones((2, 2), dtype=floatX)
    p = np.ones((5, 2), dtype=floatX)
    p[0, :] = 3
    v = rng.normal(size=(2, 2))
    x_res = np.zeros((5, 2), dtype=floatX)
    x_res[0] = np.tanh(x.dot(w) + y[0].dot(u) + p[4].dot(v))
    for i in range(1, 5):
        x_res[i] = np.tanh(x_res[i - 1].dot(w) + y[i].dot(u) + p[4 - i].dot(v))
    check_both([X, W, Y, U, P, V], results, [x, w, y, u, p, v], x_res)


def test_norms_of_rows_and_columns():
    X = T.matrix("X")
    rows, _ = symopt.scan(lambda x_i: T.sqrt((x_i**2).sum()), sequences=[X])
    cols, _ = symopt.scan(lambda x_i: T.sqrt((x_i**2).sum()), sequences=[X.T])
    x = np.diag(np.arange(1, 6, dtype=floatX), 1)
    check_both([X], rows, [x], np.sqrt((x**2).sum(1)))
    check_both([X], cols, [x], np.sqrt((x**2).sum(0)))


def test_trace():
    floatX_zero = np.asarray(0.0, dtype=floatX)
    X = T.matrix("X")
    results, updates = symopt.scan(
        lambda i, j, t_f: T.cast(X[i, j] + t_f, floatX),
        sequences=[T.arange(X.shape[0]), T.arange(X.shape[1])],
        outputs_info=floatX_zero,
    )  # fmt: skip
    result = results[-1]
    x = np.eye(5, dtype=floatX)
    x[0] = np.arange(5, dtype=floatX)
    check_both([X], result, [x], np.diagonal(x).sum())
    y = np.arange(12.0).reshape(3, 4)  # not square: as many steps as the shorter
    check_both([X], result, [y], np.trace(y))


def test_two_taps():
    """x(t) = x(t - 2).dot(U) + x(t - 1).dot(V) + tanh(x(t - 1).dot(W) + b)"""
    X, W, b_sym, U, V = T.matrix("X"), T.matrix("W"), T.vector("b_sym"), T.matrix("U"), T.matrix("V")
    n_sym = T.iscalar("n_sym")
    results, updates = symopt.scan(
        lambda x_tm2, x_tm1: T.dot(x_tm2, U) + T.dot(x_tm1, V) + T.tanh(T.dot(x_tm1, W) + b_sym),
        n_steps=n_sym, outputs_info=[dict(initial=X, taps=[-2, -1])],
    )  # fmt: skip
    rng = np.random.default_rng(3)
    x = np.zeros((2, 2), dtype=floatX)
    x[1, 1] = 1
    w = 0.5 * np.ones((2, 2), dtype=floatX)
    u = 0.5 * (np.ones((2, 2), dtype=floatX) - np.eye(2, dtype=floatX))
    v = 0.5 * np.ones((2, 2), dtype=floatX)
    b = rng.normal(size=2)
    x_res = np.zeros((10, 2))
    x_res[0] = x[0].dot(u) + x[1].dot(v) + np.tanh(x[1].dot(w) + b)
    x_res[1] = x[1].dot(u) + x_res[0].dot(v) + np.tanh(x_res[0].dot(w) + b)
    for i in range(2, 10):
        x_res[i] = x_res[i - 2].dot(u) + x_res[i - 1].dot(v) + np.tanh(x_res[i - 1].dot(w) + b)
    check_both([X, W, b_sym, U, V, n_sym], results, [x, w, b, u, v, 10], x_res)


def test_jacobian_and_hessian_by_scan():
    v = T.vector()
    A = T.matrix()
    y = T.tanh(T.dot(v, A))
    results, updates = symopt.scan(
        lambda i: T.grad(y[i], v), sequences=[T.arange(y.shape[0])]
    )
    compute_jac_t = function([A, v], results)
    x = np.eye(5, dtype=floatX)[0]
    w = np.eye(5, 3, dtype=floatX)
    w[2] = np.ones((3), dtype=floatX)
    expected = ((1 - np.tanh(x.dot(w)) ** 2) * w).T
    assert_allclose(compute_jac_t(w, x), expected)

    x2 = T.dvector("x")
    cost = (x2**3).sum()
    gy = T.grad(cost, x2)
    H, updates = symopt.scan(
        lambda i, gy, x: T.grad(gy[i], x),
        sequences=T.arange(gy.shape[0]), non_sequences=[gy, x2],
    )  # fmt: skip
    xv = np.array([1.0, -2.0, 0.5])
    check_both([x2], H, [xv], np.diag(6 * xv))


def test_shared_accumulator():
    k = shared(0)
    n_sym = T.iscalar("n_sym")
    results, updates = symopt.scan(lambda: {k: (k + 1)}, n_steps=n_sym)
    accumulator = function([n_sym], [], updates=updates)
    assert k.get_value() == 0
    accumulator(5)
    assert k.get_value() == 5
    accumulator(0)
    assert k.get_value() == 5


def test_noise_drawn_outside_the_step_is_drawn_once():
    X, W, b_sym = T.matrix("X"), T.matrix("W"), T.vector("b_sym")
    trng = T.shared_randomstreams.RandomStreams(1234)
    d = trng.binomial(size=W[1].shape)
    results, updates = symopt.scan(lambda v: T.tanh(T.dot(v, W) + b_sym) * d, sequences=X)
    f = function([X, W, b_sym], [results, d], updates=updates)
    x = np.eye(10, 2)
    w = np.ones((2, 2))
    b = np.ones(2)
    out, mask = f(x, w, b)
    assert_allclose(out, np.tanh(x.dot(w) + b) * mask)


# ---------------------------------------------------------------------------
# the rest of the signature


def test_sequence_taps_and_go_backwards():
    x = T.dvector("x")
    v = np.arange(1.0, 8.0)
    out, _ = symopt.scan(
        lambda a, b, c: a + 10 * b + 100 * c,
        sequences=[dict(input=x, taps=[-1, 0, 2])],
    )  # fmt: skip
    t = np.arange(1, 5)
    check_both([x], out, [v], v[t - 1] + 10 * v[t] + 100 * v[t + 2])
    back, _ = symopt.scan(
        lambda a, b, c: a + 10 * b + 100 * c,
        sequences=[dict(input=x, taps=[-1, 0, 2])], go_backwards=True,
    )  # fmt: skip
    check_both([x], back, [v], (v[t - 1] + 10 * v[t] + 100 * v[t + 2])[::-1])
    rev, _ = symopt.scan(lambda a: a * 2, sequences=x, go_backwards=True)
    check_both([x], rev, [v], v[::-1] * 2)


def test_n_steps_shorter_than_the_sequence_and_too_long():
    x = T.dvector("x")
    n = T.iscalar("n")
    out, _ = symopt.scan(lambda a: a * a, sequences=x, n_steps=n)
    f = function([x, n], out)
    assert_allclose(f([1.0, 2.0, 3.0], 2), [1.0, 4.0])
    with pytest.raises(ValueError, match="fewer than the 5 steps"):
        f([1.0, 2.0, 3.0], 5)
    with pytest.raises(ValueError, match="negative number of steps"):
        f([1.0, 2.0, 3.0], -1)
    g = function([x, n], out, mode="py")
    with pytest.raises(ValueError, match="fewer than the 5 steps"):
        g([1.0, 2.0, 3.0], 5)


def test_several_outputs_mixed():
    x = T.dvector("x")
    h0 = T.dscalar("h0")

    def step(x_t, h):
        h_new = 0.5 * h + x_t
        return h_new, h_new * x_t, T.stack([x_t, h])

    (h, y, pairs), _ = symopt.scan(step, sequences=x, outputs_info=[h0, None, None])
    v = np.array([1.0, -2.0, 3.0, 0.5])
    hs, ys, ps = [], [], []
    prev = 0.25
    for xt in v:
        ps.append([xt, prev])
        prev = 0.5 * prev + xt
        hs.append(prev)
        ys.append(prev * xt)
    native, reference = both([x, h0], [h, y, pairs], v, 0.25)
    for got in (native, reference):
        assert_allclose(got[0], hs)
        assert_allclose(got[1], ys)
        assert_allclose(got[2], ps)
    # zero steps: every output is empty, with its row shape
    native, reference = both([x, h0], [h, y, pairs], np.zeros(0), 0.25)
    for got in (native, reference):
        assert got[0].shape == (0,) and got[1].shape == (0,) and got[2].shape == (0, 2)


def test_items_of_changing_shape_raise():
    x = T.dvector("x")
    n = T.iscalar("n")
    out, _ = symopt.scan(lambda i: T.arange(i + 1).astype("float64"), sequences=T.arange(n))
    f = function([n], out)
    assert_allclose(f(1), [[0.0]])
    with pytest.raises(ValueError, match="yields size"):
        f(3)
    with pytest.raises(ValueError, match="yields shape"):
        function([n], out, mode="py")(3)
    del x


def test_state_of_changing_shape_raises():
    h0 = T.dvector("h0")
    n = T.iscalar("n")
    out, _ = symopt.scan(lambda h: T.concatenate([h, h]), outputs_info=h0, n_steps=n)
    f = function([h0, n], out)
    with pytest.raises(ValueError, match="yields size"):
        f([1.0], 2)
    assert f([1.0], 0).shape == (0, 1)


def test_return_list_and_name():
    x = T.dvector("x")
    out, upd = symopt.scan(lambda a: a + 1, sequences=x, return_list=True, name="plus")
    assert isinstance(out, list) and len(out) == 1 and not upd
    assert out[0].name == "plus"


def test_strict_requires_non_sequences():
    x = T.dvector("x")
    w = T.dscalar("w")
    with pytest.raises(ValueError, match="strict=True"):
        symopt.scan(lambda a: a * w, sequences=x, strict=True)
    out, _ = symopt.scan(lambda a, w: a * w, sequences=x, non_sequences=w, strict=True)
    check_both([x, w], out, [np.arange(3.0), 2.0], np.arange(3.0) * 2)


def test_swap_of_states_and_identity_steps():
    a0, b0 = T.dvector("a0"), T.dvector("b0")
    (a, b), _ = symopt.scan(lambda a, b: (b, a), outputs_info=[a0, b0], n_steps=3)
    native, reference = both([a0, b0], [a, b], [1.0, 2.0], [3.0, 4.0])
    for got in (native, reference):
        assert_allclose(got[0], [[3, 4], [1, 2], [3, 4]])
        assert_allclose(got[1], [[1, 2], [3, 4], [1, 2]])


def test_updates_of_shared_variables_in_the_step():
    total = shared(np.zeros(3), name="total")
    x = T.dmatrix("x")
    out, updates = symopt.scan(
        lambda row: (row.sum(), {total: total + row}), sequences=x
    )
    f = function([x], out, updates=updates)
    v = np.arange(6.0).reshape(2, 3)
    assert_allclose(f(v), v.sum(1))
    assert_allclose(total.get_value(), v.sum(0))
    assert_allclose(f(v), v.sum(1))
    assert_allclose(total.get_value(), 2 * v.sum(0))


def test_mrg_draws_in_the_step_advance_the_stream():
    srng = MRG_RandomStreams(seed=42)
    x = T.dmatrix("x")

    def step(row):
        return row * srng.uniform(size=(3,))

    out, updates = symopt.scan(step, sequences=x)
    assert len(updates) == 1
    f = function([x], out, updates=updates)
    ones = np.ones((4, 3))
    first = f(ones)
    assert first.shape == (4, 3)
    assert np.all((first > 0) & (first < 1))
    assert len({tuple(r) for r in first}) == 4  # a fresh draw at every step
    second = f(ones)
    assert not np.allclose(first, second)  # the state was advanced
    # the draws are those of the same stream drawn step by step
    srng2 = MRG_RandomStreams(seed=42)
    u = srng2.uniform(size=(3,))
    g = function([], u)
    assert_allclose(first, [g() for _ in range(4)])


def test_randomstreams_draws_in_the_step():
    """RandomStreams (NumPy) draws inside the step: each step gets fresh values,
    exactly those of the stream drawn step by step, and the stream advances."""
    trng = T.shared_randomstreams.RandomStreams(1234)
    x = T.dmatrix("x")

    def step(row):
        return row + trng.normal(size=(3,)) + trng.binomial(size=(3,), p=0.5)

    out, updates = symopt.scan(step, sequences=x)
    assert len(updates) == 2
    f = function([x], out, updates=updates)
    first = f(np.zeros((4, 3)))
    # the same seeds, drawn one step at a time with NumPy
    seeds = np.random.RandomState(1234)
    rn = np.random.RandomState(int(seeds.randint(2**30)))
    rb = np.random.RandomState(int(seeds.randint(2**30)))
    expected = np.stack([rn.normal(0, 1, (3,)) + rb.binomial(1, 0.5, (3,)) for _ in range(4)])
    assert_allclose(first, expected)
    assert not np.allclose(f(np.zeros((4, 3))), first)
    reference = function([x], out, updates=updates, mode="py")(np.zeros((2, 3)))
    assert reference.shape == (2, 3)


def test_randomstreams_draw_that_depends_on_the_step_is_rejected_clearly():
    trng = T.shared_randomstreams.RandomStreams(1)
    x = T.dvector("x")
    with pytest.raises(NotImplementedError, match="MRG_RandomStreams"):
        symopt.scan(lambda a: trng.uniform(low=a, high=a + 1), sequences=x)


def test_until_is_rejected_clearly():
    from symopt.tensor.scan import until

    x = T.dvector("x")
    with pytest.raises(NotImplementedError, match="until"):
        symopt.scan(lambda a: (a, until(a > 1)), sequences=x)


def test_bad_arguments():
    x = T.dvector("x")
    with pytest.raises(ValueError, match="n_steps"):
        symopt.scan(lambda: T.constant(1.0), outputs_info=None)
    with pytest.raises(TypeError, match="callable"):
        symopt.scan(3, sequences=x)
    with pytest.raises(TypeError, match="scalar"):
        symopt.scan(lambda a: a, sequences=T.dscalar())
    with pytest.raises(TypeError, match="dtype"):
        symopt.scan(lambda h: h * 2.5, outputs_info=T.iscalar(), n_steps=3)
    with pytest.raises(ValueError, match="returned 2 outputs"):
        symopt.scan(lambda a, h: (a, h), sequences=x, outputs_info=[T.dscalar()])
    with pytest.raises(TypeError, match="n_steps"):
        symopt.scan(lambda: T.constant(1.0), n_steps=T.dscalar())


# ---------------------------------------------------------------------------
# gradients


@pytest.mark.parametrize(
    "case",
    ["map", "tanh_rnn", "two_taps", "product", "mixed_outputs"],
)
def test_verify_grad_through_scan(case):
    rng = np.random.default_rng(7)
    if case == "map":
        verify_grad(lambda xs: symopt.scan(lambda r: T.exp(r) * r, sequences=xs)[0],
                    [rng.normal(size=(4, 3))], rng=rng)
    elif case == "tanh_rnn":
        def fun(xs, h0, w):
            out, _ = symopt.scan(lambda x_t, h, w: T.tanh(x_t + T.dot(h, w)),
                                 sequences=xs, outputs_info=h0, non_sequences=w)
            return out
        verify_grad(fun, [rng.normal(size=(5, 3)), rng.normal(size=3),
                          0.5 * rng.normal(size=(3, 3))], rng=rng)
    elif case == "two_taps":
        def fun(x0, u, v):
            out, _ = symopt.scan(lambda a, b: T.tanh(T.dot(a, u) + T.dot(b, v)),
                                 outputs_info=[dict(initial=x0, taps=[-2, -1])], n_steps=4)
            return out
        verify_grad(fun, [rng.normal(size=(2, 3)), 0.5 * rng.normal(size=(3, 3)),
                          0.5 * rng.normal(size=(3, 3))], rng=rng)
    elif case == "product":
        def fun(a, x0):
            out, _ = symopt.scan(lambda p, a: p * a, outputs_info=x0, non_sequences=a, n_steps=3)
            return out[-1]
        verify_grad(fun, [rng.normal(size=4), rng.normal(size=4)], rng=rng)
    elif case == "mixed_outputs":
        def fun(xs, h0):
            def step(x_t, h):
                h2 = T.sin(h) + x_t
                return h2, h2 * x_t
            (h, y), _ = symopt.scan(step, sequences=xs, outputs_info=[h0, None])
            return h.sum() + (y ** 2).sum()
        verify_grad(fun, [rng.normal(size=(4, 2)), rng.normal(size=2)], rng=rng)


def test_grad_of_sequence_with_taps_and_backwards():
    rng = np.random.default_rng(8)

    def fun(x):
        out, _ = symopt.scan(lambda a, b: a * T.sin(b), sequences=[dict(input=x, taps=[-1, 1])])
        return out

    verify_grad(fun, [rng.normal(size=6)], rng=rng)

    def back(x):
        out, _ = symopt.scan(lambda a: a**3, sequences=x, go_backwards=True)
        return out

    verify_grad(back, [rng.normal(size=5)], rng=rng)


def test_grad_reference_and_native_agree():
    xs, h0, w = T.dmatrix("xs"), T.dvector("h0"), T.dmatrix("w")
    hs, _ = symopt.scan(lambda x_t, h, w: T.tanh(x_t + T.dot(h, w)),
                        sequences=xs, outputs_info=h0, non_sequences=w)
    cost = (hs**2).sum()
    grads = symopt.grad(cost, [xs, h0, w])
    rng = np.random.default_rng(9)
    args = [rng.normal(size=(6, 4)), rng.normal(size=4), 0.3 * rng.normal(size=(4, 4))]
    native, reference = both([xs, h0, w], grads, *args)
    for a, b in zip(native, reference):
        assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_truncate_gradient():
    xs, h0, w = T.dmatrix("xs"), T.dvector("h0"), T.dmatrix("w")

    def build(truncate):
        hs, _ = symopt.scan(lambda x_t, h, w: T.tanh(x_t + T.dot(h, w)), sequences=xs,
                            outputs_info=h0, non_sequences=w, truncate_gradient=truncate)
        return symopt.grad(hs[-1].sum(), [xs, h0, w])

    rng = np.random.default_rng(10)
    args = [rng.normal(size=(6, 3)), rng.normal(size=3), 0.5 * rng.normal(size=(3, 3))]
    full = function([xs, h0, w], build(-1))(*args)
    long = function([xs, h0, w], build(100))(*args)
    for a, b in zip(full, long):
        assert_allclose(a, b)
    dxs, dh0, dw = function([xs, h0, w], build(2))(*args)
    # only the last two steps are differentiated: earlier rows get nothing, nor h0
    assert np.all(dxs[:4] == 0) and np.any(dxs[4:] != 0)
    assert np.all(dh0 == 0)
    assert_allclose(dxs[4:], full[0][4:])
    # by hand: two steps back from the end
    x, h, W = args
    states = [h]
    for t in range(6):
        states.append(np.tanh(x[t] + states[-1] @ W))
    g = np.ones(3)
    gw = np.zeros((3, 3))
    for t in (5, 4):
        pre = g * (1 - states[t + 1] ** 2)
        gw += np.outer(states[t], pre)
        g = pre @ W.T
    assert_allclose(dw, gw)
    reference = function([xs, h0, w], build(2), mode="py")(*args)
    assert_allclose(reference[2], gw)


def test_elman_rnn_trains():
    """A small Elman network learns to output the running mean of its inputs."""
    rng = np.random.default_rng(11)
    n_in, n_hid = 1, 8
    Wx = shared(0.3 * rng.normal(size=(n_in, n_hid)), name="Wx")
    Wh = shared(0.3 * rng.normal(size=(n_hid, n_hid)), name="Wh")
    bh = shared(np.zeros(n_hid), name="bh")
    Wy = shared(0.3 * rng.normal(size=(n_hid, 1)), name="Wy")
    x = T.dmatrix("x")
    target = T.dmatrix("target")
    h0 = T.zeros((n_hid,))

    def step(x_t, h_tm1):
        h_t = T.tanh(T.dot(x_t, Wx) + T.dot(h_tm1, Wh) + bh)
        return h_t, T.dot(h_t, Wy)

    (h, y), _ = symopt.scan(step, sequences=x, outputs_info=[h0, None])
    cost = T.mean((y - target) ** 2)
    params = [Wx, Wh, bh, Wy]
    grads = T.grad(cost, params)
    train = function([x, target], cost,
                     updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)])
    losses = []
    for epoch in range(150):
        seq = rng.uniform(-1, 1, size=(10, 1))
        tgt = np.cumsum(seq, axis=0) / np.arange(1, 11)[:, None]
        losses.append(float(train(seq, tgt)))
    assert np.mean(losses[-20:]) < 0.5 * np.mean(losses[:20])


# ---------------------------------------------------------------------------
# the IR


def test_one_loop_in_the_ir():
    xs, h0, w = T.dmatrix("xs"), T.dvector("h0"), T.dmatrix("w")
    hs, _ = symopt.scan(lambda x_t, h, w: T.tanh(x_t + T.dot(h, w)),
                        sequences=xs, outputs_info=h0, non_sequences=w)
    f = function([xs, h0, w], hs)
    assert f.ir("sym").count("sym.scan") == 1
    loop_ir = f.ir("loop")
    assert loop_ir.count("loop.scan") == 1
    scf_ir = f.ir("scf")
    assert "loop.scan" not in scf_ir and "scf.for" in scf_ir
    # the step's ops are in the body: one fused map for tanh(x_t + dot)
    body = loop_ir[loop_ir.index("loop.scan") :]
    assert "loop.dot" in body and "loop.map" in body


def test_scan_in_a_scan():
    x = T.dmatrix("x")

    def row_cumsum(row):
        s, _ = symopt.scan(lambda v, acc: acc + v, sequences=row, outputs_info=T.constant(0.0))
        return s

    out, _ = symopt.scan(row_cumsum, sequences=x)
    v = np.arange(12.0).reshape(3, 4)
    check_both([x], out, [v], np.cumsum(v, axis=1))
    g = symopt.grad((out**2).sum(), x)
    native, reference = both([x], g, v)
    assert_allclose(native, reference)
