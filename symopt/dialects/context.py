"""An xDSL context with the dialects symopt's IR uses, and the registry of the
dialects added with ``symopt.register_dialect``.

Installed plugins register their dialects when ``symopt.plugins.load_plugins``
loads them; the pass registry and the ``symopt`` tool load the plugins before they
build a context.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Dialect

_EXTRA: dict[str, Dialect] = {}


def register_dialect(dialect: Dialect) -> Dialect:
    """Make a dialect available to ``symopt`` (parsing) and to the contexts passes
    run in."""
    if not isinstance(dialect, Dialect):
        raise TypeError(f"register_dialect expects an xdsl Dialect, got {dialect!r}")
    _EXTRA[dialect.name] = dialect
    return dialect


def registered_dialects() -> dict[str, Dialect]:
    """The dialects registered so far with ``register_dialect``, by name."""
    return dict(_EXTRA)


def parse_module(text: str) -> ModuleOp:
    """A module from its MLIR text, in ``sym_context()``."""
    from xdsl.parser import Parser

    return Parser(sym_context(), text).parse_module()


def _dialect(module: str, name: str) -> Callable[[], Dialect]:
    def load() -> Dialect:
        return getattr(importlib.import_module(module), name)

    return load


_DIALECTS = {
    "builtin": ("xdsl.dialects.builtin", "Builtin"),
    "func": ("xdsl.dialects.func", "Func"),
    "arith": ("xdsl.dialects.arith", "Arith"),
    "math": ("xdsl.dialects.math", "Math"),
    "scf": ("xdsl.dialects.scf", "Scf"),
    "memref": ("xdsl.dialects.memref", "MemRef"),
    "gpu": ("xdsl.dialects.gpu", "GPU"),
    "sym": ("symopt.dialects.sym", "Sym"),
    "loop": ("symopt.dialects.loop", "Loop"),
}
"""The dialects of ``sym_context``: name -> (module, attribute)."""


def sym_context() -> Context:
    """A context with xDSL's builtin, func, arith, math, scf and memref dialects,
    ``gpu``, ``sym``, ``loop`` and the registered dialects. Each is registered
    lazily: its module is imported when the parser first meets one of its ops or
    attributes (a function loaded from the disk cache imports none of them)."""
    ctx = Context()
    for name, (module, attribute) in _DIALECTS.items():
        ctx.register_dialect(name, _dialect(module, attribute))
    for dialect in registered_dialects().values():
        if dialect.name not in ctx.registered_dialect_names:
            ctx.load_dialect(dialect)
    return ctx
