// RUN: symopt %s -p loop-bufferize --split-input-file | filecheck %s

// loop-bufferize gives every tensor a buffer. The input is tensor-level loop IR
// (what convert-sym-to-loop and loop-fuse produce). Loop ops write into freshly
// allocated outs buffers; layout-only ops (dimshuffle, slice, reshape of a
// contiguous buffer) become loop.views of existing buffers; sizes that must agree
// are checked by a loop.check before the loop that relies on them. Nothing is
// freed and no result is copied here (loop-abi and loop-dealloc do that).
// loop.dimshuffle and loop.slice are written in the generic form.

// The signature: tensor arguments and results become memrefs with signless
// elements, each carrying its NumPy dtype (a ui8 buffer is memref<?xi8> with
// dtype "uint8"). Shared variables stay loop.read/loop.write, now of buffers
// (the variable's own buffer, and the buffer holding its new value); the
// loop.globals keep their tensor types. An argument returned as it is stays
// an argument.
// CHECK:       loop.global @w : tensor<3xf64>
// CHECK-NEXT:  loop.global @b : tensor<f64>
// CHECK-LABEL: func.func @signature
// CHECK-SAME:    (%x: memref<?x3xf64> {symopt.dtype = "float64"}, %u: memref<?xi8> {symopt.dtype = "uint8"})
// CHECK-SAME:    -> (memref<?x3xf64> {symopt.dtype = "float64"}, memref<?xi8> {symopt.dtype = "uint8"})
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : memref<3xf64>
// CHECK-NEXT:    %[[B:.*]] = loop.read @b : memref<f64>
// CHECK:         %[[N:.*]] = memref.dim %x, %{{.*}} : memref<?x3xf64>
// CHECK-NEXT:    %[[Y:.*]] = memref.alloc(%[[N]]) : memref<?x3xf64>
// CHECK-NEXT:    loop.map ins(%x, %[[W]], %[[B]] : memref<?x3xf64>, memref<3xf64>, memref<f64>) dims {{\[}}[0, 1], [1], []] outs(%[[Y]] : memref<?x3xf64>) {
// CHECK:         %[[T:.*]] = memref.alloc() : memref<f64>
// CHECK-NEXT:    loop.reduce "add" ins(%x : memref<?x3xf64>) outs(%[[T]] : memref<f64>) axes [0, 1] {
// CHECK:         loop.write @b, %[[T]] : memref<f64>
// CHECK-NEXT:    func.return %[[Y]], %u : memref<?x3xf64>, memref<?xi8>
// CHECK-NOT:     tensor<
loop.global @w : tensor<3xf64>
loop.global @b : tensor<f64>
func.func @signature(%x: tensor<?x3xf64>, %u: tensor<?xui8>) -> (tensor<?x3xf64>, tensor<?xui8>) {
  %w = loop.read @w : tensor<3xf64>
  %b = loop.read @b : tensor<f64>
  %y = loop.map ins(%x, %w, %b : tensor<?x3xf64>, tensor<3xf64>, tensor<f64>) dims [[0, 1], [1], []] -> tensor<?x3xf64> {
  ^bb0(%p: f64, %q: f64, %c: f64):
    %m = arith.mulf %p, %q : f64
    %s = arith.addf %m, %c : f64
    loop.yield %s : f64
  }
  %t = loop.reduce "add" ins(%x : tensor<?x3xf64>) axes [0, 1] -> tensor<f64> {
  ^bb0(%p: f64):
    loop.yield %p : f64
  }
  loop.write @b, %t : tensor<f64>
  func.return %y, %u : tensor<?x3xf64>, tensor<?xui8>
}

// -----

// Each loop op gets a fresh output buffer (memref-form loop ops with outs);
// dynamic sizes that must agree are checked first; a max over a dimension is
// checked not to be empty. A buffer's sizes are the values it was allocated with
// (no memref.dim of a new buffer), and a size checked once is not checked again.
// The temporaries are not freed here.
// CHECK-LABEL: func.func @temporaries
// CHECK:         %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[NX:.*]] = memref.dim %x, %[[C0]] : memref<?xf64>
// CHECK-NEXT:    %[[NY:.*]] = memref.dim %y, %[[C0]] : memref<?xf64>
// CHECK-NEXT:    %[[EQ:.*]] = arith.cmpi eq, %[[NY]], %[[NX]] : index
// CHECK-NEXT:    loop.check %[[EQ]], "shape mismatch in loop.map: dimension 0 of %y has size {0}, but %x has size {1} there (only dimensions of static size 1 broadcast)" (%[[NY]], %[[NX]] : index, index)
// CHECK-NEXT:    %[[A:.*]] = memref.alloc(%[[NX]]) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%x, %y : memref<?xf64>, memref<?xf64>) outs(%[[A]] : memref<?xf64>) {
// CHECK-NOT:     memref.dim
// CHECK:         %[[NE:.*]] = arith.cmpi sgt, %[[NX]], %[[C0]] : index
// CHECK-NEXT:    loop.check %[[NE]], "max of an empty dimension (in loop.reduce)"
// CHECK-NEXT:    %[[M:.*]] = memref.alloc() : memref<f64>
// CHECK-NEXT:    loop.reduce "max" ins(%[[A]] : memref<?xf64>) outs(%[[M]] : memref<f64>) axes [0] {
// CHECK:         %[[R:.*]] = memref.alloc(%[[NX]]) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[A]], %[[M]] : memref<?xf64>, memref<f64>) outs(%[[R]] : memref<?xf64>) {
// CHECK:           math.exp
// CHECK:         }
// CHECK-NEXT:    func.return %[[R]] : memref<?xf64>
// CHECK-NOT:     memref.dealloc
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
  %r = loop.map ins(%a, %m : tensor<?xf64>, tensor<f64>) dims [[0], []] -> tensor<?xf64> {
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

// Results are returned as they are: an argument, or the same buffer twice, is
// not copied here (loop-abi copies what the caller cannot own).
// CHECK-LABEL: func.func @returns
// CHECK:         %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%x : memref<?xf64>) outs(%[[A]] : memref<?xf64>) {
// CHECK:         }
// CHECK-NEXT:    func.return %x, %[[A]], %[[A]] : memref<?xf64>, memref<?xf64>, memref<?xf64>
func.func @returns(%x: tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>, tensor<?xf64>) {
  %a = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%u: f64):
    %s = arith.negf %u : f64
    loop.yield %s : f64
  }
  func.return %x, %a, %a : tensor<?xf64>, tensor<?xf64>, tensor<?xf64>
}

// -----

// loop.dimshuffle is a view with the source's strides permuted, no copy: for a
// contiguous ?x3 buffer the strides are (3, 1), so [1, x, 0] gives sizes
// (3, 1, n) and strides (1, 0, 3); [1] on a 1x3 buffer drops the leading
// dimension (sizes (3), stride 1).
// CHECK-LABEL: func.func @dimshuffle
// CHECK-SAME:    -> (memref<3x1x?xf64, strided<[?, ?, ?], offset: ?>> {symopt.dtype = "float64"}, memref<3xf64, strided<[?], offset: ?>> {symopt.dtype = "float64"})
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG:     %[[N:.*]] = memref.dim %x, %[[C0]] : memref<?x3xf64>
// CHECK:         %[[T:.*]] = loop.view %x offset(%[[C0]]) sizes(%[[C3]], %[[C1]], %[[N]]) strides(%[[C1]], %[[C0]], %[[C3]]) : memref<?x3xf64> -> memref<3x1x?xf64, strided<[?, ?, ?], offset: ?>>
// CHECK-NEXT:    %[[D:.*]] = loop.view %r offset(%[[C0]]) sizes(%[[C3]]) strides(%[[C1]]) : memref<1x3xf64> -> memref<3xf64, strided<[?], offset: ?>>
// CHECK-NEXT:    func.return %[[T]], %[[D]]
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     loop.map
func.func @dimshuffle(%x: tensor<?x3xf64>, %r: tensor<1x3xf64>) -> (tensor<3x1x?xf64>, tensor<3xf64>) {
  %t = "loop.dimshuffle"(%x) <{pattern = array<i64: 1, -1, 0>}> : (tensor<?x3xf64>) -> tensor<3x1x?xf64>
  %d = "loop.dimshuffle"(%r) <{pattern = array<i64: 1>}> : (tensor<1x3xf64>) -> tensor<3xf64>
  func.return %t, %d : tensor<3x1x?xf64>, tensor<3xf64>
}

// -----

// loop.slice is a view of the source (no copy): x[k, 1:] on a ?x3 buffer. The
// index is loaded, wrapped (negative indices count from the end),
// bounds-checked (an IndexError) and folded into the offset (k * 3); the slice
// 1: of a dimension of size 3 starts at 1, has length 2 (folded to a constant)
// and stride 1.
// CHECK-LABEL: func.func @slice
// CHECK:         %[[N:.*]] = memref.dim %x, %{{.*}} : memref<?x3xf64>
// CHECK-NEXT:    %[[K:.*]] = memref.load %k[] : memref<i64>
// CHECK-NEXT:    %[[KI:.*]] = arith.index_cast %[[K]] : i64 to index
// CHECK-NEXT:    %[[NEG:.*]] = arith.cmpi slt, %[[KI]], %{{.*}} : index
// CHECK-NEXT:    %[[WRAP:.*]] = arith.addi %[[KI]], %[[N]] : index
// CHECK-NEXT:    %[[I:.*]] = arith.select %[[NEG]], %[[WRAP]], %[[KI]] : index
// CHECK:         loop.check %{{.*}}, "index out of bounds for dimension 0 with size {1} (index {0})" kind index (%[[I]], %[[N]] : index, index)
// CHECK-NEXT:    %[[ROW:.*]] = arith.muli %[[I]], %[[C3:.*]] : index
// CHECK:         %[[LEN:.*]] = arith.constant 2 : index
// CHECK-NEXT:    %[[OFF:.*]] = arith.addi %[[ROW]], %{{.*}} : index
// CHECK-NEXT:    %[[V:.*]] = loop.view %x offset(%[[OFF]]) sizes(%[[LEN]]) strides(%{{.*}}) : memref<?x3xf64> -> memref<2xf64, strided<[?], offset: ?>>
// CHECK-NEXT:    func.return %[[V]]
// CHECK-NOT:     memref.alloc
func.func @slice(%x: tensor<?x3xf64>, %k: tensor<i64>) -> tensor<2xf64> {
  %t = "loop.slice"(%x, %k) <{spec = array<i64: 0, -9223372036854775807, -9223372036854775808, -9223372036854775808, 1, 1, -9223372036854775808, -9223372036854775808>}> : (tensor<?x3xf64>, tensor<i64>) -> tensor<2xf64>
  func.return %t : tensor<2xf64>
}

// -----

// loop.reshape of a contiguous buffer is a view with contiguous strides, after
// a check of the element count (-1 in the shape is inferred). A transposed
// view is not contiguous: it is copied into a fresh buffer first, and the
// reshape is a view of the copy. loop.shape stores the sizes into a new int64
// buffer.
// CHECK-LABEL: func.func @reshape
// CHECK:         %[[D0:.*]] = memref.dim %x, %{{.*}} : memref<?x3xf64>
// CHECK:         loop.check %{{.*}}, "cannot reshape an array of {1} elements into a shape of {0} elements"
// CHECK-NEXT:    %[[R:.*]] = loop.view %x offset(%{{.*}}) sizes(%{{.*}}) strides(%{{.*}}) : memref<?x3xf64> -> memref<?xf64, strided<[?], offset: ?>>
// CHECK:         %[[T:.*]] = loop.view %x offset(%{{.*}}) sizes(%{{.*}}) strides(%{{.*}}) : memref<?x3xf64> -> memref<3x?xf64, strided<[?, ?], offset: ?>>
// CHECK:         loop.check %{{.*}}, "cannot reshape an array of {1} elements into a shape of {0} elements"
// CHECK:         %[[COPY:.*]] = memref.alloc(%{{.*}}) : memref<3x?xf64>
// CHECK-NEXT:    loop.map ins(%[[T]] : memref<3x?xf64, strided<[?, ?], offset: ?>>) outs(%[[COPY]] : memref<3x?xf64>) {
// CHECK-NEXT:    ^{{.*}}(%[[E:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[E]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[RT:.*]] = loop.view %[[COPY]] offset(%{{.*}}) sizes(%{{.*}}) strides(%{{.*}}) : memref<3x?xf64> -> memref<?xf64, strided<[?], offset: ?>>
// CHECK-NEXT:    %[[S:.*]] = memref.alloc() : memref<2xi64>
// CHECK-NEXT:    %[[I0:.*]] = arith.index_cast %[[D0]] : index to i64
// CHECK-NEXT:    memref.store %[[I0]], %[[S]][%{{.*}}] : memref<2xi64>
// CHECK-NEXT:    %[[I1:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK-NEXT:    memref.store %[[I1]], %[[S]][%{{.*}}] : memref<2xi64>
// CHECK-NEXT:    func.return %[[R]], %[[RT]], %[[S]]
func.func @reshape(%x: tensor<?x3xf64>, %shp: tensor<1xi64>) -> (tensor<?xf64>, tensor<?xf64>, tensor<2xi64>) {
  %r = loop.reshape %x, %shp : (tensor<?x3xf64>, tensor<1xi64>) -> tensor<?xf64>
  %t = "loop.dimshuffle"(%x) <{pattern = array<i64: 1, 0>}> : (tensor<?x3xf64>) -> tensor<3x?xf64>
  %rt = loop.reshape %t, %shp : (tensor<3x?xf64>, tensor<1xi64>) -> tensor<?xf64>
  %s = loop.shape %x : tensor<?x3xf64> -> tensor<2xi64>
  func.return %r, %rt, %s : tensor<?xf64>, tensor<?xf64>, tensor<2xi64>
}

// -----

// loop.update copies the operand into a fresh buffer, then updates the region
// through a view of the copy ("inc": the map reads and writes the view).
// CHECK-LABEL: func.func @update
// CHECK:         %[[OUT:.*]] = memref.alloc(%{{.*}}) : memref<?x3xf64>
// CHECK-NEXT:    loop.map ins(%x : memref<?x3xf64>) outs(%[[OUT]] : memref<?x3xf64>) {
// CHECK:         loop.check %{{.*}}, "index out of bounds for dimension 0 with size {1} (index {0})" kind index
// CHECK:         %[[V:.*]] = loop.view %[[OUT]] offset(%{{.*}}) sizes(%{{.*}}) strides(%{{.*}}) : memref<?x3xf64> -> memref<?xf64, strided<[?], offset: ?>>
// CHECK-NEXT:    loop.map ins(%[[V]], %y : memref<?xf64, strided<[?], offset: ?>>, memref<3xf64>) outs(%[[V]] : memref<?xf64, strided<[?], offset: ?>>) {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64, %[[B:.*]]: f64):
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[A]], %[[B]] : f64
// CHECK-NEXT:      loop.yield %[[S]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[OUT]] : memref<?x3xf64>
func.func @update(%x: tensor<?x3xf64>, %y: tensor<3xf64>, %k: tensor<i64>) -> tensor<?x3xf64> {
  %a = "loop.update"(%x, %y, %k) <{kind = "inc", spec = array<i64: 0, -9223372036854775807, -9223372036854775808, -9223372036854775808>}> : (tensor<?x3xf64>, tensor<3xf64>, tensor<i64>) -> tensor<?x3xf64>
  func.return %a : tensor<?x3xf64>
}

// -----

// A constant that is not a splat becomes a private constant memref.global read
// with memref.get_global; a splat is a buffer filled by a map without inputs.
// CHECK-LABEL: func.func @constants
// CHECK-NEXT:    %[[G:.*]] = memref.get_global @__constant_0 : memref<2xf64>
// CHECK:         %[[ONE:.*]] = memref.alloc() : memref<1x1xf64>
// CHECK-NEXT:    loop.map outs(%[[ONE]] : memref<1x1xf64>) {
// CHECK-NEXT:      %[[C:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT:      loop.yield %[[C]] : f64
// CHECK-NEXT:    }
// CHECK:         %[[O:.*]] = memref.alloc(%{{.*}}) : memref<?x2xf64>
// CHECK-NEXT:    loop.map ins(%x, %[[G]], %[[ONE]] : memref<?x2xf64>, memref<2xf64>, memref<1x1xf64>) dims {{\[}}[0, 1], [1], [0, 1]] outs(%[[O]] : memref<?x2xf64>) {
// CHECK:         func.return %[[O]]
// CHECK:         "memref.global"() <{sym_name = "__constant_0", type = memref<2xf64>, initial_value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf64>, sym_visibility = "private", constant}>
func.func @constants(%x: tensor<?x2xf64>) -> tensor<?x2xf64> {
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf64>
  %one = arith.constant dense<1.0> : tensor<1x1xf64>
  %r = loop.map ins(%x, %c, %one : tensor<?x2xf64>, tensor<2xf64>, tensor<1x1xf64>) dims [[0, 1], [1], [0, 1]] -> tensor<?x2xf64> {
  ^bb0(%u: f64, %v: f64, %w: f64):
    %s = arith.addf %u, %v : f64
    %t = arith.mulf %s, %w : f64
    loop.yield %t : f64
  }
  func.return %r : tensor<?x2xf64>
}

// -----

// loop.generate: the trip count is loaded and checked; an scf.if returns an
// empty buffer for n == 0, otherwise runs iteration 0 (its item's sizes give the
// rows'), allocates the result, copies item 0 into row 0 through a view, and an
// scf.for over 1..n runs the body again and copies each item into its row
// (offset i * 3). Each iteration's index is a 0-d buffer.
// CHECK-LABEL: func.func @generate
// CHECK:         %[[NV:.*]] = memref.load %n[] : memref<i64>
// CHECK-NEXT:    %[[N:.*]] = arith.index_cast %[[NV]] : i64 to index
// CHECK:         loop.check %{{.*}}, "map_index: negative trip count {0}" (%[[N]] : index)
// CHECK-NEXT:    %[[EMPTY:.*]] = arith.cmpi eq, %[[N]], %{{.*}} : index
// CHECK-NEXT:    %[[G:.*]] = scf.if %[[EMPTY]] -> (memref<?x3xf64>) {
// CHECK:           %[[E0:.*]] = memref.alloc(%{{.*}}) : memref<?x3xf64>
// CHECK-NEXT:      scf.yield %[[E0]] : memref<?x3xf64>
// CHECK-NEXT:    } else {
// CHECK:           %[[I0:.*]] = memref.alloc() : memref<i64>
// CHECK:           %[[ROW0:.*]] = loop.view %x offset
// CHECK-NEXT:      %[[ITEM0:.*]] = memref.alloc() : memref<3xf64>
// CHECK-NEXT:      loop.map ins(%[[ROW0]] : memref<3xf64, strided<[?], offset: ?>>) outs(%[[ITEM0]] : memref<3xf64>) {
// CHECK:             math.exp
// CHECK:           %[[OUT:.*]] = memref.alloc(%[[N]]) : memref<?x3xf64>
// CHECK-NEXT:      %[[DST0:.*]] = loop.view %[[OUT]] offset
// CHECK-NEXT:      loop.map ins(%[[ITEM0]] : memref<3xf64>) outs(%[[DST0]] : memref<?xf64, strided<[?], offset: ?>>) {
// CHECK:           scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK:             %[[ROW:.*]] = loop.view %x offset
// CHECK-NEXT:        %[[ITEM:.*]] = memref.alloc() : memref<3xf64>
// CHECK-NEXT:        loop.map ins(%[[ROW]] : memref<3xf64, strided<[?], offset: ?>>) outs(%[[ITEM]] : memref<3xf64>) {
// CHECK:               math.exp
// CHECK:             %[[OFF:.*]] = arith.muli %[[I]], %{{.*}} : index
// CHECK-NEXT:        %[[DST:.*]] = loop.view %[[OUT]] offset(%[[OFF]])
// CHECK-NEXT:        loop.map ins(%[[ITEM]] : memref<3xf64>) outs(%[[DST]] : memref<?xf64, strided<[?], offset: ?>>) {
// CHECK-NEXT:        ^{{.*}}(%[[V:.*]]: f64):
// CHECK-NEXT:          loop.yield %[[V]] : f64
// CHECK-NEXT:        }
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[OUT]] : memref<?x3xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[G]] : memref<?x3xf64>
// CHECK-NOT:     memref.dealloc
func.func @generate(%x: tensor<?x3xf64>, %n: tensor<i64>) -> tensor<?x3xf64> {
  %g = loop.generate %n : tensor<i64> -> tensor<?x3xf64> {
  ^bb0(%i: tensor<i64>):
    %row = "loop.slice"(%x, %i) <{spec = array<i64: 0, -9223372036854775807, -9223372036854775808, -9223372036854775808>}> : (tensor<?x3xf64>, tensor<i64>) -> tensor<3xf64>
    %e = loop.map ins(%row : tensor<3xf64>) -> tensor<3xf64> {
    ^bb0(%0: f64):
      %1 = math.exp %0 : f64
      loop.yield %1 : f64
    }
    loop.yield %e : tensor<3xf64>
  }
  func.return %g : tensor<?x3xf64>
}
