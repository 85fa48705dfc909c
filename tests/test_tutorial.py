"""The examples of Theano 1.0's tutorial page "More Examples" (and the related
pages under /work/shared/seeds) that need neither gradients nor random numbers,
written as a user would write them, with the documented outputs as expectations.

Plus the function/shared semantics those examples rely on: update forms, when
updates become visible, output freshness, names, ``outputs=None`` and ``eval``.
"""

from __future__ import annotations

import warnings

import numpy
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import symopt as theano
import symopt.tensor as T
from symopt import In, Param, function, shared

LOGISTIC_IN = [[0, 1], [-1, -2]]
LOGISTIC_OUT = np.array([[0.5, 0.73105858], [0.26894142, 0.11920292]])


def assert_0d(value, expected, dtype):
    """``value`` is a 0-d ndarray (Theano prints ``array(34.0)``) equal to expected."""
    assert isinstance(value, np.ndarray), type(value)
    assert value.shape == ()
    assert value.dtype == np.dtype(dtype), value.dtype
    assert_array_equal(value, expected)


# ---------------------------------------------------------------------------
# Baby steps (seed 001): adding two scalars, adding two matrices


def test_adding_two_scalars():
    x = T.dscalar("x")
    y = T.dscalar("y")
    z = x + y
    f = function([x, y], z)
    assert_0d(f(1, 2), 3.0, "float64")
    assert numpy.allclose(z.eval({x: 1, y: 2}), 3)


def test_eval_result():
    x, y = T.dscalars("x", "y")
    z = x + y
    result = z.eval({x: 1, y: 2})
    assert_0d(result, 3.0, "float64")
    assert numpy.allclose(z.eval({x: 1, y: 2}), 3)


@pytest.mark.parametrize("as_arrays", [False, True], ids=["lists", "ndarrays"])
def test_adding_two_matrices(as_arrays):
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    z = x + y
    f = function([x, y], z)
    a, b = [[1, 2], [3, 4]], [[10, 20], [30, 40]]
    if as_arrays:
        a, b = np.array(a), np.array(b)
    out = f(a, b)
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float64
    assert_array_equal(out, [[11.0, 22.0], [33.0, 44.0]])


# ---------------------------------------------------------------------------
# Logistic function


def test_logistic():
    x = T.dmatrix("x")
    s = 1 / (1 + T.exp(-x))
    logistic = theano.function([x], s)
    out = logistic(LOGISTIC_IN)
    assert out.dtype == np.float64
    assert out.shape == (2, 2)
    assert_allclose(out, LOGISTIC_OUT, rtol=0, atol=5e-9)


def test_logistic_tanh_form():
    x = T.dmatrix("x")
    s2 = (1 + T.tanh(x / 2)) / 2
    logistic2 = theano.function([x], s2)
    out = logistic2(LOGISTIC_IN)
    assert out.dtype == np.float64
    assert_allclose(out, LOGISTIC_OUT, rtol=0, atol=5e-9)


def test_logistic_forms_agree():
    x = T.dmatrix("x")
    s = 1 / (1 + T.exp(-x))
    s2 = (1 + T.tanh(x / 2)) / 2
    both = theano.function([x], [s, s2])
    data = np.linspace(-6, 6, 25).reshape(5, 5)
    a, b = both(data)
    assert_allclose(a, b, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------
# Computing more than one thing at the same time


def test_multiple_outputs():
    a, b = T.dmatrices("a", "b")
    diff = a - b
    abs_diff = abs(diff)
    diff_squared = diff**2
    f = theano.function([a, b], [diff, abs_diff, diff_squared])
    out = f([[1, 1], [1, 1]], [[0, 1], [2, 3]])
    assert isinstance(out, list)
    assert len(out) == 3
    for o in out:
        assert isinstance(o, np.ndarray)
        assert o.dtype == np.float64
    assert_array_equal(out[0], [[1.0, 0.0], [-1.0, -2.0]])
    assert_array_equal(out[1], [[1.0, 0.0], [1.0, 2.0]])
    assert_array_equal(out[2], [[1.0, 0.0], [1.0, 4.0]])


# ---------------------------------------------------------------------------
# Setting a default value for an argument (In, and the older Param)


def _with_default(kind, var, value, name=None):
    if kind == "In":
        return In(var, value=value) if name is None else In(var, value=value, name=name)
    return Param(var, default=value) if name is None else Param(var, default=value, name=name)


@pytest.mark.parametrize("kind", ["In", "Param"])
def test_default_value(kind):
    x, y = T.dscalars("x", "y")
    z = x + y
    f = function([x, _with_default(kind, y, 1)], z)
    assert_0d(f(33), 34.0, "float64")
    assert_0d(f(33, 2), 35.0, "float64")
    # the default is not consumed by a call that overrides it
    assert_0d(f(33), 34.0, "float64")


@pytest.mark.parametrize("kind", ["In", "Param"])
def test_defaults_positional_and_keyword(kind):
    x, y, w = T.dscalars("x", "y", "w")
    z = (x + y) * w
    f = function(
        [x, _with_default(kind, y, 1), _with_default(kind, w, 2, name="w_by_name")], z
    )
    assert_0d(f(33), 68.0, "float64")
    assert_0d(f(33, 2), 70.0, "float64")
    assert_0d(f(33, 0, 1), 33.0, "float64")
    assert_0d(f(33, w_by_name=1), 34.0, "float64")
    assert_0d(f(33, w_by_name=1, y=0), 33.0, "float64")
    # the required argument by keyword too
    assert_0d(f(x=33, w_by_name=1, y=0), 33.0, "float64")


def test_in_name_overrides_variable_name():
    x, w = T.dscalars("x", "w")
    f = function([x, In(w, value=2, name="w_by_name")], x * w)
    assert_0d(f(3, w_by_name=5), 15.0, "float64")
    with pytest.raises(TypeError, match="'w'"):
        f(3, w=5)


# ---------------------------------------------------------------------------
# Using shared variables


def test_accumulator_and_decrementor():
    state = shared(0)
    inc = T.iscalar("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])

    assert str(state.get_value()) == "0"
    assert_0d(state.get_value(), 0, "int64")
    assert_0d(accumulator(1), 0, "int64")
    assert_0d(state.get_value(), 1, "int64")
    assert_0d(accumulator(300), 1, "int64")
    assert_0d(state.get_value(), 301, "int64")

    state.set_value(-1)
    assert_0d(accumulator(3), -1, "int64")
    assert_0d(state.get_value(), 2, "int64")

    decrementor = function([inc], state, updates=[(state, state - inc)])
    assert_0d(decrementor(2), 2, "int64")
    assert_0d(state.get_value(), 0, "int64")
    assert str(state.get_value()) == "0"


def test_givens_skip_shared():
    state = shared(0)
    inc = T.iscalar("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])
    decrementor = function([inc], state, updates=[(state, state - inc)])
    accumulator(5)
    decrementor(5)
    assert_0d(state.get_value(), 0, "int64")

    fn_of_state = state * 2 + inc
    # The type of foo must match the shared variable we are replacing
    # with the ``givens``
    foo = T.scalar(dtype=state.dtype)
    assert foo.dtype == "int64"
    skip_shared = function([inc, foo], fn_of_state, givens=[(state, foo)])
    assert_0d(skip_shared(1, 3), 7, "int64")  # we're using 3 for the state
    assert_0d(state.get_value(), 0, "int64")  # old state still there, unused
    # the shared value really is not read: changing it changes nothing
    state.set_value(100)
    assert_0d(skip_shared(1, 3), 7, "int64")
    assert_0d(state.get_value(), 100, "int64")


def test_shared_variable_blog_sequence():
    """Seed 004's sequence (accumulator, decrementor, set_value, givens)."""
    state = shared(0)
    inc = T.iscalar("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])
    decrementor = function([inc], state, updates=[(state, state - inc)])

    assert_0d(accumulator(1), 0, "int64")
    assert_0d(state.get_value(), 1, "int64")
    assert_0d(accumulator(3), 1, "int64")
    assert_0d(state.get_value(), 4, "int64")
    assert_0d(decrementor(1), 4, "int64")
    assert_0d(state.get_value(), 3, "int64")
    assert_0d(accumulator(1), 3, "int64")
    state.set_value(10)
    assert_0d(state.get_value(), 10, "int64")

    foo = T.scalar(dtype=state.dtype)
    fn_of_state = state * 2 + inc
    skip_shared = function([inc, foo], fn_of_state, givens=[(state, foo)])
    assert_0d(skip_shared(1, 3), 7, "int64")
    assert_0d(state.get_value(), 10, "int64")


# ---------------------------------------------------------------------------
# Copying functions


@pytest.mark.parametrize("on_unused_input", [None, "warn"], ids=["default", "warn"])
def test_copy_swap_and_delete_updates(on_unused_input):
    kwargs = {} if on_unused_input is None else {"on_unused_input": on_unused_input}
    state = theano.shared(0)
    inc = T.iscalar("inc")
    accumulator = theano.function([inc], state, updates=[(state, state + inc)], **kwargs)

    assert_0d(accumulator(10), 0, "int64")
    assert_0d(state.get_value(), 10, "int64")

    new_state = theano.shared(0)
    new_accumulator = accumulator.copy(swap={state: new_state})
    out = new_accumulator(100)
    # Theano 1.0 documents ``[array(0)]``: a copy returns its outputs as a list
    assert isinstance(out, list) and len(out) == 1
    assert_0d(out[0], 0, "int64")
    assert_0d(new_state.get_value(), 100, "int64")
    # the state of the first function is left untouched
    assert_0d(state.get_value(), 10, "int64")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'warn' may warn that inc is now unused
        null_accumulator = accumulator.copy(delete_updates=True)
    out = null_accumulator(9000)
    assert isinstance(out, list) and len(out) == 1
    assert_0d(out[0], 10, "int64")
    assert_0d(state.get_value(), 10, "int64")
    # the copies do not affect the original, which still updates
    assert_0d(accumulator(1), 10, "int64")
    assert_0d(state.get_value(), 11, "int64")
    assert_0d(new_state.get_value(), 100, "int64")
    assert_0d(null_accumulator(5)[0], 11, "int64")
    assert_0d(new_accumulator(1)[0], 100, "int64")
    assert_0d(new_state.get_value(), 101, "int64")
    assert_0d(state.get_value(), 11, "int64")


# ---------------------------------------------------------------------------
# sin^2 + cos^2 == 1 (seed 004)


@pytest.mark.parametrize("degrees", [0, 30, 45, 60, 90])
def test_sin2_plus_cos2(degrees):
    x = T.dscalar("x")
    f = function([x], T.sin(T.deg2rad(x)) ** 2 + T.cos(T.deg2rad(x)) ** 2)
    out = f(degrees)
    assert isinstance(out, np.ndarray) and out.shape == ()
    assert out.dtype == np.float64
    assert_allclose(out, 1.0, rtol=0, atol=1e-15)


# ---------------------------------------------------------------------------
# updates: forms and semantics


def test_updates_as_dict():
    state = shared(0)
    inc = T.iscalar("inc")
    accumulator = function([inc], state, updates={state: state + inc})
    assert_0d(accumulator(4), 0, "int64")
    assert_0d(accumulator(6), 4, "int64")
    assert_0d(state.get_value(), 10, "int64")


def test_updates_as_tuple_of_pairs():
    state = shared(0)
    inc = T.iscalar("inc")
    accumulator = function([inc], state, updates=((state, state + inc),))
    accumulator(4)
    assert_0d(state.get_value(), 4, "int64")


def test_multiple_updates_see_values_from_before_the_call():
    a = shared(np.array([1.0, 2.0]), name="a")
    b = shared(np.array([3.0, 4.0]), name="b")
    swap = function([], [a, b], updates={a: b, b: a})
    old_a, old_b = swap()
    assert_array_equal(old_a, [1.0, 2.0])
    assert_array_equal(old_b, [3.0, 4.0])
    assert_array_equal(a.get_value(), [3.0, 4.0])
    assert_array_equal(b.get_value(), [1.0, 2.0])
    swap()
    assert_array_equal(a.get_value(), [1.0, 2.0])
    assert_array_equal(b.get_value(), [3.0, 4.0])


def test_chained_updates_do_not_see_each_other():
    a = shared(1, name="a")
    b = shared(10, name="b")
    # b's update reads a: it must see a's value before this call's update
    f = function([], [], updates=[(a, a + 1), (b, b + a)])
    f()
    assert_0d(a.get_value(), 2, "int64")
    assert_0d(b.get_value(), 11, "int64")
    f()
    assert_0d(a.get_value(), 3, "int64")
    assert_0d(b.get_value(), 13, "int64")


def test_outputs_and_updates_see_the_old_value():
    state = shared(10, name="state")
    inc = T.iscalar("inc")
    f = function([inc], [state * 1, state + inc, state], updates=[(state, state + inc)])
    doubled_old, new, old = f(5)
    assert_0d(doubled_old, 10, "int64")
    assert_0d(new, 15, "int64")
    assert_0d(old, 10, "int64")
    assert_0d(state.get_value(), 15, "int64")


def test_function_name():
    x = T.dscalar("x")
    f = function([x], x + 1, name="my_function")
    assert f.name == "my_function"
    assert_0d(f(1), 2.0, "float64")
    unnamed = function([x], x + 1)
    assert unnamed.name is None


def test_outputs_none_returns_empty_list():
    state = shared(0)
    inc = T.iscalar("inc")
    f = function([inc], None, updates=[(state, state + inc)])
    assert f(5) == []
    assert_0d(state.get_value(), 5, "int64")
    g = function([], None)
    assert g() == []


def test_outputs_empty_list():
    state = shared(0)
    inc = T.iscalar("inc")
    f = function([inc], [], updates=[(state, state + inc)])
    assert f(2) == []
    assert_0d(state.get_value(), 2, "int64")


def test_single_output_in_a_list_is_returned_as_a_list():
    x = T.dscalar("x")
    out = function([x], [x * 2])(3)
    assert isinstance(out, list) and len(out) == 1
    assert_0d(out[0], 6.0, "float64")


def test_output_listed_twice():
    x = T.dvector("x")
    y = x * 2
    f = function([x], [y, y])
    first, second = f([1.0, 2.0])
    assert_array_equal(first, [2.0, 4.0])
    assert_array_equal(second, [2.0, 4.0])
    # two separate arrays: writing into one does not change the other
    assert first is not second
    assert not np.shares_memory(first, second)
    first[0] = -1.0
    assert_array_equal(second, [2.0, 4.0])


def test_eval_caches_the_compiled_function(monkeypatch):
    import symopt.runtime.function as function_module

    x, y = T.dscalars("x", "y")
    z = x + y
    calls = []
    real = function_module.function

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(function_module, "function", counting)
    assert_0d(z.eval({x: 1, y: 2}), 3.0, "float64")
    assert_0d(z.eval({x: 10, y: 20}), 30.0, "float64")
    assert_0d(z.eval({x: 1, y: 2}), 3.0, "float64")
    assert len(calls) == 1


def test_eval_without_inputs():
    assert_array_equal((T.constant(np.array([1.0, 2.0])) * 3).eval(), [3.0, 6.0])


# ---------------------------------------------------------------------------
# returned arrays are fresh: not the shared variables' (or inputs') storage


def test_returned_shared_value_is_a_copy():
    w = shared(np.array([1.0, 2.0]), name="w")
    get_w = function([], w)
    out = get_w()
    assert_array_equal(out, [1.0, 2.0])
    assert not np.shares_memory(out, w.get_value(borrow=True))
    out[0] = 100.0
    assert_array_equal(w.get_value(), [1.0, 2.0])
    assert_array_equal(get_w(), [1.0, 2.0])


def test_returned_old_value_of_updated_shared_is_not_its_storage():
    state = shared(np.array([0, 0]), name="state")
    inc = T.lvector("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])
    old = accumulator([1, 2])
    old[:] = 1000
    assert_array_equal(state.get_value(), [1, 2])
    again = accumulator([1, 1])
    assert_array_equal(again, [1, 2])
    assert_array_equal(state.get_value(), [2, 3])


def test_returned_new_value_is_not_the_shared_storage():
    s = shared(np.array([1.0, 2.0]), name="s")
    new = s + 1
    step = function([], new, updates=[(s, new)])
    out = step()
    assert_array_equal(out, [2.0, 3.0])
    assert_array_equal(s.get_value(), [2.0, 3.0])
    out[0] = 100.0  # must not write into s
    assert_array_equal(s.get_value(), [2.0, 3.0])


def test_get_value_is_a_copy():
    w = shared(np.array([1.0, 2.0]), name="w")
    v = w.get_value()
    v[0] = 50.0
    assert_array_equal(w.get_value(), [1.0, 2.0])


def test_shared_copies_its_initial_value():
    init = np.array([1.0, 2.0])
    w = shared(init, name="w")
    init[0] = 50.0
    assert_array_equal(w.get_value(), [1.0, 2.0])


def test_returned_input_is_not_the_caller_array():
    x = T.dvector("x")
    identity = function([x], x)
    arr = np.array([1.0, 2.0])
    out = identity(arr)
    out[0] = 7.0
    assert_array_equal(arr, [1.0, 2.0])


def test_update_from_another_shared_variable_does_not_alias_it():
    c = shared(np.array([1.0, 2.0]), name="c")
    d = shared(np.array([3.0, 4.0]), name="d")
    copy_d_into_c = function([], [], updates=[(c, d)])
    copy_d_into_c()
    assert_array_equal(c.get_value(), [3.0, 4.0])
    # c's own storage, written in place (borrow=True), belongs to c alone
    assert not np.shares_memory(c.get_value(borrow=True), d.get_value(borrow=True))
    c.get_value(borrow=True)[0] = 99.0
    assert_array_equal(d.get_value(), [3.0, 4.0])
