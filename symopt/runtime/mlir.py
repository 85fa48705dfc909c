"""Run IR text: a module at any stage, from ``sym`` down to ``scf``, made callable.

``load`` parses the text (or a file), finds the entry function, recognizes the
stage it is at, runs the rest of the pipeline and builds an executor, and
describes its signature: the inputs, the outputs and the globals (shared
variables) with their dtypes and static shapes. ``Program`` checks and converts
arguments against that signature. ``symopt.compile_mlir`` (frontend level, with
shared variables) and the ``symopt-run`` tool build on it.

Stages, and what remains to run on them (native code):

    sym          any sym op                        the mode's pipeline (cpu)
    loop         loop ops on tensors               loop-fuse ... convert-loop-to-scf
    bufferized   buffers, no calling convention    loop-inplace, loop-abi, ...
    abi          loop-abi ran, loop-dealloc not    loop-dealloc, convert-loop-to-scf
    dealloc      loop-dealloc ran                  convert-loop-to-scf
    scf          no structured loop op left        nothing (LLVM translation)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects import func, memref
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Operation

from symopt.dialects import loop, sym
from symopt.dialects.types import dtype_of, static_shape

REMAINING = {
    "loop": "dce,loop-fuse,cse,dce,loop-bufferize,loop-inplace,loop-abi,loop-dealloc,"
    "convert-loop-to-scf",
    "bufferized": "loop-inplace,loop-abi,loop-dealloc,convert-loop-to-scf",
    "abi": "loop-dealloc,convert-loop-to-scf",
    "dealloc": "convert-loop-to-scf",
    "scf": "",
}
"""The passes that remain to run on a module at each stage below ``sym``."""


class MlirError(ValueError):
    """IR that cannot be run: it does not parse, verify or lower, or the entry
    function is missing."""


def read_source(source: str | os.PathLike[str]) -> str:
    """IR text, or the contents of the file ``source`` names (a path-like object,
    or a one-line string that is not IR)."""
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and "{" not in source
    ):
        try:
            with open(source, encoding="utf-8") as f:
                return f.read()
        except OSError as e:
            raise MlirError(f"cannot read {os.fspath(source)!r}: {e.strerror}") from None
    if not isinstance(source, str):
        raise TypeError(f"expected IR text or a path, got {type(source).__name__}")
    return source


def _has(f: Operation, kinds: tuple[type, ...]) -> bool:
    return any(isinstance(op, kinds) for op in f.walk())


def stage_of(f: func.FuncOp) -> str:
    """The stage a function is at (see the module docstring)."""
    if any(op.dialect_name() == "sym" for op in f.walk()):
        return "sym"
    types = [a.type for a in f.body.block.args] if f.body.blocks else []
    types += [r.type for op in f.walk() for r in op.results]
    if any(isinstance(t, TensorType) for t in types):
        # tensors: the loop level once convert-sym-to-loop ran, the sym level
        # otherwise (a function of only a plugin's ops, say)
        return "loop" if any(op.dialect_name() == "loop" for op in f.walk()) else "sym"
    if "symopt.abi" not in f.attributes:
        return "bufferized"
    if not _has(f, (loop.MapOp, loop.ReduceOp)):
        return "scf"
    return "dealloc" if _has(f, (memref.DeallocOp,)) else "abi"


@dataclass(frozen=True)
class Value:
    """An input, output or global of a program: name, dtype and static shape
    (``None`` where a size is dynamic)."""

    name: str
    dtype: np.dtype
    shape: tuple[int | None, ...]
    kind: str = "tensor"
    """``"tensor"``, or ``"random_state"`` for a NumPy random stream's state (a
    ``numpy.random.RandomState``)."""


@dataclass
class Program:
    """An executor for one entry function, with its signature."""

    executor: object
    stage: str
    inputs: list[Value]
    outputs: list[Value]
    globals: list[Value] = field(default_factory=list)
    module: ModuleOp | None = None

    def convert(self, args: Sequence[object]) -> list[np.ndarray]:
        """The arguments as arrays of the inputs' types: TypeError for a wrong
        count or a lossy conversion, ValueError for a wrong rank or static size;
        the message names the input."""
        if len(args) != len(self.inputs):
            raise TypeError(f"{self.entry_label}: expected {len(self.inputs)} arguments, got {len(args)}")
        return [convert(a, v, "input") for a, v in zip(args, self.inputs)]

    @property
    def entry_label(self) -> str:
        return "entry function"

    def __call__(
        self, args: Sequence[object], globals_: Mapping[str, np.ndarray]
    ) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
        arrays = self.convert(args)
        storage = {}
        for g in self.globals:
            if g.name not in globals_:
                raise ValueError(f"no value for the global @{g.name}")
            storage[g.name] = convert(globals_[g.name], g, "global")
        results, writes = self.executor(arrays, storage)  # type: ignore[operator]
        return list(results), dict(writes)


def convert(value: object, spec: Value, what: str) -> np.ndarray:
    """``value`` as an array of ``spec``'s dtype and shape (a random state stays
    the ``RandomState`` it must be)."""
    label = f"{what} {spec.name!r}" if what == "input" else f"{what} @{spec.name}"
    if spec.kind == "random_state":
        if not isinstance(value, np.random.RandomState):
            raise TypeError(f"{label}: expected a numpy.random.RandomState, got {type(value).__name__}")
        return value  # type: ignore[return-value]
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{label}: cannot make an array of {value!r}: {e}") from None
    if arr.dtype != spec.dtype:
        if arr.dtype == object or not np.can_cast(arr.dtype, spec.dtype, casting="same_kind") and not (
            arr.dtype.kind in "biu" and spec.dtype.kind in "biuf"
        ):
            raise TypeError(f"{label}: expected {spec.dtype}, got an array of {arr.dtype}")
        converted = arr.astype(spec.dtype)
        if not np.array_equal(converted.astype(arr.dtype), arr, equal_nan=arr.dtype.kind == "f"):
            raise TypeError(f"{label}: {value!r} does not convert to {spec.dtype} without loss")
        arr = converted
    if arr.ndim != len(spec.shape):
        raise ValueError(f"{label}: expected {len(spec.shape)} dimensions, got shape {arr.shape}")
    for d, (got, want) in enumerate(zip(arr.shape, spec.shape)):
        if want is not None and got != want:
            raise ValueError(f"{label}: expected size {want} in dimension {d}, got shape {arr.shape}")
    return arr if arr.flags.c_contiguous else np.array(arr, order="C")


def _entry(module: ModuleOp, entry: str | None) -> func.FuncOp:
    funcs = [op for op in module.ops if isinstance(op, func.FuncOp) and op.body.blocks]
    names = [f.sym_name.data for f in funcs]
    if entry is not None and entry in names:
        chosen = funcs[names.index(entry)]
    elif len(funcs) == 1 and entry in (None, "main"):
        chosen = funcs[0]
    elif not funcs:
        raise MlirError("the module has no function with a body")
    else:
        raise MlirError(
            f"no entry function @{entry or 'main'}; the module has "
            + ", ".join(f"@{n}" for n in names)
        )
    for f in funcs:  # one function per compiled module
        if f is not chosen:
            f.detach()
            f.erase()
    return chosen


def load(
    source: str | os.PathLike[str], entry: str | None = "main", mode: str = "native",
    pipeline: str | None = None,
) -> Program:  # fmt: skip
    """Parse, verify, finish lowering and build the executor of ``entry``.

    ``mode`` is ``'native'`` (compiled, the default) or ``'py'`` (the reference
    executor at the sym level, the stage interpreter below it,
    ``symopt.runtime.interpret``). ``pipeline`` replaces the sym-level
    passes (native: ``cpu``; py: ``sym-opt``). Raises MlirError with a
    one-line message for IR that cannot run."""
    from xdsl.utils.exceptions import DiagnosticException, ParseError, VerifyException

    from symopt.dialects.context import parse_module
    from symopt.runtime.mode import executor_name

    name = executor_name(mode)
    text = read_source(source)
    try:
        module = parse_module(text)
        module.verify()
    except ParseError as e:
        raise MlirError(f"parse error: {str(e).strip().splitlines()[-1].strip()}") from None
    except (VerifyException, DiagnosticException) as e:
        raise MlirError(f"invalid IR: {_first_line(e)}") from None
    f = _entry(module, entry)
    stage = stage_of(f)
    if name == "py":
        if stage != "sym":
            return _interpreted_program(module, f, stage)
        return _reference_program(module, f, pipeline)
    spec = (pipeline if pipeline is not None else "cpu") if stage == "sym" else REMAINING[stage]
    from symopt.runtime.native import NativeExecutor

    try:
        executor = NativeExecutor(module, spec, text)
    except (VerifyException, DiagnosticException, ValueError) as e:
        raise MlirError(f"cannot compile @{f.sym_name.data}: {_first_line(e)}") from None
    inputs, outputs, globals_ = _signature(executor.args, executor.results)
    known = {g.name for g in globals_}
    globals_ += [g for g in _random_states(module) if g.name not in known]
    return Program(executor, stage, inputs, outputs, globals_)


def _signature(args: Sequence[object], results: Sequence[object]) -> tuple[list[Value], list[Value], list[Value]]:
    """Inputs, outputs and globals from the calling convention's slots."""
    inputs = [Value(s.name, s.dtype, s.shape) for s in args if s.role == "input"]  # type: ignore[attr-defined]
    outputs = [Value(s.name, s.dtype, s.shape) for s in results if s.role == "output"]  # type: ignore[attr-defined]
    seen: dict[str, Value] = {}
    for s in [*args, *results]:
        if s.role in ("shared", "inplace") and s.name not in seen:  # type: ignore[attr-defined]
            seen[s.name] = Value(s.name, s.dtype, s.shape)  # type: ignore[attr-defined]
    return inputs, outputs, list(seen.values())


def _random_states(module: ModuleOp) -> list[Value]:
    """The globals holding NumPy random states (read by draws on the host), at
    the top level or in the host module ``sym-split-host`` made."""
    out = []
    for op in module.walk():
        if isinstance(op, sym.GlobalOp) and isinstance(op.type, sym.RandomStateType):
            out.append(Value(op.sym_name.data, np.dtype(object), (), "random_state"))
    return out


def _reference_program(module: ModuleOp, f: func.FuncOp, pipeline: str | None) -> Program:
    from symopt.passes import run_pipeline
    from symopt.runtime.reference import ReferenceExecutor

    inputs = [
        Value(a.name_hint or f"arg{i}", np.dtype(dtype_of(a.type)), static_shape(a.type))
        for i, a in enumerate(f.body.block.args)
    ]
    outputs = [
        Value(f"out{i}", np.dtype(dtype_of(t)), static_shape(t))
        for i, t in enumerate(f.function_type.outputs.data)
    ]
    globals_ = [
        Value(op.sym_name.data, np.dtype(dtype_of(op.type)), static_shape(op.type))
        for op in module.ops
        if isinstance(op, sym.GlobalOp) and isinstance(op.type, TensorType)
    ] + _random_states(module)
    run_pipeline(module, pipeline if pipeline is not None else "sym-opt")
    module.verify()
    return Program(ReferenceExecutor(module), "sym", inputs, outputs, globals_, module)


def _interpreted_program(module: ModuleOp, f: func.FuncOp, stage: str) -> Program:
    """The stage interpreter for a function below the sym level, with the
    signature its types (or its calling-convention record) give."""
    from symopt.runtime.interpret import StageInterpreter

    interpreter = StageInterpreter(module, f)
    if interpreter.abi is not None:
        from symopt.runtime.native import Slot

        args = [Slot.of(e) for e in interpreter.abi.data["args"].data]  # type: ignore[attr-defined]
        results = [Slot.of(e) for e in interpreter.abi.data["results"].data]  # type: ignore[attr-defined]
        return Program(interpreter, stage, *_signature(args, results), module)
    block = f.body.block
    dtypes = interpreter.arg_dtypes or [None] * len(block.args)
    inputs = [
        Value(a.name_hint or f"arg{i}", np.dtype(d or _elem_dtype(a.type)), _shape(a.type))
        for i, (a, d) in enumerate(zip(block.args, dtypes))
    ]
    res_attrs = f.res_attrs.data if f.res_attrs is not None else [None] * len(f.function_type.outputs)
    outputs = []
    for i, (t, attrs) in enumerate(zip(f.function_type.outputs.data, res_attrs)):
        d = attrs.data.get("symopt.dtype") if attrs is not None else None  # type: ignore[union-attr]
        outputs.append(Value(f"out{i}", np.dtype(d.data if d is not None else _elem_dtype(t)), _shape(t)))  # type: ignore[union-attr]
    globals_ = [
        Value(op.sym_name.data, np.dtype(dtype_of(op.type)), static_shape(op.type))
        for op in module.ops
        if isinstance(op, loop.GlobalOp)
    ]
    return Program(interpreter, stage, inputs, outputs, globals_, module)


def _elem_dtype(t: object) -> str:
    from symopt.runtime.interpret import np_dtype

    return np_dtype(t).name  # type: ignore[arg-type]


def _shape(t: object) -> tuple[int | None, ...]:
    return tuple(None if s < 0 else s for s in t.get_shape())  # type: ignore[attr-defined]


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("^", "|", "-", "\"builtin", "%", "func.", "}")):
            return line
    return text.splitlines()[0] if text else type(e).__name__


@dataclass
class BisectStep:
    """One pass of a bisection: its name, ``"same"``, ``"changed"`` or
    ``"unchecked"`` (the stage could not be interpreted), and a detail."""

    name: str
    status: str
    detail: str = ""


def bisect(
    source: str | os.PathLike[str], args: Sequence[object], globals_: Mapping[str, object],
    entry: str | None = "main", pipeline: str = "cpu",
) -> list[BisectStep]:  # fmt: skip
    """Run ``pipeline`` on sym-level IR one pass at a time and interpret the
    module after each pass on the same arguments: the values (outputs and the
    globals' new values) at each step against the reference executor's on the
    input. The first ``"changed"`` step names the pass that changed what the
    function computes."""
    from xdsl.passes import PassPipeline
    from xdsl.utils.arg_spec import parse_pipeline

    from symopt.dialects.context import parse_module, sym_context
    from symopt.passes import available_passes, expand_pipeline

    text = read_source(source)
    reference = load(text, entry, "py", "")
    if reference.stage != "sym":
        raise MlirError("bisect starts from sym-level IR")
    want = reference(args, dict(globals_))
    module = parse_module(text)
    f = _entry(module, entry)
    name = f.sym_name.data
    spec = expand_pipeline(pipeline)
    names = [p.name for p in parse_pipeline(spec)] if spec else []
    if "loop-bufferize" not in names:
        spec = expand_pipeline(f"{spec},lower-cpu" if spec else "lower-cpu")
    steps: list[BisectStep] = []
    passes = available_passes()
    for pass_spec in parse_pipeline(spec):
        one = PassPipeline.parse_spec(passes, str(pass_spec))
        try:
            one.apply(sym_context(), module)
        except Exception as e:  # noqa: BLE001 - the pass's failure is the finding
            steps.append(BisectStep(pass_spec.name, "changed", f"the pass failed: {_first_line(e)}"))
            return steps
        try:
            program = load(str(module), name, "py", "")
            got = program(args, dict(globals_))
        except (MlirError, NotImplementedError) as e:
            steps.append(BisectStep(pass_spec.name, "unchecked", _first_line(e)))
            continue
        except Exception as e:  # noqa: BLE001 - an error the reference did not raise
            steps.append(BisectStep(pass_spec.name, "changed", f"{type(e).__name__}: {_first_line(e)}"))
            return steps
        difference = _difference(want, got)
        steps.append(BisectStep(pass_spec.name, "changed" if difference else "same", difference))
        if difference:
            return steps
    return steps


def _difference(
    want: tuple[list[np.ndarray], dict[str, np.ndarray]], got: tuple[list[np.ndarray], dict[str, np.ndarray]]
) -> str:
    """How two results differ ('' when they agree)."""
    (wo, ww), (go, gw) = want, got
    pairs = [(f"output {i}", a, b) for i, (a, b) in enumerate(zip(wo, go))]
    if len(wo) != len(go):
        return f"{len(go)} outputs instead of {len(wo)}"
    if set(ww) != set(gw):
        return f"updates {sorted(gw)} instead of {sorted(ww)}"
    pairs += [(f"@{k}", ww[k], gw[k]) for k in sorted(ww)]
    for what, a, b in pairs:
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return f"{what} has shape {b.shape} instead of {a.shape}"
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            same = np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)
        else:
            same = np.array_equal(a, b)
        if not same:
            return f"{what} differs: {np.array2string(b, threshold=8)} instead of {np.array2string(a, threshold=8)}"
    return ""
