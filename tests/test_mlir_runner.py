"""``symopt.compile_mlir`` and ``symopt-run``: IR text at any stage made callable.

Every tutorial function goes through ``to_mlir`` and ``compile_mlir`` and must give
what the original function gives; so must the text of each later stage
(``f.ir('loop')``, ``'bufferized'``, ``'scf'``). Then bad input (text that does not
parse or verify, a missing entry, wrong arguments, unknown globals) and the
runner's command line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose

import symopt
import symopt.tensor as T
from symopt import compile_mlir, function, shared
from symopt.ifelse import ifelse
from symopt.printing import to_mlir
from symopt.runtime.mlir import MlirError, stage_of
from symopt.tensor.shared_randomstreams import RandomStreams


def _tutorial():
    """(function, arguments, globals' initial values) for the tutorial's
    functions and a few of the later ones."""
    out = []
    x, y = T.dscalars("x", "y")
    out.append((function([x, y], x + y), (2.0, 3.0)))
    a, b = T.dmatrices("a", "b")
    out.append((function([a, b], a + b), ([[1, 2], [3, 4]], [[10, 20], [30, 40]])))
    m = T.dmatrix("m")
    out.append((function([m], 1 / (1 + T.exp(-m))), ([[0, 1], [-1, -2]],)))
    diff = a - b
    out.append((function([a, b], [diff, abs(diff), diff**2]), ([[1, 1], [1, 1]], [[0, 1], [2, 3]])))
    state = shared(0, name="state")
    inc = T.iscalar("inc")
    out.append((function([inc], state, updates=[(state, state + inc)]), (3,)))
    foo = T.scalar(dtype=state.dtype)
    out.append((function([inc, foo], state * 2 + inc, givens=[(state, foo)]), (1, 3)))
    rng = np.random.RandomState(0)
    w = shared(rng.randn(5), name="w")
    bias = shared(0.0, name="b")
    xs, ys = T.dmatrix("xs"), T.dvector("ys")
    p_1 = 1 / (1 + T.exp(-T.dot(xs, w) - bias))
    xent = -ys * T.log(p_1) - (1 - ys) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w**2).sum()
    gw, gb = T.grad(cost, [w, bias])
    train = function([xs, ys], [p_1 > 0.5, xent], updates=((w, w - 0.1 * gw), (bias, bias - 0.1 * gb)))
    out.append((train, (rng.randn(4, 5), rng.randint(0, 2, 4).astype(float))))
    v = T.dvector("v")
    s, _ = symopt.scan(lambda e, acc: acc + e, sequences=v, outputs_info=T.constant(0.0))
    out.append((function([v], [s, ifelse(T.gt(v.sum(), 0), v * 2, -v)]), ([1.0, -2.0, 4.0],)))
    return out


def _globals_of(f):
    return {name: var.get_value() for name, var in f._globals.items()}


@pytest.mark.parametrize("stage", ["sym", "loop", "bufferized", "scf"])
def test_tutorial_functions_round_trip(stage):
    for f, args in _tutorial():
        initial = _globals_of(f)
        text = to_mlir(f) if stage == "sym" else f.ir(stage)
        g = compile_mlir(text, globals=initial)
        expected = f(*args)
        got = g(*args)
        for e, r in zip(expected if isinstance(expected, list) else [expected], got if isinstance(got, list) else [got]):
            assert_allclose(r, e)
        for name, var in f._globals.items():  # the same updates
            assert_allclose(g.shared[name].get_value(), var.get_value())


def test_reference_executor_and_random_streams():
    for f, args in _tutorial()[:4]:
        g = compile_mlir(to_mlir(f), mode="py")
        assert_allclose(np.asarray(g(*args), dtype=float), np.asarray(f(*args), dtype=float))
    srng = RandomStreams(seed=234)
    f = function([], srng.uniform((2, 2)))
    g = compile_mlir(to_mlir(f), globals={"shared": np.random.RandomState(5)})
    assert_allclose(g(), np.random.RandomState(5).uniform(size=(2, 2)))
    assert not np.allclose(g(), np.random.RandomState(5).uniform(size=(2, 2)))  # advanced


def test_more_tutorial_functions():
    """Defaults and keyword names (In), MRG draws: the IR has the inputs and
    the stream's state as a global, so the same arguments and state give the
    same values."""
    from symopt import In
    from symopt.sandbox.rng_mrg import MRG_RandomStreams

    x, y, w = T.dscalars("x", "y", "w")
    f = function([x, In(y, value=1), In(w, value=2, name="w_by_name")], (x + y) * w)
    g = compile_mlir(to_mlir(f))
    assert g(33, 0, 1) == f(33, 0, 1) == 33
    assert g(33, 2, 3) == f(33, w_by_name=3, y=2)
    srng = MRG_RandomStreams(seed=90)
    u = srng.uniform((2, 3))
    f = function([], u)
    initial = _globals_of(f)
    g = compile_mlir(to_mlir(f), globals=initial)
    assert_allclose(g(), f())
    assert_allclose(g(), f())  # both streams advanced alike


def test_stage_detection():
    x = T.dvector("x")
    f = function([x], T.exp(x).sum())
    from symopt.dialects.context import parse_module

    def stage(text):
        (func,) = [op for op in parse_module(text).ops if op.name == "func.func"]
        return stage_of(func)

    assert stage(to_mlir(f)) == "sym"
    assert stage(f.ir("loop")) == "loop"
    assert stage(f.ir("bufferized")) in ("abi", "dealloc")
    assert stage(f.ir("scf")) == "scf"


def test_globals_and_arguments_are_checked():
    text = """
    sym.global @w : tensor<3xf64>
    func.func @main(%x: tensor<3xf64>) -> tensor<f64> {
      %w = sym.read @w : tensor<3xf64>
      %p = sym.mul %x, %w : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
      %s = sym.reduce "sum" %p axes = array<i64: 0> : tensor<3xf64> -> tensor<f64>
      sym.write @w, %p : tensor<3xf64>
      func.return %s : tensor<f64>
    }"""
    f = compile_mlir(text, globals={"w": [1.0, 2.0, 3.0]})
    assert f([1.0, 1.0, 1.0]) == 6.0
    assert_allclose(f.shared["w"].get_value(), [1, 2, 3])
    with pytest.raises((TypeError, ValueError), match="size|shape"):
        f([1.0, 1.0])  # the static size 3 is checked
    with pytest.raises(TypeError):
        f("text")
    with pytest.raises(TypeError, match="argument"):
        f()
    assert_allclose(f.shared["w"].get_value(), [1, 2, 3])  # failed calls commit nothing
    assert compile_mlir(text)([1.0, 1.0, 1.0]) == 0.0  # zeros by default
    with pytest.raises(ValueError, match="no global named v"):
        compile_mlir(text, globals={"v": [1.0]})
    with pytest.raises(TypeError, match="global @w"):
        compile_mlir(text, globals={"w": [1.0, 2.0]})


def test_bad_ir():
    with pytest.raises(MlirError, match="parse error"):
        compile_mlir("func.func @main( {")
    with pytest.raises(MlirError, match="invalid IR"):
        compile_mlir("""func.func @main(%a: tensor<3xf64>, %b: tensor<4xf64>) -> tensor<3xf64> {
          %0 = sym.add %a, %b : (tensor<3xf64>, tensor<4xf64>) -> tensor<3xf64>
          func.return %0 : tensor<3xf64>
        }""")
    two = """func.func @f(%a: tensor<f64>) -> tensor<f64> {
      func.return %a : tensor<f64>
    }
    func.func @g(%a: tensor<f64>) -> tensor<f64> {
      %0 = sym.neg %a : tensor<f64>
      func.return %0 : tensor<f64>
    }"""
    with pytest.raises(MlirError, match="no entry function @main; the module has @f, @g"):
        compile_mlir(two)
    assert compile_mlir(two, entry="g")(2.0) == -2.0
    with pytest.raises(MlirError, match="cannot read"):
        compile_mlir("/nonexistent/file.mlir")
    x = T.dvector("x")
    f = function([x], T.exp(x))
    # below the sym level, mode="py" is the stage interpreter
    assert_allclose(compile_mlir(f.ir("scf"), mode="py")([0.0, 1.0]), [1.0, np.e])


def test_from_a_file(tmp_path):
    x = T.dvector("x")
    f = function([x], T.exp(x))
    path = tmp_path / "f.mlir"
    path.write_text(to_mlir(f))
    assert_allclose(compile_mlir(path)([0.0, 1.0]), [1.0, np.e])
    assert_allclose(compile_mlir(str(path))([0.0]), [1.0])


def _run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "symopt.tools.run", *args],
        input=stdin, capture_output=True, text=True, check=False,
    )


def test_runner_command_line(tmp_path):
    x = T.dvector("x")
    w = shared(np.ones(2), name="w")
    f = function([x], (x * w).sum(), updates=[(w, w + x)])
    path = tmp_path / "f.mlir"
    path.write_text(f.ir("scf"))
    r = _run(str(path), "--arg", "[1, 2]", "--global", "w=[1.0, 1.0]")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["3.0", "@w = [2. 3.]"]
    np.save(tmp_path / "x.npy", np.array([3.0, 4.0]))
    r = _run(str(path), "--arg", f"@{tmp_path / 'x.npy'}", "--global", "w=[0.0, 0.0]",
             "--out", str(tmp_path / "out"), "--repeat", "3")
    assert r.returncode == 0, r.stderr
    assert np.load(tmp_path / "out" / "out0.npy") == 0.0
    assert_allclose(np.load(tmp_path / "out" / "@w.npy"), [3.0, 4.0])
    assert "per call (3 calls)" in r.stderr
    r = _run("-", "--arg", "[1, 2]", "--global", "w=[2, 2]", stdin=to_mlir(f))
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "6.0", r.stderr
    for bad in (["--arg", "[1, 2, 3]"], [], ["--arg", "oops"], ["--arg", "[1,2]", "--global", "v=[1]"],
                ["--arg", "[1,2]", "--mode", "cuda"], ["--arg", "[1,2]", "--entry", "nope"]):
        r = _run(str(path), *bad)
        assert r.returncode == 1, (bad, r.stdout)
        assert r.stderr.startswith("symopt-run: error:") and len(r.stderr.strip().splitlines()) == 1, r.stderr
