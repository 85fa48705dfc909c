"""The Python entry: a native function's whole call path in compiled code
(``symopt.lowering.pyentry``).

Every call it takes must give exactly what the Python path gives, and every
call it cannot take (another type, a non-contiguous array, a keyword, a strict
input) must reach the Python path before anything ran. Each test compares the
two paths on the same function by switching the entry off.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
import re
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symopt
import symopt.tensor as T
from symopt import In
from symopt.lowering import native_abi
from symopt.runtime import native


@contextlib.contextmanager
def python_path(f: symopt.Function) -> Iterator[None]:
    """``f`` without its Python entry, for the block."""
    fast, f._fast = f._fast, None
    try:
        yield
    finally:
        f._fast = fast


def _taken(f: symopt.Function, *args: object) -> bool:
    """Whether the entry takes the call (rather than handing it on)."""
    return f._fast(*args) is not NotImplemented


def _same(a: object, b: object) -> None:
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
        return
    assert type(a) is np.ndarray and type(b) is np.ndarray
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()
    assert a.flags.c_contiguous and a.flags.writeable


def test_the_layouts_it_assumes_are_this_pythons_and_numpys() -> None:
    assert native.python_entries()
    header = Path(np.get_include()) / "numpy" / "__multiarray_api.h"
    if not header.exists():
        pytest.skip(f"NumPy's headers are not installed ({header})")
    text = header.read_text()
    for name, slot in [("PyArray_NewFromDescr", native_abi.NEW_FROM_DESCR), ("PyArray_SetBaseObject", native_abi.SET_BASE_OBJECT)]:
        found = re.search(rf"#define {name} \\\s*\n[^\n]*\n\s*PyArray_API\[(\d+)\]", text)
        assert found is not None and int(found.group(1)) == slot, name


def test_common_calls_take_the_entry() -> None:
    x, y = T.dscalars("x", "y")
    v = T.dvector("v")
    f = symopt.function([x, y, v], [x + y, v * x])
    assert f._fast is not None
    a = np.arange(3.0)
    assert _taken(f, 1.0, 2, a)
    assert _taken(f, np.array(1.0), 2.5, a)
    _same(f(1.0, 2, a), [np.array(3.0), a * 1.0])


@pytest.mark.parametrize(
    "args",
    [
        (np.arange(6.0)[::2],),  # not contiguous
        (np.arange(3, dtype=np.int64),),  # another dtype
        ([1.0, 2.0, 3.0],),  # a list
        (np.arange(3.0).reshape(3, 1),),  # another rank
        (np.arange(3.0).astype(">f8"),),  # another byte order
        (np.arange(3.0).view(np.recarray),),  # a subclass
        (),  # missing
        (np.arange(3.0), np.arange(3.0)),  # too many
    ],
)
def test_other_arguments_take_the_python_path(args: tuple[object, ...]) -> None:
    v = T.dvector("v")
    f = symopt.function([v], v * 2)
    assert not _taken(f, *args)
    try:
        expected = ("value", f.__class__.__call__(_slow_copy(f), *args))
    except Exception as e:  # noqa: BLE001 - compared below
        expected = ("error", type(e), str(e))
    try:
        got = ("value", f(*args))
    except Exception as e:  # noqa: BLE001
        got = ("error", type(e), str(e))
    assert got[0] == expected[0]
    if got[0] == "value":
        _same(got[1], expected[1])
    else:
        assert got[1:] == expected[1:]


def _slow_copy(f: symopt.Function) -> symopt.Function:
    g = f.copy()
    g.unpack_single = f.unpack_single  # a copy returns lists, as Theano's
    g._fast = None
    return g


@pytest.mark.parametrize(
    "value",
    [np.float64(2.0), 2**53 + 1, -(2**53) - 1, 2**70, True, "2", None, 1 + 0j, np.array(2.0, ">f8")],
)
def test_python_scalars_are_converted_only_where_exact(value: object) -> None:
    x = T.dscalar("x")
    f = symopt.function([x], x * 3)
    g = _slow_copy(f)
    exact = type(value) in (float, int) and abs(value) <= 2**53  # type: ignore[arg-type, operator]
    assert _taken(f, value) == exact
    outcomes = []
    for fn in (f, g):
        try:
            outcomes.append(("value", fn(value).tobytes()))
        except Exception as e:  # noqa: BLE001 - compared below
            outcomes.append(("error", type(e), str(e)))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "uint32", "uint64", "bool"])
def test_python_ints_and_bools_for_integer_inputs(dtype: str) -> None:
    x = T.scalar("x", dtype=dtype)
    f = symopt.function([x], [x, T.zeros_like(x) + x] if dtype != "bool" else [x, x | x])
    g = _slow_copy(f)
    if dtype == "bool":
        values: list[object] = [True, False, 1, 0]
    else:
        info = np.iinfo(dtype)
        values = [0, 1, int(info.max), int(info.min), int(info.max) + 1, int(info.min) - 1, 2**64, True, 1.0]
    for value in values:
        outcomes = []
        for fn in (f, g):
            try:
                outcomes.append(("value", [o.tobytes() for o in fn(value)], [o.dtype for o in fn(value)]))
            except Exception as e:  # noqa: BLE001 - compared below
                outcomes.append(("error", type(e), str(e)))
        assert outcomes[0] == outcomes[1], value


def test_strict_inputs_take_no_python_scalars() -> None:
    x = T.dscalar("x")
    f = symopt.function([In(x, strict=True)], x + 1)
    assert not _taken(f, 1.0)
    assert _taken(f, np.array(1.0))
    with pytest.raises(TypeError):
        f(1.0)


def test_keywords_and_defaults_take_the_python_path() -> None:
    x, y = T.dscalars("x", "y")
    f = symopt.function([x, In(y, value=10.0)], x - y)
    assert f._fast is not None
    assert f(1.0) == -9.0 and f(y=2.0, x=1.0) == -1.0 and f(1.0, 4.0) == -3.0


@pytest.mark.parametrize("n", [3, 5000, 100_000])
def test_results_small_and_large_are_owned_arrays(n: int) -> None:
    v = T.dvector("v")
    f = symopt.function([v], [v + 1, (v * v).sum(), v[::-1] * 2])
    a = np.random.RandomState(0).randn(n)
    assert _taken(f, a)
    out = f(a)
    with python_path(f):
        expected = f(a)
    _same(out, expected)
    big = out[0]
    if big.nbytes > native_abi.SMALL_RESULT:
        assert big.base is not None and type(big.base).__name__ == "PyCapsule"
    else:
        assert big.flags.owndata
    big[:] = 7.0  # writeable, and the caller's own
    assert f(a)[0][0] == a[0] + 1


def test_large_results_go_back_to_the_pool_when_collected() -> None:
    v = T.dvector("v")
    f = symopt.function([v], v * 2)
    a = np.ones(1 << 18)  # 2 MiB results: pooled buffers
    addresses = set()
    for _ in range(20):
        out = f(a)
        addresses.add(out.__array_interface__["data"][0])
        del out
    # a result given back is taken again by the next call: few distinct buffers
    assert len(addresses) <= 3


def test_no_reference_leaks() -> None:
    v = T.dvector("v")
    s = symopt.shared(np.zeros(4), name="s")
    k = symopt.shared(np.float64(0.0), name="k")
    f = symopt.function([v], [v + s, (v * 2).sum()], updates=[(s, s + v), (k, k + 1)])
    a = np.ones(4)
    f(a)
    gc.collect()
    counts = (sys.getrefcount(a), sys.getrefcount(s), sys.getrefcount(f._fast))
    for _ in range(1000):
        f(a)
    gc.collect()
    assert (sys.getrefcount(a), sys.getrefcount(s), sys.getrefcount(f._fast)) == counts
    out = f(a)[0]
    ref = weakref.ref(out)
    del out
    assert ref() is None
    assert k.get_value() == 1002.0


def test_updates_match_the_python_path() -> None:
    rng = np.random.RandomState(3)
    v = T.dvector("v")
    s = symopt.shared(rng.randn(5), name="s")  # updated in place
    c = symopt.shared(np.int64(3), name="c")  # 0-d, updated in place
    w = symopt.shared(np.zeros(5), name="w")  # written, not read
    f = symopt.function([v], [s * 1, c + 0], updates=[(s, s * 0.5 + v), (c, c * 2), (w, v * 3)])
    a = rng.randn(5)
    assert _taken(f, a)  # (a call: the values are reset below)
    states = []
    for ctx in (contextlib.nullcontext(), python_path(f)):
        s.set_value(np.arange(5.0)), c.set_value(3), w.set_value(np.zeros(5))
        with ctx:
            outs = [f(a) for _ in range(3)]
        states.append((outs, s.get_value(), c.get_value(), w.get_value()))
    (o1, s1, c1, w1), (o2, s2, c2, w2) = states
    for x, y in zip(o1, o2):
        _same(x, y)
    _same(s1, s2), _same(c1, c2), _same(w1, w2)
    assert c1 == 24


def test_an_in_place_update_writes_the_variables_own_buffer() -> None:
    s = symopt.shared(np.zeros(3), name="s")
    f = symopt.function([], [], updates=[(s, s + 1)])
    mine = s.get_value(borrow=True)
    f()
    assert s.get_value(borrow=True) is mine and mine.tolist() == [1.0, 1.0, 1.0]


def test_unusable_shared_values_take_the_python_path() -> None:
    s = symopt.shared(np.zeros(4), name="s")
    f = symopt.function([], s * 2, updates=[(s, s + 1)])
    s.set_value(np.arange(8.0)[::2], borrow=True)  # not contiguous
    assert not _taken(f)
    _same(f(), np.arange(8.0)[::2] * 2)
    assert s.get_value().tolist() == [1.0, 3.0, 5.0, 7.0]
    frozen = np.arange(4.0)
    frozen.flags.writeable = False
    s.set_value(frozen, borrow=True)  # read-only: its buffer is not written
    assert not _taken(f)
    _same(f(), np.arange(4.0) * 2)
    assert frozen.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert s.get_value().tolist() == [1.0, 2.0, 3.0, 4.0]


def test_a_failed_check_raises_the_python_paths_error_and_commits_nothing() -> None:
    v, u = T.dvectors("v", "u")
    s = symopt.shared(np.ones(3), name="s")
    f = symopt.function([v, u], v + u, updates=[(s, s + v)])
    errors = []
    for ctx in (contextlib.nullcontext(), python_path(f)):
        with ctx, pytest.raises(ValueError) as info:
            f(np.ones(3), np.ones(4))
        errors.append(str(info.value))
    assert errors[0] == errors[1] and "shape mismatch" in errors[0]
    assert s.get_value().tolist() == [1.0, 1.0, 1.0]


def test_single_output_unpacking_follows_the_function() -> None:
    x = T.dscalar("x")
    assert isinstance(symopt.function([x], x * 2)(1.0), np.ndarray)
    listed = symopt.function([x], [x * 2])(1.0)
    assert isinstance(listed, list) and len(listed) == 1
    assert symopt.function([x], [], on_unused_input="ignore")(1.0) == []


def test_changing_unpack_single_changes_what_the_entry_returns() -> None:
    x = T.dscalar("x")
    f = symopt.function([x], x * 2)
    f.unpack_single = False
    assert _taken(f, 1.0) and isinstance(f(1.0), list)
    f.unpack_single = True
    assert isinstance(f(1.0), np.ndarray)


def test_copies_and_pickles_have_entries_over_their_own_variables() -> None:
    s = symopt.shared(np.float64(0.0), name="s")
    x = T.dscalar("x")
    f = symopt.function([x], s, updates=[(s, s + x)])
    t = symopt.shared(np.float64(100.0), name="t")
    g = f.copy(swap={s: t})
    assert g._fast is not None and _taken(g, 0.0)
    f(1.0), g(5.0)
    assert s.get_value() == 1.0 and t.get_value() == 105.0
    h = pickle.loads(pickle.dumps(f))
    assert h._fast is not None
    assert h(2.0) == 1.0


def test_entries_are_not_made_where_the_python_path_must_run() -> None:
    x = T.dscalar("x")
    assert symopt.function([x], x, mode="py")._fast is None
    acc = T.dscalar("acc")
    assert symopt.function([x, In(acc, value=0.0, update=acc + x)], acc)._fast is None
    srng = T.shared_randomstreams.RandomStreams(seed=1)
    draw = symopt.function([], srng.uniform((3,)))
    assert draw._fast is None
    assert draw().shape == (3,)
    profiled = symopt.function([x], x + 1, profile=True)
    assert profiled(1.0) == 2.0 and profiled.profile.calls == 1


def test_concurrent_calls(in_threads) -> None:  # type: ignore[no-untyped-def]
    v = T.dvector("v")
    s = symopt.shared(np.zeros(1000), name="s")
    f = symopt.function([v], (v * 2).sum())
    acc = symopt.function([v], [], updates=[(s, s + v)])
    a = np.arange(1000.0)

    def work(_: object) -> None:
        for _ in range(200):
            assert f(a) == a.sum() * 2
            acc(np.ones(1000))

    in_threads(work, range(4))
    assert s.get_value().tolist() == [800.0] * 1000


@settings(max_examples=60, deadline=None)
@given(
    dtype=st.sampled_from(["float64", "float32", "int32", "int64", "uint8", "bool", "float16"]),
    shape=st.lists(st.integers(0, 5), min_size=0, max_size=3),
    seed=st.integers(0, 2**31 - 1),
)
def test_differential_against_the_python_path(dtype: str, shape: list[int], seed: int) -> None:
    rng = np.random.RandomState(seed)
    x = T.TensorType(dtype, (None,) * len(shape))("x")
    y = T.TensorType(dtype, (None,) * len(shape))("y")
    boolean = dtype == "bool"
    outs = [x, x | y, x & y] if boolean else [x + y, x * y, T.maximum(x, y), x.sum()]
    s = symopt.shared(np.zeros(shape, dtype=dtype), name="s")
    f = symopt.function([x, y], outs, updates=[(s, (s | x) if boolean else T.maximum(s, x))])
    a = np.asarray(rng.randn(*shape) * 10).astype(dtype)
    b = np.asarray(rng.randn(*shape) * 10).astype(dtype)
    results = []
    with np.errstate(all="ignore"):
        assert _taken(f, a, b)
    for ctx in (contextlib.nullcontext(), python_path(f)):
        s.set_value(np.zeros(shape, dtype=dtype))
        with ctx, np.errstate(all="ignore"):
            results.append((f(a, b), s.get_value()))
    _same(results[0][0], results[1][0])
    _same(results[0][1], results[1][1])


@pytest.mark.parametrize("fast", [True, False])
def test_an_input_that_aliases_a_buffer_updated_in_place_is_read_before_the_update(fast: bool) -> None:
    s = symopt.shared(np.arange(4.0), name="s")
    v = T.dvector("v")
    f = symopt.function([v], [], updates=[(s, s + v[::-1])])
    ctx = contextlib.nullcontext() if fast else python_path(f)
    with ctx:
        own = s.get_value(borrow=True)
        if fast:
            assert not _taken(f, own)  # the Python path copies it
            s.set_value(np.arange(4.0))
            own = s.get_value(borrow=True)
        f(own)
        assert s.get_value().tolist() == [3.0, 3.0, 3.0, 3.0]
        s.set_value(np.arange(4.0))
        f(s.get_value(borrow=True)[:])  # a view of it
        assert s.get_value().tolist() == [3.0, 3.0, 3.0, 3.0]
        f(np.zeros(4))
        assert s.get_value().tolist() == [3.0, 3.0, 3.0, 3.0]


def test_functions_with_many_slots_have_no_entry() -> None:
    """The entry's code grows with its slots, and LLVM's time on it faster: past
    native_abi.MAX_SLOTS the Python path serves the calls."""
    x = T.dvector("x")
    shared = [symopt.shared(np.full(3, float(k)), name=f"s{k}") for k in range(native_abi.MAX_SLOTS // 2)]
    f = symopt.function([x], x * 2, updates=[(s, s + x) for s in shared])
    assert f._fast is None
    _same(f(np.ones(3)), np.full(3, 2.0))
    assert [s.get_value()[0] for s in shared] == [k + 1.0 for k in range(len(shared))]
