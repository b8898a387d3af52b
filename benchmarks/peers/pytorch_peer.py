#!/usr/bin/python3
"""The PyTorch peer of Delta4j's benchmarks: the same MLP 784-256-128-10 (ReLU, softmax cross-entropy, Adam 1e-3,
Xavier-uniform weights, zero biases), batch 128, FLOAT32, on the same Fashion-MNIST data, with a fixed number of
threads. Writes one JSON object of measurements.

Modes:
  bench     training-step throughput, inference latency at batch 1, throughput at batch 1000, one epoch
  main-job  the equivalent of Delta4j's main job (load, train 5 epochs, evaluate) and its peak resident memory
"""
import argparse
import gzip
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

DATA = os.environ.get("DELTA4J_DATA") or "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    path = os.path.join(DATA, name + ".gz")
    opener = gzip.open if os.path.exists(path) else open
    path = path if os.path.exists(path) else os.path.join(DATA, name)
    with opener(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(kind):
    x = read_idx(f"{kind}-images-idx3-ubyte").reshape(-1, 784)
    y = read_idx(f"{kind}-labels-idx1-ubyte").astype(np.int64)
    return x, y


def mlp():
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net


def timed_rate(fn, seconds, warmup_seconds):
    """Calls per second of fn over about `seconds`, after warming up; the best of 5 rounds."""
    end = time.perf_counter() + warmup_seconds
    while time.perf_counter() < end:
        fn()
    rates = []
    for _ in range(5):
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds / 5:
            fn()
            n += 1
        rates.append(n / (time.perf_counter() - start))
    return max(rates), statistics.median(rates)


def bench(args):
    x, y = load("train")
    batch = 128
    xs = [torch.from_numpy(x[i * batch:(i + 1) * batch].astype(np.float32) / 255.0) for i in range(16)]
    ys = [torch.from_numpy(y[i * batch:(i + 1) * batch]) for i in range(16)]
    net = mlp()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    state = {"i": 0}

    def step():
        i = state["i"]
        state["i"] = (i + 1) % 16
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(xs[i]), ys[i])
        loss.backward()
        opt.step()

    best, median = timed_rate(step, args.seconds, args.seconds / 3)
    out = {"train_steps_per_s": best, "train_steps_per_s_median": median, "train_samples_per_s": best * batch}

    one = torch.from_numpy(x[:1].astype(np.float32) / 255.0)
    thousand = torch.from_numpy(x[:1000].astype(np.float32) / 255.0)
    net.eval()
    with torch.no_grad():
        b1, _ = timed_rate(lambda: torch.softmax(net(one), dim=1), args.seconds, args.seconds / 3)
        b1000, _ = timed_rate(lambda: torch.softmax(net(thousand), dim=1), args.seconds, args.seconds / 3)
    out["batch1_latency_us"] = 1e6 / b1
    out["batch1000_per_s"] = b1000
    net.train()

    if not args.smoke:
        times = []
        for _ in range(2):
            net = mlp()
            opt = torch.optim.Adam(net.parameters(), lr=1e-3)
            start = time.perf_counter()
            order = torch.randperm(len(x))
            for s in range(0, len(x), batch):
                idx = order[s:s + batch].numpy()
                xb = torch.from_numpy(x[idx].astype(np.float32) / 255.0)
                yb = torch.from_numpy(y[idx])
                opt.zero_grad(set_to_none=True)
                loss_fn(net(xb), yb).backward()
                opt.step()
            times.append(time.perf_counter() - start)
        out["epoch_seconds"] = min(times)
    return out


def main_job(args):
    x, y = load("train")
    xt, yt = load("t10k")
    net = mlp()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    batch = 128
    start = time.perf_counter()
    for _ in range(args.epochs):
        order = torch.randperm(len(x))
        for s in range(0, len(x), batch):
            idx = order[s:s + batch].numpy()
            xb = torch.from_numpy(x[idx].astype(np.float32) / 255.0)
            opt.zero_grad(set_to_none=True)
            loss_fn(net(xb), torch.from_numpy(y[idx])).backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        pred = net(torch.from_numpy(xt.astype(np.float32) / 255.0)).argmax(dim=1).numpy()
    return {
        "epochs": args.epochs,
        "test_accuracy": float((pred == yt).mean()),
        "seconds": time.perf_counter() - start,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["bench", "main-job"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=6.0, help="measuring time per quantity")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--smoke", action="store_true", help="one short round of everything, no epoch")
    p.add_argument("--out", help="JSON file to write (default: stdout)")
    args = p.parse_args()
    if args.smoke:
        args.seconds = 0.3
    torch.set_num_threads(args.threads)
    result = bench(args) if args.mode == "bench" else main_job(args)
    result.update({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
    })
    text = json.dumps(result, indent=2)
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, args.out)
    else:
        print(text)


if __name__ == "__main__":
    sys.exit(main())
