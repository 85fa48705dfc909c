// RUN: symopt %s -p cpu -t 'llvm{vector_math=false threads=false}' --split-input-file | filecheck %s
// RUN: symopt %s -p cpu -t 'llvm{vector_math=false threads=false}' --split-input-file | filecheck %s --check-prefix=MALLOC
// RUN: symopt %s -p cpu -t 'llvm{vector_math=false threads=false}' --split-input-file | filecheck %s --check-prefix=LOOPS
// RUN: symopt %s -p cpu -t 'llvm{vector_math=false threads=false}' --split-input-file | filecheck %s --check-prefix=EXP

// The cpu pipeline down to LLVM IR (-t llvm; vector_math=false keeps LLVM's math
// intrinsics, so the IR is the same on every host, and threads=false calls the
// kernels directly, see threads.mlir): a function @f becomes
// i32 @f(i64* io, i64* err); io holds each argument's data pointer and sizes,
// then the results'. Each loop nest is a function of its own, @f.loopN, called
// with the pointers and sizes it needs (identical nests share one function).

// The tutorial's logistic function (sym-opt makes it a sym.sigmoid): one loop
// nest writing straight into the one buffer allocated, the output (no
// intermediate buffer, so nothing is freed either).
// MALLOC-LABEL: define i32 @"symopt.fn.logistic"
// MALLOC:       call i8* @"symopt.alloc"(i64
// MALLOC-NOT:   call i8* @"symopt.alloc"
// MALLOC-NOT:   call void @"symopt.release"
// MALLOC:       ret i32 0
// LOOPS-LABEL:  define i32 @"symopt.fn.logistic"
// LOOPS-COUNT-2: {{^for\.header(\.[0-9]+)?:$}}
// LOOPS-NOT:    {{^for\.header}}
// EXP-LABEL:    define i32 @"symopt.fn.logistic"
// EXP-NOT:      call double @"llvm.exp.f64"
// EXP:          define internal void @"symopt.fn.logistic.loop1"
// EXP-COUNT-1:  call double @"llvm.exp.f64"
// EXP-NOT:      call double @"llvm.exp.f64"
// EXP:          declare double @"llvm.exp.f64"
// CHECK-LABEL: define i32 @"symopt.fn.logistic"(i64* %"io", i64* %"err")
// CHECK:       start:
// CHECK:         %[[X:"\.[0-9]+"]] = inttoptr i64 %{{.*}} to double*
// CHECK:         %[[BUF:"\.[0-9]+"]] = call i8* @"symopt.alloc"(i64 %{{.*}}, i8** null)
// CHECK:         %[[OUT:"\.[0-9]+"]] = bitcast i8* %[[BUF]] to double*
// CHECK-NEXT:    call void @"symopt.fn.logistic.loop1"(i64 %{{.*}}, i64 %{{.*}}, double* %[[X]], double* %[[OUT]])
// CHECK-NEXT:    %[[P:"\.[0-9]+"]] = ptrtoint double* %[[OUT]] to i64
// CHECK-NEXT:    %[[SLOT:"\.[0-9]+"]] = getelementptr i64, i64* %"io", i64 3
// CHECK-NEXT:    store i64 %[[P]], i64* %[[SLOT]]
// CHECK:         ret i32 0
// CHECK:       define internal void @"symopt.fn.logistic.loop1"(i64 %{{.*}}, i64 %{{.*}}, double* %[[KX:"\.[0-9]+"]], double* %[[KOUT:"\.[0-9]+"]]) noinline
// CHECK:       for.body.1:
// CHECK:         %[[A:"\.[0-9]+"]] = getelementptr inbounds double, double* %[[KX]], i64 %{{.*}}
// CHECK-NEXT:    %[[V:"\.[0-9]+"]] = load double, double* %[[A]]
// CHECK-NEXT:    %[[N:"\.[0-9]+"]] = fneg double %[[V]]
// CHECK-NEXT:    %[[E:"\.[0-9]+"]] = call double @"llvm.exp.f64"(double %[[N]])
// CHECK-NEXT:    %[[D:"\.[0-9]+"]] = fadd double 0x3ff0000000000000, %[[E]]
// CHECK-NEXT:    %[[S:"\.[0-9]+"]] = fdiv double 0x3ff0000000000000, %[[D]]
// CHECK:         %[[W:"\.[0-9]+"]] = getelementptr inbounds double, double* %[[KOUT]], i64 %{{.*}}
// CHECK-NEXT:    store double %[[S]], double* %[[W]]
func.func @logistic(%x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %one = sym.constant dense<1.0> : tensor<1x1xf64>
  %n = sym.neg %x : tensor<?x?xf64>
  %e = sym.exp %n : tensor<?x?xf64>
  %d = sym.add %one, %e : (tensor<1x1xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  %s = sym.div %one, %d : (tensor<1x1xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %s : tensor<?x?xf64>
}

// -----

// The same with a bias row: sym-opt leaves sub + sigmoid, two loops that fusion
// merges, so there is still one buffer and one loop nest (after the check that
// %b's length matches the number of columns of %x).
// MALLOC-LABEL: define i32 @"symopt.fn.logistic_bias"
// MALLOC:       call i8* @"symopt.alloc"(i64
// MALLOC-NOT:   call i8* @"symopt.alloc"
// MALLOC-NOT:   call void @"symopt.release"
// MALLOC:       ret i32 0
// LOOPS-LABEL:  define i32 @"symopt.fn.logistic_bias"
// LOOPS-COUNT-2: {{^for\.header(\.[0-9]+)?:$}}
// LOOPS-NOT:    {{^for\.header}}
// CHECK-LABEL: define i32 @"symopt.fn.logistic_bias"(i64* %"io", i64* %"err")
// CHECK:         br i1 %{{.*}}, label %"check1.ok", label %"check1.fail"
// CHECK:       check1.ok:
// CHECK:         call i8* @"symopt.alloc"
// CHECK:       for.body.1:
// CHECK:         %[[U:"\.[0-9]+"]] = fsub double
// CHECK-NEXT:    %[[N:"\.[0-9]+"]] = fneg double %[[U]]
// CHECK-NEXT:    call double @"llvm.exp.f64"(double %[[N]])
func.func @logistic_bias(%x: tensor<?x?xf64>, %b: tensor<1x?xf64>) -> tensor<?x?xf64> {
  %one = sym.constant dense<1.0> : tensor<1x1xf64>
  %u = sym.sub %x, %b : (tensor<?x?xf64>, tensor<1x?xf64>) -> tensor<?x?xf64>
  %n = sym.neg %u : tensor<?x?xf64>
  %e = sym.exp %n : tensor<?x?xf64>
  %d = sym.add %one, %e : (tensor<1x1xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  %s = sym.div %one, %d : (tensor<1x1xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %s : tensor<?x?xf64>
}

// -----

// A row sum of exp(x): the exp is fused into the reduction; the inner loop
// carries the sum in a phi starting at 0, stored once per row.
// MALLOC-LABEL: define i32 @"symopt.fn.rowsum"
// MALLOC:       call i8* @"symopt.alloc"(i64
// MALLOC-NOT:   call i8* @"symopt.alloc"
// MALLOC-NOT:   call void @"symopt.release"
// MALLOC:       ret i32 0
// LOOPS-LABEL:  define i32 @"symopt.fn.rowsum"
// LOOPS-COUNT-2: {{^for\.header(\.[0-9]+)?:$}}
// LOOPS-NOT:    {{^for\.header}}
// CHECK-LABEL: define i32 @"symopt.fn.rowsum"(i64* %"io", i64* %"err")
// CHECK:         %[[BUF:"\.[0-9]+"]] = call i8* @"symopt.alloc"(i64 %{{.*}}, i8** null)
// CHECK:         %[[OUT:"\.[0-9]+"]] = bitcast i8* %[[BUF]] to double*
// CHECK-NEXT:    call void @"symopt.fn.rowsum.loop1"(i64 %{{.*}}, i64 %{{.*}}, double* %{{.*}}, double* %[[OUT]])
// CHECK:       define internal void @"symopt.fn.rowsum.loop1"(i64 %{{.*}}, i64 %{{.*}}, double* %{{.*}}, double* %[[KOUT:"\.[0-9]+"]]) noinline
// CHECK:       for.header:
// CHECK-NEXT:    %[[I:"\.[0-9]+"]] = phi  i64 [0, %"start"]
// CHECK:       for.header.1:
// CHECK-NEXT:    phi  i64 [0, %"for.body"]
// CHECK-NEXT:    %[[ACC:"\.[0-9]+"]] = phi  double [ {{ *}}0x0, %"for.body"], [%[[NEXT:"\.[0-9]+"]], %"for.body.1"]
// CHECK:       for.body.1:
// CHECK:         %[[E:"\.[0-9]+"]] = call double @"llvm.exp.f64"(double %{{.*}})
// CHECK-NEXT:    %[[NEXT]] = fadd double %[[ACC]], %[[E]]
// CHECK:       for.done.1:
// CHECK-NEXT:    %[[A:"\.[0-9]+"]] = getelementptr inbounds double, double* %[[KOUT]], i64 %[[I]]
// CHECK-NEXT:    store double %[[ACC]], double* %[[A]]
func.func @rowsum(%x: tensor<?x?xf64>) -> tensor<?xf64> {
  %e = sym.exp %x : tensor<?x?xf64>
  %s = sym.reduce "sum" %e axes = array<i64: 1> : tensor<?x?xf64> -> tensor<?xf64>
  func.return %s : tensor<?xf64>
}

// -----

// Run-time checks: a failed loop.check stores its number (from 1, in program
// order) and its values in err, frees the buffers allocated so far and returns
// the number. Check 1 is the dot's inner dimension, check 2 the sizes of the
// addition's operands (after the dot's buffer was allocated).
// MALLOC-LABEL: define i32 @"symopt.fn.checked"
// MALLOC-COUNT-2: call i8* @"symopt.alloc"(i64
// MALLOC-NOT:   call i8* @"symopt.alloc"
// LOOPS-LABEL:  define i32 @"symopt.fn.checked"
// LOOPS-COUNT-1: {{^for\.header:$}}
// LOOPS-NOT:    {{^for\.header}}
// CHECK-LABEL: define i32 @"symopt.fn.checked"(i64* %"io", i64* %"err")
// CHECK:         %"allocations" = alloca [2 x i8*]
// CHECK:         %"table" = bitcast [2 x i8*]* %"allocations" to i8**
// CHECK:         %[[KP:"\.[0-9]+"]] = getelementptr i64, i64* %"io", i64 2
// CHECK-NEXT:    %[[K:"\.[0-9]+"]] = load i64, i64* %[[KP]]
// CHECK:         %[[KVP:"\.[0-9]+"]] = getelementptr i64, i64* %"io", i64 4
// CHECK-NEXT:    %[[KV:"\.[0-9]+"]] = load i64, i64* %[[KVP]]
// CHECK:         %[[C1:"\.[0-9]+"]] = icmp eq i64 %[[K]], %[[KV]]
// CHECK-NEXT:    br i1 %[[C1]], label %"check1.ok", label %"check1.fail"
// CHECK:       check1.ok:
// CHECK:         %[[DOTSLOT:"\.[0-9]+"]] = getelementptr inbounds i8*, i8** %"table", i64 0
// CHECK:       check1.fail:
// CHECK-NEXT:    store i64 1, i64* %"err"
// CHECK-NEXT:    %[[E1:"\.[0-9]+"]] = getelementptr i64, i64* %"err", i64 1
// CHECK-NEXT:    store i64 %[[K]], i64* %[[E1]]
// CHECK-NEXT:    %[[E2:"\.[0-9]+"]] = getelementptr i64, i64* %"err", i64 2
// CHECK-NEXT:    store i64 %[[KV]], i64* %[[E2]]
// CHECK-NEXT:    br label %"fail"
// The dot's buffer (a temporary): from the arena, or where it does not fit,
// from @symopt.alloc, recorded in the table.
// CHECK:         call i8* @"symopt.alloc"(i64 %{{.*}}, i8** %[[DOTSLOT]])
// CHECK:         call void @"symopt.dgemv"(i8 84, i64
// CHECK:         br i1 %{{.*}}, label %"check2.ok", label %"check2.fail"
// CHECK:         call void @"symopt.fn.checked.loop1"(
// CHECK-NEXT:    %[[NBYTES:"\.[0-9]+"]] = mul i64 8, %{{.*}}
// CHECK-NEXT:    %[[FREESLOT:"\.[0-9]+"]] = getelementptr inbounds i8*, i8** %"table", i64 0
// CHECK-NEXT:    call void @"symopt.release"(i8** %[[FREESLOT]], i64 %[[NBYTES]])
// CHECK:         ret i32 0
// CHECK:       check2.fail:
// CHECK-NEXT:    store i64 2, i64* %"err"
// CHECK-NEXT:    getelementptr i64, i64* %"err", i64 1
// CHECK-NEXT:    store i64
// CHECK-NEXT:    getelementptr i64, i64* %"err", i64 2
// CHECK-NEXT:    store i64
// CHECK-NEXT:    br label %"fail"
// One exit for every failed check: the table of allocations (null once freed)
// goes to one cold helper that frees what is left; the code the check stored is
// returned.
// CHECK:       fail:
// CHECK-NEXT:    call void @"symopt.free_all"(i8** %"table", i64 2)
// CHECK-NEXT:    %[[CODE:"\.[0-9]+"]] = load i64, i64* %"err"
// CHECK-NEXT:    %[[C32:"\.[0-9]+"]] = trunc i64 %[[CODE]] to i32
// CHECK-NEXT:    ret i32 %[[C32]]
// The helpers, once per module: a BLAS wrapper that takes its arguments by value
// and clears the output when the inner dimension is 0, an allocation that records
// its pointer in the table, and a release that frees and clears the slot.
// CHECK-DAG:   define internal void @"symopt.dgemv"(i8 %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, double* %{{.*}}, i64 %{{.*}}, double* %{{.*}}, i64 %{{.*}}, double* %{{.*}}, i64 %{{.*}}, i64 %{{.*}}) noinline
// CHECK-DAG:   define internal i8* @"symopt.alloc"(i64 %{{.*}}, i8** %{{.*}}) noinline
// CHECK-DAG:   define internal void @"symopt.release"(i8** %{{.*}}) noinline
// CHECK-LABEL: define internal void @"symopt.free_all"(i8** %{{.*}}, i64 %{{.*}}) cold noinline
// CHECK:         call void @"free"(
func.func @checked(%a: tensor<?x?xf64>, %v: tensor<?xf64>, %y: tensor<?xf64>) -> tensor<?xf64> {
  %d = sym.dot %a, %v : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?xf64>
  %s = sym.add %d, %y : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %s : tensor<?xf64>
}
