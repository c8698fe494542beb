"""Chapter 5: the hedging indicator, trade shares, memberships, explorers, exercises and quiz."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit import check, load
from coursekit.chapters import ch5
from coursekit.exercises import exercise

# -- independent reference computations (plain pandas, no chapter code) -----------------

RAW = load("central_asia_trade")
MEM = load("regional_memberships")


def ref_values(country, year, partners=None):
    rows = RAW[(RAW["country"] == country) & (RAW["year"] == year) & (RAW["partner"] != "Total")]
    if partners is not None:
        rows = rows[rows["partner"].isin(partners)]
    return rows.set_index("partner")["trade_usd_million"].astype(float)


def ref_index(values: pd.Series) -> float:
    shares = values / values.sum()
    return float(1 - (shares**2).sum())


# -- the indicator: known values ------------------------------------------------------------

@pytest.mark.parametrize("values, expected", [
    ([5], 0.0),
    ([1, 1], 0.5),
    ([2, 2, 2, 2], 0.75),
    ([3, 1], 1 - (0.75**2 + 0.25**2)),
    ([7, 0], 0.0),
    ({"China": 1, "Russia": 1, "EU": 2}, 1 - (0.25**2 + 0.25**2 + 0.5**2)),
    (pd.Series([10.0, 30.0]), 1 - (0.25**2 + 0.75**2)),
    (np.array([1, 1, 1]), 2 / 3),
    ((1e308, 1e308), 0.5),
])
def test_hedging_index_known_values(values, expected):
    assert ch5.hedging_index(values) == pytest.approx(expected, abs=1e-12)


def test_hhi_and_effective_partners():
    assert ch5.hhi([1, 1, 1, 1]) == pytest.approx(0.25)
    assert ch5.effective_partners([1, 1, 1, 1]) == pytest.approx(4)
    assert ch5.effective_partners([9]) == 1
    assert sum(ch5.partner_shares([1, 3])) == pytest.approx(1)


@pytest.mark.parametrize("bad, error", [
    ("12", TypeError),
    (b"12", TypeError),
    (12, TypeError),
    (None, TypeError),
    (pd.DataFrame({"a": [1, 2]}), TypeError),
    (["1", "2"], TypeError),
    ([True, 2], TypeError),
    ([np.bool_(True), 2], TypeError),
    ([1, object()], TypeError),
    ([], ValueError),
    ([0, 0], ValueError),
    ([1, -2], ValueError),
    ([1, float("nan")], ValueError),
    ([1, float("inf")], ValueError),
    ([1, None], ValueError),
    (pd.Series([1, pd.NA], dtype="Int64"), ValueError),
])
def test_hedging_index_rejects_bad_input(bad, error):
    with pytest.raises(error) as info:
        ch5.hedging_index(bad)
    assert str(info.value)  # always a readable message


finite = st.floats(min_value=0, max_value=1e300, allow_nan=False, allow_infinity=False, allow_subnormal=True)
value_lists = st.lists(finite, min_size=1, max_size=40).filter(lambda xs: max(xs) > 0)


@given(value_lists)
def test_hedging_index_bounds(values):
    n = len(values)
    h = ch5.hedging_index(values)
    assert 0.0 <= h < 1.0
    assert h <= 1.0 - 1.0 / n + 1e-12
    assert 1.0 / n - 1e-12 <= ch5.hhi(values) <= 1.0
    assert 1.0 <= ch5.effective_partners(values) <= n + 1e-9


@given(value_lists, st.randoms(use_true_random=False))
def test_hedging_index_ignores_order(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert ch5.hedging_index(shuffled) == pytest.approx(ch5.hedging_index(values), abs=1e-12)


@given(st.lists(st.floats(min_value=1e-3, max_value=1e6), min_size=1, max_size=20),
       st.floats(min_value=1e-3, max_value=1e3))
def test_hedging_index_ignores_units(values, factor):
    assert ch5.hedging_index([v * factor for v in values]) == pytest.approx(ch5.hedging_index(values), abs=1e-9)


@given(st.integers(min_value=1, max_value=60), st.floats(min_value=1e-6, max_value=1e12))
def test_equal_partners_reach_the_maximum(n, value):
    assert ch5.hedging_index([value] * n) == pytest.approx(1 - 1 / n, abs=1e-12)
    assert ch5.effective_partners([value] * n) == pytest.approx(n)


@given(st.one_of(st.none(), st.text(), st.integers(), st.floats(), st.booleans(),
                 st.lists(st.one_of(st.integers(), st.floats(), st.text(), st.none(), st.booleans()), max_size=6),
                 st.dictionaries(st.text(max_size=5), st.floats(), max_size=5)))
def test_hedging_index_never_fails_unexpectedly(anything):
    try:
        h = ch5.hedging_index(anything)
    except (TypeError, ValueError):
        return
    assert 0.0 <= h < 1.0


# -- partner tables and the data they come from -----------------------------------------

def test_partner_table_recorded_matches_pandas():
    table = ch5.partner_table("Kazakhstan", 2022)
    ref = ref_values("Kazakhstan", 2022)
    assert set(table["partner"]) == set(ref.index)
    got = table.set_index("partner")["share"]
    for partner, value in ref.items():
        assert got[partner] == pytest.approx(value / ref.sum())


@pytest.mark.parametrize("year", sorted(RAW.loc[(RAW["country"] == "Uzbekistan") & (RAW["partner"] == "Total"), "year"]))
def test_partner_table_total_adds_the_rest(year):
    table = ch5.partner_table("Uzbekistan", int(year), "total").set_index("partner")
    total = float(RAW[(RAW["country"] == "Uzbekistan") & (RAW["year"] == year) & (RAW["partner"] == "Total")]
                  ["trade_usd_million"].iloc[0])
    rest = total - ref_values("Uzbekistan", year).sum()
    assert rest >= 0, "partners add up to more than the reported total"
    assert table.loc[ch5.REST, "trade_usd_million"] == pytest.approx(rest)
    assert table["share"].sum() == pytest.approx(1)
    assert table["trade_usd_million"].sum() == pytest.approx(total)


def test_turkiye_factor_only_scales_turkiye():
    base = ch5.partner_table("Kazakhstan", 2023).set_index("partner")["trade_usd_million"]
    doubled = ch5.partner_table("Kazakhstan", 2023, turkiye_factor=2).set_index("partner")["trade_usd_million"]
    assert doubled["Türkiye"] == pytest.approx(2 * base["Türkiye"])
    assert doubled.drop("Türkiye").equals(base.drop("Türkiye"))


@pytest.mark.parametrize("kwargs, error", [
    ({"country": "Kyrgyzstan", "year": 2022}, ValueError),
    ({"country": 5, "year": 2022}, TypeError),
    ({"country": "Kazakhstan", "year": 2022, "basis": "world"}, ValueError),
    ({"country": "Kazakhstan", "year": "2022"}, TypeError),
    ({"country": "Kazakhstan", "year": True}, TypeError),
    ({"country": "Kazakhstan", "year": 1999}, ValueError),
    ({"country": "Kazakhstan", "year": 2022, "basis": "total"}, ValueError),
    ({"country": "Kazakhstan", "year": 2022, "turkiye_factor": "2"}, TypeError),
    ({"country": "Kazakhstan", "year": 2022, "turkiye_factor": -1}, ValueError),
    ({"country": "Kazakhstan", "year": 2022, "turkiye_factor": float("nan")}, ValueError),
])
def test_partner_table_rejects_bad_input(kwargs, error):
    with pytest.raises(error):
        ch5.partner_table(**kwargs)


def test_years_with_data_is_honest_about_coverage():
    assert ch5.years_with_data("Kazakhstan", "total") == []
    for country in ch5.COUNTRIES:
        for year in ch5.years_with_data(country, "recorded"):
            assert len(ref_values(country, year)) >= 2
    with pytest.raises(ValueError):
        ch5.years_with_data("Tajikistan")


def test_hedging_by_year_matches_pandas():
    table = ch5.hedging_by_year("Uzbekistan").set_index("year")
    for year, row in table.iterrows():
        assert row["hedging_index"] == pytest.approx(ref_index(ref_values("Uzbekistan", year)))


# -- explorer: partner shares --------------------------------------------------------------

@pytest.fixture(scope="module")
def shares_explorer():
    return ch5.explorer()


def test_shares_explorer_grid_is_small(shares_explorer):
    states = math.prod(len(c.values()) for c in shares_explorer.controls)
    assert states < 600
    assert len(shares_explorer.grid()) < 20_000
    assert shares_explorer.static_chart().to_dict()["params"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(country=st.one_of(st.sampled_from(ch5.COUNTRIES), st.text(max_size=8), st.none(), st.integers()),
       basis=st.one_of(st.sampled_from(list(ch5.BASES)), st.text(max_size=8), st.floats()),
       factor=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 100), st.text(max_size=4),
                        st.none(), st.booleans()))
def test_shares_explorer_never_raises_and_stays_in_bounds(shares_explorer, country, basis, factor):
    frame = shares_explorer.compute(country=country, basis=basis, turkiye_pct=factor)
    seg = frame[frame["kind"] == "segment"]
    assert ((seg["share"] >= 0) & (seg["share"] <= 1)).all()
    assert ((seg["y1"] <= 1 + 1e-9) & (seg["y0"] >= 0)).all()
    for _, group in seg.groupby("year"):
        assert group["share"].sum() == pytest.approx(1)
    assert len(frame) >= 1
    shares_explorer.spec(country=country, basis=basis, turkiye_pct=factor)


def test_shares_explorer_widget_builds(shares_explorer):
    box = shares_explorer.widget()  # the live JupyterLab front end, with real ipywidgets
    assert len(box.children) == len(shares_explorer.controls) + 2
    ch5.membership_explorer().widget()


def test_shares_explorer_refuses_unknown_controls(shares_explorer):
    with pytest.raises(TypeError):
        shares_explorer.compute(colour="red")


def test_every_shares_control_changes_the_chart(shares_explorer):
    spec = shares_explorer.spec
    assert spec(country="Kazakhstan") != spec(country="Uzbekistan")
    assert spec(country="Uzbekistan", basis="recorded") != spec(country="Uzbekistan", basis="total")
    assert spec(country="Kazakhstan", turkiye_pct=100) != spec(country="Kazakhstan", turkiye_pct=300)


def test_headlines_match_pandas(shares_explorer):
    frame = shares_explorer.compute(country="Kazakhstan", basis="recorded")
    heads = frame[frame["kind"] == "headline"].set_index("year")
    for year, row in heads.iterrows():
        assert f"{ref_index(ref_values('Kazakhstan', int(year))):.2f}" in row["label"]


def test_kazakhstan_total_gives_an_explaining_note(shares_explorer):
    frame = shares_explorer.compute(country="Kazakhstan", basis="total")
    assert list(frame["kind"]) == ["note"]
    assert "no reported world total" in frame["label"].iloc[0]


# -- explorer: memberships ---------------------------------------------------------------------

def test_membership_model_shape_and_codes():
    frame = ch5.membership_model("any")
    cells = frame[frame["column"] != ch5.CAMPS_COLUMN]
    assert len(cells) == len(MEM) == 80
    assert set(cells["label"]) <= set(ch5.STATUS_CODES.values())
    assert (cells.loc[cells["status"] == "associate_member", "label"] == "A").all()


@pytest.mark.parametrize("tie, statuses", [
    ("full", {"member"}),
    ("formal", {"member", "associate_member", "candidate"}),
    ("any", {"member", "associate_member", "candidate", "partner", "dialogue_partner", "observer"}),
])
def test_camps_engaged_matches_pandas(tie, statuses):
    camp = {"OTS": 1, "CSTO": 2, "EAEU": 2, "CIS": 2, "SCO": 3, "NATO": 4, "NATO PfP": 4, "EU": 4}
    rows = MEM[MEM["status"].isin(statuses)]
    ref = rows.assign(c=rows["organisation"].map(camp)).groupby("country")["c"].nunique()
    got = ch5.camps_engaged(tie)
    for country in MEM["country"].unique():
        assert got[country] == ref.get(country, 0)
    assert got.between(0, 4).all()


def test_membership_explorer_control_changes_the_chart():
    ex = ch5.membership_explorer()
    specs = {t: ex.spec(tie=t) for t in ch5.TIES}
    assert len({str(s) for s in specs.values()}) == 3
    assert len(ex.grid()) < 20_000
    ex.static_chart().to_dict()
    with pytest.raises(ValueError):
        ch5.membership_model("friends")


MEMBERSHIP_EXPLORER = ch5.membership_explorer()


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.sampled_from(list(ch5.TIES)), st.text(max_size=10), st.none(), st.integers(), st.floats()))
def test_membership_explorer_never_raises(tie):
    frame = MEMBERSHIP_EXPLORER.compute(tie=tie)
    assert len(frame) == 90


# -- figures ---------------------------------------------------------------------------------------

def test_figures_state_their_numbers():
    uzb = ch5.uzbekistan_figure()
    assert "China and Russia" in uzb.title and uzb.spec
    d = ch5.uzbekistan_shares()
    for r in d.itertuples():
        assert f"{r.share:.1%}" in uzb.description
    kaz = ch5.kazakhstan_figure()
    assert kaz.spec and "EU" in kaz.title
    for r in RAW[RAW["country"] == "Kazakhstan"].itertuples():
        assert f"{r.trade_usd_million / 1000:.1f}" in kaz.description
    assert "EU 2023" in kaz.description  # a missing value is named as missing, not drawn as zero
    assert "Source:" in uzb.source and "Trend" in uzb.source


def test_uzbekistan_shares_match_pandas():
    d = ch5.uzbekistan_shares().set_index(["year", "partner"])["share"]
    totals = RAW[(RAW["country"] == "Uzbekistan") & (RAW["partner"] == "Total")].set_index("year")["trade_usd_million"]
    for year, total in totals.items():
        for partner, value in ref_values("Uzbekistan", year).items():
            assert d[(int(year), partner)] == pytest.approx(value / total)


# -- exercises: expected answers equal an independent pandas computation ---------------------------

def test_expected_uzbekistan_2024():
    assert exercise("ch5-hedging-uzb-2024").expected() == pytest.approx(ref_index(ref_values("Uzbekistan", 2024)))


def test_expected_ranking():
    ref = list(ref_values("Kazakhstan", 2022).sort_values(ascending=False).index)
    assert exercise("ch5-rank-kaz-2022").expected() == ref


def test_expected_ratio():
    v = ref_values("Kazakhstan", 2022)
    assert exercise("ch5-eu-turkiye-ratio").expected() == pytest.approx(v["EU"] / v["Türkiye"])


def test_expected_common_partner_change():
    years = (2022, 2023)
    common = set(ref_values("Kazakhstan", 2022).index) & set(ref_values("Kazakhstan", 2023).index)
    a, b = (ref_index(ref_values("Kazakhstan", y, common)) for y in years)
    assert exercise("ch5-common-partners").expected() == pytest.approx(b - a)


def test_uzbekistan_exercise_feedback():
    ref = ref_index(ref_values("Uzbekistan", 2024))
    assert check("ch5-hedging-uzb-2024", ref)
    assert check("ch5-hedging-uzb-2024", round(ref, 2))
    hhi_fb = check("ch5-hedging-uzb-2024", 1 - ref)
    assert not hhi_fb and "Herfindahl index itself" in hhi_fb.message
    assert not check("ch5-hedging-uzb-2024", ref * 100)  # percent instead of share
    assert "factor of 100" in check("ch5-hedging-uzb-2024", ref * 100).message
    with_total = RAW[(RAW["country"] == "Uzbekistan") & (RAW["year"] == 2024)]["trade_usd_million"].astype(float)
    fb = check("ch5-hedging-uzb-2024", ref_index(with_total))
    assert not fb and "'Total'" in fb.message
    rest = check("ch5-hedging-uzb-2024", round(ch5.hedging_index(
        ch5.partner_table("Uzbekistan", 2024, "total")["trade_usd_million"]), 2))
    assert not rest and "reported total" in rest.message
    assert check("ch5-hedging-uzb-2024", ...).status == "missing"
    assert check("ch5-hedging-uzb-2024", "0.64").status == "invalid"


def test_ranking_exercise_feedback():
    right = list(ref_values("Kazakhstan", 2022).sort_values(ascending=False).index)
    assert check("ch5-rank-kaz-2022", right)
    assert check("ch5-rank-kaz-2022", ", ".join(right).replace("Türkiye", "Turkey"))
    assert check("ch5-rank-kaz-2022", [p.upper() for p in right])
    assert "smallest to largest" in check("ch5-rank-kaz-2022", list(reversed(right))).message
    swapped = ["EU", "China", "Russia", "Türkiye"]
    assert "Russia and China are swapped" in check("ch5-rank-kaz-2022", swapped).message
    assert "missing" in check("ch5-rank-kaz-2022", right[:2]).message
    assert "Not a partner" in check("ch5-rank-kaz-2022", ["EU", "Russia", "China", "Italy"]).message
    assert "twice" in check("ch5-rank-kaz-2022", ["EU", "EU", "China", "Türkiye"]).message
    assert check("ch5-rank-kaz-2022", 42).status == "invalid"
    assert check("ch5-rank-kaz-2022", [1, 2]).status == "invalid"
    assert check("ch5-rank-kaz-2022", ...).status == "missing"


def test_ratio_exercise_feedback():
    v = ref_values("Kazakhstan", 2022)
    assert check("ch5-eu-turkiye-ratio", v["EU"] / v["Türkiye"])
    inverse = check("ch5-eu-turkiye-ratio", v["Türkiye"] / v["EU"])
    assert not inverse and "divided Türkiye by the EU" in inverse.message
    diff = check("ch5-eu-turkiye-ratio", (v["EU"] - v["Türkiye"]) / 1000)
    assert not diff and "difference" in diff.message


def test_claim_verdict_feedback():
    assert check("ch5-claim-verdict", "b")
    assert not check("ch5-claim-verdict", "a")
    assert "routes" in check("ch5-claim-verdict", "a").message
    assert not check("ch5-claim-verdict", "c")
    assert check("ch5-claim-verdict", "z").status == "invalid"


def test_common_partner_feedback():
    common = ["China", "Russia", "Türkiye"]
    a, b = (ref_index(ref_values("Kazakhstan", y, common)) for y in (2022, 2023))
    assert check("ch5-common-partners", b - a)
    naive = ref_index(ref_values("Kazakhstan", 2023)) - ref_index(ref_values("Kazakhstan", 2022))
    fb = check("ch5-common-partners", naive)
    assert not fb and "artefact" in fb.message
    sign = check("ch5-common-partners", a - b)
    assert not sign and "wrong sign" in sign.message


# -- quiz -------------------------------------------------------------------------------------------

def test_quiz_answers_come_from_the_data():
    quiz = ch5.quiz()
    assert len(quiz.questions) >= 5
    numerics = [q for q in quiz.questions if hasattr(q, "answer")]
    founded = int(MEM[(MEM["country"] == "Türkiye") & (MEM["organisation"] == "OTS")]["since"].iloc[0])
    members = int(((MEM["organisation"] == "OTS") & (MEM["status"] == "member")
                   & MEM["country"].isin(["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"])).sum())
    total23 = RAW[(RAW["country"] == "Uzbekistan") & (RAW["year"] == 2023) & (RAW["partner"] == "Total")]
    china = ref_values("Uzbekistan", 2023)["China"] / float(total23["trade_usd_million"].iloc[0]) * 100
    answers = [q.answer for q in numerics]
    assert founded in answers and members in answers
    assert any(abs(a - china) < 0.05 for a in answers)
    for q in quiz.questions:
        ok, why = (q.grade(q.answer) if hasattr(q, "answer") else
                   q.grade(next(i for i, o in enumerate(q.options) if o.correct)))
        assert ok and why
    assert "quiz-ch5" in quiz.to_html()
