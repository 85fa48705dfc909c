"""Where in the user's code each node of a graph was made.

Every op of the user's graph gets, when the variable for its result is made, the
location (file and line) of the first frame outside symopt on the stack: the
user's line, or the line of the ``T.grad`` or ``scan`` call that made it. It is an
MLIR location (``Operation.location``), not an attribute, so rewrites such as CSE
ignore it, and it is not part of the module's text, so a function compiled once
is found in the cache whatever line made its graph.

Before lowering, each location becomes the node's number (``number``): the
lowering passes hand it on to the ops they make, and the message of a run-time
check names its op and node (``loop.gather [node 12]``). The function that
raises the error puts back the line its own graph records for that node
(``resolve``), as Theano's "Backtrace when the node is created" does.
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache

from xdsl.dialects.builtin import (
    FileLineColLoc,
    IntAttr,
    ModuleOp,
    NameLoc,
    StringAttr,
    UnknownLoc,
)
from xdsl.ir import Operation

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def user_location() -> FileLineColLoc | None:
    """The file and line of the innermost caller outside the symopt package."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return None
    return _file_line(frame.f_code.co_filename, frame.f_lineno)


@lru_cache(maxsize=4096)
def _file_line(filename: str, line: int) -> FileLineColLoc:
    # immutable: one per line (a line often makes several ops)
    return FileLineColLoc(StringAttr(filename), IntAttr(line), IntAttr(0))


def mark(op: Operation) -> None:
    """Give ``op`` the user's location, unless it has one."""
    if isinstance(op.location, UnknownLoc):
        where = user_location()
        if where is not None:
            op.location = where


def describe(op: Operation) -> str:
    """``loop.gather at model.py:12`` (the file as the user's code named it),
    ``loop.gather [node 12]`` after ``number``, or the op's name where its
    location is unknown."""
    where = op.location
    if isinstance(where, FileLineColLoc):
        return f"{op.name} at {where.filename.data}:{where.line.data}"
    if isinstance(where, NameLoc) and where.desc.data.startswith("node "):
        return f"{op.name} [{where.desc.data}]"
    return op.name


def number(module: ModuleOp) -> None:
    """Replace each op's file-and-line location by its position in the module
    (``node K``, counted in walk order): the same for every module of the same
    text, so messages compiled for one graph fit any graph with that text."""
    for k, op in enumerate(module.walk()):
        if isinstance(op.location, FileLineColLoc):
            op.location = NameLoc(StringAttr(f"node {k}"), UnknownLoc())


_NODE = re.compile(r" \[node (\d+)\]")


def resolve(message: str, module: ModuleOp) -> str:
    """``message`` with each ``[node K]`` replaced by ``at file:line``, the line
    where ``module``'s op ``K`` was made."""
    if "[node " not in message:
        return message
    wanted = {int(k) for k in _NODE.findall(message)}
    lines: dict[int, str] = {}
    for k, op in enumerate(module.walk()):
        if k in wanted and isinstance(op.location, FileLineColLoc):
            lines[k] = f" at {op.location.filename.data}:{op.location.line.data}"
    return _NODE.sub(lambda m: lines.get(int(m.group(1)), ""), message)


def inherit(old: Operation, new: Operation) -> None:
    """``new`` replaces ``old``: it takes ``old``'s location, unless it has one."""
    if isinstance(new.location, UnknownLoc):
        new.location = old.location
