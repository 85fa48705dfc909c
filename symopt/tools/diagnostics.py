"""MLIR's ``-verify-diagnostics``: check ``// expected-error {{...}}`` annotations.

An annotation names a kind (``expected-error``, ``expected-warning``,
``expected-note``, ``expected-remark``), optionally a line (``@+N``, ``@-N``,
``@above``, ``@below``; the annotation's own line by default; ``@unknown`` for a
diagnostic that has no location, such as a pass's), and a text the diagnostic's
message must contain, between ``{{`` and ``}}``. Every diagnostic the input
produces must be expected, and every expectation must be met; otherwise each
mismatch is reported, MLIR-style, and the exit status is 1.

Diagnostics and their lines: a parse error at its position; a verifier error at
the line of the first op (in order) that fails to verify; the error of a pass
(which names no position) at ``@unknown``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.utils.exceptions import DiagnosticException, ParseError, VerifyException

_ANNOTATION = re.compile(
    r"//\s*expected-(error|warning|note|remark)\s*(@(?:[+-]\d+|above|below|unknown))?\s*\{\{(.*?)\}\}"
)


@dataclass
class Expected:
    kind: str
    line: int | None  # None: @unknown
    text: str
    at: int  # the annotation's own line
    met: bool = False


@dataclass(frozen=True)
class Diagnostic:
    kind: str
    line: int | None
    message: str


def expectations(text: str, offset: int = 0) -> list[Expected]:
    """The annotations of ``text``, whose first line is line ``offset + 1``."""
    out = []
    for number, line in enumerate(text.splitlines(), start=offset + 1):
        for m in _ANNOTATION.finditer(line):
            kind, where, message = m.group(1), m.group(2), m.group(3)
            target: int | None = number
            if where == "@unknown":
                target = None
            elif where == "@above":
                target = number - 1
            elif where == "@below":
                target = number + 1
            elif where:
                target = number + int(where[1:])
            out.append(Expected(kind, target, message, number))
    return out


class LocatingParser(Parser):
    """xDSL's parser, recording the line each operation starts on."""

    def __init__(self, ctx: Context, text: str, name: str = "<unknown>", offset: int = 0):
        super().__init__(ctx, text, name)
        self.op_lines: dict[Operation, int] = {}
        self._newlines = [i for i, c in enumerate(text) if c == "\n"]
        self._offset = offset

    def line_of(self, position: int) -> int:
        return bisect.bisect_right(self._newlines, position - 1) + 1 + self._offset

    def parse_operation(self) -> Operation:
        start = self._current_token.span.start
        op = super().parse_operation()
        self.op_lines[op] = self.line_of(start)
        return op


def first_verify_error(module: ModuleOp, lines: dict[Operation, int]) -> Diagnostic | None:
    """The verifier's first error, at the line of the first op that fails."""
    try:
        module.verify()
        return None
    except (VerifyException, DiagnosticException) as whole:
        for op in module.walk():
            try:
                op.verify(verify_nested_ops=False)
            except (VerifyException, DiagnosticException) as e:
                return Diagnostic("error", lines.get(op), _message(e))
        return Diagnostic("error", None, _message(whole))


def _message(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def check_chunk(
    ctx: Context, text: str, offset: int, name: str,
    process: Callable[[ModuleOp], str],
) -> tuple[list[str], str | None]:  # fmt: skip
    """Parse, verify and ``process`` (the passes; it returns the output text) one
    chunk; the mismatches between its diagnostics and its annotations, as
    ``name:LINE: error: ...`` lines, and its output (None if it failed)."""
    expected = expectations(text, offset)
    produced: list[Diagnostic] = []
    output = None
    parser = LocatingParser(ctx, text, name, offset)
    try:
        module = parser.parse_module()
    except ParseError as e:
        line = parser.line_of(e.span.start)
        produced.append(Diagnostic("error", line, e.msg))
    else:
        diagnostic = first_verify_error(module, parser.op_lines)
        if diagnostic is not None:
            produced.append(diagnostic)
        else:
            try:
                output = process(module)
            except (DiagnosticException, VerifyException, ValueError) as e:
                produced.append(Diagnostic("error", None, _message(e)))
    report = []
    for d in produced:
        match = next(
            (x for x in expected if not x.met and x.kind == d.kind and x.line == d.line and x.text in d.message),
            None,
        )
        if match is not None:
            match.met = True
            continue
        where = f"{name}:{d.line}" if d.line is not None else f"{name}:?"
        report.append(f"{where}: error: unexpected {d.kind}: {d.message}")
    for x in expected:
        if not x.met:
            target = "an unknown location" if x.line is None else f"line {x.line}"
            report.append(
                f'{name}:{x.at}: error: expected {x.kind} "{x.text}" at {target} was not produced'
            )
    return report, output
