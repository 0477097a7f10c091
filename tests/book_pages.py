"""The book's pages as _toc.yml lists them, and their weight (shared by the book tests and bench/)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def toc_docnames() -> list[str]:
    """Every document named in _toc.yml, in order (``book/preface``, ...)."""
    text = (ROOT / "_toc.yml").read_text()
    names = re.findall(r"^\s*-?\s*(?:file|root):\s*([^\s#]+)", text, re.M)
    return [n.rsplit(".", 1)[0] if n.endswith((".md", ".ipynb")) else n for n in names]


SHARED_PREFIXES = ("_static/", "mathjax/")


def page_weight(html_root: Path, page: Path) -> int:
    """Bytes a page adds to the book: its HTML plus the files only it loads.

    The theme and MathJax (under ``_static/`` and ``mathjax/``) are shared by
    every page and cached by the browser after the first one, so they are
    budgeted once, as the shared weight, not on every page.
    """
    text = page.read_text(errors="ignore")
    total = page.stat().st_size
    for ref in set(re.findall(r'<(?:img|script|source|video)[^>]*\bsrc="([^"#?]+)', text)):
        if "://" in ref or ref.startswith("data:"):
            continue
        target = (page.parent / ref).resolve()
        rel = target.relative_to(html_root.resolve()).as_posix() if target.is_relative_to(html_root.resolve()) else ""
        if target.is_file() and not rel.startswith(SHARED_PREFIXES):
            total += target.stat().st_size
    return total


def shared_weight(html_root: Path, page: Path) -> int:
    """Bytes of the shared theme scripts, styles and MathJax a page loads."""
    text = page.read_text(errors="ignore")
    total = 0
    for ref in set(re.findall(r'<(?:script|link)[^>]*\b(?:src|href)="([^"#?]+\.(?:js|css))', text)):
        target = (page.parent / ref).resolve()
        if target.is_file():
            total += target.stat().st_size
    return total


def notebooks() -> list[Path]:
    """Every notebook of the book."""
    return sorted(p for p in (ROOT / "book").rglob("*.ipynb")
                  if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts)


def run_notebook_solutions(notebook: str, module) -> int:
    """Run every hidden solution of a chapter through its check; return how many.

    For each answer cell (tag ``exercise-answer``) the next cell must be a
    dropdown ``{solution}`` whose ```python block, run in place of the
    placeholders, makes the cell's check say "Correct"; the answer cell as
    committed must still say "No answer yet".
    """
    import json

    import numpy as np

    name = module.__name__.rsplit(".", 1)[-1]
    cells = json.loads((ROOT / "book" / notebook).read_text())["cells"]
    answered = 0
    for i, cell in enumerate(cells):
        if "exercise-answer" not in cell.get("metadata", {}).get("tags", []):
            continue
        answer = "".join(cell["source"])
        solution = "".join(cells[i + 1]["source"])
        assert "{solution}" in solution and ":class: dropdown" in solution
        lines = re.search(r"```python\n(.*?)```", solution, re.S).group(1)
        call = [line for line in answer.splitlines() if line.startswith(f"{name}.")][-1]
        namespace = {"np": np, name: module}
        exec(lines, namespace)                      # noqa: S102  (the book's own solution)
        assert eval(call, namespace), call          # noqa: S307
        not_yet = {"np": np, name: module}
        exec(answer.replace(call, "").replace("print(", "(lambda *a, **k: None)("), not_yet)  # noqa: S102
        assert not eval(call, not_yet).answered     # noqa: S307  (as committed: "No answer yet")
        answered += 1
    return answered
