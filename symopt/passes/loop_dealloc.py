"""``loop-dealloc``: temporaries are freed after their last use, and reused.

The model is MLIR's ownership-based buffer deallocation, simplified by what
bufferization produces here: every ``memref.alloc`` (and every buffer an ``scf.if``
yields from allocations in both branches) is owned by the block it is defined in.
A buffer that leaves its block (returned by ``func.return``, yielded by
``scf.yield``) is handed on; every other one is freed right after the last op of
the block that uses it or a view of it, at any depth of nesting.

Before freeing, a dead buffer is offered to the allocations that follow in the same
block: an allocation of the same type and the same dynamic sizes (the same SSA
values) takes it over instead of calling ``malloc`` (MLIR's buffer reuse). Each
block is walked once.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func, memref, scf
from xdsl.dialects.builtin import MemRefType, ModuleOp
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.passes import ModulePass

from symopt.dialects import loop


def _plan_block(block: Block, base: dict[SSAValue, SSAValue]) -> None:
    ops = list(block.ops)
    # nested blocks first (their temporaries are theirs)
    for op in ops:
        for region in op.regions:
            for inner in region.blocks:
                _plan_block(inner, base)

    owned: list[SSAValue] = []
    for op in ops:
        if isinstance(op, loop.ViewOp):
            base[op.result] = base.get(op.source, op.source)
        elif isinstance(op, memref.AllocOp):
            owned.append(op.memref)
        elif isinstance(op, scf.IfOp):
            owned += [r for r in op.results if isinstance(r.type, MemRefType) and _yields_owned(op, r)]
    if not owned:
        return
    owned_set = set(owned)
    last: dict[SSAValue, int] = {}
    escaping: set[SSAValue] = set()
    terminator = block.last_op
    for i, op in enumerate(ops):
        nested = [op] if not op.regions else [op, *(x for r in op.regions for x in r.walk())]
        for inner in nested:
            for v in inner.operands:
                b = base.get(v, v)
                if b in owned_set:
                    last[b] = i
                    if inner is terminator and isinstance(inner, (func.ReturnOp, scf.YieldOp)):
                        escaping.add(b)
    defined = {}
    for i, op in enumerate(ops):
        for r in op.results:
            if r in owned_set:
                defined[r] = i

    # walk once: a dead buffer goes to a free list keyed by (type, dynamic sizes),
    # from which a later allocation may take it; otherwise it is freed where it died
    dies_at: dict[int, list[SSAValue]] = {}
    for b in owned:
        if b not in escaping:
            dies_at.setdefault(last.get(b, defined[b]), []).append(b)
    physical: dict[SSAValue, SSAValue] = {}
    pool: dict[tuple[Attribute, tuple[SSAValue, ...]], list[SSAValue]] = {}
    pending: dict[SSAValue, int] = {}
    for i, op in enumerate(ops):
        if isinstance(op, memref.AllocOp):
            free = pool.get((op.memref.type, tuple(op.dynamic_sizes)))
            if free:
                taken = free.pop()
                del pending[taken]
                physical[op.memref] = taken
        for b in dies_at.get(i, []):
            p = physical.get(b, b)
            pending[p] = i
            owner = p.owner
            if isinstance(owner, memref.AllocOp):
                pool.setdefault((p.type, tuple(owner.dynamic_sizes)), []).append(p)
    for new, old in physical.items():
        alloc = new.owner
        new.replace_all_uses_with(old)
        assert isinstance(alloc, Operation)
        block.erase_op(alloc)
    for p, i in sorted(pending.items(), key=lambda kv: -kv[1]):
        anchor = ops[i]
        dealloc = memref.DeallocOp.get(p)
        if anchor is terminator:
            block.insert_op_before(dealloc, anchor)
        else:
            block.insert_op_after(dealloc, anchor)


def _yields_owned(op: scf.IfOp, r: SSAValue) -> bool:
    k = list(op.results).index(r)
    for region in (op.true_region, op.false_region):
        if not region.blocks:
            return False
        v = region.block.last_op.operands[k]  # type: ignore[union-attr]
        if not isinstance(v.owner, memref.AllocOp):
            return False
    return True


@dataclass(frozen=True)
class LoopDeallocPass(ModulePass):
    """Free every temporary buffer after its last use; reuse dead ones.

    Input: bufferized IR after ``loop-abi`` (results are buffers the caller owns).
    Output: a ``memref.dealloc`` after the last use of every allocation that does not
    leave its block; allocations of the same type and sizes as a dead temporary
    take it over.
    Invariants: the same values are computed; no buffer is freed while a view of it
    can still be read; returned buffers are never freed.
    """

    name = "loop-dealloc"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for f in op.ops:
            if isinstance(f, func.FuncOp) and f.body.blocks:
                _plan_block(f.body.block, {})
