"""The built site on a phone over a slow network: bytes per page and time to the first chart.

A section of ``make bench`` (key ``phone``, see ``benchmarks/harness.py``) and runnable alone::

    .venv/bin/python benchmarks/phone.py [--site _build/html] [--quick] [--json out.json]

The site is served by a small local server that compresses text responses with gzip, as any web
host does. Each page is opened cold (new browser context, empty cache) in headless Chromium at
phone size (390×844, touch) and the bytes that cross the network are counted by the DevTools
protocol (``Network.loadingFinished``'s ``encodedDataLength``: headers and compressed bodies).

* **bytes per page**: everything the page transfers once the reader has scrolled to its end, so
  that every chart has been fetched and drawn ("in all"), and, for pages with charts, what it
  transfers before the first scroll;
* **time to first chart**: under Chromium's Fast 3G profile (150 ms latency, 1.6 Mbit/s down,
  750 kbit/s up) with the CPU slowed down 4×, both emulated through the DevTools protocol: from
  navigation start until the page's first chart holds an ``svg``. The harness scrolls the first
  chart into view as soon as the document is parsed, as a reader who jumps to it would.

Functions return rows: ``{"figure", "measured", "target", "verdict", "met", "data"}``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import CHROMIUM, SITE, Measurement, Options, Row, Section, serve  # noqa: E402
from benchmarks.harness import CHROMIUM_ARGS as _ARGS  # noqa: E402
from coursebuild.discover import toc_files  # noqa: E402

CHROMIUM_ARGS = [*_ARGS, "--disable-quic"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

# Targets (issue 20).
TEXT_PAGE_GZIP_BYTES = 250_000   # a page without charts
CHAPTER_PAGE_GZIP_BYTES = 600_000  # a chapter page, in all (every chart fetched and drawn)
FIRST_CHART_S = 4.0              # time to the first chart on Fast 3G with 4x CPU throttling

#: Chromium's "Fast 3G" (as Lighthouse states it): round-trip latency and throughputs in bytes per second.
FAST_3G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
CPU_SLOWDOWN = 4

# Runs before the page's scripts: notes when the first chart holds an svg, and scrolls the first chart into
# view as soon as the document is parsed.
WATCH_JS = """
window.__ck = {first: null, all: null};
new MutationObserver(function () {
  var divs = document.querySelectorAll("div.ck-vega");
  if (!divs.length) return;
  if (window.__ck.first === null && divs[0].querySelector("svg")) window.__ck.first = performance.now();
  for (var i = 0; i < divs.length; i++) if (!divs[i].querySelector("svg") && divs[i].dataset.drawn !== "error") return;
  if (window.__ck.all === null) window.__ck.all = performance.now();
}).observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ["data-drawn"]});
if (window.__ckScrollToChart) document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector("div.ck-vega");
  if (first) first.scrollIntoView({block: "center"});
});
"""


class Transfer:
    """Bytes that cross the network, counted from the DevTools protocol's own events."""

    def __init__(self, cdp):
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: self.bytes.__setitem__(e["requestId"], int(e["encodedDataLength"])))

    def total(self) -> int:
        return sum(self.bytes.values())

    def files(self) -> list[tuple[str, int]]:
        return sorted(((urlparse(self.urls.get(k, "?")).path, v) for k, v in self.bytes.items()), key=lambda f: -f[1])


def _open(browser, url: str, *, slow: bool, scroll_to_chart: bool):
    context = browser.new_context(**PHONE)
    host = urlparse(url).netloc
    external: list[str] = []

    def route(r):
        parsed = urlparse(r.request.url)
        if parsed.scheme in ("data", "blob") or parsed.netloc == host:
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    if scroll_to_chart:
        context.add_init_script("window.__ckScrollToChart = true;")
    context.add_init_script(WATCH_JS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if slow:
        cdp.send("Network.emulateNetworkConditions", FAST_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return context, page, Transfer(cdp), external


def _scroll_to_end(page, timeout_s: float = 60) -> None:
    """Scroll down a screen at a time, as a reader would, until the end of the page and every chart shown is drawn."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        at_end = page.evaluate("""() => { window.scrollBy(0, window.innerHeight * 0.9);
            return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2; }""")
        page.wait_for_timeout(150)
        if at_end:
            break
    # Charts in a closed disclosure (a solution) are drawn when the reader opens it; the others by now.
    page.wait_for_function("""() => [...document.querySelectorAll('div.ck-vega')].every(
        d => d.querySelector('svg') || d.dataset.drawn === 'error' || !d.checkVisibility({visibilityProperty: true}))""",
                           timeout=max(1, deadline - time.monotonic()) * 1000)
    page.wait_for_timeout(300)


def page_bytes(browser, url: str) -> dict:
    """What a page transfers on load, and in all once the reader has scrolled to its end."""
    context, page, transfer, external = _open(browser, url, slow=False, scroll_to_chart=False)
    try:
        page.goto(url, wait_until="load", timeout=60_000)
        page.wait_for_timeout(500)
        charts = page.locator("div.ck-vega").count()
        on_load = transfer.total()
        _scroll_to_end(page)
        return {"charts": charts, "on_load": on_load, "in_all": transfer.total(), "files": transfer.files()[:8],
                "requests": len(transfer.bytes), "external": external}
    finally:
        context.close()


def first_chart_time(browser, url: str) -> dict:
    """Fast 3G + 4x CPU: seconds from navigation start until the first chart holds an svg."""
    context, page, transfer, external = _open(browser, url, slow=True, scroll_to_chart=True)
    try:
        page.goto(url, wait_until="commit", timeout=120_000)
        page.wait_for_function("() => window.__ck && window.__ck.first !== null", timeout=120_000, polling=50)
        first = page.evaluate("window.__ck.first")
        return {"seconds": round(first / 1000, 2), "bytes_before": transfer.total()}
    finally:
        context.close()


def _kb(n: float) -> str:
    return f"{n / 1000:,.0f} kB"


def measure(site: Path = SITE, docs: list[str] | None = None, quick: bool = False) -> list[dict]:
    """Rows for every page: bytes per page (all pages) and time to first chart (pages with charts)."""
    from playwright.sync_api import sync_playwright

    if docs is None:
        docs = toc_files()
    rows = []
    runs = 1 if quick else 3
    with serve(site, compress=True) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for doc in docs:
                url = f"{base}/{doc}.html"
                print(f"[pages] {doc}", file=sys.stderr, flush=True)
                b = page_bytes(browser, url)
                limit = CHAPTER_PAGE_GZIP_BYTES if b["charts"] else TEXT_PAGE_GZIP_BYTES
                met = b["in_all"] <= limit and not b["external"]
                largest = ", ".join(f"{Path(u).name} {_kb(n)}" for u, n in b["files"][:3])
                measured = (f"{_kb(b['in_all'])} in all, {b['requests']} requests"
                            + (f" ({_kb(b['on_load'])} before scrolling; {b['charts']} charts)" if b["charts"] else ""))
                why = [] if met else [f"largest: {largest}"] + ([f"{len(b['external'])} requests to other hosts"]
                                                                 if b["external"] else [])
                rows.append({"figure": f"{doc}: bytes (phone, gzip)", "measured": measured,
                             "target": f"≤ {_kb(limit)} ({'page with charts' if b['charts'] else 'text page'})",
                             "verdict": "met" if met else f"missed by {_kb(b['in_all'] - limit)} ({'; '.join(why)})",
                             "met": met, "data": b})
                if b["charts"]:
                    times = [first_chart_time(browser, url) for _ in range(runs)]
                    secs = statistics.median(t["seconds"] for t in times)
                    met = secs <= FIRST_CHART_S
                    rows.append({"figure": f"{doc}: first chart, Fast 3G + 4× CPU",
                                 "measured": f"{secs:.2f} s (median of {runs}; "
                                             f"{_kb(times[0]['bytes_before'])} transferred by then)",
                                 "target": f"≤ {FIRST_CHART_S:.0f} s",
                                 "verdict": "met" if met else f"missed by {secs - FIRST_CHART_S:.2f} s",
                                 "met": met, "data": {"runs": times}})
        finally:
            browser.close()
    return rows


NOTES = [
    "Pages served gzip-compressed by a local server and opened cold at 390×844 (touch) in headless Chromium; "
    "bytes are the DevTools protocol's encoded lengths (headers and compressed bodies) of every response, after "
    "scrolling to the end of the page so that every chart has been fetched and drawn.",
    f"First chart: Fast 3G ({FAST_3G['latency']} ms latency, 1.6 Mbit/s down, 750 kbit/s up) and "
    f"{CPU_SLOWDOWN}× CPU throttling through the DevTools protocol; from navigation start until the page's first "
    "chart holds an svg, with the first chart scrolled into view as soon as the document is parsed.",
]


def bench_phone(options: Options) -> Section:
    rows = measure(quick=options.quick)
    return Section("phone", "6. Pages on a phone: bytes per page (gzip) and first chart on Fast 3G with 4× CPU",
                   [Row(r["figure"], r["measured"], "—", r["target"], r["verdict"], r["met"], r["data"]) for r in rows],
                   list(NOTES))


SECTIONS = [Measurement("phone", "every page on a phone over Fast 3G", bench_phone, order=45)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--quick", action="store_true", help="one slow-network load per page instead of three")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    parser.add_argument("pages", nargs="*", help="pages of _toc.yml (default: all)")
    args = parser.parse_args(argv)
    rows = measure(args.site, args.pages or None, args.quick)
    print("| Figure | Measured | Target | Verdict |\n| --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['figure']} | {r['measured']} | {r['target']} | {r['verdict']} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
