// REQUIRES: libmvec-avx2
// RUN: symopt %s -p cpu -t 'llvm{vector_bits=256}' | filecheck %s
// RUN: symopt %s -p cpu -t 'llvm{opt=true vector_bits=256}' | filecheck %s --check-prefix=OPT
// RUN: symopt %s -p cpu -t 'llvm{vector_math=false}' | filecheck %s --check-prefix=PORTABLE

// On a host with glibc's vector math library (libmvec) and AVX2, math calls are
// calls to the C functions, declared pure and naming their SIMD variants (the
// x86-64 vector function ABI: b = SSE, 2 doubles; d = AVX2, 4 doubles). The
// variants are kept in llvm.compiler.used, so that they are still declared when
// the loop vectorizer looks for them. vector_bits=256 leaves out the 512-bit
// variants of AVX-512 hosts (vector-math-512.mlir checks those).
// CHECK-LABEL: define internal void @"symopt.fn.smooth.loop1"
// CHECK:         call double @"tanh"(double
// CHECK:         call double @"log1p"(double
// CHECK:         call double @"pow"(double %{{.*}}, double
// CHECK:       declare double @"tanh"(double %".1") "vector-function-abi-variant"="_ZGV_LLVM_N2v_tanh(_ZGVbN2v_tanh),_ZGV_LLVM_N4v_tanh(_ZGVdN4v_tanh)" memory(none) nounwind willreturn
// CHECK:       declare <4 x double> @"_ZGVdN4v_tanh"(<4 x double> %".1")
// CHECK:       declare double @"log1p"(double %".1") "vector-function-abi-variant"="_ZGV_LLVM_N2v_log1p(_ZGVbN2v_log1p),_ZGV_LLVM_N4v_log1p(_ZGVdN4v_log1p)"
// CHECK:       declare double @"pow"(double %".1", double %".2") "vector-function-abi-variant"="_ZGV_LLVM_N2vv_pow(_ZGVbN2vv_pow),_ZGV_LLVM_N4vv_pow(_ZGVdN4vv_pow)"
// CHECK:       @"llvm.compiler.used" = appending global [6 x i8*]
// CHECK-SAME:    @"_ZGVdN4v_tanh"
// CHECK-SAME:    @"_ZGVdN4vv_pow"
// CHECK-SAME:    section "llvm.metadata"

// After O3 the vectorized loop calls the 4-lane variants (the scalar remainder
// still calls the C functions).
// OPT-LABEL: define internal {{.*}}@symopt.fn.smooth.loop1(
// OPT-DAG:     call <4 x double> @_ZGVdN4v_tanh(<4 x double>
// OPT-DAG:     call <4 x double> @_ZGVdN4v_log1p(<4 x double>
// OPT-DAG:     call <4 x double> @_ZGVdN4vv_pow(<4 x double>

// Without vector math, LLVM's intrinsics where there are some (log1p has none).
// PORTABLE:     call double @"llvm.tanh.f64"(double
// PORTABLE:     call double @"log1p"(double
// PORTABLE:     call double @"llvm.pow.f64"(double
// PORTABLE-NOT: vector-function-abi-variant
// PORTABLE-NOT: _ZGV

func.func @smooth(%x: tensor<?xf64>, %y: tensor<?xf64>) -> tensor<?xf64> {
  %t = sym.tanh %x : tensor<?xf64>
  %l = sym.log1p %t : tensor<?xf64>
  %p = sym.pow %l, %y : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %p : tensor<?xf64>
}
