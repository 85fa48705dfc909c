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

Each fused input reads the consumer's iteration space through the composition of
the two ``dims`` maps, so transposes and broadcasts fold in as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from symopt.dialects import loop
from symopt.dialects.scalar import signless
from symopt.dialects.types import static_shape

CHEAP_OPS = 3
"""A producer body of at most this many ops, none of them math.*, is cheap."""


def _is_tensor_op(op: Operation) -> bool:
    return isinstance(op, (loop.MapOp, loop.ReduceOp)) and not op.outputs


def _cheap(p: loop.MapOp) -> bool:
    body = [o for o in p.body.block.ops if not isinstance(o, loop.YieldOp)]
    return len(body) <= CHEAP_OPS and not any(o.dialect_name() == "math" for o in body) and not any(
        isinstance(o, loop.IndexOp) for o in body
    )


def _compose(dc: Sequence[int], dp: Sequence[int], r_shape: Sequence[int | None]) -> list[int]:
    """Dims of a producer input in the consumer's space (see the module docstring)."""
    out = []
    for e in dp:
        if e == -1 or dc[e] == -1 or r_shape[e] == 1:
            out.append(-1)
        else:
            out.append(dc[e])
    return out


def _fuse(
    consumer: loop.MapOp | loop.ReduceOp,
    index: int,
    producer: loop.MapOp,
    keep_result: bool,
) -> Operation:
    """A new consumer with ``producer`` (whose result is input ``index``) inlined."""
    r = consumer.inputs[index]
    r_pos = list(producer.res).index(r)
    dc = consumer.input_dims()[index]
    r_shape = static_shape(r.type)

    inputs: list[SSAValue] = []
    dims: list[tuple[int, ...]] = []

    def add_input(v: SSAValue, d: Sequence[int]) -> int:
        key = (v, tuple(d))
        for i, existing in enumerate(zip(inputs, dims)):
            if existing == key:
                return i
        inputs.append(v)
        dims.append(tuple(d))
        return len(inputs) - 1

    c_dims = consumer.input_dims()
    c_slots = {i: add_input(v, c_dims[i]) for i, v in enumerate(consumer.inputs) if i != index}
    p_slots = [
        add_input(v, _compose(dc, d, r_shape))
        for v, d in zip(producer.inputs, producer.input_dims())
    ]
    block = Block(arg_types=[signless(v.type.element_type) for v in inputs])  # type: ignore[attr-defined]

    mapping: dict[SSAValue, SSAValue] = {}
    p_block = producer.body.block
    for arg, slot in zip(p_block.args, p_slots):
        mapping[arg] = block.args[slot]
    p_values: list[SSAValue] = []
    for op in p_block.ops:
        if isinstance(op, loop.YieldOp):
            p_values = [mapping.get(v, v) for v in op.values]
            break
        if isinstance(op, loop.IndexOp):
            raise AssertionError("internal error: producers with loop.index are not fused")
        clone = op.clone(value_mapper=mapping)
        block.add_op(clone)
    c_block = consumer.body.block
    for i, arg in enumerate(c_block.args):
        mapping[arg] = p_values[r_pos] if i == index else block.args[c_slots[i]]
    c_values: list[SSAValue] = []
    for op in c_block.ops:
        if isinstance(op, loop.YieldOp):
            c_values = [mapping.get(v, v) for v in op.values]
            break
        block.add_op(op.clone(value_mapper=mapping))
    from xdsl.ir import Region

    if isinstance(consumer, loop.MapOp):
        results = [res.type for res in consumer.res]
        yields = list(c_values)
        if keep_result:
            results.append(r.type)
            yields.append(p_values[r_pos])
        block.add_op(loop.YieldOp(*yields))
        return loop.MapOp(inputs, Region(block), results, dims=dims)
    block.add_op(loop.YieldOp(*c_values))
    new = loop.ReduceOp(
        consumer.kind.data, inputs, consumer.axis_tuple(), bool(consumer.keepdims.value.data),
        Region(block), consumer.res[0].type, dims=dims,
    )  # fmt: skip
    new.attributes |= consumer.attributes
    return new


def _position(op: Operation, block: Block) -> int:
    """Position in ``block`` of ``op`` or of its ancestor there."""
    while op.parent_block() is not block:
        parent = op.parent_op()
        assert parent is not None
        op = parent
    return block.get_operation_index(op)


def _fuse_one(block: Block) -> bool:
    for consumer in list(block.ops):
        if not _is_tensor_op(consumer):
            continue
        for index, value in enumerate(consumer.inputs):  # type: ignore[attr-defined]
            producer = value.owner
            if not isinstance(producer, loop.MapOp) or producer.outputs:
                continue
            if producer.parent_block() is not block:
                continue  # never move work into a loop body
            if any(isinstance(o, loop.IndexOp) for o in producer.body.walk()):
                continue
            if len(producer.res) != 1 or list(consumer.inputs).count(value) != 1:
                continue  # joint inlining of several results is not attempted
            users = {u.operation for u in value.uses}
            others = users - {consumer}
            if not others:
                new = _fuse(consumer, index, producer, keep_result=False)  # type: ignore[arg-type]
                Rewriter.replace_op(consumer, new)
                Rewriter.erase_op(producer)
                return True
            if _cheap(producer):
                new = _fuse(consumer, index, producer, keep_result=False)  # type: ignore[arg-type]
                Rewriter.replace_op(consumer, new)
                return True
            if (
                isinstance(consumer, loop.MapOp)
                and consumer.space_shape() == producer.space_shape()
                and list(consumer.input_dims()[index]) == list(range(len(consumer.space_shape())))
                and static_shape(value.type) == consumer.space_shape()
                and others
                and all(_position(u, block) > _position(consumer, block) for u in others)
            ):
                new = _fuse(consumer, index, producer, keep_result=True)
                old_results = list(consumer.res)
                Rewriter.insert_op(new, _before(consumer))
                for old, fresh in zip(old_results, new.results):
                    old.replace_all_uses_with(fresh)
                value.replace_all_uses_with(new.results[-1])
                Rewriter.erase_op(consumer)
                Rewriter.erase_op(producer)
                return True
    return False


def _before(op: Operation):  # type: ignore[no-untyped-def]
    from xdsl.rewriter import InsertPoint

    return InsertPoint.before(op)


@dataclass(frozen=True)
class LoopFusePass(ModulePass):
    """Fuse elementwise producers into consumers (maps and reduction prologues).

    Input: tensor-level loop IR (after ``convert-sym-to-loop``).
    Output: the same values computed by fewer loop ops; producers fused into every
    consumer are erased.
    Invariants: values and types unchanged; nothing expensive is computed twice.
    """

    name = "loop-fuse"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for block in _blocks(op):
            while _fuse_one(block):
                pass


def _blocks(op: Operation) -> list[Block]:
    out = []
    for region in op.regions:
        for block in region.blocks:
            out.append(block)
            for inner in block.ops:
                out += _blocks(inner)
    return out



