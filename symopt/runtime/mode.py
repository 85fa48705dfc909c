"""``Mode``: how ``function`` compiles, the executor and the pass pipeline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    """An execution mode: ``executor`` (``'py'``, the NumPy reference executor) and
    the sym-level ``pipeline`` that runs first (``'sym-opt'`` by default, which is
    ``canonicalize,sym-stabilize,cse,dce``; ``''`` runs no pass).

    >>> Mode(pipeline="cse,dce")
    Mode(executor='py', pipeline='cse,dce')
    """

    executor: str = "py"
    pipeline: str = "sym-opt"


def resolve_mode(mode: str | Mode | None, pipeline: str | None) -> Mode:
    """The Mode for ``function``'s ``mode=`` and ``pipeline=`` arguments."""
    from symopt.configparser import config

    if mode is None:
        mode = Mode(executor=config.mode)
    elif isinstance(mode, str):
        mode = Mode(executor=mode)
    elif not isinstance(mode, Mode):
        raise TypeError(f"mode must be a string like 'py' or a symopt.Mode, got {mode!r}")
    if mode.executor not in ("py", "native"):
        raise ValueError(f"unknown mode {mode.executor!r}; available: 'native', 'py'")
    if pipeline is not None:
        if not isinstance(pipeline, str):
            raise TypeError(f"pipeline must be a pass list like 'sym-opt,cse', got {pipeline!r}")
        mode = Mode(executor=mode.executor, pipeline=pipeline)
    return mode
