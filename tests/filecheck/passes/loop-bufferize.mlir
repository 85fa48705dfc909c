// RUN: symopt %s -p loop-bufferize --split-input-file | filecheck %s

// loop-bufferize gives every tensor a buffer. The input is tensor-level loop IR
// (what convert-sym-to-loop and loop-fuse produce), written out here.

// The signature: tensor arguments become memrefs, then one argument per shared
// variable read (symopt.globals); results are the outputs, then one buffer per
// shared variable written (symopt.writes). The sym.global declarations go.
// CHECK-NOT:   sym.global
// CHECK-LABEL: func.func @signature(%x: memref<?x3xf64>, %w: memref<3xf64>, %b: memref<f64>) -> (memref<?x3xf64>, memref<f64>)
// CHECK-SAME:    attributes {symopt.globals = ["w", "b"], symopt.writes = ["b"], symopt.inputs = 1 : i64}
// CHECK:         %[[Y:.*]] = memref.alloc(%{{.*}}) : memref<?x3xf64>
// CHECK-NEXT:    loop.map ins(%x, %w, %b : memref<?x3xf64>, memref<3xf64>, memref<f64>) dims {{\[}}[0, 1], [1], []] outs(%[[Y]] : memref<?x3xf64>) {
// CHECK:         %[[T:.*]] = memref.alloc() : memref<f64>
// CHECK-NEXT:    loop.reduce "add" ins(%x : memref<?x3xf64>) outs(%[[T]] : memref<f64>) axes [0, 1] {
// CHECK:         func.return %[[Y]], %[[T]] : memref<?x3xf64>, memref<f64>
// CHECK-NOT:     sym.
// CHECK-NOT:     tensor<
sym.global @w : tensor<3xf64>
sym.global @b : tensor<f64>
sym.global @unused : tensor<?xf64>

func.func @signature(%x: tensor<?x3xf64>) -> tensor<?x3xf64> {
  %w = sym.read @w : tensor<3xf64>
  %b = sym.read @b : tensor<f64>
  %y = loop.map ins(%x, %w, %b : tensor<?x3xf64>, tensor<3xf64>, tensor<f64>) dims [[0, 1], [1], []] -> tensor<?x3xf64> {
  ^bb0(%u: f64, %v: f64, %c: f64):
    %m = arith.mulf %u, %v : f64
    %s = arith.addf %m, %c : f64
    loop.yield %s : f64
  }
  %t = loop.reduce "add" ins(%x : tensor<?x3xf64>) axes [0, 1] -> tensor<f64> {
  ^bb0(%u: f64):
    loop.yield %u : f64
  }
  sym.write @b, %t : tensor<f64>
  func.return %y : tensor<?x3xf64>
}

// -----

// Each loop op gets a fresh output buffer (memref-form loop ops with outs);
// dynamic sizes that must agree are checked first; a max over a dimension is
// checked not to be empty; temporaries are freed after their last use, the
// returned buffer is not.
// CHECK-LABEL: func.func @temporaries(%x: memref<?xf64>, %y: memref<?xf64>) -> memref<?xf64>
// CHECK-SAME:    attributes {symopt.globals = [], symopt.writes = [], symopt.inputs = 2 : i64}
// CHECK:         %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[NX:.*]] = memref.dim %x, %[[C0]] : memref<?xf64>
// CHECK-NEXT:    %[[NY:.*]] = memref.dim %y, %[[C0]] : memref<?xf64>
// CHECK-NEXT:    %[[EQ:.*]] = arith.cmpi eq, %[[NY]], %[[NX]] : index
// CHECK-NEXT:    loop.check %[[EQ]], "shape mismatch in loop.map: dimension 0 of %y has size {0}, but %x has size {1} there (only dimensions of static size 1 broadcast)" (%[[NY]], %[[NX]] : index, index)
// CHECK-NEXT:    %[[A:.*]] = memref.alloc(%[[NX]]) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%x, %y : memref<?xf64>, memref<?xf64>) outs(%[[A]] : memref<?xf64>) {
// CHECK:         %[[NA:.*]] = memref.dim %[[A]], %[[C0]]
// CHECK:         %[[NE:.*]] = arith.cmpi sgt, %[[NA]], %[[C0]] : index
// CHECK-NEXT:    loop.check %[[NE]], "max of an empty dimension (in loop.reduce)"
// CHECK-NEXT:    %[[M:.*]] = memref.alloc() : memref<f64>
// CHECK-NEXT:    loop.reduce "max" ins(%[[A]] : memref<?xf64>) outs(%[[M]] : memref<f64>) axes [0] {
// CHECK:         %[[R:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[A]], %[[M]] : memref<?xf64>, memref<f64>) outs(%[[R]] : memref<?xf64>) {
// CHECK:           math.exp
// CHECK:         }
// CHECK-DAG:     memref.dealloc %[[M]] : memref<f64>
// CHECK-DAG:     memref.dealloc %[[A]] : memref<?xf64>
// CHECK-NOT:     memref.dealloc %[[R]]
// CHECK:         func.return %[[R]] : memref<?xf64>
func.func @temporaries(%x: tensor<?xf64>, %y: tensor<?xf64>) -> tensor<?xf64> {
  %a = loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%u: f64, %v: f64):
    %s = arith.addf %u, %v : f64
    loop.yield %s : f64
  }
  %m = loop.reduce "max" ins(%a : tensor<?xf64>) axes [0] -> tensor<f64> {
  ^bb0(%u: f64):
    loop.yield %u : f64
  }
  %r = loop.map ins(%a, %m : tensor<?xf64>, tensor<f64>) -> tensor<?xf64> {
  ^bb0(%u: f64, %v: f64):
    %s = arith.subf %u, %v : f64
    %e = math.exp %s : f64
    loop.yield %e : f64
  }
  func.return %r : tensor<?xf64>
}

// -----

// A static size of 1 broadcasts: no check for it; the size comes from %x.
// CHECK-LABEL: func.func @broadcast
// CHECK-NOT:     loop.check
// CHECK:         %[[N:.*]] = memref.dim %x
// CHECK-NOT:     loop.check
// CHECK:         %[[O:.*]] = memref.alloc(%[[N]]) : memref<?x3xf64>
// CHECK-NEXT:    loop.map ins(%x, %r : memref<?x3xf64>, memref<1x3xf64>) outs(%[[O]] : memref<?x3xf64>)
func.func @broadcast(%x: tensor<?x3xf64>, %r: tensor<1x3xf64>) -> tensor<?x3xf64> {
  %a = loop.map ins(%x, %r : tensor<?x3xf64>, tensor<1x3xf64>) -> tensor<?x3xf64> {
  ^bb0(%u: f64, %v: f64):
    %s = arith.addf %u, %v : f64
    loop.yield %s : f64
  }
  func.return %a : tensor<?x3xf64>
}

// -----

// loop.dot: the inner dimensions are checked, the result allocated.
// CHECK-LABEL: func.func @dot
// CHECK:         %[[K1:.*]] = memref.dim %a, %{{.*}} : memref<?x?xf64>
// CHECK:         %[[K2:.*]] = memref.dim %v, %{{.*}} : memref<?xf64>
// CHECK-NEXT:    %[[EQ:.*]] = arith.cmpi eq, %[[K1]], %[[K2]] : index
// CHECK-NEXT:    loop.check %[[EQ]], "shape mismatch in dot: the inner dimensions differ ({0} vs {1})" (%[[K1]], %[[K2]] : index, index)
// CHECK-NEXT:    %[[N:.*]] = memref.dim %a, %{{.*}} : memref<?x?xf64>
// CHECK-NEXT:    %[[O:.*]] = memref.alloc(%[[N]]) : memref<?xf64>
// CHECK-NEXT:    loop.dot %a, %v, %[[O]] : memref<?x?xf64>, memref<?xf64>, memref<?xf64>
// CHECK-NEXT:    func.return %[[O]]
func.func @dot(%a: tensor<?x?xf64>, %v: tensor<?xf64>) -> tensor<?xf64> {
  %d = loop.dot %a, %v : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %d : tensor<?xf64>
}

// -----

// Every returned buffer is a fresh allocation the caller owns: an argument or a
// value returned twice is copied (a loop.map copy).
// CHECK-LABEL: func.func @returns
// CHECK:         %[[A:.*]] = memref.alloc
// CHECK-NEXT:    loop.map ins(%x : memref<?xf64>) outs(%[[A]] : memref<?xf64>) {
// CHECK:           arith.negf
// CHECK:         %[[X:.*]] = memref.alloc
// CHECK-NEXT:    loop.map ins(%x : memref<?xf64>) outs(%[[X]] : memref<?xf64>) {
// CHECK-NEXT:    ^{{.*}}(%[[V:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[V]] : f64
// CHECK:         %[[A2:.*]] = memref.alloc
// CHECK-NEXT:    loop.map ins(%[[A]] : memref<?xf64>) outs(%[[A2]] : memref<?xf64>) {
// CHECK-NOT:     memref.dealloc
// CHECK:         func.return %[[X]], %[[A]], %[[A2]] : memref<?xf64>, memref<?xf64>, memref<?xf64>
func.func @returns(%x: tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>, tensor<?xf64>) {
  %a = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%u: f64):
    %s = arith.negf %u : f64
    loop.yield %s : f64
  }
  func.return %x, %a, %a : tensor<?xf64>, tensor<?xf64>, tensor<?xf64>
}

// -----

// sym.subtensor is a loop.view of the source (no copy): the index is wrapped,
// bounds-checked (an IndexError) and folded into the offset; the slice 1: of a
// dimension of size 3 has length 2 and stride 1.
// CHECK-LABEL: func.func @subtensor(%x: memref<?x3xf64>, %k: memref<i64>) -> memref<2xf64>
// CHECK:         %[[K:.*]] = memref.load %k[] : memref<i64>
// CHECK-NEXT:    %[[KI:.*]] = arith.index_cast %[[K]] : i64 to index
// CHECK:         loop.check %{{.*}}, "index out of bounds for dimension 0 with size {1} (index {0})" kind index
// CHECK:         %[[V:.*]] = loop.view %x offset(%{{.*}}) sizes(%{{.*}}) strides(%{{.*}}) : memref<?x3xf64> -> memref<2xf64, strided<[?], offset: ?>>
// CHECK:         %[[O:.*]] = memref.alloc() : memref<2xf64>
// CHECK-NEXT:    loop.map ins(%[[V]] : memref<2xf64, strided<[?], offset: ?>>) outs(%[[O]] : memref<2xf64>) {
// CHECK:           arith.negf
// CHECK:         func.return %[[O]] : memref<2xf64>
func.func @subtensor(%x: tensor<?x3xf64>, %k: tensor<i64>) -> tensor<2xf64> {
  %st = sym.subtensor %x[%k, 1:] : tensor<?x3xf64> -> tensor<2xf64>
  %r = loop.map ins(%st : tensor<2xf64>) -> tensor<2xf64> {
  ^bb0(%u: f64):
    %n = arith.negf %u : f64
    loop.yield %n : f64
  }
  func.return %r : tensor<2xf64>
}

// -----

// sym.reshape of a contiguous buffer is a view with contiguous strides after a
// check of the element count; returned, the view is copied into a fresh buffer.
// sym.shape stores the sizes into a new int64 buffer.
// CHECK-LABEL: func.func @reshape_shape(%x: memref<?x3xf64>, %shp: memref<1xi64>) -> (memref<?xf64>, memref<2xi64>)
// CHECK:         %[[W:.*]] = memref.load %shp[%{{.*}}] : memref<1xi64>
// CHECK:         loop.check %{{.*}}, "cannot reshape an array of {1} elements into a shape of {0} elements"
// CHECK-NEXT:    %[[V:.*]] = loop.view %x offset(%{{.*}}) sizes(%{{.*}}) strides(%{{.*}}) : memref<?x3xf64> -> memref<?xf64, strided<[?], offset: ?>>
// CHECK-NEXT:    %[[S:.*]] = memref.alloc() : memref<2xi64>
// CHECK-NEXT:    %[[D0:.*]] = memref.dim %x, %{{.*}} : memref<?x3xf64>
// CHECK-NEXT:    %[[I0:.*]] = arith.index_cast %[[D0]] : index to i64
// CHECK-NEXT:    memref.store %[[I0]], %[[S]][%{{.*}}] : memref<2xi64>
// CHECK-NEXT:    %[[I1:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK-NEXT:    memref.store %[[I1]], %[[S]][%{{.*}}] : memref<2xi64>
// CHECK:         %[[C:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[V]] : memref<?xf64, strided<[?], offset: ?>>) outs(%[[C]] : memref<?xf64>) {
// CHECK:         func.return %[[C]], %[[S]] : memref<?xf64>, memref<2xi64>
func.func @reshape_shape(%x: tensor<?x3xf64>, %shp: tensor<1xi64>) -> (tensor<?xf64>, tensor<2xi64>) {
  %rs = sym.reshape %x, %shp : (tensor<?x3xf64>, tensor<1xi64>) -> tensor<?xf64>
  %s = sym.shape %x : tensor<?x3xf64> -> tensor<2xi64>
  func.return %rs, %s : tensor<?xf64>, tensor<2xi64>
}

// -----

// A constant that is not a splat becomes a private constant memref.global read
// with memref.get_global; a splat is a buffer filled by a map without inputs
// (freed after use).
// CHECK-LABEL: func.func @constants
// CHECK-NEXT:    %[[G:.*]] = memref.get_global @__constant_0 : memref<2xf64>
// CHECK:         %[[ONE:.*]] = memref.alloc() : memref<1x1xf64>
// CHECK-NEXT:    loop.map outs(%[[ONE]] : memref<1x1xf64>) {
// CHECK-NEXT:      %[[C:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT:      loop.yield %[[C]] : f64
// CHECK-NEXT:    }
// CHECK:         %[[O:.*]] = memref.alloc(%{{.*}}) : memref<?x2xf64>
// CHECK-NEXT:    loop.map ins(%x, %[[G]], %[[ONE]] : memref<?x2xf64>, memref<2xf64>, memref<1x1xf64>) dims {{\[}}[0, 1], [1], [0, 1]] outs(%[[O]] : memref<?x2xf64>) {
// CHECK:         memref.dealloc %[[ONE]] : memref<1x1xf64>
// CHECK-NOT:     memref.dealloc %[[G]]
// CHECK:         func.return %[[O]]
// CHECK:         "memref.global"() <{sym_name = "__constant_0", type = memref<2xf64>, initial_value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf64>, sym_visibility = "private", constant}>
func.func @constants(%x: tensor<?x2xf64>) -> tensor<?x2xf64> {
  %c = sym.constant dense<[1.0, 2.0]> : tensor<2xf64>
  %one = sym.constant dense<1.0> : tensor<1x1xf64>
  %r = loop.map ins(%x, %c, %one : tensor<?x2xf64>, tensor<2xf64>, tensor<1x1xf64>) dims [[0, 1], [1], [0, 1]] -> tensor<?x2xf64> {
  ^bb0(%u: f64, %v: f64, %w: f64):
    %s = arith.addf %u, %v : f64
    %t = arith.mulf %s, %w : f64
    loop.yield %t : f64
  }
  func.return %r : tensor<?x2xf64>
}
