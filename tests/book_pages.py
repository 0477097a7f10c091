"""The book's pages as _toc.yml lists them (shared by the book tests)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def toc_docnames() -> list[str]:
    """Every document named in _toc.yml, in order (``book/preface``, ...)."""
    text = (ROOT / "_toc.yml").read_text()
    names = re.findall(r"^\s*-?\s*(?:file|root):\s*([^\s#]+)", text, re.M)
    return [n.rsplit(".", 1)[0] if n.endswith((".md", ".ipynb")) else n for n in names]


def notebooks() -> list[Path]:
    """Every notebook of the book."""
    return sorted(p for p in (ROOT / "book").rglob("*.ipynb")
                  if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts)
