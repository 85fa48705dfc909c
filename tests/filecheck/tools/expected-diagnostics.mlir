// RUN: symopt %s --split-input-file --verify-diagnostics -p convert-sym-to-loop
// RUN: not symopt %S/Inputs/diagnostics-mismatch.mlir --split-input-file --verify-diagnostics 2>&1 | filecheck %s --check-prefix=MISMATCH
// RUN: symopt %S/Inputs/diagnostics-mismatch.mlir --split-input-file --print-diagnostics | filecheck %s --check-prefix=PRINT

// --verify-diagnostics is MLIR's: every diagnostic must be announced by an
// expected-error annotation on its line (or @+N, @-N, @above, @below; @unknown
// for a pass's error, which names no line), and every annotation must be met.
// This file meets all of them (exit 0); Inputs/diagnostics-mismatch.mlir does
// not, and each mismatch is one line with the file and line (exit 1).
// --print-diagnostics keeps xDSL's behaviour: print the error, exit 0.

func.func @verifier(%a: tensor<3xf64>, %b: tensor<4xf64>) -> tensor<3xf64> {
  %0 = sym.add %a, %b : (tensor<3xf64>, tensor<4xf64>) -> tensor<3xf64> // expected-error {{operand shapes differ}}
  func.return %0 : tensor<3xf64>
}

// -----

func.func @below(%a: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @below {{'sym.dimshuffle' op invalid pattern}}
  %0 = sym.dimshuffle %a pattern = array<i64: 3> : tensor<3xf64> -> tensor<1xf64>
  func.return %0 : tensor<1xf64>
}

// -----

func.func @parse(%a: tensor<3xf64>) -> tensor<3xf64> {
  %0 = sym.exp %a, : tensor<3xf64>
  // expected-error @-1 {{Expected ':'}}
  func.return %0 : tensor<3xf64>
}

// -----

// expected-error @unknown {{convert-sym-to-loop: 'sym.random' draws on the host; run sym-split-host first}}
sym.global @r : !sym.random_state
func.func @pass_error() -> tensor<2xf64> {
  %s = sym.read @r : !sym.random_state
  %n = sym.constant dense<2> : tensor<1xi64>
  %lo = sym.constant dense<0.0> : tensor<f64>
  %hi = sym.constant dense<1.0> : tensor<f64>
  %s1, %u = sym.random "uniform" %s, %n(%lo, %hi) : (!sym.random_state, tensor<1xi64>, tensor<f64>, tensor<f64>) -> (!sym.random_state, tensor<2xf64>)
  func.return %u : tensor<2xf64>
}

// -----

// A chunk without errors is lowered and printed.
func.func @fine(%a: tensor<3xf64>) -> tensor<3xf64> {
  func.return %a : tensor<3xf64>
}

// MISMATCH: diagnostics-mismatch.mlir:4: error: unexpected error: 'sym.add' op operand shapes differ in dimension 0
// MISMATCH: diagnostics-mismatch.mlir:3: error: expected error "shapes agree" at line 4 was not produced
// MISMATCH: diagnostics-mismatch.mlir:11: error: expected error "anything" at line 12 was not produced
// MISMATCH: diagnostics-mismatch.mlir:17: error: expected warning "a warning" at line 18 was not produced
// MISMATCH: diagnostics-mismatch.mlir:26: error: unexpected error: 'sym.mul' op operands differ in rank
// MISMATCH: diagnostics-mismatch.mlir:25: error: expected error "operands differ in rank" at line 25 was not produced
// PRINT: 'sym.add' op operand shapes differ in dimension 0
// PRINT: 'sym.mul' op operands differ in rank
