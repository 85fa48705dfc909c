"""Theano's ``scan``: loops with carried state, as one ``sym.scan`` op.

``scan(fn, sequences, outputs_info, non_sequences, n_steps)`` calls ``fn`` once, on
symbolic stand-ins for one step's values, and builds the loop body from what it
returns. The body is isolated: every value it reads from outside (the
non-sequences, but also any variable ``fn`` uses from its closure, shared variables
included) becomes an explicit operand of the op. Shared variables that ``fn``
updates (the updates it returns, and the random streams' states that draws made
inside it advance) are carried from step to step, and ``scan`` returns their final
values as ``updates``, which ``function`` accepts.

The gradient of a scan is a scan that runs backwards over the steps (see
``_scan_grad``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from xdsl.dialects.builtin import IntegerAttr, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from symopt.dialects import sym
from symopt.dialects.types import FLOAT_DTYPES, INT_DTYPES, static_shape
from symopt.ir.graph import depends_on, operand_values, topological_ops
from symopt.ir.nodes import as_tensor_variable, cast
from symopt.ir.shared import RandomStateSharedVariable, SharedVariable, watch_default_updates
from symopt.ir.variable import Variable, detach_uses
from symopt.tensor import basic
from symopt.tensor.grad_rules import Grads
from symopt.tensor.gradient import grad, grad_rule
from symopt.tensor.subtensor import inc_subtensor

__all__ = ["scan", "until"]


class until:
    """Theano's ``scan_module.until``: a stop condition returned by the step.

    symopt's scan runs a fixed number of steps; a step that returns ``until`` is
    rejected with a clear error."""

    def __init__(self, condition: object):
        self.condition = condition


def _taps(entry: Mapping[str, Any], default: list[int], what: str) -> list[int]:
    taps = entry.get("taps", default)
    if taps is None:
        return []
    if isinstance(taps, int):
        taps = [taps]
    try:
        out = [int(t) for t in taps]
    except (TypeError, ValueError):
        raise TypeError(f"scan: the taps of {what} must be integers, got {taps!r}") from None
    if len(set(out)) != len(out):
        raise ValueError(f"scan: the taps of {what} repeat: {out}")
    return out


def _int_scalar(v: object, what: str) -> Variable:
    var = as_tensor_variable(v)
    if var.ndim != 0 or var.dtype not in INT_DTYPES:
        raise TypeError(f"scan: {what} must be an integer scalar, got {var!r}")
    return cast(var, "int64")


def scan(
    fn: Callable[..., Any],
    sequences: object = None,
    outputs_info: object = None,
    non_sequences: object = None,
    n_steps: object = None,
    truncate_gradient: int = -1,
    go_backwards: bool = False,
    mode: object = None,
    name: str | None = None,
    profile: object = False,
    allow_gc: object = None,
    strict: bool = False,
    return_list: bool = False,
) -> tuple[Any, OrderedDict[SharedVariable, Variable]]:
    """Repeat ``fn`` over the rows of ``sequences``, feeding back ``outputs_info``.

    ``fn`` receives, in order: each sequence's taps (``x[t + k]`` for each tap
    ``k``, default ``[0]``), each fed-back output's taps (default ``[-1]``: the
    previous step's value), then the ``non_sequences``. It returns its outputs, and
    optionally a dict of shared-variable updates (``(outputs, updates)``).

    ``outputs_info`` gives, per output, its initial value (a tensor, or a dict
    ``{'initial': x, 'taps': [-2, -1]}`` whose ``x`` holds the first rows), or
    ``None`` for an output that is not fed back. ``n_steps`` defaults to the
    length of the shortest sequence. Returns ``(outputs, updates)``: each output
    stacked over the steps, and the final values of the updated shared variables.

    >>> import numpy as np, symopt, symopt.tensor as T
    >>> k = T.iscalar('k'); A = T.dvector('A')
    >>> result, updates = scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A),
    ...                        non_sequences=A, n_steps=k)
    >>> symopt.function([A, k], result[-1], updates=updates)(np.arange(5.0), 2)
    array([ 0.,  1.,  4.,  9., 16.])
    """
    if not callable(fn):
        raise TypeError(f"scan: fn must be callable, got {fn!r}")
    if truncate_gradient is None or int(truncate_gradient) == 0:
        raise ValueError("scan: truncate_gradient must be -1 (no truncation) or a positive number of steps")
    truncate = int(truncate_gradient)

    # -- sequences: each tap becomes a sequence of the op, sliced to line up --
    seq_entries = _as_list(sequences)
    user_seqs: list[tuple[Variable, list[int]]] = []
    for k, entry in enumerate(seq_entries):
        if isinstance(entry, dict):
            if "input" not in entry:
                raise ValueError(f"scan: sequence {k} is a dict without 'input'")
            var = as_tensor_variable(entry["input"])
            taps = _taps(entry, [0], f"sequence {k}")
            if not taps:
                raise ValueError(f"scan: sequence {k} has no taps")
        else:
            var, taps = as_tensor_variable(entry), [0]
        if var.ndim == 0:
            raise TypeError(f"scan: sequence {k} ({var!r}) is a scalar; sequences are iterated over their first dimension")
        user_seqs.append((var, taps))

    op_seqs: list[Variable] = []
    lengths: list[Variable] = []
    for var, taps in user_seqs:
        lo, hi = max(0, -min(taps)), max(0, max(taps))
        lengths.append(basic.shape(var)[0] - (lo + hi))
    if n_steps is not None:
        count = _int_scalar(n_steps, "n_steps")
    elif lengths:
        count = lengths[0]
        for length in lengths[1:]:
            count = basic.minimum(count, length)
        count = basic.maximum(count, 0)
    else:
        raise ValueError("scan: give sequences or n_steps, so that the number of steps is known")
    for var, taps in user_seqs:
        lo = max(0, -min(taps))
        for t in taps:
            op_seqs.append(_backwards(var, taps, t) if go_backwards else var[lo + t :])

    # -- outputs_info: initial rows and taps of the fed-back outputs ---------
    info = _as_list(outputs_info) if outputs_info is not None else []
    outputs: list[tuple[Variable | None, list[int]]] = []
    for k, entry in enumerate(info):
        if entry is None:
            outputs.append((None, []))
        elif isinstance(entry, dict):
            initial = entry.get("initial")
            if initial is None:
                if entry.get("taps") not in (None, []):
                    raise ValueError(f"scan: output {k} has taps but no 'initial' value")
                outputs.append((None, []))
                continue
            taps = _taps(entry, [-1], f"output {k}")
            if any(t >= 0 for t in taps):
                raise ValueError(f"scan: the taps of output {k} must be negative, got {taps}")
            outputs.append((as_tensor_variable(initial), sorted(taps)))
        else:
            outputs.append((as_tensor_variable(entry), [-1]))

    inits: list[Variable] = []
    init_taps: list[list[int]] = []
    for k, (initial, taps) in enumerate(outputs):
        if initial is None:
            continue
        depth = -taps[0]
        if taps == [-1]:
            stacked = basic.dimshuffle(initial, ["x", *range(initial.ndim)])
        else:
            if initial.ndim == 0:
                raise TypeError(
                    f"scan: the initial value of output {k} (taps {taps}) needs a leading "
                    f"dimension of at least {depth} rows"
                )
            sizes = [depth, *[basic.shape(initial)[d] for d in range(1, initial.ndim)]]
            stacked = basic.reshape(initial[:depth], sizes)
            if static_shape(stacked.value.type)[0] != depth:
                raise AssertionError("internal error: the initial rows lost their static size")
        inits.append(stacked)
        init_taps.append(taps)

    # -- the step function, called on the body's arguments -------------------
    params_given = [as_tensor_variable(p) for p in _as_list(non_sequences)]
    arg_types = sym.ScanOp.body_arg_types(
        [s.value.type for s in op_seqs], [i.value.type for i in inits], init_taps, []
    )
    block = Block(arg_types=arg_types)
    block.args[0].name_hint = "i"
    seq_vars = [Variable(a) for a in block.args[1 : 1 + len(op_seqs)]]
    tap_vars = [Variable(a) for a in block.args[1 + len(op_seqs) :]]
    call_args: list[Variable] = []
    pos = 0
    for var, taps in user_seqs:
        for _ in taps:
            v = seq_vars[pos]
            v.name = f"{var.name}[t]" if var.name else None
            call_args.append(v)
            pos += 1
    fed_back = iter(tap_vars)
    for initial, taps in outputs:
        for _ in taps:
            call_args.append(next(fed_back))
    call_args += params_given

    with watch_default_updates() as advanced:
        returned = fn(*call_args)
    step_outputs, step_updates = _split_return(returned)
    if len(outputs) == 0:
        outputs = [(None, [])] * len(step_outputs)
    if len(step_outputs) != len(outputs):
        raise ValueError(
            f"scan: fn returned {len(step_outputs)} outputs, but outputs_info describes "
            f"{len(outputs)}"
        )
    step_vars: list[Variable] = []
    for k, (out, (initial, out_taps)) in enumerate(zip(step_outputs, outputs)):
        v = as_tensor_variable(out)
        if initial is not None:
            if v.dtype != initial.dtype:
                raise TypeError(
                    f"scan: output {k} of fn has dtype {v.dtype}, but its initial value "
                    f"(outputs_info) has dtype {initial.dtype}; cast one of them"
                )
            if v.ndim != initial.ndim - (0 if out_taps == [-1] else 1):
                raise TypeError(
                    f"scan: output {k} of fn has rank {v.ndim}, but its initial value "
                    f"(outputs_info) gives rows of rank {initial.ndim - (0 if out_taps == [-1] else 1)}"
                )
        step_vars.append(v)

    # shared variables carried by the loop: explicit updates, then the random
    # states that draws inside fn advance
    carried: list[tuple[SharedVariable, Variable]] = []
    for var, update in step_updates.items():
        if not isinstance(var, SharedVariable):
            raise TypeError(f"scan: updates must map shared variables, got {var!r}")
        u = as_tensor_variable(update)
        if u.dtype != var.dtype or u.ndim != var.ndim:
            raise TypeError(
                f"scan: the update of {var!r} has type {u.type!r}, but the variable has "
                f"type {var.type!r}"
            )
        carried.append((var, u))
    explicit = {id(v) for v, _ in carried}
    substitute: dict[SSAValue, SSAValue] = {}
    host_updates: list[tuple[SharedVariable, Variable]] = []
    for var in advanced:
        if id(var) in explicit or var.default_update is None:
            continue
        explicit.add(id(var))
        if isinstance(var, RandomStateSharedVariable):
            # a NumPy stream: all the steps' draws at once, before the loop (NumPy
            # draws elementwise in order, so one draw of (n, *size) gives what n
            # draws of size would), read row by row as a sequence
            sample, new_state = _hoist_host_draw(var, block, count)
            arg = block.insert_arg(sym.with_shape(sample.value.type, static_shape(sample.value.type)[1:]), 1 + len(op_seqs))
            op_seqs.append(sample)
            substitute[var.default_update.value.owner.sample] = arg  # type: ignore[union-attr]
            var.default_update = new_state
            host_updates.append((var, new_state))
            continue
        carried.append((var, var.default_update))
    state_args: list[SSAValue] = []
    for var, _ in carried:
        t = var.value.type
        arg = block.insert_arg(t, len(block.args))
        arg.name_hint = var.name
        state_args.append(arg)

    recurrent = [v for v, (init, _) in zip(step_vars, outputs) if init is not None]
    others = [v for v, (init, _) in zip(step_vars, outputs) if init is None]
    roots = [v.value for v in recurrent] + [u.value for _, u in carried] + [v.value for v in others]
    substitute.update({var.value: arg for (var, _), arg in zip(carried, state_args)})
    yielded, params = _close_body(block, roots, substitute, strict, params_given)

    for var, _ in carried:
        inits.append(basic.dimshuffle(var, ["x", *range(var.ndim)]))
        init_taps.append([-1])
    # every output keeps its history (the gradient recomputes each step from it,
    # random states included)
    last = [False] * (len(recurrent) + len(carried))
    block.add_op(sym.YieldOp(*yielded))

    steps = basic._constant_int(count)
    result_types = []
    for init, taps, flag in zip(inits, init_taps, last):
        result_types.append(sym.ScanOp.result_type(init.value.type, flag, steps, -taps[0]))
    for v in others:
        result_types.append(sym.with_shape(v.value.type, (steps, *static_shape(v.value.type))))
    op = sym.ScanOp(
        count.value, [s.value for s in op_seqs], [i.value for i in inits], params,
        init_taps, last, Region(block), result_types,
    )  # fmt: skip
    if truncate > 0:
        op.attributes["truncate_gradient"] = IntegerAttr(truncate, i64)
    try:
        op.verify()
    except VerifyException as e:  # a type the body cannot have: the user's step function
        raise ValueError(f"scan: {e}") from None
    detach_uses(op)
    results = [Variable(r) for r in op.outs]

    n_rec = len(recurrent)
    out_vars: list[Variable] = []
    rec_iter = iter(zip(results[:n_rec], init_taps[:n_rec]))
    other_iter = iter(results[n_rec + len(carried) :])
    for initial, taps in outputs:
        if initial is None:
            out_vars.append(next(other_iter))
        else:
            stored, tl = next(rec_iter)
            out_vars.append(stored[-tl[0] :])
    for v in out_vars:
        if name:
            v.name = name
    updates: OrderedDict[SharedVariable, Variable] = OrderedDict()
    for (var, _), final in zip(carried, results[n_rec : n_rec + len(carried)]):
        updates[var] = final[-1]
    for var, new_state in host_updates:
        updates[var] = new_state
    if return_list or len(out_vars) != 1:
        return out_vars, updates
    return out_vars[0], updates


def _as_list(x: object) -> list[Any]:
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _backwards(var: Variable, taps: list[int], t: int) -> Variable:
    """The rows tap ``t`` reads when the sequence is walked from its end: step ``i``
    reads ``var[end - 1 - i + t]`` where ``end`` is the last position every tap
    reaches, reversed so that row ``i`` is step ``i``'s."""
    hi = max(0, max(taps))
    length = basic.shape(var)[0]
    stop = basic.maximum(length - hi + t, 0)  # one past the row step 0 reads
    window = var[:stop]
    return window[::-1]


def _split_return(returned: object) -> tuple[list[Any], dict[Any, Any]]:
    """fn's return value as (outputs, updates), in any of Theano's forms."""
    def is_updates(x: object) -> bool:
        return isinstance(x, dict) or (
            isinstance(x, (list, tuple)) and bool(x) and all(
                isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], SharedVariable) for p in x
            )
        )

    def as_updates(x: object) -> dict[Any, Any]:
        return dict(x) if not isinstance(x, dict) else x  # type: ignore[arg-type]

    if isinstance(returned, until) or (
        isinstance(returned, (list, tuple)) and any(isinstance(r, until) for r in returned)
    ):
        raise NotImplementedError(
            "scan: fn returned an until(...) condition; symopt's scan runs a fixed "
            "number of steps (give n_steps and compute the stop condition with ifelse)"
        )
    if is_updates(returned):
        return [], as_updates(returned)
    if isinstance(returned, tuple) and len(returned) == 2:
        a, b = returned
        if is_updates(b) and not isinstance(b, Variable):
            return _as_list(a), as_updates(b)
        if is_updates(a) and not isinstance(a, Variable):
            return _as_list(b), as_updates(a)
    if returned is None:
        return [], {}
    return _as_list(returned), {}


def _close_body(
    block: Block,
    roots: list[SSAValue],
    substitute: dict[SSAValue, SSAValue],
    strict: bool,
    given: Sequence[Variable],
) -> tuple[list[SSAValue], list[SSAValue]]:
    """Clone into ``block`` the ops between its arguments and ``roots`` (uses of the
    values in ``substitute`` read the replacements); every other value they read
    becomes a new argument. Returns the yielded values and the outer values the
    new arguments stand for (the op's ``params``)."""
    args = set(block.args)
    leaves = args | set(substitute)
    ops = topological_ops(roots, lambda v: v in leaves)
    inside = depends_on(ops, leaves)
    for op in ops:
        if _runs_on_host(op) and any(r in inside for r in op.results):
            raise NotImplementedError(
                "scan: a RandomStreams draw inside the step function runs on the host, "
                "and symopt compiles the whole loop; draw with "
                "symopt.sandbox.rng_mrg.MRG_RandomStreams inside scan (its draws are "
                "compiled), or draw all steps' values outside and pass them as a sequence"
            )
    mapping: dict[SSAValue, SSAValue] = dict(substitute)
    params: list[SSAValue] = []
    given_ids = {id(g.value) for g in given}

    def outer(v: SSAValue) -> SSAValue:
        """The body's stand-in for an outer value ``v``."""
        if v in mapping:
            return mapping[v]
        owner = v.owner
        if isinstance(owner, sym.ConstantOp):
            clone = owner.clone()
            block.add_op(clone)
            mapping[v] = clone.results[0]
            return mapping[v]
        if strict and id(v) not in given_ids and not _is_shared(v):
            raise ValueError(
                f"scan: strict=True, but the step function reads {Variable(v)!r}, which is "
                "not among the non_sequences"
            )
        params.append(v)
        arg = block.insert_arg(v.type, len(block.args))
        arg.name_hint = v.name_hint
        mapping[v] = arg
        return arg

    for op in ops:
        if not any(r in inside for r in op.results):
            continue
        for v in operand_values(op):
            if v not in args and v not in inside:
                outer(v)
        clone = op.clone(value_mapper=mapping)
        detach_uses(clone)
        block.add_op(clone)
    yielded = []
    for r in roots:
        if r in args:
            yielded.append(r)
        elif r in mapping:
            yielded.append(mapping[r])
        else:
            yielded.append(outer(r))
    return yielded, params


def _hoist_host_draw(var: RandomStateSharedVariable, block: Block, count: Variable) -> tuple[Variable, Variable]:
    """The draw that advances ``var`` inside the step, made for every step at once
    outside it: its sample has a leading dimension of ``count`` rows."""
    draw = var.default_update.value.owner  # type: ignore[union-attr]
    if not isinstance(draw, sym.RandomOp) or draw.distribution.data == "shuffle_row_elements":
        raise NotImplementedError(
            f"scan: the random draw {draw.name if draw else ''} inside the step cannot be "
            "made for all steps at once; draw with MRG_RandomStreams inside scan"
        )
    leaves = set(block.args)
    deps = [draw.size, *draw.params]
    ops = topological_ops(deps, lambda v: v in leaves)
    if any(v in depends_on(ops, leaves) for v in deps):
        raise NotImplementedError(
            "scan: a RandomStreams draw inside the step has a size or parameters that "
            "depend on the step's values; draw with "
            "symopt.sandbox.rng_mrg.MRG_RandomStreams inside scan (its draws are compiled "
            "into the loop)"
        )
    steps = basic.dimshuffle(count, ["x"])
    size = basic.concatenate([steps, Variable(draw.size)])
    sample_type = sym.with_shape(
        draw.sample.type, (basic._constant_int(count), *static_shape(draw.sample.type))  # type: ignore[arg-type]
    )
    new = sym.RandomOp(draw.distribution.data, var.value, size.value, list(draw.params), sample_type)
    basic.apply(new)
    return Variable(new.sample), Variable(new.new_state)


def _is_shared(v: SSAValue) -> bool:
    return getattr(v.owner, "shared_variable", None) is not None


def _runs_on_host(op: Operation) -> bool:
    return op.has_trait(sym.RunsOnHost) or any(
        inner.has_trait(sym.RunsOnHost) for region in op.regions for inner in region.walk()
    )



# ---------------------------------------------------------------------------
# the gradient: a scan over the steps in reverse


def _truncate(op: sym.ScanOp) -> int:
    attr = op.attributes.get("truncate_gradient")
    return attr.value.data if isinstance(attr, IntegerAttr) else -1


@grad_rule(sym.ScanOp)
def _scan_grad(op: sym.ScanOp, inputs, outputs, grads) -> Grads:  # type: ignore[no-untyped-def]
    """Backpropagation through the steps, as a scan from the last step to the first.

    Step ``i`` of the forward scan is recomputed from its stored inputs (the rows
    of the sequences, the fed-back rows of the stored outputs) and differentiated
    with ``grad``. The backward scan carries, for each recurrent output with ``k``
    taps, a window of ``k`` rows: the gradient that later steps sent to the rows
    step ``i`` produced or reads; and for each non-sequence the sum of its
    gradients so far. The sequences' gradients are its stacked outputs.
    """
    ns, ni = len(op.seqs), len(op.inits)
    n = inputs[0]
    seqs = inputs[1 : 1 + ns]
    inits = inputs[1 + ns : 1 + ns + ni]
    params = inputs[1 + ns + ni :]
    taps, last = op.tap_lists(), op.last_flags()
    stored = outputs[:ni]
    out_grads = list(grads)
    nothing: Grads = [None] * len(inputs)
    if all(g is None for g in out_grads):
        return nothing

    def floating(v: Variable) -> bool:
        return v.dtype in FLOAT_DTYPES

    # which recurrent outputs carry gradient windows: float, stored
    windowed = [j for j in range(ni) if floating(inits[j]) and not last[j]]
    for j in range(ni):
        if last[j] and out_grads[j] is not None and floating(inits[j]):
            raise NotImplementedError(
                "grad: a scan output that keeps only its last row has no history to "
                "differentiate through"
            )
    float_params = [p for p in range(len(params)) if floating(params[p])]
    float_seqs = [s for s in range(ns) if floating(seqs[s])]

    # the backward scan's sequences, row t = forward step n-1-t
    b_seqs: list[Variable] = [s[:n][::-1] for s in seqs]
    for j in range(ni):
        if last[j]:
            continue
        k = -taps[j][0]
        for t in taps[j]:
            b_seqs.append(stored[j][k + t : k + t + n][::-1])
    cot_seq: dict[int, int] = {}  # forward output -> index in b_seqs
    for j in range(ni):
        g = out_grads[j]
        if g is not None and j in windowed:
            k = -taps[j][0]
            cot_seq[j] = len(b_seqs)
            b_seqs.append(g[k : k + n][::-1])
    for m in range(ni, len(outputs)):
        g = out_grads[m]
        if g is not None and floating(outputs[m]):
            cot_seq[m] = len(b_seqs)
            b_seqs.append(g[:n][::-1])

    # carried state: one window per windowed output, one sum per float param
    b_inits: list[Variable] = []
    for j in windowed:
        b_inits.append(basic.dimshuffle(basic.zeros_like(inits[j]), ["x", *range(inits[j].ndim)]))
    for p in float_params:
        b_inits.append(basic.dimshuffle(basic.zeros_like(params[p]), ["x", *range(params[p].ndim)]))
    b_taps = [[-1]] * len(b_inits)
    arg_types = sym.ScanOp.body_arg_types(
        [s.value.type for s in b_seqs], [v.value.type for v in b_inits], b_taps,
        [p.value.type for p in params],
    )  # fmt: skip
    block = Block(arg_types=arg_types)
    bargs = list(block.args)
    t_arg = Variable(bargs[0])
    seq_rows = [Variable(a) for a in bargs[1 : 1 + len(b_seqs)]]
    states = [Variable(a) for a in bargs[1 + len(b_seqs) : 1 + len(b_seqs) + len(b_inits)]]
    param_args = [Variable(a) for a in bargs[len(bargs) - len(params) :]]

    # recompute the forward step
    fwd = op.body.block
    fwd_args = list(fwd.args)
    mapping: dict[SSAValue, SSAValue] = {}
    step = n - 1 - t_arg
    mapping[fwd_args[0]] = step.value
    for s in range(ns):
        mapping[fwd_args[1 + s]] = seq_rows[s].value
    tap_inputs: dict[tuple[int, int], Variable] = {}
    pos = ns
    fwd_pos = 1 + ns
    for j in range(ni):
        for t in taps[j]:
            if last[j]:
                raise NotImplementedError(
                    "grad: a scan whose step reads a state it keeps only the last row of"
                )
            v = Variable(fwd_args[fwd_pos])
            tap_inputs[(j, t)] = Variable(seq_rows[pos].value)
            mapping[v.value] = seq_rows[pos].value
            pos += 1
            fwd_pos += 1
    for p, a in zip(fwd_args[fwd_pos:], param_args):
        mapping[p] = a.value
    for inner in fwd.ops:
        if isinstance(inner, sym.YieldOp):
            ys = [Variable(mapping.get(v, v)) for v in inner.values]
            break
        clone = inner.clone(value_mapper=mapping)
        detach_uses(clone)
    else:  # pragma: no cover - the verifier requires the yield
        raise AssertionError("internal error: scan body without sym.yield")

    # the cotangent of each yielded value at this step
    window_of = {j: states[w] for w, j in enumerate(windowed)}
    known: dict[Variable, Variable] = {}
    for j in windowed:
        k = -taps[j][0]
        g = window_of[j][k - 1]
        if j in cot_seq:
            g = g + seq_rows[cot_seq[j]]
        known[Variable(ys[j].value)] = g
    for m in range(ni, len(outputs)):
        if m in cot_seq:
            known[Variable(ys[m].value)] = seq_rows[cot_seq[m]]
    wrt: list[Variable] = [seq_rows[s] for s in float_seqs]
    wrt += [tap_inputs[(j, t)] for j in windowed for t in taps[j]]
    wrt += [param_args[p] for p in float_params]
    if known and wrt:
        d = grad(None, wrt, known_grads=known, disconnected_inputs="ignore")
    else:
        d = [basic.zeros_like(w) for w in wrt]
    d_seqs = d[: len(float_seqs)]
    d_taps = d[len(float_seqs) : len(float_seqs) + sum(len(taps[j]) for j in windowed)]
    d_params = d[len(d) - len(float_params) :] if float_params else []

    new_states: list[Variable] = []
    tap_iter = iter(d_taps)
    for w, j in enumerate(windowed):
        k = -taps[j][0]
        window = states[w]
        if k == 1:
            shifted = basic.zeros_like(window)
        else:
            head = basic.zeros_like(window[:1])
            shifted = basic.concatenate([head, window[: k - 1]], axis=0)
        for t in taps[j]:
            shifted = inc_subtensor(shifted[k + t], next(tap_iter))
        new_states.append(shifted)
    for a, dp in zip(states[len(windowed) :], d_params):
        new_states.append(a + dp)

    roots = [v.value for v in new_states] + [v.value for v in d_seqs]
    yielded, extra = _close_body(block, roots, {}, False, [])
    block.add_op(sym.YieldOp(*yielded))
    truncate = _truncate(op)
    count = n if truncate <= 0 else basic.minimum(n, truncate)
    result_types = [
        sym.ScanOp.result_type(i.value.type, True, None, 1) for i in b_inits
    ] + [sym.with_shape(v.value.type, (None, *static_shape(v.value.type))) for v in d_seqs]
    back = sym.ScanOp(
        count.value, [s.value for s in b_seqs], [i.value for i in b_inits],
        [p.value for p in params] + extra, b_taps, [True] * len(b_inits), Region(block),
        result_types,
    )  # fmt: skip
    back.verify()
    detach_uses(back)
    res = [Variable(r) for r in back.outs]

    out: Grads = list(nothing)
    for w, j in enumerate(windowed):
        k = -taps[j][0]
        d_init = res[w]
        if truncate > 0:
            d_init = basic.switch(basic.ge(truncate, n), d_init, basic.zeros_like(d_init))
        g = out_grads[j]
        if g is not None:
            d_init = d_init + g[:k]
        out[1 + ns + j] = d_init
    for a, p in enumerate(float_params):
        out[1 + ns + ni + p] = res[len(windowed) + a]
    for r, s in enumerate(float_seqs):
        rows = res[len(b_inits) + r][::-1]
        start = n - count
        out[1 + s] = inc_subtensor(basic.zeros_like(seqs[s])[start:n], rows)
    return out
