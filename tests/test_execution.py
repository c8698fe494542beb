"""Notebooks hold up as students use them: run twice, out of order, jump straight to an explorer, finish quickly.

Each notebook runs in one kernel for all these checks (run all, run all again, re-run an exercise), with
``COURSEKIT_RECORD_READS`` set, so the same run also checks the book's dependency tracking: every dataset the
notebook reads and every chapter module it imports is among the dependencies derived from its source
(``coursebuild/deps.py``); a miss would let an edit to that file leave the notebook's page stale.
"""

from __future__ import annotations

import copy
import json
import os
import time
from dataclasses import dataclass

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from coursebuild.deps import Project
from coursebuild.discover import explorer_cases

from conftest import ROOT, SITE, chapter_notebooks

NOTEBOOKS = chapter_notebooks()
# All the tests of one notebook share its run (one kernel session); `make test` keeps a test file on one
# pytest-xdist worker (--dist loadfile), so each notebook runs once.
each_run = pytest.mark.parametrize("run", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS], indirect=True, scope="module")
VEGALITE = "application/vnd.vegalite.v5+json"
MODULES_CELL = "import sys; print(sorted(m for m in sys.modules if m.startswith('coursekit.chapters.')))"


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


@dataclass
class Run:
    """What one kernel session of a notebook showed."""

    path: object
    seconds: float  # wall time of the first "Run all"
    cpu_seconds: float  # the kernel's own CPU time for it
    first: object  # the notebook after the first "Run all"
    errors: list
    outputs_first: list
    outputs_second: list
    rerun: tuple  # (index, text before, text after) of an exercise cell run again at the end
    alone: list  # (explorer case, notebook of the cell run alone after a reset, error or None)
    datasets_read: set
    chapters_imported: set


def _probe(client, nb, code: str):
    """Run ``code`` in the kernel, outside the notebook, and return the value it prints."""
    cell = nbformat.v4.new_code_cell(code)
    nb.cells.append(cell)  # nbclient writes the executed cell back into the notebook at its index
    try:
        client.execute_cell(cell, len(nb.cells) - 1)
    finally:
        nb.cells.pop()
    return eval("".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream"))  # noqa: S307


CPU_CELL = "import resource as _r; _u = _r.getrusage(_r.RUSAGE_SELF); print(_u.ru_utime + _u.ru_stime)"


@pytest.fixture(scope="module")
def run(request, tmp_path_factory):
    path = request.param
    record = tmp_path_factory.mktemp("reads") / f"{path.stem}.txt"
    nb = nbformat.read(path, as_version=4)
    client = _client(nb, path)
    with client.setup_kernel(env={**os.environ, "COURSEKIT_RECORD_READS": str(record)}):
        cpu_start = _probe(client, nb, CPU_CELL)
        start = time.perf_counter()
        _run_all(client, nb)
        seconds = time.perf_counter() - start
        cpu_seconds = _probe(client, nb, CPU_CELL) - cpu_start
        first = copy.deepcopy(nb)
        errors = _errors(nb)
        outputs_first = [_plain(c) for c in nb.cells]
        modules = _probe(client, nb, MODULES_CELL)
        _run_all(client, nb)  # "Run all" again, same kernel
        outputs_second = [_plain(c) for c in nb.cells]
        exercises = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                     and {"solution", "exercise"} & set(c.metadata.get("tags", []))]
        rerun = None
        if exercises:
            index = exercises[0]
            before = _plain(nb.cells[index])
            client.execute_cell(nb.cells[index], index)
            rerun = (index, before, _plain(nb.cells[index]))
        # A student jumping straight to an explorer after "Restart kernel": every name the notebook defined is
        # gone (%reset), so the explorer cell must import what it uses.
        alone = []
        for case in [c for c in explorer_cases(ROOT) if c.notebook == path]:
            solo = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("%reset -f"),
                                                   nbformat.v4.new_code_cell(case.source)])
            try:
                _run_all(client, solo)
                alone.append((case, solo, None))
            except CellExecutionError as err:
                alone.append((case, solo, str(err).strip().splitlines()[-1]))
    datasets = set(record.read_text(encoding="utf-8").split()) if record.exists() else set()
    return Run(path, seconds, cpu_seconds, first, errors, outputs_first, outputs_second, rerun, alone, datasets,
               {m.split(".")[2] for m in modules})


@pytest.mark.slow
@each_run
def test_runs_without_errors_and_quickly(run):
    """Runs cleanly, in well under 15 s of the kernel's CPU time.

    CPU time, not wall time: `make test` runs test files in parallel, often on a shared machine, and the wall
    time then measures the machine's load. On a quiet machine the two are close (the kernel runs one cell at a
    time); `make bench` reports the wall time of "Run all" against a floor.
    """
    assert not run.errors, f"{run.path.name}: {run.errors}"
    assert run.cpu_seconds < 15, (f"{run.path.name} needed {run.cpu_seconds:.1f} s of CPU to run "
                                  f"({run.seconds:.1f} s wall); the standard asks for well under 15 s")


@pytest.mark.slow
@each_run
def test_run_all_twice_in_one_kernel_gives_the_same_results(run):
    assert run.outputs_first == run.outputs_second, f"{run.path.name}: running twice changed a result"


@pytest.mark.slow
@each_run
def test_out_of_order_rerun_keeps_results(run):
    """Re-running an exercise cell after later cells have run gives the same feedback."""
    assert run.rerun is not None, f"{run.path.name}: no exercise cell"
    index, before, after = run.rerun
    assert before and after == before, f"{run.path.name}: cell {index} gave {after!r} the second time, {before!r} first"


@pytest.mark.slow
@each_run
def test_derived_dependencies_cover_what_the_notebook_reads(run):
    """Every dataset read and chapter module imported in the run is a dependency the build tracks."""
    deps = Project(ROOT).deps(run.path)
    assert run.datasets_read, f"{run.path.name}: no dataset read was recorded (COURSEKIT_RECORD_READS)"
    assert run.chapters_imported, f"{run.path.name}: no chapter module was imported"
    missing = run.datasets_read - set(deps.datasets)
    assert not missing, f"{run.path.name} reads {sorted(missing)}, which coursebuild/deps.py does not list"
    missing = run.chapters_imported - set(deps.chapters)
    assert not missing, f"{run.path.name} imports chapters {sorted(missing)}, which coursebuild/deps.py does not list"


@pytest.mark.slow
@pytest.mark.site
@each_run
def test_built_page_matches_a_fresh_run(run):
    """Two builds give the same chart data: the page's charts equal a new execution's, spec for spec."""
    from conftest import built_specs

    page = SITE / "notebooks" / f"{run.path.stem}.html"
    assert page.exists(), "build the site first (make test does)"
    built = built_specs(page)
    fresh = [o["data"][VEGALITE] for c in run.first.cells for o in c.get("outputs", []) if VEGALITE in o.get("data", {})]
    assert built, f"{page.name} holds no chart"
    canon = lambda specs: [json.dumps(s, sort_keys=True) for s in specs]  # noqa: E731
    assert canon(built) == canon(fresh), f"{run.path.name}: the built page's charts differ from a fresh run"


@pytest.mark.slow
@each_run
def test_explorer_cells_work_alone_after_a_restart(run):
    assert run.alone, f"{run.path.name}: no explorer cell"
    for case, solo, error in run.alone:
        assert error is None and not _errors(solo), f"{case.id}: the explorer cell fails on its own: {error}"
        kinds = {k for o in solo.cells[-1].outputs for k in o.get("data", {})}
        assert VEGALITE in kinds, f"{case.id}: the explorer drew no chart on its own"


def test_every_notebook_explorer_is_found():
    """The shared discovery (used by the benchmarks too) finds every cell tagged explorer, in every chapter."""
    cases = explorer_cases()
    tagged = sum("explorer" in c.metadata.get("tags", []) for p in NOTEBOOKS
                 for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code")
    assert len(cases) == tagged >= len(NOTEBOOKS)
    assert {c.notebook for c in cases} == set(NOTEBOOKS)


@pytest.mark.parametrize("case", explorer_cases(), ids=lambda c: c.id)
def test_every_explorer_redraws_after_a_move(case):
    """What the live view runs after a control moves (and what `make bench` times): a chart, no error."""
    explorer = case.make()
    for control in explorer.controls:
        values = control.values()
        bundle, status = explorer.render(**{control.name: values[len(values) // 2]})
        assert VEGALITE in bundle, f"{case.id}: moving {control.name} drew no chart: {status}"
