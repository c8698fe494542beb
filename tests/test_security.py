"""Student input is never code, data strings never become markup, and the site keeps nothing about the reader."""

from __future__ import annotations

import json
import re

import altair as alt
import pytest

from coursebuild.sphinxext import VegaLiteRenderer
from coursekit.charts import figure
from coursekit.data import load

from conftest import ROOT, SITE

FIXTURE = ROOT / "tests" / "fixtures" / "data"


class _Data:
    def __init__(self, content):
        self.mime_type = "application/vnd.vegalite.v5+json"
        self.content = content


@pytest.fixture
def hostile(monkeypatch):
    monkeypatch.setenv("COURSEKIT_DATA", str(FIXTURE))
    return load("sample")


def test_book_embeds_chart_data_inertly(hostile):
    chart = alt.Chart(hostile).mark_point().encode(x="year:O", y="value:Q", tooltip=["country:N"])
    fig = figure(chart, title="</script><script>alert('t')</script>", description="<img src=x onerror=alert(1)>",
                 data=hostile)
    nodes = VegaLiteRenderer.handle_mime(None, _Data(fig.spec), False)
    markup = nodes[0].astext()
    assert "<script>alert" not in markup and "</script><script>" not in markup
    assert "<img src=x" not in markup  # the aria-label is escaped
    embedded = markup.split('class="ck-spec">', 1)[1].rsplit("</script>", 1)[0]
    assert "<" not in embedded and ">" not in embedded
    assert json.loads(embedded)["title"] == fig.spec["title"]


def test_source_line_and_caption_escape_publisher_markup(hostile):
    fig = figure(alt.Chart(hostile).mark_point().encode(x="year:O"), title="T", description="D", data=hostile)
    assert "<script>" in fig.source  # the raw text keeps what the source says...
    assert "<script>" not in fig.caption_html() and "&lt;script&gt;" in fig.caption_html()  # ...but never as markup


def test_site_scripts_send_nothing_and_store_only_answers():
    for name in ("coursekit.js", "items.js", "grader.js"):
        js = (ROOT / "coursekit" / "static" / name).read_text(encoding="utf-8")
        for api in ("sessionStorage", "document.cookie", "indexedDB", "XMLHttpRequest", "sendBeacon", "WebSocket"):
            assert api not in js, f"{name} uses {api}"
        if name != "items.js":
            assert "localStorage" not in js, f"{name} uses localStorage; only the items keep answers, in this browser"
        if name != "coursekit.js":
            assert "fetch(" not in js, f"{name} makes a request"
    # coursekit.js's one request reads a chart's spec from the file the page names (data-src, a file of this site).
    js = (ROOT / "coursekit" / "static" / "coursekit.js").read_text(encoding="utf-8")
    assert re.findall(r"fetch\(([^)]*)\)", js) == ["src"], "coursekit.js may fetch only a chart's spec file"
    assert 'var src = div.getAttribute("data-src");' in js


@pytest.mark.browser
def test_using_the_site_leaves_only_the_readers_own_answers(watch, site_url):
    w = watch()
    w.page.goto(f"{site_url}/notebooks/00_introduction.html")
    w.page.wait_for_selector("div.ck-item[data-wired=yes]")
    w.page.locator("div.ck-item[data-kind=choice] input[type=radio]").first.check()
    w.page.locator("div.ck-item[data-kind=choice] button.ck-check").first.click()
    storage = w.page.evaluate("Object.keys(localStorage)")
    answers = [k for k in storage if k.startswith("coursekit:item:")]
    assert len(answers) == 1, storage
    assert set(storage) - set(answers) <= {"mode", "theme", "pst_banner_pref", "sphinx-design-tab-id-"}, storage
    w.page.locator("button.ck-forget-button").click()
    assert not [k for k in w.page.evaluate("Object.keys(localStorage)") if k.startswith("coursekit:")]
    assert w.context.cookies() == []
    assert w.external == []


@pytest.mark.site
def test_built_pages_reference_no_third_party_host():
    offenders = []
    for page in SITE.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        for host in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "cdn.plot.ly", "fonts.googleapis.com",
                     "googletagmanager", "google-analytics"):
            if f"src=\"https://{host}" in text or f"href=\"https://{host}" in text or f"'https://{host}" in text:
                offenders.append(f"{page.relative_to(SITE)}: {host}")
    assert not offenders, offenders
