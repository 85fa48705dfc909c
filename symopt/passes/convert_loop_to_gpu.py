"""``convert-loop-to-gpu``: the parallel loops of a bufferized function become GPU
kernels (xDSL's ``gpu`` dialect), launched from the function, which stays on the
host.

Input: the lower half up to ``loop-dealloc`` (memref-form ``loop.map``,
``loop.reduce`` and ``loop.dot``, ``scf`` loops over ``memref.load``/``store``,
views, checks, the calling convention).

Output: a ``gpu.module @kernels`` of ``gpu.func`` kernels, and the function with a
``gpu.launch_func`` where each loop was. Every buffer of the function lives on the
device; what stays on the host is the control (allocations, views, size checks,
``scf`` loops that launch kernels, such as ``scan``'s) and scalar arithmetic on
sizes. How each loop maps:

* ``loop.map``: a grid-stride loop over the elements (``BLOCK`` threads per
  block); when every buffer is contiguous and of the iteration space's shape, over
  one flat index, otherwise over a linear index split into the loop's indices.
* ``loop.reduce``: a block per output element (grid-stride over the outputs); its
  threads stride over the reduced elements, then combine their partial results
  in shared memory, in a tree of barrier-separated steps. When there are fewer
  outputs than blocks the device can keep busy, a first kernel splits each
  output's elements over several blocks and writes per-block partials, and a
  final kernel reduces them (``add``, ``mul``, ``max``, ``min``, ``and``, ``or``,
  ``mean``; ``argmax``/``argmin`` keep the first position of the best value and
  use one block per output).
* ``loop.dot``: a tiled kernel, ``TILE`` x ``TILE`` threads per block, tiles of
  both operands staged in shared memory (vectors are a row or a column).
* an ``scf`` loop nest of the host function that reads or writes buffers (an
  index gather, a sort, a cumulative sum, a draw): its own kernel. An MRG draw's
  loop over streams (marked ``symopt.parallel``) is distributed over threads;
  others run in one thread, in order, as on the CPU.

A kernel that contains run-time checks takes the function's error buffer as its
last argument (``symopt.err`` on the ``gpu.func``); a failed check writes its code
and values there and ends its thread, and the runtime reads the buffer after the
launch.

Shared memory is ``memref.alloca`` in memory space 3 (NVVM's shared space), in the
kernel's entry block.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func, gpu, memref, scf
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    NoneAttr,
    StringAttr,
    SymbolRefAttr,
    TensorType,
    UnitAttr,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import DiagnosticException

from symopt.dialects import loop
from symopt.dialects.scalar import ScalarBuilder, is_float_type
from symopt.dialects.types import static_shape
from symopt.passes.convert_loop_to_scf import (
    _Builder,
    _combine,
    _init,
    _inline,
    _load,
    _space,
    arg_combine,
    reduce_element,
)

INDEX = IndexType()
BLOCK = 256
"""Threads per block of the elementwise and reduction kernels."""
TILE = 16
"""The side of the dot kernel's tiles (TILE x TILE threads per block)."""
MAX_BLOCKS = 4096
"""The most blocks a grid-stride kernel is launched with."""
SHARED_SPACE = 3
"""The memory space of shared (workgroup) memory."""
ERR_ATTR = "symopt.err"
"""On a ``gpu.func``: it takes the error buffer as its last argument."""
KERNELS = "kernels"


def _dim(which: str) -> gpu.DimensionAttr:
    return gpu.DimensionAttr(getattr(gpu.DimensionEnum, which.upper()))


class _K(_Builder):
    """Builds ops (index arithmetic, gpu ids) into a list."""

    def gid(self, kind: type[Operation], which: str = "x") -> SSAValue:
        return self.add(kind(_dim(which)))  # type: ignore[call-arg]

    def addi(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.add(arith.AddiOp(a, b))

    def muli(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.add(arith.MuliOp(a, b))

    def cmpi(self, pred: str, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.add(arith.CmpiOp(a, b, pred))

    def product(self, values: Sequence[SSAValue]) -> SSAValue:
        total = self.idx(1)
        for v in values:
            total = self.muli(total, v)
        return total

    def blocks(self, work: SSAValue, per_block: int, cap: int = MAX_BLOCKS) -> SSAValue:
        """``clamp(ceil(work / per_block), 1, cap)``, on the host."""
        n = self.add(arith.CeilDivUIOp(work, self.idx(per_block)))
        n = self.add(arith.MinUIOp(n, self.idx(cap)))
        return self.add(arith.MaxUIOp(n, self.idx(1)))

    def delinearize(self, linear: SSAValue, sizes: Sequence[SSAValue]) -> list[SSAValue]:
        """The C-order indices of ``linear`` in a space of ``sizes``."""
        ivs: list[SSAValue] = [linear] * len(sizes)
        rest = linear
        for k in range(len(sizes) - 1, 0, -1):
            ivs[k] = self.add(arith.RemUIOp(rest, sizes[k]))
            rest = self.add(arith.DivUIOp(rest, sizes[k]))
        if sizes:
            ivs[0] = rest
        return ivs if sizes else []

    def grid_stride(self, total: SSAValue, body: Callable[[_K, SSAValue], None], which: str = "x") -> None:
        """``for i = block_id * block_dim + thread_id; i < total; i += grid_dim *
        block_dim``."""
        tid = self.gid(gpu.ThreadIdOp, which)
        bid = self.gid(gpu.BlockIdOp, which)
        bdim = self.gid(gpu.BlockDimOp, which)
        gdim = self.gid(gpu.GridDimOp, which)
        start = self.addi(self.muli(bid, bdim), tid)
        step = self.muli(gdim, bdim)
        self.for_(start, total, step, body)

    def for_(self, lb: SSAValue, ub: SSAValue, step: SSAValue, body: Callable[[_K, SSAValue], None]) -> None:
        block = Block(arg_types=[INDEX])
        inner = _K()
        body(inner, block.args[0])
        block.add_ops(inner.ops)
        block.add_op(scf.YieldOp())
        self.add(scf.ForOp(lb, ub, step, [], block))

    def if_(self, cond: SSAValue, body: Callable[[_K], None]) -> None:
        inner = _K()
        body(inner)
        block = Block()
        block.add_ops(inner.ops)
        block.add_op(scf.YieldOp())
        self.add(scf.IfOp(cond, [], Region(block), Region(Block([scf.YieldOp()]))))

    def scalars(self, sb: ScalarBuilder) -> None:
        self.ops += sb.ops
        sb.ops = []


# -- kernels -----------------------------------------------------------------------


class _Kernels:
    """Collects the kernels of a module into its ``gpu.module``."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.funcs: list[gpu.FuncOp] = []
        self.err: SSAValue | None = None
        """The function's error buffer, when a kernel has checks."""

    def launch(
        self,
        host: _K,
        body: list[Operation],
        grid: Sequence[SSAValue],
        block: Sequence[int],
        hint: str,
    ) -> None:
        """Outline ``body`` (ops that use values of the host function) as a kernel
        and launch it from ``host`` with ``grid`` blocks of ``block`` threads. The
        values it uses become its arguments, except constants, which are copied
        in."""
        kernel_block = Block()
        inside: set[SSAValue] = set()
        ops_inside = []
        for top in body:
            for o in top.walk():
                ops_inside.append(o)
                inside.update(o.results)
                for region in o.regions:
                    for blk in region.blocks:
                        inside.update(blk.args)
        free: list[SSAValue] = []
        seen: set[SSAValue] = set()
        for o in ops_inside:
            for v in o.operands:
                if v not in inside and v not in seen:
                    seen.add(v)
                    free.append(v)
        mapping: dict[SSAValue, SSAValue] = {}
        prologue: list[Operation] = []
        args: list[SSAValue] = []
        for v in free:
            owner = v.owner
            if isinstance(owner, arith.ConstantOp):
                c = owner.clone()
                prologue.append(c)
                mapping[v] = c.result
            else:
                args.append(v)
        has_checks = any(isinstance(o, loop.CheckOp) for o in ops_inside)
        if has_checks:
            assert self.err is not None, "internal error: a kernel with checks and no error buffer"
            args.append(self.err)
        for v in args:
            mapping[v] = kernel_block.insert_arg(v.type, len(kernel_block.args))
        for o in ops_inside:
            if any(v in mapping for v in o.operands):
                o.operands = [mapping.get(v, v) for v in o.operands]
        kernel_block.add_ops(prologue)
        kernel_block.add_ops(body)
        kernel_block.add_op(gpu.ReturnOp([]))
        name = f"{self.prefix}_{hint}{len(self.funcs)}"
        kernel = gpu.FuncOp(name, ([a.type for a in args], []), Region(kernel_block), kernel=True)
        kernel.attributes["gpu.known_block_size"] = _i32_array(list(block) + [1] * (3 - len(block)))
        if has_checks:
            kernel.attributes[ERR_ATTR] = UnitAttr()
        self.funcs.append(kernel)
        one = host.idx(1)
        grid = list(grid) + [one] * (3 - len(grid))
        threads = [host.idx(b) for b in block] + [one] * (3 - len(block))
        host.add(
            gpu.LaunchFuncOp(
                SymbolRefAttr(KERNELS, [StringAttr(name)]), grid, threads, kernelOperands=args
            )
        )


def _i32_array(values: Sequence[int]) -> Attribute:
    from xdsl.dialects.builtin import DenseArrayBase, i32

    return DenseArrayBase.from_list(i32, list(values))


def _is_plain(t: Attribute) -> bool:
    return isinstance(t, MemRefType) and isinstance(t.layout, NoneAttr)


def map_kernel(op: loop.MapOp, kernels: _Kernels, host: _K) -> None:
    out = op.outputs[0]
    rank = len(static_shape(out.type))
    out_static = static_shape(out.type)
    sizes = [host.dim(out, k) for k in range(rank)]
    total = host.product(sizes)
    flat = all(_is_plain(m.type) for m in [*op.inputs, *op.outputs]) and all(
        list(d) == list(range(rank))
        and not any(s == 1 and o != 1 for s, o in zip(static_shape(m.type), out_static))
        for m, d in zip(op.inputs, op.input_dims())
    )
    k = _K()
    ksizes = [k.dim(out, j) for j in range(rank)]
    ktotal = k.product(ksizes)
    zero = k.idx(0)
    if flat and rank != 1:
        one = k.idx(1)
        views = {
            m: k.add(loop.ViewOp(m, zero, [ktotal], [one], MemRefType(m.type.element_type, [DYNAMIC_INDEX])))  # type: ignore[attr-defined]
            for m in dict.fromkeys([*op.inputs, *op.outputs])
        }
    else:
        views = {}

    def body(b: _K, linear: SSAValue) -> None:
        if flat:
            values = [b.add(memref.LoadOp.get(views.get(m, m), [linear])) for m in op.inputs]
            ivs = b.delinearize(linear, ksizes) if _uses_index(op) else [linear] * rank
            results = _inline(b, op.body.block, values, ivs)
            for r, o in zip(results, op.outputs):
                b.add(memref.StoreOp.get(r, views.get(o, o), [linear]))
            return
        ivs = b.delinearize(linear, ksizes)
        values = [_load(b, m, d, ivs, zero) for m, d in zip(op.inputs, op.input_dims())]
        results = _inline(b, op.body.block, values, ivs)
        for r, o in zip(results, op.outputs):
            b.add(memref.StoreOp.get(r, o, list(ivs)))

    k.grid_stride(ktotal, body)
    kernels.launch(host, k.ops, [host.blocks(total, BLOCK)], [BLOCK], "map")


def _uses_index(op: Operation) -> bool:
    return any(isinstance(o, loop.IndexOp) for o in op.walk())


_SPLITTABLE = ("add", "mean", "mul", "max", "min", "and", "or")


def reduce_kernel(op: loop.ReduceOp, kernels: _Kernels, host: _K) -> None:
    kind = op.kind.data
    axes = op.axis_tuple()
    rank = op.space_rank_of_memrefs()
    kept = [d for d in range(rank) if d not in axes]
    sizes = _space(host, op)
    n_out = host.product([sizes[d] for d in kept])
    n_red = host.product([sizes[a] for a in axes])
    value_type = op.body.block.last_op.values[0].type  # type: ignore[union-attr]
    if kind not in _SPLITTABLE:
        body = _reduce_body(op, value_type, split=False)
        kernels.launch(host, body, [host.blocks(n_out, 1)], [BLOCK], "reduce")
        return
    # chunks per output: enough blocks in all to fill the device, at least a few
    # thousand elements per block
    per_block = host.blocks(n_red, BLOCK * 16, cap=1 << 30)
    spread = host.add(arith.CeilDivUIOp(host.idx(MAX_BLOCKS), host.add(arith.MaxUIOp(n_out, host.idx(1)))))
    chunks = host.add(arith.MinUIOp(per_block, spread))
    split = host.cmpi("ugt", chunks, host.idx(1))

    def split_path(b: _K) -> None:
        partial_type = MemRefType(value_type, [DYNAMIC_INDEX])
        partial = b.add(memref.AllocOp([b.muli(n_out, chunks)], [], partial_type))
        first = _reduce_body(op, value_type, split=True, partial=partial, chunks=chunks)
        kernels.launch(b, first, [b.blocks(b.muli(n_out, chunks), 1)], [BLOCK], "partials")
        final = _final_body(op, value_type, partial, chunks, n_red)
        kernels.launch(b, final, [b.blocks(n_out, 1)], [BLOCK], "final")
        b.add(memref.DeallocOp.get(partial))

    def direct_path(b: _K) -> None:
        body = _reduce_body(op, value_type, split=False)
        kernels.launch(b, body, [b.blocks(n_out, 1)], [BLOCK], "reduce")

    then_b, else_b = _K(), _K()
    split_path(then_b)
    direct_path(else_b)
    host.add(
        scf.IfOp(
            split, [],
            Region(Block([*then_b.ops, scf.YieldOp()])),
            Region(Block([*else_b.ops, scf.YieldOp()])),
        )
    )  # fmt: skip


def _tree(
    k: _K,
    tid: SSAValue,
    shared: Sequence[SSAValue],
    combine: Callable[[ScalarBuilder, list[SSAValue], list[SSAValue]], list[SSAValue]],
) -> None:
    """Combine the ``BLOCK`` entries of ``shared`` into entry 0: log2(BLOCK) steps,
    each followed by a barrier (thread ``t < s`` combines ``t`` and ``t + s``)."""
    s = BLOCK // 2
    while s >= 1:
        step = k.idx(s)

        def pair(b: _K, step: SSAValue = step) -> None:
            other = b.addi(tid, step)
            mine = [b.add(memref.LoadOp.get(m, [tid])) for m in shared]
            theirs = [b.add(memref.LoadOp.get(m, [other])) for m in shared]
            sb = ScalarBuilder()
            new = combine(sb, mine, theirs)
            b.scalars(sb)
            for m, v in zip(shared, new):
                b.add(memref.StoreOp.get(v, m, [tid]))

        k.if_(k.cmpi("ult", tid, step), pair)
        k.add(gpu.BarrierOp())
        s //= 2


def _reduce_body(
    op: loop.ReduceOp,
    value_type: Attribute,
    split: bool,
    partial: SSAValue | None = None,
    chunks: SSAValue | None = None,
) -> list[Operation]:
    """One block per output (``split``: per output and chunk of its elements)."""
    kind = op.kind.data
    axes = op.axis_tuple()
    keep = bool(op.keepdims.value.data)
    rank = op.space_rank_of_memrefs()
    kept = [d for d in range(rank) if d not in axes]
    arg = kind in ("argmax", "argmin")
    unsigned = "unsigned" in op.attributes
    i64 = IntegerType(64)
    k = _K()
    sizes = _space(k, op)
    kept_sizes = [sizes[d] for d in kept]
    red_sizes = [sizes[a] for a in axes]
    n_out = k.product(kept_sizes)
    n_red = k.product(red_sizes)
    zero = k.idx(0)
    shared = [k.add(memref.AllocaOp.get(value_type, shape=[BLOCK], memory_space=IntegerAttr(SHARED_SPACE, 64)))]
    if arg:
        shared.append(k.add(memref.AllocaOp.get(i64, shape=[BLOCK], memory_space=IntegerAttr(SHARED_SPACE, 64))))
    tid = k.gid(gpu.ThreadIdOp)
    bid = k.gid(gpu.BlockIdOp)
    gdim = k.gid(gpu.GridDimOp)
    bdim = k.idx(BLOCK)
    work = k.muli(n_out, chunks) if split else n_out
    chunk_len = None
    if split:
        assert chunks is not None
        chunk_len = k.add(arith.CeilDivUIOp(n_red, chunks))

    def per_item(b: _K, w: SSAValue) -> None:
        if split:
            o = b.add(arith.DivUIOp(w, chunks))
            c = b.add(arith.RemUIOp(w, chunks))
            lo = b.muli(c, chunk_len)
            hi = b.add(arith.MinUIOp(b.addi(lo, chunk_len), n_red))
        else:
            o, lo, hi = w, zero, n_red
        out_ivs = b.delinearize(o, kept_sizes)
        sb = ScalarBuilder()
        init = [_init(sb, kind, value_type, unsigned)]
        if arg:
            init.append(sb.const(2**63 - 1, i64))
        b.scalars(sb)
        block = Block(arg_types=[INDEX, *[v.type for v in init]])
        inner = _K()
        r = block.args[0]
        v = reduce_element(inner, op, kept, out_ivs, inner.delinearize(r, red_sizes), zero)
        isb = ScalarBuilder()
        if arg:
            pos = isb.add(arith.IndexCastOp(r, i64))
            new = arg_combine(isb, kind, [block.args[1], block.args[2]], [v, pos], unsigned)
        else:
            new = [_combine(isb, kind, block.args[1], v, unsigned)]
        inner.scalars(isb)
        block.add_ops(inner.ops)
        block.add_op(scf.YieldOp(*new))
        start = b.addi(lo, tid)
        loop_op = scf.ForOp(start, hi, bdim, init, block)
        b.add(loop_op)
        for m, val in zip(shared, loop_op.results):
            b.add(memref.StoreOp.get(val, m, [tid]))
        b.add(gpu.BarrierOp())

        def combine(sb: ScalarBuilder, x: list[SSAValue], y: list[SSAValue]) -> list[SSAValue]:
            if arg:
                return arg_combine(sb, kind, x, y, unsigned)
            return [_combine(sb, kind, x[0], y[0], unsigned)]

        _tree(b, tid, shared, combine)

        def write(wb: _K) -> None:
            result = wb.add(memref.LoadOp.get(shared[-1] if arg else shared[0], [zero]))
            if split:
                assert partial is not None
                wb.add(memref.StoreOp.get(result, partial, [w]))
                return
            if kind == "mean":
                sb = ScalarBuilder()
                n = wb.add(arith.IndexCastOp(n_red, i64))
                result = sb.named("arith.divf", result, sb.convert(n, value_type))
                wb.scalars(sb)
            idx = [zero if d in axes else out_ivs[kept.index(d)] for d in range(rank) if keep or d not in axes]
            wb.add(memref.StoreOp.get(result, op.outputs[0], idx))

        b.if_(b.cmpi("eq", tid, zero), write)
        b.add(gpu.BarrierOp())  # before the next output reuses shared memory

    k.for_(bid, work, gdim, per_item)
    return k.ops


def _final_body(
    op: loop.ReduceOp,
    value_type: Attribute,
    partial: SSAValue,
    chunks: SSAValue,
    n_red_host: SSAValue,
) -> list[Operation]:
    """Reduce each output's ``chunks`` partials (one block per output)."""
    kind = op.kind.data
    combine_kind = "add" if kind == "mean" else kind
    axes = op.axis_tuple()
    keep = bool(op.keepdims.value.data)
    rank = op.space_rank_of_memrefs()
    kept = [d for d in range(rank) if d not in axes]
    unsigned = "unsigned" in op.attributes
    k = _K()
    sizes = _space(k, op)
    kept_sizes = [sizes[d] for d in kept]
    n_out = k.product(kept_sizes)
    zero = k.idx(0)
    shared = k.add(memref.AllocaOp.get(value_type, shape=[BLOCK], memory_space=IntegerAttr(SHARED_SPACE, 64)))
    tid = k.gid(gpu.ThreadIdOp)
    bid = k.gid(gpu.BlockIdOp)
    gdim = k.gid(gpu.GridDimOp)

    def per_output(b: _K, o: SSAValue) -> None:
        sb = ScalarBuilder()
        init = _init(sb, combine_kind, value_type, unsigned)
        b.scalars(sb)
        block = Block(arg_types=[INDEX, value_type])
        inner = _K()
        at = inner.addi(inner.muli(o, chunks), block.args[0])
        v = inner.add(memref.LoadOp.get(partial, [at]))
        isb = ScalarBuilder()
        new = _combine(isb, combine_kind, block.args[1], v, unsigned)
        inner.scalars(isb)
        block.add_ops(inner.ops)
        block.add_op(scf.YieldOp(new))
        acc = b.add(scf.ForOp(tid, chunks, b.idx(BLOCK), [init], block))
        b.add(memref.StoreOp.get(acc, shared, [tid]))
        b.add(gpu.BarrierOp())
        _tree(b, tid, [shared], lambda sb, x, y: [_combine(sb, combine_kind, x[0], y[0], unsigned)])
        out_ivs = b.delinearize(o, kept_sizes)

        def write(wb: _K) -> None:
            result = wb.add(memref.LoadOp.get(shared, [zero]))
            if kind == "mean":
                sb = ScalarBuilder()
                n = wb.add(arith.IndexCastOp(n_red_host, IntegerType(64)))
                result = sb.named("arith.divf", result, sb.convert(n, value_type))
                wb.scalars(sb)
            idx = [zero if d in axes else out_ivs[kept.index(d)] for d in range(rank) if keep or d not in axes]
            wb.add(memref.StoreOp.get(result, op.outputs[0], idx))

        b.if_(b.cmpi("eq", tid, zero), write)
        b.add(gpu.BarrierOp())

    k.for_(bid, n_out, gdim, per_output)
    return k.ops


def dot_kernel(op: loop.DotOp, kernels: _Kernels, host: _K) -> None:
    a, m, out = op.lhs, op.rhs, op.outputs[0]
    ra, rb = len(static_shape(a.type)), len(static_shape(m.type))
    rows = host.dim(a, 0) if ra == 2 else host.idx(1)
    cols = host.dim(m, 1) if rb == 2 else host.idx(1)
    grid_x = host.blocks(cols, TILE, cap=65535)
    grid_y = host.blocks(rows, TILE, cap=65535)
    elem = out.type.element_type  # type: ignore[attr-defined]
    k = _K()
    zero, one, tile = k.idx(0), k.idx(1), k.idx(TILE)
    k_size = k.dim(a, ra - 1)
    n_rows = k.dim(a, 0) if ra == 2 else one
    n_cols = k.dim(m, 1) if rb == 2 else one
    space = IntegerAttr(SHARED_SPACE, 64)
    sh_a = k.add(memref.AllocaOp.get(elem, shape=[TILE, TILE], memory_space=space))
    sh_b = k.add(memref.AllocaOp.get(elem, shape=[TILE, TILE], memory_space=space))
    tx = k.gid(gpu.ThreadIdOp, "x")
    ty = k.gid(gpu.ThreadIdOp, "y")
    bx = k.gid(gpu.BlockIdOp, "x")
    by = k.gid(gpu.BlockIdOp, "y")
    gx = k.gid(gpu.GridDimOp, "x")
    gy = k.gid(gpu.GridDimOp, "y")
    row_tiles = k.add(arith.CeilDivUIOp(n_rows, tile))
    col_tiles = k.add(arith.CeilDivUIOp(n_cols, tile))
    boolean = elem == IntegerType(1)

    def guarded_load(b: _K, src: SSAValue, idx: list[SSAValue], ok: SSAValue) -> SSAValue:
        """``src[idx]`` where ``ok``, else 0 (an ``scf.if`` keeps the load from
        reading outside the buffer)."""
        then_b, else_b = _K(), _K()
        loaded = then_b.add(memref.LoadOp.get(src, idx))
        sb = ScalarBuilder()
        zero_v = sb.const(0, elem)
        else_b.scalars(sb)
        return b.add(
            scf.IfOp(ok, [elem], Region(Block([*then_b.ops, scf.YieldOp(loaded)])),
                     Region(Block([*else_b.ops, scf.YieldOp(zero_v)])))
        )  # fmt: skip

    def per_row_tile(b: _K, tr: SSAValue) -> None:
        def per_col_tile(c: _K, tc: SSAValue) -> None:
            row = c.addi(c.muli(tr, tile), ty)
            col = c.addi(c.muli(tc, tile), tx)
            row_ok = c.cmpi("ult", row, n_rows)
            col_ok = c.cmpi("ult", col, n_cols)
            sb = ScalarBuilder()
            init = sb.const(0, elem)
            c.scalars(sb)
            block = Block(arg_types=[INDEX, elem])
            kt, acc = block.args
            s = _K()
            a_col = s.addi(kt, tx)
            a_idx = ([row] if ra == 2 else []) + [a_col]
            a_ok = s.add(arith.AndIOp(row_ok, s.cmpi("ult", a_col, k_size)))
            s.add(memref.StoreOp.get(guarded_load(s, a, a_idx, a_ok), sh_a, [ty, tx]))
            b_row = s.addi(kt, ty)
            b_idx = [b_row] + ([col] if rb == 2 else [])
            b_ok = s.add(arith.AndIOp(col_ok, s.cmpi("ult", b_row, k_size)))
            s.add(memref.StoreOp.get(guarded_load(s, m, b_idx, b_ok), sh_b, [ty, tx]))
            s.add(gpu.BarrierOp())
            inner = Block(arg_types=[INDEX, elem])
            kk, partial = inner.args
            ib = _K()
            x = ib.add(memref.LoadOp.get(sh_a, [ty, kk]))
            y = ib.add(memref.LoadOp.get(sh_b, [kk, tx]))
            isb = ScalarBuilder()
            if boolean:
                total = isb.named("arith.ori", partial, isb.named("arith.andi", x, y))
            elif is_float_type(elem):
                total = isb.named("arith.addf", partial, isb.named("arith.mulf", x, y))
            else:
                total = isb.named("arith.addi", partial, isb.named("arith.muli", x, y))
            ib.scalars(isb)
            inner.add_ops(ib.ops)
            inner.add_op(scf.YieldOp(total))
            summed = s.add(scf.ForOp(zero, tile, one, [acc], inner))
            s.add(gpu.BarrierOp())
            block.add_ops(s.ops)
            block.add_op(scf.YieldOp(summed))
            result = c.add(scf.ForOp(zero, k_size, tile, [init], block))
            ok = c.add(arith.AndIOp(row_ok, col_ok))
            out_idx = ([row] if ra == 2 else []) + ([col] if rb == 2 else [])
            c.if_(ok, lambda w: w.add(memref.StoreOp.get(result, out, out_idx)) and None)

        b.for_(bx, col_tiles, gx, per_col_tile)

    k.for_(by, row_tiles, gy, per_row_tile)
    kernels.launch(host, k.ops, [grid_x, grid_y], [TILE, TILE], "dot")


# -- the host function ----------------------------------------------------------------

_KERNEL_OPS = (loop.MapOp, loop.ReduceOp, loop.DotOp)


def _touches_memory(op: Operation) -> bool:
    return any(isinstance(o, (memref.LoadOp, memref.StoreOp, *_KERNEL_OPS)) for o in op.walk())


def _stays_on_host(op: Operation) -> bool:
    """A loop that allocates, returns or contains loops that become kernels (a
    ``scan``'s steps, an ``ifelse``'s branches): host control flow."""
    return any(
        isinstance(o, (memref.AllocOp, memref.DeallocOp, func.ReturnOp, gpu.LaunchFuncOp, *_KERNEL_OPS))
        for o in op.walk()
        if o is not op
    )


class _Converter:
    def __init__(self, kernels: _Kernels):
        self.kernels = kernels

    def block(self, block: Block) -> None:
        for op in list(block.ops):
            if isinstance(op, loop.MapOp) and op.outputs:
                self.replace(op, lambda h, op=op: map_kernel(op, self.kernels, h))
            elif isinstance(op, loop.ReduceOp) and op.outputs:
                self.replace(op, lambda h, op=op: reduce_kernel(op, self.kernels, h))
            elif isinstance(op, loop.DotOp) and op.outputs:
                self.replace(op, lambda h, op=op: dot_kernel(op, self.kernels, h))
            elif isinstance(op, (scf.ForOp, scf.IfOp)) and _touches_memory(op):
                if _stays_on_host(op):
                    for region in op.regions:
                        for inner in region.blocks:
                            self.block(inner)
                elif op.results:
                    # its results are host values: it stays on the host, reading
                    # and writing device buffers element by element (correct,
                    # slow; no lowering makes such loops today at a size that matters)
                    pass
                elif isinstance(op, scf.ForOp) and loop.PARALLEL in op.attributes:
                    self.replace(op, lambda h, op=op: self.parallel(op, h))
                else:
                    self.replace(op, lambda h, op=op: self.serial(op, h))

    @staticmethod
    def replace(op: Operation, build: Callable[[_K], None]) -> None:
        """Put the host ops that ``build`` makes where ``op`` is, and remove
        ``op`` (unless ``build`` moved it into a kernel)."""
        following = op.next_op
        assert following is not None, "internal error: an op without a terminator after it"
        where = op.parent
        host = _K()
        build(host)
        if op.parent is where:
            Rewriter.erase_op(op)
        Rewriter.insert_op(host.ops, InsertPoint.before(following))

    def serial(self, op: Operation, host: _K) -> None:
        """A loop nest in one thread."""
        op.detach()
        one = host.idx(1)
        self.kernels.launch(host, [op], [one], [1], "serial")

    def parallel(self, op: scf.ForOp, host: _K) -> None:
        """Independent iterations, distributed over threads: ``for i = lb to ub step
        s`` becomes ``for i = lb + g * s to ub step s * G`` (``g`` the thread's
        global index, ``G`` the number of threads)."""
        trip = host.add(arith.SubiOp(op.ub, op.lb))
        grid = host.blocks(host.add(arith.CeilDivUIOp(trip, op.step)), BLOCK)
        op.detach()
        k = _K()
        tid = k.gid(gpu.ThreadIdOp)
        bid = k.gid(gpu.BlockIdOp)
        bdim = k.gid(gpu.BlockDimOp)
        gdim = k.gid(gpu.GridDimOp)
        g = k.addi(k.muli(bid, bdim), tid)
        lb = k.addi(op.lb, k.muli(g, op.step))
        step = k.muli(op.step, k.muli(gdim, bdim))
        op.operands = [lb, op.ub, step]
        self.kernels.launch(host, [*k.ops, op], [grid], [BLOCK], "parallel")


@dataclass(frozen=True)
class ConvertLoopToGpuPass(ModulePass):
    """Map the parallel loops of a bufferized function to GPU kernels.

    Input: bufferized loop IR with its calling convention (after ``loop-abi`` and
    ``loop-dealloc``).
    Output: a ``gpu.module @kernels`` of ``gpu.func`` kernels launched with
    ``gpu.launch_func`` from the function, which keeps the host's work
    (allocations, views, size checks, control flow); see the module docstring for
    how each loop maps.
    Invariants: each element is computed by the same scalar code as on the CPU;
    reductions combine in a different order (a tree), so floating-point sums may
    differ in the last bits.
    """

    name = "convert-loop-to-gpu"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from symopt.passes.loop_abi import read_abi

        funcs = [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]
        if any(isinstance(o, gpu.ModuleOp) for o in op.ops):
            raise DiagnosticException("convert-loop-to-gpu: the module has kernels already")
        all_kernels: list[gpu.FuncOp] = []
        for f in funcs:
            if any(o.name.startswith("loop.") and not _is_memref_form(o) for o in f.walk()):
                raise DiagnosticException(
                    f"convert-loop-to-gpu: @{f.sym_name.data} is not bufferized "
                    "(run loop-bufferize, loop-abi and loop-dealloc first)"
                )
            kernels = _Kernels(f.sym_name.data)
            entry = f.body.block
            if any(isinstance(o, loop.CheckOp) and not _at_host_level(o, f) for o in f.walk()):
                words = read_abi(f).data["err_words"].value.data  # type: ignore[attr-defined]
                err_type = MemRefType(IntegerType(64), [max(1, int(words))])
                alloc = memref.AllocOp([], [], err_type)
                Rewriter.insert_op(alloc, InsertPoint.at_start(entry))
                alloc.memref.name_hint = "err"
                zero, first = arith.ConstantOp(IntegerAttr(0, IntegerType(64))), arith.ConstantOp(IntegerAttr(0, INDEX))
                clear = memref.StoreOp.get(zero.result, alloc.memref, [first.result])
                Rewriter.insert_op([zero, first, clear], InsertPoint.after(alloc))
                kernels.err = alloc.memref
                for ret in [o for o in f.walk() if isinstance(o, func.ReturnOp)]:
                    Rewriter.insert_op(memref.DeallocOp.get(alloc.memref), InsertPoint.before(ret))
            _Converter(kernels).block(entry)
            all_kernels += kernels.funcs
        if all_kernels:
            body = Region(Block(all_kernels))
            op.body.block.add_op(gpu.ModuleOp(SymbolRefAttr(KERNELS).root_reference, body))  # type: ignore[arg-type]
            op.attributes["gpu.container_module"] = UnitAttr()


def _is_memref_form(o: Operation) -> bool:
    return not any(isinstance(r.type, TensorType) for r in o.results) and not any(
        isinstance(v.type, TensorType) for v in o.operands
    )


def _at_host_level(o: Operation, f: func.FuncOp) -> bool:
    """Whether ``o`` is in the function's block or in host control flow."""
    parent = o.parent_op()
    while parent is not None and parent is not f:
        if isinstance(parent, (scf.ForOp, scf.IfOp)) and not _stays_on_host(parent):
            return False
        parent = parent.parent_op()
    return True
