"""The whole benchmark: ``make bench`` runs this, then renders the appendix page.

Each part runs in its own process (the PyTorch comparison must limit the
thread count before numpy loads) and prints JSON; this script gathers them
with a description of the machine into ``bench/results/latest.json`` and
renders ``book/performance.md`` from it (:mod:`report`).

Parts:
  book     notebooks as a reader runs them and their explorations' redraws,
           nbval with 2 workers, the cold build and a rebuild, page weights
  explore  one exploration's latency in process and through a real kernel
  torch    gdlib against PyTorch: the digits MLP, optimizer steps, memory

Run:  .venv/bin/python bench/run.py [--only book,explore,torch] [--quick]
With ``--only``, the other parts' results are kept from the existing file.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import machine  # noqa: E402
import report  # noqa: E402

PARTS = {
    "book": ["book_times.py"],
    "explore": ["explore_latency.py", "--json"],
    "torch": ["torch_compare.py"],
}


def run_part(name: str, quick: bool) -> dict:
    cmd = [sys.executable, str(HERE / PARTS[name][0]), *PARTS[name][1:]]
    if quick:
        cmd += {"book": ["--skip-nbval"], "explore": ["--repeats", "10"], "torch": ["--quick"]}[name]
    t0 = time.perf_counter()
    print(f"bench: {name} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench: the {name} part failed (exit {proc.returncode})")
    print(f"bench: {name} done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return json.loads(proc.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=",".join(PARTS), help="comma-separated parts (default: all)")
    ap.add_argument("--quick", action="store_true", help="fewer repeats and sizes, no nbval (a smoke run)")
    ap.add_argument("--results", type=Path, default=report.RESULTS)
    ap.add_argument("--page", type=Path, default=report.PAGE)
    args = ap.parse_args()
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise SystemExit(f"--only: unknown part(s) {unknown}; the parts are {', '.join(PARTS)}")

    results = json.loads(args.results.read_text()) if args.results.exists() else {}
    results["machine"] = machine.describe()
    results["command"] = "make bench" if set(parts) == set(PARTS) and not args.quick else \
        " ".join(["bench/run.py", *sys.argv[1:]])
    if "book" in parts and not args.page.exists():
        # The appendix is itself a page of the book the book part builds and weighs:
        # a first run needs a page to weigh (it is rewritten below).
        args.page.write_text(report.render({**results, "finished": "(this run is in progress)"}))
    for name in parts:
        results[name] = run_part(name, args.quick)
    results["finished"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=1) + "\n")
    args.page.write_text(report.render(results))
    print(f"bench: wrote {args.results} and {args.page}", file=sys.stderr)
    for b in report.budgets(results):
        print(f"  {'ok    ' if b['met'] else 'MISSED'} {b['what']}: {b['measured']} (budget {b['budget']})",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
