"""PyTorch's verdict on networks Delta4j computed: one case a line of the file given (JSON: the spec, the batch,
inputs, targets, initial parameters, and Delta4j's training-mode outputs, loss and gradients, and its inference-mode
outputs after one SGD step). Each network is rebuilt from torch.nn.functional, layer by layer as Delta4j's spec defines
it, and computed in float64; the largest difference of each case (absolute, or relative to the result's largest
magnitude above 1) is printed: "<case> <difference> <where>".
For a case of type FLOAT32 a fourth field follows: the largest difference of PyTorch's own float32 computation."""
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


def computed(case, dtype):
    """What PyTorch computes for the case in dtype, in float64: the loss, the training-mode output, each parameter's
    gradient, and the inference-mode output after one SGD step."""
    spec, n = case["spec"], case["batch"]
    x = torch.tensor(case["x"], dtype=dtype).reshape([n] + spec["input"])
    p = {k: torch.tensor(v["v"], dtype=dtype).reshape(v["shape"]).requires_grad_(True)
         for k, v in case["params"].items()}
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
            elif kind == "avg_pool2d":  # padding counts as zeros, and every window, dilated or not, divides by kh·kw
                (kh, kw), c = layer["kernel"], h.shape[1]
                window = torch.full((c, 1, kh, kw), 1 / (kh * kw), dtype=dtype)
                h = F.conv2d(F.pad(h, padding(layer, h.shape[2], h.shape[3])), window, stride=layer["stride"],
                             dilation=layer["dilation"], groups=c)
            elif kind == "batch_norm":
                if name not in running:
                    running[name] = (torch.zeros(h.shape[1], dtype=dtype), torch.ones(h.shape[1], dtype=dtype))
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
    y = torch.tensor(case["y"], dtype=dtype).reshape(out.shape)
    if spec["loss"] == "softmax_cross_entropy":
        loss = -(y * F.log_softmax(out, 1)).sum() / n
    elif spec["loss"] == "mean_squared_error":
        loss = F.mse_loss(out, y)
    else:
        raise ValueError("no PyTorch counterpart for loss " + spec["loss"])
    loss.backward()
    results = {"loss": torch.tensor([loss.item()]), "output": out.detach()}
    for k, v in p.items():
        results["gradient of " + k] = v.grad.detach() if v.grad is not None else torch.zeros_like(v)
    with torch.no_grad():
        for v in p.values():
            if v.grad is not None:
                v -= case["learning_rate"] * v.grad
        results["inference after a step"] = forward(x, False)
    return {k: v.reshape(-1).to(torch.float64) for k, v in results.items()}


def largest_difference(results, reference):
    """(where, difference): the largest difference between two sets of results, and where it is; each result's
    absolute difference is divided by its reference's largest magnitude when that is above 1."""
    differences = {k: (results[k] - reference[k]).abs().max().item() / max(1.0, reference[k].abs().max().item())
                   for k in reference}
    return max(differences.items(), key=lambda kv: kv[1])


for line in open(sys.argv[1]):
    case = json.loads(line)
    reference = computed(case, torch.float64)
    delta4j = {"loss": torch.tensor([case["loss"]]), "output": torch.tensor(case["out"]),
               "inference after a step": torch.tensor(case["inference"])}
    for k, v in case["grads"].items():
        delta4j["gradient of " + k] = torch.tensor(v)
    where, difference = largest_difference(delta4j, reference)
    verdict = [case["name"], repr(difference), where.replace(" ", "_")]
    if case.get("type") == "FLOAT32":  # PyTorch's own float32 error, for scale
        verdict.append(repr(largest_difference(computed(case, torch.float32), reference)[1]))
    print(" ".join(verdict))
