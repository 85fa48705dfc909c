"""The structure of an op and everything nested in it, as a hashable value.

Two ops with equal structures compute the same thing: same op names,
properties, attributes (in name order) and result types, the same block argument
types, and operands that are the same values. Values defined inside are
numbered in order of definition; values from outside are named by a function
the caller chooses (by identity for CSE, by position in a kernel's parameters
for sharing kernels). It is computed in one walk, linear in the size of the op.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Operation, SSAValue


def structure(op: Operation, outer: Callable[[SSAValue], object]) -> tuple[object, ...]:
    """``op``'s structure; ``outer(v)`` names a value ``v`` defined outside it."""
    number: dict[SSAValue, int] = {}
    items: list[object] = []

    def ref(v: SSAValue) -> object:
        local = number.get(v)
        return local if local is not None else ("outer", outer(v))

    def visit(o: Operation) -> None:
        items.append((
            o.name,
            tuple(sorted(o.properties.items(), key=lambda kv: kv[0])),
            tuple(sorted(o.attributes.items(), key=lambda kv: kv[0])),
            tuple(ref(v) for v in o.operands),
            tuple(r.type for r in o.results),
            len(o.regions),
        ))  # fmt: skip
        for region in o.regions:
            items.append(len(region.blocks))
            for block in region.blocks:
                items.append(tuple(a.type for a in block.args))
                for a in block.args:
                    number[a] = len(number)
                for inner in block.ops:
                    visit(inner)
        for r in o.results:
            number[r] = len(number)

    visit(op)
    return tuple(items)
