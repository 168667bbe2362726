// dfq-run checks a library before it runs it: a truncated file, or one that
// is not a shared library, is refused before dlopen() (which crashed on a
// half-length libmodel.so with SIGBUS); a library of an older ABI, without
// dfq_model_fingerprint, and a library built from another model than the
// model.mlir next to it, after. Each refusal is one `error: ...` line and
// exit status 1, never a crash.
// REQUIRES: x86-avx2
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/make_idx.py %t/data --count 4
// RUN: dfq-compile %models/mlp.onnx -o %t/a --calib none --target x86-avx2 2>/dev/null
// RUN: dfq-compile %S/Inputs/affine-model.mlir -o %t/b --calib none --target x86-avx2 2>/dev/null
// RUN: %python %S/model_fingerprint.py %t/a/model.mlir x86-avx2 > %t/a.fp
// RUN: %python %S/model_fingerprint.py %t/b/model.mlir x86-avx2 > %t/b.fp

// Each library runs with its own model: as a directory, and as a libmodel.so
// named directly (checked against the model.mlir beside it).
// RUN: dfq-run %t/a --input %t/data/images.npy | FileCheck %s --check-prefix=RUNS
// RUN: dfq-run %t/b/libmodel.so --input %t/data/images.npy | FileCheck %s --check-prefix=RUNS
// RUNS: samples 4

// Model A's model.mlir with model B's library, both ways of naming it; the
// error names both fingerprints (here also computed by Python).
// RUN: mkdir -p %t/mixed && cp %t/a/model.mlir %t/b/libmodel.so %t/mixed/
// RUN: { dfq-run %t/mixed --input %t/data/images.npy 2>&1 || echo "exit $?"; } > %t/mixed.out
// RUN: cat %t/a.fp %t/b.fp %t/mixed.out | FileCheck %s --check-prefix=OTHER
// RUN: { dfq-run %t/mixed/libmodel.so --input %t/data/images.npy 2>&1 || echo "exit $?"; } > %t/mixed-so.out
// RUN: cat %t/a.fp %t/b.fp %t/mixed-so.out | FileCheck %s --check-prefix=OTHER
// OTHER: {{^}}[[A:[0-9a-f]{64}]]{{$}}
// OTHER-NEXT: {{^}}[[B:[0-9a-f]{64}]]{{$}}
// OTHER-NEXT: error: '{{.*}}mixed{{/|\\}}libmodel.so' was not built from '{{.*}}mixed{{/|\\}}model.mlir': the library's fingerprint is [[B]], the model's (target x86-avx2) is [[A]]
// OTHER-NEXT: exit 1

// The fingerprint is of model.mlir's bytes: an edited model.mlir no longer
// matches its library.
// RUN: mkdir -p %t/edited && cp %t/a/model.mlir %t/a/libmodel.so %t/edited/
// RUN: echo "// edited" >> %t/edited/model.mlir
// RUN: { dfq-run %t/edited --input %t/data/images.npy 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=EDITED
// EDITED: error: '{{.*}}libmodel.so' was not built from '{{.*}}model.mlir': the library's fingerprint is {{[0-9a-f]+}}, the model's (target x86-avx2) is {{[0-9a-f]+}}
// EDITED-NEXT: exit 1

// A directory with a library but no model.mlir to check it against.
// RUN: mkdir -p %t/lonely && cp %t/a/libmodel.so %t/lonely/
// RUN: { dfq-run %t/lonely --input %t/data/images.npy 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=LONELY
// LONELY: error: '{{.*}}lonely' has libmodel.so but no model.mlir to check it against (not a dfq-compile output directory)
// LONELY-NEXT: exit 1

// Half a library, alone and in its dfq-compile directory: the section
// headers, which linkers write last, lie past the end.
// RUN: %python %S/truncate_copy.py %t/a/libmodel.so %t/half.so
// RUN: { dfq-run %t/half.so --input %t/data/images.npy 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=HALF
// RUN: mkdir -p %t/cut && cp %t/a/model.mlir %t/cut/
// RUN: %python %S/truncate_copy.py %t/a/libmodel.so %t/cut/libmodel.so
// RUN: { dfq-run %t/cut --input %t/data/images.npy 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=HALF
// HALF: error: '{{.*}}{{half.so|libmodel.so}}': truncated or not a shared library (the section headers start at byte {{[0-9]+}}, the file has {{[0-9]+}} bytes)
// HALF-NEXT: exit 1

// Without a section table, the program headers' file ranges tell.
// RUN: %python %S/truncate_copy.py %t/a/libmodel.so %t/nosections.so --no-section-headers
// RUN: { dfq-run %t/nosections.so --input %t/data/images.npy 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=SEGMENT
// SEGMENT: error: '{{.*}}nosections.so': truncated or not a shared library (segment {{[0-9]+}} ends at byte {{[0-9]+}}, the file has {{[0-9]+}} bytes)
// SEGMENT-NEXT: exit 1

// The first bytes only, an empty file, and a file that is not ELF at all.
// RUN: %python %S/truncate_copy.py %t/a/libmodel.so %t/head.so --fraction 0.0001
// RUN: { dfq-run %t/head.so 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=HEAD
// HEAD: error: '{{.*}}head.so': truncated or not a shared library (the ELF header needs 64 bytes, the file has {{[0-9]+}} bytes)
// HEAD-NEXT: exit 1
// RUN: %python %S/truncate_copy.py %t/a/libmodel.so %t/empty.so --fraction 0
// RUN: { dfq-run %t/empty.so 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: '{{.*}}empty.so': truncated or not a shared library (empty file)
// EMPTY-NEXT: exit 1
// RUN: cp %t/a/model.mlir %t/text.so
// RUN: { dfq-run %t/text.so 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=NOTELF
// NOTELF: error: '{{.*}}text.so': truncated or not a shared library (no ELF header)
// NOTELF-NEXT: exit 1

// A library of model ABI version 1 (no dfq_model_fingerprint), alone and
// next to a model.mlir.
// RUN: mkdir -p %t/old && cp %t/a/model.mlir %t/old/
// RUN: clang-22 -shared -fPIC -o %t/old/libmodel.so %S/Inputs/old_abi_library.c
// RUN: { dfq-run %t/old/libmodel.so --input %t/data/images.npy 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=OLD
// RUN: { dfq-run %t/old --input %t/data/images.npy 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=OLD
// OLD: error: '{{.*}}libmodel.so' has no dfq_model_fingerprint: it has model ABI version 1, this dfq-run reads 3 (rebuild it with dfq-compile)
// OLD-NEXT: exit 1
// RUN: mkdir -p %t/v2
// RUN: clang-22 -shared -fPIC -DABI_VERSION_2 -o %t/v2/libmodel.so %S/Inputs/old_abi_library.c
// RUN: { dfq-run %t/v2/libmodel.so --input %t/data/images.npy 2>&1 || echo "exit $?"; } | FileCheck %s --check-prefix=V2
// V2: error: '{{.*}}libmodel.so' has model ABI version 2; this dfq-run reads 3
// V2-NEXT: exit 1
