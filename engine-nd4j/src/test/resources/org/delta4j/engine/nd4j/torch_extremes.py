"""PyTorch's verdict on losses, activations and pooling Delta4j computed at the ends of the number range: one case a line of the
file given (JSON: the function, the storage type, the inputs as Delta4j stored them, and Delta4j's results). PyTorch
computes each in float64 from the same values; its results are rounded to the storage type and compared element by
element, relative to the largest finite magnitude of their array, within a few units of the type's round-off. NaN
must meet NaN and an infinity the same infinity. Prints "<case> agrees" or "<case> differs: <where> ...".

Where Delta4j documents a convention of its own, the reference follows it, and only there:
- BINARY_CROSS_ENTROPY and CATEGORICAL_CROSS_ENTROPY clamp probabilities to [eps, 1 - eps] first (PyTorch's own BCE
  clamps the log at -100 instead), and BCE's gradient is (o - t)/(o(1 - o))/N at the clamped o (PyTorch's divides by
  max(o(1 - o), 1e-12), which differs only where o(1 - o) < 1e-12);
- PERCEPTRON's subgradient is -t/N where t*a <= 0: a zero activation counts as a mistake (ReLU's autograd takes 0).
Pooling is max_pool2d (padding -inf) and avg_pool2d (padding counted as zeros), with their backward passes: which tap
of a window takes max pooling's gradient is PyTorch's choice, NaN and ties included."""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

TOLERANCE = {"FLOAT32": 1e-6, "FLOAT64": 1e-12}
STORAGE = {"FLOAT32": torch.float32, "FLOAT64": torch.float64}


def stored(values, kind):
    """The values rounded to the storage type, as Delta4j keeps them, back in float64."""
    return values.detach().to(STORAGE[kind]).to(torch.float64)


def loss_reference(case):
    n, eps = case["rows"], case["eps"]
    p = torch.tensor(case["p"]).reshape(n, case["cols"]).requires_grad_(True)
    t = torch.tensor(case["t"]).reshape(n, case["cols"])
    f = case["function"]
    if f == "squared_error":
        loss = 0.5 * ((p - t) ** 2).sum() / n
    elif f == "mean_squared_error":
        loss = F.mse_loss(p, t)
    elif f == "softmax_cross_entropy":
        loss = -(t * F.log_softmax(p, 1)).sum() / n
    elif f == "categorical_cross_entropy":
        o = p.detach().clamp(eps, 1 - eps).requires_grad_(True)
        loss = -(t * torch.log(o)).sum() / n
        loss.backward()
        return loss.item(), o.grad
    elif f == "binary_cross_entropy":
        o = p.detach().clamp(eps, 1 - eps)
        if torch.isfinite(o).all():  # F.binary_cross_entropy refuses NaN; its log clamp at -100 never acts here
            loss = F.binary_cross_entropy(o, t, reduction="sum") / n
        else:
            loss = -(t * torch.log(o) + (1 - t) * torch.log(1 - o)).sum() / n
        return loss.item(), (o - t) / (o * (1 - o)) / n
    elif f == "perceptron":
        loss = F.relu(-t * p).sum() / n
        return loss.item(), torch.where(t * p <= 0, -t / n, torch.zeros_like(t))
    else:
        raise ValueError("no PyTorch counterpart for loss " + f)
    loss.backward()
    return loss.item(), p.grad


def activation_reference(case):
    shape = (case["rows"], case["cols"])
    x = torch.tensor(case["x"]).reshape(shape).requires_grad_(True)
    dy = torch.tensor(case["dy"]).reshape(shape)
    f = case["function"]
    if f == "identity":
        y = x * 1
    elif f == "relu":
        y = F.relu(x)
    elif f == "leaky_relu":
        y = F.leaky_relu(x, case["alpha"])
    elif f == "sigmoid":
        y = torch.sigmoid(x)
    elif f == "tanh":
        y = torch.tanh(x)
    elif f == "softmax":
        y = F.softmax(x, 1)
    else:
        raise ValueError("no PyTorch counterpart for activation " + f)
    y.backward(dy)
    return y, x.grad


def pool_reference(case):
    shape = case["shape"]
    x = torch.tensor(case["x"]).reshape(shape).requires_grad_(True)
    window, stride, padding = case["window"], case["stride"], case["padding"]
    if case["function"] == "max":
        y = F.max_pool2d(x, window, stride, padding)
    else:
        y = F.avg_pool2d(x, window, stride, padding)
    y.backward(torch.tensor(case["dy"]).reshape(y.shape))
    return y, x.grad


def disagreement(what, got, expected, tolerance):
    """None, or where the got values leave the expected ones by more than tolerance times the array's scale."""
    got = torch.tensor(got, dtype=torch.float64).reshape(-1)
    expected = expected.reshape(-1)
    finite = expected[torch.isfinite(expected)]
    scale = max(finite.abs().max().item(), 1e-300) if finite.numel() else 1.0
    for i, (a, b) in enumerate(zip(got.tolist(), expected.tolist())):
        if math.isnan(b) or math.isinf(b):
            ok = (math.isnan(a) and math.isnan(b)) or a == b
        else:
            ok = math.isfinite(a) and abs(a - b) <= tolerance * max(abs(b), scale)
        if not ok:
            return "%s[%d]: Delta4j %r, PyTorch %r" % (what, i, a, b)
    return None


def check(case):
    tolerance = TOLERANCE[case["type"]]
    if case["kind"] == "loss":
        loss, gradient = loss_reference(case)
        return (disagreement("loss", [case["loss"]], torch.tensor([loss]), tolerance)
                or disagreement("gradient", case["gradient"], stored(gradient, case["type"]), tolerance))
    y, dx = pool_reference(case) if case["kind"] == "pool" else activation_reference(case)
    return (disagreement("output", case["y"], stored(y, case["type"]), tolerance)
            or disagreement("input gradient", case["dx"], stored(dx, case["type"]), tolerance))


for line in open(sys.argv[1]):
    case = json.loads(line)
    verdict = check(case)
    print(case["name"], "agrees" if verdict is None else "differs: " + verdict)
