"""Chapter 3: migration data helpers, the two explorers, exercises and quiz."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import check, load
from coursekit.chapters import ch3
from coursekit.exercises import registry

FACILITY = "Facility for Refugees in Türkiye (FRIT), total"
SYRIANS = "Syrians under temporary protection"

anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=40), st.lists(st.integers(), max_size=3), st.just(...))


# -- independent computations straight from the data (no ch3 code) ---------------------------

def _monthly_whole():
    m = load("sea_arrivals_greece_monthly")
    return m[m["as_of"].isna()]


def _before_after_independent():
    whole = _monthly_whole()
    before = whole[whole["month"].isin(["2016-01", "2016-02"])]["arrivals"]
    after = whole[(whole["month"] >= "2016-04") & (whole["month"] <= "2016-12")]["arrivals"]
    return before, after


def _syrians():
    r = load("refugees_turkiye")
    return r[r["population"] == SYRIANS].sort_values("as_of")


def _facility_allocated():
    f = load("eu_funding_turkiye")
    row = f[(f["instrument"] == FACILITY) & (f["measure"] == "allocated")]
    assert len(row) == 1
    return float(row["eur_million"].iloc[0]), row["period"].iloc[0]


def _yearly(year):
    y = load("sea_arrivals_greece")
    return int(y[(y["year"] == year) & (y["route"] == "sea")]["arrivals"].iloc[0])


# -- dates and rates --------------------------------------------------------------------------

@pytest.mark.parametrize("text, first, last", [
    ("2016", "2016-01-01", "2016-12-31"), ("2016-02", "2016-02-01", "2016-02-29"),
    ("2016-03-20", "2016-03-20", "2016-03-20"), (" 2024-01 ", "2024-01-01", "2024-01-31"),
])
def test_date_span(text, first, last):
    assert ch3.date_span(text) == (pd.Timestamp(first), pd.Timestamp(last))


@pytest.mark.parametrize("bad", ["", "16", "2016-13", "2015-02-29", "2016/03/20", "March 2016", 2016, None, 3.5])
def test_date_span_rejects_bad_dates(bad):
    with pytest.raises(ValueError):
        ch3.date_span(bad)


def test_per_day():
    assert ch3.per_day(310, 31) == 10
    assert ch3.per_day(0, 5) == 0


@pytest.mark.parametrize("arrivals, days", [(-1, 5), (10, 0), (10, -3), ("10", 5), (10, None), (True, 5),
                                            (float("nan"), 5), (10, float("inf"))])
def test_per_day_bad_input(arrivals, days):
    with pytest.raises(ValueError):
        ch3.per_day(arrivals, days)


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=366))
def test_per_day_bounds(arrivals, days):
    rate = ch3.per_day(arrivals, days)
    assert 0 <= rate <= arrivals


# -- arrivals -----------------------------------------------------------------------------

def test_yearly_arrivals_marks_partial_years():
    rows = ch3.yearly_arrivals("sea")
    raw = load("sea_arrivals_greece")
    raw = raw[raw["route"] == "sea"]
    assert set(rows.loc[rows["partial"], "year"]) == set(raw.loc[raw["as_of"].notna(), "year"])
    row2016 = rows[rows["year"] == 2016].iloc[0]
    assert row2016["days"] == 366 and not row2016["partial"]
    assert (rows["per_day"] * rows["days"] - rows["arrivals"]).abs().max() < 1e-6


def test_yearly_arrivals_unknown_route():
    with pytest.raises(ValueError, match="unknown route"):
        ch3.yearly_arrivals("air")


def test_arrivals_whole_partial_and_missing_years():
    assert ch3.arrivals("sea", 2015) == _yearly(2015)
    with pytest.raises(ValueError, match="only part"):
        ch3.arrivals("sea", 2024)
    with pytest.raises(ValueError, match="no sea arrivals"):
        ch3.arrivals("sea", 1999)


def test_monthly_partial_months_counted_to_their_date():
    m = ch3.monthly_arrivals().set_index("month")
    assert m.loc["2016-03", "partial"] and m.loc["2016-03", "days"] == 29
    assert m.loc["2015-10", "partial"] and m.loc["2015-10", "days"] == 29
    assert not m.loc["2016-04", "partial"] and m.loc["2016-04", "days"] == 30


def test_before_after_matches_independent_pandas():
    before, after = _before_after_independent()
    got = ch3.before_after()
    assert got["before_mean"] == pytest.approx(before.mean())
    assert got["after_mean"] == pytest.approx(after.mean())
    assert got["fall_pct"] == pytest.approx((1 - after.mean() / before.mean()) * 100)
    assert "2016-03" not in got["before_months"] + got["after_months"], "the partial March is left out"


@pytest.mark.parametrize("window", [("2016-01",), ("2016-1", "2016-02"), (2016, 2017), ("1990-01", "1990-12")])
def test_before_after_bad_windows(window):
    with pytest.raises(ValueError):
        ch3.before_after(before=window)


def test_policy_events():
    ev = ch3.policy_events(("migration",))
    assert set(ev["theme"]) == {"migration"}
    assert (ev["date"].str.len() > 4).all(), "year-only events are not drawn as point events"
    assert ev["when"].is_monotonic_increasing
    with pytest.raises(ValueError, match="unknown theme"):
        ch3.policy_events(("weather",))


def test_label_rows_separate_close_events():
    first, last = pd.Timestamp("2014-01-01"), pd.Timestamp("2024-12-31")
    dates = [pd.Timestamp("2020-02-28"), pd.Timestamp("2020-03-01"), pd.Timestamp("2023-01-01")]
    rows = ch3.label_rows(dates, first, last)
    assert rows[0] != rows[1]
    assert rows[2] == ch3.LABEL_ROWS[0]
    assert all(r in ch3.LABEL_ROWS for r in ch3.label_rows([dates[0]] * 5, first, last))


def test_arrivals_model_filters_by_period_and_events():
    label, start, end = ch3.PERIODS[1]
    frame = ch3.arrivals_model(label, "crisis")
    assert set(frame["kind"]) == {"arrivals", "event"}
    assert frame["when"].between(pd.Timestamp(start), pd.Timestamp(end)).all()
    assert set(frame.loc[frame["kind"] == "event", "event_theme"]) == {"crisis"}
    assert (frame.loc[frame["kind"] == "arrivals", "per_day"] >= 0).all()
    assert (ch3.arrivals_model(label, "none")["kind"] == "arrivals").all()


@pytest.mark.parametrize("kwargs", [{"period": "1990s"}, {"events": "sports"}, {"period": None}])
def test_arrivals_model_rejects_unknown_names(kwargs):
    with pytest.raises(ValueError, match="unknown"):
        ch3.arrivals_model(**kwargs)


# -- refugees in Türkiye ------------------------------------------------------------------

def test_latest_and_peak_match_independent_pandas():
    s = _syrians()
    assert int(ch3.latest()["people"]) == int(s.iloc[-1]["people"])
    assert ch3.latest()["as_of"] == s.iloc[-1]["as_of"]
    assert int(ch3.peak()["people"]) == int(s["people"].max())


def test_population_unknown_name():
    with pytest.raises(ValueError, match="unknown population"):
        ch3.population("tourists")


def test_headline_is_the_unhcr_rounded_figure():
    r = load("refugees_turkiye")
    heads = r[r["population"] == ch3.HEADLINE]
    assert ch3.headline() == int(heads["people"].iloc[0])
    assert (heads["qualifier"] == "about").all()


@pytest.mark.parametrize("people, claim", [(-1, 4), (1, 0), ("1", 4), (1, None), (float("nan"), 4), (False, 4)])
def test_share_of_claim_bad_input(people, claim):
    with pytest.raises(ValueError):
        ch3.share_of_claim(people, claim)


@given(st.integers(min_value=0, max_value=10**8), st.integers(min_value=1, max_value=10**8))
def test_share_of_claim_bounds(people, claim):
    share = ch3.share_of_claim(people, claim)
    assert share >= 0 and (share <= 100) == (people <= claim)


# -- funding ------------------------------------------------------------------------------

@pytest.mark.parametrize("period, as_of, years", [
    ("2016-2019", "2019-06-12", 4), ("2016-2019", "2020-12-31", 5), ("2024", "2024-12-17", 1),
    ("2011-2024", "2024-12-17", 14), ("2021-2023", "2021-06-25", 3),
])
def test_years_counted(period, as_of, years):
    assert ch3.years_counted(period, as_of) == years


@pytest.mark.parametrize("period, as_of", [("2019-2016", "2019"), ("16-19", "2019"), ("2016-2019", "soon")])
def test_years_counted_bad_input(period, as_of):
    with pytest.raises(ValueError):
        ch3.years_counted(period, as_of)


def test_every_envelope_and_population_maps_to_one_row():
    f = load("eu_funding_turkiye")
    for key in ch3.ENVELOPES:
        env = ch3.envelope(key)
        match = f[(f["instrument"] == env["instrument"]) & (f["measure"] == env["measure"]) & (f["as_of"] == env["as_of"])]
        assert len(match) == 1 and float(match["eur_million"].iloc[0]) == env["eur_million"]
    r = load("refugees_turkiye")
    for key in ch3.POPULATIONS:
        pop = ch3.population_count(key)
        assert ((r["population"] == pop["population"]) & (r["as_of"] == pop["as_of"])
                & (r["people"] == pop["people"])).sum() == 1
    assert len(ch3.funding_assumptions()) == len(ch3.ENVELOPES)
    assert len(ch3.population_options()) == len(ch3.POPULATIONS)


@pytest.mark.parametrize("bad", ["facility", "", None, 3])
def test_unknown_envelope_or_population(bad):
    with pytest.raises(ValueError, match="unknown"):
        ch3.funding_row(bad)
    with pytest.raises(ValueError, match="unknown"):
        ch3.population_count(bad)
    with pytest.raises(ValueError, match="unknown"):
        ch3.funding_model(population_key=bad)


def test_per_person_per_year():
    assert ch3.per_person_per_year(6000, 3_000_000, 4) == pytest.approx(500)


@pytest.mark.parametrize("args", [(-1, 10, 1), (10, 0, 1), (10, 10, 0), ("6000", 10, 1), (10, None, 1),
                                  (10, 10, float("nan")), (True, 10, 1)])
def test_per_person_per_year_bad_input(args):
    with pytest.raises(ValueError):
        ch3.per_person_per_year(*args)


@given(st.floats(min_value=0, max_value=1e5), st.integers(min_value=1, max_value=10**8),
       st.integers(min_value=1, max_value=50))
def test_per_person_per_year_bounds(money, people, years):
    value = ch3.per_person_per_year(money, people, years)
    assert math.isfinite(value) and value >= 0
    assert ch3.per_person_per_year(money, people, years + 1) <= value


def test_funding_model_one_chosen_row_per_population():
    frame = ch3.funding_model("extra_2024", "syrians_latest", 1)
    assert len(frame) == len(ch3.POPULATIONS)
    assert (frame["chosen"] == "Your choice").sum() == 1
    chosen = frame[frame["chosen"] == "Your choice"].iloc[0]
    assert chosen["eur_per_person_year"] == pytest.approx(1000e6 / int(_syrians().iloc[-1]["people"]))


# -- explorers ----------------------------------------------------------------------------

ARRIVALS = ch3.explorer()
FUNDING = ch3.funding_explorer()
MAX_PER_DAY = ch3.arrivals_points()["per_day"].max()
MONEY = [ch3.envelope(k)["eur_million"] for k in ch3.ENVELOPES]
PEOPLE = [ch3.population_count(k)["people"] for k in ch3.POPULATIONS]


@pytest.mark.parametrize("exp", [ARRIVALS, FUNDING], ids=["arrivals", "funding"])
def test_explorer_grid_is_small_and_serialisable(exp):
    states = math.prod(len(c.values()) for c in exp.controls)
    grid = exp.grid()
    assert states < 600 and len(grid) < 20_000
    json.dumps(exp.static_chart().to_dict(), allow_nan=False)  # NaN would break the book's JSON


@pytest.mark.parametrize("exp", [ARRIVALS, FUNDING], ids=["arrivals", "funding"])
def test_every_control_changes_the_chart(exp):
    base = exp.compute()
    for control in exp.controls:
        others = [v for v in control.values() if v != control.default]
        changed = [v for v in others if not exp.compute(**{control.name: v}).equals(base)]
        assert changed, f"moving {control.name} never changes the chart"
        assert exp.spec(**{control.name: changed[0]}) != exp.spec()


def test_each_arrivals_state_has_points_and_events_when_asked():
    grid = ARRIVALS.grid()
    for (period, events), part in grid.groupby(["ctl_period", "ctl_events"]):
        assert (part["kind"] == "arrivals").any(), period
        assert (part["kind"] == "event").any() == (events != "none"), (period, events)


@settings(max_examples=60, deadline=None)
@given(period=anything, events=anything)
def test_arrivals_explorer_never_raises(period, events):
    frame = ARRIVALS.compute(period=period, events=events)
    pts = frame[frame["kind"] == "arrivals"]
    assert not pts.empty and (pts["per_day"] >= 0).all()
    assert pts["per_day"].max() <= MAX_PER_DAY
    assert isinstance(ch3._arrivals_summary(frame), str)


@settings(max_examples=60, deadline=None)
@given(envelope=anything, population=anything, years=anything)
def test_funding_explorer_never_raises_and_stays_in_bounds(envelope, population, years):
    frame = FUNDING.compute(envelope_key=envelope, population_key=population, years=years)
    low = min(MONEY) * 1e6 / max(PEOPLE) / 15
    high = max(MONEY) * 1e6 / min(PEOPLE) / 1
    assert frame["eur_per_person_year"].between(low - 1e-9, high + 1e-9).all()
    assert (frame["chosen"] == "Your choice").sum() == 1
    assert 1 <= frame["years"].iloc[0] <= 15
    assert "EUR" in ch3._funding_summary(frame)


def test_unknown_control_name_is_refused():
    with pytest.raises(TypeError):
        FUNDING.compute(colour="red")


# -- figures ------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [ch3.arrivals_figure, ch3.population_figure, ch3.funding_figure])
def test_figures(make):
    fig = make()
    spec = json.dumps(fig.spec, allow_nan=False)
    assert fig.title and fig.description and fig.source.startswith("Source: ") and "not recorded" not in fig.source
    assert '"title"' in spec


def test_figure_titles_use_the_data():
    assert f"{_yearly(2015):,}" in ch3.arrivals_figure().title
    assert f"{int(_syrians()['people'].max()):,}" in ch3.population_figure().title


# -- exercises ------------------------------------------------------------------------------

def test_exercises_are_registered():
    ids = {k for k in registry() if k.startswith("ch3-")}
    assert ids == {"ch3-before-after", "ch3-four-million", "ch3-claim-verdict", "ch3-causality",
                   "ch3-euros-per-person"}


def test_before_after_exercise():
    before, after = _before_after_independent()
    right = (1 - after.mean() / before.mean()) * 100
    assert check("ch3-before-after", right).correct
    totals = check("ch3-before-after", (1 - after.sum() / before.sum()) * 100)
    assert not totals.correct and "averages" in totals.message
    rest = check("ch3-before-after", 100 - right)
    assert not rest.correct and "remained" in rest.message
    assert not check("ch3-before-after", right / 100).correct
    assert "factor of 100" in check("ch3-before-after", right / 100).message


def test_four_million_exercise():
    s = _syrians()
    right = int(s.iloc[-1]["people"]) / 4_000_000 * 100
    assert check("ch3-four-million", right).correct
    fb = check("ch3-four-million", int(s["people"].max()) / 4_000_000 * 100)
    assert not fb.correct and "peak" in fb.message
    assert "Replace the" in check("ch3-four-million", ...).message


def test_euros_per_person_exercise():
    money, period = _facility_allocated()
    first, last = (int(x) for x in period.split("-"))
    people = int(_syrians().set_index("as_of").loc["2016", "people"])
    right = money * 1e6 / people / (last - first + 1)
    assert check("ch3-euros-per-person", right).correct
    fb = check("ch3-euros-per-person", money * 1e6 / people)
    assert not fb.correct and "years" in fb.message
    fb = check("ch3-euros-per-person", money * 1e6 / 4_000_000 / (last - first + 1))
    assert not fb.correct and "4 million" in fb.message
    assert not check("ch3-euros-per-person", "529").correct


@pytest.mark.parametrize("exercise_id", ["ch3-claim-verdict", "ch3-causality"])
def test_choice_exercises(exercise_id):
    assert check(exercise_id, "b").correct
    for wrong in ("a", "c"):
        fb = check(exercise_id, wrong)
        assert not fb.correct and len(fb.message) > 40
    assert check(exercise_id, "z").status == "invalid"
    assert check(exercise_id, 2).status == "invalid"


def test_claim_feedback_quotes_the_latest_count():
    latest = int(_syrians().iloc[-1]["people"])
    assert f"{latest:,}" in check("ch3-claim-verdict", "a").message


@settings(max_examples=80, deadline=None)
@given(answer=anything)
def test_checks_never_raise(answer):
    for exercise_id in ("ch3-before-after", "ch3-four-million", "ch3-claim-verdict", "ch3-causality",
                        "ch3-euros-per-person"):
        assert check(exercise_id, answer).message


# -- quiz -----------------------------------------------------------------------------------

def test_quiz_numbers_come_from_the_data():
    quiz = ch3.quiz()
    assert len(quiz.questions) >= 5
    numeric = [q for q in quiz.questions if hasattr(q, "answer")]
    answers = {round(q.answer, 1) for q in numeric}
    assert round(_yearly(2015) / _yearly(2017), 1) in answers
    f = load("eu_funding_turkiye")
    disbursed = f[(f["instrument"] == FACILITY) & (f["measure"] == "disbursed")].sort_values("as_of").iloc[-1]
    money, _ = _facility_allocated()
    assert round(disbursed["eur_million"] / money * 100) in answers
    s = _syrians()
    assert round(int(s["people"].max()) - int(s.iloc[-1]["people"]), -3) in answers
    for q in quiz.questions:
        ok, text = (q.grade(q.answer) if hasattr(q, "answer")
                    else q.grade(next(i for i, o in enumerate(q.options) if o.correct)))
        assert ok and len(text) > 20
    assert "<form" in quiz.to_html()
