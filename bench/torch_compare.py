"""gdlib against PyTorch on the CPU: the digits MLP, optimizer steps, peak memory.

Everything runs in one process per measurement kind, with one thread for both
libraries (``torch.set_num_threads(1)``, and OpenBLAS/OpenMP limited to one
thread before numpy loads), in float64, the book's dtype:

* **MLP epoch.** One epoch of the chapter 9 network (64-64-10, ReLU, cross
  entropy) on the digits training split, batch size 32, SGD with momentum 0.9,
  shuffled every epoch. gdlib runs ``gdlib.training.train(epochs=1)``; PyTorch
  runs the loop a reader would write (``model(x)``, ``loss.backward()``,
  ``opt.step()``), with the same per-batch loss and accuracy bookkeeping.
  The two alternate, epoch by epoch, and the median epoch is reported.
* **Optimizer steps.** One step of SGD (momentum 0.9) and of Adam on one
  parameter vector of 10^4 ... 10^7 entries with a fixed gradient: gdlib's
  pure step (the book's default, new arrays out), gdlib with
  ``inplace=True`` (torch.optim's semantics) and ``torch.optim``'s default
  CPU implementation. The three alternate round by round; medians.
* **Peak memory.** A fresh subprocess per case: the peak resident memory
  (``VmHWM``, reset through ``/proc/self/clear_refs``) while the parameters
  and gradient are created and five steps are taken, minus the resident
  memory before; so it counts parameters, gradient, optimizer state and every
  temporary of a step.

Run:  .venv/bin/python bench/torch_compare.py [--quick]   (prints JSON)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
for _key, _value in THREADS.items():     # before numpy or torch is imported
    os.environ[_key] = _value

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

SIZES = (10**4, 10**5, 10**6, 10**7)
MEMORY_SIZES = (10**6, 10**7)
OPTIMIZERS = ("SGD", "Adam")
VARIANTS = ("gdlib", "gdlib_inplace", "torch")


def _torch():
    import torch
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    return torch


# --------------------------------------------------------------------------
# the MLP epoch
# --------------------------------------------------------------------------
def mlp_epoch(epochs: int = 30) -> dict:
    """Median seconds of one training epoch of the digits MLP in each library."""
    torch = _torch()
    from gdlib import nn, optim, training
    from gdlib.data import load_digits, train_val_test_split

    X, y = load_digits()
    split = train_val_test_split(X, y)
    X_tr, y_tr = split[0], split[1]
    batch = 32

    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(64, 64, rng=rng), nn.ReLU(), nn.Linear(64, 10, rng=rng))
    loss, opt = nn.CrossEntropyLoss(), optim.SGD(lr=0.05, momentum=0.9)
    state = {"opt": None, "seed": 0}

    def gdlib_epoch():
        h = training.train(model, loss, opt, X_tr, y_tr, epochs=1, batch_size=batch,
                           rng=state["seed"], verbose=False, opt_state=state["opt"])
        state["opt"], state["seed"] = h.opt_state, state["seed"] + 1
        return h.train_loss[-1]

    tmodel = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    with torch.no_grad():                      # the same starting weights
        for key, value in model.params.items():
            tmodel.state_dict()[key].copy_(torch.from_numpy(value))
    tloss = torch.nn.CrossEntropyLoss()
    topt = torch.optim.SGD(tmodel.parameters(), lr=0.05, momentum=0.9)
    Xt, yt = torch.from_numpy(X_tr), torch.from_numpy(y_tr).long()
    gen = torch.Generator().manual_seed(0)

    def torch_epoch():
        perm = torch.randperm(len(Xt), generator=gen)
        total, correct = 0.0, 0
        for i in range(0, len(Xt), batch):
            idx = perm[i:i + batch]
            xb, yb = Xt[idx], yt[idx]
            out = tmodel(xb)
            value = tloss(out, yb)
            topt.zero_grad()
            value.backward()
            topt.step()
            total += value.item() * len(idx)
            correct += int((out.argmax(dim=1) == yb).sum())
        return total / len(Xt)

    times = {"gdlib": [], "torch": []}
    losses = {}
    for _ in range(3):                         # warm-up
        gdlib_epoch(), torch_epoch()
    for _ in range(epochs):
        for name, fn in (("gdlib", gdlib_epoch), ("torch", torch_epoch)):
            t0 = time.perf_counter()
            losses[name] = fn()
            times[name].append(time.perf_counter() - t0)
    g, t = float(np.median(times["gdlib"])), float(np.median(times["torch"]))
    return {"architecture": "Linear(64, 64), ReLU, Linear(64, 10); cross entropy",
            "samples": int(len(X_tr)), "batch_size": batch, "batches": -(-len(X_tr) // batch),
            "optimizer": "SGD(lr=0.05, momentum=0.9)", "dtype": "float64", "threads": 1,
            "epochs_timed": epochs, "gdlib_seconds": g, "torch_seconds": t, "ratio": g / t,
            "final_train_loss": {k: float(v) for k, v in losses.items()}}


# --------------------------------------------------------------------------
# optimizer steps
# --------------------------------------------------------------------------
def _gdlib_optimizer(name: str):
    from gdlib import optim
    return optim.SGD(lr=1e-3, momentum=0.9) if name == "SGD" else optim.Adam(lr=1e-3)


def stepper(name: str, n: int, g: np.ndarray, variant: str):
    """A zero-argument function that takes one step of ``variant`` on n parameters."""
    if variant == "torch":
        torch = _torch()
        p = torch.zeros(n, requires_grad=True)
        p.grad = torch.from_numpy(g)
        topt = torch.optim.SGD([p], lr=1e-3, momentum=0.9) if name == "SGD" else torch.optim.Adam([p], lr=1e-3)
        return topt.step
    opt, inplace = _gdlib_optimizer(name), variant == "gdlib_inplace"
    box = {"params": np.zeros(n)}
    box["state"] = opt.init(box["params"])

    def step():
        box["params"], box["state"] = opt.step(box["params"], g, box["state"], inplace=inplace)
    return step


def _steppers(name: str, n: int, g: np.ndarray) -> dict:
    return {variant: stepper(name, n, g, variant) for variant in VARIANTS}


def optimizer_steps(sizes=SIZES, rounds: int = 7) -> list[dict]:
    """Median seconds per step for every optimizer, size and variant."""
    rows = []
    for name in OPTIMIZERS:
        for n in sizes:
            g = np.random.default_rng(0).standard_normal(n)
            steps = _steppers(name, n, g)
            k = max(5, int(4e6 // n))                  # steps per round: ~constant work
            for fn in steps.values():                  # warm-up (and the first-step branches)
                fn(), fn()
            times = {v: [] for v in VARIANTS}
            for _ in range(rounds):
                for variant, fn in steps.items():
                    t0 = time.perf_counter()
                    for _ in range(k):
                        fn()
                    times[variant].append((time.perf_counter() - t0) / k)
            row = {"optimizer": name, "n": n, "steps_per_round": k, "rounds": rounds}
            for variant in VARIANTS:
                row[f"{variant}_seconds"] = float(np.median(times[variant]))
            row["ratio"] = row["gdlib_seconds"] / row["torch_seconds"]
            row["ratio_inplace"] = row["gdlib_inplace_seconds"] / row["torch_seconds"]
            rows.append(row)
            del steps
    return rows


def growth(rows: list[dict], variant: str, optimizer: str) -> float:
    """Exponent k of time ~ n^k between the two largest sizes (1 = linear)."""
    pts = sorted((r["n"], r[f"{variant}_seconds"]) for r in rows if r["optimizer"] == optimizer)
    (n1, t1), (n2, t2) = pts[-2], pts[-1]
    return float(np.log(t2 / t1) / np.log(n2 / n1))


# --------------------------------------------------------------------------
# peak memory, one fresh process per case
# --------------------------------------------------------------------------
def _status(field: str) -> int:
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def _memory_child(name: str, n: int, variant: str) -> None:
    """In a fresh process: print the peak resident bytes of five steps (see :func:`peak_memory`)."""
    rng = np.random.default_rng(0)
    warm = stepper(name, 1000, rng.standard_normal(1000), variant)   # what a first step loads lazily
    for _ in range(3):
        warm()
    del warm
    with open("/proc/self/clear_refs", "w") as f:                  # peak := now
        f.write("5")
    base = _status("VmRSS")
    step = stepper(name, n, rng.standard_normal(n), variant)
    for _ in range(5):
        step()
    print(json.dumps({"peak_bytes": _status("VmHWM") - base}))


def peak_memory(name: str, n: int, variant: str) -> int:
    """Peak resident bytes of parameters, gradient, state and step temporaries (a fresh process)."""
    out = subprocess.run([sys.executable, __file__, "--memory-child", name, str(n), variant],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["peak_bytes"]


def memory(sizes=MEMORY_SIZES) -> list[dict]:
    rows = []
    for name in OPTIMIZERS:
        for n in sizes:
            row = {"optimizer": name, "n": n, "vector_bytes": 8 * n}
            for variant in VARIANTS:
                row[f"{variant}_bytes"] = peak_memory(name, n, variant)
            row["ratio"] = row["gdlib_bytes"] / row["torch_bytes"]
            row["ratio_inplace"] = row["gdlib_inplace_bytes"] / row["torch_bytes"]
            rows.append(row)
    return rows


def run(quick: bool = False) -> dict:
    """Every measurement of this module, as one JSON-ready dict."""
    sizes = SIZES[:3] if quick else SIZES
    steps = optimizer_steps(sizes, rounds=3 if quick else 11)
    return {
        "threads": 1,
        "dtype": "float64",
        "torch_optim_form": "torch.optim defaults on the CPU (single-tensor, in place)",
        "mlp": mlp_epoch(epochs=5 if quick else 30),
        "steps": steps,
        "growth": {f"{o}/{v}": growth(steps, v, o) for o in OPTIMIZERS for v in VARIANTS},
        "memory": memory(sizes=(10**5,) if quick else MEMORY_SIZES),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer sizes and repeats (a smoke run)")
    ap.add_argument("--memory-child", nargs=3, metavar=("OPTIMIZER", "N", "VARIANT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        name, n, variant = args.memory_child
        return _memory_child(name, int(n), variant)
    print(json.dumps(run(args.quick), indent=1))


if __name__ == "__main__":
    main()
