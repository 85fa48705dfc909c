"""``convert-loop-to-scf``: structured loops become explicit ``scf.for`` nests.

A memref-form ``loop.map`` becomes one ``scf.for`` per iteration dimension (the
last innermost, so contiguous buffers are walked in order) around its body, with
``memref.load``s of the inputs at the indices their ``dims`` maps give and
``memref.store``s of the results. A ``loop.reduce`` becomes loops over the kept
dimensions around loops over the reduced ones that carry the accumulator (and, for
argmax/argmin, the best position) as ``iter_args``. ``loop.dot`` on integers
becomes a loop nest; on floats it stays, a BLAS call for the LLVM translation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import (
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    UnitAttr,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from symopt.dialects import loop
from symopt.dialects.scalar import ScalarBuilder, is_float_type
from symopt.dialects.types import static_shape

INDEX = IndexType()


_static = static_shape


class _Builder:
    def __init__(self) -> None:
        self.ops: list[Operation] = []

    def add(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0] if op.results else None  # type: ignore[return-value]

    def idx(self, v: int) -> SSAValue:
        return self.add(arith.ConstantOp(IntegerAttr(v, INDEX)))

    def dim(self, m: SSAValue, k: int) -> SSAValue:
        size = _static(m.type)[k]
        if size is not None:
            return self.idx(size)
        return self.add(memref.DimOp(m, self.idx(k)))


def _loop_nest(
    b: _Builder,
    sizes: Sequence[SSAValue],
    inner: callable,  # type: ignore[valid-type]
    iter_args: Sequence[SSAValue] = (),
    parallel: bool = False,
) -> list[SSAValue]:
    """``scf.for`` loops over ``sizes`` (outermost first); ``inner(b, ivs, args)``
    builds the innermost body and returns the values to carry. With ``parallel``,
    the outermost loop is marked ``symopt.parallel``: its iterations write
    disjoint elements and read nothing another writes, so they may run in any
    order or at once (the native code splits it over threads, the GPU mapping
    over GPU threads)."""
    zero, one = b.idx(0), b.idx(1)

    def level(builder: _Builder, depth: int, ivs: list[SSAValue], args: Sequence[SSAValue]) -> list[SSAValue]:
        if depth == len(sizes):
            return inner(builder, ivs, list(args))
        block = Block(arg_types=[INDEX] + [a.type for a in args])
        body = _Builder()
        carried = level(body, depth + 1, ivs + [block.args[0]], list(block.args[1:]))
        block.add_ops(body.ops)
        block.add_op(scf.YieldOp(*carried))
        op = scf.ForOp(zero, sizes[depth], one, list(args), block)
        if parallel and depth == 0:
            op.attributes[loop.PARALLEL] = UnitAttr()
        builder.ops.append(op)
        return list(op.results)

    return level(b, 0, [], list(iter_args))


def _inline(
    b: _Builder,
    body: Block,
    args: Sequence[SSAValue],
    ivs: Sequence[SSAValue],
) -> list[SSAValue]:
    """Copy a loop body into ``b`` with its arguments bound; the yielded values."""
    mapping: dict[SSAValue, SSAValue] = dict(zip(body.args, args))
    for op in body.ops:
        if isinstance(op, loop.YieldOp):
            return [mapping.get(v, v) for v in op.values]
        if isinstance(op, loop.IndexOp):
            mapping[op.result] = ivs[op.dim.value.data]
            continue
        b.ops.append(op.clone(value_mapper=mapping))
    raise AssertionError("internal error: loop body without loop.yield")


def _load(b: _Builder, m: SSAValue, dmap: Sequence[int], ivs: Sequence[SSAValue], zero: SSAValue) -> SSAValue:
    shape = _static(m.type)
    indices = [zero if d == -1 or s == 1 else ivs[d] for d, s in zip(dmap, shape)]
    return b.add(memref.LoadOp.get(m, indices))


def _space(b: _Builder, op: loop.ReduceOp) -> list[SSAValue]:
    rank = op.space_rank_of_memrefs()
    sizes: list[SSAValue | None] = [None] * rank
    for m, dmap in zip(op.inputs, op.input_dims()):
        for k, d in enumerate(dmap):
            if d != -1 and sizes[d] is None and _static(m.type)[k] != 1:
                sizes[d] = b.dim(m, k)
    out = op.outputs[0]
    keep = bool(op.keepdims.value.data)
    axes = op.axis_tuple()
    kept = [d for d in range(rank) if d not in axes]
    for pos, d in enumerate(kept):
        if sizes[d] is None:
            sizes[d] = b.dim(out, d if keep else pos)
    return [s if s is not None else b.idx(1) for s in sizes]


def lower_map(op: loop.MapOp) -> list[Operation]:
    b = _Builder()
    out = op.outputs[0]
    rank = len(_static(out.type))
    sizes = [b.dim(out, k) for k in range(rank)]
    zero = b.idx(0)

    def inner(ib: _Builder, ivs: list[SSAValue], _args: list[SSAValue]) -> list[SSAValue]:
        values = [_load(ib, m, d, ivs, zero) for m, d in zip(op.inputs, op.input_dims())]
        results = _inline(ib, op.body.block, values, ivs)
        for r, o in zip(results, op.outputs):
            ib.add(memref.StoreOp.get(r, o, list(ivs)))
        return []

    _loop_nest(b, sizes, inner, parallel=True)
    return b.ops


_INIT = {"add": 0, "mean": 0, "mul": 1, "and": True, "or": False}


def _init(sb: ScalarBuilder, kind: str, t: Attribute, unsigned: bool) -> SSAValue:
    if kind in _INIT:
        return sb.const(_INIT[kind], t)
    lowest = kind in ("max", "argmax")
    if is_float_type(t):
        return sb.const(float("-inf") if lowest else float("inf"), t)
    assert isinstance(t, IntegerType)
    width = t.width.data
    if width == 1:
        return sb.const(not lowest, t)
    if unsigned:
        return sb.const(0 if lowest else 2**width - 1, t)
    return sb.const(-(2 ** (width - 1)) if lowest else 2 ** (width - 1) - 1, t)


def _combine(sb: ScalarBuilder, kind: str, acc: SSAValue, v: SSAValue, unsigned: bool) -> SSAValue:
    floating = is_float_type(v.type)
    if v.type == IntegerType(1) and kind in ("max", "min"):
        return sb.named("arith.ori" if kind == "max" else "arith.andi", acc, v)
    if unsigned and kind in ("max", "min"):
        return sb.named("arith.maxui" if kind == "max" else "arith.minui", acc, v)
    if kind in ("add", "mean"):
        return sb.named("arith.addf" if floating else "arith.addi", acc, v)
    if kind == "mul":
        return sb.named("arith.mulf" if floating else "arith.muli", acc, v)
    if kind == "max":
        return sb.named("arith.maximumf" if floating else "arith.maxsi", acc, v)
    if kind == "min":
        return sb.named("arith.minimumf" if floating else "arith.minsi", acc, v)
    if kind == "and":
        return sb.named("arith.andi", acc, v)
    if kind == "or":
        return sb.named("arith.ori", acc, v)
    raise AssertionError(kind)


def arg_combine(
    sb: ScalarBuilder, kind: str, x: Sequence[SSAValue], y: Sequence[SSAValue], unsigned: bool,
    in_order: bool = False,
) -> list[SSAValue]:  # fmt: skip
    """The better of two (value, position) pairs for argmax/argmin: the larger
    (argmax) or smaller value; between equal values, or between NaNs, the
    earlier position; a NaN beats every number (NumPy's argmax/argmin). The one
    definition for the CPU's loop and the GPU's tree. ``in_order``: ``y`` comes
    after ``x`` (a loop in order), so a tie keeps ``x`` and the rule needs no
    position comparison: ``y`` wins if better, or if it is the first NaN."""
    (vx, px), (vy, py) = x, y
    better = sb.cmp("gt" if kind == "argmax" else "lt", vy, vx, unsigned=unsigned)
    if in_order:
        if is_float_type(vx.type):
            y_nan = sb.cmp("ne", vy, vy)
            x_nan = sb.cmp("ne", vx, vx)
            first_nan = sb.named("arith.andi", y_nan, sb.named("arith.xori", x_nan, sb.const(True, x_nan.type)))
            better = sb.named("arith.ori", better, first_nan)
        return [sb.select(better, vy, vx), sb.select(better, py, px)]
    equal = sb.cmp("eq", vy, vx, unsigned=unsigned)
    earlier = sb.cmp("lt", py, px)
    better = sb.named("arith.ori", better, sb.named("arith.andi", equal, earlier))
    if is_float_type(vx.type):
        x_nan = sb.cmp("ne", vx, vx)
        y_nan = sb.cmp("ne", vy, vy)
        true = sb.const(True, x_nan.type)
        not_x_nan = sb.named("arith.xori", x_nan, true)
        # y wins: y is NaN and (x is not, or y comes first); or neither is NaN
        # and y is better
        both_nan_earlier = sb.named("arith.andi", sb.named("arith.andi", x_nan, y_nan), earlier)
        y_nan_only = sb.named("arith.andi", y_nan, not_x_nan)
        neither = sb.named("arith.andi", not_x_nan, sb.named("arith.xori", y_nan, true))
        better = sb.named(
            "arith.ori",
            sb.named("arith.ori", y_nan_only, both_nan_earlier),
            sb.named("arith.andi", neither, better),
        )
    return [sb.select(better, vy, vx), sb.select(better, py, px)]


def reduce_element(
    b: _Builder, op: loop.ReduceOp, kept: Sequence[int], kept_ivs: Sequence[SSAValue],
    reduced_ivs: Sequence[SSAValue], zero: SSAValue,
) -> SSAValue:  # fmt: skip
    """The value a reduction's body gives at the point of its iteration space
    that the kept and the reduced indices name."""
    ivs: list[SSAValue] = [zero] * op.space_rank_of_memrefs()
    for d, iv in zip(kept, kept_ivs):
        ivs[d] = iv
    for d, iv in zip(op.axis_tuple(), reduced_ivs):
        ivs[d] = iv
    values = [_load(b, m, d, ivs, zero) for m, d in zip(op.inputs, op.input_dims())]
    (v,) = _inline(b, op.body.block, values, ivs)
    return v


def lower_reduce(op: loop.ReduceOp) -> list[Operation]:
    b = _Builder()
    kind = op.kind.data
    axes = op.axis_tuple()
    keep = bool(op.keepdims.value.data)
    sizes = _space(b, op)
    rank = len(sizes)
    kept = [d for d in range(rank) if d not in axes]
    zero = b.idx(0)
    out = op.outputs[0]
    value_type = op.body.block.last_op.values[0].type  # type: ignore[union-attr]
    arg = kind in ("argmax", "argmin")
    unsigned = "unsigned" in op.attributes

    def outer(ob: _Builder, outer_ivs: list[SSAValue], _a: list[SSAValue]) -> list[SSAValue]:
        sb = ScalarBuilder()
        init = [_init(sb, kind, value_type, unsigned)]
        if arg:
            i64 = IntegerType(64)
            init += [sb.const(0, i64), sb.const(0, i64)]
        ob.ops += sb.ops

        def inner(ib: _Builder, inner_ivs: list[SSAValue], acc: list[SSAValue]) -> list[SSAValue]:
            v = reduce_element(ib, op, kept, outer_ivs, inner_ivs, zero)
            sb = ScalarBuilder()
            if not arg:
                new = [_combine(sb, kind, acc[0], v, unsigned)]
            else:
                best, pos, count = acc
                new = arg_combine(sb, kind, [best, pos], [v, count], unsigned, in_order=True)
                new.append(sb.named("arith.addi", count, sb.const(1, count.type)))
            ib.ops += sb.ops
            return new

        acc = _loop_nest(ob, [sizes[a] for a in axes], inner, init)
        result = acc[1] if arg else acc[0]
        if kind == "mean":
            sb = ScalarBuilder()
            count = ob.idx(1)
            for a in axes:
                count = ob.add(arith.MuliOp(count, sizes[a]))
            n = ob.add(arith.IndexCastOp(count, IntegerType(64)))
            result = sb.named("arith.divf", result, sb.convert(n, value_type))
            ob.ops += sb.ops
        out_ivs = [zero if d in axes else (outer_ivs[kept.index(d)]) for d in range(rank) if keep or d not in axes]
        ob.add(memref.StoreOp.get(result, out, out_ivs))
        return []

    _loop_nest(b, [sizes[d] for d in kept], outer, parallel=True)
    return b.ops


def lower_int_dot(op: loop.DotOp) -> list[Operation]:
    """``sum_k a[.., k] * b[k, ..]`` as loops (integers have no BLAS)."""
    b = _Builder()
    a, m, out = op.lhs, op.rhs, op.outputs[0]
    ra, rb = len(_static(a.type)), len(_static(m.type))
    k_size = b.dim(a, ra - 1)
    out_sizes = ([b.dim(a, 0)] if ra == 2 else []) + ([b.dim(m, 1)] if rb == 2 else [])
    elem = out.type.element_type  # type: ignore[attr-defined]

    def outer(ob: _Builder, ivs: list[SSAValue], _a: list[SSAValue]) -> list[SSAValue]:
        sb = ScalarBuilder()
        init = sb.const(0, elem)
        ob.ops += sb.ops

        def inner(ib: _Builder, kv: list[SSAValue], acc: list[SSAValue]) -> list[SSAValue]:
            ai = ([ivs[0]] if ra == 2 else []) + [kv[0]]
            bi = [kv[0]] + ([ivs[-1]] if rb == 2 else [])
            x = ib.add(memref.LoadOp.get(a, ai))
            y = ib.add(memref.LoadOp.get(m, bi))
            sb = ScalarBuilder()
            if elem == IntegerType(1):
                total = sb.named("arith.ori", acc[0], sb.named("arith.andi", x, y))
            else:
                total = sb.named("arith.addi", acc[0], sb.named("arith.muli", x, y))
            ib.ops += sb.ops
            return [total]

        (total,) = _loop_nest(ob, [k_size], inner, [init])
        ob.add(memref.StoreOp.get(total, out, ivs))
        return []

    _loop_nest(b, out_sizes, outer, parallel=True)
    return b.ops


@dataclass(frozen=True)
class ConvertLoopToScfPass(ModulePass):
    """Lower memref-form loop ops to ``scf.for`` nests.

    Input: bufferized loop IR (after ``loop-bufferize``).
    Output: ``scf.for`` with ``memref.load``/``memref.store`` and the bodies' arith/
    math ops; ``loop.dot`` on floats, ``loop.view``, ``loop.layout`` and
    ``loop.check`` remain for the LLVM translation.
    Invariants: the same values are computed, in C order.
    """

    name = "convert-loop-to-scf"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for target in list(op.walk()):
            if isinstance(target, loop.MapOp) and target.outputs:
                new = lower_map(target)
            elif isinstance(target, loop.ReduceOp) and target.outputs:
                new = lower_reduce(target)
            elif isinstance(target, loop.DotOp) and target.outputs and not is_float_type(
                target.outputs[0].type.element_type  # type: ignore[attr-defined]
            ):
                new = lower_int_dot(target)
            else:
                continue
            for made in new:
                made.location = target.location  # the user's line, for the profile
            Rewriter.insert_op(new, InsertPoint.before(target))
            Rewriter.erase_op(target)

