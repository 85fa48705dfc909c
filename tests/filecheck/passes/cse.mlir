// RUN: symopt %s -p cse --split-input-file | filecheck %s

// cse on ops with regions: two loop.map ops over the same inputs merge only when
// their bodies are structurally the same (xDSL's rule); the key also hashes the
// body, so maps that differ only inside never meet in one hash bucket.

// The second map is the first one again (other value names, same structure):
// merged. The third differs in one constant, the fourth in the op, the fifth in
// which block argument it reads: all kept.
// CHECK-LABEL: func.func @maps
// CHECK-NEXT:    %[[A:.*]] = loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
// CHECK:           arith.constant 2.0{{0*}}e+00
// CHECK:         %[[C:.*]] = loop.map ins(%x, %y
// CHECK:           arith.constant 3.0{{0*}}e+00
// CHECK:         %[[D:.*]] = loop.map ins(%x, %y
// CHECK:           arith.subf
// CHECK:         %[[E:.*]] = loop.map ins(%x, %y
// CHECK:           arith.mulf %{{.*}}, %[[YE:.*]] : f64
// CHECK-NOT:     loop.map
// CHECK:         func.return %[[A]], %[[A]], %[[C]], %[[D]], %[[E]]
func.func @maps(%x: tensor<?xf64>, %y: tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>, tensor<?xf64>, tensor<?xf64>, tensor<?xf64>) {
  %a = loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%u: f64, %v: f64):
    %c = arith.constant 2.0 : f64
    %m = arith.mulf %u, %c : f64
    %s = arith.addf %m, %v : f64
    loop.yield %s : f64
  }
  %b = loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%p: f64, %q: f64):
    %k = arith.constant 2.0 : f64
    %n = arith.mulf %p, %k : f64
    %t = arith.addf %n, %q : f64
    loop.yield %t : f64
  }
  %c3 = loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%u: f64, %v: f64):
    %c = arith.constant 3.0 : f64
    %m = arith.mulf %u, %c : f64
    %s = arith.addf %m, %v : f64
    loop.yield %s : f64
  }
  %d = loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%u: f64, %v: f64):
    %c = arith.constant 2.0 : f64
    %m = arith.mulf %u, %c : f64
    %s = arith.subf %m, %v : f64
    loop.yield %s : f64
  }
  %e = loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%u: f64, %v: f64):
    %c = arith.constant 2.0 : f64
    %m = arith.mulf %c, %v : f64
    %s = arith.addf %m, %v : f64
    loop.yield %s : f64
  }
  func.return %a, %b, %c3, %d, %e : tensor<?xf64>, tensor<?xf64>, tensor<?xf64>, tensor<?xf64>, tensor<?xf64>
}

// -----

// Inside a region, what is known outside stays known (a scope is pushed, not a
// copy made): the inner 1.0 becomes the outer one. What is known inside does not
// leak out: the 5.0 after the map stays.
// CHECK-LABEL: func.func @scopes
// CHECK-NEXT:    %[[ONE:.*]] = arith.constant 1.0{{0*}}e+00 : f64
// CHECK-NEXT:    %[[M:.*]] = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[U:.*]]: f64):
// CHECK-NEXT:      %[[N:.*]] = arith.negf %[[U]] : f64
// CHECK-NEXT:      %[[FIVE:.*]] = arith.constant 5.0{{0*}}e+00 : f64
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[N]], %[[N]] : f64
// CHECK-NEXT:      %[[T:.*]] = arith.addf %[[S]], %[[ONE]] : f64
// CHECK-NEXT:      %[[R:.*]] = arith.addf %[[T]], %[[FIVE]] : f64
// CHECK-NEXT:      loop.yield %[[R]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[F:.*]] = arith.constant 5.0{{0*}}e+00 : f64
// CHECK-NEXT:    func.return %[[M]], %[[ONE]], %[[F]]
func.func @scopes(%x: tensor<?xf64>) -> (tensor<?xf64>, f64, f64) {
  %one = arith.constant 1.0 : f64
  %m = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%u: f64):
    %n1 = arith.negf %u : f64
    %n2 = arith.negf %u : f64
    %k = arith.constant 1.0 : f64
    %five = arith.constant 5.0 : f64
    %s = arith.addf %n1, %n2 : f64
    %t = arith.addf %s, %k : f64
    %r = arith.addf %t, %five : f64
    loop.yield %r : f64
  }
  %f = arith.constant 5.0 : f64
  func.return %m, %one, %f : tensor<?xf64>, f64, f64
}
