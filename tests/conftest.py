"""Shared pytest set-up: a non-interactive matplotlib backend, the book build."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "bench"))          # budgets.py: the budgets the tests assert


@pytest.fixture(scope="session")
def built_book() -> dict:
    """Build the HTML book once, warnings as errors, into ``_build/test-book``.

    Returns the build's return code, its combined output and the HTML folder.
    The folder is inside the repository's ignored ``_build/`` (pytest never
    collects it) so that the screenshots of the browser test stay for a
    reader to look at.
    """
    out = ROOT / "_build" / "test-book"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    return {"returncode": proc.returncode, "log": proc.stdout + proc.stderr,
            "html": out / "_build" / "html"}
