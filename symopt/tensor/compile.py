"""``function`` for the frontend: the one place where ``symopt.tensor`` and
``symopt.gradient`` reach the runtime.

The runtime imports ``symopt.ir`` (variables, module building), never the tensor
functions. The frontend compiles only through this function, which imports
``symopt.runtime.function`` when first called, so that importing ``symopt.tensor``
loads no compiler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symopt.runtime.function import Function


def function(*args: Any, **kwargs: Any) -> Function:
    """``symopt.function`` (see ``symopt.runtime.function.function``)."""
    from symopt.runtime.function import function

    return function(*args, **kwargs)
