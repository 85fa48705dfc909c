"""Graphs as text and pictures: node labels (a fused loop's scalar body as one
formula), Theano's ``debugprint`` layout, and Graphviz ``dot`` text rendered to
SVG or PNG.

It works on SSA values, so it draws a user's graph of detached sym ops and a
compiled function's IR at any stage alike; ``symopt.printing`` builds the public
functions on it, and ``Function._repr_svg_`` uses it for Jupyter.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence

import numpy as np
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, FloatAttr, IntegerAttr, ModuleOp
from xdsl.ir import Block, Operation, SSAValue

from symopt.dialects import loop, sym
from symopt.dialects.types import numpy_from_dense

INFIX = {
    "arith.addf": "+", "arith.addi": "+", "arith.subf": "-", "arith.subi": "-",
    "arith.mulf": "*", "arith.muli": "*", "arith.divf": "/", "arith.divsi": "//",
    "arith.remf": "%", "arith.remsi": "%", "arith.andi": "&", "arith.ori": "|",
    "arith.xori": "^", "math.powf": "**",
    "sym.add": "+", "sym.sub": "-", "sym.mul": "*", "sym.div": "/", "sym.floor_div": "//",
    "sym.mod": "%", "sym.pow": "**", "sym.and": "&", "sym.or": "|", "sym.xor": "^",
}  # fmt: skip
"""Infix symbols of the binary sym ops and scalar arith ops."""
COMPARISONS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_CMPF = ["false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult", "ule", "une", "uno", "true"]
_CMPI = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]


def short(op: Operation) -> str:
    """``add`` for ``sym.add``, ``exp`` for ``math.exp``."""
    return op.name.split(".", 1)[-1]


def constant_text(value: np.ndarray) -> str:
    """``TensorConstant{2.0}`` (small constants in full), as Theano prints them."""
    if value.size <= 8:
        text = np.array2string(value, separator=", ", threshold=8).replace("\n", "")
        if value.ndim == 0:
            text = repr(value.item())
        return f"TensorConstant{{{text}}}"
    return f"TensorConstant{{{value.dtype}, shape={value.shape}}}"


def scalar_formula(block: Block) -> list[str]:
    """What a fused loop body computes, one formula per yielded value, in terms of
    its arguments ``i0, i1, ...``."""
    names: dict[SSAValue, str] = {a: f"i{k}" for k, a in enumerate(block.args)}
    for op in block.ops:
        if isinstance(op, loop.YieldOp):
            return [names.get(v, "?") for v in op.values]
        args = [names.get(v, "?") for v in op.operands]
        if isinstance(op, arith.ConstantOp) and isinstance(op.value, (IntegerAttr, FloatAttr)):
            v = op.value.value.data
            text = repr(v) if not isinstance(v, bool) else str(v).lower()
        elif op.name in INFIX and len(args) == 2:
            text = f"({args[0]} {INFIX[op.name]} {args[1]})"
        elif op.name in ("arith.negf",):
            text = f"(-{args[0]})"
        elif op.name in ("arith.cmpf", "arith.cmpi"):
            predicates = _CMPF if op.name == "arith.cmpf" else _CMPI
            pred = predicates[op.predicate.value.data]  # type: ignore[attr-defined]
            core = pred[1:] if pred[0] in "osu" and pred not in ("eq", "ne") else pred
            text = f"({args[0]} {COMPARISONS.get(core, pred)} {args[1]})"
        elif op.name == "arith.select":
            text = f"({args[1]} if {args[0]} else {args[2]})"
        elif op.name.startswith("arith.") and ("cast" in op.name or "ext" in op.name or "trunc" in op.name or "to" in op.name):
            text = args[0] if len(args) == 1 else f"{short(op)}({', '.join(args)})"
        elif op.name == "loop.index":
            text = f"index{op.dim.value.data}"  # type: ignore[attr-defined]
        else:
            text = f"{short(op)}({', '.join(args)})"
        for r in op.results:
            names[r] = text
    return []


def label(op: Operation) -> str:
    """A node's label: the op's name, and for a fused loop what it computes."""
    if isinstance(op, (loop.MapOp, loop.ReduceOp)) and op.body.blocks:
        formulas = ", ".join(scalar_formula(op.body.block))
        if isinstance(op, loop.ReduceOp):
            return f"{op.name}{{{op.kind.data}: {formulas}, axes={list(op.axis_tuple())}}}"
        return f"{op.name}{{{formulas}}}"
    if isinstance(op, sym.ReduceOp):
        return f"{op.name}{{{op.kind.data}, axes={list(op.axis_tuple())}}}"
    if isinstance(op, sym.CmpOp):
        return f"{op.name}{{{op.predicate.data}}}"
    return op.name


def leaf_text(value: SSAValue) -> str | None:
    """The text of a graph's leaf (an input, a shared variable, a constant), or
    None for a value an op computes."""
    owner = value.owner
    if isinstance(owner, Block):
        return value.name_hint or "<input>"
    if isinstance(owner, sym.PlaceholderOp):
        return owner.label.data or value.name_hint or "<input>"
    if isinstance(owner, (sym.ReadOp, loop.ReadOp)):
        return owner.global_name.string_value()
    if isinstance(owner, sym.ConstantOp):
        return constant_text(owner.to_numpy())
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, DenseIntOrFPElementsAttr):
        return constant_text(numpy_from_dense(owner.value))
    return None


def _ident(n: int, ids: str) -> str:
    if ids in ("", None):
        return ""
    if ids == "CHAR":
        letters = ""
        n += 1
        while n:
            n, r = divmod(n - 1, 26)
            letters = chr(65 + r) + letters
        return f" [id {letters}]"
    return f" [id {n}]"


def debugprint_lines(
    roots: Sequence[SSAValue],
    type_text: Callable[[SSAValue], str],
    print_type: bool = False,
    ids: str = "CHAR",
    depth: int = -1,
    order: dict[Operation, int] | None = None,
    stop_on_name: bool = False,
) -> list[list[str]]:
    """Theano's ``debugprint`` layout: one line per node, operands indented under
    it with `` |``; a node already printed is printed again without its
    operands; compiled functions add each op's position in the schedule. The
    lines of each root, the tags shared across them."""
    lines: list[str] = []
    numbers: dict[object, int] = {}

    def number(key: object) -> int:
        if key not in numbers:
            numbers[key] = len(numbers)
        return numbers[key]

    def visit(v: SSAValue, level: int) -> None:
        prefix = " |" * level
        leaf = leaf_text(v)
        typ = f" <{type_text(v)}>" if print_type else ""
        if leaf is not None:
            lines.append(f"{prefix}{leaf}{_ident(number(v), ids)}{typ}")
            return
        op = v.owner
        assert isinstance(op, Operation)
        name = label(op)
        if len(op.results) > 1:
            name += f".{list(op.results).index(v)}"  # type: ignore[arg-type]
        seen = op in numbers
        tag = _ident(number(op), ids)
        var_name = f" '{v.name_hint}'" if v.name_hint else " ''"
        where = f"   {order[op]}" if order is not None and op in order else ""
        lines.append(f"{prefix}{name}{tag}{typ}{var_name}{where}")
        if seen or level == depth or (stop_on_name and v.name_hint and level > 0):
            return
        for operand in op.operands:
            visit(operand, level + 1)

    per_root = []
    for root in roots:
        lines = []
        visit(root, 0)
        per_root.append(lines)
    return per_root


def function_parts(module: ModuleOp) -> tuple[func.FuncOp, list[SSAValue], list[tuple[str, SSAValue]]]:
    """The entry function of a compiled module, its outputs and its updates."""
    f = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.body.blocks)
    outputs: list[SSAValue] = []
    updates: list[tuple[str, SSAValue]] = []
    for op in f.body.block.ops:
        if isinstance(op, func.ReturnOp):
            outputs = list(op.arguments)
        elif isinstance(op, (sym.WriteOp, loop.WriteOp)):
            updates.append((op.global_name.string_value(), op.value))
    return f, outputs, updates


def to_dot(roots: Sequence[SSAValue], updates: Sequence[tuple[str, SSAValue]] = (), title: str = "") -> str:
    """Graphviz text for the graph of ``roots``: ops as boxes (a fused loop as a
    cluster of its scalar ops), inputs as green ellipses, shared variables as
    cyan ones, constants as grey notes, outputs and updates as blue boxes."""
    out = ["digraph G {", '  rankdir=TB;', '  node [fontname="Helvetica", fontsize=10];']
    if title:
        out.append(f'  label="{_esc(title)}"; labelloc=t;')
    names: dict[object, str] = {}

    def node_id(key: object) -> str:
        if key not in names:
            names[key] = f"n{len(names)}"
        return names[key]

    drawn: set[object] = set()

    def draw(v: SSAValue) -> str:
        leaf = leaf_text(v)
        if leaf is not None:
            key: object = v.owner if isinstance(v.owner, (sym.ReadOp, loop.ReadOp)) else v
            nid = node_id(key)
            if key not in drawn:
                drawn.add(key)
                if isinstance(v.owner, (sym.ReadOp, loop.ReadOp)):
                    style = 'shape=ellipse, style=filled, fillcolor="#b3e5fc"'
                elif leaf.startswith("TensorConstant"):
                    style = 'shape=note, style=filled, fillcolor="#eeeeee"'
                else:
                    style = 'shape=ellipse, style=filled, fillcolor="#c8e6c9"'
                out.append(f'  {nid} [label="{_esc(leaf)}", {style}];')
            return nid
        op = v.owner
        assert isinstance(op, Operation)
        nid = node_id(op)
        if op in drawn:
            return nid
        drawn.add(op)
        if isinstance(op, (loop.MapOp, loop.ReduceOp)) and op.body.blocks:
            out.append(f"  subgraph cluster_{nid} {{")
            out.append(f'    label="{_esc(op.name)}"; style=rounded; color="#ff9800";')
            out.append(f'    {nid} [label="{_esc(label(op))}", shape=box, style=filled, fillcolor="#ffe0b2"];')
            for k, inner in enumerate(o for o in op.body.block.ops if not isinstance(o, loop.YieldOp)):
                out.append(f'    {nid}_{k} [label="{_esc(inner.name)}", shape=box, fontsize=8];')
            out.append("  }")
        else:
            out.append(f'  {nid} [label="{_esc(label(op))}", shape=box];')
        for operand in op.operands:
            out.append(f"  {draw(operand)} -> {nid};")
        return nid

    for i, root in enumerate(roots):
        source = draw(root)
        out.append(f'  out{i} [label="output {i}", shape=box, style=filled, fillcolor="#bbdefb"];')
        out.append(f"  {source} -> out{i};")
    for i, (name, value) in enumerate(updates):
        source = draw(value)
        out.append(f'  upd{i} [label="update {_esc(name)}", shape=box, style=filled, fillcolor="#b3e5fc"];')
        out.append(f"  {source} -> upd{i};")
    out.append("}")
    return "\n".join(out) + "\n"


def function_dot(ir_text: str, title: str = "") -> str:
    """Graphviz text for a compiled function's IR (its outputs and updates)."""
    from symopt.dialects.context import parse_module

    _f, outputs, updates = function_parts(parse_module(ir_text))
    return to_dot(outputs, updates, title)


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def has_dot() -> bool:
    return shutil.which("dot") is not None


def render(dot_text: str, fmt: str) -> bytes:
    """The picture of ``dot_text`` (``svg``, ``png``, ...) drawn by Graphviz's
    ``dot`` (through the ``graphviz`` package when it is installed);
    FileNotFoundError without ``dot``."""
    if not has_dot():
        raise FileNotFoundError("Graphviz's dot program is not installed")
    try:
        import graphviz
    except ImportError:
        graphviz = None
    if graphviz is not None:
        return graphviz.Source(dot_text).pipe(format=fmt)
    return subprocess.run(["dot", f"-T{fmt}"], input=dot_text.encode(), capture_output=True, check=True).stdout
