// RUN: symopt %s -p sym-stabilize,dce --split-input-file | filecheck %s

// 1 / (1 + exp(u)) -> sigmoid(-u), folding a double negation.
// CHECK-LABEL: func.func @logistic
// CHECK-NEXT:    %[[S:.*]] = sym.sigmoid %x : tensor<?x?xf64>
// CHECK-NEXT:    func.return %[[S]]
func.func @logistic(%x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %one = sym.constant dense<1.0> : tensor<1x1xf64>
  %n = sym.neg %x : tensor<?x?xf64>
  %e = sym.exp %n : tensor<?x?xf64>
  %d = sym.add %one, %e : (tensor<1x1xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  %s = sym.div %one, %d : (tensor<1x1xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %s : tensor<?x?xf64>
}

// -----

// The tutorial's form: exp(-dot - b), with 1 on the right of the sum.
// CHECK-LABEL: func.func @affine
// CHECK:         %[[U:.*]] = sym.sub
// CHECK-NEXT:    %[[N:.*]] = sym.neg %[[U]] : tensor<?xf64>
// CHECK-NEXT:    %[[S:.*]] = sym.sigmoid %[[N]] : tensor<?xf64>
// CHECK-NEXT:    func.return %[[S]]
func.func @affine(%z: tensor<?xf64>, %b: tensor<1xf64>) -> tensor<?xf64> {
  %one = sym.constant dense<1.0> : tensor<1xf64>
  %n = sym.neg %z : tensor<?xf64>
  %u = sym.sub %n, %b : (tensor<?xf64>, tensor<1xf64>) -> tensor<?xf64>
  %e = sym.exp %u : tensor<?xf64>
  %d = sym.add %e, %one : (tensor<?xf64>, tensor<1xf64>) -> tensor<?xf64>
  %s = sym.div %one, %d : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %s : tensor<?xf64>
}

// -----

// log(sigmoid(x)) -> -softplus(-x)
// CHECK-LABEL: func.func @log_sigmoid
// CHECK-NEXT:    %[[N:.*]] = sym.neg %x
// CHECK-NEXT:    %[[SP:.*]] = sym.softplus %[[N]]
// CHECK-NEXT:    %[[R:.*]] = sym.neg %[[SP]]
// CHECK-NEXT:    func.return %[[R]]
func.func @log_sigmoid(%x: tensor<?xf64>) -> tensor<?xf64> {
  %s = sym.sigmoid %x : tensor<?xf64>
  %l = sym.log %s : tensor<?xf64>
  func.return %l : tensor<?xf64>
}

// -----

// log(1 - sigmoid(x)) -> -softplus(x)
// CHECK-LABEL: func.func @log_one_minus_sigmoid
// CHECK-NEXT:    %[[SP:.*]] = sym.softplus %x
// CHECK-NEXT:    %[[R:.*]] = sym.neg %[[SP]]
// CHECK-NEXT:    func.return %[[R]]
func.func @log_one_minus_sigmoid(%x: tensor<?xf64>) -> tensor<?xf64> {
  %one = sym.constant dense<1.0> : tensor<1xf64>
  %s = sym.sigmoid %x : tensor<?xf64>
  %d = sym.sub %one, %s : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
  %l = sym.log %d : tensor<?xf64>
  func.return %l : tensor<?xf64>
}

// -----

// 1 - sigmoid(x) -> sigmoid(-x)
// CHECK-LABEL: func.func @one_minus_sigmoid
// CHECK-NEXT:    %[[N:.*]] = sym.neg %x
// CHECK-NEXT:    %[[S:.*]] = sym.sigmoid %[[N]]
// CHECK-NEXT:    func.return %[[S]]
func.func @one_minus_sigmoid(%x: tensor<?xf64>) -> tensor<?xf64> {
  %one = sym.constant dense<1.0> : tensor<1xf64>
  %s = sym.sigmoid %x : tensor<?xf64>
  %d = sym.sub %one, %s : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %d : tensor<?xf64>
}

// -----

// log(1 + exp(x)) -> softplus(x); log1p(exp(x)) -> softplus(x)
// CHECK-LABEL: func.func @softplus
// CHECK-NEXT:    %[[A:.*]] = sym.softplus %x
// CHECK-NEXT:    %[[B:.*]] = sym.softplus %x
// CHECK-NEXT:    func.return %[[A]], %[[B]]
func.func @softplus(%x: tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>) {
  %one = sym.constant dense<1.0> : tensor<1xf64>
  %e = sym.exp %x : tensor<?xf64>
  %d = sym.add %one, %e : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
  %l = sym.log %d : tensor<?xf64>
  %e2 = sym.exp %x : tensor<?xf64>
  %l2 = sym.log1p %e2 : tensor<?xf64>
  func.return %l, %l2 : tensor<?xf64>, tensor<?xf64>
}

// -----

// Not rewritten: the constant is not 1, or broadens the result's static shape.
// CHECK-LABEL: func.func @unchanged
// CHECK:         sym.div
// CHECK:         sym.div
// CHECK-NOT:     sym.sigmoid
func.func @unchanged(%x: tensor<?xf64>, %s: tensor<f64>) -> (tensor<?xf64>, tensor<3xf64>) {
  %two = sym.constant dense<2.0> : tensor<1xf64>
  %e = sym.exp %x : tensor<?xf64>
  %d = sym.add %two, %e : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
  %r = sym.div %two, %d : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
  %ones = sym.constant dense<1.0> : tensor<3xf64>
  %b = sym.dimshuffle %s pattern = array<i64: -1> : tensor<f64> -> tensor<1xf64>
  %eb = sym.exp %b : tensor<1xf64>
  %db = sym.add %ones, %eb : (tensor<3xf64>, tensor<1xf64>) -> tensor<3xf64>
  %rb = sym.div %ones, %db : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  func.return %r, %rb : tensor<?xf64>, tensor<3xf64>
}
