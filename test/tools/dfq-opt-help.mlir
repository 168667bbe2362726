// dfq-opt lists the dfq passes and dialect, and rejects bad input with a
// non-zero exit and a located error instead of crashing.
// RUN: dfq-opt --help | FileCheck %s --check-prefix=HELP
// RUN: dfq-opt --show-dialects | FileCheck %s --check-prefix=DIALECTS
// RUN: not dfq-opt %s --dfq-no-such-pass 2>&1 | FileCheck %s --check-prefix=BADPASS
// RUN: not dfq-opt %s 2>&1 | FileCheck %s --check-prefix=PARSE

// HELP: --dfq-fold-bn
// HELP-SAME: Fold dfq.batch_norm into the preceding dfq.conv2d or dfq.gemm
// DIALECTS: dfq
// DIALECTS: quant
// BADPASS: Unknown command line argument '--dfq-no-such-pass'

// PARSE: dfq-opt-help.mlir:[[@LINE+1]]:{{[0-9]+}}: error: custom op 'dfq.not_an_op' is unknown
%0 = dfq.not_an_op : () -> tensor<1xf32>
