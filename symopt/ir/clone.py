"""Theano's ``theano.clone``: a copy of a graph with some variables replaced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xdsl.ir import SSAValue

from symopt.ir.graph import depends_on, topological_ops
from symopt.ir.nodes import as_tensor_variable, cast
from symopt.ir.variable import Variable, detach_uses


def clone(
    output: Any,
    replace: Mapping[Variable, object] | Sequence[tuple[Variable, object]] | None = None,
    strict: bool = True,
    share_inputs: bool = True,
    copy_inputs: object = None,
) -> Any:
    """The graph of ``output`` (a variable or a list of them) with each key of
    ``replace`` replaced by its value. Parts of the graph that do not depend on a
    replaced variable are shared, not copied (inputs are always shared).

    With ``strict`` a replacement must have the replaced variable's type; without,
    it is cast to the dtype (the rank must match either way).

    >>> import symopt.tensor as T
    >>> x, y = T.dscalars('x', 'y')
    >>> clone(x * 2 + 1, replace={x: y}).eval({y: 3.0})
    array(7.)
    """
    single = isinstance(output, Variable)
    outputs = [output] if single else list(output)
    for i, o in enumerate(outputs):
        if not isinstance(o, Variable):
            raise TypeError(f"clone: output {i} must be a symbolic variable, got {o!r}")
    pairs = list(replace.items()) if isinstance(replace, Mapping) else list(replace or [])
    mapping: dict[SSAValue, SSAValue] = {}
    for old, new in pairs:
        if not isinstance(old, Variable):
            raise TypeError(f"clone: replace keys must be symbolic variables, got {old!r}")
        value = as_tensor_variable(new)
        if value.ndim != old.ndim:
            raise TypeError(
                f"clone: the replacement of {old!r} has rank {value.ndim}, not {old.ndim}"
            )
        if value.value.type != old.value.type:
            if strict and value.dtype != old.dtype:
                raise TypeError(
                    f"clone: the replacement of {old!r} has type {value.type!r}, not "
                    f"{old.type!r} (pass strict=False to cast it)"
                )
            value = cast(value, old.dtype)
        mapping[old.value] = value.value
    roots = [o.value for o in outputs]
    ops = topological_ops(roots, lambda v: v in mapping)
    changed = depends_on(ops, set(mapping))
    for op in ops:
        if not any(r in changed for r in op.results):
            continue
        new = op.clone(value_mapper=mapping)
        detach_uses(new)
        for old_r, new_r in zip(op.results, new.results):
            mapping[old_r] = new_r
    result = [Variable(mapping.get(o.value, o.value), o.name) for o in outputs]
    return result[0] if single else result
