"""The tutorial page "More Examples" (the parts without random numbers or
gradients), run with symopt in place of Theano.

    python examples/more_examples.py
"""

import numpy

import symopt as theano
import symopt.tensor as T
from symopt import In, Param, function, shared

numpy.set_printoptions(legacy="1.13")  # print as the Theano 1.0 tutorial does

print("== Logistic function")
x = T.dmatrix("x")
s = 1 / (1 + T.exp(-x))
logistic = theano.function([x], s)
print(repr(logistic([[0, 1], [-1, -2]])))
s2 = (1 + T.tanh(x / 2)) / 2
logistic2 = theano.function([x], s2)
print(repr(logistic2([[0, 1], [-1, -2]])))

print("== Computing more than one thing at the same time")
a, b = T.dmatrices("a", "b")
diff = a - b
abs_diff = abs(diff)
diff_squared = diff**2
f = theano.function([a, b], [diff, abs_diff, diff_squared])
print(repr(f([[1, 1], [1, 1]], [[0, 1], [2, 3]])))

print("== Setting a default value for an argument")
x, y = T.dscalars("x", "y")
z = x + y
f = function([x, In(y, value=1)], z)
print(repr(f(33)))
print(repr(f(33, 2)))
f = function([x, Param(y, default=1)], z)
print(repr(f(33)))
x, y, w = T.dscalars("x", "y", "w")
z = (x + y) * w
f = function([x, In(y, value=1), In(w, value=2, name="w_by_name")], z)
print(repr(f(33)))
print(repr(f(33, 2)))
print(repr(f(33, 0, 1)))
print(repr(f(33, w_by_name=1)))
print(repr(f(33, w_by_name=1, y=0)))

print("== Using shared variables")
state = shared(0)
inc = T.iscalar("inc")
accumulator = function([inc], state, updates=[(state, state + inc)])
print(state.get_value())
print(repr(accumulator(1)))
print(state.get_value())
print(repr(accumulator(300)))
print(state.get_value())
state.set_value(-1)
print(repr(accumulator(3)))
print(state.get_value())
decrementor = function([inc], state, updates=[(state, state - inc)])
print(repr(decrementor(2)))
print(state.get_value())
fn_of_state = state * 2 + inc
foo = T.scalar(dtype=state.dtype)
skip_shared = function([inc, foo], fn_of_state, givens=[(state, foo)])
print(repr(skip_shared(1, 3)))
print(state.get_value())

print("== Copying functions")
state = theano.shared(0)
inc = T.iscalar("inc")
accumulator = theano.function([inc], state, updates=[(state, state + inc)])
print(repr(accumulator(10)))
print(state.get_value())
new_state = theano.shared(0)
new_accumulator = accumulator.copy(swap={state: new_state})
print(repr(new_accumulator(100)))
print(new_state.get_value())
print(state.get_value())
null_accumulator = accumulator.copy(delete_updates=True)
print(repr(null_accumulator(9000)))
print(state.get_value())

print("== The same function as IR")
print(theano.printing.to_mlir(accumulator))
