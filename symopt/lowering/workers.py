"""The runtime's worker threads: ``symopt_parallel_for``'s pool, in LLVM IR.

Making a thread per chunk and joining it costs tens of microseconds a call;
a training step calls several parallel loops. So the runtime keeps its
threads: ``symopt_parallel_for`` makes them the first time it needs them
(``pthread_create``, then ``pthread_detach``) and hands each later loop to
them as a *job*:

* the job's fields (task, context, bounds, chunk size) are stored, then its
  *ticket* ``generation << 16 | chunks << 8 | next chunk``, then the
  *generation* word itself, which wakes the workers;
* every participant, the calling thread included, claims chunks by
  compare-and-swap on the ticket, which fails once the ticket belongs to
  another job: a chunk claimed under a generation belongs to that job, whose
  fields cannot change before the chunk is done;
* each finished chunk increments ``done``; the caller returns when all are.

A worker that finds no new job spins (``SPIN_ROUNDS`` pauses, a fraction of a
millisecond) and then sleeps on the generation word (Linux's futex), counted
in ``sleepers`` so that a job wakes it only when someone sleeps. Workers block
every signal: signals go to the process's own threads.

One loop uses the workers at a time (the ``busy`` word); a loop started while
another runs, from another thread or from inside a chunk, runs on its caller's
thread. After ``fork`` the child has no workers: a call finds that the process
id changed and makes new ones.
"""

from __future__ import annotations

from llvmlite import ir

I8, I32, I64 = ir.IntType(8), ir.IntType(32), ir.IntType(64)
I8P = I8.as_pointer()

SPIN_ROUNDS = 1 << 14
"""Pauses a worker spends waiting for the next job before it sleeps."""
YIELD_ROUNDS = 1 << 12
"""Pauses the calling thread spends waiting for the chunks between yields."""
SYS_FUTEX = 202  # x86-64 Linux
FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE = 128, 129
SIG_BLOCK = 0
SIGSET_BYTES = 128


def _i32(value: int) -> ir.Constant:
    return ir.Constant(I32, value)


def _i64(value: int) -> ir.Constant:
    return ir.Constant(I64, value)


class Workers:
    """The workers' state (internal globals of the runtime module) and the code
    that uses it."""

    def __init__(self, module: ir.Module, task_t: ir.FunctionType, declare) -> None:  # type: ignore[no-untyped-def]
        self.module = module
        self.task_p = task_t.as_pointer()
        self.declare = declare

        def cell(name: str, t: ir.Type) -> ir.GlobalVariable:
            g = ir.GlobalVariable(module, t, f"symopt.workers.{name}")
            g.linkage = "internal"
            g.initializer = ir.Constant(t, None)
            return g

        self.busy = cell("busy", I32)
        self.count = cell("count", I64)  # workers made (in this process)
        self.pid = cell("pid", I32)  # the process that made them
        self.generation = cell("generation", I32)
        self.sleepers = cell("sleepers", I32)
        self.ticket = cell("ticket", I64)
        self.done = cell("done", I64)
        self.task = cell("task", self.task_p)
        self.context = cell("context", I8P)
        self.lb = cell("lb", I64)
        self.ub = cell("ub", I64)
        self.per = cell("per", I64)
        x86 = module.triple.startswith(("x86_64", "i686", "i386"))
        self._pause = declare("llvm.x86.sse2.pause", ir.VoidType(), []) if x86 else None
        self.claim = self._claimer()
        self.main = self._worker()

    def pause(self, b: ir.IRBuilder) -> None:
        if self._pause is not None:
            b.call(self._pause, [])

    def futex(self, b: ir.IRBuilder, op: int, value: ir.Value) -> None:
        syscall = self.module.globals.get("syscall")
        if syscall is None:
            syscall = ir.Function(self.module, ir.FunctionType(I64, [I64], var_arg=True), name="syscall")
        null = ir.Constant(I8P, None)
        b.call(syscall, [_i64(SYS_FUTEX), b.bitcast(self.generation, I8P), _i32(op), value, null, null, _i32(0)])

    def _claimer(self) -> ir.Function:
        """``void @symopt.workers.claim(i32 generation)``: claim and run chunks of
        the job of ``generation`` until none is left (or the job is another's)."""
        fn = ir.Function(self.module, ir.FunctionType(ir.VoidType(), [I32]), name="symopt.workers.claim")
        fn.linkage = "internal"
        (mine,) = fn.args
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        top, claim, run, out = (fn.append_basic_block(n) for n in ("top", "claim", "run", "out"))
        b.branch(top)
        b.position_at_end(top)
        ticket = b.load_atomic(self.ticket, "acquire", 8)
        generation = b.trunc(b.lshr(ticket, _i64(16)), I32)
        chunks = b.and_(b.lshr(ticket, _i64(8)), _i64(0xFF))
        k = b.and_(ticket, _i64(0xFF))
        ours = b.and_(b.icmp_unsigned("==", generation, mine), b.icmp_unsigned("<", k, chunks))
        b.cbranch(ours, claim, out)
        b.position_at_end(claim)
        swapped = b.cmpxchg(self.ticket, ticket, b.add(ticket, _i64(1)), "acq_rel", "acquire")
        b.cbranch(b.extract_value(swapped, 1), run, top)
        b.position_at_end(run)
        # chunk k is ours: the job's fields stay as they are until it is done
        lb, ub, per = b.load(self.lb), b.load(self.ub), b.load(self.per)
        lo = b.add(lb, b.mul(k, per))
        lo = b.select(b.icmp_signed("<", lo, ub), lo, ub)
        hi = b.add(lo, per)
        hi = b.select(b.icmp_signed("<", hi, ub), hi, ub)
        b.call(b.load(self.task), [b.load(self.context), lo, hi])
        b.atomic_rmw("add", self.done, _i64(1), "release")
        b.branch(top)
        b.position_at_end(out)
        b.ret_void()
        return fn

    def _worker(self) -> ir.Function:
        """``i8* @symopt.workers.main(i8* generation)``: a worker's life: wait for
        a job newer than the last one seen (at first, the generation it was made
        under), claim its chunks, wait again."""
        fn = ir.Function(self.module, ir.FunctionType(I8P, [I8P]), name="symopt.workers.main")
        fn.linkage = "internal"
        entry = fn.append_basic_block("entry")
        b = ir.IRBuilder(entry)
        mask = b.alloca(I8, size=_i64(SIGSET_BYTES))
        b.call(self.declare("sigfillset", I32, [I8P]), [mask])
        b.call(self.declare("pthread_sigmask", I32, [I32, I8P, I8P]), [_i32(SIG_BLOCK), mask, ir.Constant(I8P, None)])
        first = b.trunc(b.ptrtoint(fn.args[0], I64), I32)
        wait, new, idle, spin, sleep = (fn.append_basic_block(n) for n in ("wait", "new", "idle", "spin", "sleep"))
        b.branch(wait)
        b.position_at_end(wait)
        seen, spins = b.phi(I32), b.phi(I64)
        seen.add_incoming(first, entry)
        spins.add_incoming(_i64(0), entry)
        current = b.load_atomic(self.generation, "acquire", 4)
        b.cbranch(b.icmp_unsigned("!=", current, seen), new, idle)
        b.position_at_end(new)
        b.call(self.claim, [current])
        seen.add_incoming(current, new)
        spins.add_incoming(_i64(0), new)
        b.branch(wait)
        b.position_at_end(idle)
        b.cbranch(b.icmp_unsigned("<", spins, _i64(SPIN_ROUNDS)), spin, sleep)
        b.position_at_end(spin)
        self.pause(b)
        seen.add_incoming(seen, spin)
        spins.add_incoming(b.add(spins, _i64(1)), spin)
        b.branch(wait)
        b.position_at_end(sleep)
        b.atomic_rmw("add", self.sleepers, _i32(1), "seq_cst")
        # sleep only if no job came since: the caller wakes sleepers after it
        # stores the generation, and reads their count after that store
        with b.if_then(b.icmp_unsigned("==", b.load_atomic(self.generation, "seq_cst", 4), seen)):
            self.futex(b, FUTEX_WAIT_PRIVATE, seen)
        b.atomic_rmw("sub", self.sleepers, _i32(1), "seq_cst")
        seen.add_incoming(seen, b.block)
        spins.add_incoming(_i64(0), b.block)
        b.branch(wait)
        return fn

    def run(self, fb: ir.IRBuilder, task: ir.Value, context: ir.Value, lb: ir.Value, ub: ir.Value,
            per: ir.Value, chunks: ir.Value) -> None:  # fmt: skip
        """Run ``chunks`` chunks of ``per`` iterations of [lb, ub) on the workers
        and the calling thread (or all on the calling thread when the workers are
        busy)."""
        fn = fb.function
        taken = fb.cmpxchg(self.busy, _i32(0), _i32(1), "acquire", "monotonic")
        with fb.if_then(fb.not_(fb.extract_value(taken, 1))):
            fb.call(task, [context, lb, ub])
            fb.ret_void()
        # a forked child has none of its parent's workers
        pid = fb.call(self.declare("getpid", I32, []), [])
        with fb.if_then(fb.icmp_signed("!=", pid, fb.load(self.pid))):
            fb.store(_i64(0), self.count)
            fb.store_atomic(_i32(0), self.sleepers, "seq_cst", 4)
            fb.store(pid, self.pid)
        before = fb.load_atomic(self.generation, "monotonic", 4)
        # workers up to chunks - 1, made where missing (each waits for a job
        # newer than `before`); where one cannot be made, the others claim its chunk
        create = self.declare("pthread_create", I32, [I64.as_pointer(), I8P, self.main.type, I8P])
        detach = self.declare("pthread_detach", I32, [I64])
        tid = fb.alloca(I64)
        check, make, made, ready = (fn.append_basic_block(n) for n in ("check", "make", "made", "ready"))
        fb.branch(check)
        fb.position_at_end(check)
        fb.cbranch(fb.icmp_signed("<", fb.load(self.count), fb.sub(chunks, _i64(1))), make, ready)
        fb.position_at_end(make)
        status = fb.call(create, [tid, ir.Constant(I8P, None), self.main, fb.inttoptr(fb.zext(before, I64), I8P)])
        fb.cbranch(fb.icmp_signed("==", status, _i32(0)), made, ready)
        fb.position_at_end(made)
        fb.call(detach, [fb.load(tid)])
        fb.store(fb.add(fb.load(self.count), _i64(1)), self.count)
        fb.branch(check)
        fb.position_at_end(ready)
        # publish: the fields, then the ticket, then the generation
        for cell, value in ((self.task, task), (self.context, context), (self.lb, lb), (self.ub, ub), (self.per, per)):
            fb.store(value, cell)
        fb.store_atomic(_i64(0), self.done, "monotonic", 8)
        generation = fb.add(before, _i32(1))
        ticket = fb.or_(fb.shl(fb.zext(generation, I64), _i64(16)), fb.shl(chunks, _i64(8)))
        fb.store_atomic(ticket, self.ticket, "release", 8)
        fb.store_atomic(generation, self.generation, "seq_cst", 4)
        with fb.if_then(fb.icmp_unsigned("!=", fb.load_atomic(self.sleepers, "seq_cst", 4), _i32(0))):
            self.futex(fb, FUTEX_WAKE_PRIVATE, _i32(2**31 - 1))
        fb.call(self.claim, [generation])
        # wait for the chunks the workers claimed (yielding now and then, in
        # case one of them was descheduled)
        start = fb.block
        wait, spin, again, finished = (fn.append_basic_block(n) for n in ("wait", "spin", "again", "finished"))
        fb.branch(wait)
        fb.position_at_end(wait)
        spins = fb.phi(I64)
        spins.add_incoming(_i64(0), start)
        complete = fb.icmp_signed(">=", fb.load_atomic(self.done, "acquire", 8), chunks)
        fb.cbranch(complete, finished, spin)
        fb.position_at_end(spin)
        self.pause(fb)
        with fb.if_then(fb.icmp_unsigned("==", fb.and_(spins, _i64(YIELD_ROUNDS - 1)), _i64(YIELD_ROUNDS - 1))):
            fb.call(self.declare("sched_yield", I32, []), [])
        fb.branch(again)
        fb.position_at_end(again)
        spins.add_incoming(fb.add(spins, _i64(1)), again)
        fb.branch(wait)
        fb.position_at_end(finished)
        fb.store_atomic(_i32(0), self.busy, "release", 4)
