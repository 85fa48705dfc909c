"""Basic indexing: ``x[i]``, ``x[1:-1, ::2]``, ``x[i, j]`` with symbolic ``i``."""

from __future__ import annotations

import numbers

from symopt.dialects import sym
from symopt.dialects.types import INT_DTYPES
from symopt.ir.nodes import as_tensor_variable, build, cast
from symopt.ir.variable import Variable
from symopt.tensor.basic import _constant_int, _pad_rank, dimshuffle


def _index_part(
    part: object, what: str, operands: list[Variable]
) -> tuple[int, int | None]:
    """(spec value, literal value or None) for one index or slice bound."""
    if part is None:
        return sym.SUBTENSOR_NONE, None
    if isinstance(part, Variable):
        if part.ndim != 0 or part.dtype not in INT_DTYPES:
            raise TypeError(
                f"{what} must be an integer scalar, got {part!r} of type {part.type!r}"
            )
        static = _constant_int(part)
        if static is not None:
            return static, static
        operands.append(cast(part, "int64"))
        return sym.SUBTENSOR_DYNAMIC, None
    if isinstance(part, numbers.Integral) and not isinstance(part, bool):
        return int(part), int(part)
    raise TypeError(
        f"{what} must be an int, a symbolic integer scalar or None, got {part!r} "
        "(advanced indexing with lists or arrays is not supported)"
    )


def getitem(x: Variable, key: object) -> Variable:
    """``x[key]`` for ints, slices and symbolic integer scalars (basic indexing)."""
    if not isinstance(key, tuple):
        key = (key,)
    if any(k is Ellipsis for k in key):
        if sum(k is Ellipsis for k in key) > 1:
            raise IndexError("an index can only have a single ellipsis")
        i = key.index(Ellipsis)
        used = sum(1 for k in key if k is not None and k is not Ellipsis)
        key = key[:i] + (slice(None),) * (x.ndim - used) + key[i + 1 :]
    if any(k is None for k in key):
        # numpy.newaxis: index first, then insert broadcastable dimensions
        plain = tuple(k for k in key if k is not None)
        base = getitem(x, plain) if plain else x
        pattern: list[object] = []
        dim = 0
        for k in key + (slice(None),) * (x.ndim - len(plain)):
            if k is None:
                pattern.append("x")
            elif isinstance(k, slice):
                pattern.append(dim)
                dim += 1
        return dimshuffle(base, pattern)
    if len(key) > x.ndim:
        raise IndexError(
            f"too many indices for {x!r}: it has {x.ndim} dimensions, {len(key)} given"
        )
    spec: list[int] = []
    operands: list[Variable] = []
    for dim, k in enumerate(key):
        size = x.static_shape[dim]
        if isinstance(k, slice):
            start, _ = _index_part(k.start, "slice start", operands)
            stop, _ = _index_part(k.stop, "slice stop", operands)
            step, s_step = _index_part(k.step, "slice step", operands)
            if s_step == 0:
                raise ValueError("slice step cannot be zero")
            spec += [1, start, stop, step]
        else:
            idx, s_idx = _index_part(k, "index", operands)
            if size is not None and s_idx is not None and not -size <= s_idx < size:
                raise IndexError(
                    f"index {s_idx} is out of bounds for dimension {dim} of {x!r} "
                    f"(size {size})"
                )
            spec += [0, idx, sym.SUBTENSOR_NONE, sym.SUBTENSOR_NONE]
    if all(
        spec[i] == 1 and spec[i + 1 : i + 4] == [sym.SUBTENSOR_NONE] * 3
        for i in range(0, len(spec), 4)
    ):
        return x
    return build(lambda: sym.SubtensorOp(x.value, [o.value for o in operands], spec))


def _update(op_cls, x: Variable, y: object, what: str) -> Variable:  # type: ignore[no-untyped-def]
    owner = x.value.owner
    if not isinstance(owner, sym.SubtensorOp):
        raise TypeError(
            f"{what}: the first argument must be an indexed variable like x[1:], "
            f"got {x!r}"
        )
    v = as_tensor_variable(y)
    if v.ndim > x.ndim:
        raise ValueError(
            f"{what}: the value {v!r} has {v.ndim} dimensions, the region {x!r} only "
            f"{x.ndim}"
        )
    v = _pad_rank(cast(v, x.dtype), x.ndim)
    base = owner.x
    indices = list(owner.indices)
    spec = [int(s) for s in owner.spec.get_values()]
    return build(lambda: op_cls(base, v.value, indices, spec))


def inc_subtensor(x: Variable, y: object) -> Variable:
    """The tensor indexed by ``x`` with ``y`` added to the region ``x`` selects.

    >>> import numpy as np, symopt.tensor as T
    >>> v = T.dvector('v')
    >>> T.inc_subtensor(v[1:], 1.0).eval({v: np.zeros(3)})
    array([0., 1., 1.])
    """
    return _update(sym.IncSubtensorOp, x, y, "inc_subtensor")


def set_subtensor(x: Variable, y: object) -> Variable:
    """The tensor indexed by ``x`` with the region ``x`` selects replaced by ``y``."""
    return _update(sym.SetSubtensorOp, x, y, "set_subtensor")
