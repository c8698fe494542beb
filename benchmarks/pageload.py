"""Pages: every page of the built site in headless Chromium, cold: bytes transferred and time to drawn charts."""

from __future__ import annotations

import gzip
import statistics
from pathlib import Path
from urllib.parse import urlparse

from benchmarks.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    SITE,
    Measurement,
    Options,
    Row,
    Section,
    kilobytes,
    log,
    serve,
    verdict,
)
from coursebuild.discover import toc_files

CHAPTER_PAGE_GZIP_BYTES = 1_000_000  # 1 MB, decimal
CHARTS_DRAWN_S = 2.0
GZIP_LEVEL = 6
VENDOR_PATH = "/_static/coursekit-vendor/"  # the chart libraries (see coursebuild/sphinxext.py)


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
            # Charts are drawn as the reader nears them; ask for all of them at once, as a reader who scrolls
            # straight through the page would (the phone section times the first chart on a slow network).
            page.evaluate("() => window.coursekit && window.coursekit.drawAll()")
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
        f"{kilobytes(floor_bytes)} gzip (the lightest page)",
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


def bench_pages(options: Options) -> Section:
    section = Section("pages", "4. Pages: the built site in headless Chromium")
    if not (SITE / "index.html").exists():
        section.skipped = "no built site: run `make book` first"
        return section
    if not Path(CHROMIUM).exists():
        section.skipped = f"{CHROMIUM} not found: `sudo apt-get install chromium` (or run `make test` once as root)"
        return section
    from playwright.sync_api import sync_playwright

    loads = 1 if options.quick else 3
    docs = toc_files(ROOT)
    measured: dict[str, list[dict]] = {}
    with serve() as base, sync_playwright() as p:
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
    section.rows.append(Row(
        f"Floor: the lightest page, {lightest} (theme, icons, fonts, search: on every page)",
        f"{kilobytes(floor['gzip_bytes'])} gzip ({kilobytes(floor['raw_bytes'])} raw, {floor['requests']} requests)",
        "the floor", "no target", "floor", None,
        {"page": lightest, "gzip_bytes": floor["gzip_bytes"], "raw_bytes": floor["raw_bytes"],
         "largest_files": floor["files"][:5]}))
    for doc in docs:
        if doc in measured:
            section.rows.append(page_row(doc, measured[doc], floor["gzip_bytes"]))
        else:
            section.rows.append(Row(doc, "not in _build/html", "", "built", "missed (page not built)", False))
    with_libs = [r.figure for r in section.rows if r.data.get("chart_libraries")]
    with_charts = [r.figure for r in section.rows if r.data.get("charts")]
    section.notes.append(
        f"Each page loaded cold (new browser context, empty cache) from an uncompressed local server; "
        f"times are the median of {loads} load(s), from navigation start until every div.ck-vega "
        f"holds an svg (pages without charts: the load event). Gzip sizes compress every response "
        f"body at level {GZIP_LEVEL}, as a compressing web server would send it.")
    section.notes.append(f"Pages with charts: {', '.join(with_charts) or 'none'}. "
                         f"Pages loading the chart libraries: {', '.join(with_libs) or 'none'}.")
    return section


SECTIONS = [Measurement("pages", "every page in headless Chromium", bench_pages, order=40)]
