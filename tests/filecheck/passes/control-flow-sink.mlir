// RUN: symopt %s -p control-flow-sink --split-input-file | filecheck %s

// control-flow-sink moves into a branch of an if the side-effect-free ops that
// only that branch uses (what makes ifelse lazy).

// The log and exp chain is used only by the else branch: both move there, in
// order. The sum is used by the then branch and by the return: it stays.
// CHECK-LABEL: func.func @chain
// CHECK:         %[[S:.*]] = sym.reduce "sum" %x
// CHECK-NEXT:    %{{.*}} = sym.if %c : tensor<i1> -> (tensor<f64>) {
// CHECK-NEXT:      sym.yield %[[S]] : tensor<f64>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[L:.*]] = sym.log %x
// CHECK-NEXT:      %[[E:.*]] = sym.exp %[[L]]
// CHECK-NEXT:      %[[M:.*]] = sym.reduce "max" %[[E]]
// CHECK-NEXT:      sym.yield %[[M]] : tensor<f64>
// CHECK-NEXT:    }
func.func @chain(%c: tensor<i1>, %x: tensor<?xf64>) -> (tensor<f64>, tensor<f64>) {
  %s = sym.reduce "sum" %x axes = array<i64: 0> : tensor<?xf64> -> tensor<f64>
  %l = sym.log %x : tensor<?xf64>
  %e = sym.exp %l : tensor<?xf64>
  %m = sym.reduce "max" %e axes = array<i64: 0> : tensor<?xf64> -> tensor<f64>
  %r = sym.if %c : tensor<i1> -> (tensor<f64>) {
    sym.yield %s : tensor<f64>
  } else {
    sym.yield %m : tensor<f64>
  }
  func.return %r, %s : tensor<f64>, tensor<f64>
}

// -----

// A value both branches use stays before the if; a value used in a nested if
// of the then branch sinks into the then branch, and into the nested branch.
// CHECK-LABEL: func.func @nested
// CHECK:         %[[B:.*]] = sym.exp %x
// CHECK-NEXT:    %{{.*}} = sym.if %c : tensor<i1> -> (tensor<?xf64>) {
// CHECK-NEXT:      %{{.*}} = sym.if %d : tensor<i1> -> (tensor<?xf64>) {
// CHECK-NEXT:        %[[T:.*]] = sym.tanh %x
// CHECK-NEXT:        %[[A:.*]] = sym.add %[[T]], %[[B]]
// CHECK-NEXT:        sym.yield %[[A]]
func.func @nested(%c: tensor<i1>, %d: tensor<i1>, %x: tensor<?xf64>) -> tensor<?xf64> {
  %b = sym.exp %x : tensor<?xf64>
  %t = sym.tanh %x : tensor<?xf64>
  %a = sym.add %t, %b : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  %r = sym.if %c : tensor<i1> -> (tensor<?xf64>) {
    %inner = sym.if %d : tensor<i1> -> (tensor<?xf64>) {
      sym.yield %a : tensor<?xf64>
    } else {
      sym.yield %x : tensor<?xf64>
    }
    sym.yield %inner : tensor<?xf64>
  } else {
    sym.yield %b : tensor<?xf64>
  }
  func.return %r : tensor<?xf64>
}

// -----

// Nothing sinks into a loop body, and reads of shared variables (effects) stay.
// CHECK-LABEL: func.func @loops
// CHECK:         %[[W:.*]] = sym.read @w
// CHECK-NEXT:    %[[E:.*]] = sym.exp %x
// CHECK-NEXT:    %{{.*}} = sym.map_index %n
func.func @loops(%n: tensor<i64>, %x: tensor<3xf64>) -> (tensor<?x3xf64>, tensor<3xf64>) {
  %w = sym.read @w : tensor<3xf64>
  %e = sym.exp %x : tensor<3xf64>
  %m = sym.map_index %n : tensor<i64> -> tensor<?x3xf64> {
  ^bb0(%i: tensor<i64>):
    sym.yield %e : tensor<3xf64>
  }
  %c = sym.constant dense<true> : tensor<i1>
  %r = sym.if %c : tensor<i1> -> (tensor<3xf64>) {
    sym.yield %w : tensor<3xf64>
  } else {
    sym.yield %x : tensor<3xf64>
  }
  func.return %m, %r : tensor<?x3xf64>, tensor<3xf64>
}
sym.global @w : tensor<3xf64>
