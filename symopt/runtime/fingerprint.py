"""A module's fingerprint: a digest of its structure, made without printing it.

The disk cache keys compiled code by the module it was compiled from. Printing a
module as MLIR text costs a few milliseconds per hundred operations (xDSL's
printer and its declarative formats), which a process that loads all its code
from the cache would spend on every function; walking the module and digesting
each distinct attribute once costs a fraction of that.

The digest covers what the printed text does: each operation's name, its operands
(numbered in the order values first appear), its results' names and types, its
properties and attributes (tensor types, dense constants and arrays and strings
by their parameters' values, the others by their text), its successors, and its
regions' blocks with their arguments' names and types (names matter: the
messages of run-time checks quote them). Modules that differ in any of these
differ in fingerprint; a module parsed back from its text has its builder's.
"""

from __future__ import annotations

import hashlib

from xdsl.dialects.builtin import (
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    NoneAttr,
    StringAttr,
    TensorType,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue


def fingerprint(op: Operation) -> str:
    """The SHA-256 of ``op``'s structure, in hex."""
    return _Digest().of(op)


def _number(table: dict, key: object) -> int:  # type: ignore[type-arg]
    """``key``'s number in ``table``: the order it was first seen in."""
    n = table.get(key)
    if n is None:
        n = table[key] = len(table)
    return n  # type: ignore[no-any-return]


class _Digest:
    def __init__(self) -> None:
        self.sha = hashlib.sha256()
        self.values: dict[SSAValue, int] = {}
        self.blocks: dict[Block, int] = {}
        self.texts: dict[Attribute, bytes] = {}

    def of(self, op: Operation) -> str:
        self.op(op)
        return self.sha.hexdigest()

    def put(self, data: bytes) -> None:
        self.sha.update(len(data).to_bytes(4, "little"))
        self.sha.update(data)

    def attr(self, attr: Attribute) -> None:
        self.put(self.text(attr))

    def text(self, attr: Attribute) -> bytes:
        """What stands for ``attr``: for the kinds every module is full of
        (tensor types, dense constants and arrays, strings), its parameters'
        values after a tag that printed text never starts with (printing goes
        through xDSL's printer: tens of microseconds each); else its text."""
        text = self.texts.get(attr)
        if text is not None:
            return text
        kind = type(attr)
        if kind is TensorType and isinstance(attr.encoding, NoneAttr):  # type: ignore[attr-defined]
            shape = b",".join(b"%d" % n for n in attr.get_shape())  # type: ignore[attr-defined]
            text = b"\0T" + shape + b":" + self.text(attr.element_type)  # type: ignore[attr-defined]
        elif kind is DenseIntOrFPElementsAttr:
            text = b"\0D" + self.text(attr.type) + b":" + attr.data.data  # type: ignore[attr-defined]
        elif kind is DenseArrayBase:
            text = b"\0A" + self.text(attr.elt_type) + b":" + attr.data.data  # type: ignore[attr-defined]
        elif kind is StringAttr:
            text = b"\0S" + attr.data.encode()  # type: ignore[attr-defined]
        else:
            text = str(attr).encode()
        self.texts[attr] = text
        return text

    def value(self, v: SSAValue) -> int:
        return _number(self.values, v)

    def block(self, b: Block) -> int:
        return _number(self.blocks, b)

    def define(self, v: SSAValue) -> None:
        """A value defined here: its number (it may have been used before, in a
        later block), name (messages of checks quote it) and type."""
        self.put(b"=%d" % self.value(v))
        self.put((v.name_hint or "").encode())
        self.attr(v.type)

    def op(self, op: Operation) -> None:
        put, attr = self.put, self.attr
        put(op.name.encode())
        put(b",".join(b"%d" % self.value(v) for v in op.operands))
        for r in op.results:
            self.define(r)
        for tag, entries in ((b"p", op.properties), (b"a", op.attributes)):
            put(tag + b"%d" % len(entries))
            for name in sorted(entries):
                put(name.encode())
                attr(entries[name])
        put(b"s" + b",".join(b"%d" % self.block(b) for b in op.successors))
        for region in op.regions:
            put(b"{%d" % len(region.blocks))
            for b in region.blocks:
                put(b"^%d" % self.block(b))
                for arg in b.args:
                    self.define(arg)
                for inner in b.ops:
                    self.op(inner)
                put(b"}")
            put(b"}")
