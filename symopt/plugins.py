"""Installed plugins: packages that add passes and dialects to symopt.

A plugin is an entry point in the group ``symopt.plugins``: a module (imported) or
a callable (called) that registers its passes (``symopt.register_pass``) and its
dialects (``symopt.register_dialect``). ``load_plugins`` loads them once, before the
pass registry lists its passes and before the ``symopt`` tool registers dialects.

This module imports nothing of symopt, so both the pass registry and the tools may
use it; the dialects' registry (``symopt.dialects.context``) does not need it.
"""

from __future__ import annotations

_LOADED = False


def load_plugins() -> None:
    """Import the installed plugins (entry-point group ``symopt.plugins``) once; each
    entry point is a module (imported) or a callable (called) that registers passes
    and dialects."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from importlib.metadata import entry_points

    for entry in entry_points(group="symopt.plugins"):
        loaded = entry.load()
        if callable(loaded):
            loaded()
