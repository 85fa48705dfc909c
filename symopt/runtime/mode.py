"""``Mode``: how ``function`` compiles, the executor and the pass pipeline."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PIPELINES = {"native": "cpu", "py": "sym-opt", "debug": "cpu", "cuda": "gpu", "gpu-emulator": "gpu"}

ALIASES = {
    "FAST_RUN": "native",
    "FAST_COMPILE": "py",
    "DebugMode": "debug",
    "DEBUG_MODE": "debug",
}
"""Theano's mode names: ``FAST_RUN`` compiles with LLVM, ``FAST_COMPILE`` runs the
reference executor (no LLVM at all), ``DebugMode`` runs both on every call and
compares them."""


def executor_name(name: str) -> str:
    """The executor a mode name means (Theano's names included); ValueError for an
    unknown one."""
    name = ALIASES.get(name, name)
    if name not in DEFAULT_PIPELINES:
        known = ", ".join(repr(n) for n in [*DEFAULT_PIPELINES, *ALIASES])
        raise ValueError(f"unknown mode {name!r}; available: {known}")
    return name


@dataclass(frozen=True)
class Mode:
    """An execution mode: ``executor`` (``'native'``, code compiled with LLVM;
    ``'py'``, the NumPy reference executor; ``'debug'``, both on every call,
    compared; ``'cuda'``, kernels on a CUDA device through pycuda;
    ``'gpu-emulator'``, the same kernels run on the CPU; or Theano's names for
    them, see ``ALIASES``) and the pass ``pipeline`` it runs.

    The default pipeline is ``cpu`` for native code (``sym-opt`` then the lowering
    to LLVM, ``lower-cpu``), ``gpu`` for the GPU executors (``sym-opt`` then
    ``lower-gpu``) and ``sym-opt`` (``canonicalize,sym-stabilize,cse,dce,control-flow-sink``)
    for the reference executor. A native pipeline that stops at the sym level is
    completed with ``lower-cpu``; ``''`` runs no sym pass.

    >>> Mode(executor="py", pipeline="cse,dce")
    Mode(executor='py', pipeline='cse,dce', device_outputs=False)
    """

    executor: str = "native"
    pipeline: str | None = None
    device_outputs: bool = False
    """For ``'cuda'``: return outputs as device arrays (``DeviceArray``), which
    can feed the next call without a copy, instead of NumPy arrays."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "executor", executor_name(self.executor))

    @property
    def effective_pipeline(self) -> str:
        return DEFAULT_PIPELINES[self.executor] if self.pipeline is None else self.pipeline


def resolve_mode(mode: str | Mode | None, pipeline: str | None) -> Mode:
    """The Mode for ``function``'s ``mode=`` and ``pipeline=`` arguments."""
    from symopt.configparser import config

    if mode is None:
        default = config.mode
        if config.device != "cpu" and default in ("native", "FAST_RUN") and _cuda_usable(config.device):
            default = "cuda"
        mode = Mode(executor=default)
    elif isinstance(mode, str):
        mode = Mode(executor=mode)
    elif not isinstance(mode, Mode):
        raise TypeError(
            f"mode must be 'native', 'py', 'debug', 'cuda', 'gpu-emulator', one of Theano's names (FAST_RUN, "
            f"FAST_COMPILE, DebugMode) or a symopt.Mode, got {mode!r}"
        )
    if pipeline is not None:
        if not isinstance(pipeline, str):
            raise TypeError(f"pipeline must be a pass list like 'sym-opt,cse', got {pipeline!r}")
        mode = Mode(executor=mode.executor, pipeline=pipeline, device_outputs=mode.device_outputs)
    return mode


_CUDA_STATE: dict[str, bool] = {}


def _cuda_usable(device: str) -> bool:
    """Whether ``config.device``'s CUDA device can be used. Where it cannot,
    functions compiled without a ``mode`` run natively, with one warning saying
    why (as Theano falls back to the CPU when its device fails to start);
    ``mode='cuda'`` itself still raises."""
    usable = _CUDA_STATE.get(device)
    if usable is None:
        import warnings

        from symopt.runtime.cuda import CudaUnavailable, require_device

        try:
            require_device()
            usable = True
        except CudaUnavailable as e:
            warnings.warn(f"config.device is {device!r}, but {e}; functions run on the CPU", stacklevel=4)
            usable = False
        _CUDA_STATE[device] = usable
    return usable
