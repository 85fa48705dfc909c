"""Side-by-side timings: symopt (native and reference) against NumPy, and against
PyTensor and JAX when they are installed, as ratios to NumPy.

    python benchmarks/bench.py            # all cases
    python benchmarks/bench.py --quick    # fewer repetitions

Each case computes the same values with every implementation (checked before
timing); the table gives the median time per call and the ratio to NumPy (lower
is better).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

import symopt
import symopt.tensor as T
from peers import numpy_logistic_step  # this folder is on the path when run as a script


def _time(fn: Callable[[], object], repeat: int, number: int) -> float:
    fn()  # warm up (and compile, for the JITs)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def _optional(name: str):  # type: ignore[no-untyped-def]
    try:
        return __import__(name)
    except ImportError:
        return None


def case_logistic_step(rng: np.random.RandomState) -> dict[str, Callable[[], object]]:
    """One training step of the tutorial's logistic regression (400 x 784)."""
    X, Y = rng.randn(400, 784), rng.randint(0, 2, 400).astype(np.float64)
    w0 = rng.randn(784) * 0.01

    def build(mode: str):  # type: ignore[no-untyped-def]
        x, y = T.dmatrix("x"), T.dvector("y")
        w = symopt.shared(w0.copy(), name="w")
        b = symopt.shared(0.0, name="b")
        p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
        xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
        cost = xent.mean() + 0.01 * (w**2).sum()
        gw, gb = T.grad(cost, [w, b])
        f = symopt.function(
            [x, y], [p_1 > 0.5, xent], updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)), mode=mode
        )
        return lambda: f(X, Y)

    numpy_step = numpy_logistic_step(X, Y, w0)

    impls = {"numpy": numpy_step, "symopt": build("native"), "symopt-py": build("py")}
    pytensor = _optional("pytensor")
    if pytensor is not None:
        import pytensor.tensor as pt

        x, y = pt.dmatrix("x"), pt.dvector("y")
        w = pytensor.shared(w0.copy(), name="w")
        b = pytensor.shared(0.0, name="b")
        p_1 = 1 / (1 + pt.exp(-pt.dot(x, w) - b))
        xent = -y * pt.log(p_1) - (1 - y) * pt.log(1 - p_1)
        cost = xent.mean() + 0.01 * (w**2).sum()
        gw, gb = pytensor.grad(cost, [w, b])
        f = pytensor.function([x, y], [p_1 > 0.5, xent], updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
        impls["pytensor"] = lambda: f(X, Y)
    jax = _optional("jax")
    if jax is not None:
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)

        def loss(w, b, x, y):  # type: ignore[no-untyped-def]
            z = x @ w + b
            xent = jax.nn.softplus(-z) * y + jax.nn.softplus(z) * (1 - y)
            return xent.mean() + 0.01 * (w**2).sum(), xent

        @jax.jit
        def step(w, b, x, y):  # type: ignore[no-untyped-def]
            (_, xent), (gw, gb) = jax.value_and_grad(loss, argnums=(0, 1), has_aux=True)(w, b, x, y)
            return w - 0.1 * gw, b - 0.1 * gb, jax.nn.sigmoid(x @ w + b) > 0.5, xent

        jstate = {"w": jnp.asarray(w0), "b": jnp.asarray(0.0)}
        jX, jY = jnp.asarray(X), jnp.asarray(Y)

        def jax_step():  # type: ignore[no-untyped-def]
            w, b, pred, xent = step(jstate["w"], jstate["b"], jX, jY)
            jstate["w"], jstate["b"] = w, b
            return jax.block_until_ready(xent)

        impls["jax"] = jax_step
    return impls


def case_elementwise(rng: np.random.RandomState) -> dict[str, Callable[[], object]]:
    """A chain of elementwise ops on a 1000 x 1000 matrix (fused into one loop)."""
    A = rng.randn(1000, 1000)
    x = T.dmatrix("x")
    expr = T.tanh(x * 2 + 1) * T.exp(-x * x) + abs(x)
    f = symopt.function([x], expr)
    g = symopt.function([x], expr, mode="py")
    impls = {
        "numpy": lambda: np.tanh(A * 2 + 1) * np.exp(-A * A) + np.abs(A),
        "symopt": lambda: f(A),
        "symopt-py": lambda: g(A),
    }
    np.testing.assert_allclose(f(A), impls["numpy"](), rtol=1e-12)
    return impls


def case_reduction(rng: np.random.RandomState) -> dict[str, Callable[[], object]]:
    """Row sums of squares of a 2000 x 500 matrix."""
    A = rng.randn(2000, 500)
    x = T.dmatrix("x")
    f = symopt.function([x], (x * x).sum(axis=1))
    impls = {"numpy": lambda: (A * A).sum(axis=1), "symopt": lambda: f(A)}
    np.testing.assert_allclose(f(A), impls["numpy"](), rtol=1e-12)
    return impls


CASES = [case_logistic_step, case_elementwise, case_reduction]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeat, number = (3, 10) if args.quick else (7, 30)
    rng = np.random.RandomState(0)
    print(f"{'case':<20} {'implementation':<12} {'time/call':>12} {'vs numpy':>9}")
    for case in CASES:
        impls = case(rng)
        times = {name: _time(fn, repeat, number) for name, fn in impls.items()}
        base = times["numpy"]
        for name, t in times.items():
            print(f"{case.__name__[5:]:<20} {name:<12} {t * 1e6:>10.1f}us {t / base:>8.2f}x")


if __name__ == "__main__":
    main()
