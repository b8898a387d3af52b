#!/usr/bin/python3
"""The PyTorch peer of Delta4j's benchmarks: the same MLP 784-256-128-10 (ReLU, softmax cross-entropy, Adam 1e-3,
Xavier-uniform weights, zero biases) and the same convolutional network (cnn() below), batch 128, FLOAT32, on the same
Fashion-MNIST data, with a fixed number of threads. Writes one JSON object of measurements.

Modes:
  bench     training-step throughput, inference latency at batch 1, throughput at batch 1000, one epoch; and under
            "cnn" the first three for the convolutional network (cnn() below)
  main-job  the equivalent of Delta4j's main job (load, train 5 epochs, evaluate) and its peak resident memory
  machine   only the machine record below

With --cores COMMAND (a process that answers each line on its standard input with the time, in ns, a cache line
takes between the two cores and the placement of the cores since its previous answer: Delta4j's MachineProbe
--cores), each training-step round is timed between two such probes and listed under "train_rounds" as {rate,
cores_before_ns, cores_after_ns}, so that the report compares it with Delta4j's iterations in the same placement of
the cores. Rounds go on past the first five, up to 25, until at least two fell in each placement the report compares
(near cores and far cores): a host that moves the cores now and then is then likely to have left PyTorch some rounds
in the placement Delta4j's iterations met.

Every output carries a "machine" record (the schema of Delta4j's report, org.delta4j.benchmarks.report.Machine): the
CPU as /proc/cpuinfo names it, the cores this process may use, the BLAS libraries actually mapped into it after a
product has run (resolved paths; for OpenBLAS its build and the core type it chose, asked through ctypes), and
torch.__config__'s and NumPy's own account of their BLAS.
"""
import argparse
import ctypes
import gzip
import json
import os
import re
import math
import resource
import shlex
import statistics
import subprocess
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


class CoreProbe:
    """Where the host has the two cores at a moment: a cache line's time between them, one way in ns (about 30 within
    one L3, 100 and more across two), asked of a long-lived process that answers one line per line sent."""

    def __init__(self, command):
        self.process = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        self.nanos()  # the first answer comes from a cold JVM

    def nanos(self):
        """The cache line's time now (None when the probe could not tell), and the placement since the last call."""
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline().strip()
        if not line:
            raise RuntimeError("the cores probe ended without an answer")
        value, placement = line.split(" ", 1)
        value = float(value)
        return (None if math.isnan(value) else value), placement

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


ROUNDS = 5
PLACED_ROUNDS_MAX = 25
COMPARED_PLACEMENTS = ("near cores", "far cores")


def timed_rate(fn, seconds, warmup_seconds, probe=None):
    """Calls per second of fn in rounds of `seconds` / 5, after warming up: the best round, the median one, and the
    rounds ({rate, cores_before_ns, cores_after_ns}, the probe's times around each; None without a probe). Five
    rounds; with a probe, more until two fell in each compared placement, up to PLACED_ROUNDS_MAX."""
    end = time.perf_counter() + warmup_seconds
    while time.perf_counter() < end:
        fn()
    rates = []
    rounds = []
    placed = {p: 0 for p in COMPARED_PLACEMENTS}
    before = probe.nanos()[0] if probe else None
    while len(rates) < ROUNDS or (probe and len(rates) < PLACED_ROUNDS_MAX and min(placed.values()) < 2):
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds / ROUNDS:
            fn()
            n += 1
        rates.append(n / (time.perf_counter() - start))
        if probe:
            after, placement = probe.nanos()
            if placement in placed:
                placed[placement] += 1
            rounds.append({"rate": rates[-1], "cores_before_ns": before, "cores_after_ns": after})
            before = after
    return max(rates), statistics.median(rates), rounds if probe else None


CPUINFO_FIELDS = ("vendor_id", "cpu family", "model", "stepping", "model name", "flags", "CPU implementer",
                  "CPU part", "Features")
BLAS_NAME = re.compile(r"lib(open)?blas.*\.so|libcblas.*\.so|libmkl_(rt|core).*\.so|libblis.*\.so|"
                       r"libsatlas.*\.so|libtatlas.*\.so|libnvpl_blas.*\.so")


def cpuinfo():
    out = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    if out:
                        break
                    continue
                key, _, value = line.partition(":")
                if key.strip() in CPUINFO_FIELDS:
                    out.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    return out


def openblas_identity(path):
    """(config, core name, threads) of an OpenBLAS library, asked directly; empty strings for any other BLAS."""
    try:
        lib = ctypes.CDLL(path)
        config, core, threads = lib.openblas_get_config, lib.openblas_get_corename, lib.openblas_get_num_threads
    except (OSError, AttributeError):
        return "", "", ""
    config.restype = core.restype = ctypes.c_char_p
    return config().decode(), core().decode(), str(threads())


def machine(threads):
    """The machine record, taken after torch and NumPy have each run a product, so their BLAS is mapped."""
    a = torch.ones(64, 64)
    (a @ a).sum().item()
    np.ones((64, 64)) @ np.ones((64, 64))
    with open("/proc/self/maps") as f:
        mapped = {line.split()[-1] for line in f if line.split() and line.split()[-1].startswith("/")}
    blas = []
    blas_threads = ""
    for path in sorted(mapped):
        if BLAS_NAME.match(os.path.basename(path)):
            config, core, threads = openblas_identity(path)
            blas_threads = blas_threads or threads
            blas.append({"library": os.path.realpath(path), "config": config, "core": core})
    config = torch.__config__.show()
    torch_blas = re.search(r"BLAS_INFO=([^,\s]+)", config)
    settings = {
        "PyTorch": torch.__version__,
        "torch.__config__ BLAS_INFO": torch_blas.group(1) if torch_blas else "not stated",
        "NumPy": np.__version__,
        "NumPy BLAS": numpy_blas(),
        "threads": str(threads),
    }
    if blas_threads:
        settings["OpenBLAS threads"] = blas_threads
    for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_WAIT_POLICY",
              "ATEN_CPU_CAPABILITY"):
        if os.environ.get(v) is not None:
            settings[v] = os.environ[v]
    if os.environ.get("DELTA4J_VECTORS"):
        # benchmarks/run --vectors: ATEN_CPU_CAPABILITY holds PyTorch's own kernels, OPENBLAS_CORETYPE its BLAS
        settings["vectors held to"] = os.environ["DELTA4J_VECTORS"]
    return {"cpuinfo": cpuinfo(), "cores": len(os.sched_getaffinity(0)), "blas": blas, "settings": settings}


def numpy_blas():
    """What NumPy says it was built against (its show_config), in one line."""
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        np.show_config()
    names = set()
    for libs in re.findall(r"blas\w*_info:\s*\n\s*libraries = \[([^\]]*)\]", buf.getvalue()):
        names.update(n.strip(" '") for n in libs.split(","))
    if not names:
        return " ".join(buf.getvalue().split())[:120]
    return "built against " + ", ".join("lib%s" % n for n in sorted(names)) + " (the library mapped is listed)"


def cnn():
    """Delta4j's benchmarked CNN (org.delta4j.benchmarks.Cnn) layer for layer: per convolution conv 3x3 (same padding,
    no bias), batch norm (momentum 0.1, eps 1e-5), ReLU, max-pool 2; then dense 128, ReLU, dense 10; He-uniform
    weights (bound sqrt(6 / fan_in)), zero biases."""
    torch.manual_seed(1)
    layers, channels = [], 1
    for filters in (32, 64):
        layers += [nn.Conv2d(channels, filters, 3, padding=1, bias=False),
                   nn.BatchNorm2d(filters, eps=1e-5, momentum=0.1),
                   nn.ReLU(), nn.MaxPool2d(2)]
        channels = filters
    net = nn.Sequential(*layers, nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    for m in net:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return net


def measure(net, x, y, sample_shape, batches, seconds, probe=None):
    """Training-step throughput at batch 128 (Adam 1e-3, cycling through `batches` batches), then class
    probabilities for 1 sample (latency) and for 1000 (throughput), of `net` on samples of `sample_shape`."""
    batch = 128

    def images(rows):
        return torch.from_numpy(rows.astype(np.float32).reshape((-1,) + sample_shape) / 255.0)

    xs = [images(x[i * batch:(i + 1) * batch]) for i in range(batches)]
    ys = [torch.from_numpy(y[i * batch:(i + 1) * batch]) for i in range(batches)]
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    state = {"i": 0}

    def step():
        i = state["i"]
        state["i"] = (i + 1) % batches
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(xs[i]), ys[i])
        loss.backward()
        opt.step()

    best, median, rounds = timed_rate(step, seconds, seconds / 3, probe)
    out = {"train_steps_per_s": best, "train_steps_per_s_median": median, "train_samples_per_s": best * batch}
    if rounds:
        out["train_rounds"] = rounds

    one = images(x[:1])
    thousand = images(x[:1000])
    net.eval()
    with torch.no_grad():
        b1, _, _ = timed_rate(lambda: torch.softmax(net(one), dim=1), seconds, seconds / 3)
        b1000, _, _ = timed_rate(lambda: torch.softmax(net(thousand), dim=1), seconds, seconds / 3)
    out["batch1_latency_us"] = 1e6 / b1
    out["batch1000_per_s"] = b1000
    net.train()
    return out


def bench(args):
    x, y = load("train")
    batch = 128
    probe = CoreProbe(args.cores) if args.cores else None
    try:
        out = measure(mlp(), x, y, (784,), 16, args.seconds, probe)
        out["cnn"] = measure(cnn(), x, y, (1, 28, 28), 8, args.seconds, probe)
    finally:
        if probe:
            probe.close()
    loss_fn = nn.CrossEntropyLoss()

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
    p.add_argument("mode", choices=["bench", "main-job", "machine"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=6.0, help="measuring time per quantity")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--smoke", action="store_true", help="one short round of everything, no epoch")
    p.add_argument("--out", help="JSON file to write (default: stdout)")
    p.add_argument("--cores", help="command of a cores probe to time the training rounds between (see above)")
    args = p.parse_args()
    if args.smoke:
        args.seconds = 0.3
    torch.set_num_threads(args.threads)
    result = {"bench": bench, "main-job": main_job, "machine": lambda a: {}}[args.mode](args)
    result["machine"] = machine(torch.get_num_threads())
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
