// RUN: symopt %s -p loop-bufferize | filecheck %s

// loop-bufferize lowers loop.scan to an scf.for over storage allocated before the
// loop, and loop.if to an scf.if whose branches yield buffers they own.

// A step's value that a loop computes is written straight into its row (the
// row's view replaces the step's allocation); the number of steps and the
// sequences' lengths are checked first.
// CHECK-LABEL: func.func @rows
// CHECK:         loop.check %{{.*}}, "scan: negative number of steps {0}"
// CHECK:         loop.check %{{.*}}, "scan: sequence 0 has {0} rows, fewer than the {1} steps"
// CHECK:         %[[OUT:.*]] = memref.alloc(%[[N:.*]]) : memref<?xf64>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[N]] step
// CHECK:           %[[ROW:.*]] = loop.view %x offset
// CHECK:           %[[DST:.*]] = loop.view %[[OUT]] offset(%[[I]])
// CHECK-NOT:       memref.alloc
// CHECK:           loop.reduce "add" ins(%[[ROW]] : {{.*}}) outs(%[[DST]] : {{.*}})
// CHECK:         func.return %[[OUT]]
func.func @rows(%n: tensor<i64>, %x: tensor<?x?xf64>) -> tensor<?xf64> {
  %r = loop.scan %n seqs(%x : tensor<?x?xf64>) taps = [] last = array<i64> : tensor<i64> -> (tensor<?xf64>) {
  ^bb0(%i: tensor<i64>, %row: tensor<?xf64>):
    %s = loop.reduce "add" ins(%row : tensor<?xf64>) axes [0] -> tensor<f64> {
    ^bb0(%0: f64):
      loop.yield %0 : f64
    }
    loop.yield %s : tensor<f64>
  }
  func.return %r : tensor<?xf64>
}

// Items whose sizes are known only at run time: step 0 runs first (its item's
// sizes give the rows'), then the loop runs steps 1..n-1, checking each item's
// sizes; no steps give an empty result.
// CHECK-LABEL: func.func @items
// CHECK:         %{{.*}} = scf.if %{{.*}} -> (memref<?x?xf64>) {
// CHECK:           memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?xf64>
// CHECK:         } else {
// CHECK:           %[[FIRST:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:           %[[ALL:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?xf64>
// CHECK:           loop.map ins(%[[FIRST]] : memref<?xf64>)
// CHECK:           scf.for
// CHECK:             loop.check %{{.*}}, "scan: a step yields size {0} in dimension 0 of output 0, whose rows have size {1}"
// CHECK:             loop.map
// CHECK:           scf.yield %[[ALL]]
func.func @items(%n: tensor<i64>, %x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %r = loop.scan %n seqs(%x : tensor<?x?xf64>) taps = [] last = array<i64> : tensor<i64> -> (tensor<?x?xf64>) {
  ^bb0(%i: tensor<i64>, %row: tensor<?xf64>):
    %s = loop.map ins(%row : tensor<?xf64>) -> tensor<?xf64> {
    ^bb0(%0: f64):
      %1 = arith.mulf %0, %0 : f64
      loop.yield %1 : f64
    }
    loop.yield %s : tensor<?xf64>
  }
  func.return %r : tensor<?x?xf64>

// States kept as their last row are updated in place after the step, so values
// that read them are copied out first (a swap stays a swap).
// CHECK-LABEL: func.func @swap
// CHECK:         %[[A:.*]] = memref.alloc() : memref<3xf64>
// CHECK:         %[[B:.*]] = memref.alloc() : memref<3xf64>
// CHECK:         scf.for
// CHECK:           %[[TB:.*]] = memref.alloc() : memref<3xf64>
// CHECK-NEXT:      loop.map ins(%[[B]] : memref<3xf64>) outs(%[[TB]] : memref<3xf64>)
// CHECK:           %[[TA:.*]] = memref.alloc() : memref<3xf64>
// CHECK-NEXT:      loop.map ins(%[[A]] : memref<3xf64>) outs(%[[TA]] : memref<3xf64>)
// CHECK:           loop.map ins(%[[TB]] : memref<3xf64>) outs(%[[A]] : memref<3xf64>)
// CHECK:           loop.map ins(%[[TA]] : memref<3xf64>) outs(%[[B]] : memref<3xf64>)
}
func.func @swap(%n: tensor<i64>, %a0: tensor<1x3xf64>, %b0: tensor<1x3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %a, %b = loop.scan %n inits(%a0, %b0 : tensor<1x3xf64>, tensor<1x3xf64>) taps = [array<i64: -1>, array<i64: -1>] last = array<i64: 1, 1> : tensor<i64> -> (tensor<3xf64>, tensor<3xf64>) {
  ^bb0(%i: tensor<i64>, %pa: tensor<3xf64>, %pb: tensor<3xf64>):
    loop.yield %pb, %pa : tensor<3xf64>, tensor<3xf64>
  }
  func.return %a, %b : tensor<3xf64>, tensor<3xf64>
}

// Each branch of an if yields a buffer it allocated (an outer value is copied).
// CHECK-LABEL: func.func @branch
// CHECK:         %[[C:.*]] = memref.load %c[] : memref<i1>
// CHECK-NEXT:    %{{.*}} = scf.if %[[C]] -> (memref<?xf64>) {
// CHECK:           %[[T:.*]] = memref.alloc
// CHECK-NEXT:      loop.map ins(%x : memref<?xf64>) outs(%[[T]] : memref<?xf64>)
// CHECK:           scf.yield %[[T]]
// CHECK:         } else {
// CHECK:           %[[E:.*]] = memref.alloc
// CHECK-NEXT:      loop.map ins(%x : memref<?xf64>) outs(%[[E]] : memref<?xf64>)
// CHECK:             math.exp
// CHECK:           scf.yield %[[E]]
func.func @branch(%c: tensor<i1>, %x: tensor<?xf64>) -> tensor<?xf64> {
  %r = loop.if %c : tensor<i1> -> (tensor<?xf64>) {
    loop.yield %x : tensor<?xf64>
  } else {
    %e = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
    ^bb0(%0: f64):
      %1 = math.exp %0 : f64
      loop.yield %1 : f64
    }
    loop.yield %e : tensor<?xf64>
  }
  func.return %r : tensor<?xf64>
}
