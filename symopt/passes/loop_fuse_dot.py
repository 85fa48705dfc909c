"""``loop-fuse-dot``: one pass over a matrix for ``dot(A, v)``, the row-wise maps
of its result and ``dot(A.T, d)``.

A gradient step reads its data matrix twice: the forward product ``z = A v``
and, after elementwise work on ``z``, the gradient's ``g = A^T d``. When ``d``
is computed from ``z`` row by row, both products can walk ``A`` together, one
block of rows at a time, so the second reads the block from cache:

    for each block R of rows (in order):
        z[R] = A[R, :] v                      (BLAS gemv on a view)
        the row-wise maps, on the rows R of their operands
        P[block] = A[R, :]^T d[R]            (BLAS gemv on a view)
    g = sum of P over the blocks, in block order

The blocks have a fixed size that depends only on the matrix's shape (about
``BLOCK_BYTES`` of ``A`` each), so ``g`` is the same bits whatever the number
of threads; it differs from one gemv over all rows by the order of the sums.

The pass works on the bufferized level, after ``loop-abi`` and before
``loop-dealloc``, on the ops of one block: for each ``loop.dot %A, %v, %z``
(``A`` a contiguous matrix, ``v`` and ``z`` vectors, ``z`` a fresh buffer) it
looks for a later ``loop.dot %T, %d, %g`` where ``T`` is the transposed view of
``A`` and ``g`` a fresh vector. Every op between them that reads ``z`` or a
buffer a fused op wrote must be a row-wise ``loop.map`` (vectors and 0-d values
in, fresh vectors out, identity ``dims``, no ``loop.index``); those maps move
into the loop over blocks, which replaces the second product; every other op
between stays where it is, and must not write a buffer a fused op reads before
it, nor read one a fused op writes. Anything else leaves the products alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    IndexType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    NoneAttr,
    UnitAttr,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from symopt.dialects import loop
from symopt.passes.loop_bufferize import memref_type

BLOCK_BYTES = 1 << 17
"""The bytes of the matrix one block of rows covers (at least ``MIN_ROWS`` rows):
small enough to stay in a core's L2 cache between the two products."""
MIN_ROWS = 8
INDEX = IndexType()


def _constant(v: SSAValue) -> int | None:
    owner = v.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


def _is_dim(v: SSAValue, of: SSAValue, axis: int) -> bool:
    owner = v.owner
    return isinstance(owner, memref.DimOp) and owner.source == of and _constant(owner.index) == axis


def _contiguous(v: SSAValue, rank: int) -> bool:
    """A buffer of identity layout (an argument or an allocation) of ``rank``."""
    t = v.type
    return isinstance(t, MemRefType) and len(t.get_shape()) == rank and isinstance(t.layout, NoneAttr)


def _fresh(v: SSAValue) -> bool:
    return isinstance(v.owner, memref.AllocOp) and _contiguous(v, 1)


def _transposed(view: SSAValue, a: SSAValue) -> bool:
    """Whether ``view`` is ``loop.view %a offset(0) sizes(dim 1, dim 0) strides(1, dim 1)``."""
    op = view.owner
    if not isinstance(op, loop.ViewOp) or op.source != a or _constant(op.offset) != 0:
        return False
    if len(op.sizes) != 2 or not _contiguous(a, 2):
        return False
    (n0, n1), (s0, s1) = op.sizes, op.strides
    return _is_dim(n0, a, 1) and _is_dim(n1, a, 0) and _constant(s0) == 1 and _is_dim(s1, a, 1)


def _root(v: SSAValue) -> SSAValue:
    while isinstance(v.owner, loop.ViewOp):
        v = v.owner.source
    return v


def _row_map(op: Operation) -> bool:
    """A ``loop.map`` that computes row ``i`` of its outputs from row ``i`` of its
    vector inputs and its 0-d inputs only."""
    if not isinstance(op, loop.MapOp) or op.res or not op.outputs:
        return False
    if not all(_fresh(o) for o in op.outputs):
        return False
    for v, d in zip(op.inputs, op.input_dims()):
        rank = len(v.type.get_shape())  # type: ignore[attr-defined]
        if rank == 1 and tuple(d) == (0,):
            if not (_contiguous(v, 1) or (isinstance(v.owner, loop.ViewOp) and len(v.owner.sizes) == 1)):
                return False
        elif rank != 0:
            return False
    return not any(isinstance(inner, loop.IndexOp) for inner in op.body.walk())


def _effects(op: Operation) -> tuple[set[SSAValue], set[SSAValue]]:
    """The buffers (roots) ``op`` reads and those it may write, conservatively:
    every buffer operand of an op not known to only read it is written."""
    reads: set[SSAValue] = set()
    writes: set[SSAValue] = set()
    for inner in [op, *(x for r in op.regions for x in r.walk())]:
        if isinstance(inner, (memref.DimOp, loop.ViewOp, memref.LoadOp)):
            reads.update(_root(v) for v in inner.operands if isinstance(v.type, MemRefType))
            continue
        if isinstance(inner, (loop.MapOp, loop.ReduceOp, loop.DotOp)):
            ins = [inner.lhs, inner.rhs] if isinstance(inner, loop.DotOp) else list(inner.inputs)
            reads.update(_root(v) for v in ins if isinstance(v.type, MemRefType))
            writes.update(_root(v) for v in inner.outputs)
            continue
        if isinstance(inner, loop.CheckOp):
            continue
        for v in inner.operands:
            if isinstance(v.type, MemRefType):
                writes.add(_root(v))
    return reads, writes


@dataclass
class _Plan:
    first: loop.DotOp
    second: loop.DotOp
    maps: list[loop.MapOp]


def _plan(first: loop.DotOp, ops: list[Operation], start: int) -> _Plan | None:
    """The fusion of ``first`` (at ``ops[start]``) with a later transposed product,
    or None."""
    a, v, z = first.lhs, first.rhs, first.outputs[0] if first.outputs else None
    if z is None or not _contiguous(a, 2) or not _contiguous(v, 1) or not _fresh(z):
        return None
    if a.type.element_type != z.type.element_type:  # type: ignore[attr-defined]
        return None
    written = {_root(z)}  # what the fused ops write
    read = {_root(a), _root(v)}  # what they read
    maps: list[loop.MapOp] = []
    for op in ops[start + 1 :]:
        if isinstance(op, loop.DotOp) and op.outputs and _transposed(op.lhs, a):
            d, g = op.rhs, op.outputs[0]
            if _root(d) in written and _fresh(d) and _fresh(g) and any(d in m.outputs for m in maps):
                return _Plan(first, op, maps)
        reads, writes = _effects(op)
        if reads & written or writes & written:
            if not _row_map(op):
                return None
            assert isinstance(op, loop.MapOp)
            if any(_root(o) in (_root(a), _root(v)) for o in op.outputs):
                return None  # every block reads the matrix's rows and all of v
            maps.append(op)
            written.update(_root(o) for o in op.outputs)
            read.update(_root(i) for i in op.inputs)
            continue
        if writes & read:
            return None  # it would overwrite what a fused op before it reads
        if isinstance(op, func.ReturnOp):
            return None
    return None


def _const(value: int, ops: list[Operation]) -> SSAValue:
    """An index constant, appended to ``ops``."""
    c = arith.ConstantOp(IntegerAttr(value, INDEX))
    ops.append(c)
    return c.result


def _rows_view(
    v: SSAValue, r0: SSAValue, rb: SSAValue, one: SSAValue, ops: list[Operation], made: dict[SSAValue, SSAValue]
) -> SSAValue:
    """The rows [r0, r0 + rb) of a vector (a contiguous buffer or a 1-d view),
    made once per block body (``made``)."""
    if v in made:
        return made[v]
    owner = v.owner
    if isinstance(owner, loop.ViewOp):
        source, stride = owner.source, owner.strides[0]
        scaled = arith.MuliOp(r0, stride)
        offset = arith.AddiOp(owner.offset, scaled)
        ops += [scaled, offset]
        start = offset.result
    else:
        source, stride, start = v, one, r0
    view = loop.ViewOp(source, start, [rb], [stride], memref_type(v.type, strided=True))
    ops.append(view)
    made[v] = view.result
    return view.result


def _rewrite(plan: _Plan, block: Block) -> None:
    first, second = plan.first, plan.second
    a, v, z = first.lhs, first.rhs, first.outputs[0]
    d, g = second.rhs, second.outputs[0]
    elem = z.type.element_type  # type: ignore[attr-defined]
    before: list[Operation] = []
    zero, one = _const(0, before), _const(1, before)
    rows, cols = memref.DimOp(a, zero), memref.DimOp(a, one)
    before += [rows, cols]
    # rows per block: BLOCK_BYTES of the matrix, at least MIN_ROWS; blocks: ceil(rows / size)
    per = _const(BLOCK_BYTES // (elem.bitwidth // 8), before)
    least = _const(MIN_ROWS, before)
    wide = arith.MaxSIOp(cols.result, one)
    fit = arith.DivSIOp(per, wide.result)
    size = arith.MaxSIOp(fit.result, least)
    less = arith.SubiOp(size.result, one)
    spill = arith.AddiOp(rows.result, less.result)
    count = arith.DivSIOp(spill.result, size.result)
    before += [wide, fit, size, less, spill, count]
    partial_type = MemRefType(elem, [DYNAMIC_INDEX, DYNAMIC_INDEX])
    partials = memref.AllocOp([count.result, cols.result], [], partial_type)
    before.append(partials)

    body = Block(arg_types=[INDEX])
    k = body.args[0]
    inner: list[Operation] = []
    r0 = arith.MuliOp(k, size.result)
    past = arith.AddiOp(r0.result, size.result)
    end = arith.MinSIOp(past.result, rows.result)
    rb = arith.SubiOp(end.result, r0.result)
    inner += [r0, past, end, rb]
    r0v, rbv = r0.result, rb.result
    views: dict[SSAValue, SSAValue] = {}

    def rows_of(vector: SSAValue) -> SSAValue:
        return _rows_view(vector, r0v, rbv, one, inner, views)

    start = arith.MuliOp(r0v, cols.result)
    inner.append(start)
    matrix_type = memref_type(a.type, strided=True)
    rows_of_a = loop.ViewOp(a, start.result, [rbv, cols.result], [cols.result, one], matrix_type)
    inner.append(rows_of_a)
    inner.append(loop.DotOp(rows_of_a.result, v, output=rows_of(z)))
    for m in plan.maps:
        ins = [rows_of(i) if len(i.type.get_shape()) == 1 else i for i in m.inputs]  # type: ignore[attr-defined]
        outs = [rows_of(o) for o in m.outputs]
        m.detach()
        clone = loop.MapOp(ins, m.body.clone(), outputs=outs, dims=m.input_dims())
        clone.attributes |= m.attributes
        inner.append(clone)
        m.erase()
    columns = loop.ViewOp(a, start.result, [cols.result, rbv], [one, cols.result], matrix_type)
    inner.append(columns)
    slot = arith.MuliOp(k, cols.result)
    inner.append(slot)
    partial = loop.ViewOp(partials.memref, slot.result, [cols.result], [one], memref_type(g.type, strided=True))
    inner.append(partial)
    inner.append(loop.DotOp(columns.result, rows_of(d), output=partial.result))
    inner.append(scf.YieldOp())
    body.add_ops(inner)
    blocks = scf.ForOp(zero, count.result, one, [], Region(body))
    # the blocks write disjoint rows and partial products: threads may share them
    blocks.attributes[loop.PARALLEL] = UnitAttr()
    blocks.attributes[loop.WORK] = IntegerAttr(2 * BLOCK_BYTES // (elem.bitwidth // 8), 64)
    # g: the partial products summed over the blocks, in block order
    add = Block(arg_types=[elem])
    add.add_op(loop.YieldOp(add.args[0]))
    total = loop.ReduceOp("add", [partials.memref], [0], False, Region(add), output=g)
    block.insert_ops_before([*before, blocks, total], second)
    block.erase_op(second)
    block.erase_op(first)


def fuse_block(block: Block) -> None:
    """Fuse every pair of products in ``block`` (see the module docstring)."""
    ops = list(block.ops)
    done: set[Operation] = set()
    # the matrices some product reads transposed: only their products can start a pair
    transposed = {
        op.lhs.owner.source for op in ops
        if isinstance(op, loop.DotOp) and isinstance(op.lhs.owner, loop.ViewOp)
        and _transposed(op.lhs, op.lhs.owner.source)
    }  # fmt: skip
    for i, op in enumerate(ops):
        if isinstance(op, loop.DotOp) and op not in done and op.lhs in transposed:
            plan = _plan(op, ops, i)
            if plan is not None and not ({plan.second, *plan.maps} & done):
                done.update([plan.first, plan.second, *plan.maps])
                _rewrite(plan, block)


@dataclass(frozen=True)
class LoopFuseDotPass(ModulePass):
    """Read a matrix once for ``dot(A, v)``, row-wise maps and ``dot(A.T, d)``.

    Input: bufferized IR (after ``loop-abi``, before ``loop-dealloc``).
    Output: each such pair of products and the maps between them as one
    ``scf.for`` over blocks of rows, whose partial products a ``loop.reduce``
    sums in block order.
    Invariants: the same values, up to the order of the second product's sums
    (fixed by the shape, not by the number of threads); nothing else moves.
    """

    name = "loop-fuse-dot"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for f in op.ops:
            if isinstance(f, func.FuncOp) and f.body.blocks:
                fuse_block(f.body.block)
