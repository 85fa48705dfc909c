"""Logistic regression on digit images with minibatch SGD, after the Theano
deep-learning tutorial "Classifying MNIST digits using Logistic Regression"
(logistic_sgd.py), with only the imports changed and generated digits
(``digits.py``) instead of the MNIST download.

    python examples/deep_learning/logistic_sgd.py [--epochs N] [--quick]

The datasets live in shared variables; each training step takes a minibatch
index, and ``givens`` slices the shared data, so no data crosses into the
function per call. It prints the cost and the validation error per epoch, then the
test accuracy.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy

import symopt as theano
import symopt.tensor as T

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import digits  # noqa: E402


class LogisticRegression:
    """Multi-class logistic regression: ``P(Y=i|x) = softmax(x W + b)_i``."""

    def __init__(self, input, n_in, n_out):  # noqa: A002 - the tutorial's names
        self.W = theano.shared(value=numpy.zeros((n_in, n_out), dtype=theano.config.floatX), name="W", borrow=True)
        self.b = theano.shared(value=numpy.zeros((n_out,), dtype=theano.config.floatX), name="b", borrow=True)
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
        self.input = input

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        return T.mean(T.neq(self.y_pred, y))


def shared_dataset(data_xy):
    data_x, data_y = data_xy
    shared_x = theano.shared(numpy.asarray(data_x, dtype=theano.config.floatX), borrow=True)
    shared_y = theano.shared(numpy.asarray(data_y, dtype="int32"), borrow=True)
    return shared_x, shared_y


def sgd_optimization(learning_rate=0.13, n_epochs=10, batch_size=100, sizes=(5000, 1000, 1000)):
    datasets = [shared_dataset(d) for d in digits.load_data(*sizes)]
    (train_set_x, train_set_y), (valid_set_x, valid_set_y), (test_set_x, test_set_y) = datasets
    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    n_valid_batches = valid_set_x.get_value(borrow=True).shape[0] // batch_size
    n_test_batches = test_set_x.get_value(borrow=True).shape[0] // batch_size

    print("... building the model")
    index = T.lscalar()
    x = T.matrix("x")
    y = T.ivector("y")
    classifier = LogisticRegression(input=x, n_in=28 * 28, n_out=10)
    cost = classifier.negative_log_likelihood(y)

    def batch(data):
        return data[index * batch_size : (index + 1) * batch_size]

    test_model = theano.function([index], classifier.errors(y),
                                 givens={x: batch(test_set_x), y: batch(test_set_y)})
    validate_model = theano.function([index], classifier.errors(y),
                                     givens={x: batch(valid_set_x), y: batch(valid_set_y)})
    g_W = T.grad(cost=cost, wrt=classifier.W)
    g_b = T.grad(cost=cost, wrt=classifier.b)
    updates = [(classifier.W, classifier.W - learning_rate * g_W),
               (classifier.b, classifier.b - learning_rate * g_b)]
    train_model = theano.function([index], cost, updates=updates,
                                  givens={x: batch(train_set_x), y: batch(train_set_y)})

    print("... training the model")
    start = time.time()
    history = []
    for epoch in range(1, n_epochs + 1):
        costs = [float(train_model(i)) for i in range(n_train_batches)]
        history.append(numpy.mean(costs))
        valid = numpy.mean([validate_model(i) for i in range(n_valid_batches)])
        print(f"epoch {epoch:3d}: cost {numpy.mean(costs):.4f}, validation error {valid * 100:.2f} %")
    test = numpy.mean([test_model(i) for i in range(n_test_batches)])
    print(f"test accuracy {(1 - test) * 100:.2f} % after {n_epochs} epochs "
          f"({time.time() - start:.2f} s)")
    return (1 - test), history


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="a small dataset (a smoke test)")
    args = parser.parse_args(argv)
    sizes = (1000, 200, 200) if args.quick else (5000, 1000, 1000)
    return sgd_optimization(n_epochs=args.epochs, sizes=sizes)


if __name__ == "__main__":
    main()
