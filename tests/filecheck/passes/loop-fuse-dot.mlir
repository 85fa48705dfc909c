// RUN: symopt %s -p loop-fuse-dot --split-input-file | filecheck %s

// loop-fuse-dot reads a matrix once for dot(A, v), the row-wise maps of its
// result and dot(A.T, d): one scf.for over blocks of rows (parallel; its
// iterations write disjoint rows and their own partial product), then a
// reduction of the partial products in block order. Ops between the products
// that the fused ops do not touch stay where they are.

// CHECK-LABEL: func.func @step
// CHECK:         %[[Z:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NOT:     loop.dot
// CHECK:         loop.map ins(%w : memref<?xf64>) outs(%{{.*}} : memref<?xf64>)
// CHECK:         %[[D:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:         %[[G:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:         %[[ROWS:.*]] = memref.dim %x, %{{.*}} : memref<?x?xf64>
// CHECK:         %[[COLS:.*]] = memref.dim %x, %{{.*}} : memref<?x?xf64>
// CHECK:         %[[P:.*]] = memref.alloc(%[[N:.*]], %[[COLS]]) : memref<?x?xf64>
// CHECK-NEXT:    scf.for %[[K:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK-NEXT:      %[[R0:.*]] = arith.muli %[[K]], %[[SIZE:.*]] : index
// CHECK-NEXT:      %[[END:.*]] = arith.addi %[[R0]], %[[SIZE]] : index
// CHECK-NEXT:      %[[R1:.*]] = arith.minsi %[[END]], %[[ROWS]] : index
// CHECK-NEXT:      %[[RB:.*]] = arith.subi %[[R1]], %[[R0]] : index
// CHECK-NEXT:      %[[AT:.*]] = arith.muli %[[R0]], %[[COLS]] : index
// CHECK-NEXT:      %[[XR:.*]] = loop.view %x offset(%[[AT]]) sizes(%[[RB]], %[[COLS]]) strides(%[[COLS]], %{{.*}})
// CHECK-NEXT:      %[[ZR:.*]] = loop.view %[[Z]] offset(%[[R0]]) sizes(%[[RB]])
// CHECK-NEXT:      loop.dot %[[XR]], %w, %[[ZR]]
// CHECK-NEXT:      %[[YR:.*]] = loop.view %y offset(%[[R0]]) sizes(%[[RB]])
// CHECK-NEXT:      %[[DR:.*]] = loop.view %[[D]] offset(%[[R0]]) sizes(%[[RB]])
// CHECK-NEXT:      loop.map ins(%[[ZR]], %[[YR]], %b : {{.*}}) outs(%[[DR]] : {{.*}}) {
// CHECK:           %[[XC:.*]] = loop.view %x offset(%[[AT]]) sizes(%[[COLS]], %[[RB]]) strides(%{{.*}}, %[[COLS]])
// CHECK-NEXT:      %[[PK:.*]] = arith.muli %[[K]], %[[COLS]] : index
// CHECK-NEXT:      %[[PR:.*]] = loop.view %[[P]] offset(%[[PK]]) sizes(%[[COLS]])
// CHECK-NEXT:      loop.dot %[[XC]], %[[DR]], %[[PR]]
// CHECK-NEXT:    } {symopt.parallel, symopt.work = 32768 : i64}
// CHECK-NEXT:    loop.reduce "add" ins(%[[P]] : memref<?x?xf64>) outs(%[[G]] : memref<?xf64>) axes [0] {
// CHECK:         func.return %[[G]], %[[Z]]
func.func @step(%x: memref<?x?xf64>, %w: memref<?xf64>, %y: memref<?xf64>, %b: memref<f64>) -> (memref<?xf64>, memref<?xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = memref.dim %x, %c0 : memref<?x?xf64>
  %cols = memref.dim %x, %c1 : memref<?x?xf64>
  %z = memref.alloc(%rows) : memref<?xf64>
  loop.dot %x, %w, %z : memref<?x?xf64>, memref<?xf64>, memref<?xf64>
  %e = memref.alloc(%cols) : memref<?xf64>
  loop.map ins(%w : memref<?xf64>) outs(%e : memref<?xf64>) {
  ^bb0(%a: f64):
    %s = arith.mulf %a, %a : f64
    loop.yield %s : f64
  }
  %d = memref.alloc(%rows) : memref<?xf64>
  loop.map ins(%z, %y, %b : memref<?xf64>, memref<?xf64>, memref<f64>) outs(%d : memref<?xf64>) {
  ^bb0(%p: f64, %q: f64, %r: f64):
    %t = arith.subf %p, %q : f64
    %u = arith.mulf %t, %r : f64
    loop.yield %u : f64
  }
  %xt = loop.view %x offset(%c0) sizes(%cols, %rows) strides(%c1, %cols) : memref<?x?xf64> -> memref<?x?xf64, strided<[?, ?], offset: ?>>
  %g = memref.alloc(%cols) : memref<?xf64>
  loop.dot %xt, %d, %g : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?xf64>, memref<?xf64>
  func.return %g, %z : memref<?xf64>, memref<?xf64>
}

// -----

// A reduction of z between the products needs every row of z first: nothing is
// fused.
// CHECK-LABEL: func.func @reduced_between
// CHECK-NOT:     scf.for
// CHECK:         loop.dot %x, %w, %{{.*}}
// CHECK:         loop.reduce "add"
// CHECK:         loop.dot %{{.*}}, %{{.*}}, %{{.*}}
func.func @reduced_between(%x: memref<?x?xf64>, %w: memref<?xf64>) -> (memref<?xf64>, memref<f64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = memref.dim %x, %c0 : memref<?x?xf64>
  %cols = memref.dim %x, %c1 : memref<?x?xf64>
  %z = memref.alloc(%rows) : memref<?xf64>
  loop.dot %x, %w, %z : memref<?x?xf64>, memref<?xf64>, memref<?xf64>
  %s = memref.alloc() : memref<f64>
  loop.reduce "add" ins(%z : memref<?xf64>) outs(%s : memref<f64>) axes [0] {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  %xt = loop.view %x offset(%c0) sizes(%cols, %rows) strides(%c1, %cols) : memref<?x?xf64> -> memref<?x?xf64, strided<[?, ?], offset: ?>>
  %g = memref.alloc(%cols) : memref<?xf64>
  loop.dot %xt, %z, %g : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?xf64>, memref<?xf64>
  func.return %g, %s : memref<?xf64>, memref<f64>
}

// -----

// A map that reads its position (loop.index) is not row-wise on a view: nothing
// is fused.
// CHECK-LABEL: func.func @indexed
// CHECK-NOT:     scf.for
// CHECK:         loop.dot %x, %w, %{{.*}}
func.func @indexed(%x: memref<?x?xf64>, %w: memref<?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = memref.dim %x, %c0 : memref<?x?xf64>
  %cols = memref.dim %x, %c1 : memref<?x?xf64>
  %z = memref.alloc(%rows) : memref<?xf64>
  loop.dot %x, %w, %z : memref<?x?xf64>, memref<?xf64>, memref<?xf64>
  %d = memref.alloc(%rows) : memref<?xf64>
  loop.map ins(%z : memref<?xf64>) outs(%d : memref<?xf64>) {
  ^bb0(%a: f64):
    %i = loop.index 0 : index
    %j = arith.index_cast %i : index to i64
    %f = arith.sitofp %j : i64 to f64
    %m = arith.mulf %a, %f : f64
    loop.yield %m : f64
  }
  %xt = loop.view %x offset(%c0) sizes(%cols, %rows) strides(%c1, %cols) : memref<?x?xf64> -> memref<?x?xf64, strided<[?, ?], offset: ?>>
  %g = memref.alloc(%cols) : memref<?xf64>
  loop.dot %xt, %d, %g : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?xf64>, memref<?xf64>
  func.return %g : memref<?xf64>
}

// -----

// An op between the products that writes what a fused op before it read (v,
// updated in place) cannot stay before the fused loop: nothing is fused.
// CHECK-LABEL: func.func @overwritten
// CHECK-NOT:     scf.for
func.func @overwritten(%x: memref<?x?xf64>, %w: memref<?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = memref.dim %x, %c0 : memref<?x?xf64>
  %cols = memref.dim %x, %c1 : memref<?x?xf64>
  %z = memref.alloc(%rows) : memref<?xf64>
  loop.dot %x, %w, %z : memref<?x?xf64>, memref<?xf64>, memref<?xf64>
  loop.map ins(%w : memref<?xf64>) outs(%w : memref<?xf64>) {
  ^bb0(%a: f64):
    %s = arith.mulf %a, %a : f64
    loop.yield %s : f64
  }
  %d = memref.alloc(%rows) : memref<?xf64>
  loop.map ins(%z : memref<?xf64>) outs(%d : memref<?xf64>) {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  %xt = loop.view %x offset(%c0) sizes(%cols, %rows) strides(%c1, %cols) : memref<?x?xf64> -> memref<?x?xf64, strided<[?, ?], offset: ?>>
  %g = memref.alloc(%cols) : memref<?xf64>
  loop.dot %xt, %d, %g : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?xf64>, memref<?xf64>
  func.return %g : memref<?xf64>
}

// -----

// The second product must read the first one's matrix transposed.
// CHECK-LABEL: func.func @another_matrix
// CHECK-NOT:     scf.for
func.func @another_matrix(%x: memref<?x?xf64>, %u: memref<?x?xf64>, %w: memref<?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = memref.dim %x, %c0 : memref<?x?xf64>
  %cols = memref.dim %u, %c1 : memref<?x?xf64>
  %z = memref.alloc(%rows) : memref<?xf64>
  loop.dot %x, %w, %z : memref<?x?xf64>, memref<?xf64>, memref<?xf64>
  %d = memref.alloc(%rows) : memref<?xf64>
  loop.map ins(%z : memref<?xf64>) outs(%d : memref<?xf64>) {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  %ut = loop.view %u offset(%c0) sizes(%cols, %rows) strides(%c1, %cols) : memref<?x?xf64> -> memref<?x?xf64, strided<[?, ?], offset: ?>>
  %g = memref.alloc(%cols) : memref<?xf64>
  loop.dot %ut, %d, %g : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?xf64>, memref<?xf64>
  func.return %g : memref<?xf64>
}
