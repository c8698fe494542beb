"""Notebooks hold up as students use them: run twice, jump straight to an explorer, finish quickly."""

from __future__ import annotations

import time

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import chapter_notebooks

NOTEBOOKS = chapter_notebooks()
IDS = [p.stem for p in NOTEBOOKS]


def _client(nb, path):
    return NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                          allow_errors=False)


def _run_all(client, nb):
    """Run every cell in order in the client's (already started) kernel, as "Run all" does."""
    for index, cell in enumerate(nb.cells):
        client.execute_cell(cell, index)


def _errors(nb):
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error" or (o.get("name") == "stderr" and "Warning" in o.get("text", "")):
                out.append((i, o.get("ename") or o.get("text", "")[:200]))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_run_all_twice_in_one_kernel_quickly(path):
    nb = nbformat.read(path, as_version=4)
    client = _client(nb, path)
    with client.setup_kernel():
        start = time.perf_counter()
        _run_all(client, nb)
        first = time.perf_counter() - start
        outputs_first = [_plain(c) for c in nb.cells]
        _run_all(client, nb)  # "Run all" again, same kernel
        outputs_second = [_plain(c) for c in nb.cells]
    assert not _errors(nb), f"{path.name}: {_errors(nb)}"
    assert first < 15, f"{path.name} took {first:.1f} s to run; the standard asks for well under 15 s"
    assert outputs_first == outputs_second, f"{path.name}: running twice changed a result"


def _plain(cell):
    """Text outputs of a cell (widget ids and chart data names differ run to run; text must not)."""
    texts = []
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        if "text/plain" in data and "application/vnd.jupyter.widget-view+json" not in data:
            texts.append(data["text/plain"])
        elif o.get("output_type") == "stream":
            texts.append(o.get("text"))
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_explorer_cells_work_alone_after_restart(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "explorer" in c.metadata.get("tags", [])]
    assert cells
    for cell in cells:
        solo = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell.source)], metadata=nb.metadata)
        _client(solo, path).execute()
        assert not _errors(solo), f"{path.name}: explorer cell fails on its own: {_errors(solo)}"
        kinds = {k for o in solo.cells[0].outputs for k in o.get("data", {})}
        assert "application/vnd.vegalite.v5+json" in kinds, f"{path.name}: the explorer drew no chart on its own"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_out_of_order_rerun_keeps_results(path):
    """Re-running an exercise cell after later cells have run gives the same feedback."""
    nb = nbformat.read(path, as_version=4)
    client = _client(nb, path)
    with client.setup_kernel():
        _run_all(client, nb)
        exercises = [(i, c) for i, c in enumerate(nb.cells) if "solution" in c.metadata.get("tags", []) and c.cell_type == "code"]
        assert exercises
        index, cell = exercises[0]
        before = _plain(cell)
        client.execute_cell(cell, index)
        assert _plain(cell) == before


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_built_pages_match_a_fresh_run(path):
    """Two builds give the same chart data: the page's charts equal a new execution's, spec for spec."""
    import json

    from conftest import SITE, built_specs

    page = SITE / "notebooks" / f"{path.stem}.html"
    assert page.exists(), "build the site first (make test does)"
    built = built_specs(page)
    nb = nbformat.read(path, as_version=4)
    _client(nb, path).execute()
    fresh = [o["data"]["application/vnd.vegalite.v5+json"] for c in nb.cells for o in c.get("outputs", [])
             if "application/vnd.vegalite.v5+json" in o.get("data", {})]
    assert built, f"{page.name} holds no chart"
    canon = lambda specs: [json.dumps(s, sort_keys=True) for s in specs]  # noqa: E731
    assert canon(built) == canon(fresh), f"{path.name}: the built page's charts differ from a fresh run"
