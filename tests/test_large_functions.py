"""Large functions: the entry function translated in parts, kernels shared.

A long entry block becomes several LLVM functions that pass values through a
frame, and identical loop nests share one kernel. These compare native code
with the reference executor where that machinery is exercised.
"""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T


def _mlp(layers: int, n: int = 5, seed: int = 0):  # type: ignore[no-untyped-def]
    rng = np.random.RandomState(seed)
    x, y = T.dmatrix("x"), T.dmatrix("y")
    h, params = x, []
    for i in range(layers):
        w = symopt.shared(rng.randn(n, n) * 0.5, name=f"W{i}")
        b = symopt.shared(rng.randn(n) * 0.1, name=f"b{i}")
        params += [w, b]
        h = T.tanh(T.dot(h, w) + b)
    cost = ((h - y) ** 2).sum()
    grads = T.grad(cost, params)
    return x, y, cost, params, grads


def test_deep_mlp_native_matches_reference() -> None:
    """30 layers with gradient updates: thousands of top-level ops, so the entry
    function is split into parts; every output and update matches."""
    results = {}
    for mode in ("native", "py"):
        x, y, cost, params, grads = _mlp(30)
        f = symopt.function(
            [x, y], [cost, *grads[:2]], updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)], mode=mode
        )
        rng = np.random.RandomState(1)
        outs = [f(rng.randn(4, 5), rng.randn(4, 5)) for _ in range(3)]
        results[mode] = (outs, [p.get_value() for p in params])
        if mode == "native":
            assert "main.part2" in f.ir("llvm")
    (native, native_params), (ref, ref_params) = results["native"], results["py"]
    for a, b in zip(native, ref):
        for u, v in zip(a, b):
            np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-12)
    for u, v in zip(native_params, ref_params):
        np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-12)


def test_deep_mlp_error_in_a_late_part_changes_nothing() -> None:
    x, y, cost, params, grads = _mlp(30)
    f = symopt.function([x, y], cost, updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)])
    before = [p.get_value() for p in params]
    last_w = params[-2]
    last_w.set_value(np.zeros((5, 6)))
    with pytest.raises(ValueError, match="shape mismatch"):
        f(np.ones((4, 5)), np.ones((4, 5)))
    with pytest.raises(ValueError, match="shape mismatch"):
        f(np.ones((4, 5)), np.ones((4, 6)))
    last_w.set_value(before[-2])
    for p, v in zip(params, before):
        np.testing.assert_array_equal(p.get_value(), v)
    assert np.isfinite(f(np.ones((4, 5)), np.ones((4, 5))))


@pytest.mark.parametrize("sizes", [(3, 3), (0, 4), (4, 0), (2, 5, 2), (1, 1, 1, 1)])
def test_concatenate_pieces_share_a_kernel(sizes: tuple[int, ...]) -> None:
    """Copies into a concatenation differ only in the offset (0, then a size):
    a shared kernel must take the offset as a parameter."""
    xs = [T.dvector(f"x{i}") for i in range(len(sizes))]
    f = symopt.function(xs, T.concatenate([x * 2 for x in xs]))
    g = symopt.function(xs, T.concatenate([x * 2 for x in xs]), mode="py")
    args = [np.arange(float(n)) + 10 * i for i, n in enumerate(sizes)]
    np.testing.assert_array_equal(f(*args), g(*args))
    np.testing.assert_array_equal(f(*args), np.concatenate(args) * 2)


def test_cse_compares_regions_only_of_equal_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """cse on 200 loop.map ops over one input, all different: no two meet in a
    hash bucket, so regions are never compared (xDSL's key ignores regions and
    compared each map with every earlier one, quadratic); 200 equal ones merge
    with one comparison each. The outputs match the reference executor."""
    from xdsl.ir import Region

    compared = []
    original = Region.is_structurally_equivalent

    def counting(self, other, context=None):  # type: ignore[no-untyped-def]
        compared.append(1)
        return original(self, other, context)

    monkeypatch.setattr(Region, "is_structurally_equivalent", counting)
    x = T.dvector("x")
    different = [x * k + k for k in range(200)]
    f = symopt.function([x], different)
    assert len(compared) < 30
    v = np.arange(4.0)
    for k, out in enumerate(f(v)):
        np.testing.assert_array_equal(out, v * k + k)
    compared.clear()
    same = [T.exp(x) * 2 + 1 for _ in range(200)]
    g = symopt.function([x], same)
    assert len(compared) <= 400
    for out in g(v):
        np.testing.assert_allclose(out, np.exp(v) * 2 + 1, rtol=1e-15)
