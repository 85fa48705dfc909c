"""Theano's ``theano.ifelse`` import path: the lazy ``ifelse`` (see
``symopt.tensor.ifelse``)."""

from __future__ import annotations

from symopt.tensor.ifelse import IfElse, ifelse

__all__ = ["IfElse", "ifelse"]
