"""PyTorch's verdict on networks Delta4j computed: one case a line of the file given (JSON: the spec, the batch,
inputs, targets, initial parameters, and Delta4j's training-mode outputs, loss and gradients, and its inference-mode
outputs after one SGD step). Each network is rebuilt from torch.nn.functional, layer by layer as Delta4j's spec defines
it, and the largest absolute difference of each case is printed: "<case> <difference> <where>"."""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def same(size, kernel, stride, dilation):
    """Delta4j's same padding along an axis: ceil(size / stride) outputs, the zeros split with any odd one after."""
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return total // 2, total - total // 2


def padding(layer, height, width):
    """(left, right, top, bottom) for F.pad."""
    mode = layer.get("padding", "valid")
    (kh, kw), (sh, sw), (dh, dw) = layer["kernel"], layer["stride"], layer["dilation"]
    if mode == "same":
        top, bottom = same(height, kh, sh, dh)
        left, right = same(width, kw, sw, dw)
        return left, right, top, bottom
    if mode == "explicit":
        ph, pw = layer["pad"]
        return pw, pw, ph, ph
    return 0, 0, 0, 0


def check(case):
    spec, n = case["spec"], case["batch"]
    x = torch.tensor(case["x"]).reshape([n] + spec["input"])
    p = {k: torch.tensor(v["v"]).reshape(v["shape"]).requires_grad_(True) for k, v in case["params"].items()}
    running = {}

    def forward(h, training):
        for layer in spec["layers"]:
            kind, name = layer["type"], layer["name"]
            if kind == "conv2d":
                h = F.pad(h, padding(layer, h.shape[2], h.shape[3]))
                h = F.conv2d(h, p[name + ".weight"], p.get(name + ".bias"), stride=layer["stride"],
                             dilation=layer["dilation"])
            elif kind == "max_pool2d":  # padding is never the maximum
                h = F.pad(h, padding(layer, h.shape[2], h.shape[3]), value=-math.inf)
                h = F.max_pool2d(h, layer["kernel"], layer["stride"], dilation=layer["dilation"])
            elif kind == "avg_pool2d":  # padding counts as zeros, and every window divides by kh·kw
                h = F.avg_pool2d(F.pad(h, padding(layer, h.shape[2], h.shape[3])), layer["kernel"], layer["stride"])
            elif kind == "batch_norm":
                if name not in running:
                    running[name] = (torch.zeros(h.shape[1]), torch.ones(h.shape[1]))
                mean, var = running[name]
                h = F.batch_norm(h, mean, var, p[name + ".gamma"], p[name + ".beta"], training=training,
                                 momentum=layer["momentum"], eps=layer["epsilon"])
            elif kind == "relu":
                h = F.relu(h)
            elif kind == "leaky_relu":
                h = F.leaky_relu(h, layer.get("alpha", 0.01))
            elif kind == "sigmoid":
                h = torch.sigmoid(h)
            elif kind == "tanh":
                h = torch.tanh(h)
            elif kind == "global_avg_pool2d":
                h = h.mean(dim=(2, 3))
            elif kind == "flatten":
                h = h.reshape(h.shape[0], -1)
            elif kind == "dense":
                h = h @ p[name + ".weight"] + (p[name + ".bias"] if name + ".bias" in p else 0)
            else:
                raise ValueError("no PyTorch counterpart for layer kind " + kind)
        return h

    out = forward(x, True)
    y = torch.tensor(case["y"]).reshape(out.shape)
    if spec["loss"] == "softmax_cross_entropy":
        loss = -(y * F.log_softmax(out, 1)).sum() / n
    elif spec["loss"] == "mean_squared_error":
        loss = F.mse_loss(out, y)
    else:
        raise ValueError("no PyTorch counterpart for loss " + spec["loss"])
    loss.backward()
    differences = {"loss": abs(loss.item() - case["loss"]),
                   "output": (out.detach().reshape(-1) - torch.tensor(case["out"])).abs().max().item()}
    for k, v in p.items():
        g = v.grad if v.grad is not None else torch.zeros_like(v)
        differences["gradient of " + k] = (g.reshape(-1) - torch.tensor(case["grads"][k])).abs().max().item()
    with torch.no_grad():
        for v in p.values():
            if v.grad is not None:
                v -= case["learning_rate"] * v.grad
        after = forward(x, False)
    differences["inference after a step"] = (after.reshape(-1) - torch.tensor(case["inference"])).abs().max().item()
    return max(differences.items(), key=lambda kv: kv[1])


for line in open(sys.argv[1]):
    case = json.loads(line)
    where, difference = check(case)
    print(case["name"], repr(difference), where.replace(" ", "_"))
