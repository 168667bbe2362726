//===- HalideQGemm.cpp - dfq.qgemm as a Halide pipeline -------------------===//
//
// The algorithm follows docs/design.md's integer semantics literally; the
// schedule register-tiles the output (output channels in vectors, rows
// unrolled) with the reduction innermost and parallelizes over rows. VNNI
// dot products are the next step.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/X86/QGemmKernel.h"

#include "Halide.h"

using namespace Halide;
using mlir::dfq::x86::QGemmArgs;
using mlir::dfq::x86::QGemmKernel;

struct QGemmKernel::Impl {
  ImageParam x{UInt(8), 2, "x"}, w{Int(8), 2, "w"};
  ImageParam bias{Int(32), 1, "bias"}, multiplier{Int(32), 1, "multiplier"},
      shift{Int(32), 1, "shift"}, weightZero{Int(32), 1, "weight_zero"};
  Param<int32_t> inputZero{"input_zero"}, outputZero{"output_zero"},
      outputMin{"output_min"}, outputMax{"output_max"};
  Func out{"qgemm"};
  Target target;
};

QGemmKernel::QGemmKernel() : impl(std::make_unique<Impl>()) {}
QGemmKernel::~QGemmKernel() = default;

std::unique_ptr<QGemmKernel> QGemmKernel::create(const std::string &target,
                                                 std::string &error) {
  std::unique_ptr<QGemmKernel> kernel(new QGemmKernel());
  Impl &p = *kernel->impl;
  try {
    p.target = Target(target.empty() ? hostHalideTarget() : target);
    Var o("o"), n("n"), k("k"), oi("oi"), ni("ni");
    // The weights with their zero point removed, transposed so that output
    // channels are contiguous: one vector load feeds a row of the tile.
    // Edge tiles compute a few lanes past the last channel or row (they are
    // never stored); clamped reads keep those lanes inside the buffers.
    Func x = BoundaryConditions::repeat_edge(p.x);
    Func w = BoundaryConditions::repeat_edge(p.w);
    Func bias = BoundaryConditions::repeat_edge(p.bias);
    Func weightZero = BoundaryConditions::repeat_edge(p.weightZero);
    Func weights("weights");
    weights(o, k) = cast<int32_t>(w(k, o)) - weightZero(o);
    // Halide indexes the innermost dimension first: x(k, n), w(k, o).
    RDom r(0, p.x.dim(0).extent(), "k");
    Func acc("acc");
    acc(o, n) = bias(o);
    acc(o, n) += (cast<int32_t>(x(r, n)) - p.inputZero) * weights(o, r);
    Expr sh = p.shift(o);
    Expr rounding =
        select(sh > 0, cast<int64_t>(1) << cast<uint64_t>(max(sh - 1, 0)),
               cast<int64_t>(0));
    Expr y = ((cast<int64_t>(acc(o, n)) * cast<int64_t>(p.multiplier(o)) +
               rounding) >>
              cast<uint64_t>(sh)) +
             cast<int64_t>(p.outputZero);
    p.out(o, n) = cast<uint8_t>(
        clamp(y, cast<int64_t>(p.outputMin), cast<int64_t>(p.outputMax)));

    // Register tiles of 2 vectors of output channels by 6 rows, the
    // reduction innermost: per step one weight vector pair and six
    // broadcast inputs.
    const int lanes = p.target.natural_vector_size<int32_t>();
    const int tileO = 2 * lanes, tileN = 6;
    weights.compute_root().vectorize(o, lanes, TailStrategy::GuardWithIf);
    p.out.tile(o, n, oi, ni, tileO, tileN, TailStrategy::GuardWithIf)
        .vectorize(oi, lanes)
        .unroll(oi)
        .unroll(ni)
        .parallel(n);
    acc.compute_at(p.out, o).vectorize(o, lanes).unroll(o).unroll(n);
    acc.update().reorder(o, n, r).vectorize(o, lanes).unroll(o).unroll(n);
    p.out.compile_jit(p.target);
  } catch (const Halide::Error &e) {
    error = e.what();
    return nullptr;
  }
  return kernel;
}

bool QGemmKernel::run(const QGemmArgs &a, std::string &error) {
  if (!a.x || !a.w || !a.bias || !a.multiplier || !a.shift ||
      !a.weightZeroPoint || !a.out || a.n <= 0 || a.k <= 0 || a.o <= 0) {
    error = "qgemm: null buffer or empty shape";
    return false;
  }
  for (int64_t i = 0; i < a.o; ++i)
    if (a.shift[i] < 0 || a.shift[i] > 62) {
      error =
          "qgemm: shift " + std::to_string(a.shift[i]) + " is outside [0, 62]";
      return false;
    }
  Impl &p = *impl;
  try {
    int n = int(a.n), k = int(a.k), o = int(a.o);
    Buffer<uint8_t> x(const_cast<uint8_t *>(a.x), {k, n});
    Buffer<int8_t> w(const_cast<int8_t *>(a.w), {k, o});
    Buffer<int32_t> bias(const_cast<int32_t *>(a.bias), o);
    Buffer<int32_t> multiplier(const_cast<int32_t *>(a.multiplier), o);
    Buffer<int32_t> shift(const_cast<int32_t *>(a.shift), o);
    Buffer<int32_t> zero(const_cast<int32_t *>(a.weightZeroPoint), o);
    Buffer<uint8_t> out(a.out, {o, n});
    p.x.set(x);
    p.w.set(w);
    p.bias.set(bias);
    p.multiplier.set(multiplier);
    p.shift.set(shift);
    p.weightZero.set(zero);
    p.inputZero.set(a.inputZeroPoint);
    p.outputZero.set(a.outputZeroPoint);
    p.outputMin.set(a.outputMin);
    p.outputMax.set(a.outputMax);
    p.out.realize(out, p.target);
  } catch (const Halide::Error &e) {
    error = e.what();
    return false;
  }
  return true;
}
