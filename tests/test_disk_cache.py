"""The compilation cache on disk: reuse across processes, and robustness."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt.runtime import cache

PROGRAM = textwrap.dedent(
    """
    import json, sys, numpy as np, symopt, symopt.tensor as T
    from symopt.tensor.shared_randomstreams import RandomStreams
    x = T.dmatrix("x")
    w = symopt.shared(np.arange(6.0).reshape(3, 2), name="w")
    srng = RandomStreams(seed=7)
    f = symopt.function([x], [T.tanh(T.dot(x, w)).sum(), srng.uniform((2,))],
                        updates=[(w, w * 0.5)])
    out = [f(np.ones((4, 3))) for _ in range(2)]
    print(json.dumps({"cached": f._compiled.executor.from_cache,
                      "values": [[float(a.sum()) for a in o] for o in out],
                      "w": w.get_value().tolist(),
                      "llvm": 'define i32' in f.ir("llvm")}))
    """
)


def _run(cache_dir: Path | str, program: str = PROGRAM) -> dict:  # type: ignore[type-arg]
    import json

    env = {**os.environ, "SYMOPT_CACHE_DIR": str(cache_dir)}
    out = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["stderr"] = out.stderr
    return result


def _functions(directory: Path) -> list[Path]:
    """The entries of compiled functions (the runtime module has one of its own)."""
    return [p for p in directory.glob("*.symopt") if not p.name.startswith("runtime-")]


def test_second_process_loads_the_compiled_code(tmp_path):
    first = _run(tmp_path)
    second = _run(tmp_path)
    assert first["cached"] is False
    assert second["cached"] is True
    assert first["values"] == second["values"]  # random draws and updates included
    assert first["w"] == second["w"]
    assert second["llvm"]
    assert len(_functions(tmp_path)) == 1
    assert len(list(tmp_path.glob("runtime-*.symopt"))) == 1


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty"])
def test_damaged_entry_is_recompiled_with_a_warning(tmp_path, damage):
    reference = _run(tmp_path)
    (entry,) = _functions(tmp_path)
    data = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        entry.write_bytes(os.urandom(len(data)))
    elif damage == "flip":
        entry.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    else:
        entry.write_bytes(b"")
    again = _run(tmp_path)
    assert again["cached"] is False
    assert again["values"] == reference["values"]
    assert "unusable cache entry" in again["stderr"]
    assert _run(tmp_path)["cached"] is True  # replaced by a good entry


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_directory_falls_back_to_memory(tmp_path):
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = _run(tmp_path)
    finally:
        tmp_path.chmod(stat.S_IRWXU)
    assert result["cached"] is False
    assert result["stderr"].count("cannot write the compilation cache") == 1


def test_unwritable_location_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = _run(blocker / "cache")
    assert result["cached"] is False
    assert result["stderr"].count("cannot write the compilation cache") == 1


def test_cache_off(tmp_path, monkeypatch):
    result = _run("")
    assert result["cached"] is False
    monkeypatch.setattr(symopt.config, "cache_dir", "")
    assert cache.directory() is None
    assert cache.key("x", "cpu") is None


def test_processes_compiling_at_once_all_succeed(tmp_path):
    env = {**os.environ, "SYMOPT_CACHE_DIR": str(tmp_path)}
    procs = [
        subprocess.Popen([sys.executable, "-c", PROGRAM], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    assert len({o[0].strip().splitlines()[-1] for o in outs}) in (1, 2)  # only "cached" may differ
    assert len(_functions(tmp_path)) == 1
    assert not list(tmp_path.glob(".*.tmp"))


def test_key_depends_on_graph_and_pipeline():
    assert cache.key("a", "cpu") != cache.key("b", "cpu")
    assert cache.key("a", "cpu") != cache.key("a", "sym-opt")
    assert cache.key("a", "cpu") == cache.key("a", "cpu")


def test_in_process_hit_and_clear(tmp_path, monkeypatch):
    monkeypatch.setattr(symopt.config, "cache_dir", str(tmp_path))
    x = T.dvector("x")
    f = symopt.function([x], T.exp(x) * 3.25 + 0.5)
    assert f._compiled.executor.from_cache is False
    from symopt.runtime import native

    native._CACHE.clear()  # the in-memory cache would answer first
    g = symopt.function([x], T.exp(x) * 3.25 + 0.5)
    assert g._compiled.executor.from_cache is True
    np.testing.assert_array_equal(g(np.arange(3.0)), np.exp(np.arange(3.0)) * 3.25 + 0.5)
    assert "define" in g.ir("llvm") and g._compiled.executor.optimized_ir
    assert len(_functions(tmp_path)) == 1
    # the runtime's entry too, if it was made here, and each entry's library
    entries = len(list(tmp_path.glob("*.symopt"))) + len(list(tmp_path.glob("*.so")))
    assert cache.clear() == entries
    assert not list(tmp_path.glob("*.symopt"))


def test_clear_cache_command(tmp_path):
    _run(tmp_path)
    env = {**os.environ, "SYMOPT_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "symopt.tools.symopt_main", "--clear-cache"], env=env, check=False,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    # the function's entry and the runtime's, each with its library
    assert "removed 4 files" in out.stdout
    assert not list(tmp_path.glob("*.symopt"))


WARM = textwrap.dedent(
    """
    import json, sys, numpy as np, symopt, symopt.tensor as T
    x, y = T.dmatrix("x"), T.dvector("y")
    w = symopt.shared(np.linspace(-1.0, 1.0, 3), name="w")
    p = 1 / (1 + T.exp(-T.dot(x, w)))
    cost = (-y * T.log(p) - (1 - y) * T.log(1 - p)).mean()
    f = symopt.function([x, y], [p, cost], updates=[(w, w - 0.1 * T.grad(cost, w))])
    big = symopt.function([x], T.tanh(x) * 2.0)
    data = np.arange(12.0).reshape(4, 3) / 10
    out = [f(data, np.array([0.0, 1.0, 1.0, 0.0])) for _ in range(3)]
    large = big(np.ones((300, 300)))  # wrapped where it lies, not copied
    print(json.dumps({"cached": f._compiled.executor.from_cache,
                      "library": f._compiled.executor._code.handle is not None,
                      "llvm": "llvmlite.binding" in sys.modules,
                      "values": [[a.tolist() for a in o] for o in out] + [float(large.sum())],
                      "w": w.get_value().tolist()}))
    """
)


def _libraries(directory: Path) -> list[Path]:
    return [p for p in directory.glob("*.so") if not p.name.startswith("runtime-")]


def test_warm_process_opens_libraries_without_llvm(tmp_path):
    """With a linker, each entry gets a shared library; a process that finds all
    its code in the cache opens the libraries and never imports LLVM."""
    if cache._linker() is None:
        pytest.skip("no linker (ld) here")
    cold, warm = _run(tmp_path, WARM), _run(tmp_path, WARM)
    assert (cold["cached"], warm["cached"]) == (False, True)
    assert cold["library"] and warm["library"]
    assert cold["llvm"] and not warm["llvm"]
    assert warm["values"] == cold["values"] and warm["w"] == cold["w"]
    assert len(_libraries(tmp_path)) == 2 and len(list(tmp_path.glob("runtime-*.so"))) == 1
    for library in tmp_path.glob("*.so"):
        # position-independent code whose only undefined symbols are the C
        # library's (everything else comes through imports)
        undefined = subprocess.run(["nm", "-D", "--undefined-only", str(library)], capture_output=True, text=True,
                                   check=False).stdout  # fmt: skip
        names = {line.split()[-1].split("@")[0] for line in undefined.splitlines() if line.strip()}
        assert not {n for n in names if n.startswith(("Py", "_Py", "symopt_"))}, names
        # and whose references to what it defines bind to its own definitions
        relocations = subprocess.run(["readelf", "-rW", str(library)], capture_output=True, text=True,
                                     check=False).stdout  # fmt: skip
        assert "GLOB_DAT" in relocations or "JUMP_SLOT" in relocations  # (the C library's)
        assert "symopt." not in relocations, relocations


def test_without_a_linker_the_object_code_is_linked_by_llvm(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMOPT_LINKER", "")
    cold, warm = _run(tmp_path, WARM), _run(tmp_path, WARM)
    assert (cold["cached"], warm["cached"]) == (False, True)
    assert not cold["library"] and not warm["library"] and warm["llvm"]
    assert not list(tmp_path.glob("*.so"))
    monkeypatch.delenv("SYMOPT_LINKER")
    if cache._linker() is not None:
        # a linker found later: the entries get their libraries on the next hit
        upgraded = _run(tmp_path, WARM)
        assert upgraded["cached"] and upgraded["library"] and upgraded["values"] == cold["values"]
        assert len(_libraries(tmp_path)) == 2


@pytest.mark.parametrize("damage", ["flip", "truncate", "remove"])
def test_damaged_library_is_linked_again(tmp_path, damage):
    if cache._linker() is None:
        pytest.skip("no linker (ld) here")
    reference = _run(tmp_path, WARM)
    for library in tmp_path.glob("*.so"):
        data = library.read_bytes()
        if damage == "flip":
            library.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
        elif damage == "truncate":
            library.write_bytes(data[: len(data) // 3])
        else:
            library.unlink()
    again = _run(tmp_path, WARM)
    assert again["cached"] and again["library"] and again["values"] == reference["values"]
    assert ("altered; relinking" in again["stderr"]) == (damage != "remove")
    healed = _run(tmp_path, WARM)
    assert healed["library"] and not healed["llvm"] and "altered" not in healed["stderr"]


def test_large_result_outlives_its_function(tmp_path, monkeypatch):
    """A large result's buffer is given back by the runtime's capsule destructor,
    not by the code of the function that made it, which may be unloaded first."""
    import gc
    import weakref

    from symopt.runtime import native

    monkeypatch.setattr(symopt.config, "cache_dir", str(tmp_path))
    x = T.dmatrix("x")
    f = symopt.function([x], T.sin(x) + 7.5)
    result = f(np.zeros((200, 200)))
    assert type(result.base).__name__ == "PyCapsule"
    executor = weakref.ref(f._compiled.executor)
    native._CACHE.clear()
    del f
    gc.collect()
    assert executor() is None  # its code is unloaded
    np.testing.assert_array_equal(result, 7.5)
    del result
    gc.collect()  # the destructor runs: no crash


def test_unknown_import_is_an_error():
    from symopt.runtime import native

    with pytest.raises(ValueError, match="imports 'symopt_nonesuch'"):
        native._import_address("symopt_nonesuch")


NAMED = textwrap.dedent(
    """
    import json, sys, numpy as np, symopt, symopt.tensor as T
    x = T.dvector("x")
    out = {}
    for name in sys.argv[1:]:
        f = symopt.function([x], [T.exp(x).sum(), T.exp(x) * 2 + 1, T.sort(x)], name=name)
        r = f(np.arange(300000.0) / 1e5)
        out[name] = [float(r[0]), float(r[1][-1]), float(r[2][7]), f._compiled.executor.from_cache]
    print(json.dumps(out))
    """
)


def test_function_names_never_meet_c_or_llvm_symbols(tmp_path):
    """A function named after a C library function (which its own code and
    LLVM's lowering call) or an LLVM intrinsic prefix compiles and runs, from
    the JIT engine and from a cached library alike."""
    names = ["free", "malloc", "memcpy", "memset", "exp", "main", "llvm", "Py_IncRef", "symopt_pool_give"]
    x = np.arange(300000.0) / 1e5
    expected = [float(np.exp(x).sum()), float(np.exp(x[-1]) * 2 + 1), float(np.sort(x)[7])]

    def run() -> dict:  # type: ignore[type-arg]
        import json

        env = {**os.environ, "SYMOPT_CACHE_DIR": str(tmp_path)}
        done = subprocess.run([sys.executable, "-c", NAMED, *names], env=env, capture_output=True, text=True,
                              timeout=300, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]

    cold, warm = run(), run()
    for name in names:
        np.testing.assert_allclose(cold[name][:3], expected, rtol=1e-12)
        assert warm[name][:3] == cold[name][:3] and not cold[name][3] and warm[name][3]
