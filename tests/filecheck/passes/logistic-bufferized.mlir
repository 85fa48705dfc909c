// RUN: symopt %s -p sym-opt,sym-split-host,convert-sym-to-loop,dce,loop-fuse,cse,dce,loop-bufferize,loop-inplace,loop-abi,loop-dealloc | filecheck %s
// RUN: symopt %s -p sym-opt,sym-split-host,convert-sym-to-loop,dce,loop-fuse,cse,dce,loop-bufferize,loop-inplace,loop-abi,loop-dealloc | filecheck %s --check-prefix=BUFFERS
// RUN: symopt %s -p sym-opt,sym-split-host,convert-sym-to-loop,dce,loop-fuse,cse,dce,loop-bufferize,loop-inplace,loop-abi,loop-dealloc | filecheck %s --check-prefix=FREES
// RUN: symopt %s -p sym-opt,sym-split-host,convert-sym-to-loop,dce,loop-fuse,cse,dce,loop-bufferize,loop-inplace,loop-abi,loop-dealloc | filecheck %s --check-prefix=NOCOPY

// The tutorial's logistic regression training step, through the cpu pipeline
// up to loop-dealloc (before the loops become scf):
//
//   p_1 = 1 / (1 + exp(-dot(x, w) - b)); prediction = p_1 > 0.5
//   xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
//   cost = xent.mean() + 0.01 * (w ** 2).sum()
//   train = function([x, y], [prediction, xent],
//                    updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
//
// The gradient's dot(x.T, g) reads x through a transposed loop.view: x is
// never copied. Both variables are updated in place, after every check.

// The signature: inputs x and y, then the variables w and b; results the two
// outputs, then w and b written in place (returned as their own arguments).
// CHECK-LABEL: func.func @main(%x: memref<?x?xf64>, %y: memref<?xf64>, %w: memref<?xf64>, %b: memref<f64>) -> (memref<?xi1>, memref<?xf64>, memref<?xf64>, memref<f64>)
// CHECK-SAME:    results = [{role = "output", name = "out0", dtype = "bool", shape = array<i64: -1>}, {role = "output", name = "out1", dtype = "float64", shape = array<i64: -1>}, {role = "inplace", name = "w", dtype = "float64", shape = array<i64: -1>}, {role = "inplace", name = "b", dtype = "float64", shape = array<i64>}]

// dot(x, w), then one map computes both the prediction and p_1.
// CHECK:         %[[COLS:.*]] = memref.dim %x, %[[C1:.*]] : memref<?x?xf64>
// CHECK:         %[[ROWS:.*]] = memref.dim %x, %[[C0:.*]] : memref<?x?xf64>
// CHECK-NEXT:    %[[XW:.*]] = memref.alloc(%[[ROWS]]) : memref<?xf64>
// CHECK-NEXT:    loop.dot %x, %w, %[[XW]] : memref<?x?xf64>, memref<?xf64>, memref<?xf64>
// CHECK:         %[[PRED:.*]] = memref.alloc(%{{.*}}) : memref<?xi1>
// CHECK-NEXT:    %[[P1:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[XW]], %b : memref<?xf64>, memref<f64>) outs(%[[PRED]], %[[P1]] : memref<?xi1>, memref<?xf64>) {
// CHECK:           arith.cmpf ogt

// xent, in one map (log(p_1) and log(1 - p_1) as stable softplus forms).
// CHECK:         %[[XENT:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%y, %[[XW]], %b : memref<?xf64>, memref<?xf64>, memref<f64>) outs(%[[XENT]] : memref<?xf64>) {
// CHECK:           math.log1p

// x.T is a view of %x: sizes (columns, rows), strides (1, columns), with the
// sizes of %x read once, at the top.
// CHECK:         %[[XT:.*]] = loop.view %x offset(%[[C0]]) sizes(%[[COLS]], %[[ROWS]]) strides(%[[C1]], %[[COLS]]) : memref<?x?xf64> -> memref<?x?xf64, strided<[?, ?], offset: ?>>

// The gradient with respect to the logits (and sigmoid(z) for gb's sum) in one
// two-result map; dot(x.T, g) reads the view.
// CHECK:         loop.map ins(%[[P1]], %{{[^,]+}}, %y, %[[XW]], %b : {{.*}}) outs(%[[G:[^,]+]], %[[SIG:[^ ]+]] : memref<?xf64>, memref<?xf64>) {
// CHECK:         memref.dealloc %[[XW]] : memref<?xf64>
// CHECK:         %[[GW:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.dot %[[XT]], %[[G]], %[[GW]] : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?xf64>, memref<?xf64>
// CHECK-NEXT:    memref.dealloc %[[G]] : memref<?xf64>

// gb's sum, then the updates: w and b are written in place, after the last
// check; every temporary is freed, the outputs are not.
// CHECK:         loop.reduce "add" ins(%[[SIG]], %[[P1]], {{.*}}) outs(%[[GB:.*]] : memref<1xf64>) axes [0] keepdims {
// CHECK-NOT:     loop.check
// CHECK:         loop.map ins(%w, %[[GW]], %{{.*}} : memref<?xf64>, memref<?xf64>, memref<?xf64, strided<[?], offset: ?>>) outs(%w : memref<?xf64>) {
// CHECK:           arith.subf
// CHECK-NOT:     loop.check
// CHECK:         memref.dealloc %[[GW]] : memref<?xf64>
// CHECK-NOT:     loop.check
// CHECK:         loop.map ins(%b, %[[GB]] : memref<f64>, memref<1xf64>) dims {{\[}}[], [-1]] outs(%b : memref<f64>) {
// CHECK-NOT:     loop.check
// CHECK:         memref.dealloc %[[GB]] : memref<1xf64>
// CHECK-NEXT:    func.return %[[PRED]], %[[XENT]], %w, %b : memref<?xi1>, memref<?xf64>, memref<?xf64>, memref<f64>

// 13 allocations: the two outputs (prediction, xent) and 11 temporaries, all
// freed: dot(x, w); p_1; w ** 2 (computed only for its shape, which sizes the
// gradient of the weight decay); 0.01 as a 1-element buffer; a 1-element shape
// buffer; n as an int64 (the product of xent's shape) and 1 / n; the gradient
// with respect to the logits; sigmoid(z); dot(x.T, g); gb's sum. The scalars
// 0.01 and 1 / n reach full length as stride-0 views (loop.broadcast), not
// copies. No buffer is allocated for w's or b's new value.
// BUFFERS-LABEL:    func.func @main
// BUFFERS-COUNT-13:  memref.alloc(
// BUFFERS-NOT:       memref.alloc(
// BUFFERS:           func.return
// FREES-LABEL:      func.func @main
// FREES-COUNT-11:   memref.dealloc
// FREES-NOT:        memref.dealloc
// FREES:            func.return

// x is read directly, by the first dot and through the view: no loop copies it
// into a new buffer.
// NOCOPY-NOT:  loop.map ins({{[^:]*}}%x{{[,: ]}}
// NOCOPY-NOT:  loop.reduce {{.*}}ins({{[^:]*}}%x{{[,: ]}}
builtin.module {
  sym.global @w : tensor<?xf64>
  sym.global @b : tensor<f64>
  func.func @main(%x: tensor<?x?xf64>, %y: tensor<?xf64>) -> (tensor<?xi1>, tensor<?xf64>) {
    %0 = sym.constant dense<1.000000e+00> : tensor<1xf64>
    %1 = sym.constant dense<1.000000e+00> : tensor<1xf64>
    %w = sym.read @w : tensor<?xf64>
    %2 = sym.dot %x, %w : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %3 = sym.neg %2 : tensor<?xf64>
    %b = sym.read @b : tensor<f64>
    %4 = sym.dimshuffle %b pattern = array<i64: -1> : tensor<f64> -> tensor<1xf64>
    %5 = sym.sub %3, %4 : (tensor<?xf64>, tensor<1xf64>) -> tensor<?xf64>
    %6 = sym.exp %5 : tensor<?xf64>
    %7 = sym.add %1, %6 : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
    %8 = sym.div %0, %7 : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
    %9 = sym.constant dense<5.000000e-01> : tensor<1xf64>
    %10 = sym.cmp "gt", %8, %9 : (tensor<?xf64>, tensor<1xf64>) -> tensor<?xi1>
    %11 = sym.neg %y : tensor<?xf64>
    %12 = sym.log %8 : tensor<?xf64>
    %13 = sym.mul %11, %12 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %14 = sym.constant dense<1.000000e+00> : tensor<1xf64>
    %15 = sym.sub %14, %y : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
    %16 = sym.constant dense<1.000000e+00> : tensor<1xf64>
    %17 = sym.sub %16, %8 : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
    %18 = sym.log %17 : tensor<?xf64>
    %19 = sym.mul %15, %18 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %20 = sym.sub %13, %19 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %21 = sym.constant dense<1.000000e-01> : tensor<1xf64>
    %22 = sym.constant dense<1.000000e+00> : tensor<f64>
    %23 = sym.neg %y : tensor<?xf64>
    %24 = sym.dot %x, %w : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %25 = sym.neg %24 : tensor<?xf64>
    %26 = sym.dimshuffle %b pattern = array<i64: -1> : tensor<f64> -> tensor<1xf64>
    %27 = sym.sub %25, %26 : (tensor<?xf64>, tensor<1xf64>) -> tensor<?xf64>
    %28 = sym.softplus %27 : tensor<?xf64>
    %29 = sym.neg %28 : tensor<?xf64>
    %30 = sym.mul %23, %29 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %31 = sym.constant dense<1.000000e+00> : tensor<1xf64>
    %32 = sym.sub %31, %y : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
    %33 = sym.neg %27 : tensor<?xf64>
    %34 = sym.softplus %33 : tensor<?xf64>
    %35 = sym.neg %34 : tensor<?xf64>
    %36 = sym.mul %32, %35 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %37 = sym.sub %30, %36 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %38 = sym.reduce "mean" %37 axes = array<i64: 0> : tensor<?xf64> -> tensor<f64>
    %39 = sym.constant dense<1.000000e-02> : tensor<f64>
    %40 = sym.mul %w, %w : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %41 = sym.reduce "sum" %40 axes = array<i64: 0> : tensor<?xf64> -> tensor<f64>
    %42 = sym.mul %39, %41 : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %43 = sym.add %38, %42 : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %44 = sym.shape %43 : tensor<f64> -> tensor<0xi64>
    %45 = sym.alloc %22, %44 : (tensor<f64>, tensor<0xi64>) -> tensor<f64>
    %46 = sym.mul %45, %39 : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %47 = sym.dimshuffle %46 pattern = array<i64: -1> : tensor<f64> -> tensor<1xf64>
    %48 = sym.shape %40 : tensor<?xf64> -> tensor<1xi64>
    %49 = sym.alloc %47, %48 : (tensor<1xf64>, tensor<1xi64>) -> tensor<?xf64>
    %50 = sym.mul %49, %w : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %51 = sym.mul %49, %w : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %52 = sym.add %50, %51 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %53 = sym.dimshuffle %x pattern = array<i64: 1, 0> : tensor<?x?xf64> -> tensor<?x?xf64>
    %54 = sym.dimshuffle %45 pattern = array<i64: -1> : tensor<f64> -> tensor<1xf64>
    %55 = sym.shape %37 : tensor<?xf64> -> tensor<1xi64>
    %56 = sym.subtensor %55[0] : tensor<1xi64> -> tensor<i64>
    %57 = sym.dimshuffle %56 pattern = array<i64: -1> : tensor<i64> -> tensor<1xi64>
    %58 = sym.reduce "prod" %57 axes = array<i64: 0> : tensor<1xi64> -> tensor<i64>
    %59 = sym.cast %58 : tensor<i64> to tensor<f64>
    %60 = sym.dimshuffle %59 pattern = array<i64: -1> : tensor<f64> -> tensor<1xf64>
    %61 = sym.div %54, %60 : (tensor<1xf64>, tensor<1xf64>) -> tensor<1xf64>
    %62 = sym.shape %37 : tensor<?xf64> -> tensor<1xi64>
    %63 = sym.alloc %61, %62 : (tensor<1xf64>, tensor<1xi64>) -> tensor<?xf64>
    %64 = sym.neg %63 : tensor<?xf64>
    %65 = sym.mul %64, %32 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %66 = sym.neg %65 : tensor<?xf64>
    %67 = sym.sigmoid %33 : tensor<?xf64>
    %68 = sym.mul %66, %67 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %69 = sym.neg %68 : tensor<?xf64>
    %70 = sym.mul %63, %23 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %71 = sym.neg %70 : tensor<?xf64>
    %72 = sym.sigmoid %27 : tensor<?xf64>
    %73 = sym.mul %71, %72 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %74 = sym.add %69, %73 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %75 = sym.neg %74 : tensor<?xf64>
    %76 = sym.dot %53, %75 : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %77 = sym.add %52, %76 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %78 = sym.mul %21, %77 : (tensor<1xf64>, tensor<?xf64>) -> tensor<?xf64>
    %79 = sym.sub %w, %78 : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %80 = sym.constant dense<1.000000e-01> : tensor<f64>
    %81 = sym.neg %74 : tensor<?xf64>
    %82 = sym.reduce "sum" %81 axes = array<i64: 0> keepdims : tensor<?xf64> -> tensor<1xf64>
    %83 = sym.dimshuffle %82 pattern = array<i64> : tensor<1xf64> -> tensor<f64>
    %84 = sym.mul %80, %83 : (tensor<f64>, tensor<f64>) -> tensor<f64>
    %85 = sym.sub %b, %84 : (tensor<f64>, tensor<f64>) -> tensor<f64>
    sym.write @w, %79 : tensor<?xf64>
    sym.write @b, %85 : tensor<f64>
    func.return %10, %20 : tensor<?xi1>, tensor<?xf64>
  }
}
