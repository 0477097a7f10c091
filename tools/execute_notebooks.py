"""Re-execute the book's notebooks in place, top to bottom (``make notebooks``).

The committed outputs are what nbval compares against, so they must come from
one clean run of each notebook in order. Explorations run in their live form
(``GDLIB_EXPLORE`` is removed from the kernel's environment): the committed
notebook keeps only a small widget output, and the HTML build makes the
static frames itself.

Usage: ``python tools/execute_notebooks.py [PATH ...]`` (folders or notebooks;
default ``book``).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def notebooks(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for arg in paths or ["book"]:
        p = (ROOT / arg) if not Path(arg).is_absolute() else Path(arg)
        if p.is_dir():
            found += sorted(q for q in p.rglob("*.ipynb")
                            if "_build" not in q.parts and ".ipynb_checkpoints" not in q.parts)
        elif p.suffix == ".ipynb":
            found.append(p)
        else:
            raise SystemExit(f"not a notebook or folder: {arg}")
    return found


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=False, record_timing=False)
    client.execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    os.environ.pop("GDLIB_EXPLORE", None)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    for path in notebooks(argv):
        seconds = execute(path)
        print(f"{seconds:6.1f} s  {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
