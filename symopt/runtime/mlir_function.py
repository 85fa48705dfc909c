"""``symopt.compile_mlir``: IR text at any stage made into a ``Function``.

The IR's inputs become the function's arguments (checked and converted like a
``function``'s), its globals new shared variables (``fn.shared["w"]``), and its
writes updates committed after a successful call. ``to_mlir(f)`` followed by
``compile_mlir`` gives a function equal to ``f``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from symopt.ir.shared import RandomStateSharedVariable, SharedVariable
from symopt.ir.variable import TensorType
from symopt.runtime.function import Function, In, _Compiled, _Slot
from symopt.runtime.mlir import load, read_source
from symopt.runtime.mode import Mode, resolve_mode

__all__ = ["MlirFunction", "compile_mlir"]


class MlirFunction(Function):
    """A ``Function`` made from IR text; ``shared`` maps each global of the IR to
    the shared variable that holds its value."""

    @property
    def shared(self) -> dict[str, SharedVariable]:
        return dict(self._globals)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError(
            "a function made by compile_mlir is not picklable; pickle its IR text and "
            "compile it again"
        )


def compile_mlir(
    source: str | os.PathLike[str],
    entry: str = "main",
    mode: str | Mode | None = None,
    globals: Mapping[str, object] | None = None,  # noqa: A002 - the name users expect
    pipeline: str | None = None,
) -> MlirFunction:
    """Compile IR text (or the file at a path) at any stage, from ``sym`` down to
    the bufferized and ``scf`` levels: the rest of the pipeline runs, and the
    result is called like a ``function``.

    ``globals`` gives the initial values of the IR's globals (zeros otherwise,
    with 0 for sizes the IR leaves dynamic; a NumPy stream's state is a
    ``RandomState``, ``RandomState(0)`` otherwise); ``mode`` is ``'native'`` or ``'py'``
    (the reference executor, sym level only); ``pipeline`` replaces the sym-level
    passes.

    >>> f = compile_mlir('''
    ... func.func @main(%x: tensor<?xf64>) -> tensor<f64> {
    ...   %s = sym.reduce "sum" %x axes = array<i64: 0> : tensor<?xf64> -> tensor<f64>
    ...   func.return %s : tensor<f64>
    ... }''')
    >>> f([1.0, 2.0])
    array(3.)
    """
    chosen = resolve_mode(mode, None)
    if chosen.executor not in ("native", "py"):
        raise ValueError(f"compile_mlir: mode must be 'native' or 'py', got {chosen.executor!r}")
    text = read_source(source)
    program = load(text, entry, chosen.executor, pipeline if pipeline is not None else chosen.pipeline)
    initial = dict(globals or {})
    known = {g.name for g in program.globals}
    unknown = sorted(set(initial) - known)
    if unknown:
        listed = ", ".join(f"@{n}" for n in sorted(known)) or "none"
        raise ValueError(f"compile_mlir: no global named {', '.join(unknown)} (the IR has {listed})")
    shared: dict[str, SharedVariable] = {}
    for g in program.globals:
        if g.kind == "random_state":
            state = initial.get(g.name, np.random.RandomState(0))
            if not isinstance(state, np.random.RandomState):
                raise TypeError(f"compile_mlir: global @{g.name} holds a numpy.random.RandomState, got {state!r}")
            shared[g.name] = RandomStateSharedVariable(state, name=g.name)
            continue
        t = TensorType(g.dtype, g.shape)
        if g.name in initial:
            value = t.filter(initial[g.name], strict=False, allow_downcast=False, what=f"global @{g.name}")
        else:
            value = np.zeros(tuple(0 if s is None else s for s in g.shape), dtype=g.dtype)
        shared[g.name] = SharedVariable(value, t, name=g.name)
    slots = []
    for v in program.inputs:
        t = TensorType(v.dtype, v.shape)
        slots.append(_Slot(In(t(v.name)), t, []))
    from symopt.dialects.context import parse_module

    compiled = _Compiled(
        module=program.module if program.module is not None else parse_module(text),
        text=text,
        executor=program.executor,  # type: ignore[arg-type]
        n_outputs=len(program.outputs),
        input_updates=[],
        mode=chosen,
    )
    return MlirFunction(
        compiled, slots, shared, unpack_single=len(program.outputs) == 1,
        name=entry, allow_input_downcast=None,
    )  # fmt: skip
