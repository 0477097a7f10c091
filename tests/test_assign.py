"""The instructors' tooling: tools/assign.py (chapter -> otter assignment) and tools/grade.py.

The unit tests read the fixture chapter ``tests/fixtures/assign_chapter.ipynb``
(three exercises in the format of CONTRIBUTING.md, checks in
``tests/fixtures/fixture_checks.py``) and broken variants of it. The end-to-end
test runs ``otter assign`` and ``otter run`` for real, offline: the solutions
must score full marks, the student notebook zero, a partly answered notebook
in between.
"""
from __future__ import annotations

import copy
import csv
import importlib.util
import json
import re
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "assign_chapter.ipynb"
LABELS = ["fx-gradient", "fx-step", "fx-contraction"]
# A real chapter, graded end to end as well as the fixture (the quickest to execute of
# chapters 1-4; all four were assigned and graded in full when this test was written).
REAL_CHAPTER = ROOT / "book" / "ch02_steepest_descent.ipynb"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"gd_tools_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


assign_tool = _load("assign")
grade_tool = _load("grade")


@pytest.fixture(scope="module")
def chapter():
    return assign_tool.read_chapter(FIXTURE)


# ------------------------------------------------------------ reading a chapter
def test_finds_every_exercise_with_its_three_cells(chapter):
    assert [ex.label for ex in chapter.exercises] == LABELS
    assert [ex.title for ex in chapter.exercises] == [
        "The gradient at the start", "One step as a function", "The contraction factor"]
    for ex in chapter.exercises:
        assert ex.statement_cell < ex.answer_cell < ex.solution_cell
        cells = chapter.nb.cells
        assert "{exercise}" in cells[ex.statement_cell - 1].source
        assert "exercise-answer" in cells[ex.answer_cell - 1].metadata["tags"]
        assert "{solution} " + ex.label in cells[ex.solution_cell - 1].source
    assert chapter.solution_cells == {ex.solution_cell: "" for ex in chapter.exercises}


def test_solution_lines_come_from_the_python_block_of_each_fence_style(chapter):
    # fx-gradient and fx-contraction use a ```` fence, fx-step a ::: colon fence
    solutions = {ex.label: ex.solution for ex in chapter.exercises}
    assert solutions == {
        "fx-gradient": "g0 = 2 * X0",
        "fx-step": "def step(x, eta):\n    return x - eta * 2 * x",
        "fx-contraction": "factor = 1 - 2 * ETA\nstable = abs(factor) < 1",
    }


def test_placeholders_and_check_calls(chapter):
    ex = {e.label: e for e in chapter.exercises}
    prompt = lambda e: e.answer_lines[e.prompt[0]:e.prompt[1]]  # noqa: E731
    assert prompt(ex["fx-gradient"]) == ["g0 = ...   # your answer"]
    # a function answer: the placeholder region is the whole def
    assert prompt(ex["fx-step"]) == ["def step(x, eta):", "    return ...   # your answer"]
    assert prompt(ex["fx-contraction"]) == ["factor = ...   # your answer",
                                            "stable = ...   # True or False"]
    assert [(e.check_func, e.check_args) for e in chapter.exercises] == [
        ("fx.gradient", "g0"), ("fx.step", "step"), ("fx.contraction", "factor, stable")]


def test_each_answer_cell_calls_the_check_registered_under_its_label(chapter):
    assign_tool.verify_checks(chapter)   # raises if not


def test_the_otter_solution_cell_keeps_the_book_cell_as_the_prompt(chapter):
    ex = chapter.exercises[1]
    src = assign_tool.solution_cell_source(ex)
    assert src.splitlines() == [
        '""" # BEGIN PROMPT', "def step(x, eta):", "    return ...   # your answer",
        '""" # END PROMPT', "# BEGIN SOLUTION NO PROMPT", "def step(x, eta):",
        "    return x - eta * 2 * x", "# END SOLUTION", "", "", "fx.step(step)"]


def test_master_notebook_turns_each_exercise_into_an_otter_question(chapter):
    nb = assign_tool.master_notebook(chapter, ["fixture_checks.py"])
    config = nb.cells[0]
    assert config.cell_type == "raw" and config.source.startswith("# ASSIGNMENT CONFIG")
    assert "name: assign_chapter" in config.source and "- fixture_checks.py" in config.source
    raws = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "raw"][1:]
    assert raws == ["# BEGIN QUESTION", "# BEGIN SOLUTION", "# END SOLUTION", "# BEGIN TESTS",
                    "# END TESTS", "# END QUESTION"] * 3
    questions = [c.source for c in nb.cells if c.source.startswith("# BEGIN QUESTION")]
    assert questions == [f"# BEGIN QUESTION\nname: {label}\npoints: 1" for label in LABELS]
    text = "\n".join(c.source for c in nb.cells)
    assert "{solution}" not in text and "{exercise}" not in text
    assert "*Question `fx-step`*" in text
    # prose, code and the exploration (with its tag) are all still there
    sources = [c.source for c in nb.cells]
    for cell in chapter.nb.cells:
        if cell.cell_type == "code" and "exercise-answer" not in cell.metadata.get("tags", []):
            assert cell.source in sources
    explore = next(c for c in nb.cells if "nbval-ignore-output" in c.metadata.get("tags", []))
    assert explore.outputs == []
    tests = [c for c in nb.cells if c.cell_type == "code" and "gdlib.checks.registry" in c.source]
    assert len(tests) == 6
    public, hidden = tests[0], tests[1]
    assert public.source.endswith("_feedback.ok or _feedback.message")
    assert public.outputs[0]["data"]["text/plain"] == "True"
    assert "hidden: true" in hidden.source
    assert hidden.source.endswith("assert gdlib.checks.registry['fx-gradient'](g0)")


def test_prose_sharing_a_cell_with_an_exercise_or_solution_is_kept(tmp_path):
    def add_prose(cells):
        cells[12].source += "\n\nThat closes the exercises."
    path = _broken(tmp_path, add_prose)
    master = assign_tool.master_notebook(assign_tool.read_chapter(path), [])
    text = [c.source for c in master.cells]
    assert "That closes the exercises." in text
    assert any(t.startswith("## Exercises\n\n### Exercise: The gradient at the start") for t in text)
    assert not any("{solution}" in t or "stable = abs(factor) < 1" in t for t in text
                   if not t.startswith('""" # BEGIN PROMPT'))


def test_local_modules_the_chapter_imports_are_shipped(chapter):
    assert assign_tool.local_modules(chapter) == [FIXTURE.parent / "fixture_checks.py"]


# ------------------------------------------------------ malformed exercises
def _broken(tmp_path: Path, edit) -> Path:
    nb = nbformat.read(FIXTURE, as_version=4)
    edit(nb.cells)
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    return path


def _replace(index: int, old: str, new: str):
    def edit(cells):
        assert old in cells[index].source
        cells[index].source = cells[index].source.replace(old, new)
    return edit


def _untag(index: int):
    def edit(cells):
        cells[index].metadata["tags"] = []
    return edit


def _delete(index: int):
    def edit(cells):
        del cells[index]
    return edit


def _merge_solution_and_next_exercise(cells):
    cells[6].source += "\n\n" + cells[7].source
    del cells[7]


def _duplicate_label(cells):
    cells[7].source = cells[7].source.replace(":label: fx-step", ":label: fx-gradient")


# cells (from 1): 5 statement, 6 answer, 7 solution of fx-gradient; 8-10 fx-step; 11-13 fx-contraction
MALFORMED = [
    (_replace(4, ":label: fx-gradient\n", ""), ["cell 5", "The gradient at the start", ":label:"]),
    (_untag(5), ["'fx-gradient'", "cell 5", "exercise-answer"]),
    (_replace(5, "g0 = ...", "g0 = 6.0"), ["'fx-gradient'", "cell 6", "`...` placeholder"]),
    (_replace(5, "fx.gradient(g0)", "g0"), ["'fx-gradient'", "cell 6", "call the exercise's check"]),
    (_replace(5, "fx.gradient(g0)", "g0 = ("), ["'fx-gradient'", "cell 6", "not valid Python"]),
    (_replace(6, "```python", "```text"), ["'fx-gradient'", "cell 7", "no ```python block"]),
    (_replace(6, "g0 = 2 * X0", "g0 = ..."), ["'fx-gradient'", "cell 7", "placeholder"]),
    (_replace(6, "{solution} fx-gradient", "{solution} fx-step"),
     ["cell 7", "'fx-step'", "the open exercise is 'fx-gradient'"]),
    (_delete(6), ["'fx-gradient'", "cell 5", "`{solution}` cell", "'fx-step'"]),
    (_delete(12), ["'fx-contraction'", "cell 11", "`{solution}` cell", "end of the notebook"]),
    (_duplicate_label, ["cell 8", "'fx-gradient'", "used twice"]),
    (_delete(4), ["cell 5", "tagged `exercise-answer`", "does not follow"]),
    (_merge_solution_and_next_exercise,
     ["cell 7", "the `{solution}` of 'fx-gradient' and the `{exercise}` 'fx-step'", "split it"]),
]


@pytest.mark.parametrize("edit, words", MALFORMED, ids=[
    "no-label", "no-answer-cell", "no-placeholder", "no-check-call", "syntax-error",
    "no-python-block", "placeholder-in-solution", "wrong-solution-label", "no-solution",
    "no-solution-at-end", "duplicate-label", "orphan-answer-cell", "two-directives-in-a-cell"])
def test_a_malformed_exercise_is_refused_naming_the_cell_and_label(tmp_path, edit, words):
    path = _broken(tmp_path, edit)
    with pytest.raises(assign_tool.ExerciseFormatError) as err:
        assign_tool.read_chapter(path)
    for word in words:
        assert word in str(err.value), f"{word!r} not in: {err.value}"


def test_an_answer_cell_calling_another_exercises_check_is_refused(tmp_path):
    path = _broken(tmp_path, _replace(5, "fx.gradient(g0)", "fx.step(g0)"))
    shutil_copy(FIXTURE.parent / "fixture_checks.py", tmp_path)
    chapter = assign_tool.read_chapter(path)
    with pytest.raises(assign_tool.ExerciseFormatError,
                       match=r"exercise 'fx-gradient', answer cell 6: the cell calls `fx\.step`, "
                             r"registered as 'fx-step'"):
        assign_tool.verify_checks(chapter)


def test_an_answer_cell_calling_something_not_imported_is_refused(tmp_path):
    path = _broken(tmp_path, _replace(5, "fx.gradient(g0)", "print(g0)"))
    with pytest.raises(assign_tool.ExerciseFormatError,
                       match=r"exercise 'fx-gradient', answer cell 6: the check `print` is not "
                             r"imported by any code cell"):
        assign_tool.verify_checks(assign_tool.read_chapter(path))


def test_a_label_with_no_registered_check_is_refused(tmp_path):
    def relabel(cells):
        cells[4].source = cells[4].source.replace("fx-gradient", "fx-nothing")
        cells[6].source = cells[6].source.replace("fx-gradient", "fx-nothing")
    path = _broken(tmp_path, relabel)
    shutil_copy(FIXTURE.parent / "fixture_checks.py", tmp_path)
    with pytest.raises(assign_tool.ExerciseFormatError, match="no check is registered under 'fx-nothing'"):
        assign_tool.verify_checks(assign_tool.read_chapter(path))


def shutil_copy(src: Path, dst: Path) -> None:
    (dst / src.name).write_text(src.read_text())


def test_the_command_line_reports_a_malformed_chapter_and_exits_2(tmp_path, capsys):
    path = _broken(tmp_path, _untag(5))
    assert assign_tool.main([str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "broken.ipynb" in err and "'fx-gradient'" in err
    assert not (tmp_path / "out").exists()


def test_points_option(tmp_path, capsys):
    assert assign_tool._points(["fx-step=2", "fx-gradient = 0.5"]) == {"fx-step": 2.0, "fx-gradient": 0.5}
    with pytest.raises(SystemExit):
        assign_tool.main([str(FIXTURE), "--points", "fx-step"])
    assert "LABEL=NUMBER" in capsys.readouterr().err
    assert assign_tool.main([str(FIXTURE), "--points", "fx-nope=2", "--out", str(tmp_path)]) == 2
    assert "fx-nope" in capsys.readouterr().err


@pytest.mark.parametrize("tool", [assign_tool, grade_tool])
def test_help(tool, capsys):
    with pytest.raises(SystemExit) as done:
        tool.main(["--help"])
    assert done.value.code == 0
    assert "otter" in capsys.readouterr().out


def test_grade_refuses_a_folder_without_an_autograder_or_submissions(tmp_path, capsys):
    (tmp_path / "subs").mkdir()
    assert grade_tool.main([str(tmp_path / "subs"), "--assignment", str(tmp_path)]) == 1
    assert "no autograder zip" in capsys.readouterr().err
    (tmp_path / "autograder").mkdir()
    (tmp_path / "autograder" / "x-autograder_1.zip").write_bytes(b"")
    assert grade_tool.main([str(tmp_path / "subs"), "--assignment", str(tmp_path)]) == 1
    assert "no .ipynb or .zip submissions" in capsys.readouterr().err


# ------------------------------------------------------------- end to end
def _answer(student: nbformat.NotebookNode, ex, lines: str | None = None) -> None:
    """Answer one exercise in a student notebook: with the solution lines, or with ``lines``."""
    start, end = ex.prompt
    for cell in student.cells:
        if cell.cell_type == "code" and cell.source == ex.answer_source:
            old = ex.answer_lines
            cell.source = "\n".join(old[:start] + [lines or ex.solution] + old[end:])
            return
    raise AssertionError(f"answer cell of {ex.label} not found in the student notebook")


def _round_trip(tmp_path: Path, chapter_path: Path, *, run_tests: bool = True,
                points: dict[str, float] | None = None, wrong: dict[str, str] | None = None,
                junk: bool = False, extra_files: list[Path] = ()) -> dict:
    """Assign a chapter, then grade the solutions, the blank student notebook and a notebook
    with the first exercise answered (and, with ``wrong``, others answered wrongly)."""
    pytest.importorskip("otter", reason="otter-grader is not installed "
                                        "(pip install -r requirements-instructor.txt)")
    chapter = assign_tool.read_chapter(chapter_path)
    labels = [ex.label for ex in chapter.exercises]
    worth = [(points or {}).get(label, 1.0) for label in labels]
    out = tmp_path / "assign"
    # by default otter assign also grades the solutions and fails unless they score full marks
    made = assign_tool.assign(chapter_path, out, points=points, run_tests=run_tests, quiet=True,
                              extra_files=extra_files)
    stem = chapter_path.stem
    assert made["student"] == out / "student" / f"{stem}.ipynb"
    assert made["zip"].parent == out / "autograder"
    assert made["questions"] == list(zip(labels, worth))
    shipped = [f.name for f in extra_files] + [f.name for f in assign_tool.local_modules(chapter)]
    with zipfile.ZipFile(made["zip"]) as z:
        in_zip = set(z.namelist())
    for name in shipped:
        assert (out / "student" / name).is_file() and f"files/{name}" in in_zip

    # the student notebook: the book's answer cells as they are, no solution, no hidden test
    student = nbformat.read(made["student"], as_version=4)
    sources = [c.source for c in student.cells]
    text = "\n".join(sources)
    for ex in chapter.exercises:
        assert ex.answer_source in sources
        assert ex.solution not in text
        assert f'grader.check("{ex.label}")' in sources
    assert "{solution}" not in text and "# BEGIN SOLUTION" not in text and "# SOLUTION" not in text
    tests = student.metadata["otter"]["tests"]
    assert set(tests) == set(labels)
    assert all(not case["hidden"] for t in tests.values() for case in t["suites"][0]["cases"])
    ag_tests = nbformat.read(made["autograder"], as_version=4).metadata["otter"]["tests"]
    assert all(any(case["hidden"] for case in t["suites"][0]["cases"]) for t in ag_tests.values())

    # the submissions: the solutions, the blank student notebook, the first exercise answered
    subs = tmp_path / "submissions"
    subs.mkdir()
    (subs / "solution.ipynb").write_bytes(made["autograder"].read_bytes())
    (subs / "blank.ipynb").write_bytes(made["student"].read_bytes())
    partial = copy.deepcopy(student)
    _answer(partial, chapter.exercises[0])
    for ex in chapter.exercises:
        if ex.label in (wrong or {}):
            _answer(partial, ex, wrong[ex.label])
    nbformat.write(partial, subs / "partial.ipynb")
    if junk:
        (subs / "junk.ipynb").write_text("not a notebook")

    csv_path = tmp_path / "scores.csv"
    assert grade_tool.main([str(subs), "--assignment", str(out), "--out", str(csv_path),
                            "--jobs", "2"]) == 0
    with csv_path.open() as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["submission", *labels, "total", "error"]
    table = {row[0]: row[1:] for row in rows[1:]}
    assert sorted(table) == ["blank.ipynb"] + ["junk.ipynb"] * junk + ["partial.ipynb", "solution.ipynb"]
    n = len(labels)
    if junk:
        junk_row = table.pop("junk.ipynb")   # could not be graded: blank scores, total 0, why
        assert junk_row[:n + 1] == [""] * n + ["0"] and "NotJSONError" in junk_row[n + 1]
    score = {name: [float(x) for x in row[:n]] for name, row in table.items()}
    total = {name: float(row[n]) for name, row in table.items()}
    assert all(row[n + 1] == "" for row in table.values())
    assert score["solution.ipynb"] == worth and total["solution.ipynb"] == sum(worth)
    assert score["blank.ipynb"] == [0.0] * n and total["blank.ipynb"] == 0
    assert score["partial.ipynb"] == [worth[0]] + [0.0] * (n - 1)
    assert 0 < total["partial.ipynb"] < sum(worth)
    for name in table:
        results = json.loads((out / "results" / f"{name}.json").read_text())
        assert {t["name"] for t in results["tests"] if "max_score" in t} == set(labels)
    # an unanswered exercise shows the book's feedback in the public tests' output
    blank = json.loads((out / "results" / "blank.ipynb.json").read_text())
    public = next(t for t in blank["tests"] if t["name"] == "Public Tests")
    assert "No answer yet" in public["output"]
    partial_results = json.loads((out / "results" / "partial.ipynb.json").read_text())
    return {"labels": labels, "rows": rows,
            "public": next(t for t in partial_results["tests"] if t["name"] == "Public Tests")}


def test_round_trip_on_the_fixture_chapter(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("a data file the chapter would read")
    result = _round_trip(tmp_path, FIXTURE, points={"fx-step": 2}, extra_files=[notes],
                         wrong={"fx-step": "def step(x, eta):\n    return x + eta * 2 * x"},
                         junk=True)
    assert result["labels"] == LABELS
    # the wrong answer's diagnosis, as the book's check words it, reaches the student
    assert "the step goes uphill: the sign is flipped." in result["public"]["output"]


def test_round_trip_on_a_real_chapter(tmp_path):
    # otter's own grading of the solutions is skipped here: the solutions notebook is one of
    # the three submissions graded below, which keeps the test to two rounds of execution
    result = _round_trip(tmp_path, REAL_CHAPTER, run_tests=False)
    assert len(result["labels"]) >= 3
    assert all(re.fullmatch(r"ch02-[\w-]+", label) for label in result["labels"])
