"""How long the book takes: each notebook, the nbval run, the cold build, a rebuild.

* **Notebooks as a reader runs them.** Each notebook executed top to bottom
  in a fresh kernel (nbclient, live explorations, nothing written back),
  from kernel start to the last cell; then every exploration it made has
  each of its controls moved, and the redraw timed (the live latency).
* **Notebooks in the build.** The seconds myst-nb reports for each notebook
  during the cold build (explorations precompute their static frames there).
* **nbval.** ``pytest -n 2 --dist loadfile --nbval`` over ``book/``: every
  notebook re-run and compared with its committed outputs, 2 workers.
* **Cold build.** ``jupyter-book build`` into an empty folder (no execution
  cache): every notebook executed, then the HTML. Then the same command again
  with nothing changed: the **rebuild**.
* **Page weight.** Every page of the cold build, measured as the tests
  measure it (its HTML plus the files only it loads), the shared theme and
  MathJax, and the whole HTML folder.

Run:  .venv/bin/python bench/book_times.py [--skip-nbval]   (prints JSON)
      .venv/bin/python bench/book_times.py --explorations book/ch07_adaptive.ipynb   (a table)
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from book_pages import notebooks, page_weight, shared_weight, toc_docnames  # noqa: E402

BUILD_DIR = ROOT / "_build" / "bench-book"


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


RECORD_EXPLORATIONS = """
import sys as _bench_sys
import gdlib  # noqa: F401  (gdlib.explore is also the name of the function)
_bench_gx = _bench_sys.modules["gdlib.explore"]
_bench_explorations = []
_bench_init = _bench_gx.Exploration.__init__
def _bench_record(self, *args, **kwargs):
    _bench_init(self, *args, **kwargs)
    _bench_explorations.append((get_ipython().execution_count - 2, self))   # In [k] as a reader sees it
_bench_gx.Exploration.__init__ = _bench_record
"""

MEASURE_EXPLORATIONS = """
import json as _bench_json, statistics as _bench_st, time as _bench_time
_bench_out = []
for _bench_cell, _bench_e in _bench_explorations:
    _bench_w = _bench_e.widget()
    _bench_t = []
    for _bench_name, _bench_ctl in _bench_e._inputs.items():
        _bench_n = len(_bench_e.controls[_bench_name])
        for _ in range(CHANGES):
            _bench_cur = int(_bench_ctl.value)
            _bench_new = (_bench_cur + max(1, _bench_n // 3)) % _bench_n
            if _bench_new == _bench_cur:
                _bench_new = (_bench_cur + 1) % _bench_n
            _bench_v = bool(_bench_new) if isinstance(_bench_ctl.value, bool) else _bench_new
            _bench_t0 = _bench_time.perf_counter()
            _bench_ctl.value = _bench_v
            _bench_t.append(_bench_time.perf_counter() - _bench_t0)
    _bench_out.append({"cell": _bench_cell, "controls": {k: len(c) for k, c in _bench_e.controls.items()},
                       "median_ms": 1000 * _bench_st.median(_bench_t),
                       "p90_ms": 1000 * sorted(_bench_t)[int(0.9 * len(_bench_t))],
                       "changes": len(_bench_t), "errors": bool(_bench_w.children[-1].outputs)})
print("BENCH-EXPLORE " + _bench_json.dumps(_bench_out))
"""


def notebook_seconds(changes: int = 8, paths: list[Path] | None = None) -> list[dict]:
    """Each notebook run as a reader runs it, then every exploration it made moved.

    A fresh kernel per notebook (live explorations, nothing written back); the
    time is from the kernel's start to the end of the last cell. Then, in the
    same kernel, every control of every exploration the notebook created is
    moved ``changes`` times to another grid value, and the time from setting
    the widget's value to the new image in the Image widget (the observer
    redraws and encodes synchronously) is recorded: the live latency without
    the browser's round trip (``bench/explore_latency.py`` measures that).
    """
    import nbformat
    from nbclient import NotebookClient

    env_before = os.environ.pop("GDLIB_EXPLORE", None)
    rows = []
    try:
        for path in paths or notebooks():
            nb = nbformat.read(path, as_version=4)
            record = nbformat.v4.new_code_cell(RECORD_EXPLORATIONS)
            measure = nbformat.v4.new_code_cell(MEASURE_EXPLORATIONS.replace("CHANGES", str(changes)))
            nb.cells = [record, *nb.cells, measure]
            client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}},
                                    store_widget_state=False, record_timing=False)
            t0 = time.perf_counter()
            with client.setup_kernel():
                for index, cell in enumerate(nb.cells[:-1]):
                    client.execute_cell(cell, index)
                seconds = time.perf_counter() - t0
                client.execute_cell(measure, len(nb.cells) - 1)
            text = "".join(o.get("text", "") for o in measure.outputs if o.get("name") == "stdout")
            explorations = json.loads(text.split("BENCH-EXPLORE ", 1)[1])
            rows.append({"notebook": path.relative_to(ROOT).as_posix(), "seconds": seconds,
                         "bytes": path.stat().st_size, "explorations": explorations})
            print(f"{seconds:6.1f} s  {path.name}  ({len(explorations)} explorations)", file=sys.stderr)
    finally:
        if env_before is not None:
            os.environ["GDLIB_EXPLORE"] = env_before
    return rows


def nbval_run() -> dict:
    """The nbval half of the test command, alone, with 2 workers."""
    cmd = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadfile", "--nbval",
           "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "-q", "book"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-1:]
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|error)", " ".join(tail))}
    return {"workers": 2, "seconds": seconds, "returncode": proc.returncode,
            "passed": counts.get("passed", 0), "failed": counts.get("failed", 0) + counts.get("error", 0),
            "summary": tail[0] if tail else ""}


def _build() -> tuple[float, str]:
    cmd = [_bin("jupyter-book"), "build", str(ROOT), "--path-output", str(BUILD_DIR)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"the book build failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return seconds, proc.stdout + proc.stderr


def builds() -> dict:
    """A cold build into an empty folder, then the same build with nothing changed."""
    if BUILD_DIR.exists():
        shutil.rmtree(BUILD_DIR)
    BUILD_DIR.mkdir(parents=True)
    cold, log = _build()
    rebuild, _ = _build()
    executed = [{"notebook": f"book/{name}", "seconds": float(sec)} for name, sec in
                re.findall(r"book/([\w.-]+\.ipynb): Executed notebook in ([\d.]+) seconds", log)]
    return {"cold_seconds": cold, "rebuild_seconds": rebuild, "executed": executed,
            "html": BUILD_DIR / "_build" / "html"}


def page_weights(html: Path) -> dict:
    """Weight of every page of the table of contents, the shared assets, the whole HTML."""
    missing = [name for name in toc_docnames() if not (html / f"{name}.html").is_file()]
    if missing:
        raise SystemExit(f"the build has no page for {missing}")
    pages = [{"page": name, "bytes": page_weight(html, html / f"{name}.html")} for name in toc_docnames()]
    total = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
    return {"pages": pages, "shared_bytes": shared_weight(html, html / "book" / "notation.html"),
            "total_bytes": total}


def run(skip_nbval: bool = False) -> dict:
    out = {"notebooks": notebook_seconds()}
    if not skip_nbval:
        out["nbval"] = nbval_run()
    build = builds()
    out["build"] = {k: v for k, v in build.items() if k != "html"}
    out["pages"] = page_weights(build["html"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-nbval", action="store_true")
    ap.add_argument("--explorations", nargs="+", metavar="NOTEBOOK", type=Path,
                    help="only run these notebooks and print their explorations' redraw times (a table)")
    args = ap.parse_args()
    if args.explorations:
        for r in notebook_seconds(paths=[p.resolve() for p in args.explorations]):
            for e in r["explorations"]:
                controls = ", ".join(f"{k} ({v})" for k, v in e["controls"].items())
                print(f"{Path(r['notebook']).name:32s} cell {e['cell']:3d}  median {e['median_ms']:6.1f} ms  "
                      f"p90 {e['p90_ms']:6.1f} ms  {controls}{'  ERRORS' if e['errors'] else ''}")
        return
    print(json.dumps(run(args.skip_nbval), indent=1))


if __name__ == "__main__":
    main()
