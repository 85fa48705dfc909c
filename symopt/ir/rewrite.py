"""Run IR passes on part of the user's graph.

The user's graph is detached ``sym`` ops; passes work on modules. ``rewrite_graph``
clones the graph of some variables into a temporary ``func.func`` whose arguments
are the graph's leaves, rewrites it (passes, patterns), and clones the ops the
results use back into detached ops over the same leaves. ``grad`` uses it to
differentiate the stabilized form of a cost, so that its gradient is stable too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue

from symopt.dialects import sym
from symopt.ir.graph import topological_ops
from symopt.ir.variable import Variable, detach_uses


def rewrite_graph(
    outputs: Sequence[Variable], leaves: set[SSAValue], rewrite: Callable[[ModuleOp], None]
) -> list[Variable]:
    """The ``outputs`` recomputed from the same leaves after ``rewrite`` changed
    the module of their graph in place (``lambda m: run_pipeline(m, spec)`` runs
    passes).

    Leaves are the given values plus every placeholder (inputs, shared variables);
    they are left alone, so the new graph meets the old one exactly there.
    """
    def is_leaf(v: SSAValue) -> bool:
        return v in leaves or isinstance(v.owner, sym.PlaceholderOp)

    ops = topological_ops([o.value for o in outputs], is_leaf)
    leaf_values: list[SSAValue] = []
    seen: set[SSAValue] = set()
    for root in [o.value for o in outputs] + [v for op in ops for v in op.operands]:
        if is_leaf(root) and root not in seen:
            seen.add(root)
            leaf_values.append(root)

    block = Block(arg_types=[v.type for v in leaf_values])
    mapping: dict[SSAValue, SSAValue] = dict(zip(leaf_values, block.args))
    for op in ops:
        clone = op.clone(value_mapper=mapping)
        block.add_op(clone)
    results = [mapping[o.value] for o in outputs]
    block.add_op(func.ReturnOp(*results))
    fn = func.FuncOp(
        "rewrite", ([a.type for a in block.args], [r.type for r in results]), Region(block)
    )
    rewrite(ModuleOp([fn]))

    back: dict[SSAValue, SSAValue] = dict(zip(block.args, leaf_values))
    args = set(block.args)
    ret = fn.body.block.last_op
    assert isinstance(ret, func.ReturnOp)
    # the ops the results use (the rewrite may leave others dead), operands first
    for op in topological_ops(ret.arguments, args.__contains__):
        clone = op.clone(value_mapper=back)
        detach_uses(clone)
        _detach_nested(clone)
    returned = [back[v] for v in ret.arguments]
    new_outputs = []
    for old, value in zip(outputs, returned):
        var = Variable(value, old.name) if value is not old.value else old
        new_outputs.append(var)
    return new_outputs


def _detach_nested(op: Operation) -> None:
    for region in op.regions:
        for block in region.blocks:
            for nested in block.walk():
                for operand, use in zip(nested.operands, nested._operand_uses):  # pyright: ignore[reportPrivateUsage]
                    if operand.owner is not None and not _inside(operand, op):
                        operand.remove_use(use)


def _inside(value: SSAValue, op: Operation) -> bool:
    owner = value.owner
    block = owner if not isinstance(owner, Operation) else owner.parent_block()
    while block is not None:
        parent = block.parent_op()
        if parent is op:
            return True
        if parent is None:
            return False
        block = parent.parent_block()
    return False
