// RUN: symopt --load %plugin %s -p fuse-mul-add --split-input-file | filecheck %s
// RUN: symopt --load %plugin %s -p fuse-mul-add,cpu -t llvm --split-input-file | filecheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @axpy
// CHECK-NEXT:    %[[R:.*]] = fma.fma %x, %a, %y : (tensor<?xf64>, tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
// CHECK-NEXT:    func.return %[[R]]
// LLVM-LABEL: define i32 @"symopt.fn.axpy"
// LLVM:         call double @"llvm.fma.f64"
func.func @axpy(%x: tensor<?xf64>, %a: tensor<?xf64>, %y: tensor<?xf64>) -> tensor<?xf64> {
  %m = sym.mul %x, %a : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  %r = sym.add %y, %m : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// The product is used twice: fusing would compute it twice, so it stays.
// CHECK-LABEL: func.func @shared_product
// CHECK:         sym.mul
// CHECK-NEXT:    sym.add
// CHECK-NOT:     fma.fma
func.func @shared_product(%x: tensor<?xf64>, %y: tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>) {
  %m = sym.mul %x, %x : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  %r = sym.add %m, %y : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %r, %m : tensor<?xf64>, tensor<?xf64>
}

// -----

// Integers have no fused multiply-add.
// CHECK-LABEL: func.func @ints
// CHECK-NOT:     fma.fma
func.func @ints(%x: tensor<?xi32>, %y: tensor<?xi32>) -> tensor<?xi32> {
  %m = sym.mul %x, %x : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32>
  %r = sym.add %m, %y : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32>
  func.return %r : tensor<?xi32>
}
