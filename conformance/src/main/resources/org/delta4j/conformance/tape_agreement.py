"""PyTorch's verdict on what Delta4j's tape computed: one case a line of the file given (JSON). An "expression" case is
a random program of tape operations (RandomExpression.java) with each step's value, whether it is tracked, and each
tracked step's gradient after a backward pass from the last step with the seed given; PyTorch evaluates the same
program in float64 with autograd. A "network" case is a network with blocks (nested, of one node, of convolutions and
batch norm, of layers written forward-only), its initial parameters, and what Delta4j computed training it with SGD on
the batches given: the loss of each step, the parameters after them and the inference-mode outputs on the last batch;
PyTorch rebuilds the network from torch.nn.functional, as the spec defines its layers, and trains it alike. For each
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
    if op == "max":
        return torch.maximum(a[0], a[1])
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


def window_of(layer):
    """A layer's window fields as {kh, kw, sh, sw, dh, dw, mode, ph, pw}."""
    mode = {"valid": 0, "same": 1, "explicit": 2}[layer.get("padding", "valid")]
    return layer["kernel"] + layer["stride"] + layer["dilation"] + [mode] + layer.get("pad", [0, 0])


class Network:
    """A network from its spec's JSON: parameters by name, batch norm running statistics by layer."""

    def __init__(self, spec, params):
        self.spec = spec
        self.p = params
        self.running = {}

    def layers(self, layers, h, prefix, training):
        for layer in layers:
            h = self.layer(layer, h, prefix + layer["name"] + ".", training)
        return h

    def layer(self, layer, h, at, training):
        """h through one layer whose parameters are named at + role (a block's node: <block>.<node>:<role>)."""
        kind, p = layer["type"], self.p
        if kind == "block":
            outputs = {"input": h}
            pending = list(layer["nodes"])
            while pending:  # each node once its inputs are computed
                node = next(n for n in pending if all(i in outputs for i in n["inputs"]))
                pending.remove(node)
                ins = [outputs[i] for i in node["inputs"]]
                if node.get("merge", "add") == "add":
                    x = ins[0]
                    for more in ins[1:]:
                        x = x + more
                else:
                    x = torch.cat(ins, -1)
                outputs[node["layer"]["name"]] = self.layer(node["layer"], x, at + node["layer"]["name"] + ":",
                                                            training)
            return outputs[layer.get("output") or layer["nodes"][-1]["layer"]["name"]]
        if kind in ("dense", "autodiff_dense"):
            return h.reshape(h.shape[0], -1) @ p[at + "weight"] + (p[at + "bias"] if at + "bias" in p else 0)
        if kind == "highway":  # T ⊙ H + (1 − T) ⊙ x, T = σ(x·V + c), H = tanh(x·W + b)
            gate = torch.sigmoid(h @ p[at + "gate_weight"] + p[at + "gate_bias"])
            return gate * torch.tanh(h @ p[at + "transform_weight"] + p[at + "transform_bias"]) + (1 - gate) * h
        if kind == "conv2d":
            w = window_of(layer)
            return F.conv2d(pad(w, h), p[at + "weight"], p.get(at + "bias"), stride=w[2:4], dilation=w[4:6])
        if kind == "max_pool2d":
            w = window_of(layer)
            return F.max_pool2d(pad(w, h, -math.inf), w[0:2], w[2:4], dilation=w[4:6])
        if kind == "batch_norm":
            if at not in self.running:
                self.running[at] = (torch.zeros(h.shape[1]), torch.ones(h.shape[1]))
            mean, var = self.running[at]
            return F.batch_norm(h, mean, var, p[at + "gamma"], p[at + "beta"], training=training,
                                momentum=layer["momentum"], eps=layer["epsilon"])
        if kind in ("relu", "autodiff_relu"):
            return F.relu(h)
        if kind in ("tanh", "autodiff_tanh"):
            return torch.tanh(h)
        if kind in ("sigmoid", "autodiff_sigmoid"):
            return torch.sigmoid(h)
        if kind == "flatten":
            return h.reshape(h.shape[0], -1)
        if kind == "dropout" and not training:
            return h
        raise ValueError("no PyTorch counterpart for layer kind " + kind)

    def loss(self, out, y):
        if self.spec["loss"] == "softmax_cross_entropy":
            return -(y * F.log_softmax(out, 1)).sum() / out.shape[0]
        if self.spec["loss"] == "mean_squared_error":
            return F.mse_loss(out, y)
        raise ValueError("no PyTorch counterpart for loss " + self.spec["loss"])


def check_network(case):
    spec = case["spec"]
    params = {k: torch.tensor(v["v"]).reshape(v["shape"]).requires_grad_(True) for k, v in case["params"].items()}
    net = Network(spec, params)
    differences = {}
    for step, batch in enumerate(case["batches"]):
        x = torch.tensor(batch["x"]).reshape([batch["rows"]] + spec["input"])
        out = net.layers(spec["layers"], x, "", True)
        loss = net.loss(out, torch.tensor(batch["y"]).reshape(out.shape))
        loss.backward()
        differences["loss of step %d" % step] = abs(loss.item() - case["losses"][step]) / max(1.0, abs(loss.item()))
        with torch.no_grad():
            for v in params.values():
                if v.grad is not None:
                    v -= case["learning_rate"] * v.grad
                    v.grad = None
    for k, v in params.items():
        differences["parameter " + k + " after training"] = difference(v, case["trained"][k])
    with torch.no_grad():
        last = case["batches"][-1]
        x = torch.tensor(last["x"]).reshape([last["rows"]] + spec["input"])
        differences["inference outputs after training"] = difference(net.layers(spec["layers"], x, "", False),
                                                                     case["inference"])
    return max(differences.items(), key=lambda kv: kv[1])


for line in open(sys.argv[1]):
    case = json.loads(line)
    where, worst = check_expression(case) if case["kind"] == "expression" else check_network(case)
    print(case["name"], repr(worst), where.replace(" ", "_"))
