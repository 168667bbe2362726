// RUN: not dfq-opt %s --dfq-calibrate-ranges 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not dfq-opt %s --dfq-calibrate-ranges="observer=kl data=x.npy" 2>&1 | FileCheck %s --check-prefix=OBSERVER
// RUN: not dfq-opt %s --dfq-calibrate-ranges="observer=mse bits=9" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not dfq-opt %s --dfq-calibrate-ranges="data=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.zeros((2, 3), dtype=np.float32))"
// RUN: not dfq-opt %s --dfq-calibrate-ranges="data=%t.npy" 2>&1 | FileCheck %s --check-prefix=SHAPE

// NODATA: error: dfq-calibrate-ranges: no calibration images: run dfq-synthesize first, or pass data=PATH
// OBSERVER: error: dfq-calibrate-ranges: unknown observer 'kl' (expected minmax, percentile or mse)
// BITS: error: dfq-calibrate-ranges: invalid options: limit and batch must be positive, bits in [2, 8], percentile in (50, 100]
// MISSING: error: dfq-calibrate-ranges: cannot open '{{.*}}missing.npy'
// SHAPE: error: dfq-calibrate-ranges: calibration images [2, 3] do not match the model input's per-sample size 4

func.func @main(%x: tensor<?x1x2x2xf32>) -> tensor<?x1x2x2xf32> {
  %0 = dfq.relu %x : tensor<?x1x2x2xf32>
  return %0 : tensor<?x1x2x2xf32>
}
