// RUN: not dfq-opt %s --dfq-reconstruct 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not dfq-opt %s --dfq-reconstruct="method=brecq" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not dfq-opt %s --dfq-reconstruct="weight-scale=percentile" 2>&1 | FileCheck %s --check-prefix=SCALE
// RUN: not dfq-opt %s --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=2},dfq-reconstruct{batch=0})" 2>&1 | FileCheck %s --check-prefix=BATCH
// RUN: not dfq-opt %s --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=2},dfq-reconstruct{wbits=9})" 2>&1 | FileCheck %s --check-prefix=WIDTH
// Asymmetric weights are not the grid AdaRound learns here: every layer
// keeps round-to-nearest, with a remark.
// RUN: dfq-opt %s -o /dev/null --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=2},dfq-reconstruct{symmetric=false iterations=2})" 2>&1 | FileCheck %s --check-prefix=ASYM
// A layer whose grid is fixed already keeps it.
// RUN: sed 's/dfq.conv2d %x, %w :/dfq.conv2d %x, %w {dfq.weight_grid = array<i64: 1, 1>} :/' %s | dfq-opt -o /dev/null --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=2},dfq-reconstruct{iterations=2})" 2>&1 | FileCheck %s --check-prefix=FIXED

// NODATA: error: dfq-reconstruct: the rounding is learned on the calibration batch; run dfq-synthesize first
// METHOD: error: dfq-reconstruct: unknown method 'brecq' (expected adaround)
// SCALE: error: dfq-reconstruct: weight-scale must be max or mse, got 'percentile'
// BATCH: error: dfq-reconstruct: iterations must not be negative, the batch and learning rate must be positive
// WIDTH: error: dfq-reconstruct:
// ASYM: remark: dfq-reconstruct: the weights are quantized per tensor, asymmetrically, unsigned or with power-of-two scales; AdaRound here learns symmetric per-channel grids, so every layer keeps round-to-nearest
// FIXED: remark: 'dfq.conv2d': dfq-reconstruct: keeps round-to-nearest: its grid is already fixed (dfq.weight_grid or dfq.weight_scales)

func.func @main(%x: tensor<?x1x4x4xf32>) -> tensor<?x2x4x4xf32> {
  %w = arith.constant dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>
  %0 = dfq.conv2d %x, %w : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}
