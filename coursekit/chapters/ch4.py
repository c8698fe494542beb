"""Chapter 4. NATO's strategic bridge: Türkiye in the alliance.

Data helpers, pure models, figures, two explorers (a map of the Black Sea and
the Straits; allies' force size against their spending), exercises and the
quiz. Every number shown comes from ``data/``: the CSV datasets through
:func:`coursekit.load`, the country shapes through :func:`load_shapes`.
"""

from __future__ import annotations

import copy
import json
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd

from ..charts import colour_scale, dash_scale, figure, shape_scale
from ..data import DataError, data_dir, load, resource, source_line
from ..exercises import ChoiceExercise, NumberExercise, SetExercise, register
from ..explorer import Choice, Explorer
from ..quiz import MultipleChoice, Numeric, Option, Quiz

# ---------------------------------------------------------------------------
# Country shapes (GeoJSON, not a CSV: the course loader validates CSV only)
# ---------------------------------------------------------------------------

SHAPES = "black_sea_countries"
_SHAPES_FILE = "black_sea_countries.geojson"
_REQUIRED_PROPS = {"name": str, "iso3": str, "nato_member": bool, "label_lon": numbers.Real,
                   "label_lat": numbers.Real}


def shapes_path() -> Path:
    """Where the shapes file is: the path given in ``datapackage.json``, else the usual file name."""
    folder = data_dir()
    try:
        return folder / resource(SHAPES)["path"]
    except DataError:
        return folder / _SHAPES_FILE


def _check_ring(ring, where: str, path: Path) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise DataError(path, f"{where}: a ring needs a list of at least 4 positions")
    for pos in ring:
        if (not isinstance(pos, list) or len(pos) < 2
                or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)
                           for v in pos[:2])):
            raise DataError(path, f"{where}: position {pos!r} is not a pair of finite numbers")
        if not (-180 <= pos[0] <= 180 and -90 <= pos[1] <= 90):
            raise DataError(path, f"{where}: position {pos!r} is outside longitude/latitude range")
    if ring[0][:2] != ring[-1][:2]:
        raise DataError(path, f"{where}: ring is not closed (first and last positions differ)")


def _validate_shapes(doc, path: Path) -> None:
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise DataError(path, "expected a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise DataError(path, "the FeatureCollection has no features")
    seen = set()
    for i, feat in enumerate(features):
        where = f"feature {i}"
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            raise DataError(path, f"{where} is not a GeoJSON Feature")
        fid = feat.get("id")
        if not isinstance(fid, str) or not fid:
            raise DataError(path, f"{where} has no text id")
        where = f"feature {i} ('{fid}')"
        if fid in seen:
            raise DataError(path, f"{where}: duplicate id")
        seen.add(fid)
        props = feat.get("properties")
        if not isinstance(props, dict):
            raise DataError(path, f"{where} has no properties")
        for key, kind in _REQUIRED_PROPS.items():
            value = props.get(key)
            if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
                raise DataError(path, f"{where}: property '{key}' is missing or not {kind.__name__}")
        if len(props["iso3"]) != 3 or not props["iso3"].isupper():
            raise DataError(path, f"{where}: iso3 '{props['iso3']}' is not a three-letter code")
        geom = feat.get("geometry")
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            raise DataError(path, f"{where}: geometry must be a Polygon or MultiPolygon")
        polys = [geom.get("coordinates")] if geom["type"] == "Polygon" else geom.get("coordinates")
        if not isinstance(polys, list) or not polys:
            raise DataError(path, f"{where}: geometry has no coordinates")
        for poly in polys:
            if not isinstance(poly, list) or not poly:
                raise DataError(path, f"{where}: a polygon has no rings")
            for ring in poly:
                _check_ring(ring, where, path)


@lru_cache(maxsize=4)
def _shapes_cached(path: str, mtime: float) -> dict:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataError(p, f"not UTF-8 text (byte {err.start})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(p, f"not valid JSON ({err.msg})", line=err.lineno) from None
    _validate_shapes(doc, p)
    return doc


def load_shapes() -> dict:
    """The country shapes as a GeoJSON FeatureCollection (a fresh copy each call).

    Raises :class:`coursekit.DataError` naming ``data/black_sea_countries.geojson``
    when the file is missing, is not JSON, or is not a valid collection of
    (multi)polygons with the properties the chapter needs.
    """
    path = shapes_path()
    if not path.exists():
        raise DataError(path, "file not found: the country shapes for the chapter 4 map are missing "
                              "(see data/datapackage.json, resource 'black_sea_countries')")
    return copy.deepcopy(_shapes_cached(str(path), path.stat().st_mtime))


def shapes_table() -> pd.DataFrame:
    """One row per map area: id, name, iso3, NATO membership, label point and note."""
    rows = [{"id": f["id"], **{k: f["properties"].get(k) for k in
                               ("name", "iso3", "nato_member", "nato_basis", "label_lon", "label_lat", "note")}}
            for f in load_shapes()["features"]]
    frame = pd.DataFrame(rows)
    frame.attrs = {"name": SHAPES, "title": "Country shapes", "sources": resource(SHAPES).get("sources", [])}
    return frame


# ---------------------------------------------------------------------------
# Places, straits and the grain corridor
# ---------------------------------------------------------------------------

PLACE_KINDS = {"strait": "Strait", "grain_port": "Grain Initiative port", "port": "Other port",
               "naval_base": "Naval base"}
#: Short labels for the map, and label offsets (degrees) where points crowd together.
_PLACE_LABELS = {
    "Odesa (port)": ("Odesa", -1.45, 0.2), "Chornomorsk (port)": ("Chornomorsk", 0.3, -0.3),
    "Pivdennyi (Yuzhne)": ("Pivdennyi", 0.3, 0.15), "Bosporus (Istanbul)": ("Bosporus", 0.3, 0.25),
    "Dardanelles (Çanakkale)": ("Dardanelles", -0.2, -0.55), "Constanța (port)": ("Constanța", 0.3, 0.0),
    "Varna": ("Varna", 0.3, 0.1), "Burgas (port)": ("Burgas", 0.3, -0.2),
    "Novorossiysk (Tsemes Bay)": ("Novorossiysk", 0.3, 0.1), "Sevastopol Naval Base": ("Sevastopol", -0.2, -0.45),
    "Batumi Sea Port": ("Batumi", 0.3, -0.1), "Samsun (port)": ("Samsun", 0.2, -0.45),
}


def places() -> pd.DataFrame:
    """Ports, straits and bases with a readable kind and a short map label."""
    df = load("black_sea_ports")
    df["kind_label"] = df["kind"].map(PLACE_KINDS).fillna("Other")
    df["short"] = [_PLACE_LABELS.get(n, (n, 0.3, 0.0))[0] for n in df["name"]]
    df["label_lon"] = [lon + _PLACE_LABELS.get(n, (n, 0.3, 0.0))[1] for n, lon in zip(df["name"], df["lon"], strict=True)]
    df["label_lat"] = [lat + _PLACE_LABELS.get(n, (n, 0.3, 0.0))[2] for n, lat in zip(df["name"], df["lat"], strict=True)]
    return df


def littoral_states() -> set[str]:
    """ISO codes of the countries with a Black Sea port or base in the course data (straits excluded)."""
    p = load("black_sea_ports")
    return set(p.loc[p["kind"] != "strait", "iso3"])


def littoral_allies() -> list[str]:
    """Names of the NATO allies with a Black Sea coast: NATO members (shapes) that are littoral states."""
    shapes = shapes_table()
    whole = shapes[shapes["id"] == shapes["iso3"]]
    keep = whole["nato_member"] & whole["iso3"].isin(littoral_states())
    return sorted(whole.loc[keep, "name"])


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean Earth radius 6,371 km)."""
    for v in (lat1, lon1, lat2, lon2):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise TypeError(f"coordinates must be finite numbers, got {v!r}")
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


REPORTERS = {
    "jcc-imo-2022-08-17": "Joint Coordination Centre / UN", "odessajournal-2022-09": "Joint Coordination Centre / UN",
    "seatrade-2022-10": "Joint Coordination Centre / UN", "worldgrain-2023-01": "Joint Coordination Centre / UN",
    "urdupoint-2023-04-04": "Ukrainian MP", "tass-2023-05-25": "Turkish government",
    "tass-2023-06-26": "Turkish government", "worldgrain-2023-06": "USDA reading of JCC data",
    "interfax-2023-07-18": "EU statement",
}


def grain_cumulative() -> pd.DataFrame:
    """Running totals of tonnes exported under the Black Sea Grain Initiative, one row per report."""
    g = load("grain_corridor")
    keep = (g["category"] == "cumulative_total") & (g["item"] == "tonnes exported")
    df = g[keep].copy()
    df["date"] = pd.to_datetime(df["as_of"], format="%Y-%m-%d")
    df["million_tonnes"] = df["value"] / 1e6
    df["reporter"] = df["source"].map(REPORTERS).fillna("Other")
    return df.sort_values(["date", "source"]).reset_index(drop=True)


def grain_destinations(source: str = "worldgrain-2023-06") -> pd.DataFrame:
    """Tonnes by destination country as reported by one source."""
    g = load("grain_corridor")
    keep = (g["category"] == "destination_country") & (g["unit"] == "tonnes") & (g["source"] == source)
    if not keep.any():
        known = sorted(set(g.loc[g["category"] == "destination_country", "source"]))
        raise ValueError(f"no destination tonnages from source {source!r}; sources with some: {', '.join(known)}")
    return g[keep].sort_values("value", ascending=False).reset_index(drop=True)


# ---------------------------------------------------------------------------
# Defence exports (three publishers, three definitions: never mixed)
# ---------------------------------------------------------------------------

MEASURES = {
    "tim_goods": "TİM sector statistics (goods)",
    "ssb_headline": "SSB headline figure",
    "sasad_survey": "SASAD industry survey",
    "ssb_goods": "SSB figure, goods only",
    "ssb_services": "SSB figure, services only",
}


def exports(measure: str | None = None) -> pd.DataFrame:
    """Defence and aerospace exports (million USD); one measure, or all with a readable label."""
    df = load("turkiye_defence_exports")
    if measure is not None:
        if measure not in MEASURES:
            raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
        df = df[df["measure"] == measure]
    df = df.copy()
    df["measure_label"] = df["measure"].map(MEASURES)
    return df.sort_values(["year", "measure"]).reset_index(drop=True)


def export_value(year: int, measure: str) -> float:
    """Exports in million USD for one year on one measure; a clear error when there is no such figure."""
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        raise TypeError(f"year must be a whole number, got {year!r}")
    df = exports(measure)
    row = df[df["year"] == int(year)]
    if row.empty:
        years = ", ".join(str(y) for y in df["year"])
        raise ValueError(f"no {MEASURES[measure]} figure for {year}; years with one: {years}")
    return float(row["exports_usd_million"].iloc[0])


def export_growth(first: int = 2018, last: int = 2024, measure: str = "tim_goods") -> float:
    """Percentage growth of exports between two years on ONE measure."""
    start, end = export_value(first, measure), export_value(last, measure)
    if start <= 0:
        raise ValueError("growth from a zero base is undefined")
    return (end / start - 1) * 100


def export_cagr(first: int = 2018, last: int = 2024, measure: str = "tim_goods") -> float:
    """Compound annual growth rate (percent a year) between two years on one measure."""
    if isinstance(first, bool) or isinstance(last, bool) or not (
            isinstance(first, numbers.Integral) and isinstance(last, numbers.Integral)):
        raise TypeError("years must be whole numbers")
    if last <= first:
        raise ValueError("the last year must come after the first")
    ratio = export_value(last, measure) / export_value(first, measure)
    return (ratio ** (1 / (last - first)) - 1) * 100


def seven_billion_check(year: int = 2024, threshold_musd: float = 7000) -> pd.DataFrame:
    """For each measure with a figure in ``year``: the value and whether it tops the threshold."""
    df = exports()
    df = df[df["year"] == year][["year", "measure", "measure_label", "exports_usd_million", "note", "source"]]
    return df.assign(above=df["exports_usd_million"] > threshold_musd).reset_index(drop=True)


# ---------------------------------------------------------------------------
# Armed forces and spending
# ---------------------------------------------------------------------------

FORCE_MEASURES = {
    "nato": ("NATO count of military personnel, 2024 estimate (June 2024 release)", "businessinsiderpl-2024-07"),
    "gfp": ("Global Firepower 2025: active military personnel", "volknews-2025-09"),
}


def personnel(measure: str = "nato") -> pd.DataFrame:
    """Personnel (thousands) of the allies with a figure on one measure, ranked largest first."""
    if measure not in FORCE_MEASURES:
        raise ValueError(f"unknown personnel measure {measure!r}; use one of {', '.join(FORCE_MEASURES)}")
    df = load("armed_forces_personnel")
    df = df[df["source"] == FORCE_MEASURES[measure][1]].copy()
    df = df.sort_values("personnel_thousands", ascending=False).reset_index(drop=True)
    df["rank"] = range(1, len(df) + 1)
    return df


def rank_of(iso3: str = "TUR", measure: str = "nato") -> int:
    """Rank (1 = largest) of one ally by personnel among the allies with a figure on the measure."""
    df = personnel(measure)
    hit = df[df["iso3"] == iso3]
    if hit.empty:
        raise ValueError(f"{iso3!r} has no figure on the {measure!r} measure; allies with one: "
                         f"{', '.join(df['iso3'])}")
    return int(hit["rank"].iloc[0])


def spending_share(year: int = 2024, release: str = "2024-06") -> pd.DataFrame:
    """Defence expenditure as % of GDP of every ally in one NATO release."""
    df = load("nato_defence_spending")
    return df[(df["year"] == year) & (df["release"] == release)].reset_index(drop=True)


def guidelines() -> pd.DataFrame:
    """NATO's spending guidelines (Wales 2014, The Hague 2025) as % of GDP."""
    return load("nato_spending_guidelines")


def benchmark_options() -> list[tuple[float, str]]:
    """(value, label) of the guidelines a reader can draw: Wales 2%, Hague core 3.5%, Hague total 5%."""
    g = guidelines().set_index("id")
    wanted = [("wales-2pct", "Wales {v:g}% (2014)"), ("hague-core", "Hague core {v:g}% (by {y})"),
              ("hague-total", "Hague total {v:g}% (by {y}, wider definition)")]
    out = []
    for gid, fmt in wanted:
        if gid in g.index:
            row = g.loc[gid]
            year = "" if pd.isna(row["by_year"]) else int(row["by_year"])
            out.append((float(row["pct_gdp"]), fmt.format(v=float(row["pct_gdp"]), y=year)))
    return out


def spend_per_person(iso3: str, year: int = 2024) -> float:
    """Defence spending per member of the armed forces, thousand USD (NATO June 2024 figures)."""
    usd = load("nato_defence_spending_usd")
    usd = usd[(usd["iso3"] == iso3) & (usd["year"] == year) & (usd["release"] == "2024-06")]
    per = personnel("nato")
    per = per[(per["iso3"] == iso3) & (per["year"] == year)]
    if usd.empty or per.empty:
        raise ValueError(f"no June 2024 NATO figures for both spending and personnel of {iso3!r} in {year}")
    return float(usd["usd_million"].iloc[0]) / float(per["personnel_thousands"].iloc[0])


def _json_clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty text instead of NaN in text columns, so the chart JSON never carries NaN."""
    frame = frame.copy()
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), "")
    return frame


def _pick(value, allowed, default):
    """``value`` if it is one of the allowed text options, else ``default`` (never raises)."""
    return value if isinstance(value, str) and value in allowed else default


#: Where an ally's label goes, to keep neighbours' labels apart (default: above right).
_LABEL_POS = {"FRA": "below", "DEU": "below-left", "ESP": "left"}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def forces_compare(measure: str = "nato", us: str = "hide", benchmark: float = 2.0) -> pd.DataFrame:
    """The forces explorer's model: allies' personnel against their 2024 spending share.

    Unknown control values fall back to the defaults, so the model never raises for a control value.
    Rows: one per ally shown (``row == 'ally'``) plus one caption row.
    """
    measure = _pick(measure, FORCE_MEASURES, "nato")
    us = _pick(us, ("hide", "show"), "hide")
    allowed = [v for v, _ in benchmark_options()] or [2.0]
    try:
        benchmark = allowed[0] if isinstance(benchmark, bool) else float(benchmark)
    except (TypeError, ValueError, OverflowError):
        benchmark = allowed[0]
    if not math.isfinite(benchmark) or benchmark not in allowed:
        benchmark = min(allowed, key=lambda v: abs(v - benchmark)) if math.isfinite(benchmark) else allowed[0]
    ranked = personnel(measure)
    share = spending_share()[["iso3", "pct_gdp"]]
    df = ranked.merge(share, on="iso3", how="left")
    n = len(df)
    tur = df.loc[df["iso3"] == "TUR", "rank"]
    has_us = (df["iso3"] == "USA").any()
    caption = (f"Türkiye: {_ordinal(int(tur.iloc[0]))} of {n} allies with a figure on this measure"
               if len(tur) else "Türkiye has no figure on this measure")
    if not has_us:
        caption += " (no US figure: ranking incomplete)"
    bench_label = dict(benchmark_options()).get(benchmark, f"{benchmark:g}%")
    if us == "hide":
        df = df[df["iso3"] != "USA"]
    df = df.assign(
        row="ally",
        benchmark=benchmark,
        meets=["At or above the line" if p >= benchmark else "Below the line" for p in df["pct_gdp"]],
        label=[f"{c} (#{r})" for c, r in zip(df["country"], df["rank"], strict=True)],
        label_pos=[_LABEL_POS.get(i, "above") for i in df["iso3"]],
        measure=FORCE_MEASURES[measure][0],
    )
    cap = pd.DataFrame([{"row": "caption", "label": caption, "benchmark": benchmark,
                         "benchmark_label": bench_label, "measure": FORCE_MEASURES[measure][0]}])
    cols = ["row", "country", "iso3", "personnel_thousands", "pct_gdp", "rank", "meets", "label", "label_pos",
            "benchmark", "benchmark_label", "measure", "source"]
    return _json_clean(pd.concat([df.reindex(columns=cols), cap], ignore_index=True).reindex(columns=cols))


def _forces_view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    kinds = ["At or above the line", "Below the line"]
    base = alt.Chart()
    allies = base.transform_filter("datum.row == 'ally'")
    points = allies.mark_point(filled=True, size=110, opacity=0.9).encode(
        x=alt.X("personnel_thousands:Q", title="Military personnel (thousands)", scale=alt.Scale(zero=True)),
        y=alt.Y("pct_gdp:Q", title="Defence spending, 2024 (% of GDP)",
                scale=alt.Scale(domain=[0, 5.5])),
        color=alt.Color("meets:N", scale=colour_scale(kinds), legend=alt.Legend(title="Against the guideline")),
        shape=alt.Shape("meets:N", scale=shape_scale(kinds), legend=alt.Legend(title="Against the guideline")),
        tooltip=[alt.Tooltip("country:N", title="Ally"),
                 alt.Tooltip("personnel_thousands:Q", title="Personnel (thousands)", format=",.1f"),
                 alt.Tooltip("rank:Q", title="Rank by personnel"),
                 alt.Tooltip("pct_gdp:Q", title="Spending (% of GDP)", format=".2f"),
                 alt.Tooltip("measure:N", title="Personnel measure")],
    )
    where = {"above": ("left", 7, -8), "below": ("left", 7, 12), "left": ("right", -8, -8),
             "below-left": ("right", -8, 12)}
    labels = [allies.transform_filter(f"datum.label_pos == '{pos}'")
              .mark_text(align=align, dx=dx, dy=dy, fontSize=11)
              .encode(x="personnel_thousands:Q", y="pct_gdp:Q", text="label:N")
              for pos, (align, dx, dy) in where.items()]
    rule = base.transform_filter("datum.row == 'caption'").mark_rule(strokeDash=[6, 3], color="#555555").encode(
        y="benchmark:Q")
    rule_text = base.transform_filter("datum.row == 'caption'").mark_text(
        align="left", dy=-6, x=4, color="#333333").encode(y="benchmark:Q", text="benchmark_label:N")
    caption = base.transform_filter("datum.row == 'caption'").mark_text(
        align="left", x=4, y=8, fontWeight="bold", color="#1a1a1a").encode(text="label:N")
    return alt.layer(rule, rule_text, points, *labels, caption, data=frame).properties(width=600, height=320)


def _forces_summary(frame: pd.DataFrame) -> str:
    cap = frame.loc[frame["row"] == "caption", "label"]
    allies = frame[frame["row"] == "ally"]
    above = int((allies["meets"] == "At or above the line").sum())
    bench = float(frame["benchmark"].iloc[0])
    return f"{cap.iloc[0]}. {above} of {len(allies)} allies shown spend at least {bench:g}% of GDP."


def forces_explorer() -> Explorer:
    opts = benchmark_options()
    nato = personnel("nato").set_index("iso3")["personnel_thousands"]
    return Explorer(
        title="Big forces, modest budgets? Allies' personnel against their defence spending",
        description=(f"Scatter plot of allies with a personnel figure in the course data: military personnel "
                     f"(thousands) across, defence spending in 2024 as a share of GDP up. On NATO's own count "
                     f"Türkiye has {nato.get('TUR', float('nan')):,g} thousand personnel, second to the United "
                     f"States ({nato.get('USA', float('nan')):,g} thousand), while spending close to the 2% line; "
                     f"Poland and Greece have smaller forces but spend more of their GDP. Switch the personnel "
                     f"measure to see how a different definition changes Türkiye's number, show or hide the "
                     f"United States, and move the guideline line."),
        controls=[
            Choice("measure", "Personnel measure", list(FORCE_MEASURES),
                   labels=["NATO count (2024)", "Global Firepower (2025)"], radio=True),
            Choice("us", "United States", ["hide", "show"], labels=["Hide", "Show"], radio=True),
            Choice("benchmark", "Guideline", [v for v, _ in opts], labels=[lab for _, lab in opts]),
        ],
        model=forces_compare,
        view=_forces_view,
        source=source_line(load("armed_forces_personnel").query("source in ['businessinsiderpl-2024-07', "
                                                                 "'volknews-2025-09']"),
                           spending_share(), guidelines()),
        summary=_forces_summary,
    )


# ---------------------------------------------------------------------------
# The map explorer
# ---------------------------------------------------------------------------

SHADES = {"nato": "NATO membership", "coast": "Black Sea coast"}
LAYERS = {"straits": "The Turkish Straits", "grain": "Grain Initiative ports and route",
          "all": "All ports, straits and bases", "none": "No points"}
#: Colour order: the first category present takes the first colour, so allies are always blue.
CATEGORY_ORDER = ["NATO ally ★", "Black Sea coast, NATO ally ★", "Not in NATO", "Black Sea coast, not in NATO",
                  "No Black Sea coast"]
_MAP_RANGE = ["#0072B2", "#E69F00", "#d9d9d9"]
_SMALL = {"ALB", "MKD", "MNE", "BIH", "HRV", "HUN", "SVK", "LBN", "CY-N"}
_SEA_ID = "SEA"


def _frame_box() -> list[float]:
    box = load_shapes().get("bbox")
    if isinstance(box, list) and len(box) == 4:
        return [float(v) for v in box]
    return [18.5, 34.0, 50.5, 49.0]


def _sea_feature() -> dict:
    """The frame as a polygon (sea background), densified and wound clockwise like the country rings."""
    w, s, e, n = _frame_box()
    steps = 16
    top = [[w + (e - w) * i / steps, n] for i in range(steps + 1)]
    right = [[e, n - (n - s) * i / steps] for i in range(1, steps + 1)]
    bottom = [[e - (e - w) * i / steps, s] for i in range(1, steps + 1)]
    left = [[w, s + (n - s) * i / steps] for i in range(1, steps + 1)]
    ring = top + right + bottom + left
    return {"type": "Feature", "id": _SEA_ID, "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


@lru_cache(maxsize=2)
def _lookup_values_cached(key: float) -> str:
    feats = [{"type": "Feature", "id": f["id"], "properties": {}, "geometry": f["geometry"]}
             for f in load_shapes()["features"]]
    return json.dumps([_sea_feature(), *feats], separators=(",", ":"), ensure_ascii=False)


def _lookup_text() -> str:
    """The shapes as one JSON string, which Vega parses in the browser.

    Inlining the geometry as text rather than as nested lists keeps the chart specification fast to build
    and validate, and avoids a stall seen when a kernel widget output carries deeply nested lists.
    """
    path = shapes_path()
    return _lookup_values_cached(path.stat().st_mtime if path.exists() else -1.0)


def _route_rows() -> list[dict]:
    p = places().set_index("name")
    straits = p[p["kind"] == "strait"]
    bos = straits[straits["short"] == "Bosporus"]
    dar = straits[straits["short"] == "Dardanelles"]
    rows = []
    for _, port in p[p["kind"] == "grain_port"].iterrows():
        stops = [(port["lon"], port["lat"])]
        stops += [(r["lon"], r["lat"]) for _, r in bos.iterrows()] + [(r["lon"], r["lat"]) for _, r in dar.iterrows()]
        for i, (lon, lat) in enumerate(stops):
            rows.append({"layer": "route", "id": f"route-{port['short']}", "name": f"{port['short']} to the Straits",
                         "lon": lon, "lat": lat, "order": i,
                         "note": "Schematic link, not the sailing route: ships under the Initiative left these "
                                 "ports for the world through the Bosporus."})
    return rows


def map_layers(shade: str = "nato", points: str = "straits") -> pd.DataFrame:
    """The map explorer's model: one row per area, place or route vertex to draw.

    ``shade`` colours the countries by NATO membership or by Black Sea coast; ``points`` picks which places
    appear. Unknown values fall back to the defaults, so the model never raises for a control value.
    """
    shade = _pick(shade, SHADES, "nato")
    points = _pick(points, LAYERS, "straits")
    coast = littoral_states()
    rows = [{"layer": "sea", "id": _SEA_ID, "name": "Sea", "category": "", "label": ""}]
    for _, a in shapes_table().iterrows():
        member, littoral = bool(a["nato_member"]), a["iso3"] in coast
        if shade == "nato":
            category = "NATO ally ★" if member else "Not in NATO"
        elif littoral:
            category = "Black Sea coast, NATO ally ★" if member else "Black Sea coast, not in NATO"
        else:
            category = "No Black Sea coast"
        short = a["id"] if a["id"] in _SMALL else a["name"]
        if a["id"] == "CY-N":
            short = ""
        if a["id"] == "UA-43":
            short = "Crimea (occupied)"
        label = short + (" ★" if member and short else "") + (" (coast)" if shade == "coast" and littoral and short else "")
        rows.append({"layer": "country", "id": a["id"], "name": a["name"], "category": category, "label": label,
                     "lon": a["label_lon"], "lat": a["label_lat"],
                     "status": ("NATO ally" if member else "not a NATO member")
                     + ("; Black Sea coast" if littoral else ""), "note": a["note"] or ""})
    p = places()
    wanted = {"straits": ["strait"], "grain": ["grain_port", "strait"],
              "all": list(PLACE_KINDS), "none": []}[points]
    for _, r in p[p["kind"].isin(wanted)].iterrows():
        rows.append({"layer": "place", "id": r["name"], "name": r["name"], "category": r["kind_label"],
                     "label": r["short"], "lon": r["lon"], "lat": r["lat"], "label_lon": r["label_lon"],
                     "label_lat": r["label_lat"], "status": r["country"], "note": r["note"]})
    if points == "grain":
        rows += _route_rows()
    cols = ["layer", "id", "name", "category", "label", "lon", "lat", "label_lon", "label_lat", "order", "status",
            "note"]
    return _json_clean(pd.DataFrame(rows).reindex(columns=cols))


def _map_view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    lookup = alt.LookupData(data=alt.Data(values=_lookup_text(), format=alt.DataFormat(type="json")), key="id")
    proj = {"type": "mercator"}
    base = alt.Chart()
    sea = (base.transform_filter("datum.layer == 'sea'").transform_lookup(lookup="id", from_=lookup, as_="geo")
           .mark_geoshape(fill="#eef4fa", stroke=None).encode(shape="geo:G").project(**proj))
    countries = (base.transform_filter("datum.layer == 'country'")
                 .transform_lookup(lookup="id", from_=lookup, as_="geo")
                 .mark_geoshape(stroke="#ffffff", strokeWidth=0.6)
                 .encode(shape="geo:G",
                         color=alt.Color("category:N", sort=CATEGORY_ORDER, scale=alt.Scale(range=_MAP_RANGE),
                                         legend=alt.Legend(title="Countries", orient="bottom")),
                         tooltip=[alt.Tooltip("name:N", title="Area"), alt.Tooltip("status:N", title="Status"),
                                  alt.Tooltip("note:N", title="Note")])
                 .project(**proj))
    names = (base.transform_filter("datum.layer == 'country' && datum.label != ''")
             .mark_text(fontSize=10, color="#1a1a1a")
             .encode(longitude="lon:Q", latitude="lat:Q", text="label:N").project(**proj))
    route = (base.transform_filter("datum.layer == 'route'")
             .mark_line(strokeDash=[5, 4], color="#000000", strokeWidth=1.4, opacity=0.8)
             .encode(longitude="lon:Q", latitude="lat:Q", detail="id:N", order="order:Q",
                     tooltip=[alt.Tooltip("name:N", title="Line"), alt.Tooltip("note:N", title="Note")])
             .project(**proj))
    kinds = list(PLACE_KINDS.values())
    marks = (base.transform_filter("datum.layer == 'place'")
             .mark_point(filled=True, size=90, color="#000000", stroke="#ffffff", strokeWidth=1, opacity=1)
             .encode(longitude="lon:Q", latitude="lat:Q",
                     shape=alt.Shape("category:N", scale=alt.Scale(domain=kinds, range=["triangle-up", "circle",
                                                                                         "square", "diamond"]),
                                     legend=alt.Legend(title="Places", orient="bottom")),
                     tooltip=[alt.Tooltip("name:N", title="Place"), alt.Tooltip("category:N", title="Kind"),
                              alt.Tooltip("status:N", title="Country"), alt.Tooltip("note:N", title="Note")])
             .project(**proj))
    place_names = (base.transform_filter("datum.layer == 'place'")
                   .mark_text(fontSize=10, fontWeight="bold", align="left", color="#000000")
                   .encode(longitude="label_lon:Q", latitude="label_lat:Q", text="label:N").project(**proj))
    return (alt.layer(sea, countries, names, route, marks, place_names, data=frame)
            .resolve_scale(color="independent", shape="independent")
            .properties(width=640, height=404))


def _map_summary(frame: pd.DataFrame) -> str:
    c = frame[frame["layer"] == "country"]
    p = frame[frame["layer"] == "place"]
    allies = int(c["category"].str.contains("NATO ally").sum())
    return f"{len(c)} areas drawn, {allies} of them NATO allies; {len(p)} places marked."


def explorer() -> Explorer:
    """The map of the Black Sea region and the Turkish Straits, with switchable layers."""
    allies = littoral_allies()
    coast = sorted(shapes_table().query("id == iso3 and iso3 in @c", local_dict={"c": littoral_states()})["name"])
    return Explorer(
        title="The Black Sea and the Straits: who holds which shore",
        description=(f"Map of the Black Sea, the Aegean and their neighbours (Natural Earth shapes, no map tiles). "
                     f"Colour the countries by NATO membership or by whether they have a Black Sea coast; "
                     f"NATO allies also carry a star in their label. {len(coast)} countries have a Black Sea port "
                     f"or base in the course data ({', '.join(coast)}); {len(allies)} of them are NATO allies "
                     f"({', '.join(allies)}). The only sea link between the Black Sea and the Mediterranean runs "
                     f"through the Bosporus and the Dardanelles, both in Türkiye. Switch the places layer to show "
                     f"the straits, the three Ukrainian ports of the Grain Initiative with a schematic line to the "
                     f"Straits, or every port and naval base."),
        controls=[Choice("shade", "Colour countries by", list(SHADES), labels=list(SHADES.values()), radio=True),
                  Choice("points", "Places", list(LAYERS), labels=list(LAYERS.values()))],
        model=map_layers,
        view=_map_view,
        source=source_line(shapes_table(), places()),
        summary=_map_summary,
    )


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

def exports_figure():
    df = exports()
    df = df[df["measure"].isin(["tim_goods", "ssb_headline", "sasad_survey"])].copy()
    df = df.sort_values(["measure", "year"])
    # a new segment wherever a measure skips a year, so no line bridges years without a figure
    df["segment"] = df["measure"] + "-" + (df.groupby("measure")["year"].diff().fillna(1).ne(1)
                                           .groupby(df["measure"]).cumsum().astype(str))
    order = [MEASURES[m] for m in ("tim_goods", "ssb_headline", "sasad_survey")]
    ratio = export_value(2024, "tim_goods") / export_value(2018, "tim_goods")
    ssb, tim = export_value(2024, "ssb_headline"), export_value(2024, "tim_goods")
    threshold = pd.DataFrame({"y": [7000], "text": ["7 billion USD"]})
    lines = alt.Chart(df).mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=alt.X("year:O", title="Year"),
        y=alt.Y("exports_usd_million:Q", title="Exports (million US dollars, current)"),
        color=alt.Color("measure_label:N", sort=order, scale=colour_scale(order), legend=alt.Legend(title="Measure")),
        strokeDash=alt.StrokeDash("measure_label:N", sort=order, scale=dash_scale(order), legend=None),
        shape=alt.Shape("measure_label:N", sort=order, scale=shape_scale(order), legend=None),
        detail="segment:N",
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("measure_label:N", title="Measure"),
                 alt.Tooltip("exports_usd_million:Q", title="Million USD", format=",.0f"),
                 alt.Tooltip("note:N", title="Note")],
    )
    rule = alt.Chart(threshold).mark_rule(color="#555555", strokeDash=[2, 2]).encode(y="y:Q")
    text = alt.Chart(threshold).mark_text(align="left", x=4, dy=-6, color="#333333").encode(y="y:Q", text="text:N")
    chart = alt.layer(lines, rule, text).properties(width=560, height=300)
    pts = "; ".join(f"{r.year} {r.measure_label}: {r.exports_usd_million:,.0f}" for r in df.itertuples())
    return figure(
        chart,
        title=(f"Exports grew {ratio:.1f}-fold from 2018 to 2024 on TİM's goods measure; only SSB's wider "
               f"2024 figure tops 7 billion dollars"),
        description=(f"Line chart of Türkiye's defence and aerospace exports in million US dollars by year, one "
                     f"line per published measure, never joined across measures or across years without a figure. In 2024 the SSB headline figure "
                     f"(which includes NATO-project and service exports) is {ssb:,.0f} million and the TİM goods "
                     f"figure {tim:,.0f} million. All points: {pts}."),
        data=df,
    )


def grain_figure():
    df = grain_cumulative()
    reporters = sorted(df["reporter"].unique())
    chart = alt.Chart(df).mark_point(filled=True, size=90, opacity=0.9).encode(
        x=alt.X("date:T", title="Date of the running total", axis=alt.Axis(format="%b %Y")),
        y=alt.Y("million_tonnes:Q", title="Cumulative exports (million tonnes)"),
        color=alt.Color("reporter:N", scale=colour_scale(reporters), legend=alt.Legend(title="Reported by")),
        shape=alt.Shape("reporter:N", scale=shape_scale(reporters), legend=alt.Legend(title="Reported by")),
        tooltip=[alt.Tooltip("as_of:N", title="As of"), alt.Tooltip("value:Q", title="Tonnes", format=",.0f"),
                 alt.Tooltip("qualifier:N", title="Qualifier"), alt.Tooltip("reporter:N", title="Reported by"),
                 alt.Tooltip("note:N", title="Note")],
    ).properties(width=560, height=300)
    last = df.iloc[-1]
    pts = "; ".join(f"{r.as_of}: {r.value:,.0f} t ({r.reporter}, {r.qualifier})" for r in df.itertuples())
    return figure(
        chart,
        title=(f"The Grain Initiative's running total reached {last['qualifier']} "
               f"{last['million_tonnes']:.0f} million tonnes before Russia ended it"),
        description=(f"Scatter of cumulative tonnes exported from Ukraine's three Black Sea ports under the "
                     f"Initiative, as reported on different dates by different bodies; reports for the same date can "
                     f"differ. Values: {pts}."),
        data=df,
    )


# ---------------------------------------------------------------------------
# Exercises
# ---------------------------------------------------------------------------

@dataclass
class _DataChoice(ChoiceExercise):
    """A choice exercise whose per-option feedback quotes numbers computed from the data when checked."""

    feedback_from: Callable[[], dict] | None = None

    def check(self, answer):
        if self.feedback_from is not None:
            self.feedback = self.feedback_from()
        return super().check(answer)


def _choice_seven_billion() -> ChoiceExercise:
    return _DataChoice(
        "ch4-seven-billion",
        options={
            "a": "True on every published measure: all of them put 2024 above 7 billion dollars.",
            "b": "True on the SSB headline figure, which adds NATO-project and service exports; not on TİM's "
                 "goods statistics.",
            "c": "False on every measure: the 7 billion figure belongs to 2025.",
            "d": "True, because TİM's and SSB's figures together come to more than 7 billion dollars.",
        },
        correct="b",
        hint="Use ch4.seven_billion_check(2024) and read the measure of each row.",
        feedback_from=lambda: _seven_billion_feedback(),
    )


def _seven_billion_feedback() -> dict:
    ssb, tim = export_value(2024, "ssb_headline"), export_value(2024, "tim_goods")
    nxt = export_value(2025, "ssb_headline")
    return {
        "a": f"Not every measure: TİM's goods figure for 2024 is {tim:,.0f} million dollars, below 7,000.",
        "b": f"Yes. SSB's headline figure is {ssb:,.0f} million dollars and explicitly includes NATO-project and "
             f"service exports; TİM's goods statistics give {tim:,.0f} million. The claim holds on one definition.",
        "c": f"2024 itself has a figure above 7,000 million on SSB's definition ({ssb:,.0f}); SSB's 2025 figure "
             f"({nxt:,.0f}) is a different year.",
        "d": "Never add figures from different publishers: they count overlapping things in different ways.",
    }


def _choice_army() -> ChoiceExercise:
    return _DataChoice(
        "ch4-army-claim",
        options={
            "a": "Supported on NATO's own count of military personnel, with a caveat: NATO counts all services, "
                 "not only the army.",
            "b": "Refuted: Poland now has more military personnel than Türkiye.",
            "c": "Supported on every measure in the course data, including Global Firepower's.",
            "d": "It cannot be checked, because no dataset counts soldiers.",
        },
        correct="a",
        hint="Compare ch4.personnel('nato') with ch4.personnel('gfp'): which countries appear in each?",
        feedback_from=lambda: _army_feedback(),
    )


def _army_feedback() -> dict:
    nato = personnel("nato").set_index("iso3")
    gfp = personnel("gfp").set_index("iso3")
    return {
        "a": f"Yes. NATO's June 2024 estimates put Türkiye at {nato.loc['TUR', 'personnel_thousands']:,g} thousand, "
             f"second to the United States ({nato.loc['USA', 'personnel_thousands']:,g} thousand) among the allies "
             f"in the data. The reading says 'army'; NATO's figure counts all services.",
        "b": f"On the same NATO measure Poland has {nato.loc['POL', 'personnel_thousands']:,g} thousand, "
             f"behind Türkiye's {nato.loc['TUR', 'personnel_thousands']:,g} thousand.",
        "c": f"The Global Firepower rows give Türkiye {gfp.loc['TUR', 'personnel_thousands']:,g} thousand and have "
             f"no figure for the United States, so they cannot show Türkiye second to it.",
        "d": "armed_forces_personnel counts personnel on two measures; load it and look.",
    }


def _growth_near():
    return [
        (lambda: (export_value(2024, "ssb_headline") / export_value(2018, "tim_goods") - 1) * 100,
         "You mixed measures: the 2024 figure you used is SSB's headline figure, the 2018 one is TİM's. "
         "Use TİM's goods figure for both years."),
        (lambda: export_value(2024, "tim_goods") / export_value(2018, "tim_goods"),
         "That is the ratio (how many times larger). The question asks for growth in percent: (ratio − 1) × 100."),
        (lambda: export_value(2024, "tim_goods") - export_value(2018, "tim_goods"),
         "That is the increase in million dollars. The question asks for the growth in percent."),
        (lambda: export_cagr(2018, 2024, "tim_goods"),
         "That is the average yearly growth rate; the question asks for the total growth over the whole period."),
    ]


def _cost_near():
    gfp = personnel("gfp").set_index("iso3")["personnel_thousands"]
    usd = load("nato_defence_spending_usd")
    usd = usd[(usd["year"] == 2024) & (usd["release"] == "2024-06")].set_index("iso3")["usd_million"]
    return [
        (lambda: spend_per_person("TUR") / spend_per_person("DEU"),
         "You divided Türkiye by Germany; the question asks how many times more Germany spends per person."),
        (lambda: spend_per_person("DEU"), "That is Germany's spending per person; now divide it by Türkiye's."),
        (lambda: (usd["DEU"] / gfp["DEU"]) / (usd["TUR"] / gfp["TUR"]),
         "You used the Global Firepower personnel figures. Use NATO's June 2024 count, the same release as the "
         "spending figures."),
        (lambda: usd["DEU"] / usd["TUR"],
         "That compares total budgets. Divide each budget by its personnel first."),
    ]


register(
    NumberExercise("ch4-export-growth", expected=lambda: export_growth(2018, 2024, "tim_goods"), unit="%",
                   abs_tol=0.5,
                   hint="Filter measure == 'tim_goods', take the 2018 and 2024 values, then (2024 / 2018 − 1) × 100.",
                   explanation="Both figures come from TİM's goods statistics, so the comparison is like for like.",
                   near=_growth_near()),
    _choice_seven_billion(),
    _choice_army(),
    SetExercise("ch4-littoral-allies", expected=littoral_allies, noun="allies",
                aliases={"turkey": "Türkiye", "turkiye": "Türkiye", "republic of turkiye": "Türkiye"},
                hint="Colour the map by 'Black Sea coast': the allies are the countries marked with a star "
                     "that are also marked 'coast'."),
    NumberExercise("ch4-cost-per-person", expected=lambda: spend_per_person("DEU") / spend_per_person("TUR"),
                   unit="times", rel_tol=0.02,
                   hint="For each country divide usd_million (nato_defence_spending_usd, release '2024-06') by "
                        "personnel_thousands (NATO June 2024 count), then divide Germany's result by Türkiye's.",
                   explanation="A large force is not the same as a large budget: the money behind each member of "
                               "Türkiye's forces is a fraction of Germany's.",
                   near=_cost_near()),
)


# ---------------------------------------------------------------------------
# Quiz
# ---------------------------------------------------------------------------

def quiz() -> Quiz:
    dest = grain_destinations()
    top = dest.iloc[0]
    others = dest.iloc[1:3]
    gap = export_value(2024, "ssb_headline") - export_value(2024, "tim_goods")
    tr = load("grain_corridor")
    tr = tr[(tr["source"] == "tass-2023-06-26") & (tr["item"] == "tonnes exported")]
    tr_total = float(tr["value"].iloc[0]) / 1e6
    rank = rank_of("TUR", "nato")
    return Quiz("ch4", [
        MultipleChoice("Which article of the Montreux Convention did Ankara say, on 27 February 2022, it would apply "
                       "to warships?", [
                           Option("Article 19, on passage in a war in which Türkiye is not a belligerent", True,
                                  "Article 19 bars warships of belligerent states, with narrow exceptions such as "
                                  "returning to their home base."),
                           Option("Article 18, on the tonnage non-Black Sea powers may keep in the Black Sea", False,
                                  "Article 18 is a peacetime limit on non-littoral fleets, not the wartime rule."),
                           Option("No article: Türkiye suspended the Convention", False,
                                  "Ankara stressed that it was applying the Convention, not suspending it."),
                       ]),
        MultipleChoice("Under the rule Ankara applied from February 2022, which of these warships could still pass "
                       "the Straits?", [
                           Option("A Russian warship returning to its home base in the Black Sea", True,
                                  "The Convention exempts belligerents' warships returning to their bases; Ankara "
                                  "warned that the exception must not be abused."),
                           Option("A Russian warship sailing from the Baltic to reinforce the Black Sea Fleet", False,
                                  "That is not a return to a home base, so Article 19 bars it."),
                           Option("Any warship, as long as it gives notice", False,
                                  "Notice is a peacetime formality; in war the belligerents' warships are barred."),
                       ]),
        Numeric("On NATO's June 2024 estimates, what is Türkiye's rank by military personnel among the allies in the "
                "course data (1 = largest)?", rank, 0, "",
                f"Türkiye is {_ordinal(rank)}, behind only the United States; the count covers all services."),
        Numeric("By how many million US dollars does SSB's 2024 export figure exceed TİM's?", gap, 1,
                "million USD", "The gap comes from definitions: SSB adds NATO-project and service exports."),
        MultipleChoice("Which country received the most cargo under the Grain Initiative by 20 June 2023, "
                       "according to the USDA reading of the Joint Coordination Centre's data?", [
                           Option(top["item"], True,
                                  f"{top['item']}: {top['value'] / 1e6:.1f} million tonnes, ahead of "
                                  + ", ".join(f"{r.item} ({r.value / 1e6:.1f})" for r in others.itertuples()) + "."),
                           *[Option(r.item, False, f"{r.item} received {r.value / 1e6:.1f} million tonnes, less than "
                                                  f"{top['item']}.") for r in others.itertuples()],
                       ]),
        Numeric("According to Türkiye's Transport Minister, how many million tonnes had been exported under the "
                "Initiative by 20 June 2023? (one decimal)", round(tr_total, 1), 0.1, "million tonnes",
                "Other reporters give slightly different running totals for the same date."),
        MultipleChoice("What did the United States sanction under CAATSA on 14 December 2020?", [
            Option("Türkiye's Presidency of Defence Industries (SSB) and its head", True,
                   "The sanctions targeted SSB, Türkiye's procurement agency, over the S-400 purchase."),
            Option("Turkish exports of drones to Ukraine", False, "The sanctions were about the Russian S-400."),
            Option("The passage of Turkish ships through US waters", False, "CAATSA is a sanctions law, not a "
                                                                             "maritime rule."),
        ]),
    ], title="Self-check quiz: Chapter 4")
