// RUN: symopt %s -p cpu -t 'llvm{vector_math=false threads=false}' | filecheck %s

// Buffers and the runtime's pool (symopt/lowering/runtime.py, compiled once per
// process). The allocation helper first asks the pool for a kept buffer
// (symopt_pool_take: 1 MiB and more), then calls malloc; large ones ask for
// transparent huge pages. The temporaries that loop-dealloc frees go back to
// the pool with their size in bytes (symopt_pool_give; through @symopt.release
// in functions with checks, which also clears the table entry the error exit
// frees).

// The temporaries of the function's own block take their memory from an arena
// in its stack frame (32 KiB, 64-byte aligned) while it lasts, else from
// @symopt.alloc; a freed one goes back to the pool only if it is not in the arena.
// CHECK-LABEL: define i32 @"symopt.fn.f"
// CHECK:         %"arena" = alloca [32768 x i8], align 64
// CHECK:         %[[FITS:".[0-9]+"]] = icmp ule i64 %{{.*}}, 32768
// CHECK:         call i8* @"symopt.alloc"(i64 %{{.*}}, i8** null)
// CHECK:         phi i8*
// CHECK:         select i1 %[[FITS]], i64
// CHECK:         call void @"symopt.fn.f.loop1"
// CHECK:         %[[OFF:".[0-9]+"]] = sub i64 %{{.*}}, %{{.*}}
// CHECK-NEXT:    icmp uge i64 %[[OFF]], 32768
// CHECK:         call void @"symopt_pool_give"(i8* %{{.*}}, i64 %{{.*}})

// CHECK-LABEL: define internal i8* @"symopt.alloc"
// CHECK:         %[[P:".[0-9]+"]] = call i8* @"symopt_pool_take"(i64 %{{.*}})
// CHECK:         icmp ne i8* %[[P]], null
// CHECK:         call i8* @"malloc"
// CHECK:         icmp uge i64 %{{.*}}, 4194304
// CHECK:         call i32 @"madvise"(i8* %{{.*}}, i64 %{{.*}}, i32 14)
// The pool's functions are the runtime's: imports, called through their slots
// CHECK:       define internal i8* @"symopt_pool_take"(i64 %".1") alwaysinline
// CHECK:         load i8*, i8** @"symopt.import.symopt_pool_take"
// CHECK:         tail call i8* %{{.*}}(i64 %".1")
// CHECK:       @"symopt.import.symopt_pool_take" = global i8* null
// CHECK:       define internal void @"symopt_pool_give"(i8* %".1", i64 %".2") alwaysinline
// CHECK:         load i8*, i8** @"symopt.import.symopt_pool_give"

// exp(x) + 1 is fused; sorting makes a temporary copy that is freed.
func.func @f(%x: tensor<?xf64>) -> tensor<?xf64> {
  %s = sym.sort %x axis = 0 : tensor<?xf64> -> tensor<?xf64>
  %e = sym.exp %s : tensor<?xf64>
  %y = sym.add %e, %x : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %y : tensor<?xf64>
}

// With checks, a temporary that does not fit in the arena is recorded in the
// table the error exit frees; an arena one leaves its entry null, so releasing
// it gives nothing back.
// CHECK-LABEL: define i32 @"symopt.fn.g"
// CHECK:         %"arena" = alloca [32768 x i8], align 64
// CHECK:         call i8* @"symopt.alloc"(i64 %{{.*}}, i8** %{{.*}})
// CHECK:         phi i8*
// CHECK:         call void @"symopt.release"(i8** %{{.*}}, i64 %{{.*}})
func.func @g(%x: tensor<?xf64>, %y: tensor<?xf64>) -> tensor<?xf64> {
  %s = sym.sort %x axis = 0 : tensor<?xf64> -> tensor<?xf64>
  %e = sym.exp %s : tensor<?xf64>
  %z = sym.add %e, %y : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %z : tensor<?xf64>
}
