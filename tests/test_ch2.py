"""Chapter 2: gas-import helpers, the "replace Russian gas" model and explorer, figures, exercises and quiz."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit import check, load
from coursekit.chapters import ch2
from coursekit.exercises import exercise

# -- independent reference computations (plain pandas on the raw datasets, no chapter code) -----------------

IMP = load("eu_gas_imports")
FLOWS = load("corridor_flows")
PIPES = load("gas_corridors")
DEMAND = load("eu_gas_demand")


def ref_russia(year: int, column: str) -> float:
    rows = IMP[(IMP["year"] == year) & (IMP["supplier"] == "Russia") & (IMP["route"] == "total")
               & (IMP["source"] == "ec-repowereu-3y-2025")]
    assert len(rows) == 1
    return float(rows[column].iloc[0])


def ref_flow(pipeline_start: str, year: int, destination: str | None = None) -> float:
    rows = FLOWS[FLOWS["pipeline"].str.startswith(pipeline_start) & (FLOWS["year"] == year)]
    if destination is not None:
        rows = rows[rows["destination"] == destination]
    assert len(rows) == 1
    return float(rows["flow_bcm"].iloc[0])


def ref_tap() -> tuple[float, float]:
    row = PIPES[PIPES["pipeline"].str.startswith("TAP ")].iloc[0]
    return float(row["capacity_bcm_per_year"]), float(row["expandable_to_bcm"])


def ref_lng(year: int) -> float:
    rows = IMP[(IMP["year"] == year) & (IMP["supplier"] == "All LNG suppliers")]
    assert len(rows) == 1
    return float(rows["bcm"].iloc[0])


BASE150 = ref_russia(2021, "bcm")
BASE = ch2.scenario_baseline()
ROOM = ref_tap()[1] - ref_tap()[0]


# -- data helpers ---------------------------------------------------------------------------------------------

def test_share_series_keeps_only_russian_shares_of_total_imports():
    series = ch2.russia_share_series()
    assert set(series["supplier"]) == {"Russia"}
    assert set(series["route"]) == {"total"} and set(series["share_of"]) == {"total imports"}
    assert "November only" not in set(series["coverage"])
    assert series["basis"].notna().all(), "the basis must travel with every share"
    assert series["year"].is_monotonic_increasing
    full = ch2.russia_share_series(include_partial=False)
    assert set(full["coverage"]) == {"full year"}
    assert len(full) < len(series)


def test_share_series_matches_an_independent_filter():
    ref = IMP[(IMP["supplier"] == "Russia") & (IMP["route"] == "total") & (IMP["share_of"] == "total imports")
              & (IMP["coverage"] == "full year") & IMP["share_pct"].notna()]
    got = ch2.russia_share_series(include_partial=False)
    assert sorted(zip(got["year"], got["share_pct"], strict=True)) == sorted(zip(ref["year"], ref["share_pct"], strict=True))


def test_mixed_bases_are_visible():
    """The import table really mixes bases: a chapter that ignored the basis column would be wrong."""
    assert IMP["basis"].nunique() >= 3
    assert set(ch2.russia_share_series()["basis"]) >= {"volume", "energy"}


def test_volumes_and_shares_from_the_commission_series():
    assert ch2.russia_volume(2021) == BASE150
    assert ch2.russia_volume(2024) == ref_russia(2024, "bcm")
    assert ch2.russia_share(2021) == ref_russia(2021, "share_pct")


@pytest.mark.parametrize("year", [1999, 2022, 2030])
def test_missing_years_fail_clearly(year):
    with pytest.raises(LookupError, match="exactly one matching row"):
        ch2.russia_volume(year)


def test_unknown_names_fail_clearly():
    with pytest.raises(LookupError):
        ch2.flow("Nord Stream", 2021)
    with pytest.raises(LookupError):
        ch2.demand_value("2021", "no such indicator")
    with pytest.raises(KeyError, match="no column"):
        ch2._one(IMP, "test", colour="blue")


def test_route_volumes_are_the_volume_rows():
    data = ch2.route_volumes()
    assert set(data["series"]) == {"Russian pipeline gas", "Russian LNG", "All LNG imports"}
    assert data["bcm"].notna().all() and (data["bcm"] > 0).all()
    ref = IMP[IMP["bcm"].notna() & (((IMP["supplier"] == "Russia") & IMP["route"].isin(["pipeline", "LNG"]))
                                    | (IMP["supplier"] == "All LNG suppliers"))]
    assert len(data) == len(ref)


def test_flows_into_europe_two_routes():
    data = ch2.flows_into_europe()
    assert set(data["route"]) == set(ch2.FLOW_ROUTES)
    assert not data["destination"].str.contains("Hungary").any(), "country sub-flows must not be mixed in"


def test_corridor_table_lists_every_pipeline():
    table = ch2.corridor_table()
    assert len(table) == len(PIPES)
    assert "Capacity (bcm/yr)" in table.columns


def test_baseline_comes_from_the_data():
    base = ch2.scenario_baseline()
    assert base["russia_2021"] == BASE150
    assert base["russia_2024"] == ref_russia(2024, "bcm")
    assert base["lng_2021"] == ref_lng(2021) and base["lng_2022"] == ref_lng(2022)
    assert base["norway_2021"] == ref_flow("Norwegian", 2021)
    assert base["norway_2022"] == ref_flow("Norwegian", 2022)
    assert (base["tap_design"], base["tap_max"]) == ref_tap()
    assert base["sgc_2021"] == ref_flow("Southern Gas Corridor", 2021, "Europe")
    saved = DEMAND[DEMAND["indicator"] == "gas saved per year by demand reduction"]["value"]
    assert base["demand_saved"] == float(saved.iloc[0])
    table = ch2.baseline_table()
    assert len(table) == len(base) and set(table["Dataset"]) <= {"eu_gas_imports", "corridor_flows", "gas_corridors",
                                                                 "eu_gas_demand"}


# -- the scenario model -------------------------------------------------------------------------------------------

def parts(frame):
    return frame.set_index("component")["bcm"]


def test_no_levers_leave_the_whole_volume_uncovered():
    out = ch2.replace_russian_gas()
    by = parts(out)
    assert list(out["component"]) == ch2.COMPONENTS
    assert by[ch2.BASELINE_LABEL] == BASE150
    assert by[ch2.GAP_LABEL] == BASE150
    assert out.set_index("component").loc[ch2.GAP_LABEL, "share_pct"] == 100


def test_levers_add_up_and_shares_are_of_2021():
    out = ch2.replace_russian_gas(40, 4, 5, 20)
    by = parts(out)
    assert by[ch2.GAP_LABEL] == pytest.approx(BASE150 - 69)
    lng = out.set_index("component").loc["Extra LNG imports"]
    assert lng["share_pct"] == pytest.approx(round(40 / BASE150 * 100, 1))
    assert "40 bcm" in lng["label"]


def test_surplus_is_reported_not_negative():
    out = ch2.replace_russian_gas(80, 12, ROOM, 80)
    row = out.set_index("component").loc[ch2.GAP_LABEL]
    assert row["bcm"] == 0 and "to spare" in row["label"]
    assert "enough to replace all" in ch2.scenario_summary(out)


@pytest.mark.parametrize("kwargs, error", [
    ({"extra_lng": "10"}, TypeError),
    ({"extra_lng": None}, TypeError),
    ({"extra_norway": True}, TypeError),
    ({"demand_cut": [1]}, TypeError),
    ({"extra_lng": -1}, ValueError),
    ({"demand_cut": float("nan")}, ValueError),
    ({"extra_norway": float("inf")}, ValueError),
    ({"sgc_expansion": ROOM + 1}, ValueError),
])
def test_bad_lever_values_are_refused(kwargs, error):
    with pytest.raises(error):
        ch2.replace_russian_gas(**kwargs)


lever = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lng=lever, norway=lever, sgc=st.floats(min_value=0, max_value=ROOM), cut=lever)
def test_model_stays_within_bounds(lng, norway, sgc, cut):
    out = ch2.replace_russian_gas(lng, norway, sgc, cut, base=BASE)
    assert len(out) == len(ch2.COMPONENTS)
    assert (out["bcm"] >= 0).all() and (out["share_pct"] >= 0).all()
    gap = parts(out)[ch2.GAP_LABEL]
    assert 0 <= gap <= BASE150
    assert gap == pytest.approx(max(0.0, BASE150 - (lng + norway + sgc + cut)), abs=1e-6)
    assert 0 <= out.set_index("component").loc[ch2.GAP_LABEL, "share_pct"] <= 100
    assert out["label"].str.len().gt(0).all()
    assert isinstance(ch2.scenario_summary(out), str)


# -- the explorer ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def explorer():
    return ch2.explorer()


def test_grid_is_small_and_complete(explorer):
    states = math.prod(len(c.values()) for c in explorer.controls)
    assert states <= 600
    grid = explorer.grid()
    assert len(grid) == states * len(ch2.COMPONENTS) <= 20_000
    assert grid.notna().all().all()


def test_tap_slider_range_comes_from_the_data(explorer):
    sgc = next(c for c in explorer.controls if c.name == "sgc")
    assert (sgc.min, sgc.max) == (0, ROOM)


@pytest.mark.parametrize("room, step", [(10, 2), (12, 3), (7, 1), (4, 1), (1, 1), (20, 4)])
def test_tap_slider_step_is_whole(room, step):
    assert ch2._integral_step(room) == step


def test_every_slider_is_whole_numbered_and_the_live_widget_builds(explorer):
    """The chapter keeps to whole-numbered sliders, and the live ipywidgets UI builds."""
    assert all(c.integral for c in explorer.controls)
    box = explorer.widget()
    assert len(box.children) == len(explorer.controls) + 2


@pytest.mark.parametrize("name", ["lng", "norway", "sgc", "demand"])
def test_every_control_changes_the_chart(explorer, name):
    control = next(c for c in explorer.controls if c.name == name)
    low = explorer.compute(**{name: control.min})
    high = explorer.compute(**{name: control.max})
    assert not low.equals(high)
    assert explorer.spec(**{name: control.min}) != explorer.spec(**{name: control.max})


def test_static_chart_is_strict_json_with_bound_inputs(explorer):
    spec = explorer.static_chart().to_dict()
    text = json.dumps(spec)
    json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the chart JSON"))
    assert {p["name"] for p in spec["params"]} == {"p_lng", "p_norway", "p_sgc", "p_demand"}
    assert len(text) < 1_000_000


def test_explorer_names_its_sources(explorer):
    assert explorer.source.startswith("Source: ")
    assert "Gassco" in explorer.source and "REPowerEU" in explorer.source


EXPLORER = ch2.explorer()
anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=10), st.lists(st.integers(), max_size=2))


@settings(max_examples=80, deadline=None)
@given(lng=anything, norway=anything, sgc=anything, demand=anything)
def test_explorer_never_raises_for_any_control_value(lng, norway, sgc, demand):
    e = EXPLORER
    values = e.clamp(lng=lng, norway=norway, sgc=sgc, demand=demand)
    for c in e.controls:
        assert c.min <= values[c.name] <= c.max
    out = e.compute(lng=lng, norway=norway, sgc=sgc, demand=demand)
    assert len(out) == len(ch2.COMPONENTS) and (out["bcm"] >= 0).all()
    assert e.summary(out)


def test_explorer_refuses_unknown_controls(explorer):
    with pytest.raises(TypeError, match="unknown control"):
        explorer.compute(coal=3)


# -- figures ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [ch2.share_figure, ch2.routes_figure, ch2.corridor_figure])
def test_figures_are_complete_and_strict_json(make):
    fig = make()
    assert fig.title and fig.description and fig.source.startswith("Source: ")
    json.loads(json.dumps(fig.spec), parse_constant=lambda c: pytest.fail(f"{c} in the chart JSON"))


def test_figure_titles_state_numbers_from_the_data():
    assert f"{ref_russia(2021, 'share_pct'):g}%" in ch2.share_figure().title
    ts = ref_flow("TurkStream string 2", 2025, "Europe (all countries served via the Türkiye-Bulgaria border)")
    assert f"{ts:g} bcm" in ch2.corridor_figure().title


# -- exercises: expected answers equal independent pandas computations ----------------------------------------------

def ref_lowest_year() -> str:
    rows = IMP[(IMP["supplier"] == "Russia") & (IMP["route"] == "total") & (IMP["share_of"] == "total imports")
               & (IMP["coverage"] == "full year")].dropna(subset=["share_pct"])
    return str(int(rows.sort_values("share_pct")["year"].iloc[0]))


def ref_volume_fall() -> float:
    return (ref_russia(2021, "bcm") - ref_russia(2024, "bcm")) / ref_russia(2021, "bcm") * 100


def ref_tap_double() -> float:
    design, maximum = ref_tap()
    return (maximum - design) / BASE150 * 100


def ref_third() -> float:
    dep = DEMAND[(DEMAND["period"] == "2021") & (DEMAND["indicator"] == "EU natural gas import dependency rate")]
    return ref_russia(2021, "share_pct") * float(dep["value"].iloc[0]) / 100


def ref_lifeline() -> float:
    return ref_flow("Southern Gas Corridor", 2023, "Europe") / BASE150 * 100


@pytest.mark.parametrize("ex_id, ref", [
    ("ch2-volume-fall", ref_volume_fall), ("ch2-tap-double", ref_tap_double),
    ("ch2-third-claim", ref_third), ("ch2-lifeline", ref_lifeline),
])
def test_numeric_expected_answers_are_independent(ex_id, ref):
    assert exercise(ex_id).expected() == pytest.approx(ref(), abs=1e-9)
    assert check(ex_id, ref()).correct
    assert check(ex_id, round(ref(), 2)).correct


def test_lowest_year_answer():
    answer = ref_lowest_year()
    assert check("ch2-lowest-year", answer).correct
    assert check("ch2-lowest-year", int(answer)).correct
    assert not check("ch2-lowest-year", "2021").correct


@pytest.mark.parametrize("ex_id, wrong, phrase", [
    ("ch2-volume-fall", lambda: ref_russia(2021, "share_pct") - ref_russia(2024, "share_pct"), "percentage points"),
    ("ch2-volume-fall", lambda: ref_russia(2021, "bcm") - ref_russia(2024, "bcm"), "in bcm"),
    ("ch2-volume-fall", lambda: ref_russia(2024, "bcm") / BASE150 * 100, "still imported"),
    ("ch2-tap-double", lambda: ref_tap()[1] / BASE150 * 100, "whole capacity"),
    ("ch2-tap-double", lambda: ROOM / 155 * 100, "IEA"),
    ("ch2-third-claim", lambda: ref_russia(2021, "share_pct"), "share of imports"),
    ("ch2-third-claim", lambda: 100 / 3, "a third"),
    ("ch2-lifeline", lambda: (ref_flow("Southern Gas Corridor", 2023, "Europe")
                              - ref_flow("Southern Gas Corridor", 2021, "Europe")) / BASE150 * 100, "increase"),
])
def test_typical_slips_get_specific_feedback(ex_id, wrong, phrase):
    fb = check(ex_id, wrong())
    assert not fb.correct
    assert phrase in fb.message


@pytest.mark.parametrize("ex_id", ["ch2-volume-fall", "ch2-tap-double", "ch2-third-claim", "ch2-lifeline"])
def test_bad_input_is_explained_not_raised(ex_id):
    for answer in (..., "65", "sixty", None, float("nan"), [1, 2], True):
        fb = check(ex_id, answer)
        assert not fb.correct and fb.message


def test_factor_of_100_slip_is_named():
    fb = check("ch2-volume-fall", ref_volume_fall() / 100)
    assert not fb.correct and "factor of 100" in fb.message


def test_bridge_verdict():
    assert check("ch2-bridge-verdict", "b").correct
    wrong = check("ch2-bridge-verdict", "a")
    assert not wrong.correct and "under a tenth" in wrong.message
    assert check("ch2-bridge-verdict", "z").status == "invalid"


def test_qualitative_feedback_still_matches_the_data():
    """The feedback texts make qualitative claims; fail loudly if corrected data ever contradicts them."""
    assert ref_tap_double() < 10 and ref_lifeline() < 10  # "under a tenth"
    assert 60 < ref_volume_fall() < 70  # "about two thirds"
    assert 100 / 3 < ref_third() < ref_russia(2021, "share_pct")  # above a third, below the import share
    latest_ts = FLOWS[FLOWS["pipeline"].str.startswith("TurkStream string 2") & (FLOWS["year"] == 2024)
                      & FLOWS["destination"].str.startswith("Europe")]["flow_bcm"].iloc[0]
    sgc = FLOWS[FLOWS["pipeline"].str.startswith("Southern Gas Corridor")]
    assert latest_ts > sgc["flow_bcm"].max()  # TurkStream 2024 > the corridor's best year
    full = ch2.russia_share_series(include_partial=False).set_index("year")["share_pct"]
    assert full[int(ref_lowest_year()) + 1] > full[int(ref_lowest_year())]  # "rose again the following year"
    norway = ref_flow("Norwegian", 2022) / ref_flow("Norwegian", 2021)
    assert 1 < norway < 1.1  # "rose only a little"


# -- quiz ---------------------------------------------------------------------------------------------------------------

def test_quiz_has_explained_questions_with_data_answers():
    quiz = ch2.quiz()
    assert len(quiz.questions) >= 5
    numeric = [q for q in quiz.questions if hasattr(q, "answer")]
    answers = {round(q.answer, 6) for q in numeric}
    assert {ref_russia(2021, "share_pct"), ref_tap()[0], ref_lng(2022)} <= answers
    for q in quiz.questions:
        if hasattr(q, "options"):
            assert sum(o.correct for o in q.options) == 1
            assert all(o.why for o in q.options)
        else:
            assert q.why
            assert q.grade(q.answer)[0] and not q.grade(q.answer + 10 * q.tolerance + 1)[0]
            assert not q.grade("abc")[0]
    assert "ck-quiz" in quiz.to_html()
