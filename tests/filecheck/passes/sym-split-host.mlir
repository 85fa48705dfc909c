// RUN: symopt %s -p sym-split-host --split-input-file | filecheck %s
// RUN: symopt %s -p cpu --split-input-file | filecheck %s --check-prefix=CPU

// sym-split-host moves the draws that run on the host (sym.random, NumPy's
// RandomState) into a nested builtin.module marked symopt.host: a function of
// the same name and arguments that computes the draws, with every op their
// operands need, writes the random states and returns the samples. The
// function itself takes the samples as its last symopt.samples arguments and
// no longer touches the random states. The CPU run checks that the whole cpu
// pipeline leaves the host module alone and lowers the function.

// One draw whose bound is computed from an argument (%hi = -scale): the host
// function holds the state read, the draw's operands (constants and the sym.neg
// of its second argument), the draw and the state write, and returns the
// sample. The function gets the sample as a new last argument %u and keeps its
// own computation and the write of @w; the copies of the draw's operands it no
// longer needs are left for dce. @rng, which no function uses any more, leaves
// the outer module for the host module; @w stays.
// CHECK:       builtin.module {
// CHECK-NEXT:    sym.global @w : tensor<2x2xf64>
// CHECK-NEXT:    builtin.module attributes {symopt.host} {
// CHECK-NEXT:      sym.global @rng : !sym.random_state
// CHECK-NEXT:      func.func @noisy(%[[X:.*]]: tensor<2x2xf64>, %[[SCALE:.*]]: tensor<f64>) -> tensor<2x2xf64> {
// CHECK-NEXT:        %[[S:.*]] = sym.read @rng : !sym.random_state
// CHECK-NEXT:        %[[SIZE:.*]] = sym.constant dense<2> : tensor<2xi64>
// CHECK-NEXT:        %[[LO:.*]] = sym.constant dense<0.000000e+00> : tensor<f64>
// CHECK-NEXT:        %[[HI:.*]] = sym.neg %[[SCALE]] : tensor<f64>
// CHECK-NEXT:        %[[S1:.*]], %[[U:.*]] = sym.random "uniform" %[[S]], %[[SIZE]](%[[LO]], %[[HI]]) : (!sym.random_state, tensor<2xi64>, tensor<f64>, tensor<f64>) -> (!sym.random_state, tensor<2x2xf64>)
// CHECK-NEXT:        sym.write @rng, %[[S1]] : !sym.random_state
// CHECK-NEXT:        func.return %[[U]] : tensor<2x2xf64>
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    func.func @noisy(%x: tensor<2x2xf64>, %scale: tensor<f64>, %[[SAMPLE:.*]]: tensor<2x2xf64>) -> tensor<2x2xf64> attributes {symopt.samples = 1 : i64} {
// CHECK-NEXT:      %[[W:.*]] = sym.read @w : tensor<2x2xf64>
// CHECK-NOT:       sym.random
// CHECK-NOT:       @rng
// CHECK:           %[[Y:.*]] = sym.add %x, %[[SAMPLE]] : (tensor<2x2xf64>, tensor<2x2xf64>) -> tensor<2x2xf64>
// CHECK-NEXT:      %[[Z:.*]] = sym.mul %[[Y]], %[[W]] : (tensor<2x2xf64>, tensor<2x2xf64>) -> tensor<2x2xf64>
// CHECK-NEXT:      sym.write @w, %[[Y]] : tensor<2x2xf64>
// CHECK-NEXT:      func.return %[[Z]] : tensor<2x2xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:  }

// Under -p cpu the host module is kept as it is (sym IR) and the function is
// lowered: the sample is an argument with role "sample", after the inputs and
// before the shared variable @w.
// CPU:         builtin.module attributes {symopt.host} {
// CPU-NEXT:      sym.global @rng : !sym.random_state
// CPU-NEXT:      func.func @noisy(
// CPU:             sym.random "uniform"
// CPU-NEXT:        sym.write @rng
// CPU-NEXT:        func.return
// CPU-NEXT:      }
// CPU-NEXT:    }
// CPU-NEXT:    func.func @noisy(%x: memref<2x2xf64>, %scale: memref<f64>, %[[U:.*]]: memref<2x2xf64>, %w: memref<2x2xf64>) -> (memref<2x2xf64>, memref<2x2xf64>)
// CPU-SAME:      {role = "input", name = "x", dtype = "float64", shape = array<i64: 2, 2>}, {role = "input", name = "scale", dtype = "float64", shape = array<i64>}, {role = "sample", name = "u", dtype = "float64", shape = array<i64: 2, 2>}, {role = "shared", name = "w", dtype = "float64", shape = array<i64: 2, 2>}
// CPU-NOT:       sym.
// CPU:           scf.for
// CPU:             memref.load %[[U]]
// CPU:           func.return
sym.global @rng : !sym.random_state
sym.global @w : tensor<2x2xf64>
func.func @noisy(%x: tensor<2x2xf64>, %scale: tensor<f64>) -> tensor<2x2xf64> {
  %s = sym.read @rng : !sym.random_state
  %w = sym.read @w : tensor<2x2xf64>
  %size = sym.constant dense<2> : tensor<2xi64>
  %lo = sym.constant dense<0.0> : tensor<f64>
  %hi = sym.neg %scale : tensor<f64>
  %s1, %u = sym.random "uniform" %s, %size(%lo, %hi) : (!sym.random_state, tensor<2xi64>, tensor<f64>, tensor<f64>) -> (!sym.random_state, tensor<2x2xf64>)
  %y = sym.add %x, %u : (tensor<2x2xf64>, tensor<2x2xf64>) -> tensor<2x2xf64>
  %z = sym.mul %y, %w : (tensor<2x2xf64>, tensor<2x2xf64>) -> tensor<2x2xf64>
  sym.write @rng, %s1 : !sym.random_state
  sym.write @w, %y : tensor<2x2xf64>
  func.return %z : tensor<2x2xf64>
}

// -----

// Two draws chained through the state: both go to the host function, which
// returns both samples in order and writes the last state; the function takes
// them as its last two arguments (symopt.samples = 2). Under -p cpu both are
// "sample" arguments, in order.
// CHECK-LABEL: sym.global @stream : !sym.random_state
// CHECK:           %[[S1:.*]], %[[A:.*]] = sym.random "uniform" %{{.*}}
// CHECK-NEXT:      %[[S2:.*]], %[[B:.*]] = sym.random "uniform" %[[S1]]
// CHECK-NEXT:      sym.write @stream, %[[S2]] : !sym.random_state
// CHECK-NEXT:      func.return %[[A]], %[[B]] : tensor<2xf64>, tensor<2xf64>
// CHECK:         func.func @two(%x: tensor<2xf64>, %[[SA:.*]]: tensor<2xf64>, %[[SB:.*]]: tensor<2xf64>) -> tensor<2xf64> attributes {symopt.samples = 2 : i64} {
// CHECK-NOT:       sym.random
// CHECK:           sym.add %[[SA]], %[[SB]]
// CPU-LABEL:   sym.global @stream : !sym.random_state
// CPU:           func.func @two(%x: memref<2xf64>, %{{.*}}: memref<2xf64>, %{{.*}}: memref<2xf64>) -> memref<2xf64>
// CPU-SAME:        {role = "sample", name = "a", {{.*}}}, {role = "sample", name = "b", {{.*}}}]
sym.global @stream : !sym.random_state
func.func @two(%x: tensor<2xf64>) -> tensor<2xf64> {
  %s = sym.read @stream : !sym.random_state
  %size = sym.constant dense<2> : tensor<1xi64>
  %lo = sym.constant dense<0.0> : tensor<f64>
  %hi = sym.constant dense<1.0> : tensor<f64>
  %s1, %a = sym.random "uniform" %s, %size(%lo, %hi) : (!sym.random_state, tensor<1xi64>, tensor<f64>, tensor<f64>) -> (!sym.random_state, tensor<2xf64>)
  %s2, %b = sym.random "uniform" %s1, %size(%lo, %hi) : (!sym.random_state, tensor<1xi64>, tensor<f64>, tensor<f64>) -> (!sym.random_state, tensor<2xf64>)
  %y = sym.add %a, %b : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
  %z = sym.add %y, %x : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
  sym.write @stream, %s2 : !sym.random_state
  func.return %z : tensor<2xf64>
}

// -----

// A function without host draws is unchanged: no host module, no samples.
// CHECK:       builtin.module {
// CHECK-NEXT:    sym.global @w : tensor<?xf64>
// CHECK-NEXT:    func.func @plain(%x: tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:      %[[W:.*]] = sym.read @w : tensor<?xf64>
// CHECK-NEXT:      %[[Y:.*]] = sym.add %x, %[[W]] : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
// CHECK-NEXT:      sym.write @w, %[[Y]] : tensor<?xf64>
// CHECK-NEXT:      func.return %[[Y]] : tensor<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:  }
sym.global @w : tensor<?xf64>
func.func @plain(%x: tensor<?xf64>) -> tensor<?xf64> {
  %w = sym.read @w : tensor<?xf64>
  %y = sym.add %x, %w : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  sym.write @w, %y : tensor<?xf64>
  func.return %y : tensor<?xf64>
}
