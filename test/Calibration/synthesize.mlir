// RUN: dfq-opt %s --dfq-synthesize="method=zeroq samples=3 iterations=4 seed=1" 2>%t.zeroq.log | FileCheck %s --check-prefix=ZEROQ
// RUN: FileCheck %s --check-prefix=PROGRESS < %t.zeroq.log
// RUN: dfq-opt %s --dfq-synthesize="method=dsg samples=4 iterations=3 seed=7" 2>/dev/null | FileCheck %s --check-prefix=DSG
// The same seed gives the same batch; another seed another one.
// RUN: dfq-opt %s --dfq-synthesize="method=dsg samples=4 iterations=3 seed=7" -o %t.a.mlir 2>/dev/null
// RUN: dfq-opt %s --dfq-synthesize="method=dsg samples=4 iterations=3 seed=7" -o %t.b.mlir 2>/dev/null
// RUN: dfq-opt %s --dfq-synthesize="method=dsg samples=4 iterations=3 seed=8" -o %t.c.mlir 2>/dev/null
// RUN: cmp %t.a.mlir %t.b.mlir
// RUN: not cmp -s %t.a.mlir %t.c.mlir
// Each DSG component can be switched off.
// RUN: dfq-opt %s --dfq-synthesize="method=dsg samples=4 iterations=3 seed=7 sda=false lse=false sci=false" -o %t.d.mlir 2>/dev/null
// RUN: not cmp -s %t.a.mlir %t.d.mlir

// A time limit stops the run early and says so; the batch is still stored.
// RUN: dfq-opt %s --dfq-synthesize="method=dsg samples=4 iterations=100000 time-limit=0.5" 2>&1 | FileCheck %s --check-prefix=LIMIT
// LIMIT: dfq-synthesize: dsg stopped after {{[0-9]+}} of 100000 iterations: time limit of 0.5 s
// LIMIT: dfq-synthesize: 4 images in {{[0-9.]+}} s
// LIMIT: module attributes {dfq.calibration_data = dense_resource<dfq_calibration_dsg> : tensor<4x1x6x6xf32>

// Gaussian noise needs no BatchNorm and no fitting.
// RUN: dfq-opt %s --dfq-synthesize="method=gaussian samples=5 seed=3" 2>&1 | FileCheck %s --check-prefix=GAUSSIAN
// GAUSSIAN: dfq-synthesize: 5 Gaussian noise images
// GAUSSIAN: module attributes {dfq.calibration_data = dense_resource<dfq_calibration_gaussian> : tensor<5x1x6x6xf32>, dfq.calibration_source = "gaussian"}

// ZEROQ: module attributes {dfq.calibration_data = dense_resource<dfq_calibration_zeroq> : tensor<3x1x6x6xf32>, dfq.calibration_source = "zeroq"}
// ZEROQ: func.func @main
// ZEROQ: dialect_resources
// ZEROQ: dfq_calibration_zeroq: "0x04000000

// PROGRESS: dfq-synthesize: zeroq iteration 4/4, loss
// PROGRESS: dfq-synthesize: 3 images in

// DSG: module attributes {dfq.calibration_data = dense_resource<dfq_calibration_dsg> : tensor<4x1x6x6xf32>, dfq.calibration_source = "dsg"}

func.func @main(%x: tensor<?x1x6x6xf32>) -> tensor<?x3xf32> {
  %w = arith.constant dense<[[[[0.1, -0.2, 0.3], [0.0, 0.5, -0.1], [0.2, 0.1, -0.3]]],
                             [[[-0.4, 0.2, 0.1], [0.3, -0.2, 0.0], [0.1, 0.4, 0.2]]]]> : tensor<2x1x3x3xf32>
  %scale = arith.constant dense<[1.2, 0.8]> : tensor<2xf32>
  %shift = arith.constant dense<[0.1, -0.1]> : tensor<2xf32>
  %mean = arith.constant dense<[0.3, -0.2]> : tensor<2xf32>
  %var = arith.constant dense<[0.5, 1.5]> : tensor<2xf32>
  %fc = arith.constant dense<[[1.0, -1.0], [0.5, 0.5], [-0.3, 0.8]]> : tensor<3x2xf32>
  %0 = dfq.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<?x1x6x6xf32>, tensor<2x1x3x3xf32>) -> tensor<?x2x6x6xf32>
  %1 = dfq.batch_norm %0, %scale, %shift, %mean, %var : (tensor<?x2x6x6xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x6x6xf32>
  %2 = dfq.relu %1 : tensor<?x2x6x6xf32>
  %3 = dfq.global_avg_pool %2 : (tensor<?x2x6x6xf32>) -> tensor<?x2x1x1xf32>
  %4 = dfq.flatten %3 : (tensor<?x2x1x1xf32>) -> tensor<?x2xf32>
  %5 = dfq.gemm %4, %fc : (tensor<?x2xf32>, tensor<3x2xf32>) -> tensor<?x3xf32>
  return %5 : tensor<?x3xf32>
}
