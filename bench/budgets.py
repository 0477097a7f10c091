"""The book's performance budgets, in one place.

The benchmark (``make bench``) reports every measurement against these; the
tests assert the ones that are not timings (page weight, notebook file size),
because a timing depends on the machine and its load while a size does not.
"""
from __future__ import annotations

# --- timings: reported by the benchmark, never asserted ---------------------
NOTEBOOK_SECONDS = 30.0          # each notebook, executed top to bottom
NBVAL_SECONDS = 180.0            # the whole nbval run with 2 workers
COLD_BUILD_SECONDS = 240.0       # every notebook executed plus the HTML
REBUILD_SECONDS = 20.0           # a rebuild with nothing changed
EXPLORE_MEDIAN_MS = 100.0        # control change -> redrawn figure, median
MLP_EPOCH_RATIO = 1.5            # gdlib / PyTorch CPU time, one epoch of the digits MLP
STEP_RATIO = 2.0                 # gdlib / torch.optim time of one step ...
STEP_MEMORY_RATIO = 2.0          # ... and peak memory ...
STEP_BUDGET_SIZE = 10**6         # ... at this many parameters

# --- sizes: asserted by the tests -------------------------------------------
PAGE_BYTES = 3_000_000           # a page's HTML plus the files only it loads
SHARED_BYTES = 4_000_000         # theme + MathJax, loaded once for the whole book
BOOK_BYTES = 100_000_000         # the whole built HTML
NOTEBOOK_BYTES = 1_000_000       # a committed (executed) notebook file
