// Annotations that do not match (used by ../expected-diagnostics.mlir).
func.func @wrong_text(%a: tensor<3xf64>, %b: tensor<4xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{shapes agree}}
  %0 = sym.add %a, %b : (tensor<3xf64>, tensor<4xf64>) -> tensor<3xf64>
  func.return %0 : tensor<3xf64>
}

// -----

func.func @no_error(%a: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{anything}}
  func.return %a : tensor<3xf64>
}

// -----

// expected-warning @+1 {{a warning}}
func.func @no_warning(%a: tensor<3xf64>) -> tensor<3xf64> {
  func.return %a : tensor<3xf64>
}

// -----

func.func @wrong_line(%a: tensor<3xf64>, %b: tensor<1x3xf64>) -> tensor<3xf64> {
  // expected-error {{operands differ in rank}}
  %0 = sym.mul %a, %b : (tensor<3xf64>, tensor<1x3xf64>) -> tensor<3xf64>
  func.return %0 : tensor<3xf64>
}
