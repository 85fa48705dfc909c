"""The GPU pipeline: the kernels that ``convert-loop-to-gpu`` makes, run by the
emulator on every machine and compared with the reference executor; their PTX,
checked by ptxas where it is installed; and, on a machine with a CUDA device and
pycuda, the same functions run for real (``gpu`` mark)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symopt
import symopt.tensor as T
from symopt.dialects.context import parse_module
from symopt.passes import run_pipeline

EMU = "gpu-emulator"


def _both(inputs, outputs, values, updates=None, **kw):
    """The emulated GPU's and the reference executor's results (and the shared
    values after each)."""
    shared = [u[0] for u in updates or []]
    start = [s.get_value() for s in shared]
    f = symopt.function(inputs, outputs, updates=updates, mode=EMU, **kw)
    got = f(*values)
    after_gpu = [s.get_value() for s in shared]
    for s, v in zip(shared, start):
        s.set_value(v)
    g = symopt.function(inputs, outputs, updates=updates, mode="py", **kw)
    want = g(*values)
    after_py = [s.get_value() for s in shared]
    return got, want, after_gpu, after_py


def _close(got, want, exact=False):
    got = got if isinstance(got, list) else [got]
    want = want if isinstance(want, list) else [want]
    assert len(got) == len(want)
    for a, b in zip(got, want):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, b.shape, a.dtype, b.dtype)
        if exact or a.dtype.kind in "biu":
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


rng = np.random.RandomState(42)


# -- elementwise and broadcasting --------------------------------------------------------


def test_elementwise_contiguous_and_strided():
    x = T.dmatrix("x")
    y = T.dvector("y")
    outs = [1 / (1 + T.exp(-x)), T.tanh(x) * y, x.T + 1, x[::2, ::-1] ** 2, T.log1p(abs(x)) - T.expm1(x)]
    X, Y = rng.randn(5, 3), rng.randn(3)
    got, want, *_ = _both([x, y], outs, [X, Y])
    _close(got, want)


def test_broadcast_and_dtypes():
    a = T.imatrix("a")
    b = T.row("b", dtype="int8")
    c = T.bvector("c")
    outs = [a * b + 3, a // 2, T.eq(a, 1) | T.gt(b, 0), c.astype("float32") * 0.5, T.switch(T.gt(a, 0), a, -a)]
    A = rng.randint(-5, 5, (4, 3)).astype("int32")
    B = rng.randint(-3, 3, (1, 3)).astype("int8")
    C = rng.randint(-9, 9, 7).astype("int8")
    got, want, *_ = _both([a, b, c], outs, [A, B, C])
    _close(got, want)


def test_empty_and_size_one():
    x = T.dmatrix("x")
    for X in (np.zeros((0, 3)), np.zeros((1, 1)), rng.randn(1, 4)):
        got, want, *_ = _both([x], [T.exp(x), x.sum(axis=0), x.sum(axis=1), x.sum()], [X])
        _close(got, want)


# -- reductions --------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), -1])
def test_reductions_over_each_axis(axis):
    x = T.dmatrix("x")
    X = rng.randn(6, 5)
    X[2, 3] = X[4, 1] = X.max() + 1  # ties: the first position wins
    outs = [x.sum(axis=axis), x.prod(axis=axis), x.max(axis=axis), x.min(axis=axis), x.mean(axis=axis)]
    if axis is None or isinstance(axis, int):
        outs += [T.argmax(x, axis=axis), T.argmin(x, axis=axis)]
    got, want, *_ = _both([x], outs, [X])
    _close(got, want)


def test_reductions_of_integers_and_booleans():
    a = T.imatrix("a")
    A = rng.randint(-4, 4, (5, 7)).astype("int32")
    outs = [a.sum(axis=0), a.max(axis=1), T.argmax(a, axis=0), T.any(T.gt(a, 2), axis=1), T.all(T.gt(a, -4))]
    got, want, *_ = _both([a], outs, [A])
    _close(got, want)


def test_argmax_with_nans_keeps_the_first_nan():
    x = T.dmatrix("x")
    X = rng.randn(4, 300)
    X[1, 280] = X[1, 17] = np.nan
    X[3, 299] = np.nan
    got, want, *_ = _both([x], [T.argmax(x, axis=1), T.argmin(x, axis=1), x.max(axis=1)], [X])
    _close(got, want)


def test_long_reduction_uses_partials_per_block():
    """More elements than one block takes: per-block partials, then a final pass."""
    v = T.dvector("v")
    V = rng.randn(9000)
    f = symopt.function([v], [v.sum(), v.max(), v.mean()], mode=EMU)
    assert "partials" in f.ir("gpu") and "final" in f.ir("gpu")
    got = f(V)
    np.testing.assert_allclose(got[0], V.sum(), rtol=1e-12)
    assert got[1] == V.max()
    np.testing.assert_allclose(got[2], V.mean(), rtol=1e-12)


# -- dot ---------------------------------------------------------------------------------


def test_dot_shapes_and_layouts():
    a = T.dmatrix("a")
    b = T.dmatrix("b")
    v = T.dvector("v")
    outs = [T.dot(a, b), T.dot(a, v), T.dot(v, b.T), T.dot(v, v), T.dot(a.T, a), T.dot(b[::2], a.T[::-1])]
    A, B = rng.randn(19, 17), rng.randn(21, 17)
    Bt = np.ascontiguousarray(B.T)
    got, want, *_ = _both([a, b], outs[:1], [A, Bt])
    _close(got, want)
    got, want, *_ = _both([a, b, v], outs[1:], [A, B, rng.randn(17)])
    _close(got, want)


def test_integer_dot():
    a = T.imatrix("a")
    b = T.imatrix("b")
    A = rng.randint(-3, 3, (5, 18)).astype("int32")
    B = rng.randint(-3, 3, (18, 3)).astype("int32")
    got, want, *_ = _both([a, b], [T.dot(a, b)], [A, B])
    _close(got, want)


def test_dot_shape_mismatch_is_a_clear_error():
    a = T.dmatrix("a")
    f = symopt.function([a], T.dot(a, a), mode=EMU)
    with pytest.raises(ValueError, match="inner dimensions differ"):
        f(np.zeros((2, 3)))


# -- shared variables, random streams, control flow, indexing --------------------------------


def test_logistic_regression_step_matches_reference():
    """The tutorial's training step: forward, gradient, in-place updates."""
    N, feats = 40, 12
    D = (rng.randn(N, feats), rng.randint(0, 2, N).astype("float64"))
    x, y = T.dmatrix("x"), T.dvector("y")
    w = symopt.shared(rng.randn(feats), name="w")
    b = symopt.shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w**2).sum()
    gw, gb = T.grad(cost, [w, b])
    got, want, after_gpu, after_py = _both(
        [x, y], [p_1 > 0.5, xent], D, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)]
    )
    _close(got, want)
    for a, c in zip(after_gpu, after_py):
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("streams", ["mrg", "numpy"])
def test_random_streams_give_the_cpu_numbers(streams):
    from symopt.sandbox.rng_mrg import MRG_RandomStreams
    from symopt.tensor.shared_randomstreams import RandomStreams

    make = MRG_RandomStreams if streams == "mrg" else RandomStreams
    draws = []
    for mode in (EMU, "native"):
        s = make(1234)
        # (normal's default is 15360 streams: a few keep the emulation short)
        normal = s.normal((6,), nstreams=8) if streams == "mrg" else s.normal((6,))
        f = symopt.function([], [s.uniform((3, 5)), s.binomial((4,), p=0.3), normal], mode=mode)
        draws.append([f(), f()])
    for a, b in zip(*draws):
        # the integer generator and the uniforms are exact; normals go through
        # log, sqrt and cos, which two math libraries may round differently
        _close(a[:2], b[:2], exact=True)
        np.testing.assert_array_max_ulp(a[2], b[2], maxulp=4)


def test_mrg_streams_are_distributed_over_threads():
    from symopt.sandbox.rng_mrg import MRG_RandomStreams

    s = MRG_RandomStreams(7)
    f = symopt.function([], s.uniform((10,)), mode=EMU)
    text = f.ir("gpu")
    assert "_parallel" in text and "gpu.block_dim" in text


def test_scan_and_ifelse_run_as_host_control_flow():
    from symopt.ifelse import ifelse

    k = T.iscalar("k")
    a = T.dvector("a")
    result, _ = symopt.scan(lambda prior, a: prior * a, outputs_info=T.ones_like(a), non_sequences=a, n_steps=k)
    c = T.dscalar("c")
    out = ifelse(T.gt(c, 0), result[-1].sum(), T.constant(np.float64(-1)))
    A = rng.rand(6)
    for cv in (1.0, -1.0):
        got, want, *_ = _both([k, a, c], [result, out], [np.int32(4), A, np.float64(cv)])
        _close(got, want)


def test_index_errors_are_raised_and_leave_shared_state_untouched():
    x = T.dmatrix("x")
    i = T.lvector("i")
    s = symopt.shared(np.zeros(3), name="s")
    f = symopt.function([x, i], x[i], updates=[(s, s + 1)], mode=EMU)
    X = rng.randn(5, 3)
    np.testing.assert_array_equal(f(X, np.array([4, -5, 0])), X[[4, -5, 0]])
    with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 0 of %x with size 5"):
        f(X, np.array([0, 7]))
    np.testing.assert_array_equal(s.get_value(), np.ones(3))


def test_advanced_increments():
    x = T.dvector("x")
    i = T.lvector("i")
    y = T.dvector("y")
    out = T.inc_subtensor(x[i], y)
    got, want, *_ = _both([x, i, y], [out, T.cumsum(x), T.sort(x)], [rng.randn(6), np.array([1, 1, 4]), rng.randn(3)])
    _close(got, want)


@settings(max_examples=12, deadline=None)
@given(
    rows=st.integers(0, 5),
    cols=st.integers(1, 6),
    data=st.data(),
)
def test_random_elementwise_and_reduction_graphs(rows, cols, data):
    """Small random compositions of unary, binary and reduction ops."""
    x = T.dmatrix("x")
    y = T.dvector("y")
    unary = [T.exp, T.tanh, T.sqr, abs, T.sin, lambda t: -t, T.nnet.sigmoid]
    binary = [lambda a, b: a + b, lambda a, b: a * b, T.maximum, lambda a, b: a - 2 * b]
    e = x
    for _ in range(data.draw(st.integers(1, 4))):
        if data.draw(st.booleans()):
            e = data.draw(st.sampled_from(unary))(e)
        else:
            e = data.draw(st.sampled_from(binary))(e, y)
    axis = data.draw(st.sampled_from([None, 0, 1]))
    outs = [e, e.sum(axis=axis), e.max(axis=0) if rows else e.sum(axis=0)]
    X = np.asarray(data.draw(st.lists(st.floats(-3, 3), min_size=rows * cols, max_size=rows * cols))).reshape(rows, cols)
    Y = np.asarray(data.draw(st.lists(st.floats(-3, 3), min_size=cols, max_size=cols)))
    got, want, *_ = _both([x, y], outs, [X, Y], on_unused_input="ignore")
    _close(got, want)


# -- the emulator's own checks ----------------------------------------------------------------

_RACY = """
builtin.module attributes {gpu.container_module} {
  func.func @main(%out: memref<4xf64>) {
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    "gpu.launch_func"(%c1, %c1, %c1, %c4, %c1, %c1, %out) <{kernel = @kernels::@k, operandSegmentSizes = array<i32: 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0>}> : (index, index, index, index, index, index, memref<4xf64>) -> ()
    func.return
  }
  "gpu.module"() <{sym_name = "kernels"}> ({
    "gpu.func"() <{function_type = (memref<4xf64>) -> (), kernel}> ({
    ^bb0(%o: memref<4xf64>):
      %sh = memref.alloca() : memref<4xf64, 3 : i64>
      %t = "gpu.thread_id"() <{dimension = #gpu<dim x>}> : () -> index
      %c0 = arith.constant 0 : index
      %one = arith.constant 1.0 : f64
      memref.store %one, %sh[%t] : memref<4xf64, 3 : i64>
      BARRIER
      %v = memref.load %sh[%c0] : memref<4xf64, 3 : i64>
      memref.store %v, %o[%t] : memref<4xf64>
      "gpu.return"() : () -> ()
    }) {sym_name = "k"} : () -> ()
  }) : () -> ()
}
"""


def _emulate(text: str):
    from symopt.runtime.gpu_emulator import EmulatedGpu
    from symopt.runtime.reference import entry_function

    module = parse_module(text)
    out = np.zeros(4)
    emulator = EmulatedGpu(module, entry_function(module))
    emulator.globals, emulator.writes, emulator.freed, emulator.view_roots = {}, {}, set(), {}
    emulator.roots = {id(out): out}
    emulator.run_block(emulator.func.body.block, [out])
    return out


def test_emulator_runs_barrier_separated_phases_in_order():
    out = _emulate(_RACY.replace("BARRIER", '"gpu.barrier"() : () -> ()'))
    np.testing.assert_array_equal(out, np.ones(4))


def test_emulator_reports_a_shared_memory_race():
    from symopt.runtime.interpret import InterpretError

    with pytest.raises(InterpretError, match="data race on shared memory"):
        _emulate(_RACY.replace("BARRIER", ""))


def test_emulator_reports_a_barrier_not_reached_by_every_thread():
    from symopt.runtime.interpret import InterpretError

    divergent = _RACY.replace(
        "BARRIER",
        """%first = arith.cmpi eq, %t, %c0 : index
      scf.if %first {
        "gpu.barrier"() : () -> ()
      }""",
    )
    with pytest.raises(InterpretError, match="barrier"):
        _emulate(divergent)


# -- PTX ----------------------------------------------------------------------------------


def _lowered(inputs, outputs, updates=None):
    f = symopt.function(inputs, outputs, updates=updates)
    module = parse_module(f.ir("sym"))
    run_pipeline(module, "lower-gpu")
    return module


def _ptx_cases():
    from symopt.sandbox.rng_mrg import MRG_RandomStreams

    x, v = T.dmatrix("x"), T.fvector("v")
    i = T.lvector("i")
    w = symopt.shared(np.zeros(3), name="w")
    s = MRG_RandomStreams(3)
    return {
        "elementwise": ([x, v], [T.tanh(x) + T.log1p(abs(x)) ** 1.5, T.exp(v) / (1 + T.sqrt(abs(v)))]),
        "reductions": ([x], [x.sum(axis=0), T.argmax(x, axis=1), x.mean(), x.max()]),
        "dot": ([x], [T.dot(x, x.T), T.dot(x, w)]),
        "mrg": ([], [s.uniform((5,)), s.normal((4, 2))]),
        "checked gather": ([x, i], [x[i]]),
    }


@pytest.mark.parametrize("case", ["elementwise", "reductions", "dot", "mrg", "checked gather"])
def test_ptx_of_every_kernel_shape_is_accepted_by_ptxas(case):
    from symopt.lowering.ptx import (
        CudaToolkitError,
        check_with_ptxas,
        find_ptxas,
        ptx_of,
    )

    inputs, outputs = _ptx_cases()[case]
    module = _lowered(inputs, outputs)
    try:
        ptx = ptx_of(module)
    except CudaToolkitError as e:
        pytest.skip(f"no CUDA toolkit: {e}")
    assert ".target sm_90" in ptx.text
    assert ptx.text.count(".entry") == len(ptx.kernels) >= 1
    assert ".extern .func" not in ptx.text  # libdevice is linked in: no unresolved calls
    if find_ptxas() is None:
        pytest.skip("ptxas is not installed")
    check_with_ptxas(ptx.text)


def test_ptx_for_another_architecture():
    from symopt.lowering.ptx import CudaToolkitError, ptx_of

    x = T.dmatrix("x")
    try:
        text = ptx_of(_lowered([x], [x.sum(axis=1)]), "sm_80").text
    except CudaToolkitError as e:
        pytest.skip(f"no CUDA toolkit: {e}")
    assert ".target sm_80" in text
    with pytest.raises(ValueError, match="unknown GPU architecture"):
        ptx_of(_lowered([x], [x.sum()]), "volta")


def test_missing_libdevice_names_where_it_looked(monkeypatch, tmp_path):
    from symopt.lowering import ptx

    monkeypatch.setattr(ptx, "_toolkit_roots", lambda: [tmp_path / "cuda"])
    ptx.find_libdevice.cache_clear()
    try:
        with pytest.raises(ptx.CudaToolkitError, match=r"libdevice.10.bc .* looked in .*cuda/nvvm/libdevice"):
            ptx.find_libdevice()
    finally:
        ptx.find_libdevice.cache_clear()


def test_no_math_intrinsic_reaches_the_nvptx_back_end():
    from symopt.lowering.ptx import translate_kernels

    x = T.dmatrix("x")
    outs = [T.exp(x), T.log(x), T.tanh(x), x**2.5, T.sin(x), T.cos(x), T.arctan2(x, x), T.log1p(x), T.expm1(x)]
    text = str(translate_kernels(_lowered([x], outs)))
    assert "__nv_exp" in text and "__nv_pow" in text
    for name in ("exp", "log", "tanh", "pow", "sin", "cos", "atan2"):
        assert f"@llvm.{name}." not in text and f'@"llvm.{name}.' not in text


def test_cuda_mode_without_a_device_says_what_is_missing():
    from symopt.runtime.cuda import CudaUnavailable

    if _cuda_device():
        pytest.skip("a CUDA device is present")
    x = T.dvector("x")
    with pytest.raises(CudaUnavailable, match="pycuda|driver|device"):
        symopt.function([x], x + 1, mode="cuda")


def test_config_device_selects_cuda(monkeypatch):
    from symopt.runtime import mode as modes

    monkeypatch.setattr(symopt.config, "_device", "cuda")
    monkeypatch.setattr(modes, "_CUDA_STATE", {"cuda": True})
    assert modes.resolve_mode(None, None).executor == "cuda"
    assert modes.resolve_mode("py", None).executor == "py"
    # no usable device: a warning, and functions without a mode run natively
    monkeypatch.setattr(modes, "_CUDA_STATE", {})
    if not _cuda_device():
        with pytest.warns(UserWarning, match="config.device is 'cuda', but .*functions run on the CPU"):
            assert modes.resolve_mode(None, None).executor == "native"
        assert modes.resolve_mode(None, None).executor == "native"  # one warning
    with pytest.raises(ValueError, match="config.device must be"):
        symopt.config.device = "tpu"


def test_gpu_stages_print():
    from symopt.lowering.ptx import CudaToolkitError, find_libdevice

    x = T.dmatrix("x")
    f = symopt.function([x], T.exp(x).sum(axis=1), mode=EMU)
    assert "gpu.launch_func" in f.ir("gpu")
    assert "gpu.func" in f.ir("gpu")
    try:
        find_libdevice()
    except CudaToolkitError:
        assert f.ir("ptx").startswith("// no PTX: libdevice.10.bc")
    else:
        assert ".entry" in f.ir("ptx")


# -- a real device --------------------------------------------------------------------------


def _cuda_device() -> bool:
    try:
        from symopt.runtime.cuda import require_device

        require_device()
        return True
    except Exception:  # noqa: BLE001
        return False


needs_device = pytest.mark.skipif(not _cuda_device(), reason="no CUDA device (pycuda, the driver or a GPU is missing)")


@pytest.mark.gpu
@needs_device
def test_device_matches_reference_on_every_kernel_shape():
    x = T.dmatrix("x")
    v = T.dvector("v")
    outs = [1 / (1 + T.exp(-x)), x.sum(axis=0), x.sum(), T.argmax(x, axis=1), T.dot(x, x.T), T.dot(x, v), x.T[::2]]
    X, V = rng.randn(300, 70), rng.randn(70)
    f = symopt.function([x, v], outs, mode="cuda")
    g = symopt.function([x, v], outs, mode="py")
    for a, b in zip(f(X, V), g(X, V)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


@pytest.mark.gpu
@needs_device
def test_device_mrg_gives_the_cpu_numbers():
    from symopt.sandbox.rng_mrg import MRG_RandomStreams

    out = []
    for mode in ("cuda", "native"):
        s = MRG_RandomStreams(99)
        f = symopt.function([], [s.uniform((1000,)), s.normal((33, 3))], mode=mode)
        out.append([f(), f()])
    for a, b in zip(*out):
        for p, q in zip(a, b):
            np.testing.assert_array_equal(p, q)


@pytest.mark.gpu
@needs_device
def test_device_logistic_regression_keeps_parameters_on_the_device():
    from symopt.runtime.cuda import DeviceArray

    N, feats = 400, 784
    D = (rng.randn(N, feats), rng.randint(0, 2, N).astype("float64"))
    x, y = T.dmatrix("x"), T.dvector("y")
    w = symopt.shared(rng.randn(feats) * 0.01, name="w")
    b = symopt.shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    cost = (-y * T.log(p_1) - (1 - y) * T.log(1 - p_1)).mean() + 0.01 * (w**2).sum()
    gw, gb = T.grad(cost, [w, b])
    ups = [(w, w - 0.1 * gw), (b, b - 0.1 * gb)]
    start = (w.get_value(), b.get_value())
    train = symopt.function([x, y], cost, updates=ups, mode="cuda")
    for _ in range(20):
        train(*D)
    assert isinstance(w.get_value(return_internal_type=True), DeviceArray)
    on_gpu = w.get_value()
    w.set_value(start[0])
    b.set_value(start[1])
    ref = symopt.function([x, y], cost, updates=ups, mode="native")
    for _ in range(20):
        ref(*D)
    np.testing.assert_allclose(on_gpu, w.get_value(), rtol=1e-9, atol=1e-12)


# -- the CUDA runtime on a stand-in driver ------------------------------------------------------


class _FakeAllocation:
    """Device memory, stood in for by host memory (``int()`` is its address)."""

    def __init__(self, nbytes: int):
        self.buf = np.zeros(max(1, nbytes), np.uint8)

    def __int__(self) -> int:
        return self.buf.ctypes.data


class _FakeDriver:
    """What ``symopt.runtime.cuda`` uses of ``pycuda.driver``, on host memory; a
    launch runs the kernel in the emulator, on arrays rebuilt from the raw
    parameters the runtime packs (pointer, offset, sizes, strides per buffer)."""

    def __init__(self):
        self.module = None
        self.launches = 0
        self.allocations = 0

    class Context:
        @staticmethod
        def synchronize() -> None:
            pass

    def mem_alloc(self, nbytes: int) -> _FakeAllocation:
        self.allocations += 1
        return _FakeAllocation(nbytes)

    def memcpy_htod(self, dst, src) -> None:
        import ctypes

        src = np.ascontiguousarray(src)
        ctypes.memmove(int(dst), src.ctypes.data, src.nbytes)

    def memcpy_dtoh(self, dst, src) -> None:
        import ctypes

        ctypes.memmove(dst.ctypes.data, int(src), dst.nbytes)

    def memcpy_dtod(self, dst, src, nbytes) -> None:
        import ctypes

        ctypes.memmove(int(dst), int(src), nbytes)

    def module_from_buffer(self, ptx: bytes):
        assert b".entry" in ptx
        driver, module = self, self.module

        class Loaded:
            def get_function(self, name):
                return lambda *params, block, grid: driver.launch(module, name, params, block, grid)

        return Loaded()

    def launch(self, module, name, params, block, grid) -> None:
        import ctypes

        from symopt.lowering.ptx import kernel_params
        from symopt.runtime.gpu_emulator import EmulatedGpu, kernels_of
        from symopt.runtime.interpret import np_dtype
        from symopt.runtime.reference import entry_function

        self.launches += 1
        kernel = kernels_of(module)[f"kernels::{name}"]
        emulator = EmulatedGpu(module, entry_function(module))
        emulator.globals, emulator.writes, emulator.freed, emulator.view_roots = {}, {}, set(), {}
        emulator.roots = {}
        values = list(params)
        args = []
        for (kind, info), t in zip(kernel_params(kernel), kernel.function_type.inputs.data):
            if kind == "scalar":
                args.append(values.pop(0))
                continue
            ptr, offset = int(values.pop(0)), int(values.pop(0))
            sizes = [int(values.pop(0)) for _ in range(info)]
            strides = [int(values.pop(0)) for _ in range(info)]
            dtype = np_dtype(t.element_type)
            extent = offset + 1 + sum((s - 1) * abs(st) for s, st in zip(sizes, strides)) if all(sizes) else 1
            flat = np.ctypeslib.as_array((ctypes.c_uint8 * (extent * dtype.itemsize)).from_address(ptr)).view(dtype)
            view = np.lib.stride_tricks.as_strided(flat[offset:], sizes, [s * dtype.itemsize for s in strides])
            emulator.roots[id(view)] = view
            args.append(view)
        for bz in range(grid[2] if len(grid) > 2 else 1):
            for by in range(grid[1]):
                for bx in range(grid[0]):
                    emulator._run_block_of_threads(kernel.body.block, args, (bx, by, bz), list(grid) + [1] * (3 - len(grid)), list(block), name)


class _FakeDevice:
    def compute_capability(self):
        return (9, 0)


@pytest.fixture
def fake_cuda(monkeypatch):
    """The CUDA runtime with a stand-in driver (see ``_FakeDriver``)."""
    from symopt.lowering import ptx
    from symopt.runtime import cuda

    driver = _FakeDriver()
    real_ptx_of = ptx.ptx_of

    def recording_ptx_of(module, arch="sm_90"):
        driver.module = module
        return real_ptx_of(module, arch)

    monkeypatch.setattr(ptx, "ptx_of", recording_ptx_of)
    monkeypatch.setattr(cuda, "_driver", lambda: driver)
    monkeypatch.setattr(cuda, "_context", lambda: (_FakeDevice(), None))
    return driver


def test_cuda_runtime_on_a_stand_in_driver(fake_cuda):
    """The runtime's host side (allocations, views, parameters, transfers, checks,
    commits) with kernels run by the emulator on host memory."""
    x = T.dmatrix("x")
    i = T.lvector("i")
    outs = [T.exp(x).sum(axis=0), T.dot(x, x.T), x.T[::2] * 2, x[i]]
    X = rng.randn(5, 3)
    f = symopt.function([x, i], outs, mode="cuda")
    g = symopt.function([x, i], outs, mode="py")
    _close(f(X, np.array([4, 0])), g(X, np.array([4, 0])))
    assert fake_cuda.launches >= 4
    with pytest.raises(IndexError, match="index 9 is out of bounds"):
        f(X, np.array([9]))


def test_cuda_runtime_keeps_shared_variables_on_the_device(fake_cuda):
    from symopt.runtime.cuda import DeviceArray

    x = T.dvector("x")
    w = symopt.shared(np.arange(4.0), name="w")
    step = symopt.function([x], (w * x).sum(), updates=[(w, w - 0.5 * x)], mode="cuda")
    out = step(np.ones(4))
    assert out == 6.0
    device_value = w.get_value(return_internal_type=True)
    assert isinstance(device_value, DeviceArray)
    before = fake_cuda.allocations
    step(np.ones(4))
    np.testing.assert_array_equal(w.get_value(), np.arange(4.0) - 1.0)
    # in place: the variable's buffer is the one it had (no upload, no new buffer for it)
    assert w.get_value(return_internal_type=True).alloc is device_value.alloc
    assert fake_cuda.allocations - before <= 4
    w.set_value(np.zeros(4))
    assert step(np.ones(4)) == 0.0
    np.testing.assert_array_equal(w.get_value(), -0.5 * np.ones(4))


def test_cuda_runtime_outputs_on_the_device_feed_the_next_call(fake_cuda):
    from symopt.runtime.cuda import DeviceArray

    x = T.dmatrix("x")
    f = symopt.function([x], T.tanh(x) + 1, mode=symopt.Mode("cuda", device_outputs=True))
    X = rng.randn(3, 4)
    once = f(X)
    assert isinstance(once, DeviceArray) and once.shape == (3, 4)
    twice = f(once)
    np.testing.assert_allclose(np.asarray(twice), np.tanh(np.tanh(X) + 1) + 1, rtol=1e-13)


def test_cli_ptx_errors_are_diagnostics(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    src = tmp_path / "f.mlir"
    src.write_text(
        "func.func @f(%x: tensor<?xf64>) -> tensor<?xf64> {\n"
        "  %0 = sym.exp %x : tensor<?xf64>\n"
        "  func.return %0 : tensor<?xf64>\n}\n"
    )
    tool = str(Path(sys.executable).parent / "symopt")
    for args, expected in (
        ([str(src), "-t", "ptx"], "no gpu.module with kernels"),
        ([str(src), "-p", "gpu", "-t", "ptx{arch=volta}"], "unknown GPU architecture 'volta'"),
    ):
        done = subprocess.run([tool, *args], check=False, capture_output=True, text=True, timeout=120)
        assert done.returncode == 1
        assert expected in done.stderr and "Traceback" not in done.stderr
