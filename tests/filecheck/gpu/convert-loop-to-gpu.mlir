// RUN: symopt %s -p gpu --split-input-file | filecheck %s

// convert-loop-to-gpu: each parallel loop of the bufferized function becomes a
// gpu.func launched from the function, which keeps the host's work.

// An elementwise map (fused) over contiguous buffers: one grid-stride loop over a flat
// index, BLOCK (256) threads per block, at most 4096 blocks.
// CHECK-LABEL: func.func @sigmoid
// CHECK:         %[[OUT:.*]] = memref.alloc
// CHECK:         arith.ceildivui
// CHECK:         arith.minui
// CHECK:         "gpu.launch_func"({{.*}}, %[[OUT]], %x) <{kernel = @kernels::@sigmoid_map0
// CHECK:         func.return %[[OUT]]
// CHECK:       "gpu.module"() <{sym_name = "kernels"}>
// CHECK:       "gpu.func"()
// CHECK:         "gpu.thread_id"() <{dimension = #gpu<dim x>}>
// CHECK:         "gpu.block_id"()
// CHECK:         "gpu.grid_dim"()
// CHECK:         scf.for
// CHECK:           math.exp
// CHECK:           memref.store
// CHECK:         "gpu.return"()
// CHECK:       sym_name = "sigmoid_map0", gpu.known_block_size = array<i32: 256, 1, 1>
func.func @sigmoid(%x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %n = sym.neg %x : tensor<?x?xf64>
  %e = sym.exp %n : tensor<?x?xf64>
  %s = sym.tanh %e : tensor<?x?xf64>
  func.return %s : tensor<?x?xf64>
}

// -----

// A reduction: a block per output with a shared-memory tree (eight barrier-
// separated steps for 256 threads); when there are few outputs, per-block
// partials and a final kernel.
// CHECK-LABEL: func.func @colsum
// CHECK:         scf.if
// CHECK:           memref.alloc
// CHECK:           @kernels::@colsum_partials
// CHECK:           @kernels::@colsum_final
// CHECK:         } else {
// CHECK:           @kernels::@colsum_reduce
// CHECK:       sym_name = "kernels"
// CHECK:         memref.alloca() : memref<256xf64, 3 : i64>
// CHECK-COUNT-8: "gpu.barrier"()
// CHECK:         arith.cmpi eq
// CHECK:         scf.if
// CHECK:         "gpu.barrier"()
// CHECK:       sym_name = "colsum_partials{{[0-9]+}}"
func.func @colsum(%x: tensor<?x?xf64>) -> tensor<?xf64> {
  %s = sym.reduce "sum" %x axes = array<i64: 0> : tensor<?x?xf64> -> tensor<?xf64>
  func.return %s : tensor<?xf64>
}

// -----

// dot: a tiled kernel, 16 x 16 threads, both tiles in shared memory, the
// accumulation between two barriers.
// CHECK-LABEL: func.func @matmul
// CHECK:         "gpu.launch_func"({{.*}}) <{kernel = @kernels::@matmul_dot0
// CHECK:       "gpu.func"()
// CHECK:         memref.alloca() : memref<16x16xf64, 3 : i64>
// CHECK:         memref.alloca() : memref<16x16xf64, 3 : i64>
// CHECK:         "gpu.thread_id"() <{dimension = #gpu<dim y>}>
// CHECK:         scf.for {{.*}} iter_args
// CHECK:           "gpu.barrier"()
// CHECK:           arith.mulf
// CHECK:           "gpu.barrier"()
// CHECK:       gpu.known_block_size = array<i32: 16, 16, 1>
func.func @matmul(%a: tensor<?x?xf64>, %b: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %c = sym.dot %a, %b : (tensor<?x?xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %c : tensor<?x?xf64>
}

// -----

// An MRG draw: its loop over streams is distributed over threads (each stream
// carries its own state, so the numbers are those of the CPU).
// CHECK-LABEL: func.func @mrg
// CHECK:         @kernels::@mrg_parallel
// CHECK:       "gpu.func"()
// CHECK:         "gpu.block_dim"()
// CHECK:         scf.for
// CHECK:           scf.for {{.*}} -> (i32, i32, i32, i32, i32, i32)
// CHECK:       sym_name = "mrg_parallel
func.func @mrg(%state: tensor<?x6xi32>, %size: tensor<1xi64>) -> (tensor<?x6xi32>, tensor<?xf64>) {
  %s1, %x = sym.mrg_uniform %state, %size : (tensor<?x6xi32>, tensor<1xi64>) -> (tensor<?x6xi32>, tensor<?xf64>)
  func.return %s1, %x : tensor<?x6xi32>, tensor<?xf64>
}
