//===- HalideQGemm.cpp - dfq.qgemm as a Halide pipeline -------------------===//
//
// docs/design.md's integer semantics, with the zero points moved out of the
// product so that the inner loop is a u8 x s8 dot product (vpdpbusd on
// AVX512-VNNI); the output is register-tiled and rows run in parallel.
//
//===----------------------------------------------------------------------===//

#include "dfq/Targets/X86/QGemmKernel.h"

#include "HalideLayerParams.h"

using namespace Halide;
using mlir::dfq::x86::QGemmArgs;
using mlir::dfq::x86::QGemmKernel;

struct QGemmKernel::Impl {
  ImageParam x{UInt(8), 2, "x"}, w{Int(8), 2, "w"};
  mlir::dfq::x86::HalideLayerParams layer;
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
    p.target = Target(target.empty() ? hostHalideTargetWithVnni() : target);
    Var o("o"), n("n"), kk("kk"), kb("kb"), oi("oi"), ni("ni");
    // sum (x - zx)(w - zw) = sum x w - zw sum x - zx sum w + K zx zw: the
    // first term is a u8 x s8 dot product (vpdpbusd with AVX512-VNNI), the
    // others are row and column sums; they are combined in int64, where no
    // partial sum can overflow.
    Expr depth = p.x.dim(0).extent();
    Func x = BoundaryConditions::constant_exterior(p.x, cast<uint8_t>(0));
    Func w = BoundaryConditions::constant_exterior(p.w, cast<int8_t>(0));
    // Weights packed in groups of 4 along k, 64 bytes per 16 channels: one
    // vector load per dot-product step. Past the depth they are 0.
    Func packed("packed");
    packed(kk, o, kb) = w(4 * kb + kk, o);
    RDom r(0, 4, 0, (depth + 3) / 4, "k");
    Func dot("dot");
    dot(o, n) = 0;
    dot(o, n) +=
        cast<int32_t>(x(4 * r.y + r.x, n)) * cast<int32_t>(packed(r.x, o, r.y));
    RDom all(0, depth, "all");
    Func rowSum("row_sum"), columnSum("column_sum");
    rowSum(n) = sum(cast<int32_t>(p.x(all, n)));
    columnSum(o) = sum(cast<int32_t>(p.w(all, o)));
    Expr zx = cast<int64_t>(p.layer.inputZero),
         zw = cast<int64_t>(p.layer.weightZero(o));
    Expr acc = cast<int64_t>(p.layer.bias(o)) + cast<int64_t>(dot(o, n)) -
               zw * cast<int64_t>(rowSum(n)) -
               zx * cast<int64_t>(columnSum(o)) +
               cast<int64_t>(depth) * zx * zw;
    p.out(o, n) = p.layer.requantize(acc, o);

    // Register tiles of 4 x 16 output channels by 6 rows (24 accumulators);
    // each step of the reduction is 4 deep, so every dot product is 512 bits
    // wide (narrower ones would need AVX-VNNI). Edge tiles compute a few lanes
    // past the last channel or row that are never stored; the constant
    // exteriors keep their reads in bounds.
    const int lanes = 16, tileO = 4 * lanes, tileN = 6;
    packed.compute_root().bound(kk, 0, 4).vectorize(kk).vectorize(
        o, lanes, TailStrategy::GuardWithIf);
    rowSum.compute_root();
    columnSum.compute_root().vectorize(o, lanes, TailStrategy::GuardWithIf);
    p.out.tile(o, n, oi, ni, tileO, tileN, TailStrategy::GuardWithIf)
        .vectorize(oi, lanes)
        .unroll(oi)
        .unroll(ni)
        .parallel(n);
    dot.compute_at(p.out, o).vectorize(o, lanes).unroll(o).unroll(n);
    dot.update()
        .reorder(r.x, o, n, r.y)
        .atomic()
        .vectorize(r.x)
        .vectorize(o, lanes)
        .unroll(o)
        .unroll(n);
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
  Impl &p = *impl;
  try {
    int n = int(a.n), k = int(a.k), o = int(a.o);
    Buffer<uint8_t> x(const_cast<uint8_t *>(a.x), {k, n});
    Buffer<int8_t> w(const_cast<int8_t *>(a.w), {k, o});
    Buffer<uint8_t> out(a.out, {o, n});
    p.x.set(x);
    p.w.set(w);
    if (!p.layer.bind(a, o, "qgemm", error))
      return false;
    p.out.realize(out, p.target);
  } catch (const Halide::Error &e) {
    error = e.what();
    return false;
  }
  return true;
}
