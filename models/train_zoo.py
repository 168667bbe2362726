#!/usr/bin/python3
"""Trains the dfq model zoo on Fashion-MNIST and exports it to ONNX.

Deterministic: a fixed seed, deterministic algorithms, and a fixed thread
count, so the same machine gives the same weights. Training is not part of
CI. Usage (Debian's PyTorch 1.13, so /usr/bin/python3):

    /usr/bin/python3 models/train_zoo.py [resnet mobilenetv2 mlp] [--epochs N]

Each model is exported as models/<name>.onnx: opset 13, dynamic batch,
BatchNormalization preserved (TrainingMode.PRESERVE on an eval-mode model, so
the exporter's Conv+BN fusion does not run), input "input" [N,1,28,28],
output "logits" [N,10].
"""

import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zoo  # noqa: E402

# Per model: epochs, peak learning rate, whether to augment.
RECIPES = {
    "resnet": dict(epochs=15, lr=0.1, augment=True),
    "mobilenetv2": dict(epochs=12, lr=0.1, augment=True),
    "mlp": dict(epochs=15, lr=0.05, augment=False),
}


def augment(x, gen):
    """Random 2-pixel shifts (zero padding in normalized space) and flips."""
    n = x.shape[0]
    background = (0.0 - zoo.FMNIST_MEAN) / zoo.FMNIST_STD
    padded = F.pad(x, (2, 2, 2, 2), value=background)
    dx = torch.randint(0, 5, (n,), generator=gen)
    dy = torch.randint(0, 5, (n,), generator=gen)
    out = torch.empty_like(x)
    for i in range(n):
        out[i] = padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28]
    flip = torch.rand(n, generator=gen) < 0.5
    out[flip] = out[flip].flip(3)
    return out


def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / x.shape[0]


def train(name, epochs, out_dir, seed=0):
    recipe = dict(RECIPES[name])
    if epochs:
        recipe["epochs"] = epochs
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    xtr, ytr = zoo.load_fmnist("train")
    xte, yte = zoo.load_fmnist("test")
    model = zoo.ZOO[name]()
    batch = 128
    steps = (xtr.shape[0] + batch - 1) // batch
    opt = torch.optim.SGD(model.parameters(), lr=recipe["lr"], momentum=0.9,
                          nesterov=True, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe["lr"],
                                                total_steps=recipe["epochs"] * steps)
    for epoch in range(recipe["epochs"]):
        model.train()
        start = time.time()
        perm = torch.randperm(xtr.shape[0], generator=gen)
        total_loss = 0.0
        for s in range(steps):
            idx = perm[s * batch:(s + 1) * batch]
            xb, yb = xtr[idx], ytr[idx]
            if recipe["augment"]:
                xb = augment(xb, gen)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total_loss += loss.item()
        acc = evaluate(model, xte, yte)
        print(f"{name} epoch {epoch + 1}/{recipe['epochs']}: loss {total_loss / steps:.4f} "
              f"test top-1 {acc:.4f} ({time.time() - start:.0f} s)", flush=True)

    model.eval()
    path = os.path.join(out_dir, f"{name}.onnx")
    tmp = path + ".tmp"
    torch.onnx.export(model, xte[:1], tmp, opset_version=13,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      do_constant_folding=False,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    os.replace(tmp, path)
    acc = evaluate(model, xte, yte)
    return {"model": name, "top1": acc, "epochs": recipe["epochs"],
            "bytes": os.path.getsize(path), "seed": seed}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", default=list(RECIPES))
    parser.add_argument("--epochs", type=int, default=0, help="override the recipe")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    for name in args.models:
        if name not in RECIPES:
            parser.error(f"unknown model '{name}' (choose from {', '.join(RECIPES)})")
        result = train(name, args.epochs, args.out, args.seed)
        print(json.dumps(result), flush=True)
        with open(os.path.join(args.out, f"{name}.train.json"), "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
