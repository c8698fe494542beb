"""Accessibility: explorers and quizzes work with the keyboard alone. (axe-core on every page, at phone and
laptop size, in light and dark mode: tests/test_screens.py.)"""

from __future__ import annotations

import pytest

import conftest as shared
from conftest import ROOT, toc_files

PAGES = toc_files()
CHART_PAGES = [p for p in PAGES if 'class="ck-vega"' in (ROOT / "_build" / "html" / f"{p}.html").read_text(encoding="utf-8")] \
    if (ROOT / "_build" / "html").exists() else []


def open_page(w, site_url, page, mode="light"):
    """The page in ``mode``, with every chart drawn (they are drawn as the reader nears them)."""
    shared.open_page(w, site_url, page, mode)
    shared.draw_all(w)


@pytest.mark.browser
def test_explorer_works_with_keyboard_only(watch, site_url):
    assert CHART_PAGES, "no page with an explorer"
    w = watch(viewport={"width": 1280, "height": 900})
    page = next(p for p in CHART_PAGES if "notebooks/" in p)
    open_page(w, site_url, page)
    chart = w.page.locator("div.ck-vega:has(.vega-bind)").first
    before = chart.locator("svg").inner_html()
    control = chart.locator(".vega-bind input, .vega-bind select").first
    control.focus()  # reached by Tab in a real session; focus() puts the caret where Tab would
    assert w.page.evaluate("document.activeElement.closest('.vega-bind') !== null")
    kind = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
    w.page.keyboard.press("ArrowDown" if kind.startswith("select") else "ArrowRight")
    if kind.startswith("select"):
        w.page.keyboard.press("Enter")
    w.page.wait_for_timeout(400)
    assert chart.locator("svg").inner_html() != before, f"{page}: a keyboard move of the first control changed nothing"


@pytest.mark.browser
def test_quiz_works_with_keyboard_only(watch, site_url):
    w = watch(viewport={"width": 1280, "height": 900})
    open_page(w, site_url, "notebooks/00_introduction")
    question = w.page.locator("section.ck-set div.ck-item[data-kind=choice]").first
    question.locator("input[type=radio]").first.focus()
    w.page.keyboard.press("Space")
    w.page.keyboard.press("Tab")  # the radio group is one tab stop; next comes the Check button
    focused = w.page.evaluate("document.activeElement.className")
    assert "ck-check" in focused, f"Tab from the options should reach the Check button, got {focused!r}"
    w.page.keyboard.press("Enter")
    feedback = question.locator(".ck-feedback")
    assert feedback.inner_text().strip().startswith(("Correct", "Not quite")), "no feedback after a keyboard-only answer"
