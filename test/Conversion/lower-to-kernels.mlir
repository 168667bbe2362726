// RUN: dfq-opt %s --split-input-file --dfq-convert-layouts --dfq-lower-to-kernels | FileCheck %s
// RUN: dfq-opt %s --split-input-file --dfq-convert-layouts --dfq-lower-to-kernels=target=x86-avx2 | FileCheck %s --check-prefix=AVX2

// A dense convolution whose output zero point is the bottom of its range
// (a fused ReLU): 2 output channels fill one 16-lane tile, its 16 output
// pixels one tile of 16 (numbered across the image, the default).
// CHECK-LABEL: func.func @dense_relu
// CHECK: dfq.qconv2d
// CHECK-SAME: dfq.kernel = #dfq.x86_kernel<isa = avx512_vnni, symbol = "dfq_kernel_0_conv1", kind = dense, tile_channels = 16, tile_pixels = 16, parallel = false>
// AVX2-LABEL: func.func @dense_relu
// AVX2: #dfq.x86_kernel<isa = avx2,
func.func @dense_relu(%x: tensor<?x3x8x8x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<?x2x4x4x!quant.uniform<u4:f32, 1.0>> {
  %w = dfq.qconstant dense<[[[[1]], [[-8]], [[7]]], [[[0]], [[2]], [[-3]]]]> : tensor<2x3x1x1xi8> {params = #dfq.qparams<i4, symmetric, axis = 0, scales = [0.25, 0.125], zero_points = [0, 0], source = weights>} : tensor<2x3x1x1x!quant.uniform<i4:f32:0, {0.25, 0.125}>>
  %b = arith.constant dense<[1, -2]> : tensor<2xi32>
  %y = dfq.qconv2d %x, %w, %b {strides = array<i64: 2, 2>, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 33, 34>} : (tensor<?x3x8x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x3x1x1x!quant.uniform<i4:f32:0, {0.25, 0.125}>>, tensor<2xi32>) -> tensor<?x2x4x4x!quant.uniform<u4:f32, 1.0>> loc("conv1")
  return %y : tensor<?x2x4x4x!quant.uniform<u4:f32, 1.0>>
}

// -----

// A 28-pixel output row: tiles of 14 pixels of one row (a divisor of the
// width, so no pixel is wasted and each tile's inputs are one address plus
// constant offsets) beat 16 pixels numbered across rows.
// CHECK-LABEL: func.func @row_tiles
// CHECK: dfq.qconv2d
// CHECK-SAME: tile_channels = 16, tile_pixels = 14, pixel_tiles = row
func.func @row_tiles(%x: tensor<?x1x28x28x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<?x16x28x28x!quant.uniform<u8:f32, 1.0>> {
  %w = dfq.qconstant dense<1> : tensor<16x1x3x3xi8> : tensor<16x1x3x3x!quant.uniform<i8:f32, 0.5>>
  %y = dfq.qconv2d %x, %w {pads = array<i64: 1, 1, 1, 1>, multiplier = array<i32: 1073741824>, shift = array<i32: 32>} : (tensor<?x1x28x28x!quant.uniform<u8:f32, 0.5:3>>, tensor<16x1x3x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x16x28x28x!quant.uniform<u8:f32, 1.0>> loc("stem")
  return %y : tensor<?x16x28x28x!quant.uniform<u8:f32, 1.0>>
}

// -----

// Depthwise (groups = C = O) without a bias and with an output zero point
// inside the range: no relu in the epilogue. The gemm that follows has 70
// output channels (5 vectors): tiles of 3 vectors (2 tiles, 1 vector of
// padding) rather than 4 (3 vectors of padding), and keeps Halide's
// parallel loop.
// CHECK-LABEL: func.func @depthwise_then_gemm
// CHECK: dfq.qconv2d
// CHECK-SAME: dfq.kernel = #dfq.x86_kernel<isa = avx512_vnni, symbol = "dfq_kernel_0_dw", kind = depthwise, tile_channels = 16, tile_pixels = 3, pixel_tiles = row, parallel = false>
// CHECK: dfq.qgemm
// CHECK-SAME: dfq.kernel = #dfq.x86_kernel<isa = avx512_vnni, symbol = "dfq_kernel_1_fc", kind = dense, tile_channels = 48, tile_pixels = 6, parallel = true>
func.func @depthwise_then_gemm(%x: tensor<?x2x3x3x!quant.uniform<u8:f32, 0.5:3>>, %f: tensor<?x16x!quant.uniform<u8:f32, 2.0:1>>) -> (tensor<?x2x3x3x!quant.uniform<u8:f32, 1.0:7>>, tensor<?x70x!quant.uniform<u8:f32, 2.0:5>>) {
  %w = dfq.qconstant dense<1> : tensor<2x1x3x3xi8> : tensor<2x1x3x3x!quant.uniform<i8:f32, 0.5>>
  %y = dfq.qconv2d %x, %w {groups = 2 : i64, pads = array<i64: 1, 1, 1, 1>, multiplier = array<i32: 1073741824>, shift = array<i32: 32>} : (tensor<?x2x3x3x!quant.uniform<u8:f32, 0.5:3>>, tensor<2x1x3x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x2x3x3x!quant.uniform<u8:f32, 1.0:7>> loc("dw")
  %v = dfq.qconstant dense<1> : tensor<70x16xi8> : tensor<70x16x!quant.uniform<i2:f32, 0.5>>
  %z = dfq.qgemm %f, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x16x!quant.uniform<u8:f32, 2.0:1>>, tensor<70x16x!quant.uniform<i2:f32, 0.5>>) -> tensor<?x70x!quant.uniform<u8:f32, 2.0:5>> loc("fc")
  return %y, %z : tensor<?x2x3x3x!quant.uniform<u8:f32, 1.0:7>>, tensor<?x70x!quant.uniform<u8:f32, 2.0:5>>
}

// -----

// Float ops between layers and a float gemm are left for the host.
// CHECK-LABEL: func.func @float_ops
// CHECK-NOT: dfq.kernel
// CHECK: return
func.func @float_ops(%x: tensor<?x4xf32>, %w: tensor<3x4xf32>) -> tensor<?x3xf32> {
  %y = dfq.gemm %x, %w : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x3xf32>
  %r = dfq.relu %y : tensor<?x3xf32>
  return %r : tensor<?x3xf32>
}

// -----

// 1 MiB of weights on a 7x7 input of 50 KB: each channel tile runs every
// pixel tile (outer_tiles = channels), so that its weights stay in cache
// instead of streaming once per pixel tile. Half the output channels (and
// so half the weights) keep the default order.
// CHECK-LABEL: func.func @large_weights
// CHECK: dfq.qconv2d
// CHECK-SAME: kind = dense, tile_channels = 64, tile_pixels = {{[0-9]+}}, outer_tiles = channels, parallel = false
// CHECK: dfq.qconv2d
// CHECK-NOT: outer_tiles
// CHECK-SAME: parallel = false
func.func @large_weights(%x: tensor<?x1024x7x7x!quant.uniform<u8:f32, 0.5:3>>) -> (tensor<?x1024x7x7x!quant.uniform<u8:f32, 1.0>>, tensor<?x512x7x7x!quant.uniform<u8:f32, 1.0>>) {
  %w = dfq.qconstant dense<1> : tensor<1024x1024x1x1xi8> : tensor<1024x1024x1x1x!quant.uniform<i8:f32, 0.5>>
  %y = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 32>} : (tensor<?x1024x7x7x!quant.uniform<u8:f32, 0.5:3>>, tensor<1024x1024x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x1024x7x7x!quant.uniform<u8:f32, 1.0>> loc("big")
  %v = dfq.qconstant dense<1> : tensor<512x1024x1x1xi8> : tensor<512x1024x1x1x!quant.uniform<i8:f32, 0.5>>
  %z = dfq.qconv2d %x, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 32>} : (tensor<?x1024x7x7x!quant.uniform<u8:f32, 0.5:3>>, tensor<512x1024x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x512x7x7x!quant.uniform<u8:f32, 1.0>> loc("half")
  return %y, %z : tensor<?x1024x7x7x!quant.uniform<u8:f32, 1.0>>, tensor<?x512x7x7x!quant.uniform<u8:f32, 1.0>>
}
