"""From the user's graph to a module: one ``func.func`` plus a ``sym.global`` per
shared variable.

``build_module`` walks the detached graph backwards from the outputs and update
values, stopping at the function's inputs, substitutes ``givens``, and clones every
op it reaches into the function body (in an order where operands come first). Inputs
become block arguments, shared variables ``sym.read``s of their global, updates
``sym.write``s just before ``func.return``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue

from symopt.dialects import sym
from symopt.ir.graph import operand_values
from symopt.ir.variable import Variable

_SYMBOL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class MissingInputError(ValueError):
    """The outputs depend on a symbolic input that is not an input of the function."""


def shared_of(value: SSAValue) -> Variable | None:
    """The shared variable whose placeholder defines ``value``, if any."""
    owner = value.owner
    if isinstance(owner, sym.PlaceholderOp):
        return getattr(owner, "shared_variable", None)
    return None


@dataclass
class BuiltModule:
    module: ModuleOp
    func: func.FuncOp
    globals: dict[str, Variable] = field(default_factory=dict)
    """symbol -> shared variable, in order of first use."""
    used_inputs: set[int] = field(default_factory=set)
    """Positions of the inputs that the outputs or updates depend on."""


def _symbol_name(var: Variable, taken: set[str]) -> str:
    base = var.name if var.name and _SYMBOL.match(var.name) else "shared"
    name, n = base, 0
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name


def build_module(
    name: str,
    inputs: Sequence[Variable],
    input_names: Sequence[str | None],
    outputs: Sequence[Variable],
    updates: Sequence[tuple[Variable, Variable]],
    givens: Mapping[Variable, Variable],
    label: str | None = None,
) -> BuiltModule:
    """Clone the graph of ``outputs`` and ``updates`` into a new module.

    ``updates`` pairs a shared variable with its new value (already of the shared
    variable's dtype and rank); ``givens`` maps variables to their replacements
    (already checked to have compatible types).
    """
    label = label or f"function {name!r}"
    input_index = {v.value: i for i, v in enumerate(inputs)}
    given_values = {k.value: v for k, v in givens.items()}
    block = Block(arg_types=[v.value.type for v in inputs])
    for arg, n in zip(block.args, input_names):
        if n and _SYMBOL.match(n):
            arg.name_hint = n

    built = BuiltModule(ModuleOp([]), None)  # type: ignore[arg-type]
    symbols: dict[int, str] = {}  # id(shared variable) -> symbol
    taken: set[str] = set()
    mapped: dict[SSAValue, SSAValue] = {}
    ops: list[Operation] = []

    def symbol_for(shared: Variable) -> str:
        key = id(shared)
        if key not in symbols:
            symbols[key] = _symbol_name(shared, taken)
            built.globals[symbols[key]] = shared
        return symbols[key]

    def dependencies(v: SSAValue) -> Sequence[SSAValue]:
        if v in input_index:
            return ()
        if v in given_values:
            return (given_values[v].value,)
        owner = v.owner
        if isinstance(owner, Operation):
            return operand_values(owner)
        return ()

    def emit(v: SSAValue) -> None:
        if v in input_index:
            built.used_inputs.add(input_index[v])
            mapped[v] = block.args[input_index[v]]
            return
        if v in given_values:
            replacement = mapped[given_values[v].value]
            if replacement.type != v.type:
                cast = sym.CastOp(replacement, v.type)  # type: ignore[arg-type]
                ops.append(cast)
                replacement = cast.results[0]
            mapped[v] = replacement
            return
        owner = v.owner
        assert isinstance(owner, Operation)
        if isinstance(owner, sym.PlaceholderOp):
            shared = shared_of(v)
            if shared is None:
                label = owner.label.data or "<unnamed>"
                raise MissingInputError(
                    f"{label}: the outputs depend on the input variable "
                    f"'{label}' of type {Variable(v).type!r}, which is not in the "
                    "list of inputs (add it to the inputs, or replace it with givens)"
                )
            read = sym.ReadOp(symbol_for(shared), v.type)  # type: ignore[arg-type]
            read.results[0].name_hint = v.name_hint
            ops.append(read)
            mapped[v] = read.results[0]
            return
        # the clone maps the op's results to its own in ``mapped``
        if owner.regions:
            ops.append(owner.clone(value_mapper=mapped))
        else:  # (the same, without walking regions it has none of)
            ops.append(owner.clone_without_regions(value_mapper=mapped))

    roots = [o.value for o in outputs] + [u.value for _, u in updates]
    # iterative post-order walk; a value on the current path again means a cycle
    # (givens that depend on each other)
    state: dict[SSAValue, int] = {}  # 1 = in progress, 2 = done
    for root in roots:
        if state.get(root) == 2:
            continue
        # (value, its dependencies, how many of them were visited)
        stack: list[tuple[SSAValue, Sequence[SSAValue], int]] = [(root, dependencies(root), 0)]
        state[root] = 1
        while stack:
            v, deps, i = stack[-1]
            if i < len(deps):
                stack[-1] = (v, deps, i + 1)
                d = deps[i]
                s = state.get(d)
                if s == 1:
                    raise ValueError(
                        f"{label}: givens are co-dependent (the replacement "
                        "of a variable depends on the variable itself)"
                    )
                if s is None:
                    state[d] = 1
                    stack.append((d, dependencies(d), 0))
                continue
            stack.pop()
            if v not in mapped:
                emit(v)
            state[v] = 2

    block.add_ops(ops)
    for shared, value in updates:
        new = mapped[value.value]
        target = shared.value.type
        if new.type != target:
            cast = sym.CastOp(new, target)  # type: ignore[arg-type]
            block.add_op(cast)
            new = cast.results[0]
        block.add_op(sym.WriteOp(symbol_for(shared), new))
    results = [mapped[o.value] for o in outputs]
    block.add_op(func.ReturnOp(*results))

    fn = func.FuncOp(
        name, ([a.type for a in block.args], [r.type for r in results]), Region(block)
    )
    globals_ = [
        sym.GlobalOp(s, shared.value.type)  # type: ignore[arg-type]
        for s, shared in built.globals.items()
    ]
    built.module = ModuleOp([*globals_, fn])
    built.func = fn
    return built

