"""Render the benchmark's results (``bench/results/latest.json``) as the book's appendix.

``book/performance.md`` is written by this module and by nothing else: every
number on that page comes from the results file, which ``make bench``
writes. The tests check that the committed page is what this module renders
from the committed results.

Run:  .venv/bin/python bench/report.py [results.json] [page.md]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import budgets as B  # noqa: E402

RESULTS = HERE / "results" / "latest.json"
PAGE = ROOT / "book" / "performance.md"
VARIANT_NAMES = {"gdlib": "gdlib, pure step", "gdlib_inplace": "gdlib, `inplace=True`",
                 "torch": "torch.optim"}


# --------------------------------------------------------------------------
# small formatting helpers
# --------------------------------------------------------------------------
def _table(header: list[str], rows: list[list], align: str | None = None) -> str:
    align = align or "l" + "r" * (len(header) - 1)
    marks = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _s(seconds: float) -> str:
    return f"{seconds:.1f} s"


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.3g} ms" if seconds < 1 else _s(seconds)


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


def _kb(n: float) -> str:
    return f"{n / 1e3:.0f} kB"


def _x(ratio: float) -> str:
    return f"{ratio:.2f}x"


def _n(n: int) -> str:
    """10⁶ for a power of ten, else the number with thousands separators."""
    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"10{str(len(str(n)) - 1).translate(sup)}" if str(n).strip("0") == "1" else f"{n:,}"


def _mark(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "not measured"}[met]


def _page_name(docname: str) -> str:
    return docname.split("/")[-1]


# --------------------------------------------------------------------------
# the budgets
# --------------------------------------------------------------------------
def _at(rows: list[dict], optimizer: str, n: int) -> dict | None:
    return next((r for r in rows if r["optimizer"] == optimizer and r["n"] == n), None)


def budgets(results: dict) -> list[dict]:
    """Every budget of bench/budgets.py with its measured value and whether it is met."""
    out = []

    def add(what, budget, measured, met):
        out.append({"what": what, "budget": budget, "measured": measured, "met": met})

    book = results.get("book", {})
    nbs = book.get("notebooks", [])
    if nbs:
        worst = max(nbs, key=lambda r: r["seconds"])
        add("slowest notebook, run as a reader runs it", f"< {B.NOTEBOOK_SECONDS:g} s",
            f"{_s(worst['seconds'])} ({_page_name(worst['notebook'])})", worst["seconds"] < B.NOTEBOOK_SECONDS)
    executed = book.get("build", {}).get("executed", [])
    if executed:
        worst = max(executed, key=lambda r: r["seconds"])
        add("slowest notebook in the HTML build", f"< {B.NOTEBOOK_SECONDS:g} s",
            f"{_s(worst['seconds'])} ({_page_name(worst['notebook'])})", worst["seconds"] < B.NOTEBOOK_SECONDS)
    if "nbval" in book:
        nb = book["nbval"]
        add("nbval over every notebook, 2 workers", f"< {B.NBVAL_SECONDS:g} s",
            f"{_s(nb['seconds'])} ({nb['passed']} passed, {nb['failed']} failed)",
            nb["seconds"] < B.NBVAL_SECONDS and nb["failed"] == 0)
    if "build" in book:
        add("cold build (every notebook executed, then the HTML)", f"< {B.COLD_BUILD_SECONDS:g} s",
            _s(book["build"]["cold_seconds"]), book["build"]["cold_seconds"] < B.COLD_BUILD_SECONDS)
        add("rebuild with nothing changed", f"< {B.REBUILD_SECONDS:g} s",
            _s(book["build"]["rebuild_seconds"]), book["build"]["rebuild_seconds"] < B.REBUILD_SECONDS)
    explorations = [(r["notebook"], e) for r in nbs for e in r.get("explorations", [])]
    if explorations:
        name, worst = max(explorations, key=lambda x: x[1]["median_ms"])
        add(f"live exploration, median redraw (slowest of {len(explorations)})",
            f"< {B.EXPLORE_MEDIAN_MS:g} ms",
            f"{worst['median_ms']:.0f} ms ({_page_name(name)}, cell {worst['cell']})",
            worst["median_ms"] < B.EXPLORE_MEDIAN_MS and not any(e["errors"] for _, e in explorations))
    kernel = results.get("explore", {}).get("kernel_reuse")
    if kernel:
        add("live exploration through a real kernel (bench/explore_latency.py)",
            f"< {B.EXPLORE_MEDIAN_MS:g} ms", f"{kernel['median_ms']:.0f} ms",
            kernel["median_ms"] < B.EXPLORE_MEDIAN_MS)
    torch = results.get("torch", {})
    if "mlp" in torch:
        m = torch["mlp"]
        add("digits MLP, one epoch: gdlib / PyTorch", f"<= {B.MLP_EPOCH_RATIO:g}x",
            f"{_x(m['ratio'])} ({_ms(m['gdlib_seconds'])} / {_ms(m['torch_seconds'])})",
            m["ratio"] <= B.MLP_EPOCH_RATIO)
    for optimizer in ("SGD", "Adam"):
        for section, what, limit in (("steps", "time", B.STEP_RATIO), ("memory", "peak memory", B.STEP_MEMORY_RATIO)):
            row = _at(torch.get(section, []), optimizer, B.STEP_BUDGET_SIZE)
            for variant, key in (("gdlib_inplace", "ratio_inplace"), ("gdlib", "ratio")) if row else ():
                add(f"{optimizer} step at {_n(B.STEP_BUDGET_SIZE)} parameters, {what}: "
                    f"{VARIANT_NAMES[variant]} / torch.optim", f"<= {limit:g}x", _x(row[key]), row[key] <= limit)
    pages = book.get("pages")
    if pages:
        worst = max(pages["pages"], key=lambda p: p["bytes"])
        add("heaviest page (its HTML and the files only it loads)", f"<= {_mb(B.PAGE_BYTES)}",
            f"{_mb(worst['bytes'])} ({_page_name(worst['page'])})", worst["bytes"] <= B.PAGE_BYTES)
        add("theme and MathJax, loaded once", f"<= {_mb(B.SHARED_BYTES)}", _mb(pages["shared_bytes"]),
            pages["shared_bytes"] <= B.SHARED_BYTES)
        add("the whole HTML", f"<= {_mb(B.BOOK_BYTES)}", _mb(pages["total_bytes"]),
            pages["total_bytes"] <= B.BOOK_BYTES)
    if nbs:
        worst = max(nbs, key=lambda r: r["bytes"])
        add("largest committed notebook file", f"<= {_mb(B.NOTEBOOK_BYTES)}",
            f"{_mb(worst['bytes'])} ({_page_name(worst['notebook'])})", worst["bytes"] <= B.NOTEBOOK_BYTES)
    return out


# --------------------------------------------------------------------------
# the page
# --------------------------------------------------------------------------
def _machine(results: dict) -> str:
    m = results["machine"]
    mem = f", {m['memory_gib']:g} GiB of memory" if m.get("memory_gib") else ""
    return (f"{m['cpu']} ({m['architecture']}), {m['cores']} cores{mem}; {m['os']}, Linux {m['kernel']}; "
            f"Python {m['python']}, numpy {m['numpy']} ({m.get('blas') or 'BLAS unknown'}), "
            f"PyTorch {m.get('torch') or 'not installed'}, Jupyter Book {m.get('jupyter_book')}. "
            f"Load average when the run started: {', '.join(f'{x:g}' for x in m['load_average'])}.")


def _section_budgets(results: dict) -> str:
    rows = [[b["what"], b["budget"], b["measured"], _mark(b["met"])] for b in budgets(results)]
    missed = [b for b in budgets(results) if b["met"] is False]
    text = _table(["What", "Budget", "Measured", ""], rows, "lrrl")
    if missed:
        text += ("\n\n" + f"{len(missed)} of {len(rows)} budgets are missed on this run; the sections "
                 "below say where the time or the memory goes.")
    else:
        text += "\n\n" + f"All {len(rows)} budgets are met on this run."
    return text


def _section_notebooks(book: dict) -> str:
    built = {r["notebook"]: r["seconds"] for r in book.get("build", {}).get("executed", [])}
    rows = []
    for r in book["notebooks"]:
        worst = max((e["median_ms"] for e in r["explorations"]), default=None)
        rows.append([f"`{_page_name(r['notebook'])}`", _s(r["seconds"]),
                     _s(built[r["notebook"]]) if r["notebook"] in built else "",
                     _kb(r["bytes"]), len(r["explorations"]),
                     f"{worst:.0f} ms" if worst is not None else ""])
    total = sum(r["seconds"] for r in book["notebooks"])
    text = _table(["Notebook", "As a reader runs it", "In the build", "File", "Explorations",
                   "Slowest redraw (median)"], rows)
    text += (f"\n\nRunning every notebook one after the other takes {_s(total)}. \"As a reader runs it\" is a "
             "fresh kernel executing the notebook top to bottom with live widgets, from the kernel's "
             "start to the end of the last cell; \"in the build\" is the time the HTML build reports "
             "for the same notebook, where every exploration also computes all the frames of its "
             "static, kernel-free form.")
    return text


def _section_build(book: dict) -> str:
    parts = []
    if "build" in book:
        b = book["build"]
        executing = sum(r["seconds"] for r in b.get("executed", []))
        parts.append(
            f"A cold build (`jupyter-book build` into an empty folder, no execution cache) took "
            f"{_s(b['cold_seconds'])}, of which {_s(executing)} were spent executing the "
            f"{len(b.get('executed', []))} notebooks; the same command again with nothing changed "
            f"took {_s(b['rebuild_seconds'])}: the execution cache and Sphinx's environment "
            "mean that only what changed is redone.")
    if "nbval" in book:
        n = book["nbval"]
        parts.append(
            f"The nbval half of the test command (`pytest -n 2 --dist loadfile --nbval book`), which "
            f"re-executes every notebook and compares each printed output with the committed one, took "
            f"{_s(n['seconds'])} with 2 workers: {n['summary']}.")
    return "\n\n".join(parts)


def _section_explore(book: dict, explore: dict) -> str:
    rows = []
    for r in book.get("notebooks", []):
        for e in r["explorations"]:
            controls = ", ".join(f"{k} ({v})" for k, v in e["controls"].items())
            rows.append([f"`{_page_name(r['notebook'])}`", e["cell"], controls, f"{e['median_ms']:.0f} ms",
                         f"{e['p90_ms']:.0f} ms", e["changes"]])
    text = ("Every exploration the notebooks create, in a live kernel: each control moved to other values "
            "of its grid, and the time from setting the widget's value to the new image in the page's "
            "Image widget (the redraw and the JPEG encoding; not the browser's round trip).\n\n")
    text += _table(["Notebook", "Cell", "Controls (values)", "Median", "90th percentile", "Changes"], rows)
    if explore:
        labels = {"in_process_reuse": "in process, `plot` returns `(fig, update)`",
                  "in_process_scratch": "in process, `plot` returns a new Figure",
                  "kernel_reuse": "through a real kernel, `(fig, update)`"}
        text += ("\n\nOne exploration (three optimizer paths over contours, `bench/explore_latency.py`) "
                 "measured three ways; \"through a real kernel\" sends the message a browser sends when "
                 "a slider moves and waits for the kernel's message that carries the new image:\n\n")
        text += _table(["How", "Median", "90th percentile", "Changes"],
                       [[labels[k], f"{v['median_ms']:.1f} ms", f"{v['p90_ms']:.1f} ms", v["changes"]]
                        for k, v in explore.items() if k in labels])
        if "in_process_reuse" in explore and "in_process_scratch" in explore:
            ratio = explore["in_process_scratch"]["median_ms"] / explore["in_process_reuse"]["median_ms"]
            text += (f"\n\nRedrawing a whole new figure costs {ratio:.0f} times as much as moving the "
                     "changed artists over a cached background, which is why the book's explorations "
                     "return `(fig, update)` (see `gdlib.explore` in the {doc}`API reference <api>`).")
    return text


def _section_torch(torch: dict) -> str:
    m = torch["mlp"]
    text = (f"Both libraries on one thread (`torch.set_num_threads(1)`, OpenBLAS and OpenMP limited to one "
            f"thread), in {torch['dtype']}, in the same process, alternating.\n\n"
            "### The digits MLP\n\n"
            f"One epoch of the network of chapter 9 ({m['architecture']}) on the {m['samples']} training "
            f"images, batch size {m['batch_size']} ({m['batches']} updates), {m['optimizer']}, reshuffled "
            "every epoch; gdlib through `gdlib.training.train`, PyTorch through the loop a reader writes "
            "(`model(x)`, `loss.backward()`, `opt.step()`). Median of "
            f"{m['epochs_timed']} epochs each:\n\n")
    text += _table(["", "One epoch", "Per update"],
                   [["gdlib", _ms(m["gdlib_seconds"]), f"{1e6 * m['gdlib_seconds'] / m['batches']:.0f} µs"],
                    ["PyTorch", _ms(m["torch_seconds"]), f"{1e6 * m['torch_seconds'] / m['batches']:.0f} µs"]])
    text += (f"\n\ngdlib takes {_x(m['ratio'])} PyTorch's time. With matrices of 32 x 64 the arithmetic is "
             "tiny, and the time goes to the work around it: PyTorch records an autograd graph and "
             "dispatches every operation through its dispatcher, while gdlib's layers call numpy directly "
             "and compute the backward pass that the book derives.\n\n")
    text += "### One optimizer step\n\n"
    text += (f"One step on a single parameter vector with a fixed gradient, {torch['torch_optim_form']}. "
             "gdlib's pure step is the book's default: it returns new arrays and leaves its inputs alone, "
             "so every iterate and every state can be kept and plotted. `inplace=True` overwrites the "
             "parameters and the state instead, as torch.optim does (same equations, bit-identical "
             "results).\n\n")
    rows = []
    for r in torch["steps"]:
        rows.append([r["optimizer"], _n(r["n"]), _ms(r["gdlib_seconds"]), _ms(r["gdlib_inplace_seconds"]),
                     _ms(r["torch_seconds"]), _x(r["ratio"]), _x(r["ratio_inplace"])])
    text += _table(["Optimizer", "Parameters", "gdlib pure", "gdlib in place", "torch.optim",
                    "pure / torch", "in place / torch"], rows, "llrrrrr")
    g = torch["growth"]
    exponents = "; ".join(
        f"{o}: " + ", ".join(f"{VARIANT_NAMES[v]} {g[o + '/' + v]:.2f}" for v in VARIANT_NAMES)
        for o in ("SGD", "Adam"))
    text += ("\n\nHow the cost grows: between the two largest sizes the time grows as n^k with k = "
             + exponents
             + ". At 10⁴ parameters every library pays a fixed cost per call (checks, Python, dispatch) "
             "that is larger than the arithmetic; from 10⁶ on, the arrays no longer fit in the caches and "
             "the step is limited by memory traffic, so the time per parameter settles.\n\n")
    sgd = _at(torch["steps"], "SGD", B.STEP_BUDGET_SIZE)
    if sgd:
        text += (f"Where the time goes. At {_n(B.STEP_BUDGET_SIZE)} parameters a pure SGD step takes "
                 f"{_x(sgd['ratio'])} torch.optim's time and an in-place one {_x(sgd['ratio_inplace'])}. "
                 "torch.optim updates its buffer and the parameters in place with fused kernels "
                 "(`param.add_(buf, alpha=-lr)` is one pass over memory). numpy evaluates one operation at "
                 "a time and has no fused multiply-add, so `theta -= eta * b` is two operations; gdlib also "
                 "reads the whole gradient once to check that it is finite before it changes anything. The "
                 "in-place step applies its equations to pieces of 2¹⁷ entries "
                 "(`gdlib.optim.base.tree_map_inplace`), so each piece's arrays and temporaries stay "
                 "in the caches; that is why in-place Adam, with a dozen operations per entry, is faster "
                 "than torch.optim's whole-tensor passes. A pure step works on whole arrays and writes its "
                 "results to new ones: every operation streams the arrays through memory, every "
                 "temporary is as large as the parameters, and new memory must be supplied by the "
                 "operating system as zeroed pages whenever the allocator has given the previous arrays "
                 "back, which is what grows its cost faster than linearly at 10⁷. The pure step stays "
                 "the book's default because it lets every chapter keep and compare iterates and states; "
                 "`inplace=True` is there for large models.\n\n")
    text += "### Peak memory\n\n"
    text += ("Peak resident memory of a fresh process while the parameters and the gradient are created and "
             "five steps are taken, above what the process held before: parameters, gradient, optimizer "
             "state and every temporary of a step, in copies of the parameter vector.\n\n")
    rows = []
    for r in torch["memory"]:
        rows.append([r["optimizer"], _n(r["n"]),
                     *[f"{r[f'{v}_bytes'] / r['vector_bytes']:.1f} ({_mb(r[f'{v}_bytes'])})" for v in VARIANT_NAMES],
                     _x(r["ratio"]), _x(r["ratio_inplace"])])
    text += _table(["Optimizer", "Parameters", "gdlib pure", "gdlib in place", "torch.optim",
                    "pure / torch", "in place / torch"], rows, "llrrrrr")
    text += ("\n\nSGD with momentum needs three vectors (parameters, gradient, buffer), and torch.optim holds "
             "just these. gdlib's in-place step holds the same three: its temporaries are the size of one "
             "piece. Its pure step holds the old and the new parameters and buffer during the step, and the "
             "temporary `eta * b`: six vectors, exactly twice torch.optim's three, so it sits on the "
             "budget's edge. Adam needs four vectors (parameters, gradient, m, v); gdlib's in-place step "
             "holds about that, its pure step ten (the old and the new m, v and parameters and the "
             "whole-array temporaries of the update). torch.optim's Adam creates two whole-tensor "
             "temporaries for its denominator, and how much of that memory its allocator keeps varies from "
             "run to run, which is why its column differs between sizes.")
    return text


def _section_pages(pages: dict) -> str:
    rows = [[f"`{p['page']}`", _kb(p["bytes"])] for p in sorted(pages["pages"], key=lambda p: -p["bytes"])]
    text = ("A page's weight is its HTML plus the images and scripts only it loads (the static explorations "
            "are inline). The theme and MathJax are shared by every page and cached after the first, so "
            f"they are counted once: {_mb(pages['shared_bytes'])}. The whole HTML folder is "
            f"{_mb(pages['total_bytes'])}. (This page's own weight is that of the version the build found: "
            "the one the run before wrote.)\n\n")
    return text + _table(["Page", "Weight"], rows)


def render(results: dict) -> str:
    """The appendix page, as MyST Markdown."""
    book, torch, explore = results.get("book", {}), results.get("torch", {}), results.get("explore", {})
    parts = [
        "(performance)=\n# Appendix: performance",
        "How fast the book and gdlib are, measured on one machine, against the budgets the book keeps. "
        "This page is written by the benchmark itself (`make bench`, which runs `bench/run.py` and then "
        "`bench/report.py`) from its results file `bench/results/latest.json`; nothing here is typed by "
        "hand. Timings depend on the machine and on what else it is doing, so they are reported, never "
        "asserted; the sizes (page weight, notebook files) are also asserted by the tests.",
        f"**Measured on:** {_machine(results)} Run finished {results['finished']}.",
        "## The budgets\n\n" + _section_budgets(results),
    ]
    if book.get("notebooks"):
        parts.append("## Notebooks\n\n" + _section_notebooks(book))
    if book.get("build") or book.get("nbval"):
        parts.append("## Building and testing the book\n\n" + _section_build(book))
    if book.get("notebooks") or explore:
        parts.append("## Live explorations\n\n" + _section_explore(book, explore))
    if torch:
        parts.append("## gdlib against PyTorch on the CPU\n\n" + _section_torch(torch))
    if book.get("pages"):
        parts.append("## Page weight\n\n" + _section_pages(book["pages"]))
    parts.append("## Running the benchmark\n\n"
                 "```bash\nmake bench                                  # everything, about 15 minutes\n"
                 ".venv/bin/python bench/run.py --only torch   # one part: book, explore or torch\n```\n\n"
                 "PyTorch is needed only for the comparison (`.venv/bin/pip install torch==2.13.0`); the "
                 "benchmark writes `bench/results/latest.json` and this page, which are committed together.")
    return "\n\n".join(parts) + "\n"


def main(argv: list[str]) -> int:
    results_path = Path(argv[0]) if argv else RESULTS
    page_path = Path(argv[1]) if len(argv) > 1 else PAGE
    page_path.write_text(render(json.loads(results_path.read_text())))
    print(f"wrote {page_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
