"""MRG_RandomStreams: L'Ecuyer's known answers, Theano's stream layout, statistics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import symopt
from symopt.sandbox.rng_mrg import MRG_RandomStreams, guess_n_streams

REFERENCE = Path(__file__).parent / "data" / "samples_MRG31k3p_12_7_5.txt"
MODES = ["native", "py"]


@pytest.mark.parametrize("mode", MODES)
def test_known_answers(mode):
    """Seed 12345; 12 variables uniform(size=(7,), nstreams=7), each called 5 times;
    per variable the 5 x 7 draws transposed and flattened (Theano's test layout)."""
    reference = np.loadtxt(REFERENCE)
    rng = MRG_RandomStreams(seed=12345)
    blocks = []
    for _ in range(12):
        u = rng.uniform(size=(7,), nstreams=7)
        f = symopt.function([], u, mode=mode)
        blocks.append(np.array([f() for _ in range(5)]).T.reshape(-1))
    np.testing.assert_array_equal(np.concatenate(blocks), reference)


@pytest.mark.parametrize("mode", MODES)
def test_streams_interleave_and_reseed(mode):
    rng = MRG_RandomStreams(seed=42)
    u = rng.uniform(size=(4, 5), nstreams=3)
    f = symopt.function([], u, mode=mode)
    first = f()
    # element i comes from stream i % 3: a 3-stream draw of 20 restarted by seed()
    rng.seed(42)
    again = f()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(f(), first)


def test_native_and_reference_agree_on_every_distribution():
    results = []
    for mode in MODES:
        rng = MRG_RandomStreams(seed=(1, 2, 3, 4, 5, 6))
        outs = [
            rng.uniform((50,), low=-1.0, high=3.0),
            rng.uniform((2, 3), dtype="float32"),
            rng.normal((7,), avg=2.0, std=0.5),
            rng.normal((2, 2)),
            rng.binomial((9,), p=0.4),
        ]
        results.append(symopt.function([], outs, mode=mode)())
    for native, reference in zip(*results):
        assert native.dtype == reference.dtype
        if native.dtype.kind == "f":
            # the same draws; normal's log and cos may be SIMD versions (a few ulp)
            np.testing.assert_allclose(native, reference, rtol=16 * np.finfo(native.dtype).eps, atol=0)
        else:
            np.testing.assert_array_equal(native, reference)


def test_default_number_of_streams():
    assert guess_n_streams((2, 3)) == 6
    assert guess_n_streams((100, 100)) == 10000 // 6
    assert guess_n_streams((1000, 1000)) == 60 * 256
    rng = MRG_RandomStreams(seed=1)
    rng.uniform((5, 6))
    (state, _new, _size, _n) = rng.state_updates[0]
    assert state.get_value().shape == (5, 6)  # 30 // 6 streams of 6 words


def test_statistics():
    rng = MRG_RandomStreams(seed=7)
    u, n, b = symopt.function(
        [], [rng.uniform((20000,)), rng.normal((20001,), avg=1.0, std=2.0), rng.binomial((20000,), p=0.3)]
    )()
    assert 0.0 < u.min() and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005
    assert n.shape == (20001,)
    assert abs(n.mean() - 1.0) < 0.05 and abs(n.std() - 2.0) < 0.05
    assert b.dtype == np.int64 and abs(b.mean() - 0.3) < 0.02
    f32 = symopt.function([], rng.uniform((10000,), dtype="float32"))()
    assert f32.dtype == np.float32 and 0.0 < f32.min() and f32.max() < 1.0


def test_copy_random_state_with_mrg():
    """The tutorial's copy_random_state with MRG streams: copy rstate and the
    states, and both graphs give the same numbers."""

    class Graph:
        def __init__(self, seed: int):
            self.rng = MRG_RandomStreams(seed)
            self.y = self.rng.uniform(size=(1,))

    g1, g2 = Graph(123), Graph(987)
    f1, f2 = symopt.function([], g1.y), symopt.function([], g2.y)
    assert f1()[0] != f2()[0]
    g2.rng.rstate = g1.rng.rstate
    for su1, su2 in zip(g1.rng.state_updates, g2.rng.state_updates):
        su2[0].set_value(su1[0].get_value())
    np.testing.assert_array_equal(f1(), f2())


def test_bad_seeds_and_sizes():
    with pytest.raises(ValueError, match="should not be 0"):
        MRG_RandomStreams(seed=0)
    with pytest.raises(ValueError, match="first 3 values"):
        MRG_RandomStreams(seed=(0, 0, 0, 1, 1, 1))
    with pytest.raises(TypeError, match="1 integer or 6 integers"):
        MRG_RandomStreams(seed=(1, 2))
    rng = MRG_RandomStreams()
    with pytest.raises(ValueError, match="<= 0"):
        rng.uniform((2, 0))
    with pytest.raises(TypeError, match="size"):
        rng.uniform([2, 2])
    with pytest.raises(NotImplementedError, match="n > 1"):
        rng.binomial((2,), n=3)


@pytest.mark.parametrize("mode", MODES)
def test_multinomial(mode):
    rng = MRG_RandomStreams(seed=5)
    pvals = np.array([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]])
    counts = symopt.function([], rng.multinomial(pvals=pvals, n=2000), mode=mode)()
    assert counts.dtype == np.int64 and counts.shape == (2, 3)
    np.testing.assert_array_equal(counts.sum(axis=1), [2000, 2000])
    assert np.abs(counts / 2000 - pvals).max() < 0.05
    with pytest.raises(ValueError, match="size"):
        rng.multinomial(size=(2,), pvals=pvals)


def test_multinomial_native_matches_reference():
    results = []
    for mode in MODES:
        rng = MRG_RandomStreams(seed=9)
        z = rng.multinomial(pvals=np.array([[0.1, 0.6, 0.3]] * 4), n=7)
        results.append(symopt.function([], z, mode=mode)())
    np.testing.assert_array_equal(*results)
