//===- Passes.td - dfq transformation passes ---------------*- tablegen -*-===//

#ifndef DFQ_TRANSFORMS_PASSES_TD
#define DFQ_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldBatchNormPass : Pass<"dfq-fold-bn"> {
  let summary = "Fold dfq.batch_norm into the preceding dfq.conv2d or dfq.gemm";
  let description = [{
    Rewrites `batch_norm(conv(x, W, b))` into `conv(x, W', b')` with, per
    output channel `o`,
    ```
    k[o]  = scale[o] / sqrt(variance[o] + epsilon)
    W'[o] = W[o] * k[o]
    b'[o] = (b[o] - mean[o]) * k[o] + bias[o]      (b = 0 without a bias)
    ```
    computed in double precision and rounded once to the weight's element
    type, so the folded graph equals the original up to that rounding. The
    same holds for `dfq.gemm` followed by a rank-2 `dfq.batch_norm`.

    Folding is exact only when nothing else observes the unnormalized
    output, so a batch_norm is not folded, with a remark saying why, when
    - its input is not produced by a `dfq.conv2d` or `dfq.gemm` (DenseNet's
      pre-activation BatchNorm after a concatenation, say);
    - that producer's result has other users besides the batch_norm;
    - the producer's weight or bias, or one of the BatchNorm parameters, is
      not a constant (an `arith.constant` with dense or available
      `dense_resource` data).

    A batch_norm that is not folded but has constant parameters becomes its
    inference arithmetic as float ops, `dfq.add(dfq.mul(x, k), bias - mean
    * k)` with `k = scale / sqrt(variance + epsilon)` per channel (axis 1),
    computed in double and rounded once, the constants shaped `[C, 1, ...]`
    to broadcast: later passes run it between quantized layers like any
    other float op. (ATen computes the same two constants in f32, so the
    result may differ from the batch_norm's in the last bit.) Only a
    batch_norm with non-constant parameters stays in place.

    New weights keep the storage form of the old ones: `dense_resource`
    weights become new `dense_resource` blobs, `dense` stay `dense`.

    **Output statistics.** The folded layer gets the discardable attribute
    `dfq.bn_output = {mean = array<f64: beta...>, std = array<f64:
    |gamma|...>}`: the BatchNorm normalizes its input, so per output channel
    its output, and hence the folded layer's pre-activation, is taken to
    be distributed as `N(beta, gamma^2)`. `dfq-correct-bias` derives the
    next layer's expected input from it; `dfq-quantize` ignores it.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];

}

def CompensateMpcPass : Pass<"dfq-compensate-mpc", "::mlir::func::FuncOp"> {
  let summary = "DF-MPC: low-bit layers compensated in closed form by their "
                "high-bit successors, without data";
  let description = [{
    Data-Free Mixed-Precision Compensation (Chen et al., Pattern Recognition
    2023). Runs on the float model before
    `dfq-fold-bn`: it needs each layer's BatchNorm.

    **Pairing.** Layers (`dfq.conv2d`, `dfq.gemm`) are visited in program
    order. A layer `l` becomes the low-bit layer of a pair when
    - it is neither the first nor the last layer of the function;
    - its only user is a `dfq.batch_norm`, whose only user is a `dfq.relu`
      or a `dfq.clip` with lower bound 0 (ReLU6);
    - that activation's only user is a `dfq.conv2d` or `dfq.gemm`, its
      successor `l+1`, which is not already part of a pair;
    - its weight, bias and BatchNorm parameters are constants.
    Every other layer is left alone with a remark saying why (a residual
    `dfq.add` between BatchNorm and ReLU, no BatchNorm, first/last layer,
    ...). Pairs do not overlap, so in a ResNet basic block conv1 is low and
    conv2 high; in a MobileNetV2 block the expanding 1x1 conv is low and the
    depthwise conv high (the depthwise conv cannot then start a pair, and
    the projection has no activation after its BatchNorm).

    **Low-bit weights.** `low=2` ternarizes as TWN does (threshold
    `0.7 mean|W|`, per-layer scale `mean |W|` above it); `low=3` rounds to a
    symmetric per-layer 3-bit grid (`max|W| / 3`, 7 levels). The weight is
    replaced by `scale * codes`, so every later pass sees the quantized
    values; `dfq.weight_grid` records each output channel's largest |code|
    so that `dfq-quantize` recovers the codes exactly after BatchNorm
    folding has rescaled the channels.

    **Compensation.** Per output channel `j` of `l`, with `k = gamma/sigma`,
    `X = k vec(W_j)`, `X^ = k scale vec(codes_j)` and
    `y = beta + k (bias - mean)`:
    ```
    c_j = max(0, (X^.X + lambda1 y^2) / (X^.X^ + lambda1 y^2 + lambda2))
    ```
    (1 where both are 0). `c` scales channel `j` of the activation that
    `l+1` reads. Behind a ReLU it is folded into the BatchNorm
    (`gamma_j *= c_j`, `beta_j *= c_j`), exact because ReLU is positively
    homogeneous; behind a ReLU6, which is not, it is folded into the input
    channel `j` of the successor's weight instead, which is exact for any
    activation. Either way the integer kernels need nothing new.
    `compensate=false` keeps pairing, grids and bits but leaves `c = 1`: the
    uncompensated ablation.

    **Attributes.** Both layers get `dfq.weight_bits` (`low`, `high`), which
    `dfq-quantize` honours, and `dfq.bits_reason`, except that a successor
    which is the network's last layer keeps the bits `dfq-quantize` gives
    first and last layers; the low layer also
    `dfq.weight_grid` and `dfq.mpc_compensation` (the coefficients).
    A remark on every pair reports the coefficients' range.
  }];
  let options = [
    Option<"low", "low", "int64_t", "2",
           "Weight bits of the low layer of a pair: 2 (ternary) or 3">,
    Option<"high", "high", "int64_t", "6",
           "Weight bits of the compensating successor (low+1..8)">,
    Option<"lambda1", "lambda1", "double", "0.5",
           "Weight of the BatchNorm-shift term of the loss">,
    Option<"lambda2", "lambda2", "double", "0.0",
           "Ridge weight on the coefficients">,
    Option<"compensate", "compensate", "bool", "true",
           "Apply the compensation (false: pairing and bits only)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def EqualizeCrossLayerPass
    : Pass<"dfq-equalize", "::mlir::func::FuncOp"> {
  let summary = "Cross-layer equalization with bias absorption (Nagel et al., "
                "ICCV 2019)";
  let description = [{
    Data-Free Quantization through weight equalization (Nagel, van Baalen,
    Blankevoort and Welling, ICCV 2019, §4). Rescales the channels between
    two consecutive layers so that each channel's weight range is the same in
    both; the float function is unchanged, but per-tensor weight scales no
    longer have to cover channels whose ranges differ by orders of magnitude
    (depthwise convolutions, MobileNetV2). Runs on the float model before
    `dfq-fold-bn`.

    **Pairs.** A chain `layer1 -> [dfq.batch_norm] -> [dfq.relu] -> layer2`
    where both layers are `dfq.conv2d` (grouped and depthwise included) or
    both `dfq.gemm`, `layer2` reads the chain as its input, and every value
    in the chain (the results of `layer1`, the batch_norm and the ReLU) has
    exactly that one user, so the rescaled channels are seen by nobody else.
    A `dfq.clip` to `[0, +inf)` counts as a ReLU. A layer may be in two
    pairs (as `layer2` of one and `layer1` of the next).

    **Scaling.** Per channel `i` of the chain, with `k_i = gamma_i / sqrt(
    variance_i + epsilon)` (1 without a batch_norm):
    ```
    r1_i = max |W1[i, ...]| * |k_i|       (layer1's BN-folded output channel i)
    r2_i = max |W2[o, c, ...]|            (every weight of layer2 reading i)
    s_i  = sqrt(r1_i / r2_i)
    ```
    For a grouped `layer2` with `C/G` input channels per group, input
    channel `i` is weight column `c = i mod C/G` of the output channels of
    group `g = i div C/G`; depthwise, that is output channel `i` alone.
    Channel `i` of `layer1`'s output is divided by `s_i` (with a batch_norm
    `gamma_i` and `beta_i`, which leaves the running mean and variance that
    data-free calibration matches untouched; without one `W1[i]` and
    `b1[i]`), and every weight of `layer2` reading channel `i` is multiplied
    by `s_i`. Afterwards both ranges are `sqrt(r1_i r2_i)`. Positive scaling
    commutes with ReLU, so the function is unchanged up to one float
    rounding of each rewritten constant (all arithmetic is in double).

    A channel with a zero or non-finite range keeps `s_i = 1`. The product
    of the factors applied to one channel over all sweeps stays within
    `[1/max-scale, max-scale]`, so that a nearly dead channel (gamma close
    to 0) cannot blow up the activation range that `beta / s` would give.
    Since a layer in two pairs is rescaled by both, the sweep over all pairs
    (in program order) repeats until no factor differs from 1 by more than
    1e-4, or `iterations` sweeps have run.

    **ReLU6.** Any other `dfq.clip` does not commute with scaling
    (`clip(x / s) != clip(x) / s`), so such a pair is skipped with a remark
    at the clip. `relu6-as-relu=true` replaces a clip to `[0, M]` (ReLU6)
    inside a pair by a `dfq.relu` and equalizes the pair, as Nagel et al. do
    for MobileNetV2; this **changes the float model** (activations above M
    are no longer clipped), hence it is opt-in. Clips with another lower
    bound are always skipped.

    **Bias absorption** (`absorb-bias`, after the scaling). For a pair with
    a batch_norm and a ReLU, the batch_norm output of channel `i` is taken
    as `N(beta_i, gamma_i^2)`; `c_i = max(0, beta_i - 3 |gamma_i|)` is then
    almost always below it, so `relu(x - c) = relu(x) - c` for nearly every
    input. `beta_i -= c_i` and `layer2` adds `sum_{o, c, kernel} W2 * c` to
    its bias (one is created if it has none). This narrows the activation
    range without changing the float model except for pre-activations below
    `c_i` (under the Gaussian assumption 0.13 % of them). In the original
    units the shift does not depend on the rescaling (`c` scales with `beta`
    and `gamma`). The bias correction `W2 * c` holds only where `layer2`
    sees every kernel tap of the shifted activation: a padded convolution
    reads zeros instead of `-c` at the borders, so absorption is applied
    only when `layer2` is a `dfq.gemm` or an unpadded `dfq.conv2d`.

    **Left alone, with a remark at the op responsible:** a clip inside a
    pair (see above); a value of the chain that has several users; a weight,
    bias or batch_norm parameter that is not a constant; a layer with a
    `dfq.weight_grid` (run `dfq-equalize` before `dfq-compensate-mpc`).
    Other layers (whose output feeds an add, a pooling, ...) are not pairs
    and are passed over silently, as are successful pairs. The statistics
    below count the pairs equalized and the pairs with a bias absorbed
    (`-mlir-pass-statistics`); MLIR compiles pass statistics out when LLVM
    is built without assertions (`NDEBUG`, as Debian's LLVM 22 is), and
    then the report lists none: `summary` gives the same counts as a remark
    at each function on any build.
  }];
  let options = [
    Option<"iterations", "iterations", "int64_t", "20",
           "Most sweeps over all pairs (stops earlier once every factor is "
           "within 1e-4 of 1)">,
    Option<"maxScale", "max-scale", "double", "100.0",
           "Bound on the total factor of one channel: s in "
           "[1/max-scale, max-scale]">,
    Option<"relu6AsRelu", "relu6-as-relu", "bool", "false",
           "Replace a clip to [0, M] inside a pair by a ReLU and equalize it "
           "(changes the float model)">,
    Option<"absorbBias", "absorb-bias", "bool", "true",
           "Absorb the high bias of BatchNorm + ReLU channels into the next "
           "layer's bias">,
    Option<"summary", "summary", "bool", "false",
           "Emit a remark at each function with the number of pairs "
           "equalized and of biases absorbed (the pass statistics, which "
           "release builds of LLVM compile out)">,
  ];
  let statistics = [
    Statistic<"numPairsEqualized", "pairs-equalized",
              "Layer pairs whose channels were equalized">,
    Statistic<"numBiasesAbsorbed", "biases-absorbed",
              "Pairs whose layer2 absorbed part of layer1's bias">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def CorrectBiasPass : Pass<"dfq-correct-bias", "::mlir::func::FuncOp"> {
  let summary = "Data-free bias correction of the weight quantization error "
                "(Nagel et al., ICCV 2019)";
  let description = [{
    Data-Free Quantization through weight equalization and bias correction
    (Nagel, van Baalen, Blankevoort and Welling, ICCV 2019, §4.2).
    Quantizing a layer's weights adds an error `eps = W_q - W`; its effect
    on the output, `eps x`, has the mean `eps E[x]`, which is not zero and
    shifts every later activation. This pass subtracts that mean from the
    bias before `dfq-quantize` runs, so the quantized layer is unbiased.
    Run it after `dfq-fold-bn` (and `dfq-calibrate-ranges`), just before
    `dfq-quantize`, with the **same** width options (`wbits`,
    `first-last-bits`, `per-channel`, `symmetric`) and the same target:
    the weights are quantized by the very functions `dfq-quantize` uses
    (width decision including `dfq.weight_bits`, target narrowing and
    first/last layer; scales, zero points, power-of-two scales and
    `dfq.weight_grid`), so `eps` is exactly the error `dfq-quantize`
    makes. Changing only the bias leaves the weights, and so their
    quantization, unchanged.

    **Expected input.** A `dfq.conv2d` or `dfq.gemm` `L2` with constant
    weights whose input is the result of a layer `L1` carrying
    `dfq.bn_output` (recorded by `dfq-fold-bn`), directly or through one
    `dfq.relu` or `dfq.clip`. Channel `c` of `L1`'s output is taken as
    `z ~ N(mu_c, sigma_c^2)` (`mu = beta`, `sigma = |gamma|`), and
    ```
    none:          E[x] = mu
    relu:          E[x] = mu Phi(mu/sigma) + sigma phi(mu/sigma)
    clip to [a,b]: E[x] = a Phi(alpha) + b (1 - Phi(beta'))
                          + mu (Phi(beta') - Phi(alpha))
                          + sigma (phi(alpha) - phi(beta'))
    ```
    with `alpha = (a - mu)/sigma`, `beta' = (b - mu)/sigma` (ReLU6 is the
    clip to `[0, 6]`; `sigma = 0` gives the activation of `mu`).

    **Correction.** `b2[o] -= sum_{c, taps} eps[o, c, taps] E[x_c]`, over
    the input channels `o` reads (its group's for grouped and depthwise
    convolutions); a bias of zeros is created if `L2` has none. A padded
    convolution reads zeros instead of `x` at the borders, so there the
    correction is only approximate: it is exact for the interior outputs,
    as in Nagel et al.

    Layers whose input statistics are unknown (the network input, an add,
    a pooling, a concat, ...) are left alone silently, as are layers the
    target leaves in float and layers whose weight or bias is not a
    constant. Errors of the width decision are reported as `dfq-quantize`
    would report them.
  }];
  let options = [
    Option<"wbits", "wbits", "int64_t", "8",
           "Weight bits, as given to dfq-quantize (2..8)">,
    Option<"abits", "abits", "int64_t", "8",
           "Activation bits, as given to dfq-quantize (only checked)">,
    Option<"firstLastBits", "first-last-bits", "int64_t", "8",
           "Bits of the first and last layer, as given to dfq-quantize">,
    Option<"perChannel", "per-channel", "bool", "true",
           "Per-output-channel weight scales, as given to dfq-quantize">,
    Option<"symmetric", "symmetric", "bool", "true",
           "Symmetric weights, as given to dfq-quantize">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QuantizePass : Pass<"dfq-quantize", "::mlir::func::FuncOp"> {
  let summary = "Quantize conv2d and gemm layers to integer ops";
  let description = [{
    Rewrites every `dfq.conv2d` and `dfq.gemm` whose weight (and bias) is
    constant into `dfq.qconv2d` / `dfq.qgemm`, using the activation ranges
    that `dfq-calibrate-ranges` recorded (`dfq.range`):

    - **Weights**: `wbits`-bit signed, symmetric (`zero point 0`,
      `scale = max|W| / (2^(b-1) - 1)`), per output channel (axis 0) or per
      tensor (`per-channel=false`), stored by `dfq.qconstant`. With
      `symmetric=false` they are asymmetric on the full signed range:
      `[lo, hi] = [min(W, 0), max(W, 0)]`, `scale = (hi - lo) / (2^b - 1)`,
      `zero point = clamp(round(-2^(b-1) - lo / scale))`.
    - **Activations**: `abits`-bit unsigned, asymmetric, per tensor; the
      range is widened to contain 0, `scale = (hi - lo) / (2^b - 1)`,
      `zero point = round(-lo / scale)`. Each layer's input is quantized and
      its output produced quantized by integer requantization.
    - **Fused activation**: a `dfq.relu` or `dfq.clip` that is the layer's
      only user is folded into the output's range (its saturation clamps).
    - **Bias**: int32 at `scale_x * scale_w[o]`.
    - **First and last layer** (the first and last quantized layer in program
      order) use `first-last-bits` for weights and activations; 0 keeps them
      at `wbits`/`abits`.
    - **Per-layer bits**: a `dfq.weight_bits` attribute on a layer (set by
      `dfq-compensate-mpc` or `dfq-assign-bits`) overrides `wbits` and
      `first-last-bits` for its weights, `dfq.act_bits` likewise `abits`
      for its input and output. A `dfq.weight_grid` (one entry per output channel:
      the largest |code| of weights already on a symmetric grid) makes the
      channel's scale `max|W_o| / grid[o]`, so the grid's codes come back
      exactly; weights off that grid are an error. `dfq.bits_reason`,
      `dfq.mpc_compensation` and `dfq.sensitivity` are carried to the
      quantized op.

    - **Network output**: a layer whose result is returned (directly or
      through a softmax) keeps a float output, as in BRECQ and MQBench: its
      input and weights are quantized, and it runs as the float op on their
      dequantized values. Logit ranges seen on synthetic images are far
      narrower than on real ones, and clipping logits breaks the ranking.
      `quantize-output` requantizes these layers too.

    - **Target**: with a `#dfq.target` on the module (`dfq-attach-target`),
      the pass produces only what the target runs. A layer kind the target
      lacks stays float, with a remark. Widths: a width given explicitly
      (an option on the command line or a per-layer attribute) that the
      target does not run for the layer's kind is an error at the layer; a
      default gives way to the widest width the target runs. Per-tensor
      targets get one weight scale per layer, symmetric-only targets zero
      weight points (an explicit `per-channel=true` or `symmetric=false`
      that contradicts the target is an error); unsigned weights are
      asymmetric on `[0, 2^b - 1]`; signed activations use
      `[-2^(b-1), 2^(b-1) - 1]`, symmetric ones a zero point of 0.
      Power-of-two targets (`scales = pow2`) requantize by shifting alone:
      activation scales are the smallest power of two that clips nothing
      (no data is at hand to trade clipping for rounding), symmetric weight
      scales the power of two among `2^ceil(log2 s)`, `2^(ceil - 1)` and
      `2^(ceil - 2)` with the least squared weight error (a smaller power
      clips the largest weights, a larger one rounds the rest more
      coarsely), so that every multiplier is a power of two.
      Each quantized layer then passes the checks of `dfq-verify-target`
      (including the worst-case accumulator sum) or the pass fails at it.

    Consecutive layers exchange quantized values directly when the
    parameters agree; other ops (add, pooling, concat, softmax, ...) run in
    float on `dfq.dequantize`d values. BatchNorm must be folded first
    (`dfq-fold-bn`). A layer whose input or output has no `dfq.range` is an
    error.
  }];
  let options = [
    Option<"wbits", "wbits", "int64_t", "8", "Weight bits (2..8)">,
    Option<"abits", "abits", "int64_t", "8", "Activation bits (2..8)">,
    Option<"firstLastBits", "first-last-bits", "int64_t", "8",
           "Bits of the first and last layer (0: same as the others)">,
    Option<"perChannel", "per-channel", "bool", "true",
           "Per-output-channel weight scales">,
    Option<"symmetric", "symmetric", "bool", "true",
           "Symmetric weights (zero point 0); false: asymmetric weights "
           "with a zero point per channel (or tensor)">,
    Option<"quantizeOutput", "quantize-output", "bool", "false",
           "Also requantize the layers that produce the network's output">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
}

def SinkDequantizePass : Pass<"dfq-sink-dequantize", "::mlir::func::FuncOp"> {
  let summary = "Keep activations quantized through ops that commute with "
                "dequantization";
  let description = [{
    Runs after `dfq-quantize`. Float ops between two quantized layers cost a
    dequantization of the whole activation before them; where an op commutes
    with dequantization, it can work on the codes instead and the
    dequantization moves after it, onto its (often smaller) result:

    - `dfq.max_pool2d(dfq.dequantize(q))` becomes
      `dfq.dequantize(dfq.max_pool2d(q))` when `q` is quantized per tensor:
      `(q - zp) * scale` with a positive scale is increasing, so the
      maximum of the codes is the code of the maximum (padding never wins
      in either form). The result is the same floats, bit for bit.
    - `dfq.quantize(dfq.dequantize(q))` into `q`'s own type is `q`: with a
      normal positive scale, `(q - zp) * scale / scale` lies within
      255 * 2^-23 of the integer `q - zp`, which rounding returns exactly.

    A dequantization with other readers stays for them. In a ResNet stem the
    max pooling then reads the convolution's codes (a quarter of the bytes
    of its float output) and only the pooled result is dequantized.
  }];
}

def LeadWithBatchPass : Pass<"dfq-lead-with-batch", "::mlir::func::FuncOp"> {
  let summary = "Give every activation of a batch-1 model a leading batch "
                "dimension";
  let description = [{
    The host libraries store each activation as a batch of samples: the
    leading dimension is the batch, the rest is one sample. A model whose
    graph moves the batch elsewhere (PyTorch's `nn.MultiheadAttention`
    computes in `[tokens, batch * heads, features]`, as torchvision's
    vision transformers export it) has activations that do not lead with the
    batch. When every input of the function is static with a batch of 1,
    any tensor of shape `S` is one sample, so such an activation can be
    given the shape `[1] ++ S` without moving an element.

    This pass does that for the activations whose leading dimension is not
    1: each op producing one is rewritten on operands and results of one
    more leading dimension, its dimension attributes shifted by one
    (`transpose` perm, `concat`/`softmax`/`layer_norm` axis, reduction axes,
    `slice` starts and steps, `pad` pads; a `flatten` becomes a `reshape`).
    Elementwise ops, `matmul`, `gemm`/`qgemm` (over every row),
    quantization and reshapes need only the new types: NumPy broadcasting
    aligns trailing dimensions, so an operand without the new dimension
    still broadcasts as before. A `dfq.reshape` back to the original type
    serves any other reader (the function's results among them), so the
    computed values are unchanged. Functions with a dynamic batch, or a
    static one other than 1, are left alone.
  }];
}

def QuantizePoolingPass : Pass<"dfq-quantize-pooling", "::mlir::func::FuncOp"> {
  let summary = "Average pooling on the codes, with integer requantization";
  let description = [{
    Runs after `dfq-quantize`, which leaves average pooling in float: the
    codes of the layer before it are dequantized, pooled as floats, and the
    mean quantized for the layer after it. This pass computes the same mean
    as `dfq.qavg_pool2d`: the sum of each window's codes minus the zero
    point, exact in int32, then one fixed-point multiplication by
    `scale_x / (k * scale_y)` into the next layer's quantized type, rounded
    half toward positive infinity as the convolutions round.

    It rewrites `dfq.quantize(view*(pool(dfq.dequantize(q))))`, where
    `pool` is a `dfq.global_avg_pool` (static height and width) or a
    `dfq.avg_pool2d` whose windows all have the same divisor
    (`count_include_pad`, or no padding; ceil mode only where it adds no
    window), `view*` is a chain of `dfq.flatten` / `dfq.reshape` (a global
    pooling before a classifier), each op in the chain is read only by the
    next, and `q` is f32 codes quantized per tensor. The views then move
    codes (a flatten of `[N, C, 1, 1]` codes), and the float pooling, its
    dequantization and quantization disappear.

    **What changes**: the result is the quantization of the exact mean, as
    before, up to rounding: the float path rounded an f32 mean half to even,
    the integer path rounds the exact mean times a 31-bit multiplier (within
    2^-31 of the ratio of scales) half up. Codes can differ by one where the
    mean lies within the float path's f32 rounding error of a rounding
    boundary. The quantization
    parameters are those `dfq-quantize` chose for the next layer's input.
  }];
}

def QuantizeSkipsPass : Pass<"dfq-quantize-skips", "::mlir::func::FuncOp"> {
  let summary = "Read the float operands of residual adds from their codes";
  let description = [{
    Runs after `dfq-quantize`, which keeps a residual network's skip
    connections in float: a block's output (after its add and ReLU) is
    quantized for the next block's convolutions, and the next block's add
    reads the float value itself. On a 224x224 network that float stream is
    written and read back at 4 bytes per element between every two blocks
    (a ResNet-50 layer-1 block: 3.2 MB each way).

    This pass replaces each float operand `v` of an elementwise `dfq.add`
    (both operands of one type) by `dfq.dequantize(q)`, where `q` is `v`'s
    own per-tensor quantization into at most 8 bits (the first one in the
    block, which must precede the add). The add then reads codes, as ONNX
    Runtime's QDQ models and integer-only engines do, and the float value
    often needs no memory at all.

    **This changes the numerics**: the skip connection carries `v` rounded
    to its activation grid, one more quantization on the residual path. It
    is therefore not part of the default pipeline (`dfq-compile
    --quantize-skips`). On the zoo's Fashion-MNIST ResNet (Gaussian ranges,
    10,000 test images) top-1 went from 0.9370 to 0.9365 at W8A8, but from
    0.8672 to 0.8267 at W4A4, where the activation grid is coarse. Operands that already are dequantizations, other
    element types, broadcasting adds and values without such a quantization
    are left alone.
  }];
  let options = [
    Option<"summary", "summary", "bool", "false",
           "Remark how many operands now read codes">
  ];
}

#endif // DFQ_TRANSFORMS_PASSES_TD
