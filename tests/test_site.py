"""The built site as a reader sees it: every page loads cleanly and alone."""

from __future__ import annotations

import pytest

from conftest import SCREENSHOTS, SITE, toc_files

PAGES = toc_files()


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_page_loads_cleanly_and_self_contained(page, watch, site_url):
    w = watch(viewport={"width": 1280, "height": 900})
    w.page.goto(f"{site_url}/{page}.html", wait_until="load")
    w.page.wait_for_selector("main#main-content", timeout=15000)
    charts = w.page.locator("div.ck-vega")
    for i in range(charts.count()):
        w.page.wait_for_selector(f"div.ck-vega >> nth={i} >> svg", state="attached", timeout=15000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    w.page.screenshot(path=str(SCREENSHOTS / (page.replace("/", "__") + ".png")), full_page=True)
    assert w.external == [], f"{page} requested other hosts: {w.external}"
    assert w.failed == [], f"{page} had failed requests: {w.failed}"
    assert w.console_errors == [], f"{page} logged console errors: {w.console_errors}"


@pytest.mark.site
def test_every_toc_page_was_built():
    missing = [p for p in PAGES if not (SITE / f"{p}.html").exists()]
    assert not missing, f"pages in _toc.yml with no HTML in _build/html: {missing}"


@pytest.mark.site
def test_pages_without_charts_load_no_chart_library():
    for page in PAGES:
        text = (SITE / f"{page}.html").read_text(encoding="utf-8")
        has_chart = 'class="ck-vega"' in text
        assert ("coursekit-vendor/vega.min.js" in text) == has_chart, f"{page}: chart library loaded={not has_chart}"
        assert "html-manager" not in text and "embed-amd" not in text, f"{page} loads the ipywidgets manager"
