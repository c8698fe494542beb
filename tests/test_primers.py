"""The concept primers (book/primers/): one page each, sourced, balanced, linked from the glossary."""

from __future__ import annotations

import re

import pytest
from pybtex.database import parse_file

from conftest import ROOT, toc_files

PRIMERS = ROOT / "book" / "primers"
SLUGS = ["securitisation", "externalisation", "middle-powers-hedging", "differentiated-integration",
         "strategic-autonomy", "deterrence", "weaponised-interdependence"]
SECTIONS = ["In brief", "Where the idea", "Debates and critiques", "The idea at work", "Apply it", "Key readings"]
VOICES = ["From Brussels", "From Ankara", "Critics"]
BIB = parse_file(ROOT / "book" / "references.bib").entries
GLOSSARY = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
CHAPTERS = {int(p.stem[:2]): p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}


def text(slug: str) -> str:
    return (PRIMERS / f"{slug}.md").read_text(encoding="utf-8")


def sections(slug: str) -> dict[str, str]:
    """Second-level sections of a primer, by heading."""
    parts = re.split(r"^## (.+)$", text(slug), flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def section(slug: str, start: str) -> str:
    found = [body for heading, body in sections(slug).items() if heading.startswith(start)]
    assert found, f"{slug}: no section whose heading starts with {start!r}"
    return found[0]


def words(source: str) -> int:
    """Words a reader sees, with citation roles dropped and link roles reduced to their text."""
    source = re.sub(r"\{cite:[pt]\}`[^`]*`", " ", source)
    source = re.sub(r"\{(?:term|doc)\}`([^`<]*)(?:<[^`]*>)?`", r"\1", source)
    return len(re.findall(r"[A-Za-zÀ-ž0-9][A-Za-zÀ-ž0-9’'\-]*", source))


def cited(source: str) -> list[str]:
    return [k.strip() for group in re.findall(r"\{cite:[pt]\}`([^`]+)`", source) for k in group.split(",")]


def test_every_primer_is_in_the_concepts_part_of_the_toc():
    pages = toc_files()
    expected = ["book/primers/index"] + [f"book/primers/{s}" for s in SLUGS]
    assert all(p in pages for p in expected), f"missing from _toc.yml: {[p for p in expected if p not in pages]}"
    positions = [pages.index(p) for p in expected]
    assert positions == sorted(positions) and positions[-1] - positions[0] == len(expected) - 1, \
        "the primers form one block in _toc.yml"
    assert positions[0] > pages.index("notebooks/06_partnership"), "the primers come after the chapters"


def test_index_lists_every_primer():
    index = (PRIMERS / "index.md").read_text(encoding="utf-8")
    assert [s for s in SLUGS if f"{{doc}}`{s}`" not in index] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_sections_in_order(slug):
    headings = list(sections(slug))
    positions = []
    for start in SECTIONS:
        match = [i for i, h in enumerate(headings) if h.startswith(start)]
        assert match, f"{slug}: missing the section {start!r}"
        positions.append(match[0])
    assert positions == sorted(positions), f"{slug}: sections out of order: {headings}"


@pytest.mark.parametrize("slug", SLUGS)
def test_one_page(slug):
    n = words(text(slug))
    assert 450 <= n <= 750, f"{slug}: {n} words; a primer is one page (about 450–700 words)"


@pytest.mark.parametrize("slug", SLUGS)
def test_three_perspectives_with_sources(slug):
    body = section(slug, "The idea at work")
    for voice in VOICES:
        paragraphs = [p for p in re.split(r"\n\s*\n", body) if voice in p]
        assert paragraphs, f"{slug}: no paragraph giving the view {voice!r}"
        assert cited(paragraphs[0]), f"{slug}: the view {voice!r} cites no source"


@pytest.mark.parametrize("slug", SLUGS)
def test_citations_resolve_and_include_official_sources(slug):
    keys = set(cited(text(slug)))
    assert len(keys) >= 8, f"{slug}: only {len(keys)} sources cited"
    assert not keys - set(BIB), f"{slug}: keys missing from book/references.bib: {sorted(keys - set(BIB))}"
    assert any("official" in BIB[k].fields.get("keywords", "") for k in keys), f"{slug}: no official source"


@pytest.mark.parametrize("slug", SLUGS)
def test_key_readings_are_two_to_four_full_references(slug):
    items = re.findall(r"^- (.+)$", section(slug, "Key readings"), flags=re.M)
    assert 2 <= len(items) <= 4, f"{slug}: {len(items)} key readings, expected 2–4"
    for item in items:
        keys = cited(item)
        assert len(keys) == 1, f"{slug}: each key reading cites exactly one work: {item!r}"
        entry = BIB[keys[0]]
        assert re.search(r":\s*\S", item.split("`", 2)[-1]), f"{slug}: say why {keys[0]} is worth reading"
        if entry.type == "article":
            assert {"journal", "year"} <= set(entry.fields), f"{keys[0]}: an article needs journal and year"
            assert "pages" in entry.fields or "advance" in entry.fields.get("note", "").lower(), \
                f"{keys[0]}: an article needs pages (or is marked as an advance article)"
        if entry.type == "book":
            assert {"publisher", "year"} <= set(entry.fields), f"{keys[0]}: a book needs publisher and year"


@pytest.mark.parametrize("slug", SLUGS)
def test_apply_it_gives_one_question_per_chapter(slug):
    items = re.findall(r"^- (.+(?:\n  .+)*)", section(slug, "Apply it"), flags=re.M)
    assert items, f"{slug}: no 'apply it' questions"
    chapters = []
    for item in items:
        link = re.match(r"\{doc\}`Chapter (\d) <\.\./\.\./notebooks/(\w+)>`:", item)
        assert link, f"{slug}: each question starts with a link to its chapter: {item[:60]!r}"
        number, stem = int(link.group(1)), link.group(2)
        assert CHAPTERS.get(number) == stem, f"{slug}: Chapter {number} links to {stem}"
        assert "?" in item, f"{slug}: the Chapter {number} item asks no question"
        chapters.append(number)
    assert len(chapters) == len(set(chapters)), f"{slug}: more than one question for a chapter: {chapters}"


@pytest.mark.parametrize("slug", SLUGS)
def test_glossary_links_to_the_primer(slug):
    assert f"<primers/{slug}>`" in GLOSSARY, f"book/glossary.md has no term linking to primers/{slug}"


def apply_it_chapters(slug: str) -> list[int]:
    return [int(n) for n in re.findall(r"^- \{doc\}`Chapter (\d)", section(slug, "Apply it"), flags=re.M)]


@pytest.mark.parametrize("slug", SLUGS)
def test_chapter_lists_agree(slug):
    """The primer's opening line and the index name the same chapters as its 'apply it' questions."""
    chapters = apply_it_chapters(slug)
    listed = ", ".join(str(n) for n in chapters[:-1]) + f" and {chapters[-1]}" if len(chapters) > 1 else str(chapters[0])
    assert f"uses it in Chapters {listed}." in text(slug), f"{slug}: opening line should name Chapters {listed}"
    index = (PRIMERS / "index.md").read_text(encoding="utf-8")
    line = next(row for row in index.splitlines() if row.startswith(f"- {{doc}}`{slug}`"))
    assert line.endswith(f"*Chapters {', '.join(map(str, chapters))}.*"), f"index line for {slug}: {line}"
