"""The performance budgets that are sizes, not timings, and the appendix that reports them.

Timings are reported by ``make bench`` (bench/), never asserted: they depend
on the machine and its load. Sizes do not, so they are asserted here; the
page weight of the built HTML is asserted in test_book.py.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import budgets
import report
from book_pages import notebooks, toc_docnames

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_committed_notebook_size(path):
    size = path.stat().st_size
    assert size <= budgets.NOTEBOOK_BYTES, f"{path.name}: {size / 1e6:.2f} MB > {budgets.NOTEBOOK_BYTES / 1e6:g} MB"


def test_the_appendix_is_what_the_benchmark_rendered():
    """book/performance.md is written by bench/report.py from the committed results, nothing else."""
    results = json.loads(report.RESULTS.read_text())
    assert report.PAGE.read_text() == report.render(results), \
        "book/performance.md differs from what bench/report.py renders from bench/results/latest.json; " \
        "run `make bench` (or `.venv/bin/python bench/report.py`) and commit both"


def test_the_appendix_is_in_the_book():
    assert "book/performance" in toc_docnames()


def test_the_results_cover_every_notebook_and_page():
    results = json.loads(report.RESULTS.read_text())
    measured = {r["notebook"] for r in results["book"]["notebooks"]}
    assert measured == {p.relative_to(ROOT).as_posix() for p in notebooks()}
    assert {p["page"] for p in results["book"]["pages"]["pages"]} == set(toc_docnames())


@pytest.fixture
def results():
    return json.loads(report.RESULTS.read_text())


def _status(results, what):
    return [b["met"] for b in report.budgets(results) if b["what"].startswith(what)]


def test_a_missed_budget_is_reported_as_missed(results):
    slow = copy.deepcopy(results)
    slow["book"]["build"]["rebuild_seconds"] = budgets.REBUILD_SECONDS + 1
    slow["torch"]["mlp"]["ratio"] = budgets.MLP_EPOCH_RATIO * 1.01
    slow["book"]["notebooks"][0]["explorations"].append(
        {"cell": 1, "controls": {"lr": 3}, "median_ms": budgets.EXPLORE_MEDIAN_MS, "p90_ms": 1.0,
         "changes": 3, "errors": False})
    assert _status(slow, "rebuild") == [False]
    assert _status(slow, "digits MLP") == [False]
    assert _status(slow, "live exploration, median") == [False]
    page = report.render(slow)
    assert "**missed**" in page and "budgets are missed on this run" in page


def test_an_exploration_that_raised_fails_its_budget(results):
    broken = copy.deepcopy(results)
    broken["book"]["notebooks"][0]["explorations"].append(
        {"cell": 1, "controls": {"lr": 3}, "median_ms": 1.0, "p90_ms": 1.0, "changes": 3, "errors": True})
    assert _status(broken, "live exploration, median") == [False]


def test_budget_boundaries(results):
    r = copy.deepcopy(results)
    row = next(x for x in r["torch"]["steps"] if x["optimizer"] == "SGD" and x["n"] == budgets.STEP_BUDGET_SIZE)
    row["ratio_inplace"] = budgets.STEP_RATIO                       # "within 2x": 2x itself is met
    row["ratio"] = budgets.STEP_RATIO + 1e-9
    assert _status(r, "SGD step at 10⁶ parameters, time: gdlib, `inplace=True`") == [True]
    assert _status(r, "SGD step at 10⁶ parameters, time: gdlib, pure") == [False]
