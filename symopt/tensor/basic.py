"""Theano's tensor functions, building detached ``sym`` ops.

Each function checks its arguments, applies Theano's dtype promotion and rank
broadcasting (lower-rank operands get leading broadcastable dimensions through
``sym.dimshuffle``), then creates the op; the op's constructor infers the result
type, so shape errors that are known statically raise here, at graph-build time.
"""

from __future__ import annotations

import builtins
import math
import numbers
from collections.abc import Sequence

import numpy as np

from symopt.configparser import config
from symopt.dialects import sym
from symopt.dialects.types import (
    FLOAT_DTYPES,
    INT_DTYPES,
    canonical_dtype,
    tensor_type,
    upgrade_to_float,
)
from symopt.ir.nodes import apply, as_tensor_variable, build, cast, constant
from symopt.ir.variable import Variable

# ---------------------------------------------------------------------------
# building blocks


def _smallest_int(value: int) -> str:
    for dt in ("int8", "int16", "int32", "int64"):
        info = np.iinfo(dt)
        if info.min <= value <= info.max:
            return dt
    if 0 <= value <= np.iinfo("uint64").max:
        return "uint64"
    raise OverflowError(f"Python int {value} does not fit in 64 bits")


def result_dtype(*xs: object) -> str:
    """Theano/NumPy dtype promotion, Python numbers taking the tensors' kind.

    A Python float takes the float dtype of the tensors it meets (float32 stays
    float32) and ``config.floatX`` with integer tensors; a Python int takes the
    integer dtype of the tensors when it fits.
    """
    var_dtypes = [x.dtype for x in xs if isinstance(x, Variable)]
    data = [x for x in xs if not isinstance(x, Variable)]
    if not var_dtypes:
        return canonical_dtype(np.result_type(*[np.asarray(d) for d in data]))
    dtype = np.result_type(*var_dtypes).name
    for d in data:
        if isinstance(d, (bool, np.bool_)):
            continue
        if isinstance(d, numbers.Integral):
            if dtype == "bool":
                dtype = _smallest_int(int(d))
            elif dtype not in FLOAT_DTYPES:
                info = np.iinfo(dtype)
                if not info.min <= int(d) <= info.max:
                    dtype = np.result_type(dtype, _smallest_int(int(d))).name
        elif isinstance(d, numbers.Real):
            if dtype not in FLOAT_DTYPES:
                dtype = np.result_type(dtype, config.floatX).name
        else:
            arr = np.asarray(d)
            if arr.dtype.kind not in "biuf":
                raise TypeError(f"cannot use {d!r} in a tensor expression")
            dtype = np.result_type(dtype, arr.dtype).name
    return canonical_dtype(dtype)


def _pad_rank(v: Variable, ndim: int) -> Variable:
    if v.ndim == ndim:
        return v
    return dimshuffle(v, ["x"] * (ndim - v.ndim) + list(range(v.ndim)))


def _elemwise_operands(xs: Sequence[object], dtype: str) -> list[Variable]:
    """Cast variables to ``dtype``, make constants of data, pad ranks."""
    ndim = builtins.max([x.ndim for x in xs if isinstance(x, Variable)] + [np.ndim(x) for x in xs if not isinstance(x, Variable)])  # type: ignore[arg-type]
    out: list[Variable] = []
    for x in xs:
        if isinstance(x, Variable):
            v = cast(x, dtype)
        else:
            arr = np.asarray(x)
            if arr.dtype.kind not in "biuf":
                raise TypeError(f"cannot use {x!r} in a tensor expression")
            with np.errstate(all="ignore"):
                converted = arr.astype(dtype)
            if arr.dtype.kind in "iu" and dtype not in FLOAT_DTYPES and not np.all(converted == arr):
                raise TypeError(f"{x!r} does not fit in {dtype}")
            v = constant(converted.reshape((1,) * (ndim - arr.ndim) + arr.shape))
        out.append(_pad_rank(v, ndim))
    return out


def _binary(op_cls, a: object, b: object, dtype: str | None = None) -> Variable:  # type: ignore[no-untyped-def]
    dtype = dtype or result_dtype(a, b)
    x, y = _elemwise_operands([a, b], dtype)
    return build(lambda: op_cls(x.value, y.value))


# ---------------------------------------------------------------------------
# elementwise arithmetic


def add(a: object, b: object) -> Variable:
    """Elementwise ``a + b`` with broadcasting."""
    return _binary(sym.AddOp, a, b)


def sub(a: object, b: object) -> Variable:
    """Elementwise ``a - b``."""
    return _binary(sym.SubOp, a, b)


def mul(a: object, b: object) -> Variable:
    """Elementwise ``a * b``."""
    return _binary(sym.MulOp, a, b)


def true_div(a: object, b: object) -> Variable:
    """Elementwise ``a / b``; integers are divided as floats (Theano's true_div)."""
    return _binary(sym.DivOp, a, b, sym.DivOp.operand_dtype(result_dtype(a, b)))


def floor_div(a: object, b: object) -> Variable:
    """Elementwise ``a // b`` (floor division, Python's sign rules)."""
    dtype = result_dtype(a, b)
    if not sym.FloorDivOp.accepts(dtype):
        raise TypeError("floor division is not defined for bool tensors")
    return _binary(sym.FloorDivOp, a, b, dtype)


int_div = floor_div


def mod(a: object, b: object) -> Variable:
    """Elementwise ``a % b`` with the sign of ``b`` (Python's and NumPy's rule)."""
    dtype = result_dtype(a, b)
    if not sym.ModOp.accepts(dtype):
        raise TypeError("% is not defined for bool tensors")
    return _binary(sym.ModOp, a, b, dtype)


def pow(a: object, b: object) -> Variable:  # noqa: A001 - Theano's name
    """Elementwise ``a ** b``."""
    dtype = result_dtype(a, b)
    if not sym.PowOp.accepts(dtype):
        dtype = "int8"  # bools are raised as 0/1 integers, as in Theano
    return _binary(sym.PowOp, a, b, dtype)


def maximum(a: object, b: object) -> Variable:
    """Elementwise maximum (NaN propagates)."""
    return _binary(sym.MaximumOp, a, b)


def minimum(a: object, b: object) -> Variable:
    """Elementwise minimum (NaN propagates)."""
    return _binary(sym.MinimumOp, a, b)


def arctan2(a: object, b: object) -> Variable:
    """Elementwise ``arctan(a / b)`` in the right quadrant."""
    return _binary(sym.Atan2Op, a, b, sym.Atan2Op.operand_dtype(result_dtype(a, b)))


def _check_accepts(op_cls, what: str, dtype: str) -> None:  # type: ignore[no-untyped-def]
    """TypeError unless the integer-only op ``op_cls`` takes ``dtype``."""
    if not op_cls.accepts(dtype):
        raise TypeError(f"{what} needs integer or bool tensors, got {dtype}")


def and_(a: object, b: object) -> Variable:
    """Elementwise ``a & b`` (bitwise on integers, logical on bools)."""
    dtype = result_dtype(a, b)
    _check_accepts(sym.AndOp, "and_ (&)", dtype)
    return _binary(sym.AndOp, a, b, dtype)


def or_(a: object, b: object) -> Variable:
    """Elementwise ``a | b``."""
    dtype = result_dtype(a, b)
    _check_accepts(sym.OrOp, "or_ (|)", dtype)
    return _binary(sym.OrOp, a, b, dtype)


def xor(a: object, b: object) -> Variable:
    """Elementwise ``a ^ b``."""
    dtype = result_dtype(a, b)
    _check_accepts(sym.XorOp, "xor (^)", dtype)
    return _binary(sym.XorOp, a, b, dtype)


bitwise_and, bitwise_or, bitwise_xor = and_, or_, xor


def _compare(predicate: str, a: object, b: object) -> Variable:
    dtype = result_dtype(a, b)
    x, y = _elemwise_operands([a, b], dtype)
    return build(lambda: sym.CmpOp(predicate, x.value, y.value))


def eq(a: object, b: object) -> Variable:
    """Elementwise ``a == b`` as a bool tensor (``==`` on variables is identity)."""
    return _compare("eq", a, b)


def neq(a: object, b: object) -> Variable:
    """Elementwise ``a != b``."""
    return _compare("ne", a, b)


def lt(a: object, b: object) -> Variable:
    """Elementwise ``a < b``."""
    return _compare("lt", a, b)


def gt(a: object, b: object) -> Variable:
    """Elementwise ``a > b``."""
    return _compare("gt", a, b)


def le(a: object, b: object) -> Variable:
    """Elementwise ``a <= b``."""
    return _compare("le", a, b)


def ge(a: object, b: object) -> Variable:
    """Elementwise ``a >= b``."""
    return _compare("ge", a, b)


def _unary(op_cls, x: object) -> Variable:  # type: ignore[no-untyped-def]
    v = as_tensor_variable(x)
    return apply(op_cls(v.value))


def _float_unary(op_cls, x: object) -> Variable:  # type: ignore[no-untyped-def]
    v = as_tensor_variable(x)
    v = cast(v, op_cls.operand_dtype(v.dtype))
    return apply(op_cls(v.value))


def neg(x: object) -> Variable:
    """Elementwise ``-x``."""
    v = as_tensor_variable(x)
    if v.dtype == "bool":
        raise TypeError(f"cannot negate the bool tensor {v!r}; use ~ (invert)")
    return apply(sym.NegOp(v.value))


def abs_(x: object) -> Variable:
    """Elementwise ``|x|``."""
    return _unary(sym.AbsOp, x)


def sgn(x: object) -> Variable:
    """Elementwise sign: -1, 0 or 1."""
    return _unary(sym.SignOp, x)


def invert(x: object) -> Variable:
    """Elementwise ``~x`` (bitwise not; logical not on bools)."""
    v = as_tensor_variable(x)
    _check_accepts(sym.InvertOp, "invert (~)", v.dtype)
    return apply(sym.InvertOp(v.value))


bitwise_not = invert


def exp(x: object) -> Variable:
    """Elementwise ``e**x``."""
    return _float_unary(sym.ExpOp, x)


def log(x: object) -> Variable:
    """Elementwise natural logarithm."""
    return _float_unary(sym.LogOp, x)


def log1p(x: object) -> Variable:
    """Elementwise ``log(1 + x)``, accurate for small ``x``."""
    return _float_unary(sym.Log1pOp, x)


def expm1(x: object) -> Variable:
    """Elementwise ``exp(x) - 1``, accurate for small ``x``."""
    return _float_unary(sym.Expm1Op, x)


def log2(x: object) -> Variable:
    return _float_unary(sym.Log2Op, x)


def log10(x: object) -> Variable:
    return _float_unary(sym.Log10Op, x)


def sqrt(x: object) -> Variable:
    return _float_unary(sym.SqrtOp, x)


def sqr(x: object) -> Variable:
    """Elementwise ``x * x``."""
    v = as_tensor_variable(x)
    return mul(v, v)


def tanh(x: object) -> Variable:
    return _float_unary(sym.TanhOp, x)


def sinh(x: object) -> Variable:
    return _float_unary(sym.SinhOp, x)


def cosh(x: object) -> Variable:
    return _float_unary(sym.CoshOp, x)


def sin(x: object) -> Variable:
    return _float_unary(sym.SinOp, x)


def cos(x: object) -> Variable:
    return _float_unary(sym.CosOp, x)


def tan(x: object) -> Variable:
    return _float_unary(sym.TanOp, x)


def arcsin(x: object) -> Variable:
    return _float_unary(sym.AsinOp, x)


def arccos(x: object) -> Variable:
    return _float_unary(sym.AcosOp, x)


def arctan(x: object) -> Variable:
    return _float_unary(sym.AtanOp, x)


def deg2rad(x: object) -> Variable:
    """Degrees to radians: ``x * (pi / 180)``."""
    v = as_tensor_variable(x)
    return mul(cast(v, upgrade_to_float(v.dtype)), math.pi / 180.0)


def rad2deg(x: object) -> Variable:
    """Radians to degrees: ``x * (180 / pi)``."""
    v = as_tensor_variable(x)
    return mul(cast(v, upgrade_to_float(v.dtype)), 180.0 / math.pi)


def floor(x: object) -> Variable:
    return _float_unary(sym.FloorOp, x)


def ceil(x: object) -> Variable:
    return _float_unary(sym.CeilOp, x)


def round_half_to_even(x: object) -> Variable:
    return _float_unary(sym.RoundEvenOp, x)


def sigmoid(x: object) -> Variable:
    """Elementwise logistic function ``1 / (1 + exp(-x))``, computed stably."""
    return _float_unary(sym.SigmoidOp, x)


def softplus(x: object) -> Variable:
    """Elementwise ``log(1 + exp(x))``, computed stably."""
    return _float_unary(sym.SoftplusOp, x)


def switch(cond: object, ift: object, iff: object) -> Variable:
    """Elementwise ``ift`` where ``cond`` is true (nonzero), else ``iff``."""
    c = as_tensor_variable(cond)
    if c.dtype != "bool":
        c = neq(c, 0)
    dtype = result_dtype(ift, iff) if (isinstance(ift, Variable) or isinstance(iff, Variable)) else result_dtype(ift, iff)
    operands = [c, ift, iff]
    ndim = builtins.max([c.ndim] + [v.ndim if isinstance(v, Variable) else np.ndim(v) for v in (ift, iff)])  # type: ignore[arg-type]
    c = _pad_rank(c, ndim)
    a, b = _elemwise_operands(operands[1:], dtype)
    a, b = _pad_rank(a, ndim), _pad_rank(b, ndim)
    return build(lambda: sym.SelectOp(c.value, a.value, b.value))


where = switch


def clip(x: object, a_min: object, a_max: object) -> Variable:
    """Elementwise ``min(max(x, a_min), a_max)``."""
    dtype = result_dtype(x, a_min, a_max)
    v, lo, hi = _elemwise_operands([x, a_min, a_max], dtype)
    return build(lambda: sym.ClipOp(v.value, lo.value, hi.value))


def fill(model: object, value: object) -> Variable:
    """A tensor of ``model``'s shape filled with ``value`` (the value's dtype)."""
    m = as_tensor_variable(model)
    v = as_tensor_variable(value)
    if v.ndim > m.ndim:
        raise ValueError(f"fill: value {v!r} has more dimensions than model {m!r}")
    v = _pad_rank(v, m.ndim)
    result = tensor_type(v.dtype, m.static_shape)
    return build(lambda: sym.AllocOp(v.value, shape(m).value, result))


second = fill


def zeros_like(model: object, dtype: object = None) -> Variable:
    """Zeros with the shape (and, without ``dtype``, the dtype) of ``model``."""
    m = as_tensor_variable(model)
    return fill(m, constant(0, dtype=canonical_dtype(dtype or m.dtype)))


def ones_like(model: object, dtype: object = None) -> Variable:
    """Ones with the shape (and, without ``dtype``, the dtype) of ``model``."""
    m = as_tensor_variable(model)
    return fill(m, constant(1, dtype=canonical_dtype(dtype or m.dtype)))


def _shape_vector(dims: Sequence[object], what: str) -> tuple[Variable, tuple[int | None, ...]]:
    """A symbolic int64 vector from Python ints and 0-d integer variables."""
    static: list[int | None] = []
    parts: list[Variable] = []
    for d in dims:
        if isinstance(d, Variable):
            if d.ndim != 0 or d.dtype not in INT_DTYPES:
                raise TypeError(f"{what}: sizes must be integers, got {d!r} of type {d.type!r}")
            static.append(_constant_int(d))
            parts.append(cast(d, "int64"))
        elif isinstance(d, numbers.Integral) and not isinstance(d, bool):
            static.append(int(d))
            parts.append(constant(np.int64(d)))
        else:
            raise TypeError(f"{what}: sizes must be integers, got {d!r}")
    if builtins.all(isinstance(s, int) for s in static):
        return constant(np.array(static, dtype=np.int64)), tuple(static)
    return stack(parts), tuple(static)


def _constant_int(v: Variable) -> int | None:
    owner = v.value.owner
    if isinstance(owner, sym.ConstantOp) and v.ndim == 0:
        return int(owner.to_numpy())
    return None


def alloc(value: object, *shape: object) -> Variable:
    """A tensor of the given shape filled with ``value`` (broadcast).

    >>> alloc(0.0, 2, 3).eval().shape
    (2, 3)
    """
    v = as_tensor_variable(value)
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = tuple(shape[0])
    if v.ndim > len(shape):
        raise ValueError(f"alloc: value {v!r} has more dimensions than the shape {shape}")
    vec, static = _shape_vector(shape, "alloc")
    for d in static:
        if d is not None and d < 0:
            raise ValueError(f"alloc: negative size in shape {static}")
    v = _pad_rank(v, len(static))
    for dim, (vs, s) in enumerate(zip(v.static_shape, static)):
        if vs is not None and vs != 1 and s is not None and vs != s:
            raise ValueError(f"alloc: value of shape {v.static_shape} does not broadcast to {static}")
    result = tensor_type(v.dtype, static)
    return build(lambda: sym.AllocOp(v.value, vec.value, result))


def zeros(shape: Sequence[object], dtype: object = None) -> Variable:
    return alloc(constant(0, dtype=canonical_dtype(dtype or config.floatX)), *shape)


def ones(shape: Sequence[object], dtype: object = None) -> Variable:
    return alloc(constant(1, dtype=canonical_dtype(dtype or config.floatX)), *shape)


def arange(start: object, stop: object = None, step: object = 1, dtype: object = None) -> Variable:
    """``numpy.arange`` with symbolic or constant bounds.

    >>> arange(5).eval()
    array([0, 1, 2, 3, 4])
    """
    if stop is None:
        start, stop = 0, start
    parts = [start, stop, step]
    for p in parts:
        if isinstance(p, Variable) and p.ndim != 0:
            raise TypeError(f"arange: bounds must be scalars, got {p!r} of type {p.type!r}")
    out_dtype = canonical_dtype(dtype) if dtype is not None else result_dtype(*parts)
    if out_dtype in ("int8", "int16", "int32", "bool") and dtype is None:
        out_dtype = "int64"
    if out_dtype == "bool":
        raise TypeError("arange cannot produce bools")
    bounds = [cast(as_tensor_variable(p), out_dtype) for p in parts]
    values = [_constant_value(b) for b in bounds]
    size: int | None = None
    if builtins.all(v is not None for v in values):
        if values[2] == 0:
            raise ValueError("arange: step must not be zero")
        size = len(np.arange(*values))  # type: ignore[call-overload]
    result = tensor_type(out_dtype, (size,))
    return build(lambda: sym.ArangeOp(*(b.value for b in bounds), result))


def _constant_value(v: Variable) -> object | None:
    owner = v.value.owner
    if isinstance(owner, sym.ConstantOp):
        return owner.to_numpy().item() if v.ndim == 0 else owner.to_numpy()
    return None


# ---------------------------------------------------------------------------
# shape manipulation


def shape(x: object) -> Variable:
    """The sizes of ``x`` as a symbolic int64 vector."""
    v = as_tensor_variable(x)
    return apply(sym.ShapeOp(v.value))


def dimshuffle(x: object, pattern: Sequence[object]) -> Variable:
    """Theano's dimshuffle: permute, insert ``'x'`` (broadcastable) and drop
    broadcastable dimensions.

    >>> import symopt.tensor as T
    >>> T.dimshuffle(T.dvector('v'), ['x', 0]).broadcastable
    (True, False)
    """
    v = as_tensor_variable(x)
    codes: list[int] = []
    for p in pattern:
        if p == "x":
            codes.append(-1)
        elif isinstance(p, numbers.Integral) and not isinstance(p, bool) and 0 <= p < v.ndim:
            codes.append(int(p))
        else:
            raise ValueError(
                f"dimshuffle: invalid pattern entry {p!r} for {v!r} of rank {v.ndim} "
                "(use dimension indices and 'x')"
            )
    if len(set(c for c in codes if c >= 0)) != len([c for c in codes if c >= 0]):
        raise ValueError(f"dimshuffle: pattern {list(pattern)} repeats a dimension")
    for i, s in enumerate(v.static_shape):
        if i not in codes and s != 1:
            raise ValueError(
                f"dimshuffle: pattern {list(pattern)} drops dimension {i} of {v!r}, "
                "which is not broadcastable"
            )
    if codes == list(range(v.ndim)):
        return v
    return apply(sym.DimShuffleOp(v.value, codes))


def transpose(x: object, axes: Sequence[int] | None = None) -> Variable:
    """Permute the dimensions (reverse them without ``axes``)."""
    v = as_tensor_variable(x)
    if axes is None:
        axes = list(range(v.ndim))[::-1]
    axes = [_normalize_axis(a, v.ndim, "transpose") for a in axes]
    if sorted(axes) != list(range(v.ndim)):
        raise ValueError(f"transpose: axes {list(axes)} are not a permutation of {v.ndim} dimensions")
    return dimshuffle(v, axes)


def _normalize_axis(axis: object, ndim: int, what: str) -> int:
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"{what}: axis must be an int, got {axis!r}")
    a = int(axis)
    if not -ndim <= a < ndim:
        raise ValueError(f"{what}: axis {a} is out of range for a {ndim}-d tensor")
    return a % ndim


def _normalize_axes(axis: object, ndim: int, what: str) -> list[int]:
    if axis is None:
        return list(range(ndim))
    if isinstance(axis, (list, tuple)):
        axes = [_normalize_axis(a, ndim, what) for a in axis]
    else:
        axes = [_normalize_axis(axis, ndim, what)]
    if len(set(axes)) != len(axes):
        raise ValueError(f"{what}: repeated axis in {axis!r}")
    return sorted(axes)


def reshape(x: object, newshape: object, ndim: int | None = None) -> Variable:
    """``x`` with a new shape (C order); one size may be -1.

    ``newshape`` is a tuple of ints and 0-d integer variables, or a symbolic
    integer vector (then ``ndim`` gives the rank when its length is not static).
    """
    v = as_tensor_variable(x)
    if isinstance(newshape, Variable):
        if newshape.ndim == 0:
            newshape = (newshape,)
        else:
            if newshape.ndim != 1 or newshape.dtype in FLOAT_DTYPES:
                raise TypeError(f"reshape: shape must be an integer vector, got {newshape!r}")
            n = newshape.static_shape[0] if ndim is None else ndim
            if n is None:
                raise ValueError("reshape: the shape vector's length is not known; pass ndim=")
            vec = cast(newshape, "int64")
            static = (None,) * n
            return build(lambda: sym.ReshapeOp(v.value, vec.value, tensor_type(v.dtype, static)))
    if isinstance(newshape, numbers.Integral):
        newshape = (newshape,)
    if not isinstance(newshape, (list, tuple)):
        raise TypeError(f"reshape: shape must be a tuple of sizes, got {newshape!r}")
    vec, static = _shape_vector(newshape, "reshape")
    if builtins.sum(1 for s in static if s == -1) > 1:
        raise ValueError(f"reshape: more than one -1 in {tuple(newshape)}")
    if builtins.any(s is not None and s < -1 for s in static):
        raise ValueError(f"reshape: invalid size in {tuple(newshape)}")
    in_static = v.static_shape
    total = None if None in in_static else int(np.prod(in_static, dtype=np.int64))
    out: list[int | None] = []
    known = [s for s in static if s is not None and s != -1]
    for s in static:
        if s == -1:
            if total is not None and None not in static:
                rest = int(np.prod(known, dtype=np.int64))
                if rest == 0 or total % rest:
                    raise ValueError(f"reshape: cannot reshape {v!r} of shape {in_static} into {tuple(newshape)}")
                out.append(total // rest)
            else:
                out.append(None)
        else:
            out.append(s)
    if total is not None and None not in out and int(np.prod(out, dtype=np.int64)) != total:
        raise ValueError(f"reshape: cannot reshape {v!r} of shape {in_static} into {tuple(out)}")
    result = tensor_type(v.dtype, out)
    return build(lambda: sym.ReshapeOp(v.value, vec.value, result))


def flatten(x: object, ndim: int = 1) -> Variable:
    """Keep the first ``ndim - 1`` dimensions and flatten the rest into one."""
    v = as_tensor_variable(x)
    if not 1 <= ndim <= builtins.max(v.ndim, 1):
        raise ValueError(f"flatten: ndim must be between 1 and {v.ndim}, got {ndim}")
    if ndim == v.ndim:
        return v
    sizes = shape(v)
    lead = [sizes[i] for i in range(ndim - 1)]
    lead_static = list(v.static_shape[: ndim - 1])
    rest = v.static_shape[ndim - 1 :]
    last = None if None in rest else int(np.prod(rest, dtype=np.int64))
    if not lead:
        return reshape(v, (-1,) if last is None else (last,))
    vec = concatenate([stack(lead), constant(np.array([-1], dtype=np.int64))])
    result = tensor_type(v.dtype, lead_static + [last])
    return build(lambda: sym.ReshapeOp(v.value, vec.value, result))


def concatenate(tensors: Sequence[object], axis: int = 0) -> Variable:
    """Join tensors along an existing axis."""
    if not isinstance(tensors, (list, tuple)) or not tensors:
        raise TypeError("concatenate needs a non-empty list of tensors")
    dtype = result_dtype(*tensors)
    vs = [cast(as_tensor_variable(t), dtype) for t in tensors]
    ndims = {v.ndim for v in vs}
    if len(ndims) != 1:
        raise ValueError(f"concatenate: tensors differ in rank: {[v.ndim for v in vs]}")
    nd = ndims.pop()
    if nd == 0:
        raise ValueError("concatenate: cannot join 0-d tensors; use stack")
    ax = _normalize_axis(axis, nd, "concatenate")
    if len(vs) == 1:
        return vs[0]
    return build(lambda: sym.ConcatenateOp([v.value for v in vs], ax))


join = concatenate


def stack(*tensors: object, axis: int = 0) -> Variable:
    """Join tensors of equal rank along a new axis (``stack([a, b])`` or
    ``stack(a, b)``)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise TypeError("stack needs at least one tensor")
    dtype = result_dtype(*tensors)
    vs = [cast(as_tensor_variable(t), dtype) for t in tensors]
    nd = vs[0].ndim
    if builtins.any(v.ndim != nd for v in vs):
        raise ValueError(f"stack: tensors differ in rank: {[v.ndim for v in vs]}")
    ax = _normalize_axis(axis, nd + 1, "stack")
    expanded = [dimshuffle(v, list(range(ax)) + ["x"] + list(range(ax, nd))) for v in vs]
    if len(expanded) == 1:
        return expanded[0]
    return build(lambda: sym.ConcatenateOp([e.value for e in expanded], ax))


# ---------------------------------------------------------------------------
# reductions


def _reduce(kind: str, x: object, axis: object, keepdims: bool, dtype: str) -> Variable:
    v = as_tensor_variable(x)
    axes = _normalize_axes(axis, v.ndim, kind)
    if not axes and not keepdims and kind not in ("all", "any"):
        return cast(v, dtype)
    return build(lambda: sym.ReduceOp(kind, v.value, axes, keepdims, dtype))


def sum(x: object, axis: object = None, dtype: object = None, keepdims: bool = False) -> Variable:  # noqa: A001
    """Sum over ``axis`` (all axes by default); small integer dtypes accumulate in
    int64, as in NumPy."""
    v = as_tensor_variable(x)
    out = canonical_dtype(dtype) if dtype else sym.ReduceOp.default_dtype("sum", v.dtype)
    return _reduce("sum", v, axis, keepdims, out)


def prod(x: object, axis: object = None, dtype: object = None, keepdims: bool = False) -> Variable:
    """Product over ``axis``."""
    v = as_tensor_variable(x)
    out = canonical_dtype(dtype) if dtype else sym.ReduceOp.default_dtype("prod", v.dtype)
    return _reduce("prod", v, axis, keepdims, out)


def mean(x: object, axis: object = None, dtype: object = None, keepdims: bool = False) -> Variable:
    """Arithmetic mean over ``axis``; integers average as float64."""
    v = as_tensor_variable(x)
    out = canonical_dtype(dtype) if dtype else sym.ReduceOp.default_dtype("mean", v.dtype)
    return _reduce("mean", v, axis, keepdims, out)


def max(x: object, axis: object = None, keepdims: bool = False) -> Variable:  # noqa: A001
    """Maximum over ``axis``."""
    v = as_tensor_variable(x)
    return _reduce("max", v, axis, keepdims, v.dtype)


def min(x: object, axis: object = None, keepdims: bool = False) -> Variable:  # noqa: A001
    """Minimum over ``axis``."""
    v = as_tensor_variable(x)
    return _reduce("min", v, axis, keepdims, v.dtype)


def all(x: object, axis: object = None, keepdims: bool = False) -> Variable:  # noqa: A001
    """True where every element over ``axis`` is nonzero."""
    v = as_tensor_variable(x)
    if v.dtype != "bool":
        v = neq(v, 0)
    return _reduce("all", v, axis, keepdims, "bool")


def any(x: object, axis: object = None, keepdims: bool = False) -> Variable:  # noqa: A001
    """True where some element over ``axis`` is nonzero."""
    v = as_tensor_variable(x)
    if v.dtype != "bool":
        v = neq(v, 0)
    return _reduce("any", v, axis, keepdims, "bool")


def _arg(kind: str, x: object, axis: object, keepdims: bool) -> Variable:
    v = as_tensor_variable(x)
    axes = _normalize_axes(axis, v.ndim, kind)
    if v.ndim == 0:
        # index 0, but still a function of x: the graph is the user's, and
        # on_unused_input judges it before anything folds it away
        return zeros_like(v, dtype="int64")
    return build(lambda: sym.ArgReduceOp(kind, v.value, axes, keepdims))


def argmax(x: object, axis: object = None, keepdims: bool = False) -> Variable:
    """Index (int64) of the first maximum over ``axis`` (over all, flattened, by
    default)."""
    return _arg("argmax", x, axis, keepdims)


def argmin(x: object, axis: object = None, keepdims: bool = False) -> Variable:
    """Index (int64) of the first minimum over ``axis``."""
    return _arg("argmin", x, axis, keepdims)


def var(x: object, axis: object = None, ddof: int = 0, keepdims: bool = False) -> Variable:
    """Variance over ``axis``: ``mean((x - mean(x))**2)``, divided by ``n - ddof``."""
    v = as_tensor_variable(x)
    if v.dtype not in FLOAT_DTYPES:
        v = cast(v, "float64")
    centered = v - mean(v, axis=axis, keepdims=True)
    sq = centered * centered
    if ddof == 0:
        return mean(sq, axis=axis, keepdims=keepdims)
    axes = _normalize_axes(axis, v.ndim, "var")
    sizes = shape(v)
    n = prod(stack([sizes[a] for a in axes])) if axes else constant(np.int64(1))
    return true_div(sum(sq, axis=axis, keepdims=keepdims), cast(n - ddof, v.dtype))


def std(x: object, axis: object = None, ddof: int = 0, keepdims: bool = False) -> Variable:
    """Standard deviation over ``axis``: ``sqrt(var(x))``."""
    return sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims))


# ---------------------------------------------------------------------------
# linear algebra


def dot(a: object, b: object) -> Variable:
    """NumPy's ``dot``: inner product of vectors, matrix-vector and matrix-matrix
    products, and the sum over the last axis of ``a`` and the second-to-last of
    ``b`` for higher ranks; a 0-d operand multiplies.

    >>> import symopt.tensor as T
    >>> T.dot(T.dmatrix('x'), T.dvector('w')).type
    TensorType(float64, vector)
    """
    dtype = result_dtype(a, b)
    x = cast(as_tensor_variable(a), dtype)
    y = cast(as_tensor_variable(b), dtype)
    if x.ndim == 0 or y.ndim == 0:
        return mul(x, y)
    if dtype == "bool":
        x, y = cast(x, "int64"), cast(y, "int64")
    return build(lambda: sym.DotOp(x.value, y.value))


def outer(x: object, y: object) -> Variable:
    """Outer product of two vectors."""
    a, b = as_tensor_variable(x), as_tensor_variable(y)
    if a.ndim != 1 or b.ndim != 1:
        a, b = flatten(a), flatten(b)
    return mul(dimshuffle(a, [0, "x"]), dimshuffle(b, ["x", 0]))
