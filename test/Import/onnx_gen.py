#!/usr/bin/python3
"""Writes small ONNX models for the importer's lit tests.

    onnx_gen.py CASE OUT.onnx

Each case is built with onnx.helper so that every attribute, opset and
malformation is explicit. Weights are small deterministic ramps.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def ramp(*shape, scale=0.1):
    n = int(np.prod(shape)) if shape else 1
    return (np.arange(n, dtype=np.float32) * np.float32(scale) - np.float32(n * scale / 2)).reshape(shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def value(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, inits=(), opset=13, ir_version=8):
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="onnx_gen")
    m.ir_version = ir_version
    return m


def bn_inits(prefix, c):
    return [init(f"{prefix}.scale", 1 + ramp(c, scale=0.01)), init(f"{prefix}.bias", ramp(c)),
            init(f"{prefix}.mean", ramp(c, scale=0.02)), init(f"{prefix}.var", 1 + np.abs(ramp(c)))]


def conv_bn_net():
    """Conv-BN-Relu, MaxPool, Conv-BN-Clip, GlobalAveragePool, Flatten, Gemm, Softmax."""
    nodes = [
        helper.make_node("Conv", ["x", "c1.w", "c1.b"], ["c1"], name="conv1",
                         pads=[1, 1, 1, 1], strides=[1, 1], kernel_shape=[3, 3]),
        helper.make_node("BatchNormalization", ["c1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"],
                         ["b1"], name="bn1", epsilon=1e-3, momentum=0.9),
        helper.make_node("Relu", ["b1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "c2.w"], ["c2"], name="conv2", group=2, strides=[2, 2],
                         pads=[0, 0, 1, 1]),
        helper.make_node("BatchNormalization", ["c2", "bn2.scale", "bn2.bias", "bn2.mean", "bn2.var"],
                         ["b2"], name="bn2"),
        helper.make_node("Constant", [], ["six"], name="six",
                         value=numpy_helper.from_array(np.array(6.0, dtype=np.float32))),
        helper.make_node("Clip", ["b2", "", "six"], ["r2"], name="relu6"),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["logits"], name="fc", transB=1),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=-1),
    ]
    inits = [init("c1.w", ramp(4, 1, 3, 3)), init("c1.b", ramp(4)), init("c2.w", ramp(8, 2, 3, 3)),
             init("fc.w", ramp(10, 8)), init("fc.b", ramp(10))]
    inits += bn_inits("bn1", 4) + bn_inits("bn2", 8)
    return model(nodes, [value("x", ["N", 1, 8, 8])], [value("probs", ["N", 10])], inits)


def gemm_forms():
    """Gemm with transA, alpha/beta, B [K,N], computed B, per-row C; MatMul, Add, Mul."""
    nodes = [
        # a: [K=4, M=2] so transA gives [2, 4]; B [4, 3] constant, not transposed.
        helper.make_node("Gemm", ["a", "B", "C"], ["y1"], name="gemm_transA", transA=1,
                         alpha=2.0, beta=0.5),
        # Computed B (transB = 0): the importer inserts a transpose.
        helper.make_node("Gemm", ["y1", "b_in"], ["y2"], name="gemm_dynamicB"),
        # C of shape [M, N] is added after the product.
        helper.make_node("Gemm", ["y2", "B2", "C2"], ["y3"], name="gemm_fullC", transB=1),
        helper.make_node("MatMul", ["y3", "M"], ["y4"], name="matmul"),
        helper.make_node("Add", ["y4", "row"], ["y5"], name="add_bcast"),
        helper.make_node("Mul", ["y5", "y5"], ["y6"], name="square"),
    ]
    inits = [init("B", ramp(4, 3)), init("C", ramp(3)), init("B2", ramp(5, 3)),
             init("C2", ramp(2, 5)), init("M", ramp(5, 6)), init("row", ramp(1, 6))]
    return model(nodes, [value("a", [4, 2]), value("b_in", [3, 3])], [value("y6", [2, 6])], inits)


def pads_and_pools():
    """auto_pad SAME_UPPER/SAME_LOWER/VALID, pools with ceil_mode, dilations, count_include_pad."""
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["su"], name="same_upper", auto_pad="SAME_UPPER",
                         strides=[2, 2]),
        helper.make_node("Conv", ["x", "w"], ["sl"], name="same_lower", auto_pad="SAME_LOWER",
                         strides=[2, 2]),
        helper.make_node("Conv", ["x", "w"], ["va"], name="valid", auto_pad="VALID"),
        helper.make_node("MaxPool", ["x"], ["mp"], name="maxpool_ceil", kernel_shape=[3, 3],
                         strides=[2, 2], ceil_mode=1, dilations=[1, 1]),
        helper.make_node("AveragePool", ["x"], ["ap"], name="avgpool_pad", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], count_include_pad=1),
    ]
    outs = [value("su", None), value("sl", None), value("va", None), value("mp", None), value("ap", None)]
    return model(nodes, [value("x", [1, 2, 7, 7])], outs, [init("w", ramp(2, 2, 2, 2))])


def shapes():
    """Reshape with 0 and -1 on a dynamic batch, Concat, Transpose, Identity, Dropout."""
    nodes = [
        helper.make_node("Reshape", ["x", "shape_flat"], ["flat"], name="reshape_flat"),
        helper.make_node("Reshape", ["x", "shape_rows"], ["rows"], name="reshape_rows"),
        helper.make_node("Identity", ["flat"], ["flat_id"], name="identity"),
        helper.make_node("Dropout", ["flat_id", "ratio"], ["dropped"], name="dropout"),
        helper.make_node("Concat", ["dropped", "dropped"], ["cat"], name="concat", axis=1),
        helper.make_node("Transpose", ["x"], ["xt"], name="transpose", perm=[0, 2, 3, 1]),
        helper.make_node("Transpose", ["rows"], ["rt"], name="transpose_default"),
    ]
    inits = [init("shape_flat", np.array([0, -1], dtype=np.int64)),
             init("shape_rows", np.array([-1, 4], dtype=np.int64)),
             init("ratio", np.array(0.5, dtype=np.float32))]
    return model(nodes, [value("x", ["batch", 2, 2, 3])],
                 [value("cat", None), value("xt", None), value("rt", None)], inits)


def i64(*values):
    return np.array(values, dtype=np.int64)


def shape_folding():
    """Shape computations as exporters write them, folded at import: the
    batch read off x and kept symbolic, channel arithmetic (Div, Cast,
    Mul), Shape with opset 15's start, Slice and Squeeze of shapes, and
    converters' Equal/Where/ConstantOfShape; plus Squeeze, Unsqueeze,
    Gather and Split of run-time tensors."""
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="batch", axis=0),
        helper.make_node("Gather", ["s", "one"], ["c"], name="channels", axis=0),
        helper.make_node("Cast", ["c"], ["cf"], name="to_float", to=TensorProto.FLOAT),
        helper.make_node("Div", ["cf", "two_f"], ["halff"], name="half"),
        helper.make_node("Floor", ["halff"], ["floorf"], name="floor"),
        helper.make_node("Cast", ["floorf"], ["h"], name="to_int", to=TensorProto.INT64),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="n1"),
        helper.make_node("Unsqueeze", ["h", "axes0"], ["h1"], name="h1"),
        helper.make_node("Shape", ["x"], ["hw"], name="shape_hw", start=2),
        helper.make_node("Concat", ["n1", "two", "h1", "hw"], ["view5"], name="view5", axis=0),
        helper.make_node("Reshape", ["x", "view5"], ["x5"], name="reshape5"),
        helper.make_node("Transpose", ["x5"], ["x5t"], name="shuffle", perm=[0, 2, 1, 3, 4]),
        helper.make_node("Concat", ["n1", "minus_one", "hw"], ["view4"], name="view4", axis=0),
        helper.make_node("Reshape", ["x5t", "view4"], ["shuffled"], name="reshape4"),
        # [N, -1] through Slice of the shape and converters' Where(Equal(s, -1), 1, s).
        helper.make_node("Slice", ["s", "zero1", "one1"], ["s0"], name="slice_shape"),
        helper.make_node("Concat", ["s0", "minus_one"], ["flat_shape"], name="flat_shape",
                         axis=0),
        helper.make_node("ConstantOfShape", ["two"], ["minus_ones"], name="minus_ones",
                         value=numpy_helper.from_array(i64(-1))),
        helper.make_node("Equal", ["flat_shape", "minus_ones"], ["is_minus"], name="equal"),
        helper.make_node("Where", ["is_minus", "minus_ones", "flat_shape"], ["where_shape"],
                         name="where"),
        helper.make_node("Reshape", ["shuffled", "where_shape"], ["flat"], name="flatten"),
        # Run-time tensors: Split by sizes, Gather of one row, Unsqueeze.
        helper.make_node("Split", ["x", "split"], ["lo", "hi"], name="split", axis=1),
        helper.make_node("Gather", ["hi", "three"], ["row"], name="row", axis=2),
        helper.make_node("Unsqueeze", ["row", "axes2"], ["row4"], name="row4"),
        helper.make_node("Squeeze", ["row4", "axes2"], ["row3"], name="row3"),
    ]
    inits = [init("zero", i64(0).reshape(())), init("one", i64(1).reshape(())),
             init("two_f", np.array(2.0, dtype=np.float32)), init("axes0", i64(0)),
             init("two", i64(2)), init("minus_one", i64(-1)), init("zero1", i64(0)),
             init("one1", i64(1)), init("split", i64(1, 3)),
             init("three", i64(3).reshape(())), init("axes2", i64(2))]
    return model(nodes, [value("x", ["batch", 4, 5, 6])],
                 [value("flat", None), value("lo", None), value("row3", None)], inits,
                 opset=15)


def reduce_mean():
    """ReduceMean over H and W (negative axes), with and without keepdims;
    over channels; ReduceSum with axes as an input (opset 13), ReduceMax and
    GlobalMaxPool."""
    nodes = [
        helper.make_node("ReduceMean", ["x"], ["keep"], name="mean_keep", axes=[-1, -2]),
        helper.make_node("ReduceMean", ["x"], ["flat"], name="mean_flat", axes=[2, 3],
                         keepdims=0),
        helper.make_node("ReduceMean", ["x"], ["channels"], name="mean_channels", axes=[1]),
        helper.make_node("ReduceSum", ["x", "sum_axes"], ["sum"], name="sum", keepdims=0),
        helper.make_node("ReduceMax", ["x"], ["max"], name="max", axes=[-1]),
        helper.make_node("GlobalMaxPool", ["x"], ["gmax"], name="gmax"),
    ]
    return model(nodes, [value("x", ["batch", 3, 5, 7])],
                 [value(n, None) for n in ("keep", "flat", "channels", "sum", "max", "gmax")],
                 [init("sum_axes", np.array([2, 3], np.int64))])


def softmax_opset11():
    """Opset 11 Softmax flattens at axis 1: reshape, softmax, reshape."""
    nodes = [helper.make_node("Softmax", ["x"], ["y"], name="softmax11")]
    return model(nodes, [value("x", [2, 3, 4])], [value("y", [2, 3, 4])], opset=11)


def legacy_opset6():
    """Opset 6: BatchNormalization with is_test and spatial, Relu with
    consumed_inputs, Add with the legacy broadcast flag, Clip, Pad and Slice
    with attributes, Dropout with is_test."""
    nodes = [
        helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["bn"], name="bn",
                         is_test=1, spatial=1, epsilon=1e-3),
        helper.make_node("Relu", ["bn"], ["relu"], name="relu", consumed_inputs=[0]),
        helper.make_node("Add", ["relu", "bias"], ["add"], name="add", broadcast=1),
        helper.make_node("Clip", ["add"], ["clip"], name="clip", min=-1.0, max=6.0),
        helper.make_node("Pad", ["clip"], ["pad"], name="pad", mode="reflect",
                         pads=[0, 0, 1, 2, 0, 0, 2, 1]),
        helper.make_node("Slice", ["pad"], ["slice"], name="slice", starts=[1, -3],
                         ends=[4, 100], axes=[2, 3]),
        helper.make_node("Dropout", ["slice"], ["y"], name="dropout", is_test=1),
    ]
    inits = [init("s", ramp(2) + 1), init("b", ramp(2)), init("m", ramp(2)),
             init("v", ramp(2) + 1), init("bias", ramp(4))]
    return model(nodes, [value("x", ["N", 2, 4, 4])], [value("y", None)], inits, opset=6)


def legacy_resizes():
    """Upsample with a scales attribute (opset 7) and Resize-10 shrinking."""
    nodes = [
        helper.make_node("Upsample", ["x"], ["up"], name="up7", scales=[1.0, 1.0, 2.0, 3.0]),
        helper.make_node("Clip", ["up"], ["y"], name="clip", min=0.0),
    ]
    up = model(nodes, [value("x", ["N", 2, 4, 4])], [value("y", None)], opset=7)
    down = model([helper.make_node("Resize", ["x", "s"], ["y"], name="resize10")],
                 [value("x", ["N", 2, 6, 6])], [value("y", None)],
                 [init("s", np.array([1, 1, 0.5, 0.7], np.float32))], opset=10)
    return up, down


def opset18():
    """Opset 18: ReduceMean with axes as an input, Pad with an axes input,
    Split with num_outputs, Resize of axes [2, 3]; opset 20's Gelu."""
    nodes = [
        helper.make_node("ReduceMean", ["x", "axes"], ["mean"], name="mean", keepdims=1),
        helper.make_node("Pad", ["x", "pads", "", "pad_axes"], ["pad"], name="pad"),
        helper.make_node("Split", ["pad"], ["a", "b", "c"], name="split", axis=3,
                         num_outputs=3),
        helper.make_node("Resize", ["a", "", "", "sizes"], ["up"], name="resize",
                         axes=[2, 3], mode="nearest"),
        helper.make_node("Gelu", ["up"], ["g1"], name="gelu"),
        helper.make_node("Gelu", ["c"], ["g2"], name="gelu_tanh", approximate="tanh"),
    ]
    inits = [init("axes", np.array([1], np.int64)), init("pads", np.array([1, 2], np.int64)),
             init("pad_axes", np.array([-1], np.int64)), init("sizes", np.array([8, 6], np.int64))]
    return model(nodes, [value("x", ["N", 2, 4, 5])],
                 [value("mean", None), value("b", None), value("g1", None), value("g2", None)],
                 inits, opset=20)


def gelu_reference(case, out_dir):
    """Writes x.npy and ONNX's Gelu of it (opset 20's definition) as
    expected.npy, for the numerical check of the decomposed Gelu."""
    import math
    x = np.linspace(-6, 6, 2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
    if case == "gelu":
        y = 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    else:
        y = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    np.save(os.path.join(out_dir, "x.npy"), x.astype(np.float32))
    np.save(os.path.join(out_dir, "expected.npy"), y.astype(np.float32))


def single(op, inputs, attrs=None, inits=(), in_shapes=None, out_shape=None, opset=13,
           elem=TensorProto.FLOAT, outputs=("y",)):
    """One node named `node` over graph inputs x0, x1, ... plus initializers."""
    graph_inputs = [value(n, s, elem) for n, s in (in_shapes or {}).items()]
    node = helper.make_node(op, inputs, list(outputs), name="node", **(attrs or {}))
    return model([node], graph_inputs, [value(outputs[0], out_shape)], inits, opset=opset)


NEGATIVE = {
    "unsupported_op": lambda: single("Sin", ["x"], in_shapes={"x": [1, 4]}),
    "unsupported_domain": lambda: model(
        [helper.make_node("Relu", ["x"], ["y"], name="node", domain="com.example")],
        [value("x", [1, 4])], [value("y", None)]),
    # ONNX 1.12's schemas end at opset 17: a newer ReduceMean is checked by
    # the importer alone.
    "unsupported_attr": lambda: single("ReduceMean", ["x"], {"alpha": 1},
                                       in_shapes={"x": [1, 4]}, opset=18),
    "relu_alpha": lambda: single("Relu", ["x"], {"alpha": 0.1}, in_shapes={"x": [1, 4]}),
    "wrong_attr_type": lambda: single("ReduceMean", ["x"], {"keepdims": 1.5},
                                      in_shapes={"x": [1, 4]}, opset=18),
    "hardsigmoid_int_alpha": lambda: single("HardSigmoid", ["x"], {"alpha": 1},
                                            in_shapes={"x": [1, 4]}),
    "reduce_mean_axes": lambda: single("ReduceMean", ["x"], {"axes": [1, 4]},
                                       in_shapes={"x": [1, 4, 2, 2]}),
    "pad_wrap": lambda: single("Pad", ["x", "p"], {"mode": "wrap"},
                               inits=[init("p", np.array([0, 1, 0, 1], np.int64))],
                               in_shapes={"x": [2, 4]}),
    "pad_reflect_far": lambda: single("Pad", ["x", "p"], {"mode": "reflect"},
                                      inits=[init("p", np.array([0, 4, 0, 0], np.int64))],
                                      in_shapes={"x": [2, 4]}),
    "resize_mode": lambda: single("Resize", ["x", "", "s"], {"mode": "area"},
                                   inits=[init("s", np.array([1, 1, 2, 2], np.float32))],
                                   in_shapes={"x": [1, 2, 4, 4]}),
    "resize_channels": lambda: single("Resize", ["x", "", "s"],
                                      inits=[init("s", np.array([1, 2, 2, 2], np.float32))],
                                      in_shapes={"x": [1, 2, 4, 4]}),
    "pow_vector": lambda: single("Pow", ["x", "e"],
                                 inits=[init("e", np.array([3.0, 2.0, 1.0, 0.5], np.float32))],
                                 in_shapes={"x": [1, 4]}),
    "layer_norm_scale": lambda: single("LayerNormalization", ["x", "s"], {"axis": -2},
                                       inits=[init("s", ramp(4))], in_shapes={"x": [2, 3, 4]},
                                       opset=17),
    "sub_mismatch": lambda: single("Sub", ["x0", "x1"], in_shapes={"x0": [2, 3], "x1": [2, 4]}),
    "undefined_input": lambda: single("Add", ["x", "missing"], in_shapes={"x": [1, 4]}),
    "opset_too_new": lambda: single("Relu", ["x"], in_shapes={"x": [1, 4]}, opset=23),
    "legacy_axis_broadcast": lambda: single("Add", ["x", "b"], {"broadcast": 1, "axis": 1},
                                            inits=[init("b", ramp(2))],
                                            in_shapes={"x": [1, 2, 3]}, opset=6),
    "bn_spatial0": lambda: single("BatchNormalization", ["x", "s", "b", "m", "v"], {"spatial": 0},
                                  inits=[init(n, ramp(2) + 1) for n in "sbmv"],
                                  in_shapes={"x": [1, 2, 3, 3]}, opset=7),
    "upsample_opset6": lambda: single("Upsample", ["x"], {"height_scale": 2.0, "width_scale": 2.0},
                                      in_shapes={"x": [1, 2, 3, 3]}, opset=6),
    "prelu_opset6": lambda: single("PRelu", ["x", "slope"], inits=[init("slope", ramp(2))],
                                   in_shapes={"x": [1, 2, 3, 3]}, opset=6),
    "upsample_mixed": lambda: single("Upsample", ["x"], {"scales": [1.0, 1.0, 2.0, 0.5]},
                                     in_shapes={"x": [1, 2, 4, 4]}, opset=7),
    "resize_aspect": lambda: single("Resize", ["x", "", "", "sz"],
                                    {"keep_aspect_ratio_policy": "not_larger", "axes": [2, 3]},
                                    inits=[init("sz", np.array([8, 8], np.int64))],
                                    in_shapes={"x": [1, 2, 4, 4]}, opset=18),
    "resize_antialias": lambda: single("Resize", ["x", "", "s"], {"antialias": 1, "mode": "linear"},
                                       inits=[init("s", np.array([1, 1, 0.5, 0.5], np.float32))],
                                       in_shapes={"x": [1, 2, 4, 4]}, opset=18),
    "avgpool_dilated": lambda: single("AveragePool", ["x"], {"kernel_shape": [2, 2],
                                                             "dilations": [2, 2]},
                                      in_shapes={"x": [1, 2, 5, 5]}, opset=19),
    "conv3d": lambda: single("Conv", ["x", "w"], inits=[init("w", ramp(2, 1, 3, 3, 3))],
                             in_shapes={"x": [1, 1, 5, 5, 5]}),
    "int_input": lambda: single("Relu", ["x"], in_shapes={"x": [1, 4]}, elem=TensorProto.INT64),
    "no_shape": lambda: model([helper.make_node("Relu", ["x"], ["y"], name="node")],
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)],
                              [value("y", None)]),
    "bn_training": lambda: single("BatchNormalization", ["x", "s", "b", "m", "v"],
                                  {"training_mode": 1},
                                  inits=[init(n, np.ones(2, np.float32)) for n in "sbmv"],
                                  in_shapes={"x": [1, 2, 3, 3]}, opset=15),
    "maxpool_indices": lambda: model(
        [helper.make_node("MaxPool", ["x"], ["y", "idx"], name="node", kernel_shape=[2, 2]),
         helper.make_node("Identity", ["idx"], ["z"], name="use_idx")],
        [value("x", [1, 1, 4, 4])], [value("y", None), value("z", None)]),
    "same_dynamic": lambda: single("Conv", ["x", "w"], {"auto_pad": "SAME_UPPER"},
                                   inits=[init("w", ramp(2, 1, 3, 3))],
                                   in_shapes={"x": [1, 1, "H", "W"]}),
    "reshape_two_dynamic": lambda: single("Reshape", ["x", "s"],
                                          inits=[init("s", np.array([-1, 0], np.int64))],
                                          in_shapes={"x": ["a", "b"]}),
    "reshape_nonconst": lambda: single("Reshape", ["x", "s"],
                                       in_shapes={"x": [2, 2], "s": [2]}),
    # The batch merged into a reshape's -1 is no longer the batch: a shape
    # read off it is unknown at import.
    "merged_batch_shape": lambda: model([
        helper.make_node("Reshape", ["x", "rows"], ["r"], name="rows"),
        helper.make_node("Shape", ["r"], ["s"], name="shape"),
        helper.make_node("Reshape", ["r", "s"], ["y"], name="node")],
        [value("x", ["batch", 4, 3])], [value("y", None)],
        [init("rows", np.array([-1, 6], np.int64))]),
    "batch_twice": lambda: model([
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="batch", axis=0),
        helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="n1"),
        helper.make_node("Concat", ["n1", "n1", "minus_one"], ["t"], name="target", axis=0),
        helper.make_node("Reshape", ["x", "t"], ["y"], name="node")],
        [value("x", ["batch", 4, 3])], [value("y", None)],
        [init("zero", np.array(0, np.int64)), init("axes", np.array([0], np.int64)),
         init("minus_one", np.array([-1], np.int64))]),
    "batch_as_data": lambda: model([
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Cast", ["s"], ["f"], name="cast", to=TensorProto.FLOAT),
        helper.make_node("Mul", ["x", "f"], ["y"], name="node")],
        [value("x", ["batch", 4])], [value("y", None)]),
    "cast_data_to_int": lambda: single("Cast", ["x"], {"to": TensorProto.INT64},
                                       in_shapes={"x": [2, 4]}),
    "where_data": lambda: single("Where", ["c", "x", "x"], inits=[init("c", np.array([True]))],
                                 in_shapes={"x": [2, 4]}),
    "gather_uneven": lambda: single("Gather", ["x", "i"], {"axis": 1},
                                    inits=[init("i", np.array([0, 1, 3], np.int64))],
                                    in_shapes={"x": [2, 4]}),
    "slice_batch": lambda: single("Slice", ["x", "s", "e"],
                                  inits=[init("s", np.array([1], np.int64)),
                                         init("e", np.array([2], np.int64))],
                                  in_shapes={"x": ["n", 4]}),
    "slice_empty": lambda: single("Slice", ["x", "s", "e", "a"],
                                  inits=[init("s", np.array([3], np.int64)),
                                         init("e", np.array([1], np.int64)),
                                         init("a", np.array([1], np.int64))],
                                  in_shapes={"x": [2, 4]}),
    "split_sizes": lambda: single("Split", ["x", "sp"], {"axis": 1},
                                  inits=[init("sp", np.array([1, 2], np.int64))],
                                  in_shapes={"x": [2, 4]}, outputs=("y", "z")),
    "squeeze_non_one": lambda: single("Squeeze", ["x", "a"],
                                      inits=[init("a", np.array([1], np.int64))],
                                      in_shapes={"x": [2, 4]}),
    "fold_gather_range": lambda: model([
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "five"], ["y"], name="node", axis=0),
        helper.make_node("Reshape", ["x", "y"], ["z"], name="reshape")],
        [value("x", [2, 4])], [value("z", None)], [init("five", np.array([5], np.int64))]),
    "conv_groups": lambda: single("Conv", ["x", "w"], {"group": 2},
                                  inits=[init("w", ramp(4, 3, 1, 1))],
                                  in_shapes={"x": [1, 3, 4, 4]}),
    "kernel_mismatch": lambda: single("Conv", ["x", "w"], {"kernel_shape": [5, 5]},
                                      inits=[init("w", ramp(4, 1, 3, 3))],
                                      in_shapes={"x": [1, 1, 8, 8]}),
    "matmul_1d": lambda: single("MatMul", ["x", "w"], inits=[init("w", ramp(4))],
                                in_shapes={"x": [3, 4]}),
    "output_mismatch": lambda: single("Relu", ["x"], in_shapes={"x": [1, 4]}, out_shape=[1, 5]),
    "duplicate_output": lambda: model(
        [helper.make_node("Relu", ["x"], ["y"], name="first"),
         helper.make_node("Relu", ["x"], ["y"], name="second")],
        [value("x", [1, 4])], [value("y", None)]),
    "missing_output": lambda: model([helper.make_node("Relu", ["x"], ["y"], name="node")],
                                    [value("x", [1, 4])], [value("nowhere", None)]),
    "clip_dynamic_bound": lambda: single("Clip", ["x", "lo"], in_shapes={"x": [1, 4], "lo": []}),
    # Nodes that do not match their ONNX schema, attribute values outside
    # their domain, inconsistent tensors, empty activations.
    "relu_two_outputs": lambda: single("Relu", ["x"], in_shapes={"x": [1, 4]}, outputs=("y", "z")),
    "conv_four_inputs": lambda: single("Conv", ["x", "w", "b", "x"],
                                       inits=[init("w", ramp(2, 1, 3, 3)), init("b", ramp(2))],
                                       in_shapes={"x": [1, 1, 5, 5]}),
    "conv_no_kernel_shape_type": lambda: single("Conv", ["x", "w"], {"kernel_shape": 3},
                                                inits=[init("w", ramp(2, 1, 3, 3))],
                                                in_shapes={"x": [1, 1, 5, 5]}),
    "maxpool_ceil_mode_5": lambda: single("MaxPool", ["x"], {"kernel_shape": [2, 2], "ceil_mode": 5},
                                          in_shapes={"x": [1, 1, 4, 4]}),
    "gemm_transb_7": lambda: single("Gemm", ["x", "w"], {"transB": 7}, inits=[init("w", ramp(4, 4))],
                                    in_shapes={"x": [1, 4]}),
    "raw_and_float_data": lambda: single("Add", ["x", "b"], inits=[raw_and_float_data("b", ramp(4))],
                                         in_shapes={"x": [1, 4]}),
    "zero_dim_input": lambda: single("Relu", ["x"], in_shapes={"x": [1, 0, 4]}),
    # Found by dfq-import-fuzzer: num_outputs chunks of a dimension of
    # 2^63 - 1 overflowed into an endless list of split sizes.
    # Found by dfq-import-fuzzer: a blocksize of 2^40 squared is 0 in 64
    # bits, and the importer divided by it.
    "depth_to_space_huge_blocksize": lambda: single("DepthToSpace", ["x"],
                                                    {"blocksize": 2**40, "mode": "CRD"},
                                                    in_shapes={"x": [2, 8, 3, 3]}),
    # Sizes that overflowed or were allocated before they were checked (found
    # by hand after the fuzzer's DepthToSpace finding): a tile repeated 2^62
    # times, an expansion to 2^64 elements, a pad of -2^63 (read as no pad),
    # a resize to 2^124 elements.
    "tile_huge": lambda: single("Tile", ["x", "r"],
                                inits=[init("r", np.array([2**62, 2**62], np.int64))],
                                in_shapes={"x": [2, 4]}),
    "expand_huge": lambda: single("Expand", ["x", "s"],
                                  inits=[init("s", np.array([2**62, 4], np.int64))],
                                  in_shapes={"x": [1, 4]}),
    "expand_mismatch": lambda: single("Expand", ["x", "s"],
                                      inits=[init("s", np.array([3, 4], np.int64))],
                                      in_shapes={"x": [1, 2, 4]}),
    "pad_crop_min": lambda: single("Pad", ["x", "p"],
                                   inits=[init("p", np.array([0, -2**63, 0, 0], np.int64))],
                                   in_shapes={"x": [2, 4]}),
    "resize_sizes_huge": lambda: single("Resize", ["x", "", "", "sz"],
                                        inits=[init("sz", np.array([1, 2, 2**62, 2**62], np.int64))],
                                        in_shapes={"x": [1, 2, 4, 4]}),
    "huge_dim_split": lambda: single("Split", ["x"], {"num_outputs": 2},
                                     in_shapes={"x": [2**63 - 1, 4]}, outputs=("y", "z"),
                                     opset=18),
}


def raw_and_float_data(name, array):
    """An initializer holding its values twice: in raw_data and in float_data."""
    tensor = init(name, array)
    tensor.float_data.extend(np.asarray(array, np.float32).ravel().tolist())
    return tensor


def external_data():
    m = single("Add", ["x", "w"], inits=[init("w", ramp(4))], in_shapes={"x": [4]})
    w = m.graph.initializer[0]
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    w.external_data.add(key="location", value="weights.bin")
    return m


def bad_raw_size():
    m = single("Add", ["x", "w"], inits=[init("w", ramp(4))], in_shapes={"x": [4]})
    m.graph.initializer[0].raw_data = m.graph.initializer[0].raw_data[:6]
    return m


POSITIVE = {
    "conv_bn_net": conv_bn_net,
    "gemm_forms": gemm_forms,
    "pads_and_pools": pads_and_pools,
    "shapes": shapes,
    "softmax_opset11": softmax_opset11,
    "reduce_mean": reduce_mean,
    "shape_folding": shape_folding,
    "legacy_opset6": legacy_opset6,
    "legacy_upsample7": lambda: legacy_resizes()[0],
    "legacy_resize10": lambda: legacy_resizes()[1],
    "opset18": opset18,
    "gelu": lambda: single("Gelu", ["x"], in_shapes={"x": ["N", 3, 4, 5]}, opset=20),
    "gelu_tanh": lambda: single("Gelu", ["x"], {"approximate": "tanh"},
                                in_shapes={"x": ["N", 3, 4, 5]}, opset=20),
    "external_data": external_data,
    "bad_raw_size": bad_raw_size,
    # Exported with a static batch of 1: conv_bn_net as is, and one whose
    # reshape to [1, -1] only holds at batch 1.
    "batch_one_net": lambda: batch_one(conv_bn_net()),
    "batch_one_reshape": lambda: model(
        [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
         helper.make_node("Reshape", ["c", "s"], ["r"], name="flatten"),
         helper.make_node("Gemm", ["r", "fc.w"], ["y"], name="fc", transB=1)],
        [value("x", [1, 1, 5, 5])], [value("y", None)],
        [init("w", ramp(2, 1, 3, 3)), init("s", np.array([1, -1], np.int64)),
         init("fc.w", ramp(4, 18))]),
}


def batch_one(m):
    """`m` with every graph input and output's leading dimension fixed to 1."""
    for info in list(m.graph.input) + list(m.graph.output):
        info.type.tensor_type.shape.dim[0].ClearField("dim_param")
        info.type.tensor_type.shape.dim[0].dim_value = 1
    return m


def main():
    case, out = sys.argv[1], sys.argv[2]
    if case == "truncated":
        data = conv_bn_net().SerializeToString()
        open(out, "wb").write(data[: len(data) // 2])
        return
    if case == "garbage":
        open(out, "wb").write(b"this is not an onnx model\n" * 4)
        return
    if case == "empty":
        open(out, "wb").close()
        return
    builder = POSITIVE.get(case) or NEGATIVE.get(case)
    if builder is None:
        sys.exit(f"onnx_gen.py: unknown case '{case}'")
    onnx.save(builder(), out)
    if case in ("gelu", "gelu_tanh"):
        gelu_reference(case, os.path.dirname(os.path.abspath(out)))


if __name__ == "__main__":
    main()
