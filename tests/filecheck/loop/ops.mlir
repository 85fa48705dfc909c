// RUN: symopt %s | filecheck %s
// RUN: symopt %s | symopt | filecheck %s
// RUN: symopt %s --print-op-generic | symopt | filecheck %s
// RUN: symopt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// Every loop op prints in its custom form and round-trips through the parser
// (custom -> custom, generic -> custom); the generic form shows the properties.

// A tensor map with a dims map per input (identity, rank-0 broadcast, and -1 for
// a dimension read at index 0), two results and loop.index in the body.
// CHECK-LABEL: func.func @map_tensor
// CHECK-NEXT:    %[[R:.*]], %[[C:.*]] = loop.map ins(%x, %b, %r : tensor<?x784xf64>, tensor<f64>, tensor<1x784xf64>) dims {{\[}}[0, 1], [], [-1, 1]] -> tensor<?x784xf64>, tensor<?x784xi1> {
// CHECK-NEXT:    ^{{.*}}(%xi: f64, %bi: f64, %ri: f64):
// CHECK-NEXT:      %s = arith.addf %xi, %bi : f64
// CHECK-NEXT:      %i = loop.index 1 : index
// CHECK-NEXT:      %c = arith.cmpf olt, %s, %ri : f64
// CHECK-NEXT:      loop.yield %s, %c : f64, i1
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[R]], %[[C]] : tensor<?x784xf64>, tensor<?x784xi1>
// GENERIC-LABEL: "func.func"() <{sym_name = "map_tensor"
// GENERIC:         "loop.map"(%x, %b, %r) <{dims = [array<i64: 0, 1>, array<i64>, array<i64: -1, 1>], operandSegmentSizes = array<i32: 3, 0>}>
// GENERIC:           "loop.index"() <{dim = 1 : i64}> : () -> index
// GENERIC:           "loop.yield"(%s, %c) : (f64, i1) -> ()
// GENERIC-NEXT:    }) : (tensor<?x784xf64>, tensor<f64>, tensor<1x784xf64>) -> (tensor<?x784xf64>, tensor<?x784xi1>)
func.func @map_tensor(%x: tensor<?x784xf64>, %b: tensor<f64>, %r: tensor<1x784xf64>) -> (tensor<?x784xf64>, tensor<?x784xi1>) {
  %0:2 = loop.map ins(%x, %b, %r : tensor<?x784xf64>, tensor<f64>, tensor<1x784xf64>) dims [[0, 1], [], [-1, 1]] -> tensor<?x784xf64>, tensor<?x784xi1> {
  ^bb0(%xi: f64, %bi: f64, %ri: f64):
    %s = arith.addf %xi, %bi : f64
    %i = loop.index 1 : index
    %c = arith.cmpf olt, %s, %ri : f64
    loop.yield %s, %c : f64, i1
  }
  func.return %0#0, %0#1 : tensor<?x784xf64>, tensor<?x784xi1>
}

// An identity dims map is not printed; an explicit one parses to the same op.
// CHECK-LABEL: func.func @identity_dims
// CHECK-NEXT:    loop.map ins(%x : tensor<?x3xf64>) -> tensor<?x3xf64> {
// CHECK-NEXT:    ^{{.*}}(%v: f64):
// CHECK-NEXT:      %n = arith.negf %v : f64
// CHECK-NEXT:      loop.yield %n : f64
// CHECK-NEXT:    }
// GENERIC-LABEL: "func.func"() <{sym_name = "identity_dims"
// GENERIC:         "loop.map"(%x) <{dims = [array<i64: 0, 1>], operandSegmentSizes = array<i32: 1, 0>}>
func.func @identity_dims(%x: tensor<?x3xf64>) -> tensor<?x3xf64> {
  %0 = loop.map ins(%x : tensor<?x3xf64>) dims [[0, 1]] -> tensor<?x3xf64> {
  ^bb0(%v: f64):
    %n = arith.negf %v : f64
    loop.yield %n : f64
  }
  func.return %0 : tensor<?x3xf64>
}

// Memref form: inputs and outs, no results; a transposing dims map; a map with
// no inputs (a fill) has a body without arguments; two outs.
// CHECK-LABEL: func.func @map_memref
// CHECK-NEXT:    loop.map ins(%x : memref<?x3xf64>) dims {{\[}}[1, 0]] outs(%o : memref<3x?xf64>) {
// CHECK-NEXT:    ^{{.*}}(%xt: f64):
// CHECK-NEXT:      loop.yield %xt : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.map outs(%o : memref<3x?xf64>) {
// CHECK-NEXT:      %zero = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:      loop.yield %zero : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.map ins(%y : memref<?xi32>) outs(%p, %q : memref<?xf64>, memref<?xi1>) {
// CHECK-NEXT:    ^{{.*}}(%yi: i32):
// CHECK-NEXT:      %f = arith.sitofp %yi : i32 to f64
// CHECK-NEXT:      %z = arith.constant 0 : i32
// CHECK-NEXT:      %nz = arith.cmpi ne, %yi, %z : i32
// CHECK-NEXT:      loop.yield %f, %nz : f64, i1
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
// GENERIC-LABEL: "func.func"() <{sym_name = "map_memref"
// GENERIC:         "loop.map"(%x, %o) <{dims = [array<i64: 1, 0>], operandSegmentSizes = array<i32: 1, 1>}>
// GENERIC:         "loop.map"(%o) <{dims = [], operandSegmentSizes = array<i32: 0, 1>}>
// GENERIC:         "loop.map"(%y, %p, %q) <{dims = [array<i64: 0>], operandSegmentSizes = array<i32: 1, 2>}>
// GENERIC:         }) : (memref<?xi32>, memref<?xf64>, memref<?xi1>) -> ()
func.func @map_memref(%x: memref<?x3xf64>, %o: memref<3x?xf64>, %y: memref<?xi32>, %p: memref<?xf64>, %q: memref<?xi1>) {
  loop.map ins(%x : memref<?x3xf64>) dims [[1, 0]] outs(%o : memref<3x?xf64>) {
  ^bb0(%xt: f64):
    loop.yield %xt : f64
  }
  loop.map outs(%o : memref<3x?xf64>) {
    %zero = arith.constant 0.0 : f64
    loop.yield %zero : f64
  }
  loop.map ins(%y : memref<?xi32>) outs(%p, %q : memref<?xf64>, memref<?xi1>) {
  ^bb0(%yi: i32):
    %f = arith.sitofp %yi : i32 to f64
    %z = arith.constant 0 : i32
    %nz = arith.cmpi ne, %yi, %z : i32
    loop.yield %f, %nz : f64, i1
  }
  func.return
}

// Every reduction kind; keepdims; several axes; a reduction to rank 0.
// CHECK-LABEL: func.func @reduce_kinds
// CHECK-NEXT:    loop.reduce "add" ins(%x : tensor<?x3xf64>) axes [0] -> tensor<3xf64> {
// CHECK-NEXT:    ^{{.*}}(%a0: f64):
// CHECK-NEXT:      loop.yield %a0 : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "mul" ins(%x : tensor<?x3xf64>) axes [1] keepdims -> tensor<?x1xf64> {
// CHECK:         loop.reduce "max" ins(%x : tensor<?x3xf64>) axes [0, 1] -> tensor<f64> {
// CHECK:         loop.reduce "min" ins(%x : tensor<?x3xf64>) axes [0, 1] keepdims -> tensor<1x1xf64> {
// CHECK:         loop.reduce "and" ins(%b : tensor<?x3xi1>) axes [0] -> tensor<3xi1> {
// CHECK:         loop.reduce "or" ins(%b : tensor<?x3xi1>) axes [1] -> tensor<?xi1> {
// CHECK:         loop.reduce "mean" ins(%i : tensor<?x3xi32>) axes [0] -> tensor<3xf64> {
// CHECK-NEXT:    ^{{.*}}(%a6: i32):
// CHECK-NEXT:      %f6 = arith.sitofp %a6 : i32 to f64
// CHECK-NEXT:      loop.yield %f6 : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "argmax" ins(%x : tensor<?x3xf64>) axes [1] -> tensor<?xi64> {
// CHECK:         loop.reduce "argmin" ins(%x : tensor<?x3xf64>) axes [0, 1] keepdims -> tensor<1x1xi64> {
// CHECK:         func.return
// GENERIC-LABEL: "func.func"() <{sym_name = "reduce_kinds"
// GENERIC:         "loop.reduce"(%x) <{kind = "add", axes = array<i64: 0>, keepdims = false, dims = [array<i64: 0, 1>], operandSegmentSizes = array<i32: 1, 0>}>
// GENERIC:         "loop.reduce"(%x) <{kind = "mul", axes = array<i64: 1>, keepdims = true, dims = [array<i64: 0, 1>], operandSegmentSizes = array<i32: 1, 0>}>
func.func @reduce_kinds(%x: tensor<?x3xf64>, %b: tensor<?x3xi1>, %i: tensor<?x3xi32>) -> (tensor<3xf64>, tensor<?x1xf64>, tensor<f64>, tensor<1x1xf64>, tensor<3xi1>, tensor<?xi1>, tensor<3xf64>, tensor<?xi64>, tensor<1x1xi64>) {
  %0 = loop.reduce "add" ins(%x : tensor<?x3xf64>) axes [0] -> tensor<3xf64> {
  ^bb0(%a0: f64):
    loop.yield %a0 : f64
  }
  %1 = loop.reduce "mul" ins(%x : tensor<?x3xf64>) axes [1] keepdims -> tensor<?x1xf64> {
  ^bb0(%a1: f64):
    loop.yield %a1 : f64
  }
  %2 = loop.reduce "max" ins(%x : tensor<?x3xf64>) axes [0, 1] -> tensor<f64> {
  ^bb0(%a2: f64):
    loop.yield %a2 : f64
  }
  %3 = loop.reduce "min" ins(%x : tensor<?x3xf64>) axes [0, 1] keepdims -> tensor<1x1xf64> {
  ^bb0(%a3: f64):
    loop.yield %a3 : f64
  }
  %4 = loop.reduce "and" ins(%b : tensor<?x3xi1>) axes [0] -> tensor<3xi1> {
  ^bb0(%a4: i1):
    loop.yield %a4 : i1
  }
  %5 = loop.reduce "or" ins(%b : tensor<?x3xi1>) axes [1] -> tensor<?xi1> {
  ^bb0(%a5: i1):
    loop.yield %a5 : i1
  }
  %6 = loop.reduce "mean" ins(%i : tensor<?x3xi32>) axes [0] -> tensor<3xf64> {
  ^bb0(%a6: i32):
    %f6 = arith.sitofp %a6 : i32 to f64
    loop.yield %f6 : f64
  }
  %7 = loop.reduce "argmax" ins(%x : tensor<?x3xf64>) axes [1] -> tensor<?xi64> {
  ^bb0(%a7: f64):
    loop.yield %a7 : f64
  }
  %8 = loop.reduce "argmin" ins(%x : tensor<?x3xf64>) axes [0, 1] keepdims -> tensor<1x1xi64> {
  ^bb0(%a8: f64):
    loop.yield %a8 : f64
  }
  func.return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<3xf64>, tensor<?x1xf64>, tensor<f64>, tensor<1x1xf64>, tensor<3xi1>, tensor<?xi1>, tensor<3xf64>, tensor<?xi64>, tensor<1x1xi64>
}

// A reduction with two inputs and dims maps (a higher-rank dot), the memref
// form with outs and keepdims, and the {unsigned} marker of unsigned integers.
// CHECK-LABEL: func.func @reduce_dims
// CHECK-NEXT:    %[[D:.*]] = loop.reduce "add" ins(%a, %b : tensor<2x?x3xf64>, tensor<4x3x5xf64>) dims {{\[}}[0, 1, 4], [2, 4, 3]] axes [4] -> tensor<2x?x4x5xf64> {
// CHECK-NEXT:    ^{{.*}}(%ai: f64, %bi: f64):
// CHECK-NEXT:      %p = arith.mulf %ai, %bi : f64
// CHECK-NEXT:      loop.yield %p : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.reduce "max" ins(%m : memref<?x3xf64>) outs(%o : memref<1x3xf64>) axes [0] keepdims {
// CHECK-NEXT:    ^{{.*}}(%mi: f64):
// CHECK-NEXT:      loop.yield %mi : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[U:.*]] = loop.reduce "max" ins(%u : tensor<?xui8>) axes [0] -> tensor<ui8> attributes {unsigned} {
// CHECK-NEXT:    ^{{.*}}(%ui: i8):
// CHECK-NEXT:      loop.yield %ui : i8
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[D]], %[[U]] : tensor<2x?x4x5xf64>, tensor<ui8>
// GENERIC-LABEL: "func.func"() <{sym_name = "reduce_dims"
// GENERIC:         "loop.reduce"(%a, %b) <{kind = "add", axes = array<i64: 4>, keepdims = false, dims = [array<i64: 0, 1, 4>, array<i64: 2, 4, 3>], operandSegmentSizes = array<i32: 2, 0>}>
// GENERIC:         "loop.reduce"(%m, %o) <{kind = "max", axes = array<i64: 0>, keepdims = true, dims = [array<i64: 0, 1>], operandSegmentSizes = array<i32: 1, 1>}>
// GENERIC:         "loop.reduce"(%u) <{kind = "max", axes = array<i64: 0>, keepdims = false, dims = [array<i64: 0>], operandSegmentSizes = array<i32: 1, 0>}> ({
// GENERIC:         }) {unsigned} : (tensor<?xui8>) -> tensor<ui8>
func.func @reduce_dims(%a: tensor<2x?x3xf64>, %b: tensor<4x3x5xf64>, %m: memref<?x3xf64>, %o: memref<1x3xf64>, %u: tensor<?xui8>) -> (tensor<2x?x4x5xf64>, tensor<ui8>) {
  %0 = loop.reduce "add" ins(%a, %b : tensor<2x?x3xf64>, tensor<4x3x5xf64>) dims [[0, 1, 4], [2, 4, 3]] axes [4] -> tensor<2x?x4x5xf64> {
  ^bb0(%ai: f64, %bi: f64):
    %p = arith.mulf %ai, %bi : f64
    loop.yield %p : f64
  }
  loop.reduce "max" ins(%m : memref<?x3xf64>) outs(%o : memref<1x3xf64>) axes [0] keepdims {
  ^bb0(%mi: f64):
    loop.yield %mi : f64
  }
  %1 = loop.reduce "max" ins(%u : tensor<?xui8>) axes [0] -> tensor<ui8> attributes {unsigned} {
  ^bb0(%ui: i8):
    loop.yield %ui : i8
  }
  func.return %0, %1 : tensor<2x?x4x5xf64>, tensor<ui8>
}

// loop.dot: tensor form (every rank combination) and memref form with an out.
// CHECK-LABEL: func.func @dot
// CHECK-NEXT:    %{{.*}} = loop.dot %v, %v : (tensor<3xf64>, tensor<3xf64>) -> tensor<f64>
// CHECK-NEXT:    %{{.*}} = loop.dot %a, %v : (tensor<?x3xf64>, tensor<3xf64>) -> tensor<?xf64>
// CHECK-NEXT:    %{{.*}} = loop.dot %w, %a : (tensor<?xf64>, tensor<?x3xf64>) -> tensor<3xf64>
// CHECK-NEXT:    %{{.*}} = loop.dot %a, %at : (tensor<?x3xf64>, tensor<3x?xf64>) -> tensor<?x?xf64>
// CHECK-NEXT:    loop.dot %ma, %mv, %mo : memref<?x3xf64>, memref<3xf64>, memref<?xf64>
// GENERIC-LABEL: "func.func"() <{sym_name = "dot"
// GENERIC:         "loop.dot"(%v, %v) : (tensor<3xf64>, tensor<3xf64>) -> tensor<f64>
// GENERIC:         "loop.dot"(%ma, %mv, %mo) : (memref<?x3xf64>, memref<3xf64>, memref<?xf64>) -> ()
func.func @dot(%v: tensor<3xf64>, %a: tensor<?x3xf64>, %w: tensor<?xf64>, %at: tensor<3x?xf64>, %ma: memref<?x3xf64>, %mv: memref<3xf64>, %mo: memref<?xf64>) -> (tensor<f64>, tensor<?xf64>, tensor<3xf64>, tensor<?x?xf64>) {
  %0 = loop.dot %v, %v : (tensor<3xf64>, tensor<3xf64>) -> tensor<f64>
  %1 = loop.dot %a, %v : (tensor<?x3xf64>, tensor<3xf64>) -> tensor<?xf64>
  %2 = loop.dot %w, %a : (tensor<?xf64>, tensor<?x3xf64>) -> tensor<3xf64>
  %3 = loop.dot %a, %at : (tensor<?x3xf64>, tensor<3x?xf64>) -> tensor<?x?xf64>
  loop.dot %ma, %mv, %mo : memref<?x3xf64>, memref<3xf64>, memref<?xf64>
  func.return %0, %1, %2, %3 : tensor<f64>, tensor<?xf64>, tensor<3xf64>, tensor<?x?xf64>
}

// loop.check: with values, with kind index (the default kind "value" is not
// printed), without values.
// CHECK-LABEL: func.func @check
// CHECK-NEXT:    loop.check %ok, "shape mismatch: {0} vs {1}" (%n, %m : index, index)
// CHECK-NEXT:    loop.check %ok, "index {0} is out of bounds" kind index (%n : index)
// CHECK-NEXT:    loop.check %ok, "no values"
// CHECK-NEXT:    func.return
// GENERIC-LABEL: "func.func"() <{sym_name = "check"
// GENERIC:         "loop.check"(%ok, %n, %m) <{message = "shape mismatch: {0} vs {1}", kind = "value"}> : (i1, index, index) -> ()
// GENERIC-NEXT:    "loop.check"(%ok, %n) <{message = "index {0} is out of bounds", kind = "index"}> : (i1, index) -> ()
// GENERIC-NEXT:    "loop.check"(%ok) <{message = "no values", kind = "value"}> : (i1) -> ()
func.func @check(%ok: i1, %n: index, %m: index) {
  loop.check %ok, "shape mismatch: {0} vs {1}" (%n, %m : index, index)
  loop.check %ok, "index {0} is out of bounds" kind index (%n : index)
  loop.check %ok, "no values"
  func.return
}

// loop.layout gives the offset and one stride per dimension; loop.view builds a
// strided view (here a transpose) from them.
// CHECK-LABEL: func.func @view_layout
// CHECK-NEXT:    %off, %[[S0:.*]], %[[S1:.*]] = loop.layout %a : memref<?x3xf64>
// CHECK-NEXT:    %t = loop.view %a offset(%off) sizes(%n, %n) strides(%[[S1]], %[[S0]]) : memref<?x3xf64> -> memref<?x?xf64, strided<[?, ?], offset: ?>>
// CHECK-NEXT:    %o0, %{{.*}}, %{{.*}} = loop.layout %t : memref<?x?xf64, strided<[?, ?], offset: ?>>
// CHECK-NEXT:    %e = loop.view %t offset(%o0) sizes() strides() : memref<?x?xf64, strided<[?, ?], offset: ?>> -> memref<f64, strided<[], offset: ?>>
// GENERIC-LABEL: "func.func"() <{sym_name = "view_layout"
// GENERIC:         "loop.layout"(%a) : (memref<?x3xf64>) -> (index, index, index)
// GENERIC-NEXT:    "loop.view"(%a, %off, %n, %n, %{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 1, 1, 2, 2>}>
func.func @view_layout(%a: memref<?x3xf64>, %n: index) -> memref<f64, strided<[], offset: ?>> {
  %off, %st:2 = loop.layout %a : memref<?x3xf64>
  %t = loop.view %a offset(%off) sizes(%n, %n) strides(%st#1, %st#0) : memref<?x3xf64> -> memref<?x?xf64, strided<[?, ?], offset: ?>>
  %o0, %s0:2 = loop.layout %t : memref<?x?xf64, strided<[?, ?], offset: ?>>
  %e = loop.view %t offset(%o0) sizes() strides() : memref<?x?xf64, strided<[?, ?], offset: ?>> -> memref<f64, strided<[], offset: ?>>
  func.return %e : memref<f64, strided<[], offset: ?>>
}
