"""An xDSL context with the dialects symopt's IR uses, and the registry of the
dialects added with ``symopt.register_dialect``.

Installed plugins register their dialects when ``symopt.plugins.load_plugins``
loads them; the pass registry and the ``symopt`` tool load the plugins before they
build a context.
"""

from __future__ import annotations

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


def sym_context() -> Context:
    """A context with xDSL's builtin, func, arith, math, scf and memref dialects,
    ``gpu``, ``sym``, ``loop`` and the registered dialects."""
    from xdsl.dialects.arith import Arith
    from xdsl.dialects.builtin import Builtin
    from xdsl.dialects.func import Func
    from xdsl.dialects.gpu import GPU
    from xdsl.dialects.math import Math
    from xdsl.dialects.memref import MemRef
    from xdsl.dialects.scf import Scf

    from symopt.dialects.loop import Loop
    from symopt.dialects.sym import Sym

    ctx = Context()
    for dialect in (Builtin, Func, Arith, Math, Scf, MemRef, GPU, Sym, Loop):
        ctx.load_dialect(dialect)
    for dialect in registered_dialects().values():
        if dialect.name not in ctx.registered_dialect_names:
            ctx.load_dialect(dialect)
    return ctx
