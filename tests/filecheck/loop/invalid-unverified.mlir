// Invalid loop IR that passes used to crash on: each case is a verifier error
// naming the op.
// RUN: symopt %s --split-input-file --verify-diagnostics | filecheck %s

// loop.index of a dimension outside the iteration space: convert-loop-to-scf
// fails with an IndexError traceback.
func.func @index_dim_out_of_range(%x: memref<3xf64>, %o: memref<3xi64>) {
  loop.map ins(%x : memref<3xf64>) outs(%o : memref<3xi64>) {
  ^bb0(%a: f64):
    %i = loop.index 5 : index
    %j = arith.index_cast %i : index to i64
    loop.yield %j : i64
  }
  func.return
}
// CHECK: 'loop.index' op

// -----

// A reduction yielding f64 into an i32 result: loop-bufferize and
// convert-loop-to-scf produce a memref.store of f64 into memref<3xi32>.
func.func @reduce_yield_type(%x: tensor<?x3xf64>) -> tensor<3xi32> {
  %0 = loop.reduce "add" ins(%x : tensor<?x3xf64>) axes [0] -> tensor<3xi32> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return %0 : tensor<3xi32>
}
// CHECK: 'loop.reduce' op

// -----

// A matrix-vector dot whose result is rank 3 with another element type.
func.func @dot_result_type(%a: tensor<?x3xf64>, %v: tensor<3xf64>) -> tensor<?x?x?xi32> {
  %0 = loop.dot %a, %v : (tensor<?x3xf64>, tensor<3xf64>) -> tensor<?x?x?xi32>
  func.return %0 : tensor<?x?x?xi32>
}
// CHECK: 'loop.dot' op

// -----

// loop.layout of a 2-d buffer with one stride result.
func.func @layout_result_count(%a: memref<?x3xf64>) {
  %o, %s = "loop.layout"(%a) : (memref<?x3xf64>) -> (index, index)
  func.return
}
// CHECK: 'loop.layout' op
