"""The ``symopt`` command: xDSL's ``xDSLOptMain`` with symopt's dialects and passes.

    symopt f.mlir -p canonicalize,cse
    symopt f.mlir --split-input-file --verify-diagnostics

``--verify-diagnostics`` is MLIR's: it checks the file's ``// expected-error
{{...}}`` annotations against the diagnostics (``symopt.tools.diagnostics``) and
exits 1 on any mismatch; ``--print-diagnostics`` prints them and exits 0.

Dialects and passes are registered as factories and imported only when used, so
``symopt --help`` starts fast and never needs a GPU. Errors in the input (parse
errors, verifier errors, unknown passes, text that is not UTF-8, nesting too deep
to handle) are printed as diagnostics and exit with status 1, never as a Python
traceback. An empty input is an empty module, as in mlir-opt; ``--time-passes``
and ``--print-between-passes`` write to stderr, so stdout is only the result.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import re
import sys
import threading
from collections.abc import Callable, Sequence

from xdsl.ir import Dialect
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError
from xdsl.xdsl_opt_main import xDSLOptMain


def _dialect_factories() -> dict[str, Callable[[], Dialect]]:
    def builtin() -> Dialect:
        from xdsl.dialects.builtin import Builtin

        return Builtin

    def func() -> Dialect:
        from xdsl.dialects.func import Func

        return Func

    def arith() -> Dialect:
        from xdsl.dialects.arith import Arith

        return Arith

    def math() -> Dialect:
        from xdsl.dialects.math import Math

        return Math

    def scf() -> Dialect:
        from xdsl.dialects.scf import Scf

        return Scf

    def memref() -> Dialect:
        from xdsl.dialects.memref import MemRef

        return MemRef

    def llvm() -> Dialect:
        from xdsl.dialects.llvm import LLVM

        return LLVM

    def gpu() -> Dialect:
        from xdsl.dialects.gpu import GPU

        return GPU

    def sym() -> Dialect:
        from symopt.dialects.sym import Sym

        return Sym

    def loop() -> Dialect:
        from symopt.dialects.loop import Loop

        return Loop

    return {
        "builtin": builtin,
        "func": func,
        "arith": arith,
        "math": math,
        "scf": scf,
        "memref": memref,
        "llvm": llvm,
        "gpu": gpu,
        "sym": sym,
        "loop": loop,
    }


class SymoptMain(xDSLOptMain):
    """``xdsl-opt`` for symopt: its dialects, its pass registry, clean diagnostics."""

    version_format = "symopt (xDSL {xdsl_version})"

    def __init__(self, args: Sequence[str] | None = None):
        super().__init__(description="symopt: the symopt IR optimizer driver", args=args)

    def register_all_dialects(self) -> None:
        for name, factory in _dialect_factories().items():
            self.ctx.register_dialect(name, factory)
        from symopt.dialects.context import registered_dialects
        from symopt.plugins import load_plugins

        load_plugins()
        for name, dialect in registered_dialects().items():
            if name not in self.ctx.registered_dialect_names:
                self.ctx.register_dialect(name, lambda d=dialect: d)

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        for action in arg_parser._actions:  # noqa: SLF001 - xDSL registered -p
            if "-p" in action.option_strings:
                action.help = (
                    "a comma-separated pass pipeline, e.g. 'cse,dce' or 'my-pass{opt=1}'; "
                    "named pipelines: sym-opt, lower-cpu and cpu (what symopt.function "
                    "runs), lower-gpu and gpu (kernels for -t ptx); --list-passes lists every pass with its summary"
                )
        arg_parser.add_argument(
            "--print-diagnostics",
            action="store_true",
            help="print the first error of each chunk and exit 0 (what xDSL's "
            "--verify-diagnostics does; symopt's checks expected-error annotations)",
        )
        arg_parser.add_argument(
            "--load",
            action="append",
            default=[],
            metavar="PLUGIN.py",
            help="import a Python file that registers passes and dialects "
            "(symopt.register_pass / symopt.register_dialect) before anything else",
        )
        arg_parser.add_argument(
            "--clear-cache",
            action="store_true",
            help="remove every compiled function from the disk cache, and exit",
        )
        arg_parser.add_argument(
            "--list-passes",
            action="store_true",
            help="list every pass and named pipeline with a one-line summary, and exit",
        )

    def register_all_passes(self) -> None:
        from symopt.passes import available_passes

        for name, factory in available_passes().items():
            self.register_pass(name, factory)

    def register_all_targets(self) -> None:
        def mlir():
            from xdsl.targets.mlir import MLIRTarget

            return MLIRTarget

        def llvm():
            from symopt.lowering.targets import LLVMIRTarget

            return LLVMIRTarget

        def asm():
            from symopt.lowering.targets import AsmTarget

            return AsmTarget

        def ptx():
            from symopt.lowering.targets import PtxTarget

            return PtxTarget

        self.available_targets["mlir"] = mlir
        self.available_targets["llvm"] = llvm
        self.available_targets["asm"] = asm
        self.available_targets["ptx"] = ptx

    def setup_pipeline(self) -> None:
        from xdsl.utils.arg_spec import parse_pipeline

        from symopt.passes import expand_pipeline

        try:
            self.args.passes = expand_pipeline(self.args.passes)
            specs = list(parse_pipeline(self.args.passes))
        except (ArgSpecParseError, ValueError) as e:
            raise _UsageError(f"invalid pass pipeline {self.args.passes!r}: {e}") from None
        for spec in specs:
            if spec.name not in self.available_passes:
                raise _UsageError(_unknown_pass(spec.name, self.available_passes))
        del specs
        self._verify_after = None
        try:
            super().setup_pipeline()
        except (ArgSpecParseError, ValueError, TypeError) as e:
            raise _UsageError(f"invalid pass options in {self.args.passes!r}: {e}") from None
        inner = self.pipeline.callback

        def callback(previous, module, following) -> None:  # type: ignore[no-untyped-def]
            try:
                if inner is not None:
                    with contextlib.redirect_stdout(sys.stderr):  # timings, IR between passes
                        inner(previous, module, following)
            except DiagnosticException as e:
                if previous is None:
                    raise  # the input itself is invalid
                raise DiagnosticException(
                    f"the IR does not verify after pass '{previous.name}': {e}"
                ) from None

        from dataclasses import replace

        self.pipeline = replace(self.pipeline, callback=callback)

    def run(self) -> None:
        if self.args.verify_diagnostics:
            self._verify_expected()
            return
        if self.args.print_diagnostics:
            self.args.verify_diagnostics = True  # xDSL's: print the error, exit 0
            try:
                super().run()
            except ParseError as e:
                print(e)
            return
        super().run()

    def _verify_expected(self) -> None:
        """MLIR's -verify-diagnostics (``symopt.tools.diagnostics``)."""
        from symopt.tools.diagnostics import check_chunk

        chunks, _extension = self.prepare_input()
        output_stream = self.prepare_output()
        name = self.args.input_file or "<stdin>"
        failures: list[str] = []

        def process(module) -> str:  # type: ignore[no-untyped-def]
            self.apply_passes(module)
            return self.output_resulting_program(module)

        written = False
        for chunk, offset in chunks:
            data = chunk.read()
            chunk.close()
            text = data.decode("utf-8", errors="replace")
            report, output = check_chunk(self.ctx, text, offset, name, process)
            failures += report
            if output is not None:
                if written:
                    output_stream.write("// -----\n")
                output_stream.write(output)
                written = True
        output_stream.flush()
        if failures:
            raise _InputError("\n".join(failures))

    def parse_chunk(self, chunk, file_extension, start_offset=0):  # type: ignore[no-untyped-def]
        data = chunk.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1 + start_offset
            column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
            where = self.args.input_file or "<stdin>"
            raise _InputError(
                f"{where}:{line}:{column}: error: the input is not UTF-8 text "
                f"(byte 0x{data[e.start]:02x})"
            ) from None
        if file_extension == "mlir" and not _COMMENT.sub("", text).strip():
            from xdsl.dialects.builtin import ModuleOp

            return ModuleOp([])  # an empty input is an empty module
        if file_extension == "mlir":
            bad = _bad_string_literal(text)
            if bad is not None:
                line, column, why = bad
                where = self.args.input_file or "<stdin>"
                raise _InputError(f"{where}:{line + start_offset}:{column}: error: {why}")
        return super().parse_chunk(io.BytesIO(data), file_extension, start_offset)

    def prepare_input(self):  # type: ignore[no-untyped-def]
        try:
            return super().prepare_input()
        except ValueError as e:
            raise _UsageError(f"{e} (use -f mlir, or a .mlir file)") from None

    def apply_passes(self, prog) -> None:  # type: ignore[no-untyped-def]
        try:
            super().apply_passes(prog)
        except (DiagnosticException, ParseError, _UsageError, _InputError, RecursionError, MemoryError):
            raise
        except Exception as e:
            import os
            import traceback

            if os.environ.get("SYMOPT_TRACEBACK"):
                traceback.print_exc()
            raise _UsageError(
                f"a pass failed with {type(e).__name__}: {e} "
                "(set SYMOPT_TRACEBACK=1 to see where)"
            ) from None


class _UsageError(Exception):
    pass


_ESCAPES = frozenset('"nt\\')
_HEX = frozenset("0123456789abcdefABCDEF")


def _bad_string_literal(text: str) -> tuple[int, int, str] | None:
    """The first string literal xDSL's lexer cannot match, as (line, column,
    why), or None. Its lexer matches a literal with a regular expression whose
    nested repetition backtracks exponentially where the match fails (a literal
    left open on its line, a bad escape, a vertical tab or form feed): a
    30-character unterminated literal takes seconds, a longer one forever. This
    scan is linear; comments (``//`` outside literals) are skipped."""
    for number, line in enumerate(text.split("\n"), 1):
        i, n, start = 0, len(line), -1
        while i < n:
            c = line[i]
            if start >= 0:
                if c == "\\":
                    nxt = line[i + 1 : i + 2]
                    if nxt and nxt in _ESCAPES:
                        i += 2
                        continue
                    if len(line) >= i + 3 and line[i + 1] in _HEX and line[i + 2] in _HEX:
                        i += 3
                        continue
                    return number, i + 1, "invalid escape in a string literal"
                if c in "\v\f":
                    return number, i + 1, "a string literal cannot contain a vertical tab or form feed"
                if c == '"':
                    start = -1
            elif c == '"':
                start = i
            elif c == "/" and line.startswith("//", i):
                break
            i += 1
        if start >= 0:
            return number, start + 1, "string literal not closed on its line"
    return None


class _InputError(Exception):
    """A diagnostic about the input, printed as it is (it names the position)."""


_COMMENT = re.compile(r"//[^\n]*")


def _unknown_pass(name: str, passes: dict[str, object]) -> str:
    close = difflib.get_close_matches(name, list(passes), n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown pass '{name}'{hint} (symopt --help lists the passes)"


def _preload(argv: Sequence[str]) -> None:
    """Import the ``--load`` plugins before the passes are registered."""
    import importlib.util

    for i, arg in enumerate(argv):
        path = None
        if arg == "--load" and i + 1 < len(argv):
            path = argv[i + 1]
        elif arg.startswith("--load="):
            path = arg.split("=", 1)[1]
        if path is None:
            continue
        spec = importlib.util.spec_from_file_location(f"symopt_plugin_{i}", path)
        if spec is None or spec.loader is None:
            raise _UsageError(f"cannot load plugin {path!r}: not a Python file")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except FileNotFoundError:
            raise _UsageError(f"cannot load plugin {path!r}: no such file") from None
        except Exception as e:  # the plugin's own error, reported in one line
            raise _UsageError(f"plugin {path!r} failed: {type(e).__name__}: {e}") from None


def _list_passes() -> None:
    from symopt.passes import NAMED_PIPELINES, available_passes, pass_summary

    print("Passes:")
    for name in sorted(available_passes()):
        print(f"  {name:<24} {pass_summary(name)}")
    print("Named pipelines:")
    for name, spec in NAMED_PIPELINES.items():
        print(f"  {name:<24} {spec}")


_STACK_BYTES = 512 * 1024 * 1024
_RECURSION_LIMIT = 100_000


def main(argv: Sequence[str] | None = None) -> int:
    """Run the driver on a thread with a large stack and a high recursion limit:
    the parser, verifier and printer recurse once per level of nesting, and
    MLIR files thousands of regions deep are valid."""
    argv = list(sys.argv[1:] if argv is None else argv)
    status: list[int] = []
    old_limit = sys.getrecursionlimit()
    old_stack = threading.stack_size()
    try:
        threading.stack_size(_STACK_BYTES)
        sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
        worker = threading.Thread(target=lambda: status.append(_main(argv)), daemon=True)
        worker.start()
    finally:
        threading.stack_size(old_stack)
    try:
        worker.join()
    except KeyboardInterrupt:
        print("symopt: interrupted", file=sys.stderr)
        return 130
    finally:
        sys.setrecursionlimit(old_limit)
    return status[0] if status else 1


def _main(argv: list[str]) -> int:
    try:
        _preload(argv)
        if "--list-passes" in argv:
            _list_passes()
            return 0
        if "--clear-cache" in argv:
            from symopt.runtime import cache

            removed = cache.clear()
            print(f"removed {removed} files from {cache.directory() or 'the cache (it is off)'}")
            return 0
        SymoptMain(args=argv).run()
    except _UsageError as e:
        print(f"symopt: error: {e}", file=sys.stderr)
        return 1
    except _InputError as e:
        print(e, file=sys.stderr)
        return 1
    except ParseError as e:
        context = str(e).rstrip().split("\n", 1)
        print(f"{e.span.get_location()}: error: {e.msg}", file=sys.stderr)
        if len(context) > 1:
            print(context[1], file=sys.stderr)
        return 1
    except DiagnosticException as e:
        message, _, rest = str(e).rstrip().partition("\n")
        print(f"error: {message}", file=sys.stderr)
        if rest:
            print(rest, file=sys.stderr)
        for note in getattr(e, "__notes__", ()):
            print(note, file=sys.stderr)
        return 1
    except OSError as e:
        print(f"symopt: error: {e}", file=sys.stderr)
        return 1
    except argparse.ArgumentError as e:
        print(f"symopt: error: {e}", file=sys.stderr)
        return 1
    except RecursionError:
        print("symopt: error: the input is nested too deeply to process", file=sys.stderr)
        return 1
    except MemoryError:
        print("symopt: error: out of memory (the input or a shape in it is too large)", file=sys.stderr)
        return 1
    except SystemExit as e:  # argparse's --help and usage errors
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
