// RUN: symopt %s -p loop-abi --split-input-file | filecheck %s

// loop-abi makes the calling convention explicit: each shared variable read
// becomes an argument after the inputs, each write a result after the outputs;
// every result is a buffer the caller takes over (anything else is copied into
// a fresh one), except a variable updated in place, returned as its own
// argument. The convention is recorded as the function's symopt.abi attribute
// and each loop.check gets its error code. The inputs are bufferized IR (after
// loop-bufferize and loop-inplace).

// A training step: inputs x (float64) and y (uint8, an i8 buffer), variables
// @w (updated in place) and @b (new value in a fresh buffer). The record lists
// the arguments (inputs, then the variables' current values, "shared"), the
// results (the output, then the variables' new values: "inplace" for @w, whose
// result is its argument, "shared" for @b), dtypes, shapes (-1 where dynamic,
// empty for a 0-d buffer), and the checks in program order with their message,
// kind and number of values; err_words is the failing code plus the most
// values a check reports. The loop.globals and loop.read/write are gone,
// unused variables included.
// CHECK-NOT:   loop.global
// CHECK-LABEL: func.func @train
// CHECK-SAME:    (%x: memref<?x3xf64>, %y: memref<?xi8>, %w: memref<?xf64>, %b: memref<f64>) -> (memref<?xf64>, memref<?xf64>, memref<f64>)
// CHECK-SAME:    attributes {symopt.abi = {
// CHECK-SAME:    args = [{role = "input", name = "x", dtype = "float64", shape = array<i64: -1, 3>},
// CHECK-SAME:            {role = "input", name = "y", dtype = "uint8", shape = array<i64: -1>},
// CHECK-SAME:            {role = "shared", name = "w", dtype = "float64", shape = array<i64: -1>},
// CHECK-SAME:            {role = "shared", name = "b", dtype = "float64", shape = array<i64>}],
// CHECK-SAME:    results = [{role = "output", name = "out0", dtype = "float64", shape = array<i64: -1>},
// CHECK-SAME:               {role = "inplace", name = "w", dtype = "float64", shape = array<i64: -1>},
// CHECK-SAME:               {role = "shared", name = "b", dtype = "float64", shape = array<i64>}],
// CHECK-SAME:    errors = [{message = "shape mismatch: {0} vs {1}", kind = "value", nargs = 2 : i64},
// CHECK-SAME:              {message = "index out of bounds", kind = "index", nargs = 0 : i64}],
// CHECK-SAME:    err_words = 3 : i64}}
// CHECK:         loop.check %{{.*}}, "shape mismatch: {0} vs {1}" (%{{.*}}, %{{.*}} : index, index) {code = 1 : i64}
// CHECK:         loop.check %{{.*}}, "index out of bounds" kind index {code = 2 : i64}
// CHECK-NEXT:    %[[O:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:         loop.map ins(%w : memref<?xf64>) outs(%w : memref<?xf64>) {
// CHECK:         %[[NB:.*]] = memref.alloc() : memref<f64>
// CHECK-NEXT:    loop.map ins(%b : memref<f64>) outs(%[[NB]] : memref<f64>) {
// CHECK:         }
// CHECK-NEXT:    func.return %[[O]], %w, %[[NB]] : memref<?xf64>, memref<?xf64>, memref<f64>
// CHECK-NOT:     loop.read
// CHECK-NOT:     loop.write
loop.global @w : tensor<?xf64>
loop.global @b : tensor<f64>
loop.global @unused : tensor<f64>
func.func @train(%x: memref<?x3xf64> {symopt.dtype = "float64"}, %y: memref<?xi8> {symopt.dtype = "uint8"}) -> (memref<?xf64> {symopt.dtype = "float64"}) {
  %w = loop.read @w : memref<?xf64>
  %b = loop.read @b : memref<f64>
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x3xf64>
  %m = memref.dim %y, %c0 : memref<?xi8>
  %eq = arith.cmpi eq, %m, %n : index
  loop.check %eq, "shape mismatch: {0} vs {1}" (%m, %n : index, index)
  %ok = arith.cmpi sgt, %n, %c0 : index
  loop.check %ok, "index out of bounds" kind index
  %o = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%x : memref<?x3xf64>) dims [[0, -1]] outs(%o : memref<?xf64>) {
  ^bb0(%a: f64):
    loop.yield %a : f64
  }
  loop.map ins(%w : memref<?xf64>) outs(%w : memref<?xf64>) {
  ^bb0(%a: f64):
    %d = arith.negf %a : f64
    loop.yield %d : f64
  }
  %nb = memref.alloc() : memref<f64>
  loop.map ins(%b : memref<f64>) outs(%nb : memref<f64>) {
  ^bb0(%a: f64):
    %d = arith.negf %a : f64
    loop.yield %d : f64
  }
  loop.write @w, %w : memref<?xf64>
  loop.write @b, %nb : memref<f64>
  func.return %o : memref<?xf64>
}

// -----

// Results the caller cannot take over are copied into fresh contiguous buffers
// just before the return, by a copying loop.map: an argument (%x), a view (the
// transpose %t; the result type becomes contiguous), and a buffer returned
// twice (the first %e is returned as it is, the second is a copy). With no
// checks, errors is empty and err_words 1.
// CHECK-LABEL: func.func @copies
// CHECK-SAME:    (%x: memref<?x3xf64>) -> (memref<?x3xf64>, memref<3x?xf64>, memref<?x3xf64>, memref<?x3xf64>)
// CHECK-SAME:    errors = [], err_words = 1 : i64
// CHECK:         %[[T:.*]] = loop.view %x
// CHECK:         %[[E:.*]] = memref.alloc(%{{.*}}) : memref<?x3xf64>
// CHECK-NEXT:    loop.map ins(%x : memref<?x3xf64>) outs(%[[E]] : memref<?x3xf64>) {
// CHECK:           math.exp
// CHECK:         %[[CX:.*]] = memref.alloc(%{{.*}}) : memref<?x3xf64>
// CHECK-NEXT:    loop.map ins(%x : memref<?x3xf64>) outs(%[[CX]] : memref<?x3xf64>) {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[A]] : f64
// CHECK-NEXT:    }
// CHECK:         %[[CT:.*]] = memref.alloc(%{{.*}}) : memref<3x?xf64>
// CHECK-NEXT:    loop.map ins(%[[T]] : memref<3x?xf64, strided<[?, ?], offset: ?>>) outs(%[[CT]] : memref<3x?xf64>) {
// CHECK-NEXT:    ^{{.*}}(%[[B:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[B]] : f64
// CHECK-NEXT:    }
// CHECK:         %[[CE:.*]] = memref.alloc(%{{.*}}) : memref<?x3xf64>
// CHECK-NEXT:    loop.map ins(%[[E]] : memref<?x3xf64>) outs(%[[CE]] : memref<?x3xf64>) {
// CHECK-NEXT:    ^{{.*}}(%[[C:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[C]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[CX]], %[[CT]], %[[E]], %[[CE]] : memref<?x3xf64>, memref<3x?xf64>, memref<?x3xf64>, memref<?x3xf64>
func.func @copies(%x: memref<?x3xf64> {symopt.dtype = "float64"}) -> (memref<?x3xf64> {symopt.dtype = "float64"}, memref<3x?xf64, strided<[?, ?], offset: ?>> {symopt.dtype = "float64"}, memref<?x3xf64> {symopt.dtype = "float64"}, memref<?x3xf64> {symopt.dtype = "float64"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %n = memref.dim %x, %c0 : memref<?x3xf64>
  %t = loop.view %x offset(%c0) sizes(%c3, %n) strides(%c1, %c3) : memref<?x3xf64> -> memref<3x?xf64, strided<[?, ?], offset: ?>>
  %e = memref.alloc(%n) : memref<?x3xf64>
  loop.map ins(%x : memref<?x3xf64>) outs(%e : memref<?x3xf64>) {
  ^bb0(%a: f64):
    %r = math.exp %a : f64
    loop.yield %r : f64
  }
  func.return %x, %t, %e, %e : memref<?x3xf64>, memref<3x?xf64, strided<[?, ?], offset: ?>>, memref<?x3xf64>, memref<?x3xf64>
}

// -----

// A variable's new value that is also an output: the output keeps the buffer,
// the variable gets a copy (each result is owned by one receiver).
// CHECK-LABEL: func.func @output_and_update
// CHECK-SAME:    (%x: memref<?xf64>, %w: memref<?xf64>) -> (memref<?xf64>, memref<?xf64>)
// CHECK-SAME:    results = [{role = "output", name = "out0", dtype = "float64", shape = array<i64: -1>}, {role = "shared", name = "w", dtype = "float64", shape = array<i64: -1>}]
// CHECK:         %[[N:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%x, %w : memref<?xf64>, memref<?xf64>) outs(%[[N]] : memref<?xf64>) {
// CHECK:         %[[C:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%[[N]] : memref<?xf64>) outs(%[[C]] : memref<?xf64>) {
// CHECK:         func.return %[[N]], %[[C]] : memref<?xf64>, memref<?xf64>
loop.global @w : tensor<?xf64>
func.func @output_and_update(%x: memref<?xf64> {symopt.dtype = "float64"}) -> (memref<?xf64> {symopt.dtype = "float64"}) {
  %w = loop.read @w : memref<?xf64>
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %new = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%x, %w : memref<?xf64>, memref<?xf64>) outs(%new : memref<?xf64>) {
  ^bb0(%a: f64, %b: f64):
    %s = arith.addf %a, %b : f64
    loop.yield %s : f64
  }
  loop.write @w, %new : memref<?xf64>
  func.return %new : memref<?xf64>
}

// -----

// A swap of two variables: each new value is the other variable's buffer (an
// argument now), so both are copied; the roles are "shared" both ways.
// CHECK-LABEL: func.func @swap
// CHECK-SAME:    (%a: memref<?xf64>, %b: memref<?xf64>) -> (memref<?xf64>, memref<?xf64>)
// CHECK-SAME:    args = [{role = "shared", name = "a", dtype = "float64", shape = array<i64: -1>}, {role = "shared", name = "b", dtype = "float64", shape = array<i64: -1>}]
// CHECK-SAME:    results = [{role = "shared", name = "a", dtype = "float64", shape = array<i64: -1>}, {role = "shared", name = "b", dtype = "float64", shape = array<i64: -1>}]
// CHECK:         %[[NA:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%b : memref<?xf64>) outs(%[[NA]] : memref<?xf64>) {
// CHECK:         %[[NB:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:    loop.map ins(%a : memref<?xf64>) outs(%[[NB]] : memref<?xf64>) {
// CHECK:         func.return %[[NA]], %[[NB]] : memref<?xf64>, memref<?xf64>
loop.global @a : tensor<?xf64>
loop.global @b : tensor<?xf64>
func.func @swap() {
  %a = loop.read @a : memref<?xf64>
  %b = loop.read @b : memref<?xf64>
  loop.write @a, %b : memref<?xf64>
  loop.write @b, %a : memref<?xf64>
  func.return
}

// -----

// A function split by sym-split-host takes its host samples as its last
// symopt.samples arguments: their role is "sample" (the attribute is consumed).
// CHECK-LABEL: func.func @sampled
// CHECK-SAME:    (%x: memref<?xf64>, %u: memref<2x2xf32>) -> memref<?xf64>
// CHECK-SAME:    args = [{role = "input", name = "x", dtype = "float64", shape = array<i64: -1>}, {role = "sample", name = "u", dtype = "float32", shape = array<i64: 2, 2>}]
// CHECK-NOT:     symopt.samples
// CHECK:         func.return
func.func @sampled(%x: memref<?xf64> {symopt.dtype = "float64"}, %u: memref<2x2xf32> {symopt.dtype = "float32"}) -> (memref<?xf64> {symopt.dtype = "float64"}) attributes {symopt.samples = 1 : i64} {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %o = memref.alloc(%n) : memref<?xf64>
  loop.map ins(%x, %u : memref<?xf64>, memref<2x2xf32>) dims [[0], [-1, -1]] outs(%o : memref<?xf64>) {
  ^bb0(%a: f64, %b: f32):
    %e = arith.extf %b : f32 to f64
    %r = arith.addf %a, %e : f64
    loop.yield %r : f64
  }
  func.return %o : memref<?xf64>
}

// -----

// A buffer an scf.if yields from allocations in both branches (what
// loop.generate bufferizes to) is owned: returned without a copy.
// CHECK-LABEL: func.func @if_owned
// CHECK:         %[[R:.*]] = scf.if
// CHECK-NOT:     loop.map
// CHECK:         func.return %[[R]] : memref<?xf64>
func.func @if_owned(%k: memref<i64> {symopt.dtype = "int64"}) -> (memref<?xf64> {symopt.dtype = "float64"}) {
  %v = memref.load %k[] : memref<i64>
  %n = arith.index_cast %v : i64 to index
  %c0 = arith.constant 0 : index
  %c = arith.cmpi eq, %n, %c0 : index
  %r = scf.if %c -> (memref<?xf64>) {
    %a = memref.alloc(%c0) : memref<?xf64>
    scf.yield %a : memref<?xf64>
  } else {
    %b = memref.alloc(%n) : memref<?xf64>
    scf.yield %b : memref<?xf64>
  }
  func.return %r : memref<?xf64>
}
