"""The benchmark harness: sections contributed by modules, rows compared with a floor and a target, one report.

A module ``benchmarks/<name>.py`` contributes measurements by defining ``SECTIONS``, a list of
:class:`Measurement`. ``benchmarks/run.py`` finds every such module, runs the sections in ``order`` (or those
named with ``--only``) and writes ``_build/bench/report.json`` and ``report.md``; the book's "Build status" page
shows the JSON. A section returns a :class:`Section` of :class:`Row`: one figure each, with what it was
compared with (``floor``), the ``target``, and whether the target was met and by how much it was missed.

Notebooks and explorers are found with :mod:`coursebuild.discover`, as the tests find them.
"""

from __future__ import annotations

import gzip
import http.server
import importlib
import io
import json
import os
import platform
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "bench"
VENV_BIN = Path(sys.prefix) / "bin"
SEED = 20260101
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


# ---------------------------------------------------------------------------------------------------------------
# The built site, served locally
# ---------------------------------------------------------------------------------------------------------------

#: Text types a web server compresses; fonts and images are already compressed.
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".xml", ".map", ".ipynb", ".md", ".bib")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class GzipHandler(_QuietHandler):
    """Static files, with text compressed with gzip when the browser accepts it (as a web host serves them)."""

    cache: dict = {}

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        key = (str(path), path.stat().st_mtime_ns)
        body = self.cache.get(key)
        if body is None:
            body = self.cache[key] = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(site: Path = SITE, compress: bool = False):
    """The built site on 127.0.0.1: as `make serve` serves it, or gzip-compressed as a web host would."""
    handler = GzipHandler if compress else _QuietHandler
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()




@dataclass
class Row:
    """One figure, beside what it is compared with.

    ``floor`` is the reference measured in the same run (the cold build, the kernel start, a trivial chart);
    ``target`` is the goal. ``met`` is True or False for a figure with a target, None for a reference figure.
    ``verdict`` says "met", or "missed by ..." and why when that is known.
    """

    figure: str
    measured: str
    floor: str
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


@dataclass
class Options:
    quick: bool = False
    with_tests: bool = False


@dataclass
class Measurement:
    """A section a module contributes: ``run(options) -> Section``; lower ``order`` runs (and is shown) first."""

    key: str
    title: str
    run: Callable[[Options], Section]
    order: int = 50


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


def measurements() -> list[Measurement]:
    """Every section contributed by a module of benchmarks/, in order."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    found = []
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.stem in ("run", "harness") or path.stem.startswith("_"):
            continue
        module = importlib.import_module(f"benchmarks.{path.stem}")
        found += list(getattr(module, "SECTIONS", []))
    keys = [m.key for m in found]
    if len(keys) != len(set(keys)):
        raise ValueError(f"two benchmark sections share a key: {sorted(keys)}")
    return sorted(found, key=lambda m: (m.order, m.key))


# ---------------------------------------------------------------------------------------------------------------
# The report
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


def _cell(text: str) -> str:
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
    targets = [r for s in sections for r in s.rows if r.met is not None]
    missed = [(s, r) for s in sections for r in s.rows if r.met is False]
    lines += [f"**{len(targets) - len(missed)} of {len(targets)} targets met.**", ""]
    for section in sections:
        lines += [f"## {section.title}", ""]
        if section.skipped:
            lines += [f"Not measured: {section.skipped}.", ""]
            continue
        lines += ["| Figure | Measured | Floor | Target | Verdict |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {_cell(r.figure)} | {_cell(r.measured)} | {_cell(r.floor)} | {_cell(r.target)} | "
                  f"{_cell(r.verdict)} |" for r in section.rows]
        lines += [""] + [f"{note}" for note in section.notes] + [""]
    lines += ["## Summary", "", f"{len(missed)} figure(s) missed their target" + (":" if missed else "."), ""]
    lines += [f"- {s.key}: {r.figure}: {r.verdict}" for s, r in missed]
    return "\n".join(lines).rstrip() + "\n"


def write_report(meta: dict, sections: list[Section]) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    report = {**meta, "sections": [asdict(s) for s in sections]}
    tmp = OUT / "report.json.tmp"
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, OUT / "report.json")  # the book reads it: never half-written
    markdown = to_markdown(meta, sections)
    (OUT / "report.md").write_text(markdown, encoding="utf-8")
    return markdown
