"""The GPU kernel IR, run on the CPU.

After ``convert-loop-to-gpu`` a function is host code that launches ``gpu.func``
kernels. ``EmulatedGpu`` interprets it: the host ops as the stage interpreter
does (buffers are NumPy arrays), and each ``gpu.launch_func`` as loops over its
grid. The threads of a block run one after the other up to their next
``gpu.barrier`` (each thread is a Python generator that yields there), so the
barrier-separated phases run in order and shared memory (``memref.alloca`` in
memory space 3, one buffer per block) holds what the previous phase wrote. A
barrier that some thread of a block never reaches is reported, as is a data race
on shared memory: two threads of a block touching the same element between two
barriers, one of them writing.

This is what tests the GPU mapping on every machine: the same kernels that become
PTX run here and are compared with the reference executor.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

import numpy as np
from xdsl.dialects import func, gpu, memref, scf
from xdsl.dialects.builtin import IntegerAttr, ModuleOp
from xdsl.ir import Block, Operation, SSAValue

from symopt.dialects import loop
from symopt.passes.convert_loop_to_gpu import ERR_ATTR, SHARED_SPACE
from symopt.runtime.interpret import InterpretError, StageInterpreter

__all__ = ["EmulatedGpu", "kernel_name", "kernels_of", "raise_check"]


class _ThreadExit(Exception):
    """A thread ended at a failed check."""


def kernels_of(module: ModuleOp) -> dict[str, gpu.FuncOp]:
    """The module's kernels, by ``module::name``."""
    found: dict[str, gpu.FuncOp] = {}
    for op in module.ops:
        if isinstance(op, gpu.ModuleOp):
            for k in op.body.block.ops:
                if isinstance(k, gpu.FuncOp):
                    found[f"{op.sym_name.data}::{k.sym_name.data}"] = k
    return found


def kernel_name(op: gpu.LaunchFuncOp) -> str:
    ref = op.kernel
    return "::".join([ref.root_reference.data, *[r.data for r in ref.nested_references.data]])


_OP, _END, _BARRIER, _ID, _FOR, _IF, _SHARED, _CHECK, _SHARED_ACCESS = range(9)
_IDS = {"gpu.thread_id": 0, "gpu.block_id": 1, "gpu.block_dim": 2, "gpu.grid_dim": 3}
_AXIS = {"x": 0, "y": 1, "z": 2}


class EmulatedGpu(StageInterpreter):
    """Runs a module after ``convert-loop-to-gpu`` (the host function and its
    kernels) on the CPU; called like the stage interpreter."""

    check_races = True

    def __init__(self, module: ModuleOp, entry: func.FuncOp):
        super().__init__(module, entry)
        self.kernels = kernels_of(module)
        self.launches = 0
        self._programs: dict[Block, list[tuple[int, Operation, list[SSAValue], list[SSAValue]]]] = {}

    # -- launches ------------------------------------------------------------------

    def op_gpu_launch_func(self, op: gpu.LaunchFuncOp, args: list[Any], env: Any) -> Sequence[Any]:
        name = kernel_name(op)
        kernel = self.kernels.get(name)
        if kernel is None:
            raise InterpretError(f"gpu.launch_func of an unknown kernel @{name}")
        grid = [int(env[v]) for v in (op.gridSizeX, op.gridSizeY, op.gridSizeZ)]
        block = [int(env[v]) for v in (op.blockSizeX, op.blockSizeY, op.blockSizeZ)]
        if min(grid + block) < 1:
            raise InterpretError(f"launch of @{name} with an empty grid {grid} x {block}")
        if block[0] * block[1] * block[2] > 1024:
            raise InterpretError(f"launch of @{name} with more than 1024 threads per block {block}")
        operands = [env[v] for v in op.kernelOperands]
        body = kernel.body.block
        if len(operands) != len(body.args):
            raise InterpretError(f"@{name} takes {len(body.args)} arguments, the launch gives {len(operands)}")
        self.launches += 1
        for bz in range(grid[2]):
            for by in range(grid[1]):
                for bx in range(grid[0]):
                    self._run_block_of_threads(body, operands, (bx, by, bz), grid, block, name)
        if ERR_ATTR in kernel.attributes:
            err = operands[-1]
            code = int(err[0])
            if code:
                raise_check(self.abi, code, err)
        return ()

    def _run_block_of_threads(
        self,
        body: Block,
        operands: list[Any],
        bid: tuple[int, int, int],
        grid: list[int],
        block: list[int],
        name: str,
    ) -> None:
        shared: dict[Operation, np.ndarray] = {}
        self._shared = shared
        self._access: dict[tuple[int, tuple[int, ...]], tuple[int, bool]] = {}
        threads: list[Generator[None, None, None]] = []
        for tz in range(block[2]):
            for ty in range(block[1]):
                for tx in range(block[0]):
                    ids = ((tx, ty, tz), bid, tuple(block), tuple(grid))
                    threads.append(self._thread(body, operands, ids, len(threads)))
        live = threads
        phase = 0
        while live:
            waiting = []
            ended = failed = 0
            for t in live:
                try:
                    next(t)
                    waiting.append(t)
                except StopIteration:
                    ended += 1
                except _ThreadExit:
                    failed += 1
            if waiting and ended:
                raise InterpretError(
                    f"@{name}: {ended} thread(s) of block {bid} ended while others wait at "
                    f"gpu.barrier (phase {phase}): a barrier must be reached by every thread"
                )
            if failed:
                return  # a check failed: the launch reports it
            live = waiting
            phase += 1
            self._access = {}

    # -- a thread ----------------------------------------------------------------------

    def _thread(
        self, body: Block, operands: list[Any], ids: tuple[tuple[int, ...], ...], number: int
    ) -> Generator[None, None, None]:
        env: dict[SSAValue, Any] = dict(zip(body.args, operands))
        yield from self._run(body, env, ids, number)

    def _program(self, block: Block) -> list[tuple[int, Operation, list[SSAValue], list[SSAValue]]]:
        """The block's ops, each with what the thread loop does with it (see
        ``_run``), its operands and results: made once per block."""
        program = self._programs.get(block)
        if program is None:
            program = []
            for op in block.ops:
                if isinstance(op, (gpu.ReturnOp, scf.YieldOp)):
                    kind = _END
                elif isinstance(op, gpu.BarrierOp):
                    kind = _BARRIER
                elif op.name in _IDS:
                    kind = _ID
                elif isinstance(op, scf.ForOp):
                    kind = _FOR
                elif isinstance(op, scf.IfOp):
                    kind = _IF
                elif isinstance(op, memref.AllocaOp) and _shared_space(op):
                    kind = _SHARED
                elif isinstance(op, loop.CheckOp):
                    kind = _CHECK
                elif isinstance(op, (memref.LoadOp, memref.StoreOp)) and _is_shared(op.memref):  # type: ignore[attr-defined]
                    kind = _SHARED_ACCESS
                else:
                    kind = _OP
                program.append((kind, op, list(op.operands), list(op.results)))
            self._programs[block] = program
        return program

    def _run(
        self, block: Block, env: dict[SSAValue, Any], ids: tuple[tuple[int, ...], ...], number: int
    ) -> Generator[None, None, list[Any]]:
        for kind, op, operands, results in self._program(block):
            if kind == _OP:
                env.update(zip(results, self.run_op(op, [env[v] for v in operands], env)))
            elif kind == _END:
                return [env[v] for v in operands]
            elif kind == _BARRIER:
                yield
            elif kind == _ID:
                axis = _AXIS[op.dimension.data.value]  # type: ignore[attr-defined]
                env[results[0]] = np.int64(ids[_IDS[op.name]][axis])
            elif kind == _FOR:
                assert isinstance(op, scf.ForOp)
                lb, ub, step = (int(env[v]) for v in operands[:3])
                carried = [env[v] for v in operands[3:]]
                inner = op.body.block
                iv, inner_args = inner.args[0], inner.args[1:]
                for i in range(lb, ub, step):
                    env[iv] = np.int64(i)
                    env.update(zip(inner_args, carried))
                    carried = yield from self._run(inner, env, ids, number)
                env.update(zip(results, carried))
            elif kind == _IF:
                assert isinstance(op, scf.IfOp)
                region = op.true_region if bool(env[operands[0]]) else op.false_region
                values = (yield from self._run(region.block, env, ids, number)) if region.blocks else []
                env.update(zip(results, values))
            elif kind == _SHARED:
                buf = self._shared.get(op)
                if buf is None:
                    buf = self._shared[op] = self._new(results[0].type.get_shape(), _element_dtype(op))  # type: ignore[attr-defined]
                env[results[0]] = buf
            else:
                args = [env[v] for v in operands]
                if kind == _CHECK and not bool(args[0]):
                    self._fail(op, args, env)  # type: ignore[arg-type]
                if kind == _SHARED_ACCESS and self.check_races:
                    self._record(op, args, number)
                env.update(zip(results, self.run_op(op, args, env)))
        return []

    def _fail(self, op: loop.CheckOp, args: list[Any], env: dict[SSAValue, Any]) -> None:
        kernel = op.parent_op()
        while kernel is not None and not isinstance(kernel, gpu.FuncOp):
            kernel = kernel.parent_op()
        assert kernel is not None
        err = env[kernel.body.block.args[-1]]
        if int(err[0]) == 0:
            err[0] = op.attributes["code"].value.data  # type: ignore[attr-defined]
            for k, v in enumerate(args[1:]):
                err[1 + k] = int(v)
        raise _ThreadExit

    def _record(self, op: Operation, args: list[Any], number: int) -> None:
        """Report two threads of a block that touch one shared element in one phase,
        one of them writing."""
        writes = isinstance(op, memref.StoreOp)
        target = args[1] if writes else args[0]
        idx = tuple(int(i) for i in (args[2:] if writes else args[1:]))
        key = (id(target), idx)
        seen = self._access.get(key)
        if seen is None:
            self._access[key] = (number, writes)
            return
        other, other_writes = seen
        if other != number and (writes or other_writes):
            raise InterpretError(
                f"data race on shared memory: threads {other} and {number} of a block both "
                f"access element {list(idx)} between two barriers, at least one writing"
            )
        if writes and not other_writes:
            self._access[key] = (number, True)


def raise_check(abi: Any, code: int, err: np.ndarray) -> None:
    """Raise the error of check ``code`` (numbered in the calling convention's
    ``errors``) with the values a kernel wrote after the code in ``err``."""
    if abi is None:
        raise InterpretError(f"a kernel failed check {code}")
    entry = abi.data["errors"].data[code - 1]
    message = entry.data["message"].data
    nargs = entry.data["nargs"].value.data
    text = message.format(*[int(v) for v in err[1 : 1 + nargs]])
    raise (IndexError if entry.data["kind"].data == "index" else ValueError)(text)


def _is_shared(buf: SSAValue) -> bool:
    return isinstance(buf.owner, memref.AllocaOp) and _shared_space(buf.owner)


def _shared_space(op: Operation) -> bool:
    t = op.results[0].type
    space = getattr(t, "memory_space", None)
    return isinstance(space, IntegerAttr) and space.value.data == SHARED_SPACE


def _element_dtype(op: memref.AllocaOp) -> np.dtype:
    from symopt.runtime.interpret import np_dtype

    return np_dtype(op.memref.type.element_type)  # type: ignore[attr-defined]
