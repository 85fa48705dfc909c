// RUN: symopt %s --split-input-file --verify-diagnostics

// Invalid loop IR is reported with an MLIR-style message naming the op.

func.func @no_iteration_space(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.map' op needs at least one result or out}}
  loop.map ins(%x : tensor<3xf64>) {
  ^bb0(%a: f64):
    loop.yield
  }
  func.return
}

// -----

func.func @results_differ(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.map' op results have different shapes}}
  %0:2 = loop.map ins(%x : tensor<3xf64>) -> tensor<3xf64>, tensor<4xf64> {
  ^bb0(%a: f64):
    loop.yield %a, %a : f64, f64
  }
  func.return
}

// -----

func.func @dims_count(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.map' op has 0 dims maps for 1 inputs}}
  %0 = "loop.map"(%x) <{dims = [], operandSegmentSizes = array<i32: 1, 0>}> ({
  ^bb0(%a: f64):
    "loop.yield"(%a) : (f64) -> ()
  }) : (tensor<3xf64>) -> tensor<3xf64>
  func.return
}

// -----

func.func @scalar_input(%x: f64) {
  // expected-error @+1 {{'loop.map' op input 0 is not a tensor or memref}}
  %0 = loop.map ins(%x : f64) dims [[]] -> tensor<3xf64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

// The dims map must have one entry per input dimension...
func.func @dims_too_short(%x: tensor<3x4xf64>) {
  // expected-error @+1 {{'loop.map' op dims map [0] of input 0 does not map its 2 dimensions into a 2-d iteration space}}
  %0 = loop.map ins(%x : tensor<3x4xf64>) dims [[0]] -> tensor<3x4xf64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

// ... name each iteration dimension at most once...
func.func @dims_repeated(%x: tensor<3x3xf64>) {
  // expected-error @+1 {{'loop.map' op dims map [0, 0] of input 0 does not map its 2 dimensions into a 2-d iteration space}}
  %0 = loop.map ins(%x : tensor<3x3xf64>) dims [[0, 0]] -> tensor<3x3xf64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

// ... and stay within the iteration space (-1 is the only negative entry).
func.func @dims_out_of_range(%x: tensor<3x4xf64>) {
  // expected-error @+1 {{'loop.map' op dims map [0, 2] of input 0 does not map its 2 dimensions into a 2-d iteration space}}
  %0 = loop.map ins(%x : tensor<3x4xf64>) dims [[0, 2]] -> tensor<3x4xf64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @dims_negative(%x: tensor<1x4xf64>) {
  // expected-error @+1 {{'loop.map' op dims map [-2, 1] of input 0 does not map its 2 dimensions into a 2-d iteration space}}
  %0 = loop.map ins(%x : tensor<1x4xf64>) dims [[-2, 1]] -> tensor<3x4xf64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @outs_and_results(%x: memref<3xf64>, %o: memref<3xf64>) {
  // expected-error @+1 {{'loop.map' op has both outs and results}}
  %0 = "loop.map"(%x, %o) <{dims = [array<i64: 0>], operandSegmentSizes = array<i32: 1, 1>}> ({
  ^bb0(%a: f64):
    "loop.yield"(%a) : (f64) -> ()
  }) : (memref<3xf64>, memref<3xf64>) -> memref<3xf64>
  func.return
}

// -----

func.func @tensor_into_memref(%x: tensor<3xf64>, %o: memref<3xf64>) {
  // expected-error @+1 {{'loop.map' op mixes tensors with memref outs}}
  loop.map ins(%x : tensor<3xf64>) outs(%o : memref<3xf64>) {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @body_arg_count(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.map' op body takes 2 arguments for 1 inputs}}
  %0 = loop.map ins(%x : tensor<3xf64>) -> tensor<3xf64> {
  ^bb0(%a: f64, %b: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @body_arg_type(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.map' op body argument 0 has type f32, the element type of input 0 is f64}}
  %0 = loop.map ins(%x : tensor<3xf64>) -> tensor<3xf64> {
  ^bb0(%a: f32):
    %b = arith.extf %a : f32 to f64
    loop.yield %b : f64
  }
  func.return
}

// -----

func.func @empty_body(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.map' op body must end with loop.yield}}
  %0 = loop.map ins(%x : tensor<3xf64>) -> tensor<3xf64> {
  ^bb0(%a: f64):
  }
  func.return
}

// -----

func.func @yield_count(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.map' op body yields 2 values for 1 results}}
  %0 = loop.map ins(%x : tensor<3xf64>) -> tensor<3xf64> {
  ^bb0(%a: f64):
    loop.yield %a, %a : f64, f64
  }
  func.return
}

// -----

func.func @yield_type(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.map' op body yields f64 for result 0 of element type f32}}
  %0 = loop.map ins(%x : tensor<3xf64>) -> tensor<3xf32> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

// A static input size must be the iteration space's or 1 (broadcast).
func.func @input_does_not_fit(%x: tensor<4xf64>) {
  // expected-error @+1 {{'loop.map' op input 0 of type tensor<4xf64> does not fit the iteration space [3] in dimension 0}}
  %0 = loop.map ins(%x : tensor<4xf64>) -> tensor<3xf64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @transposed_does_not_fit(%x: memref<3x4xf64>, %o: memref<3x4xf64>) {
  // expected-error @+1 {{'loop.map' op input 0 of type memref<3x4xf64> does not fit the iteration space [3, 4] in dimension 1}}
  loop.map ins(%x : memref<3x4xf64>) dims [[1, 0]] outs(%o : memref<3x4xf64>) {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @unknown_reduce_kind(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.reduce' op unknown kind "sum", expected one of add, mul, max, min, and, or, mean, argmax, argmin}}
  %0 = loop.reduce "sum" ins(%x : tensor<3xf64>) axes [0] -> tensor<f64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @reduce_without_result(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.reduce' op has exactly one result or out}}
  loop.reduce "add" ins(%x : tensor<3xf64>) axes [0] {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @axis_out_of_range(%x: tensor<3x4xf64>) {
  // expected-error @+1 {{'loop.reduce' op axes [2] are invalid for a 2-d space}}
  %0 = loop.reduce "add" ins(%x : tensor<3x4xf64>) axes [2] -> tensor<3xf64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @axis_repeated(%x: tensor<3x4xf64>) {
  // expected-error @+1 {{'loop.reduce' op axes [1, 1] are invalid for a 2-d space}}
  %0 = loop.reduce "add" ins(%x : tensor<3x4xf64>) axes [1, 1] keepdims -> tensor<3x1xf64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

// The iteration space of a reduction is the result's dimensions plus the axes.
func.func @reduce_dims_map(%x: tensor<3x4xf64>) {
  // expected-error @+1 {{'loop.reduce' op dims map [0, 2] of input 0 does not map its 2 dimensions into a 2-d iteration space}}
  %0 = loop.reduce "add" ins(%x : tensor<3x4xf64>) dims [[0, 2]] axes [1] -> tensor<3xf64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @reduce_yield_count(%x: tensor<3xf64>) {
  // expected-error @+1 {{'loop.reduce' op body must yield one value}}
  %0 = loop.reduce "add" ins(%x : tensor<3xf64>) axes [0] -> tensor<f64> {
  ^bb0(%a: f64):
    loop.yield %a, %a : f64, f64
  }
  func.return
}

// -----

func.func @reduce_body_arg(%x: tensor<3xi32>) {
  // expected-error @+1 {{'loop.reduce' op body argument 0 has type f64, the element type of input 0 is i32}}
  %0 = loop.reduce "add" ins(%x : tensor<3xi32>) axes [0] -> tensor<f64> {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  func.return
}

// -----

func.func @index_outside_loop() -> index {
  // expected-error @+1 {{'loop.index' op must be inside a loop.map or loop.reduce}}
  %i = loop.index 0 : index
  func.return %i : index
}

// -----

func.func @yield_outside_loop(%a: f64) {
  // expected-error @+1 {{'loop.yield' expects parent op to be one of 'loop.map', 'loop.reduce', 'loop.generate'}}
  loop.yield %a : f64
}

// -----

func.func @dot_rank(%a: tensor<2x3x4xf64>, %b: tensor<4xf64>) {
  // expected-error @+1 {{'loop.dot' op supports ranks 1 and 2, got (3, 1)}}
  %0 = loop.dot %a, %b : (tensor<2x3x4xf64>, tensor<4xf64>) -> tensor<2x3xf64>
  func.return
}

// -----

func.func @dot_scalar(%a: tensor<f64>, %b: tensor<4xf64>) {
  // expected-error @+1 {{'loop.dot' op supports ranks 1 and 2, got (0, 1)}}
  %0 = loop.dot %a, %b : (tensor<f64>, tensor<4xf64>) -> tensor<4xf64>
  func.return
}

// -----

func.func @dot_out_and_result(%a: memref<3xf64>, %b: memref<3xf64>, %o: memref<f64>) {
  // expected-error @+1 {{'loop.dot' op has exactly one result or out}}
  %0 = "loop.dot"(%a, %b, %o) : (memref<3xf64>, memref<3xf64>, memref<f64>) -> memref<f64>
  func.return
}

// -----

func.func @view_sizes(%a: memref<?x3xf64>, %n: index) {
  // expected-error @+1 {{'loop.view' op needs 2 sizes and strides for memref<?x?xf64, strided<[?, ?], offset: ?>>}}
  %v = loop.view %a offset(%n) sizes(%n) strides(%n, %n) : memref<?x3xf64> -> memref<?x?xf64, strided<[?, ?], offset: ?>>
  func.return
}

// -----

func.func @view_strides(%a: memref<?x3xf64>, %n: index) {
  // expected-error @+1 {{'loop.view' op needs 2 sizes and strides for memref<?x?xf64, strided<[?, ?], offset: ?>>}}
  %v = loop.view %a offset(%n) sizes(%n, %n) strides(%n) : memref<?x3xf64> -> memref<?x?xf64, strided<[?, ?], offset: ?>>
  func.return
}

// -----

func.func @view_element_type(%a: memref<?x3xf64>, %n: index) {
  // expected-error @+1 {{'loop.view' op changes the element type}}
  %v = loop.view %a offset(%n) sizes(%n) strides(%n) : memref<?x3xf64> -> memref<?xf32, strided<[?], offset: ?>>
  func.return
}

// -----

// The condition of loop.check is an i1 (a parse error, so this case comes last:
// the remaining chunks would not be processed).
func.func @check_condition(%c: i32) {
  // expected-error @+1 {{operand is used with type i1, but has been previously used or defined with type i32}}
  loop.check %c, "bad"
  func.return
}
