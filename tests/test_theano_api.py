"""Behaviour that follows Theano 1.0 where an earlier version differed."""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt import In, Param, UnusedInputError, function
from symopt.tensor.shared_randomstreams import RandomStreams

MODES = ["native", "py"]


def test_copy_is_named_after_the_original() -> None:
    x = T.dscalar("x")
    f = function([x], x + 1, name="inc")
    assert f.copy().name == "inc copy"
    assert f.copy(name="other").name == "other"
    assert function([x], x + 1).copy().name is None


@pytest.mark.parametrize("mode", MODES)
def test_default_may_precede_required_inputs(mode: str) -> None:
    x, s = T.dscalars("x", "s")
    a = T.dscalar("a")
    f = function([x, In(a, value=1.0), s], a / s + x, mode=mode)
    assert f(9, 2, 4) == 9.5
    assert f(9, s=4) == 9.25
    assert f(x=9, s=4) == 9.25
    with pytest.raises(TypeError, match="'s'"):
        f(9)
    with pytest.raises(TypeError, match="'x'"):
        f(s=4)
    g = function([Param(x, default=1.0), s], x + s, mode=mode)
    assert g(s=2) == 3.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("as_dict", [True, False])
def test_copy_without_updates_updates_nothing(mode: str, as_dict: bool) -> None:
    z = symopt.shared(np.float32(1.0), name="z")
    a = T.fscalar("a")
    updates = {z: z * 2} if as_dict else [(z, z * 2)]
    f = function([a], a + z, updates=updates, mode=mode)
    g = f.copy(delete_updates=True)
    for _ in range(3):
        np.testing.assert_allclose(g(np.float32(1.0)), [2.0])
    assert z.get_value() == 1.0
    f(np.float32(1.0))
    assert z.get_value() == 2.0
    np.testing.assert_allclose(g(np.float32(1.0)), [3.0])
    assert z.get_value() == 2.0


@pytest.mark.parametrize("mode", MODES)
def test_copy_swap_reaches_shared_variables_in_givens(mode: str) -> None:
    rng = np.random.RandomState(3)
    train_x = symopt.shared(rng.randn(5, 3), name="train_x")
    train_y = symopt.shared(rng.randn(5), name="train_y")
    test_x = symopt.shared(rng.randn(5, 3), name="test_x")
    test_y = symopt.shared(rng.randn(5), name="test_y")
    w = symopt.shared(np.arange(3.0), name="w")
    i = T.lscalar("i")
    x, y = T.dvector("x"), T.dscalar("y")
    cost = (T.dot(x, w) - y) ** 2
    f = function([i], cost, givens={x: train_x[i], y: train_y[i]}, mode=mode)
    g = f.copy(swap={train_x: test_x, train_y: test_y})
    direct = function([i], cost, givens={x: test_x[i], y: test_y[i]}, mode=mode)
    for k in range(5):
        assert g(k) == direct(k)
        assert f(k) == (train_x.get_value()[k] @ np.arange(3.0) - train_y.get_value()[k]) ** 2


def test_givens_may_not_replace_an_input() -> None:
    x, y = T.dscalars("x", "y")
    with pytest.raises(ValueError, match="input of the function.*givens=\\{x: g\\(y\\)\\}"):
        function([x], x * 2, givens={x: y + 1})


def test_unused_input_is_judged_on_the_user_graph() -> None:
    v = T.iscalar("v")
    f = function([v], T.gt(T.argmax(v), T.expm1(T.argmax(v))))
    assert bool(f(3)) is False
    w = T.iscalar("w")
    with pytest.raises(UnusedInputError):
        function([v, w], v + 1)


@pytest.mark.parametrize("mode", MODES)
def test_random_parameters_set_the_shape(mode: str) -> None:
    low = T.dvector("low")
    srng = RandomStreams(seed=234)
    u = srng.uniform(low=low, high=1)
    assert u.ndim == 1
    f = function([low], u, mode=mode)
    lows = np.array([0.0, 0.25, 0.5, -1.0])
    got = f(lows)
    assert got.shape == (4,)
    assert np.all(got >= lows) and np.all(got < 1)
    stream = np.random.RandomState(int(np.random.RandomState(234).randint(2**30)))
    np.testing.assert_array_equal(got, stream.uniform(low=lows, high=1))
    np.testing.assert_array_equal(f(lows), stream.uniform(low=lows, high=1))
    s = srng.uniform()
    assert s.ndim == 0
    n = srng.normal(avg=T.dmatrix("m"), std=2.0)
    assert n.ndim == 2
