"""The NumPy reference executor: interprets a ``sym`` module op by op.

Each op computes with its own NumPy semantics (``evaluate`` on the op class), so
this executor is the oracle for differential tests of compiled code and the
debugging mode (``mode="py"``). Module in, callable out::

    run = ReferenceExecutor(module)
    outputs, writes = run(arguments, {"w": w_value})

``writes`` maps each global written by ``sym.write`` to its new value; nothing is
committed here, that is the caller's job once the whole call has succeeded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue

from symopt.dialects import sym
from symopt.ir.types import dtype_of, static_shape


def entry_function(module: ModuleOp, name: str | None = None) -> func.FuncOp:
    funcs = [op for op in module.ops if isinstance(op, func.FuncOp)]
    if name is not None:
        funcs = [f for f in funcs if f.sym_name.data == name]
    if len(funcs) != 1:
        what = f"named {name!r}" if name else "in the module"
        raise ValueError(f"expected exactly one func.func {what}, found {len(funcs)}")
    return funcs[0]


class ReferenceExecutor:
    """Runs the entry ``func.func`` of a ``sym`` module with NumPy."""

    def __init__(self, module: ModuleOp, entry: str | None = None):
        self.module = module
        self.func = entry_function(module, entry)
        self._body: list[Operation] = list(self.func.body.block.ops)
        for op in self._body:
            if not isinstance(op, (sym.ReadOp, sym.WriteOp, func.ReturnOp)) and not hasattr(
                op, "evaluate"
            ):
                raise TypeError(f"the reference executor cannot run '{op.name}'")

    def __call__(
        self, args: Sequence[np.ndarray], globals_: Mapping[str, np.ndarray]
    ) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
        block = self.func.body.block
        if len(args) != len(block.args):
            raise TypeError(f"expected {len(block.args)} arguments, got {len(args)}")
        env: dict[SSAValue, np.ndarray] = dict(zip(block.args, args))
        writes: dict[str, np.ndarray] = {}
        for op in self._body:
            if isinstance(op, sym.ReadOp):
                env[op.result] = globals_[op.global_name.string_value()]
            elif isinstance(op, sym.WriteOp):
                writes[op.global_name.string_value()] = env[op.value]
            elif isinstance(op, func.ReturnOp):
                return [env[v] for v in op.arguments], writes
            else:
                values = op.evaluate(*(env[v] for v in op.operands))  # type: ignore[attr-defined]
                for result, value in zip(op.results, values, strict=True):
                    _check(op, result, value)
                    env[result] = value
        raise ValueError(f"function @{self.func.sym_name.data} has no func.return")


def _check(op: Operation, result: SSAValue, value: np.ndarray) -> None:
    """Internal invariant: an op's value has its result's dtype and static sizes."""
    shape = static_shape(result.type)
    if (
        value.dtype.name != dtype_of(result.type)
        or value.ndim != len(shape)
        or any(s is not None and s != v for s, v in zip(shape, value.shape))
    ):
        raise AssertionError(
            f"internal error: '{op.name}' produced {value.dtype}{list(value.shape)} "
            f"for a result of type {result.type}"
        )
