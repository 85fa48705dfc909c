// RUN: symopt-run %s --arg '[1, 2, 3]' --global 'w=[1.0, 1.0, 1.0]' | filecheck %s
// RUN: symopt-run %s --arg '[1, 2, 3]' --global 'w=[1.0, 1.0, 1.0]' --mode py | filecheck %s
// RUN: symopt %s -p cpu | symopt-run - --arg '[1, 2, 3]' --global 'w=[1.0, 1.0, 1.0]' | filecheck %s
// RUN: not symopt-run %s --arg '[1, 2]' --global 'w=[1.0, 1.0, 1.0]' 2>&1 | filecheck %s --check-prefix=ERR

// symopt-run runs a function of an IR file, at any stage (here sym, then scf
// after `symopt -p cpu`), and prints its results, then the globals it updated,
// as NumPy prints them: MLIR's integration tests, for numbers.

// CHECK:      6.0
// CHECK-NEXT: @w = [2. 3. 4.]
// A failed run check is one line, exit status 1.
// ERR: symopt-run: error: shape mismatch in {{.*}}: dimension 0 of %w has size 3, but %x has size 2 there

sym.global @w : tensor<?xf64>
func.func @main(%x: tensor<?xf64>) -> tensor<f64> {
  %w = sym.read @w : tensor<?xf64>
  %p = sym.mul %x, %w : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  %s = sym.reduce "sum" %p axes = array<i64: 0> : tensor<?xf64> -> tensor<f64>
  %n = sym.add %w, %x : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  sym.write @w, %n : tensor<?xf64>
  func.return %s : tensor<f64>
}
