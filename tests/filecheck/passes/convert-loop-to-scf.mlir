// RUN: symopt %s -p convert-loop-to-scf --split-input-file | filecheck %s

// convert-loop-to-scf turns memref-form loop.map / loop.reduce (and integer
// loop.dot) into scf.for nests with memref.load / memref.store.

// A map: one scf.for per dimension of the out, the last innermost; each input is
// loaded at the indices its dims map gives, a dimension of static size 1 or
// dims -1 at index 0, a rank-0 input with no index; loop.index is the
// induction variable of its dimension.
// CHECK-LABEL: func.func @map
// CHECK:         %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[N:.*]] = memref.dim %o, %[[C0]] : memref<?x3xf64>
// CHECK-NEXT:    %[[C3:.*]] = arith.constant 3 : index
// CHECK-NEXT:    %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[LB:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[STEP:.*]] = arith.constant 1 : index
// CHECK-NEXT:    scf.for %[[I:.*]] = %[[LB]] to %[[N]] step %[[STEP]] {
// CHECK-NEXT:      scf.for %[[J:.*]] = %[[LB]] to %[[C3]] step %[[STEP]] {
// CHECK-NEXT:        %[[X:.*]] = memref.load %x[%[[I]], %[[J]]] : memref<?x3xf64>
// CHECK-NEXT:        %[[R:.*]] = memref.load %r[%[[Z]], %[[J]]] : memref<1x3xf64>
// CHECK-NEXT:        %[[B:.*]] = memref.load %b[] : memref<f64>
// CHECK-NEXT:        %[[C:.*]] = memref.load %c[%[[Z]]] : memref<3xf64>
// CHECK-NEXT:        %[[II:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT:        %[[FI:.*]] = arith.sitofp %[[II]] : i64 to f64
// CHECK-NEXT:        %[[S:.*]] = arith.addf %[[X]], %[[R]] : f64
// CHECK-NEXT:        %[[T:.*]] = arith.mulf %[[S]], %[[B]] : f64
// CHECK-NEXT:        %[[Q:.*]] = arith.addf %[[T]], %[[C]] : f64
// CHECK-NEXT:        %[[P:.*]] = arith.addf %[[Q]], %[[FI]] : f64
// CHECK-NEXT:        memref.store %[[P]], %o[%[[I]], %[[J]]] : memref<?x3xf64>
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
// CHECK-NOT:     loop.
func.func @map(%x: memref<?x3xf64>, %r: memref<1x3xf64>, %b: memref<f64>, %c: memref<3xf64>, %o: memref<?x3xf64>) {
  loop.map ins(%x, %r, %b, %c : memref<?x3xf64>, memref<1x3xf64>, memref<f64>, memref<3xf64>) dims [[0, 1], [0, 1], [], [-1]] outs(%o : memref<?x3xf64>) {
  ^bb0(%u: f64, %v: f64, %w: f64, %z: f64):
    %i = loop.index 0 : index
    %ii = arith.index_cast %i : index to i64
    %fi = arith.sitofp %ii : i64 to f64
    %s = arith.addf %u, %v : f64
    %t = arith.mulf %s, %w : f64
    %q = arith.addf %t, %z : f64
    %p = arith.addf %q, %fi : f64
    loop.yield %p : f64
  }
  func.return
}

// -----

// A transposing dims map swaps the load indices; the loops follow the out.
// CHECK-LABEL: func.func @transpose
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        %[[V:.*]] = memref.load %x[%[[J]], %[[I]]] : memref<3x?xf64>
// CHECK-NEXT:        memref.store %[[V]], %o[%[[I]], %[[J]]] : memref<?x3xf64>
func.func @transpose(%x: memref<3x?xf64>, %o: memref<?x3xf64>) {
  loop.map ins(%x : memref<3x?xf64>) dims [[1, 0]] outs(%o : memref<?x3xf64>) {
  ^bb0(%u: f64):
    loop.yield %u : f64
  }
  func.return
}

// -----

// Several outs: one store each; a fill (no inputs) only stores.
// CHECK-LABEL: func.func @two_outs
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[Y:.*]] = memref.load %y[%[[I]]] : memref<?xi32>
// CHECK-NEXT:      %[[F:.*]] = arith.sitofp %[[Y]] : i32 to f64
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[NZ:.*]] = arith.cmpi ne, %[[Y]], %[[Z]] : i32
// CHECK-NEXT:      memref.store %[[F]], %p[%[[I]]] : memref<?xf64>
// CHECK-NEXT:      memref.store %[[NZ]], %q[%[[I]]] : memref<?xi1>
// CHECK-NEXT:    }
// CHECK:         scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:      memref.store %[[ZERO]], %p[%[[K]]] : memref<?xf64>
// CHECK-NEXT:    }
func.func @two_outs(%y: memref<?xi32>, %p: memref<?xf64>, %q: memref<?xi1>) {
  loop.map ins(%y : memref<?xi32>) outs(%p, %q : memref<?xf64>, memref<?xi1>) {
  ^bb0(%yi: i32):
    %f = arith.sitofp %yi : i32 to f64
    %z = arith.constant 0 : i32
    %nz = arith.cmpi ne, %yi, %z : i32
    loop.yield %f, %nz : f64, i1
  }
  loop.map outs(%p : memref<?xf64>) {
    %zero = arith.constant 0.0 : f64
    loop.yield %zero : f64
  }
  func.return
}

// -----

// An "add" reduction: loops over the kept dimensions outside, then a loop over
// the reduced one carrying the accumulator (from 0) in iter_args, then a store.
// CHECK-LABEL: func.func @sum
// CHECK:         %[[N:.*]] = memref.dim %x, %{{.*}} : memref<?x3xf64>
// CHECK-NEXT:    %[[C3:.*]] = arith.constant 3 : index
// CHECK:         scf.for %[[J:.*]] = %{{.*}} to %[[C3]] step %{{.*}} {
// CHECK-NEXT:      %[[INIT:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:      %{{.*}} = arith.constant 0 : index
// CHECK-NEXT:      %{{.*}} = arith.constant 1 : index
// CHECK-NEXT:      %[[SUM:.*]] = scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f64) {
// CHECK-NEXT:        %[[V:.*]] = memref.load %x[%[[I]], %[[J]]] : memref<?x3xf64>
// CHECK-NEXT:        %[[NEW:.*]] = arith.addf %[[ACC]], %[[V]] : f64
// CHECK-NEXT:        scf.yield %[[NEW]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      memref.store %[[SUM]], %o[%[[J]]] : memref<3xf64>
// CHECK-NEXT:    }
func.func @sum(%x: memref<?x3xf64>, %o: memref<3xf64>) {
  loop.reduce "add" ins(%x : memref<?x3xf64>) outs(%o : memref<3xf64>) axes [0] {
  ^bb0(%u: f64):
    loop.yield %u : f64
  }
  func.return
}

// -----

// max starts from -inf (min from +inf) and combines with NaN-propagating
// arith.maximumf / minimumf; with keepdims the reduced index of the out is 0.
// CHECK-LABEL: func.func @max_min
// CHECK:         memref.dim %x
// CHECK-NEXT:    arith.constant 3 : index
// CHECK-NEXT:    %[[Z:.*]] = arith.constant 0 : index
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[NINF:.*]] = arith.constant 0xfff0000000000000 : f64
// CHECK:           %[[MAX:.*]] = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[NINF]]) -> (f64) {
// CHECK-NEXT:        %[[V:.*]] = memref.load %x[%[[I]], %[[J]]] : memref<?x3xf64>
// CHECK-NEXT:        %[[NEW:.*]] = arith.maximumf %[[ACC]], %[[V]] : f64
// CHECK-NEXT:        scf.yield %[[NEW]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      memref.store %[[MAX]], %o[%[[I]], %[[Z]]] : memref<?x1xf64>
// CHECK-NEXT:    }
// CHECK:         %[[PINF:.*]] = arith.constant 0x7ff0000000000000 : f64
// CHECK:         scf.for {{.*}} iter_args(%[[ACC2:.*]] = %[[PINF]]) -> (f64) {
// CHECK:           arith.minimumf %[[ACC2]], %{{.*}} : f64
// CHECK:         %[[IMAX:.*]] = arith.constant -2147483648 : i32
// CHECK:         scf.for {{.*}} iter_args(%[[ACC3:.*]] = %[[IMAX]]) -> (i32) {
// CHECK:           arith.maxsi %[[ACC3]], %{{.*}} : i32
func.func @max_min(%x: memref<?x3xf64>, %o: memref<?x1xf64>, %p: memref<3xf64>, %i: memref<?xi32>, %q: memref<i32>) {
  loop.reduce "max" ins(%x : memref<?x3xf64>) outs(%o : memref<?x1xf64>) axes [1] keepdims {
  ^bb0(%u: f64):
    loop.yield %u : f64
  }
  loop.reduce "min" ins(%x : memref<?x3xf64>) outs(%p : memref<3xf64>) axes [0] {
  ^bb0(%u: f64):
    loop.yield %u : f64
  }
  loop.reduce "max" ins(%i : memref<?xi32>) outs(%q : memref<i32>) axes [0] {
  ^bb0(%u: i32):
    loop.yield %u : i32
  }
  func.return
}

// -----

// The boolean reductions start from true (and) and false (or).
// CHECK-LABEL: func.func @all_any
// CHECK:         %[[T:.*]] = arith.constant true
// CHECK:         scf.for {{.*}} iter_args(%[[A:.*]] = %[[T]]) -> (i1) {
// CHECK:           arith.andi %[[A]], %{{.*}} : i1
// CHECK:         %[[F:.*]] = arith.constant false
// CHECK:         scf.for {{.*}} iter_args(%[[B:.*]] = %[[F]]) -> (i1) {
// CHECK:           arith.ori %[[B]], %{{.*}} : i1
func.func @all_any(%b: memref<?xi1>, %o: memref<i1>, %p: memref<i1>) {
  loop.reduce "and" ins(%b : memref<?xi1>) outs(%o : memref<i1>) axes [0] {
  ^bb0(%u: i1):
    loop.yield %u : i1
  }
  loop.reduce "or" ins(%b : memref<?xi1>) outs(%p : memref<i1>) axes [0] {
  ^bb0(%u: i1):
    loop.yield %u : i1
  }
  func.return
}

// -----

// mean: the sum over both axes (two nested loops carrying the accumulator)
// divided by the number of elements, converted to the value type.
// CHECK-LABEL: func.func @mean
// CHECK:         %[[N:.*]] = memref.dim %x, %{{.*}} : memref<?x3xf64>
// CHECK-NEXT:    %[[C3:.*]] = arith.constant 3 : index
// CHECK:         %[[INIT:.*]] = arith.constant 0.000000e+00 : f64
// CHECK:         %[[SUM:.*]] = scf.for %{{.*}} = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[A:.*]] = %[[INIT]]) -> (f64) {
// CHECK-NEXT:      %[[INNER:.*]] = scf.for %{{.*}} = %{{.*}} to %[[C3]] step %{{.*}} iter_args(%[[B:.*]] = %[[A]]) -> (f64) {
// CHECK-NEXT:        memref.load %x
// CHECK-NEXT:        arith.addf %[[B]], %{{.*}} : f64
// CHECK-NEXT:        scf.yield
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[INNER]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[P1:.*]] = arith.muli %[[ONE]], %[[N]] : index
// CHECK-NEXT:    %[[P2:.*]] = arith.muli %[[P1]], %[[C3]] : index
// CHECK-NEXT:    %[[CI:.*]] = arith.index_cast %[[P2]] : index to i64
// CHECK-NEXT:    %[[CF:.*]] = arith.sitofp %[[CI]] : i64 to f64
// CHECK-NEXT:    %[[M:.*]] = arith.divf %[[SUM]], %[[CF]] : f64
// CHECK-NEXT:    memref.store %[[M]], %o[] : memref<f64>
func.func @mean(%x: memref<?x3xf64>, %o: memref<f64>) {
  loop.reduce "mean" ins(%x : memref<?x3xf64>) outs(%o : memref<f64>) axes [0, 1] {
  ^bb0(%u: f64):
    loop.yield %u : f64
  }
  func.return
}

// -----

// argmax carries the best value (from -inf), its position and a counter of the
// elements seen; a value is better if greater, or if it is the first NaN. The
// position is stored.
// CHECK-LABEL: func.func @argmax
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[NINF:.*]] = arith.constant 0xfff0000000000000 : f64
// CHECK-NEXT:      %[[P0:.*]] = arith.constant 0 : i64
// CHECK-NEXT:      %[[K0:.*]] = arith.constant 0 : i64
// CHECK:           %{{.*}}, %[[POS:.*]], %{{.*}} = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[BEST:.*]] = %[[NINF]], %[[AT:.*]] = %[[P0]], %[[CNT:.*]] = %[[K0]]) -> (f64, i64, i64) {
// CHECK-NEXT:        %[[V:.*]] = memref.load %x[%[[I]], %[[J]]] : memref<?x3xf64>
// CHECK-NEXT:        %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[BEST]] : f64
// CHECK-NEXT:        %[[VNAN:.*]] = arith.cmpf une, %[[V]], %[[V]] : f64
// CHECK-NEXT:        %[[BNAN:.*]] = arith.cmpf une, %[[BEST]], %[[BEST]] : f64
// CHECK-NEXT:        %[[TRUE:.*]] = arith.constant true
// CHECK-NEXT:        %[[NOTB:.*]] = arith.xori %[[BNAN]], %[[TRUE]] : i1
// CHECK-NEXT:        %[[FIRST:.*]] = arith.andi %[[VNAN]], %[[NOTB]] : i1
// CHECK-NEXT:        %[[BETTER:.*]] = arith.ori %[[GT]], %[[FIRST]] : i1
// CHECK-NEXT:        %[[NB:.*]] = arith.select %[[BETTER]], %[[V]], %[[BEST]] : f64
// CHECK-NEXT:        %[[NP:.*]] = arith.select %[[BETTER]], %[[CNT]], %[[AT]] : i64
// CHECK-NEXT:        %[[ONE:.*]] = arith.constant 1 : i64
// CHECK-NEXT:        %[[NC:.*]] = arith.addi %[[CNT]], %[[ONE]] : i64
// CHECK-NEXT:        scf.yield %[[NB]], %[[NP]], %[[NC]] : f64, i64, i64
// CHECK-NEXT:      }
// CHECK-NEXT:      memref.store %[[POS]], %o[%[[I]]] : memref<?xi64>
// CHECK-NEXT:    }
func.func @argmax(%x: memref<?x3xf64>, %o: memref<?xi64>) {
  loop.reduce "argmax" ins(%x : memref<?x3xf64>) outs(%o : memref<?xi64>) axes [1] {
  ^bb0(%u: f64):
    loop.yield %u : f64
  }
  func.return
}

// -----

// argmin on integers: strictly less wins (the first one on ties), from the
// largest int32; no NaN test.
// CHECK-LABEL: func.func @argmin_int
// CHECK:         %[[IMAX:.*]] = arith.constant 2147483647 : i32
// CHECK:         scf.for {{.*}} iter_args(%[[BEST:.*]] = %[[IMAX]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (i32, i64, i64) {
// CHECK-NEXT:      %[[V:.*]] = memref.load %x[%{{.*}}] : memref<?xi32>
// CHECK-NEXT:      %{{.*}} = arith.cmpi slt, %[[V]], %[[BEST]] : i32
// CHECK-NOT:       arith.cmpf
// CHECK:           scf.yield
func.func @argmin_int(%x: memref<?xi32>, %o: memref<i64>) {
  loop.reduce "argmin" ins(%x : memref<?xi32>) outs(%o : memref<i64>) axes [0] {
  ^bb0(%u: i32):
    loop.yield %u : i32
  }
  func.return
}

// -----

// loop.index in a reduction body is the induction variable of its dimension,
// kept or reduced.
// CHECK-LABEL: func.func @reduce_index
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (i64) {
// CHECK-NEXT:        memref.load %x[%[[I]], %[[J]]] : memref<?x?xf64>
// CHECK-NEXT:        %{{.*}} = arith.index_cast %[[J]] : index to i64
func.func @reduce_index(%x: memref<?x?xf64>, %o: memref<?xi64>) {
  loop.reduce "add" ins(%x : memref<?x?xf64>) outs(%o : memref<?xi64>) axes [1] {
  ^bb0(%u: f64):
    %j = loop.index 1 : index
    %jj = arith.index_cast %j : index to i64
    loop.yield %jj : i64
  }
  func.return
}

// -----

// An integer loop.dot becomes loops (sum of products from 0); a float one stays
// for the LLVM translation (BLAS).
// CHECK-LABEL: func.func @int_dot
// CHECK:         %[[K:.*]] = arith.constant 3 : index
// CHECK:         %[[N:.*]] = memref.dim %a, %{{.*}} : memref<?x3xi32>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : i32
// CHECK:           %[[S:.*]] = scf.for %[[L:.*]] = %{{.*}} to %[[K]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[Z]]) -> (i32) {
// CHECK-NEXT:        %[[X:.*]] = memref.load %a[%[[I]], %[[L]]] : memref<?x3xi32>
// CHECK-NEXT:        %[[Y:.*]] = memref.load %b[%[[L]]] : memref<3xi32>
// CHECK-NEXT:        %[[P:.*]] = arith.muli %[[X]], %[[Y]] : i32
// CHECK-NEXT:        %[[T:.*]] = arith.addi %[[ACC]], %[[P]] : i32
// CHECK-NEXT:        scf.yield %[[T]] : i32
// CHECK-NEXT:      }
// CHECK-NEXT:      memref.store %[[S]], %o[%[[I]]] : memref<?xi32>
// CHECK-NEXT:    }
// CHECK-NOT:     loop.dot
// CHECK-LABEL: func.func @float_dot
// CHECK-NEXT:    loop.dot %a, %b, %o : memref<?x3xf64>, memref<3xf64>, memref<?xf64>
// CHECK-NEXT:    func.return
func.func @int_dot(%a: memref<?x3xi32>, %b: memref<3xi32>, %o: memref<?xi32>) {
  loop.dot %a, %b, %o : memref<?x3xi32>, memref<3xi32>, memref<?xi32>
  func.return
}
func.func @float_dot(%a: memref<?x3xf64>, %b: memref<3xf64>, %o: memref<?xf64>) {
  loop.dot %a, %b, %o : memref<?x3xf64>, memref<3xf64>, memref<?xf64>
  func.return
}

// -----

// Tensor-form loop ops (before bufferization) are left alone.
// CHECK-LABEL: func.func @tensor_form
// CHECK-NEXT:    loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NOT:     scf.for
func.func @tensor_form(%x: tensor<?xf64>) -> tensor<?xf64> {
  %0 = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%u: f64):
    %n = arith.negf %u : f64
    loop.yield %n : f64
  }
  func.return %0 : tensor<?xf64>
}

// -----

// {unsigned} reductions (of unsigned integers, signless here) start from the
// unsigned extremes (0, and 255 printed as -1 : i8) and combine / compare
// unsigned.
// CHECK-LABEL: func.func @unsigned
// CHECK:         %[[LO:.*]] = arith.constant 0 : i8
// CHECK:         scf.for {{.*}} iter_args(%[[A:.*]] = %[[LO]]) -> (i8) {
// CHECK-NEXT:      %[[V:.*]] = memref.load %x
// CHECK-NEXT:      arith.maxui %[[A]], %[[V]] : i8
// CHECK:         %[[HI:.*]] = arith.constant -1 : i8
// CHECK:         scf.for {{.*}} iter_args(%[[B:.*]] = %[[HI]]) -> (i8) {
// CHECK-NEXT:      %[[W:.*]] = memref.load %x
// CHECK-NEXT:      arith.minui %[[B]], %[[W]] : i8
// CHECK:         %[[LO2:.*]] = arith.constant 0 : i8
// CHECK:         scf.for {{.*}} iter_args(%[[BEST:.*]] = %[[LO2]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (i8, i64, i64) {
// CHECK-NEXT:      %[[Y:.*]] = memref.load %x
// CHECK-NEXT:      arith.cmpi ugt, %[[Y]], %[[BEST]] : i8
// CHECK-NOT:     arith.maxsi
// CHECK-NOT:     arith.minsi
func.func @unsigned(%x: memref<?xi8>, %o: memref<i8>, %p: memref<i8>, %q: memref<i64>) {
  loop.reduce "max" ins(%x : memref<?xi8>) outs(%o : memref<i8>) axes [0] attributes {unsigned} {
  ^bb0(%a: i8):
    loop.yield %a : i8
  }
  loop.reduce "min" ins(%x : memref<?xi8>) outs(%p : memref<i8>) axes [0] attributes {unsigned} {
  ^bb0(%a: i8):
    loop.yield %a : i8
  }
  loop.reduce "argmax" ins(%x : memref<?xi8>) outs(%q : memref<i64>) axes [0] attributes {unsigned} {
  ^bb0(%a: i8):
    loop.yield %a : i8
  }
  func.return
}
