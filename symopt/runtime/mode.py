"""``Mode``: how ``function`` compiles, the executor and the pass pipeline."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PIPELINES = {"native": "cpu", "py": "sym-opt"}


@dataclass(frozen=True)
class Mode:
    """An execution mode: ``executor`` (``'native'``, code compiled with LLVM, or
    ``'py'``, the NumPy reference executor) and the pass ``pipeline`` it runs.

    The default pipeline is ``cpu`` for native code (``sym-opt`` then the lowering
    to LLVM, ``lower-cpu``) and ``sym-opt`` (``canonicalize,sym-stabilize,cse,dce``)
    for the reference executor. A native pipeline that stops at the sym level is
    completed with ``lower-cpu``; ``''`` runs no sym pass.

    >>> Mode(executor="py", pipeline="cse,dce")
    Mode(executor='py', pipeline='cse,dce')
    """

    executor: str = "native"
    pipeline: str | None = None

    @property
    def effective_pipeline(self) -> str:
        return DEFAULT_PIPELINES[self.executor] if self.pipeline is None else self.pipeline


def resolve_mode(mode: str | Mode | None, pipeline: str | None) -> Mode:
    """The Mode for ``function``'s ``mode=`` and ``pipeline=`` arguments."""
    from symopt.configparser import config

    if mode is None:
        mode = Mode(executor=config.mode)
    elif isinstance(mode, str):
        mode = Mode(executor=mode)
    elif not isinstance(mode, Mode):
        raise TypeError(f"mode must be 'native', 'py' or a symopt.Mode, got {mode!r}")
    if mode.executor not in DEFAULT_PIPELINES:
        raise ValueError(f"unknown mode {mode.executor!r}; available: 'native', 'py'")
    if pipeline is not None:
        if not isinstance(pipeline, str):
            raise TypeError(f"pipeline must be a pass list like 'sym-opt,cse', got {pipeline!r}")
        mode = Mode(executor=mode.executor, pipeline=pipeline)
    return mode
