"""Fail the test command when gdlib's line coverage drops below its floors.

Reads the JSON report that ``make test`` writes with pytest-cov. The floors:
the optimization core (issue 3) at 95%, the whole package at 90%.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

CORE = ("gdlib/optim/", "gdlib/objectives.py", "gdlib/calculus.py", "gdlib/linesearch.py",
        "gdlib/descent.py", "gdlib/newton.py", "gdlib/schedules.py")
FLOORS = {"optimization core": (CORE, 95.0), "gdlib": (("gdlib/",), 90.0)}


def percent(files: dict, prefixes: tuple[str, ...]) -> float:
    covered = total = 0
    for name, data in files.items():
        if name.replace("\\", "/").startswith(prefixes):
            covered += data["summary"]["covered_lines"]
            total += data["summary"]["num_statements"]
    return 100.0 * covered / total if total else 100.0


def main(report: str) -> int:
    files = json.loads(Path(report).read_text())["files"]
    failed = False
    for label, (prefixes, floor) in FLOORS.items():
        value = percent(files, prefixes)
        ok = value >= floor
        failed |= not ok
        print(f"coverage of {label}: {value:.1f}% (floor {floor:.0f}%) {'ok' if ok else 'TOO LOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/coverage.json"))
