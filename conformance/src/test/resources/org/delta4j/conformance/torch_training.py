"""PyTorch's verdict on training runs Delta4j's Trainer made: one run a line of the file given (JSON: the optimizer as
Delta4j writes it, the data, each epoch's visiting order, the parameters before and after, and each epoch's reported
loss, accuracy and learning rate). The same network, x -> tanh(x W1 + b1) W2 + b2, is trained in float64 by
torch.optim under PyTorch's scheduler for the schedule, stepped after each update, in batches of the run's size taken
in the run's order, each batch's loss the mean over its rows (cross_entropy or mse_loss). One line a run is printed:
"<run> <difference> <where>", the largest difference of a final weight, an epoch's loss, accuracy or learning rate."""
import json
import sys

import torch
from torch.optim import lr_scheduler


def optimizer(spec, params):
    """Delta4j's optimizer as torch.optim's: its L2 weight decay is torch's weight_decay, AdamW's is decoupled."""
    kind, lr, decay = spec["type"], spec["learning_rate"], spec["weight_decay"]
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=decay)
    if kind in ("momentum", "nesterov"):
        return torch.optim.SGD(params, lr=lr, momentum=spec["momentum"], nesterov=kind == "nesterov",
                               weight_decay=decay)
    if kind == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=spec["epsilon"], weight_decay=decay)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=spec["rho"], eps=spec["epsilon"], weight_decay=decay)
    if kind in ("adam", "adamw"):
        adam = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
        return adam(params, lr=lr, betas=(spec["beta1"], spec["beta2"]), eps=spec["epsilon"], weight_decay=decay)
    raise ValueError("no torch.optim counterpart for optimizer kind " + kind)


def scheduler(spec, opt):
    """Delta4j's schedule as PyTorch's scheduler, and the last update after which it is stepped (its cosine stays at
    its minimum past T_max, where PyTorch's rises again), or None."""
    s = spec["schedule"]
    if s["type"] == "constant":
        return None, None
    if s["type"] == "step":
        return lr_scheduler.StepLR(opt, s["step_size"], s["gamma"]), None
    if s["type"] == "exponential" and s["decay_steps"] == 1:
        return lr_scheduler.ExponentialLR(opt, s["gamma"]), None
    if s["type"] == "exponential":
        gamma, steps = s["gamma"], s["decay_steps"]
        return lr_scheduler.LambdaLR(opt, lambda t: gamma ** (t / steps)), None
    if s["type"] == "cosine":
        eta_min = spec["learning_rate"] * s["min_fraction"]
        return lr_scheduler.CosineAnnealingLR(opt, s["total_steps"], eta_min), s["total_steps"]
    raise ValueError("no PyTorch scheduler for schedule " + s["type"])


def check(case):
    f64 = torch.float64
    params = [torch.tensor(p["v"], dtype=f64).reshape(p["shape"]).requires_grad_(True) for p in case["before"]]
    w1, b1, w2, b2 = params
    opt = optimizer(case["optimizer"], params)
    schedule, last = scheduler(case["optimizer"], opt)
    x = torch.tensor(case["features"], dtype=f64)
    values = torch.tensor(case["values"], dtype=f64)
    labels = torch.tensor(case["labels"])
    n, size, made = len(x), case["batch_size"], 0
    worst, where = 0.0, "-"

    def compare(what, mine, theirs):
        nonlocal worst, where
        if mine is None or theirs is None:
            d = 0.0 if mine is None and theirs is None else float("inf")
        else:
            d = abs(mine - theirs)
        if not d <= worst:
            worst, where = d, "%s(delta4j:%r,torch:%r)" % (what, theirs, mine)

    for e, (order, reported) in enumerate(zip(case["orders"], case["epochs"])):
        rate, loss_sum, correct = opt.param_groups[0]["lr"], 0.0, 0
        for start in range(0, n, size):
            rows = torch.tensor(order[start:start + size])
            out = torch.tanh(x[rows] @ w1 + b1) @ w2 + b2
            if case["classes"]:
                loss = torch.nn.functional.cross_entropy(out, labels[rows])
                correct += (out.argmax(1) == labels[rows]).sum().item()
            else:
                loss = torch.nn.functional.mse_loss(out, values[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
            made += 1
            if schedule is not None and (last is None or made <= last):
                schedule.step()
            loss_sum += loss.item() * len(rows)
        compare("loss@epoch%d" % (e + 1), loss_sum / n, reported["loss"])
        compare("accuracy@epoch%d" % (e + 1), correct / n if case["classes"] else None, reported["accuracy"])
        compare("rate@epoch%d" % (e + 1), rate, reported["rate"])
    for p, after in zip(params, case["after"]):
        d = (p.detach() - torch.tensor(after["v"], dtype=f64).reshape(p.shape)).abs().max().item()
        if not d <= worst:
            worst, where = d, after["name"]
    return worst, where


def main():
    with open(sys.argv[1]) as f:
        for line in f:
            case = json.loads(line)
            worst, where = check(case)
            print(case["name"], worst, where, flush=True)


if __name__ == "__main__":
    main()
