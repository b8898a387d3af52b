"""PyTorch's verdict on optimizer runs Delta4j made: one run a line of the file given (JSON: the optimizer as Delta4j
writes it, the data type, the parameters' initial values, and each update's gradients, learning rate and resulting
parameters). torch.optim replays each run with the same settings under PyTorch's scheduler for the schedule, and one
line a run is printed: "<run> <weights> <rates> <where>". <weights> is the largest difference of a parameter after an
update in units of round-off: the data type's epsilon times the sum, over the updates so far, of the parameter's
largest value and its largest change, plus for FLOAT32 PyTorch's own departure from its FLOAT64 run (see check).
<rates> is the largest difference of a learning rate relative to the base rate; <where> names the update of each."""
import json
import sys

import torch
from torch.optim import lr_scheduler

DATA_TYPES = {"FLOAT64": torch.float64, "FLOAT32": torch.float32}


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


class Schedule:
    """Delta4j's schedule as PyTorch's scheduler, stepped after each update (Delta4j's t counts the updates made).
    Delta4j's exponential decay by gamma every decay_steps updates is ExponentialLR for one step, LambdaLR otherwise;
    its cosine is CosineAnnealingLR until T_max, past which PyTorch's rises again and Delta4j's stays at its minimum,
    where the scheduler, no longer stepped, leaves it."""

    def __init__(self, spec, opt):
        s = spec["schedule"]
        self.last = None
        if s["type"] == "constant":
            self.scheduler = None
        elif s["type"] == "step":
            self.scheduler = lr_scheduler.StepLR(opt, s["step_size"], s["gamma"])
        elif s["type"] == "exponential" and s["decay_steps"] == 1:
            self.scheduler = lr_scheduler.ExponentialLR(opt, s["gamma"])
        elif s["type"] == "exponential":
            gamma, steps = s["gamma"], s["decay_steps"]
            self.scheduler = lr_scheduler.LambdaLR(opt, lambda t: gamma ** (t / steps))
        elif s["type"] == "cosine":
            self.scheduler = lr_scheduler.CosineAnnealingLR(opt, s["total_steps"],
                                                            spec["learning_rate"] * s["min_fraction"])
            self.last = s["total_steps"]
        else:
            raise ValueError("no PyTorch scheduler for schedule " + s["type"])

    def step(self, made):
        if self.scheduler is not None and (self.last is None or made <= self.last):
            self.scheduler.step()


class Replay:
    """torch.optim's run of the case in a data type: the parameters, the optimizer and its scheduler."""

    def __init__(self, case, dtype):
        self.dtype = dtype
        self.params = {n: torch.tensor(p["v"], dtype=dtype).reshape(p["shape"]).requires_grad_(True)
                       for n, p in case["params"].items()}
        self.opt = optimizer(case["optimizer"], list(self.params.values()))
        self.schedule = Schedule(case["optimizer"], self.opt)

    def rate(self):
        return self.opt.param_groups[0]["lr"]

    def update(self, made, grads):
        """Update number made + 1 from the gradients given; the parameters after it, in float64."""
        for n, p in self.params.items():
            p.grad = torch.tensor(grads[n], dtype=self.dtype).reshape(p.shape)
        self.opt.step()
        self.schedule.step(made + 1)
        return {n: p.detach().double() for n, p in self.params.items()}


def check(case):
    """The largest difference from PyTorch in units of round-off, and of the rates, with where each was. A FLOAT32 run
    is also replayed in FLOAT64, from the same values: where its updates amplify round-off (L2 decay through an ε far
    below the gradient, α·λ/ε in the thousands, multiplies a difference of one update by that in the next), PyTorch's
    own FLOAT32 run departs from it too, and that departure counts as round-off as well."""
    dtype = DATA_TYPES[case["data_type"]]
    eps = torch.finfo(dtype).eps
    run = Replay(case, dtype)
    exact = Replay(case, torch.float64) if dtype != torch.float64 else None
    base = case["optimizer"]["learning_rate"]
    scale = {n: p.detach().double().abs().max().item() for n, p in run.params.items()}
    worst, worst_rate, where, where_rate = 0.0, 0.0, "-", "-"
    for t, (grads, rate, after) in enumerate(zip(case["grads"], case["rates"], case["after"])):
        difference = abs(rate - run.rate()) / base
        if not difference <= worst_rate:
            worst_rate, where_rate = difference, "rate@update%d(%r,torch:%r)" % (t + 1, rate, run.rate())
        before = {n: p.detach().double().clone() for n, p in run.params.items()}
        ws = run.update(t, grads)
        departure = exact.update(t, grads) if exact else None
        for n, w in ws.items():
            scale[n] += w.abs().max().item() + (w - before[n]).abs().max().item()
            allowed = eps * scale[n] + ((w - departure[n]).abs().max().item() if departure else 0)
            d = (torch.tensor(after[n], dtype=torch.float64).reshape(w.shape) - w).abs().max().item()
            units = d / allowed
            if not units <= worst:
                worst, where = units, "%s@update%d" % (n, t + 1)
    return worst, worst_rate, where + "," + where_rate


def main():
    with open(sys.argv[1]) as f:
        for line in f:
            case = json.loads(line)
            worst, worst_rate, where = check(case)
            print(case["name"], worst, worst_rate, where, flush=True)


if __name__ == "__main__":
    main()
