"""The reference executor for the levels below ``sym``: it interprets a function
at the ``loop`` level (loop ops on tensors), at the bufferized levels (memrefs,
views, checks, the calling convention or ``loop.read``/``loop.write``) and at the
``scf`` level (explicit loops over ``memref.load``/``store``), op by op, with
NumPy.

Its semantics are written independently of the passes (a scalar body runs once
per element; a view is a NumPy view of its buffer at the offset and strides the
op names), so interpreting the module after each pass and comparing the values
finds the first pass that changes them (``symopt-run --bisect``). It also
catches what native code would not report: a read of a freed buffer, or of a
buffer before anything was written in it (new buffers are filled with NaN, or
with a sentinel for integers, and a load of a NaN that no store wrote is not
detected, but its effect on the values is).
"""

from __future__ import annotations

import math as pymath
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    TensorType,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue

from symopt.dialects import loop
from symopt.dialects.types import dtype_of, numpy_from_dense

__all__ = ["InterpretError", "StageInterpreter"]


class InterpretError(AssertionError):
    """The IR did something invalid that native code would not report (a read of
    a freed buffer), or the interpreter met an op it does not know."""


def np_dtype(t: Attribute, arg_dtype: str | None = None) -> np.dtype:
    """The NumPy dtype of a scalar, element or buffer type (``index`` is int64;
    ``arg_dtype``, a buffer's ``symopt.dtype``, says whether i8 is int8 or uint8)."""
    if isinstance(t, IndexType):
        return np.dtype(np.int64)
    if isinstance(t, (TensorType, MemRefType)):
        return np.dtype(arg_dtype) if arg_dtype else np_dtype(t.element_type)
    try:
        return np.dtype(dtype_of(t))
    except TypeError as e:
        raise InterpretError(str(e)) from None


def _u(x: Any) -> Any:
    """The unsigned reading of a signless integer scalar."""
    return np.asarray(x).view(np.dtype(f"uint{np.asarray(x).dtype.itemsize * 8}"))[()]


def _trunc_div(a: Any, b: Any) -> Any:
    if b == 0:
        raise InterpretError("integer division by zero")
    q = abs(int(a)) // abs(int(b))
    return type(a)(q if (a >= 0) == (b >= 0) else -q)


def _cmpi(pred: int, a: Any, b: Any) -> np.bool_:
    names = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]
    p = names[pred]
    if p.startswith("u"):
        a, b = _u(a), _u(b)
        p = p[1:]
    elif p.startswith("s"):
        p = p[1:]
    return np.bool_({"eq": a == b, "ne": a != b, "lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[p])


def _cmpf(pred: int, a: Any, b: Any) -> np.bool_:
    names = ["false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult", "ule", "une", "uno", "true"]
    p = names[pred]
    unordered = bool(np.isnan(a) or np.isnan(b))
    if p in ("false", "true"):
        return np.bool_(p == "true")
    if p == "ord":
        return np.bool_(not unordered)
    if p == "uno":
        return np.bool_(unordered)
    rel = {"eq": a == b, "gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b, "ne": a != b}[p[1:]]
    return np.bool_(rel or unordered) if p[0] == "u" else np.bool_(rel and not unordered)


def _cast(value: Any, t: Attribute) -> Any:
    return np_dtype(t).type(value)


def _wrap(value: Any, t: Attribute) -> Any:
    """An integer result wrapped to its width (two's complement)."""
    dtype = np_dtype(t)
    if dtype == np.bool_:
        return np.bool_(int(value) & 1)
    bits = dtype.itemsize * 8
    v = int(value) & ((1 << bits) - 1)
    if v >= 1 << (bits - 1):
        v -= 1 << bits
    return dtype.type(v)


_BINARY_INT: dict[str, Callable[[Any, Any], Any]] = {
    "arith.addi": lambda a, b: int(a) + int(b),
    "arith.subi": lambda a, b: int(a) - int(b),
    "arith.muli": lambda a, b: int(a) * int(b),
    "arith.divsi": lambda a, b: int(_trunc_div(a, b)),
    "arith.remsi": lambda a, b: int(a) - int(b) * int(_trunc_div(a, b)),
    "arith.divui": lambda a, b: int(_u(a)) // int(_u(b)),
    "arith.remui": lambda a, b: int(_u(a)) % int(_u(b)),
    "arith.floordivsi": lambda a, b: int(a) // int(b),
    "arith.ceildivsi": lambda a, b: -((-int(a)) // int(b)),
    "arith.ceildivui": lambda a, b: -((-int(_u(a))) // int(_u(b))),
    "arith.maxsi": lambda a, b: max(int(a), int(b)),
    "arith.minsi": lambda a, b: min(int(a), int(b)),
    "arith.maxui": lambda a, b: a if _u(a) >= _u(b) else b,
    "arith.minui": lambda a, b: a if _u(a) <= _u(b) else b,
    "arith.andi": lambda a, b: int(a) & int(b),
    "arith.ori": lambda a, b: int(a) | int(b),
    "arith.xori": lambda a, b: int(a) ^ int(b),
    "arith.shli": lambda a, b: int(a) << int(b),
    "arith.shrsi": lambda a, b: int(a) >> int(b),
    "arith.shrui": lambda a, b: int(_u(a)) >> int(b),
}

_BINARY_FLOAT: dict[str, Callable[[Any, Any], Any]] = {
    "arith.addf": lambda a, b: a + b,
    "arith.subf": lambda a, b: a - b,
    "arith.mulf": lambda a, b: a * b,
    "arith.divf": lambda a, b: np.divide(a, b),
    "arith.remf": lambda a, b: np.fmod(a, b),
    "arith.maximumf": lambda a, b: np.maximum(a, b),
    "arith.minimumf": lambda a, b: np.minimum(a, b),
    "arith.maxnumf": lambda a, b: np.fmax(a, b),
    "arith.minnumf": lambda a, b: np.fmin(a, b),
    "math.powf": lambda a, b: np.power(a, b),
    "math.atan2": lambda a, b: np.arctan2(a, b),
    "math.copysign": lambda a, b: np.copysign(a, b),
}

_UNARY_FLOAT: dict[str, Callable[[Any], Any]] = {
    "arith.negf": lambda a: -a,
    "math.absf": np.abs, "math.exp": np.exp, "math.exp2": np.exp2, "math.expm1": np.expm1,
    "math.log": np.log, "math.log2": np.log2, "math.log10": np.log10, "math.log1p": np.log1p,
    "math.sqrt": np.sqrt, "math.rsqrt": lambda a: 1 / np.sqrt(a), "math.tanh": np.tanh,
    "math.sinh": np.sinh, "math.cosh": np.cosh, "math.sin": np.sin, "math.cos": np.cos,
    "math.tan": np.tan, "math.asin": np.arcsin, "math.acos": np.arccos, "math.atan": np.arctan,
    "math.floor": np.floor, "math.ceil": np.ceil, "math.roundeven": np.rint,
    "math.round": lambda a: np.copysign(np.floor(np.abs(a) + 0.5), a),
    "math.trunc": np.trunc, "math.erf": lambda a: type(a)(pymath.erf(float(a))),
}


class _TensorOps:
    """The loop ops on tensors whose semantics are those of their sym
    counterparts (the same fields, so the sym op's NumPy definition applies)."""

    def op_loop_generate(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects import sym

        return sym.MapIndexOp.evaluate_region(op, lambda block, a: self.run_block(block, a, env), args[0])  # type: ignore[attr-defined]

    def op_loop_scan(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects import sym

        return sym.ScanOp.evaluate_region(op, lambda block, a: self.run_block(block, a), *args)  # type: ignore[attr-defined]

    def op_loop_if(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        region = op.then_region if bool(args[0]) else op.else_region
        return tuple(np.array(v, copy=True) for v in self.run_block(region.block, [], env))  # type: ignore[attr-defined]

    def op_loop_gather(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects.sym.indexing import runtime_indices

        x, *indices = args
        return (np.array(x[runtime_indices(op, x, indices, f"'{op.name}'")]),)

    def op_loop_scatter(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects.sym.indexing import runtime_indices

        x, y, *indices = args
        key = runtime_indices(op, x, indices, f"'{op.name}'")
        out = x.copy()
        target = out[key].shape
        value = np.broadcast_to(y, target)
        if op.kind.data == "inc":
            np.add.at(out, key, value)
        else:
            out[key] = value
        return (out,)

    def op_loop_nonzero(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        x = args[0]
        return (np.array(np.nonzero(x), dtype=np.int64).reshape(x.ndim, -1),)

    def op_loop_cumulative(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        x = args[0]
        fn = np.cumsum if op.kind.data == "add" else np.cumprod
        return (fn(x, axis=op.axis.value.data).astype(x.dtype),)

    def op_loop_sort(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        x = args[0]
        axis = op.axis.value.data
        if op.kind.data == "values":
            return (np.sort(x, axis=axis, kind="stable"),)
        return (np.argsort(x, axis=axis, kind="stable").astype(np.int64),)

    def op_loop_mrg_uniform(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects import sym

        return sym.MrgUniformOp.evaluate(op, *args)  # type: ignore[arg-type]

    def op_loop_multinomial(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects import sym

        return sym.MultinomialFromUniformOp.evaluate(op, *args)  # type: ignore[arg-type]


class StageInterpreter(_TensorOps):
    """Runs the entry function of a module below the sym level.

    Called like the other executors: ``(arguments, globals) -> (outputs,
    writes)``. The arguments are the function's inputs; globals are read through
    ``loop.read`` (before ``loop-abi``) or passed as the ``shared`` arguments the
    calling convention records (after it), and their new values come back in
    ``writes``.
    """

    def __init__(self, module: ModuleOp, entry: func.FuncOp):
        self.module = module
        self.func = entry
        self.constants: dict[str, np.ndarray] = {}
        for op in module.ops:
            if isinstance(op, memref.GlobalOp) and isinstance(op.initial_value, DenseIntOrFPElementsAttr):
                self.constants[op.sym_name.data] = numpy_from_dense(op.initial_value)
        from symopt.passes.loop_abi import read_abi

        self.abi = read_abi(entry) if "symopt.abi" in entry.attributes else None
        arg_attrs = entry.arg_attrs.data if entry.arg_attrs is not None else []
        self.arg_dtypes = [
            d.data["symopt.dtype"].data if "symopt.dtype" in d.data else None  # type: ignore[attr-defined]
            for d in arg_attrs
        ]

    # -- calling -----------------------------------------------------------------

    def __call__(
        self, args: Sequence[np.ndarray], globals_: Mapping[str, np.ndarray]
    ) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
        self.globals = dict(globals_)
        self.writes: dict[str, np.ndarray] = {}
        self.freed: set[int] = set()
        self.roots: dict[int, np.ndarray] = {}
        self.view_roots: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        block = self.func.body.block
        values: list[Any] = []
        if self.abi is None:
            values = [np.array(a, copy=True) for a in args]
            for v in values:
                self.roots[id(v)] = v
            results = self.run_block(block, values)
            return [np.array(r) for r in results], {k: np.array(v) for k, v in self.writes.items()}
        roles = [(e.data["role"].data, e.data["name"].data) for e in self.abi.data["args"].data]  # type: ignore[attr-defined]
        it = iter(args)
        for role, name in roles:
            if role in ("input", "sample"):
                values.append(np.array(next(it), copy=True))
            elif role == "shared":
                values.append(np.array(self.globals[name], copy=True))
            else:
                raise InterpretError(f"the interpreter cannot supply {role} arguments (host draws)")
        for v in values:
            self.roots[id(v)] = v
        results = self.run_block(block, values)
        outputs, writes = [], {}
        for entry, value in zip(self.abi.data["results"].data, results):  # type: ignore[attr-defined]
            role, name = entry.data["role"].data, entry.data["name"].data  # type: ignore[attr-defined]
            if role == "output":
                outputs.append(np.array(value))
            else:
                writes[name] = np.array(value)
        return outputs, writes

    # -- blocks and ops ----------------------------------------------------------

    def run_block(self, block: Block, args: Sequence[Any], env: dict[SSAValue, Any] | None = None) -> list[Any]:
        env = dict(env) if env is not None else {}
        env.update(zip(block.args, args))
        for op in block.ops:
            if isinstance(op, (func.ReturnOp, scf.YieldOp, loop.YieldOp)):
                return [env[v] for v in op.operands]
            results = self.run_op(op, [env[v] for v in op.operands], env)
            env.update(zip(op.results, results))
        return []

    def run_op(self, op: Operation, args: list[Any], env: dict[SSAValue, Any]) -> Sequence[Any]:
        name = op.name
        if name in _BINARY_INT:
            return (_wrap(_BINARY_INT[name](*args), op.results[0].type),)
        if name in _BINARY_FLOAT:
            with np.errstate(all="ignore"):
                return (_cast(_BINARY_FLOAT[name](*args), op.results[0].type),)
        if name in _UNARY_FLOAT:
            with np.errstate(all="ignore"):
                return (_cast(_UNARY_FLOAT[name](args[0]), op.results[0].type),)
        handler = getattr(self, "op_" + name.replace(".", "_"), None)
        if handler is None:
            raise InterpretError(f"the stage interpreter cannot run '{name}'")
        return handler(op, args, env)

    # -- arith, math ---------------------------------------------------------------

    def op_arith_constant(self, op: arith.ConstantOp, args: list[Any], env: Any) -> Sequence[Any]:
        value = op.value
        t = op.result.type
        if isinstance(value, DenseIntOrFPElementsAttr):
            return (numpy_from_dense(value).astype(np_dtype(t)),)
        if isinstance(value, (IntegerAttr, FloatAttr)):
            if isinstance(value, IntegerAttr):
                return (_wrap(value.value.data, t),)
            return (_cast(value.value.data, t),)
        raise InterpretError(f"unsupported constant {value}")

    def op_arith_cmpi(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return (_cmpi(op.predicate.value.data, *args),)

    def op_arith_cmpf(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return (_cmpf(op.predicate.value.data, *args),)

    def op_arith_select(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        c, a, b = args
        return (a if bool(c) else b,)

    def _convert(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        t = op.results[0].type
        (v,) = args
        if isinstance(t, (IntegerType, IndexType)):
            return (_wrap(int(v), t),)
        return (_cast(v, t),)

    op_arith_index_cast = op_arith_extsi = op_arith_trunci = _convert
    op_arith_sitofp = op_arith_extf = op_arith_truncf = _convert

    def op_arith_index_castui(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return (_wrap(int(_u(args[0])), op.results[0].type),)

    op_arith_extui = op_arith_index_castui

    def op_arith_uitofp(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return (_cast(int(_u(args[0])), op.results[0].type),)

    def op_arith_fptosi(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return (_wrap(int(np.trunc(args[0])), op.results[0].type),)

    op_arith_fptoui = op_arith_fptosi

    def op_arith_bitcast(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return (np.asarray(args[0]).view(np_dtype(op.results[0].type))[()],)

    def op_arith_negi(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return (_wrap(-int(args[0]), op.results[0].type),)

    def op_math_absi(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return (_wrap(abs(int(args[0])), op.results[0].type),)

    def op_math_fma(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        a, b, c = args
        return (_cast(a * b + c, op.results[0].type),)

    def op_math_ipowi(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return (_wrap(int(args[0]) ** int(args[1]), op.results[0].type),)

    # -- buffers -----------------------------------------------------------------

    def _new(self, shape: Sequence[int], dtype: np.dtype) -> np.ndarray:
        fill: Any = np.nan if dtype.kind == "f" else (0 if dtype == np.bool_ else np.array(-0x5A5A).astype(dtype))
        buf = np.full(tuple(int(s) for s in shape), fill, dtype=dtype)
        self.roots[id(buf)] = buf
        return buf

    def _live(self, buf: Any, what: str) -> None:
        root = self._root(buf)
        if root is not None and id(root) in self.freed:
            raise InterpretError(f"{what} of a buffer that was freed")

    def _root(self, buf: Any) -> np.ndarray | None:
        known = self.view_roots.get(id(buf))
        if known is not None and known[0] is buf:
            return known[1]
        b = buf
        while isinstance(b, np.ndarray):
            if id(b) in self.roots and self.roots[id(b)] is b:
                return b
            b = b.base
        return None

    def op_memref_alloc(self, op: memref.AllocOp, args: list[Any], env: Any) -> Sequence[Any]:
        t = op.memref.type
        sizes = iter(args)
        shape = [int(next(sizes)) if s < 0 else s for s in t.get_shape()]
        return (self._new(shape, np_dtype(t.element_type)),)

    op_memref_alloca = op_memref_alloc

    def op_memref_dealloc(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        root = self._root(args[0])
        if root is None:
            raise InterpretError("memref.dealloc of a buffer the function did not allocate")
        if id(root) in self.freed:
            raise InterpretError("memref.dealloc of a buffer freed already (a double free)")
        self.freed.add(id(root))
        return ()

    def op_memref_load(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        buf, *idx = args
        self._live(buf, "a load")
        return (buf[tuple(int(i) for i in idx)],)

    def op_memref_store(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        value, buf, *idx = args
        self._live(buf, "a store")
        buf[tuple(int(i) for i in idx)] = value
        return ()

    def op_memref_dim(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        buf, k = args
        return (np.int64(buf.shape[int(k)]),)

    def op_memref_get_global(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        value = self.constants[op.name_.root_reference.data]
        arr = np.array(value, dtype=np_dtype(op.memref.type.element_type))
        self.roots[id(arr)] = arr
        return (arr,)

    def op_loop_view(self, op: loop.ViewOp, args: list[Any], env: Any) -> Sequence[Any]:
        source, offset, *rest = args
        sizes, strides = rest[: len(op.sizes)], rest[len(op.sizes) :]
        root = self._root(source)
        if root is None:
            raise InterpretError("loop.view of a buffer of unknown origin")
        self._live(source, "a view")
        flat = root.reshape(-1)
        itemsize = root.dtype.itemsize
        start = flat[int(offset):] if int(offset) < flat.size else flat[flat.size:]
        view = np.lib.stride_tricks.as_strided(
            start, shape=tuple(int(s) for s in sizes), strides=tuple(int(s) * itemsize for s in strides)
        )
        self.view_roots[id(view)] = (view, root)
        if view.size and (int(offset) < 0 or int(offset) + sum((int(s) - 1) * int(t) for s, t in zip(sizes, strides)) >= flat.size):
            raise InterpretError("loop.view reaches outside its buffer")
        return (view,)

    def op_loop_layout(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        (buf,) = args
        root = self._root(buf)
        if root is None:
            raise InterpretError("loop.layout of a buffer of unknown origin")
        itemsize = buf.dtype.itemsize
        offset = (buf.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // itemsize
        return (np.int64(offset), *[np.int64(s // itemsize) for s in buf.strides])

    def op_loop_check(self, op: loop.CheckOp, args: list[Any], env: Any) -> Sequence[Any]:
        cond, *values = args
        if not bool(cond):
            message = op.message.data.format(*[int(v) for v in values])
            raise (IndexError if op.kind.data == "index" else ValueError)(message)
        return ()

    def op_loop_read(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        value = np.array(self.globals[op.global_name.string_value()], copy=True)
        self.roots[id(value)] = value
        return (value,)

    def op_loop_write(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        self.writes[op.global_name.string_value()] = np.array(args[0], copy=True)
        return ()

    # -- control flow --------------------------------------------------------------

    def op_scf_for(self, op: scf.ForOp, args: list[Any], env: Any) -> Sequence[Any]:
        lb, ub, step, *carried = args
        for i in range(int(lb), int(ub), int(step)):
            carried = self.run_block(op.body.block, [np.int64(i), *carried], env)
        return tuple(carried)

    def op_scf_if(self, op: scf.IfOp, args: list[Any], env: Any) -> Sequence[Any]:
        region = op.true_region if bool(args[0]) else op.false_region
        if not region.blocks:
            return ()
        return tuple(self.run_block(region.block, [], env))

    # -- structured loops (both forms) ----------------------------------------------

    def _read(self, buf: np.ndarray, dmap: Sequence[int], idx: Sequence[int]) -> Any:
        at = tuple(0 if d == -1 or s == 1 else idx[d] for d, s in zip(dmap, buf.shape))
        return buf[at]

    def _space(self, op: Any, ins: Sequence[np.ndarray], rank: int, fallback: Sequence[int | None]) -> list[int]:
        sizes: list[int | None] = [None] * rank
        for buf, dmap in zip(ins, op.input_dims()):
            for k, d in enumerate(dmap):
                if d != -1 and sizes[d] is None and buf.shape[k] != 1:
                    sizes[d] = buf.shape[k]
        return [s if s is not None else (f if f is not None else 1) for s, f in zip(sizes, fallback)]

    def _body(self, op: Any, values: list[Any], idx: Sequence[int], env: Any) -> list[Any]:
        self._ivs = idx
        return self.run_block(op.body.block, values, env)

    def op_loop_index(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return (np.int64(self._ivs[op.dim.value.data]),)

    def op_loop_map(self, op: loop.MapOp, args: list[Any], env: Any) -> Sequence[Any]:
        ins = args[: len(op.inputs)]
        for b in ins:
            self._live(b, "a read")
        if op.outputs:
            outs = args[len(op.inputs) :]
            space = list(outs[0].shape)
        else:
            rtype = op.res[0].type
            rank = len(rtype.get_shape())
            static = [None if s < 0 else s for s in rtype.get_shape()]
            space = self._space(op, ins, rank, static)
            outs = [self._new(space, np_dtype(r.type)) for r in op.res]
        dims = op.input_dims()
        for idx in np.ndindex(*space):
            values = [self._read(b, d, idx) for b, d in zip(ins, dims)]
            ys = self._body(op, values, idx, env)
            for o, y in zip(outs, ys):
                o[idx] = y
        return () if op.outputs else tuple(outs)

    def op_loop_reduce(self, op: loop.ReduceOp, args: list[Any], env: Any) -> Sequence[Any]:
        ins = args[: len(op.inputs)]
        kind = op.kind.data
        axes = op.axis_tuple()
        keep = bool(op.keepdims.value.data)
        out_type = (op.outputs[0] if op.outputs else op.res[0]).type
        out_static = [None if s < 0 else s for s in out_type.get_shape()]
        rank = len(out_static) if keep else len(out_static) + len(axes)
        kept = [d for d in range(rank) if d not in axes]
        fallback: list[int | None] = [None] * rank
        for pos, d in enumerate(kept):
            fallback[d] = out_static[d if keep else pos]
        if op.outputs:
            out = args[len(op.inputs)]
            for pos, d in enumerate(kept):
                fallback[d] = out.shape[d if keep else pos]
        space = self._space(op, ins, rank, fallback)
        if not op.outputs:
            out = self._new([1 if d in axes else space[d] for d in range(rank) if keep or d not in axes], np_dtype(out_type))
        value_type = op.body.block.last_op.values[0].type  # type: ignore[union-attr]
        unsigned = "unsigned" in op.attributes
        vdt = np_dtype(value_type)
        dims = op.input_dims()
        for outer in np.ndindex(*[space[d] for d in kept]):
            acc: Any = None
            best_pos = 0
            count = 0
            for inner in np.ndindex(*[space[a] for a in axes]):
                idx = [0] * rank
                for d, i in zip(kept, outer):
                    idx[d] = i
                for d, i in zip(axes, inner):
                    idx[d] = i
                (v,) = self._body(op, [self._read(b, dm, idx) for b, dm in zip(ins, dims)], idx, env)
                acc, best_pos = _combine(kind, acc, v, count, best_pos, vdt, unsigned)
                count += 1
            if acc is None:
                acc = _initial(kind, vdt, unsigned)
            if kind in ("argmax", "argmin"):
                result: Any = np.int64(best_pos)
            elif kind == "mean":
                result = vdt.type(acc / count) if count else vdt.type(np.nan)
            else:
                result = acc
            at = [0 if d in axes else outer[kept.index(d)] for d in range(rank) if keep or d not in axes]
            out[tuple(at)] = result
        return () if op.outputs else (out,)

    def op_loop_dot(self, op: loop.DotOp, args: list[Any], env: Any) -> Sequence[Any]:
        a, b = args[0], args[1]
        self._live(a, "a read")
        self._live(b, "a read")
        value = np.dot(a, b)
        if op.outputs:
            out = args[2]
            out[...] = value
            return ()
        return (np.asarray(value, dtype=np_dtype(op.res[0].type)),)

    # -- tensor-level structure ---------------------------------------------------

    # the structural tensor ops have their sym counterparts' fields: the sym op's
    # NumPy definition is theirs too
    def op_loop_dimshuffle(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects import sym

        return tuple(np.array(v) for v in sym.DimShuffleOp.evaluate(op, *args))

    def op_loop_shape(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects import sym

        return sym.ShapeOp.evaluate(op, *args)

    def op_loop_reshape(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects import sym

        return tuple(np.array(v) for v in sym.ReshapeOp.evaluate(op, *args))

    def op_loop_broadcast(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects import sym

        return tuple(np.array(v) for v in sym.AllocOp.evaluate(op, *args))

    def op_loop_range(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects import sym

        return sym.ArangeOp.evaluate(op, *args)

    def op_loop_concat(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.dialects import sym

        return sym.ConcatenateOp.evaluate(op, *args)

    def _index(self, op: Any, x: np.ndarray, dynamic: Sequence[np.ndarray]) -> tuple[Any, ...]:
        it = iter(int(d) for d in dynamic)
        values = [int(v) for v in op.spec.get_values()]
        key: list[Any] = []
        for k in range(0, len(values), 4):
            kind, start, stop, step = values[k : k + 4]

            def get(v: int) -> int | None:
                if v == loop.SLICE_NONE:
                    return None
                if v == loop.SLICE_DYNAMIC:
                    return next(it)
                return v

            if kind == 0:
                i = get(start)
                d = len(key)
                if i is None or not -x.shape[d] <= i < x.shape[d]:
                    raise IndexError(f"index {i} is out of bounds for dimension {d} with size {x.shape[d]}")
                key.append(i)
            else:
                key.append(slice(get(start), get(stop), get(step)))
        return tuple(key)

    def op_loop_slice(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        x, *dynamic = args
        return (np.array(x[self._index(op, x, dynamic)]),)

    def op_loop_update(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        x, y, *dynamic = args
        out = x.copy()
        key = self._index(op, out, dynamic)
        if op.kind.data == "inc":
            out[key] += y
        else:
            out[key] = y
        return (out,)


def _initial(kind: str, dtype: np.dtype, unsigned: bool) -> Any:
    if kind in ("add", "mean"):
        return dtype.type(0)
    if kind == "mul":
        return dtype.type(1)
    if kind == "and":
        return dtype.type(True)
    if kind == "or":
        return dtype.type(False)
    lowest = kind in ("max", "argmax")
    if dtype.kind == "f":
        return dtype.type(-np.inf if lowest else np.inf)
    if dtype == np.bool_:
        return np.bool_(not lowest)
    info = np.iinfo(dtype)
    if unsigned:
        return np.asarray(0 if lowest else -1, dtype=dtype)[()]
    return dtype.type(info.min if lowest else info.max)


def _combine(kind: str, acc: Any, v: Any, count: int, best_pos: int, dtype: np.dtype, unsigned: bool) -> tuple[Any, int]:
    if acc is None:
        acc = _initial(kind, dtype, unsigned)
    with np.errstate(all="ignore"):
        if kind in ("add", "mean"):
            return (_wrap(int(acc) + int(v), _itype(dtype)) if dtype.kind in "iu" else dtype.type(acc + v)), best_pos
        if kind == "mul":
            return (_wrap(int(acc) * int(v), _itype(dtype)) if dtype.kind in "iu" else dtype.type(acc * v)), best_pos
        if kind == "and":
            return np.bool_(bool(acc) and bool(v)), best_pos
        if kind == "or":
            return np.bool_(bool(acc) or bool(v)), best_pos
        a, b = (_u(acc), _u(v)) if unsigned and dtype.kind == "i" else (acc, v)
        if kind in ("max", "min"):
            if dtype == np.bool_:
                return np.bool_((acc or v) if kind == "max" else (acc and v)), best_pos
            if dtype.kind == "f":
                return (np.maximum(acc, v) if kind == "max" else np.minimum(acc, v)), best_pos
            return (acc if (a >= b if kind == "max" else a <= b) else v), best_pos
        # argmax / argmin: the first extreme, the first NaN wins
        better = (b > a) if kind == "argmax" else (b < a)
        if dtype.kind == "f" and np.isnan(v) and not np.isnan(acc):
            better = True
        if count == 0 or better:
            return v, count
        return acc, best_pos


def _itype(dtype: np.dtype) -> Attribute:
    return IntegerType(dtype.itemsize * 8)
