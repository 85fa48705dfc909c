// RUN: symopt %s -p cpu -t asm | filecheck %s
// RUN: not symopt %s -t asm 2>&1 | filecheck %s --check-prefix=UNLOWERED

// -t asm assembles the LLVM IR for the host CPU (after O3); the function is a
// global symbol with its label (a leading underscore on Mach-O hosts). The
// instructions depend on the host, so only the symbol is checked.
// CHECK:     {{^_?}}symopt.fn.main:
// CHECK-NOT: error

// Before lowering, the translation refuses the tensor signature with a one-line
// diagnostic.
// UNLOWERED: error: cannot translate to LLVM IR: @main has no calling-convention record (symopt.abi); run loop-abi (lower the module first, e.g. -p cpu)
// UNLOWERED-NOT: Traceback

func.func @main(%x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %one = sym.constant dense<1.0> : tensor<1x1xf64>
  %n = sym.neg %x : tensor<?x?xf64>
  %e = sym.exp %n : tensor<?x?xf64>
  %d = sym.add %one, %e : (tensor<1x1xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  %s = sym.div %one, %d : (tensor<1x1xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %s : tensor<?x?xf64>
}
