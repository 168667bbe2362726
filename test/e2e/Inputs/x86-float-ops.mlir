// A float model whose quantized form keeps float ops between layers: a clip
// and a ReLU of the same value (so neither fuses into a quantization), their
// sum, and the float output gemm. Input of x86-float-ops.mlir.
func.func @main(%x: tensor<?x1x28x28xf32>) -> tensor<?x4xf32> {
  %f = dfq.flatten %x : (tensor<?x1x28x28xf32>) -> tensor<?x784xf32>
  %w1 = arith.constant dense<0.01> : tensor<8x784xf32>
  %b1 = arith.constant dense<[0.5, -0.5, 0.25, -0.25, 1.0, -1.0, 0.1, -0.1]> : tensor<8xf32>
  %h = dfq.gemm %f, %w1, %b1 : (tensor<?x784xf32>, tensor<8x784xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  %c = dfq.clip %h {min = -0.5 : f64, max = 0.75 : f64} : tensor<?x8xf32>
  %r = dfq.relu %h : tensor<?x8xf32>
  %s = dfq.add %c, %r : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %w2 = arith.constant dense<[[0.5, -0.25, 0.125, 1.0, -1.0, 0.75, 0.3, -0.2], [0.1, 0.2, 0.3, 0.4, -0.5, -0.6, 0.7, 0.8], [-0.3, 0.6, -0.9, 0.2, 0.4, -0.1, 0.5, 0.0], [1.0, 1.0, -1.0, -1.0, 0.5, 0.5, -0.5, -0.5]]> : tensor<4x8xf32>
  %y = dfq.gemm %s, %w2 : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
