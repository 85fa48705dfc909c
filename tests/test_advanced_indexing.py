"""Advanced indexing as NumPy does it: integer arrays, lists and symbolic integer
vectors, several of them broadcast together, mixed with slices (the indexed
dimensions in place when adjacent, in front otherwise), boolean masks, negative
indices; ``inc_subtensor`` (repeated indices accumulate, as ``np.add.at``) and
``set_subtensor`` of such regions; gradients; out-of-range indices raise
IndexError and nothing is written.

Compiled results are compared with NumPy and with the reference executor, on
hand-picked cases and on random ones (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import symopt
import symopt.tensor as T
from symopt import function, shared
from symopt.gradient import verify_grad


def run(inputs, output, *args, **kw):
    """Compiled and reference results, which must agree."""
    native = function(inputs, output, on_unused_input="ignore", **kw)(*args)
    reference = function(inputs, output, on_unused_input="ignore", mode="py", **kw)(*args)
    assert_allclose(native, reference)
    return native


X = np.arange(60.0).reshape(3, 4, 5)


@pytest.mark.parametrize(
    "key",
    [
        ([0, 2],),
        ([[0, 1], [2, 2]],),
        (slice(None), [3, 0, -1]),
        ([0, 2], [1, 3]),
        ([0, 2], slice(1, 3), [4, -5]),  # separated: the index dimensions go first
        (slice(None), [1, 2], [0, 4]),  # adjacent: in place
        (1, [0, 3]),  # an int among arrays is a 0-d index array
        ([1, 2], 0),
        (slice(None, None, -1), [2]),
        (Ellipsis, [1, 0]),
        ([[1], [2]], [0, 3]),  # broadcast (2, 1) with (2,)
        (np.array([True, False, True]),),
        (X[..., 0] > 20,),
        (slice(1, None), np.array([True, False, True, False])),
    ],
)
def test_constant_keys_like_numpy(key):
    x = T.dtensor3("x")
    expected = X[key]
    assert_allclose(run([x], x[key], X), expected)


def test_symbolic_index_vectors_and_the_crossentropy_idiom():
    p = T.dmatrix("p")
    y = T.ivector("y")
    loss = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    pv = np.random.default_rng(0).dirichlet(np.ones(4), size=6)
    yv = np.array([0, 3, 1, 1, 2, 3], dtype=np.int32)
    expected = -np.mean(np.log(pv)[np.arange(6), yv])
    assert_allclose(run([p, y], loss, pv, yv), expected)
    g = function([p, y], T.grad(loss, p))(pv, yv)
    ge = np.zeros_like(pv)
    np.add.at(ge, (np.arange(6), yv), -1 / pv[np.arange(6), yv] / 6)
    assert_allclose(g, ge)


def test_symbolic_boolean_mask():
    x = T.dmatrix("x")
    v = np.random.default_rng(1).normal(size=(4, 5))
    assert_allclose(run([x], x[x > 0], v), v[v > 0])
    assert_allclose(run([x], x[T.gt(x[:, 0], 0)], v), v[v[:, 0] > 0])
    assert run([x], x[x > 100], v).shape == (0,)
    nz = T.nonzero(x > 0)
    for got, want in zip(run([x], list(nz), v), np.nonzero(v > 0)):
        assert_allclose(got, want)
    assert_allclose(run([x], T.nonzero(x > 0, return_matrix=True), v), np.array(np.nonzero(v > 0)))


def test_inc_subtensor_accumulates_repeated_indices():
    x = T.dvector("x")
    i = T.lvector("i")
    y = T.dvector("y")
    xv = np.zeros(5)
    iv = np.array([1, 3, 1, -1, 1])
    yv = np.arange(1.0, 6.0)
    expected = xv.copy()
    np.add.at(expected, iv, yv)
    assert_allclose(run([x, i, y], T.inc_subtensor(x[i], y), xv, iv, yv), expected)
    # set: the last write wins
    expected = xv.copy()
    expected[iv] = yv
    assert_allclose(run([x, i, y], T.set_subtensor(x[i], y), xv, iv, yv), expected)


def test_updates_of_regions_with_slices_and_broadcast_values():
    m = T.dmatrix("m")
    i = T.lvector("i")
    mv = np.arange(12.0).reshape(3, 4)
    iv = np.array([3, 0])
    expected = mv.copy()
    expected[1:, iv] += np.array([10.0, 20.0])
    assert_allclose(run([m, i], T.inc_subtensor(m[1:, i], np.array([10.0, 20.0])), mv, iv), expected)
    rows = np.array([2, 0])
    expected = mv.copy()
    expected[rows[:, None], [1, 2]] = -1.0
    assert_allclose(run([m, i], T.set_subtensor(m[i[:, None], [1, 2]], -1.0), mv, rows), expected)


def test_out_of_range_raises_and_writes_nothing():
    w = shared(np.zeros(4), name="w")
    i = T.lvector("i")
    f = function([i], [], updates=[(w, T.inc_subtensor(w[i], 1.0))])
    f([0, 0, 3])
    assert_allclose(w.get_value(), [2, 0, 0, 1])
    with pytest.raises(IndexError, match="index 4 is out of bounds for dimension 0"):
        f([1, 4])
    with pytest.raises(IndexError, match="out of bounds"):
        f([-5])
    assert_allclose(w.get_value(), [2, 0, 0, 1])
    g = function([i], w[i])
    with pytest.raises(IndexError, match="out of bounds"):
        g([9])
    with pytest.raises(IndexError, match="out of bounds"):
        function([i], w[i], mode="py")([9])
    # a constant index out of a static size fails when the graph is built
    v = T.TensorType("float64", (3,))("v")
    with pytest.raises(IndexError, match="out of bounds"):
        v[[0, 3]]


def test_index_tensors_that_do_not_broadcast():
    x = T.dmatrix("x")
    i, j = T.lvectors("i", "j")
    f = function([x, i, j], x[i, j])
    with pytest.raises(ValueError, match="index tensors"):
        f(np.zeros((3, 3)), [0, 1], [0, 1, 2])


def test_bad_index_types():
    x = T.dmatrix("x")
    with pytest.raises(IndexError, match="integer or boolean"):
        x[T.dvector()]
    with pytest.raises(IndexError, match="integer or boolean"):
        x[[0.5, 1.0]]
    with pytest.raises(IndexError, match="too many indices"):
        x[[0], [0], [0]]
    with pytest.raises(IndexError, match="newaxis"):
        x[None, [0]]


def test_gradients():
    rng = np.random.default_rng(2)
    verify_grad(lambda a: a[[0, 2, 2]], [rng.normal(size=(3, 2))], rng=rng)
    verify_grad(lambda a: a[:, [1, -1]] * a[[0, 0], [1, 2]], [rng.normal(size=(2, 3))], rng=rng)
    verify_grad(lambda a, b: T.inc_subtensor(a[[1, 1, 0]], b), [rng.normal(size=(3, 2)), rng.normal(size=(3, 2))], rng=rng)
    verify_grad(lambda a, b: T.set_subtensor(a[[2, 0]], b), [rng.normal(size=(3, 2)), rng.normal(size=(2, 2))], rng=rng)
    verify_grad(lambda a, b: T.inc_subtensor(a[1:, [0, 2]], b), [rng.normal(size=(3, 3)), rng.normal(size=(2, 2))], rng=rng)


def test_ir_has_gather_and_scatter():
    x = T.dmatrix("x")
    i = T.lvector("i")
    f = function([x, i], T.inc_subtensor(x[i], x[i, 0:1]))
    assert "sym.advanced_inc_subtensor" in f.ir("sym")
    loop_ir = f.ir("loop")
    assert "loop.gather" in loop_ir and "loop.scatter" in loop_ir


@st.composite
def _cases(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    n_parts = draw(st.integers(1, ndim))
    index_shape = tuple(draw(st.integers(0, 3)) for _ in range(draw(st.integers(1, 2))))
    key = []
    for d in range(n_parts):
        kind = draw(st.sampled_from(["array", "slice", "int"]))
        if kind == "array":
            count = int(np.prod(index_shape))
            values = draw(st.lists(st.integers(-shape[d], shape[d] - 1), min_size=count, max_size=count))
            key.append(np.array(values, dtype=np.int64).reshape(index_shape))
        elif kind == "slice":
            key.append(slice(draw(st.sampled_from([None, 0, 1])), draw(st.sampled_from([None, -1, 2])),
                             draw(st.sampled_from([None, 1, -1, 2]))))
        else:
            key.append(draw(st.integers(-shape[d], shape[d] - 1)))
    if not any(isinstance(k, np.ndarray) for k in key):
        key[0] = np.zeros(index_shape, dtype=np.int64)
    values = draw(st.integers(0, 2**31))
    return shape, tuple(key), values


@settings(max_examples=60, deadline=None)
@given(_cases())
def test_random_keys_like_numpy(case):
    shape, key, seed = case
    x = T.TensorType("float64", (None,) * len(shape))("x")
    xv = np.random.default_rng(seed).normal(size=shape)
    expected = xv[key]
    arrays = [k for k in key if isinstance(k, np.ndarray)]
    symbolic = [T.TensorType("int64", (None,) * a.ndim)(f"i{n}") for n, a in enumerate(arrays)]
    it = iter(symbolic)
    sym_key = tuple(next(it) if isinstance(k, np.ndarray) else k for k in key)
    got = run([x, *symbolic], x[sym_key], xv, *arrays)
    assert got.shape == expected.shape
    assert_allclose(got, expected)
    # and the increment of that region, with every repeated index accumulated
    inc = np.arange(expected.size, dtype=np.float64).reshape(expected.shape)
    want = xv.copy()
    np.add.at(want, key, inc)
    assert_allclose(run([x, *symbolic], T.inc_subtensor(x[sym_key], inc), xv, *arrays), want)
