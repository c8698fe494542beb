"""Every chapter notebook meets the chapter standard (../shared/chapter-standard.md)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import nbformat
import pytest
from pybtex.database import parse_file

from conftest import ROOT, chapter_notebooks, toc_files

NOTEBOOKS = chapter_notebooks()
IDS = [p.stem for p in NOTEBOOKS]
BIB = parse_file(ROOT / "book" / "references.bib").entries
GLOSSARY = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")

#: Publishers whose own pages count as primary or official sources.
OFFICIAL_DOMAINS = (
    "nato.int", "europa.eu", "unhcr.org", "un.org", "iom.int", "gov.tr", "gov.pl", "gov.gr", "mfa.gr", "kremlin.ru",
    "mid.ru", "gov.kz", "stat.uz", "gov.uz", "gov.uk", "state.gov", "whitehouse.gov", "iea.org", "imf.org",
    "worldbank.org", "osce.org", "coe.int", "turkicstates.org", "sectsco.org", "eaeunion.org", "odkb-csto.org",
    "tap-ag.com", "tanap.com", "congress.gov", "defense.gov", "treasury.gov", "bundesregierung.de", "elysee.fr",
    "president.az", "akorda.kz", "president.uz", "consilium.europa.eu", "unocha.org", "reliefweb.int", "wfp.org",
    "fao.org", "usda.gov", "tbmm.gov.tr", "mfa.gov.tr", "gov.ua", "gov.az",
)


def cells(nb, tag=None):
    return [c for c in nb.cells if tag is None or tag in c.metadata.get("tags", [])]


def citations(nb) -> set[str]:
    keys = set()
    for c in nb.cells:
        if c.cell_type == "markdown":
            for group in re.findall(r"\{cite(?::[pt])?\}`([^`]+)`", c.source):
                keys.update(k.strip() for k in group.split(","))
    return keys


def is_official(key: str) -> bool:
    entry = BIB[key]
    if "official" in entry.fields.get("keywords", "").lower():
        return True
    host = urlparse(entry.fields.get("url", "")).netloc.lower()
    return any(host == d or host.endswith("." + d) for d in OFFICIAL_DOMAINS)


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=IDS)
def nb(request):
    book = nbformat.read(request.param, as_version=4)
    book.path = request.param
    return book


def test_there_are_chapters():
    assert NOTEBOOKS, "no chapter notebooks found in notebooks/"


def test_stored_without_outputs(nb):
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{nb.path.name}: cells {dirty} have outputs; notebooks are committed clean (nbstripout)"


def test_listed_in_toc(nb):
    assert f"notebooks/{nb.path.stem}" in toc_files()


def test_learning_objectives(nb):
    obj = cells(nb, "learning-objectives")
    assert len(obj) == 1, "exactly one cell tagged learning-objectives"
    bullets = re.findall(r"^\s*[-*] ", obj[0].source, flags=re.M)
    assert 3 <= len(bullets) <= 5, f"3–5 learning objectives, found {len(bullets)}"


def test_prose_length(nb):
    from coursekit.studytime import prose_words

    minimum = 1500 if nb.path.stem.startswith("00") else 2500
    words = prose_words(nb) - sum(len(c.source.split()) for c in cells(nb, "exercise") if c.cell_type == "markdown")
    assert words >= minimum, f"{nb.path.name}: {words} words of prose, the standard asks for {minimum}"


def test_structure_sections(nb):
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("Learning objectives", "Prerequisites", "Summary", "Further reading"):
        assert re.search(rf"^#+ .*{heading}", text, flags=re.M | re.I), f"missing a '{heading}' section"


def test_explorer(nb):
    exp = [c for c in cells(nb, "explorer") if c.cell_type == "code"]
    assert exp, "at least one code cell tagged explorer"
    assert all(len(c.source.splitlines()) <= 4 for c in exp), "explorer cells call a package function, no logic"
    for c in exp:
        assert "import" in c.source, "an explorer cell imports what it needs, so it works on its own after a restart"


def test_exercises_are_shown_from_the_content_file(nb):
    shown = [c for c in cells(nb, "exercise") if c.cell_type == "code" and "show(" in c.source]
    assert len(shown) >= 3, f"at least three exercise cells showing an item with show(), found {len(shown)}"
    assert all("remove-input" in c.metadata.get("tags", []) for c in shown), "show() cells hide their code in the book"
    compute = [c for c in nb.cells if c.cell_type == "code" and "answer = ..." in c.source and "check(" in c.source]
    assert compute, "at least one exercise asks the student to compute the answer with the data (answer = ...; check())"


def test_check_ids_exist(nb):
    from coursekit.content import items

    ids = set(re.findall(r"check\(\s*[\"']([\w-]+)[\"']", "\n".join(c.source for c in nb.cells if c.cell_type == "code")))
    assert ids, "no check() calls"
    missing = ids - set(items())
    assert not missing, f"check() names items that are in no content file: {missing}"


def test_quiz_and_discussion(nb):
    assert [c for c in cells(nb, "quiz") if c.cell_type == "code" and "show(" in c.source], "a code cell tagged quiz"
    disc = cells(nb, "discussion")
    assert disc, "a markdown cell tagged discussion"
    questions = re.findall(r"^\s*(?:\d+\.|[-*])\s+\S", "\n".join(c.source for c in disc), flags=re.M)
    assert len(questions) >= 3, f"at least three discussion questions, found {len(questions)}"


def test_header_states_evidence_date_and_study_time(nb):
    assert any(c.cell_type == "code" and "about(" in c.source for c in nb.cells[:3]), \
        "the chapter opens with about('chN'): the date its evidence runs to and its computed study time"


def test_citations(nb):
    keys = citations(nb)
    unknown = keys - set(BIB)
    assert not unknown, f"cited keys missing from book/references.bib: {unknown}"
    assert len(keys) >= 6, f"at least six sources cited, found {len(keys)}"
    official = {k for k in keys if is_official(k)}
    assert len(official) >= 3, f"at least three primary/official sources cited, found {sorted(official)}"


def test_glossary_terms_exist(nb):
    terms = set()
    for c in nb.cells:
        if c.cell_type == "markdown":
            terms.update(t.split("<")[-1].rstrip(">").strip() for t in re.findall(r"\{term\}`([^`]+)`", c.source))
    defined = {line.strip().lower() for line in GLOSSARY.splitlines() if line and not line.startswith((" ", "#", ":", "`"))}
    missing = {t for t in terms if t.lower() not in defined}
    assert not missing, f"glossary terms used but not defined in book/glossary.md: {missing}"


def test_cells_stay_short(nb):
    long_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and len(c.source.splitlines()) > 8]
    assert not long_cells, f"code cells {long_cells} are long: move the logic into coursekit"
