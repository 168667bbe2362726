// Every malformed or unsupported model ends in an error that names the node
// and its op type (or the file), a non-zero exit, and no output file.
// The generator writes each case; `not` checks the exit status.
// RUN: rm -rf %t && mkdir -p %t

// RUN: %python %S/onnx_gen.py unsupported_op %t/unsupported_op.onnx
// RUN: not dfq-translate --import-onnx %t/unsupported_op.onnx -o %t/unsupported_op.mlir 2>&1 | FileCheck %s --check-prefix=UNSUPPORTED_OP
// RUN: %python %S/onnx_gen.py unsupported_domain %t/unsupported_domain.onnx
// RUN: not dfq-translate --import-onnx %t/unsupported_domain.onnx -o %t/unsupported_domain.mlir 2>&1 | FileCheck %s --check-prefix=DOMAIN
// RUN: %python %S/onnx_gen.py unsupported_attr %t/unsupported_attr.onnx
// RUN: not dfq-translate --import-onnx %t/unsupported_attr.onnx -o %t/unsupported_attr.mlir 2>&1 | FileCheck %s --check-prefix=ATTR
// RUN: %python %S/onnx_gen.py wrong_attr_type %t/wrong_attr_type.onnx
// RUN: not dfq-translate --import-onnx %t/wrong_attr_type.onnx -o %t/wrong_attr_type.mlir 2>&1 | FileCheck %s --check-prefix=ATTR_TYPE
// RUN: %python %S/onnx_gen.py hardsigmoid_int_alpha %t/hardsigmoid_int_alpha.onnx
// RUN: not dfq-translate --import-onnx %t/hardsigmoid_int_alpha.onnx -o %t/hardsigmoid_int_alpha.mlir 2>&1 | FileCheck %s --check-prefix=HARD_SIGMOID
// RUN: test ! -e %t/hardsigmoid_int_alpha.mlir
// RUN: %python %S/onnx_gen.py reduce_mean_axes %t/reduce_mean_axes.onnx
// RUN: not dfq-translate --import-onnx %t/reduce_mean_axes.onnx -o %t/reduce_mean_axes.mlir 2>&1 | FileCheck %s --check-prefix=REDUCE_MEAN
// RUN: %python %S/onnx_gen.py pad_wrap %t/pad_wrap.onnx
// RUN: not dfq-translate --import-onnx %t/pad_wrap.onnx -o %t/pad_wrap.mlir 2>&1 | FileCheck %s --check-prefix=PAD_WRAP
// RUN: %python %S/onnx_gen.py pad_reflect_far %t/pad_reflect_far.onnx
// RUN: not dfq-translate --import-onnx %t/pad_reflect_far.onnx -o %t/pad_reflect_far.mlir 2>&1 | FileCheck %s --check-prefix=PAD_REFLECT
// RUN: %python %S/onnx_gen.py resize_mode %t/resize_mode.onnx
// RUN: not dfq-translate --import-onnx %t/resize_mode.onnx -o %t/resize_mode.mlir 2>&1 | FileCheck %s --check-prefix=RESIZE_MODE
// RUN: %python %S/onnx_gen.py resize_channels %t/resize_channels.onnx
// RUN: not dfq-translate --import-onnx %t/resize_channels.onnx -o %t/resize_channels.mlir 2>&1 | FileCheck %s --check-prefix=RESIZE_CHANNELS
// RUN: %python %S/onnx_gen.py pow_vector %t/pow_vector.onnx
// RUN: not dfq-translate --import-onnx %t/pow_vector.onnx -o %t/pow_vector.mlir 2>&1 | FileCheck %s --check-prefix=POW
// RUN: %python %S/onnx_gen.py layer_norm_scale %t/layer_norm_scale.onnx
// RUN: not dfq-translate --import-onnx %t/layer_norm_scale.onnx -o %t/layer_norm_scale.mlir 2>&1 | FileCheck %s --check-prefix=LAYER_NORM
// RUN: %python %S/onnx_gen.py sub_mismatch %t/sub_mismatch.onnx
// RUN: not dfq-translate --import-onnx %t/sub_mismatch.onnx -o %t/sub_mismatch.mlir 2>&1 | FileCheck %s --check-prefix=SUB
// RUN: %python %S/onnx_gen.py undefined_input %t/undefined_input.onnx
// RUN: not dfq-translate --import-onnx %t/undefined_input.onnx -o %t/undefined_input.mlir 2>&1 | FileCheck %s --check-prefix=UNDEFINED
// RUN: %python %S/onnx_gen.py opset_too_new %t/opset_too_new.onnx
// RUN: not dfq-translate --import-onnx %t/opset_too_new.onnx -o %t/opset_too_new.mlir 2>&1 | FileCheck %s --check-prefix=OPSET23
// RUN: %python %S/onnx_gen.py legacy_axis_broadcast %t/legacy_axis_broadcast.onnx
// RUN: not dfq-translate --import-onnx %t/legacy_axis_broadcast.onnx -o %t/legacy_axis_broadcast.mlir 2>&1 | FileCheck %s --check-prefix=LEGACY_AXIS_BROADCAST
// RUN: %python %S/onnx_gen.py bn_spatial0 %t/bn_spatial0.onnx
// RUN: not dfq-translate --import-onnx %t/bn_spatial0.onnx -o %t/bn_spatial0.mlir 2>&1 | FileCheck %s --check-prefix=BN_SPATIAL0
// RUN: %python %S/onnx_gen.py upsample_opset6 %t/upsample_opset6.onnx
// RUN: not dfq-translate --import-onnx %t/upsample_opset6.onnx -o %t/upsample_opset6.mlir 2>&1 | FileCheck %s --check-prefix=UPSAMPLE_OPSET6
// RUN: %python %S/onnx_gen.py prelu_opset6 %t/prelu_opset6.onnx
// RUN: not dfq-translate --import-onnx %t/prelu_opset6.onnx -o %t/prelu_opset6.mlir 2>&1 | FileCheck %s --check-prefix=PRELU_OPSET6
// RUN: %python %S/onnx_gen.py upsample_mixed %t/upsample_mixed.onnx
// RUN: not dfq-translate --import-onnx %t/upsample_mixed.onnx -o %t/upsample_mixed.mlir 2>&1 | FileCheck %s --check-prefix=UPSAMPLE_MIXED
// RUN: %python %S/onnx_gen.py resize_aspect %t/resize_aspect.onnx
// RUN: not dfq-translate --import-onnx %t/resize_aspect.onnx -o %t/resize_aspect.mlir 2>&1 | FileCheck %s --check-prefix=RESIZE_ASPECT
// RUN: %python %S/onnx_gen.py resize_antialias %t/resize_antialias.onnx
// RUN: not dfq-translate --import-onnx %t/resize_antialias.onnx -o %t/resize_antialias.mlir 2>&1 | FileCheck %s --check-prefix=RESIZE_ANTIALIAS
// RUN: %python %S/onnx_gen.py avgpool_dilated %t/avgpool_dilated.onnx
// RUN: not dfq-translate --import-onnx %t/avgpool_dilated.onnx -o %t/avgpool_dilated.mlir 2>&1 | FileCheck %s --check-prefix=AVGPOOL_DILATED
// RUN: %python %S/onnx_gen.py merged_batch_shape %t/merged_batch_shape.onnx
// RUN: not dfq-translate --import-onnx %t/merged_batch_shape.onnx -o %t/merged_batch_shape.mlir 2>&1 | FileCheck %s --check-prefix=MERGED
// RUN: test ! -e %t/merged_batch_shape.mlir
// RUN: %python %S/onnx_gen.py batch_twice %t/batch_twice.onnx
// RUN: not dfq-translate --import-onnx %t/batch_twice.onnx -o %t/batch_twice.mlir 2>&1 | FileCheck %s --check-prefix=BATCH_TWICE
// RUN: test ! -e %t/batch_twice.mlir
// RUN: %python %S/onnx_gen.py batch_as_data %t/batch_as_data.onnx
// RUN: not dfq-translate --import-onnx %t/batch_as_data.onnx -o %t/batch_as_data.mlir 2>&1 | FileCheck %s --check-prefix=BATCH_DATA
// RUN: test ! -e %t/batch_as_data.mlir
// RUN: %python %S/onnx_gen.py cast_data_to_int %t/cast_data_to_int.onnx
// RUN: not dfq-translate --import-onnx %t/cast_data_to_int.onnx -o %t/cast_data_to_int.mlir 2>&1 | FileCheck %s --check-prefix=CAST
// RUN: test ! -e %t/cast_data_to_int.mlir
// RUN: %python %S/onnx_gen.py where_data %t/where_data.onnx
// RUN: not dfq-translate --import-onnx %t/where_data.onnx -o %t/where_data.mlir 2>&1 | FileCheck %s --check-prefix=WHERE
// RUN: test ! -e %t/where_data.mlir
// RUN: %python %S/onnx_gen.py gather_uneven %t/gather_uneven.onnx
// RUN: not dfq-translate --import-onnx %t/gather_uneven.onnx -o %t/gather_uneven.mlir 2>&1 | FileCheck %s --check-prefix=GATHER
// RUN: test ! -e %t/gather_uneven.mlir
// RUN: %python %S/onnx_gen.py slice_batch %t/slice_batch.onnx
// RUN: not dfq-translate --import-onnx %t/slice_batch.onnx -o %t/slice_batch.mlir 2>&1 | FileCheck %s --check-prefix=SLICE_BATCH
// RUN: test ! -e %t/slice_batch.mlir
// RUN: %python %S/onnx_gen.py slice_empty %t/slice_empty.onnx
// RUN: not dfq-translate --import-onnx %t/slice_empty.onnx -o %t/slice_empty.mlir 2>&1 | FileCheck %s --check-prefix=SLICE_EMPTY
// RUN: test ! -e %t/slice_empty.mlir
// RUN: %python %S/onnx_gen.py split_sizes %t/split_sizes.onnx
// RUN: not dfq-translate --import-onnx %t/split_sizes.onnx -o %t/split_sizes.mlir 2>&1 | FileCheck %s --check-prefix=SPLIT
// RUN: test ! -e %t/split_sizes.mlir
// RUN: %python %S/onnx_gen.py squeeze_non_one %t/squeeze_non_one.onnx
// RUN: not dfq-translate --import-onnx %t/squeeze_non_one.onnx -o %t/squeeze_non_one.mlir 2>&1 | FileCheck %s --check-prefix=SQUEEZE
// RUN: test ! -e %t/squeeze_non_one.mlir
// RUN: %python %S/onnx_gen.py fold_gather_range %t/fold_gather_range.onnx
// RUN: not dfq-translate --import-onnx %t/fold_gather_range.onnx -o %t/fold_gather_range.mlir 2>&1 | FileCheck %s --check-prefix=FOLD_GATHER
// RUN: test ! -e %t/fold_gather_range.mlir
// RUN: %python %S/onnx_gen.py conv3d %t/conv3d.onnx
// RUN: not dfq-translate --import-onnx %t/conv3d.onnx -o %t/conv3d.mlir 2>&1 | FileCheck %s --check-prefix=CONV3D
// RUN: %python %S/onnx_gen.py int_input %t/int_input.onnx
// RUN: not dfq-translate --import-onnx %t/int_input.onnx -o %t/int_input.mlir 2>&1 | FileCheck %s --check-prefix=INT_INPUT
// RUN: %python %S/onnx_gen.py no_shape %t/no_shape.onnx
// RUN: not dfq-translate --import-onnx %t/no_shape.onnx -o %t/no_shape.mlir 2>&1 | FileCheck %s --check-prefix=NO_SHAPE
// RUN: %python %S/onnx_gen.py bn_training %t/bn_training.onnx
// RUN: not dfq-translate --import-onnx %t/bn_training.onnx -o %t/bn_training.mlir 2>&1 | FileCheck %s --check-prefix=BN_TRAINING
// RUN: %python %S/onnx_gen.py maxpool_indices %t/maxpool_indices.onnx
// RUN: not dfq-translate --import-onnx %t/maxpool_indices.onnx -o %t/maxpool_indices.mlir 2>&1 | FileCheck %s --check-prefix=INDICES
// RUN: %python %S/onnx_gen.py same_dynamic %t/same_dynamic.onnx
// RUN: not dfq-translate --import-onnx %t/same_dynamic.onnx -o %t/same_dynamic.mlir 2>&1 | FileCheck %s --check-prefix=SAME_DYNAMIC
// RUN: %python %S/onnx_gen.py reshape_two_dynamic %t/reshape_two_dynamic.onnx
// RUN: not dfq-translate --import-onnx %t/reshape_two_dynamic.onnx -o %t/reshape_two_dynamic.mlir 2>&1 | FileCheck %s --check-prefix=RESHAPE_DYN
// RUN: %python %S/onnx_gen.py reshape_nonconst %t/reshape_nonconst.onnx
// RUN: not dfq-translate --import-onnx %t/reshape_nonconst.onnx -o %t/reshape_nonconst.mlir 2>&1 | FileCheck %s --check-prefix=RESHAPE_SHAPE
// RUN: %python %S/onnx_gen.py conv_groups %t/conv_groups.onnx
// RUN: not dfq-translate --import-onnx %t/conv_groups.onnx -o %t/conv_groups.mlir 2>&1 | FileCheck %s --check-prefix=GROUPS
// RUN: %python %S/onnx_gen.py kernel_mismatch %t/kernel_mismatch.onnx
// RUN: not dfq-translate --import-onnx %t/kernel_mismatch.onnx -o %t/kernel_mismatch.mlir 2>&1 | FileCheck %s --check-prefix=KERNEL
// RUN: %python %S/onnx_gen.py matmul_1d %t/matmul_1d.onnx
// RUN: not dfq-translate --import-onnx %t/matmul_1d.onnx -o %t/matmul_1d.mlir 2>&1 | FileCheck %s --check-prefix=MATMUL1D
// RUN: %python %S/onnx_gen.py output_mismatch %t/output_mismatch.onnx
// RUN: not dfq-translate --import-onnx %t/output_mismatch.onnx -o %t/output_mismatch.mlir 2>&1 | FileCheck %s --check-prefix=OUTPUT_SHAPE
// RUN: %python %S/onnx_gen.py duplicate_output %t/duplicate_output.onnx
// RUN: not dfq-translate --import-onnx %t/duplicate_output.onnx -o %t/duplicate_output.mlir 2>&1 | FileCheck %s --check-prefix=DUPLICATE
// RUN: %python %S/onnx_gen.py missing_output %t/missing_output.onnx
// RUN: not dfq-translate --import-onnx %t/missing_output.onnx -o %t/missing_output.mlir 2>&1 | FileCheck %s --check-prefix=MISSING_OUTPUT
// RUN: %python %S/onnx_gen.py clip_dynamic_bound %t/clip_dynamic_bound.onnx
// RUN: not dfq-translate --import-onnx %t/clip_dynamic_bound.onnx -o %t/clip_dynamic_bound.mlir 2>&1 | FileCheck %s --check-prefix=CLIP_BOUND
// RUN: %python %S/onnx_gen.py external_data %t/external_data.onnx
// RUN: not dfq-translate --import-onnx %t/external_data.onnx -o %t/external_data.mlir 2>&1 | FileCheck %s --check-prefix=EXTERNAL
// RUN: %python %S/onnx_gen.py bad_raw_size %t/bad_raw_size.onnx
// RUN: not dfq-translate --import-onnx %t/bad_raw_size.onnx -o %t/bad_raw_size.mlir 2>&1 | FileCheck %s --check-prefix=RAW_SIZE
// RUN: %python %S/onnx_gen.py truncated %t/truncated.onnx
// RUN: not dfq-translate --import-onnx %t/truncated.onnx -o %t/truncated.mlir 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: %python %S/onnx_gen.py garbage %t/garbage.onnx
// RUN: not dfq-translate --import-onnx %t/garbage.onnx -o %t/garbage.mlir 2>&1 | FileCheck %s --check-prefix=GARBAGE
// RUN: %python %S/onnx_gen.py empty %t/empty.onnx
// RUN: not dfq-translate --import-onnx %t/empty.onnx -o %t/empty.mlir 2>&1 | FileCheck %s --check-prefix=EMPTY
// Nothing was written for any of them.
// RUN: %python %S/onnx_gen.py relu_alpha %t/relu_alpha.onnx
// RUN: not dfq-translate --import-onnx %t/relu_alpha.onnx -o %t/relu_alpha.mlir 2>&1 | FileCheck %s --check-prefix=SCHEMA_ATTR
// RUN: %python %S/onnx_gen.py relu_two_outputs %t/relu_two_outputs.onnx
// RUN: not dfq-translate --import-onnx %t/relu_two_outputs.onnx -o %t/relu_two_outputs.mlir 2>&1 | FileCheck %s --check-prefix=SCHEMA_OUTPUTS
// RUN: %python %S/onnx_gen.py conv_four_inputs %t/conv_four_inputs.onnx
// RUN: not dfq-translate --import-onnx %t/conv_four_inputs.onnx -o %t/conv_four_inputs.mlir 2>&1 | FileCheck %s --check-prefix=SCHEMA_INPUTS
// RUN: %python %S/onnx_gen.py conv_no_kernel_shape_type %t/conv_no_kernel_shape_type.onnx
// RUN: not dfq-translate --import-onnx %t/conv_no_kernel_shape_type.onnx -o %t/conv_no_kernel_shape_type.mlir 2>&1 | FileCheck %s --check-prefix=SCHEMA_ATTR_TYPE
// RUN: %python %S/onnx_gen.py maxpool_ceil_mode_5 %t/maxpool_ceil_mode_5.onnx
// RUN: not dfq-translate --import-onnx %t/maxpool_ceil_mode_5.onnx -o %t/maxpool_ceil_mode_5.mlir 2>&1 | FileCheck %s --check-prefix=CEIL_MODE
// RUN: %python %S/onnx_gen.py gemm_transb_7 %t/gemm_transb_7.onnx
// RUN: not dfq-translate --import-onnx %t/gemm_transb_7.onnx -o %t/gemm_transb_7.mlir 2>&1 | FileCheck %s --check-prefix=TRANS_B
// RUN: %python %S/onnx_gen.py raw_and_float_data %t/raw_and_float_data.onnx
// RUN: not dfq-translate --import-onnx %t/raw_and_float_data.onnx -o %t/raw_and_float_data.mlir 2>&1 | FileCheck %s --check-prefix=RAW_AND_FLOAT
// RUN: %python %S/onnx_gen.py zero_dim_input %t/zero_dim_input.onnx
// RUN: not dfq-translate --import-onnx %t/zero_dim_input.onnx -o %t/zero_dim_input.mlir 2>&1 | FileCheck %s --check-prefix=ZERO_DIM
// RUN: %python %S/onnx_gen.py depth_to_space_huge_blocksize %t/depth_to_space_huge_blocksize.onnx
// RUN: not dfq-translate --import-onnx %t/depth_to_space_huge_blocksize.onnx -o %t/depth_to_space_huge_blocksize.mlir 2>&1 | FileCheck %s --check-prefix=HUGE_BLOCK
// RUN: %python %S/onnx_gen.py tile_huge %t/tile_huge.onnx
// RUN: not dfq-translate --import-onnx %t/tile_huge.onnx -o %t/tile_huge.mlir 2>&1 | FileCheck %s --check-prefix=TILE_HUGE
// RUN: %python %S/onnx_gen.py expand_huge %t/expand_huge.onnx
// RUN: not dfq-translate --import-onnx %t/expand_huge.onnx -o %t/expand_huge.mlir 2>&1 | FileCheck %s --check-prefix=EXPAND_HUGE
// RUN: %python %S/onnx_gen.py expand_mismatch %t/expand_mismatch.onnx
// RUN: not dfq-translate --import-onnx %t/expand_mismatch.onnx -o %t/expand_mismatch.mlir 2>&1 | FileCheck %s --check-prefix=EXPAND_MISMATCH
// RUN: %python %S/onnx_gen.py pad_crop_min %t/pad_crop_min.onnx
// RUN: not dfq-translate --import-onnx %t/pad_crop_min.onnx -o %t/pad_crop_min.mlir 2>&1 | FileCheck %s --check-prefix=PAD_CROP
// RUN: %python %S/onnx_gen.py resize_sizes_huge %t/resize_sizes_huge.onnx
// RUN: not dfq-translate --import-onnx %t/resize_sizes_huge.onnx -o %t/resize_sizes_huge.mlir 2>&1 | FileCheck %s --check-prefix=RESIZE_HUGE
// RUN: %python %S/onnx_gen.py huge_dim_split %t/huge_dim_split.onnx
// RUN: not dfq-translate --import-onnx %t/huge_dim_split.onnx -o %t/huge_dim_split.mlir 2>&1 | FileCheck %s --check-prefix=HUGE_DIM
// RUN: ls %t | FileCheck %s --check-prefix=NO_OUTPUT --implicit-check-not=.mlir

// UNSUPPORTED_OP: error: Sin node 'node': unsupported op type 'Sin'
// DOMAIN: error: Relu node 'node': operator domain 'com.example' is not supported
// ATTR: error: ReduceMean node 'node': unsupported attribute 'alpha'
// SCHEMA_ATTR: error: '{{.*}}': Relu node 'node': does not match the ONNX schema of Relu (opset 13): Unrecognized attribute: alpha for operator Relu
// ATTR_TYPE: error: ReduceMean node 'node': attribute 'keepdims' is FLOAT, expected INT
// HARD_SIGMOID: error: '{{.*}}': HardSigmoid node 'node': does not match the ONNX schema of HardSigmoid (opset 6): Mismatched attribute type in 'node : alpha'
// REDUCE_MEAN: error: 'dfq.reduce_mean' op axes [1, 4] are out of range or repeated for rank 4
// REDUCE_MEAN: error: ReduceMean node 'node': cannot be imported (see above)
// PAD_WRAP: error: Pad node 'node': mode 'wrap' is not one of constant, reflect and edge
// PAD_REFLECT: error: 'dfq.pad' op reflect pads of dimension 1 must be at most 3
// PAD_REFLECT: error: Pad node 'node': cannot be imported (see above)
// RESIZE_MODE: error: Resize node 'node': mode 'area' is not supported (nearest, linear and cubic are)
// RESIZE_CHANNELS: error: Resize node 'node': scales must be 4 values, 1 for N and C and positive for H and W
// POW: error: Pow node 'node': only a constant scalar exponent (an f32 value) is supported
// LAYER_NORM: error: 'dfq.layer_norm' op scale and bias must be [3, 4] tensors of 'f32' (the normalized dimensions), got 'tensor<4xf32>'
// LAYER_NORM: error: LayerNormalization node 'node': cannot be imported (see above)
// SUB: error: operand shapes [2, 3] and [2, 4] are not broadcast-compatible
// SUB: error: Sub node 'node': cannot be imported (see above)
// UNDEFINED: error: Add node 'node': input 'missing' is not defined before use
// OPSET23: error: opset 23 is not supported (dfq imports opsets 1 to 22)
// LEGACY_AXIS_BROADCAST: error: Add node 'node': legacy broadcasting along an explicit axis (opsets 1 to 6) is not supported
// BN_SPATIAL0: error: BatchNormalization node 'node': spatial = 0 (statistics per activation instead of per channel) is not supported
// UPSAMPLE_OPSET6: error: Upsample node 'node': Upsample of opsets 1 to 6 (height_scale and width_scale) is not supported
// PRELU_OPSET6: error: PRelu node 'node': a PRelu slope of opsets 1 to 6 must be a constant with one element
// UPSAMPLE_MIXED: error: Upsample node 'node': nearest upsampling that enlarges one axis and shrinks the other is not supported
// RESIZE_ASPECT: error: Resize node 'node': keep_aspect_ratio_policy 'not_larger' is not supported (stretch is)
// RESIZE_ANTIALIAS: error: Resize node 'node': antialiased linear downsampling is not supported
// AVGPOOL_DILATED: error: AveragePool node 'node': dilated average pooling is not supported
// CONV3D: error: Conv node 'node': input has rank 5; only 2-D convolution (NCHW input) is supported
// INT_INPUT: error: graph input 'x' has element type INT64; only FLOAT inputs are supported
// NO_SHAPE: error: graph input 'x' has no shape; dfq needs at least the rank
// BN_TRAINING: error: BatchNormalization node 'node': training_mode = 1 is not supported
// INDICES: error: MaxPool node 'node': output #1 ('idx') is used, but only the first output of MaxPool is supported
// SAME_DYNAMIC: error: Conv node 'node': auto_pad = SAME_UPPER needs static spatial dimensions, got [1, 1, ?, ?]
// RESHAPE_DYN: error: Reshape node 'node': reshaping [?, ?] by [-1, 0] leaves more than one dynamic dimension
// RESHAPE_SHAPE: error: Reshape node 'node': input 's' (shape) must be a constant
// GROUPS: error: 'dfq.conv2d' op groups (2) must divide the input channels (3)
// GROUPS: error: Conv node 'node': cannot be imported
// KERNEL: error: Conv node 'node': kernel_shape [5, 5] disagrees with the weight shape [4, 1, 3, 3]
// MATMUL1D: error: MatMul node 'node': 1-D MatMul operands are not supported
// OUTPUT_SHAPE: error: graph output 'y' is declared [1, 5] but the graph computes [1, 4]
// DUPLICATE: error: Relu node 'second': output 'y' is already defined
// MISSING_OUTPUT: error: graph output 'nowhere' is not computed by any node
// CLIP_BOUND: error: Clip node 'node': input 'lo' (min) must be a constant
// EXTERNAL: error: Add node 'node': tensor 'w' uses external data, which is not supported
// RAW_SIZE: error: {{.*}}: initializer: tensor 'w' has 6 bytes of raw data but its dims need 16
// TRUNCATED: error: '{{.*}}' is not a valid ONNX model (protobuf parsing failed: truncated or not a ModelProto)
// GARBAGE: error: '{{.*}}' is not a valid ONNX model
// EMPTY: error: '{{.*}}' is empty, not an ONNX model
// NO_OUTPUT: unsupported_op.onnx
// MERGED: error: Reshape node 'node': input 's' (shape) depends on the run-time batch size; it must be known when the model is imported
// BATCH_TWICE: error: Reshape node 'node': entry 1 of the shape is the run-time batch size, but the input [?, 4, 3] does not keep the batch as a dimension of its own
// BATCH_DATA: error: Mul node 'node': tensor 'f' depends on the run-time batch size and is used as data; only shapes may
// CAST: error: Cast node 'node': casts a run-time tensor to INT64; dfq graphs compute in FLOAT (integer casts are evaluated only in shape computations, on constants)
// WHERE: error: Where node 'node': is evaluated only in shape computations, when all its inputs are constants; here an input is a run-time tensor
// GATHER: error: Gather node 'node': indices [0, 1, 3] are not evenly spaced; only gathers that are slices are supported on run-time tensors
// SLICE_BATCH: error: Slice node 'node': slices dimension 0, which is known only at run time (the batch); it can only be taken whole
// SLICE_EMPTY: error: Slice node 'node': the slice of dimension 1 is empty; dfq tensors are never empty
// SPLIT: error: Split node 'node': split sizes [1, 2] do not add up to dimension 1 (4)
// SQUEEZE: error: Squeeze node 'node': cannot squeeze dimension 1 of size 4
// FOLD_GATHER: error: Gather node 'node': index 5 is out of range for a dimension of 2
// SCHEMA_OUTPUTS: error: '{{.*}}': Relu node 'node': does not match the ONNX schema of Relu (opset 13): Node (node) has output size 2 not in range [min=1, max=1].
// SCHEMA_INPUTS: error: '{{.*}}': Conv node 'node': does not match the ONNX schema of Conv (opset 11): Node (node) has input size 4 not in range [min=2, max=3].
// SCHEMA_ATTR_TYPE: error: '{{.*}}': Conv node 'node': does not match the ONNX schema of Conv (opset 11): Mismatched attribute type in 'node : kernel_shape'
// CEIL_MODE: error: MaxPool node 'node': attribute 'ceil_mode' must be 0 or 1, got 5
// TRANS_B: error: Gemm node 'node': attribute 'transB' must be 0 or 1, got 7
// RAW_AND_FLOAT: error: '{{.*}}': initializer: tensor 'b' holds its data in 2 fields (raw_data and typed data); ONNX allows one
// ZERO_DIM: error: '{{.*}}': graph input 'x' has a dimension of 0; dimensions must be positive or symbolic
// HUGE_DIM: error: '{{.*}}': graph input 'x' has more than 2^40 elements; dfq cannot hold it
// HUGE_BLOCK: error: DepthToSpace node 'node': blocksize 1099511627776 does not divide input [2, 8, 3, 3] (static C, H and W)
// TILE_HUGE: error: Tile node 'node': repeats [4611686018427387904, 4611686018427387904] of [2, 4] exceed 65536 copies of an axis, which dfq does not tile
// EXPAND_HUGE: error: Expand node 'node': its result [4611686018427387904, 4] would hold more than 2^40 elements
// EXPAND_MISMATCH: error: Expand node 'node': shape [3, 4] does not broadcast with the input [1, 2, 4]
// PAD_CROP: error: Pad node 'node': pads [0, -9223372036854775808, 0, 0] leave no valid size for dimension 1 ([2, 4])
// RESIZE_HUGE: error: Resize node 'node': its result [1, 2, 4611686018427387904, 4611686018427387904] would hold more than 2^40 elements
