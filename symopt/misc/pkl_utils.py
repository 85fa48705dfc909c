"""``dump`` and ``load``: pickles whose NumPy arrays are stored as ``.npy`` files.

As Theano's ``theano.misc.pkl_utils``: ``dump(obj, f)`` writes a zip archive
holding the pickle (``pkl``) and every NumPy array the object reaches (shared
variables' values, inputs' defaults, arrays in a model dict) as its own ``.npy``
file, readable without symopt (``numpy.load``). ``load(f)`` reads it back.

Loading runs ``pickle`` on the ``pkl`` member, with what that implies: load only
files you trust. The arrays themselves are read with ``allow_pickle=False``, so
they cannot carry code.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from typing import IO, Any

import numpy as np

__all__ = ["dump", "load"]


class _Pickler(pickle.Pickler):
    def __init__(self, file: IO[bytes], archive: zipfile.ZipFile, protocol: int):
        super().__init__(file, protocol=protocol)
        self.archive = archive
        self.count = 0
        self.seen: dict[int, tuple[str, str]] = {}
        self.keep: list[np.ndarray] = []  # ids stay unique while pickling

    def persistent_id(self, obj: object) -> tuple[str, str] | None:
        if type(obj) is not np.ndarray or obj.dtype.hasobject:
            return None
        known = self.seen.get(id(obj))
        if known is not None:
            return known
        name = f"array_{self.count}.npy"
        self.count += 1
        with self.archive.open(name, "w") as f:
            np.save(f, obj, allow_pickle=False)
        self.seen[id(obj)] = ("ndarray", name)
        self.keep.append(obj)
        return ("ndarray", name)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: IO[bytes], archive: zipfile.ZipFile):
        super().__init__(file)
        self.archive = archive
        self.arrays: dict[str, np.ndarray] = {}

    def persistent_load(self, pid: object) -> np.ndarray:
        if not (isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "ndarray" and isinstance(pid[1], str)):
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        name = pid[1]
        if name not in self.arrays:
            with self.archive.open(name) as f:
                self.arrays[name] = np.load(io.BytesIO(f.read()), allow_pickle=False)
        return self.arrays[name]


def dump(obj: Any, file_handler: IO[bytes] | str, protocol: int = pickle.HIGHEST_PROTOCOL) -> None:
    """Write ``obj`` to ``file_handler`` (a binary file or a path) as a zip of its
    pickle and its arrays."""
    with zipfile.ZipFile(file_handler, "w", compression=zipfile.ZIP_STORED) as archive:
        buffer = io.BytesIO()
        _Pickler(buffer, archive, protocol).dump(obj)
        archive.writestr("pkl", buffer.getvalue())


def load(file_handler: IO[bytes] | str) -> Any:
    """Read what ``dump`` wrote."""
    with zipfile.ZipFile(file_handler, "r") as archive:
        if "pkl" not in archive.namelist():
            raise ValueError("not a symopt pkl_utils archive (no 'pkl' member)")
        return _Unpickler(io.BytesIO(archive.read("pkl")), archive).load()
