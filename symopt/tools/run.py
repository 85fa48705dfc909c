"""``symopt-run``: run a function of an IR file and print what it returns.

    symopt-run FILE [--entry main] [--arg VALUE|@file.npy ...]
               [--global NAME=VALUE|@file.npy ...] [--mode native|py]
               [-p PIPELINE] [--repeat N] [--out DIR] [--bisect] [--load PLUGIN.py]

The IR may be at any stage, from ``sym`` down to ``scf``; what remains of the
pipeline runs first (``symopt.runtime.mlir``). Each ``--arg`` gives the next input
as a Python literal (``'[1, 2]'``, ``3.5``, ``nan``) or a ``.npy`` file; each
``--global`` the initial value of a global (zeros otherwise; a NumPy stream's
state is given by its seed, 0 otherwise). The outputs are
printed as NumPy prints them, one after the other, then each updated global as
``@name = value``; ``--out DIR`` saves them instead as ``out0.npy``, ...,
``@name.npy``. ``--repeat N`` also reports the time per call (on stderr). Errors
are one line on stderr, with exit status 1. As MLIR's integration tests do, lit
tests check results with ``// RUN: symopt-run %s --arg '[1,2]' | filecheck %s``.

``--mode py`` runs the IR without compiling it: the reference executor at the
sym level, the stage interpreter below (``symopt.runtime.interpret``).
``--bisect`` (sym-level IR) runs the pipeline one pass at a time, interprets the
IR after each pass on the same arguments and prints, per pass, whether the
values are the same as the sym level's; the first pass that changes them is
named, with exit status 1.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import time
from collections.abc import Sequence

import numpy as np


def _value(text: str) -> np.ndarray:
    if text.startswith("@"):
        return np.load(text[1:], allow_pickle=False)
    lowered = text.strip().lower()
    if lowered in ("nan", "inf", "-inf", "+inf"):
        return np.array(float(lowered))
    try:
        return np.array(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        raise ValueError(f"cannot read {text!r} as a value (a Python literal like '[1, 2]', or @file.npy)") from None


def _globals(items: Sequence[str]) -> dict[str, np.ndarray]:
    """The ``--global NAME=VALUE`` options."""
    out: dict[str, np.ndarray] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"--global expects NAME=VALUE, got {item!r}")
        out[name.lstrip("@")] = _value(value)
    return out


def _copy(value: object) -> object:
    if isinstance(value, np.random.RandomState):
        state = np.random.RandomState()
        state.set_state(value.get_state())
        return state
    return np.array(value, copy=True)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="symopt-run", description="Run a function of an IR file (any stage) and print its results."
    )
    p.add_argument("file", help="the IR file ('-' reads standard input)")
    p.add_argument("--entry", default="main", help="the function to run (default: main, or the only one)")
    p.add_argument("--arg", action="append", default=[], metavar="VALUE|@file.npy", help="the next input")
    p.add_argument("--global", dest="globals", action="append", default=[], metavar="NAME=VALUE|NAME=@file.npy",
                   help="the initial value of a global")
    p.add_argument("--mode", default="native", help="native (compiled, the default) or py (the reference executor)")
    p.add_argument("-p", "--pipeline", default=None, help="the sym-level passes (default: cpu; py: sym-opt)")
    p.add_argument("--repeat", type=int, default=0, metavar="N", help="also time N calls")
    p.add_argument("--out", default=None, metavar="DIR", help="save the results as .npy files in DIR")
    p.add_argument("--load", action="append", default=[], metavar="PLUGIN.py",
                   help="import a Python file that registers passes and dialects first")
    p.add_argument("--bisect", action="store_true",
                   help="run the pipeline one pass at a time, interpret the IR after each "
                   "pass and report the first pass that changes the results")
    return p


def run(argv: Sequence[str]) -> int:
    from symopt.runtime.mlir import MlirError, load

    args = _parser().parse_args(argv)
    from symopt.tools.symopt_main import _preload, _UsageError

    try:
        _preload([f"--load={path}" for path in args.load])
    except _UsageError as e:
        print(f"symopt-run: error: {e}", file=sys.stderr)
        return 1
    if args.bisect:
        return _bisect(args)
    try:
        text = sys.stdin.read() if args.file == "-" else None
        program = load(text if text is not None else args.file, args.entry, args.mode, args.pipeline)
        inputs = [_value(a) for a in args.arg]
        globals_ = _globals(args.globals)
        known = {g.name for g in program.globals}
        for name in globals_:
            if name not in known:
                raise ValueError(f"no global @{name} in the function (it has {', '.join('@' + n for n in sorted(known)) or 'none'})")
        storage: dict[str, object] = {}
        for g in program.globals:
            if g.kind == "random_state":  # --global NAME=SEED
                seed = globals_.get(g.name, np.array(0))
                storage[g.name] = np.random.RandomState(int(seed))
            elif g.name in globals_:
                storage[g.name] = globals_[g.name]
            else:
                storage[g.name] = np.zeros(tuple(0 if s is None else s for s in g.shape), dtype=g.dtype)
        if len(inputs) != len(program.inputs):
            names = ", ".join(v.name for v in program.inputs) or "none"
            raise ValueError(f"expected {len(program.inputs)} --arg values (inputs: {names}), got {len(inputs)}")
        first_storage = {k: _copy(v) for k, v in storage.items()}
        outputs, writes = program(inputs, storage)
        if args.repeat > 0:
            start = time.perf_counter()
            for _ in range(args.repeat):
                program(inputs, {k: _copy(v) for k, v in first_storage.items()})
            per_call = (time.perf_counter() - start) / args.repeat
            print(f"{per_call * 1e6:.2f} us per call ({args.repeat} calls)", file=sys.stderr)
    except (MlirError, ValueError, TypeError, IndexError, OSError, ArithmeticError) as e:
        message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"symopt-run: error: {message}", file=sys.stderr)
        return 1
    if args.out is not None:
        os.makedirs(args.out, exist_ok=True)
        for i, r in enumerate(outputs):
            np.save(os.path.join(args.out, f"out{i}.npy"), r)
        for name, value in writes.items():
            if not isinstance(value, np.random.RandomState):
                np.save(os.path.join(args.out, f"@{name}.npy"), value)
        return 0
    for r in outputs:
        print(np.asarray(r))
    for name, value in writes.items():
        if isinstance(value, np.random.RandomState):
            continue  # a stream's state: not printable as a value
        print(f"@{name} = {np.asarray(value)}")
    return 0


def _bisect(args: argparse.Namespace) -> int:
    """``--bisect``: one line per pass, and the verdict."""
    from symopt.runtime.mlir import MlirError, bisect

    try:
        text = sys.stdin.read() if args.file == "-" else args.file
        inputs = [_value(a) for a in args.arg]
        globals_ = _globals(args.globals)
        steps = bisect(text, inputs, globals_, args.entry, args.pipeline or "cpu")
    except (MlirError, ValueError, TypeError, IndexError, OSError, ArithmeticError) as e:
        message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"symopt-run: error: {message}", file=sys.stderr)
        return 1
    for step in steps:
        print(f"{step.status:9s} {step.name}" + (f": {step.detail}" if step.detail else ""))
    changed = [s for s in steps if s.status == "changed"]
    if changed:
        print(f"the values first change after pass '{changed[0].name}'")
        return 1
    print("every checked stage computes what the sym level computes")
    return 0


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
