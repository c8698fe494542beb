"""Honest study times: computed from words and questions, and the same figure on every page that states it."""

from __future__ import annotations

import re

import nbformat
import pytest

from coursekit import content, studytime

from conftest import SITE, chapter_notebooks

CHAPTERS = [f"ch{int(p.name[:2])}" for p in chapter_notebooks()]


def test_reading_time_follows_the_word_count(tmp_path, monkeypatch):
    """200 more words of prose add one minute; one more exercise adds its practice time."""
    source = chapter_notebooks()[0]
    nb = nbformat.read(source, as_version=4)
    (tmp_path / source.name).write_text(nbformat.writes(nb), encoding="utf-8")
    yml = source.with_suffix(".yml")
    (tmp_path / yml.name).write_text(yml.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("COURSEKIT_NOTEBOOKS", str(tmp_path))
    chapter = f"ch{int(source.name[:2])}"
    before = studytime.minutes(chapter)
    nb.cells.append(nbformat.v4.new_markdown_cell(" ".join(["word"] * 2000)))
    (tmp_path / source.name).write_text(nbformat.writes(nb), encoding="utf-8")
    after = studytime.minutes(chapter)
    assert after["reading"] - before["reading"] == 10
    assert after["total"] % 5 == 0 and after["total"] >= after["reading"] + after["practice"] - 4


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_practice_time_counts_every_item(chapter):
    loaded = content.load_chapter(chapter)
    expected = sum(studytime.OPEN_MINUTES if it.kind == "open" else studytime.ITEM_MINUTES[it.section]
                   for it in loaded.items.values())
    m = studytime.minutes(chapter)
    assert m["total"] >= m["reading"] + expected
    assert m["total"] - (m["reading"] + expected) < 5, "rounded up to five minutes, no more"


def _site(path: str) -> str:
    page = SITE / path
    if not page.exists():
        pytest.fail("the site is not built: run 'make test', which builds it first")
    return page.read_text(encoding="utf-8")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_same_figure_on_the_chapter_the_course_map_and_the_teaching_guide(chapter):
    n = int(chapter[2:])
    total = studytime.minutes(chapter)["total"]
    notebook = next(p for p in chapter_notebooks() if int(p.name[:2]) == n)
    header = re.search(r'class="ck-about">([^<]*)<', _site(f"notebooks/{notebook.stem}.html"))
    assert header and f"about {total} minutes" in header.group(1), f"{chapter}: chapter header {header}"
    from bs4 import BeautifulSoup

    rows = BeautifulSoup(_site("book/course-map.html"), "html.parser").select("table tr")
    row = next((r for r in rows if r.find("td") and r.find("td").get_text(" ", strip=True).startswith(f"{n}.")), None)
    said = re.search(r"about (\d+) min", row.get_text(" ", strip=True)) if row else None
    assert said and int(said.group(1)) == total, f"{chapter}: course map says {said and said.group(1)}"
    guide = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", _site("book/teaching/index.html")))
    said = re.search(r"chapter 0 about (\d+) minutes" if n == 0 else rf"\b{n} about (\d+)", guide)
    assert said and int(said.group(1)) == total, f"{chapter}: teaching guide says {said and said.group(1)}"
