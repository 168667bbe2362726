#!/usr/bin/python3
"""Writes small ONNX models for the importer's lit tests.

    onnx_gen.py CASE OUT.onnx

Each case is built with onnx.helper so that every attribute, opset and
malformation is explicit. Weights are small deterministic ramps.
"""

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


def reduce_mean():
    """ReduceMean over H and W (negative axes), with and without keepdims."""
    nodes = [
        helper.make_node("ReduceMean", ["x"], ["keep"], name="mean_keep", axes=[-1, -2]),
        helper.make_node("ReduceMean", ["x"], ["flat"], name="mean_flat", axes=[2, 3],
                         keepdims=0),
    ]
    return model(nodes, [value("x", ["batch", 3, 5, 7])], [value("keep", None),
                                                           value("flat", None)])


def softmax_opset11():
    """Opset 11 Softmax flattens at axis 1: reshape, softmax, reshape."""
    nodes = [helper.make_node("Softmax", ["x"], ["y"], name="softmax11")]
    return model(nodes, [value("x", [2, 3, 4])], [value("y", [2, 3, 4])], opset=11)


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
    "unsupported_attr": lambda: single("Relu", ["x"], {"alpha": 0.1}, in_shapes={"x": [1, 4]}),
    "wrong_attr_type": lambda: single("Flatten", ["x"], {"axis": 1.5}, in_shapes={"x": [1, 4]}),
    "hardsigmoid_int_alpha": lambda: single("HardSigmoid", ["x"], {"alpha": 1},
                                            in_shapes={"x": [1, 4]}),
    "reduce_mean_channels": lambda: single("ReduceMean", ["x"], {"axes": [1]},
                                           in_shapes={"x": [1, 4, 2, 2]}),
    "sub_mismatch": lambda: single("Sub", ["x0", "x1"], in_shapes={"x0": [2, 3], "x1": [2, 4]}),
    "undefined_input": lambda: single("Add", ["x", "missing"], in_shapes={"x": [1, 4]}),
    "opset_too_old": lambda: single("Relu", ["x"], in_shapes={"x": [1, 4]}, opset=9),
    "opset_too_new": lambda: single("Relu", ["x"], in_shapes={"x": [1, 4]}, opset=18),
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
}


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
    "external_data": external_data,
    "bad_raw_size": bad_raw_size,
}


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


if __name__ == "__main__":
    main()
