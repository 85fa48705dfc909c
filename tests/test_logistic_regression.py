"""The tutorial's logistic regression: exact gradients, stability, and training."""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pytest

import symopt
import symopt.tensor as T

EXAMPLE = Path(__file__).parent.parent / "examples" / "logistic_regression.py"
N, FEATS = 400, 784


def _model(w0: np.ndarray, pipeline: str | None = None):
    x = T.dmatrix("x")
    y = T.dvector("y")
    w = symopt.shared(w0, name="w")
    b = symopt.shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w**2).sum()
    gw, gb = T.grad(cost, [w, b])
    kwargs = {} if pipeline is None else {"pipeline": pipeline}
    f = symopt.function([x, y], [cost, xent, gw, gb], **kwargs)
    return f


def test_gradients_match_hand_derived_numpy():
    rng = np.random.RandomState(1)
    X = rng.randn(N, FEATS)
    Y = rng.randint(size=N, low=0, high=2).astype(np.float64)
    w0 = rng.randn(FEATS) * 0.01  # nothing saturates
    cost, xent, gw, gb = _model(w0)(X, Y)

    z = X @ w0
    p = 1 / (1 + np.exp(-z))
    ref_xent = -Y * np.log(p) - (1 - Y) * np.log(1 - p)
    ref_cost = ref_xent.mean() + 0.01 * (w0**2).sum()
    ref_gw = X.T @ (p - Y) / N + 0.02 * w0
    ref_gb = np.mean(p - Y)
    np.testing.assert_allclose(cost, ref_cost, rtol=1e-10)
    np.testing.assert_allclose(xent, ref_xent, rtol=1e-10)
    np.testing.assert_allclose(gw, ref_gw, rtol=1e-10)
    np.testing.assert_allclose(gb, ref_gb, rtol=1e-10)


def test_unscaled_weights_give_finite_values_only_when_stabilized():
    """With the tutorial's unscaled weights p_1 rounds to exactly 1.0 for many
    samples (z > 37): the literal formula is infinite there, the stabilized one is
    not."""
    rng = np.random.RandomState(2)
    X = rng.randn(N, FEATS)
    Y = rng.randint(size=N, low=0, high=2).astype(np.float64)
    w0 = rng.randn(FEATS)
    with np.errstate(over="ignore"):
        p = 1 / (1 + np.exp(-(X @ w0)))
    assert np.mean(p == 1.0) > 0.05  # the problem is real: log(1 - p) = -inf

    cost, xent, gw, gb = _model(w0)(X, Y)
    assert np.isfinite(xent).all() and np.isfinite(cost)
    assert np.isfinite(gw).all() and np.isfinite(gb)
    z = X @ w0
    exact = np.where(Y == 1, np.logaddexp(0, -z), np.logaddexp(0, z))
    np.testing.assert_allclose(xent, exact, rtol=1e-12)

    _, literal_xent, _, _ = _model(w0, pipeline="cse,dce")(X, Y)
    assert not np.isfinite(literal_xent).all()


def test_verbatim_example_trains_without_nan():
    """examples/logistic_regression.py, run as it is (seed fixed): no NaN anywhere
    and at least 99% training accuracy."""
    np.random.seed(1234)
    g = runpy.run_path(str(EXAMPLE), run_name="__main__")
    w, b = g["w"].get_value(), g["b"].get_value()
    assert np.isfinite(w).all() and np.isfinite(b)
    assert not np.isnan(g["pred"]).any() and not np.isnan(g["err"]).any()
    accuracy = np.mean(g["predict"](g["D"][0]) == g["D"][1])
    assert accuracy >= 0.99
    assert g["training_steps"] == 10000
