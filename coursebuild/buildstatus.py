"""The latest ``make bench`` report as HTML, for the book's "Build status" page.

The ``{bench-report}`` directive (see :mod:`coursebuild.sphinxext`) calls :func:`report_html` when Sphinx reads
the page, and the page is read again whenever :func:`report_digest` changes. Nothing is executed.
Reading never fails the build: a missing or half-written report gives a one-line message.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from pathlib import Path

REPORT = Path("_build") / "bench" / "report.json"


def report_path(root: Path) -> Path:
    return Path(root) / REPORT


def report_digest(root: Path) -> str:
    """A hash of the report file's bytes ("none" without a report)."""
    try:
        return hashlib.sha256(report_path(root).read_bytes()).hexdigest()
    except OSError:
        return "none"


def _status(row: dict) -> str:
    met = row.get("met")
    if met is True:
        return '<span class="ck-met">✔ met</span>'
    if met is False:
        return f'<span class="ck-missed">✘ {escape(str(row.get("verdict", "missed")))}</span>'
    return escape(str(row.get("verdict", "")))


def _table(section: dict) -> str:
    columns = ("Figure", "Measured", "Floor", "Target", "Verdict")
    head = "".join(f'<th scope="col">{h}</th>' for h in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(r.get(k, '')))}</td>" for k in ("figure", "measured", "floor", "target"))
        + f"<td>{_status(r)}</td></tr>" for r in section.get("rows", []))
    notes = "".join(f"<p class=\"ck-note\">{escape(str(n))}</p>" for n in section.get("notes", []))
    title = escape(str(section.get("title", "")))
    # A wide table scrolls sideways on a phone; the region takes the keyboard focus so it can be scrolled.
    return (f'<div class="ck-table-scroll" tabindex="0" role="region" aria-label="{title}">'
            f'<table class="table ck-bench"><caption>{title}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>{notes}")


def from_report(report: dict) -> str:
    rows = [(s, r) for s in report.get("sections", []) if not s.get("skipped") for r in s.get("rows", [])]
    met = [r for _, r in rows if r.get("met") is True]
    missed = [(s, r) for s, r in rows if r.get("met") is False]
    changes = " with uncommitted changes" if report.get("uncommitted_changes") else ""
    parts = [f"<p>Measured {escape(str(report.get('generated', '?')))} ({escape(str(report.get('mode', '?')))} mode) "
             f"at commit <code>{escape(str(report.get('commit', '?')))}</code>{changes} on "
             f"{escape(str(report.get('cpus', '?')))} CPUs.</p>",
             f'<p class="ck-bench-summary"><strong>{len(met)} of {len(met) + len(missed)} targets met'
             f"{'.' if not missed else f'; {len(missed)} missed:'}</strong></p>"]
    if missed:
        def short(text: str) -> str:  # the details (why, and the split) are in the tables below
            return str(text).split(" (")[0]

        parts.append("<ul class=\"ck-bench-missed\">" + "".join(
            f"<li>{escape(str(s.get('key', s.get('title', ''))).capitalize())}: {escape(str(r.get('figure', '')).split(': ')[0])}"
            f" — {escape(short(r.get('verdict', '')))}</li>" for s, r in missed) + "</ul>")
    for section in report.get("sections", []):
        if section.get("skipped"):
            parts.append(f"<p><strong>{escape(str(section.get('title', '')))}</strong>: not measured "
                         f"({escape(str(section['skipped']))}).</p>")
        else:
            parts.append(_table(section))
    return "".join(parts)


def report_html(root: Path) -> str:
    """HTML for the page; never raises."""
    path = report_path(root)
    if not path.is_file():
        return "<p>No benchmark report yet: run <code>make bench</code>, then <code>make book</code>.</p>"
    try:
        return from_report(json.loads(path.read_text(encoding="utf-8")))
    except Exception as err:  # a half-written or foreign file must never fail the build
        return f"<p>The latest report could not be read ({escape(type(err).__name__)}: {escape(str(err))}).</p>"
