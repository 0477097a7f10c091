"""Grade a folder of submitted notebooks offline with ``otter run`` (``make grade``).

Usage::

    python tools/grade.py SUBMISSIONS --chapter book/ch01_descent_direction.ipynb
    python tools/grade.py SUBMISSIONS --assignment _build/assign/ch01_descent_direction

grades every ``*.ipynb`` (and every ``*.zip`` made by the student notebook's
export cell) directly inside the folder SUBMISSIONS with the autograder that
``tools/assign.py`` wrote, one ``otter run`` per submission in the current
environment (no Docker), and writes

``<assignment>/scores.csv``
    one row per submission: ``submission`` (the file name), one column per
    question (named by its exercise label, in the chapter's order, points
    scored), ``total``, and ``error`` (empty unless the submission could not
    be graded at all, e.g. it is not a notebook of this assignment; its
    scores are then left blank and its total is 0);
``<assignment>/results/<submission>.json``
    otter's full results for each submission, with the output of every test
    (what a student would see).

The maximum is printed at the end. Grading re-executes each notebook top to
bottom, so it runs the students' code with your permissions: grade on a
machine you do not mind them running code on. Submissions of another
assignment (otter checks the name the student notebook carries) or files that
are not notebooks get a row with the reason in ``error``.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Graded:
    """The outcome of grading one submission."""

    submission: Path
    scores: dict[str, float] = field(default_factory=dict)
    possible: dict[str, float] = field(default_factory=dict)
    error: str = ""
    results: dict | None = None

    @property
    def total(self) -> float:
        return sum(self.scores.values())


def find_autograder(assignment: Path) -> Path:
    """The newest autograder zip that ``tools/assign.py`` wrote into ``assignment``."""
    zips = sorted((assignment / "autograder").glob("*-autograder_*.zip"))
    if not zips:
        raise FileNotFoundError(f"no autograder zip in {assignment / 'autograder'}; "
                                f"run tools/assign.py (make assign) on the chapter first")
    return zips[-1]


def questions(assignment: Path) -> dict[str, float]:
    """The questions and their points, in the chapter's order, from the autograder notebook."""
    found: dict[str, float] = {}
    for nb_path in sorted((assignment / "autograder").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        tests = nb.metadata.get("otter", {}).get("tests", {})
        for cell in nb.cells:
            if cell.cell_type == "code":
                for name in re.findall(r'^grader\.check\("([^"]+)"\)', cell.source, flags=re.M):
                    found[name] = float(tests.get(name, {}).get("points") or 1)
    return found


def submissions_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"not a folder: {folder}")
    found = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix in (".ipynb", ".zip") and not p.name.startswith("."))
    if not found:
        raise FileNotFoundError(f"no .ipynb or .zip submissions in {folder}")
    return found


def grade_one(submission: Path, autograder: Path, *, timeout: float) -> Graded:
    """Run ``otter run`` on one submission and read its results.json."""
    graded = Graded(submission)
    with tempfile.TemporaryDirectory(prefix="otter-run-") as tmp:
        cmd = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(autograder),
               "-o", tmp, str(submission)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            graded.error = f"grading took longer than {timeout:g} s (an endless loop?)"
            return graded
        results = Path(tmp) / "results.json"
        if proc.returncode or not results.exists():
            lines = [l for l in (proc.stderr or proc.stdout).strip().splitlines() if l.strip()]
            graded.error = (lines[-1].strip() if lines else f"otter run exited with {proc.returncode}")
            return graded
        graded.results = json.loads(results.read_text())
    for test in graded.results.get("tests", []):
        if test.get("max_score") is None:   # the "Public Tests" summary entry
            continue
        graded.scores[test["name"]] = float(test.get("score") or 0)
        graded.possible[test["name"]] = float(test["max_score"])
    return graded


def write_csv(path: Path, graded: list[Graded], names: list[str]) -> None:
    def fmt(x: float) -> str:
        return f"{x:g}"

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", *names, "total", "error"])
        for g in graded:
            row = [g.submission.name]
            row += [fmt(g.scores[n]) if n in g.scores else "" for n in names]
            row += [fmt(g.total), g.error]
            writer.writerow(row)


def grade(submissions: str | Path, assignment: str | Path, *, out: str | Path | None = None,
          jobs: int = 1, timeout: float = 600, echo: bool = False) -> dict:
    """Grade every submission in a folder; write the CSV and the per-submission results."""
    assignment = Path(assignment).resolve()
    autograder = find_autograder(assignment)
    subs = submissions_in(Path(submissions))
    out = Path(out) if out else assignment / "scores.csv"
    results_dir = assignment / "results"
    if results_dir.exists():
        shutil.rmtree(results_dir)
    results_dir.mkdir(parents=True)

    def run(sub: Path) -> Graded:
        g = grade_one(sub, autograder, timeout=timeout)
        if echo:
            done = (f"ERROR: {g.error}" if g.error
                    else f"{g.total:g} / {sum(g.possible.values()):g}")
            print(f"{sub.name}: {done}", flush=True)
        return g

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        graded = list(pool.map(run, subs))

    possible = questions(assignment)
    for g in graded:   # questions the notebook's check cells do not show (none, normally)
        for name, points in g.possible.items():
            possible.setdefault(name, points)
        if g.results is not None:
            (results_dir / f"{g.submission.name}.json").write_text(json.dumps(g.results, indent=2))
    names = list(possible)
    write_csv(out, graded, names)
    return {"csv": out, "results": results_dir, "graded": graded, "questions": names,
            "possible": sum(possible.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/grade.py",
        description="Grade a folder of submitted notebooks offline with `otter run` and write a "
                    "scores table (CSV: one row per submission, one column per question, a total).")
    parser.add_argument("submissions", help="folder holding the submitted .ipynb (or exported .zip) files")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--chapter", help="the chapter notebook the assignment was made from; its "
                                         "assignment is _build/assign/<chapter>/")
    which.add_argument("--assignment", help="the folder tools/assign.py wrote (with autograder/ inside)")
    parser.add_argument("--out", help="the CSV to write (default: <assignment>/scores.csv)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="submissions graded at the same time (default 1)")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds allowed for one submission (default 600)")
    args = parser.parse_args(argv)
    assignment = (Path(args.assignment) if args.assignment
                  else ROOT / "_build" / "assign" / Path(args.chapter).stem)
    try:
        result = grade(args.submissions, assignment, out=args.out, jobs=args.jobs,
                       timeout=args.timeout, echo=True)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    failed = [g for g in result["graded"] if g.error]
    count = len(result["graded"])
    print(f"{count} submission{'s' if count != 1 else ''}, out of {result['possible']:g} points"
          + (f"; {len(failed)} could not be graded (see the error column)" if failed else ""))
    print(f"scores:  {result['csv']}")
    print(f"details: {result['results']}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
