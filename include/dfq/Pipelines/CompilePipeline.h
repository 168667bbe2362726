//===- CompilePipeline.h - what dfq-compile runs, as a pipeline --*- C++
//-*-===//
//
// The pass pipeline of dfq-compile, registered as `dfq-compile-pipeline` so
// that `dfq-opt --pass-pipeline="builtin.module(dfq-compile-pipeline{...})"`
// runs exactly what `dfq-compile` runs on a module (the options mirror
// dfq-compile's flags). dfq-compile builds its pipeline here, in two stages:
// calibration (the float model it keeps for the report's SQNR) and
// quantization.
//
//===----------------------------------------------------------------------===//

#ifndef DFQ_PIPELINES_COMPILEPIPELINE_H
#define DFQ_PIPELINES_COMPILEPIPELINE_H

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::dfq {

struct CompilePipelineOptions
    : public PassPipelineOptions<CompilePipelineOptions> {
  Option<std::string> calib{
      *this, "calib",
      llvm::cl::desc("dsg, zeroq, none (Gaussian noise) or real:PATH"),
      llvm::cl::init("dsg")};
  Option<int64_t> samples{*this, "samples",
                          llvm::cl::desc("Synthetic calibration images"),
                          llvm::cl::init(32)};
  Option<int64_t> iterations{*this, "iterations",
                             llvm::cl::desc("Synthesis steps"),
                             llvm::cl::init(500)};
  Option<uint64_t> seed{*this, "seed", llvm::cl::desc("Seed of all randomness"),
                        llvm::cl::init(0)};
  Option<double> timeLimit{
      *this, "calib-time-limit",
      llvm::cl::desc("Seconds for data-free synthesis (0: no limit)"),
      llvm::cl::init(0)};
  Option<int> threads{
      *this, "threads",
      llvm::cl::desc("Engine threads (0: every hardware thread)"),
      llvm::cl::init(0)};
  Option<bool> equalize{*this, "equalize",
                        llvm::cl::desc("dfq-equalize before BatchNorm folding"),
                        llvm::cl::init(false)};
  Option<bool> relu6AsRelu{*this, "relu6-as-relu",
                           llvm::cl::desc("dfq-equalize's relu6-as-relu"),
                           llvm::cl::init(false)};
  Option<int> mpcLow{*this, "mpc-low",
                     llvm::cl::desc("DF-MPC's low width (0: no DF-MPC)"),
                     llvm::cl::init(0)};
  Option<int> mpcHigh{*this, "mpc-high", llvm::cl::desc("DF-MPC's high width"),
                      llvm::cl::init(0)};
  Option<bool> compensate{*this, "compensate",
                          llvm::cl::desc("DF-MPC's compensation"),
                          llvm::cl::init(true)};
  Option<std::string> budget{
      *this, "budget",
      llvm::cl::desc("dfq-assign-bits budget (empty: uniform widths)"),
      llvm::cl::init("")};
  Option<std::string> bitChoices{*this, "bit-choices",
                                 llvm::cl::desc("dfq-assign-bits choices"),
                                 llvm::cl::init("2,4,8")};
  Option<int> wbits{*this, "wbits",
                    llvm::cl::desc("Weight bits (0: dfq-quantize's default, "
                                   "or the target's widest)"),
                    llvm::cl::init(0)};
  Option<int> abits{*this, "abits",
                    llvm::cl::desc("Activation bits (0: the default)"),
                    llvm::cl::init(0)};
  Option<int> firstLastBits{
      *this, "first-last-bits",
      llvm::cl::desc("Bits of the first and last layers (0: the other "
                     "layers' widths; -1: dfq-quantize's default)"),
      llvm::cl::init(-1)};
  Option<bool> correctBias{
      *this, "correct-bias",
      llvm::cl::desc("dfq-correct-bias before dfq-quantize, with its options"),
      llvm::cl::init(false)};
  Option<std::string> reconstruct{
      *this, "reconstruct",
      llvm::cl::desc("dfq-reconstruct's method before dfq-quantize (adaround; "
                     "empty: round to nearest)"),
      llvm::cl::init("")};
  Option<int64_t> reconstructIterations{
      *this, "reconstruct-iterations",
      llvm::cl::desc("dfq-reconstruct's steps per layer"),
      llvm::cl::init(1000)};
  Option<std::string> reconstructWeightScale{
      *this, "reconstruct-weight-scale",
      llvm::cl::desc("dfq-reconstruct's weight-scale (max or mse)"),
      llvm::cl::init("mse")};
  Option<std::string> observer{*this, "observer",
                               llvm::cl::desc("dfq-calibrate-ranges' observer"),
                               llvm::cl::init("minmax")};
  Option<double> mean{*this, "mean", llvm::cl::desc("Input preprocessing mean"),
                      llvm::cl::init(0.2860)};
  Option<double> std{*this, "std",
                     llvm::cl::desc("Input preprocessing standard deviation"),
                     llvm::cl::init(0.3530)};
  Option<bool> measureInputRange{
      *this, "measure-input-range",
      llvm::cl::desc("Measure the input's range on the calibration images "
                     "instead of taking it from mean and std"),
      llvm::cl::init(false)};
  Option<bool> verifyTarget{
      *this, "verify-target",
      llvm::cl::desc("Run dfq-verify-target (the module has a dfq.target)"),
      llvm::cl::init(false)};
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Backend to lower for (x86-avx512-vnni, x86-avx2, c, "
                     "cuda-sm80, cuda-sm90; empty: none)"),
      llvm::cl::init("")};
  Option<bool> fuseResiduals{*this, "fuse-residuals",
                             llvm::cl::desc("dfq-lower-to-kernels's option"),
                             llvm::cl::init(false)};
  Option<bool> quantizeSkips{
      *this, "quantize-skips",
      llvm::cl::desc("Run dfq-quantize-skips after dfq-quantize (residual "
                     "adds read their float operands' codes)"),
      llvm::cl::init(false)};
};

/// The textual pipelines (for builtin.module) of the two stages; empty
/// strings for nothing to run. The options are assumed checked (as
/// dfq-compile checks its flags).
std::string getCalibrationPipeline(const CompilePipelineOptions &options);
std::string getQuantizationPipeline(const CompilePipelineOptions &options);

/// Why `options` do not describe a pipeline ("" when they do).
std::string checkCompilePipelineOptions(const CompilePipelineOptions &options);

/// Registers `dfq-compile-pipeline` (both stages).
void registerCompilePipeline();

} // namespace mlir::dfq

#endif // DFQ_PIPELINES_COMPILEPIPELINE_H
