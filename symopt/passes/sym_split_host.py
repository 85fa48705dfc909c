"""``sym-split-host``: draws that run on the host are split off into a host module.

``sym.random`` draws from a NumPy ``RandomState``, which lives on the host, not in
compiled code. This pass moves each function's draws, with every op their operands
need, into a nested ``builtin.module`` marked ``symopt.host``: a ``func.func`` of
the same name and arguments that returns the samples and writes the streams' new
states. The function itself receives the samples as extra arguments, the last
``symopt.samples`` of them, and no longer touches the random states.

The runtime runs the host module with the reference executor, then the compiled
function with its inputs followed by the samples; the host's state writes are
committed with the function's own writes. The lowering passes leave nested modules
alone, so ``symopt f.mlir -p cpu`` lowers such a function like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, IntegerAttr, ModuleOp, UnitAttr, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import DiagnosticException

from symopt.dialects import sym

HOST_ATTR = "symopt.host"
"""Marks the nested module that holds the host side of a split function."""
SAMPLES_ATTR = "symopt.samples"
"""On a split function: how many of its last arguments are samples from the host."""


def _runs_on_host(op: Operation) -> bool:
    return op.has_trait(sym.RunsOnHost)


def _needed(block: Block, draws: list[Operation]) -> list[Operation]:
    """The ops of ``block`` that the draws' operands depend on, in block order (one
    backward sweep)."""
    wanted: set[Operation] = set(draws)
    needed: set[Operation] = set()
    for op in reversed(list(block.ops)):
        if op not in wanted:
            continue
        if op not in draws:
            needed.add(op)
        for v in op.operands:
            if isinstance(v.owner, Operation) and v.owner.parent_block() is block:
                wanted.add(v.owner)
        for inner in op.walk():
            for v in inner.operands:
                owner = v.owner
                if isinstance(owner, Operation) and owner.parent_block() is block:
                    wanted.add(owner)
    return [op for op in block.ops if op in needed]


def split_function(module: ModuleOp, fn: func.FuncOp) -> None:
    block = fn.body.block
    draws = [op for op in block.ops if _runs_on_host(op)]
    if not draws:
        return
    nested = [op for op in fn.body.walk() if _runs_on_host(op) and op.parent_block() is not block]
    if nested:
        raise DiagnosticException(
            "sym-split-host: random draws inside a loop body (sym.map_index) are not "
            "supported"
        )
    state_writes = [
        op for op in block.ops
        if isinstance(op, sym.WriteOp) and isinstance(op.value.owner, Operation)
        and _runs_on_host(op.value.owner)
    ]  # fmt: skip

    # host: the draws and everything their operands depend on
    host_block = Block(arg_types=[a.type for a in block.args])
    mapping: dict[SSAValue, SSAValue] = dict(zip(block.args, host_block.args))
    for op in [*_needed(block, draws), *draws, *state_writes]:
        host_block.add_op(op.clone(value_mapper=mapping))
    samples = [mapping[d.sample] for d in draws]  # type: ignore[attr-defined]
    host_block.add_op(func.ReturnOp(*samples))
    host_fn = func.FuncOp(
        fn.sym_name.data, ([a.type for a in host_block.args], [s.type for s in samples]),
        Region(host_block),
    )  # fmt: skip
    used = {
        o.global_name.string_value() for o in host_block.walk()
        if isinstance(o, (sym.ReadOp, sym.WriteOp))
    }  # fmt: skip
    globals_ = [
        op.clone() for op in module.ops
        if isinstance(op, sym.GlobalOp) and op.sym_name.data in used
    ]  # fmt: skip
    host = ModuleOp([*globals_, host_fn])
    host.attributes[HOST_ATTR] = UnitAttr()
    module.body.block.insert_op_before(host, fn)

    # the function: samples become arguments, the draws and their state writes go
    for op in state_writes:
        block.erase_op(op)
    for op in draws:
        arg = block.insert_arg(op.sample.type, len(block.args))  # type: ignore[attr-defined]
        op.sample.replace_all_uses_with(arg)  # type: ignore[attr-defined]
    for op in reversed(draws):
        block.erase_op(op, safe_erase=False)
    for op in reversed(list(block.ops)):
        if isinstance(op, sym.ReadOp) and not op.result.uses:
            block.erase_op(op)
    fn.function_type = FunctionType.from_lists(
        [a.type for a in block.args], list(fn.function_type.outputs)
    )
    fn.attributes[SAMPLES_ATTR] = IntegerAttr(len(draws), i64)


@dataclass(frozen=True)
class SymSplitHostPass(ModulePass):
    """Split the draws that run on the host off into a nested host module.

    Input: sym IR.
    Output: each function with ``sym.random`` draws gets a nested ``builtin.module``
    (attribute ``symopt.host``) with a function of the same name that computes the
    draws and writes the random states; the function takes the samples as its last
    ``symopt.samples`` arguments. Globals no function uses any more are removed.
    Invariants: the pair computes what the function computed; a module without host
    draws is unchanged.
    """

    name = "sym-split-host"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        funcs = [f for f in op.ops if isinstance(f, func.FuncOp)]
        split = False
        for f in funcs:
            if any(_runs_on_host(o) for o in f.body.walk()):
                split_function(op, f)
                split = True
        if not split:
            return
        used = {
            o.global_name.string_value() for f in funcs for o in f.body.walk()
            if isinstance(o, (sym.ReadOp, sym.WriteOp))
        }  # fmt: skip
        for g in [g for g in op.ops if isinstance(g, sym.GlobalOp)]:
            if g.sym_name.data not in used:
                op.body.block.erase_op(g)
