//===- DatasetIO.h - Image datasets and .npy arrays -------------*- C++ -*-===//
//
// Reading the inputs dfq evaluates and calibrates on: IDX files (MNIST-style,
// gzipped or not, e.g. Debian's dataset-fashion-mnist) and NumPy .npy arrays;
// writing .npy results. All errors are returned, never thrown or printed.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_SUPPORT_DATASETIO_H
#define DFQ_SUPPORT_DATASETIO_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::dfq {

/// A dense row-major float32 array.
struct FloatArray {
  std::vector<int64_t> shape;
  std::vector<float> data;

  int64_t numElements() const;
};

/// A dense row-major uint8 array, as IDX files hold.
struct ByteArray {
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

/// Reads an unsigned-byte IDX file (magic 0x00000801..0x00000804), gzipped or
/// plain.
llvm::Expected<ByteArray> readIdxFile(llvm::StringRef path);

/// Fashion-MNIST as dfq's tools read it.
struct LabeledImages {
  FloatArray images; // [N, 1, H, W], normalized
  std::vector<int64_t> labels;
};

/// The dataset's own statistics: the zoo models are trained on exactly this
/// preprocessing, `x = (pixel / 255 - mean) / std`.
constexpr float kFashionMnistMean = 0.2860f;
constexpr float kFashionMnistStd = 0.3530f;

/// The directory holding the Fashion-MNIST IDX files: $FMNIST_DIR, else
/// Debian's /usr/share/datasets/fashion-mnist.
std::string getFashionMnistDir();

/// Loads the `train` or `test` split from `dir` and normalizes it.
llvm::Expected<LabeledImages> loadFashionMnist(llvm::StringRef dir,
                                               llvm::StringRef split,
                                               float mean, float std);

/// Normalizes IDX images ([N, H, W] or [N, C, H, W] bytes) to NCHW floats.
FloatArray normalizeImages(const ByteArray &images, float mean, float std);

/// Reads a little-endian, C-order .npy array of float32, float64 or uint8
/// (converted to float32).
llvm::Expected<FloatArray> readNpy(llvm::StringRef path);

/// Writes a float32 .npy file atomically (a temporary file, then a rename).
llvm::Error writeNpy(llvm::StringRef path, const FloatArray &array);

} // namespace mlir::dfq

#endif // DFQ_SUPPORT_DATASETIO_H
