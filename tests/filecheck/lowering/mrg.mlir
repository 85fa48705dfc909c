// RUN: symopt %s -p cpu | filecheck %s

// MRG31k3p lowers to integer arithmetic in loops: one loop over the streams, an
// inner loop carrying the six state words, a float conversion and a store.

// CHECK-LABEL: func.func @mrg
// CHECK:         scf.for
// CHECK:           scf.for {{.*}} iter_args({{.*}}) -> (i32, i32, i32, i32, i32, i32) {
// CHECK:             arith.shli
// CHECK:             arith.shrsi
// CHECK:             arith.sitofp %{{.*}} : i32 to f64
// CHECK:             memref.store
// CHECK:             scf.yield {{.*}} : i32, i32, i32, i32, i32, i32
func.func @mrg(%state: tensor<?x6xi32>, %size: tensor<1xi64>) -> (tensor<?x6xi32>, tensor<?xf64>) {
  %s1, %x = sym.mrg_uniform %state, %size : (tensor<?x6xi32>, tensor<1xi64>) -> (tensor<?x6xi32>, tensor<?xf64>)
  func.return %s1, %x : tensor<?x6xi32>, tensor<?xf64>
}
