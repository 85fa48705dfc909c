// RUN: symopt %s | filecheck %s
// RUN: symopt %s | symopt | filecheck %s
// RUN: symopt %s --print-op-generic | symopt | filecheck %s

// Every sym op prints in its custom form and round-trips through the parser.

// CHECK-LABEL: sym.global @w : tensor<?xf64>
sym.global @w : tensor<?xf64>
// CHECK-NEXT: sym.global @b : tensor<f64>
sym.global @b : tensor<f64>

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%x: tensor<?x784xf64>, %r: tensor<1x784xf64>, %i: tensor<?xi32>) -> tensor<?x784xf64> {
  // CHECK: %[[A:.*]] = sym.add %x, %r : (tensor<?x784xf64>, tensor<1x784xf64>) -> tensor<?x784xf64>
  %a = sym.add %x, %r : (tensor<?x784xf64>, tensor<1x784xf64>) -> tensor<?x784xf64>
  // CHECK-NEXT: %{{.*}} = sym.sub %[[A]], %x : (tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xf64>
  %s = sym.sub %a, %x : (tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xf64>
  // CHECK-NEXT: sym.mul
  %m = sym.mul %s, %x : (tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xf64>
  // CHECK-NEXT: sym.div
  %d = sym.div %m, %x : (tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xf64>
  // CHECK-NEXT: sym.floordiv
  %fd = sym.floordiv %i, %i : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32>
  // CHECK-NEXT: sym.mod
  %md = sym.mod %i, %i : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32>
  // CHECK-NEXT: sym.pow
  %p = sym.pow %d, %x : (tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xf64>
  // CHECK-NEXT: sym.maximum
  %mx = sym.maximum %p, %x : (tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xf64>
  // CHECK-NEXT: sym.minimum
  %mn = sym.minimum %mx, %x : (tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xf64>
  // CHECK-NEXT: sym.atan2
  %at = sym.atan2 %mn, %x : (tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xf64>
  // CHECK-NEXT: sym.and
  %an = sym.and %i, %i : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32>
  // CHECK-NEXT: sym.or
  %o = sym.or %i, %i : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32>
  // CHECK-NEXT: sym.xor
  %xo = sym.xor %i, %i : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32>
  // CHECK-NEXT: %[[C:.*]] = sym.cmp "lt", %{{.*}}, %x : (tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xi1>
  %c = sym.cmp "lt", %at, %x : (tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xi1>
  // CHECK-NEXT: sym.select %[[C]], %x, %{{.*}} : (tensor<?x784xi1>, tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xf64>
  %sel = sym.select %c, %x, %at : (tensor<?x784xi1>, tensor<?x784xf64>, tensor<?x784xf64>) -> tensor<?x784xf64>
  // CHECK-NEXT: sym.clip
  %cl = sym.clip %sel, %r, %r : (tensor<?x784xf64>, tensor<1x784xf64>, tensor<1x784xf64>) -> tensor<?x784xf64>
  // CHECK-NEXT: sym.cast %i : tensor<?xi32> to tensor<?xf64>
  %f = sym.cast %i : tensor<?xi32> to tensor<?xf64>
  // CHECK-NEXT: sym.neg %{{.*}} : tensor<?x784xf64>
  %n = sym.neg %cl : tensor<?x784xf64>
  // CHECK-NEXT: sym.abs
  %ab = sym.abs %n : tensor<?x784xf64>
  // CHECK-NEXT: sym.sign
  %sg = sym.sign %ab : tensor<?x784xf64>
  // CHECK-NEXT: sym.invert %i : tensor<?xi32>
  %iv = sym.invert %i : tensor<?xi32>
  // CHECK-NEXT: sym.exp
  %e = sym.exp %sg : tensor<?x784xf64>
  // CHECK-NEXT: sym.log
  %l = sym.log %e : tensor<?x784xf64>
  // CHECK-NEXT: sym.log1p
  %l1 = sym.log1p %l : tensor<?x784xf64>
  // CHECK-NEXT: sym.expm1
  %em = sym.expm1 %l1 : tensor<?x784xf64>
  // CHECK-NEXT: sym.log2
  %l2 = sym.log2 %em : tensor<?x784xf64>
  // CHECK-NEXT: sym.log10
  %l10 = sym.log10 %l2 : tensor<?x784xf64>
  // CHECK-NEXT: sym.sqrt
  %sq = sym.sqrt %l10 : tensor<?x784xf64>
  // CHECK-NEXT: sym.tanh
  %th = sym.tanh %sq : tensor<?x784xf64>
  // CHECK-NEXT: sym.sinh
  %sh = sym.sinh %th : tensor<?x784xf64>
  // CHECK-NEXT: sym.cosh
  %ch = sym.cosh %sh : tensor<?x784xf64>
  // CHECK-NEXT: sym.sin
  %sn = sym.sin %ch : tensor<?x784xf64>
  // CHECK-NEXT: sym.cos
  %cs = sym.cos %sn : tensor<?x784xf64>
  // CHECK-NEXT: sym.tan
  %tn = sym.tan %cs : tensor<?x784xf64>
  // CHECK-NEXT: sym.asin
  %as = sym.asin %tn : tensor<?x784xf64>
  // CHECK-NEXT: sym.acos
  %ac = sym.acos %as : tensor<?x784xf64>
  // CHECK-NEXT: sym.atan
  %atn = sym.atan %ac : tensor<?x784xf64>
  // CHECK-NEXT: sym.floor
  %fl = sym.floor %atn : tensor<?x784xf64>
  // CHECK-NEXT: sym.ceil
  %ce = sym.ceil %fl : tensor<?x784xf64>
  // CHECK-NEXT: sym.round_even
  %re = sym.round_even %ce : tensor<?x784xf64>
  // CHECK-NEXT: sym.sigmoid
  %sig = sym.sigmoid %re : tensor<?x784xf64>
  // CHECK-NEXT: sym.softplus
  %sp = sym.softplus %sig : tensor<?x784xf64>
  func.return %sp : tensor<?x784xf64>
}

// CHECK-LABEL: func.func @structure
func.func @structure(%x: tensor<?x3xf64>, %v: tensor<3xf64>, %k: tensor<i64>) -> tensor<?xf64> {
  // CHECK: sym.constant dense<1.000000e+00> : tensor<f64>
  %one = sym.constant dense<1.0> : tensor<f64>
  // CHECK-NEXT: sym.constant dense<[2, 3]> : tensor<2xi64>
  %shp = sym.constant dense<[2, 3]> : tensor<2xi64>
  // CHECK-NEXT: sym.constant dense<[true, false]> : tensor<2xi1>
  %bools = sym.constant dense<[true, false]> : tensor<2xi1>
  // CHECK-NEXT: sym.reduce "sum" %x axes = array<i64: 0> : tensor<?x3xf64> -> tensor<3xf64>
  %s = sym.reduce "sum" %x axes = array<i64: 0> : tensor<?x3xf64> -> tensor<3xf64>
  // CHECK-NEXT: sym.reduce "max" %x axes = array<i64: 0, 1> keepdims : tensor<?x3xf64> -> tensor<1x1xf64>
  %mx = sym.reduce "max" %x axes = array<i64: 0, 1> keepdims : tensor<?x3xf64> -> tensor<1x1xf64>
  // CHECK-NEXT: sym.arg_reduce "argmax" %x axes = array<i64: 1> : tensor<?x3xf64> -> tensor<?xi64>
  %am = sym.arg_reduce "argmax" %x axes = array<i64: 1> : tensor<?x3xf64> -> tensor<?xi64>
  // CHECK-NEXT: %[[D:.*]] = sym.dot %x, %v : (tensor<?x3xf64>, tensor<3xf64>) -> tensor<?xf64>
  %d = sym.dot %x, %v : (tensor<?x3xf64>, tensor<3xf64>) -> tensor<?xf64>
  // CHECK-NEXT: sym.dimshuffle %x pattern = array<i64: 1, -1, 0> : tensor<?x3xf64> -> tensor<3x1x?xf64>
  %t = sym.dimshuffle %x pattern = array<i64: 1, -1, 0> : tensor<?x3xf64> -> tensor<3x1x?xf64>
  // CHECK-NEXT: sym.shape %x : tensor<?x3xf64> -> tensor<2xi64>
  %xs = sym.shape %x : tensor<?x3xf64> -> tensor<2xi64>
  // CHECK-NEXT: sym.reshape %x, %shp : (tensor<?x3xf64>, tensor<2xi64>) -> tensor<2x3xf64>
  %rs = sym.reshape %x, %shp : (tensor<?x3xf64>, tensor<2xi64>) -> tensor<2x3xf64>
  // CHECK-NEXT: sym.subtensor %x[%k, 1:] : tensor<?x3xf64> -> tensor<2xf64>
  %st = sym.subtensor %x[%k, 1:] : tensor<?x3xf64> -> tensor<2xf64>
  // CHECK-NEXT: sym.subtensor %x[::-1, -1] : tensor<?x3xf64> -> tensor<?xf64>
  %st2 = sym.subtensor %x[::-1, -1] : tensor<?x3xf64> -> tensor<?xf64>
  // CHECK-NEXT: sym.concatenate %x, %x axis = 0 : (tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64>
  %cc = sym.concatenate %x, %x axis = 0 : (tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64>
  // CHECK-NEXT: sym.alloc %{{.*}}, %xs : (tensor<1x1xf64>, tensor<2xi64>) -> tensor<?x3xf64>
  %al = sym.alloc %mx, %xs : (tensor<1x1xf64>, tensor<2xi64>) -> tensor<?x3xf64>
  // CHECK-NEXT: sym.arange %k, %k, %k : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %ar = sym.arange %k, %k, %k : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  // CHECK-NEXT: %[[W:.*]] = sym.read @w : tensor<?xf64>
  %w = sym.read @w : tensor<?xf64>
  // CHECK-NEXT: sym.write @w, %[[D]] : tensor<?xf64>
  sym.write @w, %d : tensor<?xf64>
  // CHECK-NEXT: sym.placeholder "x" : tensor<?xf64>
  %ph = sym.placeholder "x" : tensor<?xf64>
  func.return %w : tensor<?xf64>
}

// CHECK-LABEL: func.func @updates_and_loops
func.func @updates_and_loops(%x: tensor<?x3xf64>, %y: tensor<3xf64>, %k: tensor<i64>) -> (tensor<?x3xf64>, tensor<?x3xf64>, tensor<?xf64>) {
  // CHECK-NEXT: sym.inc_subtensor %x[%k], %y : tensor<?x3xf64>, tensor<3xf64>
  %a = sym.inc_subtensor %x[%k], %y : tensor<?x3xf64>, tensor<3xf64>
  // CHECK-NEXT: sym.constant
  // CHECK-NEXT: sym.set_subtensor %x[1:, ::2], %{{.*}} : tensor<?x3xf64>, tensor<1x1xf64>
  %one = sym.constant dense<1.0> : tensor<1x1xf64>
  %b = sym.set_subtensor %x[1:, ::2], %one : tensor<?x3xf64>, tensor<1x1xf64>
  // CHECK:      sym.map_index %k : tensor<i64> -> tensor<?xf64> {
  // CHECK-NEXT: ^{{.*}}(%[[I:.*]]: tensor<i64>):
  // CHECK-NEXT:   %[[R:.*]] = sym.subtensor %y[%[[I]]] : tensor<3xf64> -> tensor<f64>
  // CHECK-NEXT:   sym.yield %[[R]] : tensor<f64>
  // CHECK-NEXT: }
  %c = sym.map_index %k : tensor<i64> -> tensor<?xf64> {
  ^bb0(%i: tensor<i64>):
    %r = sym.subtensor %y[%i] : tensor<3xf64> -> tensor<f64>
    sym.yield %r : tensor<f64>
  }
  func.return %a, %b, %c : tensor<?x3xf64>, tensor<?x3xf64>, tensor<?xf64>
}
