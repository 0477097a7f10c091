"""Sphinx extension for the book's build (loaded through ``_config.yml``).

* Sets ``GDLIB_EXPLORE=static`` before any notebook is executed, so every
  ``gdlib.explore`` call in the HTML book precomputes its frames and shows the
  self-contained scrubber, while the committed notebooks (executed by a plain
  kernel) keep only the small live-widget output.
* Drops sphinx-thebe's scripts. The book does not use thebe (readers run code
  on Binder, Colab or locally), and JB1 registers thebe's configuration script
  twice, which logs "Identifier 'THEBE_JS_URL' has already been declared" in
  the browser console and names a CDN URL.
"""
from __future__ import annotations

import os


def _is_thebe(script) -> bool:
    filename = getattr(script, "filename", None) or ""
    body = getattr(script, "attributes", {}).get("body", "") or ""
    return "thebe" in filename or "THEBE_JS_URL" in body


def drop_thebe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]


def setup(app):
    # Kernels started by the build inherit this process's environment.
    os.environ["GDLIB_EXPLORE"] = "static"
    # Run after the themes have filled the page context.
    app.connect("html-page-context", drop_thebe_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
