"""``symopt.printing``: ``debugprint`` and ``pp`` in Theano's formats, on user
graphs and on compiled functions (the optimized graph, fused kernels as one node
saying what they compute, updates), and ``pydotprint`` / ``_repr_svg_`` drawing
with Graphviz (an SVG holding every op; the ``.dot`` text without ``dot``)."""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt.printing import debugprint, pp, pydotprint

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def test_debugprint_of_a_variable():
    x, y = T.dscalars("x", "y")
    z = x * 2 + y
    assert debugprint(z, file="str") == (
        "sym.add [id A] ''\n"
        " |sym.mul [id B] ''\n"
        " | |x [id C]\n"
        " | |TensorConstant{2.0} [id D]\n"
        " |y [id E]"
    )
    s = x * y
    s.name = "s"
    text = debugprint([s + s, s], file="str", ids="int", print_type=True)
    lines = text.splitlines()
    assert lines[0] == "sym.add [id 0] <TensorType(float64, ())> ''"
    assert lines[1] == " |sym.mul [id 1] <TensorType(float64, ())> 's'"
    assert lines[4] == " |sym.mul [id 1] <TensorType(float64, ())> 's'"  # seen: no operands again
    assert lines[5] == "sym.mul [id 1] <TensorType(float64, ())> 's'"
    # one level: the product's operands are not printed (y gets the next tag)
    assert debugprint(z, file="str", depth=1).splitlines() == [
        "sym.add [id A] ''", " |sym.mul [id B] ''", " |y [id C]"
    ]
    stream = io.StringIO()
    assert debugprint(z, file=stream) is stream
    assert stream.getvalue().startswith("sym.add [id A]")
    with pytest.raises(TypeError, match="symbolic variable"):
        debugprint(3)


def test_debugprint_of_a_function():
    x = T.dmatrix("x")
    w = symopt.shared(np.ones(3), name="w")
    b = symopt.shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    f = symopt.function([x], p_1 > 0.5, updates=[(b, b - p_1.mean())])
    text = debugprint(f, file="str")
    lines = text.splitlines()
    assert lines[0].startswith("loop.map{")  # the fused kernel, one node
    assert "exp(" in lines[0] and "> 0.5" in lines[0]
    assert lines[0].rstrip()[-1].isdigit()  # its place in the schedule
    assert " |loop.dot [id B]" in text and " | |x [id C]" in text and " | |w [id D]" in text
    assert "Update b:" in text and "loop.reduce{mean" in text
    sym_text = debugprint(f, file="str", stage="sym")
    assert "sym.sigmoid" in sym_text and "sym.dot" in sym_text


def test_pp():
    x, y = T.dscalars("x", "y")
    assert pp(x**2 + y) == "((x ** TensorConstant{2.0}) + y)"
    m = T.dmatrix("m")
    assert pp(T.exp(-m.T).sum(axis=0)) == "sum(exp((-m.T)), axis=[0])"
    s = x * y
    s.name = "s"
    assert pp(s + 1) == "(s + TensorConstant{1.0})"
    assert pp(T.lt(x, y)) == "(x < y)"
    b = symopt.shared(0.0, name="b")
    f = symopt.function([x], x + b, updates=[(b, b + x)])
    assert pp(f).splitlines() == ["(x + b)", "b <- (b + x)"]


@needs_dot
def test_pydotprint_renders_every_op(tmp_path):
    x = T.dmatrix("x")
    w = symopt.shared(np.ones(3), name="w")
    y = T.tanh(T.dot(x, w)) * 2
    f = symopt.function([x], y, updates=[(w, w + 1)])
    path = tmp_path / "g.svg"
    pydotprint(f, str(path), format="svg", print_output_file=False)
    svg = path.read_text()
    assert svg.lstrip().startswith("<?xml")
    for name in ("sym.dot", "sym.tanh", "sym.mul", "output 0", "update w", ">x<", ">w<"):
        assert name in svg, name
    loop_svg = pydotprint(f, format="svg", stage="loop", return_image=True).decode()
    assert "cluster" in loop_svg and "loop.map" in loop_svg and "math.tanh" in loop_svg
    png = pydotprint(y, format="png", return_image=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = f._repr_svg_()
    assert svg is not None and "loop.dot" in svg


def test_pydotprint_without_dot_writes_the_dot_text(tmp_path, monkeypatch, capsys):
    import symopt.runtime.drawing as drawing

    monkeypatch.setattr(drawing.shutil, "which", lambda name: None)
    x = T.dvector("x")
    path = tmp_path / "g.png"
    pydotprint(T.exp(x), str(path))
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "dot program is not installed" in err
    dot = (tmp_path / "g.dot").read_text()
    assert dot.startswith("digraph G {") and "sym.exp" in dot
    assert symopt.function([x], T.exp(x))._repr_svg_() is None
