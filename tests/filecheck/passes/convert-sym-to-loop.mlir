// RUN: symopt %s -p convert-sym-to-loop --split-input-file | filecheck %s
// RUN: symopt %s -p convert-sym-to-loop --split-input-file --print-op-generic | filecheck %s --check-prefix=GENERIC
// RUN: not symopt %S/../sym/random.mlir -p convert-sym-to-loop 2>&1 | filecheck %s --check-prefix=HOST

// convert-sym-to-loop lowers every sym op to the loop dialect, on tensors.
// Elementwise ops become loop.map with the op's scalar counterpart as body,
// reductions loop.reduce (the dtype conversion in the body), dots of rank <= 2
// loop.dot and higher-rank dots a reduction. The structural ops become their
// loop-level counterparts (dimshuffle, slice, update, shape, reshape, concat,
// broadcast, range, generate, the MRG draws), constants builtin arith.constant
// tensors and shared variables loop.global/read/write. The GENERIC run checks
// the properties of the structural ops (dimshuffle patterns, slice specs).

// A host draw (sym.random) must have been split off first: the pass refuses it.
// HOST: error: convert-sym-to-loop: 'sym.random' draws on the host; run sym-split-host first (the cpu pipeline does)

// Unary ops: one input, the scalar op in the body; a chain stays one map per op.
// CHECK-LABEL: func.func @unary
// CHECK-NEXT:    %[[N:.*]] = loop.map ins(%x : tensor<?x3xf64>) -> tensor<?x3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64):
// CHECK-NEXT:      %[[R:.*]] = arith.negf %[[A]] : f64
// CHECK-NEXT:      loop.yield %[[R]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[E:.*]] = loop.map ins(%[[N]] : tensor<?x3xf64>) -> tensor<?x3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[B:.*]]: f64):
// CHECK-NEXT:      %[[R2:.*]] = math.exp %[[B]] : f64
// CHECK-NEXT:      loop.yield %[[R2]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[E]]
// CHECK-NOT:     sym.
func.func @unary(%x: tensor<?x3xf64>) -> tensor<?x3xf64> {
  %n = sym.neg %x : tensor<?x3xf64>
  %e = sym.exp %n : tensor<?x3xf64>
  func.return %e : tensor<?x3xf64>
}

// -----

// Binary ops keep their operand order; a broadcast operand (static size 1) is an
// input with the identity dims map; the same operand twice is one input.
// CHECK-LABEL: func.func @binary
// CHECK-NEXT:    %[[S:.*]] = loop.map ins(%r, %x : tensor<1x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64, %[[B:.*]]: f64):
// CHECK-NEXT:      %[[R:.*]] = arith.subf %[[A]], %[[B]] : f64
// CHECK-NEXT:      loop.yield %[[R]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[P:.*]] = loop.map ins(%[[S]] : tensor<?x3xf64>) -> tensor<?x3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[C:.*]]: f64):
// CHECK-NEXT:      %[[R2:.*]] = math.powf %[[C]], %[[C]] : f64
// CHECK-NEXT:      loop.yield %[[R2]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[M:.*]] = loop.map ins(%i, %j : tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32> {
// CHECK-NEXT:    ^{{.*}}(%[[D:.*]]: i32, %[[E:.*]]: i32):
// CHECK-NEXT:      %[[R3:.*]] = arith.muli %[[D]], %[[E]] : i32
// CHECK-NEXT:      loop.yield %[[R3]] : i32
// CHECK-NEXT:    }
func.func @binary(%x: tensor<?x3xf64>, %r: tensor<1x3xf64>, %i: tensor<?xi32>, %j: tensor<?xi32>) -> (tensor<?x3xf64>, tensor<?xi32>) {
  %s = sym.sub %r, %x : (tensor<1x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64>
  %p = sym.pow %s, %s : (tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64>
  %m = sym.mul %i, %j : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32>
  func.return %p, %m : tensor<?x3xf64>, tensor<?xi32>
}

// -----

// sym.constant becomes a builtin arith.constant of tensor type. A splat
// constant operand of an elementwise op becomes a scalar arith.constant in the
// body (on either side), leaving the tensor constant unused (dce removes it); a
// constant that is not a splat stays an input.
// CHECK-LABEL: func.func @constants
// CHECK-NEXT:    %two = arith.constant dense<2.000000e+00> : tensor<1x1xf64>
// CHECK-NEXT:    %one = arith.constant dense<1.000000e+00> : tensor<1x1xf64>
// CHECK-NEXT:    %v = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf64>
// CHECK-NEXT:    %[[M:.*]] = loop.map ins(%x : tensor<?x2xf64>) -> tensor<?x2xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64):
// CHECK-NEXT:      %[[TWO:.*]] = arith.constant 2.000000e+00 : f64
// CHECK-NEXT:      %[[R:.*]] = arith.mulf %[[A]], %[[TWO]] : f64
// CHECK-NEXT:      loop.yield %[[R]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[S:.*]] = loop.map ins(%[[M]] : tensor<?x2xf64>) -> tensor<?x2xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[B:.*]]: f64):
// CHECK-NEXT:      %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT:      %[[R2:.*]] = arith.subf %[[ONE]], %[[B]] : f64
// CHECK-NEXT:      loop.yield %[[R2]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %{{.*}} = loop.map ins(%[[S]], %v : tensor<?x2xf64>, tensor<1x2xf64>) -> tensor<?x2xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[C:.*]]: f64, %[[D:.*]]: f64):
// CHECK-NEXT:      %[[R3:.*]] = arith.addf %[[C]], %[[D]] : f64
// CHECK-NEXT:      loop.yield %[[R3]] : f64
// CHECK-NEXT:    }
// CHECK-NOT:     sym.
func.func @constants(%x: tensor<?x2xf64>) -> tensor<?x2xf64> {
  %two = sym.constant dense<2.0> : tensor<1x1xf64>
  %one = sym.constant dense<1.0> : tensor<1x1xf64>
  %v = sym.constant dense<[[1.0, 2.0]]> : tensor<1x2xf64>
  %m = sym.mul %x, %two : (tensor<?x2xf64>, tensor<1x1xf64>) -> tensor<?x2xf64>
  %s = sym.sub %one, %m : (tensor<1x1xf64>, tensor<?x2xf64>) -> tensor<?x2xf64>
  %a = sym.add %s, %v : (tensor<?x2xf64>, tensor<1x2xf64>) -> tensor<?x2xf64>
  func.return %a : tensor<?x2xf64>
}

// -----

// Comparisons: ordered predicates for floats except "ne" (unordered: NaN != NaN),
// signed ones for integers; the result is i1.
// CHECK-LABEL: func.func @compare
// CHECK:         loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xi1> {
// CHECK:           arith.cmpf olt, %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:      loop.yield %{{.*}} : i1
// CHECK:         loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xi1> {
// CHECK:           arith.cmpf oeq, %{{.*}}, %{{.*}} : f64
// CHECK:         loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xi1> {
// CHECK:           arith.cmpf une, %{{.*}}, %{{.*}} : f64
// CHECK:         loop.map ins(%i, %j : tensor<?xi32>, tensor<?xi32>) -> tensor<?xi1> {
// CHECK:           arith.cmpi sge, %{{.*}}, %{{.*}} : i32
func.func @compare(%x: tensor<?xf64>, %y: tensor<?xf64>, %i: tensor<?xi32>, %j: tensor<?xi32>) -> (tensor<?xi1>, tensor<?xi1>, tensor<?xi1>, tensor<?xi1>) {
  %0 = sym.cmp "lt", %x, %y : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xi1>
  %1 = sym.cmp "eq", %x, %y : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xi1>
  %2 = sym.cmp "ne", %x, %y : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xi1>
  %3 = sym.cmp "ge", %i, %j : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi1>
  func.return %0, %1, %2, %3 : tensor<?xi1>, tensor<?xi1>, tensor<?xi1>, tensor<?xi1>
}

// -----

// select takes the i1 condition as an input; clip is max then min.
// CHECK-LABEL: func.func @select_clip
// CHECK-NEXT:    %[[S:.*]] = loop.map ins(%c, %x, %y : tensor<?xi1>, tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[C:.*]]: i1, %[[A:.*]]: f64, %[[B:.*]]: f64):
// CHECK-NEXT:      %[[R:.*]] = arith.select %[[C]], %[[A]], %[[B]] : f64
// CHECK-NEXT:      loop.yield %[[R]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %{{.*}} = loop.map ins(%[[S]], %lo, %hi : tensor<?xf64>, tensor<1xf64>, tensor<1xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[V:.*]]: f64, %[[L:.*]]: f64, %[[H:.*]]: f64):
// CHECK-NEXT:      %[[MX:.*]] = arith.maximumf %[[V]], %[[L]] : f64
// CHECK-NEXT:      %[[MN:.*]] = arith.minimumf %[[MX]], %[[H]] : f64
// CHECK-NEXT:      loop.yield %[[MN]] : f64
// CHECK-NEXT:    }
func.func @select_clip(%c: tensor<?xi1>, %x: tensor<?xf64>, %y: tensor<?xf64>, %lo: tensor<1xf64>, %hi: tensor<1xf64>) -> tensor<?xf64> {
  %s = sym.select %c, %x, %y : (tensor<?xi1>, tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  %r = sym.clip %s, %lo, %hi : (tensor<?xf64>, tensor<1xf64>, tensor<1xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// Casts pick the conversion from the two element types (booleans are unsigned).
// CHECK-LABEL: func.func @casts
// CHECK:         loop.map ins(%i : tensor<?xi32>) -> tensor<?xf64> {
// CHECK:           arith.sitofp %{{.*}} : i32 to f64
// CHECK:         loop.map ins(%x : tensor<?xf64>) -> tensor<?xf32> {
// CHECK:           arith.truncf %{{.*}} : f64 to f32
// CHECK:         loop.map ins(%f : tensor<?xf32>) -> tensor<?xi32> {
// CHECK:           arith.fptosi %{{.*}} : f32 to i32
// CHECK:         loop.map ins(%b : tensor<?xi1>) -> tensor<?xf64> {
// CHECK:           arith.uitofp %{{.*}} : i1 to f64
// CHECK:         loop.map ins(%i : tensor<?xi32>) -> tensor<?xi64> {
// CHECK:           arith.extsi %{{.*}} : i32 to i64
func.func @casts(%i: tensor<?xi32>, %x: tensor<?xf64>, %f: tensor<?xf32>, %b: tensor<?xi1>) -> (tensor<?xf64>, tensor<?xf32>, tensor<?xi32>, tensor<?xf64>, tensor<?xi64>) {
  %0 = sym.cast %i : tensor<?xi32> to tensor<?xf64>
  %1 = sym.cast %x : tensor<?xf64> to tensor<?xf32>
  %2 = sym.cast %f : tensor<?xf32> to tensor<?xi32>
  %3 = sym.cast %b : tensor<?xi1> to tensor<?xf64>
  %4 = sym.cast %i : tensor<?xi32> to tensor<?xi64>
  func.return %0, %1, %2, %3, %4 : tensor<?xf64>, tensor<?xf32>, tensor<?xi32>, tensor<?xf64>, tensor<?xi64>
}

// -----

// Composite ops expand to their scalar formula (sigmoid = 1 / (1 + exp(-x))).
// CHECK-LABEL: func.func @sigmoid
// CHECK-NEXT:    loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64):
// CHECK-NEXT:      %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT:      %[[N:.*]] = arith.negf %[[A]] : f64
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[N]] : f64
// CHECK-NEXT:      %[[D:.*]] = arith.addf %[[ONE]], %[[E]] : f64
// CHECK-NEXT:      %[[R:.*]] = arith.divf %[[ONE]], %[[D]] : f64
// CHECK-NEXT:      loop.yield %[[R]] : f64
func.func @sigmoid(%x: tensor<?xf64>) -> tensor<?xf64> {
  %s = sym.sigmoid %x : tensor<?xf64>
  func.return %s : tensor<?xf64>
}

// -----

// dimshuffle becomes loop.dimshuffle with the same pattern, no copy: a layout
// change that loop-fuse folds into the loops reading it and loop-bufferize
// turns into a view ([1, x, 0] swaps the dimensions and inserts one of size 1;
// [1] on a 1x3 drops the broadcastable leading dimension).
// CHECK-LABEL: func.func @dimshuffle
// CHECK-NEXT:    %[[T:.*]] = loop.dimshuffle %x {{.*}} : tensor<?x3xf64> -> tensor<3x1x?xf64>
// CHECK-NEXT:    %[[D:.*]] = loop.dimshuffle %r {{.*}} : tensor<1x3xf64> -> tensor<3xf64>
// CHECK-NEXT:    func.return %[[T]], %[[D]]
// CHECK-NOT:     loop.map
// GENERIC-LABEL: sym_name = "dimshuffle"
// GENERIC:         "loop.dimshuffle"(%x) <{pattern = array<i64: 1, -1, 0>}> : (tensor<?x3xf64>) -> tensor<3x1x?xf64>
// GENERIC-NEXT:    "loop.dimshuffle"(%r) <{pattern = array<i64: 1>}> : (tensor<1x3xf64>) -> tensor<3xf64>
func.func @dimshuffle(%x: tensor<?x3xf64>, %r: tensor<1x3xf64>) -> (tensor<3x1x?xf64>, tensor<3xf64>) {
  %t = sym.dimshuffle %x pattern = array<i64: 1, -1, 0> : tensor<?x3xf64> -> tensor<3x1x?xf64>
  %d = sym.dimshuffle %r pattern = array<i64: 1> : tensor<1x3xf64> -> tensor<3xf64>
  func.return %t, %d : tensor<3x1x?xf64>, tensor<3xf64>
}

// -----

// Reductions: sum -> add, prod -> mul, all -> and, any -> or; the body converts
// the element to the result dtype (bool sum to int64, truth values of numbers,
// the mean of integers in float64); keepdims and the axes carry over.
// CHECK-LABEL: func.func @reduce
// CHECK-NEXT:    loop.reduce "add" ins(%x : tensor<?x3xf64>) axes [0] -> tensor<3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[A0:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[A0]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "add" ins(%b : tensor<?x3xi1>) axes [0] -> tensor<3xi64> {
// CHECK-NEXT:    ^{{.*}}(%[[A1:.*]]: i1):
// CHECK-NEXT:      %[[W:.*]] = arith.extui %[[A1]] : i1 to i64
// CHECK-NEXT:      loop.yield %[[W]] : i64
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "mul" ins(%x : tensor<?x3xf64>) axes [0] keepdims -> tensor<1x3xf64> {
// CHECK:         loop.reduce "max" ins(%x : tensor<?x3xf64>) axes [0, 1] -> tensor<f64> {
// CHECK:         loop.reduce "min" ins(%i : tensor<?x3xi32>) axes [1] -> tensor<?xi32> {
// CHECK-NEXT:    ^{{.*}}(%[[A4:.*]]: i32):
// CHECK-NEXT:      loop.yield %[[A4]] : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "mean" ins(%i : tensor<?x3xi32>) axes [0, 1] -> tensor<f64> {
// CHECK-NEXT:    ^{{.*}}(%[[A5:.*]]: i32):
// CHECK-NEXT:      %[[F:.*]] = arith.sitofp %[[A5]] : i32 to f64
// CHECK-NEXT:      loop.yield %[[F]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "and" ins(%i : tensor<?x3xi32>) axes [0] -> tensor<3xi1> {
// CHECK-NEXT:    ^{{.*}}(%[[A6:.*]]: i32):
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[NZ:.*]] = arith.cmpi ne, %[[A6]], %[[Z]] : i32
// CHECK-NEXT:      loop.yield %[[NZ]] : i1
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "or" ins(%x : tensor<?x3xf64>) axes [1] -> tensor<?xi1> {
// CHECK-NEXT:    ^{{.*}}(%[[A7:.*]]: f64):
// CHECK-NEXT:      %[[FZ:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:      %[[FNZ:.*]] = arith.cmpf une, %[[A7]], %[[FZ]] : f64
// CHECK-NEXT:      loop.yield %[[FNZ]] : i1
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "and" ins(%b : tensor<?x3xi1>) axes [0, 1] keepdims -> tensor<1x1xi1> {
// CHECK-NEXT:    ^{{.*}}(%[[A8:.*]]: i1):
// CHECK-NEXT:      loop.yield %[[A8]] : i1
// CHECK-NEXT:    }
func.func @reduce(%x: tensor<?x3xf64>, %b: tensor<?x3xi1>, %i: tensor<?x3xi32>) -> (tensor<3xf64>, tensor<3xi64>, tensor<1x3xf64>, tensor<f64>, tensor<?xi32>, tensor<f64>, tensor<3xi1>, tensor<?xi1>, tensor<1x1xi1>) {
  %0 = sym.reduce "sum" %x axes = array<i64: 0> : tensor<?x3xf64> -> tensor<3xf64>
  %1 = sym.reduce "sum" %b axes = array<i64: 0> : tensor<?x3xi1> -> tensor<3xi64>
  %2 = sym.reduce "prod" %x axes = array<i64: 0> keepdims : tensor<?x3xf64> -> tensor<1x3xf64>
  %3 = sym.reduce "max" %x axes = array<i64: 0, 1> : tensor<?x3xf64> -> tensor<f64>
  %4 = sym.reduce "min" %i axes = array<i64: 1> : tensor<?x3xi32> -> tensor<?xi32>
  %5 = sym.reduce "mean" %i axes = array<i64: 0, 1> : tensor<?x3xi32> -> tensor<f64>
  %6 = sym.reduce "all" %i axes = array<i64: 0> : tensor<?x3xi32> -> tensor<3xi1>
  %7 = sym.reduce "any" %x axes = array<i64: 1> : tensor<?x3xf64> -> tensor<?xi1>
  %8 = sym.reduce "all" %b axes = array<i64: 0, 1> keepdims : tensor<?x3xi1> -> tensor<1x1xi1>
  func.return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<3xf64>, tensor<3xi64>, tensor<1x3xf64>, tensor<f64>, tensor<?xi32>, tensor<f64>, tensor<3xi1>, tensor<?xi1>, tensor<1x1xi1>
}

// -----

// arg_reduce: the kind is kept, the body passes the element through.
// CHECK-LABEL: func.func @arg_reduce
// CHECK-NEXT:    loop.reduce "argmax" ins(%x : tensor<?x3xf64>) axes [1] -> tensor<?xi64> {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[A]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "argmin" ins(%i : tensor<?x3xi32>) axes [0, 1] keepdims -> tensor<1x1xi64> {
// CHECK-NEXT:    ^{{.*}}(%[[B:.*]]: i32):
// CHECK-NEXT:      loop.yield %[[B]] : i32
// CHECK-NEXT:    }
func.func @arg_reduce(%x: tensor<?x3xf64>, %i: tensor<?x3xi32>) -> (tensor<?xi64>, tensor<1x1xi64>) {
  %0 = sym.arg_reduce "argmax" %x axes = array<i64: 1> : tensor<?x3xf64> -> tensor<?xi64>
  %1 = sym.arg_reduce "argmin" %i axes = array<i64: 0, 1> keepdims : tensor<?x3xi32> -> tensor<1x1xi64>
  func.return %0, %1 : tensor<?xi64>, tensor<1x1xi64>
}

// -----

// Dots of ranks 1 and 2 become loop.dot.
// CHECK-LABEL: func.func @dot
// CHECK-NEXT:    %[[A:.*]] = loop.dot %a, %v : (tensor<?x3xf64>, tensor<3xf64>) -> tensor<?xf64>
// CHECK-NEXT:    %[[B:.*]] = loop.dot %v, %v : (tensor<3xf64>, tensor<3xf64>) -> tensor<f64>
// CHECK-NEXT:    %[[C:.*]] = loop.dot %a, %m : (tensor<?x3xf64>, tensor<3x?xf64>) -> tensor<?x?xf64>
// CHECK-NEXT:    %[[D:.*]] = loop.dot %i, %j : (tensor<?x3xi32>, tensor<3xi32>) -> tensor<?xi32>
// CHECK-NEXT:    func.return %[[A]], %[[B]], %[[C]], %[[D]]
func.func @dot(%a: tensor<?x3xf64>, %v: tensor<3xf64>, %m: tensor<3x?xf64>, %i: tensor<?x3xi32>, %j: tensor<3xi32>) -> (tensor<?xf64>, tensor<f64>, tensor<?x?xf64>, tensor<?xi32>) {
  %0 = sym.dot %a, %v : (tensor<?x3xf64>, tensor<3xf64>) -> tensor<?xf64>
  %1 = sym.dot %v, %v : (tensor<3xf64>, tensor<3xf64>) -> tensor<f64>
  %2 = sym.dot %a, %m : (tensor<?x3xf64>, tensor<3x?xf64>) -> tensor<?x?xf64>
  %3 = sym.dot %i, %j : (tensor<?x3xi32>, tensor<3xi32>) -> tensor<?xi32>
  func.return %0, %1, %2, %3 : tensor<?xf64>, tensor<f64>, tensor<?x?xf64>, tensor<?xi32>
}

// -----

// Higher-rank dots are an "add" reduction of products over the last dimension
// of the space (I..., J..., m, k): a[I..., k] * b[J..., k, m].
// CHECK-LABEL: func.func @dot_high_rank
// CHECK-NEXT:    %[[A:.*]] = loop.reduce "add" ins(%a, %b : tensor<2x?x3xf64>, tensor<4x3x5xf64>) dims {{\[}}[0, 1, 4], [2, 4, 3]] axes [4] -> tensor<2x?x4x5xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[X:.*]]: f64, %[[Y:.*]]: f64):
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f64
// CHECK-NEXT:      loop.yield %[[P]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[B:.*]] = loop.reduce "add" ins(%i, %j : tensor<2x?x3xi32>, tensor<3xi32>) dims {{\[}}[0, 1, 2], [2]] axes [2] -> tensor<2x?xi32> {
// CHECK-NEXT:    ^{{.*}}(%[[U:.*]]: i32, %[[V:.*]]: i32):
// CHECK-NEXT:      %[[Q:.*]] = arith.muli %[[U]], %[[V]] : i32
// CHECK-NEXT:      loop.yield %[[Q]] : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C:.*]] = loop.reduce "add" ins(%v, %b : tensor<3xf64>, tensor<4x3x5xf64>) dims {{\[}}[2], [0, 2, 1]] axes [2] -> tensor<4x5xf64> {
// CHECK-NOT:     loop.dot
func.func @dot_high_rank(%a: tensor<2x?x3xf64>, %b: tensor<4x3x5xf64>, %i: tensor<2x?x3xi32>, %j: tensor<3xi32>, %v: tensor<3xf64>) -> (tensor<2x?x4x5xf64>, tensor<2x?xi32>, tensor<4x5xf64>) {
  %0 = sym.dot %a, %b : (tensor<2x?x3xf64>, tensor<4x3x5xf64>) -> tensor<2x?x4x5xf64>
  %1 = sym.dot %i, %j : (tensor<2x?x3xi32>, tensor<3xi32>) -> tensor<2x?xi32>
  %2 = sym.dot %v, %b : (tensor<3xf64>, tensor<4x3x5xf64>) -> tensor<4x5xf64>
  func.return %0, %1, %2 : tensor<2x?x4x5xf64>, tensor<2x?xi32>, tensor<4x5xf64>
}

// -----

// Basic indexing becomes loop.slice with the same spec: four integers per
// indexed leading dimension (kind 0 an index, 1 a slice; start, stop, step),
// -2**63 for an absent bound and -2**63 + 1 for the next index operand.
// x[k, 1:] indexes dimension 0 with %k and slices dimension 1 from 1;
// x[::-1, -1] reverses dimension 0 and takes the last element of dimension 1.
// CHECK-LABEL: func.func @slice
// CHECK-NEXT:    %[[T:.*]] = loop.slice %x[%k] spec {{.*}} : (tensor<?x3xf64>, tensor<i64>) -> tensor<2xf64>
// CHECK-NEXT:    %[[U:.*]] = loop.slice %x[] spec {{.*}} : (tensor<?x3xf64>) -> tensor<?xf64>
// CHECK-NEXT:    func.return %[[T]], %[[U]] : tensor<2xf64>, tensor<?xf64>
// CHECK-NOT:     sym.
// GENERIC-LABEL: sym_name = "slice"
// GENERIC:         "loop.slice"(%x, %k) <{spec = array<i64: 0, -9223372036854775807, -9223372036854775808, -9223372036854775808, 1, 1, -9223372036854775808, -9223372036854775808>}> : (tensor<?x3xf64>, tensor<i64>) -> tensor<2xf64>
// GENERIC-NEXT:    "loop.slice"(%x) <{spec = array<i64: 1, -9223372036854775808, -9223372036854775808, -1, 0, -1, -9223372036854775808, -9223372036854775808>}> : (tensor<?x3xf64>) -> tensor<?xf64>
func.func @slice(%x: tensor<?x3xf64>, %k: tensor<i64>) -> (tensor<2xf64>, tensor<?xf64>) {
  %t = sym.subtensor %x[%k, 1:] : tensor<?x3xf64> -> tensor<2xf64>
  %u = sym.subtensor %x[::-1, -1] : tensor<?x3xf64> -> tensor<?xf64>
  func.return %t, %u : tensor<2xf64>, tensor<?xf64>
}

// -----

// inc_subtensor and set_subtensor become loop.update "inc" and "set": the
// operand, the value, then the index operands; the spec is the slice's. The
// constant value stays an operand (a tensor arith.constant).
// CHECK-LABEL: func.func @update
// CHECK-NEXT:    %[[A:.*]] = loop.update "inc" %x[%k], %y spec {{.*}} : (tensor<?x3xf64>, tensor<3xf64>, tensor<i64>) -> tensor<?x3xf64>
// CHECK-NEXT:    %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<1x1xf64>
// CHECK-NEXT:    %[[B:.*]] = loop.update "set" %x[], %[[ONE]] spec {{.*}} : (tensor<?x3xf64>, tensor<1x1xf64>) -> tensor<?x3xf64>
// CHECK-NEXT:    func.return %[[A]], %[[B]]
// CHECK-NOT:     sym.
// GENERIC-LABEL: sym_name = "update"
// GENERIC:         "loop.update"(%x, %y, %k) <{kind = "inc", spec = array<i64: 0, -9223372036854775807, -9223372036854775808, -9223372036854775808>}> : (tensor<?x3xf64>, tensor<3xf64>, tensor<i64>) -> tensor<?x3xf64>
// GENERIC:         "loop.update"(%x, %{{.*}}) <{kind = "set", spec = array<i64: 1, 1, -9223372036854775808, -9223372036854775808, 1, -9223372036854775808, -9223372036854775808, 2>}> : (tensor<?x3xf64>, tensor<1x1xf64>) -> tensor<?x3xf64>
func.func @update(%x: tensor<?x3xf64>, %y: tensor<3xf64>, %k: tensor<i64>) -> (tensor<?x3xf64>, tensor<?x3xf64>) {
  %a = sym.inc_subtensor %x[%k], %y : tensor<?x3xf64>, tensor<3xf64>
  %one = sym.constant dense<1.0> : tensor<1x1xf64>
  %b = sym.set_subtensor %x[1:, ::2], %one : tensor<?x3xf64>, tensor<1x1xf64>
  func.return %a, %b : tensor<?x3xf64>, tensor<?x3xf64>
}

// -----

// shape and reshape keep their operands; the shape constant is a tensor
// arith.constant.
// CHECK-LABEL: func.func @shape_reshape
// CHECK-NEXT:    %[[S:.*]] = loop.shape %x : tensor<?x3xf64> -> tensor<2xi64>
// CHECK-NEXT:    %[[SH:.*]] = arith.constant dense<[3, -1]> : tensor<2xi64>
// CHECK-NEXT:    %[[R:.*]] = loop.reshape %x, %[[SH]] : (tensor<?x3xf64>, tensor<2xi64>) -> tensor<3x?xf64>
// CHECK-NEXT:    func.return %[[S]], %[[R]]
// CHECK-NOT:     sym.
func.func @shape_reshape(%x: tensor<?x3xf64>) -> (tensor<2xi64>, tensor<3x?xf64>) {
  %s = sym.shape %x : tensor<?x3xf64> -> tensor<2xi64>
  %shp = sym.constant dense<[3, -1]> : tensor<2xi64>
  %r = sym.reshape %x, %shp : (tensor<?x3xf64>, tensor<2xi64>) -> tensor<3x?xf64>
  func.return %s, %r : tensor<2xi64>, tensor<3x?xf64>
}

// -----

// concatenate becomes loop.concat with the axis.
// CHECK-LABEL: func.func @concat
// CHECK-NEXT:    %[[C:.*]] = loop.concat %x, %y, %x axis 1 : i64 : (tensor<2x?xf64>, tensor<2x3xf64>, tensor<2x?xf64>) -> tensor<2x?xf64>
// CHECK-NEXT:    func.return %[[C]]
// CHECK-NOT:     sym.
func.func @concat(%x: tensor<2x?xf64>, %y: tensor<2x3xf64>) -> tensor<2x?xf64> {
  %c = sym.concatenate %x, %y, %x axis = 1 : (tensor<2x?xf64>, tensor<2x3xf64>, tensor<2x?xf64>) -> tensor<2x?xf64>
  func.return %c : tensor<2x?xf64>
}

// -----

// alloc (a new tensor filled by broadcasting a value) becomes loop.broadcast;
// the value and the shape stay operands.
// CHECK-LABEL: func.func @broadcast
// CHECK-NEXT:    %[[S:.*]] = loop.shape %x : tensor<?x3xf64> -> tensor<2xi64>
// CHECK-NEXT:    %[[B:.*]] = loop.broadcast %v, %[[S]] : (tensor<1x3xf64>, tensor<2xi64>) -> tensor<?x3xf64>
// CHECK-NEXT:    func.return %[[B]]
// CHECK-NOT:     sym.
func.func @broadcast(%x: tensor<?x3xf64>, %v: tensor<1x3xf64>) -> tensor<?x3xf64> {
  %s = sym.shape %x : tensor<?x3xf64> -> tensor<2xi64>
  %b = sym.alloc %v, %s : (tensor<1x3xf64>, tensor<2xi64>) -> tensor<?x3xf64>
  func.return %b : tensor<?x3xf64>
}

// -----

// arange becomes loop.range (start, stop, step), integer or float.
// CHECK-LABEL: func.func @range
// CHECK-NEXT:    %[[I:.*]] = loop.range %a, %b, %c : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
// CHECK-NEXT:    %[[F:.*]] = loop.range %x, %y, %z : (tensor<f64>, tensor<f64>, tensor<f64>) -> tensor<?xf64>
// CHECK-NEXT:    func.return %[[I]], %[[F]]
// CHECK-NOT:     sym.
func.func @range(%a: tensor<i64>, %b: tensor<i64>, %c: tensor<i64>, %x: tensor<f64>, %y: tensor<f64>, %z: tensor<f64>) -> (tensor<?xi64>, tensor<?xf64>) {
  %i = sym.arange %a, %b, %c : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %f = sym.arange %x, %y, %z : (tensor<f64>, tensor<f64>, tensor<f64>) -> tensor<?xf64>
  func.return %i, %f : tensor<?xi64>, tensor<?xf64>
}

// -----

// map_index becomes loop.generate: the region moves over (its argument is still
// the 0-d index tensor), the sym ops inside are lowered too and sym.yield
// becomes loop.yield.
// CHECK-LABEL: func.func @generate
// CHECK-NEXT:    %[[G:.*]] = loop.generate %n : tensor<i64> -> tensor<?x3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[I:.*]]: tensor<i64>):
// CHECK-NEXT:      %[[ROW:.*]] = loop.slice %x[%[[I]]] spec {{.*}} : (tensor<?x3xf64>, tensor<i64>) -> tensor<3xf64>
// CHECK-NEXT:      %[[E:.*]] = loop.map ins(%[[ROW]] : tensor<3xf64>) -> tensor<3xf64> {
// CHECK-NEXT:      ^{{.*}}(%[[A:.*]]: f64):
// CHECK-NEXT:        %[[R:.*]] = math.exp %[[A]] : f64
// CHECK-NEXT:        loop.yield %[[R]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      loop.yield %[[E]] : tensor<3xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[G]] : tensor<?x3xf64>
// CHECK-NOT:     sym.
func.func @generate(%x: tensor<?x3xf64>, %n: tensor<i64>) -> tensor<?x3xf64> {
  %g = sym.map_index %n : tensor<i64> -> tensor<?x3xf64> {
  ^bb0(%i: tensor<i64>):
    %row = sym.subtensor %x[%i] : tensor<?x3xf64> -> tensor<3xf64>
    %e = sym.exp %row : tensor<3xf64>
    sym.yield %e : tensor<3xf64>
  }
  func.return %g : tensor<?x3xf64>
}

// -----

// The MRG ops: mrg_uniform becomes loop.mrg_uniform (new state and sample),
// multinomial_from_uniform loop.multinomial.
// CHECK-LABEL: func.func @mrg
// CHECK-NEXT:    %[[S1:.*]], %[[X:.*]] = loop.mrg_uniform %state, %size : (tensor<?x6xi32>, tensor<1xi64>) -> (tensor<?x6xi32>, tensor<?xf32>)
// CHECK-NEXT:    %[[Z:.*]] = loop.multinomial %p, %u, %n : (tensor<?x?xf64>, tensor<?xf64>, tensor<i64>) -> tensor<?x?xi64>
// CHECK-NEXT:    func.return %[[S1]], %[[X]], %[[Z]]
// CHECK-NOT:     sym.
func.func @mrg(%state: tensor<?x6xi32>, %size: tensor<1xi64>, %p: tensor<?x?xf64>, %u: tensor<?xf64>, %n: tensor<i64>) -> (tensor<?x6xi32>, tensor<?xf32>, tensor<?x?xi64>) {
  %s1, %x = sym.mrg_uniform %state, %size : (tensor<?x6xi32>, tensor<1xi64>) -> (tensor<?x6xi32>, tensor<?xf32>)
  %z = sym.multinomial_from_uniform %p, %u, %n : (tensor<?x?xf64>, tensor<?xf64>, tensor<i64>) -> tensor<?x?xi64>
  func.return %s1, %x, %z : tensor<?x6xi32>, tensor<?xf32>, tensor<?x?xi64>
}

// -----

// Shared variables: each sym.global becomes a loop.global of the same type,
// sym.read loop.read and sym.write loop.write; the computation in between is
// lowered as usual.
// CHECK:       loop.global @w : tensor<?x3xf64>
// CHECK-NEXT:  loop.global @b : tensor<f64>
// CHECK-LABEL: func.func @globals
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : tensor<?x3xf64>
// CHECK-NEXT:    %[[C:.*]] = loop.concat %x, %[[W]] axis 0 : i64 : (tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64>
// CHECK-NEXT:    %[[B:.*]] = loop.read @b : tensor<f64>
// CHECK-NEXT:    %[[N:.*]] = loop.map ins(%[[B]] : tensor<f64>) -> tensor<f64> {
// CHECK:         }
// CHECK-NEXT:    loop.write @w, %[[C]] : tensor<?x3xf64>
// CHECK-NEXT:    loop.write @b, %[[N]] : tensor<f64>
// CHECK-NEXT:    func.return %[[W]] : tensor<?x3xf64>
// CHECK-NOT:     sym.
sym.global @w : tensor<?x3xf64>
sym.global @b : tensor<f64>
func.func @globals(%x: tensor<?x3xf64>) -> tensor<?x3xf64> {
  %w = sym.read @w : tensor<?x3xf64>
  %c = sym.concatenate %x, %w axis = 0 : (tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64>
  %b = sym.read @b : tensor<f64>
  %n = sym.neg %b : tensor<f64>
  sym.write @w, %c : tensor<?x3xf64>
  sym.write @b, %n : tensor<f64>
  func.return %w : tensor<?x3xf64>
}

// -----

// Reductions of unsigned integers are marked {unsigned} (the loop dialect's
// scalars are signless): max/min/argmax/argmin compare unsigned later.
// CHECK-LABEL: func.func @unsigned_reduce
// CHECK-NEXT:    loop.reduce "max" ins(%u : tensor<?xui8>) axes [0] -> tensor<ui8> attributes {unsigned} {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: i8):
// CHECK-NEXT:      loop.yield %[[A]] : i8
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "argmin" ins(%u : tensor<?xui8>) axes [0] -> tensor<i64> attributes {unsigned} {
// CHECK:         loop.reduce "max" ins(%i : tensor<?xi8>) axes [0] -> tensor<i8> {
func.func @unsigned_reduce(%u: tensor<?xui8>, %i: tensor<?xi8>) -> (tensor<ui8>, tensor<i64>, tensor<i8>) {
  %0 = sym.reduce "max" %u axes = array<i64: 0> : tensor<?xui8> -> tensor<ui8>
  %1 = sym.arg_reduce "argmin" %u axes = array<i64: 0> : tensor<?xui8> -> tensor<i64>
  %2 = sym.reduce "max" %i axes = array<i64: 0> : tensor<?xi8> -> tensor<i8>
  func.return %0, %1, %2 : tensor<ui8>, tensor<i64>, tensor<i8>
}

// -----

// sym.scan becomes loop.scan with the same operands, taps and storage; its body
// (isolated from above) is lowered too. sym.if becomes loop.if, branch by branch.
// CHECK-LABEL: func.func @scan
// CHECK:         %{{.*}} = loop.scan %n seqs(%x : tensor<?xf64>) inits(%h0 : tensor<1xf64>) taps = [array<i64: -1>] last = array<i64: 0> {truncate_gradient = 3 : i64} : tensor<i64> -> (tensor<?xf64>) {
// CHECK-NEXT:    ^bb0(%i: tensor<i64>, %xt: tensor<f64>, %hp: tensor<f64>):
// CHECK-NEXT:      %[[S:.*]] = loop.map ins(%xt, %hp : tensor<f64>, tensor<f64>) -> tensor<f64> {
// CHECK:           loop.yield %[[S]] : tensor<f64>
// CHECK-LABEL: func.func @branch
// CHECK:         %{{.*}} = loop.if %c : tensor<i1> -> (tensor<?xf64>) {
// CHECK-NEXT:      loop.yield %x : tensor<?xf64>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[E:.*]] = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK:           math.exp
// CHECK:           loop.yield %[[E]] : tensor<?xf64>
func.func @scan(%n: tensor<i64>, %x: tensor<?xf64>, %h0: tensor<1xf64>) -> tensor<?xf64> {
  %h = sym.scan %n seqs(%x : tensor<?xf64>) inits(%h0 : tensor<1xf64>) taps = [array<i64: -1>] last = array<i64: 0> {truncate_gradient = 3 : i64} : tensor<i64> -> (tensor<?xf64>) {
  ^bb0(%i: tensor<i64>, %xt: tensor<f64>, %hp: tensor<f64>):
    %s = sym.add %xt, %hp : (tensor<f64>, tensor<f64>) -> tensor<f64>
    sym.yield %s : tensor<f64>
  }
  func.return %h : tensor<?xf64>
}
func.func @branch(%c: tensor<i1>, %x: tensor<?xf64>) -> tensor<?xf64> {
  %r = sym.if %c : tensor<i1> -> (tensor<?xf64>) {
    sym.yield %x : tensor<?xf64>
  } else {
    %e = sym.exp %x : tensor<?xf64>
    sym.yield %e : tensor<?xf64>
  }
  func.return %r : tensor<?xf64>
}
