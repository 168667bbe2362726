//===- HalideQGemm.cpp - dfq.qgemm as a Halide pipeline -------------------===//
//
// The algorithm follows docs/design.md's integer semantics literally; the
// schedule vectorizes over output channels and parallelizes over rows.
// Tuning for VNNI dot products is the next step.
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
    Var o("o"), n("n");
    // Halide indexes the innermost dimension first: x(k, n), w(k, o).
    RDom r(0, p.x.dim(0).extent(), "k");
    Func acc("acc");
    acc(o, n) = p.bias(o);
    acc(o, n) += (cast<int32_t>(p.x(r, n)) - p.inputZero) *
                 (cast<int32_t>(p.w(r, o)) - p.weightZero(o));
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

    const int lanes = p.target.natural_vector_size<int32_t>();
    acc.compute_at(p.out, n).vectorize(o, lanes, TailStrategy::GuardWithIf);
    acc.update().vectorize(o, lanes, TailStrategy::GuardWithIf);
    p.out.vectorize(o, lanes, TailStrategy::GuardWithIf).parallel(n);
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
