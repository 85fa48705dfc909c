"""The tutorial's real example, logistic regression, with only the import changed.

    python examples/logistic_regression.py [--plot [FILE.png]]

It prints what the tutorial prints, then the training accuracy, the number of steps
and the time per step. With tqdm installed (``pip install -e '.[examples]'``) it
shows a progress bar on a terminal; with ``--plot`` it saves the loss and the
accuracy over the steps as a PNG (matplotlib).
"""

import sys
import time

import numpy
import symopt as theano
import symopt.tensor as T
rng = numpy.random

N = 400                                   # training sample size
feats = 784                               # number of input variables

# generate a dataset: D = (input_values, target_class)
D = (rng.randn(N, feats), rng.randint(size=N, low=0, high=2))
training_steps = 10000

# Declare Theano symbolic variables
x = T.dmatrix("x")
y = T.dvector("y")

# initialize the weight vector w randomly
#
# this and the following bias variable b
# are shared so they keep their values
# between training iterations (updates)
w = theano.shared(rng.randn(feats), name="w")

# initialize the bias term
b = theano.shared(0., name="b")

print("Initial model:")
print(w.get_value())
print(b.get_value())

# Construct Theano expression graph
p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))   # Probability that target = 1
prediction = p_1 > 0.5                    # The prediction thresholded
xent = -y * T.log(p_1) - (1-y) * T.log(1-p_1) # Cross-entropy loss function
cost = xent.mean() + 0.01 * (w ** 2).sum()# The cost to minimize
gw, gb = T.grad(cost, [w, b])             # Compute the gradient of the cost
                                          # w.r.t weight vector w and
                                          # bias term b
                                          # (we shall return to this in a
                                          # following section of this tutorial)

# Compile
train = theano.function(
          inputs=[x,y],
          outputs=[prediction, xent],
          updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
predict = theano.function(inputs=[x], outputs=prediction)

# Train
plot = "--plot" in sys.argv[1:]
steps = range(training_steps)
try:
    from tqdm import tqdm
    steps = tqdm(steps, desc="training", unit="step", disable=not sys.stderr.isatty())
except ImportError:
    pass
history = []
start = time.perf_counter()
for i in steps:
    pred, err = train(D[0], D[1])
    if plot and i % 50 == 0:
        history.append((i, err.mean(), numpy.mean(pred == D[1])))
elapsed = time.perf_counter() - start

print("Final model:")
print(w.get_value())
print(b.get_value())
print("target values for D:")
print(D[1])
print("prediction on D:")
print(predict(D[0]))

accuracy = numpy.mean(predict(D[0]) == D[1])
print("training accuracy: %.2f%%" % (100 * accuracy))
print("steps: %d, time per step: %.3f ms" % (training_steps, 1000 * elapsed / training_steps))

if plot:
    where = sys.argv.index("--plot")
    path = sys.argv[where + 1] if len(sys.argv) > where + 1 and not sys.argv[where + 1].startswith("-") else "logistic_regression.png"
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("--plot needs matplotlib (pip install -e '.[examples]')", file=sys.stderr)
    else:
        steps_seen, losses, accuracies = zip(*history)
        fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(7, 5))
        top.plot(steps_seen, losses)
        top.set_ylabel("cross-entropy")
        top.set_yscale("log")
        bottom.plot(steps_seen, numpy.array(accuracies) * 100)
        bottom.set_ylabel("training accuracy (%)")
        bottom.set_xlabel("step")
        fig.suptitle("logistic regression, %d samples x %d features" % (N, feats))
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        print("saved the loss and accuracy plot to %s" % path)
