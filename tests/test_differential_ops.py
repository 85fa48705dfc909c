"""Differential tests, op by op: each frontend op, on every dtype it takes, on
inputs of every memory layout (C and Fortran order, strided, reversed, read-only,
zero-stride broadcasts, empty and size-1 dimensions) and with special values
(NaN, +-inf, -0, subnormals). Native code and the reference executor must agree
exactly in dtype and shape and to the last bits for exact ops (to a few ulp for
transcendental ones); where the op has a NumPy counterpart its values are checked
against NumPy too.

CI runs a bounded number of cases; the long run:
``SYMOPT_FUZZ_EXAMPLES=10000 pytest tests/test_differential_ops.py``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symopt
import symopt.tensor as T
from symopt.ir.variable import TensorType

SETTINGS = settings(
    max_examples=int(os.environ.get("SYMOPT_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

FLOATS = ["float64", "float32"]
INTS = ["int8", "int16", "int32", "int64"]
ALL = [*FLOATS, *INTS, "bool"]


@dataclass(frozen=True)
class Op:
    name: str
    build: Callable[..., object]
    dtypes: list[str]
    arity: int = 1
    numpy: Callable[..., object] | None = None
    min_rank: int = 0
    exact: bool = True  # same bits in both executors (no libm difference)
    specials: bool = True  # NaN/inf inputs are meaningful
    summing: bool = False  # a float sum: NumPy's is pairwise, the loops' sequential
    rank: int | None = None  # exactly this rank
    static: bool = False  # the variables have the values' static shapes
    zero_sign: bool = True  # -0 and +0 must agree (not for max/min of equal zeros,
    # which NumPy's own loops answer either way)


def _pool(x, mode: str):  # type: ignore[no-untyped-def]
    from symopt.tensor.signal.pool import pool_2d

    return pool_2d(x, ws=(2, 2), ignore_border=True, mode=mode)


def _ifelse(cond, a, b):  # type: ignore[no-untyped-def]
    from symopt.ifelse import ifelse

    return ifelse(cond, a, b)


def _scan_cumsum(x):  # type: ignore[no-untyped-def]
    out, _ = symopt.scan(lambda row, acc: acc + row, sequences=x, outputs_info=T.zeros_like(x[0]))
    return out


OPS = [
    # elementwise, every dtype the op takes
    Op("neg", lambda x: -x, [*FLOATS, *INTS], numpy=np.negative),
    Op("abs", abs, [*FLOATS, *INTS], numpy=np.abs),
    Op("sgn", T.sgn, [*FLOATS, *INTS], numpy=np.sign),
    Op("invert", T.invert, [*INTS, "bool"], numpy=np.invert),
    Op("sqr", T.sqr, [*FLOATS, *INTS], numpy=np.square),
    Op("exp", T.exp, FLOATS, numpy=np.exp, exact=False),
    Op("log1p", T.log1p, FLOATS, numpy=np.log1p, exact=False),
    Op("tanh", T.tanh, FLOATS, numpy=np.tanh, exact=False),
    Op("sqrt", T.sqrt, FLOATS, numpy=np.sqrt),
    Op("floor", T.floor, FLOATS, numpy=np.floor),
    Op("round", T.round_half_to_even, FLOATS, numpy=np.rint),
    Op("sigmoid", T.nnet.sigmoid, FLOATS, exact=False),
    Op("isnan", T.isnan, FLOATS, numpy=np.isnan),
    Op("isinf", T.isinf, FLOATS, numpy=np.isinf),
    Op("add", lambda x, y: x + y, ALL[:-1], 2, numpy=np.add),
    Op("sub", lambda x, y: x - y, ALL[:-1], 2, numpy=np.subtract),
    Op("mul", lambda x, y: x * y, ALL[:-1], 2, numpy=np.multiply),
    Op("true_div", lambda x, y: x / y, FLOATS, 2, numpy=np.true_divide),
    Op("floor_div", lambda x, y: x // y, INTS, 2),
    Op("mod", lambda x, y: x % y, INTS, 2),
    Op("maximum", T.maximum, [*FLOATS, *INTS], 2, numpy=np.maximum, zero_sign=False),
    Op("minimum", T.minimum, [*FLOATS, *INTS], 2, numpy=np.minimum, zero_sign=False),
    Op("pow", T.pow, FLOATS, 2, exact=False),
    Op("and", T.and_, [*INTS, "bool"], 2, numpy=np.bitwise_and),
    Op("or", T.or_, [*INTS, "bool"], 2, numpy=np.bitwise_or),
    Op("xor", T.xor, [*INTS, "bool"], 2, numpy=np.bitwise_xor),
    Op("lt", T.lt, [*FLOATS, *INTS], 2, numpy=np.less),
    Op("eq", T.eq, ALL, 2, numpy=np.equal),
    Op("neq", T.neq, ALL, 2, numpy=np.not_equal),
    Op("switch", lambda x, y: T.switch(T.gt(x, y), x, y), [*FLOATS, *INTS], 2, zero_sign=False),
    Op("clip", lambda x: T.clip(x, -2, 3), [*FLOATS, *INTS], zero_sign=False),
    # casts to every dtype (no NaN/inf into integers: C leaves those undefined)
    *[
        Op(f"cast_{to}", lambda x, to=to: T.cast(x, to), ALL, specials=False)
        for to in ALL
    ],
    # reductions
    Op("sum", lambda x: x.sum(), ALL[:-1], summing=True),
    Op("sum0", lambda x: x.sum(axis=0), ALL[:-1], min_rank=1, summing=True),
    Op("prod_last", lambda x: x.prod(axis=-1), [*FLOATS, *INTS], min_rank=1, summing=True),
    Op("max0", lambda x: x.max(axis=0), [*FLOATS, *INTS], min_rank=1, zero_sign=False),
    Op("min_all", lambda x: x.min(), [*FLOATS, *INTS], zero_sign=False),
    Op("mean", lambda x: x.mean(), FLOATS, summing=True),
    Op("argmax", lambda x: T.argmax(x, axis=-1), [*FLOATS, *INTS], min_rank=1),
    Op("argmin0", lambda x: T.argmin(x, axis=0), [*FLOATS, *INTS], min_rank=1),
    Op("any", lambda x: T.any(x), ALL),
    Op("all_last", lambda x: T.all(x, axis=-1), ALL, min_rank=1),
    Op("var", lambda x: T.var(x), FLOATS, summing=True),
    # structure
    Op("transpose", lambda x: x.T, ALL),
    Op("flatten", lambda x: x.flatten(), ALL),
    Op("reverse", lambda x: x[::-1], ALL, min_rank=1),
    Op("stride2", lambda x: x[::2], ALL, min_rank=1),
    Op("tail", lambda x: x[1:], ALL, min_rank=1),
    Op("concat", lambda x, y: T.concatenate([x, y], axis=0), ALL, 2, min_rank=1),
    Op("stack", lambda x, y: T.stack([x, y]), ALL, 2),
    Op("cumsum", lambda x: T.cumsum(x, axis=0), [*FLOATS, *INTS], min_rank=1),
    Op("sort", lambda x: T.sort(x, axis=-1), [*FLOATS, *INTS], min_rank=1, specials=False),
    Op("argsort", lambda x: T.argsort(x, axis=-1), [*FLOATS, *INTS], min_rank=1, specials=False),
    Op("set_first", lambda x, y: T.set_subtensor(x[0], y[0]), ALL, 2, min_rank=1),
    Op("inc_rows", lambda x, y: T.inc_subtensor(x[[0, 0, -1]], y[[1, 0, 0]]), [*FLOATS, *INTS], 2, min_rank=1),
    Op("dot", lambda x, y: T.dot(x, y.T), [*FLOATS, "int32", "int64"], 2, min_rank=1, summing=True),
    Op("outer", lambda x, y: T.outer(x.flatten(), y.flatten()), [*FLOATS, *INTS], 2),
    Op("repeat", lambda x: T.repeat(x, 2, axis=0), ALL, min_rank=1),
    Op("tile", lambda x: T.tile(x, (2,) * x.ndim), ALL),
    Op("diff", lambda x: T.diff(x, axis=0), [*FLOATS, *INTS], min_rank=1),
    Op("cumprod", lambda x: T.cumprod(x, axis=-1), [*FLOATS, *INTS], min_rank=1),
    Op("std", lambda x: T.std(x, axis=0), FLOATS, min_rank=1, summing=True),
    Op("where", lambda x, y: T.where(T.lt(x, y), y, x), [*FLOATS, *INTS], 2, zero_sign=False),
    Op("int_div", lambda x, y: T.int_div(x, y), INTS, 2),
    Op("ceil", T.ceil, FLOATS, numpy=np.ceil),
    Op("sin", T.sin, FLOATS, numpy=np.sin, exact=False),
    Op("arctan2", T.arctan2, FLOATS, 2, numpy=np.arctan2, exact=False),
    Op("log", T.log, FLOATS, numpy=np.log, exact=False),
    Op("expm1", T.expm1, FLOATS, numpy=np.expm1, exact=False),
    Op("deg2rad", T.deg2rad, FLOATS, exact=False),
    Op("relu", T.relu, FLOATS, zero_sign=False),
    Op("softplus", T.softplus, FLOATS, exact=False),
    Op("softmax", lambda x: T.softmax(x.reshape((-1, x.shape[-1] if x.ndim else 1))), FLOATS, summing=True, specials=False),
    Op("ones_like_plus", lambda x: T.ones_like(x) + T.zeros_like(x) * 0, [*FLOATS, *INTS]),
    Op("reshape_back", lambda x: x.flatten().reshape(x.shape), ALL),
    Op("pad_axis", lambda x: T.shape_padleft(x).sum(axis=0), [*FLOATS, *INTS], summing=True),
    Op("nonzero", lambda x: T.nonzero(x)[0], [*FLOATS, *INTS, "bool"], min_rank=1),
    Op("neg_index", lambda x: x[-1], ALL, min_rank=1),
    Op("gt_sum", lambda x, y: T.gt(x, y).sum(), [*FLOATS, *INTS], 2),
    # nnet, signal, control flow
    Op("conv2d", lambda x, y: T.nnet.conv2d(x, y), FLOATS, 2, rank=4, summing=True, specials=False, static=True),
    Op("conv2d_full", lambda x, y: T.nnet.conv2d(x, y, border_mode="full", filter_flip=False), FLOATS, 2, rank=4, summing=True, specials=False, static=True),
    Op("pool_max", lambda x: _pool(x, "max"), FLOATS, rank=4, zero_sign=False),
    Op("pool_avg", lambda x: _pool(x, "average_exc_pad"), FLOATS, rank=4, summing=True),
    Op("logsoftmax", lambda x: T.nnet.logsoftmax(x), FLOATS, rank=2, exact=False, specials=False),
    Op("crossentropy", lambda x, y: T.nnet.categorical_crossentropy(T.nnet.softmax(x), T.nnet.softmax(y)), FLOATS, 2, rank=2, summing=True, specials=False),
    Op("binary_xent", lambda x, y: T.nnet.binary_crossentropy(T.nnet.sigmoid(x), T.nnet.sigmoid(y)), FLOATS, 2, exact=False, specials=False),
    Op("ifelse", lambda x, y: _ifelse(T.gt(x.sum(), 0), x, y), ALL[:-1], 2),
    Op("scan_cumsum", lambda x: _scan_cumsum(x), [*FLOATS, *INTS], min_rank=1),
    Op("outer_sum", lambda x, y: (x.dimshuffle(*range(x.ndim), "x") * y.dimshuffle("x", *range(y.ndim))).sum(), [*FLOATS, *INTS], 2, summing=True),
]
OPS_BY_NAME = {op.name: op for op in OPS}


@st.composite
def _values(draw, dtype: str, shape: tuple[int, ...], specials: bool) -> np.ndarray:  # type: ignore[no-untyped-def]
    size = int(np.prod(shape, dtype=np.int64))
    if dtype in FLOATS:
        tiny = float(np.finfo(dtype).tiny)
        picks = [0.0, -0.0, 1.0, -2.5, tiny / 4, -tiny / 8]  # subnormals included
        if specials:
            picks += [np.nan, np.inf, -np.inf]
        element = st.one_of(st.floats(-4, 4, width=32 if dtype == "float32" else 64), st.sampled_from(picks))
    elif dtype == "bool":
        element = st.booleans()
    else:
        info = np.iinfo(dtype)
        element = st.one_of(st.integers(-9, 9), st.sampled_from([int(info.min), int(info.max), 0, -1]))
    data = draw(st.lists(element, min_size=size, max_size=size))
    return np.array(data, dtype=dtype).reshape(shape)


LAYOUTS = ["C", "F", "strided", "reversed", "readonly", "zero-stride"]


def _layout(value: np.ndarray, layout: str) -> np.ndarray:
    """The same values in another memory layout."""
    if value.ndim == 0:
        return value
    if layout == "F":
        return np.asfortranarray(value)
    if layout == "strided":
        base = np.zeros(tuple(2 * s for s in value.shape), value.dtype)
        view = base[tuple(slice(None, None, 2) for _ in value.shape)]
        view[...] = value
        return view
    if layout == "reversed":
        flipped = np.ascontiguousarray(value[tuple(slice(None, None, -1) for _ in value.shape)])
        return flipped[tuple(slice(None, None, -1) for _ in value.shape)]
    if layout == "readonly":
        out = value.copy()
        out.flags.writeable = False
        return out
    if layout == "zero-stride" and value.ndim and value.shape[0] > 0:
        # rows all equal to the first one, as a broadcast view
        return np.broadcast_to(value[:1], value.shape)
    return value


def _run(op: Op, dtype: str, values: list[np.ndarray]):  # type: ignore[no-untyped-def]
    variables = [
        TensorType(dtype, tuple(v.shape) if op.static else (None,) * v.ndim)(f"x{i}") for i, v in enumerate(values)
    ]
    out = op.build(*variables)
    native = symopt.function(variables, out, mode="native")
    reference = symopt.function(variables, out, mode="py")
    before = [v.copy() for v in values]
    outcomes = []
    for f in (native, reference):
        try:
            outcomes.append(f(*values))
        except (ValueError, IndexError) as e:  # both must refuse alike (min of nothing)
            outcomes.append(type(e))
    for v, b in zip(values, before):
        np.testing.assert_array_equal(v, b)  # inputs are never written
    got, want = outcomes
    if isinstance(got, type) or isinstance(want, type):
        assert got == want, (got, want)
        return None
    return got, want


def _agree(got: np.ndarray, want: np.ndarray, exact: bool, summing: bool = False, zero_sign: bool = True) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype, got.shape, want.shape)
    if got.dtype.kind == "f" and summing:
        rtol, atol = (1e-5, 1e-6) if got.dtype == np.float32 else (1e-12, 1e-13)
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)
    elif got.dtype.kind == "f" and not exact:
        np.testing.assert_array_max_ulp(got, want, maxulp=8 if got.dtype == np.float32 else 4)
    elif got.dtype.kind == "f":
        np.testing.assert_array_equal(got, want)
        if zero_sign:
            assert np.array_equal(np.signbit(got), np.signbit(want)), "-0 and 0 differ"
    else:
        np.testing.assert_array_equal(got, want)


@SETTINGS
@given(data=st.data(), op=st.sampled_from(OPS), layouts=st.lists(st.sampled_from(LAYOUTS), min_size=2, max_size=2))
def test_every_op_dtype_and_layout(data, op: Op, layouts) -> None:  # type: ignore[no-untyped-def]
    dtype = data.draw(st.sampled_from(op.dtypes), label="dtype")
    rank = op.rank if op.rank is not None else data.draw(st.integers(max(op.min_rank, 0), 3), label="rank")
    shape = tuple(data.draw(st.lists(st.integers(0, 3), min_size=rank, max_size=rank), label="shape"))
    if op.name in ("inc_rows", "set_first") and (not shape or shape[0] == 0):
        shape = (2, *shape[1:]) if shape else (2,)
    if op.name in ("argmax", "argmin0", "max0") and (0 in shape):
        shape = tuple(max(1, s) for s in shape)
    if op.name == "dot":
        shape = shape[:2]
    values = [
        _layout(data.draw(_values(dtype, shape, op.specials), label=f"x{i}"), layouts[i])
        for i in range(op.arity)
    ]
    if op.name in ("floor_div", "mod"):
        values[1] = np.where(values[1] == 0, 1, values[1]).astype(dtype)  # C's x / 0 is undefined
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's mean of nothing
        both = _run(op, dtype, values)
        if both is None:
            return
        got, want = both
        _agree(np.asarray(got), np.asarray(want), op.exact, op.summing, op.zero_sign)
        if op.numpy is not None and not (dtype == "bool" and op.name in ("neg", "sub")):
            expected = np.asarray(op.numpy(*values))
            if expected.dtype != np.asarray(want).dtype:
                expected = expected.astype(np.asarray(want).dtype)
            _agree(np.asarray(want), expected, op.exact, op.summing, op.zero_sign)


def test_every_dtype_is_covered() -> None:
    for dtype in ALL:
        assert sum(dtype in op.dtypes for op in OPS) >= 15, dtype


@pytest.mark.parametrize("layout", LAYOUTS)
def test_shared_updates_that_read_their_own_variable_through_views(layout: str) -> None:
    """An update whose value reads the variable transposed, reversed or shifted:
    an in-place write must never clobber what is still to be read."""
    rng = np.random.RandomState(3)
    start = _layout(rng.randn(4, 4), layout)
    results = []
    for mode in ("native", "py"):
        w = symopt.shared(np.array(start), name="w")
        v = symopt.shared(np.arange(5.0), name="v")
        step = symopt.function(
            [],
            (w * 2).sum(),
            updates=[(w, w.T * 2 + w[::-1] - w[:, ::-1].T), (v, T.concatenate([v[1:], v[:1]]) + v[::-1])],
            mode=mode,
        )
        outs = [step() for _ in range(3)]
        results.append((outs, w.get_value(), v.get_value()))
    (a_outs, a_w, a_v), (b_outs, b_w, b_v) = results
    np.testing.assert_allclose(a_outs, b_outs, rtol=1e-13)  # sums: NumPy's are pairwise
    np.testing.assert_array_equal(a_w, b_w)
    np.testing.assert_array_equal(a_v, b_v)


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("mode", ["native", "py", "gpu-emulator"])
def test_integer_division_edge_cases_never_trap(dtype: str, mode: str) -> None:
    """The smallest integer divided by -1, and anything by 0: the machine's
    division traps (the process dies of SIGFPE); symopt gives NumPy's values."""
    info = np.iinfo(dtype)
    a, b = T.vector(dtype=dtype), T.vector(dtype=dtype)
    f = symopt.function([a, b], [a // b, a % b], mode=mode)
    A = np.array([info.min, info.min, info.max, 7, -7, 5, 0], dtype)
    B = np.array([-1, 0, -1, -1, 2, 0, -1], dtype)
    with np.errstate(all="ignore"):
        want = [np.floor_divide(A, B), np.mod(A, B)]
    for got, expected in zip(f(A, B), want):
        np.testing.assert_array_equal(got, expected)
