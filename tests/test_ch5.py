"""Chapter 5: the hedging indicator, trade shares, memberships, the corridor, explorers, figures and facts.

The questions themselves are checked by tests/test_content.py; here the computations behind them are tested
against independent pandas computations on the raw tables, and with bad input.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit import load
from coursekit.chapters import ch5
from coursekit.content import fact

# -- independent reference computations (plain pandas, no chapter code) -----------------

RAW = load("central_asia_trade")
MEM = load("regional_memberships")
COR = load("middle_corridor_cargo").set_index("year")["cargo_mt"]


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


# -- the Middle Corridor -----------------------------------------------------------------------------

def test_corridor_change_matches_pandas():
    for first, last in [(2024, 2025), (2019, 2024), (2021, 2022)]:
        assert ch5.corridor_change(first, last) == pytest.approx((COR[last] / COR[first] - 1) * 100)
    assert ch5.corridor_change(2024, 2024) == 0
    assert list(ch5.corridor()["year"]) == sorted(COR.index)


@pytest.mark.parametrize("first, last, error", [
    (2010, 2025, ValueError), (2024, 2031, ValueError), ("2024", 2025, TypeError), (2024.0, 2025, TypeError),
    (True, 2025, TypeError), (None, 2025, TypeError)])
def test_corridor_change_rejects_bad_years(first, last, error):
    with pytest.raises(error) as info:
        ch5.corridor_change(first, last)
    assert str(info.value)


def test_corridor_figure_states_every_value_and_its_turn():
    fig = ch5.corridor_figure()
    assert fig.spec
    for year, value in COR.items():
        assert f"{year}: {value:.2f}" in fig.description
    peak = COR.idxmax()
    assert str(peak) in fig.title
    assert ("fell" in fig.title) == (COR.iloc[-1] < COR.max())


# -- helpers and facts: each equals an independent pandas computation ---------------------------------

def test_recorded_values_and_ranking_match_pandas():
    for country in ch5.COUNTRIES:
        for year in sorted(RAW.loc[RAW["country"] == country, "year"].unique()):
            ref = ref_values(country, year)
            if ref.empty:
                with pytest.raises(ValueError):
                    ch5.recorded_values(country, int(year))
                continue
            pd.testing.assert_series_equal(ch5.recorded_values(country, int(year)).sort_index(), ref.sort_index(),
                                           check_names=False)
            assert ch5.ranking(country, int(year)) == list(ref.sort_values(ascending=False).index)


@pytest.mark.parametrize("kwargs, error", [
    ({"country": "Kyrgyzstan", "year": 2022}, ValueError), ({"country": 5, "year": 2022}, TypeError),
    ({"country": "Kazakhstan", "year": 1990}, ValueError)])
def test_recorded_values_rejects_bad_input(kwargs, error):
    with pytest.raises(error):
        ch5.recorded_values(**kwargs)


def test_index_change_like_for_like_matches_pandas():
    common = set(ref_values("Kazakhstan", 2022).index) & set(ref_values("Kazakhstan", 2023).index)
    assert "EU" not in common  # the reason the exercise exists: the EU has no 2023 figure
    a, b = (ref_index(ref_values("Kazakhstan", y, common)) for y in (2022, 2023))
    assert ch5.index_change("Kazakhstan", 2022, 2023) == pytest.approx(b - a)
    all_a, all_b = (ref_index(ref_values("Kazakhstan", y)) for y in (2022, 2023))
    assert ch5.index_change("Kazakhstan", 2022, 2023, like_for_like=False) == pytest.approx(all_b - all_a)


def test_share_of_total_matches_pandas_and_refuses_missing_partners():
    u = RAW[(RAW["country"] == "Uzbekistan")]
    for year in sorted(u.loc[u["partner"] == "Total", "year"]):
        rows = u[u["year"] == year].set_index("partner")["trade_usd_million"]
        for partner in rows.index.drop("Total"):
            assert ch5.share_of_total("Uzbekistan", int(year), partner) == pytest.approx(100 * rows[partner] / rows["Total"])
    with pytest.raises(ValueError):
        ch5.share_of_total("Uzbekistan", 2025, "Türkiye")
    with pytest.raises(ValueError):
        ch5.share_of_total("Kazakhstan", 2023, "China")  # no world total for Kazakhstan


def test_membership_facts_match_pandas():
    ots = MEM[MEM["organisation"] == "OTS"]
    ca = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"]
    assert fact("ch5", "ots_full_members") == int(((ots["status"] == "member") & ots["country"].isin(ca)).sum())
    assert fact("ch5", "ots_founded") == int(ots["since"].min())
    assert fact("ch5", "hungary_ots_since") == int(ots.loc[ots["country"] == "Hungary", "since"].iloc[0])
    with pytest.raises(ValueError):
        ch5.status("Atlantis", "OTS")


def test_number_facts_match_pandas():
    v24 = ref_values("Uzbekistan", 2024)
    assert fact("ch5", "uzb_index_2024") == pytest.approx(ref_index(v24))
    assert fact("ch5", "uzb_hhi_2024") == pytest.approx(1 - ref_index(v24))
    k22 = ref_values("Kazakhstan", 2022)
    assert fact("ch5", "eu_turkiye_ratio") == pytest.approx(k22["EU"] / k22["Türkiye"])
    assert fact("ch5", "kaz_order_2022") == list(k22.sort_values(ascending=False).index)
    u23 = RAW[(RAW["country"] == "Uzbekistan") & (RAW["year"] == 2023)].set_index("partner")["trade_usd_million"]
    assert fact("ch5", "uzb_china_share_2023") == pytest.approx(100 * u23["China"] / u23["Total"])
    assert fact("ch5", "corridor_change_2025") == pytest.approx((COR[2025] / COR[2024] - 1) * 100)


def test_timeline_order_fact_follows_the_dates():
    from coursekit.chapters import ch0

    tl = ch0.timeline().set_index("title")
    order = fact("ch5", "corridor_order")
    assert sorted(order) == sorted(ch5.CORRIDOR_EVENTS)
    assert list(tl.loc[order, "when"]) == sorted(tl.loc[order, "when"])


def test_facts_follow_the_data(tmp_path, monkeypatch):
    """Change one figure in a copy of the data: the facts change with it (nothing is a stored copy)."""
    import shutil

    from coursekit.data import data_dir

    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    csv = folder / "middle_corridor_cargo.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("2025,4.119", "2025,5.000"), encoding="utf-8")
    monkeypatch.setenv("COURSEKIT_DATA", str(folder))
    assert ch5.corridor_change(2024, 2025) == pytest.approx((5.0 / COR[2024] - 1) * 100)
    assert fact("ch5", "corridor_change_2025") > 0
