"""Notebooks: each chapter's "Run all" in a fresh kernel, against a floor notebook run the same way."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from queue import Empty

from benchmarks.harness import ROOT, Measurement, Options, Row, Section, log, seconds, verdict
from coursebuild.discover import chapter_notebooks

FLOOR_NOTEBOOK = ROOT / "benchmarks" / "floor.ipynb"
NOTEBOOK_MARGIN_S = 5.0  # a chapter runs within floor + 5 s


def _cell_seconds(cell) -> float:
    """The kernel's own time for a cell: from its "busy" to its "idle" message (nbclient's record_timing)."""
    timing = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.fromisoformat(timing["iopub.status.busy"])
        end = datetime.fromisoformat(timing["iopub.status.idle"])
    except (KeyError, ValueError):
        return 0.0
    return (end - start).total_seconds()


def _poll_in_slices(channel, step: float = 0.2) -> None:
    """Make a kernel client's channel wait for messages in short polls.

    nbclient waits for a cell's execute_reply in one poll as long as the cell timeout. With this stack
    (ipykernel 7, jupyter_client 8, pyzmq 27) the wake-up for that reply is sometimes missed, mostly after
    widget-heavy cells, and the client sleeps until the timeout although the kernel replied long before
    (seen: a 3 s explorer cell reported as 120 s). Short polls bound such a miss to ``step`` seconds, so the
    figure is the notebook's time, not the harness's.
    """
    get_msg = channel.get_msg

    async def get_msg_in_slices(timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = step if deadline is None else max(0.0, min(step, deadline - time.monotonic()))
            try:
                return await get_msg(timeout=wait)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    channel.get_msg = get_msg_in_slices


def run_notebook(path: Path) -> dict:
    """Time a fresh kernel running every cell, as "Restart kernel and run all cells" does (kernel start included)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", record_timing=True, resources={"metadata": {"path": str(path.parent)}}
    )
    error, kernel_s = None, 0.0
    start = time.perf_counter()
    try:
        with client.setup_kernel():
            kernel_s = time.perf_counter() - start
            _poll_in_slices(client.kc.shell_channel)
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            elapsed = time.perf_counter() - start  # before the kernel shuts down: the student's kernel stays up
    except Exception as err:  # a failing notebook is a result to report, not a reason to stop measuring
        elapsed = time.perf_counter() - start
        lines = str(err).strip().splitlines() or [type(err).__name__]
        error = f"{type(err).__name__}: {lines[-1][:200]}"
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    in_cells = sum(_cell_seconds(c) for _, c in code)
    slowest = sorted(code, key=lambda ic: -_cell_seconds(ic[1]))[:3]
    return {
        "seconds": round(elapsed, 2),
        "kernel_start_seconds": round(kernel_s, 2),
        "kernel_busy_seconds": round(in_cells, 2),  # the rest is messaging between client and kernel
        "error": error,
        "slowest_cells": [
            {
                "index": i,
                "seconds": round(_cell_seconds(c), 2),
                "first_line": (c.source.strip().splitlines() or [""])[0][:60],
            }
            for i, c in slowest
        ],
    }




def bench_notebooks(options: Options) -> Section:
    section = Section("notebooks", '2. Notebooks: "Run all" in a fresh kernel')
    chapters = chapter_notebooks(ROOT)
    rounds = 1 if options.quick else 2
    runs: dict[Path, list[dict]] = {p: [] for p in [FLOOR_NOTEBOOK, *chapters]}
    for r in range(rounds):  # floor first in every round, so it sees the same machine as the chapters
        for path in runs:
            log(f"notebooks: round {r + 1}/{rounds}: {path.name}")
            runs[path].append(run_notebook(path))

    def best(path):  # the fastest run that worked (a run that fails early is not fast)
        worked = [run for run in runs[path] if not run["error"]]
        return min(worked, key=lambda run: run["seconds"]) if worked else runs[path][0]

    floor = best(FLOOR_NOTEBOOK)
    limit = floor["seconds"] + NOTEBOOK_MARGIN_S
    section.rows.append(Row("Floor: kernel start and imports (benchmarks/floor.ipynb)", seconds(floor["seconds"]),
                            "the floor", "no target", "floor" if not floor["error"] else f"failed: {floor['error']}",
                            None, {"runs": runs[FLOOR_NOTEBOOK]}))
    for path in chapters:
        result = best(path)
        over = result["seconds"] - floor["seconds"]
        met = result["seconds"] <= limit and not result["error"]
        why = []
        if result["error"]:
            why.append(f"failed: {result['error']}")
        if result["slowest_cells"] and not met:
            why.append("slowest cells: " + ", ".join(
                f"#{c['index']} `{c['first_line']}` {seconds(c['seconds'])}" for c in result["slowest_cells"]))
        messaging = result["seconds"] - result["kernel_start_seconds"] - result["kernel_busy_seconds"]
        if messaging > 2:
            why.append(f"{seconds(messaging)} outside the cells (kernel idle, client waiting)")
        section.rows.append(Row(
            path.name,
            f"{seconds(result['seconds'])} (floor {'+' if over >= 0 else '−'} {seconds(abs(over))})",
            f"{seconds(floor['seconds'])} (kernel start and imports)",
            f"≤ floor + {NOTEBOOK_MARGIN_S:.0f} s (≤ {seconds(limit)})",
            verdict(met, "by " + seconds(result["seconds"] - limit) if result["seconds"] > limit else "", "; ".join(why)),
            met,
            {"runs": runs[path], "limit_seconds": round(limit, 2)},
        ))
    section.notes.append(
        f"Each figure is the best of {rounds} run(s); the floor and the chapters alternate, in a "
        "fresh kernel each time (nbclient, working directory notebooks/), kernel start included.")
    return section


SECTIONS = [Measurement("notebooks", '"Run all" in a fresh kernel', bench_notebooks, order=20)]
