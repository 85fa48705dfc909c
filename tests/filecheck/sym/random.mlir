// RUN: symopt %s | filecheck %s
// RUN: symopt %s --print-op-generic | symopt | filecheck %s

// Random draws: the host-side NumPy draw (sym.random) and MRG31k3p in integer
// arithmetic (sym.mrg_uniform), both with explicit state in and out.

// CHECK: sym.global @rng : !sym.random_state
sym.global @rng : !sym.random_state

// CHECK-LABEL: func.func @host_draw
// CHECK:         %[[S:.*]] = sym.read @rng : !sym.random_state
// CHECK:         %{{.*}}, %[[X:.*]] = sym.random "uniform" %[[S]], %{{.*}}(%{{.*}}, %{{.*}}) : (!sym.random_state, tensor<2xi64>, tensor<f64>, tensor<f64>) -> (!sym.random_state, tensor<2x2xf64>)
func.func @host_draw() -> tensor<2x2xf64> {
  %s = sym.read @rng : !sym.random_state
  %size = sym.constant dense<2> : tensor<2xi64>
  %lo = sym.constant dense<0.0> : tensor<f64>
  %hi = sym.constant dense<1.0> : tensor<f64>
  %s1, %x = sym.random "uniform" %s, %size(%lo, %hi) : (!sym.random_state, tensor<2xi64>, tensor<f64>, tensor<f64>) -> (!sym.random_state, tensor<2x2xf64>)
  sym.write @rng, %s1 : !sym.random_state
  func.return %x : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @mrg
// CHECK:         sym.mrg_uniform %state, %size : (tensor<?x6xi32>, tensor<1xi64>) -> (tensor<?x6xi32>, tensor<?xf64>)
// CHECK:         sym.multinomial_from_uniform %p, %u, %n : (tensor<?x?xf64>, tensor<?xf64>, tensor<i64>) -> tensor<?x?xi64>
func.func @mrg(%state: tensor<?x6xi32>, %size: tensor<1xi64>, %p: tensor<?x?xf64>, %u: tensor<?xf64>, %n: tensor<i64>) -> (tensor<?x6xi32>, tensor<?xf64>, tensor<?x?xi64>) {
  %s1, %x = sym.mrg_uniform %state, %size : (tensor<?x6xi32>, tensor<1xi64>) -> (tensor<?x6xi32>, tensor<?xf64>)
  %z = sym.multinomial_from_uniform %p, %u, %n : (tensor<?x?xf64>, tensor<?xf64>, tensor<i64>) -> tensor<?x?xi64>
  func.return %s1, %x, %z : tensor<?x6xi32>, tensor<?xf64>, tensor<?x?xi64>
}
