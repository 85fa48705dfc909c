"""``symopt -t llvm`` and ``symopt -t asm``: LLVM IR and native assembly of a module
at the scf/memref level (after ``-p cpu``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.target import Target


def _translate(module: ModuleOp, vector_math: bool = True, threads: bool = True, vector_bits: int = 0) -> str:
    from symopt.lowering.llvm import TranslationError, translate_module

    try:
        bits = vector_bits or None
        text = str(translate_module(module, vector_math=vector_math, threads=threads, vector_bits=bits).module)
    except (TranslationError, KeyError) as e:
        raise DiagnosticException(
            f"cannot translate to LLVM IR: {e} (lower the module first, e.g. -p cpu)"
        ) from None
    return text if text.endswith("\n") else text + "\n"


@dataclass(frozen=True)
class LLVMIRTarget(Target):
    """LLVM IR (verified, unoptimized, or optimized at O3 with ``opt=true``). Math
    calls name the host's vector math library where it has one; with
    ``vector_math=false`` they are LLVM intrinsics, the same on every host, and
    ``vector_bits=256`` leaves out wider variants (0, the default: the host's). Loops
    marked ``symopt.parallel`` run through ``@symopt.parallel_for``, which splits
    them over threads; with ``threads=false`` their kernels are called directly."""

    name = "llvm"
    opt: bool = False
    vector_math: bool = True
    threads: bool = True
    vector_bits: int = 0

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from symopt.lowering.machine import optimize_ir

        text = _translate(module, self.vector_math, self.threads, self.vector_bits)
        output.write(optimize_ir(text) if self.opt else _verified(text))


@dataclass(frozen=True)
class AsmTarget(Target):
    """Native assembly for the host CPU, after O3."""

    name = "asm"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from symopt.lowering.machine import assemble

        output.write(assemble(_translate(module)))


def _verified(text: str) -> str:
    from symopt.lowering.machine import parse_verified

    parse_verified(text)
    return text


@dataclass(frozen=True)
class PtxTarget(Target):
    """PTX for NVIDIA GPUs of the kernels of a module lowered with ``-p gpu``
    (``-t 'ptx{arch=sm_80}'`` for another architecture; ``sm_90`` by default)."""

    name = "ptx"
    arch: str = "sm_90"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from symopt.lowering.llvm import TranslationError
        from symopt.lowering.ptx import CudaToolkitError, ptx_of

        try:
            output.write(ptx_of(module, self.arch).text)
        except (TranslationError, KeyError) as e:
            raise DiagnosticException(f"cannot translate the kernels to PTX: {e}") from None
        except (CudaToolkitError, ValueError) as e:
            raise DiagnosticException(str(e)) from None
