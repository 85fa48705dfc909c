"""The helpers of ``theano.tensor`` and ``theano.tensor.extra_ops``: tiling and
repeating, identity matrices, running sums and products, differences, sorting,
rounding, NaN and infinity tests, and the broadcastable-pattern helpers.

Most are compositions of the tensor functions (and so have their gradients); the
running sums and products and the sorts are ops of their own (``sym.cumulative``,
``sym.sort``, ``sym.argsort``) with gradient rules below.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence

import numpy as np

from symopt.configparser import config
from symopt.dialects import sym
from symopt.ir.nodes import as_tensor_variable, build, cast
from symopt.ir.variable import Variable
from symopt.tensor import basic
from symopt.tensor.grad_rules import Grads, grad_rule

__all__ = [
    "addbroadcast", "argsort", "cumprod", "cumsum", "diff", "eye", "identity_like",
    "isinf", "isnan", "patternbroadcast", "repeat", "round", "shape_padaxis",
    "shape_padleft", "shape_padright", "sort", "tile", "unbroadcast",
]  # fmt: skip


def _axis(axis: int, ndim: int, what: str) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"{what}: axis {axis} is out of range for a tensor of rank {ndim}")
    return axis % ndim


# ---------------------------------------------------------------------------
# shapes and broadcastable patterns


def shape_padleft(t: object, n_ones: int = 1) -> Variable:
    """``t`` with ``n_ones`` broadcastable dimensions added on the left."""
    v = as_tensor_variable(t)
    return basic.dimshuffle(v, ["x"] * n_ones + list(range(v.ndim)))


def shape_padright(t: object, n_ones: int = 1) -> Variable:
    """``t`` with ``n_ones`` broadcastable dimensions added on the right."""
    v = as_tensor_variable(t)
    return basic.dimshuffle(v, list(range(v.ndim)) + ["x"] * n_ones)


def shape_padaxis(t: object, axis: int) -> Variable:
    """``t`` with a broadcastable dimension inserted at ``axis`` (negative counts
    from the end of the result, as ``numpy.expand_dims``)."""
    v = as_tensor_variable(t)
    position = _axis(axis, v.ndim + 1, "shape_padaxis")
    pattern: list[object] = list(range(v.ndim))
    pattern.insert(position, "x")
    return basic.dimshuffle(v, pattern)


def _with_static(v: Variable, static: Sequence[int | None]) -> Variable:
    """``v`` retyped with these static sizes; a size made static is checked when
    the function runs (a reshape to the same shape)."""
    if tuple(static) == v.static_shape:
        return v
    shape = basic.shape(v)
    target = basic.stack([basic.constant(np.int64(s)) if s is not None else shape[d] for d, s in enumerate(static)]) if static else shape
    return build(lambda: sym.ReshapeOp(v.value, target.value, sym.with_shape(v.value.type, tuple(static))))  # type: ignore[arg-type]


def addbroadcast(x: object, *axes: int) -> Variable:
    """``x`` with the dimensions ``axes`` made broadcastable (static size 1); a
    size other than 1 there raises when the function runs."""
    v = as_tensor_variable(x)
    static = list(v.static_shape)
    for a in axes:
        static[_axis(a, v.ndim, "addbroadcast")] = 1
    return _with_static(v, static)


def unbroadcast(x: object, *axes: int) -> Variable:
    """``x`` with the dimensions ``axes`` no longer broadcastable (their size no
    longer static 1)."""
    v = as_tensor_variable(x)
    static = list(v.static_shape)
    for a in axes:
        d = _axis(a, v.ndim, "unbroadcast")
        if static[d] == 1:
            static[d] = None
    return _with_static(v, static)


def patternbroadcast(x: object, broadcastable: Sequence[bool]) -> Variable:
    """``x`` with exactly the broadcastable dimensions ``broadcastable`` says."""
    v = as_tensor_variable(x)
    if len(broadcastable) != v.ndim:
        raise ValueError(
            f"patternbroadcast: {len(broadcastable)} flags for a tensor of rank {v.ndim}"
        )
    static = [1 if b else (None if s == 1 else s) for b, s in zip(broadcastable, v.static_shape)]
    return _with_static(v, static)


# ---------------------------------------------------------------------------
# building tensors


def eye(n: object, m: object = None, k: int = 0, dtype: object = None) -> Variable:
    """A 2-d tensor with ones on diagonal ``k`` and zeros elsewhere (``numpy.eye``)."""
    rows = as_tensor_variable(n)
    cols = rows if m is None else as_tensor_variable(m)
    dt = dtype or config.floatX
    r = basic.dimshuffle(basic.arange(rows), [0, "x"])
    c = basic.dimshuffle(basic.arange(cols), ["x", 0])
    return basic.cast(basic.eq(r + k, c), dt)


def identity_like(x: object) -> Variable:
    """The identity matrix of ``x``'s shape and dtype."""
    v = as_tensor_variable(x)
    if v.ndim != 2:
        raise ValueError(f"identity_like: expected a matrix, got {v!r}")
    return eye(basic.shape(v)[0], basic.shape(v)[1], dtype=v.dtype)


def tile(x: object, reps: Sequence[object], ndim: int | None = None) -> Variable:
    """``x`` repeated ``reps[i]`` times along dimension ``i`` (``numpy.tile``; a
    shorter ``x`` gets dimensions added on the left)."""
    v = as_tensor_variable(x)
    if isinstance(reps, Variable) or not isinstance(reps, (list, tuple)):
        raise TypeError(f"tile: reps must be a list or tuple of integers, got {reps!r}")
    nd = builtins.max(len(reps), v.ndim) if ndim is None else ndim
    if len(reps) > nd or v.ndim > nd:
        raise ValueError(f"tile: ndim {nd} is smaller than the rank of x or the number of reps")
    reps = [1] * (nd - len(reps)) + list(reps)
    v = shape_padleft(v, nd - v.ndim) if v.ndim < nd else v
    sizes = [basic.shape(v)[d] for d in range(nd)]
    # (r0, d0, r1, d1, ...) by broadcasting, then merged pairwise
    pattern: list[object] = []
    for d in range(nd):
        pattern += ["x", d]
    spread = basic.dimshuffle(v, pattern)
    full = basic.alloc(spread, *[s for d in range(nd) for s in (reps[d], sizes[d])])
    return basic.reshape(full, [reps[d] * sizes[d] for d in range(nd)])


def repeat(x: object, repeats: object, axis: int | None = None) -> Variable:
    """Each element of ``x`` repeated ``repeats`` times along ``axis`` (``x``
    flattened when ``axis`` is None), as ``numpy.repeat``; ``repeats`` is a
    scalar or one count per element along the axis."""
    v = as_tensor_variable(x)
    if axis is None:
        v = basic.flatten(v)
        axis = 0
    ax = _axis(axis, v.ndim, "repeat")
    r = as_tensor_variable(repeats)
    if r.dtype not in basic.INT_DTYPES or r.ndim > 1:
        raise TypeError(f"repeat: repeats must be an integer scalar or vector, got {r!r}")
    size = basic.shape(v)[ax]
    if r.ndim == 0:
        # (..., d, r, ...) by broadcasting, then merged
        pattern: list[object] = list(range(ax + 1)) + ["x"] + list(range(ax + 1, v.ndim))
        spread = basic.dimshuffle(v, pattern)
        sizes = [basic.shape(v)[d] for d in range(v.ndim)]
        full = basic.alloc(spread, *sizes[: ax + 1], r, *sizes[ax + 1 :])
        return basic.reshape(full, sizes[:ax] + [size * r] + sizes[ax + 1 :])
    counts = cast(r, "int64")
    # element j of the result takes source element (number of cumulative counts <= j)
    ends = cumsum(counts)
    total = ends[-1] if counts.static_shape[0] != 0 else basic.constant(np.int64(0))
    j = basic.arange(basic.maximum(total, 0))
    source = basic.sum(basic.ge(basic.dimshuffle(j, [0, "x"]), basic.dimshuffle(ends, ["x", 0])), axis=1)
    key = (slice(None),) * ax + (cast(source, "int64"),)
    return v[key]


# ---------------------------------------------------------------------------
# along an axis


def _cumulative(kind: str, x: object, axis: int | None, what: str) -> Variable:
    v = as_tensor_variable(x)
    if axis is None:
        v = basic.flatten(v)
        axis = 0
    if v.ndim == 0:
        v = basic.flatten(v)
    ax = _axis(axis, v.ndim, what)
    # NumPy's accumulator dtype: integers widen to 64 bits, bools count as ints
    dtype = v.dtype
    if dtype == "bool" or dtype in ("int8", "int16", "int32"):
        dtype = "int64"
    elif dtype in ("uint8", "uint16", "uint32"):
        dtype = "uint64"
    v = cast(v, dtype)
    return build(lambda: sym.CumulativeOp(kind, v.value, ax))


def cumsum(x: object, axis: int | None = None) -> Variable:
    """Running sums along ``axis`` (of the flattened ``x`` when None)."""
    return _cumulative("add", x, axis, "cumsum")


def cumprod(x: object, axis: int | None = None) -> Variable:
    """Running products along ``axis`` (of the flattened ``x`` when None)."""
    return _cumulative("mul", x, axis, "cumprod")


def diff(x: object, n: int = 1, axis: int = -1) -> Variable:
    """The ``n``-th discrete difference along ``axis`` (``numpy.diff``)."""
    v = as_tensor_variable(x)
    ax = _axis(axis, v.ndim, "diff")
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, got {n}")
    lead = (slice(None),) * ax
    for _ in range(n):
        v = v[lead + (slice(1, None),)] - v[lead + (slice(None, -1),)]
    return v


def _sort_op(op_cls, a: object, axis: int | None, what: str):  # type: ignore[no-untyped-def]
    v = as_tensor_variable(a)
    if axis is None:
        v = basic.flatten(v)
        axis = 0
    if v.ndim == 0:
        raise ValueError(f"{what}: cannot sort a scalar")
    ax = _axis(axis, v.ndim, what)
    return build(lambda: op_cls(v.value, ax))


def sort(a: object, axis: int | None = -1, kind: str = "quicksort", order: object = None) -> Variable:
    """``a`` sorted along ``axis`` (the flattened ``a`` when None), ascending with
    NaN last; equal elements keep their order."""
    if order is not None:
        raise ValueError("sort: order (sorting by fields) is not supported for tensors")
    return _sort_op(sym.SortOp, a, axis, "sort")


def argsort(a: object, axis: int | None = -1, kind: str = "quicksort", order: object = None) -> Variable:
    """The int64 indices that sort ``a`` along ``axis`` (stable, NaN last)."""
    if order is not None:
        raise ValueError("argsort: order (sorting by fields) is not supported for tensors")
    return _sort_op(sym.ArgSortOp, a, axis, "argsort")


# ---------------------------------------------------------------------------
# elementwise


def round(x: object, mode: str | None = None) -> Variable:  # noqa: A001 - Theano's name
    """Round to the nearest integer: halves away from zero
    (``'half_away_from_zero'``, the default) or to even (``'half_to_even'``,
    NumPy's ``round``)."""
    v = as_tensor_variable(x)
    mode = mode or "half_away_from_zero"
    if v.dtype not in basic.FLOAT_DTYPES:
        return v
    if mode == "half_to_even":
        return basic.round_half_to_even(v)
    if mode == "half_away_from_zero":
        return basic.sgn(v) * basic.floor(basic.abs_(v) + 0.5)
    raise ValueError(f"round: mode must be 'half_away_from_zero' or 'half_to_even', got {mode!r}")


def isnan(x: object) -> Variable:
    """Elementwise NaN test (False for integers)."""
    v = as_tensor_variable(x)
    if v.dtype not in basic.FLOAT_DTYPES:
        return basic.neq(basic.zeros_like(v, dtype="int8"), 0)
    return basic.neq(v, v)


def isinf(x: object) -> Variable:
    """Elementwise test for +inf or -inf (False for integers)."""
    v = as_tensor_variable(x)
    if v.dtype not in basic.FLOAT_DTYPES:
        return basic.neq(basic.zeros_like(v, dtype="int8"), 0)
    return basic.eq(basic.abs_(v), np.inf)


# ---------------------------------------------------------------------------
# gradient rules


@grad_rule(sym.CumulativeOp)
def _cumulative_grad(op: sym.CumulativeOp, inputs, outputs, grads) -> Grads:  # type: ignore[no-untyped-def]
    """A running sum's gradient is the running sum of the gradient from the end;
    a running product's, Theano's ``reverse_cumsum(g * out) / x`` (undefined where
    ``x`` is 0)."""
    (x,) = inputs
    (g,) = grads
    axis = op.axis.value.data
    flip = (slice(None),) * axis + (slice(None, None, -1),)
    if op.kind.data == "add":
        return [cumsum(g[flip], axis=axis)[flip]]
    return [cumsum((g * outputs[0])[flip], axis=axis)[flip] / x]


@grad_rule(sym.SortOp)
def _sort_grad(op: sym.SortOp, inputs, outputs, grads) -> Grads:  # type: ignore[no-untyped-def]
    """Each sorted element's gradient goes back to where it came from."""
    (x,) = inputs
    (g,) = grads
    axis = op.axis.value.data
    order = build(lambda: sym.ArgSortOp(x.value, axis))
    key: list[object] = []
    for d in range(x.ndim):
        if d == axis:
            key.append(order)
        else:
            pattern: list[object] = ["x"] * x.ndim
            pattern[d] = 0
            key.append(basic.dimshuffle(basic.arange(basic.shape(x)[d]), pattern))
    from symopt.tensor.subtensor import inc_subtensor

    return [inc_subtensor(basic.zeros_like(x)[tuple(key)], g)]


@grad_rule(sym.ArgSortOp, sym.NonzeroOp)
def _indices(op, inputs, outputs, grads) -> Grads:  # type: ignore[no-untyped-def]
    """Integer results: nothing flows back."""
    return [None]


@grad_rule(sym.StopGradientOp)
def _stop_gradient(op: sym.StopGradientOp, inputs, outputs, grads) -> Grads:  # type: ignore[no-untyped-def]
    if op.kind.data == "zero":
        return [basic.zeros_like(inputs[0])]
    return [None]
