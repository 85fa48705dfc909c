"""The GPU executors: a module lowered with the ``gpu`` pipeline, run by the CUDA
runtime (``mode="cuda"``, pycuda) or by the emulator (``mode="gpu-emulator"``, the
same kernels on the CPU).

Both take the module through the same passes: ``sym-opt``, then ``lower-gpu``
(the CPU's lower half up to ``loop-dealloc``, then ``convert-loop-to-gpu``). Draws
that run on the host (``sym-split-host``) are made by the reference executor
before the call, as for native code.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp

from symopt.passes.sym_split_host import HOST_ATTR

__all__ = ["GpuExecutor"]


class GpuExecutor:
    """Compile a sym module for the GPU; calling it runs the entry function on
    ``device`` (``"cuda"`` or ``"emulator"``)."""

    fresh_results = True

    @property
    def device_values(self) -> bool:
        """Whether shared variables are passed where they are (on the device)."""
        return self.device == "cuda"

    def __init__(
        self,
        module: ModuleOp,
        pipeline: str = "gpu",
        device: str = "emulator",
        source: str | None = None,
        device_outputs: bool = False,
    ):
        from symopt.runtime.native import run_stages
        from symopt.runtime.reference import ReferenceExecutor

        self.device = device
        self.pipeline = pipeline
        self._source = source if source is not None else str(module)
        self._stages: dict[str, str] | None = None
        if device == "cuda":
            from symopt.runtime.cuda import require_device

            require_device()  # a clear error before any compilation
        lowered = module.clone()
        self.timings = run_stages(lowered, pipeline, None, lower="lower-gpu")
        self.host = None
        for op in list(lowered.ops):
            if isinstance(op, ModuleOp) and HOST_ATTR in op.attributes:
                op.detach()
                op.attributes.pop(HOST_ATTR)
                self.host = ReferenceExecutor(op)
        funcs = [op for op in lowered.ops if isinstance(op, func.FuncOp)]
        if len(funcs) != 1:
            raise ValueError(f"expected one function in the compiled module, found {len(funcs)}")
        self.module = lowered
        if device == "cuda":
            from symopt.runtime.cuda import CudaRunner

            start = time.perf_counter()
            self.runner = CudaRunner(lowered, funcs[0])
            self.runner.device_outputs = device_outputs
            self.timings["ptx"] = time.perf_counter() - start
        else:
            from symopt.runtime.gpu_emulator import EmulatedGpu

            self.runner = EmulatedGpu(lowered, funcs[0])

    def __call__(
        self, args: Sequence[np.ndarray], globals_: Mapping[str, object]
    ) -> tuple[list[np.ndarray], dict[str, object]]:
        host_writes: dict[str, object] = {}
        values = list(args)
        if self.host is not None:
            samples, host_writes = self.host(args, globals_)  # type: ignore[arg-type]
            values += samples
        outputs, writes = self.runner(values, globals_)
        return outputs, {**host_writes, **writes}

    @property
    def stages(self) -> dict[str, str]:
        """The module's text at each stage: ``sym``, ``loop``, ``bufferized``, ``gpu``
        (the kernels and the host function) and ``ptx``."""
        if self._stages is None:
            from symopt.dialects.context import parse_module
            from symopt.runtime.native import run_stages

            stages: dict[str, str] = {}
            module = parse_module(self._source)
            run_stages(module, self.pipeline, stages, lower="lower-gpu")
            stages["gpu"] = stages.pop("scf")
            try:
                from symopt.lowering.ptx import ptx_of

                stages["ptx"] = ptx_of(self.module).text
            except Exception as e:  # noqa: BLE001 - a stage that cannot be made says why
                stages["ptx"] = f"// no PTX: {e}\n"
            self._stages = stages
        return self._stages
