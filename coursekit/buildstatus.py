"""The figures on the book's "Build status" page: the latest `make bench` report, or else
the notebooks' execution times from the build's execution cache.

Reading never fails the build: a missing or half-written file gives a one-line message.
"""
import json
import warnings
from html import escape
from pathlib import Path


def course_root() -> Path:
    """The folder holding _config.yml (this page runs in book/ during a build)."""
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "_config.yml").is_file():
            return folder
    return Path.cwd()


def table(caption: str, header: list[str], rows: list[list]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<table class="table"><caption>{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def from_report(path: Path) -> str:
    report = json.loads(path.read_text(encoding="utf-8"))
    parts = [f"<p>Measured {escape(report['generated'])} ({escape(report['mode'])} mode) at commit "
             f"<code>{escape(report['commit'])}</code> on {report['cpus']} CPUs.</p>"]
    for section in report["sections"]:
        if section["skipped"]:
            parts.append(f"<p><strong>{escape(section['title'])}</strong>: not measured "
                         f"({escape(section['skipped'])}).</p>")
            continue
        rows = [[r["figure"], r["measured"], r["target"], r["verdict"]] for r in section["rows"]]
        parts.append(table(section["title"], ["Figure", "Measured", "Floor / target", "Verdict"], rows))
    return "".join(parts)


def cache_dir(root: Path) -> Path:
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    return root / ((config.get("execute") or {}).get("cache") or "_build/.jupyter_cache")


def from_cache(cache: Path, root: Path) -> str:
    from jupyter_cache import get_cache

    latest = {}
    for record in get_cache(str(cache)).list_cache_records():
        if record.uri not in latest or record.created > latest[record.uri].created:
            latest[record.uri] = record
    if not latest:
        return ""
    rows = []
    for uri, record in sorted(latest.items()):
        path = Path(uri)
        name = str(path.relative_to(root)) if path.is_relative_to(root) else path.name
        run = (record.data or {}).get("execution_seconds")
        rows.append([name, record.created.strftime("%Y-%m-%d %H:%M UTC"), "–" if run is None else f"{run:.1f}"])
    return ("<p>No benchmark report yet (run <code>make bench</code>). These are the notebooks' execution "
            "times from the build's execution cache, as of the last time each notebook was executed.</p>"
            + table("Notebook execution times (execution cache)", ["Notebook", "Executed", "Seconds"], rows))


def latest_figures() -> str:
    root = course_root()
    report = root / "_build" / "bench" / "report.json"
    if report.is_file():
        return from_report(report)
    cache = cache_dir(root)
    if (cache / "global.db").is_file():  # never create a cache just by looking for one
        html = from_cache(cache, root)
        if html:
            return html
    return "<p>No figures yet: run <code>make book</code>, then <code>make bench</code>.</p>"



def latest_figures_html() -> str:
    """HTML for the page: never raises, never depends on the time of the build."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return latest_figures()
        except Exception as err:  # a missing or half-written file must never fail the build
            return f"<p>The latest figures could not be read ({escape(type(err).__name__)}: {escape(str(err))}).</p>"
