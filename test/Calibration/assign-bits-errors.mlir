// RUN: not dfq-opt %s --dfq-assign-bits 2>&1 | FileCheck %s --check-prefix=NOBUDGET
// RUN: not dfq-opt %s --dfq-assign-bits="budget=avg-bits:-1" 2>&1 | FileCheck %s --check-prefix=NOBUDGET
// RUN: not dfq-opt %s --dfq-assign-bits="budget=flops:4" 2>&1 | FileCheck %s --check-prefix=KIND
// RUN: not dfq-opt %s --dfq-assign-bits="budget=avg-bits:4 choices=1,4" 2>&1 | FileCheck %s --check-prefix=CHOICES
// RUN: not dfq-opt %s --dfq-assign-bits="budget=avg-bits:4 choices=4,4" 2>&1 | FileCheck %s --check-prefix=CHOICES
// RUN: not dfq-opt %s --dfq-assign-bits="budget=avg-bits:4 first-last-bits=9" 2>&1 | FileCheck %s --check-prefix=EDGE
// RUN: not dfq-opt %s --dfq-assign-bits="budget=avg-bits:4" 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not dfq-opt %s --pass-pipeline="builtin.module(dfq-synthesize{method=gaussian samples=2},dfq-assign-bits{budget=avg-bits:2.5 first-last-bits=0 choices=3,4})" 2>&1 | FileCheck %s --check-prefix=INFEASIBLE

// NOBUDGET: error: dfq-assign-bits: budget must be avg-bits:B, size:BYTES or bops:N with a positive number, got '{{.*}}'
// KIND: error: dfq-assign-bits: budget must be avg-bits:B, size:BYTES or bops:N with a positive number, got 'flops:4'
// CHOICES: error: dfq-assign-bits: choices must be distinct bit widths in [2, 8]
// EDGE: error: dfq-assign-bits: abits must lie in [2, 8] and first-last-bits be 0 or lie in [2, 8]
// NODATA: error: dfq-assign-bits: sensitivities are measured on the synthetic batch; run dfq-synthesize first
// INFEASIBLE: error: dfq-assign-bits: budget avg-bits:2.5 is infeasible: the least allocation (every free layer at 3 bits) needs avg-bits:3.0000

func.func @main(%x: tensor<?x1x4x4xf32>) -> tensor<?x2x4x4xf32> {
  %w = arith.constant dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>
  %0 = dfq.conv2d %x, %w : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}
