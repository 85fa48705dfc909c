"""Errors point at the user's code: every node records the line of the program
that made it (an MLIR location, which rewrites such as CSE ignore), a failed
run-time check names the node and that line, in every executor, and
``exception_verbosity='high'`` adds the nodes made at that line with their
inputs (Theano's "Backtrace when the node is created" and its
``exception_verbosity``)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import symopt
import symopt.tensor as T


def _line() -> int:
    """The line that calls this."""
    return inspect.currentframe().f_back.f_lineno  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", ["native", "py", "gpu-emulator"])
def test_an_index_error_names_the_node_and_the_line(mode):
    x = T.dmatrix("x")
    i = T.lvector("i")
    picked, line = x[i], _line()
    f = symopt.function([x, i], picked * 2, mode=mode)
    with pytest.raises(IndexError, match=rf"index 7 is out of bounds.* at {__file__}:{line}\)"):
        f(np.zeros((3, 2)), np.array([0, 7]))


@pytest.mark.parametrize("mode", ["native", "py"])
def test_a_shape_error_names_the_line(mode):
    x = T.dmatrix("x")
    w = T.dvector("w")
    y, line = T.dot(x, w), _line()
    f = symopt.function([x, w], y, mode=mode)
    with pytest.raises(ValueError, match=rf"at {__file__}:{line}\)"):
        f(np.zeros((3, 2)), np.zeros(5))


def test_the_line_of_a_gradient_is_the_grad_call():
    x = T.dmatrix("x")
    w = T.dvector("w")
    cost = T.dot(x, w).sum()
    gw, line = T.grad(cost, w), _line()
    f = symopt.function([x, w], gw)
    with pytest.raises(ValueError, match=rf"at {__file__}:({line}|{line - 1})\)"):
        f(np.zeros((3, 2)), np.zeros(5))


def test_high_verbosity_shows_the_nodes_made_at_that_line(monkeypatch):
    monkeypatch.setattr(symopt.config, "_exception_verbosity", "high")
    x = T.dmatrix("x")
    i = T.lvector("i")
    picked, line = x[i], _line()
    f = symopt.function([x, i], picked.sum())
    with pytest.raises(IndexError) as info:
        f(np.zeros((3, 2)), np.array([9]))
    text = str(info.value)
    assert f"The nodes made at {__file__}:{line}, with their inputs:" in text
    assert "sym.advanced_subtensor" in text and "%x: tensor<?x?xf64>" in text and "%i: tensor<?xi64>" in text
    with pytest.raises(ValueError, match="exception_verbosity must be 'low' or 'high'"):
        symopt.config.exception_verbosity = "loud"


def test_locations_neither_stop_cse_nor_split_the_cache(monkeypatch, tmp_path):
    """The same expression made on two lines is computed once; the same function
    made on two lines is compiled once (the disk cache answers the second), and
    each reports its own line."""
    from symopt.runtime import native

    x = T.dvector("x")
    a = T.exp(x)
    b = T.exp(x)
    assert symopt.function([x], [a + b]).ir("sym").count("sym.exp") == 1
    monkeypatch.setattr(symopt.config, "cache_dir", str(tmp_path))
    native._CACHE.clear()
    i = T.lvector("i")
    first, first_line = symopt.function([x, i], x[i]), _line()
    native._CACHE.clear()
    j = T.lvector("i")
    second, second_line = symopt.function([x, j], x[j]), _line()
    assert second._compiled.executor.from_cache
    for f, line in ((first, first_line), (second, second_line)):
        with pytest.raises(IndexError, match=rf"at {__file__}:{line}\)"):
            f(np.zeros(2), np.array([5]))
