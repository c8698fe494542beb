"""The built book on every screen: every page of _toc.yml on a phone (390×844, touch) and a laptop (1280×900),
in light and dark mode (one load per page and size, switched between the modes as the theme's button does),
doing every check:

* the page loads cleanly, from this site only (no other host, no failed request, no console error);
* nothing scrolls sideways, and every drawn chart fits its text column;
* explorer controls stay inside the viewport;
* a chart's reserved height is close to its drawn height (nothing jumps when it appears);
* the chart libraries are loaded on pages with charts only;
* axe-core (every rule, colour contrast included) finds no serious or critical violation;
* on a phone, the site navigation opens by touch, shows a chapter link that can be tapped, and closes.

Separate tests: the sidebars open and close by keyboard at tablet width (900 px), charts follow the reader's
theme switch, an explorer's data table follows its controls, and the chart libraries wait until a chart is
near. ``make screens`` runs this file with COURSEKIT_SCREENS set, which also writes full-page screenshots of
every page at both sizes and in both modes to _build/screens/ for a reviewer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import ROOT, draw_all, open_page, toc_files

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = toc_files()
SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
    "laptop": {"viewport": {"width": 1280, "height": 900}},
}
MODES = ["light", "dark"]
SCREENS = os.environ.get("COURSEKIT_SCREENS")
VENDOR = "/_static/coursekit-vendor/"
CHAPTER_LINK = 'a[href*="01_russian_threat.html"], a[href*="02_energy_security.html"]'  # one is not the current page

FACTS_JS = """() => {
  const vw = window.innerWidth;
  const rect = e => e.getBoundingClientRect();
  const wide = [...document.querySelectorAll('body *')].filter(e => {
      const r = rect(e); return r.width > 0 && r.right > vw + 1 && !e.closest('dialog:not([open])')
        && getComputedStyle(e).position !== 'fixed' && !e.closest('.ck-table-wrap, .highlight, .ck-vega, .pst-scrollable-table-container, .table-wrapper');
    }).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(rect(e).right));
  const charts = [...document.querySelectorAll('div.ck-vega')].map((d, i) => {
    const svg = d.querySelector('.ck-vega-chart svg');
    const column = d.closest('article') || d.parentElement;
    const controls = [...d.querySelectorAll('.vega-bind input, .vega-bind select, .vega-bind label')]
      .filter(e => rect(e).width > 0)
      .filter(e => rect(e).left < -1 || rect(e).right > vw + 1)
      .map(e => e.tagName.toLowerCase() + ' ' + Math.round(rect(e).left) + '–' + Math.round(rect(e).right));
    return {index: i, drawn: d.dataset.drawn, label: (d.getAttribute('aria-label') || '').slice(0, 60),
            width: svg ? rect(svg).width : null, column: column.clientWidth, overflow: d.scrollWidth - d.clientWidth,
            height: rect(d).height, reserved: Number(d.dataset.reserved || 0), controls: controls};
  });
  return {scrollWidth: document.documentElement.scrollWidth, viewport: vw, wide: wide, charts: charts,
          theme: document.documentElement.dataset.theme};
}"""


def settled(page, promise_js: str, seconds: float, what: str):
    """The value of a promise in the page, or a failure naming what did not finish within the time."""
    return page.evaluate(f"""() => Promise.race([({promise_js})(), new Promise((_, fail) => setTimeout(
        () => fail(new Error({what!r} + " did not finish within {seconds} s")), {int(seconds * 1000)}))])""")


#: The axe rules whose result depends on the colours, and so on the mode: contrast of text, and of a link
#: against the text around it.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def run_axe(page, rules: list[str] | None = None) -> list[str]:
    """axe's serious and critical violations: every rule, or only ``rules``."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"], **({"runOnly": rules} if rules else {})}
    return settled(page, f"""async () => {{
        const r = await axe.run(document, {json.dumps(options)});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
            `${{v.id}} (${{v.impact}}): ${{v.help}} at ${{v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}}`);
    }}""", 60, "axe")


def vendor_requests(w) -> list[str]:
    return [u for u in w.requests if VENDOR in u]


def check_phone_navigation(w) -> list[str]:
    """The visible ☰ button opens the site navigation by touch; a chapter link in it is shown and is what a
    tap on it reaches; the dialog closes again. The "Contents" button does the same on pages with sections."""
    problems = []
    page = w.page
    toggle = page.locator(".primary-toggle:visible").first
    if not toggle.count():
        return ["no visible site-navigation button"]
    toggle.tap()
    try:
        page.wait_for_function("document.getElementById('pst-primary-sidebar-modal').open", timeout=3000)
    except Exception:
        return ["tapping the site-navigation button did not open the navigation"]
    link = page.locator(f"#pst-primary-sidebar-modal {CHAPTER_LINK}").first
    if not link.count() or not link.is_visible():
        problems.append("no visible chapter link in the open navigation")
    else:
        link.scroll_into_view_if_needed()
        reachable = link.evaluate("""a => { const r = a.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + Math.min(20, r.width / 2), r.top + r.height / 2);
            return !!hit && (hit === a || a.contains(hit)); }""")
        if not reachable:
            problems.append("the chapter link in the navigation is covered: a tap would not reach it")
    close = page.locator("#pst-primary-sidebar-modal .ck-close")
    if close.count():
        close.tap()
    else:
        page.keyboard.press("Escape")
    if page.evaluate("document.getElementById('pst-primary-sidebar-modal').open"):
        problems.append("the navigation did not close")
    contents = page.locator(".secondary-toggle:visible").first
    if contents.count():
        contents.tap()
        try:
            page.wait_for_function("document.getElementById('pst-secondary-sidebar-modal').open", timeout=3000)
            page.keyboard.press("Escape")
        except Exception:
            problems.append("tapping the Contents button did not open the page's contents")
    return problems


# What the theme's own switch does (pydata-sphinx-theme's setTheme), so one page load serves both modes.
SET_MODE = """mode => {
    document.documentElement.dataset.mode = mode;
    document.documentElement.dataset.theme = mode;
    localStorage.setItem("mode", mode); localStorage.setItem("theme", mode);
}"""
#: The charts have been drawn again in the page's theme (coursekit.js redraws them when it changes).
REDRAWN_JS = """mode => [...document.querySelectorAll('div.ck-vega')]
    .every(d => d.dataset.drawn !== 'yes' || d._ckTheme === mode)"""


def check_page_on_every_screen(page, size, watch, site_url):
    """One load per page and size, checked in both modes: a phone opens the page dark and switches it to light,
    a laptop the other way round, so both the first paint and the switch are seen in each mode."""
    assert AXE.exists(), "axe-core is fetched by `npm ci` (package.json)"
    modes = MODES[::-1] if size == "phone" else MODES
    w = watch(**SIZES[size])
    open_page(w, site_url, page, modes[0])
    draw_all(w)
    problems = []
    for mode in modes:
        if mode != modes[0]:
            w.page.evaluate(SET_MODE, mode)
            w.page.wait_for_function(REDRAWN_JS, arg=mode, timeout=30_000)
            # Colours change with CSS transitions: measure contrast once they have ended.
            # (Only those on elements shown: in a closed disclosure nothing is drawn, so nothing ever ends.)
            settled(w.page, "() => Promise.all(document.getAnimations().filter(a => a instanceof CSSTransition"
                       " && a.effect && a.effect.target && a.effect.target.checkVisibility({contentVisibilityAuto: true}))"
                       ".map(a => a.finished.catch(() => null)))", 10, "the colour transitions")
        # axe, every rule, in dark mode at both sizes (on a laptop its sidebars show); in light mode on a phone, the
        # rules that depend on colour (the page is the same, only its colours differ; light-mode colours do not
        # change with the width).
        axe = COLOUR_RULES if (size == "phone" and mode == "light") else "all" if mode == "dark" else None
        problems += [f"({mode}) {p}" for p in _check_screen(w, page, size, mode, axe)]
    if size == "phone":
        problems += check_phone_navigation(w)
    if w.external:
        problems.append(f"requested other hosts: {w.external}")
    if w.failed:
        problems.append(f"failed requests: {w.failed}")
    if w.console_errors:
        problems.append(f"console errors: {w.console_errors}")
    assert not problems, f"{page} ({size}):\n- " + "\n- ".join(problems)


# Every page at both sizes, in three classes of pages taken in turn from _toc.yml: `make test` runs test
# classes on separate workers (pytest-xdist's --dist loadscope), so the 70 page checks share the machine.
class EveryScreen:
    pages: list[str] = []

    @pytest.mark.browser
    @pytest.mark.parametrize("size", list(SIZES))
    def test_page_on_every_screen(self, page, size, watch, site_url):
        check_page_on_every_screen(page, size, watch, site_url)


class TestEveryScreen1(EveryScreen):
    pages = PAGES[0::3]


class TestEveryScreen2(EveryScreen):
    pages = PAGES[1::3]


class TestEveryScreen3(EveryScreen):
    pages = PAGES[2::3]


def pytest_generate_tests(metafunc):
    if metafunc.cls is not None and issubclass(metafunc.cls, EveryScreen):
        metafunc.parametrize("page", metafunc.cls.pages)


def test_the_screen_classes_cover_every_page_once():
    pages = [p for cls in EveryScreen.__subclasses__() for p in cls.pages]
    assert sorted(pages) == sorted(PAGES) and len(PAGES) >= 30


def _check_screen(w, page: str, size: str, mode: str, axe: str | list[str] | None = "all") -> list[str]:
    """What is wrong with the page as shown; ``axe`` runs every axe rule ("all"), the rules listed, or none."""
    facts = w.page.evaluate(FACTS_JS)
    if SCREENS:
        folder = Path(SCREENS)
        folder.mkdir(parents=True, exist_ok=True)
        w.page.screenshot(path=str(folder / f"{page.replace('/', '__')}-{size}-{mode}.png"), full_page=True)
    problems = []
    if facts["theme"] != mode:
        problems.append(f"the page shows the {facts['theme']} theme, not {mode}")
    if facts["scrollWidth"] > facts["viewport"] + 1:
        problems.append(f"scrolls sideways: {facts['scrollWidth']} px wide in a {facts['viewport']} px window "
                        f"({'; '.join(facts['wide']) or 'no single element found'})")
    for c in facts["charts"]:
        name = f"chart {c['index'] + 1} ({c['label']}…)"
        if c["drawn"] != "yes":
            problems.append(f"{name} was not drawn")
            continue
        if c["width"] is None or c["width"] > c["column"] + 1 or c["overflow"] > 1:
            problems.append(f"{name} is {c['width']:.0f} px wide in a {c['column']} px column")
        if c["controls"]:
            problems.append(f"{name}: controls outside the screen: {c['controls']}")
        if c["reserved"] and abs(c["height"] - c["reserved"]) > max(80, 0.2 * c["height"]):
            problems.append(f"{name}: {c['reserved']} px reserved but {c['height']:.0f} px drawn (the page jumps)")
    has_charts = bool(facts["charts"])
    if bool(vendor_requests(w)) != has_charts:
        problems.append("loads the chart libraries without a chart" if not has_charts else "charts but no chart libraries")
    if axe:
        problems += [f"axe: {v}" for v in run_axe(w.page, None if axe == "all" else axe)]
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("page", ["notebooks/02_energy_security", "book/teaching/assessment"])
def test_sidebars_open_and_close_by_keyboard_on_a_tablet(page, watch, site_url):
    w = watch(viewport={"width": 900, "height": 1000})
    open_page(w, site_url, page, "light")
    for toggle, dialog in ((".primary-toggle", "pst-primary-sidebar-modal"),
                           (".secondary-toggle", "pst-secondary-sidebar-modal")):
        button = w.page.locator(f"{toggle}:visible").first
        assert button.count(), f"{page}: no visible {toggle} at 900 px"
        button.focus()
        w.page.keyboard.press("Enter")
        w.page.wait_for_function(f"document.getElementById('{dialog}').open", timeout=3000)
        if toggle == ".primary-toggle":
            assert w.page.locator(f"#{dialog} {CHAPTER_LINK}").first.is_visible(), "no chapter link in the navigation"
        w.page.keyboard.press("Escape")
        w.page.wait_for_function(f"!document.getElementById('{dialog}').open", timeout=3000)
        focused = w.page.evaluate("document.activeElement.classList.contains('" + toggle[1:] + "')")
        assert focused, f"{page}: focus did not return to the {toggle} button after closing"


def _chart_text_colour(w, index: int = 0) -> str:
    return w.page.locator("div.ck-vega").nth(index).locator("svg text").first.evaluate(
        "t => getComputedStyle(t).fill")


def _luminance(css_rgb: str) -> float:
    parts = [int(float(v)) for v in css_rgb[css_rgb.index("(") + 1:css_rgb.index(")")].split(",")[:3]]
    return sum(p * k for p, k in zip(parts, (0.2126, 0.7152, 0.0722))) / 255


@pytest.mark.browser
def test_charts_follow_the_readers_theme_switch(watch, site_url):
    w = watch(viewport={"width": 1280, "height": 900})
    open_page(w, site_url, "notebooks/02_energy_security", "light")
    draw_all(w)
    light = _luminance(_chart_text_colour(w))
    assert light < 0.4, "chart titles should be dark on the light page"
    switch = w.page.locator(".theme-switch-button:visible").first
    for _ in range(3):  # the theme cycles auto → dark → light (or light → dark → auto)
        switch.click()
        if w.page.evaluate("document.documentElement.dataset.theme") == "dark":
            break
    assert w.page.evaluate("document.documentElement.dataset.theme") == "dark"
    w.page.wait_for_function("() => { const t = document.querySelector('div.ck-vega svg text');"
                             " return t && parseInt(getComputedStyle(t).fill.split(',')[1]) > 150; }", timeout=10_000)
    assert _luminance(_chart_text_colour(w)) > 0.6, "chart titles should turn light on the dark page"
    while w.page.evaluate("document.documentElement.dataset.theme") != "light":
        switch.click()
    w.page.wait_for_function("() => { const t = document.querySelector('div.ck-vega svg text');"
                             " return t && parseInt(getComputedStyle(t).fill.split(',')[1]) < 100; }", timeout=10_000)


@pytest.mark.browser
def test_explorer_table_follows_its_controls(watch, site_url):
    w = watch(**SIZES["phone"])
    open_page(w, site_url, "notebooks/02_energy_security", "light")
    draw_all(w)
    chart = w.page.locator("div.ck-vega:has(.vega-bind)").first
    caption = chart.locator("xpath=ancestor::div[contains(@class,'cell_output')]").locator(".ck-caption")
    table = caption.locator("table.ck-table").first
    note = caption.locator(".ck-state")
    before_rows, before_note = table.locator("tbody").text_content(), note.text_content()
    assert before_rows.strip() and before_note.strip(), "the explorer's table or setting line is empty"
    control = chart.locator(".vega-bind input[type=range], .vega-bind select").first
    control.focus()
    w.page.keyboard.press("End" if control.evaluate("e => e.type") == "range" else "ArrowDown")
    w.page.wait_for_function("([t, b]) => t.tBodies[0].textContent !== b", arg=[table.element_handle(), before_rows],
                             timeout=5000)
    assert table.locator("tbody tr").count() >= 1, "no row for the new setting"
    assert note.text_content() != before_note, "the setting line did not follow the control"


@pytest.mark.browser
def test_chart_libraries_are_fetched_after_the_text_and_run_only_near_a_chart(watch, site_url):
    """On a phone, a chapter whose first chart is far below the fold fetches the chart libraries only once
    everything the text needs to be painted (its render-blocking stylesheets) has arrived, so the text never
    waits for them, and runs them, and draws a chart, only when the reader scrolls towards one. (A page
    without charts never fetches them: see check_page.)"""
    w = watch(**SIZES["phone"])
    open_page(w, site_url, "notebooks/02_energy_security", "light")
    w.page.wait_for_timeout(800)
    top = w.page.evaluate("document.querySelector('div.ck-vega').getBoundingClientRect().top")
    assert top > 844 + 3000, "test page: its first chart should be more than the libraries' margin (3000 px) down"
    timing = w.page.evaluate("""() => {
        const all = performance.getEntriesByType('resource');
        return {
          styles: all.filter(e => e.renderBlockingStatus === 'blocking').map(e => [e.name.split('/').pop(), e.responseEnd]),
          fetched: all.filter(e => e.name.includes('/coursekit-vendor/vega')).map(e => [e.name.split('/').pop(), e.startTime])};
        }""")
    assert sorted(n for n, _ in timing["fetched"]) == ["vega-lite.min.js", "vega.min.js"], \
        f"the two chart libraries should be fetched once the text can be shown: {timing}"
    assert any(n.startswith("pydata-sphinx-theme.css") for n, _ in timing["styles"]), \
        f"test: the theme's stylesheet should be among the render-blocking resources: {timing}"
    styles_done = max(end for _, end in timing["styles"])
    assert all(start >= styles_done for _, start in timing["fetched"]), \
        f"a chart library was requested before the stylesheets the text needs had arrived: {timing}"
    assert w.page.evaluate("typeof window.vega === 'undefined' && typeof window.vegaLite === 'undefined'"), \
        "the chart libraries ran before any chart was near"
    assert w.page.locator("div.ck-vega[data-drawn]").count() == 0, "a chart was drawn before any chart was near"
    w.page.evaluate("document.querySelector('div.ck-vega').scrollIntoView()")
    w.page.wait_for_function("document.querySelector('div.ck-vega').dataset.drawn === 'yes'", timeout=20_000)
    assert len(vendor_requests(w)) == 2, f"the libraries were fetched again to run them: {vendor_requests(w)}"
    assert w.page.locator("div.ck-vega").nth(-1).get_attribute("data-drawn") is None, \
        "a chart far down the page was drawn before the reader came near it"
