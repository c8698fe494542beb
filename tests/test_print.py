"""The printed course (`make pdf`): every PDF is there, A4, numbered, with its charts drawn as vectors,
chapter titles and link targets, fonts embedded, no site navigation, and solutions only for instructors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import ROOT, SITE, toc_files

sys.path.insert(0, str(ROOT / "tools"))
import print_pdf  # noqa: E402

PDF = ROOT / "_build" / "pdf"
# Printing the course, and reading it back, is a build's worth of work (make test-fast leaves it out).
pytestmark = [pytest.mark.slow, pytest.mark.site]
CHAPTERS = [p for p in toc_files() if p.startswith("notebooks/")]
SEMINARS = [p for p in toc_files() if re.fullmatch(r"book/teaching/seminar-\d\d", p)]
SIMULATION = SITE / "book" / "teaching" / "simulation.html"
BRIEFS = print_pdf.brief_sections(SIMULATION) if SIMULATION.exists() else []  # the site may not be built yet
NAVIGATION = ["Skip to main content", "Back to top", "Ctrl+K", "Toggle primary sidebar", "Launch interactive content",
              "Download this page", "Print to PDF", "Check answer", "Show code cell", "Search this book", "previous page",
              "Fullscreen mode", "Source repository"]


def stale(name: str) -> str | None:
    """Why ``_build/pdf/<name>.pdf`` does not show the built site (missing, or older than it), or None."""
    path = PDF / f"{name}.pdf"
    if not path.exists():
        return f"{path.relative_to(ROOT)} is missing: run 'make pdf' (make test prints it in tests/test_print.py)"
    if path.stat().st_mtime < (SITE / "index.html").stat().st_mtime:
        return f"{path.relative_to(ROOT)} is older than the built site: run 'make pdf' again"
    return None


@cache
def reader(name: str) -> PdfReader:
    why = stale(name)
    if why:
        pytest.fail(why)
    return PdfReader(PDF / f"{name}.pdf")


@cache
def page_texts(name: str) -> list[str]:
    return [page.extract_text() or "" for page in reader(name).pages]


def text(name: str) -> str:
    return "\n".join(page_texts(name))


def flat(s: str) -> str:
    """Whitespace collapsed and ligatures (ﬁ, ﬀ) spelled out, as in the PDF's text layer."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip()


def _page(page: str) -> BeautifulSoup:
    return BeautifulSoup((SITE / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def _title(page: str) -> str:
    h1 = _page(page).select_one("main article h1")
    h1.select_one("a.headerlink") and h1.select_one("a.headerlink").decompose()
    return flat(h1.get_text())


ALL_PDFS = ["course", "instructor", *(p.rsplit("/", 1)[1] for p in SEMINARS),
            *(f"simulation-brief-{sid.removeprefix('brief-')}" for sid, _ in BRIEFS)]


@pytest.fixture(scope="module", autouse=True)
def printed():
    """Prints the built site as `make pdf` does, unless `make pdf` has already printed this build. `make test`
    leaves the printing to this module, so that it runs beside the other test files instead of before them."""
    if not (SITE / "index.html").exists() or not any(stale(n) for n in ALL_PDFS):
        return
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "print_pdf.py")], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"make pdf failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"


def test_every_pdf_is_written():
    if not SIMULATION.exists():
        pytest.fail("the site is not built: run 'make test', which builds and prints it first")
    assert len(SEMINARS) == 7 and len(BRIEFS) >= 6
    found = sorted(p.stem for p in PDF.glob("*.pdf"))
    assert found == sorted(ALL_PDFS)


@pytest.mark.parametrize("name", ALL_PDFS)
def test_a4_numbered_pages_with_embedded_fonts(name):
    pdf = reader(name)
    texts = page_texts(name)
    total = len(pdf.pages)
    assert total >= 2
    for number, (page, content) in enumerate(zip(pdf.pages, texts), start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, f"{name} p.{number}: {width}x{height} is not A4"
        assert f"Page {number} of {total}" in content, f"{name} p.{number}: no page number in the footer"
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for key, ref in fonts.items():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type3":
                continue
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name}: font {key} not embedded"


@pytest.mark.parametrize("name", ALL_PDFS)
def test_no_site_navigation_or_buttons(name):
    content = flat(text(name))
    found = [phrase for phrase in NAVIGATION if phrase in content]
    assert not found, f"{name}: navigation printed: {found}"


def test_course_has_cover_contents_chapters_glossary_and_bibliography():
    texts = [flat(t) for t in page_texts("course")]
    assert "Europe, Türkiye and the new security order" in texts[0] and "The course, printed" in texts[0]
    assert texts[1].startswith("Contents")
    for page in [*CHAPTERS, "book/glossary", "book/bibliography"]:
        title = _title(page)
        entry = re.search(re.escape(title) + r" (\d+)", " ".join(texts[1:4]))
        assert entry, f"the contents do not list {title!r} with a page number"
        number = int(entry.group(1))
        # The page opens with the title (the bibliography's text layer lists its labels first).
        assert title[:40] in texts[number - 1][:600], f"{title!r} does not start on page {number}"
    pages_per_chapter = len(texts) / len(CHAPTERS)
    assert pages_per_chapter > 5


def _chart_texts(spec, out: set[str]) -> set[str]:
    """Texts that only the drawn chart holds: axis and legend titles of its encodings."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "encoding" and isinstance(value, dict):
                for channel in value.values():
                    if isinstance(channel, dict) and isinstance(channel.get("title"), str):
                        out.add(channel["title"])
            else:
                _chart_texts(value, out)
    elif isinstance(spec, list):
        for item in spec:
            _chart_texts(item, out)
    return out


def test_every_chapter_chart_is_drawn_in_the_course_pdf():
    # Solutions are text and code (coursekit/render.py), so every chapter chart belongs in the course PDF.
    course = flat(text("course"))
    checked = 0
    missing = []
    for page in CHAPTERS:
        soup = _page(page)
        prose = flat(soup.select_one("main article").get_text(" "))
        for script in soup.select("div.ck-vega script.ck-spec"):
            spec = json.loads(script.string)
            own = [flat(t) for t in _chart_texts(spec, set()) if len(t) >= 6 and flat(t) not in prose]
            if not own:
                continue
            checked += 1
            if not any(t in course for t in own):
                missing.append(f"{page}: {spec.get('description', '')[:60]!r} ({own[:3]})")
    assert checked >= 10, checked
    assert not missing, missing


def raster_images(resources, seen: set | None = None) -> int:
    """Image XObjects a page's resources hold, looking inside the forms it draws (cheaper than pypdf's
    ``page.images``, which also parses every content stream for inline images: Chromium writes none)."""
    seen = set() if seen is None else seen
    count = 0
    for ref in ((resources or {}).get("/XObject") or {}).values():
        key = getattr(ref, "idnum", None) or id(ref)
        if key in seen:
            continue
        seen.add(key)
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            count += 1
        elif xobject.get("/Subtype") == "/Form":
            count += raster_images(xobject.get("/Resources"), seen)
    return count


def test_charts_are_vectors_not_images():
    for name in ("course", "seminar-01"):
        pdf = reader(name)
        images = sum(raster_images(page.get("/Resources")) for page in pdf.pages)
        assert images <= 2, f"{name}: {images} raster images; charts must print as vectors"


def _squash(s: str) -> str:
    """No whitespace at all: the page's inline code ("`gas_corridors`, column") and the PDF's line breaks space
    text differently."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def body(name: str) -> str:
    """The PDF's text without its page footers, so that a solution running onto the next page reads on."""
    return "\n".join(re.sub(r"\n[^\n]*Page \d+ of \d+\s*$", "", t) for t in page_texts(name))


def test_exercises_print_without_solutions_and_the_instructor_pdf_has_them():
    course, instructor = flat(text("course")), flat(text("instructor"))
    course_squashed, instructor_squashed = _squash(body("course")), _squash(body("instructor"))
    items, titles = 0, Counter()
    for page in CHAPTERS:
        soup = _page(page)
        for box in soup.select(".ck-item .ck-solution"):  # content items: the solution hidden until asked for
            items += 1
            titles.update(flat(t.get_text()) for t in box.select(".ck-solution-title"))
            title = box.select_one(".ck-solution-title")
            title and title.decompose()
            first = _squash(box.get_text())[:50]
            assert first and first not in course_squashed, f"{page}: an item's solution is printed in the course PDF: {first!r}"
            assert first in instructor_squashed, f"{page}: an item's solution is missing from the instructor PDF: {first!r}"
    assert items >= 20 and titles["Solution"] >= 20, (items, titles)
    for title, count in titles.items():  # "Solution", "Model answer", ...: one for each item that has it
        assert instructor.count(title) >= count, f"the instructor PDF has fewer {title!r} than the book's items"
        assert title == "Solution" or title not in course, f"{title!r} is printed in the course PDF"


def test_instructor_pdf_has_the_teaching_kit_and_every_answer():
    texts = page_texts("instructor")
    content = flat("\n".join(texts))
    assert "Instructor edition" in texts[0]
    for page in [p for p in toc_files() if p.startswith("book/teaching/")]:
        assert _title(page)[:50] in content, f"{page} is missing from the instructor PDF"
    assert "Answer notes for the discussion questions" in content
    choice = number = 0
    for page in CHAPTERS:
        soup = _page(page)
        assert f"Answers: {_title(page)[:40]}" in content, f"{page} has no answer key in the instructor PDF"
        choice += len(soup.select('.ck-item[data-kind="choice"], .ck-item[data-kind="multi"]'))
        number += len(soup.select('.ck-item[data-kind="number"]'))
    assert choice >= 10 and number >= 3
    assert content.count("✓ ") >= choice  # the right option of every multiple-choice question is marked
    assert content.count("Answer: ") >= number  # every numeric answer, with its tolerance


def test_link_targets_are_printed_after_the_link_text():
    content = flat(text("course"))
    urls = re.findall(r"<(https?://[^>\s]+)", content)
    assert len(urls) >= 20, "external link targets are not shown"
    uris = sum(1 for page in reader("course").pages for annot in (page.get("/Annots") or [])
               if "/URI" in (annot.get_object().get("/A") or {}))
    internal = sum(1 for page in reader("course").pages for annot in (page.get("/Annots") or [])
                   if "/Dest" in annot.get_object() or (annot.get_object().get("/A") or {}).get("/S") == "/GoTo")
    assert uris >= 20 and internal >= len(CHAPTERS), (uris, internal)
    assert "127.0.0.1" not in content and not any("127.0.0.1" in str((a.get_object().get("/A") or {}).get("/URI", ""))
                                                 for page in reader("course").pages for a in (page.get("/Annots") or []))


@pytest.mark.parametrize("page", SEMINARS)
def test_seminar_handout(page):
    name = page.rsplit("/", 1)[1]
    content = flat(text(name))
    assert content.startswith(_title(page))
    assert "Discussion questions" in content and "References" in content
    assert 2 <= len(reader(name).pages) <= 15


def _who_you_are(soup, section_id):
    section = soup.find(id=section_id).parent
    para = next(p for p in section.find_all("p") if p.get_text().startswith("Who you are"))
    return flat(para.get_text())[:80]


@pytest.mark.parametrize("brief_id, label", BRIEFS)
def test_each_delegation_gets_only_its_own_brief(brief_id, label):
    soup = _page("book/teaching/simulation")
    content = flat(text(f"simulation-brief-{brief_id.removeprefix('brief-')}"))
    assert content.startswith(f"Delegation brief: {label}")
    assert _who_you_are(soup, brief_id) in content
    for other, _ in BRIEFS:
        if other != brief_id:
            assert _who_you_are(soup, other) not in content, f"{label}'s brief shows {other}"
    assert "The scenario" in content and "Rules of procedure" in content
    for secret in ("Inject A (Black Sea).", "Debrief guide", "Running the room"):
        assert secret not in content


def test_make_pdf_before_make_book_says_what_to_run(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "print_pdf.py"), "--site", str(tmp_path / "none"),
                             "--out", str(tmp_path / "pdf")], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "run 'make book' first" in result.stderr
    assert not (tmp_path / "pdf").exists()


def test_print_stylesheet_is_loaded_for_print_on_every_page():
    for page in toc_files():
        link = _page(page).select_one('link[href*="print.css"]')
        assert link is not None and link.get("media") == "print", page
    assert (SITE / "_static" / "print.css").read_text() == (ROOT / "coursekit" / "static" / "print.css").read_text()


def test_every_printed_page_is_a_page_of_the_book():
    for bundle in print_pdf.plan_bundles():
        for doc in bundle.docs:
            assert doc.docname in toc_files(), (bundle.name, doc.docname)
            assert Path(SITE / f"{doc.docname}.html").exists()
