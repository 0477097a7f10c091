"""Turn a chapter's exercises into an otter-grader assignment (``make assign``).

Usage::

    python tools/assign.py book/ch01_descent_direction.ipynb [--out DIR] [--points LABEL=N ...]

reads a chapter notebook written to the exercise format of ``CONTRIBUTING.md``
(an ``{exercise}`` cell with a ``:label:``, a code cell tagged
``exercise-answer`` that assigns ``...`` placeholders and calls the check, a
``{solution}`` cell whose ```` ```python ```` block holds the answer lines)
and writes, under ``--out`` (default ``_build/assign/<chapter>/``):

``master/<chapter>.ipynb``
    the otter-grader master notebook (format v1): the whole chapter, with
    each exercise turned into an otter question named after its label, whose
    solution is the ``{solution}`` block, whose public test runs the book's
    own check (so students see its feedback) and whose hidden test asserts
    that the check passes; the ``{solution}`` cells themselves are dropped.
``student/<chapter>.ipynb``
    what students receive: the chapter, the answer cells exactly as the book
    has them (placeholders and all), otter's check cells, no solutions and no
    hidden tests.
``autograder/``
    the notebook with solutions and ``<chapter>-autograder_<time>.zip``, the
    autograder that ``tools/grade.py`` (``otter run``) grades with.

``otter assign`` then runs the tests against the solutions and fails unless
they score full marks (``--no-run-tests`` skips that). Otter-grader is an
instructors' extra (``requirements-instructor.txt``), not a reader's
dependency; this module imports it only to run it.

A chapter whose exercises do not follow the format is refused with a message
that names the cell (numbered from 1, as in Jupyter) and the exercise label.
"""
from __future__ import annotations

import argparse
import ast
import copy
import importlib
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
ANSWER_TAG = "exercise-answer"

# A directive opens with a fence of 3+ backticks or colons (MyST's colon_fence).
_OPEN = r"^(?P<fence>`{3,}|:{3,})\s*\{(?P<name>[\w-]+)\}(?P<arg>.*)$"
_CODE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)\s*$")
_PYTHON = {"python", "python3", "py", "ipython", "ipython3"}


class ExerciseFormatError(ValueError):
    """A chapter's exercise does not follow the format of CONTRIBUTING.md."""


@dataclass
class Exercise:
    """One exercise of a chapter, as read from its three cells."""

    label: str
    title: str
    statement_cell: int            # cell numbers, from 1 as Jupyter shows them
    statement: str                 # the directive's body (markdown)
    answer_cell: int = 0
    answer_source: str = ""
    prompt: tuple[int, int] = (0, 0)   # answer lines [start, end) holding the placeholders
    check_call: str = ""           # e.g. "ch01.threshold(eta_max)"
    check_func: str = ""           # e.g. "ch01.threshold"
    check_args: str = ""           # e.g. "eta_max"
    solution_cell: int = 0
    solution: str = ""             # the answer lines from the {solution} block
    points: float = 1

    @property
    def answer_lines(self) -> list[str]:
        return self.answer_source.splitlines()


@dataclass
class Chapter:
    """A chapter notebook and its exercises."""

    path: Path
    nb: nbformat.NotebookNode
    exercises: list[Exercise] = field(default_factory=list)
    # the {solution} cells, by number, to drop: what is left of each once the directive is removed
    solution_cells: dict[int, str] = field(default_factory=dict)


# --------------------------------------------------------------- parsing
def _describe(number: int, cell: nbformat.NotebookNode) -> str:
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    if len(first) > 50:
        first = first[:47] + "..."
    return f"cell {number} ({cell.cell_type}, starting {first!r})"


@dataclass
class _Directive:
    arg: str             # the text after {name} on the opening line
    options: list[str]   # the :key: value lines
    body: list[str]
    start: int           # line span [start, end) in the cell, fences included
    end: int


def _directives(source: str, name: str) -> list[_Directive]:
    """The ``{name}`` directives in a markdown source.

    The body ends at the first line that closes the opening fence (the same
    character, at least as many times, nothing else on the line).
    """
    lines = source.splitlines()
    found = []
    i = 0
    while i < len(lines):
        m = re.match(_OPEN, lines[i].strip())
        if not m or m["name"] != name:
            i += 1
            continue
        fence = m["fence"]
        close = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        j = i + 1
        options: list[str] = []
        while j < len(lines) and re.match(r"^:[\w-]+:", lines[j].strip()):
            options.append(lines[j].strip())
            j += 1
        body: list[str] = []
        while j < len(lines) and not close.match(lines[j].strip()):
            body.append(lines[j])
            j += 1
        found.append(_Directive(m["arg"].strip(), options, body, i, min(j + 1, len(lines))))
        i = j + 1
    return found


def _outside(source: str, d: _Directive) -> str:
    """The markdown of a cell around a directive (the directive itself removed)."""
    lines = source.splitlines()
    return "\n".join(lines[:d.start] + lines[d.end:]).strip("\n")


def _option(options: list[str], key: str) -> str | None:
    for line in options:
        m = re.match(rf"^:{re.escape(key)}:\s*(.*)$", line)
        if m:
            return m.group(1).strip()
    return None


def _python_blocks(body: list[str]) -> list[str]:
    """The contents of the ```python fenced blocks in a directive body, dedented."""
    blocks = []
    i = 0
    while i < len(body):
        m = _CODE_OPEN.match(body[i])
        if not m:
            i += 1
            continue
        fence, indent = m["fence"], len(m["indent"])
        close = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        j = i + 1
        block = []
        while j < len(body) and not close.match(body[j]):
            block.append(body[j][indent:] if body[j][:indent].strip() == "" else body[j])
            j += 1
        if m["lang"].lower() in _PYTHON:
            blocks.append("\n".join(block).strip("\n"))
        i = j + 1
    return blocks


def _contains_ellipsis(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and n.value is Ellipsis for n in ast.walk(node))


def _left_as_placeholder(tree: ast.AST) -> bool:
    """Whether some line is still ``x = ...`` or ``return ...`` (``A[..., 0]`` is an answer)."""
    def bare(value: ast.AST | None) -> bool:
        return isinstance(value, ast.Constant) and value.value is Ellipsis
    return any(isinstance(n, (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)) and bare(n.value)
               for n in ast.walk(tree))


def _parse_answer(ex: Exercise, number: int, cell: nbformat.NotebookNode) -> None:
    """Find the placeholder lines and the check call of an ``exercise-answer`` cell."""
    where = f"exercise {ex.label!r}, answer {_describe(number, cell)}"
    source = cell.source
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise ExerciseFormatError(f"{where}: not valid Python ({err.msg}, line {err.lineno}).") from None
    body = tree.body
    if not body:
        raise ExerciseFormatError(f"{where}: the cell is empty.")
    last = body[-1]
    if not (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)):
        raise ExerciseFormatError(
            f"{where}: the last line must call the exercise's check, e.g. `ch01.threshold(eta_max)`.")
    placeholders = [stmt for stmt in body[:-1] if _contains_ellipsis(stmt)]
    if not placeholders:
        raise ExerciseFormatError(
            f"{where}: no `...` placeholder before the check call; the answer lines must assign "
            f"`...` (e.g. `eta_max = ...`).")
    if _contains_ellipsis(last):
        raise ExerciseFormatError(f"{where}: the check call itself holds a `...` placeholder.")
    first = placeholders[0]
    start = min([first.lineno] + [d.lineno for d in getattr(first, "decorator_list", [])])
    ex.prompt = (start - 1, placeholders[-1].end_lineno)
    call = last.value
    ex.check_call = ast.get_source_segment(source, call) or ast.unparse(call)
    ex.check_func = ast.get_source_segment(source, call.func) or ast.unparse(call.func)
    args = [ast.get_source_segment(source, a) or ast.unparse(a) for a in call.args]
    args += [ast.get_source_segment(source, k) or ast.unparse(k) for k in call.keywords]
    ex.check_args = ", ".join(args)
    ex.answer_cell = number
    ex.answer_source = source


def _strip_check_call(solution: str, ex: Exercise) -> str:
    """Drop a repeated check call (or other trailing answer-cell lines) from a solution."""
    tail = [line.strip() for line in ex.answer_lines[ex.prompt[1]:] if line.strip()]
    lines = solution.splitlines()
    while lines and tail and lines[-1].strip() == tail[-1]:
        lines.pop()
        tail.pop()
    return "\n".join(lines).rstrip()


def read_chapter(path: str | Path) -> Chapter:
    """Read a chapter notebook and its exercises; raise :class:`ExerciseFormatError` if malformed."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    chapter = Chapter(path=path, nb=nb)
    pending: Exercise | None = None
    labels: set[str] = set()

    def unfinished(ex: Exercise, before: str) -> ExerciseFormatError:
        missing = ("a code cell tagged `exercise-answer`" if not ex.answer_cell
                   else "a `{solution}` cell")
        return ExerciseFormatError(
            f"exercise {ex.label!r} (cell {ex.statement_cell}) has no {missing} {before}; each "
            f"exercise is three cells: the statement, the answer cell, the solution.")

    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "markdown":
            exercises = _directives(cell.source, "exercise")
            solutions = _directives(cell.source, "solution")
            for name in ("exercise-start", "solution-start"):
                if _directives(cell.source, name):
                    raise ExerciseFormatError(
                        f"{_describe(number, cell)}: the gated `{{{name}}}` form is not supported; "
                        f"write the exercise as in CONTRIBUTING.md.")
            if len(exercises) + len(solutions) > 1:
                found = sorted([(d.start, f"the `{{exercise}}` {_option(d.options, 'label')!r}")
                                for d in exercises]
                               + [(d.start, f"the `{{solution}}` of {d.arg!r}") for d in solutions])
                raise ExerciseFormatError(
                    f"{_describe(number, cell)} holds {' and '.join(what for _, what in found)}; "
                    f"split it so that each statement and each solution has a cell of its own.")
            if exercises:
                d = exercises[0]
                title, options, body = d.arg, d.options, d.body
                label = _option(options, "label")
                if not label:
                    raise ExerciseFormatError(
                        f"{_describe(number, cell)}: the `{{exercise}}` {title!r} has no `:label:`; "
                        f"the label names the otter question and its check.")
                if pending is not None:
                    raise unfinished(pending, f"before the next exercise {label!r} (cell {number})")
                if label in labels:
                    raise ExerciseFormatError(f"{_describe(number, cell)}: exercise label {label!r} "
                                              f"is used twice in the chapter.")
                labels.add(label)
                pending = Exercise(label=label, title=title, statement_cell=number,
                                   statement="\n".join(body).strip("\n"))
            if solutions:
                d = solutions[0]
                label, body = d.arg, d.body
                if not label:
                    raise ExerciseFormatError(f"{_describe(number, cell)}: the `{{solution}}` names "
                                              f"no exercise label.")
                if pending is None or pending.label != label:
                    expected = f"; the open exercise is {pending.label!r}" if pending else ""
                    raise ExerciseFormatError(
                        f"{_describe(number, cell)}: solution of {label!r} does not follow the "
                        f"statement and answer cell of that exercise{expected}.")
                if not pending.answer_cell:
                    raise unfinished(pending, f"before its solution (cell {number})")
                blocks = _python_blocks(body)
                if not blocks:
                    raise ExerciseFormatError(
                        f"exercise {label!r}, solution {_describe(number, cell)}: no ```python "
                        f"block with the answer lines.")
                solution = _strip_check_call("\n\n".join(blocks), pending)
                if not solution.strip():
                    raise ExerciseFormatError(
                        f"exercise {label!r}, solution {_describe(number, cell)}: the ```python "
                        f"block is empty.")
                try:
                    ast.parse(solution)
                except SyntaxError as err:
                    raise ExerciseFormatError(
                        f"exercise {label!r}, solution {_describe(number, cell)}: the ```python "
                        f"block is not valid Python ({err.msg}, line {err.lineno}).") from None
                if _left_as_placeholder(ast.parse(solution)):
                    raise ExerciseFormatError(
                        f"exercise {label!r}, solution {_describe(number, cell)}: the ```python "
                        f"block still holds a `...` placeholder.")
                pending.solution, pending.solution_cell = solution, number
                chapter.exercises.append(pending)
                chapter.solution_cells[number] = _outside(cell.source, d)
                pending = None
        elif cell.cell_type == "code" and ANSWER_TAG in cell.metadata.get("tags", []):
            if pending is None or pending.answer_cell:
                raise ExerciseFormatError(
                    f"{_describe(number, cell)} is tagged `{ANSWER_TAG}` but does not follow an "
                    f"`{{exercise}}` cell (whose answer cell it would be).")
            _parse_answer(pending, number, cell)
    if pending is not None:
        raise unfinished(pending, "before the end of the notebook")
    if not chapter.exercises:
        raise ExerciseFormatError(f"{path}: no exercises (no `{{exercise}}` cell with a `:label:`).")
    return chapter


# ------------------------------------------------- checks and support files
def _python_source(source: str) -> str:
    """A code cell as plain Python (IPython magics such as ``%matplotlib inline`` translated)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:   # pragma: no cover - IPython comes with ipykernel
        return "\n".join("" if l.lstrip().startswith(("%", "!")) else l
                         for l in source.splitlines())
    return TransformerManager().transform_cell(source)


def _imports(chapter: Chapter) -> dict[str, str]:
    """Names bound by import statements in the chapter's code cells -> module paths."""
    bound: dict[str, str] = {}
    for cell in chapter.nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_python_source(cell.source))
        except SyntaxError:
            continue   # the chapter itself is tested by nbval
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        bound[a.asname] = a.name
                    else:
                        bound[a.name.split(".")[0]] = a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    bound[a.asname or a.name] = f"{node.module}.{a.name}"
    return bound


def local_modules(chapter: Chapter) -> list[Path]:
    """Python files next to the chapter that it imports (shipped with the assignment)."""
    here = chapter.path.parent
    found = []
    for module in sorted(set(_imports(chapter).values())):
        candidate = here / (module.split(".")[0] + ".py")
        if candidate.is_file() and candidate not in found:
            found.append(candidate)
    return found


def verify_checks(chapter: Chapter) -> None:
    """Check that each answer cell calls the check registered under its exercise's label.

    The hidden test calls ``gdlib.checks.registry[label]``: a label that no
    check is registered under, or an answer cell that calls another
    exercise's check, would make the autograder grade the wrong thing.
    """
    bound = _imports(chapter)
    sys.path.insert(0, str(chapter.path.parent))
    try:
        from gdlib.checks import registry
        for ex in chapter.exercises:
            head, _, attr = ex.check_func.partition(".")
            target = bound.get(head)
            where = f"exercise {ex.label!r}, answer cell {ex.answer_cell}"
            if target is None:
                raise ExerciseFormatError(f"{where}: the check `{ex.check_func}` is not imported "
                                          f"by any code cell of the chapter.")
            try:
                if attr:
                    obj = importlib.import_module(target)
                    for part in attr.split("."):
                        obj = getattr(obj, part)
                else:
                    module, _, name = target.rpartition(".")
                    obj = getattr(importlib.import_module(module), name)
            except (ImportError, AttributeError) as err:
                raise ExerciseFormatError(f"{where}: cannot find the check `{ex.check_func}` "
                                          f"({err}).") from None
            if ex.label not in registry:
                raise ExerciseFormatError(f"{where}: no check is registered under {ex.label!r} "
                                          f"(`@exercise({ex.label!r})` in gdlib.checks).")
            if registry[ex.label] is not obj:
                other = getattr(obj, "exercise_label", None)
                raise ExerciseFormatError(
                    f"{where}: the cell calls `{ex.check_func}`, registered as {other!r}, not the "
                    f"check registered under {ex.label!r}.")
    finally:
        sys.path.remove(str(chapter.path.parent))


# ----------------------------------------------------- the master notebook
def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def _statement_cell(ex: Exercise, original: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The exercise statement as plain Markdown (Jupyter does not render MyST directives)."""
    d = _directives(original.source, "exercise")[0]
    lines = original.source.splitlines()
    title = f": {ex.title}" if ex.title else ""
    new = (lines[:d.start]
           + [f"### Exercise{title}", "", f"*Question `{ex.label}`*", "", ex.statement]
           + lines[d.end:])
    cell = nbformat.v4.new_markdown_cell("\n".join(new).strip("\n"))
    cell.metadata = copy.deepcopy(original.metadata)
    return cell


def solution_cell_source(ex: Exercise) -> str:
    """The answer cell for otter: the book's placeholders as the student prompt, the solution
    for the autograder, and the unchanged check call after them."""
    lines = ex.answer_lines
    start, end = ex.prompt
    prompt = "\n".join(lines[start:end])
    quote = '"""' if '"""' not in prompt else "'''"
    if quote in prompt:
        raise ExerciseFormatError(f"exercise {ex.label!r}, answer cell {ex.answer_cell}: the "
                                  f"placeholder lines hold both kinds of triple quotes.")
    out = lines[:start]
    out += [f"{quote} # BEGIN PROMPT", prompt, f"{quote} # END PROMPT",
            "# BEGIN SOLUTION NO PROMPT", ex.solution, "# END SOLUTION"]
    out += lines[end:]
    return "\n".join(out)


def _test_cell(source: str, output: str | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if output is not None:
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": output},
                                               execution_count=None)]
    return cell


def public_test(ex: Exercise) -> str:
    """Runs the book's check; on a wrong answer the doctest shows its feedback message."""
    return (f"import gdlib.checks\n"
            f"_feedback = gdlib.checks.registry[{ex.label!r}]({ex.check_args})\n"
            f"_feedback.ok or _feedback.message")


def hidden_test(ex: Exercise) -> str:
    return ('""" # BEGIN TEST CONFIG\nhidden: true\n""" # END TEST CONFIG\n'
            f"import gdlib.checks\n"
            f"assert gdlib.checks.registry[{ex.label!r}]({ex.check_args})")


def assignment_config(chapter: Chapter, files: list[str]) -> str:
    config = {
        "name": chapter.path.stem,
        "init_cell": True,
        "check_all_cell": True,
        "export_cell": {"pdf": False,
                        "instructions": "Submit the notebook itself (or this zip file) as your "
                                        "instructor asks."},
        "generate": {"pdf": False, "show_stdout": True},
        "tests": {"files": False, "ok_format": True},
        "files": files,
    }
    return "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False).rstrip()


def master_notebook(chapter: Chapter, files: list[str]) -> nbformat.NotebookNode:
    """The otter-grader (format v1) master notebook of a chapter."""
    by_statement = {ex.statement_cell: ex for ex in chapter.exercises}
    by_answer = {ex.answer_cell: ex for ex in chapter.exercises}
    cells = [_raw(assignment_config(chapter, files))]
    for number, cell in enumerate(chapter.nb.cells, start=1):
        if number in chapter.solution_cells:
            rest = chapter.solution_cells[number]   # prose around the solution stays
            if rest.strip():
                cells.append(nbformat.v4.new_markdown_cell(rest))
            continue
        if number in by_statement:
            ex = by_statement[number]
            cells.append(_raw(f"# BEGIN QUESTION\nname: {ex.label}\npoints: {ex.points:g}"))
            cells.append(_statement_cell(ex, cell))
            continue
        if number in by_answer:
            ex = by_answer[number]
            answer = nbformat.v4.new_code_cell(solution_cell_source(ex))
            cells += [_raw("# BEGIN SOLUTION"), answer, _raw("# END SOLUTION"),
                      _raw("# BEGIN TESTS"),
                      _test_cell(public_test(ex), "True"), _test_cell(hidden_test(ex)),
                      _raw("# END TESTS"), _raw("# END QUESTION")]
            continue
        new = copy.deepcopy(cell)
        if new.cell_type == "code":
            new.outputs, new.execution_count = [], None
        new.pop("id", None)
        cells.append(new)
    for c in cells:
        c.pop("id", None)
    nb = nbformat.v4.new_notebook(metadata=copy.deepcopy(chapter.nb.metadata))
    nb.nbformat_minor = 4   # no cell ids: otter adds its own cells without them
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb


# ------------------------------------------------------------------ driver
def assign(chapter_path: str | Path, out: str | Path | None = None, *,
           points: dict[str, float] | None = None, extra_files: list[str | Path] = (),
           run_tests: bool = True, verify: bool = True, quiet: bool = False) -> dict:
    """Write the master notebook and run ``otter assign``; return what was written."""
    chapter = read_chapter(chapter_path)
    points = dict(points or {})
    labels = {ex.label for ex in chapter.exercises}
    unknown = set(points) - labels
    if unknown:
        raise ExerciseFormatError(f"--points names no exercise of the chapter: "
                                  f"{', '.join(sorted(unknown))} (its labels: {', '.join(sorted(labels))}).")
    for ex in chapter.exercises:
        ex.points = points.get(ex.label, ex.points)
    if verify:
        verify_checks(chapter)

    out = Path(out) if out else ROOT / "_build" / "assign" / chapter.path.stem
    out = out.resolve()
    master_dir = out / "master"
    if master_dir.exists():
        shutil.rmtree(master_dir)
    master_dir.mkdir(parents=True)
    support = [Path(f).resolve() for f in extra_files] + local_modules(chapter)
    names = []
    for f in dict.fromkeys(support):
        if not f.is_file():
            raise FileNotFoundError(f"not a file: {f}")
        shutil.copy(f, master_dir / f.name)
        names.append(f.name)
    master = master_dir / chapter.path.name
    nbformat.write(master_notebook(chapter, names), master)

    cmd = [sys.executable, "-m", "otter", "assign", str(master), str(out)]
    if not run_tests:
        cmd.append("--no-run-tests")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if not quiet or proc.returncode:
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
    if proc.returncode:
        raise RuntimeError(f"otter assign failed (exit code {proc.returncode}) on {master}")
    zips = sorted((out / "autograder").glob(f"{chapter.path.stem}-autograder_*.zip"))
    for old in zips[:-1]:
        old.unlink()
    return {"out": out, "master": master, "student": out / "student" / chapter.path.name,
            "autograder": out / "autograder" / chapter.path.name, "zip": zips[-1],
            "questions": [(ex.label, ex.points) for ex in chapter.exercises]}


def _points(items: list[str]) -> dict[str, float]:
    result = {}
    for item in items:
        label, sep, value = item.partition("=")
        try:
            result[label.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise argparse.ArgumentTypeError(f"--points expects LABEL=NUMBER, got {item!r}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/assign.py",
        description="Turn a chapter's exercises into an otter-grader assignment: a student "
                    "notebook (no solutions, the public checks) and an autograder (hidden tests). "
                    "Grade the submissions with tools/grade.py.")
    parser.add_argument("chapter", help="the chapter notebook, e.g. book/ch01_descent_direction.ipynb")
    parser.add_argument("--out", help="output folder (default: _build/assign/<chapter>/); "
                                      "student/ and autograder/ are written inside it")
    parser.add_argument("--points", action="append", default=[], metavar="LABEL=N",
                        help="points of one exercise (default 1 each); repeat for several")
    parser.add_argument("--file", dest="files", action="append", default=[], metavar="FILE",
                        help="an extra file the chapter reads, copied next to the student and "
                             "autograder notebooks; repeat for several (Python files next to the "
                             "chapter that it imports are shipped anyway)")
    parser.add_argument("--no-run-tests", action="store_true",
                        help="do not check that the solutions score full marks (faster)")
    args = parser.parse_args(argv)
    try:
        points = _points(args.points)
    except argparse.ArgumentTypeError as err:
        parser.error(str(err))
    try:
        result = assign(args.chapter, args.out, points=points, extra_files=args.files,
                        run_tests=not args.no_run_tests, quiet=True)
    except ExerciseFormatError as err:
        print(f"{args.chapter}: {err}", file=sys.stderr)
        return 2
    except (RuntimeError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    rel = lambda p: p.relative_to(ROOT) if p.is_relative_to(ROOT) else p  # noqa: E731
    total = sum(p for _, p in result["questions"])
    print(f"{len(result['questions'])} questions, {total:g} points: "
          + ", ".join(f"{label} ({p:g})" for label, p in result["questions"]))
    print(f"student notebook:  {rel(result['student'])}")
    print(f"autograder:        {rel(result['zip'])}")
    if args.no_run_tests:
        print("the solutions were not graded (--no-run-tests)")
    else:
        print("the solutions score full marks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
