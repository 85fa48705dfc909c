// max/min/argmax/argmin reductions of booleans and unsigned integers compare
// unsigned: booleans combine with ori/andi, ui8 & co carry an {unsigned} marker
// through fusion and bufferization to maxui/minui and unsigned compares.
// RUN: symopt %s -p cpu --split-input-file | filecheck %s
// RUN: symopt %s -p convert-sym-to-loop,loop-fuse --split-input-file | filecheck %s --check-prefix=FUSE
// RUN: symopt %s -p convert-sym-to-loop,loop-bufferize --split-input-file | filecheck %s --check-prefix=BUF

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

// BUF-LABEL: func.func @uint8_max_min
// BUF:         loop.reduce "max" ins(%u : memref<?xi8>) outs(%{{.*}} : memref<i8>) axes [0] attributes {unsigned}
// BUF:         loop.reduce "min" ins(%u : memref<?xi8>) outs(%{{.*}} : memref<i8>) axes [0] attributes {unsigned}
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

// BUF-LABEL: func.func @uint8_argmax
// BUF:         loop.reduce "argmax" ins(%u : memref<?xi8>) outs(%{{.*}} : memref<i64>) axes [0] attributes {unsigned}
// CHECK-LABEL: func.func @uint8_argmax
// CHECK:         scf.for {{.*}} -> (i8, i64, i64) {
// CHECK:           arith.cmpi ugt, %{{.*}}, %{{.*}} : i8
func.func @uint8_argmax(%u: tensor<?xui8>) -> tensor<i64> {
  %0 = sym.arg_reduce "argmax" %u axes = array<i64: 0> : tensor<?xui8> -> tensor<i64>
  func.return %0 : tensor<i64>
}

// -----

// Fusing a producer into an {unsigned} reduction keeps the marker.
// FUSE-LABEL: func.func @uint8_fused
// FUSE-NEXT:    loop.reduce "max" ins(%u : tensor<?xui8>) axes [0] -> tensor<ui8> attributes {unsigned} {
// FUSE:           arith.addi
// CHECK-LABEL: func.func @uint8_fused
// CHECK:         arith.addi
// CHECK-NEXT:    arith.maxui %{{.*}}, %{{.*}} : i8
func.func @uint8_fused(%u: tensor<?xui8>) -> tensor<ui8> {
  %a = sym.add %u, %u : (tensor<?xui8>, tensor<?xui8>) -> tensor<?xui8>
  %0 = sym.reduce "max" %a axes = array<i64: 0> : tensor<?xui8> -> tensor<ui8>
  func.return %0 : tensor<ui8>
}
