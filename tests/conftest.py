"""Shared fixtures: the project root, the built site served on 127.0.0.1, and headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from coursebuild import discover

ROOT = Path(__file__).resolve().parent.parent
# Notebook runs in the tests (nbclient) use the kernel-free views, as the book build does;
# the JupyterLab test unsets this to drive the live widgets.
os.environ["COURSEKIT_STATIC"] = "1"
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def toc_files() -> list[str]:
    """Every page listed in _toc.yml, in order (without suffix); the benchmarks use the same list."""
    return discover.toc_files(ROOT)


def built_specs(page: Path) -> list[dict]:
    """The Vega-Lite specs of a built page, in order: inline, or in the JSON file the chart names (data-src)."""
    import html
    import json
    import re

    specs = []
    for m in re.finditer(r'<div class="ck-vega"([^>]*)>(.*?)</div>', page.read_text(encoding="utf-8"), flags=re.S):
        src = re.search(r'data-src="([^"]+)"', m.group(1))
        if src:
            specs.append(json.loads((page.parent / html.unescape(src.group(1))).read_text(encoding="utf-8")))
        else:
            specs.append(json.loads(re.search(r'class="ck-spec">(.*?)</script>', m.group(2), flags=re.S).group(1)))
    return specs


def chapter_notebooks() -> list[Path]:
    return discover.chapter_notebooks(ROOT)


#: The order in which groups of tests start on the parallel workers: the longest first (JupyterLab, notebook
#: runs and builds, then the browser), so that no long group starts last while the other workers sit idle.
START_ORDER = ("lab", "slow", "browser", "site")


def _scope(item) -> str:
    """The unit pytest-xdist's --dist loadscope keeps on one worker: the test's class, or else its file."""
    return item.nodeid.rsplit("::", 1)[0] if item.cls is not None else item.nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(config, items):
    """Tests that drive Chromium are browser tests, whatever their module says (``make test-fast`` skips them);
    the longest groups of tests are collected first (START_ORDER)."""
    for item in items:
        if {"browser", "watch", "site_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    scope = {item.nodeid: _scope(item) for item in items}
    rank: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    for i, item in enumerate(items):
        marks = {m.name for m in item.iter_markers()}
        own = min((j for j, name in enumerate(START_ORDER) if name in marks), default=len(START_ORDER))
        rank[scope[item.nodeid]] = min(rank.get(scope[item.nodeid], own), own)
        first_seen.setdefault(scope[item.nodeid], i)
    items.sort(key=lambda item: (rank[scope[item.nodeid]], first_seen[scope[item.nodeid]]))


def wait_until_up(url: str, proc, log: Path, seconds: float, name: str) -> None:
    """Poll ``url`` until the server ``proc`` answers; fail with the end of its log if it exits or is too slow."""
    import time
    import urllib.request

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            if proc.poll() is not None:
                pytest.fail(f"{name} exited: {log.read_text()[-3000:]}")
            time.sleep(0.5)
    proc.terminate()
    pytest.fail(f"{name} did not start within {seconds:.0f} s: {log.read_text()[-3000:]}")


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Chromium is not installed: run 'make test' (it installs Debian's chromium as root) "
                "or 'sudo apt-get install chromium'.")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def site_url():
    if not (SITE / "index.html").exists():
        pytest.fail("the site is not built: run 'make test', which builds it first")
    port = _free_port()
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageWatch:
    """A page whose requests to other hosts are blocked and counted, with console errors kept."""

    def __init__(self, browser, base_url: str, **context_args):
        self.context = browser.new_context(**context_args)
        self.page = self.context.new_page()
        self.base_host = urlparse(base_url).netloc
        self.external: list[str] = []
        self.requests: list[str] = []  # every request to the site itself
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url) if urlparse(r.url).netloc == self.base_host else None)
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def _route(self, route):
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob") or parsed.netloc == self.base_host:
            if parsed.netloc == self.base_host:
                self.requests.append(url)
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def watch(browser, site_url):
    watches = []

    def make(**context_args):
        w = PageWatch(browser, site_url, **context_args)
        watches.append(w)
        return w

    yield make
    for w in watches:
        w.close()


#: Every chart on the page has been drawn (or has shown that it could not be).
DRAWN_JS = """() => [...document.querySelectorAll('div.ck-vega')]
    .every(d => d.dataset.drawn === 'yes' || d.dataset.drawn === 'error')"""


def open_page(w, site_url: str, page: str, mode: str) -> None:
    """A page of the built site in the reader's chosen mode ("light" or "dark"), as the theme's switch stores it."""
    w.page.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    w.page.goto(f"{site_url}/{page}.html", wait_until="load")
    w.page.wait_for_selector("main#main-content")


def draw_all(w) -> None:
    """Draw every chart, as a reader who scrolls through the page makes them appear. (Not awaited in the page:
    a page evaluation has no time limit, and a chart that never settles must fail the test, not hang it.)"""
    w.page.evaluate("() => { window.coursekit && window.coursekit.drawAll(); }")
    w.page.wait_for_function(DRAWN_JS, timeout=60_000)
