// RUN: symopt --load %plugin %s -p fuse-mul-add | symopt-run --load %plugin - --arg '[1, 2]' --arg '[3, 4]' --arg '[5, 6]' | filecheck %s
// RUN: symopt-run --load %plugin %s -p sym-opt,fuse-mul-add,cpu --arg '[1, 2]' --arg '[3, 4]' --arg '[5, 6]' | filecheck %s
// RUN: symopt-run --load %plugin %s -p sym-opt,fuse-mul-add --arg '[1, 2]' --arg '[3, 4]' --arg '[5, 6]' --bisect | filecheck %s --check-prefix=BISECT

// The pass keeps what the function computes: x * a + y, now with one rounding.
// CHECK: [ 8. 14.]
// BISECT: same      fuse-mul-add
// BISECT: every checked stage computes what the sym level computes
func.func @main(%x: tensor<?xf64>, %a: tensor<?xf64>, %y: tensor<?xf64>) -> tensor<?xf64> {
  %m = sym.mul %x, %a : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  %r = sym.add %y, %m : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}
