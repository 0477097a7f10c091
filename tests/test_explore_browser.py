"""The static form of an exploration in headless Chromium: controls work offline.

A page written by the test holds three static explorations (one of them twice,
as a page that includes the same output twice would) next to an unrelated
script. Moving a slider, choosing, stepping and playing must change the shown
figure, with no request leaving file:/data:/about: and no console error.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gdlib import Checkbox, Choice, Play, Slider, explore, viz

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync"]
LOCAL = ("file:", "data:", "about:", "blob:")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")

A = np.diag([1.0, 10.0])


def gd(lr, gamma=0.0, steps=30):
    x, v, xs = np.array([-1.8, 1.2]), np.zeros(2), []
    xs.append(x)
    for _ in range(steps):
        v = gamma * v + lr * (A @ x)
        x = x - v
        xs.append(x)
    return np.array(xs)


def contour_plot():
    fig = viz.contour(lambda x: 0.5 * x @ A @ x, (-2, 2), (-1.5, 1.5), paths={"SGD": None, "Momentum": None}, n=60)
    paths = fig.axes[0].gdlib_paths

    def update(lr, step):
        return paths.set({"SGD": gd(lr), "Momentum": gd(lr, 0.8)}, upto=step)
    return fig, update


def curve_plot(lr, log):
    return viz.loss_curves({"SGD": np.abs(1 - 2 * lr) ** (2 * np.arange(20)) + 1e-12}, log=log)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    a = explore(contour_plot, mode="static", lr=Slider(0.02, 0.18, num=3), step=Play(30, interval=20)).to_html()
    b = explore(curve_plot, mode="static", lr=Slider(0.1, 0.9, num=3), log=Checkbox(True)).to_html()
    c = explore(lambda name: viz.norm_cube(name, n=2, c=4, hw=2), mode="static",
                name=Choice(["batch", "layer", "instance"])).to_html()
    html = ("<!doctype html><html><head><meta charset='utf-8'><title>t</title>"
            "<script>window.somethingElse = 1;</script></head><body>"
            f"<div id='a'>{a}</div><div id='b'>{b}</div><div id='c'>{c}</div><div id='a2'>{a}</div>"
            "</body></html>")
    path = tmp_path_factory.mktemp("explore") / "page.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, page_file):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("request", lambda r: problems.append(f"request {r.url[:80]}") if not r.url.startswith(LOCAL) else None)
    pg.goto(page_file.as_uri())
    pg.wait_for_load_state("load")
    yield pg
    context.close()
    assert not problems, problems


def figure_png(pg, sel):
    return pg.locator(f"{sel} .gdx-figure").screenshot()


def test_every_exploration_starts_once(page):
    assert page.eval_on_selector_all(".gdlib-explore", "els => els.map(e => e.getAttribute('data-gdx-ready'))") \
        == ["1", "1", "1", "1"]
    assert page.evaluate("window.gdlibExplore.instances.length") == 4
    assert page.evaluate("window.somethingElse") == 1


def test_slider_changes_the_figure(page):
    before = figure_png(page, "#a")
    other = page.inner_html("#a2 svg")
    slider = page.locator("#a .gdx-control[data-i='0'] input[type=range]")
    slider.fill("0")
    assert page.locator("#a .gdx-control[data-i='0'] output").inner_text() == "0.02"
    after = figure_png(page, "#a")
    assert after != before
    assert page.inner_html("#a2 svg") == other  # the other copy is independent
    assert page.inner_text("#a2 .gdx-control[data-i='0'] output") == "0.1"


def test_full_frame_slider_and_checkbox_change_the_image(page):
    src = lambda: page.get_attribute("#b img.gdx-image", "src")  # noqa: E731
    first = src()
    page.locator("#b input[type=range]").fill("2")
    second = src()
    page.locator("#b input[type=checkbox]").uncheck()
    third = src()
    assert len({first, second, third}) == 3


def test_choice_changes_the_image(page):
    first = page.get_attribute("#c img.gdx-image", "src")
    page.locator("#c select").select_option("2")
    assert page.get_attribute("#c img.gdx-image", "src") != first


def test_step_and_play_animate_the_path(page):
    out = page.locator("#a .gdx-play output")
    assert out.inner_text() == "30"
    page.click("#a [data-act='back']")
    assert out.inner_text() == "29"
    at29 = figure_png(page, "#a")
    page.click("#a [data-act='fwd']")
    assert out.inner_text() == "30" and figure_png(page, "#a") != at29
    page.click("#a [data-act='play']")  # at the end: restarts from 0
    page.wait_for_function("document.querySelector('#a .gdx-play output').textContent === '30'", timeout=5000)
    assert page.inner_text("#a [data-act='play']") == "play"
    page.click("#a [data-act='play']")
    page.click("#a [data-act='play']")  # pause
    paused = out.inner_text()
    page.wait_for_timeout(150)
    assert out.inner_text() == paused and int(paused) < 30
