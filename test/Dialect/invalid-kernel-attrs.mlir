// RUN: dfq-opt %s --split-input-file --verify-diagnostics

!x = tensor<?x16x!quant.uniform<u8:f32, 2.0:1>>
!w = tensor<4x16x!quant.uniform<i8:f32, 0.5>>
!y = tensor<?x4x!quant.uniform<u8:f32, 2.0:5>>

func.func @not_a_schedule(%x: !x, %v: !w) -> !y {
  // expected-error @+1 {{'dfq.kernel' must be a kernel schedule (#dfq.x86_kernel, #dfq.c_kernel, #dfq.cuda_kernel), got {symbol = "k"}}}
  %a = dfq.qgemm %x, %v {multiplier = array<i32: 1073741824>, shift = array<i32: 31>, dfq.kernel = {symbol = "k"}} : (!x, !w) -> !y
  return %a : !y
}

// -----

func.func @not_a_layer(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'dfq.kernel' belongs on a dfq.qconv2d or dfq.qgemm}}
  %r = dfq.relu %x {dfq.kernel = #dfq.c_kernel<symbol = "k", kind = dense>} : tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{tile_channels must be a positive multiple of 16 (the vector lanes of avx512_vnni) up to 64, got 24}}
func.func @tile_lanes() attributes {k = #dfq.x86_kernel<isa = avx512_vnni, symbol = "k", kind = dense, tile_channels = 24, tile_pixels = 6, parallel = false>} {
  return
}

// -----

// expected-error @+1 {{tile_pixels must be in [1, 32], got 0}}
func.func @tile_pixels() attributes {k = #dfq.x86_kernel<isa = avx2, symbol = "k", kind = dense, tile_channels = 8, tile_pixels = 0, parallel = false>} {
  return
}

// -----

// expected-error @+1 {{grouped kernels tile pixels across the image only}}
func.func @grouped_rows() attributes {k = #dfq.x86_kernel<isa = avx2, symbol = "k", kind = grouped, tile_channels = 8, tile_pixels = 2, pixel_tiles = row, parallel = false>} {
  return
}

// -----

// expected-error @+1 {{outer_tiles = channels needs a dense kernel with pixel_tiles = image}}
func.func @channels_outer_rows() attributes {k = #dfq.x86_kernel<isa = avx2, symbol = "k", kind = dense, tile_channels = 8, tile_pixels = 2, pixel_tiles = row, outer_tiles = channels, parallel = false>} {
  return
}

// -----

// expected-error @+1 {{outer_tiles = channels needs a dense kernel with pixel_tiles = image}}
func.func @channels_outer_depthwise() attributes {k = #dfq.x86_kernel<isa = avx2, symbol = "k", kind = depthwise, tile_channels = 8, tile_pixels = 2, outer_tiles = channels, parallel = false>} {
  return
}

// -----

// expected-error @+1 {{kernel symbol '1st' is not a C identifier}}
func.func @symbol() attributes {k = #dfq.c_kernel<symbol = "1st", kind = dense>} {
  return
}

// -----

// expected-error @+1 {{fused must list op names}}
func.func @fused() attributes {k = #dfq.x86_kernel<isa = avx2, symbol = "k", kind = dense, tile_channels = 8, tile_pixels = 2, parallel = false, fused = [1]>} {
  return
}

// -----

// Every declared discardable dfq.* attribute has its type.
// expected-error @+1 {{'dfq.weight_bits' must be an integer, got "4"}}
func.func @weight_bits(%x: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {dfq.weight_bits = "4"} {
  return %x : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{'dfq.sensitivity' must be an array<f64>, got [1.000000e+00]}}
func.func @sensitivity(%x: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {dfq.sensitivity = [1.0]} {
  return %x : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{sm must be 80 or 90, got 75}}
func.func @cuda_sm() attributes {k = #dfq.cuda_kernel<sm = 75, symbol = "k", kind = dense, tile_m = 64, tile_n = 64, tile_k = 64, warps_m = 2, warps_n = 2, stages = 3>} {
  return
}

// -----

// expected-error @+1 {{tile_m must be a positive multiple of 16 x warps_m (m16 tensor-core tiles per warp), got 48}}
func.func @cuda_tile_m() attributes {k = #dfq.cuda_kernel<sm = 80, symbol = "k", kind = dense, tile_m = 48, tile_n = 64, tile_k = 64, warps_m = 2, warps_n = 2, stages = 3>} {
  return
}

// -----

// expected-error @+1 {{tile_n must be a positive multiple of 16 x warps_n (pairs of n8 tensor-core tiles per warp), got 8}}
func.func @cuda_tile_n() attributes {k = #dfq.cuda_kernel<sm = 80, symbol = "k", kind = grouped, tile_m = 64, tile_n = 8, tile_k = 64, warps_m = 2, warps_n = 1, stages = 3>} {
  return
}

// -----

// expected-error @+1 {{tile_k must be 32, 64 or 128 (k32 steps), got 48}}
func.func @cuda_tile_k() attributes {k = #dfq.cuda_kernel<sm = 90, symbol = "k", kind = dense, tile_m = 64, tile_n = 64, tile_k = 48, warps_m = 2, warps_n = 2, stages = 3>} {
  return
}

// -----

// expected-error @+1 {{stages must be in [2, 4], got 1}}
func.func @cuda_stages() attributes {k = #dfq.cuda_kernel<sm = 90, symbol = "k", kind = dense, tile_m = 64, tile_n = 64, tile_k = 64, warps_m = 2, warps_n = 2, stages = 1>} {
  return
}

// -----

// expected-error @+1 {{depthwise kernels run on the CUDA cores: tile_k must be 0 (a multiply-add per tap) or 4 (dp4a over 4 taps) and stages 0}}
func.func @cuda_depthwise_k() attributes {k = #dfq.cuda_kernel<sm = 80, symbol = "k", kind = depthwise, tile_m = 4, tile_n = 64, tile_k = 32, warps_m = 8, warps_n = 1, stages = 0>} {
  return
}

// -----

// expected-error @+1 {{a depthwise block runs one thread per output: tile_m x tile_n must be 32 x warps_m x warps_n}}
func.func @cuda_depthwise_threads() attributes {k = #dfq.cuda_kernel<sm = 80, symbol = "k", kind = depthwise, tile_m = 4, tile_n = 32, tile_k = 0, warps_m = 8, warps_n = 1, stages = 0>} {
  return
}

// -----

// expected-error @+1 {{warps_m x warps_n must be positive and at most 32 warps (1024 threads), got 8 x 8}}
func.func @cuda_warps() attributes {k = #dfq.cuda_kernel<sm = 80, symbol = "k", kind = dense, tile_m = 128, tile_n = 128, tile_k = 32, warps_m = 8, warps_n = 8, stages = 2>} {
  return
}
