"""LLVM IR text to checked, optimized LLVM modules and host assembly (llvmlite).

LLVM aborts the whole process on invalid IR (its assertions are on), so every
module is parsed and verified here before anything else touches it. These helpers
produce code; running it (the JIT engine and the symbols it links against) is the
runtime's job.
"""

from __future__ import annotations

from functools import lru_cache

from symopt.lowering import native_abi


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
    so each compilation gets its own). Its code is position-independent, so that
    one object file can be linked into a JIT engine or into a shared library."""
    binding = llvm()
    cpu, features = host_cpu()
    target = binding.Target.from_default_triple()
    return target.create_target_machine(
        cpu=cpu, features=features, opt=3, reloc="pic", codemodel="jitdefault"
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


@lru_cache(maxsize=1)
def vector_math_variants() -> tuple[tuple[str, int], ...]:
    """The SIMD variants of libmvec's functions that the host runs, as (ISA letter
    of the x86-64 vector function ABI, register bits): SSE's 128-bit ``b``,
    AVX2's 256-bit ``d`` (or AVX's ``c``) and, with AVX-512, the 512-bit ``e``;
    none without libmvec. Code that may call an ``e`` variant prefers 512-bit
    vectors (see ``symopt.lowering.llvm.translate_module``): LLVM passes them in
    one zmm register then, as that ABI does, and in two ymm registers where it
    prefers 256-bit ones."""
    import ctypes

    library = native_abi.vector_math_library()
    if library is None:
        return ()
    features = set(host_cpu()[1].split(","))
    if "+avx2" in features:
        variants: tuple[tuple[str, int], ...] = (("b", 128), ("d", 256))
        if "+avx512f" in features and hasattr(ctypes.CDLL(library), "_ZGVeN8v_exp"):
            variants += (("e", 512),)
        return variants
    if "+avx" in features:
        return (("b", 128), ("c", 256))
    return (("b", 128),)


def optimize(module, machine=None) -> None:  # type: ignore[no-untyped-def]
    """Run LLVM's O3 pipeline (with loop and SLP vectorization) on a parsed module."""
    binding = llvm()
    pto = binding.create_pipeline_tuning_options(speed_level=3)
    pto.loop_vectorization = True
    pto.slp_vectorization = True
    pto.loop_unrolling = True
    builder = binding.create_pass_builder(machine or target_machine(), pto)
    builder.getModulePassManager().run(module, builder)


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
    return machine.emit_assembly(parsed)
