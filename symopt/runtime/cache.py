"""The compilation cache on disk: compiled functions reused across processes.

An entry is keyed by what determines the machine code, computed before any pass
runs: the sym module's fingerprint (``symopt.runtime.fingerprint``), the pass
pipeline, the source of symopt itself, the versions of xDSL, llvmlite and NumPy,
the host CPU (its identity and features) and the BLAS interface. It holds the
object code LLVM produced, the calling convention that ``loop-abi`` recorded
(as JSON) and, when random draws run on the host, the host module's text.
Nothing is unpickled: a hit parses JSON, checks the object code's length and
SHA-256, and links it. A corrupt or truncated entry is reported once,
recompiled and replaced; one that cannot be written (a read-only or full
directory) leaves the function compiled in memory, with one warning.

On Linux, where a linker (``ld``) is found, the object code is also linked once
into a shared library beside the entry (``<key>.so``, its SHA-256 in the entry),
and a hit opens that library with ``dlopen`` instead of linking the object code
with LLVM: a process that finds all its code in the cache never starts LLVM.
The host CPU in the key is then read from ``/proc/cpuinfo`` for the same reason.
``SYMOPT_LINKER`` names another linker; empty, it turns the libraries off.

Where: ``symopt.config.cache_dir``, else the environment variable
``SYMOPT_CACHE_DIR``, else ``$XDG_CACHE_HOME/symopt`` (``~/.cache/symopt``). An
empty string turns the cache off. Clear it with ``symopt --clear-cache`` or
``python -m symopt.runtime.cache clear``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from symopt.configparser import config

FORMAT = b"symopt-cache 1\n"
SUFFIX = ".symopt"
LIBRARY_SUFFIX = ".so"


class Entry:
    """A compiled function: its calling convention (JSON-able), the host module's
    text (or None), the object code and, where the object code was linked into a
    shared library in the cache, that library's path."""

    # (a plain class: a process that finds its code in the cache defines it, and
    # a dataclass costs half a millisecond to define)
    __slots__ = ("abi", "host", "obj", "library")

    def __init__(self, abi: dict[str, Any], host: str | None, obj: bytes, library: str | None = None):
        self.abi, self.host, self.obj, self.library = abi, host, obj, library


def directory() -> Path | None:
    """The cache directory, or None when the cache is off."""
    value = config.cache_dir
    if value is None:
        value = os.environ.get("SYMOPT_CACHE_DIR")
    if value is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        value = os.path.join(base, "symopt")
    return Path(value) if value else None


@lru_cache(maxsize=1)
def _environment() -> str:
    """What besides the graph determines the code: symopt's own source, the
    versions of the libraries that compile it, the host CPU and the libraries
    the code calls (libmvec, BLAS)."""
    import llvmlite
    import numpy
    import xdsl

    from symopt.lowering.native_abi import blas_int_bits, vector_math_library

    # each source file by its size and modification time (a stat, not a read:
    # this runs in every process that compiles); an edit changes the key, and a
    # file touched without a change only costs a recompilation
    sources = _sources(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parts = [
        FORMAT.decode().strip(),
        hashlib.sha256("".join(sources).encode()).hexdigest(),
        # xDSL's version is looked up in the package metadata (slow); where its
        # package is installed, and when, says as much
        _installed(xdsl),
        str(llvmlite.__version__),
        str(numpy.__version__),
        _cpu(),
        str(vector_math_library()),
        f"blas int{blas_int_bits()}",
        sys.version.split()[0],
    ]
    return "\n".join(parts)


_CPUINFO_FIELDS = (
    "vendor_id", "cpu family", "model", "model name", "stepping", "flags",  # x86
    "CPU implementer", "CPU architecture", "CPU variant", "CPU part", "Features",  # Arm
)  # fmt: skip


def _cpu() -> str:
    """The host CPU as the code generator sees it. On Linux, the first processor's
    identity and feature flags in ``/proc/cpuinfo`` (the CPUID bits LLVM detects
    its features from, as far as the kernel lets programs use them): reading it
    costs far less than starting LLVM, which a process that finds all its code in
    the cache never does. Elsewhere, LLVM's target triple, CPU name and features."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            first = f.read(1 << 16).split("\n\n", 1)[0]
    except OSError:
        first = ""
    fields = []
    for line in first.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in _CPUINFO_FIELDS:
            fields.append(f"{name.strip()}={value.strip()}")
    if fields:
        return f"{os.uname().machine}-{sys.platform}\n" + "\n".join(fields)
    from symopt.lowering.machine import host_cpu, llvm

    cpu, features = host_cpu()
    return f"{llvm().get_default_triple()}\n{cpu}\n{features}"


def _sources(root: str, prefix: str = "") -> list[str]:
    """The ``.py`` files under ``root``, sorted by their path from it, each as
    ``path\0size\0modification time\0``."""
    found: list[str] = []
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            name = entry.name
            if name.endswith(".py"):
                info = entry.stat()
                found.append(f"{prefix}{name}\0{info.st_size}\0{info.st_mtime_ns}\0")
            elif name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                found.extend(_sources(entry.path, f"{prefix}{name}/"))
    return found


def _installed(module: object) -> str:
    """A module's file with its size and modification time."""
    path = Path(getattr(module, "__file__", "") or ".")
    info = path.stat()
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


def key(source: str, pipeline: str) -> str | None:
    """The key of a function's entry, compiled from ``source`` (the module's
    fingerprint, or another name of what is compiled) with ``pipeline``; None
    when the cache is off."""
    if directory() is None:
        return None
    digest = hashlib.sha256()
    for part in (_environment(), pipeline, source):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


_warned: set[str] = set()


def _warn_once(kind: str, message: str) -> None:
    if kind not in _warned:
        _warned.add(kind)
        warnings.warn(message, RuntimeWarning, stacklevel=4)


def load(k: str) -> Entry | None:
    """The entry under key ``k``, or None (missing, or unusable: then a warning)."""
    where = directory()
    if where is None:
        return None
    path = where / f"{k}{SUFFIX}"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        _warn_once("read", f"symopt: cannot read the compilation cache ({e}); compiling")
        return None
    try:
        return _decode(data, k, where)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        _warn_once(
            f"corrupt {path}", f"symopt: ignoring the unusable cache entry {path} ({e}); recompiling"
        )
        return None


def _decode(data: bytes, k: str, where: Path) -> Entry:
    if not data.startswith(FORMAT):
        raise ValueError("not a symopt cache entry")
    rest = data[len(FORMAT) :]
    if len(rest) < 8:
        raise ValueError("truncated")
    size = int.from_bytes(rest[:8], "little")
    header = json.loads(rest[8 : 8 + size].decode("utf-8"))
    obj = rest[8 + size :]
    if header["key"] != k:
        raise ValueError("the entry's key does not match its name")
    if len(obj) != header["object_size"] or hashlib.sha256(obj).hexdigest() != header["object_sha256"]:
        raise ValueError("the object code is truncated or altered")
    host = header["host"]
    if host is not None and not isinstance(host, str):
        raise TypeError("bad host module")
    library = None
    expected = header.get("library_sha256")
    if expected is not None:
        path = where / f"{k}{LIBRARY_SUFFIX}"
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() == expected:
                library = str(path)
            else:
                _warn_once(f"library {path}", f"symopt: the cached library {path} is altered; relinking it")
        except FileNotFoundError:
            pass  # removed: linked again
        except OSError as e:
            _warn_once(f"library {path}", f"symopt: cannot read the cached library {path} ({e})")
    return Entry(header["abi"], host, obj, library)


@lru_cache(maxsize=1)
def _linker() -> str | None:
    """The linker that makes shared libraries of object code: ``$SYMOPT_LINKER``
    (empty: none), else ``ld`` on the PATH, on Linux; None elsewhere."""
    import shutil

    if not sys.platform.startswith("linux"):
        return None
    name = os.environ.get("SYMOPT_LINKER", "ld")
    return shutil.which(name) if name else None


def can_link() -> bool:
    """Whether entries stored from now on get a shared library."""
    return directory() is not None and _linker() is not None


def _link(where: Path, k: str, obj: bytes) -> str | None:
    """Link ``obj`` into the shared library of entry ``k`` (written atomically);
    its SHA-256, or None where there is no linker or it fails (with a warning)."""
    import subprocess

    linker = _linker()
    if linker is None:
        return None
    fd, obj_path = tempfile.mkstemp(dir=where, prefix=f".{k[:16]}.", suffix=".o.tmp")
    library_path = obj_path[: -len(".o.tmp")] + ".so.tmp"
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(obj)
        try:
            done = subprocess.run(
                # -Bsymbolic: the library's references to what it defines bind
                # to its own definitions, whatever the process has loaded before
                [linker, "-shared", "-Bsymbolic", "-z", "noexecstack", "-o", library_path, obj_path],
                capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as e:
            _warn_once("link", f"symopt: cannot run the linker {linker} ({e}); loading code with LLVM")
            return None
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or ["failed"])[-1]
            _warn_once("link", f"symopt: the linker {linker} failed ({detail}); loading code with LLVM")
            return None
        digest = hashlib.sha256(Path(library_path).read_bytes()).hexdigest()
        os.replace(library_path, where / f"{k}{LIBRARY_SUFFIX}")
        return digest
    finally:
        for path in (obj_path, library_path):
            with contextlib.suppress(OSError):
                os.unlink(path)


def store(k: str, entry: Entry) -> Entry:
    """Write an entry atomically (a temporary file renamed into place): a reader
    sees the whole entry or none, and two writers of one key both succeed. Where
    a linker is found, the object code is first linked into a shared library
    beside it, which later processes open without LLVM. The entry as stored
    (with its library), or as given where it could not be written."""
    where = directory()
    if where is None:
        return entry
    try:
        where.mkdir(parents=True, exist_ok=True)
        library_sha256 = _link(where, k, entry.obj)
        header = json.dumps(
            {
                "key": k,
                "abi": entry.abi,
                "host": entry.host,
                "object_size": len(entry.obj),
                "object_sha256": hashlib.sha256(entry.obj).hexdigest(),
                "library_sha256": library_sha256,
            }
        ).encode("utf-8")
        data = FORMAT + len(header).to_bytes(8, "little") + header + entry.obj
        fd, tmp = tempfile.mkstemp(dir=where, prefix=f".{k[:16]}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, where / f"{k}{SUFFIX}")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as e:
        _warn_once("write", f"symopt: cannot write the compilation cache at {where} ({e}); compiling in memory")
        return entry
    library = None if library_sha256 is None else str(where / f"{k}{LIBRARY_SUFFIX}")
    return Entry(entry.abi, entry.host, entry.obj, library)


def load_or_make(k: str | None, make: Callable[[], Entry]) -> tuple[Entry, bool]:
    """The entry under key ``k`` and True; else ``make()``'s, stored under ``k``
    (unless ``k`` is None: the cache is off), and False. An entry found without
    its library where one can be linked (it was removed or altered, or stored
    where there was no linker) is stored again, which links it."""
    entry = load(k) if k is not None else None
    if entry is None:
        made = make()
        return (made if k is None else store(k, made)), False
    if entry.library is None and can_link():
        entry = store(k, entry)
    return entry, True


def clear() -> int:
    """Remove every entry (and left-over temporary file); how many files went."""
    where = directory()
    if where is None or not where.is_dir():
        return 0
    removed = 0
    for path in [*where.glob(f"*{SUFFIX}"), *where.glob(f"*{LIBRARY_SUFFIX}"), *where.glob(".*.tmp")]:
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def info() -> str:
    where = directory()
    if where is None:
        return "the compilation cache is off"
    entries = list(where.glob(f"*{SUFFIX}")) if where.is_dir() else []
    libraries = list(where.glob(f"*{LIBRARY_SUFFIX}")) if where.is_dir() else []
    size = sum(p.stat().st_size for p in entries + libraries)
    return f"{where}: {len(entries)} entries, {size / 1e6:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["clear"]:
        print(f"removed {clear()} files from {directory()}")
        return 0
    if args in ([], ["info"]):
        print(info())
        return 0
    print("usage: python -m symopt.runtime.cache [info|clear]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
