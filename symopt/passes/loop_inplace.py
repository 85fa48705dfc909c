"""``loop-inplace``: shared variables updated in their own buffers, where that is safe.

A ``loop.write @w, %new`` whose ``%new`` is a buffer allocated for, and written only
by, one ``loop.map`` can instead have the map write straight into ``@w``'s own
buffer (its ``loop.read``). That is correct only when no read of the old value can
happen after the map's first write:

* the map reads ``@w``'s buffer only as the buffer itself, at the element it is
  writing (an identity ``dims`` map, no broadcast dimension); a read through a view
  (a slice, a transpose, a broadcast, ``w[0, 1]``) or at another index may see an
  element the map has already overwritten;
* no op after the map reads the old value, through any view, at any depth of
  nesting, including the function's results and other writes;
* no ``loop.check`` can fail after the map: a failed call leaves every shared
  variable as it was.

When a check or a read of the old value follows the map only because of the
order the ops happen to be in, the map is moved down to just before the writes,
provided nothing it reads is written after it; then every check and every other
read of the old value happens before the first write.

The pass is one walk over each function plus work proportional to the map's
inputs per write.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func, memref
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from symopt.dialects import loop
from symopt.dialects.types import static_shape
from symopt.passes.loop_bufferize import is_contiguous


def _inplace_function(f: func.FuncOp) -> None:
    block = f.body.block
    ops = list(block.ops)
    position: dict[Operation, float] = {op: i for i, op in enumerate(ops)}
    base: dict[SSAValue, SSAValue] = {}

    def base_of(v: SSAValue) -> SSAValue:
        return base.get(v, v)

    last_read: dict[SSAValue, float] = {}
    """Per buffer, the last top-level position of an op that reads it (or a view of it)."""
    last_write: dict[SSAValue, float] = {}
    """Per buffer, the last top-level position of an op that writes into it."""
    users: dict[SSAValue, list[Operation]] = {}
    last_check = -1
    for i, op in enumerate(ops):
        if isinstance(op, loop.ViewOp):
            base[op.result] = base_of(op.source)
            continue
        nested = [op, *(inner for r in op.regions for inner in r.walk())]
        for inner in nested:
            if isinstance(inner, loop.CheckOp):
                last_check = i
            written = _written(inner)
            for v in inner.operands:
                b = base_of(v)
                users.setdefault(b, []).append(inner)
                if v in written:
                    last_write[b] = i
                else:
                    last_read[b] = i
    first_write = next(
        (i for i, op in enumerate(ops) if isinstance(op, (loop.WriteOp, func.ReturnOp))), len(ops)
    )
    sunk = 0
    reads = {op.global_name.string_value(): op.result for op in ops if isinstance(op, loop.ReadOp)}
    for write in [op for op in ops if isinstance(op, loop.WriteOp)]:
        glob = reads.get(write.global_name.string_value())
        new = write.value
        if glob is None or not isinstance(new.owner, memref.AllocOp):
            continue
        if new.type != glob.type or not is_contiguous(new.type):
            continue
        if any(s == 1 for s in static_shape(glob.type)):
            continue  # a broadcastable dimension: the map may read one element many times
        new_users = users.get(new, [])
        writers = [u for u in new_users if u is not write]
        if len(writers) != 1 or not isinstance(writers[0], loop.MapOp) or writers[0] not in position:
            continue  # computed by more than one op, or also read elsewhere
        m = writers[0]
        identity = tuple(range(len(static_shape(new.type))))
        if any(
            base_of(v) is glob and (v is not glob or tuple(d) != identity)
            for v, d in zip(m.inputs, m.input_dims())
        ):
            continue  # reads the old value through a view or at another index
        if any(base_of(v) is new for v in m.inputs):
            continue
        # the map moves down to just before the writes when nothing it reads is
        # written after it: then every check and every other read of the old value
        # happens before the first write
        at = position[m]
        if all(last_write.get(base_of(v), -1) <= at for v in m.inputs):
            target = first_write - 0.5 + sunk * 1e-6
        else:
            target = at
        if last_check > target or last_read.get(glob, -1) > target:
            continue
        if any(position.get(_top(u, block), -1) > target for u in users.get(glob, []) if u is not m):
            continue
        if target != at:
            m.detach()
            block.insert_op_before(m, ops[first_write])
            position[m] = target
            sunk += 1
            for v in m.inputs:
                b = base_of(v)
                last_read[b] = max(last_read.get(b, -1), target)
        new.replace_all_uses_with(glob)
        last_write[glob] = target
        alloc = new.owner
        assert isinstance(alloc, Operation)
        block.erase_op(alloc)


def _written(op: Operation) -> set[SSAValue]:
    """The buffers an op writes into."""
    if isinstance(op, (loop.MapOp, loop.ReduceOp, loop.DotOp)):
        return set(op.outputs)
    if isinstance(op, memref.StoreOp):
        return {op.memref}
    return set()


def _top(op: Operation, block) -> Operation:  # type: ignore[no-untyped-def]
    while op.parent_block() is not block:
        parent = op.parent_op()
        if parent is None:
            return op
        op = parent
    return op


@dataclass(frozen=True)
class LoopInplacePass(ModulePass):
    """Write shared variables' updates into their own buffers where that is safe.

    Safe means: no read of the old value can follow the first write, and no
    check can fail after it.

    Input: bufferized loop IR with ``loop.read``/``loop.write`` (after
    ``loop-bufferize``, before ``loop-abi``).
    Output: the same IR where some ``loop.write @w, %new`` have become
    ``loop.write @w, %w`` (``%w`` the variable's own buffer, written by the map that
    computed ``%new``); their allocations are gone.
    Invariants: the same values are computed and committed; a failing check leaves
    every variable untouched.
    """

    name = "loop-inplace"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for f in op.ops:
            if isinstance(f, func.FuncOp) and f.body.blocks:
                _inplace_function(f)
