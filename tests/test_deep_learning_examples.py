"""The deep-learning examples (logistic SGD, MLP, LeNet) run briefly on a small
generated dataset: the training loss falls and the test accuracy is well above
chance (10 %)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples" / "deep_learning"


@pytest.fixture(scope="module", autouse=True)
def _on_path():
    sys.path.insert(0, str(EXAMPLES))
    yield
    sys.path.remove(str(EXAMPLES))


@pytest.mark.parametrize("name, epochs, floor", [("logistic_sgd", 4, 0.25), ("mlp", 4, 0.3), ("lenet", 4, 0.2)])
def test_example_learns(name, epochs, floor, capsys):
    module = importlib.import_module(name)
    accuracy, history = module.main(["--quick", "--epochs", str(epochs)])
    out = capsys.readouterr().out
    assert "test accuracy" in out and out.count("epoch") >= epochs
    assert history[-1] < history[0]
    assert accuracy > floor


def test_digits_are_deterministic_and_balanced():
    digits = importlib.import_module("digits")
    x1, y1 = digits.make(50, seed=3)
    x2, y2 = digits.make(50, seed=3)
    assert (x1 == x2).all() and (y1 == y2).all()
    assert x1.shape == (50, 784) and x1.min() >= 0 and x1.max() <= 1
    assert sorted(set(y1.tolist())) == list(range(10))
