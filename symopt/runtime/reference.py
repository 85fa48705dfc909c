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

from collections import ChainMap
from collections.abc import Mapping, Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue

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
        for op in self.func.body.walk():
            if op is self.func or isinstance(op, _HANDLED):
                continue
            if not hasattr(op, "evaluate") and not hasattr(op, "evaluate_region"):
                raise TypeError(f"the reference executor cannot run '{op.name}'")

    def __call__(
        self, args: Sequence[np.ndarray], globals_: Mapping[str, np.ndarray]
    ) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
        block = self.func.body.block
        if len(args) != len(block.args):
            raise TypeError(f"expected {len(block.args)} arguments, got {len(args)}")
        writes: dict[str, np.ndarray] = {}
        outputs = self._run(block, list(args), {}, globals_, writes)
        return outputs, writes

    def _run(
        self,
        block: Block,
        args: list[np.ndarray],
        outer: Mapping[SSAValue, np.ndarray],
        globals_: Mapping[str, np.ndarray],
        writes: dict[str, np.ndarray],
    ) -> list[np.ndarray]:
        """Interpret ``block``; the values of its terminator's operands."""
        env: ChainMap[SSAValue, np.ndarray] = ChainMap(dict(zip(block.args, args)), outer)  # type: ignore[arg-type]

        def run(inner: Block, inner_args: list[np.ndarray]) -> list[np.ndarray]:
            return self._run(inner, inner_args, env, globals_, writes)

        for op in block.ops:
            if isinstance(op, sym.ReadOp):
                env[op.result] = globals_[op.global_name.string_value()]
            elif isinstance(op, sym.WriteOp):
                writes[op.global_name.string_value()] = env[op.value]
            elif isinstance(op, (func.ReturnOp, sym.YieldOp)):
                return [env[v] for v in op.operands]
            else:
                operands = [env[v] for v in op.operands]
                if op.regions:
                    values = op.evaluate_region(run, *operands)  # type: ignore[attr-defined]
                else:
                    values = op.evaluate(*operands)  # type: ignore[attr-defined]
                for result, value in zip(op.results, values, strict=True):
                    _check(op, result, value)
                    env[result] = value
        raise ValueError(f"a block of @{self.func.sym_name.data} has no terminator")


_HANDLED = (sym.ReadOp, sym.WriteOp, func.ReturnOp, sym.YieldOp)


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
