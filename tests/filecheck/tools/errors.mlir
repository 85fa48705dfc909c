// Errors in the input are diagnostics with exit status 1, never tracebacks.

// RUN: not symopt %s 2>&1 | filecheck %s --check-prefix=VERIFY
// RUN: not symopt %s -p csee 2>&1 | filecheck %s --check-prefix=PASS
// RUN: not symopt %s -p 'cse{' 2>&1 | filecheck %s --check-prefix=SPEC
// RUN: not symopt %S/does-not-exist.mlir 2>&1 | filecheck %s --check-prefix=MISSING
// RUN: echo 'func.func @f() { %0 = sym.exp : }' | not symopt 2>&1 | filecheck %s --check-prefix=PARSE

// VERIFY: error: 'sym.add' op operand shapes differ in dimension 0: tensor<3xf64> vs tensor<4xf64>
// VERIFY-NOT: Traceback
// PASS: symopt: error: unknown pass 'csee'; did you mean 'cse' or 'dce'?
// SPEC: symopt: error: invalid pass pipeline
// MISSING: symopt: error:
// MISSING-SAME: does-not-exist.mlir
// PARSE: stdin:1:{{[0-9]+}}: error:
// PARSE-NOT: Traceback

func.func @f(%a: tensor<3xf64>, %b: tensor<4xf64>) -> tensor<3xf64> {
  %0 = sym.add %a, %b : (tensor<3xf64>, tensor<4xf64>) -> tensor<3xf64>
  func.return %0 : tensor<3xf64>
}
