"""Chapter 3: migration data helpers, partial and missing figures, the two explorers, the figures and the facts.

The questions themselves are checked by tests/test_content.py; here the chapter's computation is checked
against independent pandas, including bad input and the gaps in the record.
"""

from __future__ import annotations

import json
import math

import nbformat
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import content, load
from coursekit.chapters import ch3
from coursekit.charts import clean_spec

from conftest import ROOT

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


def _yearly(year, route="sea"):
    y = load("sea_arrivals_greece")
    return y[(y["year"] == year) & (y["route"] == route)].iloc[0]


def _days(first: str, last: str) -> int:
    return (pd.Timestamp(last) - pd.Timestamp(first)).days + 1


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


# -- yearly arrivals: whole, part and missing years ----------------------------------------------

def test_yearly_arrivals_marks_partial_years():
    rows = ch3.yearly_arrivals("sea")
    raw = load("sea_arrivals_greece")
    raw = raw[raw["route"] == "sea"]
    assert set(rows.loc[rows["partial"], "year"]) == set(raw.loc[raw["as_of"].notna(), "year"])
    row2016 = rows[rows["year"] == 2016].iloc[0]
    assert row2016["days"] == 366 and not row2016["partial"]
    assert (rows["per_day"] * rows["days"] - rows["arrivals"]).abs().max() < 1e-6


def test_a_figure_that_stops_before_the_year_ends_keeps_its_coverage():
    raw = _yearly(2015)
    got = ch3.year_figure("sea", 2015)
    assert got["arrivals"] == int(raw["arrivals"]) == ch3.arrivals("sea", 2015)
    assert got["partial"] == bool(pd.notna(raw["as_of"]))
    assert got["days"] == _days("2015-01-01", raw["as_of"] if pd.notna(raw["as_of"]) else "2015-12-31")
    assert got["per_day"] == pytest.approx(int(raw["arrivals"]) / got["days"])


def test_a_year_without_a_figure_is_missing_not_zero():
    series = ch3.yearly_series("sea")
    known = set(load("sea_arrivals_greece").query("route == 'sea'")["year"])
    gaps = series[series["status"] == ch3.MISSING]
    assert set(gaps["year"]) == set(range(ch3.YEARS[0], ch3.YEARS[1] + 1)) - known
    assert not gaps.empty, "the record is meant to show at least one year without a figure"
    assert gaps["arrivals"].isna().all(), "a missing year must not be written as zero"
    assert (series.loc[series["status"] != ch3.MISSING, "arrivals"] > 0).all()
    for year in gaps["year"]:
        with pytest.raises(ch3.MissingFigure, match="missing, not zero"):
            ch3.year_figure("sea", int(year))


def test_yearly_arrivals_unknown_route():
    with pytest.raises(ValueError, match="unknown route"):
        ch3.yearly_arrivals("air")


def test_per_day_ratio_matches_independent_pandas():
    a, b = _yearly(2015), _yearly(2017)
    days_a = _days("2015-01-01", a["as_of"]) if pd.notna(a["as_of"]) else 365
    expected = (int(a["arrivals"]) / days_a) / (int(b["arrivals"]) / 365)
    assert ch3.per_day_ratio(2015, 2017) == pytest.approx(expected)
    with pytest.raises(ch3.MissingFigure):
        ch3.per_day_ratio(2015, 1999)


# -- monthly arrivals: the months around the Statement, gaps included ------------------------------

def test_monthly_partial_months_counted_to_their_date():
    m = ch3.monthly_arrivals().set_index("month")
    raw = load("sea_arrivals_greece_monthly").set_index("month")
    for month in raw.index[raw["as_of"].notna()]:
        assert m.loc[month, "partial"]
        assert m.loc[month, "days"] == _days(month + "-01", raw.loc[month, "as_of"])
    for month in raw.index[raw["as_of"].isna()]:
        assert not m.loc[month, "partial"]


def test_months_between_keeps_every_month_and_leaves_gaps_blank():
    months = ch3.months_between()
    raw = load("sea_arrivals_greece_monthly").set_index("month")
    expected = [f"{p.year}-{p.month:02d}" for p in pd.period_range(*ch3.MONTHS, freq="M")]
    assert list(months["month"]) == expected
    gaps = months[months["status"] == ch3.MISSING]
    assert set(gaps["month"]) == set(expected) - set(raw.index)
    assert len(gaps) > 0 and gaps["arrivals"].isna().all() and gaps["per_day"].isna().all()
    have = months[months["status"] != ch3.MISSING].set_index("month")
    assert (have["arrivals"] == raw.loc[have.index, "arrivals"]).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2014 * 12, max_value=2017 * 12 + 11), st.integers(min_value=0, max_value=30))
def test_months_between_any_window(start, length):
    first = f"{start // 12}-{start % 12 + 1:02d}"
    end = start + length
    last = f"{end // 12}-{end % 12 + 1:02d}"
    months = ch3.months_between(first, last)
    assert len(months) == length + 1 and months["month"].is_unique
    assert (months["arrivals"].isna() == (months["status"] == ch3.MISSING)).all()


@pytest.mark.parametrize("first, last", [("2016-13", "2016-12"), ("2016-1", "2016-02"), (2016, "2016-02"),
                                         ("2016-05", "2016-02"), (None, None)])
def test_months_between_bad_input(first, last):
    with pytest.raises(ValueError):
        ch3.months_between(first, last)


def test_a_month_without_a_figure_raises_rather_than_reading_zero():
    gaps = ch3.months_between().query("status == @ch3.MISSING")["month"]
    for month in gaps:
        with pytest.raises(ch3.MissingFigure, match="missing, not zero"):
            ch3.month_figure(month)
    march = ch3.month_figure("2016-03")
    raw = load("sea_arrivals_greece_monthly").set_index("month").loc["2016-03"]
    assert march["arrivals"] == int(raw["arrivals"]) and march["partial"] == bool(pd.notna(raw["as_of"]))


def test_before_after_matches_independent_pandas():
    before, after = _before_after_independent()
    got = ch3.before_after()
    assert got["before_mean"] == pytest.approx(before.mean())
    assert got["after_mean"] == pytest.approx(after.mean())
    assert got["fall_pct"] == pytest.approx((1 - after.mean() / before.mean()) * 100)
    assert "2016-03" not in got["before_months"] + got["after_months"], "the partial March is left out"


def test_before_after_names_the_missing_months_and_does_not_count_them_as_zero():
    got = ch3.before_after()
    raw = set(load("sea_arrivals_greece_monthly")["month"])
    window = [f"2016-{m:02d}" for m in range(4, 13)] + ["2016-01", "2016-02"]
    assert set(got["missing_months"]) == {m for m in window if m not in raw}
    as_zero = (got["after_total"]) / (len(got["after_months"]) + len([m for m in got["missing_months"] if m >= "2016-04"]))
    assert got["after_mean"] > as_zero, "missing months must not pull the average down as zeros"


@pytest.mark.parametrize("window", [("2016-01",), ("2016-1", "2016-02"), (2016, 2017), "2016-01"])
def test_before_after_bad_windows(window):
    with pytest.raises(ValueError):
        ch3.before_after(before=window)


def test_before_after_window_with_no_figure():
    with pytest.raises(ch3.MissingFigure, match="no whole month"):
        ch3.before_after(after=("2016-10", "2016-11"))


# -- events from the course timeline ----------------------------------------------------------

def test_policy_events():
    ev = ch3.policy_events(("migration",))
    assert set(ev["theme"]) == {"migration"}
    assert (ev["date"].str.len() > 4).all(), "year-only events are not drawn as point events"
    assert ev["when"].is_monotonic_increasing
    with pytest.raises(ValueError, match="unknown theme"):
        ch3.policy_events(("weather",))


def test_event_order_follows_the_timeline_dates():
    tl = load("timeline").set_index("title")
    got = ch3.event_order(list(reversed(ch3.ORDER_EVENTS)))
    dates = [ch3.date_span(tl.loc[t, "date"])[0] for t in got]
    assert dates == sorted(dates) and set(got) == set(ch3.ORDER_EVENTS)
    with pytest.raises(KeyError, match="not in the timeline"):
        ch3.event_order(["The invention of the wheel"])


def test_label_rows_separate_close_events():
    first, last = pd.Timestamp("2014-01-01"), pd.Timestamp("2024-12-31")
    dates = [pd.Timestamp("2020-02-28"), pd.Timestamp("2020-03-01"), pd.Timestamp("2023-01-01")]
    rows = ch3.label_rows(dates, first, last)
    assert rows[0] != rows[1]
    assert rows[2] == ch3.LABEL_ROWS[0]
    assert all(r in ch3.LABEL_ROWS for r in ch3.label_rows([dates[0]] * 5, first, last))


# -- the arrivals explorer ----------------------------------------------------------------------

def test_arrivals_model_filters_by_period_and_events():
    label, start, end = ch3.PERIODS[1]
    frame = ch3.arrivals_model(label, "both")
    assert {"arrivals", "event", "gap"} <= set(frame["kind"])
    assert frame["when"].between(pd.Timestamp(start), pd.Timestamp(end)).all()
    assert set(frame.loc[frame["kind"] == "event", "event_theme"]) <= {"migration", "crisis"}
    assert (frame.loc[frame["kind"] == "arrivals", "per_day"] >= 0).all()
    assert (ch3.arrivals_model(label, "none")["kind"] != "event").all()


def test_the_explorer_shades_every_period_without_a_figure():
    label, start, end = ch3.PERIODS[1]
    frame = ch3.arrivals_model(label, "none")
    gaps = frame[frame["kind"] == "gap"]
    months = ch3.months_between(start[:7], end[:7])
    assert len(gaps) == int((months["status"] == ch3.MISSING).sum())
    assert gaps["per_day"].isna().all(), "a gap is drawn as a band, never as a point at zero"
    assert "missing, not zero" in ch3._arrivals_summary(frame)
    whole = ch3.arrivals_model(ch3.PERIODS[0][0], "none")
    missing_years = ch3.yearly_series().query("status == @ch3.MISSING")["year"]
    for year in missing_years:
        assert f"No yearly figure found for {year}" in set(whole["label"])


@pytest.mark.parametrize("kwargs", [{"period": "1990s"}, {"events": "sports"}, {"period": None}])
def test_arrivals_model_rejects_unknown_names(kwargs):
    with pytest.raises(ValueError, match="unknown"):
        ch3.arrivals_model(**kwargs)


# -- refugees in Türkiye ----------------------------------------------------------------------

def test_latest_and_peak_match_independent_pandas():
    s = _syrians()
    assert int(ch3.latest()["people"]) == int(s.iloc[-1]["people"])
    assert ch3.latest()["as_of"] == s.iloc[-1]["as_of"]
    assert int(ch3.peak()["people"]) == int(s["people"].max())


def test_the_two_official_peaks_keep_their_publishers_dates_and_rounding():
    s = _syrians()
    peaks = ch3.peak_figures().set_index("kind")
    exact, rounded = s[s["qualifier"] == "as_published"], s[s["qualifier"] != "as_published"]
    assert int(peaks.loc["exact", "people"]) == int(exact["people"].max())
    assert int(peaks.loc["rounded", "people"]) == int(rounded["people"].max())
    assert peaks.loc["rounded", "qualifier"] != "as_published"
    assert peaks.loc["exact", "publisher"] != peaks.loc["rounded", "publisher"]
    assert peaks.loc["exact", "when"] == ch3.as_of_text(exact.loc[exact["people"].idxmax(), "as_of"])


@pytest.mark.parametrize("name", ["refugees_turkiye", "syria_returns_turkiye"])
def test_no_count_is_dated_after_the_statement_that_gave_it(name):
    """A figure is dated to the day it refers to, never to a later day on which someone repeated it."""
    data = load(name)
    released = {s["id"]: s.get("released") for s in data.attrs["sources"]}
    checked = 0
    for as_of, src in zip(data["as_of"], data["source"], strict=True):
        if released.get(src) and len(released[src]) == 10 and len(as_of) == 10:
            assert as_of <= released[src], f"{name}: a figure dated {as_of} comes from a statement of {released[src]}"
            checked += 1
    assert checked >= 2


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


# -- returns to Syria ---------------------------------------------------------------------------

@pytest.mark.parametrize("since", list(ch3.RETURN_COUNTS))
def test_running_totals_never_fall(since):
    rows = ch3.returns(since)
    assert len(rows) >= 2 and rows["as_of"].is_monotonic_increasing
    assert rows["people"].is_monotonic_increasing, "a running total cannot go down"


def test_a_count_since_2016_is_never_below_the_count_since_december_2024():
    both = ch3.returns("2016").merge(ch3.returns("2024-12-08"), on="as_of", suffixes=("_2016", "_2024"))
    assert len(both) >= 1 and (both["people_2016"] >= both["people_2024"]).all()


def test_returns_between_is_the_difference_of_two_totals():
    raw = load("syria_returns_turkiye").query("since == '2024-12-08'").sort_values("as_of")
    first, last = raw["as_of"].iloc[0], raw["as_of"].iloc[-1]
    assert ch3.returns_between(first, last) == int(raw["people"].iloc[-1] - raw["people"].iloc[0])
    with pytest.raises(ValueError, match="after"):
        ch3.returns_between(last, first)
    with pytest.raises(ch3.MissingFigure, match="no running total"):
        ch3.returns_between(first, "2025-12-25")
    with pytest.raises(ValueError, match="unknown count"):
        ch3.returns("2011")


# -- refugees' views: surveys -------------------------------------------------------------------

def test_includes_turkiye_agrees_with_the_countries_surveyed():
    rows = load("return_intentions")
    assert ((rows["hosts"].str.contains("Türkiye")) == rows["includes_turkiye"]).all()


def test_the_rpis_is_never_counted_as_asking_refugees_in_turkiye():
    rows = load("return_intentions")
    asked = ch3.surveys_asking_turkiye()
    rpis = rows[rows["survey"].str.startswith("UNHCR RPIS")]
    assert not rpis.empty and not rpis["includes_turkiye"].any()
    assert "UNHCR RPIS" not in asked and "UNHCR RPIS" in ch3.surveys_asking_turkiye(False)
    assert set(asked) == {s.split(",")[0] for s in rows.loc[rows["includes_turkiye"], "survey"]}


def test_survey_share_and_unknown_pairs():
    rows = load("return_intentions")
    first = rows.iloc[0]
    assert ch3.survey_share(first["survey"], first["answer"]) == pytest.approx(first["pct"])
    with pytest.raises(KeyError, match="no share"):
        ch3.survey_share(first["survey"], "would like a pony")


def test_the_shares_of_one_question_add_up_when_all_answers_are_published():
    areda = load("return_intentions").query("survey == @ch3.AREDA")
    assert areda["pct"].sum() == pytest.approx(100, abs=0.2)


# -- funding ------------------------------------------------------------------------------

@pytest.mark.parametrize("period, as_of, years", [
    ("2016-2019", "2019-06-12", 4), ("2016-2019", "2020-12-31", 5), ("2024", "2024-12-17", 1),
    ("2011-2024", "2024-12-17", 14), ("2021-2023", "2021-06-25", 3), ("2025-2027", "2024-02", 3),
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


def test_euros_per_person_matches_independent_pandas():
    f = load("eu_funding_turkiye")
    row = f[(f["instrument"] == FACILITY) & (f["measure"] == "allocated")].iloc[0]
    first, last = (int(x) for x in row["period"].split("-"))
    people = int(_syrians().set_index("as_of").loc["2016", "people"])
    assert ch3.euros_per_person() == pytest.approx(row["eur_million"] * 1e6 / people / (last - first + 1))


def test_funding_model_one_chosen_row_per_population():
    frame = ch3.funding_model("extra_2024", "syrians_latest", 1)
    assert len(frame) == len(ch3.POPULATIONS)
    assert (frame["chosen"] == "Your choice").sum() == 1
    chosen = frame[frame["chosen"] == "Your choice"].iloc[0]
    assert chosen["eur_per_person_year"] == pytest.approx(1000e6 / int(_syrians().iloc[-1]["people"]))


# -- explorers ----------------------------------------------------------------------------

ARRIVALS = ch3.explorer()
FUNDING = ch3.funding_explorer()
MAX_PER_DAY = ch3.arrivals_points().query("kind == 'arrivals'")["per_day"].max()
MONEY = [ch3.envelope(k)["eur_million"] for k in ch3.ENVELOPES]
PEOPLE = [ch3.population_count(k)["people"] for k in ch3.POPULATIONS]


@pytest.mark.parametrize("exp", [ARRIVALS, FUNDING], ids=["arrivals", "funding"])
def test_explorer_grid_is_small_and_serialisable(exp):
    states = math.prod(len(c.values()) for c in exp.controls)
    grid = exp.grid()
    assert states < 600 and len(grid) < 20_000
    # The book draws the spec after the course's one cleaner; NaN left in it would break the page's JSON.
    json.dumps(clean_spec(exp.static_chart().to_dict()), allow_nan=False)


@pytest.mark.parametrize("exp", [ARRIVALS, FUNDING], ids=["arrivals", "funding"])
def test_explorers_keep_a_source_line(exp):
    assert exp.source.startswith("Source: ") and "not recorded" not in exp.source


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
        if events == "none":
            assert not (part["kind"] == "event").any(), period


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

FIGURES = [ch3.arrivals_figure, ch3.population_figure, ch3.funding_figure, ch3.returns_figure, ch3.intentions_figure]


@pytest.mark.parametrize("make", FIGURES, ids=lambda f: f.__name__)
def test_figures(make):
    fig = make()
    spec = json.dumps(fig.spec, allow_nan=False)
    assert fig.title and fig.description and fig.source.startswith("Source: ") and "not recorded" not in fig.source
    assert '"title"' in spec


def test_figure_titles_use_the_data():
    assert f"{int(_yearly(2015)['arrivals']):,}" in ch3.arrivals_figure().title
    assert f"{int(_syrians()['people'].max()):,}" in ch3.population_figure().title


def test_the_yearly_chart_says_which_years_have_no_figure():
    fig = ch3.arrivals_figure()
    gaps = ch3.yearly_series().query("status == @ch3.MISSING")["year"]
    assert len(gaps) and all(str(y) in fig.description.split("No figure was found for")[1] for y in gaps)
    assert "missing, not zero" in fig.description and "no figure" in json.dumps(fig.spec)


# -- facts, and one figure for 2015 everywhere ------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ch3.FACTS))
def test_every_fact_computes(name):
    value = content._plain(ch3.FACTS[name]())
    assert value is not None and value != ""
    if isinstance(value, float):
        assert math.isfinite(value)


def test_the_timeline_states_the_same_2015_figure_as_the_arrivals_data():
    tl = load("timeline").set_index("title")
    figure_2015 = f"{ch3.arrivals('sea', 2015):,}"
    assert figure_2015 in tl.loc["Aegean migration crisis", "description"]


def test_the_chapter_prose_gives_no_other_2015_total():
    nb = nbformat.read(ROOT / "notebooks" / "03_migration_borders.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    figure_2015 = f"{ch3.arrivals('sea', 2015):,}"
    assert figure_2015 in text
    for other in ("856,723", "821,008", "816,752"):
        assert other not in text, f"the chapter states {other} for 2015; use the one figure of the data"
