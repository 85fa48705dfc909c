"""A Theano tutorial in four parts (scalars and functions, shared variables and
givens, random numbers, recognizing hand-written numbers), run with only the
imports changed (and Python 3's print). The last part trains on digit images this
project generates (``examples/deep_learning/digits.py``) instead of downloading
``mnist.pkl.gz``.

    python examples/tutorial_blog.py
"""

import os
import sys

import numpy

from symopt import function, shared
from symopt import tensor as T
from symopt.tensor.shared_randomstreams import RandomStreams

print("== 01 - Scalar and Function: sin^2 + cos^2 = 1")
x = T.dscalar("x")
f = function([x], T.sin(T.deg2rad(x)) ** 2 + T.cos(T.deg2rad(x)) ** 2)
for degrees in (0, 30, 45, 60, 90):
    print(f(degrees))  # 1.0

print("== 02 - Shared Variable")
state = shared(0)
inc = T.iscalar("inc")
accumulator = function([inc], state, updates=[(state, state + inc)])
decrementor = function([inc], state, updates=[(state, state - inc)])
accumulator(1)  # return value: 0
print("state:", state.get_value())  # state: 1
accumulator(3)  # return value: 1
print("state:", state.get_value())  # state: 4
decrementor(1)  # return value: 4
print("state:", state.get_value())  # state: 3
accumulator(1)  # return value: 3
state.set_value(10)
print("state:", state.get_value())  # state: 10

print("== 02 - Given Parameter")
foo = T.scalar(dtype=state.dtype)
fn_of_state = state * 2 + inc
skip_shared = function([inc, foo], fn_of_state, givens=[(state, foo)])
print(skip_shared(1, 3))  # 7
print(state.get_value())  # 10

print("== 03 - Random Number")
random_stream = RandomStreams(seed=1234)
r_uniform = random_stream.uniform(size=(2, 2))
r_normal = random_stream.normal(size=(2, 2))
f = function([], r_uniform)
g = function([], r_normal, no_default_updates=True)
print(f())
print(f())  # new numbers
print(g())
print(g())  # the same numbers as before
random_stream.seed(7777)
print(g())  # new numbers after seeding

print("== 04 - Recognizing Hand-written Numbers")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "deep_learning"))
import digits  # noqa: E402

train_set, valid_set, test_set = digits.load_data(2000, 500, 500)
print("train", train_set[0].shape, "valid", valid_set[0].shape, "test", test_set[0].shape)
images = T.dmatrix("images")
labels = T.ivector("labels")
W = shared(numpy.zeros((784, 10)), name="W")
b = shared(numpy.zeros(10), name="b")
p = T.nnet.softmax(T.dot(images, W) + b)
cost = -T.mean(T.log(p)[T.arange(labels.shape[0]), labels])
gW, gb = T.grad(cost, [W, b])
train = function([images, labels], cost, updates=[(W, W - 0.5 * gW), (b, b - 0.5 * gb)])
accuracy = function([images, labels], T.mean(T.eq(T.argmax(p, axis=1), labels)))
for epoch in range(10):
    for start in range(0, len(train_set[1]), 100):
        loss = train(train_set[0][start : start + 100], train_set[1][start : start + 100])
    print("epoch %d: loss %.3f, validation accuracy %.1f%%" % (epoch, loss, 100 * accuracy(*valid_set)))
print("test accuracy %.1f%%" % (100 * accuracy(*test_set)))
