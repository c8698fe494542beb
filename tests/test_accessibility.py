"""Accessibility: axe-core finds no serious or critical violation, in light and dark mode,
and explorers and quizzes work with the keyboard alone."""

from __future__ import annotations

import pytest

from conftest import ROOT, toc_files

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = toc_files()
CHART_PAGES = [p for p in PAGES if 'class="ck-vega"' in (ROOT / "_build" / "html" / f"{p}.html").read_text(encoding="utf-8")] \
    if (ROOT / "_build" / "html").exists() else []


def run_axe(page) -> list[dict]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def open_page(w, site_url, page, mode="light"):
    w.page.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    w.page.goto(f"{site_url}/{page}.html", wait_until="load")
    w.page.wait_for_selector("main#main-content")
    for i in range(w.page.locator("div.ck-vega").count()):
        w.page.wait_for_selector(f"div.ck-vega >> nth={i} >> svg", state="attached", timeout=15000)


# What the theme's own switch does (pydata-sphinx-theme's setTheme), so one page load serves both modes.
SET_MODE = """mode => {
    document.documentElement.dataset.mode = mode;
    document.documentElement.dataset.theme = mode;
    document.querySelectorAll(".dropdown-menu").forEach(el => el.classList.toggle("dropdown-menu-dark", mode === "dark"));
    localStorage.setItem("mode", mode); localStorage.setItem("theme", mode);
}"""


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_no_serious_axe_violations(page, watch, site_url):
    """In light mode, then in dark mode (switched as the theme's button does, without reloading the page)."""
    assert AXE.exists(), "axe-core is fetched by `npm ci` (package.json)"
    w = watch(viewport={"width": 1280, "height": 900})
    open_page(w, site_url, page, "light")
    problems, backgrounds = [], set()
    for mode in ("light", "dark"):
        w.page.evaluate(SET_MODE, mode)
        # Colours change with CSS transitions: measure contrast once they have ended.
        w.page.evaluate("() => Promise.all(document.getAnimations().filter(a => a instanceof CSSTransition).map(a => a.finished))")
        assert w.page.evaluate("document.documentElement.dataset.theme") == mode
        backgrounds.add(w.page.evaluate("getComputedStyle(document.body).backgroundColor"))
        problems += [f"{page} ({mode}): {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in run_axe(w.page)]
    assert len(backgrounds) == 2, f"{page}: the page looks the same in light and dark mode ({backgrounds})"
    assert not problems, "; ".join(problems)


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
    question = w.page.locator("form.ck-quiz fieldset.ck-q").filter(has=w.page.locator("input[type=radio]")).first
    question.locator("input[type=radio]").first.focus()
    w.page.keyboard.press("Space")
    w.page.keyboard.press("Tab")  # the radio group is one tab stop; next comes the Check button
    focused = w.page.evaluate("document.activeElement.className")
    assert "ck-check" in focused, f"Tab from the options should reach the Check button, got {focused!r}"
    w.page.keyboard.press("Enter")
    feedback = question.locator(".ck-qfeedback")
    assert feedback.inner_text().strip(), "the quiz gave no feedback after a keyboard-only answer"
