// RUN: symopt %s -p loop-dealloc --split-input-file | filecheck %s

// loop-dealloc frees every buffer allocated in a block right after the last op
// of that block that uses it or a view of it, at any depth of nesting; buffers
// that leave their block (func.return, scf.yield) are not freed. Before being
// freed, a dead buffer is taken over by a later allocation of the same type and
// the same dynamic size values. The inputs are bufferized IR (after loop-abi).

// Each temporary is freed right after its last use: %a after the reduction
// that reads it, %s after the map that reads it. The returned %r is not freed.
// No reuse: %r is allocated while %s is still alive, and %a has another type.
// CHECK-LABEL: func.func @last_use
// CHECK:         %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%x : memref<?xf64>) outs(%[[A]] : memref<?xf64>) {
// CHECK:         %[[S:.*]] = memref.alloc() : memref<f64>
// CHECK-NEXT:    loop.reduce "add" ins(%[[A]] : memref<?xf64>) outs(%[[S]] : memref<f64>) axes [0] {
// CHECK-NEXT:    ^{{.*}}(%{{.*}}: f64):
// CHECK-NEXT:      loop.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    memref.dealloc %[[A]] : memref<?xf64>
// CHECK-NEXT:    %[[R:.*]] = memref.alloc() : memref<f64>
// CHECK-NEXT:    loop.map ins(%[[S]] : memref<f64>) outs(%[[R]] : memref<f64>) {
// CHECK:         }
// CHECK-NEXT:    memref.dealloc %[[S]] : memref<f64>
// CHECK-NEXT:    func.return %[[R]] : memref<f64>
// CHECK-NOT:     memref.dealloc
func.func @last_use(%x: memref<?xf64>) -> memref<f64> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %a = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%x : memref<?xf64>) outs(%a : memref<?xf64>) {
  ^bb0(%u: f64):
    %e = math.exp %u : f64
    loop.yield %e : f64
  }
  %s = memref.alloc() : memref<f64>
  loop.reduce "add" ins(%a : memref<?xf64>) outs(%s : memref<f64>) axes [0] {
  ^bb0(%u: f64):
    loop.yield %u : f64
  }
  %r = memref.alloc() : memref<f64>
  loop.map ins(%s : memref<f64>) outs(%r : memref<f64>) {
  ^bb0(%u: f64):
    %l = math.log %u : f64
    loop.yield %l : f64
  }
  func.return %r : memref<f64>
}

// -----

// A use through a view counts as a use of the buffer: %a is freed after the
// map that reads its transpose %t, not after the view is made.
// CHECK-LABEL: func.func @view_use
// CHECK:         %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?x3xf64>
// CHECK:         %[[T:.*]] = loop.view %[[A]]
// CHECK-NOT:     memref.dealloc
// CHECK:         loop.map ins(%[[T]] : memref<3x?xf64, strided<[?, ?], offset: ?>>) outs(%[[R:.*]] : memref<3x?xf64>) {
// CHECK:         }
// CHECK-NEXT:    memref.dealloc %[[A]] : memref<?x3xf64>
// CHECK-NEXT:    func.return %[[R]] : memref<3x?xf64>
func.func @view_use(%x: memref<?x3xf64>) -> memref<3x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %n = memref.dim %x, %c0 : memref<?x3xf64>
  %a = memref.alloc(%n) : memref<?x3xf64>
  loop.map ins(%x : memref<?x3xf64>) outs(%a : memref<?x3xf64>) {
  ^bb0(%u: f64):
    %e = math.exp %u : f64
    loop.yield %e : f64
  }
  %t = loop.view %a offset(%c0) sizes(%c3, %n) strides(%c1, %c3) : memref<?x3xf64> -> memref<3x?xf64, strided<[?, ?], offset: ?>>
  %r = memref.alloc(%n) : memref<3x?xf64>
  loop.map ins(%t : memref<3x?xf64, strided<[?, ?], offset: ?>>) outs(%r : memref<3x?xf64>) {
  ^bb0(%u: f64):
    %e = arith.negf %u : f64
    loop.yield %e : f64
  }
  func.return %r : memref<3x?xf64>
}

// -----

// A use nested in an scf.for: %a is freed after the loop, in the function's
// block, not inside the loop body.
// CHECK-LABEL: func.func @nested_use
// CHECK:         %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:         scf.for
// CHECK-NEXT:      memref.load %[[A]]
// CHECK-NEXT:      memref.store
// CHECK-NEXT:    }
// CHECK-NEXT:    memref.dealloc %[[A]] : memref<?xf64>
// CHECK-NEXT:    func.return
func.func @nested_use(%x: memref<?xf64>, %k: index) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %a = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%x : memref<?xf64>) outs(%a : memref<?xf64>) {
  ^bb0(%u: f64):
    %e = math.exp %u : f64
    loop.yield %e : f64
  }
  %r = memref.alloc(%k) : memref<?xf64>
  scf.for %i = %c0 to %k step %c1 {
    %v = memref.load %a[%i] : memref<?xf64>
    memref.store %v, %r[%i] : memref<?xf64>
  }
  func.return %r : memref<?xf64>
}

// -----

// Reuse: %a is dead after the map that reads it, so %c (same type, same size
// value %n) takes it over: its memref.alloc disappears and the map writes %a.
// %d has the same type but its size is another value (%m): a fresh allocation,
// and %b is freed instead. %a is freed after its last use as %c.
// CHECK-LABEL: func.func @reuse
// CHECK:         %[[N:.*]] = memref.dim %x
// CHECK-NEXT:    %[[M:.*]] = memref.dim %y
// CHECK-NEXT:    %[[A:.*]] = memref.alloc(%[[N]]) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%x : memref<?xf64>) outs(%[[A]] : memref<?xf64>) {
// CHECK:         %[[B:.*]] = memref.alloc(%[[N]]) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[A]] : memref<?xf64>) outs(%[[B]] : memref<?xf64>) {
// CHECK:         }
// CHECK-NEXT:    loop.map ins(%[[B]] : memref<?xf64>) outs(%[[A]] : memref<?xf64>) {
// CHECK:           math.log
// CHECK:         }
// CHECK-NEXT:    memref.dealloc %[[B]] : memref<?xf64>
// CHECK-NEXT:    %[[D:.*]] = memref.alloc(%[[M]]) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[A]], %y : memref<?xf64>, memref<?xf64>) outs(%[[D]] : memref<?xf64>) {
// CHECK:         }
// CHECK-NEXT:    memref.dealloc %[[A]] : memref<?xf64>
// CHECK-NEXT:    func.return %[[D]] : memref<?xf64>
func.func @reuse(%x: memref<?xf64>, %y: memref<?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %m = memref.dim %y, %c0 : memref<?xf64>
  %a = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%x : memref<?xf64>) outs(%a : memref<?xf64>) {
  ^bb0(%u: f64):
    %e = math.exp %u : f64
    loop.yield %e : f64
  }
  %b = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%a : memref<?xf64>) outs(%b : memref<?xf64>) {
  ^bb0(%u: f64):
    %e = arith.negf %u : f64
    loop.yield %e : f64
  }
  %c = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%b : memref<?xf64>) outs(%c : memref<?xf64>) {
  ^bb0(%u: f64):
    %e = math.log %u : f64
    loop.yield %e : f64
  }
  %d = memref.alloc(%m) : memref<?xf64>
  loop.map ins(%c, %y : memref<?xf64>, memref<?xf64>) outs(%d : memref<?xf64>) {
  ^bb0(%u: f64, %v: f64):
    %e = arith.addf %u, %v : f64
    loop.yield %e : f64
  }
  func.return %d : memref<?xf64>
}

// -----

// A temporary allocated in an scf.for body belongs to the body: it is freed
// there, after its last use in each iteration. %s, allocated outside and
// returned, is not freed.
// CHECK-LABEL: func.func @loop_body
// CHECK:         %[[S:.*]] = memref.alloc() : memref<f64>
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      %[[T:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:      loop.map ins(%x : memref<?xf64>) outs(%[[T]] : memref<?xf64>) {
// CHECK:           loop.reduce "add" ins(%[[T]] : memref<?xf64>) outs(%[[S]] : memref<f64>) axes [0] {
// CHECK-NEXT:      ^{{.*}}(%{{.*}}: f64):
// CHECK-NEXT:        loop.yield
// CHECK-NEXT:      }
// CHECK-NEXT:      memref.dealloc %[[T]] : memref<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[S]] : memref<f64>
func.func @loop_body(%x: memref<?xf64>, %k: index) -> memref<f64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %s = memref.alloc() : memref<f64>
  scf.for %i = %c0 to %k step %c1 {
    %t = memref.alloc(%n) : memref<?xf64>
    loop.map ins(%x : memref<?xf64>) outs(%t : memref<?xf64>) {
    ^bb0(%u: f64):
      %e = math.exp %u : f64
      loop.yield %e : f64
    }
    loop.reduce "add" ins(%t : memref<?xf64>) outs(%s : memref<f64>) axes [0] {
    ^bb0(%u: f64):
      loop.yield %u : f64
    }
  }
  func.return %s : memref<f64>
}

// -----

// The buffers an scf.if yields leave their branches (not freed there); the
// scf.if result, allocated in both branches, is owned by the enclosing block
// and freed after its last use there.
// CHECK-LABEL: func.func @if_result
// CHECK:         %[[G:.*]] = scf.if
// CHECK-NOT:     memref.dealloc
// CHECK:         } else {
// CHECK-NOT:     memref.dealloc
// CHECK:           scf.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[S:.*]] = memref.alloc() : memref<f64>
// CHECK-NEXT:    loop.reduce "add" ins(%[[G]] : memref<?xf64>) outs(%[[S]] : memref<f64>) axes [0] {
// CHECK:         }
// CHECK-NEXT:    memref.dealloc %[[G]] : memref<?xf64>
// CHECK-NEXT:    func.return %[[S]] : memref<f64>
func.func @if_result(%k: memref<i64>) -> memref<f64> {
  %v = memref.load %k[] : memref<i64>
  %n = arith.index_cast %v : i64 to index
  %c0 = arith.constant 0 : index
  %c = arith.cmpi eq, %n, %c0 : index
  %g = scf.if %c -> (memref<?xf64>) {
    %a = memref.alloc(%c0) : memref<?xf64>
    scf.yield %a : memref<?xf64>
  } else {
    %b = memref.alloc(%n) : memref<?xf64>
    loop.map outs(%b : memref<?xf64>) {
      %one = arith.constant 1.000000e+00 : f64
      loop.yield %one : f64
    }
    scf.yield %b : memref<?xf64>
  }
  %s = memref.alloc() : memref<f64>
  loop.reduce "add" ins(%g : memref<?xf64>) outs(%s : memref<f64>) axes [0] {
  ^bb0(%u: f64):
    loop.yield %u : f64
  }
  func.return %s : memref<f64>
}
