"""Chapter 1: NATO spending helpers, the explorer model, the ammunition, sanctions, vote and timeline
helpers, and the facts the content file names (its items are graded in tests/test_content.py).

Expected values are recomputed here with plain pandas on ``load(...)``, independently of the chapter's
helpers, so a bug in a helper cannot hide behind a test that reuses it.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit import load
from coursekit.chapters import ch1
from coursekit.charts import clean_spec

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rows(year: int, release: str) -> pd.DataFrame:
    df = load("nato_defence_spending")
    return df[(df["year"] == year) & (df["release"] == release)]


def pandas_share(country: str, year: int, release: str = "2024-06") -> float:
    r = rows(year, release)
    return float(r.loc[r["country"] == country, "pct_gdp"].iloc[0])


# -- data helpers ------------------------------------------------------------------------------

def test_allies_are_the_31_with_armed_forces():
    allies = ch1.allies()
    assert len(allies) == 31 and "Iceland" not in allies
    assert set(ch1.european_allies()) == set(allies) - {"United States", "Canada"}


def test_snapshot_keeps_every_ally_and_missing_stays_missing():
    snap = ch1.snapshot(2025, "2025-08")
    assert len(snap) == 31
    reported = rows(2025, "2025-08")
    assert int(snap["reported"].sum()) == len(reported)
    missing = set(snap.loc[~snap["reported"], "country"])
    assert missing == set(ch1.allies()) - set(reported["country"])
    assert snap.loc[~snap["reported"], "pct_gdp"].isna().all(), "a missing figure is NaN, never zero"


def test_snapshot_never_mixes_releases():
    snap = ch1.snapshot(2024, "2024-06").set_index("country")
    expected = rows(2024, "2024-06").set_index("country")["pct_gdp"]
    assert snap["pct_gdp"].dropna().to_dict() == expected.to_dict()
    assert set(snap["source"].dropna()) == set(rows(2024, "2024-06")["source"])


def test_guidelines_come_from_the_data():
    g = load("nato_spending_guidelines").set_index("id")["pct_gdp"]
    assert ch1.lines() == {g["wales-2pct"]: "2% (Wales 2014)", g["hague-core"]: "3.5% core (The Hague 2025)",
                           g["hague-total"]: "5% total (The Hague 2025)"}
    assert g["hague-core"] + g["hague-related"] == pytest.approx(g["hague-total"])


@pytest.mark.parametrize("year,release", [(2014, "2024-06"), (2024, "2024-06"), (2024, "2025-04"), (2023, "2023-07")])
@pytest.mark.parametrize("line", [2.0, 3.5, 5.0])
def test_meeting_matches_pandas(year, release, line):
    r = rows(year, release)
    assert ch1.meeting(year, release, line) == sorted(r.loc[r["pct_gdp"] >= line, "country"])
    cov = ch1.coverage(year, release, line)
    assert cov == {"meet": int((r["pct_gdp"] >= line).sum()), "reported": len(r),
                   "missing": 31 - len(r), "members": 31}


def test_groups_partition_the_allies():
    named = [set(members) for key, (_, members) in ch1.GROUPS.items() if members is not None]
    union = set().union(*named)
    assert sum(len(m) for m in named) == len(union), "no ally in two groups"
    assert union | {ch1.REFERENCE} == set(ch1.allies())


def test_change_kinds():
    a, b = pandas_share("Poland", 2014), pandas_share("Poland", 2024)
    assert ch1.change("Poland", kind="points") == pytest.approx(b - a)
    assert ch1.change("Poland", kind="ratio") == pytest.approx(b / a)
    assert ch1.change("Poland") == pytest.approx((b / a - 1) * 100)


def test_doubled_matches_pandas():
    r14 = rows(2014, "2024-06").set_index("country")["pct_gdp"]
    r24 = rows(2024, "2024-06").set_index("country")["pct_gdp"]
    ratio = (r24 / r14).drop(["United States", "Canada"])
    assert ch1.doubled() == sorted(ratio[ratio >= 2].index)


def test_cost_at_share():
    assert ch1.cost_at_share(1000, 3.5) == pytest.approx(35.0)
    assert ch1.cost_at_share(0, 5) == 0


def test_turkiye_what_if_uses_the_named_vintage():
    gdp = load("gdp_nominal")
    pick = lambda src: float(gdp[(gdp["source"] == src) & (gdp["year"] == 2025)]["gdp_usd_bn"].iloc[0])  # noqa: E731
    outturn, projection = pick("tuik-2026-03-gdp-2025"), pick("hurriyet-2025-02-mtp")
    assert outturn != projection, "the two vintages the exercise contrasts differ"
    usd = load("nato_defence_spending_usd")
    actual = float(usd[(usd["country"] == "Türkiye") & (usd["year"] == 2025) & (usd["release"] == "2025-08")]
                   ["usd_million"].iloc[0]) / 1000
    out = ch1.turkiye_at(3.5)
    assert out["gdp_basis"] == "outturn"
    assert out["spending_billion"] == pytest.approx(outturn * 0.035, abs=0.01)
    assert out["times_2025_estimate"] == pytest.approx(outturn * 0.035 / actual, abs=0.01)
    other = ch1.turkiye_at(3.5, gdp_source="hurriyet-2025-02-mtp")
    assert other["spending_billion"] == pytest.approx(projection * 0.035, abs=0.01)
    assert ch1.gdp_basis("hurriyet-2025-02-mtp") == "projection"


def test_revisions_show_the_same_year_in_several_releases():
    table = ch1.revisions("Türkiye")
    df = load("nato_defence_spending")
    t23 = df[(df["country"] == "Türkiye") & (df["year"] == 2023)]
    assert table.loc[2023].dropna().sort_values().tolist() == sorted(t23["pct_gdp"])
    assert t23["pct_gdp"].nunique() > 1, "the revision the chapter teaches is in the data"


def test_nominal_vs_share_lists_every_figure():
    table = ch1.nominal_vs_share("Türkiye")
    usd = load("nato_defence_spending_usd")
    assert table["usd_billion"].notna().sum() == int((usd["country"] == "Türkiye").sum())


# -- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("call,error,match", [
    (lambda: ch1.snapshot(2024, "2030-01"), ValueError, "unknown release"),
    (lambda: ch1.snapshot(2018, "2024-06"), ValueError, "gives no figure for 2018"),
    (lambda: ch1.snapshot("2024", "2024-06"), TypeError, "whole number"),
    (lambda: ch1.snapshot(2024.0, "2024-06"), TypeError, "whole number"),
    (lambda: ch1.snapshot(True, "2024-06"), TypeError, "whole number"),
    (lambda: ch1.snapshot(2024, 202406), TypeError, "release must be text"),
    (lambda: ch1.share("Atlantis", 2024), ValueError, "unknown ally"),
    (lambda: ch1.share("Turkey", 2024), ValueError, "unknown ally"),
    (lambda: ch1.share(None, 2024), TypeError, "country must be text"),
    (lambda: ch1.share("Germany", 2025, "2025-08"), ValueError, "gives no figure for Germany"),
    (lambda: ch1.meeting(2024, "2024-06", line=-1), ValueError, "between 0 and 100"),
    (lambda: ch1.meeting(2024, "2024-06", line=float("nan")), ValueError, "between 0 and 100"),
    (lambda: ch1.meeting(2024, "2024-06", line="2"), TypeError, "number of percent"),
    (lambda: ch1.meeting(2024, "2024-06", group="Balkans"), ValueError, "unknown group"),
    (lambda: ch1.change("Poland", kind="log"), ValueError, "kind must be"),
    (lambda: ch1.cost_at_share(-5, 3.5), ValueError, "non-negative"),
    (lambda: ch1.cost_at_share("big", 3.5), TypeError, "must be a number"),
    (lambda: ch1.cost_at_share(1000, 150), ValueError, "between 0 and 100"),
    (lambda: ch1.gdp("Türkiye", 2024, "imf-2030"), ValueError, "available sources"),
    (lambda: ch1.usd("Türkiye", 2024, "2019-11"), ValueError, "no current-dollar figure"),
    (lambda: ch1.guideline("vilnius"), ValueError, "unknown guideline"),
    (lambda: ch1.revisions("Narnia"), ValueError, "unknown ally"),
])
def test_bad_input_fails_with_a_helpful_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- the explorer -------------------------------------------------------------------------------

def test_explorer_grid_is_small_and_complete():
    e = ch1.explorer()
    grid = e.grid()
    states = math.prod(len(c.values()) for c in e.controls)
    assert states <= 600 and len(grid) < 20_000
    assert grid.groupby([f"ctl_{c.name}" for c in e.controls]).ngroups == states
    json.dumps(clean_spec(e.static_chart().to_dict()), allow_nan=False)  # the one cleaner makes it valid JSON


def test_every_control_changes_the_chart():
    e = ch1.explorer()
    base = e.compute()
    for c in e.controls:
        other = next(v for v in c.values() if v != c.default)
        changed = e.compute(**{c.name: other})
        assert not changed.equals(base), f"control {c.name} does nothing"


def test_explorer_model_matches_pandas():
    frame = ch1.compare("2014|2024-06", "all", 2.0)
    allies = frame[frame["kind"] == "ally"].set_index("country")
    r = rows(2014, "2024-06").set_index("country")["pct_gdp"]
    assert allies["x"].to_dict() == r.to_dict()
    assert set(allies.loc[allies["status"] == ch1.STATUS[0]].index) == set(r[r >= 2].index)
    counts = frame[frame["kind"] == "count"].set_index("period")
    assert counts.loc["2014 (Jun 24)", "n_meet"] == int((r >= 2).sum())
    assert bool(counts.loc["2014 (Jun 24)", "selected"])


def test_explorer_shows_missing_as_missing():
    frame = ch1.compare("2025|2025-08", "west", 2.0)
    allies = frame[frame["kind"] == "ally"].set_index("country")
    reported = set(rows(2025, "2025-08")["country"])
    for country, row in allies.iterrows():
        if country in reported:
            assert row["status"] != ch1.STATUS[2]
        else:
            assert row["status"] == ch1.STATUS[2] and row["value_label"] == "no figure"
    assert allies.loc["Türkiye", "ally"] == "Türkiye (comparison)", "Türkiye is always shown for comparison"


VIEW_VALUES = [ch1.view_key(y, r) for y, r in ch1.VIEWS]
ANY = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                st.text(max_size=12), st.booleans(), st.sampled_from(VIEW_VALUES), st.sampled_from(list(ch1.GROUPS)))


@SETTINGS
@given(view=ANY, group=ANY, line=ANY)
def test_explorer_never_raises_and_stays_in_bounds(view, group, line):
    e = ch1.explorer()
    frame = e.compute(view=view, group=group, line=line)
    allies = frame[frame["kind"] == "ally"]
    assert 2 <= len(allies) <= 31
    assert allies["x"].between(0, 10).all()
    assert set(allies["status"]) <= set(ch1.STATUS)
    counts = frame[frame["kind"] == "count"]
    assert len(counts) == len(ch1.VIEWS)
    assert (counts["n_meet"] <= counts["n_reported"]).all() and (counts["n_reported"] <= counts["members"]).all()
    assert counts["selected"].sum() == 1


@SETTINGS
@given(view=ANY, group=ANY, line=ANY)
def test_model_itself_tolerates_any_value(view, group, line):
    frame = ch1.compare(view, group, line)
    assert (frame["kind"] == "summary").sum() == 1


@SETTINGS
@given(gdp=st.floats(0, 1e6), pct=st.floats(0, 100))
def test_cost_at_share_is_bounded(gdp, pct):
    cost = ch1.cost_at_share(gdp, pct)
    assert 0 <= cost <= gdp + 1e-9


# -- the ammunition pledge, sanctions, votes and the timeline ------------------------------------

def ammo(basis: str) -> pd.DataFrame:
    df = load("ammunition_supply")
    return df[df["basis"] == basis]


def test_shells_share_and_lateness_match_pandas():
    pledged = float(ammo("pledge")["quantity"].iloc[0])
    expected = float(ammo("expected")["quantity"].iloc[0])
    assert ch1.share_by_deadline() == pytest.approx(expected / pledged * 100)
    delivered = ammo("delivered").sort_values("date")
    met = delivered[delivered["quantity"] >= pledged].iloc[0]
    assert str(ch1.pledge_met()["date"])[:10] == str(met["date"])[:10]
    deadline = pd.Period(str(ammo("pledge")["refers_to"].iloc[0])[:7], "M")
    assert ch1.months_late() == (pd.Period(str(met["date"])[:7], "M") - deadline).n > 0
    early = ch1.delivered("2024-01-31")
    assert (early["date"] <= "2024-01-31").all() and len(early) < len(delivered)
    assert early["quantity"].is_monotonic_increasing, "deliveries are cumulative and in date order"


def test_months_between_counts_calendar_months():
    assert ch1.months_between("2024-03-20", "2024-11-18") == 8
    assert ch1.months_between("2024-03", "2024-03-31") == 0
    assert ch1.months_between("2025-01-01", "2024-12-31") == -1


def test_capacity_growth_depends_on_the_baseline():
    cap = ammo("capacity").set_index("refers_to")["quantity"]
    assert ch1.capacity("2025-12") / ch1.capacity("2022-02") == pytest.approx(cap["2025-12"] / cap["2022-02"])
    assert ch1.FACTS["capacity_growth_kubilius"]() != pytest.approx(ch1.FACTS["capacity_growth_breton_base"]())


def test_sanctions_totals_add_up():
    table = ch1.sanctions()
    assert table["package"].is_monotonic_increasing
    adopted = table[table["status"] == "adopted"].reset_index(drop=True)
    # the reported totals do not always equal the previous total plus the ships added (the Council also
    # lists and delists ships between packages), but the list only grows, and never by more than was added
    # plus a few
    steps = adopted["vessels_listed"].diff().iloc[1:]
    assert (steps > 0).all()
    assert ((steps - adopted["vessels_added"].iloc[1:]).abs() <= 5).all()
    raw = load("eu_sanctions_packages").set_index("package")
    assert ch1.vessels_listed(19) / ch1.vessels_listed(16) == pytest.approx(
        raw.loc[19, "vessels_listed"] / raw.loc[16, "vessels_listed"])
    blocked = table.set_index("package").loc[20]
    assert blocked["status"] == "blocked" and pd.isna(blocked["vessels_listed"])


def test_vote_margins_match_pandas():
    votes = load("parliament_votes").set_index("date")
    for day in ("2022-06-03", "2025-03-18"):
        row = votes.loc[pd.Timestamp(day)]
        assert ch1.margin(day) == int(row["yes"]) - int(row["required"]) > 0
        assert int(row["required"]) > 0
    assert ch1.margin("2025-03-18") < ch1.margin("2022-06-03"), "the 2025 vote was the closer one"


def test_timeline_events_come_in_date_order():
    table = ch1.events()
    assert sorted(table["title"]) == sorted(ch1.REVISIONISM_EVENTS)
    keys = table["date"].str.pad(10, side="right", fillchar="0")
    assert keys.is_monotonic_increasing
    assert ch1.FACTS["revisionism_order"]() == list(table["title"])
    raw = load("timeline").set_index("title")
    assert ch1.date_of("Sweden joins NATO") == str(raw.loc["Sweden joins NATO", "date"])


def test_one_refuses_a_table_that_is_not_one_row():
    with pytest.raises(ValueError, match="expected one row for the deliveries, found"):
        ch1._one(ammo("delivered"), "the deliveries")


@pytest.mark.parametrize("call,error,match", [
    (lambda: ch1.ammunition("promised"), ValueError, "unknown basis"),
    (lambda: ch1.capacity("2030-01"), ValueError, "no capacity figure"),
    (lambda: ch1.vessels_listed(20), ValueError, "no shadow-fleet total after package 20"),
    (lambda: ch1.vessels_listed(99), ValueError, "adopted packages: 16, 17, 18, 19"),
    (lambda: ch1.vote("2020-01-01"), ValueError, "no recorded vote"),
    (lambda: ch1.margin("2024-01-23"), ValueError, "simple majority"),
    (lambda: ch1.events(("Russia invades Narnia",)), ValueError, "not in the timeline: Russia invades Narnia"),
    (lambda: ch1.gdp_basis("nobody-2099"), ValueError, "no GDP row"),
    (lambda: ch1.group_share("Atlantis", 2024), ValueError, "no aggregate"),
    (lambda: ch1.personnel("Poland", 2019), ValueError, "no personnel figure"),
    (lambda: ch1.turkiye_at(-1), ValueError, "between 0 and 100"),
])
def test_bad_input_to_the_other_helpers(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- facts ------------------------------------------------------------------------------------

def test_every_fact_computes_a_value():
    for name, fact in ch1.FACTS.items():
        value = fact()
        assert value is not None and value != "" and value != [], name
        if isinstance(value, float):
            assert math.isfinite(value), name


def test_spending_facts_match_pandas():
    r14, r24 = rows(2014, "2024-06"), rows(2024, "2024-06")
    f = {k: v() for k, v in ch1.FACTS.items()}
    assert f["allies_2pct_2014"] == sorted(r14.loc[r14["pct_gdp"] >= 2, "country"])
    assert f["allies_2pct_2024"] == int((r24["pct_gdp"] >= 2).sum())
    assert f["allies_above_2pct_2024"] == int((r24["pct_gdp"] > 2).sum())
    every = load("nato_defence_spending")
    assert f["allies_2pct_2024_all_releases"] == int(((every["year"] == 2024) & (every["pct_gdp"] >= 2)).sum())
    ratio = (r24.set_index("country")["pct_gdp"] / r14.set_index("country")["pct_gdp"]).drop(
        ["United States", "Canada"])
    assert f["doubled_count"] == int((ratio >= 2).sum()) and f["rose_count"] == int((ratio > 1).sum())
    assert f["european_count"] == len(ratio)
    growth = {c: pandas_share(c, 2024) / pandas_share(c, 2014) for c in ("Türkiye", "Poland", "Germany")}
    assert f["slowest_grower"] == min(growth, key=growth.get)
    r25 = rows(2025, "2025-08")
    assert f["missing_2025"] == 31 - len(r25) and f["reported_2025"] == len(r25)
    assert f["allies_at_floor_2025"] == int((r25["pct_gdp"] == 2.0).sum())
    frontline = r24[r24["country"].isin(ch1.GROUPS["frontline"][1])]["pct_gdp"].median()
    assert f["frontline_median_2024"] == pytest.approx(frontline)


def test_near_miss_facts_differ_from_the_answers():
    f = {k: v() for k, v in ch1.FACTS.items()}
    assert f["allies_2pct_2024"] not in (f["allies_2pct_2024_all_releases"], f["allies_above_2pct_2024"])
    assert f["turkiye_core_2025"] != pytest.approx(f["turkiye_core_projection"], rel=0.005)
    assert f["bundestag_2025_margin"] not in (f["bundestag_2022_margin"], f["bundestag_2025_yes_minus_no"])
    assert f["shells_share_deadline"] != pytest.approx(f["shells_share_deadline_delivered"], abs=0.5)


# -- figures ---------------------------------------------------------------------------

def test_figures_state_numbers_from_the_data():
    fig = ch1.spending_figure()
    r14, r24 = rows(2014, "2024-06"), rows(2024, "2024-06")
    assert f"{int((r14['pct_gdp'] >= 2).sum())} of 31 allies in 2014, {int((r24['pct_gdp'] >= 2).sum())} in 2024" \
        in fig.title
    assert fig.source.startswith("Source: ")
    rev = ch1.revisions_figure()
    df = load("nato_defence_spending")
    for v in df[(df["country"] == "Türkiye") & (df["year"] == 2023)]["pct_gdp"]:
        assert f"{v:.2f}%" in rev.description
    dbl = ch1.doubling_figure()
    assert str(len(ch1.doubled())) in dbl.title
    for f in (fig, rev, dbl):
        json.dumps(f.spec, allow_nan=False)
