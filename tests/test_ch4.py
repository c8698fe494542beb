"""Chapter 4: shapes loader, places, data helpers, models, explorers, figures and facts, with bad input.

The questions themselves are checked by tests/test_content.py; here the computations behind them are tested
against independent pandas computations on the raw tables.
"""

from __future__ import annotations

import json
import math
import re
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit import DataError, load
from coursekit.chapters import ch4
from coursekit.content import fact
from coursekit.data import data_dir

ANY = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                st.text(max_size=12), st.lists(st.integers(), max_size=3))
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- independent computations from the raw tables ---------------------------

def _exports(measure: str, year: int) -> float:
    df = load("turkiye_defence_exports")
    return float(df.loc[(df["measure"] == measure) & (df["year"] == year), "exports_usd_million"].iloc[0])


def _nato_personnel(year: int = 2024) -> pd.Series:
    df = load("armed_forces_personnel")
    df = df[df["definition"].str.contains("June 2024 release") & (df["year"] == year)]
    return df.set_index("iso3")["personnel_thousands"]


def _usd_2024() -> pd.Series:
    df = load("nato_defence_spending_usd")
    return df[(df["year"] == 2024) & (df["release"] == "2024-06")].set_index("iso3")["usd_million"]


def _allies_2024() -> set[str]:
    sp = load("nato_defence_spending")
    return set(sp.loc[(sp["year"] == 2024) & (sp["release"] == "2024-06"), "iso3"])


def _geojson() -> dict:
    return json.loads((data_dir() / "black_sea_countries.geojson").read_text(encoding="utf-8"))


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A throwaway copy of the data folder, so a test can break or change a file."""
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    monkeypatch.setenv("COURSEKIT_DATA", str(folder))
    return folder


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


def test_load_shapes_returns_a_deep_copy():
    a = ch4.load_shapes()
    a["features"][0]["properties"]["name"] = "changed"
    a["features"].clear()
    again = ch4.load_shapes()
    assert again["features"] and again["features"][0]["properties"]["name"] != "changed"


def test_nato_membership_matches_the_course_data():
    rm = load("regional_memberships")
    rm = rm[rm["organisation"] == "NATO"].set_index("iso3")["status"].eq("member")
    allies = _allies_2024()
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


# -- places (UN/LOCODE) and the straits ----------------------------------------

def _from_dm(text: str) -> tuple[float, float]:
    m = re.fullmatch(r"(\d{2})(\d{2})([NS]) (\d{3})(\d{2})([EW])", text)
    assert m, text
    lat = (int(m[1]) + int(m[2]) / 60) * (1 if m[3] == "N" else -1)
    lon = (int(m[4]) + int(m[5]) / 60) * (1 if m[6] == "E" else -1)
    return lat, lon


def test_port_coordinates_are_unece_s_own():
    ports = load("black_sea_ports")
    assert len(ports) >= 8 and ports["locode"].is_unique
    for r in ports.itertuples():
        lat, lon = _from_dm(r.unlocode_coordinates)
        assert abs(lat - r.lat) < 1 / 120 and abs(lon - r.lon) < 1 / 120, r.name
        assert r.locode[:2] == {"TUR": "TR", "UKR": "UA", "ROU": "RO", "BGR": "BG", "RUS": "RU", "GEO": "GE"}[r.iso3]
    kinds = ports.groupby("kind")["iso3"].agg(set)
    assert kinds["strait"] == {"TUR"} and kinds["grain_port"] == {"UKR"}
    assert (ports["kind"] == "grain_port").sum() == 3


def test_places_keep_the_data_and_add_labels():
    p = ch4.places()
    raw = load("black_sea_ports")
    assert list(p["locode"]) == list(raw["locode"])
    assert set(p["short"]) >= {"Bosporus", "Dardanelles", "Odesa"}
    assert (p["label_lon"] - p["lon"]).abs().max() < 2 and (p["label_lat"] - p["lat"]).abs().max() < 1


def test_littoral_states_and_allies():
    ports = load("black_sea_ports")
    coast = set(ports.loc[ports["kind"] != "strait", "iso3"])
    assert ch4.littoral_states() == coast == {"TUR", "BGR", "ROU", "UKR", "RUS", "GEO"}
    shapes = pd.DataFrame([f["properties"] | {"id": f["id"]} for f in _geojson()["features"]])
    whole = shapes[shapes["id"] == shapes["iso3"]]
    expected = sorted(whole.loc[whole["nato_member"] & whole["iso3"].isin(coast), "name"])
    assert ch4.littoral_allies() == expected == fact("ch4", "littoral_allies")


def test_a_port_dropped_from_the_data_changes_the_littoral_states(data_copy):
    path = data_copy / "black_sea_ports.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if ",GEO," not in line), encoding="utf-8")
    assert "GEO" not in ch4.littoral_states()


def test_haversine_and_distances():
    assert ch4.haversine_km(0, 0, 0, 1) == pytest.approx(111.19, rel=1e-3)
    assert ch4.haversine_km(41.0, 29.0, 41.0, 29.0) == 0
    for bad in ("41", None, float("nan"), True):
        with pytest.raises(TypeError):
            ch4.haversine_km(bad, 0, 0, 0)
    p = load("black_sea_ports").set_index("name")
    a, b = p.loc["Odesa"], p.loc["Istanbul (Bosporus)"]
    assert ch4.distance_km("Odesa", "Istanbul (Bosporus)") == pytest.approx(
        ch4.haversine_km(a["lat"], a["lon"], b["lat"], b["lon"]))
    assert ch4.distance_km("Odesa", "Odesa") == 0
    with pytest.raises(ValueError, match="no place called 'Varna'"):
        ch4.distance_km("Varna", "Odesa")


# -- the grain corridor ---------------------------------------------------------

def test_grain_helpers():
    g = load("grain_corridor")
    cum = ch4.grain_cumulative()
    raw = g[(g["category"] == "cumulative_total") & (g["item"] == "tonnes exported")]
    assert len(cum) == len(raw) and cum["value"].max() == raw["value"].max()
    assert cum["date"].is_monotonic_increasing
    dest = ch4.grain_destinations()
    raw = g[(g["category"] == "destination_country") & (g["unit"] == "tonnes") & (g["source"] == "worldgrain-2023-06")]
    assert dest["item"].iloc[0] == raw.sort_values("value").iloc[-1]["item"] == fact("ch4", "grain_top_destination")
    with pytest.raises(ValueError, match="no destination tonnages"):
        ch4.grain_destinations("nowhere")
    minister = g[(g["source"] == "tass-2023-06-26") & (g["item"] == "tonnes exported")]["value"].iloc[0]
    assert ch4.grain_total("tass-2023-06-26") == minister
    with pytest.raises(ValueError, match="no running total"):
        ch4.grain_total("nowhere")


# -- exports ------------------------------------------------------------------

def test_export_growth_and_cagr_match_pandas():
    ratio = _exports("tim_goods", 2024) / _exports("tim_goods", 2018)
    assert ch4.export_growth(2018, 2024) == pytest.approx((ratio - 1) * 100) == pytest.approx(
        fact("ch4", "export_growth_tim"))
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


def test_export_facts_follow_the_data():
    assert fact("ch4", "ssb_2024") == _exports("ssb_headline", 2024)
    assert fact("ch4", "tim_2024") == _exports("tim_goods", 2024)
    assert fact("ch4", "export_gap_2024") == _exports("ssb_headline", 2024) - _exports("tim_goods", 2024)
    assert fact("ch4", "ssb_goods_2025") + fact("ch4", "ssb_services_2025") == pytest.approx(
        fact("ch4", "ssb_2025"), abs=10)  # goods plus services, as SSB rounds them


# -- forces -------------------------------------------------------------------

@pytest.mark.parametrize("year", ch4.YEARS)
def test_personnel_covers_every_ally_and_ranks_like_pandas(year):
    nato = _nato_personnel(year).sort_values(ascending=False)
    assert set(nato.index) == _allies_2024()  # one release, every ally with armed forces
    got = ch4.personnel(year)
    assert list(got["iso3"]) == list(nato.index) and list(got["rank"]) == list(range(1, len(nato) + 1))
    assert ch4.rank_of("TUR", year) == list(nato.index).index("TUR") + 1


def test_personnel_facts():
    nato = _nato_personnel(2024)
    assert fact("ch4", "tur_personnel_2024") == nato["TUR"]
    assert fact("ch4", "tur_rank_2024") == int((nato > nato["TUR"]).sum()) + 1
    assert fact("ch4", "tur_rank_2024_without_us") == int((nato.drop("USA") > nato["TUR"]).sum()) + 1
    assert fact("ch4", "allies_with_personnel_2024") == len(nato)
    assert fact("ch4", "usa_personnel_2024_m") == round(nato["USA"] / 1000, 1)


def test_personnel_bad_input():
    with pytest.raises(ValueError, match="2014 and 2024 only"):
        ch4.personnel(2020)
    for bad in ("2024", 2024.0, True, None):
        with pytest.raises(TypeError):
            ch4.personnel(bad)
    with pytest.raises(ValueError, match="'XXX'"):
        ch4.personnel_of("XXX")
    with pytest.raises(ValueError, match="excluded"):
        ch4.rank_of("TUR", exclude=("TUR",))


def test_a_missing_row_is_named_not_hidden(data_copy):
    path = data_copy / "armed_forces_personnel.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [line for line in lines if not (line.startswith("Türkiye,TUR,2024,") and "June 2024" in line)]
    assert len(keep) == len(lines) - 1
    path.write_text("".join(keep), encoding="utf-8")
    with pytest.raises(ValueError, match="'TUR' has no 2024 figure"):
        ch4.personnel_of("TUR", 2024)
    with pytest.raises(RuntimeError, match="fact 'tur_rank_2024'"):
        fact("ch4", "tur_rank_2024")


def test_spend_per_person_matches_pandas():
    usd, per = _usd_2024(), _nato_personnel()
    assert ch4.spend_per_person("TUR") == pytest.approx(usd["TUR"] / per["TUR"])
    assert fact("ch4", "cost_ratio") == pytest.approx((usd["DEU"] / per["DEU"]) / (usd["TUR"] / per["TUR"]))
    assert "FRA" not in usd.index
    with pytest.raises(ValueError):
        ch4.spend_per_person("FRA")  # no USD figure for France in the June 2024 rows
    with pytest.raises(ValueError):
        ch4.spend_per_person("XXX")


def test_benchmarks_come_from_the_guidelines_dataset():
    g = load("nato_spending_guidelines").set_index("id")["pct_gdp"]
    values = [v for v, _ in ch4.benchmark_options()]
    assert values == [g["wales-2pct"], g["hague-core"], g["hague-total"]]


def test_forces_model_rows_and_caption():
    nato = _nato_personnel(2024)
    df = ch4.forces_compare(2024, "show", 2.0)
    allies = df[df["row"] == "ally"]
    assert len(allies) == len(nato)
    assert f"Türkiye 2nd of {len(nato)} allies" in df.loc[df["row"] == "caption", "label"].iloc[0]
    hidden = ch4.forces_compare(2024, "hide", 2.0)
    assert "USA" not in set(hidden["iso3"].dropna()) and (hidden["row"] == "ally").sum() == len(nato) - 1
    share = load("nato_defence_spending")
    for year in ch4.YEARS:
        above = ch4.forces_compare(year, "show", 3.5)
        pct = share[(share["year"] == year) & (share["release"] == "2024-06")].set_index("iso3")["pct_gdp"]
        for r in above[above["row"] == "ally"].itertuples():
            assert (r.meets == "At or above the line") is bool(pct[r.iso3] >= 3.5)
            assert r.personnel_thousands == _nato_personnel(year)[r.iso3]
    labelled = allies[allies["label"] != ""]
    assert set(labelled["iso3"]) == set(ch4._LABELLED)


@SLOW
@given(year=ANY, us=ANY, benchmark=ANY)
def test_forces_model_never_raises(year, us, benchmark):
    df = ch4.forces_compare(year, us, benchmark)
    allies = df[df["row"] == "ally"]
    assert (df["row"] == "caption").sum() == 1
    assert allies["pct_gdp"].between(0, 100).all()
    assert (allies["personnel_thousands"] > 0).all()
    assert df["year_shown"].iloc[0] in ch4.YEARS
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
@given(values=st.dictionaries(st.sampled_from(["year", "us", "benchmark"]), ANY, max_size=3))
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
    shapes = json.dumps(ch4._lookup_text())[1:-1]
    assert text.count(shapes[:400]) == 1, "the country shapes should be in the chart exactly once"


def test_map_layers_change_with_controls():
    nato = ch4.map_layers("nato", "straits")
    coast = ch4.map_layers("coast", "grain")
    every = ch4.map_layers("nato", "all")
    assert set(nato.loc[nato["layer"] == "place", "category"]) == {ch4.PLACE_KINDS["strait"]}
    assert ch4.PLACE_KINDS["grain_port"] in set(coast.loc[coast["layer"] == "place", "category"])
    assert (every["layer"] == "place").sum() == len(load("black_sea_ports"))
    assert (coast["layer"] == "route").any() and not (nato["layer"] == "route").any()
    assert ch4.map_layers("nato", "none").query("layer == 'place'").empty
    tur = coast[(coast["layer"] == "country") & (coast["id"] == "TUR")].iloc[0]
    assert tur["category"] == "Black Sea coast, NATO ally ★" and "★" in tur["label"] and "coast" in tur["label"]
    notes = every.loc[every["layer"] == "place", "note"]
    assert notes.str.contains("UN/LOCODE").all()


# -- operations -------------------------------------------------------------------

def test_operations_follow_the_data():
    raw = load("turkiye_operations")
    ops = ch4.operations()
    assert len(ops) == len(raw) and ops["when"].is_monotonic_increasing
    for org in ch4.ORGANISATIONS:
        assert ch4.operations_run_by(org) == sorted(set(raw.loc[raw["organisation"] == org, "operation"]))
    assert ch4.operations_commanded() == sorted(set(raw.loc[raw["in_command"], "operation"]))
    assert fact("ch4", "nato_operations") == ch4.operations_run_by("NATO")
    assert "MCM Black Sea" not in ch4.operations_run_by("NATO")  # run by the three littoral allies
    assert "EUFOR Althea" in ch4.operations_run_by("EU")
    with pytest.raises(ValueError, match="unknown organisation"):
        ch4.operations_run_by("OSCE")


def test_operations_table_escapes_text_and_links_sources(data_copy):
    path = data_copy / "turkiye_operations.csv"
    text = path.read_text(encoding="utf-8").replace("Sent the frigate TCG Gemlik", "Sent <b>TCG Gemlik</b>")
    path.write_text(text, encoding="utf-8")
    table = ch4.operations_table()._repr_html_()
    assert "&lt;b&gt;TCG Gemlik&lt;/b&gt;" in table and "<b>" not in table
    assert table.count("<tr>") == len(load("turkiye_operations")) + 1
    assert "https://mc.nato.int/" in table


def test_pkk_order_follows_the_timeline_dates():
    tl = load("timeline").set_index("title")
    expected = sorted(ch4.PKK_EVENTS, key=lambda t: tl.loc[t, "date"])
    assert fact("ch4", "pkk_order") == expected
    assert len(set(tl.loc[list(ch4.PKK_EVENTS), "date"])) == len(ch4.PKK_EVENTS)


# -- figures and facts ------------------------------------------------------------

def test_figures_state_findings_from_the_data():
    fig = ch4.exports_figure()
    assert f"{_exports('ssb_headline', 2024):,.0f}" in fig.description
    assert f"{_exports('tim_goods', 2024):,.0f}" in fig.description
    assert "Source:" in fig.source
    g = ch4.grain_figure()
    assert "33" in g.title and "Interfax" in g.source
    ops = ch4.operations_figure()
    raw = load("turkiye_operations")
    assert f"in {raw.loc[raw['in_command'], 'operation'].nunique()} of the {raw['operation'].nunique()}" in ops.title
    assert "NATO Allied Maritime Command" in ops.source


def test_every_fact_computes():
    for name in ch4.FACTS:
        value = fact("ch4", name)
        assert value is not None and value != [] and value != "", name


def test_specs_are_strict_json_and_the_live_view_redraws():
    for e in (ch4.explorer(), ch4.forces_explorer()):
        json.dumps(e.static_chart().to_dict(), allow_nan=True)
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
    for fig in (ch4.exports_figure(), ch4.grain_figure(), ch4.operations_figure()):
        json.dumps(fig.spec, allow_nan=False)
