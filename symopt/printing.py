"""Text forms of graphs and compiled functions."""

from __future__ import annotations

from symopt.runtime.function import Function


def to_mlir(f: Function) -> str:
    """The module ``function`` built for ``f``, before any pass ran, as MLIR text.

    Save it and replay the pipeline with ``symopt saved.mlir -p ...``.

    >>> import symopt, symopt.tensor as T
    >>> x = T.dvector('x')
    >>> print(to_mlir(symopt.function([x], T.exp(x))))
    builtin.module {
      func.func @main(%x: tensor<?xf64>) -> tensor<?xf64> {
        %0 = sym.exp %x : tensor<?xf64>
        func.return %0 : tensor<?xf64>
      }
    }
    """
    if not isinstance(f, Function):
        raise TypeError(f"to_mlir expects a compiled symopt Function, got {type(f).__name__}")
    return f._compiled.source


# ---------------------------------------------------------------------------
# pp, debugprint, pydotprint


def _type_text(value: object) -> str:
    from symopt.dialects.types import dtype_of, static_shape

    t = getattr(value, "type", None)
    try:
        shape = static_shape(t)  # type: ignore[arg-type]
        dims = ", ".join("?" if s is None else str(s) for s in shape)
        return f"TensorType({dtype_of(t)}, ({dims}{',' if len(shape) == 1 else ''}))"  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a random state, a memref: print the type as it is
        return str(t)


def _graph_of(obj: object, stage: str = "loop"):  # type: ignore[no-untyped-def]
    """(roots, updates, schedule) of a variable, a list of them, or a compiled
    function (its IR at ``stage``, the optimized graph)."""
    from symopt.dialects.context import parse_module
    from symopt.ir.variable import Variable
    from symopt.runtime.drawing import function_parts

    if isinstance(obj, Function):
        module = parse_module(obj.ir(stage))
        f, outputs, updates = function_parts(module)
        order = {op: k for k, op in enumerate(f.body.block.ops)}
        return outputs, updates, order
    items = obj if isinstance(obj, (list, tuple)) else [obj]
    for item in items:
        if not isinstance(item, Variable):
            raise TypeError(f"expected a symbolic variable, a list of them or a compiled function, got {item!r}")
    return [v.value for v in items], [], None


def debugprint(
    obj: object,
    depth: int = -1,
    print_type: bool = False,
    file: object = None,
    ids: str = "CHAR",
    stop_on_name: bool = False,
    done: object = None,
    print_storage: bool = False,
    print_clients: bool = False,
    used_ids: object = None,
    stage: str = "loop",
) -> object:
    """Print the graph of a variable (or a list of them) or of a compiled function
    as Theano does: one line per node, ``[id A]`` tags, operands indented under
    their node with `` |``, a node seen before printed without its operands.

    A compiled function prints its optimized graph (the IR at ``stage``, ``loop``
    by default: fused kernels are one node that says what it computes, e.g.
    ``loop.map{(i0 * i1)}``), each node followed by its position in the schedule,
    then its updates. ``print_type`` adds each value's type; ``file='str'``
    returns the text instead of printing it; ``depth`` limits the levels;
    ``ids`` is ``'CHAR'``, ``'int'`` or ``''``.

    >>> import symopt.tensor as T
    >>> x, y = T.dscalars('x', 'y')
    >>> print(debugprint(x * 2 + y, file='str'))
    sym.add [id A] ''
     |sym.mul [id B] ''
     | |x [id C]
     | |TensorConstant{2.0} [id D]
     |y [id E]
    """
    import sys

    from symopt.runtime.drawing import debugprint_lines

    roots, updates, order = _graph_of(obj, stage)
    blocks = debugprint_lines([*roots, *(v for _, v in updates)], _type_text, print_type, ids, depth, order, stop_on_name)
    lines: list[str] = []
    for k, block in enumerate(blocks):
        if k >= len(roots):
            lines.append(f"Update {updates[k - len(roots)][0]}:")
        lines += block
    text = "\n".join(lines)
    if file == "str":
        return text
    stream = sys.stdout if file is None else file
    stream.write(text + "\n")  # type: ignore[union-attr]
    return None if file is None else stream  # as Theano: the stream it was given


def pp(obj: object) -> str:
    """The expression of a variable as a formula, as Theano's ``pp``: infix
    operators, functions by name, named variables by their name, constants as
    ``TensorConstant{...}``. A compiled function gives one line per output of
    its optimized sym graph.

    >>> import symopt.tensor as T
    >>> x, y = T.dscalars('x', 'y')
    >>> pp(x ** 2 + y)
    '((x ** TensorConstant{2.0}) + y)'
    """
    from symopt.dialects import sym
    from symopt.runtime.drawing import leaf_text

    if isinstance(obj, Function):
        roots, updates, _order = _graph_of(obj, "sym")
        lines = [_pp_value(v, sym, leaf_text, top=True) for v in roots]
        lines += [f"{name} <- {_pp_value(v, sym, leaf_text, top=True)}" for name, v in updates]
        return "\n".join(lines)
    roots, _u, _o = _graph_of(obj)
    return "\n".join(_pp_value(v, sym, leaf_text, top=True) for v in roots)


def _pp_value(v, sym, leaf_text, top: bool = False) -> str:  # type: ignore[no-untyped-def]
    from symopt.runtime.drawing import COMPARISONS, INFIX

    leaf = leaf_text(v)
    if leaf is not None:
        return leaf
    if v.name_hint and not top:
        return v.name_hint
    op = v.owner
    args = [_pp_value(o, sym, leaf_text) for o in op.operands]
    name = op.name
    if name in INFIX and len(args) == 2:
        return f"({args[0]} {INFIX[name]} {args[1]})"
    if isinstance(op, sym.CmpOp):
        return f"({args[0]} {COMPARISONS.get(op.predicate.data, op.predicate.data)} {args[1]})"
    if isinstance(op, sym.NegOp):
        return f"(-{args[0]})"
    if isinstance(op, sym.DimShuffleOp):
        pattern = op.pattern_tuple()
        if len(pattern) == 2 and pattern == (1, 0):
            return f"{args[0]}.T"
        return f"DimShuffle{{{','.join('x' if p == -1 else str(p) for p in pattern)}}}({args[0]})"
    if isinstance(op, sym.ReduceOp):
        return f"{op.kind.data}({args[0]}, axis={list(op.axis_tuple())})"
    if isinstance(op, sym.CastOp):
        from symopt.dialects.types import dtype_of

        return f"cast({args[0]}, {dtype_of(op.result.type)})"
    short = name.split(".", 1)[-1]
    return f"{short}({', '.join(args)})"


def pydotprint(
    fct: object,
    outfile: str | None = None,
    compact: bool = True,
    format: str = "png",  # noqa: A002 - Theano's name
    with_ids: bool = False,
    high_contrast: bool = True,
    cond_highlight: object = None,
    colorCodes: object = None,  # noqa: N803 - Theano's name
    max_label_size: int = 70,
    scan_graphs: bool = False,
    var_with_name_simple: bool = False,
    print_output_file: bool = True,
    return_image: bool = False,
    stage: str = "sym",
) -> object:
    """Draw the graph of a variable or a compiled function with Graphviz: ops as
    boxes, fused loops (``stage='loop'`` or later) as clusters of their scalar
    ops, inputs, shared variables, constants, outputs and updates marked.

    ``format`` is ``'svg'``, ``'png'`` or ``'dot'`` (the Graphviz text itself);
    the file is ``outfile`` (by default ``symopt.pydotprint.<format>`` in the
    current directory). With ``return_image`` the picture is returned instead.
    Without Graphviz's ``dot`` program it writes the ``.dot`` text and says so in
    one line.
    """
    import os
    import sys

    from symopt.runtime.drawing import function_dot, has_dot, render, to_dot

    if isinstance(fct, Function):
        dot_text = function_dot(fct.ir(stage), f"{fct.name or ''} ({stage})")
    else:
        roots, _updates, _order = _graph_of(fct, stage)
        dot_text = to_dot(roots)
    if format == "dot" or not has_dot():
        if format != "dot":
            print(
                "pydotprint: Graphviz's dot program is not installed; writing the .dot text instead",
                file=sys.stderr,
            )
        if return_image:
            return dot_text
        path = outfile or "symopt.pydotprint.dot"
        if not path.endswith(".dot") and format != "dot":
            path = os.path.splitext(path)[0] + ".dot"
        with open(path, "w", encoding="utf-8") as f:
            f.write(dot_text)
        if print_output_file:
            print(f"The output file is available at {path}")
        return None
    image = render(dot_text, format)
    if return_image:
        return image
    path = outfile or f"symopt.pydotprint.{format}"
    with open(path, "wb") as f:
        f.write(image)
    if print_output_file:
        print(f"The output file is available at {path}")
    return None
