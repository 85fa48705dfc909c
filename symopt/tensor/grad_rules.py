"""The gradient rules of the ``sym`` ops: one per op class, in ``GRAD_RULES``.

A rule gets the op, its operands and results as variables, and the gradients of its
results (``None`` for a result nothing depends on) and returns one gradient per
operand, ``None`` where none flows (integer operands, indices, shapes). Gradients
of elementwise ops have the result's shape; ``grad`` sums them over the dimensions
an operand broadcast and casts them to its dtype.

The rule of ``sym.map_index``, which differentiates the loop body with ``grad``
itself, is registered by ``symopt.tensor.gradient``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from xdsl.ir import Operation

from symopt.dialects import sym
from symopt.dialects.types import FLOAT_DTYPES
from symopt.ir.variable import Variable
from symopt.tensor import basic as T
from symopt.tensor.subtensor import inc_subtensor, set_subtensor

GradRule = Callable[
    [Operation, list[Variable], list[Variable], list["Variable | None"]],
    Sequence["Variable | None"],
]

GRAD_RULES: dict[type[Operation], GradRule] = {}
"""Op class -> gradient rule."""


def grad_rule(*op_classes: type[Operation]) -> Callable[[GradRule], GradRule]:
    """Register the decorated function as the gradient rule of ``op_classes``."""

    def register(rule: GradRule) -> GradRule:
        for cls in op_classes:
            if cls in GRAD_RULES:
                raise ValueError(f"'{cls.name}' already has a gradient rule")
            GRAD_RULES[cls] = rule
        return rule

    return register


Grads = list["Variable | None"]


# ---------------------------------------------------------------------------
# elementwise


@grad_rule(sym.AddOp)
def _add(op, inputs, outputs, grads) -> Grads:
    (gz,) = grads
    return [gz, gz]


@grad_rule(sym.SubOp)
def _sub(op, inputs, outputs, grads) -> Grads:
    (gz,) = grads
    return [gz, -gz]


@grad_rule(sym.MulOp)
def _mul(op, inputs, outputs, grads) -> Grads:
    (gz,) = grads
    x, y = inputs
    return [gz * y, gz * x]


@grad_rule(sym.DivOp)
def _div(op, inputs, outputs, grads) -> Grads:
    (gz,) = grads
    x, y = inputs
    return [gz / y, -gz * x / (y * y)]


@grad_rule(sym.PowOp)
def _pow(op, inputs, outputs, grads) -> Grads:
    """d(x**y)/dx = y * x**(y-1); d(x**y)/dy = log(x) * x**y (zero where x**y is)."""
    (gz,) = grads
    x, y = inputs
    (z,) = outputs
    gx = gz * y * x ** (y - 1)
    gy = gz * T.switch(T.eq(z, 0), 0, T.log(T.switch(T.eq(z, 0), 1, x)) * z)
    return [gx, gy]


@grad_rule(sym.MaximumOp, sym.MinimumOp)
def _extremum(op, inputs, outputs, grads) -> Grads:
    """The gradient goes to the operand(s) equal to the result (both at ties, as in
    Theano)."""
    (gz,) = grads
    x, y = inputs
    (z,) = outputs
    return [gz * T.eq(z, x), gz * T.eq(z, y)]


@grad_rule(sym.Atan2Op)
def _atan2(op, inputs, outputs, grads) -> Grads:
    (gz,) = grads
    y, x = inputs
    r = x * x + y * y
    return [gz * x / r, -gz * y / r]


@grad_rule(sym.ModOp)
def _mod(op, inputs, outputs, grads) -> Grads:
    """x % y = x - floor(x/y) * y: d/dx = 1, d/dy = -floor(x/y)."""
    (gz,) = grads
    x, y = inputs
    if x.dtype not in ("float16", "float32", "float64"):
        return [None, None]
    return [gz, -gz * T.floor(x / y)]


@grad_rule(
    sym.FloorDivOp, sym.SignOp, sym.FloorOp, sym.CeilOp, sym.RoundEvenOp,
    sym.CmpOp, sym.AndOp, sym.OrOp, sym.XorOp, sym.InvertOp,
)  # fmt: skip
def _piecewise_constant(op, inputs, outputs, grads) -> Grads:
    """Piecewise constant (or boolean) results: zero gradient where defined."""
    return [T.zeros_like(x) if x.dtype in FLOAT_DTYPES else None for x in inputs]


@grad_rule(sym.NegOp)
def _neg(op, inputs, outputs, grads) -> Grads:
    return [-grads[0]]


@grad_rule(sym.AbsOp)
def _abs(op, inputs, outputs, grads) -> Grads:
    return [grads[0] * T.sgn(inputs[0])]


@grad_rule(sym.ExpOp)
def _exp(op, inputs, outputs, grads) -> Grads:
    return [grads[0] * outputs[0]]


@grad_rule(sym.LogOp)
def _log(op, inputs, outputs, grads) -> Grads:
    return [grads[0] / inputs[0]]


@grad_rule(sym.Log1pOp)
def _log1p(op, inputs, outputs, grads) -> Grads:
    return [grads[0] / (1 + inputs[0])]


@grad_rule(sym.Expm1Op)
def _expm1(op, inputs, outputs, grads) -> Grads:
    return [grads[0] * (outputs[0] + 1)]


@grad_rule(sym.Log2Op)
def _log2(op, inputs, outputs, grads) -> Grads:
    return [grads[0] / (inputs[0] * math.log(2.0))]


@grad_rule(sym.Log10Op)
def _log10(op, inputs, outputs, grads) -> Grads:
    return [grads[0] / (inputs[0] * math.log(10.0))]


@grad_rule(sym.SqrtOp)
def _sqrt(op, inputs, outputs, grads) -> Grads:
    return [grads[0] * 0.5 / outputs[0]]


@grad_rule(sym.TanhOp)
def _tanh(op, inputs, outputs, grads) -> Grads:
    (z,) = outputs
    return [grads[0] * (1 - z * z)]


@grad_rule(sym.SinhOp)
def _sinh(op, inputs, outputs, grads) -> Grads:
    return [grads[0] * T.cosh(inputs[0])]


@grad_rule(sym.CoshOp)
def _cosh(op, inputs, outputs, grads) -> Grads:
    return [grads[0] * T.sinh(inputs[0])]


@grad_rule(sym.SinOp)
def _sin(op, inputs, outputs, grads) -> Grads:
    return [grads[0] * T.cos(inputs[0])]


@grad_rule(sym.CosOp)
def _cos(op, inputs, outputs, grads) -> Grads:
    return [-grads[0] * T.sin(inputs[0])]


@grad_rule(sym.TanOp)
def _tan(op, inputs, outputs, grads) -> Grads:
    (z,) = outputs
    return [grads[0] * (1 + z * z)]


@grad_rule(sym.AsinOp)
def _asin(op, inputs, outputs, grads) -> Grads:
    (x,) = inputs
    return [grads[0] / T.sqrt(1 - x * x)]


@grad_rule(sym.AcosOp)
def _acos(op, inputs, outputs, grads) -> Grads:
    (x,) = inputs
    return [-grads[0] / T.sqrt(1 - x * x)]


@grad_rule(sym.AtanOp)
def _atan(op, inputs, outputs, grads) -> Grads:
    (x,) = inputs
    return [grads[0] / (1 + x * x)]


@grad_rule(sym.SigmoidOp)
def _sigmoid(op, inputs, outputs, grads) -> Grads:
    """sigmoid' = s * (1 - s), written as s * sigmoid(-x) so it stays accurate where
    s rounds to 1."""
    (x,) = inputs
    (s,) = outputs
    return [grads[0] * s * T.sigmoid(-x)]


@grad_rule(sym.SoftplusOp)
def _softplus(op, inputs, outputs, grads) -> Grads:
    return [grads[0] * T.sigmoid(inputs[0])]


@grad_rule(sym.SelectOp)
def _select(op, inputs, outputs, grads) -> Grads:
    (gz,) = grads
    c, a, b = inputs
    zero = T.zeros_like(gz)
    return [None, T.switch(c, gz, zero), T.switch(c, zero, gz)]


@grad_rule(sym.ClipOp)
def _clip(op, inputs, outputs, grads) -> Grads:
    """Inside the bounds the gradient goes to x, outside to the bound that clipped
    (at a bound, to x, as in Theano)."""
    (gz,) = grads
    x, lo, hi = inputs
    return [gz * ((x >= lo) & (x <= hi)), gz * (x < lo), gz * (x > hi)]


@grad_rule(sym.CastOp)
def _cast(op, inputs, outputs, grads) -> Grads:
    (x,) = inputs
    if x.dtype not in FLOAT_DTYPES:
        return [None]
    return [T.cast(grads[0], x.dtype)]


# ---------------------------------------------------------------------------
# reductions


def _expand(g: Variable, x: Variable, axes: tuple[int, ...], keepdims: bool) -> Variable:
    """``g`` (a reduction's gradient) with the reduced axes back as size 1."""
    if keepdims:
        return g
    pattern: list[object] = []
    k = 0
    for i in range(x.ndim):
        if i in axes:
            pattern.append("x")
        else:
            pattern.append(k)
            k += 1
    return T.dimshuffle(g, pattern)


def _broadcast_to(g: Variable, x: Variable) -> Variable:
    return T.fill(x, g) if g.static_shape != x.static_shape else g


@grad_rule(sym.ReduceOp)
def _reduce(op: sym.ReduceOp, inputs, outputs, grads) -> Grads:
    (gz,) = grads
    (x,) = inputs
    (z,) = outputs
    kind = op.kind.data
    axes = op.axis_tuple()
    keep = op.keepdims is not None
    if kind in ("all", "any"):
        return [None]
    g = _expand(T.cast(gz, x.dtype), x, axes, keep)
    if kind == "sum":
        return [_broadcast_to(g, x)]
    if kind == "mean":
        sizes = T.shape(x)
        n = sizes[axes[0]] if axes else T.constant(np.int64(1))
        for a in axes[1:]:
            n = n * sizes[a]
        return [_broadcast_to(g / T.cast(n, x.dtype), x)]
    zk = _expand(z, x, axes, keep)
    if kind in ("max", "min"):
        return [g * T.eq(x, zk)]
    if kind == "prod":
        # zero-safe: the product of the other elements
        is_zero = T.eq(x, 0)
        zeros = T.sum(is_zero, axis=axes, keepdims=True)
        nonzero_prod = T.prod(T.switch(is_zero, T.ones_like(x), x), axis=axes, keepdims=True)
        others = T.switch(
            T.eq(zeros, 0),
            nonzero_prod / T.switch(is_zero, T.ones_like(x), x),
            T.switch(T.eq(zeros, 1), T.switch(is_zero, _broadcast_to(nonzero_prod, x), 0), 0),
        )
        return [g * others]
    raise AssertionError(f"internal error: no gradient for reduction kind {kind!r}")


@grad_rule(sym.ArgReduceOp, sym.ShapeOp, sym.ArangeOp)
def _integer_result(op, inputs, outputs, grads) -> Grads:
    return [None for _ in inputs]


# ---------------------------------------------------------------------------
# linear algebra and shapes


@grad_rule(sym.DotOp)
def _dot(op, inputs, outputs, grads) -> Grads:
    (gz,) = grads
    a, b = inputs
    if a.ndim == 1 and b.ndim == 1:
        return [gz * b, gz * a]
    if a.ndim == 2 and b.ndim == 1:
        return [T.outer(gz, b), T.dot(a.T, gz)]
    if a.ndim == 1 and b.ndim == 2:
        return [T.dot(b, gz), T.outer(a, gz)]
    if a.ndim == 2 and b.ndim == 2:
        return [T.dot(gz, b.T), T.dot(a.T, gz)]
    # general case: a (I..., k) . b (J..., k, m) as a matrix product
    # A (I, k) . B (k, J*m) where B moves b's contracted axis first
    k_axis = 0 if b.ndim == 1 else b.ndim - 2
    a2 = T.reshape(a, T.stack([T.constant(np.int64(-1)), T.shape(a)[a.ndim - 1]]), ndim=2)
    order = [k_axis] + [i for i in range(b.ndim) if i != k_axis]
    bt = T.transpose(b, order)
    b2 = T.reshape(bt, T.stack([T.shape(bt)[0], T.constant(np.int64(-1))]), ndim=2)
    g2 = T.reshape(gz, T.stack([T.shape(a2)[0], T.shape(b2)[1]]), ndim=2)
    ga = T.reshape(T.dot(g2, b2.T), T.shape(a), ndim=a.ndim)
    gbt = T.reshape(T.dot(a2.T, g2), T.shape(bt), ndim=b.ndim)
    inverse = [order.index(i) for i in range(b.ndim)]
    return [ga, T.transpose(gbt, inverse)]


@grad_rule(sym.DimShuffleOp)
def _dimshuffle(op: sym.DimShuffleOp, inputs, outputs, grads) -> Grads:
    (x,) = inputs
    pattern = op.pattern_tuple()
    back = [pattern.index(i) if i in pattern else "x" for i in range(x.ndim)]
    g = grads[0]
    # output dimensions inserted as 'x' are size 1: summing keeps the value and
    # lets them be dropped even when the gradient's size there is not static
    inserted = [k for k, p in enumerate(pattern) if p == -1 and g.static_shape[k] != 1]
    if inserted:
        g = T.sum(g, axis=inserted, keepdims=True)
    return [T.dimshuffle(g, back)]


@grad_rule(sym.ReshapeOp)
def _reshape(op, inputs, outputs, grads) -> Grads:
    x, _shape = inputs
    return [T.reshape(grads[0], T.shape(x), ndim=x.ndim), None]


@grad_rule(sym.SubtensorOp)
def _subtensor(op: sym.SubtensorOp, inputs, outputs, grads) -> Grads:
    """The gradient scatters into zeros at the indexed region."""
    x = inputs[0]
    indices = [i.value for i in inputs[1:]]
    spec = [int(v) for v in op.spec.get_values()]
    region = T.apply(sym.SubtensorOp(T.zeros_like(x).value, indices, spec))
    return [inc_subtensor(region, grads[0])] + [None] * len(indices)


@grad_rule(sym.IncSubtensorOp, sym.SetSubtensorOp)
def _update_subtensor(op, inputs, outputs, grads) -> Grads:
    (gz,) = grads
    x, y = inputs[:2]
    indices = [i.value for i in inputs[2:]]
    spec = [int(v) for v in op.spec.get_values()]
    gy = T.apply(sym.SubtensorOp(gz.value, indices, spec))
    if isinstance(op, sym.SetSubtensorOp):
        gx = set_subtensor(gy, T.zeros_like(gy))
    else:
        gx = gz
    return [gx, _unbroadcast(gy, y)] + [None] * len(indices)


@grad_rule(sym.AdvancedSubtensorOp)
def _advanced_subtensor(op: sym.AdvancedSubtensorOp, inputs, outputs, grads) -> Grads:
    """The gradient adds into zeros at the indexed elements (repeated indices
    accumulate)."""
    x = inputs[0]
    indices = [i.value for i in inputs[1:]]
    g = T.apply(sym.AdvancedIncSubtensorOp(T.zeros_like(x).value, grads[0].value, indices, op.spec_list()))
    return [g] + [None] * len(indices)


@grad_rule(sym.AdvancedIncSubtensorOp, sym.AdvancedSetSubtensorOp)
def _advanced_update(op, inputs, outputs, grads) -> Grads:  # type: ignore[no-untyped-def]
    (gz,) = grads
    x, y = inputs[:2]
    indices = [i.value for i in inputs[2:]]
    spec = op.spec_list()
    gy = T.apply(sym.AdvancedSubtensorOp(gz.value, indices, spec))
    if isinstance(op, sym.AdvancedSetSubtensorOp):
        gx = T.apply(sym.AdvancedSetSubtensorOp(gz.value, T.zeros_like(gy).value, indices, spec))
    else:
        gx = gz
    return [gx, _unbroadcast(gy, y)] + [None] * len(indices)


def _unbroadcast(g: Variable, y: Variable) -> Variable:
    axes = [i for i, (a, b) in enumerate(zip(y.static_shape, g.static_shape)) if a == 1 and b != 1]
    return T.sum(g, axis=axes, keepdims=True) if axes else g


@grad_rule(sym.ConcatenateOp)
def _concatenate(op: sym.ConcatenateOp, inputs, outputs, grads) -> Grads:
    (gz,) = grads
    axis = op.axis.value.data
    out: Grads = []
    start: Variable | int = 0
    for x in inputs:
        size = x.static_shape[axis]
        length: Variable | int = size if size is not None else T.shape(x)[axis]
        stop = start + length
        key = tuple([slice(None)] * axis + [slice(start, stop)])
        out.append(gz[key])
        start = stop
    return out


@grad_rule(sym.AllocOp)
def _alloc(op, inputs, outputs, grads) -> Grads:
    value, _shape = inputs
    return [_unbroadcast(grads[0], value), None]
