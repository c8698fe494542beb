"""Chapter 4: shapes loader, data helpers, models, explorers, exercises and quiz."""

from __future__ import annotations

import json
import math
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit import DataError, check, load
from coursekit.chapters import ch4
from coursekit.data import data_dir
from coursekit.exercises import exercise

ANY = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                st.text(max_size=12), st.lists(st.integers(), max_size=3))
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- independent computations from the raw tables ---------------------------

def _exports(measure: str, year: int) -> float:
    df = load("turkiye_defence_exports")
    return float(df.loc[(df["measure"] == measure) & (df["year"] == year), "exports_usd_million"].iloc[0])


def _nato_personnel() -> pd.Series:
    df = load("armed_forces_personnel")
    df = df[df["definition"].str.contains("June 2024 release") & (df["year"] == 2024)]
    return df.set_index("iso3")["personnel_thousands"]


def _usd_2024() -> pd.Series:
    df = load("nato_defence_spending_usd")
    return df[(df["year"] == 2024) & (df["release"] == "2024-06")].set_index("iso3")["usd_million"]


def _geojson() -> dict:
    return json.loads((data_dir() / "black_sea_countries.geojson").read_text(encoding="utf-8"))


# -- the shapes file ---------------------------------------------------------

def test_shapes_file_is_small_valid_and_rounded():
    path = data_dir() / "black_sea_countries.geojson"
    assert path.stat().st_size < 400 * 1024
    doc = ch4.load_shapes()
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) >= 20
    ids = {f["id"] for f in doc["features"]}
    for needed in ("TUR", "GRC", "BGR", "ROU", "UKR", "RUS", "GEO", "MDA", "CYP", "ARM", "AZE", "MKD", "SRB", "ALB"):
        assert needed in ids
    for f in doc["features"]:
        polys = [f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"]
        for poly in polys:
            for ring in poly:
                for x, y in ring:
                    assert round(x, 3) == x and round(y, 3) == y
                    assert 18.5 <= x <= 50.5 and 34.0 <= y <= 49.0


def test_load_shapes_returns_a_copy():
    a = ch4.load_shapes()
    a["features"].clear()
    assert ch4.load_shapes()["features"]


def test_nato_membership_matches_the_course_data():
    rm = load("regional_memberships")
    rm = rm[rm["organisation"] == "NATO"].set_index("iso3")["status"].eq("member")
    sp = load("nato_defence_spending")
    allies = set(sp.loc[(sp["year"] == 2024) & (sp["release"] == "2024-06"), "iso3"])
    for f in _geojson()["features"]:
        iso3, member = f["properties"]["iso3"], f["properties"]["nato_member"]
        expected = bool(rm[iso3]) if iso3 in rm.index else iso3 in allies
        assert member is expected, f["id"]


def test_resource_has_no_schema_and_a_licence():
    from coursekit.data import resource

    res = resource("black_sea_countries")
    assert "schema" not in res and res["format"] == "geojson"
    assert res["mediatype"] == "application/geo+json"
    assert any("naturalearthdata.com" in lic["path"] for lic in res["licenses"])


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A throwaway copy of the data folder, so a test can break the shapes file."""
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    monkeypatch.setenv("COURSEKIT_DATA", str(folder))
    return folder


def test_missing_shapes_file_names_it(data_copy):
    (data_copy / "black_sea_countries.geojson").unlink()
    with pytest.raises(DataError, match="black_sea_countries.geojson.*not found"):
        ch4.load_shapes()


@pytest.mark.parametrize("text, problem", [
    ("{not json", "not valid JSON"),
    ('{"type": "Feature"}', "FeatureCollection"),
    ('{"type": "FeatureCollection", "features": []}', "no features"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "id": "X", "properties": {}}]}',
     "property 'name'"),
])
def test_malformed_shapes_fail_with_the_file_named(data_copy, text, problem):
    (data_copy / "black_sea_countries.geojson").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=problem) as err:
        ch4.load_shapes()
    assert "black_sea_countries.geojson" in str(err.value)


def test_bad_geometry_is_refused(data_copy):
    doc = _geojson()
    doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[[1, 2], [3, 4], [5, "x"], [1, 2]]]}
    (data_copy / "black_sea_countries.geojson").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError, match="finite numbers"):
        ch4.load_shapes()
    doc["features"][0]["geometry"] = {"type": "Point", "coordinates": [1, 2]}
    (data_copy / "black_sea_countries.geojson").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError, match="Polygon or MultiPolygon"):
        ch4.load_shapes()


# -- places and the straits -------------------------------------------------

def test_littoral_states_and_allies():
    ports = load("black_sea_ports")
    coast = set(ports.loc[ports["kind"] != "strait", "iso3"])
    assert ch4.littoral_states() == coast == {"TUR", "BGR", "ROU", "UKR", "RUS", "GEO"}
    shapes = pd.DataFrame([f["properties"] | {"id": f["id"]} for f in _geojson()["features"]])
    whole = shapes[shapes["id"] == shapes["iso3"]]
    expected = sorted(whole.loc[whole["nato_member"] & whole["iso3"].isin(coast), "name"])
    assert ch4.littoral_allies() == expected == ["Bulgaria", "Romania", "Türkiye"]


def test_haversine():
    assert ch4.haversine_km(0, 0, 0, 1) == pytest.approx(111.19, rel=1e-3)
    assert ch4.haversine_km(41.0, 29.0, 41.0, 29.0) == 0
    for bad in ("41", None, float("nan"), True):
        with pytest.raises(TypeError):
            ch4.haversine_km(bad, 0, 0, 0)


def test_grain_helpers():
    g = load("grain_corridor")
    cum = ch4.grain_cumulative()
    raw = g[(g["category"] == "cumulative_total") & (g["item"] == "tonnes exported")]
    assert len(cum) == len(raw) and cum["value"].max() == raw["value"].max()
    assert cum["date"].is_monotonic_increasing
    dest = ch4.grain_destinations()
    raw = g[(g["category"] == "destination_country") & (g["unit"] == "tonnes") & (g["source"] == "worldgrain-2023-06")]
    assert dest["item"].iloc[0] == raw.sort_values("value").iloc[-1]["item"]
    with pytest.raises(ValueError, match="no destination tonnages"):
        ch4.grain_destinations("nowhere")


# -- exports ------------------------------------------------------------------

def test_export_growth_and_cagr_match_pandas():
    ratio = _exports("tim_goods", 2024) / _exports("tim_goods", 2018)
    assert ch4.export_growth(2018, 2024) == pytest.approx((ratio - 1) * 100)
    assert ch4.export_cagr(2018, 2024) == pytest.approx((ratio ** (1 / 6) - 1) * 100)


@pytest.mark.parametrize("args, error", [
    ((2018, 2024, "tim"), ValueError),          # unknown measure
    ((2018, 2022, "tim_goods"), ValueError),    # no TİM figure for 2022
    (("2018", 2024, "tim_goods"), TypeError),   # year as text
    ((2018.0, 2024, "tim_goods"), TypeError),
    ((2013, 2024, "tim_goods"), ValueError),    # out of range
])
def test_export_growth_bad_input(args, error):
    with pytest.raises(error):
        ch4.export_growth(*args)


def test_export_cagr_needs_order():
    with pytest.raises(ValueError):
        ch4.export_cagr(2024, 2018)
    with pytest.raises(TypeError):
        ch4.export_cagr(True, 2024)


def test_seven_billion_check_matches_pandas():
    df = load("turkiye_defence_exports")
    raw = df[df["year"] == 2024].set_index("measure")["exports_usd_million"]
    got = ch4.seven_billion_check().set_index("measure")
    assert set(got.index) == set(raw.index)
    for m, v in raw.items():
        assert bool(got.loc[m, "above"]) is (v > 7000)


def test_exports_never_mix_measures():
    df = ch4.exports()
    assert not df.duplicated(["year", "measure"]).any()
    with pytest.raises(ValueError, match="unknown measure"):
        ch4.exports("all")


# -- forces -------------------------------------------------------------------

def test_personnel_rank_matches_pandas():
    nato = _nato_personnel().sort_values(ascending=False)
    assert ch4.rank_of("TUR") == list(nato.index).index("TUR") + 1 == 2
    assert list(ch4.personnel("nato")["iso3"]) == list(nato.index)
    with pytest.raises(ValueError, match="no figure"):
        ch4.rank_of("USA", "gfp")
    with pytest.raises(ValueError, match="unknown personnel measure"):
        ch4.personnel("iiss")


def test_spend_per_person_matches_pandas():
    usd, per = _usd_2024(), _nato_personnel()
    assert ch4.spend_per_person("TUR") == pytest.approx(usd["TUR"] / per["TUR"])
    with pytest.raises(ValueError):
        ch4.spend_per_person("FRA")  # no USD figure for France in the June 2024 rows
    with pytest.raises(ValueError):
        ch4.spend_per_person("XXX")


def test_benchmarks_come_from_the_guidelines_dataset():
    g = load("nato_spending_guidelines").set_index("id")["pct_gdp"]
    values = [v for v, _ in ch4.benchmark_options()]
    assert values == [g["wales-2pct"], g["hague-core"], g["hague-total"]]


def test_forces_model_rows_and_caption():
    df = ch4.forces_compare("nato", "show", 2.0)
    allies = df[df["row"] == "ally"]
    assert len(allies) == len(_nato_personnel())
    assert "2nd of 9" in df.loc[df["row"] == "caption", "label"].iloc[0]
    hidden = ch4.forces_compare("nato", "hide", 2.0)
    assert "USA" not in set(hidden["iso3"].dropna())
    gfp = ch4.forces_compare("gfp", "show", 2.0)
    assert "incomplete" in gfp.loc[gfp["row"] == "caption", "label"].iloc[0]
    above = ch4.forces_compare("nato", "show", 3.5)
    share = load("nato_defence_spending")
    share = share[(share["year"] == 2024) & (share["release"] == "2024-06")].set_index("iso3")["pct_gdp"]
    for r in above[above["row"] == "ally"].itertuples():
        assert (r.meets == "At or above the line") is bool(share[r.iso3] >= 3.5)


@SLOW
@given(measure=ANY, us=ANY, benchmark=ANY)
def test_forces_model_never_raises(measure, us, benchmark):
    df = ch4.forces_compare(measure, us, benchmark)
    allies = df[df["row"] == "ally"]
    assert (df["row"] == "caption").sum() == 1
    assert allies["pct_gdp"].between(0, 100).all()
    assert (allies["personnel_thousands"] > 0).all()
    assert allies["rank"].between(1, 9).all()
    assert df["benchmark"].iloc[0] in [v for v, _ in ch4.benchmark_options()]


@SLOW
@given(shade=ANY, points=ANY)
def test_map_model_never_raises(shade, points):
    df = ch4.map_layers(shade, points)
    countries = df[df["layer"] == "country"]
    assert len(countries) == len(_geojson()["features"])
    assert set(countries["category"]) <= set(ch4.CATEGORY_ORDER)
    assert df.loc[df["layer"] == "place", "lat"].between(34, 49).all()


@SLOW
@given(values=st.dictionaries(st.sampled_from(["measure", "us", "benchmark"]), ANY, max_size=3))
def test_forces_explorer_clamps_any_input(values):
    e = ch4.forces_explorer()
    frame = e.compute(**values)
    assert not frame.empty


def test_explorers_grids_are_small_and_every_control_matters():
    for make in (ch4.explorer, ch4.forces_explorer):
        e = make()
        grid = e.grid()
        states = math.prod(len(c.values()) for c in e.controls)
        assert states <= 600 and len(grid) <= 20000
        spec = e.static_chart().to_dict()
        assert len(json.dumps(spec)) < 1_000_000
        base = e.defaults()
        ref = e.compute(**base).to_json()
        for c in e.controls:
            others = [v for v in c.values() if v != base[c.name]]
            assert others, c.name
            for v in others:
                assert e.compute(**{**base, c.name: v}).to_json() != ref, (c.name, v)
    with pytest.raises(TypeError):
        ch4.explorer().compute(zoom=3)


def test_map_uses_shapes_once_and_no_tiles():
    spec = ch4.explorer().static_chart().to_dict()
    text = json.dumps({k: v for k, v in spec.items() if k != "$schema"})
    assert '"url"' not in text and "http" not in text  # everything inline: no tile server, no fetched data
    assert text.count('"UA-43"') >= 1


def test_map_layers_change_with_controls():
    nato = ch4.map_layers("nato", "straits")
    coast = ch4.map_layers("coast", "grain")
    assert set(nato.loc[nato["layer"] == "place", "category"]) == {"Strait"}
    assert "Grain Initiative port" in set(coast.loc[coast["layer"] == "place", "category"])
    assert (coast["layer"] == "route").any() and not (nato["layer"] == "route").any()
    assert ch4.map_layers("nato", "none").query("layer == 'place'").empty
    tur = coast[(coast["layer"] == "country") & (coast["id"] == "TUR")].iloc[0]
    assert tur["category"] == "Black Sea coast, NATO ally ★" and "★" in tur["label"] and "coast" in tur["label"]


# -- figures ------------------------------------------------------------------

def test_figures_have_findings_and_numbers():
    fig = ch4.exports_figure()
    assert "7,154" in fig.description and "6,700" in fig.description
    assert "Source:" in fig.source
    g = ch4.grain_figure()
    assert "33" in g.title and "Interfax" in g.source


# -- exercises ----------------------------------------------------------------

def test_export_growth_exercise():
    expected = (_exports("tim_goods", 2024) / _exports("tim_goods", 2018) - 1) * 100
    assert exercise("ch4-export-growth").expected() == pytest.approx(expected)
    assert check("ch4-export-growth", round(expected, 1)).correct
    mixed = (_exports("ssb_headline", 2024) / _exports("tim_goods", 2018) - 1) * 100
    fb = check("ch4-export-growth", mixed)
    assert not fb.correct and "mixed measures" in fb.message
    fb = check("ch4-export-growth", _exports("tim_goods", 2024) / _exports("tim_goods", 2018))
    assert not fb.correct and "ratio" in fb.message
    assert check("ch4-export-growth", "206").status == "invalid"
    assert check("ch4-export-growth", ...).status == "missing"


def test_seven_billion_exercise():
    raw = load("turkiye_defence_exports")
    raw = raw[raw["year"] == 2024].set_index("measure")["exports_usd_million"]
    assert raw["ssb_headline"] > 7000 >= raw["tim_goods"]  # the premise of answer b
    fb = check("ch4-seven-billion", "b")
    assert fb.correct and f"{raw['ssb_headline']:,.0f}" in fb.message
    for wrong in ("a", "c", "d"):
        fb = check("ch4-seven-billion", wrong)
        assert not fb.correct and fb.message
    assert check("ch4-seven-billion", 2).status == "invalid"


def test_army_claim_exercise():
    nato = _nato_personnel().sort_values(ascending=False)
    assert list(nato.index[:2]) == ["USA", "TUR"]  # the premise of answer a
    gfp = load("armed_forces_personnel")
    assert "USA" not in set(gfp.loc[gfp["source"] == "volknews-2025-09", "iso3"])  # the premise of c's feedback
    assert check("ch4-army-claim", "a").correct
    fb = check("ch4-army-claim", "b")
    assert not fb.correct and f"{nato['POL']:g}" in fb.message


def test_littoral_allies_exercise():
    assert check("ch4-littoral-allies", ["Turkey", "Bulgaria", "Romania"]).correct
    assert check("ch4-littoral-allies", "türkiye, romania, bulgaria").correct
    fb = check("ch4-littoral-allies", ["Türkiye", "Romania", "Bulgaria", "Greece"])
    assert not fb.correct and "Greece" in fb.message
    fb = check("ch4-littoral-allies", ["Türkiye", "Romania"])
    assert not fb.correct and "missing" in fb.message


def test_cost_per_person_exercise():
    usd, per = _usd_2024(), _nato_personnel()
    expected = (usd["DEU"] / per["DEU"]) / (usd["TUR"] / per["TUR"])
    assert exercise("ch4-cost-per-person").expected() == pytest.approx(expected)
    assert check("ch4-cost-per-person", round(expected, 2)).correct
    fb = check("ch4-cost-per-person", 1 / expected)
    assert not fb.correct and "divided Türkiye by Germany" in fb.message
    fb = check("ch4-cost-per-person", usd["DEU"] / usd["TUR"])
    assert not fb.correct and "total budgets" in fb.message


# -- quiz -----------------------------------------------------------------------

def test_quiz():
    q = ch4.quiz()
    assert len(q.questions) >= 5
    numeric = {type(x).__name__ for x in q.questions}
    assert {"Numeric", "MultipleChoice"} <= numeric
    gap = _exports("ssb_headline", 2024) - _exports("tim_goods", 2024)
    answers = [x.answer for x in q.questions if type(x).__name__ == "Numeric"]
    assert 2 in answers and pytest.approx(gap) in answers
    html = q.to_html()
    assert html.count("<fieldset") == len(q.questions)
    for x in q.questions:
        if type(x).__name__ == "MultipleChoice":
            assert all(o.why for o in x.options)


def test_specs_are_strict_json_and_the_live_view_redraws():
    for e in (ch4.explorer(), ch4.forces_explorer()):
        json.dumps(e.static_chart().to_dict(), allow_nan=False)
        for c in e.controls:
            for v in c.values():
                json.dumps(e.spec(**{c.name: v}), allow_nan=False)
        box = e.widget()
        out, status = box.children[-1], box.children[-2]
        assert len(out.outputs) == 1 and "application/vnd.vegalite.v5+json" in out.outputs[0]["data"]
        json.dumps(out.outputs, allow_nan=False)
        before = json.dumps(out.outputs)
        first = box.children[0]
        first.value = [v for v in e.controls[0].values() if v != first.value][0]
        assert json.dumps(out.outputs) != before and "ck-status" in status.value
    for fig in (ch4.exports_figure(), ch4.grain_figure()):
        json.dumps(fig.spec, allow_nan=False)
