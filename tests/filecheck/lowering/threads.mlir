// RUN: symopt %s -p cpu | filecheck %s --check-prefix=SCF
// RUN: symopt %s -p cpu -t 'llvm{vector_math=false}' | filecheck %s
// RUN: symopt %s -p cpu -t 'llvm{vector_math=false threads=false}' | filecheck %s --check-prefix=SERIAL

// Threads. convert-loop-to-scf marks the outer loop of a map, and of a
// reduction that keeps dimensions, symopt.parallel: its iterations write
// disjoint elements. The LLVM translation calls such a nest's kernel through
// the runtime's symopt_parallel_for (symopt/lowering/runtime.py, compiled once
// per process), which splits [lb, ub) over up to config.threads threads, one
// per 65,536 innermost iterations; the kernel runs the outer iterations
// [lo, hi) it is given. A full reduction
// carries its sum from one iteration to the next: it is not marked and stays
// on one thread.

// SCF-LABEL: func.func @vec
// SCF:         scf.for
// SCF:         } {symopt.parallel}
// SCF-LABEL: func.func @rows
// SCF:         scf.for
// SCF:           scf.for {{.*}} iter_args
// SCF:         } {symopt.parallel}
// SCF:         scf.for {{.*}} iter_args
// SCF-NOT:     symopt.parallel
// SCF:         func.return

// A one-loop nest is the vectorized loop: its chunks are multiples of 256
// iterations (the last argument), so each element is computed by the same code
// (vector body or scalar remainder) with any number of threads. The kernel's
// values travel in a context on the stack; the kernel is the runtime's task,
// void (i8* context, i64 lo, i64 hi).
// CHECK-LABEL: define i32 @"symopt.fn.vec"
// CHECK:         %[[CTX:".[0-9]+"]] = alloca {i64, double*, double*}
// CHECK:         getelementptr i64, i64* %"io", i64 1
// CHECK-NEXT:    %[[N:".[0-9]+"]] = load i64, i64* %{{.*}}
// CHECK:         store i64 %[[N]], i64* %{{.*}}
// CHECK:         %[[P:".[0-9]+"]] = bitcast {i64, double*, double*}* %[[CTX]] to i8*
// CHECK-NEXT:    call void @"symopt_parallel_for"(void (i8*, i64, i64)* @"symopt.fn.vec.loop1", i8* %[[P]], i64 0, i64 %[[N]], i64 %{{.*}}, i64 256)
// CHECK:       define internal void @"symopt.fn.vec.loop1"(i8* %[[C:".[0-9]+"]], i64 %[[LO:".[0-9]+"]], i64 %[[HI:".[0-9]+"]])
// CHECK:         bitcast i8* %[[C]] to {i64, double*, double*}*
// CHECK:       for.header:
// CHECK-NEXT:    %[[I:".[0-9]+"]] = phi  i64 [%[[LO]], %"start"]
// CHECK-NEXT:    icmp slt i64 %[[I]], %[[HI]]
// CHECK:       define internal void @"symopt_parallel_for"(void (i8*, i64, i64)* %".1", i8* %".2", i64 %".3", i64 %".4", i64 %".5", i64 %".6") alwaysinline
// CHECK:         load i8*, i8** @"symopt.import.symopt_parallel_for"

// A row sum: the rows are split (chunks of any size: the inner loop is the
// vectorized one); the total is a loop of its own on this thread.
// CHECK-LABEL: define i32 @"symopt.fn.rows"
// The work is rows times columns: the inner loop's bounds (its own zero and a
// size from outside) are known before the nest runs.
// CHECK:         %[[ROWS:".[0-9]+"]] = sub i64 %[[M:".[0-9]+"]], 0
// CHECK-NEXT:    %[[COLS:".[0-9]+"]] = sub i64 %{{.*}}, 0
// CHECK-NEXT:    %[[WORK:".[0-9]+"]] = mul i64 %[[ROWS]], %[[COLS]]
// CHECK:         call void @"symopt_parallel_for"(void (i8*, i64, i64)* @"symopt.fn.rows.loop1", i8* %{{.*}}, i64 0, i64 %[[M]], i64 %[[WORK]], i64 1)
// CHECK:       for.header:

// SERIAL-LABEL: define i32 @"symopt.fn.vec"
// SERIAL:         call void @"symopt.fn.vec.loop1"(i64 %{{.*}}, double* %{{.*}}, double* %{{.*}})
// SERIAL-NOT:     parallel_for
// SERIAL-NOT:     pthread

func.func @vec(%x: tensor<?xf64>) -> tensor<?xf64> {
  %e = sym.exp %x : tensor<?xf64>
  func.return %e : tensor<?xf64>
}

func.func @rows(%x: tensor<?x?xf64>) -> (tensor<?xf64>, tensor<f64>) {
  %s = sym.reduce "sum" %x axes = array<i64: 1> : tensor<?x?xf64> -> tensor<?xf64>
  %t = sym.reduce "sum" %x axes = array<i64: 0, 1> : tensor<?x?xf64> -> tensor<f64>
  func.return %s, %t : tensor<?xf64>, tensor<f64>
}
