"""shared(): dtypes, copies and borrowing, casting rules, broadcastable dimensions."""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt import function, shared


def test_dtypes_follow_theano():
    assert shared(0).dtype == "int64"
    assert shared(0.0).dtype == "float64"
    assert shared(True).dtype == "bool"
    assert shared(np.float32(1)).dtype == "float32"
    assert shared(np.zeros((2, 3), dtype=np.int16)).type.ndim == 2
    assert shared([1.0, 2.0]).type.shape == (None,)


def test_value_is_copied_unless_borrowed():
    data = np.zeros(3)
    s = shared(data)
    data[0] = 5
    assert s.get_value()[0] == 0
    b = shared(data, borrow=True)
    assert np.shares_memory(b.get_value(borrow=True), data)
    got = s.get_value()
    got[1] = 7
    assert s.get_value()[1] == 0
    new = np.ones(3)
    s.set_value(new)
    new[0] = 9
    assert s.get_value()[0] == 1
    s.set_value(new, borrow=True)
    assert s.get_value(borrow=True) is new


def test_sizes_may_change_but_not_rank():
    s = shared(np.zeros(3), name="s")
    s.set_value(np.zeros(5))
    assert s.get_value().shape == (5,)
    with pytest.raises(TypeError, match="set_value of shared variable 's'.*expected 1, got 2"):
        s.set_value(np.zeros((2, 2)))
    assert s.get_value().shape == (5,)


def test_casting_rules():
    i = shared(np.int32(1), name="i")
    i.set_value(np.int8(3))  # safe upcast
    assert i.get_value().dtype == np.int32 and i.get_value() == 3
    with pytest.raises(TypeError, match="'i'"):
        i.set_value(1.5)
    with pytest.raises(TypeError, match="loss of precision"):
        i.set_value(np.array(2, dtype=np.int64))
    assert i.get_value() == 3
    d = shared(np.int32(1), name="d", allow_downcast=True)
    d.set_value(np.array(7.9))
    assert d.get_value() == 7
    st = shared(np.zeros(2, dtype=np.float32), name="st", strict=True)
    with pytest.raises(TypeError, match="strict"):
        st.set_value(np.zeros(2, dtype=np.float64))
    with pytest.raises(TypeError, match="strict"):
        st.set_value([1.0, 2.0])
    st.set_value(np.ones(2, dtype=np.float32))
    with pytest.raises(TypeError, match="cannot make a shared tensor"):
        shared("abc")
    with pytest.raises(TypeError, match="symbolic"):
        shared(T.dscalar())


def test_broadcastable_shared():
    b = shared(np.zeros((1, 3)), name="b", broadcastable=(True, False))
    assert b.broadcastable == (True, False)
    x = T.dmatrix("x")
    f = function([x], x + b)
    np.testing.assert_array_equal(f(np.ones((2, 3))), np.ones((2, 3)))
    with pytest.raises(TypeError, match="broadcastable"):
        b.set_value(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="broadcastable"):
        shared(np.zeros((2, 3)), broadcastable=(True, False))


def test_shared_used_in_several_functions_and_updates():
    w = shared(np.array([1.0, 2.0]), name="w")
    x = T.dvector("x")
    step = function([x], w.sum(), updates=[(w, w - 0.5 * x)])
    peek = function([], w * 2)
    assert step([2.0, 2.0]) == 3.0
    np.testing.assert_allclose(peek(), [0.0, 2.0])
    assert "sym.global @w : tensor<?xf64>" in symopt.printing.to_mlir(step)


def test_update_with_python_value_and_dict_form():
    c = shared(0, name="c")
    reset = function([], [], updates={c: 0})
    bump = function([], c, updates={c: c + 1})
    bump()
    bump()
    assert c.get_value() == 2
    reset()
    assert c.get_value() == 0
