"""GPU figures, on a machine with a CUDA device and pycuda (``pip install -e
'.[cuda,bench]'``):

    python benchmarks/gpu.py [--n 100000000] [--repeat 10]

prints, for the fused sigmoid and the tutorial's 3-output kernel on ``n`` float64
elements, the median time and the effective bandwidth (bytes read and written
per second) next to a device-to-device copy of the same bytes, as a ratio; then
the logistic-regression training step (400 x 784) against JAX's jit on the same
GPU, when JAX sees it. Outputs stay on the device (``device_outputs=True``) so
that the kernels, not the transfers, are timed.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def _median_seconds(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    from symopt.runtime.cuda import _driver

    drv = _driver()
    fn()
    drv.Context.synchronize()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        drv.Context.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    import symopt
    import symopt.tensor as T
    from symopt.runtime.cuda import DeviceArray, _driver, require_device, to_device

    require_device()
    drv = _driver()
    mode = symopt.Mode("cuda", device_outputs=True)
    n = args.n
    host = np.random.RandomState(0).rand(n)
    a_dev, b_dev = to_device(host), to_device(host[::-1].copy())

    copy_out = DeviceArray.empty((n,), np.float64)
    copy_s = _median_seconds(lambda: drv.memcpy_dtod(copy_out.ptr, a_dev.ptr, 8 * n), args.repeat)
    copy_bw = 16 * n / copy_s
    print(f"device-to-device copy of {n:.0e} float64: {copy_s * 1e3:.2f} ms, {copy_bw / 1e9:.0f} GB/s")

    x = T.dvector("x")
    sigmoid = symopt.function([x], 1 / (1 + T.exp(-x)), mode=mode)
    s = _median_seconds(lambda: sigmoid(a_dev), args.repeat)
    print(f"sigmoid: {s * 1e3:.2f} ms, {16 * n / s / 1e9:.0f} GB/s = {16 * n / s / copy_bw:.0%} of copy")

    a, b = T.dvectors("a", "b")
    diff = a - b
    three = symopt.function([a, b], [diff, abs(diff), diff**2], mode=mode)
    s = _median_seconds(lambda: three(a_dev, b_dev), args.repeat)
    print(f"3-output: {s * 1e3:.2f} ms, {40 * n / s / 1e9:.0f} GB/s = {40 * n / s / copy_bw:.0%} of copy")

    rng = np.random.RandomState(1)
    N, feats = 400, 784
    D = (rng.randn(N, feats), rng.randint(0, 2, N).astype("float64"))
    xm, y = T.dmatrix("x"), T.dvector("y")
    w = symopt.shared(rng.randn(feats) * 0.01, name="w")
    bias = symopt.shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(xm, w) - bias))
    cost = (-y * T.log(p_1) - (1 - y) * T.log(1 - p_1)).mean() + 0.01 * (w**2).sum()
    gw, gb = T.grad(cost, [w, bias])
    train = symopt.function([xm, y], cost, updates=[(w, w - 0.1 * gw), (bias, bias - 0.1 * gb)], mode=mode)
    dx, dy = to_device(D[0]), to_device(D[1])
    s = _median_seconds(lambda: train(dx, dy), max(args.repeat, 50))
    print(f"logistic train step: {s * 1e6:.0f} us")
    try:
        import jax
        import jax.numpy as jnp

        if jax.default_backend() != "gpu":
            print(f"JAX runs on {jax.default_backend()}, not the GPU: no comparison")
            return
        jax.config.update("jax_enable_x64", True)

        @jax.jit
        def step(w, b, x, y):  # type: ignore[no-untyped-def]
            def loss(w, b):  # type: ignore[no-untyped-def]
                p = 1 / (1 + jnp.exp(-x @ w - b))
                return (-y * jnp.log(p) - (1 - y) * jnp.log(1 - p)).mean() + 0.01 * (w**2).sum()

            c, (gw, gb) = jax.value_and_grad(loss, argnums=(0, 1))(w, b)
            return c, w - 0.1 * gw, b - 0.1 * gb

        jw, jb = jnp.asarray(w.get_value()), jnp.asarray(0.0)
        jx, jy = jnp.asarray(D[0]), jnp.asarray(D[1])
        step(jw, jb, jx, jy)[0].block_until_ready()
        times = []
        for _ in range(max(args.repeat, 50)):
            start = time.perf_counter()
            c, jw, jb = step(jw, jb, jx, jy)
            c.block_until_ready()
            times.append(time.perf_counter() - start)
        j = statistics.median(times)
        print(f"JAX jit step: {j * 1e6:.0f} us; symopt / JAX = {s / j:.2f}")
    except ImportError:
        print("JAX is not installed: no comparison")


if __name__ == "__main__":
    main()
