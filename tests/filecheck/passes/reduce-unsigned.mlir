// KNOWN BUG (remove this XFAIL when fixed): max/min/argmax/argmin reductions
// compare booleans and unsigned integers as signed. convert-loop-to-scf combines
// i1 with arith.maxsi/minsi (true is -1 as a signed i1, so max([True]) is False),
// and the loop dialect's signless types lose the unsignedness of ui8 & co, so
// their max/min use maxsi/minsi from a signed initial value and argmax/argmin a
// signed compare (np.max(uint8 [200, 100]) comes out as 100).
// XFAIL: *
// RUN: symopt %s -p cpu --split-input-file | filecheck %s

// CHECK-LABEL: func.func @bool_max_min
// CHECK:         scf.for {{.*}} -> (i1) {
// CHECK-NOT:       arith.maxsi
// CHECK:           {{arith.maxui|arith.ori}} %{{.*}}, %{{.*}} : i1
// CHECK:         scf.for {{.*}} -> (i1) {
// CHECK-NOT:       arith.minsi
// CHECK:           {{arith.minui|arith.andi}} %{{.*}}, %{{.*}} : i1
func.func @bool_max_min(%b: tensor<?xi1>) -> (tensor<i1>, tensor<i1>) {
  %0 = sym.reduce "max" %b axes = array<i64: 0> : tensor<?xi1> -> tensor<i1>
  %1 = sym.reduce "min" %b axes = array<i64: 0> : tensor<?xi1> -> tensor<i1>
  func.return %0, %1 : tensor<i1>, tensor<i1>
}

// -----

// CHECK-LABEL: func.func @uint8_max_min
// CHECK:         scf.for {{.*}} -> (i8) {
// CHECK-NOT:       arith.maxsi
// CHECK:           arith.maxui %{{.*}}, %{{.*}} : i8
// CHECK:         scf.for {{.*}} -> (i8) {
// CHECK-NOT:       arith.minsi
// CHECK:           arith.minui %{{.*}}, %{{.*}} : i8
func.func @uint8_max_min(%u: tensor<?xui8>) -> (tensor<ui8>, tensor<ui8>) {
  %0 = sym.reduce "max" %u axes = array<i64: 0> : tensor<?xui8> -> tensor<ui8>
  %1 = sym.reduce "min" %u axes = array<i64: 0> : tensor<?xui8> -> tensor<ui8>
  func.return %0, %1 : tensor<ui8>, tensor<ui8>
}

// -----

// CHECK-LABEL: func.func @uint8_argmax
// CHECK:         scf.for {{.*}} -> (i8, i64, i64) {
// CHECK:           arith.cmpi ugt, %{{.*}}, %{{.*}} : i8
func.func @uint8_argmax(%u: tensor<?xui8>) -> tensor<i64> {
  %0 = sym.arg_reduce "argmax" %u axes = array<i64: 0> : tensor<?xui8> -> tensor<i64>
  func.return %0 : tensor<i64>
}
