"""The call path: fast conversions, trust_input, 0-d results returned by value.

Every fast path must give exactly what the general conversion gives, and every
value must survive the trip through the io words bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt import In

DTYPES = ["float64", "float32", "float16", "int8", "int16", "int32", "int64",
          "uint8", "uint16", "uint32", "uint64", "bool"]  # fmt: skip

EDGES = {
    "f": [0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, 5e-324, 1e308, 6.1e-5, 65504.0],
    "i": ["min", "max", 0, -1, 1],
    "u": ["max", 0, 1],
    "b": [True, False],
}


def _values(dtype: np.dtype) -> list[np.ndarray]:
    out = []
    for v in EDGES[dtype.kind]:
        if v == "min":
            v = np.iinfo(dtype).min
        elif v == "max":
            v = np.iinfo(dtype).max
        with np.errstate(over="ignore"):
            out.append(np.array(v, dtype=dtype))
    return out


@pytest.mark.parametrize("name", DTYPES)
def test_scalar_results_round_trip_bit_for_bit(name: str) -> None:
    dtype = np.dtype(name)
    x = T.scalar("x", dtype=name)
    s = symopt.shared(np.array(0, dtype=dtype), name="s")
    second = (x | x) if name == "bool" else T.zeros_like(x) + x
    f = symopt.function([x], [x, second], updates=[(s, x)])
    for v in _values(dtype):
        outs = f(v)
        for o in outs:
            assert o.dtype == dtype and o.shape == ()
            assert o.tobytes() == v.tobytes(), (name, v, o)
        assert s.get_value().tobytes() == v.tobytes()


@pytest.mark.parametrize("mode", ["native", "py"])
def test_python_numbers_convert_as_the_general_path(mode: str) -> None:
    d = T.dscalar("d")
    i = T.iscalar("i")
    b = T.scalar("b", dtype="bool")
    f = symopt.function([d, i, b], [d, i, b], mode=mode)
    out = f(3, -7, True)
    assert out[0].dtype == np.float64 and out[0] == 3.0
    assert out[1].dtype == np.int32 and out[1] == -7
    assert out[2].dtype == np.bool_ and out[2]
    assert f(2**53, 2**31 - 1, False)[0] == 2.0**53
    assert f(2**60, 0, True)[0] == 2.0**60  # the general path (equal as floats)
    with pytest.raises(TypeError, match="'i'"):
        f(1.0, 2**31, True)  # out of int32's range
    with pytest.raises(TypeError):
        f(1.0, 1.5, True)
    with pytest.raises(TypeError):
        f("1", 1, True)
    out = f(np.float64(0.5), np.int32(3), np.bool_(False))  # NumPy scalars: the general path
    assert out[0] == 0.5 and out[1] == 3 and not out[2]


def test_arrays_of_the_exact_type_are_not_copied_but_checked() -> None:
    x = T.dmatrix("x")
    f = symopt.function([x], x.sum())
    a = np.arange(6.0).reshape(2, 3)
    assert f(a) == 15.0
    assert f(np.asfortranarray(a)) == 15.0
    assert f(a[:, ::2]) == a[:, ::2].sum()
    with pytest.raises(TypeError, match="dimensions"):
        f(np.arange(3.0))
    with pytest.raises(TypeError):
        f(a.astype(np.complex128))


def test_trust_input_accepts_exact_arrays_and_still_guards_the_rest() -> None:
    x, y = T.dscalars("x", "y")
    f = symopt.function([x, y], x * y, trust_input=True)
    assert f(np.array(2.0), np.array(4.0)) == 8.0
    assert f(2, 4) == 8.0  # not an array: converted as usual
    with pytest.raises(TypeError):
        f(np.array([1.0]), np.array(2.0))  # wrong rank: never reaches the native code
    assert f(y=np.array(3.0), x=np.array(2.0)) == 6.0
    g = f.copy()
    assert g(np.array(1.5), np.array(2.0)) == [3.0]
    row = T.row("row")  # a static size 1: checked even for arrays of the exact dtype
    h = symopt.function([row], row * 2, trust_input=True)
    np.testing.assert_array_equal(h(np.ones((1, 3))), [[2.0, 2.0, 2.0]])
    with pytest.raises(TypeError, match="broadcastable"):
        h(np.ones((2, 3)))


def test_defaults_and_keywords_still_take_the_general_path() -> None:
    x = T.dscalar("x")
    a = T.dscalar("a")
    f = symopt.function([x, In(a, value=2.0)], x * a)
    assert f(3) == 6.0
    assert f(3, 4) == 12.0
    assert f(x=1, a=5) == 5.0


def test_results_returned_twice_are_distinct_arrays() -> None:
    x = T.dvector("x")
    s = T.dscalar("s")
    f = symopt.function([x, s], [x + 1, x + 1, s * 2, s * 2])
    a, b, c, d = f(np.zeros(3), 1.0)
    assert not np.shares_memory(a, b)
    a[0] = 99
    assert b[0] == 1
    c[()] = 5
    assert d == 2


def test_failed_check_reports_its_values() -> None:
    x, y = T.dvectors("x", "y")
    f = symopt.function([x, y], x + y)
    with pytest.raises(ValueError, match="size 3.*size 2|size 2.*size 3"):
        f(np.zeros(2), np.zeros(3))
