"""Functions with host-side ops (NumPy ``RandomState`` draws) in native mode.

``sym.random`` draws from a NumPy ``RandomState``, which lives on the host. The
module is split: a host function (the draws and what their operands need, run by
the reference executor) and the device function (everything else, compiled), which
receives each draw's sample as an extra argument. The draws' new states are the
host function's writes; the runtime commits them with the others after the call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp
from xdsl.ir import Block, Region, SSAValue

from symopt.dialects import sym
from symopt.ir.graph import topological_ops


def has_host_ops(module: ModuleOp) -> bool:
    return any(isinstance(op, sym.RandomOp) for op in module.walk())


def split_host(module: ModuleOp) -> tuple[ModuleOp, ModuleOp]:
    """(host module, device module) of a module with ``sym.random`` ops."""
    fn = next(op for op in module.ops if isinstance(op, func.FuncOp))
    block = fn.body.block
    draws = [op for op in block.ops if isinstance(op, sym.RandomOp)]
    nested = [op for op in fn.body.walk() if isinstance(op, sym.RandomOp) and op not in draws]
    if nested:
        raise ValueError("random draws inside a loop body (sym.map_index) are not supported")
    state_writes = {
        op.value: op for op in block.ops if isinstance(op, sym.WriteOp) and isinstance(op.value.owner, sym.RandomOp)
    }

    # host: the draws and everything their operands depend on
    args = set(block.args)
    needed = topological_ops([v for d in draws for v in d.operands], lambda v: v in args)
    host_block = Block(arg_types=[a.type for a in block.args])
    mapping: dict[SSAValue, SSAValue] = dict(zip(block.args, host_block.args))
    for op in [*needed, *draws]:
        if op.results and op.results[0] in mapping:
            continue
        host_block.add_op(op.clone(value_mapper=mapping))
    for value, write in state_writes.items():
        host_block.add_op(sym.WriteOp(write.global_name.string_value(), mapping[value]))
    samples = [mapping[d.sample] for d in draws]
    host_block.add_op(func.ReturnOp(*samples))
    host_fn = func.FuncOp(
        fn.sym_name.data, ([a.type for a in host_block.args], [s.type for s in samples]),
        Region(host_block),
    )  # fmt: skip
    globals_ = [op.clone() for op in module.ops if isinstance(op, sym.GlobalOp)]
    host = ModuleOp([*globals_, host_fn])

    # device: the samples become arguments, the draws and their state writes go
    device = module.clone()
    dfn = next(op for op in device.ops if isinstance(op, func.FuncOp))
    dblock = dfn.body.block
    for op in list(dblock.ops):
        if isinstance(op, sym.WriteOp) and isinstance(op.value.owner, sym.RandomOp):
            dblock.erase_op(op)
    for op in [o for o in dblock.ops if isinstance(o, sym.RandomOp)]:
        arg = dblock.insert_arg(op.sample.type, len(dblock.args))
        op.sample.replace_all_uses_with(arg)
        dblock.erase_op(op, safe_erase=False)
    for op in reversed(list(dblock.ops)):
        if isinstance(op, sym.ReadOp) and not op.result.uses:
            dblock.erase_op(op)
    used = {o.global_name.string_value() for o in dblock.walk() if isinstance(o, (sym.ReadOp, sym.WriteOp))}
    for op in list(device.ops):
        if isinstance(op, sym.GlobalOp) and op.sym_name.data not in used:
            device.body.block.erase_op(op)
    dfn.function_type = FunctionType.from_lists(
        [a.type for a in dblock.args], list(dfn.function_type.outputs)
    )
    return host, device


class HybridExecutor:
    """Runs the host draws, then the compiled device function with the samples."""

    def __init__(self, module: ModuleOp, pipeline: str):
        from symopt.runtime.native import compile_native
        from symopt.runtime.reference import ReferenceExecutor

        host, device = split_host(module)
        self.host = ReferenceExecutor(host)
        self.device = compile_native(device, pipeline)
        self.stages = dict(self.device.stages)
        self.stages["host"] = str(host)

    def __call__(
        self, args: Sequence[np.ndarray], globals_: Mapping[str, object]
    ) -> tuple[list[np.ndarray], dict[str, object]]:
        samples, state_writes = self.host(args, globals_)  # type: ignore[arg-type]
        outputs, writes = self.device([*args, *samples], globals_)  # type: ignore[arg-type]
        return outputs, {**writes, **state_writes}



