"""The frontend: every tensor function against NumPy, types, promotion, indexing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import symopt
import symopt.tensor as T
from symopt.ir.variable import TensorType

RNG = np.random.default_rng(0)
M = RNG.normal(size=(3, 4))
P = RNG.uniform(0.1, 0.9, size=(3, 4))  # inside (0, 1): valid for every function


def run(expr, inputs=(), values=()):
    return symopt.function(list(inputs), expr)(*values)


# ---------------------------------------------------------------------------
# constructors and types


@pytest.mark.parametrize(
    "ctor, dtype, shape",
    [
        (T.dscalar, "float64", ()),
        (T.fvector, "float32", (None,)),
        (T.imatrix, "int32", (None, None)),
        (T.lrow, "int64", (1, None)),
        (T.bcol, "int8", (None, 1)),
        (T.wtensor3, "int16", (None, None, None)),
        (T.dtensor4, "float64", (None,) * 4),
    ],
)
def test_typed_constructors(ctor, dtype, shape):
    v = ctor("v")
    assert v.name == "v"
    assert v.dtype == dtype
    assert v.type.shape == shape
    assert v.ndim == len(shape)
    assert v.broadcastable == tuple(s == 1 for s in shape)


def test_plural_constructors():
    x, y = T.dscalars("x", "y")
    assert (x.name, y.name) == ("x", "y")
    a, b, c = T.fmatrices("a", "b", "c")
    assert [v.dtype for v in (a, b, c)] == ["float32"] * 3
    assert a is not b


def test_generic_constructors_use_floatx():
    assert T.matrix().dtype == symopt.config.floatX == "float64"
    assert T.vector(dtype="int32").dtype == "int32"
    old = symopt.config.floatX
    try:
        symopt.config.floatX = "float32"
        assert T.scalar().dtype == "float32"
        assert (T.iscalar() + 1.5).dtype == "float64"  # int32 + float32 -> float64
    finally:
        symopt.config.floatX = old


def test_tensor_type_spellings():
    assert TensorType("float64", (False, True)).shape == (None, 1)
    assert TensorType("float64", broadcastable=(True,)).shape == (1,)
    assert TensorType("float32", (None, 784)).shape == (None, 784)
    t = TensorType("float64", (None, None))
    assert repr(t) == "TensorType(float64, matrix)"
    x = t("x")
    assert x.type == t
    with pytest.raises(TypeError, match="shape entries"):
        TensorType("float64", (-2,))
    with pytest.raises(TypeError, match="not supported"):
        TensorType("complex128", ())


def test_variables_compare_by_identity():
    x, y = T.dscalars("x", "y")
    assert x == x and x != y
    assert {x: 1, y: 2}[x] == 1
    with pytest.raises(TypeError, match="truth value"):
        bool(x < y)


# ---------------------------------------------------------------------------
# elementwise functions against NumPy


UNARY = [
    (T.exp, np.exp),
    (T.log, np.log),
    (T.log1p, np.log1p),
    (T.expm1, np.expm1),
    (T.log2, np.log2),
    (T.log10, np.log10),
    (T.sqrt, np.sqrt),
    (T.sqr, np.square),
    (T.tanh, np.tanh),
    (T.sinh, np.sinh),
    (T.cosh, np.cosh),
    (T.sin, np.sin),
    (T.cos, np.cos),
    (T.tan, np.tan),
    (T.arcsin, np.arcsin),
    (T.arccos, np.arccos),
    (T.arctan, np.arctan),
    (T.deg2rad, np.deg2rad),
    (T.rad2deg, np.rad2deg),
    (T.abs_, np.abs),
    (T.sgn, np.sign),
    (T.floor, np.floor),
    (T.ceil, np.ceil),
    (T.round_half_to_even, np.round),
    (T.neg, np.negative),
    (T.nnet.sigmoid, lambda a: 1 / (1 + np.exp(-a))),
    (T.nnet.softplus, lambda a: np.log1p(np.exp(a))),
    (T.nnet.relu, lambda a: np.maximum(a, 0)),
]


@pytest.mark.parametrize("fn, ref", UNARY, ids=[f.__name__ for f, _ in UNARY])
def test_unary_matches_numpy(fn, ref):
    x = T.dmatrix("x")
    for data in (P, M * 3):
        with np.errstate(all="ignore"):
            expected = ref(data)
        assert_allclose(run(fn(x), [x], [data]), expected, rtol=1e-12, equal_nan=True)


def test_float_functions_on_integers_upcast_like_theano():
    i = T.ivector("i")
    assert T.exp(i).dtype == "float64"
    assert T.exp(T.bvector()).dtype == "float32"
    assert_allclose(run(T.sqrt(i), [i], [np.array([1, 4, 9], dtype=np.int32)]), [1, 2, 3])


BINARY = [
    (T.add, np.add),
    (T.sub, np.subtract),
    (T.mul, np.multiply),
    (T.true_div, np.true_divide),
    (T.maximum, np.maximum),
    (T.minimum, np.minimum),
    (T.arctan2, np.arctan2),
    (T.pow, lambda a, b: np.power(np.abs(a), b)),
]


@pytest.mark.parametrize("fn, ref", BINARY, ids=[f.__name__ for f, _ in BINARY])
def test_binary_broadcasting_matches_numpy(fn, ref):
    x = T.dmatrix("x")
    r = T.drow("r")
    v = T.dvector("v")
    row = RNG.normal(size=(1, 4))
    vec = RNG.normal(size=4)
    a = abs(x) if fn is T.pow else x
    assert_allclose(run(fn(a, r), [x, r], [M, row]), ref(M, row), rtol=1e-12)
    assert_allclose(run(fn(a, v), [x, v], [M, vec]), ref(M, vec), rtol=1e-12)
    assert_allclose(run(fn(a, 2.5), [x], [M]), ref(M, 2.5), rtol=1e-12)


def test_python_operators():
    x, y = T.dmatrices("x", "y")
    f = symopt.function([x, y], [x + y, x - y, x * y, x / y, x // y, x % y, x**2, -x, abs(x), 2 - x, 1 / x])
    out = f(M, P)
    ref = [M + P, M - P, M * P, M / P, M // P, M % P, M**2, -M, abs(M), 2 - M, 1 / M]
    for got, want in zip(out, ref):
        assert_allclose(got, want, rtol=1e-12)


def test_integer_operators_and_bitwise():
    a, b = T.ivectors("a", "b")
    va = np.array([7, -7, 12], dtype=np.int32)
    vb = np.array([2, 3, -5], dtype=np.int32)
    f = symopt.function([a, b], [a // b, a % b, a & b, a | b, a ^ b, ~a, T.invert(a)])
    out = f(va, vb)
    for got, want in zip(out, [va // vb, va % vb, va & vb, va | vb, va ^ vb, ~va, ~va]):
        assert_array_equal(got, want)
        assert got.dtype == np.int32
    assert (a / b).dtype == "float64"
    with pytest.raises(TypeError, match="integer or bool"):
        T.dvector() & T.dvector()
    with pytest.raises(TypeError, match="integer or bool"):
        ~T.dvector()


def test_comparisons_give_bool_tensors():
    x, y = T.dvectors("x", "y")
    a, b = np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])
    exprs = [x < y, x <= y, x > y, x >= y, T.eq(x, y), T.neq(x, y), T.lt(x, 2), T.ge(2, x)]
    for e in exprs:
        assert e.dtype == "bool"
    out = symopt.function([x, y], exprs)(a, b)
    ref = [a < b, a <= b, a > b, a >= b, a == b, a != b, a < 2, 2 >= a]
    for got, want in zip(out, ref):
        assert_array_equal(got, want)
    both = (x < y) & (x > 1)
    assert_array_equal(run(both, [x, y], [a, b]), (a < b) & (a > 1))
    assert_array_equal(run(~(x < y), [x, y], [a, b]), ~(a < b))


def test_switch_where_clip():
    x = T.dvector("x")
    data = np.array([-2.0, 0.5, 3.0])
    assert_allclose(run(T.switch(x > 0, x, 0), [x], [data]), np.where(data > 0, data, 0))
    assert_allclose(run(T.where(x, 1.0, -1.0), [x], [data]), np.where(data != 0, 1.0, -1.0))
    assert_allclose(run(T.clip(x, -1, 1), [x], [data]), np.clip(data, -1, 1))
    assert_allclose(run(x.clip(0, 2), [x], [data]), np.clip(data, 0, 2))


def test_cast_and_astype():
    x = T.dvector("x")
    data = np.array([1.7, -2.2])
    out = run(T.cast(x, "int32"), [x], [data])
    assert out.dtype == np.int32 and list(out) == [1, -2]
    assert x.astype("float32").dtype == "float32"
    assert T.cast(x, "float64") is x


# ---------------------------------------------------------------------------
# dtype promotion


@pytest.mark.parametrize(
    "make, dtype",
    [
        (lambda: T.fvector() + 1.5, "float32"),
        (lambda: T.fvector() * 2, "float32"),
        (lambda: T.ivector() + 1, "int32"),
        (lambda: T.bvector() + 1000, "int16"),
        (lambda: T.ivector() + 1.5, "float64"),
        (lambda: T.ivector() + T.fvector(), "float64"),
        (lambda: T.bvector() + T.wvector(), "int16"),
        (lambda: T.fvector() + T.dvector(), "float64"),
        (lambda: T.ivector() / T.ivector(), "float64"),
        (lambda: T.bvector() / 2, "float32"),
        (lambda: T.lscalar() * 2.0, "float64"),
    ],
)
def test_dtype_promotion(make, dtype):
    assert make().dtype == dtype


def test_python_scalar_keeps_float32():
    x = T.fmatrix("x")
    f = symopt.function([x], 1 / (1 + T.exp(-x)))
    out = f(np.zeros((2, 2), dtype=np.float32))
    assert out.dtype == np.float32
    assert_allclose(out, 0.5)


# ---------------------------------------------------------------------------
# reductions


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(axis, keepdims):
    x = T.dmatrix("x")
    exprs = [
        x.sum(axis=axis, keepdims=keepdims),
        x.prod(axis=axis, keepdims=keepdims),
        x.mean(axis=axis, keepdims=keepdims),
        x.max(axis=axis, keepdims=keepdims),
        x.min(axis=axis, keepdims=keepdims),
        x.var(axis=axis, keepdims=keepdims),
        x.std(axis=axis, keepdims=keepdims),
        T.sum(x, axis=axis, keepdims=keepdims),
    ]
    out = symopt.function([x], exprs)(M)
    ref = [
        M.sum(axis=axis, keepdims=keepdims),
        M.prod(axis=axis, keepdims=keepdims),
        M.mean(axis=axis, keepdims=keepdims),
        M.max(axis=axis, keepdims=keepdims),
        M.min(axis=axis, keepdims=keepdims),
        M.var(axis=axis, keepdims=keepdims),
        M.std(axis=axis, keepdims=keepdims),
        M.sum(axis=axis, keepdims=keepdims),
    ]
    for got, want in zip(out, ref):
        assert_allclose(got, want, rtol=1e-12)
        assert np.shape(got) == np.shape(want)


def test_var_ddof():
    x = T.dvector("x")
    data = np.array([1.0, 2.0, 4.0, 7.0])
    assert_allclose(run(T.var(x, ddof=1), [x], [data]), np.var(data, ddof=1))


def test_argmax_argmin_all_any():
    x = T.dmatrix("x")
    out = symopt.function(
        [x],
        [x.argmax(), x.argmax(axis=0), T.argmax(x, axis=1), x.argmin(axis=1, keepdims=True),
         (x > 0).all(axis=1), (x > 0).any(), T.all(x), T.any(x, axis=0)],
    )(M)
    ref = [M.argmax(), M.argmax(axis=0), M.argmax(axis=1), M.argmin(axis=1, keepdims=True),
           (M > 0).all(axis=1), (M > 0).any(), M.all(), M.any(axis=0)]
    for got, want in zip(out, ref):
        assert_array_equal(got, want)


def test_reduction_dtypes_follow_numpy():
    assert T.ivector().sum().dtype == "int64"
    assert T.fvector().sum().dtype == "float32"
    assert T.ivector().mean().dtype == "float64"
    assert T.bvector().max().dtype == "int8"
    assert (T.dvector() > 0).sum().dtype == "int64"
    assert T.dvector().argmax().dtype == "int64"


def test_bad_axis():
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        T.dmatrix().sum(axis=2)
    with pytest.raises(ValueError, match="repeated axis"):
        T.dmatrix().sum(axis=(0, 0))


# ---------------------------------------------------------------------------
# dot and shapes


@pytest.mark.parametrize(
    "sa, sb",
    [((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)), ((3, 4), (4, 5)), ((2, 3, 4), (4, 5)),
     ((3, 4), (2, 4, 5)), ((), (3,)), ((3, 4), ())],
)
def test_dot_matches_numpy(sa, sb):
    a = RNG.normal(size=sa)
    b = RNG.normal(size=sb)
    x = T.tensor(dtype="float64", shape=(None,) * len(sa))
    y = T.tensor(dtype="float64", shape=(None,) * len(sb))
    assert_allclose(run(T.dot(x, y), [x, y], [a, b]), np.dot(a, b), rtol=1e-12)
    assert_allclose(run(x.dot(y), [x, y], [a, b]), np.dot(a, b), rtol=1e-12)


def test_dot_static_mismatch_raises_at_build_time():
    a = T.constant(np.ones((2, 3)))
    with pytest.raises(ValueError, match="inner dimensions differ"):
        T.dot(a, T.constant(np.ones(4)))


def test_outer():
    x, y = T.dvectors("x", "y")
    a, b = np.arange(3.0), np.arange(4.0)
    assert_allclose(run(T.outer(x, y), [x, y], [a, b]), np.outer(a, b))


def test_dimshuffle_transpose():
    x = T.dmatrix("x")
    assert_allclose(run(x.T, [x], [M]), M.T)
    assert_allclose(run(x.transpose(1, 0), [x], [M]), M.T)
    e = x.dimshuffle(1, "x", 0)
    assert e.broadcastable == (False, True, False)
    assert_allclose(run(e, [x], [M]), M.T[:, None, :])
    r = T.drow("r")
    assert r.dimshuffle(1).ndim == 1
    with pytest.raises(ValueError, match="not broadcastable"):
        x.dimshuffle(0)
    with pytest.raises(ValueError, match="invalid pattern"):
        x.dimshuffle(0, 2)


def test_reshape_flatten_shape():
    x = T.dmatrix("x")
    n = T.lscalar("n")
    t = RNG.normal(size=(2, 3, 4))
    t3 = T.dtensor3("t")
    assert_allclose(run(x.reshape((4, 3)), [x], [M]), M.reshape(4, 3))
    assert_allclose(run(x.reshape((-1,)), [x], [M]), M.reshape(-1))
    assert_allclose(run(x.reshape((n, -1)), [x, n], [M, 2]), M.reshape(2, -1))
    assert_allclose(run(x.flatten(), [x], [M]), M.reshape(-1))
    assert_allclose(run(t3.flatten(2), [t3], [t]), t.reshape(2, -1))
    assert_array_equal(run(x.shape, [x], [M]), [3, 4])
    assert run(x.shape[1], [x], [M]) == 4
    assert T.constant(np.ones((2, 6))).reshape((3, -1)).type.shape == (3, 4)
    with pytest.raises(ValueError, match="cannot reshape"):
        T.constant(np.ones((2, 3))).reshape((4, 2))
    f = symopt.function([x], x.reshape((5, -1)))
    with pytest.raises(ValueError, match="cannot reshape"):
        f(M)


def test_indexing():
    x = T.dmatrix("x")
    i = T.iscalar("i")
    out = symopt.function(
        [x, i],
        [x[0], x[-1], x[1:], x[:, 1], x[::2, ::-1], x[i], x[i, -i], x[1:i], x[..., 0], x[None, 0]],
    )(M, 2)
    ref = [M[0], M[-1], M[1:], M[:, 1], M[::2, ::-1], M[2], M[2, -2], M[1:2], M[..., 0], M[None, 0]]
    for got, want in zip(out, ref):
        assert_array_equal(got, want)
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0]
    with pytest.raises(TypeError, match="integer scalar"):
        x[T.dscalar()]
    assert_array_equal(x[[0, 1]].eval({x: M}), M[[0, 1]])  # advanced indexing
    with pytest.raises(IndexError, match="out of bounds"):
        T.constant(np.ones(3))[5]
    f = symopt.function([x, i], x[i])
    with pytest.raises(IndexError, match="out of bounds"):
        f(M, 7)


def test_concatenate_stack():
    x, y = T.dmatrices("x", "y")
    a, b = T.dscalars("a", "b")
    out = symopt.function(
        [x, y, a, b],
        [T.concatenate([x, y]), T.concatenate([x, y], axis=1), T.stack([a, b]), T.stack(x, y), T.stack([x, y], axis=2)],
    )(M, P, 1.0, 2.0)
    ref = [np.concatenate([M, P]), np.concatenate([M, P], axis=1), np.array([1.0, 2.0]),
           np.stack([M, P]), np.stack([M, P], axis=2)]
    for got, want in zip(out, ref):
        assert_array_equal(got, want)
    with pytest.raises(ValueError, match="rank"):
        T.concatenate([x, T.dvector()])


def test_fill_alloc_arange_like():
    x = T.dmatrix("x")
    n = T.lscalar("n")
    out = symopt.function(
        [x, n],
        [T.zeros_like(x), T.ones_like(x), T.fill(x, 7.0), T.alloc(2.0, n, 3), T.alloc(x[0], 2, 4),
         T.arange(5), T.arange(1, n), T.arange(0.0, 1.0, 0.25), T.zeros_like(x, dtype="int32")],
    )(M, 3)
    ref = [np.zeros_like(M), np.ones_like(M), np.full_like(M, 7.0), np.full((3, 3), 2.0),
           np.broadcast_to(M[0], (2, 4)), np.arange(5), np.arange(1, 3), np.arange(0, 1, 0.25),
           np.zeros((3, 4), dtype=np.int32)]
    for got, want in zip(out, ref):
        assert_array_equal(got, want)
        assert got.dtype == want.dtype
    assert T.arange(5).type.shape == (5,)


def test_softmax_rows_sum_to_one():
    x = T.dmatrix("x")
    out = run(T.nnet.softmax(x), [x], [M * 100])
    e = np.exp(M * 100 - (M * 100).max(axis=1, keepdims=True))
    assert_allclose(out, e / e.sum(axis=1, keepdims=True), rtol=1e-12)
    assert_allclose(out.sum(axis=1), 1.0)


def test_static_broadcast_errors_at_build_time():
    with pytest.raises(ValueError, match="shape"):
        T.constant(np.ones(3)) + T.constant(np.ones(4))
    # a broadcastable dimension combines with anything
    assert (T.drow() + T.dmatrix()).type.shape == (None, None)
    assert (T.constant(np.ones((1, 4))) + T.dmatrix()).type.shape == (None, 4)


def test_runtime_broadcast_follows_theano():
    """Only dimensions of static size 1 broadcast; a run-time 1 does not."""
    x, y = T.dmatrices("x", "y")
    f = symopt.function([x, y], x + y)
    with pytest.raises(ValueError, match="dimension 0"):
        f(np.ones((1, 3)), np.ones((2, 3)))


def test_eval_and_constants():
    x = T.dscalar("x")
    assert math.isclose(float((x * 2).eval({x: 3.0})), 6.0)
    assert float(T.constant(2.0).eval()) == 2.0
    e = x + 1
    e.eval({x: 1})
    e.eval({x: 2})
    assert len(e._eval_cache) == 1
    with pytest.raises(TypeError, match="keys of inputs_to_values"):
        e.eval({"x": 1})


def test_graph_does_not_keep_uses_on_long_lived_values():
    """Detached ops leave their operands' use lists: building graphs from a shared
    variable does not make it hold on to them."""
    w = symopt.shared(np.zeros(3), name="w")
    for _ in range(10):
        _ = T.exp(w) * 2
    assert not list(w.value.uses)
