// Models of opsets 1 to 10 import through an upgrade to the current forms,
// as ONNX's version converter would write them: attributes that later became
// inputs (Clip, Pad, Slice) are read as constants, legacy broadcast flags and
// consumed_inputs are dropped where NumPy broadcasting means the same,
// Upsample and the opset-10 Resize become a dfq.resize with asymmetric
// coordinates (nearest rounds down when enlarging, up when shrinking).
// Opsets 18 to 20 add axes inputs (ReduceMean, Pad), Split's num_outputs,
// Resize's axes and the Gelu op, written out as its exporters did before.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/onnx_gen.py legacy_opset6 %t/opset6.onnx
// RUN: dfq-translate --import-onnx %t/opset6.onnx | FileCheck %s --check-prefix=OPSET6
// RUN: %python %S/onnx_gen.py legacy_upsample7 %t/upsample7.onnx
// RUN: dfq-translate --import-onnx %t/upsample7.onnx | FileCheck %s --check-prefix=UPSAMPLE7
// RUN: %python %S/onnx_gen.py legacy_resize10 %t/resize10.onnx
// RUN: dfq-translate --import-onnx %t/resize10.onnx | FileCheck %s --check-prefix=RESIZE10
// RUN: %python %S/onnx_gen.py opset18 %t/opset18.onnx
// RUN: dfq-translate --import-onnx %t/opset18.onnx | FileCheck %s --check-prefix=OPSET18
// RUN: mkdir -p %t/gelu %t/gelu_tanh
// RUN: %python %S/onnx_gen.py gelu %t/gelu/model.onnx
// RUN: dfq-run %t/gelu/model.onnx --input %t/gelu/x.npy --output %t/gelu/y.npy >/dev/null
// RUN: %python %S/../e2e/compare_npy.py %t/gelu/y.npy %t/gelu/expected.npy --atol 1e-6 --min-agree 0 | FileCheck %s --check-prefix=NUMERIC
// RUN: %python %S/onnx_gen.py gelu_tanh %t/gelu_tanh/model.onnx
// RUN: dfq-run %t/gelu_tanh/model.onnx --input %t/gelu_tanh/x.npy --output %t/gelu_tanh/y.npy >/dev/null
// RUN: %python %S/../e2e/compare_npy.py %t/gelu_tanh/y.npy %t/gelu_tanh/expected.npy --atol 1e-6 --min-agree 0 | FileCheck %s --check-prefix=NUMERIC

// OPSET6: module attributes {dfq.onnx_opset = 6 : i64
// OPSET6: %[[BN:.*]] = dfq.batch_norm %arg0
// OPSET6: %[[RELU:.*]] = dfq.relu %[[BN]]
// OPSET6: %[[ADD:.*]] = dfq.add %[[RELU]], %{{.*}} : (tensor<?x2x4x4xf32>, tensor<4xf32>) -> tensor<?x2x4x4xf32>
// OPSET6: %[[CLIP:.*]] = dfq.clip %[[ADD]] {max = 6.000000e+00 : f64, min = -1.000000e+00 : f64}
// OPSET6: %[[PAD:.*]] = dfq.pad %[[CLIP]] {mode = "reflect", pads = array<i64: 0, 0, 1, 2, 0, 0, 2, 1>} : (tensor<?x2x4x4xf32>) -> tensor<?x2x7x7xf32>
// OPSET6: %[[SLICE:.*]] = dfq.slice %[[PAD]] {starts = array<i64: 0, 0, 1, 4>, steps = array<i64: 1, 1, 1, 1>} : (tensor<?x2x7x7xf32>) -> tensor<?x2x3x3xf32>
// OPSET6: return %[[SLICE]]

// The legacy Clip's missing bound is the float range's end, not infinity.
// UPSAMPLE7: %[[UP:.*]] = dfq.resize %arg0 {coordinate_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", scales = array<f64: 2.000000e+00, 3.000000e+00>} : (tensor<?x2x4x4xf32>) -> tensor<?x2x8x12xf32>
// UPSAMPLE7: dfq.clip %[[UP]] {max = 3.4028234663852886E+38 : f64, min = 0.000000e+00 : f64}

// RESIZE10: dfq.resize %arg0 {coordinate_mode = "asymmetric", mode = "nearest", nearest_mode = "ceil", scales = array<f64: 5.000000e-01, 0.69999998807907104>} : (tensor<?x2x6x6xf32>) -> tensor<?x2x3x4xf32>

// OPSET18: %[[MEAN:.*]] = dfq.reduce_mean %arg0 {axes = array<i64: 1>} : (tensor<?x2x4x5xf32>) -> tensor<?x1x4x5xf32>
// OPSET18: %[[PAD:.*]] = dfq.pad %arg0 {pads = array<i64: 0, 0, 0, 1, 0, 0, 0, 2>} : (tensor<?x2x4x5xf32>) -> tensor<?x2x4x8xf32>
// OPSET18: %[[A:.*]] = dfq.slice %[[PAD]] {{.*}} -> tensor<?x2x4x3xf32>
// OPSET18: %[[B:.*]] = dfq.slice %[[PAD]] {starts = array<i64: 0, 0, 0, 3>, {{.*}} -> tensor<?x2x4x3xf32>
// OPSET18: %[[C:.*]] = dfq.slice %[[PAD]] {starts = array<i64: 0, 0, 0, 6>, {{.*}} -> tensor<?x2x4x2xf32>
// OPSET18: %[[UP:.*]] = dfq.resize %[[A]] {{.*}} -> tensor<?x2x8x6xf32>
// OPSET18: dfq.erf
// OPSET18: dfq.tanh
// OPSET18: return %[[MEAN]], %[[B]]

// NUMERIC: OK
