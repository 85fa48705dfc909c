"""The ``sym`` dialect: Theano's tensor operations with value semantics.

Every op class is the single definition of what the op is: its operands, attributes
and result type rule (``__init__`` infers the result type, which is how the frontend
types a new node), its verifier, its NumPy reference semantics (``evaluate``, used by
the reference executor and by constant folding) and its canonicalization rules.
Elementwise ops also name their scalar counterpart (``SCALAR``): the arith/math op
that a fused ``loop.map`` body computes for one element.

Tensors are builtin ``tensor<...>`` types. Elementwise operands have the same rank; a
static size of 1 broadcasts (Theano's *broadcastable* dimension), every other size
must agree, statically where both are known and at run time otherwise.

Shared variables are module symbols::

    sym.global @w : tensor<?xf64>
    %w = sym.read @w : tensor<?xf64>
    sym.write @w, %new : tensor<?xf64>

The ops are defined by family: ``base`` (shared helpers, ``sym.constant``, the
canonicalization trait), ``elementwise``, ``reduction``, ``shape``, ``control``
(``sym.scan``, ``sym.if``), ``indexing`` (advanced indexing), ``extra`` (cumulative sums and products,
sorting, stop_gradient), ``random`` and ``globals``; this module gathers them into the ``Sym`` dialect.
"""

from __future__ import annotations

from xdsl.ir import Dialect

from symopt.dialects.random_reference import MRG_M1, MRG_M2, MRG_NORM32, MRG_NORM64
from symopt.dialects.sym.base import (
    FOLD_LIMIT,
    AnyTensor,
    ConstantOp,
    FoldConstants,
    SymCanonicalization,
    broadcast_shapes,
    runtime_broadcast,
)
from symopt.dialects.sym.elementwise import (
    CMP_PREDICATES,
    AbsOp,
    AcosOp,
    AddOp,
    AndOp,
    AsinOp,
    Atan2Op,
    AtanOp,
    BinaryOp,
    CastOp,
    CeilOp,
    ClipOp,
    CmpOp,
    CoshOp,
    CosOp,
    DivOp,
    ElementwiseOp,
    Expm1Op,
    ExpOp,
    FloatUnaryOp,
    FloorDivOp,
    FloorOp,
    InvertOp,
    Log1pOp,
    Log2Op,
    Log10Op,
    LogOp,
    MaximumOp,
    MinimumOp,
    ModOp,
    MulOp,
    NegOp,
    OrOp,
    PowOp,
    RoundEvenOp,
    SelectOp,
    SigmoidOp,
    SignOp,
    SinhOp,
    SinOp,
    SoftplusOp,
    SqrtOp,
    SubOp,
    TanhOp,
    TanOp,
    TernaryOp,
    UnaryOp,
    XorOp,
)
from symopt.dialects.sym.control import IfOp, ScanOp
from symopt.dialects.sym.extra import ArgSortOp, CumulativeOp, SortOp, StopGradientOp
from symopt.dialects.sym.indexing import (
    AdvancedIncSubtensorOp,
    AdvancedSetSubtensorOp,
    AdvancedSubtensorOp,
    NonzeroOp,
    advanced_shape,
)
from symopt.dialects.sym.globals import GlobalOp, PlaceholderOp, ReadOp, WriteOp
from symopt.dialects.sym.random import (
    RANDOM_DISTRIBUTIONS,
    MrgUniformOp,
    MultinomialFromUniformOp,
    RandomOp,
    RandomStateType,
    RunsOnHost,
)
from symopt.dialects.sym.reduction import (
    ArgReduceOp,
    DotOp,
    ReduceOp,
    dot_shape,
    reduced_shape,
)
from symopt.dialects.sym.shape import (
    SUBTENSOR_DYNAMIC,
    SUBTENSOR_NONE,
    AllocOp,
    ArangeOp,
    ConcatenateOp,
    DimShuffleOp,
    IncSubtensorOp,
    MapIndexOp,
    ReshapeOp,
    SetSubtensorOp,
    ShapeOp,
    SubtensorOp,
    YieldOp,
    indexed_shape,
)

# the type helpers, as the ops' module has always offered them (sym.static_shape)
from symopt.dialects.types import (
    dense_from_numpy,
    dtype_of,
    format_shape,
    is_bool,
    is_float,
    numpy_from_dense,
    static_shape,
    tensor_type,
    with_dtype,
    with_shape,
)

Sym = Dialect(
    "sym",
    [
        NegOp, AbsOp, SignOp, InvertOp,
        ExpOp, LogOp, Log1pOp, Expm1Op, Log2Op, Log10Op, SqrtOp,
        TanhOp, SinhOp, CoshOp, SinOp, CosOp, TanOp, AsinOp, AcosOp, AtanOp,
        FloorOp, CeilOp, RoundEvenOp, SigmoidOp, SoftplusOp,
        AddOp, SubOp, MulOp, DivOp, FloorDivOp, ModOp, PowOp,
        MaximumOp, MinimumOp, Atan2Op, AndOp, OrOp, XorOp, CmpOp,
        SelectOp, ClipOp, CastOp, ConstantOp,
        ReduceOp, ArgReduceOp, DotOp, DimShuffleOp, ShapeOp, ReshapeOp,
        SubtensorOp, IncSubtensorOp, SetSubtensorOp, ConcatenateOp, AllocOp, ArangeOp,
        AdvancedSubtensorOp, AdvancedIncSubtensorOp, AdvancedSetSubtensorOp, NonzeroOp,
        CumulativeOp, SortOp, ArgSortOp, StopGradientOp,
        YieldOp, MapIndexOp, ScanOp, IfOp, RandomOp, MrgUniformOp, MultinomialFromUniformOp,
        GlobalOp, ReadOp, WriteOp, PlaceholderOp,
    ],  # fmt: skip
    [RandomStateType],
)

__all__ = [
    "CMP_PREDICATES", "FOLD_LIMIT", "MRG_M1", "MRG_M2", "MRG_NORM32", "MRG_NORM64",
    "RANDOM_DISTRIBUTIONS", "SUBTENSOR_DYNAMIC", "SUBTENSOR_NONE",
    "AbsOp", "AcosOp", "AddOp", "AdvancedIncSubtensorOp", "AdvancedSetSubtensorOp",
    "AdvancedSubtensorOp", "AllocOp", "AndOp", "AnyTensor", "ArangeOp",
    "ArgReduceOp", "ArgSortOp", "AsinOp", "Atan2Op", "AtanOp", "BinaryOp", "CastOp", "CeilOp",
    "ClipOp", "CmpOp", "ConcatenateOp", "ConstantOp", "CoshOp", "CosOp", "CumulativeOp",
    "DimShuffleOp", "DivOp", "DotOp", "ElementwiseOp", "Expm1Op", "ExpOp",
    "FloatUnaryOp", "FloorDivOp", "FloorOp", "FoldConstants", "GlobalOp",
    "IfOp", "IncSubtensorOp", "InvertOp", "Log1pOp", "Log2Op", "Log10Op", "LogOp",
    "MapIndexOp", "MaximumOp", "MinimumOp", "ModOp", "MrgUniformOp", "MulOp",
    "MultinomialFromUniformOp", "NegOp", "NonzeroOp", "OrOp", "PlaceholderOp", "PowOp",
    "RandomOp", "RandomStateType", "ReadOp", "ReduceOp", "ReshapeOp", "RoundEvenOp",
    "RunsOnHost", "ScanOp", "SelectOp", "SetSubtensorOp", "ShapeOp", "SigmoidOp", "SignOp",
    "SinhOp", "SinOp", "SoftplusOp", "SortOp", "SqrtOp", "StopGradientOp", "SubOp", "SubtensorOp", "Sym",
    "SymCanonicalization", "TanhOp", "TanOp", "TernaryOp", "UnaryOp", "WriteOp",
    "XorOp", "YieldOp",
    "advanced_shape", "broadcast_shapes", "dense_from_numpy", "dot_shape", "dtype_of", "format_shape",
    "indexed_shape", "is_bool", "is_float", "numpy_from_dense", "reduced_shape",
    "runtime_broadcast", "static_shape", "tensor_type", "with_dtype", "with_shape",
]  # fmt: skip
