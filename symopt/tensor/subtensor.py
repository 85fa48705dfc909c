"""Indexing: basic (``x[i]``, ``x[1:-1, ::2]``, ``x[i, j]`` with symbolic ``i``) and
advanced (integer arrays, lists and symbolic integer tensors, several of them
broadcast together, mixed with slices; boolean masks), as NumPy and Theano do it,
and the updates ``inc_subtensor``/``set_subtensor`` of either kind of region."""

from __future__ import annotations

import numbers

import numpy as np

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
        f"{what} must be an int, a symbolic integer scalar or None, got {part!r}"
    )


def _is_advanced(k: object) -> bool:
    if isinstance(k, Variable):
        return k.ndim >= 1 or k.dtype == "bool"
    return isinstance(k, (list, np.ndarray)) or (isinstance(k, bool))


def getitem(x: Variable, key: object) -> Variable:
    """``x[key]``: basic indexing for ints, slices and symbolic integer scalars;
    advanced indexing as soon as one part is an array, a list or a symbolic
    tensor (integers or a boolean mask)."""
    if not isinstance(key, tuple):
        key = (key,)
    if any(_is_advanced(k) for k in key):
        return _advanced_getitem(x, key)
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


def _advanced_getitem(x: Variable, key: tuple[object, ...]) -> Variable:
    """NumPy's advanced indexing: slices are applied first (they keep their
    dimensions), then one ``sym.advanced_subtensor`` with an index tensor per
    indexed dimension (integers among arrays are 0-d index tensors, as in NumPy;
    a boolean mask stands for the index tensors of its nonzero elements)."""
    parts: list[tuple[str, object]] = []  # ("slice", slice) or ("index", Variable)
    for k in key:
        if k is None:
            raise IndexError(
                "numpy.newaxis together with advanced indexing is not supported; index "
                "first, then add the dimension with dimshuffle"
            )
        if k is Ellipsis:
            parts.append(("ellipsis", k))
        elif isinstance(k, slice):
            parts.append(("slice", k))
        elif isinstance(k, Variable):
            if k.dtype == "bool":
                if k.ndim == 0:
                    raise IndexError(f"a 0-d boolean index ({k!r}) is not supported")
                nz = build(lambda k=k: sym.NonzeroOp(k.value))
                parts += [("index", nz[r]) for r in range(k.ndim)]
            elif k.dtype in INT_DTYPES:
                parts.append(("index", cast(k, "int64")))
            else:
                raise IndexError(f"arrays used as indices must be of integer or boolean type, got {k!r}")
        elif isinstance(k, bool):
            raise IndexError("a boolean scalar index is not supported")
        elif isinstance(k, (list, np.ndarray)):
            arr = np.asarray(k)
            if arr.dtype == np.bool_:
                parts += [("index", as_tensor_variable(r.astype(np.int64))) for r in np.nonzero(arr)]
            elif arr.dtype.kind in "iu" or arr.size == 0:
                parts.append(("index", as_tensor_variable(arr.astype(np.int64))))
            else:
                raise IndexError(f"arrays used as indices must be of integer or boolean type, got {k!r}")
        else:
            idx, _ = _index_part(k, "index", [])
            value = as_tensor_variable(k) if isinstance(k, Variable) else as_tensor_variable(np.int64(idx))
            parts.append(("index", cast(value, "int64")))
    used = sum(1 for kind, _ in parts if kind != "ellipsis")
    if sum(1 for kind, _ in parts if kind == "ellipsis") > 1:
        raise IndexError("an index can only have a single ellipsis")
    if used > x.ndim:
        raise IndexError(
            f"too many indices for {x!r}: it has {x.ndim} dimensions, {used} given"
        )
    expanded: list[tuple[str, object]] = []
    for kind, v in parts:
        if kind == "ellipsis":
            expanded += [("slice", slice(None))] * (x.ndim - used)
        else:
            expanded.append((kind, v))
    base = x
    slices = tuple(v if kind == "slice" else slice(None) for kind, v in expanded)
    if any(s != slice(None) for s in slices):
        base = getitem(x, slices)
        base.value.owner._advanced_slices = True  # type: ignore[union-attr]
    indices = [v for kind, v in expanded if kind == "index"]
    rank = max(i.ndim for i in indices)  # type: ignore[attr-defined]
    indices = [_pad_rank(i, rank) for i in indices]  # type: ignore[arg-type]
    spec = [1 if kind == "index" else 0 for kind, _ in expanded]
    _check_static_bounds(x, expanded)
    return build(lambda: sym.AdvancedSubtensorOp(base.value, [i.value for i in indices], spec))


def _check_static_bounds(x: Variable, parts: list[tuple[str, object]]) -> None:
    """Constant indices out of a static size fail here, before any graph is run."""
    for dim, (kind, v) in enumerate(parts):
        size = x.static_shape[dim]
        owner = getattr(v, "value", None)
        owner = owner.owner if owner is not None else None
        if kind != "index" or size is None or not isinstance(owner, sym.ConstantOp):
            continue
        values = owner.to_numpy()
        bad = (values < -size) | (values >= size)
        if bad.any():
            raise IndexError(
                f"index {int(values[bad].reshape(-1)[0])} is out of bounds for dimension "
                f"{dim} of {x!r} (size {size})"
            )


def nonzero(a: object, return_matrix: bool = False) -> object:
    """The indices of the nonzero elements of ``a``: a tuple of vectors, one per
    dimension (``numpy.nonzero``), or with ``return_matrix`` one matrix whose rows
    they are.

    >>> import numpy as np, symopt.tensor as T
    >>> m = T.dmatrix('m')
    >>> [v.eval({m: np.eye(2)}) for v in T.nonzero(m)]
    [array([0, 1]), array([0, 1])]
    """
    v = as_tensor_variable(a)
    if v.ndim == 0:
        raise ValueError("nonzero: the input must have at least one dimension")
    nz = build(lambda: sym.NonzeroOp(v.value))
    if return_matrix:
        return nz
    return tuple(nz[r] for r in range(v.ndim))


def _update(op_cls, x: Variable, y: object, what: str) -> Variable:  # type: ignore[no-untyped-def]
    owner = x.value.owner
    if isinstance(owner, sym.AdvancedSubtensorOp):
        return _advanced_update(op_cls, owner, x, y, what)
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


def _advanced_update(op_cls, owner: sym.AdvancedSubtensorOp, x: Variable, y: object, what: str) -> Variable:  # type: ignore[no-untyped-def]
    """The update of an advanced region; when the indexing began with slices,
    the updated slice is set back into the whole tensor."""
    v = as_tensor_variable(y)
    if v.ndim > x.ndim:
        raise ValueError(
            f"{what}: the value {v!r} has {v.ndim} dimensions, the region {x!r} only "
            f"{x.ndim}"
        )
    v = _pad_rank(cast(v, x.dtype), x.ndim)
    advanced = {sym.IncSubtensorOp: sym.AdvancedIncSubtensorOp, sym.SetSubtensorOp: sym.AdvancedSetSubtensorOp}[op_cls]
    base = owner.x
    spec = owner.spec_list()
    updated = build(lambda: advanced(base, v.value, list(owner.indices), spec))
    sliced = base.owner
    if isinstance(sliced, sym.SubtensorOp) and getattr(sliced, "_advanced_slices", False):
        whole = sliced.x
        basic_spec = [int(s) for s in sliced.spec.get_values()]
        return build(lambda: sym.SetSubtensorOp(whole, updated.value, list(sliced.indices), basic_spec))
    return updated
