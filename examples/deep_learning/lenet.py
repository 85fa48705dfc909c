"""A LeNet-style convolutional network on digit images, after the Theano
deep-learning tutorial "Convolutional Neural Networks (LeNet)"
(convolutional_mlp.py): two convolution + max-pooling layers, a tanh hidden
layer and the logistic regression layer; imports changed, generated digits
instead of MNIST.

    python examples/deep_learning/lenet.py [--epochs N] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy

import symopt as theano
import symopt.tensor as T
from symopt.tensor.nnet import conv2d
from symopt.tensor.signal import pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import digits  # noqa: E402
from logistic_sgd import LogisticRegression, minibatch_models, shared_dataset, train_epochs  # noqa: E402
from mlp import HiddenLayer  # noqa: E402


class LeNetConvPoolLayer:
    """Convolution then max pooling: ``tanh(pool(conv(input, W)) + b)``."""

    def __init__(self, rng, input, filter_shape, image_shape, poolsize=(2, 2)):  # noqa: A002
        assert image_shape[1] == filter_shape[1]
        self.input = input
        fan_in = numpy.prod(filter_shape[1:])
        fan_out = filter_shape[0] * numpy.prod(filter_shape[2:]) // numpy.prod(poolsize)
        W_bound = numpy.sqrt(6.0 / (fan_in + fan_out))
        self.W = theano.shared(
            numpy.asarray(rng.uniform(low=-W_bound, high=W_bound, size=filter_shape), dtype=theano.config.floatX),
            borrow=True,
        )
        self.b = theano.shared(numpy.zeros((filter_shape[0],), dtype=theano.config.floatX), borrow=True)
        conv_out = conv2d(input=input, filters=self.W, filter_shape=filter_shape, input_shape=image_shape)
        pooled_out = pool.pool_2d(input=conv_out, ws=poolsize, ignore_border=True)
        self.output = T.tanh(pooled_out + self.b.dimshuffle("x", 0, "x", "x"))
        self.params = [self.W, self.b]


def evaluate_lenet5(learning_rate=0.1, n_epochs=5, nkerns=(8, 16), batch_size=50, sizes=(2000, 500, 500)):
    rng = numpy.random.RandomState(23455)
    datasets = [shared_dataset(d) for d in digits.load_data(*sizes)]
    index = T.lscalar()
    x = T.matrix("x")
    y = T.ivector("y")
    print("... building the model")
    layer0_input = x.reshape((batch_size, 1, 28, 28))
    layer0 = LeNetConvPoolLayer(rng, input=layer0_input, image_shape=(batch_size, 1, 28, 28),
                                filter_shape=(nkerns[0], 1, 5, 5), poolsize=(2, 2))
    layer1 = LeNetConvPoolLayer(rng, input=layer0.output, image_shape=(batch_size, nkerns[0], 12, 12),
                                filter_shape=(nkerns[1], nkerns[0], 5, 5), poolsize=(2, 2))
    layer2_input = layer1.output.flatten(2)
    layer2 = HiddenLayer(rng, input=layer2_input, n_in=nkerns[1] * 4 * 4, n_out=100, activation=T.tanh)
    layer3 = LogisticRegression(input=layer2.output, n_in=100, n_out=10)
    cost = layer3.negative_log_likelihood(y)
    params = layer3.params + layer2.params + layer1.params + layer0.params
    grads = T.grad(cost, params)
    updates = [(param_i, param_i - learning_rate * grad_i) for param_i, grad_i in zip(params, grads)]
    models, counts = minibatch_models(datasets, batch_size, index, x, y, cost, layer3.errors(y), updates)
    return train_epochs(models, counts, n_epochs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a small dataset (a smoke test)")
    args = parser.parse_args(argv)
    sizes = (500, 100, 100) if args.quick else (2000, 500, 500)
    return evaluate_lenet5(n_epochs=args.epochs, sizes=sizes)


if __name__ == "__main__":
    main()
