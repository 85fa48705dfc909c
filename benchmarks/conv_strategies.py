"""conv2d as im2col + one BLAS product (what ``T.nnet.conv2d`` does) against
direct loops (a sum, over the filter's offsets, of shifted slices times the
weights, which loop-fuse turns into loops), on the LeNet layer of the peers
benchmark (batch 500, 1 -> 20 channels, 28x28 images, 5x5 filters), forward only.

    python benchmarks/conv_strategies.py
"""

from __future__ import annotations

import time

import numpy as np

import symopt
import symopt.tensor as T
from symopt.tensor.nnet import conv2d


def main() -> None:
    rng = np.random.RandomState(0)
    X = rng.rand(500, 1, 28, 28)
    W0 = rng.randn(20, 1, 5, 5)
    x, w = T.dtensor4("x"), T.dtensor4("w")
    im2col = symopt.function([x, w], conv2d(x, w, filter_shape=(20, 1, 5, 5)))
    flipped = w[:, :, ::-1, ::-1]
    out = None
    for i in range(5):
        for j in range(5):
            window = x[:, :, i : i + 24, j : j + 24].dimshuffle(0, "x", 1, 2, 3)
            term = (window * flipped[:, :, i, j].dimshuffle("x", 0, 1, "x", "x")).sum(axis=2)
            out = term if out is None else out + term
    loops = symopt.function([x, w], out)
    assert np.allclose(im2col(X, W0), loops(X, W0))
    for name, f in (("im2col + gemm", im2col), ("direct loops", loops)):
        f(X, W0)
        start = time.perf_counter()
        for _ in range(5):
            f(X, W0)
        print(f"{name:15s} {(time.perf_counter() - start) / 5 * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
