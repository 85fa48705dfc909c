"""A compiled function's Python entry: the whole call path in native code.

``add_python_entry`` adds to a function's LLVM module a second entry point,
``PyObject* @"symopt.py.<name>"(PyObject* self, PyObject** args, i64 nargs)``,
with CPython's ``METH_FASTCALL`` signature, so that ``symopt.runtime.native``
can make it a builtin function object. One call of it does what the Python call
path does for the common cases, from the calling-convention record alone:

* each argument is checked and packed into the ``io`` words: an ``ndarray`` of
  exactly the recorded dtype (its canonical descriptor), rank and static sizes,
  C-contiguous and aligned (and writeable where a shared variable is updated in
  place); a Python ``float``, ``int`` or ``bool`` for a 0-d input where the
  ``Function`` accepts one, converted exactly as the Python path would;
* each shared variable's value is read from its ``_storage`` slot (and checked
  as an argument is);
* the entry point runs, without the GIL unless it updates a buffer in place
  (those calls hold the GIL, which serializes them);
* the results become NumPy arrays: small ones copied into arrays NumPy allocates
  (the buffer given back at once), large ones wrapped where they lie, with a
  capsule as their base that gives the buffer back to the runtime's pool; 0-d
  ones returned by value;
* new values of shared variables are stored in their ``_storage`` slots, after
  everything else has succeeded.

Anything else (another type, a non-contiguous array, a missing argument) makes
it return ``NotImplemented`` before anything ran, and the caller takes the
Python path, which converts or reports. A failed run-time check raises
``symopt_py_failure`` with the status and the ``err`` words as bytes, which the
caller turns into the check's message.

``self`` is a tuple ``(flags, "_storage", *shared_variables)``: ``flags`` bit 0
asks for a single output unpacked, bit ``1 + k`` lets input ``k`` be a Python
scalar; the variables are in ``shared_names`` order.

What the code assumes of CPython and NumPy (the object layouts below, NumPy's
C-API table slots) is checked by the Python side against live objects before
any entry is used; the disk cache keys entries by the Python and NumPy versions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from llvmlite import ir

from symopt.lowering import imports
from symopt.lowering.native_abi import (
    ALIGNED,
    ARRAY_DATA,
    ARRAY_DESCR,
    ARRAY_DIMS,
    ARRAY_FLAGS,
    ARRAY_ND,
    C_CONTIGUOUS,
    FLOAT_VALUE,
    OB_TYPE,
    SMALL_RESULT,
    WRITEABLE,
    entry_name,
    entry_symbol,
    shared_names,
    supported,
    takes_python_scalars,
)

I1, I8, I32, I64 = ir.IntType(1), ir.IntType(8), ir.IntType(32), ir.IntType(64)
I8P = I8.as_pointer()
OBJ = I8P
"""``PyObject*``."""

FUNCTIONS: dict[str, tuple[ir.Type, tuple[ir.Type, ...]]] = {
    "Py_IncRef": (ir.VoidType(), (OBJ,)),
    "Py_DecRef": (ir.VoidType(), (OBJ,)),
    "PyTuple_GetItem": (OBJ, (OBJ, I64)),
    "PyLong_AsLongLong": (I64, (OBJ,)),
    "PyLong_AsLongLongAndOverflow": (I64, (OBJ, I32.as_pointer())),
    "PyObject_GetAttr": (OBJ, (OBJ, OBJ)),
    "PyObject_SetAttr": (I32, (OBJ, OBJ, OBJ)),
    "PyList_New": (OBJ, (I64,)),
    "PyList_SetItem": (I32, (OBJ, I64, OBJ)),
    "PyBytes_FromStringAndSize": (OBJ, (I8P, I64)),
    "PyErr_SetObject": (ir.VoidType(), (OBJ, OBJ)),
    "PyEval_SaveThread": (I8P, ()),
    "PyEval_RestoreThread": (ir.VoidType(), (I8P,)),
    "PyCapsule_New": (OBJ, (I8P, I8P, I8P)),
    "PyCapsule_SetContext": (I32, (OBJ, I8P)),
    # NumPy's, from its C-API table
    "symopt_np_new_from_descr": (OBJ, (OBJ, OBJ, I32, I64.as_pointer(), I64.as_pointer(), I8P, I32, OBJ)),
    "symopt_np_set_base": (I32, (OBJ, OBJ)),
    "symopt_pool_give": (ir.VoidType(), (I8P, I64)),
}
"""The C functions an entry calls, with their LLVM signatures."""

ENTRY_T = ir.FunctionType(OBJ, [OBJ, OBJ.as_pointer(), I64])


def _c(t: ir.Type, value: int) -> ir.Constant:
    return ir.Constant(t, value)


class _Entry:
    def __init__(self, module: ir.Module, abi: dict[str, Any]):
        self.module = module
        self.abi = abi
        self.kernel = module.get_global(entry_symbol(abi["name"]))
        self.fn = ir.Function(module, ENTRY_T, name=entry_name(abi["name"]))
        self.fn.args[0].name, self.fn.args[1].name, self.fn.args[2].name = "self", "args", "nargs"
        self.shared = shared_names(abi)
        self.inplace = {r["name"] for r in abi["results"] if r["role"] == "inplace"}

    # -- declarations -------------------------------------------------------------

    def call(self, name: str, args: list[ir.Value]) -> ir.Value:
        ret, params = FUNCTIONS[name]
        return self.b.call(imports.function(self.module, name, ret, list(params)), args)

    def obj(self, name: str) -> ir.Value:
        """The address of an object the runtime binds as import ``symopt_py_<name>``
        (``ndarray``, ``float``, ``int``, ``true``, ``false``, ``notimplemented``,
        ``failure``, ``dtype_<dtype>``: see ``symopt.runtime.native``)."""
        return imports.address(self.b, f"symopt_py_{name}")

    def descr(self, dtype: str) -> ir.Value:
        return self.obj(f"dtype_{np.dtype(dtype).name}")

    # -- helpers --------------------------------------------------------------------

    def field(self, obj: ir.Value, offset: int, t: ir.Type) -> ir.Value:
        b = self.b
        return b.load(b.bitcast(b.gep(obj, [_c(I64, offset)]), t.as_pointer()))

    def block(self, name: str) -> ir.Block:
        return self.fn.append_basic_block(name)

    def expect(self, ok: ir.Value, name: str) -> None:
        """Go on where ``ok`` holds, else take the Python path."""
        cont = self.block(name)
        self.b.cbranch(ok, cont, self.slow)
        self.b.position_at_end(cont)

    def entry_alloca(self, t: ir.Type, name: str) -> ir.Value:
        """A stack slot made in the entry block (so that LLVM promotes it)."""
        b = ir.IRBuilder(self.fn.entry_basic_block)
        b.position_at_start(self.fn.entry_basic_block)
        return b.alloca(t, name=name)

    def word(self, index: int) -> ir.Value:
        return self.b.gep(self.io, [_c(I64, index)])

    def check_array(self, obj: ir.Value, slot: dict[str, Any], writeable: bool, tag: str) -> ir.Value:
        """Check that ``obj`` is an array fit for ``slot``; its data pointer."""
        b = self.b
        self.expect(b.icmp_unsigned("==", self.field(obj, OB_TYPE, OBJ), self.obj("ndarray")), f"{tag}.array")
        ok = b.icmp_unsigned("==", self.field(obj, ARRAY_DESCR, OBJ), self.descr(slot["dtype"]))
        ok = b.and_(ok, b.icmp_signed("==", self.field(obj, ARRAY_ND, I32), _c(I32, slot["rank"])))
        need = C_CONTIGUOUS | ALIGNED | (WRITEABLE if writeable else 0)
        flags = self.field(obj, ARRAY_FLAGS, I32)
        ok = b.and_(ok, b.icmp_signed("==", b.and_(flags, _c(I32, need)), _c(I32, need)))
        self.expect(ok, f"{tag}.layout")
        if any(s >= 0 for s in slot["shape"]):
            dims = self.field(obj, ARRAY_DIMS, I64.as_pointer())
            ok = _c(I1, 1)
            for k, s in enumerate(slot["shape"]):
                if s >= 0:
                    ok = b.and_(ok, b.icmp_signed("==", b.load(b.gep(dims, [_c(I64, k)])), _c(I64, s)))
            self.expect(ok, f"{tag}.shape")
        return self.field(obj, ARRAY_DATA, I8P)

    def pack(self, obj: ir.Value, slot: dict[str, Any], pos: int, writeable: bool, tag: str) -> ir.Value:
        """Check an array argument and store its pointer and sizes at ``io[pos]``."""
        b = self.b
        data = self.check_array(obj, slot, writeable, tag)
        b.store(b.ptrtoint(data, I64), self.word(pos))
        if slot["rank"]:
            dims = self.field(obj, ARRAY_DIMS, I64.as_pointer())
            for k in range(slot["rank"]):
                b.store(b.load(b.gep(dims, [_c(I64, k)])), self.word(pos + 1 + k))
        return data

    def box(self, index: int, t: ir.Type) -> ir.Value:
        return self.b.bitcast(self.b.gep(self.boxes, [_c(I64, index)]), t.as_pointer())

    def scalar(self, obj: ir.Value, slot: dict[str, Any], index: int, pos: int, tag: str) -> None:
        """A Python scalar for a 0-d input (the Python path's exact conversions):
        its value in box ``index``, the box's address at ``io[pos]``."""
        b = self.b
        dtype = np.dtype(slot["dtype"])
        kind = self.field(obj, OB_TYPE, OBJ)
        done = self.block(f"{tag}.boxed")
        if dtype == np.float64:
            is_float = b.icmp_unsigned("==", kind, self.obj("float"))
            from_float, other = self.block(f"{tag}.float"), self.block(f"{tag}.other")
            b.cbranch(is_float, from_float, other)
            b.position_at_end(from_float)
            b.store(self.field(obj, FLOAT_VALUE, ir.DoubleType()), self.box(index, ir.DoubleType()))
            b.branch(done)
            b.position_at_end(other)
            value = self.exact_int(obj, kind, -(2**53), 2**53, tag)
            b.store(b.sitofp(value, ir.DoubleType()), self.box(index, ir.DoubleType()))
        elif dtype.kind in "iu":
            info = np.iinfo(dtype)
            value = self.exact_int(obj, kind, max(int(info.min), -(2**63)), min(int(info.max), 2**63 - 1), tag)
            t = ir.IntType(8 * dtype.itemsize)
            b.store(b.trunc(value, t) if t.width < 64 else value, self.box(index, t))
        else:  # bool (see takes_python_scalars)
            true = b.icmp_unsigned("==", obj, self.obj("true"))
            false = b.icmp_unsigned("==", obj, self.obj("false"))
            self.expect(b.or_(true, false), f"{tag}.bool")
            b.store(b.zext(true, I8), self.box(index, I8))
        b.branch(done)
        b.position_at_end(done)
        b.store(b.ptrtoint(self.box(index, I8), I64), self.word(pos))

    def exact_int(self, obj: ir.Value, kind: ir.Value, low: int, high: int, tag: str) -> ir.Value:
        """An exact ``int`` in [low, high] as an i64 (else the Python path)."""
        b = self.b
        self.expect(b.icmp_unsigned("==", kind, self.obj("int")), f"{tag}.int")
        value = self.call("PyLong_AsLongLongAndOverflow", [obj, self.overflow])
        ok = b.icmp_signed("==", b.load(self.overflow), _c(I32, 0))
        ok = b.and_(ok, b.icmp_signed(">=", value, _c(I64, low)))
        ok = b.and_(ok, b.icmp_signed("<=", value, _c(I64, high)))
        self.expect(ok, f"{tag}.range")
        return value

    def new_array(self, dtype: str, rank: int, dims: ir.Value, data: ir.Value, flags: int) -> ir.Value:
        """``PyArray_NewFromDescr`` (which takes a reference to the descriptor);
        the error path where it fails."""
        b = self.b
        descr = self.descr(dtype)
        self.call("Py_IncRef", [descr])
        arr = self.call(
            "symopt_np_new_from_descr",
            [self.obj("ndarray"), descr, _c(I32, rank), dims, ir.Constant(I64.as_pointer(), None),
             data, _c(I32, flags), ir.Constant(OBJ, None)],
        )
        self.expect(b.icmp_unsigned("!=", arr, ir.Constant(OBJ, None)), "made")
        return arr

    # -- the entry ------------------------------------------------------------------

    def build(self) -> None:
        abi = self.abi
        fn = self.fn
        self_, args, nargs = fn.args
        entry = fn.append_basic_block("entry")
        self.b = b = ir.IRBuilder(entry)
        self.slow = self.block("slow")
        self.error = self.block("error")
        n_args = len(abi["args"])
        n_words = sum(1 + s["rank"] for s in [*abi["args"], *abi["results"]])
        err_words = max(int(abi["err_words"]), 1)
        self.io = b.alloca(I64, size=_c(I64, n_words + 1 + err_words), name="io")
        self.boxes = b.alloca(I64, size=_c(I64, max(n_args, 1)), name="boxes")
        self.overflow = b.alloca(I32, name="overflow")
        n_shared = len(self.shared)
        held = b.alloca(OBJ, size=_c(I64, max(n_shared, 1)), name="held")
        n_results = len(abi["results"])
        made = b.alloca(OBJ, size=_c(I64, max(n_results, 1)), name="made")
        null = ir.Constant(OBJ, None)
        for j in range(max(n_shared, 1)):
            b.store(null, b.gep(held, [_c(I64, j)]))
        for j in range(max(n_results, 1)):
            b.store(null, b.gep(made, [_c(I64, j)]))
        n_inputs = sum(1 for s in abi["args"] if s["role"] == "input")
        self.expect(b.icmp_signed("==", nargs, _c(I64, n_inputs)), "arity")
        flags = self.call("PyLong_AsLongLong", [self.call("PyTuple_GetItem", [self_, _c(I64, 0)])])
        attr = self.call("PyTuple_GetItem", [self_, _c(I64, 1)])

        def variable(name: str) -> ir.Value:
            return self.call("PyTuple_GetItem", [self_, _c(I64, 2 + self.shared.index(name))])

        # the arguments
        pos = 0
        k = 0
        inplace_box: dict[str, int] = {}
        for i, slot in enumerate(abi["args"]):
            tag = f"arg{i}"
            if slot["role"] == "input":
                obj = b.load(b.gep(args, [_c(I64, k)]))
                if slot["rank"] == 0 and takes_python_scalars(slot["dtype"]):
                    is_array = b.icmp_unsigned("==", self.field(obj, OB_TYPE, OBJ), self.obj("ndarray"))
                    as_array, as_scalar, packed = self.block(f"{tag}.a"), self.block(f"{tag}.s"), self.block(f"{tag}.p")
                    b.cbranch(is_array, as_array, as_scalar)
                    b.position_at_end(as_array)
                    self.pack(obj, slot, pos, False, tag)
                    b.branch(packed)
                    b.position_at_end(as_scalar)
                    bit = b.and_(b.lshr(flags, _c(I64, 1 + k)), _c(I64, 1))
                    self.expect(b.icmp_unsigned("!=", bit, _c(I64, 0)), f"{tag}.python")
                    self.scalar(obj, slot, i, pos, tag)
                    b.branch(packed)
                    b.position_at_end(packed)
                else:
                    self.pack(obj, slot, pos, False, tag)
                k += 1
            else:
                j = self.shared.index(slot["name"])
                value = self.call("PyObject_GetAttr", [variable(slot["name"]), attr])
                b.store(value, b.gep(held, [_c(I64, j)]))
                self.expect(b.icmp_unsigned("!=", value, null), f"{tag}.value")
                writeable = slot["name"] in self.inplace
                data = self.pack(value, slot, pos, writeable, tag)
                if writeable and slot["rank"] == 0:
                    # a 0-d value updated in place: in a box, stored as a new array
                    size = np.dtype(slot["dtype"]).itemsize
                    t = ir.IntType(8 * size)
                    b.store(b.load(b.bitcast(data, t.as_pointer())), self.box(i, t))
                    b.store(b.ptrtoint(self.box(i, I8), I64), self.word(pos))
                    inplace_box[slot["name"]] = i
            pos += 1 + slot["rank"]
        result_pos = pos
        self.unaliased()

        # the run
        err = self.word(n_words + 1)
        if self.inplace:
            status = b.call(self.kernel, [self.io, err])
        else:
            state = self.call("PyEval_SaveThread", [])
            status = b.call(self.kernel, [self.io, err])
            self.call("PyEval_RestoreThread", [state])
        failed, ran = self.block("failed"), self.block("ran")
        b.cbranch(b.icmp_signed("!=", status, _c(I32, 0)), failed, ran)
        b.position_at_end(failed)
        b.store(b.sext(status, I64), self.word(n_words))
        words = b.bitcast(self.word(n_words), I8P)
        payload = self.call("PyBytes_FromStringAndSize", [words, _c(I64, 8 * (1 + err_words))])
        with b.if_then(b.icmp_unsigned("!=", payload, null)):
            self.call("PyErr_SetObject", [self.obj("failure"), payload])
            self.call("Py_DecRef", [payload])
        b.branch(self.error)
        b.position_at_end(ran)

        # the results, as arrays
        pos = result_pos
        for r, slot in enumerate(abi["results"]):
            rank, dtype = slot["rank"], np.dtype(slot["dtype"])
            arr: ir.Value | None = None
            if slot["role"] == "inplace":
                if rank == 0:
                    arr = self.new_array(slot["dtype"], 0, ir.Constant(I64.as_pointer(), None), ir.Constant(I8P, None), 0)
                    t = ir.IntType(8 * dtype.itemsize)
                    box = self.box(inplace_box[slot["name"]], t)
                    b.store(b.load(box), b.bitcast(self.field(arr, ARRAY_DATA, I8P), t.as_pointer()))
            elif rank == 0:  # returned by value: its bits, widened to 64
                arr = self.new_array(slot["dtype"], 0, ir.Constant(I64.as_pointer(), None), ir.Constant(I8P, None), 0)
                t = ir.IntType(8 * dtype.itemsize)
                word = b.load(self.word(pos))
                b.store(b.trunc(word, t) if t.width < 64 else word, b.bitcast(self.field(arr, ARRAY_DATA, I8P), t.as_pointer()))
            else:
                arr = self.result_array(slot, pos)
            pos += 1 + rank
            if arr is not None:
                b.store(arr, b.gep(made, [_c(I64, r)]))

        # the outputs, then the commits (nothing fails after the first)
        outputs = [r for r, s in enumerate(abi["results"]) if s["role"] == "output"]
        result_slot = self.entry_alloca(OBJ, "result")
        listed, done = self.block("listed"), self.block("done")
        if len(outputs) == 1:
            single = self.block("single")
            unpack = b.icmp_unsigned("!=", b.and_(flags, _c(I64, 1)), _c(I64, 0))
            b.cbranch(unpack, single, listed)
            b.position_at_end(single)
            slot_ptr = b.gep(made, [_c(I64, outputs[0])])
            b.store(b.load(slot_ptr), result_slot)
            b.store(null, slot_ptr)
            b.branch(done)
        else:
            b.branch(listed)
        b.position_at_end(listed)
        out_list = self.call("PyList_New", [_c(I64, len(outputs))])
        self.expect(b.icmp_unsigned("!=", out_list, null), "list")
        for index, r in enumerate(outputs):
            slot_ptr = b.gep(made, [_c(I64, r)])
            self.call("PyList_SetItem", [out_list, _c(I64, index), b.load(slot_ptr)])  # takes the reference
            b.store(null, slot_ptr)
        b.store(out_list, result_slot)
        b.branch(done)
        b.position_at_end(done)
        for r, slot in enumerate(abi["results"]):
            if slot["role"] in ("shared", "inplace") and (slot["role"] == "shared" or slot["rank"] == 0):
                self.call("PyObject_SetAttr", [variable(slot["name"]), attr, b.load(b.gep(made, [_c(I64, r)]))])
        self.release(held, n_shared, made, n_results)
        b.ret(b.load(result_slot))

        # the Python path: nothing ran
        b.position_at_end(self.slow)
        self.release(held, n_shared, made, n_results)
        self.call("Py_IncRef", [self.obj("notimplemented")])
        b.ret(self.obj("notimplemented"))
        # an exception is set
        b.position_at_end(self.error)
        self.release(held, n_shared, made, n_results)
        b.ret(null)

    def extent(self, pos: int, slot: dict[str, Any]) -> tuple[ir.Value, ir.Value]:
        """The bytes [start, end) of the argument at ``io[pos]``."""
        b = self.b
        start = b.load(self.word(pos))
        nbytes: ir.Value = _c(I64, np.dtype(slot["dtype"]).itemsize)
        for k in range(slot["rank"]):
            nbytes = b.mul(nbytes, b.load(self.word(pos + 1 + k)))
        return start, b.add(start, nbytes)

    def unaliased(self) -> None:
        """Take the Python path (which copies) where an argument overlaps a buffer
        updated in place: the code would read elements it already overwrote. The
        extents go in a table that ``apart`` compares (code linear in the number
        of arguments, however many are updated in place)."""
        b = self.b
        args = self.abi["args"]
        targets = [
            a["role"] == "shared" and a["name"] in self.inplace and a["rank"] > 0 for a in args
        ]
        if not any(targets):
            return
        n = len(args)
        starts = self.entry_alloca(ir.ArrayType(I64, n), "starts")
        ends = self.entry_alloca(ir.ArrayType(I64, n), "ends")
        written = self.entry_alloca(ir.ArrayType(I8, n), "written")
        pos = 0
        for i, slot in enumerate(args):
            start, end = self.extent(pos, slot)
            at = [_c(I32, 0), _c(I64, i)]
            b.store(start, b.gep(starts, at))
            b.store(end, b.gep(ends, at))
            b.store(_c(I8, int(targets[i])), b.gep(written, at))
            pos += 1 + slot["rank"]
        first = [_c(I32, 0), _c(I64, 0)]
        ok = b.call(self.apart(), [b.gep(starts, first), b.gep(ends, first), b.gep(written, first), _c(I64, n)])
        self.expect(ok, "apart")

    def apart(self) -> ir.Function:
        """``i1 @symopt.py.apart(i64* starts, i64* ends, i8* written, i64 n)``:
        whether no extent marked written overlaps another one."""
        fn = ir.Function(self.module, ir.FunctionType(I1, [I64.as_pointer(), I64.as_pointer(), I8P, I64]),
                         name="symopt.py.apart")  # fmt: skip
        fn.linkage = "internal"
        starts, ends, written, n = fn.args
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        outer, check, inner, test, overlap, next_j, next_i, apart = (
            fn.append_basic_block(name)
            for name in ("outer", "check", "inner", "test", "overlap", "next_j", "next_i", "apart")
        )
        b.branch(outer)
        b.position_at_end(outer)
        i = b.phi(I64)
        i.add_incoming(_c(I64, 0), fn.entry_basic_block)
        b.cbranch(b.icmp_signed("<", i, n), check, apart)
        b.position_at_end(check)
        is_written = b.icmp_unsigned("!=", b.load(b.gep(written, [i])), _c(I8, 0))
        b.cbranch(is_written, inner, next_i)
        b.position_at_end(inner)
        j = b.phi(I64)
        j.add_incoming(_c(I64, 0), check)
        b.cbranch(b.icmp_signed("<", j, n), test, next_i)
        b.position_at_end(test)
        si, ei = b.load(b.gep(starts, [i])), b.load(b.gep(ends, [i]))
        sj, ej = b.load(b.gep(starts, [j])), b.load(b.gep(ends, [j]))
        hit = b.and_(b.icmp_unsigned("<", sj, ei), b.icmp_unsigned("<", si, ej))
        b.cbranch(b.and_(hit, b.icmp_unsigned("!=", i, j)), overlap, next_j)
        b.position_at_end(overlap)
        b.ret(_c(I1, 0))
        b.position_at_end(next_j)
        j.add_incoming(b.add(j, _c(I64, 1)), next_j)
        b.branch(inner)
        b.position_at_end(next_i)
        i.add_incoming(b.add(i, _c(I64, 1)), next_i)
        b.branch(outer)
        b.position_at_end(apart)
        b.ret(_c(I1, 1))
        return fn

    def release(self, held: ir.Value, n_shared: int, made: ir.Value, n_results: int) -> None:
        """Drop the references the entry holds (``Py_DecRef`` ignores nulls)."""
        b = self.b
        for j in range(n_shared):
            self.call("Py_DecRef", [b.load(b.gep(held, [_c(I64, j)]))])
        for r in range(n_results):
            self.call("Py_DecRef", [b.load(b.gep(made, [_c(I64, r)]))])

    def result_array(self, slot: dict[str, Any], pos: int) -> ir.Value:
        """A result buffer at ``io[pos]`` as an array: copied when small (the buffer
        given back), else wrapped, with a capsule that gives it back as its base."""
        b = self.b
        rank, itemsize = slot["rank"], np.dtype(slot["dtype"]).itemsize
        ptr = b.inttoptr(b.load(self.word(pos)), I8P)
        dims = self.word(pos + 1)
        nbytes: ir.Value = _c(I64, itemsize)
        for k in range(rank):
            nbytes = b.mul(nbytes, b.load(self.word(pos + 1 + k)))
        slot_out = self.entry_alloca(OBJ, "array")
        small, large, joined = self.block("small"), self.block("large"), self.block("wrapped")
        b.cbranch(b.icmp_signed("<=", nbytes, _c(I64, SMALL_RESULT)), small, large)
        b.position_at_end(small)
        arr = self.new_array(slot["dtype"], rank, dims, ir.Constant(I8P, None), 0)
        memcpy = self.module.globals.get("llvm.memcpy.p0i8.p0i8.i64")
        if memcpy is None:
            memcpy = ir.Function(self.module, ir.FunctionType(ir.VoidType(), [I8P, I8P, I64, I1]), name="llvm.memcpy.p0i8.p0i8.i64")
        b.call(memcpy, [self.field(arr, ARRAY_DATA, I8P), ptr, nbytes, _c(I1, 0)])
        self.call("symopt_pool_give", [ptr, nbytes])
        b.store(arr, slot_out)
        b.branch(joined)
        b.position_at_end(large)
        arr = self.new_array(slot["dtype"], rank, dims, ptr, C_CONTIGUOUS | ALIGNED | WRITEABLE)
        # the capsule's destructor is the runtime's, which outlives this code
        capsule = self.call("PyCapsule_New", [ptr, ir.Constant(I8P, None), imports.address(b, "symopt_capsule_give")])
        with b.if_else(b.icmp_unsigned("==", capsule, ir.Constant(OBJ, None))) as (failed, made):
            with failed:
                self.call("Py_DecRef", [arr])
                self.call("symopt_pool_give", [ptr, nbytes])
            with made:
                self.call("PyCapsule_SetContext", [capsule, b.inttoptr(nbytes, I8P)])
        self.expect(b.icmp_unsigned("!=", capsule, ir.Constant(OBJ, None)), "capsule")
        self.call("symopt_np_set_base", [arr, capsule])  # takes the capsule's reference
        b.store(arr, slot_out)
        b.branch(joined)
        b.position_at_end(joined)
        return b.load(slot_out)

def add_python_entry(module: ir.Module, abi: dict[str, Any]) -> str | None:
    """Add the Python entry of the function ``abi`` records to ``module``; its
    name, or None when the record has a dtype the entry does not handle."""
    if not supported(abi):
        return None
    entry = _Entry(module, abi)
    entry.build()
    return entry.fn.name
