"""The built site as files: every page built, heavy libraries only where needed, large specs served as files,
icon fonts cut down. (Pages in the browser: tests/test_screens.py.)"""

from __future__ import annotations

import re

import pytest

from conftest import SITE, toc_files

PAGES = toc_files()


@pytest.mark.site
def test_every_toc_page_was_built():
    missing = [p for p in PAGES if not (SITE / f"{p}.html").exists()]
    assert not missing, f"pages in _toc.yml with no HTML in _build/html: {missing}"


@pytest.mark.site
def test_heavy_libraries_are_not_in_any_page():
    """No page runs the chart libraries itself: coursekit.js does, when a chart nears the viewport, and only a
    page with charts names them, to fetch them after its first paint (tests/test_screens.py checks both in
    the browser). MathJax is loaded only by pages with mathematics."""
    for page in PAGES:
        text = (SITE / f"{page}.html").read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*src=[^>]*coursekit-vendor/vega", text), f"{page} runs the chart libraries up front"
        has_charts = 'class="ck-vega"' in text
        assert ("coursekit-vendor/vega" in text) == has_charts, f"{page}: names the chart libraries={not has_charts}, has charts={has_charts}"
        assert "html-manager" not in text and "embed-amd" not in text, f"{page} loads the ipywidgets manager"
        has_math = 'class="math' in text
        assert ("tex-svg.js" in text) == has_math, f"{page}: MathJax loaded={not has_math}, page has maths={has_math}"


@pytest.mark.site
def test_large_chart_specs_are_served_as_files():
    """A spec over the inline limit lives in _static/ck-charts/ and the page names it; small ones stay inline."""
    import json

    from coursebuild.sphinxext import INLINE_SPEC_LIMIT

    external = inline = 0
    for page in PAGES:
        text = (SITE / f"{page}.html").read_text(encoding="utf-8")
        for src in re.findall(r'<div class="ck-vega"[^>]*data-src="([^"]+)"', text):
            path = (SITE / page).parent / src
            assert path.exists(), f"{page} names {src}, which is not in the site"
            assert len(path.read_text(encoding="utf-8")) > INLINE_SPEC_LIMIT
            json.loads(path.read_text(encoding="utf-8"))
            external += 1
        for spec in re.findall(r'class="ck-spec">(.*?)</script>', text, flags=re.S):
            assert len(spec) <= INLINE_SPEC_LIMIT, f"{page} holds a {len(spec):,}-character spec inline"
            inline += 1
    assert external and inline, f"expected both kinds on this site (files: {external}, inline: {inline})"


@pytest.mark.site
def test_icon_fonts_hold_only_the_icons_the_site_shows():
    """The theme's icon fonts (275 kB on every page) are cut down to the icons used: small, and every icon a
    page shows is still in them."""
    from fontTools.ttLib import TTFont

    from coursebuild.sphinxext import _used_icons

    fonts = sorted((SITE / "_static" / "vendor").rglob("fa-*.woff2"))
    assert fonts, "no icon fonts in the built site"
    used = _used_icons(SITE)
    assert 0xF0C9 in used and 0xF002 in used, "the menu (bars) and search (magnifying glass) icons must be kept"
    covered = set()
    for path in fonts:
        assert path.stat().st_size < 20_000, f"{path.name} is {path.stat().st_size:,} bytes: not cut down"
        covered |= set(TTFont(str(path)).getBestCmap())
    missing = sorted(hex(c) for c in used - covered)
    assert not missing, f"icons the site shows are missing from its fonts: {missing}"
