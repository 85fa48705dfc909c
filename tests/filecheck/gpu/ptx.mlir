// REQUIRES: cuda-toolkit
// RUN: symopt %s -p gpu -t ptx --split-input-file | filecheck %s
// RUN: symopt %s -p gpu -t 'ptx{arch=sm_80}' --split-input-file | filecheck %s --check-prefix=SM80

// PTX from llvmlite's NVPTX target: one .entry per kernel, for sm_90 unless
// another architecture is asked for; transcendentals come from libdevice,
// linked in (no call to an external function remains).

// CHECK:       .target sm_90
// CHECK:       .visible .entry tanh_map0(
// CHECK:       .maxntid 256, 1, 1
// CHECK-NOT:   call{{.*}}__nv_tanh
// CHECK:       ret;
// SM80:        .target sm_80
func.func @tanh(%x: tensor<?xf64>) -> tensor<?xf64> {
  %t = sym.tanh %x : tensor<?xf64>
  func.return %t : tensor<?xf64>
}

// -----

// A reduction: shared memory and barriers.
// CHECK:       .target sm_90
// CHECK:       .entry total_partials
// CHECK:       .shared
// CHECK:       bar.sync 0;
// CHECK:       .entry total_final
// CHECK:       .entry total_reduce
func.func @total(%x: tensor<?xf32>) -> tensor<f32> {
  %s = sym.reduce "sum" %x axes = array<i64: 0> : tensor<?xf32> -> tensor<f32>
  func.return %s : tensor<f32>
}

// -----

// dot: the tiled kernel.
// CHECK:       .entry mv_dot0
// CHECK:       .maxntid 16, 16, 1
// CHECK:       ld.shared.{{f64|b64}}
// CHECK:       mul.rn.f64
// CHECK-NEXT:  add.rn.f64
func.func @mv(%a: tensor<?x?xf64>, %v: tensor<?xf64>) -> tensor<?xf64> {
  %c = sym.dot %a, %v : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %c : tensor<?xf64>
}

// -----

// MRG31k3p: integer arithmetic on 32-bit words, one stream per thread.
// CHECK:       .entry mrg_parallel
// CHECK:       mul.wide
// CHECK:       st.global.{{f64|b64}}
func.func @mrg(%state: tensor<?x6xi32>, %size: tensor<1xi64>) -> (tensor<?x6xi32>, tensor<?xf64>) {
  %s1, %x = sym.mrg_uniform %state, %size : (tensor<?x6xi32>, tensor<1xi64>) -> (tensor<?x6xi32>, tensor<?xf64>)
  func.return %s1, %x : tensor<?x6xi32>, tensor<?xf64>
}
