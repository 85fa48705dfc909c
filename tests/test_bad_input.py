"""Bad input raises a Python exception that names the culprit and says what was
expected, and changes no shared value.

TypeError for type and signature errors, ValueError for shape errors (and
UnusedInputError / MissingInputError, both ValueError subclasses, for graphs
whose inputs do not match the outputs). After a failed call, every shared value is
what it was and the same function works when called correctly.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import symopt
import symopt as theano
import symopt.tensor as T
from symopt import In, Param, function, shared


def assert_message(excinfo, *patterns):
    """Every regex in ``patterns`` occurs in the exception's message."""
    message = str(excinfo.value)
    for pattern in patterns:
        assert re.search(pattern, message), f"{pattern!r} not in {message!r}"


@pytest.fixture
def counter():
    """A shared int64 counter that every function below also increments."""
    return shared(0, name="counter")


def assert_counter(counter, value):
    got = counter.get_value()
    assert got.dtype == np.int64 and got.shape == ()
    assert int(got) == value


# ---------------------------------------------------------------------------
# values that do not fit an input's type (call time)


def test_wrong_rank(counter):
    m = T.dmatrix("m")
    f = function([m], m * 2, updates=[(counter, counter + 1)])
    with pytest.raises(TypeError, match="'m'") as excinfo:
        f([1.0, 2.0])
    assert_message(excinfo, r"dimensions", r"expected 2", r"got 1")
    assert_counter(counter, 0)
    assert_array_equal(f([[1.0, 2.0]]), [[2.0, 4.0]])
    assert_counter(counter, 1)


def test_wrong_rank_names_the_right_argument(counter):
    a = T.dvector("a")
    b = T.dmatrix("b")
    f = function([a, b], a + b, updates=[(counter, counter + 1)])
    with pytest.raises(TypeError, match="'b'") as excinfo:
        f([1.0, 2.0], [1.0, 2.0])
    assert_message(excinfo, r"argument 1|\bb\b", r"expected 2")
    assert "'a'" not in str(excinfo.value)
    assert_counter(counter, 0)
    assert_array_equal(f([1.0, 2.0], [[1.0, 1.0]]), [[2.0, 3.0]])
    assert_counter(counter, 1)


def test_float_for_int_scalar(counter):
    i = T.iscalar("i")
    f = function([i], i + 1, updates=[(counter, counter + i)])
    with pytest.raises(TypeError, match="'i'") as excinfo:
        f(1.5)
    assert_message(excinfo, r"int32", r"1\.5")
    assert_counter(counter, 0)
    out = f(2)
    assert out.dtype == np.int32 and int(out) == 3
    assert_counter(counter, 2)


def test_float64_array_for_float32_matrix(counter):
    fm = T.fmatrix("fm")
    f = function([fm], fm + 1, updates=[(counter, counter + 1)])
    with pytest.raises(TypeError, match="'fm'") as excinfo:
        f(np.ones((2, 2), dtype=np.float64))
    assert_message(excinfo, r"float32", r"float64")
    assert_counter(counter, 0)
    out = f(np.ones((2, 2), dtype=np.float32))
    assert out.dtype == np.float32
    assert_array_equal(out, np.full((2, 2), 2.0))
    assert_counter(counter, 1)


def test_float64_array_for_float32_matrix_with_allow_input_downcast():
    fm = T.fmatrix("fm")
    f = function([fm], fm + 1, allow_input_downcast=True)
    out = f(np.ones((2, 2), dtype=np.float64))
    assert out.dtype == np.float32
    assert_array_equal(out, np.full((2, 2), 2.0))


def test_string_input(counter):
    i = T.iscalar("i")
    f = function([i], i + 1, updates=[(counter, counter + 1)])
    with pytest.raises(TypeError, match="'i'") as excinfo:
        f("three")
    assert_message(excinfo, r"int32")
    assert_counter(counter, 0)
    assert int(f(3)) == 4
    assert_counter(counter, 1)


def test_symbolic_value_in_a_call(counter):
    x = T.dscalar("x")
    f = function([x], x + 1, updates=[(counter, counter + 1)])
    with pytest.raises(TypeError, match="'x'") as excinfo:
        f(T.dscalar("other"))
    assert_message(excinfo, r"symbolic", r"givens")
    assert_counter(counter, 0)
    assert float(f(1)) == 2.0
    assert_counter(counter, 1)


# ---------------------------------------------------------------------------
# signature errors (call time)


def test_too_many_positional_arguments(counter):
    x, y = T.dscalars("x", "y")
    f = function([x, y], x + y, updates=[(counter, counter + 1)])
    with pytest.raises(TypeError, match="at most 2") as excinfo:
        f(1, 2, 3)
    assert_message(excinfo, r"3 given")
    assert_counter(counter, 0)
    assert float(f(1, 2)) == 3.0
    assert_counter(counter, 1)


def test_unknown_keyword(counter):
    x, y = T.dscalars("x", "y")
    f = function([x, y], x + y, updates=[(counter, counter + 1)])
    with pytest.raises(TypeError, match="'z'") as excinfo:
        f(1, z=2)
    # says which names are known
    assert_message(excinfo, r"keyword", r"'y'")
    assert_counter(counter, 0)
    assert float(f(1, y=2)) == 3.0
    assert_counter(counter, 1)


def test_missing_required_argument(counter):
    x, y = T.dscalars("x", "y")
    f = function([x, y], x + y, updates=[(counter, counter + 1)])
    with pytest.raises(TypeError, match="'y'") as excinfo:
        f(1)
    assert_message(excinfo, r"missing|required")
    assert_counter(counter, 0)
    assert float(f(1, 2)) == 3.0
    assert_counter(counter, 1)


def test_missing_required_argument_with_defaults_present():
    x, y = T.dscalars("x", "y")
    f = function([x, In(y, value=1)], x + y)
    with pytest.raises(TypeError, match="'x'") as excinfo:
        f(y=2)
    assert_message(excinfo, r"missing|required")
    assert float(f(x=1, y=2)) == 3.0


def test_value_given_positionally_and_by_keyword(counter):
    x, y = T.dscalars("x", "y")
    f = function([x, y], x + y, updates=[(counter, counter + 1)])
    with pytest.raises(TypeError, match="'x'") as excinfo:
        f(1, 2, x=3)
    assert_message(excinfo, r"multiple values|both|positionally")
    assert_counter(counter, 0)
    assert float(f(1, 2)) == 3.0
    assert_counter(counter, 1)


def test_value_given_positionally_and_by_keyword_for_default_input():
    x, y = T.dscalars("x", "y")
    f = function([x, Param(y, default=1)], x + y)
    with pytest.raises(TypeError, match="'y'"):
        f(1, 2, y=3)
    assert float(f(1)) == 2.0


# ---------------------------------------------------------------------------
# updates and givens of the wrong type (graph-build time)


def test_update_with_a_different_dtype():
    weights = shared(np.zeros(3), name="weights")
    with pytest.raises(TypeError, match=r"\bweights\b") as excinfo:
        function([], [], updates=[(weights, T.cast(weights, "float32"))])
    message = str(excinfo.value)
    assert "float64" in message and "float32" in message  # which: wanted vs got
    assert_message(excinfo, r"cast")  # how to fix it
    assert_array_equal(weights.get_value(), np.zeros(3))
    # the correct update compiles and works
    ok = function([], [], updates=[(weights, weights + 1)])
    ok()
    assert_array_equal(weights.get_value(), np.ones(3))


def test_update_with_a_float_expression_for_an_int_shared():
    state = shared(0, name="state")
    with pytest.raises(TypeError, match=r"\bstate\b") as excinfo:
        function([], [], updates=[(state, state * 1.5)])
    assert_message(excinfo, r"int64", r"float64", r"cast")
    assert_array_equal(state.get_value(), 0)


def test_update_with_a_different_rank():
    weights = shared(np.zeros(3), name="weights")
    with pytest.raises(TypeError, match=r"\bweights\b") as excinfo:
        function([], [], updates=[(weights, weights.sum())])
    message = str(excinfo.value)
    assert "vector" in message and "scalar" in message  # which: wanted vs got
    assert_message(excinfo, r"rank|ndim|dimension")  # how to fix it
    assert_array_equal(weights.get_value(), np.zeros(3))


def test_update_of_a_non_shared_variable():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match=r"shared"):
        function([x], x, updates=[(x, x + 1)])


def test_given_of_a_different_dtype():
    weights = shared(np.zeros(3), name="weights")
    x = T.dscalar("x")
    fv = T.fvector("fv")
    with pytest.raises(TypeError, match=r"\bweights\b") as excinfo:
        function([x, fv], weights.sum() + x, givens=[(weights, fv)])
    assert_message(excinfo, r"float64", r"float32")
    assert_array_equal(weights.get_value(), np.zeros(3))


def test_given_of_a_different_rank():
    weights = shared(np.zeros(3), name="weights")
    x = T.dscalar("x")
    dm = T.dmatrix("dm")
    with pytest.raises(TypeError, match=r"\bweights\b") as excinfo:
        function([x, dm], weights.sum() + x, givens=[(weights, dm)])
    assert_message(excinfo, r"\bdm\b", r"vector", r"matrix")
    assert_array_equal(weights.get_value(), np.zeros(3))


# ---------------------------------------------------------------------------
# shape errors


def test_elementwise_shape_mismatch_at_call_time(counter):
    a, b = T.dvectors("a", "b")
    f = function([a, b], a + b, updates=[(counter, counter + 1)])
    with pytest.raises(ValueError, match=r"shape") as excinfo:
        f(np.ones(3), np.ones(4))
    assert_message(excinfo, r"3", r"4")
    assert_counter(counter, 0)
    assert_array_equal(f(np.ones(3), np.ones(3)), np.full(3, 2.0))
    assert_counter(counter, 1)


def test_dot_inner_dimension_mismatch_at_call_time(counter):
    A, B = T.dmatrices("A", "B")
    f = function([A, B], T.dot(A, B), updates=[(counter, counter + 1)])
    with pytest.raises(ValueError, match=r"dot|align|shape") as excinfo:
        f(np.ones((2, 3)), np.ones((4, 2)))
    assert_message(excinfo, r"3", r"4")
    assert_counter(counter, 0)
    assert_array_equal(f(np.ones((2, 3)), np.ones((3, 2))), np.full((2, 2), 3.0))
    assert_counter(counter, 1)


def test_static_shape_mismatch_at_graph_build_time():
    a = T.constant(np.ones(3))
    b = T.constant(np.ones(4))
    with pytest.raises(ValueError) as excinfo:
        a + b
    assert_message(excinfo, r"3", r"4")


def test_static_dot_mismatch_at_graph_build_time():
    with pytest.raises(ValueError) as excinfo:
        T.dot(T.constant(np.ones((2, 3))), T.constant(np.ones((4, 2))))
    assert_message(excinfo, r"3", r"4")


def test_failed_call_with_updates_leaves_shared_values_unchanged():
    acc = shared(np.array([1.0, 2.0, 3.0]), name="acc")
    steps = shared(0, name="steps")
    v = T.dvector("v")
    f = function(
        [v],
        (acc + v).sum(),
        updates=[(steps, steps + 1), (acc, acc + v)],
    )
    with pytest.raises(ValueError, match=r"shape"):
        f(np.ones(4))
    assert_array_equal(acc.get_value(), [1.0, 2.0, 3.0])
    assert_counter(steps, 0)
    # and again, to be sure nothing half-committed lingers
    with pytest.raises(ValueError):
        f(np.ones(2))
    assert_array_equal(acc.get_value(), [1.0, 2.0, 3.0])
    assert_counter(steps, 0)
    out = f(np.ones(3))
    assert float(out) == 9.0
    assert_array_equal(acc.get_value(), [2.0, 3.0, 4.0])
    assert_counter(steps, 1)


def test_failed_call_leaves_in_update_default_unchanged():
    x = T.dscalar("x")
    total = T.dscalar("total")
    f = function([x, In(total, value=0.0, update=total + x)], total + x)
    assert float(f(1.0)) == 1.0
    with pytest.raises(TypeError, match="'x'"):
        f("one")
    assert float(f(2.0)) == 3.0


# ---------------------------------------------------------------------------
# set_value


def test_set_value_with_the_wrong_rank():
    weights = shared(np.array([1.0, 2.0, 3.0]), name="weights")
    with pytest.raises(TypeError, match=r"weights") as excinfo:
        weights.set_value(np.zeros((2, 2)))
    assert_message(excinfo, r"dimensions|rank", r"expected 1")
    assert_array_equal(weights.get_value(), [1.0, 2.0, 3.0])
    # a different size of the right rank is fine (shared sizes are dynamic)
    weights.set_value(np.zeros(5))
    assert_array_equal(weights.get_value(), np.zeros(5))


def test_set_value_that_cannot_be_cast():
    count = shared(np.int32(4), name="count")
    with pytest.raises(TypeError, match=r"count") as excinfo:
        count.set_value(1.5)
    assert_message(excinfo, r"int32")
    assert int(count.get_value()) == 4
    assert count.get_value().dtype == np.int32


def test_set_value_keeps_old_value_for_function_users(counter):
    inc = T.lscalar("inc")
    f = function([inc], counter, updates=[(counter, counter + inc)])
    f(5)
    with pytest.raises(TypeError):
        counter.set_value([1, 2])
    assert_counter(counter, 5)
    assert int(f(1)) == 5
    assert_counter(counter, 6)


# ---------------------------------------------------------------------------
# bad arguments to function


def test_non_variable_input():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match=r"input") as excinfo:
        function([x, 1], x + 1)
    assert_message(excinfo, r"symbolic variable|Variable")


def test_string_input_name_instead_of_variable():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match=r"'x'") as excinfo:
        function(["x"], x + 1)
    assert_message(excinfo, r"input")


def test_non_variable_output():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match=r"output"):
        function([x], "x + 1")


def test_non_variable_in_output_list():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match=r"output 1") as excinfo:
        function([x], [x + 1, 3.0])
    assert_message(excinfo, r"symbolic variable|Variable")


def test_inputs_not_in_a_list():
    x = T.dscalar("x")
    with pytest.raises(TypeError, match=r"list"):
        function(x, x + 1)


def test_in_of_a_non_variable():
    with pytest.raises(TypeError):
        In(3, value=1)


def test_shared_variable_as_explicit_input():
    weights = shared(np.zeros(3), name="weights")
    with pytest.raises(TypeError, match=r"\bweights\b") as excinfo:
        function([weights], weights * 2)
    assert_message(excinfo, r"shared", r"givens")
    assert_array_equal(weights.get_value(), np.zeros(3))


def test_same_variable_as_input_twice():
    x = T.dscalar("x")
    with pytest.raises((TypeError, ValueError), match=r"\bx\b"):
        function([x, x], x + 1)


def test_unused_input_raise():
    x, y = T.dscalars("x", "y")
    with pytest.raises(theano.UnusedInputError, match=r"'y'") as excinfo:
        function([x, y], x + 1)
    assert isinstance(excinfo.value, ValueError)
    assert issubclass(symopt.UnusedInputError, ValueError)
    assert_message(excinfo, r"on_unused_input")
    with pytest.raises(symopt.UnusedInputError):
        function([x, y], x + 1, on_unused_input="raise")


def test_unused_input_warn():
    x, y = T.dscalars("x", "y")
    with pytest.warns(Warning, match=r"'y'"):
        f = function([x, y], x + 1, on_unused_input="warn")
    assert float(f(1, 2)) == 2.0


def test_unused_input_ignore():
    x, y = T.dscalars("x", "y")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = function([x, y], x + 1, on_unused_input="ignore")
        assert float(f(1, 2)) == 2.0


def test_unused_input_with_only_an_update_use_is_used(counter):
    inc = T.lscalar("inc")
    # inc is only used by the update: that counts as used
    f = function([inc], [], updates=[(counter, counter + inc)])
    f(3)
    assert_counter(counter, 3)


def test_bad_on_unused_input_value():
    x = T.dscalar("x")
    with pytest.raises(ValueError, match=r"on_unused_input"):
        function([x], x + 1, on_unused_input="sometimes")


def test_missing_input():
    x, y = T.dscalars("x", "y")
    with pytest.raises(symopt.MissingInputError, match=r"'y'") as excinfo:
        function([x], x + y)
    assert isinstance(excinfo.value, Exception)
    assert_message(excinfo, r"input")


def test_missing_input_through_a_shared_free_expression():
    x = T.dvector("x")
    w = T.dvector("w")
    with pytest.raises(theano.MissingInputError, match=r"\bw\b"):
        function([x], T.dot(x, w))


def test_default_value_that_does_not_fit():
    x = T.dscalar("x")
    i = T.iscalar("i")
    with pytest.raises(TypeError, match=r"'i'") as excinfo:
        function([x, In(i, value=1.5)], x + i)
    assert_message(excinfo, r"int32")


def test_copy_swap_with_a_different_type():
    state = shared(0, name="state")
    other = shared(0.0, name="other")
    inc = T.iscalar("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])
    with pytest.raises(TypeError, match=r"\bother\b") as excinfo:
        accumulator.copy(swap={state: other})
    assert_message(excinfo, r"int64", r"float64")
    assert int(accumulator(2)) == 0
    assert_array_equal(state.get_value(), 2)
    assert_array_equal(other.get_value(), 0.0)


def test_python_and_numpy_scalars_convert_only_when_exact():
    """Theano 1.0's rule: Python data is accepted when it converts exactly; a Python
    float also goes into floatX."""
    i = T.iscalar("i")
    f = function([i], i * 2)
    assert f(np.int64(3)) == 6
    with pytest.raises(TypeError, match="'i'"):
        f(np.int64(2**40))
    x = T.fscalar("x")
    g = function([x], x + 1)
    assert g(0.5) == np.float32(1.5)
    with pytest.raises(TypeError, match="without loss"):
        g(0.1)
    assert function([x], x + 1, allow_input_downcast=True)(0.1) == np.float32(0.1) + 1
    d = T.dscalar("d")
    assert function([d], d)(0.1) == 0.1
