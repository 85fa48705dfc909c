"""RandomStreams: Theano 1.0's numbers bit for bit, draw-once, default updates."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import symopt
import symopt.tensor as T
from symopt import function
from symopt.tensor.shared_randomstreams import RandomStreams

MODES = ["native", "py"]


@pytest.mark.parametrize("mode", MODES)
def test_documented_values_seed_1234(mode):
    """The values printed by the seed page (seed 1234, uniform then normal)."""
    random_stream = RandomStreams(seed=1234)
    r_uniform = random_stream.uniform(size=(2, 2))
    r_normal = random_stream.normal(size=(2, 2))
    f = function([], r_uniform, mode=mode)
    g = function([], r_normal, no_default_updates=True, mode=mode)
    assert_allclose(f(), [[0.75718064, 0.1130526], [0.00607781, 0.8721389]], atol=5e-9, rtol=0)
    assert_allclose(f(), [[0.31027075, 0.24150866], [0.56740797, 0.73226671]], atol=5e-9, rtol=0)
    expected_g = [[0.42742609, 1.74049825], [-0.02169041, 1.48401086]]
    assert_allclose(g(), expected_g, atol=5e-9, rtol=0)
    assert_allclose(g(), expected_g, atol=5e-9, rtol=0)
    random_stream.seed(7777)
    assert_allclose(g(), [[-0.28277921, -0.12554144], [1.56899783, -1.10901327]], atol=5e-9, rtol=0)


@pytest.mark.parametrize("mode", MODES)
def test_tutorial_brief_example_and_state_sharing(mode):
    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    rv_n = srng.normal((2, 2))
    f = function([], rv_u, mode=mode)
    g = function([], rv_n, no_default_updates=True, mode=mode)
    nearly_zeros = function([], rv_u + rv_u - 2 * rv_u, mode=mode)
    f_val0, f_val1 = f(), f()
    assert not np.array_equal(f_val0, f_val1)
    g_val0, g_val1 = g(), g()
    assert_array_equal(g_val0, g_val1)
    assert_allclose(nearly_zeros(), np.zeros((2, 2)), atol=1e-15)

    rng_val = rv_u.rng.get_value(borrow=True)
    rng_val.seed(89234)
    rv_u.rng.set_value(rng_val, borrow=True)
    srng.seed(902340)

    state_after_v0 = rv_u.rng.get_value().get_state()
    nearly_zeros()  # advances rv_u's generator
    v1 = f()
    rng = rv_u.rng.get_value(borrow=True)
    rng.set_state(state_after_v0)
    rv_u.rng.set_value(rng, borrow=True)
    v2 = f()
    v3 = f()
    assert not np.array_equal(v2, v1)
    assert_array_equal(v3, v1)


@pytest.mark.parametrize("mode", MODES)
def test_copy_random_state_between_graphs(mode):
    """The tutorial's copy_random_state example: 0.72803009, 0.55056769, then
    0.59044123 from both graphs."""

    class Graph:
        def __init__(self, seed: int = 123):
            self.rng = RandomStreams(seed)
            self.y = self.rng.uniform(size=(1,))

    g1 = Graph(seed=123)
    f1 = function([], g1.y, mode=mode)
    g2 = Graph(seed=987)
    f2 = function([], g2.y, mode=mode)
    assert_allclose(f1(), [0.72803009], atol=5e-9, rtol=0)
    assert_allclose(f2(), [0.55056769], atol=5e-9, rtol=0)
    for su1, su2 in zip(g1.rng.state_updates, g2.rng.state_updates):
        su2[0].set_value(su1[0].get_value())
    assert_allclose(f1(), [0.59044123], atol=5e-9, rtol=0)
    assert_allclose(f2(), [0.59044123], atol=5e-9, rtol=0)


def _seeded(seed: int, index: int = 0) -> np.random.RandomState:
    """The RandomState Theano gives the index-th variable of RandomStreams(seed)."""
    seedgen = np.random.RandomState(seed)
    for _ in range(index):
        seedgen.randint(2**30)
    return np.random.RandomState(int(seedgen.randint(2**30)))


@pytest.mark.parametrize("mode", MODES)
def test_bit_exact_against_numpy(mode):
    srng = RandomStreams(seed=42)
    draws = [
        (srng.uniform((3, 4), low=-2.0, high=5.0), lambda r: r.uniform(-2.0, 5.0, (3, 4))),
        (srng.normal((5,), avg=1.0, std=3.0), lambda r: r.normal(1.0, 3.0, (5,))),
        (srng.binomial((4, 2), n=5, p=0.3), lambda r: r.binomial(5, 0.3, (4, 2))),
        (srng.random_integers((6,), low=-3, high=3), lambda r: r.randint(-3, 4, (6,))),
        (srng.poisson((3,), lam=4.0), lambda r: r.poisson(4.0, (3,))),
        (srng.choice((5,), a=7), lambda r: r.choice(7, (5,), True, None)),
        (srng.permutation((2,), n=5), lambda r: np.stack([r.permutation(5), r.permutation(5)])),
        (srng.multinomial((3,), n=10, pvals=[0.2, 0.3, 0.5]),
         lambda r: np.stack([r.multinomial(10, [0.2, 0.3, 0.5]) for _ in range(3)])),
    ]  # fmt: skip
    f = function([], [d for d, _ in draws], mode=mode)
    got = f()
    for i, ((_, ref), value) in enumerate(zip(draws, got)):
        assert_array_equal(value, ref(_seeded(42, i)))
    # a second call continues each stream
    again = f()
    for i, ((_, ref), value) in enumerate(zip(draws, again)):
        r = _seeded(42, i)
        ref(r)
        assert_array_equal(value, ref(r))


def test_symbolic_parameters_and_sizes():
    srng = RandomStreams(seed=3)
    x = T.dmatrix("x")
    low = T.dscalar("low")
    u = srng.uniform(size=x.shape, low=low, high=low + 1)
    f = function([x, low], [u, x + u])
    value, total = f(np.zeros((3, 2)), 10.0)
    assert value.shape == (3, 2)
    assert np.all((value >= 10.0) & (value < 11.0))
    assert_allclose(total, value)  # the same draw in both outputs
    assert_array_equal(value, _seeded(3).uniform(10.0, 11.0, (3, 2)))


def test_shuffle_row_elements():
    srng = RandomStreams(seed=5)
    x = T.dmatrix("x")
    f = function([x], srng.shuffle_row_elements(x))
    data = np.arange(12.0).reshape(3, 4)
    out = f(data)
    r = _seeded(5)
    assert_array_equal(out, np.stack([row[r.permutation(4)] for row in data]))
    assert_array_equal(np.sort(out, axis=1), data)


def test_no_default_updates_list_and_explicit_updates():
    srng = RandomStreams(seed=11)
    a = srng.uniform((3,))
    b = srng.uniform((3,))
    f = function([], [a, b], no_default_updates=[a.rng])
    a0, b0 = f()
    a1, b1 = f()
    assert_array_equal(a0, a1)
    assert not np.array_equal(b0, b1)
    # an explicit update of the rng overrides its default one
    g = function([], a, updates=[(a.rng, a.update[1])])
    assert_array_equal(g(), a0)
    assert not np.array_equal(g(), a0)


def test_copy_with_swapped_rng():
    srng = RandomStreams(seed=21)
    u = srng.uniform((2,))
    f = function([], u)
    other = symopt.shared(np.random.RandomState(99))
    g = f.copy(swap={u.rng: other})
    (value,) = g()
    assert_array_equal(value, np.random.RandomState(99).uniform(0.0, 1.0, (2,)))
    before = u.rng.get_value().get_state()[1].copy()
    g()
    assert_array_equal(u.rng.get_value().get_state()[1], before)


def test_rng_values_are_copies_and_checked():
    srng = RandomStreams(seed=1)
    u = srng.uniform(())
    got = u.rng.get_value()
    got.uniform()  # advancing the copy leaves the stream alone
    f = function([], u)
    assert f() == _seeded(1).uniform(0.0, 1.0, ())
    with pytest.raises(TypeError, match="RandomState"):
        u.rng.set_value(np.zeros(3))
    with pytest.raises(TypeError, match="random state"):
        function([], [], updates=[(u.rng, T.dscalar())])


def test_bad_sizes_raise():
    srng = RandomStreams(seed=1)
    with pytest.raises(ValueError, match="negative size"):
        srng.uniform((2, -1))
    with pytest.raises(TypeError, match="size"):
        srng.uniform(size="big")
    n = T.lscalar("n")
    f = function([n], srng.normal((n,)))
    assert f(3).shape == (3,)
    with pytest.raises(ValueError, match="normal"):
        f(-1)


@pytest.mark.parametrize(
    "make, mean, var",
    [
        (lambda s: s.uniform((20000,), low=1.0, high=3.0), 2.0, 1.0 / 3.0),
        (lambda s: s.normal((20000,), avg=-1.0, std=2.0), -1.0, 4.0),
        (lambda s: s.binomial((20000,), n=10, p=0.25), 2.5, 1.875),
        (lambda s: s.poisson((20000,), lam=3.0), 3.0, 3.0),
        (lambda s: s.random_integers((20000,), low=0, high=9), 4.5, 8.25),
    ],
)
def test_distribution_statistics(make, mean, var):
    value = function([], make(RandomStreams(seed=7)))()
    assert abs(value.mean() - mean) < 5 * np.sqrt(var / value.size)
    assert abs(value.var() - var) < 0.1 * var


def test_statistics_of_the_discrete_draws():
    srng = RandomStreams(seed=13)
    choice = srng.choice((20000,), a=5)
    perm = srng.permutation((50,), n=6)
    multi = srng.multinomial((400,), n=20, pvals=[0.1, 0.3, 0.6])
    c, p, m = function([], [choice, perm, multi])()
    assert set(np.unique(c)) == set(range(5))
    assert np.abs(np.bincount(c) / c.size - 0.2).max() < 0.02
    assert_array_equal(np.sort(p, axis=1), np.tile(np.arange(6), (50, 1)))
    assert_array_equal(m.sum(axis=1), np.full(400, 20))
    assert_allclose(m.mean(axis=0) / 20, [0.1, 0.3, 0.6], atol=0.02)
