"""Compile time against graph size: an L-layer MLP with its gradient and SGD updates.

    python benchmarks/compile_scaling.py                 # L = 10, 100, 1000
    python benchmarks/compile_scaling.py --layers 10 30  # other sizes
    python benchmarks/compile_scaling.py --chain 10000   # also an elementwise chain

Each layer is ``h = tanh(dot(h, W_i) + b_i)`` with 16 x 16 shared weights; the cost
is the squared error of the last layer, differentiated with ``grad`` and used in
one SGD update per parameter. For symopt the table gives the time of each stage:
building the graph, ``grad``, every pass of the pipeline, the LLVM translation, and
LLVM's optimization and code generation. PyTensor (C backend) and JAX (``jit``
of the same computation), when installed (``pip install -e '.[bench]'``), are
timed on the same graphs, ``function`` (or the first call of the jitted step)
from start to callable. Each size runs in a fresh process with the disk cache off,
so no cache helps.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

N = 16


def _symopt(layers: int) -> dict[str, float]:
    import numpy as np

    import symopt
    import symopt.tensor as T

    times: dict[str, float] = {}
    rng = np.random.RandomState(0)
    start = time.perf_counter()
    x, y = T.dmatrix("x"), T.dmatrix("y")
    h, params = x, []
    for i in range(layers):
        w = symopt.shared(rng.randn(N, N) * 0.1, name=f"W{i}")
        b = symopt.shared(np.zeros(N), name=f"b{i}")
        params += [w, b]
        h = T.tanh(T.dot(h, w) + b)
    cost = ((h - y) ** 2).sum()
    times["build"] = time.perf_counter() - start
    start = time.perf_counter()
    grads = T.grad(cost, params)
    times["grad"] = time.perf_counter() - start

    start = time.perf_counter()
    f = symopt.function(
        [x, y], cost, updates=[(p, p - 0.01 * g) for p, g in zip(params, grads)]
    )
    total = time.perf_counter() - start
    executor = f._compiled.executor
    times.update(getattr(executor, "timings", {}))
    times["function"] = total
    out = f(rng.randn(4, N), rng.randn(4, N))
    assert np.isfinite(out)
    return times


def _pytensor(layers: int) -> dict[str, float]:
    import numpy as np
    import pytensor
    import pytensor.tensor as pt

    rng = np.random.RandomState(0)
    x, y = pt.dmatrix("x"), pt.dmatrix("y")
    h, params = x, []
    for i in range(layers):
        w = pytensor.shared(rng.randn(N, N) * 0.1, name=f"W{i}")
        b = pytensor.shared(np.zeros(N), name=f"b{i}")
        params += [w, b]
        h = pt.tanh(pt.dot(h, w) + b)
    cost = ((h - y) ** 2).sum()
    grads = pytensor.grad(cost, params)
    start = time.perf_counter()
    pytensor.function([x, y], cost, updates=[(p, p - 0.01 * g) for p, g in zip(params, grads)])
    return {"function": time.perf_counter() - start}


def _jax(layers: int) -> dict[str, float]:
    import jax
    import jax.numpy as jnp
    import numpy as np

    jax.config.update("jax_enable_x64", True)
    rng = np.random.RandomState(0)
    params = []
    for _ in range(layers):
        params += [jnp.asarray(rng.randn(N, N) * 0.1), jnp.zeros(N)]

    def cost(ps, x, y):  # type: ignore[no-untyped-def]
        h = x
        for i in range(layers):
            h = jnp.tanh(h @ ps[2 * i] + ps[2 * i + 1])
        return ((h - y) ** 2).sum()

    @jax.jit
    def step(ps, x, y):  # type: ignore[no-untyped-def]
        c, gs = jax.value_and_grad(cost)(ps, x, y)
        return c, [p - 0.01 * g for p, g in zip(ps, gs)]

    x, y = jnp.asarray(rng.randn(4, N)), jnp.asarray(rng.randn(4, N))
    start = time.perf_counter()
    step(params, x, y)[0].block_until_ready()
    return {"function": time.perf_counter() - start}


def _chain(length: int) -> dict[str, float]:
    import numpy as np

    import symopt
    import symopt.tensor as T

    x = T.dvector("x")
    h = x
    for i in range(length):
        h = h * 1.0001 + 0.5 if i % 2 else T.tanh(h)
    start = time.perf_counter()
    f = symopt.function([x], h)
    total = time.perf_counter() - start
    f(np.ones(3))
    return {"function": total}


RUNNERS = {"symopt": _symopt, "pytensor": _pytensor, "jax": _jax, "chain": _chain}


def _run(system: str, size: int) -> dict[str, float] | str:
    """Time one system at one size in a fresh process."""
    code = (
        "import json, sys; sys.path.insert(0, 'benchmarks'); import compile_scaling as c; "
        f"print(json.dumps(c.RUNNERS[{system!r}]({size})))"
    )
    # no disk cache: every size is compiled from scratch
    env = {**os.environ, "SYMOPT_CACHE_DIR": ""}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return last[:60]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, nargs="*", default=[10, 100, 1000])
    parser.add_argument("--chain", type=int, default=10000, help="elementwise chain length (0: skip)")
    parser.add_argument("--peers", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    results = {L: {"symopt": _run("symopt", L)} for L in args.layers}
    for L in args.layers:
        for peer in ("pytensor", "jax") if args.peers else ():
            results[L][peer] = _run(peer, L)
    stages: list[str] = []
    for r in results.values():
        if isinstance(r["symopt"], dict):
            stages += [k for k in r["symopt"] if k not in stages]
    width = max([len(s) for s in stages] + [24])
    print(f"{'seconds':<{width}}" + "".join(f"{'L=' + str(L):>12}" for L in args.layers))
    for stage in stages:
        cells = [r["symopt"].get(stage) if isinstance(r["symopt"], dict) else None for r in results.values()]
        print(f"{'symopt ' + stage:<{width}}" + "".join(f"{c:>12.3f}" if c is not None else f"{'-':>12}" for c in cells))
    for peer in ("pytensor", "jax") if args.peers else ():
        cells = [r[peer] for r in results.values()]
        print(
            f"{peer + ' function':<{width}}"
            + "".join(f"{c['function']:>12.3f}" if isinstance(c, dict) else f"{'n/a':>12}" for c in cells)
        )
        for c in cells:
            if isinstance(c, str):
                print(f"  {peer}: {c}")
                break
    if args.chain:
        r = _run("chain", args.chain)
        shown = f"{r['function']:.3f} s" if isinstance(r, dict) else r
        print(f"elementwise chain of {args.chain} ops: function {shown}")


if __name__ == "__main__":
    main()
