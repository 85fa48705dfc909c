// Invalid loop IR that the verifier used to accept and the passes then crashed
// on or lowered to invalid IR: each case is now a verifier error naming the op.
// RUN: symopt %s --split-input-file --verify-diagnostics

// loop.index of a dimension outside the iteration space (convert-loop-to-scf
// failed with an IndexError traceback).
func.func @index_dim_out_of_range(%x: memref<3xf64>, %o: memref<3xi64>) {
  loop.map ins(%x : memref<3xf64>) outs(%o : memref<3xi64>) {
  ^bb0(%a: f64):
    // expected-error @+1 {{'loop.index' op dimension 5 is outside the 1-d iteration space}}
    %i = loop.index 5 : index
    %j = arith.index_cast %i : index to i64
    loop.yield %j : i64
  }
  func.return
}

// -----

// A reduction yielding f64 into an i32 result (loop-bufferize and
// convert-loop-to-scf produced a memref.store of f64 into memref<3xi32>).
func.func @reduce_yield_type(%x: tensor<?x3xf64>) -> tensor<3xi32> {
  // expected-error @+1 {{'loop.reduce' op body yields f64 for a result of element type i32}}
  %0 = loop.reduce "add" ins(%x : tensor<?x3xf64>) axes [0] -> tensor<3xi32> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return %0 : tensor<3xi32>
}

// -----

// A matrix-vector dot whose result is rank 3 with another element type.
func.func @dot_result_type(%a: tensor<?x3xf64>, %v: tensor<3xf64>) -> tensor<?x?x?xi32> {
  // expected-error @+1 {{'loop.dot' op result tensor<?x?x?xi32> does not match the product of tensor<?x3xf64> and tensor<3xf64>}}
  %0 = loop.dot %a, %v : (tensor<?x3xf64>, tensor<3xf64>) -> tensor<?x?x?xi32>
  func.return %0 : tensor<?x?x?xi32>
}

// -----

// loop.layout of a 2-d buffer with one stride result.
func.func @layout_result_count(%a: memref<?x3xf64>) {
  // expected-error @+1 {{'loop.layout' op has 1 strides for a rank-2 buffer}}
  %o, %s = "loop.layout"(%a) : (memref<?x3xf64>) -> (index, index)
  func.return
}
