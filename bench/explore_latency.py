"""Median time from a live control change to the redrawn figure (gdlib.explore).

A contour plot with three optimizer paths run by ``gdlib.minimize`` (the
book's most common exploration). The learning-rate slider of the live widget form is moved
programmatically, in process (no browser): the time covers the observer,
re-running the optimizers, redrawing the figure and encoding the PNG that the
Image widget sends to the front end; the browser's decoding is not included.

Two ways of writing the plot function are timed:
- reuse:   ``plot`` returns ``(fig, update)``; update moves the path artists
           (``set_data``) and only they are redrawn over a cached background;
- scratch: ``plot`` returns a new Figure on every change.

A third measurement goes through a real Jupyter kernel (jupyter_client): from
the ``comm_msg`` a browser sends when the slider moves to the kernel's
message that carries the new image (the browser's decoding is still not
included).

Run:  .venv/bin/python bench/explore_latency.py [--repeats 60] [--no-kernel] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from gdlib import Choice, Slider, explore, viz  # noqa: E402

import gdlib  # noqa: E402
from gdlib.objectives import ill_conditioned  # noqa: E402
from gdlib.optim import SGD  # noqa: E402

f = ill_conditioned(10.0)  # eigenvalues 1 and 10
X0 = np.array([-1.8, 1.2])
NAMES = ("SGD", "Momentum", "Nesterov")


def run(name: str, lr: float, steps: int = 60) -> gdlib.Result:
    """Plain GD, heavy ball and Nesterov (momentum 0.8) with gdlib.minimize."""
    opt = {"SGD": SGD(lr=lr), "Momentum": SGD(lr=lr, momentum=0.8),
           "Nesterov": SGD(lr=lr, momentum=0.8, nesterov=True)}[name]
    return gdlib.minimize(f, X0, opt, steps=steps)


def plot_reuse():
    fig = viz.contour(f, (-2, 2), (-1.5, 1.5), paths={n: None for n in NAMES}, minimum=[0, 0])
    paths = fig.axes[0].gdlib_paths

    def update(lr, steps):
        return paths.set({n: run(n, lr, steps) for n in NAMES})
    return fig, update


def plot_scratch(lr, steps):
    return viz.contour(f, (-2, 2), (-1.5, 1.5), paths={n: run(n, lr, steps) for n in NAMES}, minimum=[0, 0])


def measure(plot, repeats: int) -> list[float]:
    e = explore(plot, mode="live", lr=Slider(0.01, 0.19, num=19), steps=Choice([20, 60]))
    e.widget()
    slider, image = e._inputs["lr"], e._image
    times = []
    for k in range(repeats):
        before = image.value
        t0 = time.perf_counter()
        slider.value = (slider.value + 7) % 19  # a different grid value every time
        times.append(time.perf_counter() - t0)
        assert image.value != before
    return times


KERNEL_SETUP = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from explore_latency import plot_reuse, Slider, Choice, explore
e = explore(plot_reuse, mode="live", lr=Slider(0.01, 0.19, num=19), steps=Choice([20, 60]))
box = e.widget()
print(e._inputs["lr"].model_id, e._image.model_id)
"""


def measure_kernel(repeats: int) -> list[float]:
    """Through a real kernel: the comm message a browser sends on a slider move,
    until the kernel's message carrying the new image arrives (jupyter_client)."""
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        ids = []

        def out(msg):
            if msg["msg_type"] == "stream":
                ids.extend(msg["content"]["text"].split())
        kc.execute_interactive(KERNEL_SETUP, output_hook=out, timeout=120)
        slider_id, image_id = ids[:2]
        times, index = [], 9
        for _ in range(repeats):
            index = (index + 7) % 19
            msg = kc.session.msg("comm_msg", content={"comm_id": slider_id, "data": {
                "method": "update", "state": {"index": index}, "buffer_paths": []}})
            t0 = time.perf_counter()
            kc.shell_channel.send(msg)
            while True:
                reply = kc.get_iopub_msg(timeout=30)
                c = reply["content"]
                if (reply["msg_type"] == "comm_msg" and c.get("comm_id") == image_id
                        and ["value"] in c["data"].get("buffer_paths", [])):
                    break
            times.append(time.perf_counter() - t0)
        return times
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def summary(t: list[float]) -> dict:
    """Median and 90th percentile in milliseconds."""
    return {"median_ms": 1000 * statistics.median(t), "p90_ms": 1000 * sorted(t)[int(0.9 * len(t))],
            "changes": len(t)}


def measure_all(repeats: int = 60, kernel: bool = True) -> dict:
    """Every measurement of this module, as one JSON-ready dict."""
    out = {"in_process_reuse": summary(measure(plot_reuse, repeats)),
           "in_process_scratch": summary(measure(plot_scratch, repeats))}
    if kernel:
        out["kernel_reuse"] = summary(measure_kernel(repeats))
    return out


LABELS = {"in_process_reuse": "in process, reuse (fig, update)",
          "in_process_scratch": "in process, scratch (new Figure)",
          "kernel_reuse": "real kernel, reuse (fig, update)"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=60)
    ap.add_argument("--no-kernel", action="store_true", help="skip the measurement through a real kernel")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    results = measure_all(args.repeats, kernel=not args.no_kernel)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for key, r in results.items():
        print(f"{LABELS[key]:34s} median {r['median_ms']:6.1f} ms   p90 {r['p90_ms']:6.1f} ms   "
              f"({r['changes']} changes)")


if __name__ == "__main__":
    main()
