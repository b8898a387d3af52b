"""PyTorch's verdict on what Delta4j's tape computed: one case a line of the file given (JSON). An "expression" case is
a random program of tape operations (RandomExpression.java) with each step's value, whether it is tracked, and each
tracked step's gradient after a backward pass from the last step with the seed given; PyTorch evaluates the same
program in float64 with autograd. For each
case the largest difference, relative to the scale of the tensor it is in
(its largest magnitude, at least 1), is printed: "<case> <difference> <where>"."""
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


def pad(window, h, value=0.0):
    """h [N, C, H, W] padded as the window {kh, kw, sh, sw, dh, dw, mode (0 valid, 1 same, 2 explicit), ph, pw}."""
    kh, kw, sh, sw, dh, dw, mode, ph, pw = window
    if mode == 1:
        top, bottom = same(h.shape[2], kh, sh, dh)
        left, right = same(h.shape[3], kw, sw, dw)
    elif mode == 2:
        top, bottom, left, right = ph, ph, pw, pw
    else:
        top = bottom = left = right = 0
    return F.pad(h, (left, right, top, bottom), value=value)


def operation(op, a, ints, numbers):
    if op == "add":
        return a[0] + a[1]
    if op == "subtract":
        return a[0] - a[1]
    if op == "multiply":
        return a[0] * a[1]
    if op == "divide":
        return a[0] / a[1]
    if op == "max":  # at ties the gradient goes to the second operand
        return torch.where(a[0] > a[1], a[0], a[1])
    if op == "affine":
        return numbers[0] * a[0] + numbers[1]
    if op == "matmul":
        return a[0] @ a[1]
    if op == "exp":
        return torch.exp(a[0])
    if op == "log":
        return torch.log(a[0])
    if op == "tanh":
        return torch.tanh(a[0])
    if op == "sigmoid":
        return torch.sigmoid(a[0])
    if op == "relu":
        return torch.relu(a[0])
    if op == "sum":
        return a[0].sum(ints[0], keepdim=True)
    if op == "mean":
        return a[0].mean(ints[0], keepdim=True)
    if op == "maxAlong":  # tied maxima share the gradient equally
        return a[0].amax(ints[0], keepdim=True)
    if op == "sumAll":
        return a[0].sum(1, keepdim=True).sum(0, keepdim=True)
    if op == "meanAll":
        return a[0].mean(1, keepdim=True).mean(0, keepdim=True)
    if op == "reshape":
        return a[0].reshape(ints)
    if op == "flatten":
        return a[0].reshape(a[0].shape[0], -1)
    if op == "transpose":
        return a[0].t()
    if op == "slice":
        return a[0].narrow(ints[0], ints[1], ints[2] - ints[1])
    if op == "concat":
        return torch.cat(a, ints[0])
    if op == "detach":
        return a[0].detach()
    if op == "conv2d":
        return F.conv2d(pad(ints, a[0]), a[1], stride=ints[2:4], dilation=ints[4:6])
    if op == "addPerChannel":
        x, b = a
        return x + b.reshape([1, x.shape[1]] + [1] * (x.dim() - 2))
    if op == "maxPool":  # padding is never the maximum
        return F.max_pool2d(pad(ints, a[0], -math.inf), ints[0:2], ints[2:4], dilation=ints[4:6])
    if op == "avgPool":  # padding counts as zeros, and every window divides by kh·kw
        return F.avg_pool2d(pad(ints, a[0]), ints[0:2], ints[2:4])
    if op == "softmax":
        return torch.softmax(a[0], 1)
    if op == "leakyRelu":
        return F.leaky_relu(a[0], numbers[0])
    if op == "softmaxCrossEntropy":
        z, t = a
        return (-(t * F.log_softmax(z, 1)).sum() / z.shape[0]).reshape(1, 1)
    raise ValueError("no PyTorch counterpart for operation " + op)


def difference(expected, actual):
    """max |expected − actual| / max(1, max |expected|), expected from PyTorch; infinite where either has NaN."""
    expected = expected.detach().reshape(-1)
    actual = torch.tensor(actual).reshape(-1)
    if expected.numel() != actual.numel():
        return math.inf
    if expected.numel() == 0:
        return 0.0
    d = ((expected - actual).abs().max() / max(1.0, expected.abs().max().item())).item()
    return d if d == d else math.inf  # a NaN on either side, which max() would pass over


def check_expression(case):
    steps = case["steps"]
    values = []
    for step in steps:
        op = step["op"]
        if op in ("variable", "constant", "parameter"):
            shape = step["ints"] if len(step["ints"]) != 1 else [1] + step["ints"]
            v = torch.tensor(step["numbers"]).reshape(shape)
            if op != "constant":
                v.requires_grad_(True)
        else:
            v = operation(op, [values[i] for i in step["operands"]], step["ints"], step["numbers"])
            if v.requires_grad:
                v.retain_grad()
        values.append(v)
    root = values[-1]
    root.backward(torch.tensor(case["seed"]).reshape(root.shape))
    differences = {}
    for i, (step, v) in enumerate(zip(steps, values)):
        where = "step %d (%s)" % (i, step["op"])
        differences["value of " + where] = difference(v, step["value"])
        if v.requires_grad != step["tracked"]:
            differences["tracking of " + where] = math.inf
        if v.requires_grad:
            g = v.grad if v.grad is not None else torch.zeros_like(v)
            if step["op"] == "parameter":  # added to what the parameter's gradient held
                g = g + torch.tensor(step["gradient"]).reshape(g.shape)
            differences["gradient of " + where] = difference(g, step["grad"])
    return max(differences.items(), key=lambda kv: kv[1])



for line in open(sys.argv[1]):
    case = json.loads(line)
    where, worst = check_expression(case)
    print(case["name"], repr(worst), where.replace(" ", "_"))
