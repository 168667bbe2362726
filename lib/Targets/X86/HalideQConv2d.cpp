//===- HalideQConv2d.cpp - dfq.qconv2d as a Halide pipeline ---------------===//
//
// The algorithm is docs/design.md's integer semantics; padding reads the
// input zero point (a constant exterior), so that after subtracting it the
// padded taps contribute exactly 0. The schedule vectorizes along output
// columns and parallelizes over output channels; VNNI tiling comes next.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/X86/QConv2dKernel.h"
#include "dfq/Targets/X86/QGemmKernel.h"

#include "HalideLayerParams.h"

using namespace Halide;
using mlir::dfq::x86::QConv2dArgs;
using mlir::dfq::x86::QConv2dKernel;

struct QConv2dKernel::Impl {
  // Halide indexes the innermost dimension first: input(x, y, c, n),
  // weight(j, i, c, o).
  ImageParam input{UInt(8), 4, "input"}, weight{Int(8), 4, "weight"};
  mlir::dfq::x86::HalideLayerParams layer;
  Param<int32_t> strideH{"stride_h"}, strideW{"stride_w"}, padTop{"pad_top"},
      padLeft{"pad_left"}, dilationH{"dilation_h"}, dilationW{"dilation_w"},
      groups{"groups"};
  Func out{"qconv2d"};
  Target target;
};

QConv2dKernel::QConv2dKernel() : impl(std::make_unique<Impl>()) {}
QConv2dKernel::~QConv2dKernel() = default;

std::unique_ptr<QConv2dKernel> QConv2dKernel::create(const std::string &target,
                                                     std::string &error) {
  std::unique_ptr<QConv2dKernel> kernel(new QConv2dKernel());
  Impl &p = *kernel->impl;
  try {
    p.target = Target(target.empty() ? hostHalideTarget() : target);
    Var x("x"), y("y"), o("o"), n("n");
    Func padded = BoundaryConditions::constant_exterior(
        p.input, cast<uint8_t>(p.layer.inputZero),
        {{0, p.input.dim(0).extent()}, {0, p.input.dim(1).extent()}});
    Expr channelsPerGroup = p.weight.dim(2).extent();
    Expr outputsPerGroup = p.weight.dim(3).extent() / p.groups;
    RDom r(0, p.weight.dim(0).extent(), 0, p.weight.dim(1).extent(), 0,
           channelsPerGroup, "taps");
    Expr inX = x * p.strideW - p.padLeft + r.x * p.dilationW;
    Expr inY = y * p.strideH - p.padTop + r.y * p.dilationH;
    Expr inC = (o / outputsPerGroup) * channelsPerGroup + r.z;
    Func acc("acc");
    acc(x, y, o, n) = p.layer.bias(o);
    acc(x, y, o, n) +=
        (cast<int32_t>(padded(inX, inY, inC, n)) - p.layer.inputZero) *
        (cast<int32_t>(p.weight(r.x, r.y, r.z, o)) - p.layer.weightZero(o));
    p.out(x, y, o, n) = p.layer.requantize(cast<int64_t>(acc(x, y, o, n)), o);

    const int lanes = p.target.natural_vector_size<int32_t>();
    acc.compute_at(p.out, y).vectorize(x, lanes, TailStrategy::GuardWithIf);
    acc.update().vectorize(x, lanes, TailStrategy::GuardWithIf);
    p.out.vectorize(x, lanes, TailStrategy::GuardWithIf).parallel(o);
    p.out.compile_jit(p.target);
  } catch (const Halide::Error &e) {
    error = e.what();
    return nullptr;
  }
  return kernel;
}

bool QConv2dKernel::run(const QConv2dArgs &a, std::string &error) {
  if (!a.input || !a.weight || !a.bias || !a.multiplier || !a.shift ||
      !a.weightZeroPoint || !a.out) {
    error = "qconv2d: null buffer";
    return false;
  }
  if (a.n <= 0 || a.c <= 0 || a.h <= 0 || a.w <= 0 || a.o <= 0 || a.kh <= 0 ||
      a.kw <= 0 || a.outH <= 0 || a.outW <= 0 || a.groups <= 0 ||
      a.c % a.groups || a.o % a.groups || a.strideH <= 0 || a.strideW <= 0 ||
      a.dilationH <= 0 || a.dilationW <= 0 || a.padTop < 0 || a.padLeft < 0) {
    error = "qconv2d: inconsistent shape, stride, padding, dilation or groups";
    return false;
  }
  Impl &p = *impl;
  try {
    Buffer<uint8_t> input(const_cast<uint8_t *>(a.input),
                          {int(a.w), int(a.h), int(a.c), int(a.n)});
    Buffer<int8_t> weight(
        const_cast<int8_t *>(a.weight),
        {int(a.kw), int(a.kh), int(a.c / a.groups), int(a.o)});
    Buffer<uint8_t> out(a.out, {int(a.outW), int(a.outH), int(a.o), int(a.n)});
    p.input.set(input);
    p.weight.set(weight);
    if (!p.layer.bind(a, int(a.o), "qconv2d", error))
      return false;
    p.strideH.set(int32_t(a.strideH));
    p.strideW.set(int32_t(a.strideW));
    p.padTop.set(int32_t(a.padTop));
    p.padLeft.set(int32_t(a.padLeft));
    p.dilationH.set(int32_t(a.dilationH));
    p.dilationW.set(int32_t(a.dilationW));
    p.groups.set(int32_t(a.groups));
    p.out.realize(out, p.target);
  } catch (const Halide::Error &e) {
    error = e.what();
    return false;
  }
  return true;
}
