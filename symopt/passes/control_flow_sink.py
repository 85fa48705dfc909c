"""``control-flow-sink``: ops used by only one branch of an ``if`` move into it.

MLIR's control-flow sink, for ``sym.if`` and ``loop.if``: a side-effect-free op
whose every use lies inside the same branch of the same ``if`` (directly or in
regions nested there) is moved to the start of that branch, so that it runs only
when the branch is taken. This is what makes Theano's ``ifelse`` lazy: the frontend
builds the branches' values outside the op, and this pass moves into each branch
what only that branch needs; a value that anything else also uses is computed
before the ``if``, as it must be.

Ops are visited from the last of a block to the first, so an op whose users were
just moved follows them; the branches are then visited in turn (an op can sink
through nested ``if``s, one level per visit). Loop bodies are never sink targets:
sinking into a loop would repeat the work. Each op moves at most once per level
of nesting, so the pass is linear in the size of the function for a bounded depth.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region
from xdsl.passes import ModulePass
from xdsl.traits import is_side_effect_free

from symopt.dialects import loop, sym

_IFS = (sym.IfOp, loop.IfOp)


def _branch_of(block: Block, user: Operation) -> tuple[Operation, Region] | None:
    """The (if op of ``block``, its region) that contains ``user``; None when the
    use is not inside an if's branch (a direct use in ``block``, or one nested in
    any other op)."""
    child: Operation = user
    region = child.parent_region()
    while region is not None:
        parent = region.parent_op()
        if parent is None:
            return None
        if parent.parent_block() is block:
            return (parent, region) if isinstance(parent, _IFS) else None
        child = parent
        region = child.parent_region()
    return None


def _sinkable(op: Operation) -> bool:
    if not op.results or isinstance(op, _IFS + (sym.YieldOp, loop.YieldOp)):
        return False
    if op.has_trait(sym.RunsOnHost):
        return False
    return is_side_effect_free(op)


def _sink_block(block: Block) -> list[Block]:
    """Sink what can be sunk out of ``block``; the branch blocks to visit next."""
    for op in reversed(list(block.ops)):
        if op.parent_block() is not block or not _sinkable(op):
            continue
        target: tuple[Operation, Region] | None = None
        ok = True
        for result in op.results:
            for use in result.uses:
                where = _branch_of(block, use.operation)
                if where is None or (target is not None and where != target):
                    ok = False
                    break
                target = where
            if not ok:
                break
        if not ok or target is None:
            continue
        dest = target[1].block
        op.detach()
        if dest.first_op is None:
            dest.add_op(op)
        else:
            dest.insert_op_before(op, dest.first_op)
    return [r.block for o in block.ops if isinstance(o, _IFS) for r in o.regions]


@dataclass(frozen=True)
class ControlFlowSinkPass(ModulePass):
    """Move into a branch of ``sym.if``/``loop.if`` the ops only that branch uses.

    Input: any module with ``sym.if`` or ``loop.if`` ops.
    Output: the same functions, each side-effect-free op used only inside one
    branch (of one if) moved to the start of that branch.
    Invariants: values unchanged; an op still dominates its uses; nothing moves
    into a loop body or out of a branch.
    """

    name = "control-flow-sink"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        work: list[Block] = []
        for top in op.ops:
            for region in top.regions:
                work.extend(region.blocks)
        while work:
            block = work.pop()
            work.extend(_sink_block(block))
            # ifs nested in other ops' regions (a scan body, a map_index body)
            for inner in block.ops:
                if not isinstance(inner, _IFS):
                    for region in inner.regions:
                        work.extend(region.blocks)
