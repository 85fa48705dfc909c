"""The native runtime's own code: one small LLVM module, compiled once per process,
whose functions every compiled function calls (through imports: see
``symopt.lowering.imports``).

* ``void @symopt_parallel_for(task, i8* context, i64 lb, i64 ub, i64 work, i64
  align)`` runs a parallel loop's task over [lb, ub) on several threads, the
  runtime's workers (see ``parallel_for`` and ``symopt.lowering.workers``).
* ``i8* @symopt_pool_take(i64 n)``, ``void @symopt_pool_give(i8* p, i64 n)`` and
  ``void @symopt_pool_drain()``: the pool of large buffers (see ``pool``).

Keeping them out of the functions' own modules means LLVM optimizes and compiles
them once, not with every function; the object code is kept in the disk cache
like a function's. ``symopt_threads`` and ``symopt_min_work`` (``i64``s) are
imports (``symopt.lowering.imports``) defined by the Python side:
``symopt.config.threads``, and the work below which a thread is not worth making
(``symopt.runtime.native.parallel_min_work``).

* ``void @symopt_capsule_give(PyObject* capsule)``: the destructor of the
  capsules of Python entries' large results (see ``capsule_give``).
"""

from __future__ import annotations

from llvmlite import ir

from symopt.lowering import imports
from symopt.lowering.workers import Workers

I8, I32, I64 = ir.IntType(8), ir.IntType(32), ir.IntType(64)
I8P = I8.as_pointer()

TASK_T = ir.FunctionType(ir.VoidType(), [I8P, I64, I64])
"""A parallel loop's task: ``void (i8* context, i64 lo, i64 hi)``."""
PARALLEL_FOR_ARGS = [TASK_T.as_pointer(), I8P, I64, I64, I64, I64]
MAX_THREADS = 64
POOL_MIN_BYTES = 1 << 20
"""Buffers from this size up are kept in the pool when given back."""
POOL_MAX_BYTES = 1 << 28
"""The most bytes the pool keeps (256 MiB)."""
POOL_SLOTS = 8


class _Builder:
    def __init__(self) -> None:
        self.module = ir.Module(name="symopt.runtime")

    def declare(self, name: str, ret: ir.Type, args: list[ir.Type]) -> ir.Function:
        existing = self.module.globals.get(name)
        if existing is not None:
            return existing  # type: ignore[return-value]
        return ir.Function(self.module, ir.FunctionType(ret, args), name=name)


def _i64(value: int) -> ir.Constant:
    return ir.Constant(I64, value)


def runtime_ir() -> tuple[str, list[str]]:
    """The runtime module's LLVM IR, and its imports."""
    import llvmlite.binding as llvm

    rt = _Builder()
    rt.module.triple = llvm.get_process_triple()
    parallel_for(rt)
    pool(rt)
    capsule_give(rt)
    return str(rt.module), imports.names(rt.module)


def parallel_for(rt: _Builder) -> None:
    """``symopt_parallel_for``: runs ``task(context, lo, hi)`` over [lb, ub) split
    in chunks of a multiple of ``align`` iterations, one per thread, on at most
    ``symopt_threads`` threads and at most one per ``symopt_min_work``
    innermost iterations of ``work`` (``MIN_WORK_PER_THREAD`` unless a test
    lowers it). The threads are the runtime's workers, made once and kept
    (``symopt.lowering.workers``); the calling thread runs chunks too."""
    module = rt.module
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), PARALLEL_FOR_ARGS), name="symopt_parallel_for")
    task, context, lb, ub, work, align = fn.args
    workers = Workers(module, TASK_T, rt.declare)

    fb = ir.IRBuilder(fn.append_basic_block("entry"))
    # both words belong to the Python side: imports
    threads_global = imports.address(fb, "symopt_threads", I64.as_pointer())
    min_work = imports.address(fb, "symopt_min_work", I64.as_pointer())
    one = _i64(1)
    n = fb.sub(ub, lb)
    by_work = fb.udiv(work, fb.load(min_work))
    by_size = fb.udiv(fb.add(n, fb.sub(align, one)), align)
    count = fb.load(threads_global)
    for limit in (by_work, by_size, _i64(MAX_THREADS)):
        count = fb.select(fb.icmp_signed("<", limit, count), limit, count)
    with fb.if_then(fb.icmp_signed("<=", count, one)):
        fb.call(task, [context, lb, ub])
        fb.ret_void()
    per = fb.sdiv(fb.add(n, fb.sub(count, one)), count)
    per = fb.mul(fb.sdiv(fb.add(per, fb.sub(align, one)), align), align)
    chunks = fb.sdiv(fb.add(n, fb.sub(per, one)), per)
    workers.run(fb, task, context, lb, ub, per, chunks)
    fb.ret_void()


def pool(rt: _Builder) -> None:
    """The pool of large buffers: given-back buffers of ``POOL_MIN_BYTES`` and
    more are kept (at most ``POOL_SLOTS`` of them, ``POOL_MAX_BYTES`` in all) for
    the next allocation of about their size, so that a function called again and
    again reuses the memory of the results its caller dropped and of its own
    temporaries, instead of having the kernel map and zero fresh pages on every
    call (glibc gives large blocks back to the system when they are freed).

    ``symopt_pool_take(n)``: a kept buffer of n to n + n/4 bytes, or null.
    ``symopt_pool_give(p, n)``: keep p or free it. ``symopt_pool_drain()``: free
    every kept buffer. A spin lock guards the table: compiled code runs on
    several threads, and the runtime gives results back while other calls run."""
    module = rt.module
    entry_t = ir.LiteralStructType([I8P, I64])
    table = ir.GlobalVariable(module, ir.ArrayType(entry_t, POOL_SLOTS), "symopt.pool")
    table.linkage = "internal"
    table.initializer = ir.Constant(ir.ArrayType(entry_t, POOL_SLOTS), None)
    cells = []
    for global_name, t in (("symopt.pool.lock", I32), ("symopt.pool.bytes", I64)):
        g = ir.GlobalVariable(module, t, global_name)
        g.linkage = "internal"
        g.initializer = ir.Constant(t, 0)
        cells.append(g)
    lock_cell, kept_bytes = cells
    free = rt.declare("free", ir.VoidType(), [I8P])
    null = ir.Constant(I8P, None)

    def lock(b: ir.IRBuilder) -> None:
        spin, locked = b.function.append_basic_block("lock"), b.function.append_basic_block("locked")
        b.branch(spin)
        b.position_at_end(spin)
        old = b.atomic_rmw("xchg", lock_cell, ir.Constant(I32, 1), "acquire")
        b.cbranch(b.icmp_signed("==", old, ir.Constant(I32, 0)), locked, spin)
        b.position_at_end(locked)

    def unlock(b: ir.IRBuilder) -> None:
        b.store_atomic(ir.Constant(I32, 0), lock_cell, "release", 4)

    def cell(b: ir.IRBuilder, k: int, field: int) -> ir.Value:
        return b.gep(table, [ir.Constant(I32, 0), ir.Constant(I32, k), ir.Constant(I32, field)], inbounds=True)

    take = ir.Function(module, ir.FunctionType(I8P, [I64]), name="symopt_pool_take")
    b = ir.IRBuilder(take.append_basic_block("entry"))
    (n,) = take.args
    with b.if_then(b.icmp_unsigned("<", n, _i64(POOL_MIN_BYTES))):
        b.ret(null)
    most = b.add(n, b.udiv(n, _i64(4)))
    lock(b)
    for k in range(POOL_SLOTS):
        ptr, size = b.load(cell(b, k, 0)), b.load(cell(b, k, 1))
        fits = b.and_(b.icmp_unsigned("!=", ptr, null),
                      b.and_(b.icmp_unsigned(">=", size, n), b.icmp_unsigned("<=", size, most)))  # fmt: skip
        with b.if_then(fits):
            b.store(null, cell(b, k, 0))
            b.store(b.sub(b.load(kept_bytes), size), kept_bytes)
            unlock(b)
            b.ret(ptr)
    unlock(b)
    b.ret(null)

    give = ir.Function(module, ir.FunctionType(ir.VoidType(), [I8P, I64]), name="symopt_pool_give")
    b = ir.IRBuilder(give.append_basic_block("entry"))
    ptr, n = give.args
    with b.if_then(b.icmp_unsigned("==", ptr, null)):
        b.ret_void()
    small = b.icmp_unsigned("<", n, _i64(POOL_MIN_BYTES))
    with b.if_then(b.or_(small, b.icmp_unsigned(">", n, _i64(POOL_MAX_BYTES)))):
        b.call(free, [ptr])
        b.ret_void()
    lock(b)
    total = b.add(b.load(kept_bytes), n)
    with b.if_then(b.icmp_unsigned("<=", total, _i64(POOL_MAX_BYTES))):
        for k in range(POOL_SLOTS):
            with b.if_then(b.icmp_unsigned("==", b.load(cell(b, k, 0)), null)):
                b.store(ptr, cell(b, k, 0))
                b.store(n, cell(b, k, 1))
                b.store(total, kept_bytes)
                unlock(b)
                b.ret_void()
    unlock(b)
    b.call(free, [ptr])
    b.ret_void()

    drain = ir.Function(module, ir.FunctionType(ir.VoidType(), []), name="symopt_pool_drain")
    b = ir.IRBuilder(drain.append_basic_block("entry"))
    lock(b)
    for k in range(POOL_SLOTS):
        b.call(free, [b.load(cell(b, k, 0))])  # free(NULL) does nothing
        b.store(null, cell(b, k, 0))
    b.store(_i64(0), kept_bytes)
    unlock(b)
    b.ret_void()


def capsule_give(rt: _Builder) -> None:
    """``void @symopt_capsule_give(PyObject* capsule)``: the destructor of the
    capsules that own the large results of Python entries (their base objects):
    gives the capsule's buffer (its pointer; its size is its context) back to the
    pool. It lives here, not in the function that made the result, because the
    result may outlive that function's code."""
    fn = ir.Function(rt.module, ir.FunctionType(ir.VoidType(), [I8P]), name="symopt_capsule_give")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    (capsule,) = fn.args
    get_pointer = imports.function(rt.module, "PyCapsule_GetPointer", I8P, [I8P, I8P])
    get_context = imports.function(rt.module, "PyCapsule_GetContext", I8P, [I8P])
    ptr = b.call(get_pointer, [capsule, ir.Constant(I8P, None)])
    nbytes = b.ptrtoint(b.call(get_context, [capsule]), I64)
    b.call(rt.module.globals["symopt_pool_give"], [ptr, nbytes])
    b.ret_void()
