"""``loop-fuse``: merge elementwise producers into their consumers.

A tensor ``loop.map`` whose result feeds a ``loop.map`` or a ``loop.reduce`` is
inlined into the consumer's body, so the intermediate tensor is never built:

* a producer used only by the consumer is moved into it;
* a cheap producer (a few arith ops, no transcendental math) used by several
  consumers is copied into each of them: recomputing it costs less than storing
  and reloading it;
* otherwise, when the consumer is a map over the same iteration space that comes
  before every other user, the consumer also yields the producer's value as an
  extra result (a multi-result kernel) and the other users read that.

A ``loop.dimshuffle`` read by a map or a reduction folds into the reader's
``dims`` map (it is a layout change, not a loop). Each fused input reads the
consumer's iteration space through the composition of the two ``dims`` maps, so
transposes and broadcasts fold in as well.

Consumers are visited from the last op of a block to the first, and a fused
producer's body is moved, not copied, into its consumer: every op is moved at most
once per consumer chain, so a chain of n maps fuses in O(n), not O(n^2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from symopt.dialects import loop
from symopt.dialects.scalar import signless
from symopt.dialects.types import static_shape

CHEAP_OPS = 3
"""A producer body of at most this many ops, none of them math.*, is cheap."""

MAX_BODY_OPS = 256
"""Fusion stops before a loop body grows past this many ops: a longer body gains
nothing (the intermediate's traffic is small against the work) and costs the
compiler time that grows faster than the body."""


def _is_tensor_op(op: Operation) -> bool:
    return isinstance(op, (loop.MapOp, loop.ReduceOp)) and not op.outputs


def _cheap(p: loop.MapOp) -> bool:
    body = [o for o in p.body.block.ops if not isinstance(o, loop.YieldOp)]
    return len(body) <= CHEAP_OPS and not any(o.dialect_name() == "math" for o in body)


def _compose(dc: Sequence[int], dp: Sequence[int], r_shape: Sequence[int | None]) -> list[int]:
    """Dims of a producer input in the consumer's space (see the module docstring)."""
    out = []
    for e in dp:
        if e == -1 or dc[e] == -1 or r_shape[e] == 1:
            out.append(-1)
        else:
            out.append(dc[e])
    return out


class _Inputs:
    """The inputs of a consumer being rebuilt, deduplicated by (value, dims)."""

    def __init__(self, consumer: loop.MapOp | loop.ReduceOp):
        self.values: list[SSAValue] = list(consumer.inputs)
        self.dims: list[tuple[int, ...]] = [tuple(d) for d in consumer.input_dims()]
        self.block = consumer.body.block
        self.index = {}
        for i, key in enumerate(zip(self.values, self.dims)):
            self.index.setdefault(key, i)

    def arg_for(self, v: SSAValue, d: Sequence[int]) -> SSAValue:
        key = (v, tuple(d))
        i = self.index.get(key)
        if i is None:
            i = len(self.values)
            self.values.append(v)
            self.dims.append(tuple(d))
            self.index[key] = i
            self.block.insert_arg(signless(v.type.element_type), i)  # type: ignore[attr-defined]
        return self.block.args[i]

    def drop(self, i: int) -> None:
        self.block.erase_arg(self.block.args[i])
        del self.values[i]
        del self.dims[i]
        self.index = {}
        for k, key in enumerate(zip(self.values, self.dims)):
            self.index.setdefault(key, k)


def _rebuild(consumer: loop.MapOp | loop.ReduceOp, inputs: _Inputs, extra: Sequence[SSAValue] = ()) -> Operation:
    region = consumer.detach_region(consumer.body)
    if isinstance(consumer, loop.MapOp):
        types = [r.type for r in consumer.res] + [v.type for v in extra]
        new: Operation = loop.MapOp(inputs.values, region, types, dims=inputs.dims)
    else:
        new = loop.ReduceOp(
            consumer.kind.data, inputs.values, consumer.axis_tuple(),
            bool(consumer.keepdims.value.data), region, consumer.res[0].type, dims=inputs.dims,
        )  # fmt: skip
    new.attributes |= consumer.attributes
    new.location = consumer.location
    return new


def _fuse(
    consumer: loop.MapOp | loop.ReduceOp,
    index: int,
    producer: loop.MapOp,
    move: bool,
    keep_result: bool,
) -> Operation:
    """``consumer`` rebuilt with ``producer`` (whose result is input ``index``)
    inlined: its body ops moved in (``move``) or copied. The new op replaces the
    consumer; the caller erases the producer if it is dead."""
    r = consumer.inputs[index]
    r_pos = list(producer.res).index(r)
    dc = consumer.input_dims()[index]
    r_shape = static_shape(r.type)
    inputs = _Inputs(consumer)
    block = inputs.block
    first = block.first_op
    assert first is not None
    p_block = producer.body.block
    mapping: dict[SSAValue, SSAValue] = {}
    for arg, v, d in zip(p_block.args, producer.inputs, producer.input_dims()):
        mapping[arg] = inputs.arg_for(v, _compose(dc, d, r_shape))
    p_yield = p_block.last_op
    assert isinstance(p_yield, loop.YieldOp)
    if move:
        for arg in p_block.args:
            arg.replace_all_uses_with(mapping[arg])
        for op in list(p_block.ops):
            if op is p_yield:
                break
            op.detach()
            block.insert_op_before(op, first)
        yielded = list(p_yield.values)
    else:
        for op in p_block.ops:
            if op is p_yield:
                break
            block.insert_op_before(op.clone(value_mapper=mapping), first)
        yielded = [mapping.get(v, v) for v in p_yield.values]
    value = yielded[r_pos]
    block.args[index].replace_all_uses_with(value)
    inputs.drop(index)
    extra: list[SSAValue] = []
    if keep_result:
        c_yield = block.last_op
        assert isinstance(c_yield, loop.YieldOp)
        new_yield = loop.YieldOp(*c_yield.values, value)
        Rewriter.replace_op(c_yield, new_yield)
        extra = [r]
    return _rebuild(consumer, inputs, extra)


def _fold_dimshuffle(consumer: loop.MapOp | loop.ReduceOp, index: int, shuffle: loop.DimShuffleOp) -> Operation:
    """``consumer`` reading ``shuffle``'s source directly, through composed dims."""
    dc = consumer.input_dims()[index]
    composed = _compose(dc, shuffle.dims(), static_shape(shuffle.result.type))
    inputs = _Inputs(consumer)
    arg = inputs.arg_for(shuffle.x, composed)
    inputs.block.args[index].replace_all_uses_with(arg)
    inputs.drop(index)
    return _rebuild(consumer, inputs)


def _fuse_block(block: Block) -> None:
    ops = list(block.ops)
    position = {op: i for i, op in enumerate(ops)}
    erased: set[Operation] = set()
    sizes: dict[Operation, int] = {}
    for consumer in reversed(ops):
        if consumer in erased or not _is_tensor_op(consumer):
            continue
        while True:
            step = _fuse_once(block, consumer, position, erased, sizes)
            if step is None:
                break
            consumer = step


def _body_size(op: Operation, sizes: dict[Operation, int]) -> int:
    if op not in sizes:
        sizes[op] = sum(1 for _ in op.regions[0].block.ops)
    return sizes[op]


def _fuse_once(
    block: Block,
    consumer: Operation,
    position: dict[Operation, int],
    erased: set[Operation],
    sizes: dict[Operation, int],
) -> Operation | None:
    """Fuse one producer into ``consumer``; the new consumer, or None."""
    new = _fuse_one_producer(block, consumer, position, erased, sizes)
    if new is not None and new is not consumer:
        sizes[new] = sum(1 for _ in new.regions[0].block.ops)
    return new


def _fuse_one_producer(
    block: Block,
    consumer: Operation,
    position: dict[Operation, int],
    erased: set[Operation],
    sizes: dict[Operation, int],
) -> Operation | None:
    for index, value in enumerate(consumer.inputs):  # type: ignore[attr-defined]
        producer = value.owner
        if isinstance(producer, loop.DimShuffleOp) and producer.parent_block() is block:
            new = _fold_dimshuffle(consumer, index, producer)  # type: ignore[arg-type]
            _replace(consumer, new, position)
            if not producer.result.uses:
                Rewriter.erase_op(producer)
                erased.add(producer)
            return new
        if not isinstance(producer, loop.MapOp) or producer.outputs:
            continue
        if producer.parent_block() is not block:
            continue  # never move work into a loop body
        if any(isinstance(o, loop.IndexOp) for o in producer.body.walk()):
            continue
        if len(producer.res) != 1 or list(consumer.inputs).count(value) != 1:  # type: ignore[attr-defined]
            continue  # joint inlining of several results is not attempted
        if _body_size(consumer, sizes) + _body_size(producer, sizes) > MAX_BODY_OPS:
            continue
        others = {u.operation for u in value.uses} - {consumer}
        if not others:
            new = _fuse(consumer, index, producer, move=True, keep_result=False)  # type: ignore[arg-type]
            _replace(consumer, new, position)
            Rewriter.erase_op(producer)
            erased.add(producer)
            return new
        if _cheap(producer):
            new = _fuse(consumer, index, producer, move=False, keep_result=False)  # type: ignore[arg-type]
            _replace(consumer, new, position)
            return new
        if (
            isinstance(consumer, loop.MapOp)
            and consumer.space_shape() == producer.space_shape()
            and list(consumer.input_dims()[index]) == list(range(len(consumer.space_shape())))
            and static_shape(value.type) == consumer.space_shape()
            and all(position.get(_top(u, block), -1) > position[consumer] for u in others)
        ):
            old_results = list(consumer.res)
            new = _fuse(consumer, index, producer, move=True, keep_result=True)
            Rewriter.insert_op(new, InsertPoint.before(consumer))
            position[new] = position[consumer]
            for old, fresh in zip(old_results, new.results):
                old.replace_all_uses_with(fresh)
            value.replace_all_uses_with(new.results[-1])
            Rewriter.erase_op(consumer)
            Rewriter.erase_op(producer)
            erased.add(producer)
            return new
    return None


def _replace(old: Operation, new: Operation, position: dict[Operation, int]) -> None:
    position[new] = position[old]
    Rewriter.replace_op(old, new)


def _top(op: Operation, block: Block) -> Operation:
    """``op`` or its ancestor in ``block``."""
    while op.parent_block() is not block:
        parent = op.parent_op()
        if parent is None:
            return op
        op = parent
    return op


@dataclass(frozen=True)
class LoopFusePass(ModulePass):
    """Fuse elementwise producers and dimshuffles into the loops that read them.

    Producers go into consumer maps and reduction prologues; dimshuffles fold
    into the dims maps of their readers.

    Input: tensor-level loop IR (after ``convert-sym-to-loop``).
    Output: the same values computed by fewer loop ops; producers fused into every
    consumer are erased.
    Invariants: values and types unchanged; nothing expensive is computed twice;
    linear in the number of ops.
    """

    name = "loop-fuse"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for block in _blocks(op):
            _fuse_block(block)


def _blocks(op: Operation) -> list[Block]:
    out = []
    for region in op.regions:
        for block in region.blocks:
            out.append(block)
            for inner in block.ops:
                if not isinstance(inner, (loop.MapOp, loop.ReduceOp)):
                    out += _blocks(inner)
    return out
