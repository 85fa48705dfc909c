"""Creating nodes of the user's graph: a new detached op, verified and wrapped in a
``Variable`` (``apply``, ``build``), constants, and the conversions every tensor
function starts with (``as_tensor_variable``, ``cast``).

The tensor functions (``symopt.tensor``) build on these; ``function`` uses them for
values given as data (``givens``, ``updates``, ``In(update=...)``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from xdsl.ir import Operation
from xdsl.traits import IsTerminator
from xdsl.utils.exceptions import VerifyException

from symopt.dialects import sym
from symopt.dialects.types import canonical_dtype
from symopt.ir.variable import Variable, detach_uses


def apply(op: Operation) -> Variable:
    """Verify a new detached op and wrap its (single) result."""
    try:
        _verify(op)
    except VerifyException as e:
        raise ValueError(str(e)) from None
    detach_uses(op)
    return Variable(op.results[0])


_VERIFIED: dict[tuple[object, ...], tuple[object, ...]] = {}
"""The signatures of ops that verified: op class, operand and result types,
property and attribute values, by identity (see ``_verify``)."""


def _verify(op: Operation) -> None:
    """``op.verify()``, skipped for an op whose signature verified before.

    A sym op without regions or successors verifies (or not) by its class, its
    operands' and results' types and its properties and attributes alone, none
    of which can change (attributes are immutable), so an op of the same
    signature as one that verified verifies too. A graph repeats signatures
    often (most of its ops are elementwise ops on a few types), and verifying
    costs more than making the op. The signature holds its objects by identity
    (hashing a type hashes all its parameters) and keeps them alive, so that
    their ids stay theirs."""
    if op.regions or op.successors or op.has_trait(IsTerminator):
        op.verify()
        return
    objects = (
        type(op),
        *(v.type for v in op.operands),
        *(r.type for r in op.results),
        *op.properties.values(),
        *op.attributes.values(),
    )
    shape = (len(op.operands), len(op.results), *op.properties, *op.attributes)
    signature = (*shape, *map(id, objects))
    if signature in _VERIFIED:
        return
    op.verify()
    if len(_VERIFIED) >= 4096:
        _VERIFIED.clear()
    _VERIFIED[signature] = objects


def build(make: Callable[[], Operation]) -> Variable:
    """Create an op whose constructor infers types; static errors become ValueError."""
    try:
        op = make()
    except VerifyException as e:
        raise ValueError(str(e)) from None
    return apply(op)


def constant(value: object, dtype: object = None, name: str | None = None) -> Variable:
    """A constant tensor (``sym.constant``).

    >>> constant([1.0, 2.0]).type
    TensorType(float64, shape=(2,))
    """
    if isinstance(value, Variable):
        raise TypeError(f"constant: {value!r} is already a symbolic variable")
    arr = np.asarray(value) if dtype is None else np.asarray(value, dtype=canonical_dtype(dtype))
    if dtype is None:
        arr = arr.astype(_default_dtype(arr), copy=False)
    canonical_dtype(arr.dtype)
    var = apply(sym.ConstantOp(arr))
    var.name = name
    return var


def _default_dtype(arr: np.ndarray) -> str:
    if arr.dtype.kind in "biuf":
        return arr.dtype.name
    raise TypeError(f"cannot make a tensor constant of dtype {arr.dtype}")


def as_tensor_variable(x: object, name: str | None = None, ndim: int | None = None) -> Variable:
    """``x`` as a symbolic variable: variables pass through, data becomes a constant."""
    if isinstance(x, Variable):
        var = x
    elif isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"cannot convert {x!r} to a symbolic tensor")
    else:
        try:
            var = constant(x, name=name)
        except (TypeError, ValueError) as e:
            raise TypeError(f"cannot convert {x!r} to a symbolic tensor: {e}") from None
    if ndim is not None and var.ndim != ndim:
        raise TypeError(f"expected a {ndim}-d tensor, got {var!r} of type {var.type!r}")
    return var


def cast(x: object, dtype: object) -> Variable:
    """``x`` converted to ``dtype`` (a no-op when it has it already).

    >>> import symopt.tensor as T
    >>> T.cast(T.iscalar('i'), 'float64').dtype
    'float64'
    """
    v = as_tensor_variable(x)
    dtype = canonical_dtype(dtype)
    if v.dtype == dtype:
        return v
    owner = v.value.owner
    if isinstance(owner, sym.ConstantOp):
        return constant(owner.to_numpy().astype(dtype))
    return apply(sym.CastOp(v.value, dtype))
