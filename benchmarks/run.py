"""Measure how fast the course is for the people who use it, on this machine.

Five sections, each compared with a floor or target measured in the same run:

1. build      cold build (no cache) and a warm rebuild with no change, in a copy of the checkout
2. notebooks  each chapter's "Run all" in a fresh kernel, against benchmarks/floor.ipynb
3. explorers  one live redraw (``Explorer.render``) after random control moves
4. pages      every page of _toc.yml in headless Chromium: bytes transferred, time until the charts are drawn
5. tests      wall time of ``make test`` (only with --with-tests; otherwise the last recorded time)
6. phone      every page at phone size, served gzip: bytes per page, and time to the first chart on Fast 3G
              with 4x CPU throttling (benchmarks/pages.py)

Writes ``_build/bench/report.md`` and ``_build/bench/report.json`` and prints the markdown.
Run ``make bench`` (after ``make book``); options can be passed as ``make bench BENCH_ARGS="--quick"``.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import importlib
import json
import math
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from queue import Empty
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "bench"
FLOOR_NOTEBOOK = ROOT / "benchmarks" / "floor.ipynb"
TEST_TIME = OUT / "test-time.txt"
VENV_BIN = Path(sys.prefix) / "bin"
SEED = 20260101

sys.path.insert(0, str(ROOT / "tests"))
from conftest import chapter_notebooks, toc_files  # noqa: E402  (the tests' own list of pages and chapters)

# Targets (see benchmarks/README.md).
WARM_BUILD_SHARE = 0.15  # a warm rebuild costs at most 15 % of a cold build
NOTEBOOK_MARGIN_S = 5.0  # a chapter runs within floor + 5 s
EXPLORER_MEDIAN_MS = 50.0
EXPLORER_P95_MS = 150.0
CHAPTER_PAGE_GZIP_BYTES = 1_000_000  # 1 MB, decimal
CHARTS_DRAWN_S = 2.0
GZIP_LEVEL = 6

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VENDOR_PATH = "/_static/coursekit-vendor/"  # the chart libraries (see coursekit/sphinxext.py)


# ---------------------------------------------------------------------------------------------------------------
# Report structure
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One figure: what was measured, what it is compared with, and the verdict.

    ``met`` is True or False for a figure with a target and None for a reference figure (a floor).
    """

    figure: str
    measured: str
    target: str
    verdict: str
    met: bool | None = None
    data: dict = field(default_factory=dict)


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None  # why the section was not measured


def verdict(met: bool, miss: str = "", why: str = "") -> str:
    """``met``, or ``missed`` with by how much (``miss``, e.g. "by 2.1 s") and why, when known."""
    if met:
        return "met"
    text = f"missed {miss}" if miss else "missed"
    return f"{text} ({why})" if why else text


def seconds(value: float) -> str:
    return f"{value:.1f} s"


def kilobytes(value: float) -> str:
    return f"{value / 1000:,.0f} kB" if value < 1_000_000 else f"{value / 1_000_000:.2f} MB"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# 1. Build: cold and warm, in a copy of the checkout (the main _build is never touched)
# ---------------------------------------------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def git_files() -> list[str]:
    """Tracked files plus untracked files that are not ignored: what a fresh clone plus current edits holds."""
    names: set[str] = set()
    for args in (["ls-files", "-z"], ["ls-files", "-z", "--others", "--exclude-standard"]):
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True).stdout
        names.update(n for n in out.decode().split("\0") if n)
    return sorted(names)


def copy_checkout(dest: Path) -> int:
    count = 0
    for name in git_files():
        src = ROOT / name
        if not src.is_file():  # deleted in the working tree but still tracked
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / name)
        count += 1
    (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return count


def jupyter_book_build(book: Path, log_path: Path) -> dict:
    """One ``jupyter-book build`` run, timed, with what its log says it did."""
    cmd = [str(VENV_BIN / "jupyter-book"), "build", str(book), "--builder", "html"]
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    # cwd=book: the execution cache path in _config.yml is relative, and must point into the copy.
    proc = subprocess.run(cmd, cwd=book, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    text = ANSI.sub("", proc.stdout + proc.stderr)
    log_path.write_text(text, encoding="utf-8")
    executed = re.findall(r"^(\S+?): Executing notebook", text, re.M)
    kernel_s = sum(float(s) for s in re.findall(r"Executed notebook in ([\d.]+) seconds", text))
    outdated = re.search(r"targets for (\d+) source files that are out of date", text)
    warnings = re.search(r"build succeeded, (\d+) warning", text)
    return {
        "seconds": round(elapsed, 2),
        "returncode": proc.returncode,
        "executed": [str(Path(p).relative_to(book)) if Path(p).is_relative_to(book) else p for p in executed],
        "kernel_seconds": round(kernel_s, 2),
        "outdated_sources": int(outdated.group(1)) if outdated else 0,
        "warnings": int(warnings.group(1)) if warnings else 0,
        "log": str(log_path.relative_to(ROOT)),
    }


def bench_build(quick: bool) -> Section:
    section = Section("build", "1. Build: cold build and warm rebuild")
    if quick:
        section.skipped = "skipped with --quick"
        return section
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="course-bench-build-") as tmp:
        book = Path(tmp)
        files = copy_checkout(book)
        log(f"build: copied {files} files to {book}; cold build (executes every notebook)...")
        cold = jupyter_book_build(book, OUT / "build-cold.log")
        log(f"build: cold {cold['seconds']} s; warm rebuild...")
        warm = jupyter_book_build(book, OUT / "build-warm.log")
        log(f"build: warm {warm['seconds']} s")

    cold_ok = cold["returncode"] == 0
    section.rows.append(
        Row(
            "Cold build (no cache, no _build)",
            f"{seconds(cold['seconds'])}; {len(cold['executed'])} notebooks executed "
            f"({seconds(cold['kernel_seconds'])} of it in kernels), {cold['warnings']} warnings",
            "reference for the warm rebuild",
            "reference" if cold_ok else f"build failed (exit {cold['returncode']}; see {cold['log']})",
            None if cold_ok else False,
            cold,
        )
    )

    limit = WARM_BUILD_SHARE * cold["seconds"]
    share = warm["seconds"] / cold["seconds"] if cold["seconds"] else float("nan")
    met = warm["seconds"] <= limit and not warm["executed"] and warm["returncode"] == 0
    why = []
    if warm["executed"]:
        why.append(f"re-executed {', '.join(warm['executed'])}")
    if warm["outdated_sources"]:
        why.append(f"Sphinx rebuilt {warm['outdated_sources']} unchanged pages")
    if warm["returncode"]:
        why.append(f"build failed (exit {warm['returncode']}; see {warm['log']})")
    if warm["seconds"] > limit and not why:
        why.append("fixed cost: starting Sphinx and the theme, writing indices")
    section.rows.append(
        Row(
            "Warm rebuild, nothing changed",
            f"{seconds(warm['seconds'])} = {share:.0%} of cold; {len(warm['executed'])} notebooks executed",
            f"≤ {WARM_BUILD_SHARE:.0%} of cold (≤ {seconds(limit)}), no notebook executed",
            verdict(met, "by " + seconds(warm["seconds"] - limit) if warm["seconds"] > limit else "", "; ".join(why)),
            met,
            {**warm, "share_of_cold": round(share, 4), "limit_seconds": round(limit, 2)},
        )
    )
    section.notes.append(
        f"Built with `jupyter-book build <copy> --builder html` in a temporary copy of the "
        f"{files} tracked and untracked (not ignored) files, with node_modules linked in. "
        "coursekit is imported from the editable install, i.e. from this checkout. "
        "Logs: _build/bench/build-cold.log, build-warm.log."
    )
    return section


# ---------------------------------------------------------------------------------------------------------------
# 2. Notebooks: "Run all" in a fresh kernel, against the floor notebook
# ---------------------------------------------------------------------------------------------------------------


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


def bench_notebooks(quick: bool) -> Section:
    section = Section("notebooks", '2. Notebooks: "Run all" in a fresh kernel')
    chapters = chapter_notebooks()
    rounds = 1 if quick else 2
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
    section.rows.append(
        Row(
            "Floor: kernel start and imports (benchmarks/floor.ipynb)",
            seconds(floor["seconds"]),
            "the floor",
            "floor" if not floor["error"] else f"failed: {floor['error']}",
            None,
            {"runs": runs[FLOOR_NOTEBOOK]},
        )
    )
    for path in chapters:
        result = best(path)
        over = result["seconds"] - floor["seconds"]
        met = result["seconds"] <= limit and not result["error"]
        why = []
        if result["error"]:
            why.append(f"failed: {result['error']}")
        if result["slowest_cells"]:
            why.append(
                "slowest cells: "
                + ", ".join(
                    f"#{c['index']} `{c['first_line']}` {seconds(c['seconds'])}" for c in result["slowest_cells"]
                )
            )
        messaging = result["seconds"] - result["kernel_start_seconds"] - result["kernel_busy_seconds"]
        if messaging > 2:
            why.append(f"{seconds(messaging)} outside the cells (kernel idle, client waiting)")
        section.rows.append(
            Row(
                f"{path.name}",
                f"{seconds(result['seconds'])} (floor {'+' if over >= 0 else '−'} {seconds(abs(over))})",
                f"≤ floor + {NOTEBOOK_MARGIN_S:.0f} s (≤ {seconds(limit)})",
                verdict(
                    met, "by " + seconds(result["seconds"] - limit) if result["seconds"] > limit else "", "; ".join(why)
                ),
                met,
                {"runs": runs[path], "limit_seconds": round(limit, 2)},
            )
        )
    section.notes.append(
        f"Each figure is the best of {rounds} run(s); the floor and the chapters alternate, in a "
        "fresh kernel each time (nbclient, working directory notebooks/), kernel start included."
    )
    return section


# ---------------------------------------------------------------------------------------------------------------
# 3. Explorers: one live redraw after a control move
# ---------------------------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_explorer(explorer, moves: int, rng: random.Random) -> dict:
    """Move one control at a time to a random allowed value and time the redraw, as the live view does."""
    from coursekit.charts import VEGALITE_MIME

    explorer.render(**explorer.defaults())  # the first draw happens when the cell runs; moves come after
    state = explorer.defaults()
    render_ms, spec_bytes, parts, failures = [], [], {"model": [], "view": [], "to_dict": []}, 0
    for _ in range(moves):
        control = rng.choice(explorer.controls)
        state[control.name] = rng.choice(control.values())
        start = time.perf_counter()
        bundle, _status = explorer.render(**state)
        render_ms.append((time.perf_counter() - start) * 1000)
        if VEGALITE_MIME not in bundle:
            failures += 1
            continue
        spec_bytes.append(len(json.dumps(bundle[VEGALITE_MIME])))
        # The same redraw again, step by step, to tell where the time goes.
        values = explorer.clamp(**state)
        t0 = time.perf_counter()
        frame = explorer.model(**values)
        t1 = time.perf_counter()
        chart = explorer.view(frame, values).properties(title=explorer.title, description=explorer.description)
        t2 = time.perf_counter()
        chart.to_dict()
        t3 = time.perf_counter()
        for name, ms in zip(parts, ((t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000), strict=True):
            parts[name].append(ms)
    return {
        "moves": moves,
        "median_ms": round(statistics.median(render_ms), 2),
        "p95_ms": round(percentile(render_ms, 0.95), 2),
        "parts_median_ms": {name: round(statistics.median(ms), 2) for name, ms in parts.items() if ms},
        "spec_median_bytes": int(statistics.median(spec_bytes)) if spec_bytes else 0,
        "failures": failures,
    }


def time_floor_chart(repeats: int) -> dict:
    """The least a redraw can cost: build and validate the spec of a trivial chart (tells how busy the machine is)."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame({"x": range(10), "y": range(10)})
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        alt.Chart(frame).mark_bar().encode(x="x:O", y="y:Q").properties(title="floor").to_dict()
        times.append((time.perf_counter() - start) * 1000)
    times = times[1:]  # the first call warms Altair's schema caches
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 0.95), 2)}


def bench_explorers(quick: bool) -> Section:
    section = Section("explorers", "3. Explorers: one live redraw (recompute and build the Vega-Lite spec)")
    import coursekit.chapters as chapters

    moves = 10 if quick else 50
    floor_ms = time_floor_chart(moves)
    section.rows.append(
        Row(
            "Floor: Altair spec of a 10-bar chart (alt.Chart(...).to_dict())",
            f"median {floor_ms['median_ms']:.1f} ms, p95 {floor_ms['p95_ms']:.1f} ms",
            "the floor (no target)",
            "floor",
            None,
            floor_ms,
        )
    )
    for name in chapters.MODULES:
        module = importlib.import_module(f"coursekit.chapters.{name}")
        make = getattr(module, "explorer", None)
        if not callable(make):
            continue
        start = time.perf_counter()
        explorer = make()
        build_ms = (time.perf_counter() - start) * 1000
        result = time_explorer(explorer, moves, random.Random(f"{SEED}-{name}"))
        result["construct_ms"] = round(build_ms, 1)
        over_median = result["median_ms"] - EXPLORER_MEDIAN_MS
        over_p95 = result["p95_ms"] - EXPLORER_P95_MS
        met = over_median <= 0 and over_p95 <= 0 and not result["failures"]
        misses = []
        if over_median > 0:
            misses.append(f"median by {over_median:.0f} ms")
        if over_p95 > 0:
            misses.append(f"p95 by {over_p95:.0f} ms")
        why = []
        if result["failures"]:
            why.append(f"{result['failures']} of {moves} moves could not be drawn")
        if result["parts_median_ms"] and (over_median > 0 or over_p95 > 0):
            split = ", ".join(f"{part} {ms:.0f} ms" for part, ms in result["parts_median_ms"].items())
            why.append(f"median split: {split}")
        section.rows.append(
            Row(
                f"{name}.explorer(): {explorer.title}",
                f"median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms "
                f"(spec {kilobytes(result['spec_median_bytes'])})",
                f"median ≤ {EXPLORER_MEDIAN_MS:.0f} ms, p95 ≤ {EXPLORER_P95_MS:.0f} ms",
                verdict(met, ", ".join(misses), "; ".join(why)),
                met,
                result,
            )
        )
    section.notes.append(
        f"{moves} moves per explorer: each sets one random control to a random value from its "
        f"values() (seed {SEED}) and times Explorer.render(**values) in this process. "
        "The median split times the same redraws step by step: the model, the view (building the "
        "Altair chart) and to_dict (serialising and validating the spec). "
        "The browser's drawing of the spec in JupyterLab is not included."
    )
    return section


# ---------------------------------------------------------------------------------------------------------------
# 4. Pages: the built site in headless Chromium
# ---------------------------------------------------------------------------------------------------------------

# Runs before the page's own scripts: notes the moment every chart holds an svg (or failed).
CHART_WATCH_JS = """
window.__ckDrawn = null;
new MutationObserver(function () {
  if (window.__ckDrawn !== null) return;
  var divs = document.querySelectorAll("div.ck-vega");
  if (!divs.length) return;
  for (var i = 0; i < divs.length; i++) {
    if (!divs[i].querySelector("svg") && divs[i].dataset.drawn !== "error") return;
  }
  window.__ckDrawn = performance.now();
}).observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ["data-drawn"]});
"""
PAGE_FACTS_JS = """() => ({
  charts: document.querySelectorAll("div.ck-vega").length,
  errors: document.querySelectorAll('div.ck-vega[data-drawn="error"]').length,
  largestSpec: Math.max(0, ...[...document.querySelectorAll("script.ck-spec")].map(s => s.textContent.length)),
  load: performance.getEntriesByType("navigation")[0].loadEventEnd,
})"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve_site():
    """The built site on 127.0.0.1 (uncompressed, like `make serve`)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(SITE)))
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def load_page(browser, url: str) -> dict:
    """One cold load (fresh context, empty cache): time to drawn charts (or load) and every response's bytes."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    host = urlparse(url).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(CHART_WATCH_JS)
    page = context.new_page()
    external, responses = [], []

    def route(r):
        parsed = urlparse(r.request.url)
        if parsed.scheme in ("data", "blob") or parsed.netloc == host:
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto(url, wait_until="load", timeout=60_000)
        page.wait_for_function("() => performance.getEntriesByType('navigation')[0].loadEventEnd > 0", timeout=30_000)
        facts = page.evaluate(PAGE_FACTS_JS)
        drawn_ms = None
        if facts["charts"]:
            try:
                drawn_ms = page.wait_for_function("() => window.__ckDrawn", timeout=30_000).json_value()
            except PlaywrightTimeout:
                drawn_ms = None  # never drawn within 30 s
            facts = page.evaluate(PAGE_FACTS_JS)
        try:
            page.wait_for_load_state("networkidle", timeout=10_000)  # late requests count towards the bytes
        except PlaywrightTimeout:
            pass
        files = []
        for response in responses:
            try:
                body = response.body()
            except Exception:  # redirects and aborted requests have no body
                continue
            files.append(
                {
                    "url": urlparse(response.url).path,
                    "status": response.status,
                    "raw": len(body),
                    "gzip": len(gzip.compress(body, GZIP_LEVEL)),
                }
            )
    finally:
        context.close()
    return {
        "charts": facts["charts"],
        "chart_errors": facts["errors"],
        "largest_spec_bytes": facts["largestSpec"],
        "load_ms": round(facts["load"], 1),
        "drawn_ms": None if drawn_ms is None else round(drawn_ms, 1),
        "requests": len(files),
        "raw_bytes": sum(f["raw"] for f in files),
        "gzip_bytes": sum(f["gzip"] for f in files),
        "chart_libraries": sorted({Path(f["url"]).name for f in files if VENDOR_PATH in f["url"]}),
        "external_requests": external,
        "failed": [f"{f['status']} {f['url']}" for f in files if f["status"] >= 400],
        "files": sorted(files, key=lambda f: -f["gzip"]),
    }


def page_row(doc: str, loads: list[dict], floor_bytes: int) -> Row:
    first = loads[0]
    chapter = doc.startswith("notebooks/")
    drawn = [load["drawn_ms"] for load in loads]
    drawn_ms = None if None in drawn else statistics.median(drawn)
    load_ms = statistics.median(load["load_ms"] for load in loads)
    libs = bool(first["chart_libraries"])

    problems, misses = [], []
    if chapter and first["gzip_bytes"] > CHAPTER_PAGE_GZIP_BYTES:
        top = ", ".join(f"{Path(f['url']).name} {kilobytes(f['gzip'])}" for f in first["files"][:3])
        misses.append(f"size by {kilobytes(first['gzip_bytes'] - CHAPTER_PAGE_GZIP_BYTES)}")
        problems.append(f"largest: {top}")
    if first["charts"]:
        if drawn_ms is None:
            misses.append("charts: not drawn within 30 s")
        elif drawn_ms > CHARTS_DRAWN_S * 1000:
            misses.append(f"charts by {(drawn_ms / 1000 - CHARTS_DRAWN_S):.2f} s")
            problems.append(f"{first['charts']} charts, largest spec {kilobytes(first['largest_spec_bytes'])}")
        if first["chart_errors"]:
            problems.append(f"{first['chart_errors']} charts failed to draw")
    if libs != bool(first["charts"]):
        problems.append("loads the chart libraries without a chart" if libs else "has charts but no chart libraries")
    if first["external_requests"]:
        problems.append(f"{len(first['external_requests'])} requests to other hosts (blocked)")
    if first["failed"]:
        problems.append(f"failed requests: {', '.join(first['failed'][:3])}")
    met = not misses and not problems

    if not first["charts"]:
        timing = f"no chart; load in {load_ms / 1000:.2f} s"
    elif drawn_ms is None:
        timing = f"{first['charts']} charts, not drawn"
    else:
        timing = f"{first['charts']} charts drawn in {drawn_ms / 1000:.2f} s"
    targets = []
    if chapter:
        targets.append(f"≤ {kilobytes(CHAPTER_PAGE_GZIP_BYTES)} gzip")
    if first["charts"]:
        targets.append(f"charts ≤ {CHARTS_DRAWN_S:.0f} s")
    targets.append("chart libraries only with charts")
    return Row(
        doc,
        f"{kilobytes(first['gzip_bytes'])} gzip = floor + {kilobytes(first['gzip_bytes'] - floor_bytes)} "
        f"({kilobytes(first['raw_bytes'])} raw, {first['requests']} requests); "
        f"{timing}; chart libraries {'loaded' if libs else 'not loaded'}",
        "; ".join(targets),
        verdict(met, ", ".join(misses), "; ".join(problems)),
        met,
        {
            **{k: v for k, v in first.items() if k != "files"},
            "largest_files": first["files"][:5],
            "drawn_ms_runs": drawn,
            "drawn_ms": drawn_ms,
            "load_ms": load_ms,
            "chapter": chapter,
        },
    )


def bench_pages(quick: bool) -> Section:
    section = Section("pages", "4. Pages: the built site in headless Chromium")
    if not (SITE / "index.html").exists():
        section.skipped = "no built site: run `make book` first"
        return section
    if not Path(CHROMIUM).exists():
        section.skipped = f"{CHROMIUM} not found: `sudo apt-get install chromium` (or run `make test` once as root)"
        return section
    from playwright.sync_api import sync_playwright

    loads = 1 if quick else 3
    docs = toc_files()
    measured: dict[str, list[dict]] = {}
    with serve_site() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for doc in docs:
                if (SITE / f"{doc}.html").exists():
                    log(f"pages: {doc}")
                    measured[doc] = [load_page(browser, f"{base}/{doc}.html") for _ in range(loads)]
        finally:
            browser.close()
    if not measured:
        section.skipped = "none of the pages in _toc.yml is in _build/html: run `make book`"
        return section

    # The floor: what the lightest page costs (theme, fonts, search), which every page pays.
    lightest = min(measured, key=lambda doc: measured[doc][0]["gzip_bytes"])
    floor = measured[lightest][0]
    section.rows.append(
        Row(
            f"Floor: the lightest page, {lightest} (theme, icons, fonts, search: on every page)",
            f"{kilobytes(floor['gzip_bytes'])} gzip ({kilobytes(floor['raw_bytes'])} raw, "
            f"{floor['requests']} requests)",
            "the floor",
            "floor",
            None,
            {
                "page": lightest,
                "gzip_bytes": floor["gzip_bytes"],
                "raw_bytes": floor["raw_bytes"],
                "largest_files": floor["files"][:5],
            },
        )
    )
    for doc in docs:
        if doc in measured:
            section.rows.append(page_row(doc, measured[doc], floor["gzip_bytes"]))
        else:
            section.rows.append(Row(doc, "not in _build/html", "built", "missed (page not built)", False))
    with_libs = [r.figure for r in section.rows if r.data.get("chart_libraries")]
    with_charts = [r.figure for r in section.rows if r.data.get("charts")]
    section.notes.append(
        f"Each page loaded cold (new browser context, empty cache) from an uncompressed local server; "
        f"times are the median of {loads} load(s), from navigation start until every div.ck-vega "
        f"holds an svg (pages without charts: the load event). Gzip sizes compress every response "
        f"body at level {GZIP_LEVEL}, as a compressing web server would send it."
    )
    section.notes.append(
        f"Pages with charts: {', '.join(with_charts) or 'none'}. "
        f"Pages loading the chart libraries: {', '.join(with_libs) or 'none'}."
    )
    return section


# ---------------------------------------------------------------------------------------------------------------
# 6. Pages on a phone: bytes and first chart on a slow network (measured by benchmarks/pages.py)
# ---------------------------------------------------------------------------------------------------------------


def bench_phone(quick: bool) -> Section:
    section = Section("phone", "6. Pages on a phone: bytes (served gzip) and first chart on Fast 3G with 4× CPU")
    if not (SITE / "index.html").exists():
        section.skipped = "no built site: run `make book` first"
        return section
    if not Path(CHROMIUM).exists():
        section.skipped = f"{CHROMIUM} not found: `sudo apt-get install chromium` (or run `make test` once as root)"
        return section
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import pages

    section.rows = [Row(**row) for row in pages.measure(SITE, quick=quick)]
    section.notes += pages.NOTES
    return section


# ---------------------------------------------------------------------------------------------------------------
# 5. Tests: wall time of `make test`
# ---------------------------------------------------------------------------------------------------------------


def bench_tests(with_tests: bool) -> Section:
    section = Section("tests", "5. Tests: wall time of `make test`")
    if with_tests:
        log("tests: running `make test` (many minutes)...")
        start = time.perf_counter()
        code = subprocess.run(["make", "test"], cwd=ROOT).returncode
        elapsed = time.perf_counter() - start
        when = datetime.now(UTC).isoformat(timespec="seconds")
        OUT.mkdir(parents=True, exist_ok=True)
        TEST_TIME.write_text(f"{elapsed:.1f}\t{code}\t{when}\n", encoding="utf-8")
        source = "measured in this run"
    elif TEST_TIME.exists():
        try:
            text, code_text, when = TEST_TIME.read_text(encoding="utf-8").split("\t")
            elapsed, code, when = float(text), int(code_text), when.strip()
        except ValueError:
            section.skipped = f"{TEST_TIME.relative_to(ROOT)} is unreadable; run with --with-tests to measure again"
            return section
        source = f"last recorded value ({when}), not measured in this run; pass --with-tests to measure"
    else:
        section.skipped = "not run (it takes many minutes); pass --with-tests to time `make test`"
        return section
    section.rows.append(
        Row(
            "`make test` (set-up, build, every test)",
            seconds(elapsed),
            "no target; recorded",
            "tests passed" if code == 0 else f"tests failed (exit {code})",
            None,
            {"seconds": round(elapsed, 1), "returncode": code, "source": source},
        )
    )
    section.notes.append(f"Source: {source}.")
    return section


# ---------------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------------


def machine() -> dict:
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(meta: dict, sections: list[Section]) -> str:
    lines = [
        "# Course performance report",
        "",
        f"Measured {meta['generated']} ({meta['mode']} mode) at commit {meta['commit']}"
        f"{' with uncommitted changes' if meta['uncommitted_changes'] else ''}, on {meta['cpus']} CPUs "
        f"(load average {meta['load_average_start'][0]} at start, {meta['load_average_end'][0]} at end), "
        f"Python {meta['python']}. Each figure is compared with a floor or target from the same run; "
        "on a busy machine the figures are noisy.",
        "",
    ]
    for section in sections:
        lines += [f"## {section.title}", ""]
        if section.skipped:
            lines += [f"Not measured: {section.skipped}.", ""]
            continue
        lines += ["| Figure | Measured | Floor / target | Verdict |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {cell(r.figure)} | {cell(r.measured)} | {cell(r.target)} | {cell(r.verdict)} |" for r in section.rows
        ]
        lines += [""] + [f"{note}" for note in section.notes] + [""]
    missed = [f"{s.key}: {r.figure}" for s in sections for r in s.rows if r.met is False]
    lines += ["## Summary", "", f"{len(missed)} figure(s) missed their target" + (":" if missed else "."), ""]
    lines += [f"- {m}" for m in missed]
    return "\n".join(lines).rstrip() + "\n"


def write_report(meta: dict, sections: list[Section]) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    report = {**meta, "sections": [asdict(s) for s in sections]}
    (OUT / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown = to_markdown(meta, sections)
    (OUT / "report.md").write_text(markdown, encoding="utf-8")
    return markdown


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="for development: skip the build section, fewer runs, loads and explorer moves",
    )
    parser.add_argument("--with-tests", action="store_true", help="also run `make test` and time it (many minutes)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["build", "notebooks", "explorers", "pages", "phone", "tests"],
        help="measure only these sections",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    # `make bench BENCH_ARGS="--quick"` passes options through the environment.
    args = parse_args(shlex.split(os.environ.get("BENCH_ARGS", "")) + (sys.argv[1:] if argv is None else argv))
    meta = {**machine(), "mode": "quick" if args.quick else "full"}
    benches = {
        "build": lambda: bench_build(args.quick),
        "notebooks": lambda: bench_notebooks(args.quick),
        "explorers": lambda: bench_explorers(args.quick),
        "pages": lambda: bench_pages(args.quick),
        "phone": lambda: bench_phone(args.quick),
        "tests": lambda: bench_tests(args.with_tests),
    }
    sections = [run() for key, run in benches.items() if not args.only or key in args.only]
    meta["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    markdown = write_report(meta, sections)
    print(markdown)
    print(f"Written: {(OUT / 'report.md').relative_to(ROOT)} and {(OUT / 'report.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
