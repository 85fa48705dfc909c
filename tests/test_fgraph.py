"""``f.maker.fgraph``: the compiled sym graph, read-only, as Theano shows it."""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt.dialects import sym


@pytest.mark.parametrize("mode", ["native", "py"])
def test_fgraph_inputs_outputs_and_nodes(mode: str) -> None:
    x = T.dvector("x")
    w = symopt.shared(np.ones(3), name="w")
    f = symopt.function([x], [T.exp(x).sum(), x * 2], updates=[(w, w + x)], mode=mode)
    g = f.maker.fgraph
    assert g is f.maker.fgraph  # one view per function
    assert [v.name for v in g.inputs] == ["x", "w"]
    assert len(g.outputs) == 3  # two outputs, then w's new value
    nodes = g.toposort()
    assert set(nodes) == g.apply_nodes
    names = [n.op.name for n in nodes]
    assert "sym.exp" in names and "sym.add" in names
    position = {n: i for i, n in enumerate(nodes)}
    for n in nodes:  # each node after the nodes that make its inputs
        for v in n.inputs:
            owner = v.value.owner
            if not isinstance(owner, sym.ReadOp) and owner in {m.op for m in nodes}:
                assert position[next(m for m in nodes if m.op is owner)] < position[n]
    exp = next(n for n in nodes if n.op.name == "sym.exp")
    assert exp.inputs[0] is g.inputs[0]
    assert exp.outputs[0].ndim == 1 and exp.outputs[0].dtype == "float64"


def test_fgraph_shows_the_optimized_graph() -> None:
    x = T.dvector("x")
    f = symopt.function([x], T.exp(x) + T.exp(x))  # cse leaves one exp
    names = [n.op.name for n in f.maker.fgraph.toposort()]
    assert names.count("sym.exp") == 1
