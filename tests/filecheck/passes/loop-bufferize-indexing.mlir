// RUN: symopt %s | filecheck %s --check-prefix=SYM
// RUN: symopt %s -p convert-sym-to-loop | filecheck %s --check-prefix=LOOP
// RUN: symopt %s -p convert-sym-to-loop,loop-bufferize | filecheck %s

// Advanced indexing: sym.advanced_subtensor, sym.advanced_inc_subtensor and
// sym.nonzero print and parse, become loop.gather, loop.scatter and loop.nonzero,
// and loop-bufferize turns them into explicit loops.

// SYM: sym.advanced_subtensor %p[%r, %y] spec = array<i64: 1, 1> : (tensor<?x?xf64>, tensor<?xi64>, tensor<?xi32>) -> tensor<?xf64>
// SYM: sym.advanced_inc_subtensor %x[%i], %v spec = array<i64: 1> : (tensor<?x3xf64>, tensor<1x3xf64>, tensor<?xi64>) -> tensor<?x3xf64>
// SYM: sym.nonzero %m : tensor<?x?xi1> -> tensor<2x?xi64>
// LOOP: loop.gather %p[%r, %y] spec = array<i64: 1, 1>
// LOOP: loop.scatter "inc" %x[%i], %v spec = array<i64: 1>
// LOOP: loop.nonzero %m : tensor<?x?xi1> -> tensor<2x?xi64>

// A gather checks that the index tensors agree in size, then checks every index
// (wrapped if negative; IndexError) in a loop over the index space alone, so an
// out-of-range index is an error even where the result is empty, as in NumPy;
// then a loop with no checks, whose iterations are independent, gathers.
// CHECK-LABEL: func.func @gather
// CHECK:         loop.check %{{.*}}, "shape mismatch in loop.gather: the index tensors have sizes {0} and {1} in dimension 0"
// CHECK:         scf.for %[[C:.*]] = %{{.*}} to %[[N:.*]] step
// CHECK:           memref.load %r[%[[C]]]
// CHECK:           loop.check %{{.*}}, "index {0} is out of bounds for dimension 0 of %p with size {1} (in loop.gather)" kind index
// CHECK:           memref.load %y[%[[C]]] : memref<?xi32>
// CHECK:           loop.check %{{.*}}, "index {0} is out of bounds for dimension 1 of %p with size {1} (in loop.gather)" kind index
// CHECK:         }
// CHECK:         %[[OUT:.*]] = memref.alloc(%[[N]]) : memref<?xf64>
// CHECK:         scf.for %[[K:.*]] = %{{.*}} to %[[N]]
// CHECK:           %[[R:.*]] = memref.load %r[%[[K]]]
// CHECK:           %[[RW:.*]] = arith.select
// CHECK-NOT:       loop.check
// CHECK:           %[[Y:.*]] = memref.load %y[%[[K]]] : memref<?xi32>
// CHECK:           %[[YW:.*]] = arith.select
// CHECK:           %[[V:.*]] = memref.load %p[%[[RW]], %[[YW]]]
// CHECK:           memref.store %[[V]], %[[OUT]][%[[K]]]
// CHECK:         } {symopt.parallel}
func.func @gather(%p: tensor<?x?xf64>, %r: tensor<?xi64>, %y: tensor<?xi32>) -> tensor<?xf64> {
  %0 = sym.advanced_subtensor %p[%r, %y] spec = array<i64: 1, 1> : (tensor<?x?xf64>, tensor<?xi64>, tensor<?xi32>) -> tensor<?xf64>
  func.return %0 : tensor<?xf64>
}

// A scatter checks every index in a loop of its own, copies x, then adds in
// order (repeated indices accumulate); the value's static size 1 broadcasts.
// CHECK-LABEL: func.func @scatter
// CHECK:         scf.for
// CHECK:           loop.check %{{.*}}, "index {0} is out of bounds for dimension 0 of %x with size {1} (in loop.scatter)" kind index
// CHECK:         }
// CHECK:         %[[COPY:.*]] = memref.alloc
// CHECK:         loop.map ins(%x : memref<?x3xf64>) outs(%[[COPY]] : memref<?x3xf64>)
// CHECK:         scf.for
// CHECK:           scf.for %[[C:.*]] =
// CHECK-NOT:         loop.check
// CHECK:             %[[V:.*]] = memref.load %v[%{{.*}}, %[[C]]] : memref<1x3xf64>
// CHECK:             %[[OLD:.*]] = memref.load %[[COPY]]
// CHECK:             %[[NEW:.*]] = arith.addf %[[OLD]], %[[V]]
// CHECK:             memref.store %[[NEW]], %[[COPY]]
func.func @scatter(%x: tensor<?x3xf64>, %i: tensor<?xi64>, %v: tensor<1x3xf64>) -> tensor<?x3xf64> {
  %0 = sym.advanced_inc_subtensor %x[%i], %v spec = array<i64: 1> : (tensor<?x3xf64>, tensor<1x3xf64>, tensor<?xi64>) -> tensor<?x3xf64>
  func.return %0 : tensor<?x3xf64>
}

// nonzero counts, allocates, then records the indices of the nonzero elements.
// CHECK-LABEL: func.func @mask
// CHECK:         %[[COUNT:.*]] = memref.alloc() : memref<i64>
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.if
// CHECK:         %[[NI:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:         %[[OUT:.*]] = memref.alloc(%[[NI]]) : memref<2x?xi64>
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.if
// CHECK:               memref.store %{{.*}}, %[[OUT]]
// CHECK:               memref.store %{{.*}}, %[[OUT]]
func.func @mask(%m: tensor<?x?xi1>) -> tensor<2x?xi64> {
  %0 = sym.nonzero %m : tensor<?x?xi1> -> tensor<2x?xi64>
  func.return %0 : tensor<2x?xi64>
}
