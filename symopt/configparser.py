"""Global defaults, as Theano's ``theano.config``.

Set them in Python (``symopt.config.floatX = "float32"``) or, before import, with the
environment variable ``SYMOPT_FLAGS``, comma-separated ``name=value`` pairs::

    SYMOPT_FLAGS=floatX=float32,mode=py python train.py

``THEANO_FLAGS`` is read first, as a fallback: its ``floatX``, ``mode``, ``device`` and
``exception_verbosity`` apply
(``mode=FAST_RUN`` and the other Theano names included), its other flags are
skipped. A misspelt flag, in either place or as an attribute, raises and names
the closest ones.
"""

from __future__ import annotations

import ctypes
import difflib
import os

_FLOATX = ("float64", "float32", "float16")
_MODES = ("py", "native", "debug", "cuda", "gpu-emulator", "FAST_RUN", "FAST_COMPILE", "DebugMode")


def _available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


_NAMES = ("floatX", "mode", "device", "cache_dir", "exception_verbosity", "threads", "gc_freeze")
_THEANO_NAMES = ("floatX", "mode", "device", "exception_verbosity")
"""The flags that mean the same in ``THEANO_FLAGS``."""


class Config:
    """The flags: ``floatX`` (dtype of Python floats and of ``T.matrix()`` without a
    dtype), ``mode`` (default execution mode of ``function``: ``'native'``, code
    compiled with LLVM, or ``'py'``, the NumPy reference executor), ``device``
    (``'cpu'``, or ``'cuda'``/``'cudaN'``: functions compiled without a ``mode``
    run on that CUDA device), ``cache_dir`` (where compiled functions are kept across processes; ``None``:
    ``$SYMOPT_CACHE_DIR`` or ``~/.cache/symopt``; ``''``: no disk cache) and
    ``threads`` (the most threads a large loop of native code is split over; the
    CPUs this process may use by default; ``1``: one thread) and ``gc_freeze``
    (``True`` by default: once ``symopt.tensor`` and the libraries it imports
    are loaded, their objects, some hundred thousand that live as long as the
    process, are moved out of the cyclic garbage collector's way with
    ``gc.freeze()``, so that its full collections stop walking them; this
    applies to every object alive at that moment, so set it to ``False`` (as
    ``SYMOPT_FLAGS=gc_freeze=False``, read at import) where objects made before
    must stay collectable as cyclic garbage)."""

    def __init__(self) -> None:
        self._floatX = "float64"
        self._mode = "native"
        self._device = "cpu"
        self._exception_verbosity = "low"
        self._cache_dir: str | None = None
        # a C integer: compiled code reads the global config's (see THREADS)
        self._threads = ctypes.c_int64(_available_cpus())
        self._gc_freeze = True

    def __setattr__(self, name: str, value: object) -> None:
        if not name.startswith("_") and name not in _NAMES:
            close = difflib.get_close_matches(name, _NAMES, n=2, cutoff=0.5)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise AttributeError(f"symopt.config has no flag {name!r}{hint} (flags: {', '.join(_NAMES)})")
        object.__setattr__(self, name, value)

    @property
    def cache_dir(self) -> str | None:
        return self._cache_dir

    @cache_dir.setter
    def cache_dir(self, value: str | os.PathLike[str] | None) -> None:
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise TypeError(f"config.cache_dir must be a path, '' or None, got {value!r}")
        self._cache_dir = None if value is None else os.fspath(value)

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

    @property
    def device(self) -> str:
        return self._device

    @device.setter
    def device(self, value: str) -> None:
        import re

        if not isinstance(value, str) or not re.fullmatch(r"cpu|(cuda|gpu)\d*", value):
            raise ValueError(f"config.device must be 'cpu', 'cuda' or 'cudaN' (a device number), got {value!r}")
        # old Theano's 'gpu' and 'gpuN' meant CUDA devices too
        self._device = "cuda" + value[3:] if value.startswith("gpu") else value

    @property
    def exception_verbosity(self) -> str:
        return self._exception_verbosity

    @exception_verbosity.setter
    def exception_verbosity(self, value: str) -> None:
        if value not in ("low", "high"):
            raise ValueError(f"config.exception_verbosity must be 'low' or 'high', got {value!r}")
        self._exception_verbosity = value

    @property
    def threads(self) -> int:
        return int(self._threads.value)

    @threads.setter
    def threads(self, value: int | str) -> None:
        try:
            count = int(value)
        except (TypeError, ValueError):
            count = 0
        if isinstance(value, (bool, float)) or not 1 <= count <= 1024:
            raise ValueError(f"config.threads must be a whole number from 1 to 1024, got {value!r}")
        self._threads.value = count

    @property
    def gc_freeze(self) -> bool:
        return self._gc_freeze

    @gc_freeze.setter
    def gc_freeze(self, value: bool | str) -> None:
        words = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
        if isinstance(value, str) and value.strip().lower() in words:
            value = words[value.strip().lower()]
        if not isinstance(value, bool):
            raise ValueError(f"config.gc_freeze must be True or False, got {value!r}")
        self._gc_freeze = value

    @property
    def device_number(self) -> int:
        """The CUDA device ``device`` names (``cuda`` is device 0)."""
        return int(self._device[4:] or 0) if self._device.startswith("cuda") else 0

    def apply_flags(self, flags: str, source: str = "SYMOPT_FLAGS", strict: bool = True) -> None:
        """Set flags from ``name=value,...``. An unknown name raises (naming the
        closest flags), unless ``strict`` is false: then it is skipped (how
        ``THEANO_FLAGS`` is read, whose other flags mean nothing here)."""
        for item in filter(None, (f.strip() for f in flags.split(","))):
            name, sep, value = item.partition("=")
            name = name.strip()
            if not sep:
                raise ValueError(f"{source}: expected name=value, got {item!r}")
            if not strict and name not in _THEANO_NAMES:
                continue
            if name not in _NAMES:
                close = difflib.get_close_matches(name, _NAMES, n=2, cutoff=0.5)
                hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
                raise ValueError(f"{source}: unknown flag {name!r}{hint} (known: {', '.join(_NAMES)})")
            try:
                setattr(self, name, value.strip())
            except (ValueError, TypeError) as e:
                raise ValueError(f"{source}: {e}") from None

    def __repr__(self) -> str:
        return (
            f"Config(floatX={self.floatX!r}, mode={self.mode!r}, device={self.device!r}, "
            f"cache_dir={self.cache_dir!r}, exception_verbosity={self.exception_verbosity!r}, "
            f"threads={self.threads!r}, gc_freeze={self.gc_freeze!r})"
        )


config = Config()
THREADS = config._threads
"""Where ``config.threads`` lives: a C integer that compiled code reads (the
runtime binds it to the symbol ``symopt_threads``), so a change applies to the
next call of every function, compiled or cached."""
# Theano's flags first, for the names that mean the same here; then symopt's own
config.apply_flags(os.environ.get("THEANO_FLAGS", ""), "THEANO_FLAGS", strict=False)
config.apply_flags(os.environ.get("SYMOPT_FLAGS", ""))
