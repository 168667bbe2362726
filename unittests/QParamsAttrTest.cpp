//===- QParamsAttrTest.cpp - #dfq.qparams ---------------------------------===//

#include "dfq/Dialect/DfqAttrs.h"
#include "dfq/Dialect/DfqDialect.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::dfq;

namespace {

class QParamsAttrTest : public ::testing::Test {
protected:
  QParamsAttrTest() { context.loadDialect<DfqDialect>(); }

  QParamsAttr parse(StringRef text) {
    return dyn_cast_or_null<QParamsAttr>(parseAttribute(text, &context));
  }

  MLIRContext context;
};

TEST_F(QParamsAttrTest, StorageRange) {
  QParamsAttr u4 = parse("#dfq.qparams<u4, asymmetric, scales = [0.5], "
                         "zero_points = [3]>");
  ASSERT_TRUE(u4);
  EXPECT_EQ(u4.getStorageMin(), 0);
  EXPECT_EQ(u4.getStorageMax(), 15);
  QParamsAttr i3 = parse("#dfq.qparams<i3, symmetric, scales = [0.5], "
                         "zero_points = [0]>");
  ASSERT_TRUE(i3);
  EXPECT_EQ(i3.getStorageMin(), -4);
  EXPECT_EQ(i3.getStorageMax(), 3);
}

TEST_F(QParamsAttrTest, PerTensorType) {
  QParamsAttr attr = parse("#dfq.qparams<u8, asymmetric, scales = [0.25], "
                           "zero_points = [7], range = [-1.75, 62.0], "
                           "source = zeroq, observer = percentile>");
  ASSERT_TRUE(attr);
  EXPECT_EQ(attr.getSource(), RangeSource::ZeroQ);
  EXPECT_EQ(attr.getObserver(), Observer::Percentile);
  EXPECT_EQ(attr.getRangeMin().getValueAsDouble(), -1.75);
  auto type = dyn_cast<quant::UniformQuantizedType>(
      attr.getQuantizedElementType(Float32Type::get(&context)));
  ASSERT_TRUE(type);
  EXPECT_FALSE(type.isSigned());
  EXPECT_EQ(type.getStorageTypeIntegralWidth(), 8u);
  EXPECT_EQ(type.getScale(), 0.25);
  EXPECT_EQ(type.getZeroPoint(), 7);
  EXPECT_EQ(type.getStorageTypeMax(), 255);
}

TEST_F(QParamsAttrTest, PerChannelType) {
  QParamsAttr attr = parse("#dfq.qparams<i4, symmetric, axis = 0, "
                           "scales = [0.1, 0.2, 0.3], zero_points = [0, 0, 0], "
                           "source = weights>");
  ASSERT_TRUE(attr);
  EXPECT_TRUE(attr.isPerChannel());
  auto type = dyn_cast<quant::UniformQuantizedPerAxisType>(
      attr.getQuantizedElementType(Float32Type::get(&context)));
  ASSERT_TRUE(type);
  EXPECT_TRUE(type.isSigned());
  EXPECT_EQ(type.getQuantizedDimension(), 0);
  EXPECT_EQ(type.getScales().size(), 3u);
  EXPECT_EQ(type.getStorageTypeMin(), -8);
}

TEST_F(QParamsAttrTest, PrintsWhatItParses) {
  QParamsAttr attr = parse("#dfq.qparams<u2, asymmetric, scales = [0.5], "
                           "zero_points = [1], range = [-0.5, 1.0], "
                           "source = real, observer = mse>");
  ASSERT_TRUE(attr);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << Attribute(attr);
  EXPECT_EQ(parse(text), attr) << text;
}

TEST_F(QParamsAttrTest, RejectsBadParameters) {
  // Diagnostics are expected here; keep them out of the test log.
  ScopedDiagnosticHandler silence(&context,
                                  [](Diagnostic &) { return success(); });
  EXPECT_FALSE(parse("#dfq.qparams<u9, asymmetric, scales = [0.5], "
                     "zero_points = [1]>"));
  EXPECT_FALSE(parse("#dfq.qparams<i1, asymmetric, scales = [0.5], "
                     "zero_points = [0]>"));
  EXPECT_FALSE(parse("#dfq.qparams<u4, asymmetric, scales = [0.5], "
                     "zero_points = [16]>"));
  EXPECT_FALSE(parse("#dfq.qparams<i4, symmetric, scales = [0.5], "
                     "zero_points = [1]>"));
  EXPECT_FALSE(parse("#dfq.qparams<u8, asymmetric, scales = [0.5, 0.25], "
                     "zero_points = [0, 0]>"));
  EXPECT_FALSE(parse("#dfq.qparams<u8, asymmetric, scales = [0.0], "
                     "zero_points = [0]>"));
}

} // namespace
