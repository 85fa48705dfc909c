# The lit configuration of symopt's FileCheck suite: every *.mlir file here is a
# test whose RUN lines pipe `symopt` into `filecheck` (the Python port of LLVM's
# FileCheck).
import os
import shutil
import sys

import lit.formats

config.name = "symopt"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.excludes = ["lit.cfg.py", "README.md", "Inputs"]

# Use the tools of the Python environment that runs lit (the project's venv).
bin_dir = os.path.dirname(sys.executable)
config.environment["PATH"] = os.pathsep.join(
    [bin_dir, config.environment.get("PATH", os.environ.get("PATH", ""))]
)
for tool in ("symopt", "symopt-run", "filecheck"):
    if shutil.which(tool, path=config.environment["PATH"]) is None:
        lit_config.fatal(f"'{tool}' not found next to {sys.executable}; install symopt[test]")

if "SYMOPT_CHECK_PTX" in os.environ:  # ptxas on every PTX (tests/conftest.py)
    config.environment["SYMOPT_CHECK_PTX"] = os.environ["SYMOPT_CHECK_PTX"]

# PTX tests need libdevice from a CUDA toolkit (and test the PTX, not a GPU).
try:
    sys.path.insert(0, os.path.dirname(os.path.dirname(config.test_source_root)))
    from symopt.lowering.ptx import find_libdevice

    find_libdevice()
    config.available_features.add("cuda-toolkit")
except Exception:  # noqa: BLE001 - no toolkit: those tests are unsupported
    pass

# Vector math tests need glibc's libmvec and a CPU with AVX2 or AVX-512 (the
# host's variants).
try:
    from symopt.lowering.machine import vector_math_variants

    if ("d", 256) in vector_math_variants():
        config.available_features.add("libmvec-avx2")
    if ("e", 512) in vector_math_variants():
        config.available_features.add("libmvec-avx512")
except Exception:  # noqa: BLE001 - no such host: those tests are unsupported
    pass
