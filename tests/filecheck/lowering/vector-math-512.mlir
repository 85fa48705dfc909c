// REQUIRES: libmvec-avx512
// RUN: symopt %s -p cpu -t llvm | filecheck %s
// RUN: symopt %s -p cpu -t 'llvm{opt=true}' | filecheck %s --check-prefix=OPT
// RUN: symopt %s -p cpu -t 'llvm{vector_bits=256}' | filecheck %s --check-prefix=AVX2

// On an AVX-512 host, math functions also name libmvec's 512-bit variants (e:
// 8 doubles), and every function prefers 512-bit vectors: LLVM then passes
// <8 x double> in one zmm register, as the vector function ABI does (where it
// prefers 256-bit vectors it splits them over two ymm registers).
// CHECK-LABEL: define i32 @"symopt.fn.smooth"
// CHECK-SAME:    "prefer-vector-width"="512"
// CHECK:       define internal void @"symopt.fn.smooth.loop1"
// CHECK-SAME:    "prefer-vector-width"="512"
// CHECK:       declare double @"tanh"(double %".1") "vector-function-abi-variant"="_ZGV_LLVM_N2v_tanh(_ZGVbN2v_tanh),_ZGV_LLVM_N4v_tanh(_ZGVdN4v_tanh),_ZGV_LLVM_N8v_tanh(_ZGVeN8v_tanh)"
// CHECK:       declare <8 x double> @"_ZGVeN8v_tanh"(<8 x double> %".1")
// CHECK:       @"llvm.compiler.used" = appending global [6 x i8*]
// CHECK-SAME:    @"_ZGVeN8v_tanh"
// CHECK-SAME:    @"_ZGVeN8v_exp"

// After O3 the vectorized loop calls the 8-lane variants.
// OPT-LABEL: define internal {{.*}}@symopt.fn.smooth.loop1(
// OPT-DAG:     call <8 x double> @_ZGVeN8v_tanh(<8 x double>
// OPT-DAG:     call <8 x double> @_ZGVeN8v_exp(<8 x double>

// Capped at 256 bits: no 512-bit variant, no preference.
// AVX2-NOT: prefer-vector-width
// AVX2-NOT: _ZGVe

func.func @smooth(%x: tensor<?xf64>) -> tensor<?xf64> {
  %t = sym.tanh %x : tensor<?xf64>
  %e = sym.exp %t : tensor<?xf64>
  func.return %e : tensor<?xf64>
}
