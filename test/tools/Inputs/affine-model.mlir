// A model for dfq-run tests whose outputs are easy to compute elsewhere:
// logits[n, k] = 0.001 * sum(x[n]) + 0.1 * k, so class 9 always wins.
func.func @main(%x: tensor<?x1x28x28xf32>) -> tensor<?x10xf32> {
  %w = arith.constant dense<0.001> : tensor<10x784xf32>
  %b = arith.constant dense<[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]> : tensor<10xf32>
  %0 = dfq.flatten %x : (tensor<?x1x28x28xf32>) -> tensor<?x784xf32>
  %1 = dfq.gemm %0, %w, %b : (tensor<?x784xf32>, tensor<10x784xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %1 : tensor<?x10xf32>
}
