// RUN: dfq-opt %s --split-input-file --verify-diagnostics --dfq-attach-target=target=cuda-sm90 --dfq-convert-layouts --dfq-lower-to-kernels=target=cuda-sm90 | FileCheck %s
// RUN: dfq-opt %s --split-input-file --verify-diagnostics --dfq-convert-layouts --dfq-lower-to-kernels=target=cuda-sm80 | FileCheck %s --check-prefix=SM80

// The CUDA targets: dense, grouped and gemm layers become tensor-core
// implicit GEMMs with a block tile chosen from their shapes (tile_n the
// widest of 128/64/32/16 the output channels fill at least half of; tile_m
// 128, or 64 for narrow layers; warps of 32 x 32 outputs; tile_k 32 for
// reductions up to 32, else 64; 3 stages, 2 for at most two k steps);
// depthwise layers run on the CUDA cores, 256 threads per block. Stages
// fit the description's shared memory; without a description, the 48 KiB
// any block may use (the 128 x 128 x 64 tile then gets 2 stages).
// CHECK-LABEL: func.func @layers
// CHECK: dfq.qconv2d
// CHECK-SAME: dfq.kernel = #dfq.cuda_kernel<sm = 90, symbol = "dfq_kernel_0_conv", kind = dense, tile_m = 128, tile_n = 128, tile_k = 64, warps_m = 4, warps_n = 2, stages = 3>
// CHECK: dfq.qconv2d
// CHECK-SAME: dfq.kernel = #dfq.cuda_kernel<sm = 90, symbol = "dfq_kernel_1_dw", kind = depthwise, tile_m = 4, tile_n = 64, tile_k = 0, warps_m = 8, warps_n = 1, stages = 0>
// CHECK: dfq.qconv2d
// CHECK-SAME: dfq.kernel = #dfq.cuda_kernel<sm = 90, symbol = "dfq_kernel_2_grouped", kind = grouped, tile_m = 64, tile_n = 16, tile_k = 32, warps_m = 2, warps_n = 1, stages = 2>
// CHECK: dfq.qgemm
// CHECK-SAME: dfq.kernel = #dfq.cuda_kernel<sm = 90, symbol = "dfq_kernel_3_fc", kind = dense, tile_m = 128, tile_n = 64, tile_k = 64, warps_m = 4, warps_n = 2, stages = 2>
// SM80-LABEL: func.func @layers
// SM80: #dfq.cuda_kernel<sm = 80, symbol = "dfq_kernel_0_conv", kind = dense, tile_m = 128, tile_n = 128, tile_k = 64, warps_m = 4, warps_n = 2, stages = 2>
func.func @layers(%x: tensor<?x64x8x8x!quant.uniform<u8:f32, 0.5:3>>, %f: tensor<?x100x!quant.uniform<u8:f32, 2.0:1>>) -> (tensor<?x128x8x8x!quant.uniform<u8:f32, 1.0:7>>, tensor<?x128x8x8x!quant.uniform<u8:f32, 1.0:7>>, tensor<?x8x8x8x!quant.uniform<u8:f32, 1.0:7>>, tensor<?x40x!quant.uniform<u8:f32, 2.0:5>>) {
  %w = dfq.qconstant dense<1> : tensor<128x64x3x3xi8> : tensor<128x64x3x3x!quant.uniform<i8:f32, 0.5>>
  %y = dfq.qconv2d %x, %w {pads = array<i64: 1, 1, 1, 1>, multiplier = array<i32: 1073741824>, shift = array<i32: 32>} : (tensor<?x64x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<128x64x3x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x128x8x8x!quant.uniform<u8:f32, 1.0:7>> loc("conv")
  %wd = dfq.qconstant dense<1> : tensor<128x1x3x3xi8> : tensor<128x1x3x3x!quant.uniform<i8:f32, 0.5>>
  %z = dfq.qconv2d %y, %wd {groups = 128 : i64, pads = array<i64: 1, 1, 1, 1>, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x128x8x8x!quant.uniform<u8:f32, 1.0:7>>, tensor<128x1x3x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x128x8x8x!quant.uniform<u8:f32, 1.0:7>> loc("dw")
  %wg = dfq.qconstant dense<1> : tensor<8x32x1x1xi8> : tensor<8x32x1x1x!quant.uniform<i8:f32, 0.5>>
  %g = dfq.qconv2d %z, %wg {groups = 4 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x128x8x8x!quant.uniform<u8:f32, 1.0:7>>, tensor<8x32x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x8x8x8x!quant.uniform<u8:f32, 1.0:7>> loc("grouped")
  %v = dfq.qconstant dense<1> : tensor<40x100xi8> : tensor<40x100x!quant.uniform<i8:f32, 0.5>>
  %o = dfq.qgemm %f, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x100x!quant.uniform<u8:f32, 2.0:1>>, tensor<40x100x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x40x!quant.uniform<u8:f32, 2.0:5>> loc("fc")
  return %y, %z, %g, %o : tensor<?x128x8x8x!quant.uniform<u8:f32, 1.0:7>>, tensor<?x128x8x8x!quant.uniform<u8:f32, 1.0:7>>, tensor<?x8x8x8x!quant.uniform<u8:f32, 1.0:7>>, tensor<?x40x!quant.uniform<u8:f32, 2.0:5>>
}

// -----

// The kernels fold the input zero point into the bias; a weight zero point
// would need per-pixel input sums, so weights must be symmetric.
func.func @asymmetric_weights(%f: tensor<?x16x!quant.uniform<u8:f32, 2.0:1>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>> {
  %v = dfq.qconstant dense<1> : tensor<4x16xi8> : tensor<4x16x!quant.uniform<i8:f32, 0.5:2>>
  // expected-error @+1 {{has a weight zero point of 2; the cuda-sm}}
  %o = dfq.qgemm %f, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x16x!quant.uniform<u8:f32, 2.0:1>>, tensor<4x16x!quant.uniform<i8:f32, 0.5:2>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
  return %o : tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
}

// -----

func.func @signed_activations(%f: tensor<?x16x!quant.uniform<i8:f32, 2.0:1>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>> {
  %v = dfq.qconstant dense<1> : tensor<4x16xi8> : tensor<4x16x!quant.uniform<i8:f32, 0.5>>
  // expected-error @+1 {{input has signed storage ('i8'); the target's kernels take unsigned activations}}
  %o = dfq.qgemm %f, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x16x!quant.uniform<i8:f32, 2.0:1>>, tensor<4x16x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
  return %o : tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
}
