func.func @main(%x: tensor<?x1x28x28xf32>) -> tensor<?x1x28x28xf32> {
  %0 = arith.negf %x : tensor<?x1x28x28xf32>
  return %0 : tensor<?x1x28x28xf32>
}
