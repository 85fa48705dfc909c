"""A process that optimizes LLVM IR and compiles it to an object file.

LLVM's new pass manager, as llvmlite drives it, keeps about 50-80 KB of every
optimization run for the rest of the process: each pass builder allocates
instrumentation callbacks that nothing frees. A program that compiles thousands
of distinct functions would grow by that much per function. So after the first
``IN_PROCESS_RUNS`` optimizations, a process hands its LLVM IR to this worker
(``python -m symopt.lowering.llvm_worker``) and gets the object file back; the
worker is replaced by a fresh one every ``RUNS_PER_WORKER`` compilations, which
gives the memory back.

The protocol, on the worker's stdin and stdout: a request is the IR text's
length (8 bytes, little-endian) and the text; the answer is one status byte
(``O`` for an object file, ``E`` for an error message), the length and the bytes.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading

IN_PROCESS_RUNS = 256
"""Optimizations a process runs itself before it hands them to a worker."""
RUNS_PER_WORKER = 256
"""Compilations a worker runs before a fresh one replaces it."""


def compile_object(text: str) -> bytes:
    """Verify, optimize (O3) and compile LLVM IR for the host; the object file.
    ValueError for IR that LLVM rejects."""
    from symopt.lowering.machine import (
        llvm,
        optimize,
        parse_verified,
        target_machine,
    )

    machine = target_machine()
    # a context of its own: what LLVM interns while compiling (constants, types,
    # metadata) goes with it instead of staying in the global context
    context = llvm().create_context()
    parsed = parse_verified(text, context)
    try:
        optimize(parsed, machine)
        return machine.emit_object(parsed)
    finally:
        parsed.close()
        context.close()


class Worker:
    """The parent's end: one worker process at a time, replaced when it has run
    ``RUNS_PER_WORKER`` compilations or died; calls from several threads take
    turns."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._runs = 0
        atexit.register(self._stop)  # the worker ends with this process

    def _start(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        # the worker imports symopt from where this process does
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        return subprocess.Popen(
            [sys.executable, "-m", "symopt.lowering.llvm_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            try:
                process.stdin.close()  # type: ignore[union-attr]
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
            process.stdout.close()  # type: ignore[union-attr]

    def compile(self, text: str) -> bytes:
        with self._lock:
            for attempt in (1, 2):
                if self._process is None or self._runs >= RUNS_PER_WORKER:
                    self._stop()
                    self._process = self._start()
                    self._runs = 0
                self._runs += 1
                try:
                    return _request(self._process, text)
                except _WorkerDied:
                    self._stop()
                    if attempt == 2:
                        raise RuntimeError(
                            "the LLVM worker process died while compiling (LLVM aborted); "
                            "the IR is in Function.ir('llvm')"
                        ) from None
        raise AssertionError("unreachable")


class _WorkerDied(Exception):
    pass


def _request(process: subprocess.Popen[bytes], text: str) -> bytes:
    payload = text.encode()
    try:
        process.stdin.write(len(payload).to_bytes(8, "little") + payload)  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]
        status = process.stdout.read(1)  # type: ignore[union-attr]
        size = int.from_bytes(process.stdout.read(8), "little")  # type: ignore[union-attr]
        body = process.stdout.read(size)  # type: ignore[union-attr]
    except (OSError, ValueError):
        raise _WorkerDied from None
    if status == b"O" and len(body) == size:
        return body
    if status == b"E":
        raise ValueError(body.decode(errors="replace"))
    raise _WorkerDied


_worker: Worker | None = None
_worker_lock = threading.Lock()
_in_process = 0


def compile_anywhere(text: str) -> bytes:
    """``compile_object`` in this process for its first ``IN_PROCESS_RUNS``
    compilations, then in the worker."""
    global _worker, _in_process
    with _worker_lock:
        here = _in_process < IN_PROCESS_RUNS
        if here:
            _in_process += 1
        elif _worker is None:
            _worker = Worker()
    if here:
        return compile_object(text)
    assert _worker is not None
    return _worker.compile(text)


def main() -> None:
    """Serve compilations on stdin/stdout until stdin closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = stdin.read(8)
        if len(header) < 8:
            return
        text = stdin.read(int.from_bytes(header, "little")).decode()
        try:
            status, body = b"O", compile_object(text)
        except Exception as e:  # noqa: BLE001 - every failure goes back to the caller
            status, body = b"E", str(e).encode()
        stdout.write(status + len(body).to_bytes(8, "little") + body)
        stdout.flush()


if __name__ == "__main__":
    main()
