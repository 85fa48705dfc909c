"""loop.dot on operands where they lie: transposed, sliced, strided, broadcast or
reversed views reach BLAS with the right trans flags and leading dimensions, or are
copied first; every layout agrees with NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import symopt
import symopt.tensor as T

rng = np.random.RandomState(42)
A = rng.randn(7, 5)
B = rng.randn(5, 6)
V5 = rng.randn(5)
V7 = rng.randn(7)

MATRIX_VIEWS = {
    "plain": (lambda m: m, lambda a: a),
    "transposed": (lambda m: m.T.T, lambda a: a),
    "rows_step": (lambda m: m[::2], lambda a: a[::2]),
    "cols_step": (lambda m: m[:, ::2], lambda a: a[:, ::2]),
    "reversed": (lambda m: m[::-1], lambda a: a[::-1]),
    "both_steps": (lambda m: m[1::2, ::2], lambda a: a[1::2, ::2]),
    "window": (lambda m: m[1:4, 1:4], lambda a: a[1:4, 1:4]),
}


def _check(build, args, want):  # type: ignore[no-untyped-def]
    for mode in ("native", "py"):
        f = symopt.function(*build(), mode=mode)
        np.testing.assert_allclose(f(*args), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("view", sorted(MATRIX_VIEWS))
@pytest.mark.parametrize("transpose", [False, True])
def test_matrix_vector(view, transpose):
    sym_view, np_view = MATRIX_VIEWS[view]
    a_value = A.T.copy() if transpose else A
    a = T.dmatrix("a")
    operand = sym_view(a.T if transpose else a)
    expected_a = np_view(a_value.T if transpose else a_value)
    v = T.dvector("v")
    vec = rng.randn(expected_a.shape[1])
    _check(lambda: ([a, v], T.dot(operand, v)), (a_value, vec), expected_a @ vec)
    w = rng.randn(expected_a.shape[0])
    _check(lambda: ([a, v], T.dot(v, operand)), (a_value, w), w @ expected_a)


@pytest.mark.parametrize("left", sorted(MATRIX_VIEWS))
@pytest.mark.parametrize("right", ["plain", "transposed_input", "cols_step", "reversed"])
def test_matrix_matrix(left, right):
    sym_l, np_l = MATRIX_VIEWS[left]
    a, b = T.dmatrix("a"), T.dmatrix("b")
    la = np_l(A)
    k = la.shape[1]
    if right == "plain":
        b_value = rng.randn(k, 4)
        rb, nb = b, b_value
    elif right == "transposed_input":
        b_value = rng.randn(4, k)
        rb, nb = b.T, b_value.T
    elif right == "cols_step":
        b_value = rng.randn(k, 8)
        rb, nb = b[:, ::2], b_value[:, ::2]
    else:
        b_value = rng.randn(k, 3)
        rb, nb = b[::-1], b_value[::-1]
    _check(lambda: ([a, b], T.dot(sym_l(a), rb)), (A, b_value), la @ nb)


def test_vector_views():
    x, y = T.dvector("x"), T.dvector("y")
    xv, yv = rng.randn(10), rng.randn(10)
    _check(lambda: ([x, y], T.dot(x[::2], y[1::2])), (xv, yv), xv[::2] @ yv[1::2])
    _check(lambda: ([x, y], T.dot(x[::-1], y)), (xv, yv), xv[::-1] @ yv)


def test_broadcast_operand_is_copied():
    """A stride-0 (broadcast) matrix cannot be addressed by BLAS: it is copied."""
    v, m = T.dvector("v"), T.dmatrix("m")
    rows = T.alloc(v, 4, v.shape[0])  # every row is v
    vv, mv = rng.randn(3), rng.randn(3, 2)
    _check(lambda: ([v, m], T.dot(rows, m)), (vv, mv), np.tile(vv, (4, 1)) @ mv)
    _check(lambda: ([v], T.dot(rows.T, rows)), (vv,), np.tile(vv, (4, 1)).T @ np.tile(vv, (4, 1)))


def test_empty_inner_dimension_gives_zeros():
    a, b = T.dmatrix("a"), T.dmatrix("b")
    _check(lambda: ([a, b], T.dot(a.T, b)), (np.zeros((0, 3)), np.zeros((0, 2))), np.zeros((3, 2)))


def test_float32_transposed():
    a, b = T.fmatrix("a"), T.fmatrix("b")
    av, bv = rng.randn(6, 4).astype(np.float32), rng.randn(6, 3).astype(np.float32)
    f = symopt.function([a, b], T.dot(a.T, b))
    np.testing.assert_allclose(f(av, bv), av.T @ bv, rtol=1e-5)


def test_logistic_gradient_reads_x_in_place():
    """The tutorial's dot(x.T, g) makes no copy of x: no map reads %x in the
    bufferized IR, and x.T is a loop.view passed to loop.dot."""
    x, y = T.dmatrix("x"), T.dvector("y")
    w = symopt.shared(np.zeros(5), name="w")
    p = 1 / (1 + T.exp(-T.dot(x, w)))
    gw = T.grad(((p - y) ** 2).mean(), w)
    f = symopt.function([x, y], [], updates=[(w, w - 0.1 * gw)])
    ir = f.ir("bufferized")
    assert "loop.view %x" in ir
    assert not any(line.strip().startswith("loop.map ins(%x") for line in ir.splitlines())


@pytest.mark.parametrize("interface", ["ilp64", "lp64"])
def test_blas_interfaces(interface, monkeypatch):
    """Compiled code calls the OpenBLAS NumPy bundles (64-bit integers: imports
    symopt_dgemm64, ...) where there is one, else scipy's (32-bit integers:
    symopt_dgemm, ...); both give NumPy's products, in float64 and float32."""
    from symopt.configparser import config
    from symopt.lowering import native_abi

    if interface == "lp64":
        monkeypatch.setattr(native_abi, "numpy_openblas64", lambda: None)
    elif native_abi.numpy_openblas64() is None:
        pytest.skip("this NumPy bundles no OpenBLAS with 64-bit integers")
    # the cache key's BLAS part is taken once per process: no disk cache here
    monkeypatch.setattr(config, "cache_dir", "")
    suffix, scale = ("64", 1.25) if interface == "ilp64" else ("", 1.5)
    for dtype, rtol in (("float64", 1e-12), ("float32", 1e-5)):
        a, b, v = T.matrix("a", dtype=dtype), T.matrix("b", dtype=dtype), T.vector("v", dtype=dtype)
        # constants of their own: no other test compiled the same graph
        f = symopt.function([a, b, v], [T.dot(a.T, b) * scale, T.dot(a, v) * 0.75])
        av, bv, vv = (rng.randn(*s).astype(dtype) for s in ((6, 4), (6, 3), (4,)))
        got_mm, got_mv = f(av, bv, vv)
        np.testing.assert_allclose(got_mm, av.T @ bv * scale, rtol=rtol)
        np.testing.assert_allclose(got_mv, av @ vv * 0.75, rtol=rtol)
        llvm = f.ir("llvm")
        prefix = "d" if dtype == "float64" else "s"
        for kind in ("gemm", "gemv"):
            assert f'@"symopt.import.symopt_{prefix}{kind}{suffix}"' in llvm
