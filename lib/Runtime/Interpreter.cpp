//===- Interpreter.cpp - Reference interpreter for dfq IR -----------------===//
//
// Runs the ops of a function in program order on the ATen kernels behind
// TorchKernels.h. Everything that can be checked once (supported ops, f32
// types, constant data) is checked by `create`, so that `run` only moves
// tensors between kernels. This file sees MLIR but not libtorch.
//
//===----------------------------------------------------------------------===//

#include "dfq/Runtime/Interpreter.h"
#include "dfq/Runtime/Constants.h"

#include "TorchKernels.h"
#include "dfq/Dialect/DfqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>

using namespace mlir;
// Short names for the dialect's op classes and the numerics engine.
namespace ops = ::mlir::dfq;
namespace rt = ::mlir::dfq::rt;
using ::mlir::dfq::QuantizedExecution;
using ::mlir::dfq::ReferenceInterpreter;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static bool isF32Tensor(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return ranked && ranked.getElementType().isF32();
}

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (ShapedType::isDynamic(dim))
      os << '?';
    else
      os << dim;
  });
  os << ']';
  return text;
}

/// Whether a run-time shape fits a (possibly partly dynamic) static one.
static bool shapeMatches(ArrayRef<int64_t> actual, ArrayRef<int64_t> expected) {
  if (actual.size() != expected.size())
    return false;
  for (auto [a, e] : llvm::zip_equal(actual, expected))
    if (!ShapedType::isDynamic(e) && a != e)
      return false;
  return true;
}

static rt::KernelResult kernelError(const Twine &message) {
  return rt::KernelResult{rt::Tensor(), message.str()};
}

/// Calls `fn` with `op` cast to its class when it is a dfq float graph op,
/// and returns `otherwise` when it is not. The one list of ops that run on a
/// kernel.
template <typename R, typename Fn>
static R visitGraphOp(Operation *op, Fn &&fn, R otherwise) {
  return llvm::TypeSwitch<Operation *, R>(op)
      .template Case<
          ops::Conv2DOp, ops::ConvTranspose2DOp, ops::BatchNormOp, ops::GemmOp,
          ops::MatMulOp, ops::ReluOp, ops::ClipOp, ops::AddOp, ops::MulOp,
          ops::SubOp, ops::DivOp, ops::SigmoidOp, ops::TanhOp, ops::ErfOp,
          ops::SqrtOp, ops::HardSigmoidOp, ops::HardSwishOp, ops::SoftmaxOp,
          ops::AbsOp, ops::ExpOp, ops::LogOp, ops::SoftplusOp, ops::LeakyReluOp,
          ops::PowOp, ops::EluOp, ops::MaxOp, ops::MinOp, ops::PReluOp,
          ops::MaxPool2DOp, ops::AvgPool2DOp, ops::GlobalAvgPoolOp,
          ops::FlattenOp, ops::ReshapeOp, ops::TransposeOp, ops::ConcatOp,
          ops::SliceOp, ops::LayerNormOp, ops::ReduceMeanOp, ops::ReduceSumOp,
          ops::ReduceMaxOp, ops::PadOp, ops::ResizeOp, ops::QuantizeOp,
          ops::DequantizeOp, ops::QConv2DOp, ops::QGemmOp, ops::QAvgPool2DOp>(
          fn)
      .Default([&](Operation *) { return std::move(otherwise); });
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// Kernels, one overload per op
//===----------------------------------------------------------------------===//

namespace {
/// The tensors of one run: function arguments and op results, which are
/// dropped after their last use, on top of the constants made by `create`.
class Frame {
public:
  Frame(const llvm::DenseMap<Value, rt::Tensor> &constants,
        const llvm::DenseMap<Operation *, rt::QuantLayerParams> &layers,
        QuantizedExecution quantized)
      : quantized(quantized), constants(constants), layers(layers) {}

  /// The parameters `create` derived for a quantized layer.
  const rt::QuantLayerParams &layer(Operation *op) const {
    return layers.find(op)->second;
  }

  /// The tensor of `value`; a null tensor for an absent optional operand.
  rt::Tensor operator()(Value value) const {
    if (!value)
      return rt::Tensor();
    auto it = values.find(value);
    return it != values.end() ? it->second : constants.lookup(value);
  }

  llvm::DenseMap<Value, rt::Tensor> values;
  const QuantizedExecution quantized;

private:
  const llvm::DenseMap<Value, rt::Tensor> &constants;
  const llvm::DenseMap<Operation *, rt::QuantLayerParams> &layers;
};
} // namespace

// Layers with parameters.

static rt::KernelResult execute(ops::Conv2DOp op, const Frame &in) {
  rt::Conv2dParams params{op.getStrides().vec(), op.getPads().vec(),
                          op.getDilations().vec(),
                          static_cast<int64_t>(op.getGroups())};
  return rt::kernels::conv2d(in(op.getInput()), in(op.getWeight()),
                             in(op.getBias()), params);
}

static rt::KernelResult execute(ops::ConvTranspose2DOp op, const Frame &in) {
  rt::Conv2dParams params{op.getStrides().vec(), op.getPads().vec(),
                          op.getDilations().vec(),
                          static_cast<int64_t>(op.getGroups())};
  return rt::kernels::convTranspose2d(in(op.getInput()), in(op.getWeight()),
                                      in(op.getBias()), params,
                                      op.getOutputPadding().vec());
}

static rt::KernelResult execute(ops::BatchNormOp op, const Frame &in) {
  return rt::kernels::batchNorm(
      in(op.getInput()), in(op.getScale()), in(op.getBias()), in(op.getMean()),
      in(op.getVariance()), op.getEpsilon().convertToDouble());
}

static rt::KernelResult execute(ops::GemmOp op, const Frame &in) {
  return rt::kernels::gemm(in(op.getInput()), in(op.getWeight()),
                           in(op.getBias()));
}

static rt::KernelResult execute(ops::MatMulOp op, const Frame &in) {
  return rt::kernels::matmul(in(op.getLhs()), in(op.getRhs()));
}

// Elementwise ops.

static rt::KernelResult execute(ops::ReluOp op, const Frame &in) {
  return rt::kernels::relu(in(op.getInput()));
}

static rt::KernelResult execute(ops::ClipOp op, const Frame &in) {
  return rt::kernels::clip(in(op.getInput()), op.getMin().convertToDouble(),
                           op.getMax().convertToDouble());
}

static rt::KernelResult execute(ops::AddOp op, const Frame &in) {
  return rt::kernels::add(in(op.getLhs()), in(op.getRhs()));
}

static rt::KernelResult execute(ops::MulOp op, const Frame &in) {
  return rt::kernels::mul(in(op.getLhs()), in(op.getRhs()));
}

static rt::KernelResult execute(ops::SubOp op, const Frame &in) {
  return rt::kernels::sub(in(op.getLhs()), in(op.getRhs()));
}

static rt::KernelResult execute(ops::DivOp op, const Frame &in) {
  return rt::kernels::div(in(op.getLhs()), in(op.getRhs()));
}

static rt::KernelResult execute(ops::SigmoidOp op, const Frame &in) {
  return rt::kernels::sigmoid(in(op.getInput()));
}

static rt::KernelResult execute(ops::TanhOp op, const Frame &in) {
  return rt::kernels::tanh(in(op.getInput()));
}

static rt::KernelResult execute(ops::ErfOp op, const Frame &in) {
  return rt::kernels::erf(in(op.getInput()));
}

static rt::KernelResult execute(ops::SqrtOp op, const Frame &in) {
  return rt::kernels::sqrt(in(op.getInput()));
}

/// The ops of the interpreter's unaryMath kernel, by mnemonic.
template <typename OpT>
static rt::KernelResult executeUnaryMath(OpT op, const Frame &in,
                                         float alpha = 0.0f) {
  return rt::kernels::unaryMath(in(op.getInput()),
                                op->getName().stripDialect().str(), alpha);
}
static rt::KernelResult execute(ops::AbsOp op, const Frame &in) {
  return executeUnaryMath(op, in);
}
static rt::KernelResult execute(ops::ExpOp op, const Frame &in) {
  return executeUnaryMath(op, in);
}
static rt::KernelResult execute(ops::LogOp op, const Frame &in) {
  return executeUnaryMath(op, in);
}
static rt::KernelResult execute(ops::SoftplusOp op, const Frame &in) {
  return executeUnaryMath(op, in);
}
static rt::KernelResult execute(ops::LeakyReluOp op, const Frame &in) {
  return executeUnaryMath(op, in, op.getAlpha().convertToFloat());
}
static rt::KernelResult execute(ops::EluOp op, const Frame &in) {
  return executeUnaryMath(op, in, op.getAlpha().convertToFloat());
}
static rt::KernelResult execute(ops::PowOp op, const Frame &in) {
  return executeUnaryMath(op, in, op.getExponent().convertToFloat());
}

template <typename OpT>
static rt::KernelResult executeBinaryMath(OpT op, const Frame &in) {
  return rt::kernels::binaryMath(in(op.getLhs()), in(op.getRhs()),
                                 op->getName().stripDialect().str());
}
static rt::KernelResult execute(ops::MaxOp op, const Frame &in) {
  return executeBinaryMath(op, in);
}
static rt::KernelResult execute(ops::MinOp op, const Frame &in) {
  return executeBinaryMath(op, in);
}
static rt::KernelResult execute(ops::PReluOp op, const Frame &in) {
  return executeBinaryMath(op, in);
}

static rt::KernelResult execute(ops::HardSigmoidOp op, const Frame &in) {
  return rt::kernels::hardSigmoid(in(op.getInput()),
                                  op.getAlpha().convertToFloat(),
                                  op.getBeta().convertToFloat());
}

static rt::KernelResult execute(ops::HardSwishOp op, const Frame &in) {
  return rt::kernels::hardSwish(in(op.getInput()));
}

static rt::KernelResult execute(ops::LayerNormOp op, const Frame &in) {
  return rt::kernels::layerNorm(
      in(op.getInput()), in(op.getScale()), in(op.getBias()),
      static_cast<int64_t>(op.getAxis()), op.getEpsilon().convertToDouble());
}

static rt::KernelResult execute(ops::PadOp op, const Frame &in) {
  return rt::kernels::pad(in(op.getInput()), op.getPads().vec(),
                          op.getMode().str(), op.getValue().convertToDouble());
}

static rt::KernelResult execute(ops::ResizeOp op, const Frame &in) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(op.getType()).getShape();
  return rt::kernels::resize(in(op.getInput()), {shape[2], shape[3]},
                             op.getMode().str(), op.getCoordinateMode().str(),
                             op.getNearestMode().str(), op.getScales().vec(),
                             op.getCubicCoeffA().convertToDouble(),
                             op.getExcludeOutside());
}

template <typename OpT>
static rt::KernelResult executeReduction(OpT op, const Frame &in,
                                         const char *function) {
  return rt::kernels::reduce(in(op.getInput()), function, op.getAxes().vec(),
                             op.getKeepdims());
}
static rt::KernelResult execute(ops::ReduceMeanOp op, const Frame &in) {
  return executeReduction(op, in, "mean");
}
static rt::KernelResult execute(ops::ReduceSumOp op, const Frame &in) {
  return executeReduction(op, in, "sum");
}
static rt::KernelResult execute(ops::ReduceMaxOp op, const Frame &in) {
  return executeReduction(op, in, "max");
}

static rt::KernelResult execute(ops::SoftmaxOp op, const Frame &in) {
  return rt::kernels::softmax(in(op.getInput()),
                              static_cast<int64_t>(op.getAxis()));
}

// Pooling.

/// `kernel`, an NCHW kernel, on `input`: with `channelsLast` the same
/// arithmetic on the input transposed to NCHW, its result transposed back.
template <typename Kernel>
static rt::KernelResult inLayout(bool channelsLast, const rt::Tensor &input,
                                 Kernel kernel) {
  if (!channelsLast)
    return kernel(input);
  std::vector<int64_t> toNchw(std::begin(ops::kNhwcToNchw),
                              std::end(ops::kNhwcToNchw));
  std::vector<int64_t> toNhwc(std::begin(ops::kNchwToNhwc),
                              std::end(ops::kNchwToNhwc));
  rt::KernelResult nchw = rt::kernels::transpose(input, toNchw);
  if (!nchw.ok())
    return nchw;
  rt::KernelResult result = kernel(nchw.value);
  if (!result.ok())
    return result;
  return rt::kernels::transpose(result.value, toNhwc);
}

static rt::KernelResult execute(ops::MaxPool2DOp op, const Frame &in) {
  rt::Pool2dParams params{op.getKernelShape().vec(), op.getStrides().vec(),
                          op.getPads().vec(),        op.getDilations().vec(),
                          op.getCeilMode(),          false};
  // Codes travel as f32 and compare as their integers.
  return inLayout(op.getChannelsLast(), in(op.getInput()),
                  [&](const rt::Tensor &nchw) {
                    return rt::kernels::maxPool2d(nchw, params);
                  });
}

static rt::KernelResult execute(ops::AvgPool2DOp op, const Frame &in) {
  rt::Pool2dParams params{op.getKernelShape().vec(), op.getStrides().vec(),
                          op.getPads().vec(),        {1, 1},
                          op.getCeilMode(),          op.getCountIncludePad()};
  return inLayout(op.getChannelsLast(), in(op.getInput()),
                  [&](const rt::Tensor &nchw) {
                    return rt::kernels::avgPool2d(nchw, params);
                  });
}

static rt::KernelResult execute(ops::GlobalAvgPoolOp op, const Frame &in) {
  return rt::kernels::globalAvgPool(in(op.getInput()));
}

// Shape ops.

static rt::KernelResult execute(ops::FlattenOp op, const Frame &in) {
  return rt::kernels::flatten(in(op.getInput()),
                              static_cast<int64_t>(op.getAxis()));
}

/// The target shape is the result type; its one dynamic dimension (a batch
/// kept dynamic by the importer) takes whatever makes the counts agree.
static rt::KernelResult execute(ops::ReshapeOp op, const Frame &in) {
  rt::Tensor input = in(op.getInput());
  ArrayRef<int64_t> target = cast<RankedTensorType>(op.getType()).getShape();
  std::vector<int64_t> shape = target.vec();
  int64_t known = 1;
  std::optional<size_t> dynamicDim;
  for (auto [i, dim] : llvm::enumerate(target)) {
    if (!ShapedType::isDynamic(dim)) {
      known *= dim;
      continue;
    }
    if (dynamicDim)
      return kernelError("result shape " + formatShape(target) +
                         " has more than one dynamic dimension");
    dynamicDim = i;
  }
  int64_t count = input.numElements();
  if (dynamicDim) {
    if (known == 0 || count % known != 0)
      return kernelError("cannot reshape " + formatShape(input.shape()) + " (" +
                         Twine(count) + " elements) to " + formatShape(target) +
                         ": " + Twine(count) + " is not a multiple of " +
                         Twine(known));
    shape[*dynamicDim] = count / known;
  } else if (known != count) {
    return kernelError("cannot reshape " + formatShape(input.shape()) + " (" +
                       Twine(count) + " elements) to " + formatShape(target) +
                       " (" + Twine(known) + " elements)");
  }
  return rt::kernels::reshape(input, shape);
}

static rt::KernelResult execute(ops::TransposeOp op, const Frame &in) {
  return rt::kernels::transpose(in(op.getInput()), op.getPerm().vec());
}

static rt::KernelResult execute(ops::ConcatOp op, const Frame &in) {
  std::vector<rt::Tensor> inputs;
  for (Value value : op.getInputs())
    inputs.push_back(in(value));
  return rt::kernels::concat(inputs, static_cast<int64_t>(op.getAxis()));
}

/// Sizes of a dfq.slice result, -1 where the dimension is dynamic (taken
/// whole).
static std::vector<int64_t> sliceSizes(ops::SliceOp op) {
  std::vector<int64_t> sizes;
  for (int64_t d : cast<RankedTensorType>(op.getType()).getShape())
    sizes.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return sizes;
}

static rt::KernelResult execute(ops::SliceOp op, const Frame &in) {
  return rt::kernels::slice(in(op.getInput()), op.getStarts().vec(),
                            op.getSteps().vec(), sliceSizes(op));
}

// Quantized ops. Quantized values hold their stored integers in f32
// tensors, which is exact for dfq's 2..8-bit storage types.

/// The parameters of a tensor of `!quant.uniform` elements.
static rt::QuantParams quantParamsOf(Type type) {
  rt::QuantParams params;
  Type element = cast<RankedTensorType>(type).getElementType();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    params.scales = perAxis.getScales().vec();
    params.zeroPoints = perAxis.getZeroPoints().vec();
    params.axis = perAxis.getQuantizedDimension();
    params.qmin = perAxis.getStorageTypeMin();
    params.qmax = perAxis.getStorageTypeMax();
  } else {
    auto uniform = cast<quant::UniformQuantizedType>(element);
    params.scales = {uniform.getScale()};
    params.zeroPoints = {uniform.getZeroPoint()};
    params.qmin = uniform.getStorageTypeMin();
    params.qmax = uniform.getStorageTypeMax();
  }
  return params;
}

/// The per-tensor input and result parameters of a requantizing op.
static rt::QuantLayerParams activationParamsOf(Type input, Type result) {
  rt::QuantLayerParams params;
  rt::QuantParams in = quantParamsOf(input);
  rt::QuantParams out = quantParamsOf(result);
  params.inputZeroPoint = in.zeroPoints.front();
  params.inputScale = in.scales.front();
  params.inputMin = in.qmin;
  params.inputMax = in.qmax;
  params.outputZeroPoint = out.zeroPoints.front();
  params.outputMin = out.qmin;
  params.outputMax = out.qmax;
  return params;
}

/// What a qconv2d/qgemm needs besides its tensors; the bias is read from its
/// i32 constant.
template <typename OpT>
static FailureOr<rt::QuantLayerParams> layerParamsOf(OpT op) {
  rt::QuantLayerParams params =
      activationParamsOf(op.getInput().getType(), op.getType());
  rt::QuantParams w = quantParamsOf(op.getWeight().getType());
  params.weightScales = w.scales;
  params.weightZeroPoints = w.zeroPoints;
  params.multipliers = op.getMultiplier().vec();
  params.shifts = op.getShift().vec();
  if (Value bias = op.getBias()) {
    DenseIntElementsAttr values;
    if (!matchPattern(bias, m_Constant(&values)))
      return failure();
    for (APInt v : values.template getValues<APInt>())
      params.bias.push_back(static_cast<int32_t>(v.getSExtValue()));
  }
  return params;
}

static rt::KernelResult execute(ops::QuantizeOp op, const Frame &in) {
  return rt::kernels::quantize(in(op.getInput()), quantParamsOf(op.getType()));
}

static rt::KernelResult execute(ops::DequantizeOp op, const Frame &in) {
  return rt::kernels::dequantize(in(op.getInput()),
                                 quantParamsOf(op.getInput().getType()));
}

static rt::KernelResult execute(ops::QConv2DOp op, const Frame &in) {
  rt::Conv2dParams conv{op.getStrides().vec(), op.getPads().vec(),
                        op.getDilations().vec(),
                        static_cast<int64_t>(op.getGroups())};
  return inLayout(
      op.getChannelsLast(), in(op.getInput()), [&](const rt::Tensor &nchw) {
        return in.quantized == QuantizedExecution::Simulated
                   ? rt::kernels::qconv2dSimulated(nchw, in(op.getWeight()),
                                                   conv, in.layer(op))
                   : rt::kernels::qconv2d(nchw, in(op.getWeight()), conv,
                                          in.layer(op));
      });
}

static rt::KernelResult execute(ops::QGemmOp op, const Frame &in) {
  if (in.quantized == QuantizedExecution::Simulated)
    return rt::kernels::qgemmSimulated(in(op.getInput()), in(op.getWeight()),
                                       in.layer(op));
  return rt::kernels::qgemm(in(op.getInput()), in(op.getWeight()),
                            in.layer(op));
}

/// The integer pooling as a layer without weights: its divisor `1 / k`
/// takes the weight scale's place in simulated execution.
static rt::QuantLayerParams layerParamsOf(ops::QAvgPool2DOp op) {
  rt::QuantLayerParams params =
      activationParamsOf(op.getInput().getType(), op.getType());
  params.multipliers = {static_cast<int32_t>(op.getMultiplier())};
  params.shifts = {static_cast<int32_t>(op.getShift())};
  ArrayRef<int64_t> kernel = op.getKernelShape();
  params.weightScales = {1.0 / double(kernel[0] * kernel[1])};
  return params;
}

static rt::KernelResult execute(ops::QAvgPool2DOp op, const Frame &in) {
  rt::Pool2dParams pool{op.getKernelShape().vec(), op.getStrides().vec(),
                        op.getPads().vec(),        {1, 1},
                        /*ceilMode=*/false,        /*countIncludePad=*/true};
  return inLayout(
      op.getChannelsLast(), in(op.getInput()), [&](const rt::Tensor &nchw) {
        return in.quantized == QuantizedExecution::Simulated
                   ? rt::kernels::qavgPool2dSimulated(nchw, pool, in.layer(op))
                   : rt::kernels::qavgPool2d(nchw, pool, in.layer(op));
      });
}

//===----------------------------------------------------------------------===//
// ReferenceInterpreter
//===----------------------------------------------------------------------===//

struct ReferenceInterpreter::Impl {
  /// Constants, converted once.
  llvm::DenseMap<Value, rt::Tensor> constants;
  /// Zero points, bias and requantization of each quantized layer, derived
  /// once.
  llvm::DenseMap<Operation *, rt::QuantLayerParams> layers;
  /// The ops that run on a kernel, in program order.
  SmallVector<Operation *> schedule;
  /// Index in `schedule` of the last op reading each argument or op result;
  /// values the function returns are kept to the end.
  llvm::DenseMap<Value, size_t> lastUse;
  func::ReturnOp terminator;

  LogicalResult prepare(Operation &op);
  void computeLastUses();
};

/// Records `op` for execution (or converts it, for constants), or reports
/// why the interpreter cannot run it.
LogicalResult ReferenceInterpreter::Impl::prepare(Operation &op) {
  // Integer constants are the biases of quantized layers, which read them
  // from the attribute.
  if (auto constant = dyn_cast<arith::ConstantOp>(op);
      constant && isa<RankedTensorType>(constant.getType()) &&
      cast<RankedTensorType>(constant.getType()).getElementType().isInteger(32))
    return success();
  if (auto qconstant = dyn_cast<ops::QConstantOp>(op)) {
    auto values = dyn_cast<DenseIntElementsAttr>(qconstant.getValue());
    if (!values)
      return op.emitError("the reference interpreter needs dense integer "
                          "values in 'dfq.qconstant'");
    std::vector<float> data;
    data.reserve(values.getNumElements());
    for (APInt v : values.getValues<APInt>())
      data.push_back(static_cast<float>(v.getSExtValue()));
    rt::Tensor tensor =
        rt::Tensor::fromF32(qconstant.getType().getShape().vec(), data.data());
    if (tensor.isNull())
      return op.emitError("the numerics engine could not allocate a constant");
    constants[qconstant.getResult()] = tensor;
    return success();
  }
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    FailureOr<rt::Tensor> tensor = rt::convertConstant(constant);
    if (failed(tensor))
      return failure();
    constants[constant.getResult()] = *tensor;
    return success();
  }
  if (auto ret = dyn_cast<func::ReturnOp>(op)) {
    terminator = ret;
    return success();
  }
  if (!visitGraphOp(&op, [](auto) { return true; }, false))
    return op.emitError("'")
           << op.getName() << "' is not supported by the reference interpreter";
  // f32 tensors, quantized tensors expressing f32 (their stored integers
  // travel as f32), and the i32 bias of a quantized layer.
  auto isF32 = [&](Value value) {
    if (isF32Tensor(value.getType()))
      return true;
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type)
      return false;
    if (auto q = dyn_cast<quant::QuantizedType>(type.getElementType()))
      return q.getExpressedType().isF32();
    return type.getElementType().isInteger(32) &&
           isa<ops::QConv2DOp, ops::QGemmOp>(op);
  };
  if (!llvm::all_of(op.getOperands(), isF32) ||
      !llvm::all_of(op.getResults(), isF32))
    return op.emitError("the reference interpreter supports only f32 tensors "
                        "in '")
           << op.getName() << "'";
  if (isa<ops::QConv2DOp, ops::QGemmOp>(op)) {
    FailureOr<rt::QuantLayerParams> params =
        isa<ops::QConv2DOp>(op) ? layerParamsOf(cast<ops::QConv2DOp>(op))
                                : layerParamsOf(cast<ops::QGemmOp>(op));
    if (failed(params))
      return op.emitError("the reference interpreter needs the bias of '")
             << op.getName() << "' as an i32 constant";
    // The weight is a constant converted above (dfq.qconstant precedes its
    // users), so the accumulator choice is made once here.
    int64_t groups = 1;
    if (auto conv = dyn_cast<ops::QConv2DOp>(op))
      groups = conv.getGroups();
    params->f32Slices = rt::kernels::exactF32Slices(
        constants.lookup(op.getOperand(1)), *params, groups);
    layers[&op] = std::move(*params);
  }
  if (auto pool = dyn_cast<ops::QAvgPool2DOp>(op))
    layers[&op] = layerParamsOf(pool);
  schedule.push_back(&op);
  return success();
}

void ReferenceInterpreter::Impl::computeLastUses() {
  constexpr size_t kKeep = std::numeric_limits<size_t>::max();
  for (auto [index, op] : llvm::enumerate(schedule)) {
    // A result nobody reads is dropped as soon as it is made.
    lastUse[op->getResult(0)] = index;
    for (Value operand : op->getOperands())
      if (!constants.count(operand) &&
          !isa_and_nonnull<arith::ConstantOp>(operand.getDefiningOp()))
        lastUse[operand] = index;
  }
  for (Value operand : terminator.getOperands())
    lastUse[operand] = kKeep;
}

ReferenceInterpreter::ReferenceInterpreter(func::FuncOp entry,
                                           QuantizedExecution quantized)
    : entry(entry), quantized(quantized), impl(std::make_unique<Impl>()) {}

ReferenceInterpreter::~ReferenceInterpreter() = default;

FailureOr<std::unique_ptr<ReferenceInterpreter>>
ReferenceInterpreter::create(func::FuncOp entry, QuantizedExecution quantized) {
  if (entry.isExternal() || !entry.getBody().hasOneBlock())
    return entry.emitError("the reference interpreter needs a function body "
                           "of one block");
  bool ok = true;
  FunctionType type = entry.getFunctionType();
  for (auto [index, argType] : llvm::enumerate(type.getInputs()))
    if (!isF32Tensor(argType)) {
      entry.emitError("argument #")
          << index << " has type " << argType
          << "; the reference interpreter supports only ranked f32 tensors";
      ok = false;
    }
  for (auto [index, resultType] : llvm::enumerate(type.getResults()))
    if (!isF32Tensor(resultType)) {
      entry.emitError("result #")
          << index << " has type " << resultType
          << "; the reference interpreter supports only ranked f32 tensors";
      ok = false;
    }
  std::unique_ptr<ReferenceInterpreter> interpreter(
      new ReferenceInterpreter(entry, quantized));
  // Every op is looked at, so that one attempt reports all problems.
  for (Operation &op : entry.getBody().front())
    ok &= succeeded(interpreter->impl->prepare(op));
  if (!ok)
    return failure();
  interpreter->impl->computeLastUses();
  return interpreter;
}

LogicalResult ReferenceInterpreter::run(ArrayRef<rt::Tensor> inputs,
                                        SmallVectorImpl<rt::Tensor> &outputs) {
  return run(inputs, outputs, [](Operation *, const rt::Tensor &) {});
}

LogicalResult ReferenceInterpreter::run(ArrayRef<rt::Tensor> inputs,
                                        SmallVectorImpl<rt::Tensor> &outputs,
                                        Observer observe) {
  if (inputs.size() != entry.getNumArguments())
    return entry.emitError("expected ")
           << entry.getNumArguments() << " inputs, got " << inputs.size();
  Frame frame(impl->constants, impl->layers, quantized);
  for (auto [index, arg] : llvm::enumerate(entry.getArguments())) {
    const rt::Tensor &input = inputs[index];
    ArrayRef<int64_t> expected =
        cast<RankedTensorType>(arg.getType()).getShape();
    if (input.isNull())
      return entry.emitError("input #") << index << " is a null tensor";
    std::vector<int64_t> shape = input.shape();
    if (!shapeMatches(shape, expected))
      return entry.emitError("input #")
             << index << " has shape " << formatShape(shape)
             << " but argument #" << index << " expects "
             << formatShape(expected);
    frame.values[arg] = input;
  }

  for (auto [index, op] : llvm::enumerate(impl->schedule)) {
    rt::KernelResult result = visitGraphOp(
        op, [&](auto graphOp) { return execute(graphOp, frame); },
        kernelError("not a graph op"));
    if (!result.ok())
      return op->emitError("'")
             << op->getName()
             << "' failed in the reference interpreter: " << result.error;
    // The kernels trust the verified IR; a mismatch here means a kernel and
    // the dialect's shape rules disagree.
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    std::vector<int64_t> shape = result.value.shape();
    if (!shapeMatches(shape, resultType.getShape()))
      return op->emitError("'")
             << op->getName() << "' produced shape " << formatShape(shape)
             << " but its result type is " << resultType;
    observe(op, result.value);
    frame.values[op->getResult(0)] = std::move(result.value);
    // Dropping dead tensors bounds memory by the live set, not the model.
    for (Value value :
         llvm::concat<Value>(op->getOperands(), op->getResults())) {
      auto last = impl->lastUse.find(value);
      if (last != impl->lastUse.end() && last->second == index)
        frame.values.erase(value);
    }
  }

  outputs.clear();
  for (Value value : impl->terminator.getOperands())
    outputs.push_back(frame(value));
  return success();
}
