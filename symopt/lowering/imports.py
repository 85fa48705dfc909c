"""Symbols that compiled code reaches through slots its loader fills.

Compiled code calls the C library by name: the system's dynamic loader, or the
JIT's linker, resolves those. Everything else it uses has an address known only
in the process that runs it: the runtime module's functions, BLAS (NumPy's
OpenBLAS, or scipy's), CPython's C API and objects (``float``, ``True``), NumPy's C-API
table and dtype descriptors. Each of those is an *import*: a pointer-sized global
``@"symopt.import.<name>"``, null in the object code, that the loader sets to the
address before the code first runs (``symopt.runtime.native``). A function import
is called through a small internal function of the import's own name, which
loads the slot and calls what it points to (LLVM inlines it), so call sites are
those of a direct call.

The same object code then runs wherever it is loaded: linked into a JIT engine,
or linked once into a shared library kept in the disk cache and opened with
``dlopen``, which needs neither LLVM nor a linker in the process that loads it.
Each module's imports are listed in its calling-convention record (``imports``).
"""

from __future__ import annotations

from llvmlite import ir

from symopt.lowering.native_abi import IMPORT_PREFIX as PREFIX

I8P = ir.IntType(8).as_pointer()


def is_import(name: str) -> bool:
    """Whether code reaches ``name`` through a slot: symopt's own symbols and
    CPython's (the C library's and LLVM's are resolved by name)."""
    return name.startswith(("symopt_", "Py", "_Py"))


def slot(module: ir.Module, name: str) -> ir.GlobalVariable:
    """The slot of import ``name`` (made on first use)."""
    existing = module.globals.get(PREFIX + name)
    if existing is not None:
        return existing  # type: ignore[return-value]
    g = ir.GlobalVariable(module, I8P, PREFIX + name)
    g.initializer = ir.Constant(I8P, None)
    return g


def address(b: ir.IRBuilder, name: str, t: ir.Type = I8P) -> ir.Value:
    """The address import ``name`` is bound to, loaded at ``b``, as a ``t``."""
    value = b.load(slot(b.module, name))
    return value if t == I8P else b.bitcast(value, t)


def function(module: ir.Module, name: str, ret: ir.Type, params: list[ir.Type]) -> ir.Function:
    """Function import ``name``: a function of that name that calls through the
    slot (made on first use)."""
    existing = module.globals.get(name)
    if existing is not None:
        return existing  # type: ignore[return-value]
    t = ir.FunctionType(ret, params)
    fn = ir.Function(module, t, name=name)
    fn.linkage = "internal"
    fn.attributes.add("alwaysinline")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    result = b.call(address(b, name, t.as_pointer()), list(fn.args), tail=True)
    if isinstance(ret, ir.VoidType):
        b.ret_void()
    else:
        b.ret(result)
    return fn


def names(module: ir.Module) -> list[str]:
    """The imports of ``module``, in a stable order."""
    return sorted(name[len(PREFIX) :] for name in module.globals if name.startswith(PREFIX))
