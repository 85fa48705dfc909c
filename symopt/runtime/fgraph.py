"""``f.maker.fgraph``: a read-only view of a compiled function's sym graph, shaped
like Theano's ``FunctionGraph`` (``inputs``, ``outputs``, ``apply_nodes``,
``toposort()``; each node with ``op``, ``inputs`` and ``outputs``).

It views the function's IR at the ``sym`` stage (after the sym passes, before the
lowering): the nodes are that module's ops, not a copy of the user's graph.
Shared variables appear as inputs (their ``sym.read``), and their new values as
outputs after the function's own, in the order of the updates, as in Theano.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue

from symopt.dialects import sym
from symopt.ir.variable import Variable


class Apply:
    """One node: an op of the graph, its input and output variables."""

    __slots__ = ("_graph", "op")

    def __init__(self, op: Operation, graph: FunctionGraph):
        self.op = op
        self._graph = graph

    @property
    def inputs(self) -> list[Variable]:
        return [self._graph.variable(v) for v in self.op.operands]

    @property
    def outputs(self) -> list[Variable]:
        return [self._graph.variable(v) for v in self.op.results]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Apply) and other.op is self.op

    def __hash__(self) -> int:
        return id(self.op)

    def __repr__(self) -> str:
        args = ", ".join(repr(v) for v in self.inputs)
        return f"{self.op.name}({args})"


class FunctionGraph:
    """The sym graph a compiled function runs, read-only."""

    def __init__(self, module: ModuleOp):
        funcs = [op for op in module.ops if isinstance(op, func.FuncOp)]
        if len(funcs) != 1:
            raise ValueError(f"expected one function in the module, found {len(funcs)}")
        self._func = funcs[0]
        self._module = module
        self._variables: dict[SSAValue, Variable] = {}
        block = self._func.body.block
        self._ops = [
            op for op in block.ops
            if not isinstance(op, (func.ReturnOp, sym.WriteOp, sym.ReadOp))
        ]  # fmt: skip
        self._reads = [op for op in block.ops if isinstance(op, sym.ReadOp)]
        self._writes = [op for op in block.ops if isinstance(op, sym.WriteOp)]
        self._return = block.last_op

    def variable(self, value: SSAValue) -> Variable:
        """The view's variable for a value of the graph (one per value)."""
        v = self._variables.get(value)
        if v is None:
            v = self._variables[value] = Variable(value, value.name_hint)
        return v

    @property
    def inputs(self) -> list[Variable]:
        """The function's inputs, then one per shared variable it reads."""
        values: Sequence[SSAValue] = [*self._func.body.block.args, *(r.result for r in self._reads)]
        return [self.variable(v) for v in values]

    @property
    def outputs(self) -> list[Variable]:
        """The function's outputs, then the shared variables' new values."""
        ret = self._return
        values = list(ret.operands) if isinstance(ret, func.ReturnOp) else []
        values += [w.value for w in self._writes]
        return [self.variable(v) for v in values]

    @property
    def apply_nodes(self) -> frozenset[Apply]:
        return frozenset(Apply(op, self) for op in self._ops)

    @property
    def variables(self) -> frozenset[Variable]:
        values = {*self._func.body.block.args, *(r.result for r in self._reads)}
        for op in self._ops:
            values.update(op.results)
        return frozenset(self.variable(v) for v in values)

    def toposort(self) -> list[Apply]:
        """The nodes, each after the nodes it depends on (the IR's order)."""
        return [Apply(op, self) for op in self._ops]

    def __repr__(self) -> str:
        return f"FunctionGraph({len(self._ops)} nodes, {len(self.inputs)} inputs, {len(self.outputs)} outputs)"


class FunctionMaker:
    """``f.maker``: how ``f`` was made (``fgraph``, ``mode``)."""

    def __init__(self, function):  # type: ignore[no-untyped-def]
        self._function = function
        self._fgraph: FunctionGraph | None = None

    @property
    def mode(self):  # type: ignore[no-untyped-def]
        return self._function._compiled.mode

    @property
    def fgraph(self) -> FunctionGraph:
        if self._fgraph is None:
            from symopt.dialects.context import parse_module

            self._fgraph = FunctionGraph(parse_module(self._function.ir("sym")))
        return self._fgraph
