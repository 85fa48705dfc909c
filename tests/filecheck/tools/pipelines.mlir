// Named pipelines inside -p: cpu is sym-opt followed by lower-cpu.

// RUN: symopt %s -p cpu > %t.cpu
// RUN: symopt %s -p sym-opt,lower-cpu > %t.split
// RUN: diff %t.cpu %t.split
// RUN: filecheck %s < %t.cpu
// RUN: filecheck %s < %t.split
// RUN: symopt %s -p sym-opt | filecheck %s --check-prefix=SYMOPT
// RUN: symopt %s -p lower-cpu | filecheck %s --check-prefix=LOWER
// RUN: not symopt %s -p sym-opt,no-such-pass 2>&1 | filecheck %s --check-prefix=UNKNOWN
// RUN: not symopt %s -p cpu,loop-fus 2>&1 | filecheck %s --check-prefix=TYPO
// RUN: not symopt %s -p 'sym-opt{x=1}' 2>&1 | filecheck %s --check-prefix=OPTIONS

// -p cpu (and -p sym-opt,lower-cpu, the same text): stabilized, fused into one
// loop nest over one output buffer, at the scf level.
// CHECK-LABEL: func.func @logistic(%x: memref<?x?xf64>) -> memref<?x?xf64>
// CHECK-SAME:    symopt.abi = {args = [{role = "input", name = "x", dtype = "float64", shape = array<i64: -1, -1>}], results = [{role = "output", name = "out0", dtype = "float64", shape = array<i64: -1, -1>}], errors = [], err_words = 1 : i64}
// CHECK:         %[[OUT:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?xf64>
// CHECK-NOT:     memref.alloc
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        %[[V:.*]] = memref.load %x[%[[I]], %[[J]]] : memref<?x?xf64>
// CHECK:             %[[N:.*]] = arith.negf %[[V]] : f64
// CHECK-NEXT:        %[[E:.*]] = math.exp %[[N]] : f64
// CHECK-NEXT:        %[[D:.*]] = arith.addf %{{.*}}, %[[E]] : f64
// CHECK-NEXT:        %[[S:.*]] = arith.divf %{{.*}}, %[[D]] : f64
// CHECK-NEXT:        memref.store %[[S]], %[[OUT]][%[[I]], %[[J]]] : memref<?x?xf64>
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[OUT]] : memref<?x?xf64>
// CHECK-NOT:     sym.
// CHECK-NOT:     loop.

// -p sym-opt alone stays at the sym level (the logistic is a sigmoid).
// SYMOPT-LABEL: func.func @logistic(%x: tensor<?x?xf64>) -> tensor<?x?xf64>
// SYMOPT-NEXT:    %[[S:.*]] = sym.sigmoid %x : tensor<?x?xf64>
// SYMOPT-NEXT:    func.return %[[S]] : tensor<?x?xf64>

// -p lower-cpu alone lowers without stabilizing: the constant 1 is folded into
// the body, neg/exp/add/div still fuse into one nest.
// LOWER-LABEL: func.func @logistic(%x: memref<?x?xf64>) -> memref<?x?xf64>
// LOWER-COUNT-1: memref.alloc
// LOWER-NOT:     memref.alloc
// LOWER:         math.exp

// An unknown pass next to a named pipeline: one line, exit status 1.
// UNKNOWN:      {{^}}symopt: error: unknown pass 'no-such-pass' (symopt --help lists the passes){{$}}
// UNKNOWN-NOT:  {{.}}
// TYPO:         {{^}}symopt: error: unknown pass 'loop-fus'; did you mean 'loop-fuse'
// TYPO-NOT:     Traceback
// OPTIONS:      symopt: error: invalid pass pipeline 'sym-opt{x=1}': the pipeline 'sym-opt' takes no options
// OPTIONS-NOT:  Traceback

func.func @logistic(%x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %one = sym.constant dense<1.0> : tensor<1x1xf64>
  %n = sym.neg %x : tensor<?x?xf64>
  %e = sym.exp %n : tensor<?x?xf64>
  %d = sym.add %one, %e : (tensor<1x1xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  %s = sym.div %one, %d : (tensor<1x1xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %s : tensor<?x?xf64>
}
