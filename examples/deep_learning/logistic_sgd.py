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


def minibatch_models(datasets, batch_size, index, x, y, cost, errors, updates):
    """The training, validation and test functions of a minibatch index: each
    slices its shared dataset through ``givens``, so no data crosses into the call;
    and the number of minibatches of each set."""
    (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = datasets

    def batch(data):
        return data[index * batch_size : (index + 1) * batch_size]

    train_model = theano.function([index], cost, updates=updates, givens={x: batch(train_x), y: batch(train_y)})
    validate_model = theano.function([index], errors, givens={x: batch(valid_x), y: batch(valid_y)})
    test_model = theano.function([index], errors, givens={x: batch(test_x), y: batch(test_y)})
    counts = [d.get_value(borrow=True).shape[0] // batch_size for d in (train_x, valid_x, test_x)]
    return (train_model, validate_model, test_model), counts


def train_epochs(models, counts, n_epochs):
    """Train for ``n_epochs``, printing each epoch's mean cost and validation error,
    then the test accuracy; returns the accuracy and the mean cost per epoch."""
    train_model, validate_model, test_model = models
    n_train, n_valid, n_test = counts
    print("... training")
    start = time.time()
    history = []
    for epoch in range(1, n_epochs + 1):
        history.append(numpy.mean([float(train_model(i)) for i in range(n_train)]))
        valid = numpy.mean([validate_model(i) for i in range(n_valid)])
        print(f"epoch {epoch:3d}: cost {history[-1]:.4f}, validation error {valid * 100:.2f} %")
    test = numpy.mean([test_model(i) for i in range(n_test)])
    print(f"test accuracy {(1 - test) * 100:.2f} % after {n_epochs} epochs ({time.time() - start:.2f} s)")
    return (1 - test), history


def sgd_optimization(learning_rate=0.13, n_epochs=10, batch_size=100, sizes=(5000, 1000, 1000)):
    datasets = [shared_dataset(d) for d in digits.load_data(*sizes)]
    print("... building the model")
    index = T.lscalar()
    x = T.matrix("x")
    y = T.ivector("y")
    classifier = LogisticRegression(input=x, n_in=28 * 28, n_out=10)
    cost = classifier.negative_log_likelihood(y)
    g_W = T.grad(cost=cost, wrt=classifier.W)
    g_b = T.grad(cost=cost, wrt=classifier.b)
    updates = [(classifier.W, classifier.W - learning_rate * g_W),
               (classifier.b, classifier.b - learning_rate * g_b)]
    models, counts = minibatch_models(datasets, batch_size, index, x, y, cost, classifier.errors(y), updates)
    return train_epochs(models, counts, n_epochs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="a small dataset (a smoke test)")
    args = parser.parse_args(argv)
    sizes = (1000, 200, 200) if args.quick else (5000, 1000, 1000)
    return sgd_optimization(n_epochs=args.epochs, sizes=sizes)


if __name__ == "__main__":
    main()
