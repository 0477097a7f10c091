"""The book build is a test: warnings are errors, and every page works offline.

The browser half opens every built page in Debian's headless Chromium (driven
by Playwright's Python package, never a downloaded browser) and checks what a
reader would see: math rendered, no request leaving the machine, no console
errors, every image loaded. A screenshot of each page is saved next to the
HTML in ``_build/test-book/_build/screenshots``.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from book_pages import page_weight, shared_weight, toc_docnames
from budgets import BOOK_BYTES, PAGE_BYTES, SHARED_BYTES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", "--disable-component-update", "--disable-sync",
                 "--disable-quic"]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
PAGES = toc_docnames()


def test_build_has_no_warnings(built_book):
    log = built_book["log"]
    problems = [line for line in log.splitlines()
                if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]
    assert built_book["returncode"] == 0, log[-5000:]
    assert not problems, "\n".join(problems[:30])


@pytest.mark.parametrize("docname", PAGES)
def test_every_toc_page_is_built(built_book, docname):
    assert (built_book["html"] / f"{docname}.html").is_file()


def test_mathjax_is_served_by_the_book(built_book):
    html = built_book["html"]
    assert (html / "mathjax" / "tex-chtml.js").is_file()
    # Never under _static/: JB1 would inject every .js there into every page.
    assert not list((html / "_static").rglob("tex-chtml*.js"))


@pytest.mark.parametrize("docname", PAGES)
def test_page_weight_budget(built_book, docname):
    page = built_book["html"] / f"{docname}.html"
    weight = page_weight(built_book["html"], page)
    assert weight <= PAGE_BYTES, f"{docname}: {weight / 1e6:.2f} MB > {PAGE_BYTES / 1e6:g} MB"


def test_shared_assets_weight(built_book):
    """Theme + MathJax, loaded once for the whole book: a budget of its own."""
    page = built_book["html"] / "book" / "notation.html"
    assert shared_weight(built_book["html"], page) <= SHARED_BYTES


def test_whole_book_weight_budget(built_book):
    size = sum(p.stat().st_size for p in built_book["html"].rglob("*") if p.is_file())
    assert size <= BOOK_BYTES, f"{size / 1e6:.1f} MB"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); "
                    "the browser test needs /usr/bin/chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, url: str, shot: Path | None = None) -> dict:
    """Load ``url`` offline and report requests, console errors, math and images."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    remote, errors = [], []
    page.on("request", lambda r: None if r.url.startswith(LOCAL_SCHEMES) else remote.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(re.compile(r"^(?!file:|data:|blob:|about:).*"), lambda route: route.abort())
    page.goto(url, wait_until="load")
    page.evaluate("""async () => {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
            await MathJax.startup.promise;
        }
    }""")
    report = page.evaluate("""() => {
        const maths = Array.from(document.querySelectorAll('.math'));
        const raw = maths.filter(el => !el.querySelector('mjx-container'))
                         .map(el => el.textContent.slice(0, 80));
        const imgs = Array.from(document.images);
        const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0))
                           .map(i => (i.currentSrc || i.src).slice(0, 80));
        const text = document.querySelector('main') ? document.querySelector('main').innerText : '';
        return {n_math: maths.length, raw_math: raw, n_images: imgs.length,
                broken_images: broken, text: text};
    }""")
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)
    context.close()
    report.update(remote=remote, errors=errors)
    return report


@pytest.fixture(scope="module")
def screenshots(built_book):
    folder = built_book["html"].parent / "screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


@pytest.mark.parametrize("docname", PAGES)
def test_page_in_browser(built_book, browser, screenshots, docname):
    page = built_book["html"] / f"{docname}.html"
    report = open_page(browser, page.as_uri(), screenshots / f"{docname.replace('/', '__')}.png")
    assert not report["remote"], f"requests left the machine: {report['remote'][:5]}"
    assert not report["errors"], f"console errors: {report['errors'][:5]}"
    assert not report["raw_math"], f"math not rendered: {report['raw_math'][:5]}"
    assert not report["broken_images"], f"images not loaded: {report['broken_images'][:5]}"
    # No TeX delimiters left in the visible text of the page.
    visible = re.sub(r"\s+", " ", report["text"])
    assert not re.search(r"\\\(|\\\[|\$\$", visible), "raw TeX delimiters visible"


def test_notation_page_has_rendered_math(built_book, browser):
    report = open_page(browser, (built_book["html"] / "book" / "notation.html").as_uri())
    assert report["n_math"] > 5 and not report["raw_math"]


NOTEBOOK_PAGES = [d for d in PAGES if (Path(__file__).resolve().parents[1] / f"{d}.ipynb").exists()]


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_launch_buttons_open_the_notebook(built_book, docname):
    """Binder, Colab and JupyterHub open book/<chapter>.ipynb (no doubled path)."""
    html = (built_book["html"] / f"{docname}.html").read_text()
    links = set(re.findall(r'href="(https://[^"]+)"', html))
    binder = [u for u in links if "/v2/gh/" in u]
    colab = [u for u in links if "colab" in u]
    hub = [u for u in links if "git-pull" in u]
    assert binder and all(u.endswith(f"urlpath=lab/tree/{docname}.ipynb") for u in binder), binder
    assert colab and all(u.endswith(f"/blob/main/{docname}.ipynb") for u in colab), colab
    assert hub and all(f"/{docname}.ipynb" in u and f"/book/book/" not in u for u in hub), hub
    assert f'href="../_sources/{docname}.ipynb"' in html, "no download link to the notebook"
