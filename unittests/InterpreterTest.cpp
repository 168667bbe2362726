//===- InterpreterTest.cpp - dfq reference interpreter --------------------===//
//
// Small functions run through the reference interpreter and compared with
// values worked out by hand (the comments show the working). Pooling cases
// follow the dialect's ONNX semantics, which PyTorch's pooling modules share.
//
//===----------------------------------------------------------------------===//

#include "dfq/Runtime/Interpreter.h"
#include "dfq/Dialect/DfqDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using ::mlir::dfq::ReferenceInterpreter;
using ::mlir::dfq::rt::Tensor;
using ::testing::HasSubstr;

namespace {

Tensor makeTensor(const std::vector<int64_t> &shape,
                  const std::vector<float> &data) {
  return Tensor::fromF32(shape, data.data());
}

/// 0, 1, 2, ... in `shape`.
Tensor arange(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  std::vector<float> data(count);
  std::iota(data.begin(), data.end(), 0.0f);
  return makeTensor(shape, data);
}

std::vector<float> values(const Tensor &tensor) {
  return std::vector<float>(tensor.dataF32(),
                            tensor.dataF32() + tensor.numElements());
}

void expectTensor(const Tensor &actual, const std::vector<int64_t> &shape,
                  const std::vector<float> &expected) {
  ASSERT_FALSE(actual.isNull());
  EXPECT_EQ(actual.shape(), shape);
  std::vector<float> got = values(actual);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], expected[i], 1e-5) << "at element " << i;
}

class InterpreterTest : public ::testing::Test {
protected:
  InterpreterTest() {
    context.loadDialect<mlir::dfq::DfqDialect, func::FuncDialect,
                        arith::ArithDialect>();
  }

  /// Parses a module and returns its @main, or null.
  func::FuncOp parse(StringRef source) {
    module = parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return nullptr;
    return module->lookupSymbol<func::FuncOp>("main");
  }

  /// Runs @main of `source` on `inputs`, which must succeed.
  std::vector<Tensor> run(StringRef source, std::vector<Tensor> inputs) {
    func::FuncOp entry = parse(source);
    EXPECT_TRUE(entry) << "cannot parse the test function";
    if (!entry)
      return {};
    FailureOr<std::unique_ptr<ReferenceInterpreter>> interpreter =
        ReferenceInterpreter::create(entry);
    EXPECT_TRUE(succeeded(interpreter));
    if (failed(interpreter))
      return {};
    SmallVector<Tensor> outputs;
    EXPECT_TRUE(succeeded((*interpreter)->run(inputs, outputs)));
    return std::vector<Tensor>(outputs.begin(), outputs.end());
  }

  /// Runs @main of `source` on `inputs` expecting `create` or `run` to fail;
  /// returns the diagnostics they emitted.
  std::string runExpectingFailure(StringRef source,
                                  std::vector<Tensor> inputs) {
    std::string diagnostics;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      diagnostics += diag.str() + "\n";
      return success();
    });
    func::FuncOp entry = parse(source);
    EXPECT_TRUE(entry) << "cannot parse the test function: " << diagnostics;
    if (!entry)
      return diagnostics;
    FailureOr<std::unique_ptr<ReferenceInterpreter>> interpreter =
        ReferenceInterpreter::create(entry);
    if (succeeded(interpreter)) {
      SmallVector<Tensor> outputs;
      EXPECT_TRUE(failed((*interpreter)->run(inputs, outputs)));
    }
    EXPECT_FALSE(diagnostics.empty());
    return diagnostics;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

//===----------------------------------------------------------------------===//
// Layers with parameters
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, Conv2dAsymmetricPadsStridesGroups) {
  // Two groups of one channel; pads [top 1, left 0, bottom 0, right 1] make
  // each 3x3 channel a 4x4 one; 2x2 windows at stride 2.
  //   channel 0 (weight [[1,0],[0,1]]): rows 0000 / 0120 / 3450 / 6780
  //     windows: 0+1, 0+0, 3+7, 5+0 -> + bias 10 = 11, 10, 20, 15
  //   channel 1 (input 9..17, weight all ones): rows 0000 / 9,10,11,0 /
  //     12,13,14,0 / 15,16,17,0
  //     windows: 19, 11, 56, 31 -> + bias 20 = 39, 31, 76, 51
  const char *source = R"mlir(
    func.func @main(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x2x2xf32> {
      %w = arith.constant dense<[[[[1.0, 0.0], [0.0, 1.0]]],
                                 [[[1.0, 1.0], [1.0, 1.0]]]]>
          : tensor<2x1x2x2xf32>
      %b = arith.constant dense<[10.0, 20.0]> : tensor<2xf32>
      %y = dfq.conv2d %x, %w, %b {strides = array<i64: 2, 2>,
                                  pads = array<i64: 1, 0, 0, 1>,
                                  groups = 2 : i64}
          : (tensor<1x2x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>)
            -> tensor<1x2x2x2xf32>
      return %y : tensor<1x2x2x2xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {arange({1, 2, 3, 3})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 2, 2, 2}, {11, 10, 20, 15, 39, 31, 76, 51});
}

TEST_F(InterpreterTest, BatchNorm) {
  // sqrt(variance + 1) = 2 and 4:
  //   channel 0: 2 * (x - 1) / 2 + 1 = x
  //   channel 1: 0.5 * (x - 3) / 4 - 1 -> -1, -0.875
  const char *source = R"mlir(
    func.func @main(%x: tensor<1x2x1x2xf32>) -> tensor<1x2x1x2xf32> {
      %scale = arith.constant dense<[2.0, 0.5]> : tensor<2xf32>
      %bias = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
      %mean = arith.constant dense<[1.0, 3.0]> : tensor<2xf32>
      %var = arith.constant dense<[3.0, 15.0]> : tensor<2xf32>
      %y = dfq.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0}
          : (tensor<1x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>,
             tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x1x2xf32>
      return %y : tensor<1x2x1x2xf32>
    })mlir";
  std::vector<Tensor> out =
      run(source, {makeTensor({1, 2, 1, 2}, {1, 2, 3, 4})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 2, 1, 2}, {1, 2, -1, -0.875});
}

TEST_F(InterpreterTest, GemmWithBias) {
  // [O, K] weight: row 0 computes x0 - x2 + 10, row 1 (x0+x1+x2)/2 + 20.
  const char *source = R"mlir(
    func.func @main(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
      %w = arith.constant dense<[[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]>
          : tensor<2x3xf32>
      %b = arith.constant dense<[10.0, 20.0]> : tensor<2xf32>
      %y = dfq.gemm %x, %w, %b
          : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x2xf32>
      return %y : tensor<2x2xf32>
    })mlir";
  std::vector<Tensor> out =
      run(source, {makeTensor({2, 3}, {1, 2, 3, 4, 5, 6})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {2, 2}, {8, 23, 8, 27.5});
}

TEST_F(InterpreterTest, MatMulBatched) {
  // [2, 1, 2] x [2, 1] broadcasts the rhs over the batch.
  const char *source = R"mlir(
    func.func @main(%x: tensor<2x1x2xf32>) -> tensor<2x1x1xf32> {
      %w = arith.constant dense<[[1.0], [10.0]]> : tensor<2x1xf32>
      %y = dfq.matmul %x, %w
          : (tensor<2x1x2xf32>, tensor<2x1xf32>) -> tensor<2x1x1xf32>
      return %y : tensor<2x1x1xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {arange({2, 1, 2})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {2, 1, 1}, {10, 32});
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, MaxPool2dCeilMode) {
  // 4x4 arange, 3x3 windows at stride 2: floor mode gives 1x1; ceil mode
  // adds the windows starting at row/column 2, which see rows/columns 2..3.
  const char *source = R"mlir(
    func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
      %y = dfq.max_pool2d %x {kernel_shape = array<i64: 3, 3>,
                              strides = array<i64: 2, 2>, ceil_mode = true}
          : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
      return %y : tensor<1x1x2x2xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {arange({1, 1, 4, 4})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 1, 2, 2}, {10, 11, 14, 15});
}

TEST_F(InterpreterTest, MaxPool2dCeilModeWithPads) {
  // Pads 1 on every side, 3x3 windows at stride 2, ceil mode: 3x3 windows
  // over input rows {0,1}, {1,2,3}, {3} (the last one reaches past the
  // explicit end pad); the maximum is 4 * max row + max column. Inputs are
  // negative so that a padding value of 0 would win.
  const char *source = R"mlir(
    func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
      %y = dfq.max_pool2d %x {kernel_shape = array<i64: 3, 3>,
                              strides = array<i64: 2, 2>,
                              pads = array<i64: 1, 1, 1, 1>, ceil_mode = true}
          : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
      return %y : tensor<1x1x3x3xf32>
    })mlir";
  std::vector<float> negative(16);
  for (int i = 0; i < 16; ++i)
    negative[i] = i - 100.0f;
  std::vector<Tensor> out = run(source, {makeTensor({1, 1, 4, 4}, negative)});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 1, 3, 3},
               {-95, -93, -93, -87, -85, -85, -87, -85, -85});
}

TEST_F(InterpreterTest, MaxPool2dCeilModeNeverStartsInEndPadding) {
  // 2x2 windows at stride 2 over 4 + end pad 1: ceil mode would add a third
  // window starting at 4, inside the end padding, so there are two.
  const char *source = R"mlir(
    func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
      %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>,
                              strides = array<i64: 2, 2>,
                              pads = array<i64: 0, 0, 1, 1>, ceil_mode = true}
          : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
      return %y : tensor<1x1x2x2xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {arange({1, 1, 4, 4})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 1, 2, 2}, {5, 7, 13, 15});
}

TEST_F(InterpreterTest, MaxPool2dDilated) {
  // 2x2 kernel with dilation 2 reads rows/columns y, y+2 and x, x+2.
  const char *source = R"mlir(
    func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
      %y = dfq.max_pool2d %x {kernel_shape = array<i64: 2, 2>,
                              dilations = array<i64: 2, 2>}
          : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
      return %y : tensor<1x1x2x2xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {arange({1, 1, 4, 4})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 1, 2, 2}, {10, 11, 14, 15});
}

// 4x4 arange, 3x3 windows, stride 2, pads 1, ceil mode: windows cover input
// rows R = {0,1}, {1,2,3}, {3} and the same columns C. The window sum is
// |C| * 4 * sum(R) + |R| * sum(C):
//   10 24 10 / 51 90 33 / 25 42 15.
static const char *kAvgPoolSource = R"mlir(
    func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
      %y = dfq.avg_pool2d %x {kernel_shape = array<i64: 3, 3>,
                              strides = array<i64: 2, 2>,
                              pads = array<i64: 1, 1, 1, 1>, ceil_mode = true,
                              count_include_pad = INCLUDE}
          : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
      return %y : tensor<1x1x3x3xf32>
    })mlir";

static std::string avgPoolSource(bool countIncludePad) {
  std::string source = kAvgPoolSource;
  source.replace(source.find("INCLUDE"), 7, countIncludePad ? "true" : "false");
  return source;
}

TEST_F(InterpreterTest, AvgPool2dExcludingPad) {
  // Divisors |R| * |C| with |R| = 2, 3, 1.
  std::vector<Tensor> out = run(avgPoolSource(false), {arange({1, 1, 4, 4})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 1, 3, 3}, {2.5, 4, 5, 8.5, 10, 11, 12.5, 14, 15});
}

TEST_F(InterpreterTest, AvgPool2dIncludingPad) {
  // The explicit pads count, the extra row/column that only ceil mode's last
  // window reaches does not: 3, 3, 2 rows (and columns) per window.
  std::vector<Tensor> out = run(avgPoolSource(true), {arange({1, 1, 4, 4})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 1, 3, 3},
               {10.0f / 9, 24.0f / 9, 10.0f / 6, 51.0f / 9, 10, 5.5, 25.0f / 6,
                7, 3.75});
}

TEST_F(InterpreterTest, AvgPool2dFloorModeSkipsUnreachedPad) {
  // 2x2 windows at stride 2 over 4 + end pad 1 in floor mode: no window
  // reaches the pad, so counting it changes nothing.
  const char *source = R"mlir(
    func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
      %y = dfq.avg_pool2d %x {kernel_shape = array<i64: 2, 2>,
                              strides = array<i64: 2, 2>,
                              pads = array<i64: 0, 0, 1, 1>,
                              count_include_pad = true}
          : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
      return %y : tensor<1x1x2x2xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {arange({1, 1, 4, 4})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 1, 2, 2}, {2.5, 4.5, 10.5, 12.5});
}

TEST_F(InterpreterTest, GlobalAvgPool) {
  const char *source = R"mlir(
    func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32> {
      %y = dfq.global_avg_pool %x
          : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
      return %y : tensor<1x2x1x1xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {arange({1, 2, 2, 2})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 2, 1, 1}, {1.5, 5.5});
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, ClipWithInfiniteBounds) {
  // ReLU6 from below unbounded, and a ReLU written as a clip.
  const char *source = R"mlir(
    func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
      %a = dfq.clip %x {min = 0xFFF0000000000000 : f64, max = 6.0 : f64}
          : tensor<4xf32>
      %b = dfq.clip %x {min = 0.0 : f64, max = 0x7FF0000000000000 : f64}
          : tensor<4xf32>
      return %a, %b : tensor<4xf32>, tensor<4xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {makeTensor({4}, {-1e30f, -1, 3, 7})});
  ASSERT_EQ(out.size(), 2u);
  expectTensor(out[0], {4}, {-1e30f, -1, 3, 6});
  expectTensor(out[1], {4}, {0, 0, 3, 7});
}

TEST_F(InterpreterTest, ReluAddMulBroadcasting) {
  // [2, 1] + [3] -> [2, 3]; then * a splat [1, 3] constant; then ReLU.
  const char *source = R"mlir(
    func.func @main(%x: tensor<2x1xf32>) -> tensor<2x3xf32> {
      %c = arith.constant dense<[-10.0, 20.0, 30.0]> : tensor<3xf32>
      %two = arith.constant dense<2.0> : tensor<1x3xf32>
      %s = dfq.add %x, %c : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %m = dfq.mul %s, %two
          : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
      %r = dfq.relu %m : tensor<2x3xf32>
      return %r : tensor<2x3xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {makeTensor({2, 1}, {1, 2})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {2, 3}, {0, 42, 62, 0, 44, 64});
}

TEST_F(InterpreterTest, Softmax) {
  // Along axis 0: exp(0) : exp(ln 3) = 1 : 3, and 1 : 1.
  const char *source = R"mlir(
    func.func @main(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
      %y = dfq.softmax %x {axis = 0 : i64} : tensor<2x2xf32>
      return %y : tensor<2x2xf32>
    })mlir";
  std::vector<Tensor> out =
      run(source, {makeTensor({2, 2}, {0, 5, std::log(3.0f), 5})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {2, 2}, {0.25, 0.5, 0.75, 0.5});
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

static const char *kDynamicReshapeSource = R"mlir(
    func.func @main(%x: tensor<?x2x3xf32>) -> (tensor<?x6xf32>, tensor<?x6xf32>) {
      %r = dfq.reshape %x : (tensor<?x2x3xf32>) -> tensor<?x6xf32>
      %f = dfq.flatten %x {axis = 1 : i64}
          : (tensor<?x2x3xf32>) -> tensor<?x6xf32>
      return %r, %f : tensor<?x6xf32>, tensor<?x6xf32>
    })mlir";

TEST_F(InterpreterTest, ReshapeWithDynamicDim) {
  std::vector<Tensor> out = run(kDynamicReshapeSource, {arange({3, 2, 3})});
  ASSERT_EQ(out.size(), 2u);
  std::vector<float> expected(18);
  std::iota(expected.begin(), expected.end(), 0.0f);
  expectTensor(out[0], {3, 6}, expected);
  expectTensor(out[1], {3, 6}, expected);
}

TEST_F(InterpreterTest, ReshapeDynamicDimMustDivide) {
  const char *source = R"mlir(
    func.func @main(%x: tensor<?x3xf32>) -> tensor<?x4xf32> {
      %r = dfq.reshape %x : (tensor<?x3xf32>) -> tensor<?x4xf32>
      return %r : tensor<?x4xf32>
    })mlir";
  std::string diagnostics = runExpectingFailure(source, {arange({2, 3})});
  EXPECT_THAT(diagnostics, HasSubstr("'dfq.reshape' failed"));
  EXPECT_THAT(diagnostics, HasSubstr("6 is not a multiple of 4"));
}

TEST_F(InterpreterTest, Transpose) {
  const char *source = R"mlir(
    func.func @main(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
      %y = dfq.transpose %x {perm = array<i64: 1, 0>}
          : (tensor<2x3xf32>) -> tensor<3x2xf32>
      return %y : tensor<3x2xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {arange({2, 3})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {3, 2}, {0, 3, 1, 4, 2, 5});
}

TEST_F(InterpreterTest, Concat) {
  const char *source = R"mlir(
    func.func @main(%x: tensor<2x1xf32>) -> tensor<2x3xf32> {
      %c = arith.constant dense<[[3.0, 4.0], [5.0, 6.0]]> : tensor<2x2xf32>
      %y = dfq.concat %x, %c {axis = -1 : i64}
          : (tensor<2x1xf32>, tensor<2x2xf32>) -> tensor<2x3xf32>
      return %y : tensor<2x3xf32>
    })mlir";
  std::vector<Tensor> out = run(source, {makeTensor({2, 1}, {1, 2})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {2, 3}, {1, 3, 4, 2, 5, 6});
}

//===----------------------------------------------------------------------===//
// Constants, reuse, errors
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, DenseResourceWeight) {
  // The blob is the alignment (4) then little-endian f32 1, 2, 3, 4.
  const char *source = R"mlir(
    func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
      %w = arith.constant dense_resource<gemm_w> : tensor<2x2xf32>
      %y = dfq.gemm %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
      return %y : tensor<1x2xf32>
    }
    {-# dialect_resources: { builtin: {
      gemm_w: "0x040000000000803F000000400000404000008040"
    } } #-})mlir";
  std::vector<Tensor> out = run(source, {makeTensor({1, 2}, {1, 10})});
  ASSERT_EQ(out.size(), 1u);
  expectTensor(out[0], {1, 2}, {21, 43});
}

TEST_F(InterpreterTest, ElidedResourceIsAnError) {
  const char *source = R"mlir(
    func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
      %w = arith.constant dense_resource<__elided__> : tensor<2x2xf32>
      %y = dfq.gemm %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
      return %y : tensor<1x2xf32>
    })mlir";
  std::string diagnostics = runExpectingFailure(source, {arange({1, 2})});
  EXPECT_THAT(diagnostics, HasSubstr("is not available"));
}

TEST_F(InterpreterTest, RunsTwiceAndReturnsInputsAndConstants) {
  // Intermediate tensors are dropped after their last use; arguments and
  // constants that are returned, or read again by a second run, are not.
  const char *source = R"mlir(
    func.func @main(%x: tensor<2xf32>)
        -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
      %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
      %a = dfq.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      %b = dfq.relu %a : tensor<2xf32>
      return %b, %x, %c : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
    })mlir";
  func::FuncOp entry = parse(source);
  ASSERT_TRUE(entry);
  FailureOr<std::unique_ptr<ReferenceInterpreter>> interpreter =
      ReferenceInterpreter::create(entry);
  ASSERT_TRUE(succeeded(interpreter));
  for (float offset : {0.0f, -5.0f}) {
    SmallVector<Tensor> outputs;
    ASSERT_TRUE(succeeded(
        (*interpreter)->run({makeTensor({2}, {offset, offset + 1})}, outputs)));
    ASSERT_EQ(outputs.size(), 3u);
    expectTensor(outputs[0], {2},
                 {std::max(offset + 1, 0.0f), std::max(offset + 3, 0.0f)});
    expectTensor(outputs[1], {2}, {offset, offset + 1});
    expectTensor(outputs[2], {2}, {1, 2});
  }
}

TEST_F(InterpreterTest, WrongInputShapeIsAnError) {
  const char *source = R"mlir(
    func.func @main(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
      %y = dfq.relu %x : tensor<?x3xf32>
      return %y : tensor<?x3xf32>
    })mlir";
  std::string diagnostics = runExpectingFailure(source, {arange({2, 4})});
  EXPECT_THAT(diagnostics,
              HasSubstr("input #0 has shape [2, 4] but argument #0 expects "
                        "[?, 3]"));
}

TEST_F(InterpreterTest, WrongInputCountIsAnError) {
  const char *source = R"mlir(
    func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
      return %x : tensor<3xf32>
    })mlir";
  std::string diagnostics =
      runExpectingFailure(source, {arange({3}), arange({3})});
  EXPECT_THAT(diagnostics, HasSubstr("expected 1 inputs, got 2"));
}

TEST_F(InterpreterTest, KernelErrorIsReported) {
  // The types allow it, the run-time sizes do not broadcast: ATen's error
  // comes back as a diagnostic at the op.
  const char *source = R"mlir(
    func.func @main(%x: tensor<?xf32>, %y: tensor<?xf32>) -> tensor<?xf32> {
      %z = dfq.add %x, %y : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
      return %z : tensor<?xf32>
    })mlir";
  std::string diagnostics =
      runExpectingFailure(source, {arange({3}), arange({2})});
  EXPECT_THAT(diagnostics, HasSubstr("'dfq.add' failed in the reference "
                                     "interpreter"));
}

TEST_F(InterpreterTest, UnsupportedArithOpIsAnError) {
  const char *source = R"mlir(
    func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
      %y = arith.addf %x, %x : tensor<3xf32>
      return %y : tensor<3xf32>
    })mlir";
  std::string diagnostics = runExpectingFailure(source, {arange({3})});
  EXPECT_THAT(diagnostics, HasSubstr("'arith.addf' is not supported by the "
                                     "reference interpreter"));
}

TEST_F(InterpreterTest, QuantizeRoundsHalfToEvenAndSaturates) {
  // x / 0.5 = 0.5, -0.5, 400, -10: ties go to even (0), then + 3 and clamp
  // to [0, 255]; dequantize gives (q - 3) * 0.5.
  const char *source = R"mlir(
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
      %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric,
                                scales = [0.5], zero_points = [3]>}
          : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
      %y = dfq.dequantize %q
          : tensor<4x!quant.uniform<u8:f32, 0.5:3>> -> tensor<4xf32>
      return %y : tensor<4xf32>
    })mlir";
  std::vector<Tensor> outputs =
      run(source, {makeTensor({4}, {0.25f, -0.25f, 200.0f, -5.0f})});
  ASSERT_EQ(outputs.size(), 1u);
  expectTensor(outputs[0], {4}, {0.0f, 0.0f, 126.0f, -1.5f});
}

TEST_F(InterpreterTest, QuantizedTypeOfF16IsAnError) {
  const char *source = R"mlir(
    func.func @main(%x: tensor<4xf16>) -> tensor<4xf16> {
      %q = dfq.quantize %x {params = #dfq.qparams<u8, asymmetric,
                                scales = [0.5], zero_points = [3]>}
          : tensor<4xf16> -> tensor<4x!quant.uniform<u8:f16, 0.5:3>>
      %y = dfq.dequantize %q
          : tensor<4x!quant.uniform<u8:f16, 0.5:3>> -> tensor<4xf16>
      return %y : tensor<4xf16>
    })mlir";
  std::string diagnostics = runExpectingFailure(source, {});
  EXPECT_THAT(diagnostics, HasSubstr("supports only"));
}

TEST_F(InterpreterTest, NonF32TensorIsAnError) {
  const char *source = R"mlir(
    func.func @main(%x: tensor<3xf16>) -> tensor<3xf16> {
      %y = dfq.relu %x : tensor<3xf16>
      return %y : tensor<3xf16>
    })mlir";
  std::string diagnostics = runExpectingFailure(source, {});
  EXPECT_THAT(diagnostics, HasSubstr("supports only ranked f32 tensors"));
}

} // namespace
