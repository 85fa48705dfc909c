"""The toolkit: registering passes and dialects, plugins, custom pipelines."""

from __future__ import annotations

import runpy
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from xdsl.passes import ModulePass

import symopt
import symopt.tensor as T
from symopt.passes import available_passes, check_pipeline

ROOT = Path(__file__).parent.parent
PLUGIN = ROOT / "examples" / "custom_pass" / "fma.py"


def test_custom_pass_in_function_pipeline():
    runpy.run_path(str(PLUGIN))
    assert "fuse-mul-add" in available_passes()
    x, a, y = T.dvectors("x", "a", "y")
    f = symopt.function([x, a, y], x * a + y, pipeline="sym-opt,fuse-mul-add,cpu")
    assert "fma.fma" in f.ir("sym")
    assert "llvm.fma" in f.ir("llvm")
    np.testing.assert_array_equal(f([1.0, 2.0], [3.0, 4.0], [5.0, 6.0]), [8.0, 14.0])
    g = symopt.function([x, a, y], x * a + y, mode="py", pipeline="sym-opt,fuse-mul-add")
    np.testing.assert_array_equal(g([1.0, 2.0], [3.0, 4.0], [5.0, 6.0]), [8.0, 14.0])


def test_register_pass_checks_its_argument():
    with pytest.raises(TypeError, match="ModulePass subclass"):
        symopt.register_pass(object)  # type: ignore[arg-type]

    @dataclass(frozen=True)
    class Clash(ModulePass):
        name = "cse"

        def apply(self, ctx, op) -> None:  # type: ignore[no-untyped-def]
            pass

    with pytest.raises(ValueError, match="taken"):
        symopt.register_pass(Clash)
    with pytest.raises(TypeError, match="Dialect"):
        symopt.register_dialect("sym")  # type: ignore[arg-type]


def test_unknown_pass_names_the_closest():
    with pytest.raises(ValueError, match="unknown pass 'canonicalise'; did you mean 'canonicalize'"):
        check_pipeline("canonicalise")
    assert check_pipeline("cpu").startswith("canonicalize,sym-stabilize")


def _symopt(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symopt.tools.symopt_main", *args],
        input=stdin, capture_output=True, text=True,
    )


def test_cli_list_passes_and_load():
    out = _symopt("--list-passes")
    assert out.returncode == 0
    assert "loop-fuse" in out.stdout and "Fuse elementwise producers" in out.stdout
    assert "cpu" in out.stdout and "sym-opt,lower-cpu" in out.stdout
    loaded = _symopt("--load", str(PLUGIN), "--list-passes")
    assert "fuse-mul-add" in loaded.stdout
    missing = _symopt("--load", "/nonexistent/plugin.py", "--list-passes")
    assert missing.returncode == 1 and "cannot load plugin" in missing.stderr


def test_cli_reports_a_pass_that_breaks_the_ir(tmp_path):
    plugin = tmp_path / "breaker.py"
    plugin.write_text(
        "from dataclasses import dataclass\n"
        "from xdsl.passes import ModulePass\n"
        "import symopt\n"
        "from symopt.dialects import sym\n"
        "from symopt.dialects.types import tensor_type\n"
        "@symopt.register_pass\n"
        "@dataclass(frozen=True)\n"
        "class Breaker(ModulePass):\n"
        "    name = 'break-types'\n"
        "    def apply(self, ctx, op):\n"
        "        for o in op.walk():\n"
        "            if isinstance(o, sym.ExpOp):\n"
        "                o.results[0]._type = tensor_type('float32', (None,))\n"
    )
    source = (
        "func.func @f(%x: tensor<?xf64>) -> tensor<?xf64> {\n"
        "  %0 = sym.exp %x : tensor<?xf64>\n"
        "  func.return %0 : tensor<?xf64>\n}\n"
    )
    out = _symopt("--load", str(plugin), "-p", "break-types", stdin=source)
    assert out.returncode == 1
    assert "does not verify after pass 'break-types'" in out.stderr
    assert "Traceback" not in out.stderr


def test_saved_module_replays_what_function_did(tmp_path):
    """symopt saved.mlir -p cpu -t llvm gives the LLVM IR function compiled."""
    x = T.dmatrix("x")
    y = T.dvector("y")
    f = symopt.function([x, y], [T.nnet.sigmoid(T.dot(x, y)), (x * 2).sum(axis=0)])
    saved = tmp_path / "f.mlir"
    saved.write_text(symopt.printing.to_mlir(f))
    scf = _symopt(str(saved), "-p", "cpu")
    assert scf.returncode == 0, scf.stderr
    assert scf.stdout.strip() == f.ir("scf").strip()
    llvm = _symopt(str(saved), "-p", "cpu", "-t", "llvm")
    assert llvm.returncode == 0, llvm.stderr
    assert llvm.stdout.strip() == f.ir("llvm").strip()


def _replay_functions():  # type: ignore[no-untyped-def]
    """Functions of every kind: shared updates (in place or not), host draws,
    MRG draws, structural ops, map_index."""
    import numpy as np

    from symopt.sandbox.rng_mrg import MRG_RandomStreams
    from symopt.tensor.shared_randomstreams import RandomStreams

    x, v = T.dmatrix("x"), T.dvector("v")
    w = symopt.shared(np.zeros(3), name="w")
    srng = RandomStreams(seed=3)
    mrng = MRG_RandomStreams(seed=5)
    i = T.iscalar("i")
    return [
        symopt.function([x], x.T[1:, ::-1].reshape((-1,)), name="views"),
        symopt.function([v], v.sum(), updates=[(w, w + v)], name="update"),
        symopt.function([], srng.uniform(size=(2, 3)) + w, name="host_draws"),
        symopt.function([], mrng.uniform(size=(4,)), name="mrg"),
        symopt.function([v, i], T.concatenate([v, T.set_subtensor(v[i], 0.0)]), name="structural"),
        symopt.function([v], T.map_index(v.shape[0], lambda k: v * v[k]), name="map_index"),
    ]


@pytest.mark.parametrize("index", range(6))
def test_replay_every_kind_of_function(tmp_path, index):
    """symopt saved.mlir -p cpu -t llvm reproduces f.ir("llvm"), random draws included."""
    f = _replay_functions()[index]
    saved = tmp_path / "f.mlir"
    saved.write_text(symopt.printing.to_mlir(f))
    llvm = _symopt(str(saved), "-p", "cpu", "-t", "llvm")
    assert llvm.returncode == 0, llvm.stderr
    assert llvm.stdout.strip() == f.ir("llvm").strip()
