"""LLVM IR text to checked, optimized LLVM modules and host assembly (llvmlite).

LLVM aborts the whole process on invalid IR (its assertions are on), so every
module is parsed and verified here before anything else touches it. These helpers
produce code; running it (the JIT engine and the symbols it links against) is the
runtime's job.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache


@lru_cache(maxsize=1)
def llvm():  # type: ignore[no-untyped-def]
    """llvmlite's binding layer, initialized once for the host target."""
    import llvmlite.binding as binding

    binding.initialize_native_target()
    binding.initialize_native_asmprinter()
    return binding


@lru_cache(maxsize=1)
def host_cpu() -> tuple[str, str]:
    """The host CPU's name and features, as LLVM names them."""
    binding = llvm()
    return binding.get_host_cpu_name(), binding.get_host_cpu_features().flatten()


def target_machine():  # type: ignore[no-untyped-def]
    """A target machine for the host CPU at O3 (a JIT engine takes ownership of one,
    so each compilation gets its own)."""
    binding = llvm()
    cpu, features = host_cpu()
    target = binding.Target.from_default_triple()
    return target.create_target_machine(
        cpu=cpu, features=features, opt=3, codemodel="jitdefault"
    )


def parse_verified(text: str, context=None):  # type: ignore[no-untyped-def]
    """Parse and verify LLVM IR text (in ``context``, LLVM's global context by
    default); ValueError if LLVM rejects it."""
    binding = llvm()
    try:
        parsed = binding.parse_assembly(text, context=context)
        parsed.verify()
    except RuntimeError as e:
        raise ValueError(f"invalid LLVM IR: {e}") from None
    return parsed


_VECTOR_LIBRARY_LLVM = (20,)
"""LLVM major versions with which loops are checked to call libmvec."""


@lru_cache(maxsize=1)
def vector_math_library() -> str | None:
    """The path of glibc's vector math library (libmvec) where LLVM can target it
    (x86-64 Linux with AVX2), else None. With it, vectorized loops call its SIMD
    ``exp``, ``log``, ``sin``, ``cos``, ``tan`` and ``pow``; the compiled code
    then needs it loaded (the runtime does)."""
    import ctypes
    import ctypes.util
    import platform

    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        return None
    if llvm().llvm_version_info[0] not in _VECTOR_LIBRARY_LLVM:
        # LLVM 22 accepts the option but its vectorizer keeps vector math
        # intrinsics that code generation scalarizes; only verified versions use it
        return None
    if "+avx2" not in host_cpu()[1].split(","):
        return None
    name = ctypes.util.find_library("mvec")
    if name is None:
        return None
    try:
        ctypes.CDLL(name)
    except OSError:
        return None
    return name


def optimize(module, machine=None) -> None:  # type: ignore[no-untyped-def]
    """Run LLVM's O3 pipeline (with loop and SLP vectorization) on a parsed module,
    with libmvec as the vector math library where there is one (see
    ``vector_library``)."""
    binding = llvm()
    pto = binding.create_pipeline_tuning_options(speed_level=3)
    pto.loop_vectorization = True
    pto.slp_vectorization = True
    pto.loop_unrolling = True
    with vector_library():  # set before the pass builder makes its library info
        builder = binding.create_pass_builder(machine or target_machine(), pto)
        builder.getModulePassManager().run(module, builder)


@contextmanager
def vector_library() -> Iterator[None]:
    """LLVM's vector math library set to libmvec (where there is one) for what runs
    inside: the optimization pipeline (the loop vectorizer) and code generation
    (recent LLVMs turn vector math intrinsics into library calls there). The
    choice is a process-wide LLVM option, so it is set only for symopt's own runs;
    other users of llvmlite in the process, such as numba, keep the default."""
    binding = llvm()
    vector = vector_math_library() is not None
    if vector:
        binding.set_option("symopt", "-vector-library=LIBMVEC-X86")
    try:
        yield
    finally:
        if vector:
            binding.set_option("symopt", "-vector-library=none")


def optimize_ir(text: str) -> str:
    """LLVM IR text optimized at O3 for the host CPU."""
    parsed = parse_verified(text)
    optimize(parsed)
    return str(parsed)


def assemble(text: str) -> str:
    """Host assembly of LLVM IR text, after O3."""
    parsed = parse_verified(text)
    machine = target_machine()
    optimize(parsed, machine)
    with vector_library():
        return machine.emit_assembly(parsed)
