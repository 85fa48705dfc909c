"""Global defaults, as Theano's ``theano.config``.

Set them in Python (``symopt.config.floatX = "float32"``) or, before import, with the
environment variable ``SYMOPT_FLAGS``, comma-separated ``name=value`` pairs::

    SYMOPT_FLAGS=floatX=float32,mode=py python train.py
"""

from __future__ import annotations

import os

_FLOATX = ("float64", "float32", "float16")
_MODES = ("py", "native")


class Config:
    """The flags: ``floatX`` (dtype of Python floats and of ``T.matrix()`` without a
    dtype) and ``mode`` (default execution mode of ``function``: ``'native'``, code
    compiled with LLVM, or ``'py'``, the NumPy reference executor)."""

    def __init__(self) -> None:
        self._floatX = "float64"
        self._mode = "native"

    @property
    def floatX(self) -> str:
        return self._floatX

    @floatX.setter
    def floatX(self, value: str) -> None:
        if value not in _FLOATX:
            raise ValueError(f"config.floatX must be one of {', '.join(_FLOATX)}, got {value!r}")
        self._floatX = value

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in _MODES:
            raise ValueError(f"config.mode must be one of {', '.join(_MODES)}, got {value!r}")
        self._mode = value

    def apply_flags(self, flags: str, source: str = "SYMOPT_FLAGS") -> None:
        for item in filter(None, (f.strip() for f in flags.split(","))):
            name, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"{source}: expected name=value, got {item!r}")
            if name.strip() not in ("floatX", "mode"):
                raise ValueError(f"{source}: unknown flag {name.strip()!r} (known: floatX, mode)")
            setattr(self, name.strip(), value.strip())

    def __repr__(self) -> str:
        return f"Config(floatX={self.floatX!r}, mode={self.mode!r})"


config = Config()
config.apply_flags(os.environ.get("SYMOPT_FLAGS", ""))
