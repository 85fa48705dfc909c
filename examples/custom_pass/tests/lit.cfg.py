# lit configuration of the custom-pass example's own tests.
import os
import sys

import lit.formats

config.name = "custom_pass"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.environment["PATH"] = os.pathsep.join(
    [os.path.dirname(sys.executable), config.environment.get("PATH", os.environ.get("PATH", ""))]
)
config.substitutions.append(("%plugin", os.path.join(os.path.dirname(__file__), "..", "fma.py")))
