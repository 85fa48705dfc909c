// RUN: symopt %s --split-input-file --verify-diagnostics

// Invalid sym IR is reported with an MLIR-style message naming the op.

func.func @shape_mismatch(%a: tensor<3xf64>, %b: tensor<4xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{'sym.add' op operand shapes differ in dimension 0: tensor<3xf64> vs tensor<4xf64>}}
  %0 = sym.add %a, %b : (tensor<3xf64>, tensor<4xf64>) -> tensor<3xf64>
  func.return %0 : tensor<3xf64>
}

// -----

func.func @rank_mismatch(%a: tensor<3xf64>, %b: tensor<1x3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{'sym.mul' op operands differ in rank: tensor<3xf64>, tensor<1x3xf64>}}
  %0 = sym.mul %a, %b : (tensor<3xf64>, tensor<1x3xf64>) -> tensor<3xf64>
  func.return %0 : tensor<3xf64>
}

// -----

func.func @dtype_mismatch(%a: tensor<3xf64>, %b: tensor<3xf32>) -> tensor<3xf64> {
  // expected-error @+1 {{'sym.sub' op operand element types differ: tensor<3xf64> vs tensor<3xf32>}}
  %0 = sym.sub %a, %b : (tensor<3xf64>, tensor<3xf32>) -> tensor<3xf64>
  func.return %0 : tensor<3xf64>
}

// -----

func.func @wrong_result(%a: tensor<3xf64>, %b: tensor<1xf64>) -> tensor<4xf64> {
  // expected-error @+1 {{'sym.add' op result type tensor<4xf64> does not match the inferred tensor<3xf64>}}
  %0 = sym.add %a, %b : (tensor<3xf64>, tensor<1xf64>) -> tensor<4xf64>
  func.return %0 : tensor<4xf64>
}

// -----

func.func @float_only(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{'sym.exp' op expects a floating-point tensor, got tensor<3xi32>}}
  %0 = sym.exp %a : tensor<3xi32>
  func.return %0 : tensor<3xi32>
}

// -----

func.func @div_ints(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{'sym.div' op expects floating-point tensors, got tensor<3xi32>}}
  %0 = sym.div %a, %a : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  func.return %0 : tensor<3xi32>
}

// -----

func.func @and_floats(%a: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{'sym.and' op expects integer or bool tensors, got tensor<3xf64>}}
  %0 = sym.and %a, %a : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  func.return %0 : tensor<3xf64>
}

// -----

func.func @bad_predicate(%a: tensor<3xf64>) -> tensor<3xi1> {
  // expected-error @+1 {{'sym.cmp' op unknown predicate "less", expected one of eq, ne, lt, le, gt, ge}}
  %0 = sym.cmp "less", %a, %a : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xi1>
  func.return %0 : tensor<3xi1>
}

// -----

func.func @select_cond(%c: tensor<3xf64>, %a: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{'sym.select' op condition must be a bool (i1) tensor, got tensor<3xf64>}}
  %0 = sym.select %c, %a, %a : (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  func.return %0 : tensor<3xf64>
}

// -----

func.func @cast_shape(%a: tensor<3xf64>) -> tensor<4xf32> {
  // expected-error @+1 {{'sym.cast' op changes the shape: tensor<3xf64> to tensor<4xf32>}}
  %0 = sym.cast %a : tensor<3xf64> to tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

func.func @reduce_kind(%a: tensor<3xf64>) -> tensor<f64> {
  // expected-error @+1 {{'sym.reduce' op unknown kind "median", expected one of sum, prod, max, min, mean, all, any}}
  %0 = sym.reduce "median" %a axes = array<i64: 0> : tensor<3xf64> -> tensor<f64>
  func.return %0 : tensor<f64>
}

// -----

func.func @reduce_axes(%a: tensor<3xf64>) -> tensor<f64> {
  // expected-error @+1 {{'sym.reduce' op axes [1] are invalid for a rank-1 operand}}
  %0 = sym.reduce "sum" %a axes = array<i64: 1> : tensor<3xf64> -> tensor<f64>
  func.return %0 : tensor<f64>
}

// -----

func.func @reduce_result(%a: tensor<3x4xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{'sym.reduce' op result type tensor<3xf64> does not match the inferred tensor<4xf64>}}
  %0 = sym.reduce "sum" %a axes = array<i64: 0> : tensor<3x4xf64> -> tensor<3xf64>
  func.return %0 : tensor<3xf64>
}

// -----

func.func @dot_inner(%a: tensor<2x3xf64>, %b: tensor<4xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{'sym.dot' op inner dimensions differ: tensor<2x3xf64> vs tensor<4xf64>}}
  %0 = sym.dot %a, %b : (tensor<2x3xf64>, tensor<4xf64>) -> tensor<2xf64>
  func.return %0 : tensor<2xf64>
}

// -----

func.func @dimshuffle_drop(%a: tensor<3x4xf64>) -> tensor<4xf64> {
  // expected-error @+1 {{'sym.dimshuffle' op drops dimension 0 of tensor<3x4xf64>, which is not of static size 1}}
  %0 = sym.dimshuffle %a pattern = array<i64: 1> : tensor<3x4xf64> -> tensor<4xf64>
  func.return %0 : tensor<4xf64>
}

// -----

func.func @reshape_size(%a: tensor<3x4xf64>, %s: tensor<2xi64>) -> tensor<5x2xf64> {
  // expected-error @+1 {{'sym.reshape' op cannot reshape tensor<3x4xf64> into tensor<5x2xf64>}}
  %0 = sym.reshape %a, %s : (tensor<3x4xf64>, tensor<2xi64>) -> tensor<5x2xf64>
  func.return %0 : tensor<5x2xf64>
}

// -----

func.func @subtensor_rank(%a: tensor<3xf64>) -> tensor<f64> {
  // expected-error @+1 {{'sym.subtensor' op has 2 indices for a rank-1 operand}}
  %0 = sym.subtensor %a[0, 1] : tensor<3xf64> -> tensor<f64>
  func.return %0 : tensor<f64>
}

// -----

func.func @subtensor_result(%a: tensor<3x4xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{'sym.subtensor' op result type tensor<2xf64> does not match indexing tensor<3x4xf64>}}
  %0 = sym.subtensor %a[1:] : tensor<3x4xf64> -> tensor<2xf64>
  func.return %0 : tensor<2xf64>
}

// -----

func.func @concat_dim(%a: tensor<3x4xf64>, %b: tensor<3x5xf64>) -> tensor<6x4xf64> {
  // expected-error @+1 {{'sym.concatenate' op operand shapes differ in dimension 1: tensor<3x4xf64>, tensor<3x5xf64>}}
  %0 = sym.concatenate %a, %b axis = 0 : (tensor<3x4xf64>, tensor<3x5xf64>) -> tensor<6x4xf64>
  func.return %0 : tensor<6x4xf64>
}

// -----

func.func @read_missing() -> tensor<f64> {
  // expected-error @+1 {{'sym.read' op '@nowhere' does not reference a valid sym.global}}
  %0 = sym.read @nowhere : tensor<f64>
  func.return %0 : tensor<f64>
}

// -----

sym.global @w : tensor<?xf64>
func.func @write_type(%v: tensor<?xf32>) {
  // expected-error @+1 {{'sym.write' op type tensor<?xf32> differs from the type tensor<?xf64> of global '@w'}}
  sym.write @w, %v : tensor<?xf32>
  func.return
}

// -----

func.func @constant_type() -> tensor<2xf64> {
  // expected-error @+1 {{attribute tensor<2xf64> expected from variable 'T', but got tensor<3xf64>}}
  %0 = "sym.constant"() <{value = dense<1.0> : tensor<3xf64>}> : () -> tensor<2xf64>
  func.return %0 : tensor<2xf64>
}

// -----

func.func @inc_region(%x: tensor<3x4xf64>, %y: tensor<5xf64>) -> tensor<3x4xf64> {
  // expected-error @+1 {{'sym.inc_subtensor' op value tensor<5xf64> does not fit the indexed region tensor<4xf64> of tensor<3x4xf64>}}
  %0 = sym.inc_subtensor %x[0], %y : tensor<3x4xf64>, tensor<5xf64>
  func.return %0 : tensor<3x4xf64>
}

// -----

func.func @map_no_yield(%n: tensor<i64>) -> tensor<?xf64> {
  // expected-error @+1 {{'sym.map_index' op body must end with a sym.yield of one value}}
  %0 = sym.map_index %n : tensor<i64> -> tensor<?xf64> {
  ^bb0(%i: tensor<i64>):
    %c = sym.constant dense<1.0> : tensor<f64>
  }
  func.return %0 : tensor<?xf64>
}

// -----

func.func @map_result(%n: tensor<i64>, %v: tensor<3xf64>) -> tensor<?xf64> {
  // expected-error @+1 {{'sym.map_index' op result type tensor<?xf64> does not stack the yielded tensor<3xf64>}}
  %0 = sym.map_index %n : tensor<i64> -> tensor<?xf64> {
  ^bb0(%i: tensor<i64>):
    sym.yield %v : tensor<3xf64>
  }
  func.return %0 : tensor<?xf64>
}

// -----

func.func @scan_taps_not_negative(%n: tensor<i64>, %h0: tensor<1xf64>) -> tensor<?xf64> {
  // expected-error @+1 {{'sym.scan' op taps of output 0 must be negative and increasing, got [1]}}
  %0 = sym.scan %n inits(%h0 : tensor<1xf64>) taps = [array<i64: 1>] last = array<i64: 0> : tensor<i64> -> (tensor<?xf64>) {
  ^bb0(%i: tensor<i64>, %h: tensor<f64>):
    sym.yield %h : tensor<f64>
  }
  func.return %0 : tensor<?xf64>
}

// -----

func.func @scan_init_rows(%n: tensor<i64>, %h0: tensor<3xf64>) -> tensor<?xf64> {
  // expected-error @+1 {{'sym.scan' op initial value 0 must have a static leading size 2 (its deepest tap), got tensor<3xf64>}}
  %0 = sym.scan %n inits(%h0 : tensor<3xf64>) taps = [array<i64: -2, -1>] last = array<i64: 0> : tensor<i64> -> (tensor<?xf64>) {
  ^bb0(%i: tensor<i64>, %a: tensor<f64>, %b: tensor<f64>):
    sym.yield %a : tensor<f64>
  }
  func.return %0 : tensor<?xf64>
}

// -----

func.func @scan_body_args(%n: tensor<i64>, %x: tensor<?x3xf64>) -> tensor<?x3xf64> {
  // expected-error @+1 {{'sym.scan' op body arguments (tensor<i64>, tensor<4xf64>) do not match the expected (tensor<i64>, tensor<3xf64>)}}
  %0 = sym.scan %n seqs(%x : tensor<?x3xf64>) taps = [] last = array<i64> : tensor<i64> -> (tensor<?x3xf64>) {
  ^bb0(%i: tensor<i64>, %r: tensor<4xf64>):
    sym.yield %r : tensor<4xf64>
  }
  func.return %0 : tensor<?x3xf64>
}

// -----

func.func @scan_yield_type(%n: tensor<i64>, %h0: tensor<1x3xf64>) -> tensor<?x3xf64> {
  // expected-error @+1 {{'sym.scan' op body yields tensor<4xf64> for the recurrent output 0 of rows tensor<3xf64>}}
  %0 = sym.scan %n inits(%h0 : tensor<1x3xf64>) taps = [array<i64: -1>] last = array<i64: 0> : tensor<i64> -> (tensor<?x3xf64>) {
  ^bb0(%i: tensor<i64>, %h: tensor<3xf64>):
    %c = sym.constant dense<1.0> : tensor<4xf64>
    sym.yield %c : tensor<4xf64>
  }
  func.return %0 : tensor<?x3xf64>
}

// -----

func.func @scan_not_isolated(%n: tensor<i64>, %v: tensor<f64>) -> tensor<?xf64> {
  // expected-error @+1 {{Operation using value defined out of its IsolatedFromAbove parent}}
  %0 = sym.scan %n taps = [] last = array<i64> : tensor<i64> -> (tensor<?xf64>) {
  ^bb0(%i: tensor<i64>):
    sym.yield %v : tensor<f64>
  }
  func.return %0 : tensor<?xf64>
}

// -----

func.func @if_branch_types(%c: tensor<i1>, %a: tensor<3xf64>, %b: tensor<3xi32>) -> tensor<3xf64> {
  // expected-error @+1 {{'sym.if' op result 0 of type tensor<3xf64> does not match the branches' tensor<3xf64> and tensor<3xi32>}}
  %0 = sym.if %c : tensor<i1> -> (tensor<3xf64>) {
    sym.yield %a : tensor<3xf64>
  } else {
    sym.yield %b : tensor<3xi32>
  }
  func.return %0 : tensor<3xf64>
}

// -----

func.func @if_condition(%c: tensor<f64>, %a: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{'sym.if' op condition must be tensor<i1>, got tensor<f64>}}
  %0 = sym.if %c : tensor<f64> -> (tensor<3xf64>) {
    sym.yield %a : tensor<3xf64>
  } else {
    sym.yield %a : tensor<3xf64>
  }
  func.return %0 : tensor<3xf64>
}

// -----

func.func @parse_error(%a: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{Expected ':'}}
  %0 = sym.exp %a, : tensor<3xf64>
  func.return %0 : tensor<3xf64>
}
