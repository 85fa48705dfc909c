"""Automatic differentiation: ``grad``, ``jacobian``, ``hessian``, ``verify_grad``.

``grad`` is reverse mode over the user's ``sym`` graph. Each op class has one
gradient rule in ``GRAD_RULES`` (``symopt.tensor.grad_rules``): given
the op, its inputs and outputs as variables and the gradients of its outputs, it
returns one gradient per operand (``None`` where no gradient flows). The result of
``grad`` is an ordinary symbolic graph: it can be an output or an update of a
function, and differentiated again.

Before differentiating, ``grad`` runs ``sym-stabilize`` on the cost's graph, so that
it differentiates ``-softplus(-x)`` rather than ``log(1/(1+exp(-x)))``: the
gradient of a stabilized cost is stable too.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from xdsl.ir import Operation, SSAValue

from symopt.configparser import config
from symopt.dialects import sym
from symopt.dialects.types import FLOAT_DTYPES, static_shape
from symopt.ir.clone import clone
from symopt.ir.graph import depends_on, operand_values, topological_ops
from symopt.ir.rewrite import rewrite_graph
from symopt.ir.variable import TensorType, Variable, detach_uses
from symopt.tensor import basic
from symopt.tensor.compile import function
from symopt.tensor.grad_rules import GRAD_RULES, GradRule, Grads, grad_rule
from symopt.tensor.loop import map_index

__all__ = [
    "GRAD_RULES", "DisconnectedInputError", "GradRule", "GradientError", "Lop",
    "NullTypeGradError", "Rop", "disconnected_grad", "grad", "grad_rule", "hessian",
    "jacobian", "verify_grad", "zero_grad",
]  # fmt: skip


class DisconnectedInputError(ValueError):
    """``grad`` was asked for the gradient with respect to a variable that the cost
    does not depend on."""


class NullTypeGradError(TypeError):
    """An op on the path from the inputs to the cost has no gradient rule."""


def _as_list(wrt: object, what: str) -> tuple[list[Variable], bool]:
    if isinstance(wrt, Variable):
        return [wrt], False
    if isinstance(wrt, (list, tuple)):
        for i, w in enumerate(wrt):
            if not isinstance(w, Variable):
                raise TypeError(f"{what}: element {i} of wrt is not a symbolic variable: {w!r}")
        return list(wrt), True
    raise TypeError(f"{what}: wrt must be a symbolic variable or a list of them, got {wrt!r}")


def grad(
    cost: Variable | None,
    wrt: Variable | Sequence[Variable],
    consider_constant: Sequence[Variable] | None = None,
    disconnected_inputs: str = "raise",
    add_names: bool = True,
    known_grads: Mapping[Variable, Variable] | None = None,
    return_disconnected: str = "zero",
    null_gradients: str = "raise",
) -> Any:
    """The gradient of the scalar ``cost`` with respect to ``wrt``.

    ``wrt`` is a variable (one gradient back) or a list (a list back). Variables in
    ``consider_constant`` are treated as constants: no gradient flows through them.
    A ``wrt`` the cost does not depend on raises ``DisconnectedInputError``, warns
    or is ignored as ``disconnected_inputs`` says; its gradient is then zeros
    (``return_disconnected='zero'``) or ``None`` (``'None'`` / ``'disconnected'``).
    ``known_grads`` maps intermediate variables to their gradients (the cost may
    then be ``None``).

    >>> import symopt, symopt.tensor as T
    >>> x = T.dscalar('x')
    >>> gx = grad(x ** 2, x)
    >>> symopt.function([x], gx)(4)
    array(8.)
    """
    wrt_list, as_list = _as_list(wrt, "grad")
    if disconnected_inputs not in ("raise", "warn", "ignore"):
        raise ValueError(
            f"grad: disconnected_inputs must be 'raise', 'warn' or 'ignore', got "
            f"{disconnected_inputs!r}"
        )
    if return_disconnected not in ("zero", "None", "disconnected"):
        raise ValueError(
            f"grad: return_disconnected must be 'zero', 'None' or 'disconnected', got "
            f"{return_disconnected!r}"
        )
    known = dict(known_grads or {})
    if cost is None and not known:
        raise ValueError("grad: cost is None and no known_grads are given")
    if cost is not None:
        if not isinstance(cost, Variable):
            raise TypeError(f"grad: cost must be a symbolic variable, got {cost!r}")
        if cost.ndim != 0:
            raise TypeError(
                f"grad: cost must be a scalar (0-d), but {cost!r} has type {cost.type!r}; "
                "take .sum() or .mean() first, or use T.jacobian"
            )
        if cost.dtype not in FLOAT_DTYPES:
            raise TypeError(
                f"grad: cost must be a floating-point scalar, got {cost!r} of dtype {cost.dtype}"
            )
    for k, g in known.items():
        if not isinstance(k, Variable) or not isinstance(g, Variable):
            raise TypeError("grad: known_grads must map symbolic variables to symbolic variables")
        if k.ndim != g.ndim:
            raise ValueError(f"grad: the known gradient of {k!r} has rank {g.ndim}, not {k.ndim}")
    constants = [c for c in (consider_constant or [])]
    for c in constants:
        if not isinstance(c, Variable):
            raise TypeError(f"grad: consider_constant must hold symbolic variables, got {c!r}")

    wrt_values = {w.value for w in wrt_list}
    cut = {c.value for c in constants}

    roots: list[Variable] = [cost] if cost is not None else []
    # which wrt the cost depends on, judged on the graph as the user wrote it
    # (before rewrites that may fold a dependency away)
    reached = _true_ancestors([r.value for r in roots + list(known)], cut)
    if roots:
        from symopt.dialects.sym.stabilize import stabilize

        # wrt and known_grads' variables stay as they are, so the gradient meets
        # them; the walk below goes on past an intermediate wrt (as in Theano, the
        # gradient of an input includes the paths through it)
        keep = cut | wrt_values | {k.value for k in known}
        roots = rewrite_graph(roots, keep, lambda module: stabilize(module, canonicalize=True))
    roots += list(known)

    def is_leaf(v: SSAValue) -> bool:
        return v in cut

    ops = topological_ops([r.value for r in roots], is_leaf)
    connected = depends_on(ops, wrt_values)
    grads: dict[SSAValue, list[Variable]] = {}
    if cost is not None:
        grads.setdefault(roots[0].value, []).append(basic.ones_like(roots[0]))
    for k, g in known.items():
        grads.setdefault(k.value, []).append(_fit(g, k))

    for op in reversed(ops):
        if not any(r in grads for r in op.results):
            continue
        if not any(v in connected for v in operand_values(op)):
            continue
        rule = GRAD_RULES.get(type(op))
        if rule is None:
            raise NullTypeGradError(
                f"grad: '{op.name}' has no gradient rule, and the cost depends on "
                f"{', '.join(repr(w) for w in wrt_list)} through it"
            )
        out_grads = [_total(grads.get(r)) for r in op.results]
        inputs = [Variable(v) for v in operand_values(op)]
        outputs = [Variable(r) for r in op.results]
        in_grads = rule(op, inputs, outputs, out_grads)
        if len(in_grads) != len(inputs):
            raise AssertionError(
                f"internal error: the gradient rule of '{op.name}' returned "
                f"{len(in_grads)} gradients for {len(inputs)} operands"
            )
        for operand, g in zip(inputs, in_grads):
            if g is None or operand.value not in connected:
                continue
            if operand.dtype not in FLOAT_DTYPES:
                continue
            grads.setdefault(operand.value, []).append(_fit(g, operand))

    results: list[Variable | None] = []
    for w in wrt_list:
        total = _total(grads.get(w.value))
        if total is None:
            total = _disconnected(w, w.value in reached, disconnected_inputs, return_disconnected)
        elif add_names and w.name and total.name is None:
            total.name = f"(d{cost.name if cost is not None and cost.name else 'cost'}/d{w.name})"
        results.append(total)
    return results if as_list else results[0]


def _true_ancestors(roots: list[SSAValue], constants: set[SSAValue]) -> set[SSAValue]:
    """The values whose elements the ``roots`` are computed from (Theano's connection
    patterns): the walk stops at ``constants`` and follows only the operands an op
    declares as carrying values (``VALUE_OPERANDS``: not the operand of
    ``sym.shape``, not indices, not the shape operands of ``sym.reshape`` and
    ``sym.alloc``, so ``fill``'s model neither)."""
    seen: set[SSAValue] = set()
    stack = list(roots)
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        owner = v.owner
        if v in constants or not isinstance(owner, Operation):
            continue
        value_operands = getattr(owner, "VALUE_OPERANDS", None)
        if value_operands is None:
            stack.extend(operand_values(owner))
        else:
            stack.extend(owner.operands[i] for i in value_operands)
    return seen


def _disconnected(
    w: Variable, connected: bool, disconnected_inputs: str, return_disconnected: str
) -> Variable | None:
    if not connected:
        msg = (
            f"grad: the cost does not depend on {w!r} (it is disconnected); pass "
            "disconnected_inputs='ignore' to get a zero gradient"
        )
        if disconnected_inputs == "raise":
            raise DisconnectedInputError(msg)
        if disconnected_inputs == "warn":
            warnings.warn(msg, stacklevel=3)
        if return_disconnected != "zero":
            return None
    dtype = w.dtype if w.dtype in FLOAT_DTYPES else config.floatX
    return basic.zeros_like(w, dtype=dtype)


def _total(parts: list[Variable] | None) -> Variable | None:
    if not parts:
        return None
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    return total


def _fit(g: Variable, target: Variable) -> Variable:
    """``g`` summed over the dimensions ``target`` broadcast (static size 1 there,
    not in ``g``) and cast to ``target``'s dtype."""
    if g.ndim != target.ndim:
        raise AssertionError(
            f"internal error: gradient of rank {g.ndim} for {target!r} of rank {target.ndim}"
        )
    ts, gs = static_shape(target.value.type), static_shape(g.value.type)
    axes = [i for i, (t, s) in enumerate(zip(ts, gs)) if t == 1 and s != 1]
    if axes:
        g = basic.sum(g, axis=axes, keepdims=True)
    return basic.cast(g, target.dtype)


# ---------------------------------------------------------------------------
# the gradient rule of sym.map_index (its body is differentiated with grad)


@grad_rule(sym.MapIndexOp)
def _map_index(op: sym.MapIndexOp, inputs, outputs, grads) -> Grads:
    """``r[i] = body(i)`` reads outer values ``f``: ``df = sum_i d(body(i) . g[i])/df``,
    itself a ``map_index`` over the same trip count, summed."""
    (gz,) = grads
    count, free = inputs[0], inputs[1:]
    block = op.body.block

    def item(j: Variable) -> Variable:
        mapping = {block.args[0]: j.value}
        for inner in block.ops:
            if isinstance(inner, sym.YieldOp):
                (v,) = inner.values
                return Variable(mapping.get(v, v))
            clone = inner.clone(value_mapper=mapping)
            detach_uses(clone)
        raise AssertionError("internal error: map_index body without sym.yield")

    out: Grads = [None]
    for f in free:
        if f.dtype not in FLOAT_DTYPES:
            out.append(None)
            continue
        # the other outer values get their own gradients, and the incoming
        # gradient is a given (it may itself be computed from this loop's result,
        # as d log(m) = 1 / m): hold them constant here
        others = [o for o in free if o.value is not f.value] + [gz]
        per_step = map_index(
            count,
            lambda j, f=f, others=others: grad(
                basic.sum(item(j) * gz[j]),
                f,
                consider_constant=others,
                disconnected_inputs="ignore",
            ),
        )
        out.append(basic.sum(per_step, axis=0))
    return out


# ---------------------------------------------------------------------------
# stopping gradients, and the products with the Jacobian


def zero_grad(x: object) -> Variable:
    """``x`` itself, whose gradient is zero (Theano's ``zero_grad``): the cost still
    counts as depending on what ``x`` depends on."""
    v = basic.as_tensor_variable(x)
    return basic.build(lambda: sym.StopGradientOp("zero", v.value))


def disconnected_grad(x: object) -> Variable:
    """``x`` itself, through which no gradient flows at all (Theano's
    ``disconnected_grad``): what ``x`` depends on is disconnected from the cost
    along this path."""
    v = basic.as_tensor_variable(x)
    return basic.build(lambda: sym.StopGradientOp("disconnected", v.value))


def _as_pairs(f: object, points: object, what: str) -> tuple[list[Variable], list[Variable], bool]:
    fs = list(f) if isinstance(f, (list, tuple)) else [f]
    ps = list(points) if isinstance(points, (list, tuple)) else [points]
    if len(fs) != len(ps):
        raise ValueError(f"{what}: {len(fs)} expressions but {len(ps)} evaluation points")
    out = []
    for e, p in zip(fs, ps):
        if not isinstance(e, Variable):
            raise TypeError(f"{what}: expected symbolic variables, got {e!r}")
        pv = basic.as_tensor_variable(p)
        if pv.ndim != e.ndim:
            raise ValueError(
                f"{what}: the evaluation point {pv!r} has rank {pv.ndim}, the expression "
                f"{e!r} rank {e.ndim}"
            )
        out.append(pv)
    return fs, out, isinstance(f, (list, tuple))


def Lop(f: object, wrt: object, eval_points: object, consider_constant=None, disconnected_inputs: str = "raise") -> Any:  # noqa: N802 - Theano's name
    """The vector-Jacobian product ``v^T (df/dwrt)`` for ``v = eval_points`` (one
    per expression in ``f``): reverse mode, what ``grad`` computes with
    ``known_grads``."""
    fs, vs, _ = _as_pairs(f, eval_points, "Lop")
    wrt_list, as_list = _as_list(wrt, "Lop")
    known = {e: basic.cast(v, e.dtype) for e, v in zip(fs, vs)}
    out = grad(None, wrt_list, consider_constant=consider_constant,
               disconnected_inputs=disconnected_inputs, known_grads=known)
    return out if as_list else out[0]


def Rop(f: object, wrt: object, eval_points: object) -> Any:  # noqa: N802 - Theano's name
    """The Jacobian-vector product ``(df/dwrt) v`` for ``v = eval_points`` (one per
    variable in ``wrt``): forward mode, computed as the gradient, with respect to a
    stand-in ``u``, of ``Lop(f, wrt, u) . v`` (the Lop is linear in ``u``)."""
    wrt_list, _ = _as_list(wrt, "Rop")
    vs = list(eval_points) if isinstance(eval_points, (list, tuple)) else [eval_points]
    if len(vs) != len(wrt_list):
        raise ValueError(f"Rop: {len(wrt_list)} variables but {len(vs)} evaluation points")
    fs = list(f) if isinstance(f, (list, tuple)) else [f]
    stand_ins = [TensorType(e.dtype, e.static_shape)(f"u{i}") for i, e in enumerate(fs)]
    lops = Lop(fs, wrt_list, stand_ins, disconnected_inputs="ignore")
    total = None
    for g, v in zip(lops, vs):
        term = basic.sum(g * basic.cast(basic.as_tensor_variable(v), g.dtype))
        total = term if total is None else total + term
    out = grad(total, stand_ins, disconnected_inputs="ignore")
    # the result does not depend on the stand-ins' values (the Lop is linear in
    # them), only, through sizes, on their shapes: those of the expressions
    out = clone(out, replace={u: basic.zeros_like(e) for u, e in zip(stand_ins, fs)})
    return out if isinstance(f, (list, tuple)) else out[0]


# ---------------------------------------------------------------------------
# Jacobian and Hessian


def jacobian(
    expression: Variable,
    wrt: Variable | Sequence[Variable],
    consider_constant: Sequence[Variable] | None = None,
    disconnected_inputs: str = "raise",
) -> Any:
    """The Jacobian of ``expression`` with respect to ``wrt``.

    For a vector ``expression`` of length ``m`` and ``wrt`` of shape ``s``, the
    result has shape ``(m,) + s``: row ``i`` is ``grad(expression[i], wrt)``; a
    scalar expression gives its gradient. The rows are computed by a
    ``sym.map_index`` loop, so ``m`` may be known only at call time.

    >>> import numpy as np, symopt, symopt.tensor as T
    >>> x = T.dvector('x')
    >>> symopt.function([x], jacobian(x ** 2, x))([4, 4])
    array([[8., 0.],
           [0., 8.]])
    """
    wrt_list, as_list = _as_list(wrt, "jacobian")
    expression = basic.as_tensor_variable(expression)
    if expression.dtype not in FLOAT_DTYPES:
        raise TypeError(f"jacobian: expression must be floating point, got {expression.dtype}")
    if expression.ndim == 0:
        out = grad(expression, wrt_list, consider_constant, disconnected_inputs)
        return out if as_list else out[0]
    flat = basic.flatten(expression)
    rows = []
    for w in wrt_list:
        rows.append(
            map_index(
                flat.shape[0],
                lambda i, w=w: grad(
                    flat[i], w, consider_constant=consider_constant,
                    disconnected_inputs=disconnected_inputs,
                ),
            )
        )
    return rows if as_list else rows[0]


def hessian(
    cost: Variable,
    wrt: Variable | Sequence[Variable],
    consider_constant: Sequence[Variable] | None = None,
    disconnected_inputs: str = "raise",
) -> Any:
    """The Hessian of the scalar ``cost``: the Jacobian of its gradient.

    >>> import symopt, symopt.tensor as T
    >>> x = T.dvector('x')
    >>> symopt.function([x], hessian((x ** 2).sum(), x))([4, 4])
    array([[2., 0.],
           [0., 2.]])
    """
    wrt_list, as_list = _as_list(wrt, "hessian")
    if not isinstance(cost, Variable) or cost.ndim != 0:
        raise TypeError(f"hessian: cost must be a scalar symbolic variable, got {cost!r}")
    out = []
    for w in wrt_list:
        if w.ndim != 1:
            raise TypeError(f"hessian: wrt must be vectors, but {w!r} has {w.ndim} dimensions")
        g = grad(cost, w, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs)
        out.append(jacobian(g, w, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs))
    return out if as_list else out[0]


# ---------------------------------------------------------------------------
# numerical check


class GradientError(AssertionError):
    """``verify_grad`` found an analytic gradient that disagrees with finite
    differences."""

    def __init__(self, arg: int, err_pos: int, shape: tuple[int, ...], val1: float,
                 val2: float, abs_err: float, rel_err: float, abs_tol: float, rel_tol: float):
        self.arg, self.err_pos = arg, err_pos
        self.val1, self.val2 = val1, val2
        self.abs_err, self.rel_err = abs_err, rel_err
        super().__init__(
            f"gradient of input {arg} disagrees with finite differences at flat "
            f"position {err_pos} (input shape {shape}): analytic {val1!r}, numeric "
            f"{val2!r}, absolute error {abs_err:.3g} (tolerance {abs_tol:.3g}), relative "
            f"error {rel_err:.3g} (tolerance {rel_tol:.3g})"
        )


def verify_grad(
    fun: Callable[..., Variable],
    pt: Sequence[object],
    n_tests: int = 2,
    rng: np.random.RandomState | np.random.Generator | None = None,
    eps: float | None = None,
    out_type: object = None,
    abs_tol: float | None = None,
    rel_tol: float | None = None,
    mode: str | None = None,
    cast_to_output_type: bool = False,
    no_debug_ref: bool = True,
) -> None:
    """Check ``T.grad`` of ``fun`` at ``pt`` against central finite differences.

    ``fun`` takes symbolic variables (one per array in ``pt``) and returns a tensor
    ``y``; the check differentiates the scalar ``sum(y * r)`` for a random ``r``
    (``n_tests`` times) and raises ``GradientError`` naming the worst-offending
    input when an analytic and a numeric gradient differ by more than both
    ``abs_tol`` and ``rel_tol``.

    >>> import numpy as np, symopt.tensor as T
    >>> verify_grad(lambda x: T.exp(x) * x, [np.array([0.5, 1.5])])
    """
    if not isinstance(pt, (list, tuple)):
        raise TypeError("verify_grad: pt must be a list of numpy arrays")
    if rng is None:
        rng = np.random.default_rng(0)
    arrays = []
    for p in pt:
        a = np.array(p)
        arrays.append(a if a.dtype.kind == "f" else a.astype(np.float64))
    # as Theano: the largest step and tolerances of the inputs' dtypes (a float32
    # input among float64 ones cannot resolve a float64 step)
    is32 = any(a.dtype.itemsize < 8 for a in arrays)
    eps = eps if eps is not None else (1e-3 if is32 else 1e-7)
    abs_tol = abs_tol if abs_tol is not None else (1e-2 if is32 else 1e-4)
    rel_tol = rel_tol if rel_tol is not None else (1e-2 if is32 else 1e-4)

    symbolic = [TensorType(a.dtype, (None,) * a.ndim)(f"input{i}") for i, a in enumerate(arrays)]
    out = fun(*symbolic)
    out = basic.as_tensor_variable(out)
    if out.dtype not in FLOAT_DTYPES:
        raise TypeError(f"verify_grad: fun must return a floating-point tensor, got {out.dtype}")
    forward = function(symbolic, out, mode=mode, on_unused_input="ignore")
    shape = np.shape(forward(*arrays))
    for _ in range(n_tests):
        r = _random(rng, shape).astype(out.dtype)
        proj = basic.as_tensor_variable(r)
        cost = basic.sum(out * proj)
        grads = grad(cost, symbolic, disconnected_inputs="ignore")
        cost_fn = function(symbolic, cost, mode=mode, on_unused_input="ignore")
        grad_fn = function(symbolic, grads, mode=mode, on_unused_input="ignore")
        analytic = grad_fn(*arrays)
        worst: GradientError | None = None
        for i, a in enumerate(arrays):
            numeric = np.zeros(a.size, dtype=np.float64)
            flat = a.reshape(-1)
            for j in range(a.size):
                plus, minus = flat.copy(), flat.copy()
                plus[j] += eps
                minus[j] -= eps
                args_p = list(arrays)
                args_m = list(arrays)
                args_p[i] = plus.reshape(a.shape)
                args_m[i] = minus.reshape(a.shape)
                numeric[j] = (float(cost_fn(*args_p)) - float(cost_fn(*args_m))) / (2 * eps)
            got = np.asarray(analytic[i], dtype=np.float64).reshape(-1)
            abs_err = np.abs(got - numeric)
            rel_err = abs_err / np.maximum(np.abs(got) + np.abs(numeric), 1e-8)
            bad = (abs_err > abs_tol) & (rel_err > rel_tol)
            if bad.any():
                pos = int(np.argmax(np.where(bad, rel_err, -1)))
                err = GradientError(i, pos, a.shape, float(got[pos]), float(numeric[pos]),
                                    float(abs_err[pos]), float(rel_err[pos]), abs_tol, rel_tol)
                if worst is None or err.rel_err > worst.rel_err:
                    worst = err
        if worst is not None:
            raise worst


def _random(rng: object, shape: tuple[int, ...]) -> np.ndarray:
    if isinstance(rng, np.random.Generator):
        return rng.uniform(0.5, 1.5, size=shape)
    return rng.uniform(0.5, 1.5, size=shape)  # type: ignore[attr-defined]
