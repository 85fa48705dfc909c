"""The pass registry: pass name -> factory that imports the pass class.

Factories import lazily, so listing the passes (``symopt --help``) imports nothing
heavy. xDSL's generic passes (``canonicalize``, ``dce``) are reused as they are, and
its ``cse`` with linear bookkeeping (``symopt/passes/cse.py``); symopt's own passes
live one per file in this package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from symopt.plugins import load_plugins

if TYPE_CHECKING:  # (xDSL's pass machinery is imported where passes run)
    from xdsl.passes import ModulePass

PassFactory = Callable[[], "type[ModulePass]"]


def _canonicalize() -> type[ModulePass]:
    from xdsl.transforms.canonicalize import CanonicalizePass

    return CanonicalizePass


def _cse() -> type[ModulePass]:
    from symopt.passes.cse import CommonSubexpressionEliminationPass

    return CommonSubexpressionEliminationPass


def _dce() -> type[ModulePass]:
    from xdsl.transforms.dead_code_elimination import DeadCodeElimination

    return DeadCodeElimination


def _sym_stabilize() -> type[ModulePass]:
    from symopt.passes.sym_stabilize import SymStabilizePass

    return SymStabilizePass


def _control_flow_sink() -> type[ModulePass]:
    from symopt.passes.control_flow_sink import ControlFlowSinkPass

    return ControlFlowSinkPass


def _convert_sym_to_loop() -> type[ModulePass]:
    from symopt.passes.convert_sym_to_loop import ConvertSymToLoopPass

    return ConvertSymToLoopPass


def _loop_fuse_dot() -> type[ModulePass]:
    from symopt.passes.loop_fuse_dot import LoopFuseDotPass

    return LoopFuseDotPass


def _loop_fuse() -> type[ModulePass]:
    from symopt.passes.loop_fuse import LoopFusePass

    return LoopFusePass


def _loop_bufferize() -> type[ModulePass]:
    from symopt.passes.loop_bufferize import LoopBufferizePass

    return LoopBufferizePass


def _sym_split_host() -> type[ModulePass]:
    from symopt.passes.sym_split_host import SymSplitHostPass

    return SymSplitHostPass


def _loop_inplace() -> type[ModulePass]:
    from symopt.passes.loop_inplace import LoopInplacePass

    return LoopInplacePass


def _loop_abi() -> type[ModulePass]:
    from symopt.passes.loop_abi import LoopAbiPass

    return LoopAbiPass


def _loop_dealloc() -> type[ModulePass]:
    from symopt.passes.loop_dealloc import LoopDeallocPass

    return LoopDeallocPass


def _convert_loop_to_scf() -> type[ModulePass]:
    from symopt.passes.convert_loop_to_scf import ConvertLoopToScfPass

    return ConvertLoopToScfPass


def _convert_loop_to_gpu() -> type[ModulePass]:
    from symopt.passes.convert_loop_to_gpu import ConvertLoopToGpuPass

    return ConvertLoopToGpuPass


_BUILTIN: dict[str, PassFactory] = {
    "canonicalize": _canonicalize,
    "cse": _cse,
    "dce": _dce,
    "sym-stabilize": _sym_stabilize,
    "control-flow-sink": _control_flow_sink,
    "sym-split-host": _sym_split_host,
    "convert-sym-to-loop": _convert_sym_to_loop,
    "loop-fuse": _loop_fuse,
    "loop-fuse-dot": _loop_fuse_dot,
    "loop-bufferize": _loop_bufferize,
    "loop-inplace": _loop_inplace,
    "loop-abi": _loop_abi,
    "loop-dealloc": _loop_dealloc,
    "convert-loop-to-scf": _convert_loop_to_scf,
    "convert-loop-to-gpu": _convert_loop_to_gpu,
}

_REGISTERED: dict[str, PassFactory] = {}
def register_pass(pass_class: type[ModulePass]) -> type[ModulePass]:
    """Make a pass available by its ``name`` to ``symopt -p``, to named pipelines
    and to ``function(..., pipeline=...)``. Usable as a class decorator.

    >>> from dataclasses import dataclass
    >>> from xdsl.passes import ModulePass
    >>> @register_pass
    ... @dataclass(frozen=True)
    ... class NothingPass(ModulePass):
    ...     name = "nothing"
    ...     def apply(self, ctx, op): pass
    >>> "nothing" in available_passes()
    True
    """
    from xdsl.passes import ModulePass

    if not (isinstance(pass_class, type) and issubclass(pass_class, ModulePass)):
        raise TypeError(f"register_pass expects a ModulePass subclass, got {pass_class!r}")
    name = getattr(pass_class, "name", None)
    if not isinstance(name, str) or not name:
        raise TypeError(f"{pass_class.__name__} has no pass name (set `name = \"my-pass\"`)")
    if name in _BUILTIN or name in NAMED_PIPELINES:
        raise ValueError(f"the pass name '{name}' is taken by a built-in pass or pipeline")
    _REGISTERED[name] = lambda: pass_class
    return pass_class


def available_passes() -> dict[str, PassFactory]:
    """Every pass name symopt knows, mapped to a factory returning its class."""
    load_plugins()
    return {**_BUILTIN, **_REGISTERED}


_SUMMARIES = {
    "cse": "Common subexpression elimination (xDSL's rules, linear time): merges identical pure ops.",
    "dce": "Dead code elimination (xDSL): removes unused ops without effects.",
}


def pass_summary(name: str) -> str:
    """The first line of a pass's docstring."""
    if name in _SUMMARIES:
        return _SUMMARIES[name]
    doc = (available_passes()[name]().__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""


NAMED_PIPELINES: dict[str, str] = {
    "sym-opt": "canonicalize,sym-stabilize,cse,dce,control-flow-sink",
    "lower-cpu": "sym-split-host,convert-sym-to-loop,dce,loop-fuse,cse,dce,"
    "loop-bufferize,loop-inplace,loop-abi,loop-fuse-dot,loop-dealloc,convert-loop-to-scf",
    "cpu": "sym-opt,lower-cpu",
    "lower-gpu": "sym-split-host,convert-sym-to-loop,dce,loop-fuse,cse,dce,"
    "loop-bufferize,loop-inplace,loop-abi,loop-dealloc,convert-loop-to-gpu,canonicalize,cse",
    "gpu": "sym-opt,lower-gpu",
}
"""Names that stand for a whole pipeline inside a ``-p`` list."""

SYM_OPT_PIPELINE = "sym-opt"
"""The sym-level default pipeline that ``function`` runs before execution."""


_PLAIN = re.compile(r"[A-Za-z0-9_.-]+(?:,[A-Za-z0-9_.-]+)*")
"""A pass list of names alone (no options, spaces or quotes): its passes are its
comma-separated names, read without xDSL's pipeline parser (whose import costs
a millisecond or two in a process that compiles nothing)."""


def _names(spec: str) -> list[str] | None:
    """The pass names of a pass list of names alone, else None."""
    return spec.split(",") if _PLAIN.fullmatch(spec) else None


def expand_pipeline(spec: str) -> str:
    """Replace named pipelines (``sym-opt``) in a pass list by their passes."""
    names = _names(spec)
    if names is not None:
        parts = [expand_pipeline(NAMED_PIPELINES[n]) if n in NAMED_PIPELINES else n for n in names]
        return ",".join(p for p in parts if p)
    from xdsl.utils.arg_spec import parse_pipeline

    parts: list[str] = []
    for pass_spec in parse_pipeline(spec):
        if pass_spec.name in NAMED_PIPELINES:
            if pass_spec.parameters:
                raise ValueError(f"the pipeline '{pass_spec.name}' takes no options")
            parts.append(expand_pipeline(NAMED_PIPELINES[pass_spec.name]))
        else:
            parts.append(str(pass_spec))
    return ",".join(p for p in parts if p)


_CHECKED: dict[str, str] = {}
"""Pass lists that checked, expanded (passes are only ever added: a list that
checked stays valid)."""


def check_pipeline(spec: str) -> str:
    """The expanded pass list of ``spec``, or ValueError naming an unknown pass and
    the closest known names."""
    checked = _CHECKED.get(spec)
    if checked is not None:
        return checked
    expanded = expand_pipeline(spec)
    names = _names(expanded) if expanded else []
    if names is None:
        from xdsl.utils.arg_spec import parse_pipeline

        names = [p.name for p in parse_pipeline(expanded)]
    known: dict[str, PassFactory] = {**_BUILTIN, **_REGISTERED}
    if any(n not in known for n in names):
        known = available_passes()  # the installed plugins may add the others
    for name in names:
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, [*known, *NAMED_PIPELINES], n=3, cutoff=0.5)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(f"unknown pass '{name}'{hint}")
    if len(_CHECKED) < 1024:
        _CHECKED[spec] = expanded
    return expanded


def run_pipeline(module, spec: str) -> None:  # type: ignore[no-untyped-def]
    """Parse ``spec`` (named pipelines allowed) and apply it to ``module``."""
    from xdsl.passes import PassPipeline

    from symopt.dialects.context import sym_context

    spec = check_pipeline(spec)
    if not spec:
        return
    PassPipeline.parse_spec({**_BUILTIN, **_REGISTERED}, spec).apply(sym_context(), module)
