"""Theano's lazy ``ifelse``: one ``sym.if`` op whose branches only the chosen one
of runs.

The branches' values are built as ordinary graphs outside the op, and the op's
regions just yield them; when ``function`` compiles, ``control-flow-sink`` moves
into each branch the ops that only that branch uses, so they run only when it is
taken. ``T.switch`` stays elementwise and computes both sides.
"""

from __future__ import annotations

from xdsl.ir import Block, Region
from xdsl.utils.exceptions import VerifyException

from symopt.dialects import sym
from symopt.ir.graph import operand_values
from symopt.ir.nodes import as_tensor_variable, cast
from symopt.ir.variable import Variable, detach_uses
from symopt.tensor import basic
from symopt.tensor.grad_rules import Grads, grad_rule

__all__ = ["IfElse", "ifelse"]

IfElse = sym.IfOp
"""The op class (Theano's ``theano.ifelse.IfElse``)."""


def _is_constant(v: Variable) -> bool:
    return isinstance(v.value.owner, sym.ConstantOp)


def ifelse(condition: object, then_branch: object, else_branch: object, name: str | None = None):  # type: ignore[no-untyped-def]
    """``then_branch`` if ``condition`` is true (nonzero), else ``else_branch``;
    only the chosen branch is computed.

    The branches are variables or lists of variables of the same length; each pair
    has one dtype and rank (a constant takes the other side's dtype). Returns a
    variable, or a list for lists.

    >>> import symopt, symopt.tensor as T
    >>> a, b = T.dscalars('a', 'b')
    >>> f = symopt.function([a, b], ifelse(T.lt(a, b), a * 2, T.log(-b)))
    >>> f(1.0, 2.0)
    array(2.)
    """
    as_list = isinstance(then_branch, (list, tuple))
    thens = list(then_branch) if as_list else [then_branch]  # type: ignore[arg-type]
    elses = list(else_branch) if isinstance(else_branch, (list, tuple)) else [else_branch]
    if len(thens) != len(elses):
        raise ValueError(
            f"ifelse: the then branch has {len(thens)} values and the else branch "
            f"{len(elses)}; they must have as many"
        )
    if not thens:
        raise ValueError("ifelse: the branches are empty")
    cond = as_tensor_variable(condition)
    if cond.ndim != 0:
        raise TypeError(f"ifelse: the condition must be a scalar, got {cond!r} of type {cond.type!r}")
    if cond.dtype != "bool":
        cond = basic.neq(cond, 0)
    pairs = []
    for k, (t, e) in enumerate(zip(thens, elses)):
        tv, ev = as_tensor_variable(t), as_tensor_variable(e)
        if tv.dtype != ev.dtype:
            if _is_constant(ev):
                ev = cast(ev, tv.dtype)
            elif _is_constant(tv):
                tv = cast(tv, ev.dtype)
            else:
                raise TypeError(
                    f"ifelse: value {k} has dtype {tv.dtype} in the then branch and "
                    f"{ev.dtype} in the else branch; cast one of them"
                )
        if tv.ndim != ev.ndim:
            raise TypeError(
                f"ifelse: value {k} has rank {tv.ndim} in the then branch and "
                f"{ev.ndim} in the else branch"
            )
        pairs.append((tv, ev))
    types = []
    for tv, ev in pairs:
        joined = sym.IfOp.joined_type(tv.value.type, ev.value.type)
        assert joined is not None
        types.append(joined)
    regions = []
    for side in (0, 1):
        block = Block()
        yield_op = sym.YieldOp(*[p[side].value for p in pairs])
        block.add_op(yield_op)
        detach_uses(yield_op)
        regions.append(Region(block))
    op = sym.IfOp(cond.value, regions[0], regions[1], types)
    try:
        op.verify()
    except VerifyException as e:  # pragma: no cover - the checks above come first
        raise ValueError(f"ifelse: {e}") from None
    detach_uses(op)
    outs = [Variable(r, name) for r in op.outs]
    return outs if as_list else outs[0]


@grad_rule(sym.IfOp)
def _ifelse_grad(op: sym.IfOp, inputs, outputs, grads) -> Grads:  # type: ignore[no-untyped-def]
    """Each branch value gets the output's gradient when its branch is taken and
    zeros otherwise (itself an ``ifelse``, so the zeros are never built in vain)."""
    cond = inputs[0]
    then_vals = list(op.then_region.block.last_op.values)  # type: ignore[union-attr]
    else_vals = list(op.else_region.block.last_op.values)  # type: ignore[union-attr]
    values = operand_values(op)
    out: Grads = [None] * len(values)
    position = {v: i for i, v in enumerate(values)}
    for k, g in enumerate(grads):
        if g is None:
            continue
        for side, vals in ((0, then_vals), (1, else_vals)):
            v = vals[k]
            i = position.get(v)
            if i is None or i == 0:
                continue  # a value made inside the branch (not from the frontend)
            target = inputs[i]
            zeros = basic.zeros_like(target)
            chosen = ifelse(cond, g, zeros) if side == 0 else ifelse(cond, zeros, g)
            out[i] = chosen if out[i] is None else out[i] + chosen
    return out
