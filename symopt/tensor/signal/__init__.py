"""Theano's ``theano.tensor.signal``: pooling (``pool.pool_2d``)."""

from __future__ import annotations

from symopt.tensor.signal import pool

__all__ = ["pool"]
