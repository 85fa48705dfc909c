"""A multilayer perceptron on digit images, after the Theano deep-learning tutorial
"Multilayer Perceptron" (mlp.py): a tanh hidden layer under the logistic
regression layer of ``logistic_sgd.py``, L1 and L2 regularization, minibatch SGD
through ``givens``; imports changed and generated digits instead of MNIST.

    python examples/deep_learning/mlp.py [--epochs N] [--hidden N] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy

import symopt as theano
import symopt.tensor as T

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import digits  # noqa: E402
from logistic_sgd import LogisticRegression, minibatch_models, shared_dataset, train_epochs  # noqa: E402


class HiddenLayer:
    def __init__(self, rng, input, n_in, n_out, W=None, b=None, activation=T.tanh):  # noqa: A002
        self.input = input
        if W is None:
            bound = numpy.sqrt(6.0 / (n_in + n_out))
            W_values = numpy.asarray(rng.uniform(low=-bound, high=bound, size=(n_in, n_out)), dtype=theano.config.floatX)
            if activation == T.nnet.sigmoid:
                W_values *= 4
            W = theano.shared(value=W_values, name="W", borrow=True)
        if b is None:
            b = theano.shared(value=numpy.zeros((n_out,), dtype=theano.config.floatX), name="b", borrow=True)
        self.W = W
        self.b = b
        lin_output = T.dot(input, self.W) + self.b
        self.output = lin_output if activation is None else activation(lin_output)
        self.params = [self.W, self.b]


class MLP:
    def __init__(self, rng, input, n_in, n_hidden, n_out):  # noqa: A002
        self.hiddenLayer = HiddenLayer(rng=rng, input=input, n_in=n_in, n_out=n_hidden, activation=T.tanh)
        self.logRegressionLayer = LogisticRegression(input=self.hiddenLayer.output, n_in=n_hidden, n_out=n_out)
        self.L1 = abs(self.hiddenLayer.W).sum() + abs(self.logRegressionLayer.W).sum()
        self.L2_sqr = (self.hiddenLayer.W**2).sum() + (self.logRegressionLayer.W**2).sum()
        self.negative_log_likelihood = self.logRegressionLayer.negative_log_likelihood
        self.errors = self.logRegressionLayer.errors
        self.params = self.hiddenLayer.params + self.logRegressionLayer.params


def test_mlp(learning_rate=0.05, L1_reg=0.00, L2_reg=0.0001, n_epochs=10, batch_size=20,
             n_hidden=100, sizes=(5000, 1000, 1000)):
    datasets = [shared_dataset(d) for d in digits.load_data(*sizes)]
    print("... building the model")
    index = T.lscalar()
    x = T.matrix("x")
    y = T.ivector("y")
    rng = numpy.random.RandomState(1234)
    classifier = MLP(rng=rng, input=x, n_in=28 * 28, n_hidden=n_hidden, n_out=10)
    cost = classifier.negative_log_likelihood(y) + L1_reg * classifier.L1 + L2_reg * classifier.L2_sqr
    gparams = [T.grad(cost, param) for param in classifier.params]
    updates = [(param, param - learning_rate * gparam) for param, gparam in zip(classifier.params, gparams)]
    models, counts = minibatch_models(datasets, batch_size, index, x, y, cost, classifier.errors(y), updates)
    return train_epochs(models, counts, n_epochs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="a small dataset (a smoke test)")
    args = parser.parse_args(argv)
    sizes = (1000, 200, 200) if args.quick else (5000, 1000, 1000)
    return test_mlp(n_epochs=args.epochs, n_hidden=args.hidden, sizes=sizes)


if __name__ == "__main__":
    main()
