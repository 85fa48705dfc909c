// RUN: symopt %s | filecheck %s --check-prefix=SYM
// RUN: symopt %s -p convert-sym-to-loop | filecheck %s --check-prefix=LOOP
// RUN: symopt %s -p convert-sym-to-loop,loop-bufferize | filecheck %s

// sym.cumulative, sym.sort, sym.argsort and sym.stop_gradient print and parse;
// convert-sym-to-loop makes them loop.cumulative and loop.sort, and drops
// stop_gradient (the identity once gradients are taken); loop-bufferize writes
// their loops.

// SYM:   sym.cumulative "add" %x axis = 1 : tensor<?x?xf64>
// SYM:   sym.sort %v axis = 0 : tensor<?xf64> -> tensor<?xf64>
// SYM:   sym.argsort %v axis = 0 : tensor<?xf64> -> tensor<?xi64>
// SYM:   sym.stop_gradient "zero" %v : tensor<?xf64>
// LOOP:  loop.cumulative "add" %x axis = 1 : (tensor<?x?xf64>) -> tensor<?x?xf64>
// LOOP:  loop.sort "values" %v axis = 0
// LOOP:  loop.sort "indices" %v axis = 0 : (tensor<?xf64>) -> tensor<?xi64>
// LOOP-NOT: stop_gradient
// LOOP:  func.return {{.*}}, {{.*}}, {{.*}}, %v

// A running sum: one pass in C order, each element adding the result before it.
// CHECK-LABEL: func.func @f
// CHECK:         %[[C:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?xf64>
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             %[[PREV:.*]] = memref.load %[[C]]
// CHECK:             %[[SUM:.*]] = arith.addf %[[PREV]]
// CHECK:             arith.select %{{.*}}, %{{.*}}, %[[SUM]]
// A sort: the line goes into scratch buffers, passes of merges (carrying the two
// run positions) run while the run width is below the length.
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (index) {
// CHECK:           scf.if
// CHECK:             scf.for
// CHECK:               scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (index, index) {
// CHECK:                 arith.cmpf olt
func.func @f(%x: tensor<?x?xf64>, %v: tensor<?xf64>) -> (tensor<?x?xf64>, tensor<?xf64>, tensor<?xi64>, tensor<?xf64>) {
  %c = sym.cumulative "add" %x axis = 1 : tensor<?x?xf64>
  %s = sym.sort %v axis = 0 : tensor<?xf64> -> tensor<?xf64>
  %a = sym.argsort %v axis = 0 : tensor<?xf64> -> tensor<?xi64>
  %z = sym.stop_gradient "zero" %v : tensor<?xf64>
  func.return %c, %s, %a, %z : tensor<?x?xf64>, tensor<?xf64>, tensor<?xi64>, tensor<?xf64>
}
