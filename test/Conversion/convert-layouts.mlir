// RUN: dfq-opt %s --split-input-file --dfq-convert-layouts | FileCheck %s
// The pass only moves elements: the interpreter gives the same bits before
// and after it, on a zoo ResNet (residual blocks, projection shortcuts, the
// global pooling) and MobileNetV2 (depthwise, clipped residuals).
// RUN: rm -rf %t && mkdir -p %t
// RUN: dfq-compile %models/resnet.onnx --calib none -o %t/resnet >/dev/null 2>&1
// RUN: dfq-opt %t/resnet/model.mlir --dfq-convert-layouts -o %t/resnet-nhwc.mlir
// RUN: dfq-run %t/resnet/model.mlir --limit 256 --output %t/resnet.npy >/dev/null 2>&1
// RUN: dfq-run %t/resnet-nhwc.mlir --limit 256 --output %t/resnet-nhwc.npy >/dev/null 2>&1
// RUN: %python %S/../e2e/compare_npy.py %t/resnet.npy %t/resnet-nhwc.npy --atol 0 | FileCheck %s --check-prefix=SAME
// RUN: dfq-compile %models/mobilenetv2.onnx --calib none -o %t/mobilenet >/dev/null 2>&1
// RUN: dfq-opt %t/mobilenet/model.mlir --dfq-convert-layouts -o %t/mobilenet-nhwc.mlir
// RUN: dfq-run %t/mobilenet/model.mlir --limit 256 --output %t/mobilenet.npy >/dev/null 2>&1
// RUN: dfq-run %t/mobilenet-nhwc.mlir --limit 256 --output %t/mobilenet-nhwc.npy >/dev/null 2>&1
// RUN: %python %S/../e2e/compare_npy.py %t/mobilenet.npy %t/mobilenet-nhwc.npy --atol 0 | FileCheck %s --check-prefix=SAME
// With signed activations and power-of-two per-tensor weights (npu8),
// several layers' weights have one type: the pass keeps every constant (a
// rewrite driver once merged distinct weights of one type), and
// --canonicalize keeps them too.
// RUN: dfq-compile %models/resnet.onnx --calib none --target-file %S/../../docs/targets/npu8.target -o %t/npu8 >/dev/null 2>&1
// RUN: dfq-opt %t/npu8/model.mlir --dfq-convert-layouts -o %t/npu8-nhwc.mlir
// RUN: dfq-run %t/npu8/model.mlir --limit 256 --output %t/npu8.npy >/dev/null 2>&1
// RUN: dfq-run %t/npu8-nhwc.mlir --limit 256 --output %t/npu8-nhwc.npy >/dev/null 2>&1
// RUN: %python %S/../e2e/compare_npy.py %t/npu8.npy %t/npu8-nhwc.npy --atol 0 | FileCheck %s --check-prefix=SAME
// RUN: grep -c dfq.qconstant %t/npu8/model.mlir | FileCheck %s --check-prefix=WEIGHTS
// RUN: grep -c dfq.qconstant %t/npu8-nhwc.mlir | FileCheck %s --check-prefix=WEIGHTS
// RUN: dfq-opt %t/npu8/model.mlir --canonicalize | grep -c dfq.qconstant | FileCheck %s --check-prefix=WEIGHTS
// SAME: max_abs_diff=0 argmax_agree=256/256
// WEIGHTS: 16

!x = tensor<?x3x8x8xf32>
!q3 = tensor<?x3x8x8x!quant.uniform<u8:f32, 0.5:3>>
!q4 = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!f4 = tensor<?x4x8x8xf32>
!w34 = tensor<4x3x1x1x!quant.uniform<i8:f32, 0.5>>
!w44 = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

// Two convolutions in a row: the transpositions between them cancel. The
// network input is quantized in NCHW and transposed once; the result is
// dequantized in NHWC and transposed back once, for the function's result.
// CHECK-LABEL: func.func @chain
// CHECK: %[[Q:.*]] = dfq.quantize %arg0
// CHECK-NEXT: %[[T:.*]] = dfq.transpose %[[Q]] {perm = array<i64: 0, 2, 3, 1>} : (tensor<?x3x8x8x{{.*}}>) -> tensor<?x8x8x3x
// CHECK-NEXT: %[[C1:.*]] = dfq.qconv2d %[[T]], %{{.*}} {channels_last, {{.*}}} : (tensor<?x8x8x3x{{.*}}) -> tensor<?x8x8x4x
// CHECK-NEXT: %[[C2:.*]] = dfq.qconv2d %[[C1]], %{{.*}} {channels_last, {{.*}}} : (tensor<?x8x8x4x{{.*}}) -> tensor<?x8x8x4x
// CHECK-NEXT: %[[D:.*]] = dfq.dequantize %[[C2]] : tensor<?x8x8x4x{{.*}}> -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[R:.*]] = dfq.transpose %[[D]] {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4xf32>) -> tensor<?x4x8x8xf32>
// CHECK-NEXT: return %[[R]]
func.func @chain(%x: !x) -> !f4 {
  %w1 = dfq.qconstant dense<1> : tensor<4x3x1x1xi8> : !w34
  %w2 = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w44
  %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric, scales = [0.5], zero_points = [3]>} : !x -> !q3
  %c1 = dfq.qconv2d %q, %w1 {multiplier = array<i32: 1073741824>, shift = array<i32: 30>} : (!q3, !w34) -> !q4
  %c2 = dfq.qconv2d %c1, %w2 {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (!q4, !w44) -> !q4
  %d = dfq.dequantize %c2 : !q4 -> !f4
  return %d : !f4
}

// -----

!q = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x8x8xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

// A residual block: the block input is transposed once, for the layer,
// and dequantized from there for the sum; the sum, the ReLU and the
// quantization for the next block stay NHWC, and the block's output is
// read by the next block's add in NHWC too. Only the function's result is
// transposed back.
// CHECK-LABEL: func.func @residual_blocks
// CHECK-COUNT-1: dfq.transpose
// CHECK-NOT: dfq.transpose
// CHECK: dfq.add {{.*}} : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
// CHECK: dfq.relu {{.*}} : tensor<?x8x8x4xf32>
// CHECK: dfq.quantize {{.*}} -> tensor<?x8x8x4x
// CHECK: dfq.add {{.*}} : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
// CHECK-NEXT: dfq.transpose {{.*}} {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: return
func.func @residual_blocks(%x: !q) -> !f {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %c1 = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (!q, !w) -> !q
  %d1 = dfq.dequantize %c1 : !q -> !f
  %dx = dfq.dequantize %x : !q -> !f
  %s1 = dfq.add %d1, %dx : (!f, !f) -> !f
  %r1 = dfq.relu %s1 : !f
  %q1 = dfq.quantize %r1 {params = #dfq.qparams<u8, asymmetric, scales = [0.25], zero_points = [8]>} : !f -> !q
  %c2 = dfq.qconv2d %q1, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (!q, !w) -> !q
  %d2 = dfq.dequantize %c2 : !q -> !f
  %s2 = dfq.add %d2, %r1 : (!f, !f) -> !f
  return %s2 : !f
}

// -----

!q = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x8x8xf32>
!p = tensor<?x4x4x4xf32>
!qp = tensor<?x4x4x4x!quant.uniform<u8:f32, 0.25:8>>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

// Float average pooling has a channels-last form: it pools the layer's
// dequantized NHWC output where it is, and its result is read NHWC by the
// next convolution's quantization and by an add with a layer's output. The
// add of a per-channel constant after it is computed NHWC too (the
// constant's shape permuted); one transposition remains, for the
// function's result.
// CHECK-LABEL: func.func @around_average_pooling
// CHECK: %[[D:.*]] = dfq.dequantize %{{.*}} -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[P:.*]] = dfq.avg_pool2d %[[D]] {channels_last, {{.*}}} : (tensor<?x8x8x4xf32>) -> tensor<?x4x4x4xf32>
// CHECK-NEXT: %[[Q:.*]] = dfq.quantize %[[P]]
// CHECK-NEXT: %[[C:.*]] = dfq.qconv2d %[[Q]]
// CHECK-NEXT: %[[DC:.*]] = dfq.dequantize %[[C]]
// CHECK-NEXT: %[[S:.*]] = dfq.add %[[DC]], %[[P]] : (tensor<?x4x4x4xf32>, tensor<?x4x4x4xf32>)
// CHECK-NEXT: %[[B:.*]] = dfq.add %[[S]], %{{.*}} : (tensor<?x4x4x4xf32>, tensor<1x1x1x4xf32>)
// CHECK-NEXT: dfq.transpose %[[B]] {perm = array<i64: 0, 3, 1, 2>}
func.func @around_average_pooling(%x: !q) -> !p {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %k = arith.constant dense<1.0> : tensor<1x4x1x1xf32>
  %c1 = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (!q, !w) -> !q
  %d1 = dfq.dequantize %c1 : !q -> !f
  %p = dfq.avg_pool2d %d1 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (!f) -> !p
  %qp = dfq.quantize %p {params = #dfq.qparams<u8, asymmetric, scales = [0.25], zero_points = [8]>} : !p -> !qp
  %c2 = dfq.qconv2d %qp, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (!qp, !w) -> !qp
  %d2 = dfq.dequantize %c2 : !qp -> !p
  %s = dfq.add %d2, %p : (!p, !p) -> !p
  %b = dfq.add %s, %k : (!p, tensor<1x4x1x1xf32>) -> !p
  return %b : !p
}

// -----

!q = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x8x8xf32>
!p = tensor<?x4x4x4xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

// Max pooling has a channels-last form: it pools the layer's NHWC output
// where it is, and no transposition remains around it.
// CHECK-LABEL: func.func @max_pooling
// CHECK: %[[D:.*]] = dfq.dequantize %{{.*}} -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[P:.*]] = dfq.max_pool2d %[[D]] {channels_last, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x4xf32>) -> tensor<?x4x4x4xf32>
// CHECK-NEXT: dfq.quantize %[[P]]
// CHECK-NOT: dfq.transpose
// CHECK: return
func.func @max_pooling(%x: tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x4x4x4x!quant.uniform<u8:f32, 0.25:8>> {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %c1 = dfq.qconv2d %x, %w {channels_last, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>, !w) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
  %t = dfq.transpose %c1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> !q
  %d1 = dfq.dequantize %t : !q -> !f
  %p = dfq.max_pool2d %d1 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (!f) -> !p
  %qp = dfq.quantize %p {params = #dfq.qparams<u8, asymmetric, scales = [0.25], zero_points = [8]>} : !p -> tensor<?x4x4x4x!quant.uniform<u8:f32, 0.25:8>>
  %back = dfq.transpose %qp {perm = array<i64: 0, 2, 3, 1>} : (tensor<?x4x4x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x4x4x4x!quant.uniform<u8:f32, 0.25:8>>
  return %back : tensor<?x4x4x4x!quant.uniform<u8:f32, 0.25:8>>
}

// -----

// Two channels-last branches concatenated along channels (an Inception
// block): the concatenation joins them channels-last, along their last
// dimension, and the max pooling after it stays channels-last too; one
// transposition remains, for the function's NCHW result.
// CHECK-LABEL: func.func @concat_branches
// CHECK: %[[A:.*]] = dfq.dequantize %{{.*}} -> tensor<?x8x8x4xf32>
// CHECK: %[[B:.*]] = dfq.dequantize %{{.*}} -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[C:.*]] = dfq.concat %[[A]], %[[B]] {axis = 3 : i64} : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x8xf32>
// CHECK-NEXT: %[[P:.*]] = dfq.max_pool2d %[[C]] {channels_last, {{.*}}} : (tensor<?x8x8x8xf32>) -> tensor<?x4x4x8xf32>
// CHECK-NEXT: dfq.transpose %[[P]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NOT: dfq.transpose
// CHECK: return
!q = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x8x8xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

func.func @concat_branches(%x: tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x8x4x4xf32> {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %c1 = dfq.qconv2d %x, %w {channels_last, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>, !w) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
  %c2 = dfq.qconv2d %x, %w {channels_last, multiplier = array<i32: 1073741824>, shift = array<i32: 32>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>, !w) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.5:8>>
  %t1 = dfq.transpose %c1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> !q
  %t2 = dfq.transpose %c2 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.5:8>>) -> tensor<?x4x8x8x!quant.uniform<u8:f32, 0.5:8>>
  %d1 = dfq.dequantize %t1 : !q -> !f
  %d2 = dfq.dequantize %t2 : tensor<?x4x8x8x!quant.uniform<u8:f32, 0.5:8>> -> !f
  %cat = dfq.concat %d1, %d2 {axis = 1 : i64} : (!f, !f) -> tensor<?x8x8x8xf32>
  %p = dfq.max_pool2d %cat {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x8xf32>) -> tensor<?x8x4x4xf32>
  return %p : tensor<?x8x4x4xf32>
}

// -----

// A concatenation read only by the function's NCHW result keeps the
// branches' transpositions (they go with the dequantizations; one after
// the concatenation would be a pass of its own).
// CHECK-LABEL: func.func @concat_for_result
// CHECK: %[[T:.*]] = dfq.transpose %{{.*}} {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: dfq.concat %[[T]], %[[T]] {axis = 1 : i64}
// CHECK-NEXT: return
!q = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x8x8xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

func.func @concat_for_result(%x: tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x8x8x8xf32> {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %c1 = dfq.qconv2d %x, %w {channels_last, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>, !w) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
  %t1 = dfq.transpose %c1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> !q
  %d1 = dfq.dequantize %t1 : !q -> !f
  %cat = dfq.concat %d1, %d1 {axis = 1 : i64} : (!f, !f) -> tensor<?x8x8x8xf32>
  return %cat : tensor<?x8x8x8xf32>
}

// -----

// A ShuffleNet unit's halves: the channel slices of a channels-last
// convolution's result are taken channels-last (starts and steps follow
// their dimensions), the half that a convolution reads needs no
// transposition, and the concatenation, whose reader (a ReLU) takes the
// transposition further, joins them channels-last.
// CHECK-LABEL: func.func @slice_halves
// CHECK: %[[D:.*]] = dfq.dequantize %{{.*}} -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[LO:.*]] = dfq.slice %[[D]] {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x8x8x4xf32>) -> tensor<?x8x8x2xf32>
// CHECK-NEXT: %[[HI:.*]] = dfq.slice %[[D]] {starts = array<i64: 0, 0, 0, 2>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x8x8x4xf32>) -> tensor<?x8x8x2xf32>
// CHECK-NEXT: %[[Q:.*]] = dfq.quantize %[[HI]]
// CHECK-NEXT: dfq.qconv2d %[[Q]]
// CHECK: %[[CAT:.*]] = dfq.concat %[[LO]], %{{.*}} {axis = 3 : i64}
// CHECK-NEXT: %[[R:.*]] = dfq.relu %[[CAT]]
// CHECK-NEXT: dfq.transpose %[[R]]
// CHECK-NOT: dfq.transpose
// CHECK: return
!q = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x8x8xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>
!h = tensor<?x2x8x8xf32>
!w2 = tensor<2x2x1x1x!quant.uniform<i8:f32, 0.5>>

func.func @slice_halves(%x: tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> !f {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %w2 = dfq.qconstant dense<1> : tensor<2x2x1x1xi8> : !w2
  %c1 = dfq.qconv2d %x, %w {channels_last, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>, !w) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
  %t1 = dfq.transpose %c1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> !q
  %d1 = dfq.dequantize %t1 : !q -> !f
  %lo = dfq.slice %d1 {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (!f) -> !h
  %hi = dfq.slice %d1 {starts = array<i64: 0, 2, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (!f) -> !h
  %q = dfq.quantize %hi {params = #dfq.qparams<u8, asymmetric, scales = [0.25], zero_points = [8]>} : !h -> tensor<?x2x8x8x!quant.uniform<u8:f32, 0.25:8>>
  %c2 = dfq.qconv2d %q, %w2 {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x2x8x8x!quant.uniform<u8:f32, 0.25:8>>, !w2) -> tensor<?x2x8x8x!quant.uniform<u8:f32, 0.25:8>>
  %d2 = dfq.dequantize %c2 : tensor<?x2x8x8x!quant.uniform<u8:f32, 0.25:8>> -> !h
  %cat = dfq.concat %lo, %d2 {axis = 1 : i64} : (!h, !h) -> !f
  %r = dfq.relu %cat : !f
  return %r : !f
}

// -----

// ShuffleNet's channel shuffle of a channels-last result, written in NCHW
// by the exporter (view as [N, g, C/g, H, W], swap the group axes, view
// back): it shuffles channels-last, and the one transposition left is for
// the function's NCHW result.
// CHECK-LABEL: func.func @channel_shuffle
// CHECK: %[[D:.*]] = dfq.dequantize %{{.*}} -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[G:.*]] = dfq.reshape %[[D]] : (tensor<?x8x8x4xf32>) -> tensor<?x8x8x2x2xf32>
// CHECK-NEXT: %[[S:.*]] = dfq.transpose %[[G]] {perm = array<i64: 0, 1, 2, 4, 3>} : (tensor<?x8x8x2x2xf32>) -> tensor<?x8x8x2x2xf32>
// CHECK-NEXT: %[[M:.*]] = dfq.reshape %[[S]] : (tensor<?x8x8x2x2xf32>) -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[R:.*]] = dfq.relu %[[M]]
// CHECK-NEXT: dfq.transpose %[[R]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NOT: dfq.transpose
// CHECK: return
!q = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x8x8xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>
!g = tensor<?x2x2x8x8xf32>

func.func @channel_shuffle(%x: tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> !f {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %c1 = dfq.qconv2d %x, %w {channels_last, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>, !w) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
  %t1 = dfq.transpose %c1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> !q
  %d1 = dfq.dequantize %t1 : !q -> !f
  %g = dfq.reshape %d1 : (!f) -> !g
  %s = dfq.transpose %g {perm = array<i64: 0, 2, 1, 3, 4>} : (!g) -> !g
  %m = dfq.reshape %s : (!g) -> !f
  %r = dfq.relu %m : !f
  return %r : !f
}

// -----

// A squeeze-and-excitation gate [N, C, 1, 1] times a channels-last
// activation: the product is computed channels-last, against the gate
// transposed to [N, 1, 1, C] (which moves no element), and one
// transposition remains, for the function's NCHW result.
// CHECK-LABEL: func.func @broadcast_gate
// CHECK: %[[G:.*]] = dfq.transpose %arg1 {perm = array<i64: 0, 2, 3, 1>} : (tensor<?x4x1x1xf32>) -> tensor<?x1x1x4xf32>
// CHECK-NEXT: %[[D:.*]] = dfq.dequantize %arg0 : {{.*}} -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[M:.*]] = dfq.mul %[[D]], %[[G]] : (tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>) -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[T:.*]] = dfq.transpose %[[M]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: return %[[T]]
func.func @broadcast_gate(%x: tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>, %gate: tensor<?x4x1x1xf32>) -> tensor<?x4x8x8xf32> {
  %t = dfq.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
  %d = dfq.dequantize %t : tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>> -> tensor<?x4x8x8xf32>
  %m = dfq.mul %d, %gate : (tensor<?x4x8x8xf32>, tensor<?x4x1x1xf32>) -> tensor<?x4x8x8xf32>
  return %m : tensor<?x4x8x8xf32>
}

// -----

// DenseNet's pre-activation BatchNorm after a concatenation: its
// per-channel affine follows the channels-last branches, each [C, 1, 1]
// constant becoming [1, 1, 1, C] over the same data (its one dimension
// above 1 keeps its place among the others), so the concatenation, the
// affine, the ReLU and the quantization for the next layer stay
// channels-last and no transposition remains.
// CHECK-LABEL: func.func @per_channel_affine
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]]]> : tensor<1x1x1x8xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense_resource<shift> : tensor<1x1x1x8xf32>
// CHECK-NOT: dfq.transpose
// CHECK: %[[C:.*]] = dfq.concat {{.*}} {axis = 3 : i64} : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x8xf32>
// CHECK-NEXT: %[[M:.*]] = dfq.mul %[[C]], %[[S]] : (tensor<?x8x8x8xf32>, tensor<1x1x1x8xf32>) -> tensor<?x8x8x8xf32>
// CHECK-NEXT: %[[A:.*]] = dfq.add %[[B]], %[[M]] : (tensor<1x1x1x8xf32>, tensor<?x8x8x8xf32>) -> tensor<?x8x8x8xf32>
// CHECK-NEXT: %[[R:.*]] = dfq.relu %[[A]] : tensor<?x8x8x8xf32>
// CHECK-NEXT: %[[Q:.*]] = dfq.quantize %[[R]]
// CHECK-NEXT: dfq.qconv2d %[[Q]], {{.*}} {channels_last
// CHECK-NOT: dfq.transpose
// CHECK: return
!q = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x8x8xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>
!w8 = tensor<4x8x1x1x!quant.uniform<i8:f32, 0.5>>

func.func @per_channel_affine(%x: tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>> {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %w8 = dfq.qconstant dense<1> : tensor<4x8x1x1xi8> : !w8
  %scale = arith.constant dense<[[[1.0]], [[2.0]], [[3.0]], [[4.0]], [[5.0]], [[6.0]], [[7.0]], [[8.0]]]> : tensor<8x1x1xf32>
  %shift = arith.constant dense_resource<shift> : tensor<1x8x1x1xf32>
  %c1 = dfq.qconv2d %x, %w {channels_last, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>, !w) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
  %t1 = dfq.transpose %c1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> !q
  %t0 = dfq.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> !q
  %d0 = dfq.dequantize %t0 : !q -> !f
  %d1 = dfq.dequantize %t1 : !q -> !f
  %cat = dfq.concat %d0, %d1 {axis = 1 : i64} : (!f, !f) -> tensor<?x8x8x8xf32>
  %m = dfq.mul %cat, %scale : (tensor<?x8x8x8xf32>, tensor<8x1x1xf32>) -> tensor<?x8x8x8xf32>
  %a = dfq.add %shift, %m : (tensor<1x8x1x1xf32>, tensor<?x8x8x8xf32>) -> tensor<?x8x8x8xf32>
  %r = dfq.relu %a : tensor<?x8x8x8xf32>
  %q = dfq.quantize %r {params = #dfq.qparams<u8, asymmetric, scales = [0.25], zero_points = [0]>} : tensor<?x8x8x8xf32> -> tensor<?x8x8x8x!quant.uniform<u8:f32, 0.25>>
  %c2 = dfq.qconv2d %q, %w8 {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x8x8x8x!quant.uniform<u8:f32, 0.25>>, !w8) -> tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
  %t2 = dfq.transpose %c2 {perm = array<i64: 0, 2, 3, 1>} : (tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
  return %t2 : tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
}

{-#
  dialect_resources: {
    builtin: {
      shift: "0x040000000000803F0000004000004040000080400000A0400000C0400000E04000000041"
    }
  }
#-}

// -----

// A constant with more than one dimension above 1 is not taken along (in
// general its transposition moves elements): the product stays NCHW, after
// a transposition.
// CHECK-LABEL: func.func @plane_constant
// CHECK: dfq.dequantize %arg0 : {{.*}} -> tensor<?x8x8x4xf32>
// CHECK-NEXT: dfq.transpose %{{.*}} {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: dfq.mul %{{.*}}, %{{.*}} : (tensor<?x4x8x8xf32>, tensor<4x8x1xf32>) -> tensor<?x4x8x8xf32>
func.func @plane_constant(%x: tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x4x8x8xf32> {
  %c = arith.constant dense<2.0> : tensor<4x8x1xf32>
  %t = dfq.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
  %d = dfq.dequantize %t : tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>> -> tensor<?x4x8x8xf32>
  %m = dfq.mul %d, %c : (tensor<?x4x8x8xf32>, tensor<4x8x1xf32>) -> tensor<?x4x8x8xf32>
  return %m : tensor<?x4x8x8xf32>
}

// -----

!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

// Integer average pooling pools the layer's NHWC codes where they are; a
// global pooling's [N, 1, 1, C] result is [N, C, 1, 1] in memory, so the
// transposition left before the flatten moves no element.
// CHECK-LABEL: func.func @integer_pooling
// CHECK: %[[C:.*]] = dfq.qconv2d
// CHECK-NEXT: %[[P:.*]] = dfq.qavg_pool2d %[[C]] {channels_last, kernel_shape = array<i64: 8, 8>, multiplier = 1073741824 : i32, shift = 35 : i32} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 2.500000e-01:8>>) -> tensor<?x1x1x4x!quant.uniform<u8:f32, 1.250000e-01:8>>
// CHECK-NEXT: %[[T:.*]] = dfq.transpose %[[P]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: dfq.flatten %[[T]]
func.func @integer_pooling(%x: tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x4x!quant.uniform<u8:f32, 0.125:8>> {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %c1 = dfq.qconv2d %x, %w {channels_last, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>, !w) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
  %t = dfq.transpose %c1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
  %p = dfq.qavg_pool2d %t {kernel_shape = array<i64: 8, 8>, multiplier = 1073741824 : i32, shift = 35 : i32} : (tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x4x1x1x!quant.uniform<u8:f32, 0.125:8>>
  %f = dfq.flatten %p : (tensor<?x4x1x1x!quant.uniform<u8:f32, 0.125:8>>) -> tensor<?x4x!quant.uniform<u8:f32, 0.125:8>>
  return %f : tensor<?x4x!quant.uniform<u8:f32, 0.125:8>>
}

// -----

!q = tensor<?x4x8x8x!quant.uniform<u8:f32, 0.25:8>>
!f = tensor<?x4x8x8xf32>
!w = tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>

// A transposition read by an op that needs NCHW as well as by an
// elementwise one stays where it is (moving it would transpose twice); the
// global pooling reads it.
// CHECK-LABEL: func.func @shared_transposition
// CHECK: %[[D:.*]] = dfq.dequantize {{.*}} -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[N:.*]] = dfq.transpose %[[D]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: dfq.global_avg_pool %[[N]]
// CHECK-NEXT: dfq.relu %[[N]] : tensor<?x4x8x8xf32>
func.func @shared_transposition(%x: !q) -> (tensor<?x4x1x1xf32>, !f) {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : !w
  %c = dfq.qconv2d %x, %w {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (!q, !w) -> !q
  %d = dfq.dequantize %c : !q -> !f
  %g = dfq.global_avg_pool %d : (!f) -> tensor<?x4x1x1xf32>
  %r = dfq.relu %d : !f
  return %g, %r : tensor<?x4x1x1xf32>, !f
}

// -----

// Already channels-last: nothing to do.
// CHECK-LABEL: func.func @already_channels_last
// CHECK-NOT: dfq.transpose
// CHECK: return
func.func @already_channels_last(%x: tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>> {
  %w = dfq.qconstant dense<1> : tensor<4x4x1x1xi8> : tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>
  %c = dfq.qconv2d %x, %w {channels_last, multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : (tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
  return %c : tensor<?x8x8x4x!quant.uniform<u8:f32, 0.25:8>>
}
