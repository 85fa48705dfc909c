"""``cse``: xDSL's common subexpression elimination, made linear for ops with regions.

xDSL's driver is kept (what may be merged, side effects, scopes); two things in
its bookkeeping are replaced because they are quadratic on symopt's loop-level
IR, where a function with n outputs has n ``loop.map`` ops over the same inputs:

* Its key hashes an op's name, attributes, operands and result types but not its
  regions, so all those maps share one hash and every lookup compares regions
  with each earlier map. Here the key also hashes the op's structure, regions
  included (``symopt.dialects.structure``: values from outside by identity),
  computed once per op.
* Entering a region copies the whole table of known ops. Here the table is a
  stack of scopes: entering a region pushes an empty one, lookups go through
  the stack (as deep as the nesting), and leaving pops it.

Equality is still xDSL's (including ``is_structurally_equivalent`` on regions),
so the result is the same as xDSL's pass; only the time differs.
"""

from __future__ import annotations

from typing import Any

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, Region
from xdsl.passes import ModulePass
from xdsl.traits import IsolatedFromAbove
from xdsl.transforms.common_subexpression_elimination import CSEDriver, OperationInfo

from symopt.dialects.structure import structure


class _Key(OperationInfo):
    """xDSL's key of an op, with its regions' structure in the hash."""

    def __init__(self, op: Operation, hashes: dict[Operation, int]):
        super().__init__(op)
        self.hashes = hashes

    def __hash__(self) -> int:
        h = self.hashes.get(self.op)
        if h is None:  # cached: an op is looked up several times
            h = super().__hash__()
            if self.op.regions:
                h = hash((h, structure(self.op, id)))
            self.hashes[self.op] = h
        return h


class _ScopedKnownOps:
    """The known ops as a stack of scopes, with what xDSL's driver uses of its
    ``KnownOps``: ``get``, ``in`` and setting an entry."""

    def __init__(self, hashes: dict[Operation, int]):
        self.hashes = hashes
        self.scopes: list[dict[_Key, Operation]] = [{}]

    def key(self, op: Operation) -> _Key:
        return _Key(op, self.hashes)

    def get(self, op: Operation, default: Any = None) -> Any:
        k = self.key(op)
        for scope in reversed(self.scopes):
            found = scope.get(k)
            if found is not None:
                return found
        return default

    def __contains__(self, op: Operation) -> bool:
        return self.get(op) is not None

    def __setitem__(self, op: Operation, existing: Operation) -> None:
        self.scopes[-1][self.key(op)] = existing


class _LinearCSEDriver(CSEDriver):
    """xDSL's driver over a scoped table of known ops (see the module doc)."""

    def __init__(self) -> None:
        super().__init__()
        self._hashes: dict[Operation, int] = {}
        self._known_ops = _ScopedKnownOps(self._hashes)  # type: ignore[assignment]

    def _simplify_block(self, block: Any) -> None:
        for op in block.ops:
            if op.regions:
                if op.has_trait(IsolatedFromAbove, value_if_unregistered=True):
                    # a blank slate inside (xDSL's rule), the outer scopes kept aside
                    outer = self._known_ops
                    self._known_ops = _ScopedKnownOps(self._hashes)  # type: ignore[assignment]
                    for region in op.regions:
                        self._simplify_region(region)
                    self._known_ops = outer
                else:
                    for region in op.regions:
                        self._simplify_region(region)
            # hashed now that its regions are final (a lookup for an earlier
            # replacement may have hashed it before)
            self._hashes.pop(op, None)
            self._simplify_operation(op)

    def _simplify_region(self, region: Region) -> None:
        if len(region.blocks) != 1:
            return
        scopes = self._known_ops.scopes  # type: ignore[attr-defined]
        scopes.append({})
        try:
            self._simplify_block(region.block)
        finally:
            scopes.pop()


class CommonSubexpressionEliminationPass(ModulePass):
    """Merges identical pure ops (xDSL's rules), in time linear in the module."""

    name = "cse"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        driver = _LinearCSEDriver()
        driver.simplify(op)
