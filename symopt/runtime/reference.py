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
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Block, Operation, SSAValue

from symopt.dialects import sym
from symopt.dialects.types import dtype_of, static_shape


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
        self._programs: dict[Block, list] = {}  # type: ignore[type-arg]
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

    def _program(self, block: Block) -> list[tuple[Operation, list[SSAValue], list[tuple[np.dtype, tuple[int | None, ...]]]]]:
        """The block's ops with their operands and the expected dtype and static
        shape of each result, computed once."""
        program = self._programs.get(block)
        if program is None:
            program = [
                (
                    op,
                    list(op.operands),
                    [
                        (np.dtype(dtype_of(r.type)), static_shape(r.type))
                        if isinstance(r.type, TensorType)
                        else None
                        for r in op.results
                    ],
                )
                for op in block.ops
            ]
            self._programs[block] = program
        return program

    def _run(
        self,
        block: Block,
        args: list[np.ndarray],
        outer: Mapping[SSAValue, np.ndarray],
        globals_: Mapping[str, np.ndarray],
        writes: dict[str, np.ndarray],
    ) -> list[np.ndarray]:
        """Interpret ``block``; the values of its terminator's operands."""
        local: dict[SSAValue, np.ndarray] = dict(zip(block.args, args))
        env: Mapping[SSAValue, np.ndarray] = ChainMap(local, outer) if outer else local  # type: ignore[arg-type]

        def run(inner: Block, inner_args: list[np.ndarray]) -> list[np.ndarray]:
            return self._run(inner, inner_args, env, globals_, writes)

        for op, operands, expected in self._program(block):
            if isinstance(op, sym.ReadOp):
                local[op.result] = globals_[op.global_name.string_value()]
            elif isinstance(op, sym.WriteOp):
                writes[op.global_name.string_value()] = env[op.value]
            elif isinstance(op, (func.ReturnOp, sym.YieldOp)):
                return [env[v] for v in operands]
            else:
                values = [env[v] for v in operands]
                try:
                    if op.regions:
                        results = op.evaluate_region(run, *values)  # type: ignore[attr-defined]
                    else:
                        results = op.evaluate(*values)  # type: ignore[attr-defined]
                except (ValueError, IndexError) as e:
                    raise _located(e, op) from None
                for result, value, expect in zip(op.results, results, expected, strict=True):
                    if expect is None:  # a host value (a random state)
                        local[result] = value
                        continue
                    dtype, shape = expect
                    if (
                        not isinstance(value, np.ndarray)
                        or value.dtype != dtype
                        or value.ndim != len(shape)
                        or any(s is not None and s != v for s, v in zip(shape, value.shape))
                    ):
                        _invariant_error(op, result, value)
                    local[result] = value
        raise ValueError(f"a block of @{self.func.sym_name.data} has no terminator")


def _located(error: Exception, op: Operation) -> Exception:
    """The error with the op and the user's line that made it (once: an op of a
    region that raised has named itself already)."""
    from symopt.dialects.location import describe

    where = describe(op)
    message = str(error.args[0]) if error.args else str(error)
    if where == op.name or message.endswith(")") and " at " in message.rsplit("(in ", 1)[-1]:
        return error
    return type(error)(f"{message} (in {where})")


_HANDLED = (sym.ReadOp, sym.WriteOp, func.ReturnOp, sym.YieldOp)


def _invariant_error(op: Operation, result: SSAValue, value: object) -> None:
    """An op's value must have its result's dtype and static sizes."""
    got = (
        f"{value.dtype}{list(value.shape)}" if isinstance(value, np.ndarray) else repr(value)
    )
    raise AssertionError(
        f"internal error: '{op.name}' produced {got} for a result of type {result.type}"
    )
