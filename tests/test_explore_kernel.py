"""The live form in a real Jupyter kernel (jupyter_client via nbclient).

The notebook displays an exploration, then the test sends the kernel the
message a browser sends when a reader drags the slider (a ``comm_msg`` that
updates the widget's ``value``), and a later cell checks that the figure the
Image widget holds was redrawn.
"""
from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

SETUP = """\
import numpy as np
from gdlib import explore, Slider, Choice, viz
A = np.diag([1.0, 10.0])
def gd(lr):
    xs = [np.array([-1.8, 1.2])]
    for _ in range(20):
        xs.append(xs[-1] - lr * (A @ xs[-1]))
    return np.array(xs)
def plot():
    fig = viz.contour(lambda x: 0.5 * x @ A @ x, (-2, 2), (-1.5, 1.5), paths={"SGD": None}, n=40)
    paths = fig.axes[0].gdlib_paths
    return fig, lambda lr: paths.set({"SGD": gd(lr)})
e = explore(plot, lr=Slider(0.01, 0.19, num=7), opt=Choice(["SGD"]))
e"""


def _has_python3_kernel() -> bool:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return False
    return True


pytestmark = pytest.mark.skipif(not _has_python3_kernel(), reason="no 'python3' Jupyter kernel installed "
                                "(`make env` installs it)")


@pytest.fixture
def notebook(monkeypatch):
    monkeypatch.delenv("GDLIB_EXPLORE", raising=False)  # a plain kernel: the live form
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(SETUP),
        nbformat.v4.new_code_cell("before = e._image.value\nprint(e._inputs['lr'].model_id)"),
        nbformat.v4.new_code_cell("print(e._inputs['lr'].value, e._image.value != before, "
                                  "e._image.value[:2] == b'\\xff\\xd8')"),
    ])


def test_a_widget_change_from_the_front_end_redraws_the_figure(notebook):
    client = NotebookClient(notebook, kernel_name="python3", timeout=120)
    with client.setup_kernel():
        client.execute_cell(notebook.cells[0], 0)
        out = notebook.cells[0].outputs
        assert len(out) == 1 and out[0]["output_type"] == "execute_result"
        data = out[0]["data"]
        assert data["text/plain"] == "<Exploration lr=Slider[7], opt=Choice[1]>"
        assert "application/vnd.jupyter.widget-view+json" in data
        assert "text/html" not in data  # nothing precomputed in a live kernel

        client.execute_cell(notebook.cells[1], 1)
        slider_id = notebook.cells[1].outputs[0]["text"].strip()
        # what the browser sends when the reader moves the slider to its first value
        # (a SelectionSlider syncs its "index")
        msg = client.kc.session.msg("comm_msg", content={
            "comm_id": slider_id, "data": {"method": "update", "state": {"index": 0}, "buffer_paths": []}})
        client.kc.shell_channel.send(msg)

        client.execute_cell(notebook.cells[2], 2)
        assert notebook.cells[2].outputs[0]["text"].split() == ["0", "True", "True"]
    for cell in notebook.cells:  # no warning or error printed anywhere
        for o in cell.outputs:
            assert o.get("name") != "stderr", json.dumps(o)[:500]
