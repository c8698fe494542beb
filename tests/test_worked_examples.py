"""The worked examples say what they are: the numbers in the marked memos are recomputed here, from the
course data (the scorecard) and from the memos themselves (length, sources, combined marks)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from bs4 import BeautifulSoup

from conftest import SITE

PAGE = SITE / "book" / "teaching" / "worked-examples.html"
BANDS = {"excellent": 4, "good": 3, "adequate": 2, "insufficient": 1}
CRITERIA = {"security": "security_benefit", "eu feasibility": "eu_feasibility",
            "ankara feasibility": "ankara_feasibility", "cost": "cost", "values": "values"}


@pytest.fixture(scope="module")
def memos():
    soup = BeautifulSoup(PAGE.read_text(encoding="utf-8"), "html.parser")
    return {name: soup.find("section", id=section) for name, section in
            (("strong", "a-strong-memo"), ("weak", "a-weak-memo"))}


def _words(section) -> int:
    """Words of the memo's text: no headings, no citation labels, no annex, no references."""
    count = 0
    for div in section.select("div.ck-memo-text"):
        div = BeautifulSoup(str(div), "html.parser")
        for cite in div.select('a[href*="bibliography.html"]'):
            cite.decompose()
        for p in div.select("p"):
            if p.find("strong") and p.get_text(strip=True) == p.find("strong").get_text(strip=True):
                p.decompose()  # a section heading
        count += sum(1 for w in div.get_text(" ").split() if re.search(r"\w", w))
    return count


def _stated(section, pattern: str) -> int:
    match = re.search(pattern, re.sub(r"\s+", " ", section.get_text(" ")))
    assert match, f"no statement matching {pattern!r}"
    return int(match.group(1).replace(",", ""))


@pytest.mark.parametrize("name", ["strong", "weak"])
def test_stated_length_is_the_memos_length(memos, name):
    words = _words(memos[name])
    assert words == _stated(memos[name], r"The memo runs to ([\d,]+) words")


def test_strong_memo_is_within_the_limit_and_the_weak_one_is_not(memos):
    assert 1350 <= _words(memos["strong"]) <= 1650
    assert _words(memos["weak"]) < 1350


def test_strong_memo_source_count(memos):
    links = {a["href"].split("#")[1] for a in memos["strong"].select(
        'div.ck-memo-text a[href*="bibliography.html#"], div.ck-memo-annex a[href*="bibliography.html#"]')}
    stated = _stated(memos["strong"], r"It cites (\d+) sources")
    assert len(links) == stated >= 6


@pytest.mark.parametrize("name, verdict", [("strong", "excellent"), ("weak", "adequate")])
def test_marks_combine_as_the_assessment_page_says(memos, name, verdict):
    table = next(t for t in memos[name].select("table") if "Weighted mean" in t.get_text())
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all("td")] for tr in table.select("tbody tr")]
    marks = [(int(w.rstrip("%")), BANDS[band]) for _, w, band, points in rows[:-1]]
    assert all(int(points) == BANDS[band] for _, _, band, points in rows[:-1])
    assert len(marks) == 6 and sum(w for w, _ in marks) == 100
    mean = Decimal(sum(w * p for w, p in marks)) / 100
    assert rows[-1][3] == str(mean.quantize(Decimal("0.1"), ROUND_HALF_UP))  # shown to one decimal
    band = "excellent" if mean >= 3.5 else "good" if mean >= 2.5 else "adequate" if mean >= 1.5 else "insufficient"
    assert rows[-1][2] == band == verdict


def test_annex_scores_are_the_course_data_with_the_stated_weights(memos):
    from coursekit.chapters import ch6

    annex = memos["strong"].select_one("div.ck-memo-annex")
    text = re.sub(r"\s+", " ", annex.get_text(" "))
    weights = {CRITERIA[name.lower()]: float(value) for name, value in
               re.findall(r"(security|EU feasibility|Ankara feasibility|cost|values) (\d+)",
                          text.split("Weights:")[1].split(".")[0])}
    assert set(weights) == set(CRITERIA.values())
    scores = ch6.score_table()
    labels = dict(zip(ch6.weighted_scores()["option"], ch6.weighted_scores()["label"]))
    ranked = ch6.weighted_scores(weights).set_index("option")["score"]
    rescored = scores.copy()
    rescored.loc["black_sea", "ankara_feasibility"] = 4  # the memo's one re-score
    reranked = ch6.weighted_scores(weights, rescored).set_index("option")["score"]
    rows = {tr.find("td").get_text(strip=True): [c.get_text(strip=True) for c in tr.find_all("td")[1:]]
            for tr in annex.select("tbody tr")}
    assert len(rows) == len(scores)
    for option, label in labels.items():
        cells = rows[label]
        assert [int(c) for c in cells[:5]] == [int(scores.loc[option, c]) for c in ch6.CRITERIA], label
        assert float(cells[5]) == pytest.approx(ranked[option], abs=0.05), label
        assert float(cells[6]) == pytest.approx(reranked[option], abs=0.05), label


def test_weak_memo_equal_weight_ranking_is_right(memos):
    from coursekit.chapters import ch6

    equal = ch6.weighted_scores().set_index("label")["score"]
    text = re.sub(r"\s+", " ", memos["weak"].get_text(" "))
    assert f"security dialogue comes first with {equal['Security dialogue']:.1f}" in text
    assert f"accession revival is last with {equal['Accession revival']:.1f}" in text
