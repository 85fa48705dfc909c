// RUN: symopt %s -p cpu -t 'llvm{vector_math=false threads=false}' | filecheck %s

// Buffers and the runtime's pool (symopt/lowering/runtime.py, compiled once per
// process). The allocation helper first asks the pool for a kept buffer
// (symopt_pool_take: 1 MiB and more), then calls malloc; large ones ask for
// transparent huge pages. The temporaries that loop-dealloc frees go back to
// the pool with their size in bytes (symopt_pool_give; through @symopt.release
// in functions with checks, which also clears the table entry the error exit
// frees).

// CHECK-LABEL: define i32 @"f"
// CHECK:         %[[T:".[0-9]+"]] = call i8* @"symopt.alloc"(i64 %{{.*}}, i8** null)
// CHECK:         call void @"f.loop1"
// CHECK:         call void @"symopt_pool_give"(i8* %{{.*}}, i64 %{{.*}})

// CHECK-LABEL: define internal i8* @"symopt.alloc"
// CHECK:         %[[P:".[0-9]+"]] = call i8* @"symopt_pool_take"(i64 %{{.*}})
// CHECK:         icmp ne i8* %[[P]], null
// CHECK:         call i8* @"malloc"
// CHECK:         icmp uge i64 %{{.*}}, 4194304
// CHECK:         call i32 @"madvise"(i8* %{{.*}}, i64 %{{.*}}, i32 14)
// CHECK:       declare i8* @"symopt_pool_take"(i64 %".1")
// CHECK:       declare void @"symopt_pool_give"(i8* %".1", i64 %".2")

// exp(x) + 1 is fused; sorting makes a temporary copy that is freed.
func.func @f(%x: tensor<?xf64>) -> tensor<?xf64> {
  %s = sym.sort %x axis = 0 : tensor<?xf64> -> tensor<?xf64>
  %e = sym.exp %s : tensor<?xf64>
  %y = sym.add %e, %x : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  func.return %y : tensor<?xf64>
}
