// RUN: dfq-opt %s --split-input-file | FileCheck %s
// RUN: dfq-opt %s --split-input-file | dfq-opt --split-input-file | FileCheck %s

// Typed kernel schedules round-trip; pixel_tiles = image and an absent
// fused are defaults and are not printed.
// CHECK-LABEL: func.func @x86
// CHECK: dfq.kernel = #dfq.x86_kernel<isa = avx512_vnni, symbol = "k0", kind = dense, tile_channels = 64, tile_pixels = 6, parallel = false>
// CHECK: dfq.kernel = #dfq.x86_kernel<isa = avx2, symbol = "k1", kind = depthwise, tile_channels = 8, tile_pixels = 7, pixel_tiles = row, parallel = true, fused = ["dfq.dequantize", "dfq.add"]>
func.func @x86(%x: tensor<?x16x!quant.uniform<u8:f32, 2.0:1>>) -> (tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>, tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>) {
  %v = dfq.qconstant dense<1> : tensor<4x16xi8> : tensor<4x16x!quant.uniform<i8:f32, 0.5>>
  %a = dfq.qgemm %x, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>, dfq.kernel = #dfq.x86_kernel<isa = avx512_vnni, symbol = "k0", kind = dense, tile_channels = 64, tile_pixels = 6, pixel_tiles = image, parallel = false>} : (tensor<?x16x!quant.uniform<u8:f32, 2.0:1>>, tensor<4x16x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
  %b = dfq.qgemm %x, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>, dfq.kernel = #dfq.x86_kernel<isa = avx2, symbol = "k1", kind = depthwise, tile_channels = 8, tile_pixels = 7, pixel_tiles = row, parallel = true, fused = ["dfq.dequantize", "dfq.add"]>} : (tensor<?x16x!quant.uniform<u8:f32, 2.0:1>>, tensor<4x16x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
  return %a, %b : tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>, tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
}

// -----

// CHECK-LABEL: func.func @c
// CHECK: dfq.kernel = #dfq.c_kernel<symbol = "dfq_kernel_0_fc", kind = grouped>
func.func @c(%x: tensor<?x16x!quant.uniform<i8:f32, 2.0:1>>) -> tensor<?x4x!quant.uniform<i8:f32, 2.0:5>> {
  %v = dfq.qconstant dense<1> : tensor<4x16xi8> : tensor<4x16x!quant.uniform<i8:f32, 0.5>>
  %a = dfq.qgemm %x, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>, dfq.kernel = #dfq.c_kernel<symbol = "dfq_kernel_0_fc", kind = grouped>} : (tensor<?x16x!quant.uniform<i8:f32, 2.0:1>>, tensor<4x16x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x4x!quant.uniform<i8:f32, 2.0:5>>
  return %a : tensor<?x4x!quant.uniform<i8:f32, 2.0:5>>
}

// -----

// CHECK-LABEL: func.func @cuda
// CHECK: dfq.kernel = #dfq.cuda_kernel<sm = 90, symbol = "dfq_kernel_0_fc", kind = dense, tile_m = 128, tile_n = 64, tile_k = 64, warps_m = 4, warps_n = 2, stages = 3>
func.func @cuda(%x: tensor<?x16x!quant.uniform<u8:f32, 2.0:1>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>> {
  %v = dfq.qconstant dense<1> : tensor<4x16xi8> : tensor<4x16x!quant.uniform<i8:f32, 0.5>>
  %a = dfq.qgemm %x, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>, dfq.kernel = #dfq.cuda_kernel<sm = 90, symbol = "dfq_kernel_0_fc", kind = dense, tile_m = 128, tile_n = 64, tile_k = 64, warps_m = 4, warps_n = 2, stages = 3>} : (tensor<?x16x!quant.uniform<u8:f32, 2.0:1>>, tensor<4x16x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
  return %a : tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>
}

// -----

// A CUDA schedule with a fused residual chain, and a depthwise one with
// dp4a (tile_k = 4).
// CHECK-LABEL: func.func @cuda_fused_dp4a
// CHECK: #dfq.cuda_kernel<sm = 80, symbol = "k0", kind = dense, tile_m = 64, tile_n = 32, tile_k = 32, warps_m = 2, warps_n = 1, stages = 2, fused = ["dfq.dequantize", "dfq.add", "dfq.relu"]>
// CHECK: #dfq.cuda_kernel<sm = 80, symbol = "k1", kind = depthwise, tile_m = 4, tile_n = 64, tile_k = 4, warps_m = 8, warps_n = 1, stages = 0>
func.func @cuda_fused_dp4a() attributes {a = #dfq.cuda_kernel<sm = 80, symbol = "k0", kind = dense, tile_m = 64, tile_n = 32, tile_k = 32, warps_m = 2, warps_n = 1, stages = 2, fused = ["dfq.dequantize", "dfq.add", "dfq.relu"]>, b = #dfq.cuda_kernel<sm = 80, symbol = "k1", kind = depthwise, tile_m = 4, tile_n = 64, tile_k = 4, warps_m = 8, warps_n = 1, stages = 0>} {
  return
}
