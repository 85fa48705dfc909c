"""symopt against NumPy, PyTensor and JAX on the tutorial workloads, as ratios.

    pip install -e '.[bench]'
    python benchmarks/peers.py              # 3 rounds
    python benchmarks/peers.py --rounds 1   # quicker
    python benchmarks/peers.py --only sigmoid_1e6 call_add compile

Every (workload, system) pair runs in a process of its own, and the rounds
interleave the systems, so neither warm caches nor a noisy neighbour favour one
of them. A process builds its function and reports the median time per call
(``benchmarks/bench.py`` and the test suite check the values); the table gives, per workload, the median over
the rounds and each system's ratio to symopt (above 1: symopt is faster).

Systems: ``numpy``; ``symopt`` (native) and ``symopt-trust`` (the call
workloads only, with ``trust_input`` and arrays, as PyTensor's);
``pytensor`` (its default mode) and ``pytensor-cvm`` (``mode="CVM"``, the C
backend; ``pytensor-trust`` with ``trust_input``); ``jax`` (``jax.jit``); ``copy`` (the elementwise workloads only: a copy into a
fresh array moving the same bytes, the machine's limit; its ratio is the
fraction of copy bandwidth symopt reaches). The
``compile_*`` workloads time building the tutorial's logistic ``train`` in a new
process (the tutorial's imports done and its data drawn first), cold (empty
caches) and warm (a second process with the cache the first one filled).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np

SYSTEMS = ["numpy", "symopt", "symopt-trust", "pytensor", "pytensor-cvm", "pytensor-trust", "jax", "copy"]


def _timeit(fn: Callable[[], object], budget: float = 1.0) -> float:
    fn()
    number = 1
    while True:  # calls per sample: about 20 ms
        start = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - start > 0.02 or number > 1 << 20:
            break
        number *= 4
    samples = []
    end = time.perf_counter() + budget
    while time.perf_counter() < end or len(samples) < 5:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


# -- workloads: each returns {system: (callable, result getter)} for the systems it has


def _logistic_data():  # type: ignore[no-untyped-def]
    rng = np.random.RandomState(0)
    return rng.randn(400, 784), rng.randint(0, 2, 400).astype(np.float64), rng.randn(784) * 0.01


def numpy_logistic_step(X: np.ndarray, Y: np.ndarray, w0: np.ndarray) -> Callable[[], object]:
    """The logistic ``train`` step in NumPy (state kept between calls)."""
    state = {"w": w0.copy(), "b": 0.0}

    def step():  # type: ignore[no-untyped-def]
        w, b = state["w"], state["b"]
        z = X @ w + b
        p = 1 / (1 + np.exp(-z))
        xent = np.logaddexp(0, -z) * Y + np.logaddexp(0, z) * (1 - Y)
        state["w"] = w - 0.1 * (X.T @ (p - Y) / len(Y) + 0.02 * w)
        state["b"] = b - 0.1 * np.mean(p - Y)
        return p > 0.5, xent

    return step


def logistic(system: str, data=None):  # type: ignore[no-untyped-def]
    """One call of the tutorial's logistic regression ``train`` (400 x 784)."""
    X, Y, w0 = data if data is not None else _logistic_data()
    if system == "numpy":
        return numpy_logistic_step(X, Y, w0)
    if system.startswith(("symopt", "pytensor")):
        if system.startswith("symopt"):
            import symopt as lib
            import symopt.tensor as T

            grad, kwargs = T.grad, {}
        else:
            import pytensor as lib
            import pytensor.tensor as T

            grad, kwargs = lib.grad, _pytensor_kwargs(system)
        x, y = T.dmatrix("x"), T.dvector("y")
        w, b = lib.shared(w0.copy(), name="w"), lib.shared(0.0, name="b")
        p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
        xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
        cost = xent.mean() + 0.01 * (w**2).sum()
        gw, gb = grad(cost, [w, b])
        f = lib.function([x, y], [p_1 > 0.5, xent], updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)), **kwargs)
        return lambda: f(X, Y)
    if system == "jax":
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)

        @jax.jit
        def step(w, b, x, y):  # type: ignore[no-untyped-def]
            def cost(w, b):  # type: ignore[no-untyped-def]
                p = 1 / (1 + jnp.exp(-(x @ w) - b))
                xent = -y * jnp.log(p) - (1 - y) * jnp.log(1 - p)
                return xent.mean() + 0.01 * (w**2).sum(), (p > 0.5, xent)

            (_, out), (gw, gb) = jax.value_and_grad(cost, argnums=(0, 1), has_aux=True)(w, b)
            return w - 0.1 * gw, b - 0.1 * gb, out

        state = {"w": jnp.asarray(w0), "b": jnp.asarray(0.0)}
        xj, yj = jnp.asarray(X), jnp.asarray(Y)

        def run():  # type: ignore[no-untyped-def]
            state["w"], state["b"], out = step(state["w"], state["b"], xj, yj)
            return jax.block_until_ready(out)

        return run
    return None


def _pytensor_kwargs(system: str) -> dict[str, object]:
    if system == "pytensor-cvm":
        return {"mode": "CVM"}
    if system == "pytensor-trust":
        return {"mode": "CVM", "trust_input": True}
    return {}


def _elementwise(kind: str, n: int):  # type: ignore[no-untyped-def]
    def make(system: str):  # type: ignore[no-untyped-def]
        rng = np.random.RandomState(1)
        a, b = rng.randn(n), rng.randn(n)
        if system == "copy":
            # the machine's limit: a copy into a fresh array moving the same bytes
            # (sigmoid reads and writes 8 bytes per element; the three outputs
            # read 16 and write 24, as a copy of 2.5 elements per element does)
            src = rng.randn(n if kind == "sigmoid" else n * 5 // 2)
            return src.copy
        if system == "numpy":
            if kind == "sigmoid":
                return lambda: 1 / (1 + np.exp(-a))
            def three():  # type: ignore[no-untyped-def]
                d = a - b
                return d, np.abs(d), d**2

            return three
        if system.startswith("symopt"):
            import symopt
            import symopt.tensor as T

            x, y = T.dvectors("x", "y")
            if kind == "sigmoid":
                f = symopt.function([x], 1 / (1 + T.exp(-x)))
                return lambda: f(a)
            d = x - y
            f = symopt.function([x, y], [d, abs(d), d**2])
            return lambda: f(a, b)
        if system.startswith("pytensor"):
            import pytensor
            import pytensor.tensor as pt

            x, y = pt.dvectors("x", "y")
            if kind == "sigmoid":
                f = pytensor.function([x], 1 / (1 + pt.exp(-x)), **_pytensor_kwargs(system))
                return lambda: f(a)
            d = x - y
            f = pytensor.function([x, y], [d, abs(d), d**2], **_pytensor_kwargs(system))
            return lambda: f(a, b)
        if system == "jax":
            import jax
            import jax.numpy as jnp

            jax.config.update("jax_enable_x64", True)
            aj, bj = jnp.asarray(a), jnp.asarray(b)
            if kind == "sigmoid":
                g = jax.jit(lambda v: 1 / (1 + jnp.exp(-v)))
                return lambda: jax.block_until_ready(g(aj))
            def three_jax(u, v):  # type: ignore[no-untyped-def]
                d = u - v
                return d, jnp.abs(d), d**2

            h = jax.jit(three_jax)
            return lambda: jax.block_until_ready(h(aj, bj))
        return None

    make.__doc__ = f"{kind} on {n:.0e} float64 elements, fresh outputs"
    return make


def _call(kind: str):  # type: ignore[no-untyped-def]
    def make(system: str):  # type: ignore[no-untyped-def]
        if system.startswith("symopt"):
            import symopt as lib
            import symopt.tensor as T

            kwargs: dict[str, object] = {"trust_input": True} if system == "symopt-trust" else {}
        elif system.startswith("pytensor"):
            import pytensor as lib
            import pytensor.tensor as T

            kwargs = _pytensor_kwargs(system)
        elif system == "jax" and kind == "add":
            import jax

            g = jax.jit(lambda u, v: u + v)
            return lambda: jax.block_until_ready(g(1.0, 2.0))
        else:
            return None
        trusted = system.endswith("trust")
        if kind == "add":
            x, y = T.dscalars("x", "y")
            f = lib.function([x, y], x + y, **kwargs)
            one, two = (np.array(1.0), np.array(2.0)) if trusted else (1.0, 2.0)
            return lambda: f(one, two)
        state = lib.shared(np.int64(0))
        inc = T.iscalar("inc")
        f = lib.function([inc], state, updates=[(state, state + inc)], **kwargs)
        one = np.array(1, dtype=np.int32) if trusted else 1
        return lambda: f(one)

    make.__doc__ = "call overhead: " + ("f(1, 2) on two dscalars" if kind == "add" else "the tutorial's accumulator")
    return make


def _mlp(system: str):  # type: ignore[no-untyped-def]
    """A step of the 10-layer MLP of compile_scaling.py (16 x 16, batch 64)."""
    if system not in ("symopt", "pytensor-cvm", "jax", "numpy"):
        return None
    rng = np.random.RandomState(0)
    layers, n = 10, 16
    X, Yv = rng.randn(64, n), rng.randn(64, n)
    Ws = [rng.randn(n, n) * 0.1 for _ in range(layers)]
    if system == "numpy":
        state = [w.copy() for w in Ws]
        bs = [np.zeros(n) for _ in range(layers)]

        def step():  # type: ignore[no-untyped-def]
            hs = [X]
            for w, b in zip(state, bs):
                hs.append(np.tanh(hs[-1] @ w + b))
            g = 2 * (hs[-1] - Yv)
            for i in range(layers - 1, -1, -1):
                g = g * (1 - hs[i + 1] ** 2)
                gw, gb = hs[i].T @ g, g.sum(0)
                g = g @ state[i].T
                state[i] = state[i] - 0.01 * gw
                bs[i] = bs[i] - 0.01 * gb
            return ((hs[-1] - Yv) ** 2).sum()

        return step
    if system == "jax":
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)

        def cost(ps, x, y):  # type: ignore[no-untyped-def]
            h = x
            for w, b in ps:
                h = jnp.tanh(h @ w + b)
            return ((h - y) ** 2).sum()

        @jax.jit
        def step(ps, x, y):  # type: ignore[no-untyped-def]
            c, g = jax.value_and_grad(cost)(ps, x, y)
            return [(w - 0.01 * gw, b - 0.01 * gb) for (w, b), (gw, gb) in zip(ps, g)], c

        st = {"ps": [(jnp.asarray(w), jnp.zeros(n)) for w in Ws]}
        xj, yj = jnp.asarray(X), jnp.asarray(Yv)

        def run():  # type: ignore[no-untyped-def]
            st["ps"], c = step(st["ps"], xj, yj)
            return jax.block_until_ready(c)

        return run
    if system == "symopt":
        import symopt as lib
        import symopt.tensor as T

        grad, kwargs = T.grad, {}
    else:
        import pytensor as lib
        import pytensor.tensor as T

        grad, kwargs = lib.grad, {"mode": "CVM"}
    x, y = T.dmatrix("x"), T.dmatrix("y")
    h, params = x, []
    for i, w0 in enumerate(Ws):
        w, b = lib.shared(w0.copy(), name=f"W{i}"), lib.shared(np.zeros(n), name=f"b{i}")
        params += [w, b]
        h = T.tanh(T.dot(h, w) + b)
    c = ((h - y) ** 2).sum()
    gs = grad(c, params)
    f = lib.function([x, y], c, updates=[(p, p - 0.01 * g) for p, g in zip(params, gs)], **kwargs)
    return lambda: f(X, Yv)


def _lenet(system: str):  # type: ignore[no-untyped-def]
    """A training step of a LeNet layer: ``tanh(maxpool(conv2d(x, W)) + b)`` on a
    batch of 500 28x28 images, 1 -> 20 channels, 5x5 filters, 2x2 pooling; its
    gradient with respect to W and b, and the SGD update. PyTensor has no
    ``conv2d``/``pool_2d`` any more: it runs ``signal.convolve2d`` (flipped filters,
    a convolution as ``conv2d``'s) and pools by reshaping; JAX ``lax.conv`` and
    ``lax.reduce_window``."""
    if system not in ("symopt", "pytensor-cvm", "jax"):
        return None
    rng = np.random.RandomState(0)
    X = rng.rand(500, 1, 28, 28)
    W0 = rng.randn(20, 1, 5, 5) * 0.1
    if system == "jax":
        import jax
        import jax.numpy as jnp
        from jax import lax

        jax.config.update("jax_enable_x64", True)

        def cost(params, x):  # type: ignore[no-untyped-def]
            w, b = params
            c = lax.conv_general_dilated(x, w[:, :, ::-1, ::-1], (1, 1), "VALID")
            p = lax.reduce_window(c, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
            return (jnp.tanh(p + b[None, :, None, None]) ** 2).mean()

        @jax.jit
        def step(params, x):  # type: ignore[no-untyped-def]
            c, g = jax.value_and_grad(cost)(params, x)
            return [p - 0.1 * gp for p, gp in zip(params, g)], c

        st = {"p": [jnp.asarray(W0), jnp.zeros(20)]}
        xj = jnp.asarray(X)

        def run():  # type: ignore[no-untyped-def]
            st["p"], c = step(st["p"], xj)
            return jax.block_until_ready(c)

        return run
    if system == "symopt":
        import symopt as lib
        import symopt.tensor as T
        from symopt.tensor.nnet import conv2d
        from symopt.tensor.signal.pool import pool_2d

        x = T.dtensor4("x")
        w, b = lib.shared(W0.copy(), name="W"), lib.shared(np.zeros(20), name="b")
        p = pool_2d(conv2d(x, w, filter_shape=(20, 1, 5, 5)), (2, 2), ignore_border=True)
        kwargs: dict[str, object] = {}
    else:
        import pytensor as lib
        import pytensor.tensor as T
        from pytensor.tensor.signal import convolve2d

        x = T.dtensor4("x")
        w, b = lib.shared(W0.copy(), name="W"), lib.shared(np.zeros(20), name="b")
        c = convolve2d(x[:, None, 0], w[None, :, 0], mode="valid")
        p = c.reshape((c.shape[0], c.shape[1], 12, 2, 12, 2)).max(axis=(3, 5))
        kwargs = {"mode": "CVM"}
    out = T.tanh(p + b.dimshuffle("x", 0, "x", "x"))
    cost = (out**2).mean()
    gw, gb = lib.grad(cost, [w, b])
    f = lib.function([x], cost, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)], **kwargs)
    return lambda: f(X)


def _rnn(system: str):  # type: ignore[no-untyped-def]
    """A training step of an Elman RNN over 100 steps with ``scan``: h_t =
    tanh(x_t W + h_{t-1} U + b), batch 32, 64 inputs and units, the cost on every
    step's state, its gradient through the loop (BPTT) and the SGD update. JAX
    runs ``lax.scan``."""
    if system not in ("symopt", "pytensor-cvm", "jax"):
        return None
    rng = np.random.RandomState(0)
    steps, batch, n = 100, 32, 64
    X = rng.randn(steps, batch, n)
    W0, U0 = rng.randn(n, n) * 0.1, rng.randn(n, n) * 0.1
    if system == "jax":
        import jax
        import jax.numpy as jnp
        from jax import lax

        jax.config.update("jax_enable_x64", True)

        def cost(params, xs):  # type: ignore[no-untyped-def]
            w, u, b = params

            def cell(h, x_t):  # type: ignore[no-untyped-def]
                h2 = jnp.tanh(x_t @ w + h @ u + b)
                return h2, h2

            _, hs = lax.scan(cell, jnp.zeros((batch, n)), xs)
            return (hs**2).mean()

        @jax.jit
        def step(params, xs):  # type: ignore[no-untyped-def]
            c, g = jax.value_and_grad(cost)(params, xs)
            return [p - 0.1 * gp for p, gp in zip(params, g)], c

        st = {"p": [jnp.asarray(W0), jnp.asarray(U0), jnp.zeros(n)]}
        xj = jnp.asarray(X)

        def run():  # type: ignore[no-untyped-def]
            st["p"], c = step(st["p"], xj)
            return jax.block_until_ready(c)

        return run
    if system == "symopt":
        import symopt as lib
        import symopt.tensor as T

        kwargs: dict[str, object] = {}
    else:
        import pytensor as lib
        import pytensor.tensor as T

        kwargs = {"mode": "CVM"}
    xs = T.dtensor3("xs")
    w, u = lib.shared(W0.copy(), name="W"), lib.shared(U0.copy(), name="U")
    b = lib.shared(np.zeros(n), name="b")
    hs, _ = lib.scan(lambda x_t, h: T.tanh(T.dot(x_t, w) + T.dot(h, u) + b),
                     sequences=xs, outputs_info=T.zeros((batch, n)))
    cost = (hs**2).mean()
    grads = lib.grad(cost, [w, u, b])
    f = lib.function([xs], cost, updates=[(p, p - 0.1 * g) for p, g in zip([w, u, b], grads)], **kwargs)
    return lambda: f(X)


WORKLOADS: dict[str, Callable[[str], object]] = {
    "logistic_train": logistic,
    "sigmoid_1e3": _elementwise("sigmoid", 10**3),
    "sigmoid_1e6": _elementwise("sigmoid", 10**6),
    "sigmoid_1e7": _elementwise("sigmoid", 10**7),
    "three_outputs_1e3": _elementwise("three", 10**3),
    "three_outputs_1e6": _elementwise("three", 10**6),
    "three_outputs_1e7": _elementwise("three", 10**7),
    "call_accumulator": _call("accumulator"),
    "call_add": _call("add"),
    "mlp10_step": _mlp,
    "lenet_layer_step": _lenet,
    "rnn_scan100_step": _rnn,
}

COMPILE_SYSTEMS = ["symopt", "pytensor-cvm", "jax"]


def _compile_logistic(system: str) -> float:
    """Seconds from nothing compiled to a callable ``train`` (in this process)."""
    # the libraries are imported first, as the tutorial does (``import
    # theano.tensor as T``, ``from theano import function``): the time is the
    # compilation's alone
    if system == "symopt":
        import symopt.tensor  # noqa: F401
        from symopt import function  # noqa: F401
    elif system.startswith("pytensor"):
        import pytensor.tensor  # noqa: F401
        from pytensor import function  # noqa: F401
    else:
        import jax.numpy  # noqa: F401
    data = _logistic_data()  # made before: drawing 400 x 784 normals is not compiling
    start = time.perf_counter()
    if system == "jax":
        f = logistic("jax", data)
        assert f is not None
        f()
    else:
        f = logistic(system, data)
    return time.perf_counter() - start


def _worker(workload: str, system: str) -> None:
    if workload.startswith("compile_"):
        print(json.dumps({"seconds": _compile_logistic(system)}))
        return
    # symopt-trust: the call workloads only (every other is the same code as symopt's)
    fn = None if system == "symopt-trust" and not workload.startswith("call_") else WORKLOADS[workload](system)
    if fn is None:
        print(json.dumps({"seconds": None}))
        return
    print(json.dumps({"seconds": _timeit(fn)}))  # type: ignore[arg-type]


def _spawn(workload: str, system: str, env: dict[str, str] | None = None) -> float | None:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", workload, system],
        capture_output=True, text=True, env=env or os.environ.copy(), timeout=900, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        print(f"  {workload} / {system}: {last[:100]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]


def _available(system: str) -> bool:
    name = system.split("-")[0]
    if name in ("numpy", "symopt"):
        return True
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} us"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="workloads to run (default: all)")
    parser.add_argument("--no-compile", action="store_true", help="skip the compile_* workloads")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(*args.worker)
        return
    systems = [s for s in SYSTEMS if _available(s)]
    names = [n for n in (args.only or list(WORKLOADS)) if n != "compile"]
    samples: dict[tuple[str, str], list[float]] = {}
    for r in range(args.rounds):
        for name in names:
            for system in systems if r % 2 == 0 else systems[::-1]:
                t = _spawn(name, system)
                if t is not None:
                    samples.setdefault((name, system), []).append(t)
    rows = [(name, {s: statistics.median(samples[name, s]) for s in systems if (name, s) in samples}) for name in names]
    if not args.no_compile and (not args.only or "compile" in args.only):
        for kind in ("cold", "warm"):
            medians: dict[str, float] = {}
            for system in (s for s in COMPILE_SYSTEMS if s in systems):
                values = []
                for _ in range(args.rounds):
                    with tempfile.TemporaryDirectory() as cache:
                        env = {**os.environ, "SYMOPT_CACHE_DIR": cache,
                               "PYTENSOR_FLAGS": f"compiledir={cache}"}  # fmt: skip
                        t = _spawn("compile_logistic", system, env)
                        if kind == "warm":
                            t = _spawn("compile_logistic", system, env)
                        if t is not None:
                            values.append(t)
                if values:
                    medians[system] = statistics.median(values)
            rows.append((f"compile_logistic_{kind}", medians))
    shown = [s for s in systems if any(s in r for _, r in rows)]
    width = max(len(n) for n, _ in rows) + 2
    print(f"{'workload':<{width}}" + "".join(f"{s:>22}" for s in shown))
    for name, r in rows:
        base = r.get("symopt")
        cells = []
        for s in shown:
            t = r.get(s)
            ratio = f" ({t / base:.2f}x)" if t is not None and base and s != "symopt" else ""
            cells.append(f"{_fmt(t) + ratio:>22}")
        print(f"{name:<{width}}" + "".join(cells))
    print("\n(x): the system's time over symopt's; above 1, symopt is faster.")


if __name__ == "__main__":
    main()
