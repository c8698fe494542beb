"""Chapter 1: NATO spending helpers, the explorer model, exercises and quiz.

Expected answers are recomputed here with plain pandas on ``load(...)``, independently of the chapter's
helpers, so a bug in a helper cannot hide behind a test that reuses it.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit import check, load
from coursekit.chapters import ch1
from coursekit.exercises import exercise

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
    turkstat = float(gdp[(gdp["source"] == "hurriyet-2025-02-turkstat") & (gdp["year"] == 2024)]["gdp_usd_bn"].iloc[0])
    usd = load("nato_defence_spending_usd")
    actual = float(usd[(usd["country"] == "Türkiye") & (usd["year"] == 2024) & (usd["release"] == "2024-06")]
                   ["usd_million"].iloc[0]) / 1000
    out = ch1.turkiye_at(3.5)
    assert out["spending_billion"] == pytest.approx(turkstat * 0.035, abs=0.01)
    assert out["times_2024_estimate"] == pytest.approx(turkstat * 0.035 / actual, abs=0.01)


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
    json.dumps(e.static_chart().to_dict(), allow_nan=False)  # valid JSON: no NaN leaks into the book


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


# -- exercises: expected answers equal an independent pandas computation ---------------------------

def test_allies_2014_answer():
    r = rows(2014, "2024-06")
    expected = set(r.loc[r["pct_gdp"] >= 2, "country"])
    assert set(exercise("ch1-allies-2014").expected()) == expected
    assert check("ch1-allies-2014", sorted(expected)).correct
    assert check("ch1-allies-2014", ["usa", "UK", "greece"]).correct, "common spellings are accepted"
    wrong = check("ch1-allies-2014", ["United States", "United Kingdom"])
    assert not wrong.correct and "missing" in wrong.message
    extra = check("ch1-allies-2014", sorted(expected) + ["Poland"])
    assert not extra.correct and "Poland" in extra.message


def test_count_2024_answer():
    r = rows(2024, "2024-06")
    expected = int((r["pct_gdp"] >= 2).sum())
    assert check("ch1-count-2024", expected).correct
    every_release = load("nato_defence_spending")
    mixed = int(((every_release["year"] == 2024) & (every_release["pct_gdp"] >= 2)).sum())
    assert "several releases" in check("ch1-count-2024", mixed).message
    strict = int((r["pct_gdp"] > 2).sum())
    assert "April 2025" in check("ch1-count-2024", strict).message
    assert check("ch1-count-2024", "23").status == "invalid"
    assert check("ch1-count-2024", ...).status == "missing"


def test_growth_poland_answer():
    a, b = pandas_share("Poland", 2014), pandas_share("Poland", 2024)
    assert check("ch1-growth-poland", (b / a - 1) * 100).correct
    assert "percentage points" in check("ch1-growth-poland", b - a).message
    assert "ratio" in check("ch1-growth-poland", b / a).message
    assert check("ch1-growth-poland", round((b / a - 1) * 100, 1)).correct, "rounding to one decimal is fine"
    later = pandas_share("Poland", 2024, "2025-04")
    assert "April 2025" in check("ch1-growth-poland", (later / a - 1) * 100).message


def test_growth_slowest_answer():
    growth = {c: pandas_share(c, 2024) / pandas_share(c, 2014) for c in ("Türkiye", "Poland", "Germany")}
    slowest = min(growth, key=growth.get)
    ex = exercise("ch1-growth-slowest")
    assert ex.options[ex.correct] == slowest
    assert check("ch1-growth-slowest", slowest).correct
    assert not check("ch1-growth-slowest", "b").correct
    assert check("ch1-growth-slowest", "z").status == "invalid"


def test_turkiye_35_answer():
    gdp = load("gdp_nominal")
    pick = lambda src: float(gdp[(gdp["source"] == src) & (gdp["year"] == 2024)]["gdp_usd_bn"].iloc[0])  # noqa: E731
    expected = pick("hurriyet-2025-02-turkstat") * 3.5 / 100
    assert check("ch1-turkiye-35", expected).correct
    assert check("ch1-turkiye-35", round(expected, 1)).correct
    assert "5%" in check("ch1-turkiye-35", pick("hurriyet-2025-02-turkstat") * 0.05).message
    assert "revised" in check("ch1-turkiye-35", pick("brecorder-2025-10") * 0.035).message
    assert "factor of 100" in check("ch1-turkiye-35", expected * 100).message


def test_doubling_answers():
    r14 = rows(2014, "2024-06").set_index("country")["pct_gdp"]
    r24 = rows(2024, "2024-06").set_index("country")["pct_gdp"]
    ratio = (r24 / r14).drop(["United States", "Canada"])
    assert check("ch1-doubling-count", int((ratio >= 2).sum())).correct
    assert "rose at all" in check("ch1-doubling-count", int((ratio > 1).sum())).message
    assert check("ch1-doubling-verdict", "b").correct
    assert f"{int((ratio >= 2).sum())} of {len(ratio)}" in exercise("ch1-doubling-verdict").options["b"]
    assert not check("ch1-doubling-verdict", "a").correct


# -- figures and quiz ---------------------------------------------------------------------------

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


def test_quiz_numbers_come_from_the_data():
    quiz = ch1.quiz()
    assert len(quiz.questions) >= 5
    poland = pandas_share("Poland", 2025, "2025-08")
    numeric = [q for q in quiz.questions if hasattr(q, "answer")]
    assert any(q.answer == pytest.approx(poland) for q in numeric)
    assert any(q.answer == 31 - len(rows(2025, "2025-08")) for q in numeric)
    for q in quiz.questions:
        if hasattr(q, "options"):
            assert all(o.why for o in q.options), "every option explains itself"
        else:
            assert q.grade(q.answer)[0] and not q.grade(q.answer + 10 * q.tolerance + 5)[0]
    assert "ck-quiz" in quiz.to_html()
