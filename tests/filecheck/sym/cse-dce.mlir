// RUN: symopt %s -p cse,dce --split-input-file | filecheck %s

// xDSL's cse and dce on sym: pure duplicates merge, dead pure ops vanish, and
// sym.write (a write effect) is never removed.

sym.global @w : tensor<?xf64>

// CHECK-LABEL: func.func @merge
func.func @merge(%x: tensor<?xf64>) -> tensor<?xf64> {
  // CHECK-NEXT: %[[E:.*]] = sym.exp %x
  // CHECK-NEXT: %[[S:.*]] = sym.add %[[E]], %[[E]]
  // CHECK-NEXT: sym.write @w, %[[S]]
  // CHECK-NEXT: func.return %[[S]]
  %a = sym.exp %x : tensor<?xf64>
  %b = sym.exp %x : tensor<?xf64>
  %dead = sym.log %x : tensor<?xf64>
  %s = sym.add %a, %b : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  sym.write @w, %s : tensor<?xf64>
  func.return %s : tensor<?xf64>
}

// -----

sym.global @w : tensor<?xf64>

// CHECK-LABEL: func.func @keep_write
func.func @keep_write(%x: tensor<?xf64>) {
  // CHECK-NEXT: %[[N:.*]] = sym.neg %x
  // CHECK-NEXT: sym.write @w, %[[N]]
  %n = sym.neg %x : tensor<?xf64>
  sym.write @w, %n : tensor<?xf64>
  func.return
}

// -----

// Two placeholders of one type are different inputs: cse must not merge them.
// CHECK-LABEL: func.func @placeholders
func.func @placeholders() -> (tensor<f64>, tensor<f64>) {
  // CHECK-NEXT: sym.placeholder "x"
  // CHECK-NEXT: sym.placeholder "y"
  %x = sym.placeholder "x" : tensor<f64>
  %y = sym.placeholder "y" : tensor<f64>
  func.return %x, %y : tensor<f64>, tensor<f64>
}
