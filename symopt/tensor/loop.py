"""Loops over an index: ``map_index(n, fn)`` stacks ``fn(i)`` for ``i < n``."""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Block, Region

from symopt.dialects import sym
from symopt.dialects.types import INT_DTYPES, tensor_type
from symopt.ir.graph import depends_on, topological_ops
from symopt.ir.nodes import as_tensor_variable, build, cast
from symopt.ir.variable import Variable
from symopt.tensor.basic import _constant_int


def map_index(n: object, fn: Callable[[Variable], object]) -> Variable:
    """``stack([fn(0), fn(1), ..., fn(n - 1)])`` with a symbolic ``n``.

    ``fn`` receives the index as a 0-d int64 variable and builds one item; the items
    must all have the same shape. The ops that depend on the index form the loop
    body (``sym.map_index``); everything else is computed once, outside.

    >>> import symopt.tensor as T
    >>> v = T.dvector('v')
    >>> map_index(v.shape[0], lambda i: v[i] * i).eval({v: [1.0, 2.0, 3.0]})
    array([0., 2., 6.])
    """
    count = as_tensor_variable(n)
    if count.ndim != 0 or count.dtype not in INT_DTYPES:
        raise TypeError(f"map_index: n must be an integer scalar, got {count!r}")
    count = cast(count, "int64")
    block = Block(arg_types=[tensor_type("int64", ())])
    index = Variable(block.args[0], "i")
    item = as_tensor_variable(fn(index))
    ops = topological_ops([item.value], lambda v: v is index.value)
    inside = depends_on(ops, {index.value})
    for op in ops:
        if any(r in inside for r in op.results):
            block.add_op(op)
    block.add_op(sym.YieldOp(item.value))
    result = tensor_type(item.dtype, (_constant_int(count), *item.static_shape))
    return build(lambda: sym.MapIndexOp(count.value, Region(block), result))
