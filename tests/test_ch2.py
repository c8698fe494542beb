"""Chapter 2: gas-import helpers, the facts the content file names, the "replace Russian gas" model and its
explorer, and the figures. The questions themselves are checked by tests/test_content.py."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit import load
from coursekit.chapters import ch2

# -- independent reference computations (plain pandas on the raw datasets, no chapter code) -----------------

IMP = load("eu_gas_imports")
FLOWS = load("corridor_flows")
PIPES = load("gas_corridors")
DEMAND = load("eu_gas_demand")
HEADLINE = {2021: "iea-10point-2022-03", 2024: "ec-com-2025-440", 2025: "gie-2025-actualno"}


def ref_russia(year: int, column: str) -> float:
    rows = IMP[(IMP["year"] == year) & (IMP["supplier"] == "Russia") & (IMP["route"] == "total")
               & (IMP["share_of"] == "total imports") & (IMP["source"] == HEADLINE[year])]
    assert len(rows) == 1
    return float(rows[column].iloc[0])


def ref_flow(pipeline_start: str, year: int, destination: str | None = None) -> float:
    rows = FLOWS[FLOWS["pipeline"].str.startswith(pipeline_start) & (FLOWS["year"] == year)]
    if destination is not None:
        rows = rows[rows["destination"].str.startswith(destination)]
    assert len(rows) == 1
    return float(rows["flow_bcm"].iloc[0])


def ref_tap() -> tuple[float, float]:
    row = PIPES[PIPES["pipeline"].str.startswith("TAP ")].iloc[0]
    return float(row["capacity_bcm_per_year"]), float(row["expandable_to_bcm"])


def ref_lng(year: int) -> float:
    rows = IMP[(IMP["year"] == year) & (IMP["supplier"] == "All LNG suppliers")]
    assert len(rows) == 1
    return float(rows["bcm"].iloc[0])


def ref_dependency() -> float:
    rows = DEMAND[(DEMAND["period"] == "2021") & (DEMAND["indicator"] == "EU natural gas import dependency rate")]
    return float(rows["value"].iloc[0])


BASE2021 = ref_russia(2021, "bcm")
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
    assert ch2.lowest_share_year() == int(ref.loc[ref["share_pct"].idxmin(), "year"])


def test_mixed_bases_are_visible():
    """The import table really mixes bases: a chapter that ignored the basis column would be wrong."""
    assert IMP["basis"].nunique() >= 3
    assert set(ch2.russia_share_series()["basis"]) >= {"volume", "energy", "trade statistics"}


def test_headline_series_names_one_release_per_year():
    for year, source in HEADLINE.items():
        assert ch2.RUSSIA_SERIES[year] == source
        assert ch2.russia_volume(year) == ref_russia(year, "bcm")
        assert ch2.russia_share(year) == ref_russia(year, "share_pct")
    consumption = IMP[(IMP["year"] == 2021) & (IMP["share_of"] == "EU gas consumption")]["share_pct"]
    assert ch2.russia_consumption_share(2021) == float(consumption.iloc[0])
    assert ch2.russia_consumption_share(2021) < ch2.russia_share(2021), "a share of consumption is the smaller one"


@pytest.mark.parametrize("year", [1999, 2022, 2023, 2030])
def test_years_without_a_headline_release_fail_clearly(year):
    with pytest.raises(KeyError, match="no headline figure"):
        ch2.russia_volume(year)
    with pytest.raises(KeyError, match="no headline figure"):
        ch2.russia_share(year)


def test_unknown_names_fail_clearly():
    with pytest.raises(LookupError, match="exactly one matching row"):
        ch2.flow("Nord Stream", 2021)
    with pytest.raises(LookupError):
        ch2.demand_value("2021", "no such indicator")
    with pytest.raises(KeyError, match="no column"):
        ch2._one(IMP, "test", colour="blue")
    with pytest.raises(LookupError):
        ch2.supplier_share("Qatar", 2025)  # not in the 2025 release: missing, never zero


def test_supplier_map_compares_two_named_releases():
    data = ch2.supplier_map()
    assert set(data["year"]) == set(ch2.SUPPLIER_MAPS)
    for year, source in ch2.SUPPLIER_MAPS.items():
        assert set(data.loc[data["year"] == year, "source"]) == {source}
    assert not data.duplicated(["supplier", "year"]).any()
    assert set(data["share_of"]) == {"total imports"}, "a share of LNG imports must not be mixed in"
    ref = IMP[(IMP["year"] == 2025) & (IMP["source"] == HEADLINE[2025]) & (IMP["share_of"] == "total imports")
              & IMP["share_pct"].notna()]
    assert sorted(data.loc[data["year"] == 2025, "share_pct"]) == sorted(ref["share_pct"])
    assert data.loc[data["year"] == 2021, "share_pct"].sum() <= 100 and data.loc[data["year"] == 2025, "share_pct"].sum() <= 100


def test_route_volumes_keep_one_value_per_route_and_year_official_first():
    data = ch2.route_volumes()
    assert set(data["series"]) == {"Russian pipeline gas", "Russian LNG", "All LNG imports"}
    assert data["bcm"].notna().all() and (data["bcm"] > 0).all()
    assert not data.duplicated(["series", "year"]).any()
    ref = IMP[IMP["bcm"].notna() & (((IMP["supplier"] == "Russia") & IMP["route"].isin(["pipeline", "LNG"]))
                                    | (IMP["supplier"] == "All LNG suppliers"))]
    assert len(data) == len(ref[["year", "route", "supplier"]].drop_duplicates())
    lng_2024 = data[(data["series"] == "Russian LNG") & (data["year"] == 2024)]
    assert lng_2024["source"].iloc[0] == "ec-com-2025-440", "the Commission's figure outranks a news agency's"


def test_route_volumes_refuse_an_unranked_source(monkeypatch):
    extra = pd.concat([IMP, IMP[(IMP["supplier"] == "Russia") & (IMP["route"] == "LNG")].head(1).assign(
        source="new-release", year=2030)])
    extra.attrs = IMP.attrs
    monkeypatch.setattr(ch2, "imports", lambda: extra)
    ch2.route_volumes.cache_clear()
    try:
        with pytest.raises(LookupError, match="new-release"):
            ch2.route_volumes()
    finally:
        ch2.route_volumes.cache_clear()


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
    assert base["russia_2021"] == BASE2021
    assert base["russia_2025"] == ref_russia(2025, "bcm")
    assert base["lng_2021"] == ref_lng(2021) and base["lng_2022"] == ref_lng(2022)
    assert base["norway_2021"] == ref_flow("Norwegian", 2021)
    assert base["norway_2022"] == ref_flow("Norwegian", 2022)
    assert (base["tap_design"], base["tap_max"]) == ref_tap()
    assert base["sgc_2021"] == ref_flow("Southern Gas Corridor", 2021, "Europe")
    cut = DEMAND[DEMAND["indicator"] == "reduction in EU gas imports from renewables and energy savings"]["value"]
    assert base["import_cut"] == float(cut.iloc[0])
    table = ch2.baseline_table()
    assert len(table) == len(base) and set(table["Dataset"]) <= {"eu_gas_imports", "corridor_flows", "gas_corridors",
                                                                 "eu_gas_demand"}


# -- facts: computed from the data, and equal to independent computations ------------------------------------------

def test_every_fact_computes():
    for name, compute in ch2.FACTS.items():
        value = compute()
        if name == "jan_nov_basis":
            assert value == "energy"
            continue
        assert isinstance(value, (int, float)) and math.isfinite(value), name


@pytest.mark.parametrize("name, ref", [
    ("volume_fall_pct", lambda: (BASE2021 - ref_russia(2025, "bcm")) / BASE2021 * 100),
    ("tap_doubling_pct", lambda: ROOM / BASE2021 * 100),
    ("consumption_estimate", lambda: ref_russia(2021, "share_pct") * ref_dependency() / 100),
    ("lifeline_pct", lambda: ref_flow("Southern Gas Corridor", 2025, "Europe") / BASE2021 * 100),
    ("us_share_rise", lambda: float(IMP[(IMP["supplier"] == "United States") & (IMP["year"] == 2025)
                                        & (IMP["share_of"] == "total imports")]["share_pct"].iloc[0])
     - float(IMP[(IMP["supplier"] == "United States") & (IMP["year"] == 2021)]["share_pct"].iloc[0])),
    ("turkstream_2025", lambda: ref_flow("TurkStream string 2", 2025, "Europe")),
    ("algeria_share_2021", lambda: float(IMP[(IMP["supplier"] == "Algeria") & (IMP["year"] == 2021)
                                             & (IMP["share_of"] == "total imports")]["share_pct"].iloc[0])),
])
def test_facts_equal_independent_computations(name, ref):
    assert ch2.FACTS[name]() == pytest.approx(ref(), abs=1e-9)


def test_misconception_facts_differ_from_the_answers_they_shadow():
    f = {k: v() for k, v in ch2.FACTS.items() if k != "jan_nov_basis"}
    for answer, slips in [("volume_fall_pct", ["share_points_fall", "volume_fall_bcm", "volume_left_pct"]),
                          ("tap_doubling_pct", ["tap_max_pct", "tap_extra_over_pipeline", "tap_extra_over_2025"]),
                          ("consumption_estimate", ["russia_2021_share", "share_over_dependency", "one_third"]),
                          ("lifeline_pct", ["sgc_increase_pct", "sgc_over_2025_russia"])]:
        for slip in slips:
            assert abs(f[slip] - f[answer]) > 0.5, (answer, slip)  # well outside every tolerance (at most 0.5)


def test_qualitative_claims_in_the_content_file_still_match_the_data():
    """The content file's feedback and the prose make qualitative claims; fail loudly if corrected data contradict them."""
    f = {k: v() for k, v in ch2.FACTS.items()}
    assert f["tap_doubling_pct"] < 10 and f["lifeline_pct"] < 10  # "well under a tenth", "under a tenth"
    assert 70 < f["volume_fall_pct"] < 80  # "about three quarters"
    assert f["one_third"] < f["consumption_estimate"] < f["russia_2021_share"]  # above a third, below the import share
    assert abs(f["consumption_estimate"] - f["russia_2021_consumption_share"]) < 5  # "close to the IEA's own figure"
    assert f["turkstream_2025"] > f["sgc_2025"]  # TurkStream outweighed the corridor in 2025
    assert 1 < f["norway_2022_gassco"] / f["norway_2021_gassco"] < 1.1  # "rose only a little"
    assert f["tap_max"] == 2 * f["tap_design"]  # "half of the capacity TAP can be expanded to"
    assert f["lng_2022"] / f["lng_2021"] > 1.5  # "rose by well over half"
    assert f["us_share_2025"] > 25 and f["us_lng_share_2025"] > 50  # "more than a quarter", "most of the LNG"
    full = ch2.russia_share_series(include_partial=False)
    assert full["share_pct"].max() == f["russia_2021_share"]  # "fell from about 45% in 2021"


# -- the scenario model -------------------------------------------------------------------------------------------

def parts(frame):
    return frame.set_index("component")["bcm"]


def test_no_levers_leave_the_whole_volume_uncovered():
    out = ch2.replace_russian_gas()
    by = parts(out)
    assert list(out["component"]) == ch2.COMPONENTS
    assert by[ch2.BASELINE_LABEL] == BASE2021
    assert by[ch2.GAP_LABEL] == BASE2021
    assert by[ch2.ACTUAL_LABEL] == ref_russia(2025, "bcm")
    assert out.set_index("component").loc[ch2.GAP_LABEL, "share_pct"] == 100


def test_levers_add_up_and_shares_are_of_2021():
    out = ch2.replace_russian_gas(40, 4, 5, 20)
    by = parts(out)
    assert by[ch2.GAP_LABEL] == pytest.approx(BASE2021 - 69)
    lng = out.set_index("component").loc["Extra LNG imports"]
    assert lng["share_pct"] == pytest.approx(round(40 / BASE2021 * 100, 1))
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
    assert 0 <= gap <= BASE2021
    assert gap == pytest.approx(max(0.0, BASE2021 - (lng + norway + sgc + cut)), abs=1e-6)
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
    for publisher in ("International Energy Agency", "Gas Infrastructure Europe", "Gassco", "Roadmap towards ending"):
        assert publisher in explorer.source, publisher


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


# -- figures and their tables ----------------------------------------------------------------------------------------

FIGURES = [(ch2.share_figure, ch2.share_table), (ch2.routes_figure, ch2.routes_table),
           (ch2.supplier_figure, ch2.supplier_table), (ch2.corridor_figure, ch2.flows_table)]


@pytest.mark.parametrize("make, table", FIGURES, ids=[f.__name__ for f, _ in FIGURES])
def test_figures_are_complete_strict_json_and_have_a_table(make, table):
    fig = make()
    assert fig.title and fig.description and fig.source.startswith("Source: ")
    json.loads(json.dumps(fig.spec), parse_constant=lambda c: pytest.fail(f"{c} in the chart JSON"))
    rows = table()
    assert len(rows) > 0 and "Source id" in rows.columns
    for source in rows["Source id"]:
        assert source in fig.description or source in json.dumps(fig.spec), "every row of the table is drawn"


def test_figure_titles_state_numbers_from_the_data():
    assert f"{ref_russia(2021, 'share_pct'):g}%" in ch2.share_figure().title
    assert f"{ref_russia(2025, 'share_pct'):g}%" in ch2.share_figure().title
    ts = ref_flow("TurkStream string 2", 2025, "Europe")
    assert f"{ts:g} bcm" in ch2.corridor_figure().title
    assert f"{ref_russia(2025, 'share_pct'):g}%" in ch2.supplier_figure().title


def test_supplier_figure_says_which_suppliers_have_no_2025_share():
    assert "No 2025 share was found for Qatar" in ch2.supplier_figure().description
