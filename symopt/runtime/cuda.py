"""The CUDA runtime: PTX loaded and launched with pycuda, buffers in device memory.

pycuda is imported only when a function is compiled with ``mode="cuda"`` (or
``config.device = "cuda"``), so ``import symopt`` never needs it. Install it with
``pip install 'symopt[cuda]'``; it needs the CUDA driver and a device. Where one
of them is missing, compiling such a function raises ``CudaUnavailable`` with one
message saying which.

The host function of a module lowered with ``-p gpu`` is interpreted here op by
op (allocations, views, sizes, checks, control flow) and its ``gpu.launch_func``
ops launch the kernels, compiled once to PTX for the device's architecture and
loaded with ``module_from_buffer``. Buffers are ``DeviceArray``: a device
allocation with an offset, sizes and strides, as the kernels' parameters describe
them.

Shared variables stay on the device: a function's new value of a variable is a
``DeviceArray``, kept as the variable's value, and the next call uses it where it
is. ``get_value`` copies it to the host (and keeps it there until a GPU function
uses it again); ``set_value`` replaces it with a host array. Inputs may be NumPy
arrays or ``DeviceArray``; outputs are NumPy arrays, or ``DeviceArray`` with
``Mode("cuda", device_outputs=True)``, which can feed the next call without a
copy. Updates are committed only after every launch of the call has finished
without error.
"""

from __future__ import annotations

import atexit
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from xdsl.dialects import func, gpu
from xdsl.dialects.builtin import ModuleOp

from symopt.runtime.interpret import StageInterpreter, np_dtype

__all__ = ["CudaRunner", "CudaUnavailable", "DeviceArray", "require_device", "to_device"]


class CudaUnavailable(RuntimeError):
    """pycuda, the CUDA driver or a CUDA device is missing."""


@lru_cache(maxsize=1)
def _driver():  # type: ignore[no-untyped-def]
    try:
        import pycuda.driver as drv
    except ImportError as e:
        raise CudaUnavailable(
            f"mode 'cuda' needs pycuda, which is not installed ({e}); install it with "
            "pip install 'symopt[cuda]' (it needs the CUDA toolkit and driver)"
        ) from None
    try:
        drv.init()
    except Exception as e:  # noqa: BLE001 - pycuda raises its own error types
        raise CudaUnavailable(f"mode 'cuda': the CUDA driver could not start: {e}") from None
    return drv


@lru_cache(maxsize=1)
def _context():  # type: ignore[no-untyped-def]
    from symopt.configparser import config

    drv = _driver()
    count = drv.Device.count()
    if count == 0:
        raise CudaUnavailable("mode 'cuda': the CUDA driver found no device")
    number = config.device_number
    if number >= count:
        raise CudaUnavailable(f"config.device is {config.device!r}, but there are {count} CUDA device(s)")
    device = drv.Device(number)
    context = device.retain_primary_context()
    context.push()
    atexit.register(context.pop)
    return device, context


def require_device() -> None:
    """Raise CudaUnavailable, saying what is missing, unless a device can be used."""
    _context()


def device_arch() -> str:
    device, _ = _context()
    major, minor = device.compute_capability()
    return f"sm_{major}{minor}"


class DeviceArray:
    """An array in device memory: an allocation, and the offset, shape and strides
    (in elements) of the values in it. ``np.asarray`` copies it to the host."""

    __slots__ = ("alloc", "dtype", "offset", "shape", "strides")
    on_device = True

    def __init__(self, alloc: Any, offset: int, shape: Sequence[int], strides: Sequence[int], dtype: np.dtype):
        self.alloc = alloc
        self.offset = int(offset)
        self.shape = tuple(int(s) for s in shape)
        self.strides = tuple(int(s) for s in strides)
        self.dtype = np.dtype(dtype)

    @classmethod
    def empty(cls, shape: Sequence[int], dtype: np.dtype) -> DeviceArray:
        drv = _driver()
        dtype = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64)) if len(shape) else 1
        alloc = drv.mem_alloc(max(1, count * dtype.itemsize))
        return cls(alloc, 0, shape, _c_strides(shape), dtype)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def ptr(self) -> int:
        """The address of the allocation (not of the first element)."""
        return int(self.alloc)

    def contiguous(self) -> bool:
        return self.strides == _c_strides(self.shape) or self.size <= 1

    def get(self) -> np.ndarray:
        """A host copy."""
        drv = _driver()
        out = np.empty(self.shape, self.dtype)
        if self.size == 0:
            return out
        if self.contiguous():
            drv.memcpy_dtoh(out, self.ptr + self.offset * self.dtype.itemsize)
            return out
        # copy the span the view covers, then take the view of it on the host
        low = self.offset + sum((s - 1) * t for s, t in zip(self.shape, self.strides) if t < 0)
        high = self.offset + sum((s - 1) * t for s, t in zip(self.shape, self.strides) if t > 0)
        span = np.empty(high - low + 1, self.dtype)
        drv.memcpy_dtoh(span, self.ptr + low * self.dtype.itemsize)
        view = np.lib.stride_tricks.as_strided(
            span[self.offset - low :], self.shape, [t * self.dtype.itemsize for t in self.strides]
        )
        out[...] = view
        return out

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        host = self.get()
        return host if dtype is None else host.astype(dtype)

    def copy(self) -> DeviceArray:
        """A contiguous device copy."""
        if not self.contiguous():
            return to_device(self.get())
        drv = _driver()
        out = DeviceArray.empty(self.shape, self.dtype)
        if self.size:
            drv.memcpy_dtod(out.ptr, self.ptr + self.offset * self.dtype.itemsize, self.size * self.dtype.itemsize)
        return out

    def __repr__(self) -> str:
        return f"DeviceArray(shape={self.shape}, dtype={self.dtype})"


def to_device(a: np.ndarray) -> DeviceArray:
    """A device copy of a host array."""
    drv = _driver()
    host = np.ascontiguousarray(a)
    out = DeviceArray.empty(host.shape, host.dtype)
    if host.size:
        drv.memcpy_htod(out.ptr, host)
    return out


def _c_strides(shape: Sequence[int]) -> tuple[int, ...]:
    strides = [1] * len(shape)
    for k in range(len(shape) - 2, -1, -1):
        strides[k] = strides[k + 1] * max(1, int(shape[k + 1]))
    return tuple(strides)


class CudaRunner(StageInterpreter):
    """Runs the host function of a lowered GPU module, launching its kernels on the
    device; called like the other executors."""

    device_outputs = False

    def __init__(self, module: ModuleOp, entry: func.FuncOp):
        from symopt.lowering.ptx import kernel_params, ptx_of
        from symopt.runtime.gpu_emulator import kernels_of

        super().__init__(module, entry)
        drv = _driver()
        _context()
        kernels = kernels_of(module)
        self.functions: dict[str, Any] = {}
        self.params: dict[str, list[tuple[str, object]]] = {}
        self.checked: set[str] = set()
        if kernels:
            self.ptx = ptx_of(module, device_arch())
            loaded = drv.module_from_buffer(self.ptx.text.encode())
            self._module = loaded
            for name, kernel in kernels.items():
                self.functions[name] = loaded.get_function(kernel.sym_name.data)
                self.params[name] = kernel_params(kernel)
                if "symopt.err" in kernel.attributes:
                    self.checked.add(name)

    # -- calling -------------------------------------------------------------------------

    def __call__(self, args: Sequence[Any], globals_: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        assert self.abi is not None
        self.freed = set()
        values: list[Any] = []
        roles = [(e.data["role"].data, e.data["name"].data) for e in self.abi.data["args"].data]  # type: ignore[attr-defined]
        it = iter(args)
        for role, name in roles:
            value = next(it) if role in ("input", "sample") else globals_[name]
            if isinstance(value, DeviceArray) and value.contiguous() and value.offset == 0:
                # used where it lies: inputs are only read, and a variable's own
                # buffer is written only by an in-place update
                values.append(value)
            elif isinstance(value, DeviceArray):
                values.append(value.copy())
            else:
                values.append(to_device(np.asarray(value)))
        results = self.run_block(self.func.body.block, values)
        _driver().Context.synchronize()
        outputs: list[Any] = []
        writes: dict[str, Any] = {}
        for entry, value in zip(self.abi.data["results"].data, results):  # type: ignore[attr-defined]
            role, name = entry.data["role"].data, entry.data["name"].data  # type: ignore[attr-defined]
            if role == "output":
                outputs.append(value if self.device_outputs else value.get())
            else:
                writes[name] = value
        return outputs, writes

    # -- buffers ---------------------------------------------------------------------------

    def op_memref_alloc(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        t = op.memref.type
        sizes = iter(args)
        shape = [int(next(sizes)) if s < 0 else s for s in t.get_shape()]
        return (DeviceArray.empty(shape, np_dtype(t.element_type)),)

    def op_memref_dealloc(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        return ()  # freed when the last view of it goes

    def op_memref_dim(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        buf, k = args
        return (np.int64(buf.shape[int(k)]),)

    def op_memref_load(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        buf, *idx = args
        out = np.empty((), buf.dtype)
        position = buf.offset + sum(int(i) * s for i, s in zip(idx, buf.strides))
        _driver().memcpy_dtoh(out, buf.ptr + position * buf.dtype.itemsize)
        return (out[()],)

    def op_memref_store(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        value, buf, *idx = args
        position = buf.offset + sum(int(i) * s for i, s in zip(idx, buf.strides))
        _driver().memcpy_htod(buf.ptr + position * buf.dtype.itemsize, np.array(value, buf.dtype))
        return ()

    def op_memref_get_global(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        value = self.constants[op.name_.root_reference.data]
        return (to_device(np.array(value, dtype=np_dtype(op.memref.type.element_type))),)

    def op_loop_view(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        source, offset, *rest = args
        sizes, strides = rest[: len(op.sizes)], rest[len(op.sizes) :]
        return (DeviceArray(source.alloc, int(offset), [int(s) for s in sizes], [int(s) for s in strides], source.dtype),)

    def op_loop_layout(self, op: Any, args: list[Any], env: Any) -> Sequence[Any]:
        (buf,) = args
        return (np.int64(buf.offset), *[np.int64(s) for s in buf.strides])

    # -- launches ------------------------------------------------------------------------

    def op_gpu_launch_func(self, op: gpu.LaunchFuncOp, args: list[Any], env: Any) -> Sequence[Any]:
        from symopt.runtime.gpu_emulator import kernel_name

        drv = _driver()
        name = kernel_name(op)
        grid = tuple(int(env[v]) for v in (op.gridSizeX, op.gridSizeY, op.gridSizeZ))
        block = tuple(int(env[v]) for v in (op.blockSizeX, op.blockSizeY, op.blockSizeZ))
        operands = [env[v] for v in op.kernelOperands]
        params: list[Any] = []
        for (kind, info), value in zip(self.params[name], operands):
            if kind == "memref":
                params += [np.uintp(value.ptr), np.int64(value.offset)]
                params += [np.int64(s) for s in value.shape] + [np.int64(s) for s in value.strides]
            else:
                dtype = np_dtype(info)  # type: ignore[arg-type]
                params.append((np.uint8 if dtype == np.bool_ else dtype.type)(value))
        self.functions[name](*params, block=block, grid=grid)
        if name in self.checked:
            err = operands[-1]
            drv.Context.synchronize()
            words = err.get()
            if int(words[0]):
                from symopt.runtime.gpu_emulator import raise_check

                raise_check(self.abi, int(words[0]), words)
        return ()
