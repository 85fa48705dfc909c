"""Scale checks of the reliability issue: a 10,000-op chain and a function with
1,000 outputs compile (no RecursionError), and 100,000 calls of the tutorial's
logistic `train` keep RSS flat:

    python benchmarks/scale.py
"""
import gc
import os
import time

import numpy as np

import symopt
import symopt.tensor as T


def rss():
    with open("/proc/self/statm") as f: return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
symopt.config.cache_dir = ''
x = T.dvector('x'); e = x
for k in range(5000): e = e * 1.0001 + 0.001 * (k % 7)
t = time.time(); f = symopt.function([x], e); print("10,000-op chain compiled in %.1f s" % (time.time() - t), f(np.ones(2))[:1])
outs = [x * k + k for k in range(1000)]
t = time.time(); g = symopt.function([x], outs); print("1,000 outputs compiled in %.1f s" % (time.time() - t), len(g(np.ones(2))))
rng = np.random.RandomState(0); N, feats = 400, 784
D = (rng.randn(N, feats), rng.randint(0, 2, N).astype('float64'))
xm, y = T.dmatrix('x'), T.dvector('y')
w = symopt.shared(rng.randn(feats), 'w'); b = symopt.shared(0., 'b')
p = 1 / (1 + T.exp(-T.dot(xm, w) - b)); xent = -y * T.log(p) - (1 - y) * T.log(1 - p)
cost = xent.mean() + 0.01 * (w ** 2).sum(); gw, gb = T.grad(cost, [w, b])
train = symopt.function([xm, y], [p > 0.5, xent], updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
for _ in range(1000): train(*D)
gc.collect(); base = rss(); t = time.time()
for _ in range(100000): train(*D)
gc.collect(); print(f"100,000 train calls: RSS {rss() - base:+.1f} MiB in {time.time() - t:.0f} s")
