"""The tutorial's first steps, run as they are with only the imports changed:
adding two scalars and two matrices, the logistic function (two ways), a default
value for an argument, copying functions (with their own state, or without
updates), random numbers (a brief example, sharing streams between functions).

    python examples/tutorial_basics.py
"""

import numpy
import numpy as np

import symopt as theano
import symopt.tensor as T
from symopt import In, function
from symopt.tensor.shared_randomstreams import RandomStreams

print("== Adding two scalars")
x = T.dscalar("x")
y = T.dscalar("y")
z = x + y
f = function([x, y], z)
print(f(1, 2))
print(numpy.allclose(z.eval({x: 1, y: 2}), 3))

print("== Adding two matrices")
x = T.dmatrix("x")
y = T.dmatrix("y")
z = x + y
f = function([x, y], z)
print(f([[1, 2], [3, 4]], [[10, 20], [30, 40]]))
print(f(np.array([[1, 2], [3, 4]]), np.array([[10, 20], [30, 40]])))

print("== The logistic function, two ways")
x = T.dmatrix("x")
s = 1 / (1 + T.exp(-x))
s2 = (1 + T.tanh(x / 2)) / 2
logistic = function([x], [s, s2])
a, b = logistic([[0, 1], [-1, -2]])
print(a)
print(numpy.allclose(a, b))

print("== A default value for an argument")
x, y = T.dscalars("x", "y")
z = x + y
f = function([x, In(y, value=1)], z)
print(f(33))
print(f(33, 2))

print("== Copying functions")
state = theano.shared(0)
inc = T.iscalar("inc")
accumulator = theano.function([inc], state, updates=[(state, state + inc)], on_unused_input="warn")
new_state = theano.shared(0)
new_accumulator = accumulator.copy(swap={state: new_state})
null_accumulator = accumulator.copy(delete_updates=True)
accumulator(10)
print("state:", state.get_value())
new_accumulator(100)
print("new_state:", new_state.get_value(), "state:", state.get_value())
null_accumulator(9000)
print("after null_accumulator, state:", state.get_value())

print("== Random numbers: a brief example")
srng = RandomStreams(seed=234)
rv_u = srng.uniform((2, 2))
rv_n = srng.normal((2, 2))
f = function([], rv_u)
g = function([], rv_n, no_default_updates=True)  # not updating rv_n.rng
nearly_zeros = function([], rv_u + rv_u - 2 * rv_u)
print(f())
print(f())  # different numbers
print(numpy.array_equal(g(), g()))  # the same numbers: no update
print(numpy.allclose(nearly_zeros(), 0))  # rv_u is drawn once per call

print("== Sharing streams between functions")
state_after_v0 = rv_u.rng.get_value().get_state()
nearly_zeros()  # this affects rv_u's generator
v1 = f()
rng = rv_u.rng.get_value(borrow=True)
rng.set_state(state_after_v0)
rv_u.rng.set_value(rng, borrow=True)
v2 = f()  # v2 != v1
v3 = f()  # v3 == v1
print(numpy.array_equal(v1, v2), numpy.array_equal(v1, v3))
