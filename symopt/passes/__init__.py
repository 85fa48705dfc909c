"""The pass registry: pass name -> factory that imports the pass class.

Factories import lazily, so listing the passes (``symopt --help``) imports nothing
heavy. xDSL's generic passes (``canonicalize``, ``cse``, ``dce``) are reused as they
are; symopt's own passes live one per file in this package.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.passes import ModulePass

PassFactory = Callable[[], type[ModulePass]]


def _canonicalize() -> type[ModulePass]:
    from xdsl.transforms.canonicalize import CanonicalizePass

    return CanonicalizePass


def _cse() -> type[ModulePass]:
    from xdsl.transforms.common_subexpression_elimination import (
        CommonSubexpressionElimination,
    )

    return CommonSubexpressionElimination


def _dce() -> type[ModulePass]:
    from xdsl.transforms.dead_code_elimination import DeadCodeElimination

    return DeadCodeElimination


_BUILTIN: dict[str, PassFactory] = {
    "canonicalize": _canonicalize,
    "cse": _cse,
    "dce": _dce,
}

_REGISTERED: dict[str, PassFactory] = {}


def register_pass(pass_class: type[ModulePass]) -> type[ModulePass]:
    """Make a pass available by its ``name`` to ``symopt -p`` and to pipelines."""
    if not (isinstance(pass_class, type) and issubclass(pass_class, ModulePass)):
        raise TypeError(f"register_pass expects a ModulePass subclass, got {pass_class!r}")
    _REGISTERED[pass_class.name] = lambda: pass_class
    return pass_class


def available_passes() -> dict[str, PassFactory]:
    """Every pass name symopt knows, mapped to a factory returning its class."""
    return {**_BUILTIN, **_REGISTERED}


SYM_OPT_PIPELINE = "canonicalize,cse,dce"
"""The sym-level default pipeline that ``function`` runs before execution."""
