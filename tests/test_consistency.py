"""A figure stated in more than one place is the same everywhere.

One place computes it from the data (a chapter's FACTS); the others refer to it:
- book pages (the teaching kit above all) write ``{{ ch3.arrivals_march_2016 }}``, filled in at build time;
- chapter prose, which must also read well in JupyterLab, writes the figure and marks it just before,
  ``<!-- fact: ch3.arrivals_march_2016 -->57,066``; this test checks every marked figure against the data.
The teaching kit states no other large or precise figure literally, so the kit cannot contradict a chapter.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from coursekit import content

from conftest import ROOT, chapter_notebooks

MARK = re.compile(r"<!--\s*fact:\s*(ch\d)\.(\w+)\s*-->\s*([^\s<]+)")
SUBST = re.compile(r"\{\{\s*(ch\d)\.(\w+)\s*\}\}")
PAGES = sorted((ROOT / "book").rglob("*.md"))
KIT = sorted((ROOT / "book" / "teaching").glob("*.md"))


def _sources():
    for path in chapter_notebooks():
        nb = nbformat.read(path, as_version=4)
        yield path, "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for path in PAGES:
        yield path, path.read_text(encoding="utf-8")


SOURCES = list(_sources())


def _value(chapter: str, name: str) -> str:
    return content._show_value(content.fact(chapter, name))


@pytest.mark.parametrize("path,text", SOURCES, ids=[p.name for p, _ in SOURCES])
def test_marked_figures_match_the_data(path, text):
    for chapter, name, written in MARK.findall(text):
        written = written.rstrip(".,;:)")
        expected = _value(chapter, name)
        assert written.startswith(expected) or written == expected, (
            f"{path.name}: the figure marked as {chapter}.{name} says {written}, the data give {expected}")


@pytest.mark.parametrize("path,text", SOURCES, ids=[p.name for p, _ in SOURCES])
def test_substituted_facts_exist(path, text):
    for chapter, name in SUBST.findall(text):
        assert name in content.fact_names(chapter), f"{path.name}: {{{{ {chapter}.{name} }}}} names no fact"


#: A number a reader could check: with a thousands separator, five or more digits, or two decimals.
FIGURE = re.compile(r"(?<![\w./-])(?<!Python\s)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{5,}|\d+\.\d{2,})(?![\w/-])(?!\s*(?:–\s*[\d,]+\s*)?words)")


@pytest.mark.parametrize("path", KIT, ids=[p.name for p in KIT])
def test_the_teaching_kit_refers_to_figures_rather_than_copying_them(path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\{cite:[pt]\}`[^`]*`|\{doc\}`[^`]*`|\{ref\}`[^`]*`|https?://\S+|\{\{[^}]*\}\}", " ", text)
    found = FIGURE.findall(text)
    assert not found, (f"{path.name} states figures literally ({', '.join(found[:5])}); write them as "
                       "{{ chN.fact }} so they always match the chapter and the data")


def test_marks_and_substitutions_are_used():
    marks = sum(len(MARK.findall(t)) for _, t in SOURCES)
    subs = sum(len(SUBST.findall(t)) for _, t in SOURCES)
    assert marks >= 1 and subs >= 1, "the shared figures of the chapters and the kit are tied to facts"
