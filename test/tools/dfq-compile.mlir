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
// DF-MPC on a residual network: the block's first conv is ternary, its
// second at 6 bits, the other layers at HIGH too; and the ablation.
// RUN: %python %S/../e2e/torch_export_gen.py residual %t/res
// RUN: dfq-compile %t/res/model.onnx -o %t/mpc --calib none --mpc 2/6 2>&1 | FileCheck %s --check-prefix=MPCLOG
// RUN: FileCheck %s --check-prefix=MPC < %t/mpc/report.json
// RUN: dfq-run %t/mpc --input %t/res/x.npy | FileCheck %s --check-prefix=EVAL
// RUN: dfq-compile %t/res/model.onnx -o %t/nocomp --calib none --mpc 3/8 --no-compensation 2>/dev/null
// RUN: FileCheck %s --check-prefix=NOCOMP < %t/nocomp/report.json
// Bits chosen under a budget; every report agrees with its IR.
// RUN: dfq-compile %t/res/model.onnx -o %t/budget --calib none --budget avg-bits:4 --bit-choices 2,4,8 2>&1 | FileCheck %s --check-prefix=BUDGETLOG
// RUN: FileCheck %s --check-prefix=BUDGET < %t/budget/report.json
// RUN: %python %S/check_report.py %t/budget | FileCheck %s --check-prefix=CHECK-REPORT
// RUN: %python %S/check_report.py %t/none
// RUN: %python %S/check_report.py %t/mpc
// RUN: %python %S/check_report.py %t/real

// LOG: dfq-compile: builtin.module(dfq-synthesize{method=gaussian
// LOG: dfq-compile: wrote {{.*}}model.mlir, {{.*}}report.json and {{.*}}report.html

// IR: module attributes {dfq.calibration_source = "gaussian", {{.*}}dfq.range_observer = "minmax", dfq.range_source = "gaussian"
// IR-NOT: dfq.calibration_data
// IR: dfq.qconv2d
// IR-NOT: dfq.batch_norm

// REPORT: "calibration": "none",
// REPORT: "layers": [
// REPORT: "bits_reason": "first/last layer: --first-last-bits",
// REPORT: "name": "/0/Conv",
// REPORT-NEXT: "observer": "minmax",
// REPORT-NEXT: "op": "dfq.qconv2d",
// REPORT-NEXT: "output_bits": 8,
// REPORT: "range_source": "gaussian",
// REPORT: "sqnr_db":
// The middle layers get --wbits 4.
// REPORT: "bits_reason": "uniform: --wbits",
// REPORT: "weight_bits": 4,
// The network output stays float.
// REPORT: "op": "dfq.gemm",
// REPORT-NEXT: "output_bits": 32,
// REPORT: "totals": {
// REPORT-NEXT: "average_weight_bits":
// REPORT: "weight_bytes":
// REPORT: "wbits": 4

// EVAL: samples 8

// ZEROQ: "calibration": "zeroq",
// ZEROQ: "first_last_bits": "same",

// REAL: dfq.range_observer = "percentile", dfq.range_source = "real"

// MPCLOG: func.func(dfq-compensate-mpc{low=2 high=6 compensate=true})
// MPCLOG: remark: DF-MPC skips '{{.*}}': it is the first layer
// MPCLOG: remark: DF-MPC pair: '{{.*}}' at 2 bits (ternary (TWN)), '{{.*}}' at 6 bits; c in
// MPCLOG: wrote

// MPC: "compensation": true,
// MPC: "bits_reason": "DF-MPC low-bit layer: ternary (TWN) weights, compensated by
// MPC: "weight_bits": 2
// MPC: "bits_reason": "DF-MPC high-bit layer: compensates
// MPC: "weight_bits": 6
// MPC: "mpc": "2/6",
// MPC: "wbits": 6

// NOCOMP: "compensation": false,
// NOCOMP: "bits_reason": "DF-MPC low-bit layer: 3-bit per-layer weights, uncompensated by
// NOCOMP: "weight_bits": 3
// NOCOMP: "mpc": "3/8",

// BUDGETLOG: dfq-assign-bits{budget=avg-bits:4 choices=2,4,8 abits=8 threads=
// BUDGETLOG: remark: dfq-assign-bits: avg-bits:{{([0-3]\.[0-9]+|4\.0000)}} of avg-bits:4
// BUDGETLOG: wrote {{.*}}model.mlir, {{.*}}report.json and {{.*}}report.html

// BUDGET: "budget": "avg-bits:4",
// BUDGET: "bits_reason": "dfq-assign-bits: 8 bits, first/last layer",
// BUDGET: "sensitivity": {
// BUDGET-NEXT: "2":
// BUDGET-NEXT: "4":
// BUDGET-NEXT: "8":
// BUDGET: "sqnr_db":
// BUDGET: "sqnr_images": 32,
// BUDGET: "totals": {
// BUDGET: "budget": {
// BUDGET-NEXT: "budget": "avg-bits:4",
// BUDGET-NEXT: "met": true,

// CHECK-REPORT: layers: {{[0-9]+}} match the IR
// CHECK-REPORT: budget: avg-bits:4 met
// CHECK-REPORT: report.html: every layer
