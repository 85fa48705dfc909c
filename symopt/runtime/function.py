"""``function``: compile a graph into a callable ``Function``.

``function`` checks its arguments, builds the module (``symopt.ir.build``), runs the
sym pipeline on it and hands it to an executor (module in, callable out). A call
binds positional and keyword arguments, converts each value once to its input's
type, runs the executor on the inputs and the shared variables' current values,
and commits the updates only after the whole call has succeeded.
"""

from __future__ import annotations

import gc
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue

from symopt.dialects import sym
from symopt.ir.build import build_module, shared_of
from symopt.ir.graph import topological_ops
from symopt.ir.nodes import as_tensor_variable, cast
from symopt.ir.shared import SharedVariable
from symopt.ir.variable import RandomStateType, TensorType, Variable
from symopt.runtime.mode import Mode, resolve_mode

Executor = Callable[
    [Sequence[np.ndarray], Mapping[str, np.ndarray]],
    tuple[list[np.ndarray], dict[str, np.ndarray]],
]


class UnusedInputError(ValueError):
    """An input of ``function`` that the outputs and updates do not depend on."""


class In:
    """An input of ``function`` with its options (Theano's ``In``).

    ``value`` is a default, which makes the argument optional; ``name`` overrides
    the variable's name as keyword; ``update`` is an expression whose value becomes
    the new default after each call. ``mutable`` and ``borrow`` are accepted for
    compatibility: symopt never writes into an input's array.

    >>> import symopt.tensor as T
    >>> from symopt import function
    >>> x, y = T.dscalars('x', 'y')
    >>> f = function([x, In(y, value=1)], x + y)
    >>> f(33)
    array(34.)
    """

    _NO_VALUE = object()

    def __init__(
        self,
        variable: Variable,
        name: str | None = None,
        value: object = _NO_VALUE,
        update: object = None,
        mutable: bool = False,
        strict: bool = False,
        allow_downcast: bool | None = None,
        autoname: bool = True,
        implicit: bool | None = None,
        borrow: bool = False,
    ):
        if not isinstance(variable, Variable):
            raise TypeError(f"In: expected a symbolic variable, got {variable!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"In: name must be a str, got {name!r}")
        self.variable = variable
        self.name = name if name is not None else (variable.name if autoname else None)
        self.value = value
        self.update = update
        self.mutable = mutable
        self.strict = strict
        self.allow_downcast = allow_downcast
        self.borrow = borrow
        self.implicit = bool(implicit)

    @property
    def has_default(self) -> bool:
        return self.value is not In._NO_VALUE

    def __repr__(self) -> str:
        return f"In({self.variable!r}, name={self.name!r})"


class Out:
    """An output of ``function`` with its options (Theano's ``Out``).

    ``borrow=True`` lets Theano return its internal buffer; symopt always returns an
    array the caller owns, so it changes nothing.

    >>> import symopt.tensor as T
    >>> from symopt import function
    >>> x = T.dvector('x')
    >>> function([x], Out(x * 2, borrow=True))([1.0])
    array([2.])
    """

    def __init__(self, variable: Variable, borrow: bool = False):
        if not isinstance(variable, Variable):
            raise TypeError(f"Out: expected a symbolic variable, got {variable!r}")
        self.variable = variable
        self.borrow = borrow

    def __repr__(self) -> str:
        return f"Out({self.variable!r}, borrow={self.borrow})"


def Param(
    variable: Variable,
    default: object = None,
    name: str | None = None,
    mutable: bool = False,
    strict: bool = False,
    allow_downcast: bool | None = None,
    implicit: bool | None = None,
) -> In:
    """Theano's older spelling of ``In``: ``Param(y, default=1)``.

    ``default=None`` means no default (as in Theano).
    """
    return In(
        variable,
        name=name,
        value=In._NO_VALUE if default is None else default,
        mutable=mutable,
        strict=strict,
        allow_downcast=allow_downcast,
        implicit=implicit,
    )


@dataclass
class _Slot:
    """One input of a compiled function."""

    spec: In
    type: TensorType
    default: list[Any] = field(default_factory=list)
    """[value] when the input has a default (a list so copies can share it)."""

    @property
    def name(self) -> str | None:
        return self.spec.name


@dataclass
class _Compiled:
    """What copies of a function share: the module and its executor."""

    module: ModuleOp
    text: str | None
    """The module as first built (before the pipeline), as MLIR text; None until
    it is first asked for (``source``), where the executor left the module as
    it is."""
    executor: Executor
    n_outputs: int
    input_updates: list[int]
    """Input positions whose In(update=...) values follow the outputs."""
    mode: Mode | None = None
    _without_updates: _Compiled | None = None

    @property
    def source(self) -> str:
        """The module as first built (before the pipeline), as MLIR text."""
        if self.text is None:
            self.text = str(self.module)
        return self.text

    def without_updates(self) -> _Compiled:
        """The same function compiled without its shared-variable updates (for
        ``copy(delete_updates=True)``): updates may be made in place, so a copy
        that must not write cannot reuse this code."""
        if self._without_updates is None:
            from symopt.dialects.context import parse_module

            module = parse_module(self.source)
            for op in list(module.walk()):
                if isinstance(op, sym.WriteOp):
                    op.detach()
                    op.erase()
            source = str(module)
            assert self.mode is not None
            self._without_updates = _Compiled(
                module=module,
                text=source,
                executor=_make_executor(module, self.mode, source),
                n_outputs=self.n_outputs,
                input_updates=self.input_updates,
                mode=self.mode,
            )
        return self._without_updates

    @cached_property
    def atomic(self) -> bool:
        """Whether a call must not be cut by a Ctrl-C between the kernel and the
        end of the commit (it would leave some state new and some old): its
        kernel writes a variable's own buffer, or it commits several values.
        Computed once for the function and its copies."""
        writes = sum(1 for op in self.module.walk() if isinstance(op, sym.WriteOp))
        return bool(getattr(self.executor, "_inplace", False)) or writes + len(self.input_updates) > 1

    def stages(self) -> dict[str, str]:
        """The module's text at each compilation stage (see ``Function.ir``)."""
        return getattr(self.executor, "stages", None) or {"sym": str(self.module)}


class _PipelineError(ValueError):
    pass


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while compiling: compiling makes
    many objects and few cycles, and each full collection walks every live
    object, so a large graph would pay for a quadratic number of visits."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _make_executor(module: ModuleOp, mode: Mode, source: str | None = None, profile: bool = False) -> Executor:
    """Run the mode's pipeline on ``module`` and build its executor (with the
    cyclic garbage collector paused; ``profile``: native code times each kernel)."""
    from xdsl.utils.exceptions import ArgSpecParseError

    from symopt.passes import check_pipeline

    try:
        check_pipeline(mode.effective_pipeline)
    except (ValueError, ArgSpecParseError) as e:
        raise _PipelineError(str(e)) from None
    with _collector_paused():
        return _build_executor(module, mode, source, profile)


_NATIVE_EXECUTORS = ("native", "debug")
"""The executors that compile a copy of the module (and leave it as it is)."""


def _build_executor(module: ModuleOp, mode: Mode, source: str | None, profile: bool = False) -> Executor:
    from symopt.passes import run_pipeline

    if mode.executor == "py":
        from symopt.runtime.reference import ReferenceExecutor

        run_pipeline(module, mode.effective_pipeline)
        module.verify()
        return ReferenceExecutor(module)
    if mode.executor in ("cuda", "gpu-emulator"):
        from symopt.runtime.gpu import GpuExecutor

        device = "cuda" if mode.executor == "cuda" else "emulator"
        return GpuExecutor(module, mode.effective_pipeline, device, source, mode.device_outputs)
    from symopt.runtime.native import compile_native

    native = compile_native(module, mode.effective_pipeline, source, profile)
    if mode.executor == "debug":
        from symopt.runtime.debug import DebugExecutor
        from symopt.runtime.reference import ReferenceExecutor

        reference = module.clone()
        run_pipeline(reference, "sym-opt")
        return DebugExecutor(native, ReferenceExecutor(reference), mode.effective_pipeline)
    return native


class Function:
    """A compiled function; call it with values for its inputs.

    Outputs are fresh arrays (a single output variable gives one array, a list of
    outputs a list). Updates of shared variables are committed after the call has
    succeeded; a failed call changes nothing.
    """

    def __init__(
        self,
        compiled: _Compiled,
        slots: list[_Slot],
        globals_: dict[str, SharedVariable],
        unpack_single: bool,
        name: str | None,
        allow_input_downcast: bool | None,
        writes_enabled: bool = True,
        trust_input: bool = False,
    ):
        self._compiled = compiled
        self._slots = slots
        self._globals = globals_
        self._unpack_single = unpack_single
        self.name = name
        self._allow_input_downcast = allow_input_downcast
        self._writes_enabled = writes_enabled
        self._by_name: dict[str, list[int]] = {}
        for i, slot in enumerate(slots):
            if slot.name is not None:
                self._by_name.setdefault(slot.name, []).append(i)
        self._trust_input = trust_input
        self._converters = [self._converter(i) for i in range(len(slots))]
        # native results are fresh buffers (or a variable's own storage, updated in
        # place): no aliasing checks for them
        self._fresh_results = getattr(compiled.executor, "fresh_results", False)
        self._device_values = getattr(compiled.executor, "device_values", False)
        self._atomic = compiled.atomic
        self._fast = self._python_entry()

    @property
    def unpack_single(self) -> bool:
        """Whether a single output is returned as itself rather than in a list."""
        return self._unpack_single

    @unpack_single.setter
    def unpack_single(self, value: bool) -> None:
        self._unpack_single = bool(value)
        self._fast = self._python_entry()  # it returns what the function does

    def _python_entry(self) -> Any:
        """The executor's Python entry for this function (the whole call in
        native code, see ``symopt.lowering.pyentry``), or None. A Python number
        may feed a 0-d input that is not strict, where it converts exactly."""
        make = getattr(self._compiled.executor, "python_entry", None)
        if make is None or not self._writes_enabled or self._compiled.input_updates:
            return None
        self._failure = self._compiled.executor.Failure
        scalars = [s.type.ndim == 0 and not s.spec.strict for s in self._slots]
        return make([s.type for s in self._slots], scalars, self.unpack_single, self._globals, self.name)

    # -- introspection ---------------------------------------------------------

    @property
    def maker(self):  # type: ignore[no-untyped-def]
        """How the function was made, as Theano's ``f.maker``: ``fgraph`` is a
        read-only view of the compiled sym graph (``symopt.runtime.fgraph``)."""
        from symopt.runtime.fgraph import FunctionMaker

        maker = self.__dict__.get("_maker")
        if maker is None:
            maker = self.__dict__["_maker"] = FunctionMaker(self)
        return maker

    @property
    def module(self) -> ModuleOp:
        """The module the executor runs (after the sym pipeline)."""
        self._compiled.source  # noqa: B018 - its text first, as compiled (the caller may change the module)
        return self._compiled.module

    def ir(self, stage: str = "sym") -> str:
        """The module at a compilation stage, as text to save and replay with
        ``symopt``: ``"sym"`` (after the sym passes), ``"loop"`` (after fusion),
        ``"bufferized"``, ``"scf"`` (the last MLIR stage) and ``"llvm"`` (LLVM IR)
        for native code; ``"sym"`` for the reference executor."""
        stages = self._compiled.stages()
        if stage not in stages:
            raise ValueError(
                f"{self._label()} has no stage {stage!r}; available: {', '.join(stages)}"
            )
        return stages[stage]

    @property
    def inputs(self) -> list[In]:
        return [s.spec for s in self._slots]

    def _label(self) -> str:
        return f"function {self.name!r}" if self.name else "function"

    # -- calling ---------------------------------------------------------------

    def _bind(self, args: tuple[object, ...], kwargs: dict[str, object]) -> list[object]:
        slots = self._slots
        if len(args) > len(slots):
            raise TypeError(
                f"{self._label()} takes at most {len(slots)} argument"
                f"{'s' if len(slots) != 1 else ''} ({len(args)} given)"
            )
        values: list[object] = list(args) + [_UNSET] * (len(slots) - len(args))
        for key, value in kwargs.items():
            positions = self._by_name.get(key)
            if not positions:
                known = ", ".join(repr(s.name) for s in slots if s.name) or "none"
                raise TypeError(
                    f"{self._label()} got an unknown keyword argument {key!r} "
                    f"(named inputs: {known})"
                )
            if len(positions) > 1:
                raise TypeError(
                    f"{self._label()}: keyword {key!r} is ambiguous, "
                    f"{len(positions)} inputs have that name"
                )
            i = positions[0]
            if values[i] is not _UNSET:
                raise TypeError(
                    f"{self._label()} got multiple values for input {key!r} "
                    f"(argument {i}): positionally and by keyword"
                )
            values[i] = value
        for i, slot in enumerate(slots):
            if values[i] is _UNSET:
                if not slot.default:
                    label = repr(slot.name) if slot.name else f"at position {i}"
                    raise TypeError(
                        f"{self._label()} is missing the required input {label} "
                        f"(argument {i}, {slot.type!r})"
                    )
                values[i] = slot.default[0]
        return values

    def _convert(self, values: list[object]) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        for i, (slot, value) in enumerate(zip(self._slots, values)):
            label = f"input {slot.name!r}" if slot.name else "input"
            allow = slot.spec.allow_downcast
            if allow is None:
                allow = self._allow_input_downcast
            out.append(
                slot.type.filter(
                    value,
                    strict=slot.spec.strict,
                    allow_downcast=allow,
                    what=f"{self._label()}, {label} (argument {i})",
                )
            )
        return out

    def __call__(self, *args: object, **kwargs: object) -> Any:
        fast = self._fast
        if fast is not None and not kwargs:
            try:
                result = fast(*args)
            except self._failure as e:
                raise _with_lines(self._compiled.executor.failure(e), self._compiled.module) from None
            if result is not NotImplemented:
                return result
        if kwargs or len(args) != len(self._slots):
            arrays = self._convert(self._bind(args, kwargs))
        else:
            arrays = [convert(a) for convert, a in zip(self._converters, args)]
        if self._device_values:  # the variables' values where they are (a device)
            storage = {s: v._storage for s, v in self._globals.items()}
        else:
            storage = {s: v.get_value(borrow=True) for s, v in self._globals.items()}
        if self._atomic and self._writes_enabled:
            with _DeferredInterrupt():
                return self._run(arrays, storage)
        return self._run(arrays, storage)

    def _run(self, arrays: list[np.ndarray], storage: dict[str, Any]) -> Any:
        """Run the executor and commit its writes."""
        try:
            results, writes = self._compiled.executor(arrays, storage)
        except (ValueError, IndexError) as e:
            raise _with_lines(e, self._compiled.module) from None
        n = self._compiled.n_outputs
        outputs, input_updates = results[:n], results[n:]
        fresh = self._fresh_results
        if not fresh:
            outputs = _fresh(outputs, arrays, storage)
        # commit only now that everything was computed; a committed value must not
        # alias an output, an input or another variable's storage (native results
        # are fresh buffers, or the variable's own storage for an in-place update)
        if self._writes_enabled:
            taken: list[np.ndarray] = []
            if not fresh:
                taken = [*outputs, *arrays]
                taken += [v for s, v in storage.items() if s not in writes and isinstance(v, np.ndarray)]
            for symbol, value in writes.items():
                if not fresh and isinstance(value, np.ndarray) and _aliases(value, taken):
                    value = value.copy()
                if not fresh and isinstance(value, np.ndarray):
                    taken.append(value)
                self._globals[symbol]._commit(value)
            for pos, value in zip(self._compiled.input_updates, input_updates):
                if not fresh:
                    if _aliases(value, taken):
                        value = value.copy()
                    taken.append(value)
                self._slots[pos].default[0] = value
        if self.unpack_single and len(outputs) == 1:
            return outputs[0]
        return outputs

    def _converter(self, i: int) -> Callable[[object], np.ndarray]:
        """The conversion of argument ``i``: the common cases (an array of the
        exact type, a Python number that converts exactly) without the general
        machinery, everything else through ``TensorType.filter``."""
        slot = self._slots[i]
        t = slot.type
        dtype = np.dtype(t.dtype)
        ndim = t.ndim
        static = tuple(t.shape)
        dynamic = all(s is None for s in static)
        strict = slot.spec.strict
        allow = slot.spec.allow_downcast if slot.spec.allow_downcast is not None else self._allow_input_downcast

        def slow(value: object) -> np.ndarray:
            label = f"input {slot.name!r}" if slot.name else "input"
            return t.filter(value, strict=strict, allow_downcast=allow,
                            what=f"{self._label()}, {label} (argument {i})")  # fmt: skip

        exact_python: type | None = None
        low = high = 0
        if ndim == 0 and not strict:
            if dtype.kind == "f" and dtype.itemsize == 8:
                exact_python, low, high = float, -(2**53), 2**53  # ints convert exactly
            elif dtype.kind in "iu":
                info = np.iinfo(dtype)
                exact_python, low, high = int, int(info.min), int(info.max)
            elif dtype.kind == "b":
                exact_python = bool

        def convert(value: object) -> np.ndarray:
            kind = type(value)
            if kind is np.ndarray:
                if value.dtype == dtype and value.ndim == ndim and (  # type: ignore[attr-defined]
                    dynamic or all(s is None or s == g for s, g in zip(static, value.shape))  # type: ignore[attr-defined]
                ):
                    return value  # type: ignore[return-value]
            elif exact_python is float:
                if kind is float:
                    return np.array(value, dtype)
                if kind is int and low <= value <= high:  # type: ignore[operator]
                    return np.array(value, dtype)
            elif exact_python is int:
                if kind is int and low <= value <= high:  # type: ignore[operator]
                    return np.array(value, dtype)
            elif exact_python is bool and kind is bool:
                return np.array(value, dtype)
            if self._device_values and getattr(value, "on_device", False):
                # a device array (a CUDA function's output) feeds the call as it is
                if value.dtype == dtype and value.ndim == ndim:  # type: ignore[attr-defined]
                    return value  # type: ignore[return-value]
            return slow(value)

        return convert

    # -- copies ----------------------------------------------------------------

    def copy(
        self,
        share_memory: bool = False,
        swap: Mapping[SharedVariable, SharedVariable] | None = None,
        delete_updates: bool = False,
        name: str | None = None,
        profile: object = None,
    ) -> Function:
        """A copy of this function that reuses its compiled code.

        ``swap`` maps shared variables of this function to others of the same type
        that the copy uses instead; ``delete_updates=True`` makes a copy that
        updates nothing; ``share_memory=True`` shares the inputs' default values
        with this function. As in Theano 1.0, a copy returns its outputs as a list.
        """
        globals_ = dict(self._globals)
        for old, new in (swap or {}).items():
            if not isinstance(old, SharedVariable) or not isinstance(new, SharedVariable):
                raise TypeError(
                    f"copy: swap must map shared variables to shared variables, got "
                    f"{old!r} -> {new!r}"
                )
            symbols = [s for s, v in globals_.items() if v is old]
            if not symbols:
                raise ValueError(f"copy: shared variable {old!r} in swap is not used by {self._label()}")
            if old._declared != new._declared:
                raise TypeError(
                    f"copy: cannot swap {old!r} of type {old._declared!r} for {new!r} of "
                    f"type {new._declared!r}; the types must be equal"
                )
            for s in symbols:
                globals_[s] = new
        slots = [
            _Slot(s.spec, s.type, s.default if share_memory else list(s.default))
            for s in self._slots
        ]
        compiled = self._compiled
        if delete_updates and self._writes_enabled:
            compiled = compiled.without_updates()
        return Function(
            compiled,
            slots,
            globals_,
            unpack_single=False,  # as Theano 1.0: a copy returns its outputs as a list
            name=name if name is not None else (f"{self.name} copy" if self.name else None),
            allow_input_downcast=self._allow_input_downcast,
            writes_enabled=self._writes_enabled and not delete_updates,
            trust_input=self._trust_input,
        )

    def __reduce__(self) -> tuple[object, ...]:
        """A function pickles as what rebuilds it: the sym module's text and the
        mode (recompiled on load, from the disk cache where it has the entry),
        the inputs' types, names, flags and current defaults, and the shared
        variables it uses (pickled with it, so their identity is kept)."""
        c = self._compiled
        slots = [
            (s.spec.name, s.type, list(s.default), s.spec.strict, s.spec.allow_downcast,
             s.spec.mutable, s.spec.implicit)
            for s in self._slots
        ]  # fmt: skip
        state = {
            "source": c.source, "mode": c.mode, "n_outputs": c.n_outputs,
            "input_updates": list(c.input_updates), "slots": slots, "globals": dict(self._globals),
            "unpack_single": self.unpack_single, "name": self.name,
            "allow_input_downcast": self._allow_input_downcast,
            "writes_enabled": self._writes_enabled, "trust_input": self._trust_input,
        }  # fmt: skip
        return (_rebuild_function, (state,))

    def _repr_svg_(self) -> str | None:
        """The optimized graph as SVG, for Jupyter (None without Graphviz)."""
        from symopt.runtime.drawing import function_dot, has_dot, render

        if not has_dot():
            return None
        return render(function_dot(self.ir("loop"), self.name or ""), "svg").decode()

    def __repr__(self) -> str:
        args = ", ".join(s.name or "_" for s in self._slots)
        return f"<symopt.Function {self.name or ''}({args})>"


def _rebuild_function(state: dict[str, Any]) -> Function:
    from symopt.dialects.context import parse_module

    module = parse_module(state["source"])
    mode = state["mode"]
    executor = _make_executor(module, mode, state["source"])
    compiled = _Compiled(
        module=module, text=state["source"], executor=executor, n_outputs=state["n_outputs"],
        input_updates=state["input_updates"], mode=mode,
    )  # fmt: skip
    slots = []
    for name, t, default, strict, allow_downcast, mutable, implicit in state["slots"]:
        spec = In(t(name), name=name, strict=strict, allow_downcast=allow_downcast,
                  mutable=mutable, implicit=implicit)  # fmt: skip
        if default:
            spec.value = default[0]
        slots.append(_Slot(spec, t, default))
    return Function(
        compiled, slots, state["globals"], unpack_single=state["unpack_single"], name=state["name"],
        allow_input_downcast=state["allow_input_downcast"], writes_enabled=state["writes_enabled"],
        trust_input=state["trust_input"],
    )  # fmt: skip


class ProfiledFunction(Function):
    """A ``Function`` compiled with ``profile=True``: each call is counted and
    timed in ``self.profile``."""

    profile: Any

    def __call__(self, *args: object, **kwargs: object) -> Any:
        start = time.perf_counter()
        try:
            return Function.__call__(self, *args, **kwargs)
        finally:
            self.profile.calls += 1
            self.profile.call_time += time.perf_counter() - start


class _DeferredInterrupt:
    """Holds back a Ctrl-C (SIGINT) for the duration of a block, then raises the
    KeyboardInterrupt once the block is done, so that a call's kernel and the
    commit of its writes happen entirely or (when the interrupt came before) not
    at all.

    symopt's SIGINT handler, installed (from the main thread) the first time
    while SIGINT still has Python's default handler, behaves like it outside such
    blocks and only records the interrupt inside them: entering and leaving a
    block costs a counter, not a change of handler. A program's own handler is
    left alone (and then nothing is held back)."""

    __slots__ = ("active",)

    def __enter__(self) -> _DeferredInterrupt:
        self.active = threading.current_thread() is _MAIN_THREAD and _install_handler()
        if self.active:
            _CRITICAL[0] += 1
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> bool:
        if self.active:
            _CRITICAL[0] -= 1
            if _CRITICAL[0] == 0 and _CRITICAL[1]:
                _CRITICAL[1] = False
                if kind is None:
                    raise KeyboardInterrupt
        return False


_CRITICAL: list = [0, False]
"""[depth of the blocks being run, whether an interrupt came meanwhile]"""


def _on_sigint(signum: int, frame: object) -> None:
    if _CRITICAL[0]:
        _CRITICAL[1] = True
        return
    raise KeyboardInterrupt


def _install_handler() -> bool:
    """Whether symopt's SIGINT handler is in place (installing it if SIGINT has
    Python's default handler)."""
    global _INSTALLED
    if _INSTALLED:
        return True
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_sigint)
        _INSTALLED = True
        return True
    return False


_INSTALLED = False
_MAIN_THREAD = threading.main_thread()


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


_UNSET = _Unset()


def _fresh(
    outputs: list[np.ndarray], inputs: list[np.ndarray], storage: Mapping[str, np.ndarray]
) -> list[np.ndarray]:
    """Copy outputs that share memory with an input, a shared value or an earlier
    output (the executor may return views), so the caller owns every array."""
    others = [*inputs, *(v for v in storage.values() if isinstance(v, np.ndarray))]
    out: list[np.ndarray] = []
    for value in outputs:
        if any(np.may_share_memory(value, o) for o in others):
            value = value.copy()
        others.append(value)
        out.append(value)
    return out


def _with_lines(error: Exception, module: ModuleOp) -> Exception:
    """A run-time error naming the line of the user's program that made the node
    that failed (and, with ``exception_verbosity='high'``, the nodes made there)."""
    from symopt.configparser import config
    from symopt.dialects.location import resolve

    message = str(error.args[0]) if len(error.args) == 1 else str(error)
    text = resolve(message, module)
    if config.exception_verbosity == "high":
        text += "\n" + _nodes_at(module, text)
    if text == message:
        return error
    return type(error)(text)


def _nodes_at(module: ModuleOp, message: str) -> str:
    """For ``exception_verbosity='high'``: the nodes of the graph made at the line
    an error message names (``... at file.py:12)``), each with its inputs."""
    import re

    from xdsl.dialects.builtin import FileLineColLoc

    found = re.search(r" at (.+):(\d+)\)\s*$", message)
    if found is None:
        return "(the error names no line of the program, so no node is shown)"
    file, line = found.group(1), int(found.group(2))
    lines = [f"The nodes made at {file}:{line}, with their inputs:"]
    for op in module.walk():
        where = op.location
        if not (isinstance(where, FileLineColLoc) and where.filename.data == file and where.line.data == line):
            continue
        text = str(op).splitlines()[0].strip()
        lines.append(f"  {text}")
        for v in op.operands:
            source = v.owner.name if isinstance(v.owner, Operation) else "an argument"
            lines.append(f"      {_value_name(v)}: {v.type} (from {source})")
    return "\n".join(lines)


def _value_name(v: SSAValue) -> str:
    return f"%{v.name_hint}" if v.name_hint else "%<unnamed>"


def _aliases(value: np.ndarray, others: Sequence[np.ndarray]) -> bool:
    return any(np.may_share_memory(value, o) for o in others)


# ---------------------------------------------------------------------------
# function()


def _pairs(arg: object, what: str) -> list[tuple[object, object]]:
    if arg is None:
        return []
    if isinstance(arg, Mapping):
        return list(arg.items())
    if isinstance(arg, (list, tuple)):
        pairs = []
        for item in arg:
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                raise TypeError(f"{what} must be pairs (variable, expression), got {item!r}")
            pairs.append((item[0], item[1]))
        return pairs
    raise TypeError(f"{what} must be a list of pairs or a dict, got {type(arg).__name__}")


def _check_given(key: object, value: object) -> tuple[Variable, Variable]:
    if not isinstance(key, Variable):
        raise TypeError(f"givens: keys must be symbolic variables, got {key!r}")
    if not isinstance(value, Variable):
        try:
            value = as_tensor_variable(value)
        except TypeError:
            raise TypeError(
                f"givens: the replacement of {key!r} must be a symbolic variable, got {value!r}"
            ) from None
        if value.ndim == key.ndim and value.dtype != key.dtype:
            value = cast(value, key.dtype)
    if not key.type.is_compatible(value.type):
        raise TypeError(
            f"givens: {key!r} of type {key.type!r} cannot be replaced by {value!r} of "
            f"type {value.type!r}; the replacement needs the same dtype and rank "
            "(cast it with T.cast)"
        )
    return key, value


def _check_update(key: object, value: object) -> tuple[SharedVariable, Variable]:
    if not isinstance(key, SharedVariable):
        raise TypeError(
            f"updates: the first element of each pair must be a shared variable, got "
            f"{key!r} ({type(key).__name__})"
        )
    if isinstance(key._declared, RandomStateType) or (
        isinstance(value, Variable) and isinstance(value.type, RandomStateType)
    ):
        if not isinstance(value, Variable) or value.type != key._declared:
            raise TypeError(
                f"updates: the random state {key!r} can only be updated with a random "
                f"state (a draw's new state), got {value!r}"
            )
        return key, value
    if not isinstance(value, Variable):
        try:
            value = as_tensor_variable(value)
        except TypeError:
            raise TypeError(
                f"updates: the new value of {key!r} must be an expression, got {value!r}"
            ) from None
        if value.ndim == key.ndim and value.dtype != key.dtype:
            if np.can_cast(value.dtype, key.dtype, "safe"):
                value = cast(value, key.dtype)
    want = key._declared
    got = value.type
    if got.dtype != want.dtype or got.ndim != want.ndim:
        raise TypeError(
            f"updates: the update of shared variable {key!r} must have its type "
            f"{want!r}, but {value!r} has type {got!r}; "
            + (
                f"cast it, e.g. T.cast(expr, {want.dtype!r})"
                if got.dtype != want.dtype
                else f"reshape it to rank {want.ndim}"
            )
        )
    if not want.is_compatible(got):
        raise TypeError(
            f"updates: the update of shared variable {key!r} ({want!r}) has the "
            f"incompatible static shape {got!r}"
        )
    return key, value


def _default_updates(
    outputs: Sequence[object],
    updates: Sequence[tuple[SharedVariable, Variable]],
    no_default_updates: bool | Sequence[SharedVariable],
    givens: Sequence[tuple[object, object]],
    label: str,
) -> list[tuple[SharedVariable, Variable]]:
    """The default updates (random streams' advanced states) of the shared
    variables the outputs and updates use, unless explicitly updated or excluded."""
    if no_default_updates is True:
        return []
    excluded: set[int] = set()
    if no_default_updates not in (False, None):
        if not isinstance(no_default_updates, (list, tuple, set)):
            raise TypeError(
                f"{label}: no_default_updates must be a bool or a list of shared variables"
            )
        excluded = {id(v) for v in no_default_updates}
    explicit = {id(k) for k, _ in updates}
    roots = [o.value for o in outputs if isinstance(o, Variable)]
    roots += [v.value for _, v in updates]
    roots += [v.value for _, v in givens if isinstance(v, Variable)]
    extra: list[tuple[SharedVariable, Variable]] = []
    seen: set[int] = set()
    while roots:
        values = {v for op in topological_ops(roots, lambda v: False) for v in op.operands}
        values |= set(roots)
        roots = []
        for value in values:
            var = shared_of(value)
            if var is None or id(var) in seen:
                continue
            seen.add(id(var))
            update = getattr(var, "default_update", None)
            if update is None or id(var) in explicit or id(var) in excluded:
                continue
            extra.append((var, update))  # type: ignore[arg-type]
            roots.append(update.value)
    return extra


def function(
    inputs: Sequence[Variable | In],
    outputs: Variable | Sequence[Variable] | None = None,
    updates: object = None,
    givens: object = None,
    no_default_updates: bool | Sequence[SharedVariable] = False,
    on_unused_input: str | None = "raise",
    name: str | None = None,
    mode: str | Mode | None = None,
    allow_input_downcast: bool | None = None,
    pipeline: str | None = None,
    trust_input: bool = False,
    profile: object = None,
) -> Function:
    """Compile ``outputs`` (and ``updates``) as a function of ``inputs``.

    ``mode`` is ``'native'`` (the default: compiled with LLVM), ``'py'`` (the NumPy
    reference executor) or a ``symopt.Mode``; ``pipeline`` replaces the pass
    pipeline (``'cpu'`` for native code, ``'sym-opt'`` for ``'py'``).
    ``trust_input=True`` is accepted as PyTensor's is; it changes nothing, because
    every call already passes an array of exactly the input's type through
    unconverted, in native code (after a dtype, rank, static-size and layout
    check that keeps bad input from reaching the kernel; see
    ``symopt.lowering.pyentry``), and converts anything else as usual.
    ``profile=True`` (or a ``symopt.runtime.profile.ProfileStats``) counts and times
    the calls and records the compile time per pass: ``f.profile.summary()``.

    >>> import symopt.tensor as T
    >>> x = T.dmatrix('x')
    >>> logistic = function([x], 1 / (1 + T.exp(-x)))
    >>> logistic([[0, 1], [-1, -2]]).round(8)
    array([[0.5       , 0.73105858],
           [0.26894142, 0.11920292]])
    """
    label = f"function {name!r}" if name else "function"
    if isinstance(inputs, (Variable, In)) or not isinstance(inputs, (list, tuple)):
        raise TypeError(
            f"{label}: inputs must be a list of symbolic variables or In instances, "
            f"even for a single input (got {type(inputs).__name__})"
        )
    specs: list[In] = []
    for i, item in enumerate(inputs):
        spec = item if isinstance(item, In) else None
        if spec is None:
            if not isinstance(item, Variable):
                raise TypeError(
                    f"{label}: input {i} must be a symbolic variable or In, got {item!r}"
                )
            spec = In(item)
        var = spec.variable
        if isinstance(var, SharedVariable):
            raise TypeError(
                f"{label}: shared variable {var!r} cannot be an explicit input; its "
                "value is implicit (replace it with givens to feed a value)"
            )
        if isinstance(var.owner, sym.ConstantOp):
            raise TypeError(f"{label}: input {i} is the constant {var!r}, not a variable")
        specs.append(spec)
    seen: set[int] = set()
    for spec in specs:
        if id(spec.variable) in seen:
            raise ValueError(f"{label}: variable {spec.variable!r} is an input twice")
        seen.add(id(spec.variable))
    unpack_single = False
    if isinstance(outputs, Out):
        outputs = outputs.variable
    if outputs is None:
        out_list: list[Variable] = []
    elif isinstance(outputs, Variable):
        out_list, unpack_single = [outputs], True
    elif isinstance(outputs, (list, tuple)):
        out_list = [o.variable if isinstance(o, Out) else o for o in outputs]
    else:
        raise TypeError(
            f"{label}: outputs must be a symbolic variable or a list of them, got {outputs!r}"
        )
    for i, o in enumerate(out_list):
        if not isinstance(o, Variable):
            raise TypeError(f"{label}: output {i} must be a symbolic variable, got {o!r}")

    update_pairs = [_check_update(k, v) for k, v in _pairs(updates, "updates")]
    update_pairs += _default_updates(
        out_list, update_pairs, no_default_updates, _pairs(givens, "givens"), label
    )
    targets = [id(k) for k, _ in update_pairs]
    if len(set(targets)) != len(targets):
        dup = next(k for k, _ in update_pairs if targets.count(id(k)) > 1)
        raise ValueError(f"{label}: shared variable {dup!r} is updated twice")
    given_pairs = dict(_check_given(k, v) for k, v in _pairs(givens, "givens"))
    for replaced in given_pairs:
        if id(replaced) in seen:
            raise ValueError(
                f"{label}: givens replaces {replaced!r}, which is an input of the "
                "function, and replacing an input has no effect. To compute f(x) at "
                "x = g(y), make a new input y: function([y], f(x), givens={x: g(y)})"
            )

    input_updates: list[int] = []
    extra_outputs: list[Variable] = []
    for i, spec in enumerate(specs):
        if spec.update is not None:
            if not spec.has_default:
                raise TypeError(f"{label}: In({spec.variable!r}, update=...) needs a value")
            upd = as_tensor_variable(spec.update)
            if upd.ndim != spec.variable.ndim:
                raise TypeError(f"{label}: the update of input {spec.name!r} has the wrong rank")
            input_updates.append(i)
            extra_outputs.append(cast(upd, spec.variable.dtype))

    if on_unused_input is None:
        on_unused_input = "raise"
    if on_unused_input not in ("raise", "warn", "ignore"):
        raise ValueError(
            f"{label}: on_unused_input must be 'raise', 'warn' or 'ignore', got {on_unused_input!r}"
        )
    chosen = resolve_mode(mode, pipeline)

    built = build_module(
        _func_symbol(name),
        [s.variable for s in specs],
        [s.name for s in specs],
        out_list + extra_outputs,
        update_pairs,
        given_pairs,
        label,
    )
    for i, spec in enumerate(specs):
        if i not in built.used_inputs and not spec.implicit:
            msg = (
                f"{label}: input {spec.name or spec.variable!r} (argument {i}) is not "
                "used to compute the outputs or updates; pass on_unused_input='warn' "
                "or 'ignore' to allow it"
            )
            if on_unused_input == "raise":
                raise UnusedInputError(msg)
            if on_unused_input == "warn":
                warnings.warn(msg, stacklevel=2)

    module = built.module
    # the native executor leaves the module as it is: its text is printed when
    # first asked for (pickling, printing); the others run passes on the module
    source = None if chosen.executor in _NATIVE_EXECUTORS else str(module)
    compile_start = time.perf_counter()
    try:
        executor = _make_executor(module, chosen, source, profile=bool(profile))
    except _PipelineError as e:
        raise ValueError(f"{label}: invalid pipeline {chosen.effective_pipeline!r}: {e}") from None
    compiled = _Compiled(
        module=module,
        text=source,
        executor=executor,
        n_outputs=len(out_list),
        input_updates=input_updates,
        mode=chosen,
    )
    slots = []
    for spec in specs:
        t = spec.variable.type
        default: list[Any] = []
        if spec.has_default:
            default = [
                t.filter(spec.value, strict=spec.strict, allow_downcast=spec.allow_downcast,
                         what=f"{label}, default value of input {spec.name!r}")
            ]
        slots.append(_Slot(spec, t, default))
    globals_ = {s: v for s, v in built.globals.items()}  # type: ignore[misc]
    fn_class = Function
    stats = None
    if profile:
        from symopt.runtime.profile import ProfileStats

        stats = profile if isinstance(profile, ProfileStats) else ProfileStats(name)
        stats.compile_time = time.perf_counter() - compile_start
        stats.compile_steps = dict(getattr(executor, "timings", {}) or {})
        stats.from_cache = bool(getattr(executor, "from_cache", False))
        stats.executors.append((executor, module))
        fn_class = ProfiledFunction
    fn = fn_class(
        compiled,
        slots,
        globals_,  # type: ignore[arg-type]
        unpack_single=unpack_single,
        name=name,
        allow_input_downcast=allow_input_downcast,
        trust_input=trust_input,
    )
    if stats is not None:
        fn.profile = stats
    return fn


def _func_symbol(name: str | None) -> str:
    import re

    if name and re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
        return name
    return "main"


__all__ = ["Function", "In", "Out", "Param", "UnusedInputError", "function"]
