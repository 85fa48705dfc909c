"""The stage interpreter (``symopt.runtime.interpret``) and bisection: each
function of a set runs, without compiling, at every stage of the pipeline (the
module after each pass) and gives the sym level's values; a deliberately broken
pass is found by ``bisect`` and ``symopt-run --bisect``; invalid buffer use that
native code would not report (a use after free, a double free, a view past its
buffer) is an error."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pytest
from xdsl.dialects import arith
from xdsl.passes import ModulePass

import symopt
import symopt.tensor as T
from symopt import function, shared
from symopt.printing import to_mlir
from symopt.runtime.interpret import InterpretError
from symopt.runtime.mlir import bisect, load


def _functions():
    x = T.dvector("x")
    m = T.dmatrix("m")
    w = shared(np.ones(3), name="w")
    b = shared(0.5, name="b")
    i = T.lvector("i")
    yield function([x, m], [(x * w).sum() + b, T.dot(m, x).max(), T.argmax(m, axis=0), m.T[1:],
                            T.nnet.sigmoid(m).mean(axis=1, keepdims=True)],
                   updates=[(w, w + x), (b, b * 2)]), [np.array([1.0, -2.0, 3.0]), np.arange(6.0).reshape(2, 3) - 2]
    yield function([m], [T.exp(m).sum(axis=0), m[:, ::-1], T.concatenate([m, m * 2], axis=0),
                         T.reshape(m, (3, 2)), T.alloc(0.5, 2, 3) + m]), [np.arange(6.0).reshape(2, 3) / 3]
    yield function([x, i], [T.set_subtensor(x[1:], 7.0), T.inc_subtensor(x[0], 2.0), T.cast(x > 0, "int32").sum(),
                            T.arange(i.shape[0]) * 2, T.max(i), T.min(T.abs_(x))]),\
        [np.array([1.0, -2.0, 3.0]), np.array([4, -1, 9])]


def _globals(f):
    return {name: var.get_value() for name, var in f._globals.items()}


def test_every_pass_keeps_the_values():
    for f, args in _functions():
        steps = bisect(to_mlir(f), args, _globals(f))
        assert steps and all(s.status in ("same", "unchecked") for s in steps), steps
        names = [s.name for s in steps if s.status == "same"]
        for stage_pass in ("convert-sym-to-loop", "loop-fuse", "loop-bufferize", "loop-inplace",
                           "loop-abi", "loop-dealloc", "convert-loop-to-scf"):
            assert stage_pass in names, steps


def test_stages_from_function_ir_agree():
    for f, args in _functions():
        g = _globals(f)
        want = load(to_mlir(f), mode="py")(args, g)
        for stage in ("loop", "bufferized", "scf"):
            got = load(f.ir(stage), mode="py")(args, g)
            for a, b in zip(want[0], got[0]):
                np.testing.assert_allclose(b, a)
            for k in want[1]:
                np.testing.assert_allclose(got[1][k], want[1][k])


@symopt.register_pass
@dataclass(frozen=True)
class BreakAddPass(ModulePass):
    """Turn every arith.addf into arith.subf (a deliberately wrong pass)."""

    name = "test-break-add"

    def apply(self, ctx, op):  # type: ignore[no-untyped-def]
        for inner in list(op.walk()):
            if isinstance(inner, arith.AddfOp):
                new = arith.SubfOp(inner.lhs, inner.rhs)
                inner.parent_block().insert_op_before(new, inner)
                inner.result.replace_all_uses_with(new.result)
                inner.detach()
                inner.erase()


PIPELINE = ("sym-opt,sym-split-host,convert-sym-to-loop,dce,loop-fuse,test-break-add,cse,dce,"
            "loop-bufferize,loop-inplace,loop-abi,loop-dealloc,convert-loop-to-scf")


def test_bisect_finds_the_broken_pass(tmp_path):
    x = T.dvector("x")
    f = function([x], (x + 1.0).sum())
    steps = bisect(to_mlir(f), [np.array([1.0, 2.0])], {}, pipeline=PIPELINE)
    assert [s.status for s in steps][-1] == "changed"
    assert steps[-1].name == "test-break-add"
    assert "output 0 differs" in steps[-1].detail
    assert all(s.status == "same" for s in steps[:-1])


def test_bisect_command_line(tmp_path):
    x = T.dvector("x")
    f = function([x], (x * 2.0).sum())
    path = tmp_path / "f.mlir"
    path.write_text(to_mlir(f))
    r = subprocess.run([sys.executable, "-m", "symopt.tools.run", str(path), "--arg", "[1, 2]", "--bisect"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert "same      loop-dealloc" in r.stdout
    assert r.stdout.strip().endswith("every checked stage computes what the sym level computes")


_SCF = """
func.func @main(%x: memref<3xf64> {symopt.dtype = "float64"}) -> (memref<3xf64> {symopt.dtype = "float64"}) attributes {symopt.abi = {args = [{role = "input", name = "x", dtype = "float64", shape = array<i64: 3>}], results = [{role = "output", name = "out0", dtype = "float64", shape = array<i64: 3>}], errors = [], err_words = 1 : i64}} {
  %t = memref.alloc() : memref<3xf64>
  %o = memref.alloc() : memref<3xf64>
  %c0 = arith.constant 0 : index
  %v = memref.load %x[%c0] : memref<3xf64>
  memref.store %v, %t[%c0] : memref<3xf64>
  BODY
  func.return %o : memref<3xf64>
}
"""


@pytest.mark.parametrize(
    "body, message",
    [
        ("memref.dealloc %t : memref<3xf64>\n  %w = memref.load %t[%c0] : memref<3xf64>", "freed"),
        ("memref.dealloc %t : memref<3xf64>\n  memref.dealloc %t : memref<3xf64>", "double free"),
        ("%c2 = arith.constant 2 : index\n  %c1 = arith.constant 1 : index\n"
         "  %bad = loop.view %t offset(%c2) sizes(%c2) strides(%c1) : memref<3xf64> -> memref<?xf64, strided<[?], offset: ?>>",
         "outside its buffer"),
    ],
)
def test_invalid_buffer_use_is_reported(body, message):
    program = load(_SCF.replace("BODY", body), mode="py")
    with pytest.raises(InterpretError, match=message):
        program([np.zeros(3)], {})


def test_checks_raise_like_native_code():
    x = T.dvector("x")
    y = T.dvector("y")
    f = function([x, y], x + y)
    for stage in ("bufferized", "scf"):
        program = load(f.ir(stage), mode="py")
        with pytest.raises(ValueError, match="shape mismatch"):
            program([np.zeros(2), np.zeros(3)], {})
