"""Walks over the user's graph of detached ops."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from xdsl.ir import Operation, SSAValue
from xdsl.traits import IsolatedFromAbove


def operand_values(op: Operation) -> list[SSAValue]:
    """The values an op depends on: its operands and the values its regions use
    from outside (regions are not isolated from above)."""
    values = list(op.operands)
    if not op.regions or op.has_trait(IsolatedFromAbove):
        return values
    inner: set[SSAValue] = set()
    for region in op.regions:
        for block in region.blocks:
            inner.update(block.args)
            for nested in block.walk():
                inner.update(nested.results)
                for nested_region in nested.regions:
                    for nested_block in nested_region.blocks:
                        inner.update(nested_block.args)
    for region in op.regions:
        for block in region.blocks:
            for nested in block.walk():
                for v in nested.operands:
                    if v not in inner and v not in values:
                        values.append(v)
    return values


def topological_ops(
    roots: Iterable[SSAValue], is_leaf: Callable[[SSAValue], bool]
) -> list[Operation]:
    """The ops the ``roots`` depend on, operands first, each once.

    The walk stops at leaf values (their ops are not included) and is iterative, so
    deep graphs do not hit Python's recursion limit.
    """
    order: list[Operation] = []
    done: set[int] = set()
    for root in roots:
        if is_leaf(root) or not isinstance(root.owner, Operation):
            continue
        if id(root.owner) in done:
            continue
        stack: list[tuple[Operation, list[SSAValue], int]] = [
            (root.owner, operand_values(root.owner), 0)
        ]
        on_path = {id(root.owner)}
        while stack:
            op, deps, i = stack[-1]
            if i < len(deps):
                stack[-1] = (op, deps, i + 1)
                d = deps[i]
                owner = d.owner
                if is_leaf(d) or not isinstance(owner, Operation):
                    continue
                if id(owner) in done:
                    continue
                if id(owner) in on_path:
                    raise ValueError("the graph has a cycle")
                on_path.add(id(owner))
                stack.append((owner, operand_values(owner), 0))
                continue
            stack.pop()
            on_path.discard(id(op))
            done.add(id(op))
            order.append(op)
    return order


def depends_on(
    ops: Sequence[Operation], sources: set[SSAValue]
) -> set[SSAValue]:
    """The values among the results of ``ops`` (in topological order) that depend on
    one of ``sources``, together with the sources."""
    reached = set(sources)
    for op in ops:
        if any(v in reached for v in operand_values(op)):
            reached.update(op.results)
    return reached
