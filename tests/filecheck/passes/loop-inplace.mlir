// RUN: symopt %s -p loop-inplace --split-input-file | filecheck %s

// loop-inplace lets the map computing a shared variable's new value write into
// the variable's own buffer (its loop.read) instead of a fresh allocation, when
// no read of the old value can happen after the map's first write: the map
// reads the variable only as the buffer itself with an identity dims map, no
// later op reads the old value, and no loop.check can fail after the map. A
// map that is followed by such reads or checks only because of the order of the
// ops is moved down to just before the writes, unless something it reads is
// written after it. The inputs are bufferized IR (what loop-bufferize gives).

// The SGD step w - 0.1 * g: one map reads %w at the element it writes. The
// allocation goes, the map writes %w and the variable's new value is its own
// buffer. The size check stays before the map.
// CHECK-LABEL: func.func @sgd
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : memref<?xf64>
// CHECK-NOT:     memref.alloc
// CHECK:         loop.check
// CHECK-NEXT:    loop.map ins(%[[W]], %g : memref<?xf64>, memref<?xf64>) outs(%[[W]] : memref<?xf64>) {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64, %[[B:.*]]: f64):
// CHECK-NEXT:      %[[LR:.*]] = arith.constant 1.000000e-01 : f64
// CHECK-NEXT:      %[[S:.*]] = arith.mulf %[[LR]], %[[B]] : f64
// CHECK-NEXT:      %[[D:.*]] = arith.subf %[[A]], %[[S]] : f64
// CHECK-NEXT:      loop.yield %[[D]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.write @w, %[[W]] : memref<?xf64>
// CHECK-NEXT:    func.return
loop.global @w : tensor<?xf64>
func.func @sgd(%g: memref<?xf64>) {
  %w = loop.read @w : memref<?xf64>
  %c0 = arith.constant 0 : index
  %n = memref.dim %w, %c0 : memref<?xf64>
  %m = memref.dim %g, %c0 : memref<?xf64>
  %eq = arith.cmpi eq, %m, %n : index
  loop.check %eq, "shape mismatch" (%m, %n : index, index)
  %new = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%w, %g : memref<?xf64>, memref<?xf64>) outs(%new : memref<?xf64>) {
  ^bb0(%a: f64, %b: f64):
    %lr = arith.constant 1.000000e-01 : f64
    %s = arith.mulf %lr, %b : f64
    %d = arith.subf %a, %s : f64
    loop.yield %d : f64
  }
  loop.write @w, %new : memref<?xf64>
  func.return
}

// -----

// A reduction of the old value after the map: the map moves below it (nothing
// the map reads is written in between), then writes %w in place.
// CHECK-LABEL: func.func @reduce_after
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : memref<?xf64>
// CHECK:         %[[S:.*]] = memref.alloc() : memref<f64>
// CHECK-NEXT:    loop.reduce "add" ins(%[[W]] : memref<?xf64>) outs(%[[S]] : memref<f64>) axes [0] {
// CHECK:         }
// CHECK-NEXT:    loop.map ins(%[[W]], %g : memref<?xf64>, memref<?xf64>) outs(%[[W]] : memref<?xf64>) {
// CHECK:         }
// CHECK-NEXT:    loop.write @w, %[[W]] : memref<?xf64>
// CHECK-NEXT:    func.return %[[S]] : memref<f64>
loop.global @w : tensor<?xf64>
func.func @reduce_after(%g: memref<?xf64>) -> memref<f64> {
  %w = loop.read @w : memref<?xf64>
  %c0 = arith.constant 0 : index
  %n = memref.dim %w, %c0 : memref<?xf64>
  %new = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%w, %g : memref<?xf64>, memref<?xf64>) outs(%new : memref<?xf64>) {
  ^bb0(%a: f64, %b: f64):
    %d = arith.subf %a, %b : f64
    loop.yield %d : f64
  }
  %s = memref.alloc() : memref<f64>
  loop.reduce "add" ins(%w : memref<?xf64>) outs(%s : memref<f64>) axes [0] {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  loop.write @w, %new : memref<?xf64>
  func.return %s : memref<f64>
}

// -----

// A loop.check after the map (the size check of another output): the map moves
// below it, so that a failing check leaves @w untouched, and writes in place.
// CHECK-LABEL: func.func @check_after
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : memref<?xf64>
// CHECK:         loop.check %{{.*}}, "shape mismatch"
// CHECK-NEXT:    %[[O:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%x, %y : memref<?xf64>, memref<?xf64>) outs(%[[O]] : memref<?xf64>) {
// CHECK:         }
// CHECK-NEXT:    loop.map ins(%[[W]], %g : memref<?xf64>, memref<?xf64>) outs(%[[W]] : memref<?xf64>) {
// CHECK:         }
// CHECK-NEXT:    loop.write @w, %[[W]] : memref<?xf64>
// CHECK-NEXT:    func.return %[[O]] : memref<?xf64>
loop.global @w : tensor<?xf64>
func.func @check_after(%g: memref<?xf64>, %x: memref<?xf64>, %y: memref<?xf64>) -> memref<?xf64> {
  %w = loop.read @w : memref<?xf64>
  %c0 = arith.constant 0 : index
  %n = memref.dim %w, %c0 : memref<?xf64>
  %new = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%w, %g : memref<?xf64>, memref<?xf64>) outs(%new : memref<?xf64>) {
  ^bb0(%a: f64, %b: f64):
    %d = arith.subf %a, %b : f64
    loop.yield %d : f64
  }
  %nx = memref.dim %x, %c0 : memref<?xf64>
  %ny = memref.dim %y, %c0 : memref<?xf64>
  %eq = arith.cmpi eq, %ny, %nx : index
  loop.check %eq, "shape mismatch" (%ny, %nx : index, index)
  %o = memref.alloc(%nx) : memref<?xf64>
  loop.map ins(%x, %y : memref<?xf64>, memref<?xf64>) outs(%o : memref<?xf64>) {
  ^bb0(%a: f64, %b: f64):
    %d = arith.addf %a, %b : f64
    loop.yield %d : f64
  }
  loop.write @w, %new : memref<?xf64>
  func.return %o : memref<?xf64>
}

// -----

// v - 0.125 * v[0, 1]: the map reads %v and also the element v[0, 1] through a
// 0-d view of %v. Written in place, the map would overwrite v[0, 1] before
// reading it for the later elements: the allocation stays.
// CHECK-LABEL: func.func @through_view
// CHECK-NEXT:    %[[V:.*]] = loop.read @v : memref<?x?xf64>
// CHECK:         %[[E:.*]] = loop.view %[[V]] offset(%{{.*}}) sizes() strides() : memref<?x?xf64> -> memref<f64, strided<[], offset: ?>>
// CHECK:         %[[NEW:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?xf64>
// CHECK-NEXT:    loop.map ins(%[[V]], %[[E]] : memref<?x?xf64>, memref<f64, strided<[], offset: ?>>) outs(%[[NEW]] : memref<?x?xf64>) {
// CHECK:         loop.write @v, %[[NEW]] : memref<?x?xf64>
loop.global @v : tensor<?x?xf64>
func.func @through_view() {
  %v = loop.read @v : memref<?x?xf64>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %e = loop.view %v offset(%c1) sizes() strides() : memref<?x?xf64> -> memref<f64, strided<[], offset: ?>>
  %n0 = memref.dim %v, %c0 : memref<?x?xf64>
  %n1 = memref.dim %v, %c1 : memref<?x?xf64>
  %new = memref.alloc(%n0, %n1) : memref<?x?xf64>
  loop.map ins(%v, %e : memref<?x?xf64>, memref<f64, strided<[], offset: ?>>) outs(%new : memref<?x?xf64>) {
  ^bb0(%a: f64, %b: f64):
    %c = arith.constant 1.250000e-01 : f64
    %m = arith.mulf %c, %b : f64
    %d = arith.subf %a, %m : f64
    loop.yield %d : f64
  }
  loop.write @v, %new : memref<?x?xf64>
  func.return
}

// -----

// w - w.T: the map reads the transpose through a view (strides swapped); in
// place it would read elements it has already written. Not in place.
// CHECK-LABEL: func.func @transposed_view
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : memref<3x3xf64>
// CHECK:         %[[T:.*]] = loop.view %[[W]] offset
// CHECK-NEXT:    %[[NEW:.*]] = memref.alloc() : memref<3x3xf64>
// CHECK-NEXT:    loop.map ins(%[[W]], %[[T]] : memref<3x3xf64>, memref<3x3xf64, strided<[?, ?], offset: ?>>) outs(%[[NEW]] : memref<3x3xf64>) {
// CHECK:         loop.write @w, %[[NEW]] : memref<3x3xf64>
loop.global @w : tensor<3x3xf64>
func.func @transposed_view() {
  %w = loop.read @w : memref<3x3xf64>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %t = loop.view %w offset(%c0) sizes(%c3, %c3) strides(%c1, %c3) : memref<3x3xf64> -> memref<3x3xf64, strided<[?, ?], offset: ?>>
  %new = memref.alloc() : memref<3x3xf64>
  loop.map ins(%w, %t : memref<3x3xf64>, memref<3x3xf64, strided<[?, ?], offset: ?>>) outs(%new : memref<3x3xf64>) {
  ^bb0(%a: f64, %b: f64):
    %d = arith.subf %a, %b : f64
    loop.yield %d : f64
  }
  loop.write @w, %new : memref<3x3xf64>
  func.return
}

// -----

// The same with the transpose fused into the map: %w is read through the dims
// map [1, 0] (at another index than the one written). Not in place.
// CHECK-LABEL: func.func @transposed_dims
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : memref<3x3xf64>
// CHECK-NEXT:    %[[NEW:.*]] = memref.alloc() : memref<3x3xf64>
// CHECK-NEXT:    loop.map ins(%[[W]], %[[W]] : memref<3x3xf64>, memref<3x3xf64>) dims {{\[}}[0, 1], [1, 0]] outs(%[[NEW]] : memref<3x3xf64>) {
// CHECK:         loop.write @w, %[[NEW]] : memref<3x3xf64>
loop.global @w : tensor<3x3xf64>
func.func @transposed_dims() {
  %w = loop.read @w : memref<3x3xf64>
  %new = memref.alloc() : memref<3x3xf64>
  loop.map ins(%w, %w : memref<3x3xf64>, memref<3x3xf64>) dims [[0, 1], [1, 0]] outs(%new : memref<3x3xf64>) {
  ^bb0(%a: f64, %b: f64):
    %d = arith.subf %a, %b : f64
    loop.yield %d : f64
  }
  loop.write @w, %new : memref<3x3xf64>
  func.return
}

// -----

// A variable with a dimension of static size 1 is broadcastable: a map may read
// one of its elements for many iterations, so the pass leaves it alone.
// CHECK-LABEL: func.func @broadcastable
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : memref<1x3xf64>
// CHECK-NEXT:    %[[NEW:.*]] = memref.alloc() : memref<1x3xf64>
// CHECK-NEXT:    loop.map ins(%[[W]], %r : memref<1x3xf64>, memref<1x3xf64>) outs(%[[NEW]] : memref<1x3xf64>) {
// CHECK:         loop.write @w, %[[NEW]] : memref<1x3xf64>
loop.global @w : tensor<1x3xf64>
func.func @broadcastable(%r: memref<1x3xf64>) {
  %w = loop.read @w : memref<1x3xf64>
  %new = memref.alloc() : memref<1x3xf64>
  loop.map ins(%w, %r : memref<1x3xf64>, memref<1x3xf64>) outs(%new : memref<1x3xf64>) {
  ^bb0(%a: f64, %b: f64):
    %d = arith.addf %a, %b : f64
    loop.yield %d : f64
  }
  loop.write @w, %new : memref<1x3xf64>
  func.return
}

// -----

// The function returns the old value of @w: it is read after any write, so the
// update keeps its own buffer.
// CHECK-LABEL: func.func @returns_old
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : memref<?xf64>
// CHECK:         %[[NEW:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[W]], %g : memref<?xf64>, memref<?xf64>) outs(%[[NEW]] : memref<?xf64>) {
// CHECK:         loop.write @w, %[[NEW]] : memref<?xf64>
// CHECK-NEXT:    func.return %[[W]] : memref<?xf64>
loop.global @w : tensor<?xf64>
func.func @returns_old(%g: memref<?xf64>) -> memref<?xf64> {
  %w = loop.read @w : memref<?xf64>
  %c0 = arith.constant 0 : index
  %n = memref.dim %w, %c0 : memref<?xf64>
  %new = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%w, %g : memref<?xf64>, memref<?xf64>) outs(%new : memref<?xf64>) {
  ^bb0(%a: f64, %b: f64):
    %d = arith.subf %a, %b : f64
    loop.yield %d : f64
  }
  loop.write @w, %new : memref<?xf64>
  func.return %w : memref<?xf64>
}

// -----

// The old value of @w becomes the new value of @v: also a read after the
// writes start. Not in place.
// CHECK-LABEL: func.func @old_value_elsewhere
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : memref<?xf64>
// CHECK:         %[[NEW:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[W]] : memref<?xf64>) outs(%[[NEW]] : memref<?xf64>) {
// CHECK:         loop.write @w, %[[NEW]] : memref<?xf64>
// CHECK-NEXT:    loop.write @v, %[[W]] : memref<?xf64>
loop.global @w : tensor<?xf64>
loop.global @v : tensor<?xf64>
func.func @old_value_elsewhere() {
  %w = loop.read @w : memref<?xf64>
  %c0 = arith.constant 0 : index
  %n = memref.dim %w, %c0 : memref<?xf64>
  %new = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%w : memref<?xf64>) outs(%new : memref<?xf64>) {
  ^bb0(%a: f64):
    %d = arith.negf %a : f64
    loop.yield %d : f64
  }
  loop.write @w, %new : memref<?xf64>
  loop.write @v, %w : memref<?xf64>
  func.return
}

// -----

// A reduction of the old value follows the map, and the map cannot move below
// it: it reads %t, which the reduction overwrites. Not in place.
// CHECK-LABEL: func.func @blocked
// CHECK-NEXT:    %[[W:.*]] = loop.read @w : memref<?xf64>
// CHECK:         %[[T:.*]] = memref.alloc() : memref<f64>
// CHECK:         %[[NEW:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[W]], %[[T]] : memref<?xf64>, memref<f64>) outs(%[[NEW]] : memref<?xf64>) {
// CHECK:         loop.reduce "add" ins(%[[W]] : memref<?xf64>) outs(%[[T]] : memref<f64>) axes [0] {
// CHECK:         loop.write @w, %[[NEW]] : memref<?xf64>
loop.global @w : tensor<?xf64>
func.func @blocked(%g: memref<?xf64>) -> memref<f64> {
  %w = loop.read @w : memref<?xf64>
  %c0 = arith.constant 0 : index
  %n = memref.dim %w, %c0 : memref<?xf64>
  %t = memref.alloc() : memref<f64>
  loop.map outs(%t : memref<f64>) {
    %one = arith.constant 1.000000e+00 : f64
    loop.yield %one : f64
  }
  %new = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%w, %t : memref<?xf64>, memref<f64>) outs(%new : memref<?xf64>) {
  ^bb0(%a: f64, %b: f64):
    %d = arith.subf %a, %b : f64
    loop.yield %d : f64
  }
  loop.reduce "add" ins(%w : memref<?xf64>) outs(%t : memref<f64>) axes [0] {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  loop.write @w, %new : memref<?xf64>
  func.return %t : memref<f64>
}

// -----

// A swap of two variables: the new values are the other variable's old buffer,
// not allocations written by a map. Nothing changes.
// CHECK-LABEL: func.func @swap
// CHECK-NEXT:    %[[A:.*]] = loop.read @a : memref<?xf64>
// CHECK-NEXT:    %[[B:.*]] = loop.read @b : memref<?xf64>
// CHECK-NEXT:    loop.write @a, %[[B]] : memref<?xf64>
// CHECK-NEXT:    loop.write @b, %[[A]] : memref<?xf64>
// CHECK-NEXT:    func.return
loop.global @a : tensor<?xf64>
loop.global @b : tensor<?xf64>
func.func @swap() {
  %a = loop.read @a : memref<?xf64>
  %b = loop.read @b : memref<?xf64>
  loop.write @a, %b : memref<?xf64>
  loop.write @b, %a : memref<?xf64>
  func.return
}

// -----

// A swap computed by two copies (@a gets b's old value, @b a's). Only one of
// them can write in place: @a's map moves below the map that reads a's old
// value and writes into %a; @b's map must then keep its own buffer, since it
// reads %a, which is now written after it.
// CHECK-LABEL: func.func @swap_computed
// CHECK-NEXT:    %[[A:.*]] = loop.read @a : memref<?xf64>
// CHECK-NEXT:    %[[B:.*]] = loop.read @b : memref<?xf64>
// CHECK:         %[[NB:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[A]] : memref<?xf64>) outs(%[[NB]] : memref<?xf64>) {
// CHECK:         }
// CHECK-NEXT:    loop.map ins(%[[B]] : memref<?xf64>) outs(%[[A]] : memref<?xf64>) {
// CHECK:         }
// CHECK-NEXT:    loop.write @a, %[[A]] : memref<?xf64>
// CHECK-NEXT:    loop.write @b, %[[NB]] : memref<?xf64>
// CHECK-NEXT:    func.return
loop.global @a : tensor<?xf64>
loop.global @b : tensor<?xf64>
func.func @swap_computed() {
  %a = loop.read @a : memref<?xf64>
  %b = loop.read @b : memref<?xf64>
  %c0 = arith.constant 0 : index
  %n = memref.dim %b, %c0 : memref<?xf64>
  %na = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%b : memref<?xf64>) outs(%na : memref<?xf64>) {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  %m = memref.dim %a, %c0 : memref<?xf64>
  %nb = memref.alloc(%m) : memref<?xf64>
  loop.map ins(%a : memref<?xf64>) outs(%nb : memref<?xf64>) {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  loop.write @a, %na : memref<?xf64>
  loop.write @b, %nb : memref<?xf64>
  func.return
}
