// RUN: symopt %s -p loop-fuse --split-input-file | filecheck %s

// loop-fuse inlines tensor loop.map producers into the loop.map / loop.reduce
// that consume them, composing the dims maps.

// A chain of single-use producers becomes one map; the producers are gone and
// the input they share with the consumer is read once.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT:    %[[C:.*]] = loop.map ins(%x : tensor<?x3xf64>) -> tensor<?x3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64):
// CHECK-NEXT:      %[[N:.*]] = arith.negf %[[A]] : f64
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[N]] : f64
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[E]], %[[A]] : f64
// CHECK-NEXT:      loop.yield %[[S]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[C]] : tensor<?x3xf64>
func.func @chain(%x: tensor<?x3xf64>) -> tensor<?x3xf64> {
  %a = loop.map ins(%x : tensor<?x3xf64>) -> tensor<?x3xf64> {
  ^bb0(%v: f64):
    %n = arith.negf %v : f64
    loop.yield %n : f64
  }
  %b = loop.map ins(%a : tensor<?x3xf64>) -> tensor<?x3xf64> {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %c = loop.map ins(%b, %x : tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64> {
  ^bb0(%v: f64, %w: f64):
    %s = arith.addf %v, %w : f64
    loop.yield %s : f64
  }
  func.return %c : tensor<?x3xf64>
}

// -----

// The producer's inputs join the consumer's other inputs (in the consumer's
// order first).
// CHECK-LABEL: func.func @two_inputs
// CHECK-NEXT:    %[[R:.*]] = loop.map ins(%z, %x, %y : tensor<?xf64>, tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[Z:.*]]: f64, %[[X:.*]]: f64, %[[Y:.*]]: f64):
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[X]], %[[Y]] : f64
// CHECK-NEXT:      %[[S:.*]] = arith.subf %[[Z]], %[[M]] : f64
// CHECK-NEXT:      loop.yield %[[S]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[R]]
func.func @two_inputs(%x: tensor<?xf64>, %y: tensor<?xf64>, %z: tensor<?xf64>) -> tensor<?xf64> {
  %p = loop.map ins(%x, %y : tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%a: f64, %b: f64):
    %m = arith.mulf %a, %b : f64
    loop.yield %m : f64
  }
  %c = loop.map ins(%z, %p : tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%a: f64, %b: f64):
    %s = arith.subf %a, %b : f64
    loop.yield %s : f64
  }
  func.return %c : tensor<?xf64>
}

// -----

// A producer fuses into a reduction's prologue.
// CHECK-LABEL: func.func @into_reduce
// CHECK-NEXT:    %[[R:.*]] = loop.reduce "add" ins(%x : tensor<?x3xf64>) axes [0] -> tensor<3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[A:.*]]: f64):
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[A]] : f64
// CHECK-NEXT:      loop.yield %[[E]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[R]] : tensor<3xf64>
func.func @into_reduce(%x: tensor<?x3xf64>) -> tensor<3xf64> {
  %a = loop.map ins(%x : tensor<?x3xf64>) -> tensor<?x3xf64> {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %r = loop.reduce "add" ins(%a : tensor<?x3xf64>) axes [0] -> tensor<3xf64> {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  func.return %r : tensor<3xf64>
}

// -----

// A transpose (a copy with a dims map) feeding a map: the fused input reads the
// consumer's space through the composed map.
// CHECK-LABEL: func.func @transpose
// CHECK-NEXT:    %[[S:.*]] = loop.map ins(%y, %x : tensor<?x3xf64>, tensor<3x?xf64>) dims {{\[}}[0, 1], [1, 0]] -> tensor<?x3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[Y:.*]]: f64, %[[X:.*]]: f64):
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[X]], %[[Y]] : f64
// CHECK-NEXT:      loop.yield %[[M]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[S]]
func.func @transpose(%x: tensor<3x?xf64>, %y: tensor<?x3xf64>) -> tensor<?x3xf64> {
  %t = loop.map ins(%x : tensor<3x?xf64>) dims [[1, 0]] -> tensor<?x3xf64> {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  %s = loop.map ins(%t, %y : tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64> {
  ^bb0(%v: f64, %w: f64):
    %m = arith.mulf %v, %w : f64
    loop.yield %m : f64
  }
  func.return %s : tensor<?x3xf64>
}

// -----

// A transposing producer read through a transposing dims map: the composition
// is the identity (not printed).
// CHECK-LABEL: func.func @transpose_twice
// CHECK-NEXT:    %[[S:.*]] = loop.map ins(%x : tensor<3x?xf64>) -> tensor<3x?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[X:.*]]: f64):
// CHECK-NEXT:      %[[N:.*]] = arith.negf %[[X]] : f64
// CHECK-NEXT:      loop.yield %[[N]] : f64
// CHECK-NEXT:    }
func.func @transpose_twice(%x: tensor<3x?xf64>) -> tensor<3x?xf64> {
  %t = loop.map ins(%x : tensor<3x?xf64>) dims [[1, 0]] -> tensor<?x3xf64> {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  %s = loop.map ins(%t : tensor<?x3xf64>) dims [[1, 0]] -> tensor<3x?xf64> {
  ^bb0(%v: f64):
    %n = arith.negf %v : f64
    loop.yield %n : f64
  }
  func.return %s : tensor<3x?xf64>
}

// -----

// A transpose feeding a reduction: the reduction reads %x through [1, 0].
// CHECK-LABEL: func.func @transpose_reduce
// CHECK-NEXT:    %[[R:.*]] = loop.reduce "max" ins(%x : tensor<3x?xf64>) dims {{\[}}[1, 0]] axes [1] -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[X:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[X]] : f64
// CHECK-NEXT:    }
func.func @transpose_reduce(%x: tensor<3x?xf64>) -> tensor<?xf64> {
  %t = loop.map ins(%x : tensor<3x?xf64>) dims [[1, 0]] -> tensor<?x3xf64> {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  %r = loop.reduce "max" ins(%t : tensor<?x3xf64>) axes [1] -> tensor<?xf64> {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  func.return %r : tensor<?xf64>
}

// -----

// A producer whose result has a dimension of size 1 that the consumer
// broadcasts: its input reads that dimension at index 0 (-1).
// CHECK-LABEL: func.func @broadcast
// CHECK-NEXT:    %[[S:.*]] = loop.map ins(%x, %c : tensor<?x3xf64>, tensor<1x3xf64>) dims {{\[}}[0, 1], [-1, 1]] -> tensor<?x3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[X:.*]]: f64, %[[C:.*]]: f64):
// CHECK-NEXT:      %[[N:.*]] = arith.negf %[[C]] : f64
// CHECK-NEXT:      %[[A:.*]] = arith.addf %[[X]], %[[N]] : f64
// CHECK-NEXT:      loop.yield %[[A]] : f64
// CHECK-NEXT:    }
func.func @broadcast(%x: tensor<?x3xf64>, %c: tensor<1x3xf64>) -> tensor<?x3xf64> {
  %p = loop.map ins(%c : tensor<1x3xf64>) -> tensor<1x3xf64> {
  ^bb0(%v: f64):
    %n = arith.negf %v : f64
    loop.yield %n : f64
  }
  %s = loop.map ins(%x, %p : tensor<?x3xf64>, tensor<1x3xf64>) -> tensor<?x3xf64> {
  ^bb0(%v: f64, %w: f64):
    %m = arith.addf %v, %w : f64
    loop.yield %m : f64
  }
  func.return %s : tensor<?x3xf64>
}

// -----

// A row vector broadcast by the producer (dims [1]) stays [1] in the consumer.
// CHECK-LABEL: func.func @row_vector
// CHECK-NEXT:    %{{.*}} = loop.map ins(%x, %b : tensor<?x3xf64>, tensor<3xf64>) dims {{\[}}[0, 1], [1]] -> tensor<?x3xf64> {
func.func @row_vector(%x: tensor<?x3xf64>, %b: tensor<3xf64>) -> tensor<?x3xf64> {
  %p = loop.map ins(%x, %b : tensor<?x3xf64>, tensor<3xf64>) dims [[0, 1], [1]] -> tensor<?x3xf64> {
  ^bb0(%v: f64, %w: f64):
    %s = arith.addf %v, %w : f64
    loop.yield %s : f64
  }
  %q = loop.map ins(%p : tensor<?x3xf64>) -> tensor<?x3xf64> {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  func.return %q : tensor<?x3xf64>
}

// -----

// A cheap producer (a few arith ops) with two consumers is copied into both and
// then disappears.
// CHECK-LABEL: func.func @cheap_two_users
// CHECK-NEXT:    %[[B:.*]] = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[X1:.*]]: f64):
// CHECK-NEXT:      %[[N1:.*]] = arith.negf %[[X1]] : f64
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[N1]], %[[N1]] : f64
// CHECK-NEXT:      loop.yield %[[M]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C:.*]] = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[X2:.*]]: f64):
// CHECK-NEXT:      %[[N2:.*]] = arith.negf %[[X2]] : f64
// CHECK-NEXT:      %[[A:.*]] = arith.addf %[[N2]], %[[N2]] : f64
// CHECK-NEXT:      loop.yield %[[A]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[B]], %[[C]]
func.func @cheap_two_users(%x: tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>) {
  %a = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %n = arith.negf %v : f64
    loop.yield %n : f64
  }
  %b = loop.map ins(%a : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %m = arith.mulf %v, %v : f64
    loop.yield %m : f64
  }
  %c = loop.map ins(%a : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %m = arith.addf %v, %v : f64
    loop.yield %m : f64
  }
  func.return %b, %c : tensor<?xf64>, tensor<?xf64>
}

// -----

// A cheap producer that is also returned is copied into its consumer and stays.
// CHECK-LABEL: func.func @cheap_returned
// CHECK-NEXT:    %[[A:.*]] = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%{{.*}}: f64):
// CHECK-NEXT:      arith.negf
// CHECK-NEXT:      loop.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[B:.*]] = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[X:.*]]: f64):
// CHECK-NEXT:      %[[N:.*]] = arith.negf %[[X]] : f64
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[N]], %[[N]] : f64
// CHECK-NEXT:      loop.yield %[[M]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[A]], %[[B]]
func.func @cheap_returned(%x: tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>) {
  %a = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %n = arith.negf %v : f64
    loop.yield %n : f64
  }
  %b = loop.map ins(%a : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %m = arith.mulf %v, %v : f64
    loop.yield %m : f64
  }
  func.return %a, %b : tensor<?xf64>, tensor<?xf64>
}

// -----

// An expensive producer (math.exp) with two users is not computed twice: the
// first consumer, a map over the same space, also yields the producer's value
// (a two-result map) and the second user reads that result.
// CHECK-LABEL: func.func @expensive_two_users
// CHECK-NEXT:    %[[B:.*]], %[[A:.*]] = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64>, tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[X:.*]]: f64):
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[X]] : f64
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[E]], %[[E]] : f64
// CHECK-NEXT:      loop.yield %[[M]], %[[E]] : f64, f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C:.*]] = loop.map ins(%[[A]] : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[V:.*]]: f64):
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[V]], %[[V]] : f64
// CHECK-NEXT:      loop.yield %[[S]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[B]], %[[C]]
func.func @expensive_two_users(%x: tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>) {
  %a = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %n = math.exp %v : f64
    loop.yield %n : f64
  }
  %b = loop.map ins(%a : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %m = arith.mulf %v, %v : f64
    loop.yield %m : f64
  }
  %c = loop.map ins(%a : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %m = arith.addf %v, %v : f64
    loop.yield %m : f64
  }
  func.return %b, %c : tensor<?xf64>, tensor<?xf64>
}

// -----

// An expensive producer whose first user is a reduction (no extra result
// there) and whose other user comes after it stays as it is.
// CHECK-LABEL: func.func @expensive_stays
// CHECK-NEXT:    %[[A:.*]] = loop.map ins(%x : tensor<?x3xf64>) -> tensor<?x3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[X:.*]]: f64):
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[X]] : f64
// CHECK-NEXT:      loop.yield %[[E]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[R:.*]] = loop.reduce "max" ins(%[[A]] : tensor<?x3xf64>) axes [0] -> tensor<3xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[V:.*]]: f64):
// CHECK-NEXT:      loop.yield %[[V]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[C:.*]] = loop.map ins(%[[A]] : tensor<?x3xf64>) -> tensor<?x3xf64> {
// CHECK-NOT:       math.exp
// CHECK:         func.return %[[R]], %[[C]]
func.func @expensive_stays(%x: tensor<?x3xf64>) -> (tensor<3xf64>, tensor<?x3xf64>) {
  %a = loop.map ins(%x : tensor<?x3xf64>) -> tensor<?x3xf64> {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %r = loop.reduce "max" ins(%a : tensor<?x3xf64>) axes [0] -> tensor<3xf64> {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  %c = loop.map ins(%a : tensor<?x3xf64>) -> tensor<?x3xf64> {
  ^bb0(%v: f64):
    %m = arith.mulf %v, %v : f64
    loop.yield %m : f64
  }
  func.return %r, %c : tensor<3xf64>, tensor<?x3xf64>
}

// -----

// A producer that uses loop.index is not fused (its indices are its own space's).
// CHECK-LABEL: func.func @index_producer
// CHECK-NEXT:    %[[A:.*]] = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK:           loop.index 0 : index
// CHECK:         loop.map ins(%[[A]] : tensor<?xf64>) -> tensor<?xf64> {
func.func @index_producer(%x: tensor<?xf64>) -> tensor<?xf64> {
  %a = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %i = loop.index 0 : index
    %j = arith.index_cast %i : index to i64
    %f = arith.sitofp %j : i64 to f64
    %n = arith.addf %v, %f : f64
    loop.yield %n : f64
  }
  %b = loop.map ins(%a : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %m = arith.mulf %v, %v : f64
    loop.yield %m : f64
  }
  func.return %b : tensor<?xf64>
}

// -----

// No fusion into a loop body: the consumer inside sym.map_index runs once per
// iteration, so moving the producer's exp there would recompute it.
// CHECK-LABEL: func.func @loop_body
// CHECK-NEXT:    %[[A:.*]] = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:    ^{{.*}}(%[[X:.*]]: f64):
// CHECK-NEXT:      math.exp %[[X]] : f64
// CHECK:         sym.map_index %k
// CHECK:           loop.map ins(%[[A]] : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NOT:         math.exp
// CHECK:           sym.yield
func.func @loop_body(%x: tensor<?xf64>, %k: tensor<i64>) -> tensor<?x?xf64> {
  %a = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%v: f64):
    %n = math.exp %v : f64
    loop.yield %n : f64
  }
  %r = sym.map_index %k : tensor<i64> -> tensor<?x?xf64> {
  ^bb0(%i: tensor<i64>):
    %c = loop.map ins(%a : tensor<?xf64>) -> tensor<?xf64> {
    ^bb0(%v: f64):
      %m = arith.mulf %v, %v : f64
      loop.yield %m : f64
    }
    sym.yield %c : tensor<?xf64>
  }
  func.return %r : tensor<?x?xf64>
}

// -----

// Inside a loop body, producers and consumers of the same block do fuse.
// CHECK-LABEL: func.func @within_body
// CHECK:         sym.map_index %k
// CHECK-NEXT:    ^{{.*}}(%{{.*}}: tensor<i64>):
// CHECK-NEXT:      %[[C:.*]] = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
// CHECK-NEXT:      ^{{.*}}(%[[X:.*]]: f64):
// CHECK-NEXT:        %[[E:.*]] = math.exp %[[X]] : f64
// CHECK-NEXT:        %[[M:.*]] = arith.mulf %[[E]], %[[E]] : f64
// CHECK-NEXT:        loop.yield %[[M]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      sym.yield %[[C]] : tensor<?xf64>
func.func @within_body(%x: tensor<?xf64>, %k: tensor<i64>) -> tensor<?x?xf64> {
  %r = sym.map_index %k : tensor<i64> -> tensor<?x?xf64> {
  ^bb0(%i: tensor<i64>):
    %a = loop.map ins(%x : tensor<?xf64>) -> tensor<?xf64> {
    ^bb0(%v: f64):
      %n = math.exp %v : f64
      loop.yield %n : f64
    }
    %c = loop.map ins(%a : tensor<?xf64>) -> tensor<?xf64> {
    ^bb0(%v: f64):
      %m = arith.mulf %v, %v : f64
      loop.yield %m : f64
    }
    sym.yield %c : tensor<?xf64>
  }
  func.return %r : tensor<?x?xf64>
}
