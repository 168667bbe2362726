// dfq-compile end to end on a model exported by torch.onnx.export: every
// calibration mode produces a quantized model.mlir and a report.json that
// dfq-run evaluates.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../e2e/torch_export_gen.py plain %t/net
// RUN: dfq-compile %t/net/model.onnx -o %t/none --calib none --wbits 4 --abits 8 2>&1 | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --check-prefix=IR < %t/none/model.mlir
// RUN: FileCheck %s --check-prefix=REPORT < %t/none/report.json
// RUN: dfq-run %t/none --input %t/net/x.npy --output %t/none/y.npy | FileCheck %s --check-prefix=EVAL
// RUN: dfq-compile %t/net/model.onnx -o %t/zeroq --calib zeroq --samples 4 --iterations 3 --first-last-bits same 2>/dev/null
// RUN: FileCheck %s --check-prefix=ZEROQ < %t/zeroq/report.json
// RUN: dfq-compile %t/net/model.onnx -o %t/real --calib real:%t/net/x.npy --observer percentile 2>/dev/null
// RUN: FileCheck %s --check-prefix=REAL < %t/real/model.mlir

// LOG: dfq-compile: builtin.module(dfq-synthesize{method=gaussian
// LOG: dfq-compile: wrote {{.*}}model.mlir and {{.*}}report.json

// IR: module attributes {dfq.calibration_source = "gaussian", {{.*}}dfq.range_observer = "minmax", dfq.range_source = "gaussian"
// IR-NOT: dfq.calibration_data
// IR: dfq.qconv2d
// IR-NOT: dfq.batch_norm

// REPORT: "calibration": "none",
// REPORT: "layers": [
// REPORT: "name": "/0/Conv",
// REPORT-NEXT: "op": "dfq.qconv2d",
// REPORT-NEXT: "output_bits": 8,
// The middle layers get --wbits 4.
// REPORT: "weight_bits": 4,
// REPORT: "totals": {
// REPORT-NEXT: "weight_bytes":
// REPORT: "wbits": 4

// EVAL: samples 8

// ZEROQ: "calibration": "zeroq",
// ZEROQ: "first_last_bits": "same",

// REAL: dfq.range_observer = "percentile", dfq.range_source = "real"
