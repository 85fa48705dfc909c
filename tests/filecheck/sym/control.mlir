// RUN: symopt %s | symopt | filecheck %s
// RUN: symopt %s -p sym-opt | filecheck %s --check-prefix=OPT

// sym.scan and sym.if print and parse back. A scan's body is isolated from above:
// its arguments are the step index, the rows of the sequences, the taps of the
// recurrent outputs and the non-sequences. A recurrent output's result is its
// whole storage (initial rows first); an output that is not fed back stacks its
// items. An if's branches read outer values directly.

// CHECK-LABEL: func.func @rnn
// CHECK:         %[[H:.*]], %[[Y:.*]] = sym.scan %n seqs(%x : tensor<?x3xf64>) inits(%h0 : tensor<1x3xf64>) params(%w : tensor<3x3xf64>) taps = [array<i64: -1>] last = array<i64: 0> : tensor<i64> -> (tensor<?x3xf64>, tensor<?xf64>) {
// CHECK-NEXT:    ^bb0(%i: tensor<i64>, %xt: tensor<3xf64>, %hp: tensor<3xf64>, %w_1: tensor<3x3xf64>):
// CHECK-NEXT:      %[[D:.*]] = sym.dot %hp, %w_1
// CHECK-NEXT:      %[[S:.*]] = sym.add %xt, %[[D]]
// CHECK-NEXT:      %[[T:.*]] = sym.tanh %[[S]]
// CHECK-NEXT:      %[[R:.*]] = sym.reduce "sum" %[[T]]
// CHECK-NEXT:      sym.yield %[[T]], %[[R]] : tensor<3xf64>, tensor<f64>
// CHECK-NEXT:    }
func.func @rnn(%n: tensor<i64>, %x: tensor<?x3xf64>, %h0: tensor<1x3xf64>, %w: tensor<3x3xf64>) -> (tensor<?x3xf64>, tensor<?xf64>) {
  %h, %y = sym.scan %n seqs(%x : tensor<?x3xf64>) inits(%h0 : tensor<1x3xf64>) params(%w : tensor<3x3xf64>) taps = [array<i64: -1>] last = array<i64: 0> : tensor<i64> -> (tensor<?x3xf64>, tensor<?xf64>) {
  ^bb0(%i: tensor<i64>, %xt: tensor<3xf64>, %hp: tensor<3xf64>, %w_1: tensor<3x3xf64>):
    %d = sym.dot %hp, %w_1 : (tensor<3xf64>, tensor<3x3xf64>) -> tensor<3xf64>
    %s = sym.add %xt, %d : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
    %t = sym.tanh %s : tensor<3xf64>
    %r = sym.reduce "sum" %t axes = array<i64: 0> : tensor<3xf64> -> tensor<f64>
    sym.yield %t, %r : tensor<3xf64>, tensor<f64>
  }
  func.return %h, %y : tensor<?x3xf64>, tensor<?xf64>
}

// Two taps: the initial value holds two rows; a state kept only as its last row
// (last = 1) has the row type as its result.
// CHECK-LABEL: func.func @taps
// CHECK:         sym.scan %n inits(%x0, %c0 : tensor<2xf64>, tensor<1xi64>) taps = [array<i64: -2, -1>, array<i64: -1>] last = array<i64: 0, 1> : tensor<i64> -> (tensor<?xf64>, tensor<i64>)
func.func @taps(%n: tensor<i64>, %x0: tensor<2xf64>, %c0: tensor<1xi64>) -> (tensor<?xf64>, tensor<i64>) {
  %f, %c = sym.scan %n inits(%x0, %c0 : tensor<2xf64>, tensor<1xi64>) taps = [array<i64: -2, -1>, array<i64: -1>] last = array<i64: 0, 1> : tensor<i64> -> (tensor<?xf64>, tensor<i64>) {
  ^bb0(%i: tensor<i64>, %a: tensor<f64>, %b: tensor<f64>, %k: tensor<i64>):
    %s = sym.add %a, %b : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %one = sym.constant dense<1> : tensor<i64>
    %k1 = sym.add %k, %one : (tensor<i64>, tensor<i64>) -> tensor<i64>
    sym.yield %s, %k1 : tensor<f64>, tensor<i64>
  }
  func.return %f, %c : tensor<?xf64>, tensor<i64>
}

// CHECK-LABEL: func.func @branch
// CHECK:         %[[R:.*]] = sym.if %c : tensor<i1> -> (tensor<?xf64>) {
// CHECK-NEXT:      sym.yield %x : tensor<?xf64>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[E:.*]] = sym.exp %l
// CHECK-NEXT:      sym.yield %[[E]] : tensor<?xf64>
// CHECK-NEXT:    }
// With sym-opt, control-flow-sink moves the log, which only the else branch
// uses, into it.
// OPT-LABEL:   func.func @branch
// OPT:           %{{.*}} = sym.if %c : tensor<i1> -> (tensor<?xf64>) {
// OPT-NEXT:        sym.yield %x : tensor<?xf64>
// OPT-NEXT:      } else {
// OPT-NEXT:        %{{.*}} = sym.log %x
// OPT-NEXT:        %{{.*}} = sym.exp
// OPT-NEXT:        sym.yield
func.func @branch(%c: tensor<i1>, %x: tensor<?xf64>) -> tensor<?xf64> {
  %l = sym.log %x : tensor<?xf64>
  %r = sym.if %c : tensor<i1> -> (tensor<?xf64>) {
    sym.yield %x : tensor<?xf64>
  } else {
    %e = sym.exp %l : tensor<?xf64>
    sym.yield %e : tensor<?xf64>
  }
  func.return %r : tensor<?xf64>
}
