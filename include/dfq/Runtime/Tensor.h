//===- Tensor.h - Tensors of the reference numerics engine ------*- C++ -*-===//
//
// A plain C++ handle to a dense tensor owned by the numerics engine (ATen,
// from libtorch). This header includes neither libtorch nor MLIR: translation
// units built without RTTI/exceptions (everything that includes MLIR) use it
// to hold and pass tensors, and only lib/Runtime/Torch*.cpp see ATen.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_RUNTIME_TENSOR_H
#define DFQ_RUNTIME_TENSOR_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir::dfq::rt {

/// Element types the engine executes.
enum class ElementType { F32 };

struct TensorStorage;

/// A dense, row-major (contiguous) tensor. Copies share the storage; tensors
/// are never mutated after creation.
class Tensor {
public:
  Tensor() = default;

  /// Copies `shape`'s product of floats from `data`.
  static Tensor fromF32(const std::vector<int64_t> &shape, const float *data);

  bool isNull() const { return !storage; }
  std::vector<int64_t> shape() const;
  int64_t rank() const;
  int64_t numElements() const;
  ElementType elementType() const { return ElementType::F32; }
  /// The contiguous elements; valid while this tensor (or a copy) lives.
  const float *dataF32() const;

  /// Engine-side storage; only the engine's translation units look inside.
  std::shared_ptr<TensorStorage> storage;
};

/// The number of threads ATen uses for intra-op parallelism (<= 0: every
/// hardware thread).
void setEngineThreads(int threads);

} // namespace mlir::dfq::rt

#endif // DFQ_RUNTIME_TENSOR_H
