"""Exports a torchvision classifier with random weights (seed 0) to ONNX
(opset 13, dynamic batch) and writes N random 224x224 input images, for the
end-to-end tests of real architectures.

    torchvision_export.py NAME N OUT.onnx IMAGES.npy
"""
import sys

import numpy as np
import torch
import torchvision

name, count, onnx_path, images_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
torch.manual_seed(0)
model = getattr(torchvision.models, name)(weights=None).eval()
x = torch.from_numpy(np.random.RandomState(0).randn(count, 3, 224, 224).astype(np.float32))
torch.onnx.export(model, x[:1], onnx_path, opset_version=13,
                  input_names=["input"], output_names=["logits"],
                  dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
np.save(images_path, x.numpy())
