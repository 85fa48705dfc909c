// RUN: symopt %s -p convert-sym-to-loop --split-input-file | filecheck %s

// Elementwise sym ops become loop.map with the op's scalar counterpart as body,
// dimshuffle a map with a dims map, reductions loop.reduce (the dtype conversion
// in the body), dots of rank <= 2 loop.dot and higher-rank dots a reduction.

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

// A splat constant operand becomes an arith.constant in the body (on either
// side); a constant that is not a splat stays an input.
// CHECK-LABEL: func.func @constants
// CHECK:         %v = sym.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf64>
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

// dimshuffle is a copy whose dims map says which result dimension reads each
// input dimension (pattern [1, x, 0]: input dim 0 -> result dim 2, 1 -> 0).
// CHECK-LABEL: func.func @dimshuffle
// CHECK-NEXT:    %[[T:.*]] = loop.map ins(%x : tensor<?x3xf64>) dims {{\[}}[2, 0]] -> tensor<3x1x?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[A]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[D:.*]] = loop.map ins(%r : tensor<1x3xf64>) dims {{\[}}[-1, 0]] -> tensor<3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[B:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[B]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[T]], %[[D]]
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

// Shapes, indexing, constants and shared variables are left for loop-bufferize.
// CHECK-LABEL: func.func @left_alone
// CHECK-NEXT:    %[[W:.*]] = sym.read @w : tensor<?x3xf64>
// CHECK-NEXT:    %[[SH:.*]] = sym.constant dense<[3, -1]> : tensor<2xi64>
// CHECK-NEXT:    %[[S:.*]] = sym.shape %x : tensor<?x3xf64> -> tensor<2xi64>
// CHECK-NEXT:    %[[R:.*]] = sym.reshape %x, %[[SH]] : (tensor<?x3xf64>, tensor<2xi64>) -> tensor<3x?xf64>
// CHECK-NEXT:    %[[T:.*]] = sym.subtensor %x[%k, 1:] : tensor<?x3xf64> -> tensor<2xf64>
// CHECK-NEXT:    %[[C:.*]] = sym.concatenate %x, %[[W]] axis = 0 : (tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64>
// CHECK-NEXT:    sym.write @w, %[[C]] : tensor<?x3xf64>
// CHECK-NEXT:    func.return %[[S]], %[[R]], %[[T]]
// CHECK-NOT:     loop.
sym.global @w : tensor<?x3xf64>
func.func @left_alone(%x: tensor<?x3xf64>, %k: tensor<i64>) -> (tensor<2xi64>, tensor<3x?xf64>, tensor<2xf64>) {
  %w = sym.read @w : tensor<?x3xf64>
  %shp = sym.constant dense<[3, -1]> : tensor<2xi64>
  %s = sym.shape %x : tensor<?x3xf64> -> tensor<2xi64>
  %r = sym.reshape %x, %shp : (tensor<?x3xf64>, tensor<2xi64>) -> tensor<3x?xf64>
  %t = sym.subtensor %x[%k, 1:] : tensor<?x3xf64> -> tensor<2xf64>
  %c = sym.concatenate %x, %w axis = 0 : (tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64>
  sym.write @w, %c : tensor<?x3xf64>
  func.return %s, %r, %t : tensor<2xi64>, tensor<3x?xf64>, tensor<2xf64>
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
