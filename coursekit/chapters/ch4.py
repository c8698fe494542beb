"""Chapter 4. NATO's strategic bridge: Türkiye in the alliance.

Data helpers, models, figures and two explorers (a map of the Black Sea and the Straits; allies' force size
against their spending), and ``FACTS``: the values the chapter's content file (``notebooks/04_nato_turkiye.yml``)
names. Every number shown comes from ``data/``: the CSV datasets through :func:`coursekit.load`, the country
shapes through :func:`load_shapes`.
"""

from __future__ import annotations

import copy
import html
import json
import math
import numbers
from pathlib import Path

import altair as alt
import pandas as pd

from ..charts import colour_scale, dash_scale, figure, shape_scale
from ..data import DataError, cached, data_dir, load, resource, source_line
from ..explorer import Choice, Explorer
from .ch0 import order_of

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


@cached
def _shapes_doc() -> dict:
    path = shapes_path()
    if not path.exists():
        raise DataError(path, "file not found: the country shapes for the chapter 4 map are missing "
                              "(see data/datapackage.json, resource 'black_sea_countries')")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataError(path, f"not UTF-8 text (byte {err.start})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(path, f"not valid JSON ({err.msg})", line=err.lineno) from None
    _validate_shapes(doc, path)
    return doc


def load_shapes() -> dict:
    """The country shapes as a GeoJSON FeatureCollection (a fresh copy each call).

    Raises :class:`coursekit.DataError` naming ``data/black_sea_countries.geojson``
    when the file is missing, is not JSON, or is not a valid collection of
    (multi)polygons with the properties the chapter needs.
    """
    return copy.deepcopy(_shapes_doc())


def shapes_table() -> pd.DataFrame:
    """One row per map area: id, name, iso3, NATO membership, label point and note."""
    rows = [{"id": f["id"], **{k: f["properties"].get(k) for k in
                               ("name", "iso3", "nato_member", "nato_basis", "label_lon", "label_lat", "note")}}
            for f in load_shapes()["features"]]
    frame = pd.DataFrame(rows)
    frame.attrs = {"name": SHAPES, "title": "Country shapes", "sources": resource(SHAPES).get("sources", [])}
    return frame


# ---------------------------------------------------------------------------
# Places (UN/LOCODE), the straits and the grain corridor
# ---------------------------------------------------------------------------

PLACE_KINDS = {"strait": "City on the Straits", "grain_port": "Grain Initiative port", "port": "Other port"}
#: Short labels for the map, and label offsets (degrees) where points crowd together.
_PLACE_LABELS = {
    "Istanbul (Bosporus)": ("Bosporus", 0.3, 0.25), "Çanakkale (Dardanelles)": ("Dardanelles", -0.2, -0.55),
    "Odesa": ("Odesa", -1.45, 0.2), "Chornomorsk": ("Chornomorsk", 0.3, -0.3),
    "Pivdennyi": ("Pivdennyi", 0.3, 0.15), "Constanța": ("Constanța", 0.3, 0.0),
    "Sozopol": ("Sozopol", 0.3, -0.2), "Novorossiysk": ("Novorossiysk", 0.3, 0.1),
    "Sevastopol": ("Sevastopol", -0.2, -0.45), "Kulevi": ("Kulevi", 0.3, 0.0),
    "Samsun": ("Samsun", 0.2, -0.45), "Trabzon": ("Trabzon", 0.2, -0.45),
}


def places() -> pd.DataFrame:
    """Ports and the cities on the Straits (UN/LOCODE coordinates) with a readable kind and a map label."""
    df = load("black_sea_ports")
    df["kind_label"] = df["kind"].map(PLACE_KINDS).fillna("Other")
    offsets = [_PLACE_LABELS.get(n, (n, 0.3, 0.0)) for n in df["name"]]
    df["short"] = [o[0] for o in offsets]
    df["label_lon"] = df["lon"] + [o[1] for o in offsets]
    df["label_lat"] = df["lat"] + [o[2] for o in offsets]
    return df


def littoral_states() -> set[str]:
    """ISO codes of the countries with a Black Sea port in the course data (the cities on the Straits excluded)."""
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


def distance_km(place_a: str, place_b: str) -> float:
    """Great-circle distance between two places of ``black_sea_ports``, by name."""
    p = load("black_sea_ports").set_index("name")
    missing = [n for n in (place_a, place_b) if n not in p.index]
    if missing:
        raise ValueError(f"no place called {', '.join(map(repr, missing))}; places: {', '.join(p.index)}")
    a, b = p.loc[place_a], p.loc[place_b]
    return haversine_km(float(a["lat"]), float(a["lon"]), float(b["lat"]), float(b["lon"]))


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


def grain_total(source: str) -> float:
    """The running total of tonnes exported that one source reports (its latest)."""
    df = grain_cumulative()
    df = df[df["source"] == source]
    if df.empty:
        raise ValueError(f"no running total of tonnes from source {source!r}")
    return float(df["value"].iloc[-1])


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


def _whole_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        raise TypeError(f"year must be a whole number, got {year!r}")
    return int(year)


def export_value(year: int, measure: str) -> float:
    """Exports in million USD for one year on one measure; a clear error when there is no such figure."""
    year = _whole_year(year)
    df = exports(measure)
    row = df[df["year"] == year]
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
    first, last = _whole_year(first), _whole_year(last)
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
# Armed forces and spending (NATO's June 2024 release: one release, all allies)
# ---------------------------------------------------------------------------

#: The release whose personnel table covers every ally, and the years the course holds for all of them.
PERSONNEL_RELEASE = "June 2024 release"
PERSONNEL_SOURCE = "businessinsiderpl-2024-07"
SPENDING_RELEASE = "2024-06"
YEARS = (2014, 2024)


def personnel(year: int = 2024) -> pd.DataFrame:
    """Military personnel (thousands) of every ally in ``year`` in NATO's June 2024 release, largest first.

    Only the years of ``YEARS`` are held for every ally; any other year raises a ``ValueError`` that says so.
    """
    year = _whole_year(year)
    if year not in YEARS:
        raise ValueError(f"NATO's June 2024 personnel table is held for every ally in {YEARS[0]} and {YEARS[1]} "
                         f"only, not {year}")
    return _personnel(year)


@cached
def _personnel(year: int) -> pd.DataFrame:
    df = load("armed_forces_personnel")
    df = df[(df["source"] == PERSONNEL_SOURCE) & df["definition"].str.contains(PERSONNEL_RELEASE, regex=False)
            & (df["year"] == year)]
    df = df.sort_values(["personnel_thousands", "country"], ascending=[False, True]).reset_index(drop=True)
    df["rank"] = range(1, len(df) + 1)
    return df


def personnel_of(iso3: str = "TUR", year: int = 2024) -> float:
    """One ally's military personnel (thousands) in ``year``."""
    df = personnel(year)
    hit = df[df["iso3"] == iso3]
    if hit.empty:
        raise ValueError(f"{iso3!r} has no {year} figure in NATO's personnel table; allies: {', '.join(df['iso3'])}")
    return float(hit["personnel_thousands"].iloc[0])


def rank_of(iso3: str = "TUR", year: int = 2024, exclude: tuple[str, ...] = ()) -> int:
    """Rank (1 = largest) of one ally by military personnel, among all allies except those in ``exclude``."""
    df = personnel(year)
    df = df[~df["iso3"].isin(exclude)].reset_index(drop=True)
    hit = df.index[df["iso3"] == iso3]
    if not len(hit):
        raise ValueError(f"{iso3!r} has no {year} figure in NATO's personnel table (or was excluded)")
    return int(hit[0]) + 1


def spending_share(year: int = 2024, release: str = SPENDING_RELEASE) -> pd.DataFrame:
    """Defence expenditure as % of GDP of every ally in one NATO release."""
    df = load("nato_defence_spending")
    return df[(df["year"] == year) & (df["release"] == release)].reset_index(drop=True)


def share_of(iso3: str = "TUR", year: int = 2024) -> float:
    """One ally's defence spending as % of GDP in NATO's June 2024 release."""
    df = spending_share(year)
    hit = df[df["iso3"] == iso3]
    if hit.empty:
        raise ValueError(f"{iso3!r} has no {year} spending share in NATO's June 2024 release")
    return float(hit["pct_gdp"].iloc[0])


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
    usd = usd[(usd["iso3"] == iso3) & (usd["year"] == year) & (usd["release"] == SPENDING_RELEASE)]
    per = personnel(year)
    per = per[per["iso3"] == iso3]
    if usd.empty or per.empty:
        raise ValueError(f"no June 2024 NATO figures for both spending and personnel of {iso3!r} in {year}")
    return float(usd["usd_million"].iloc[0]) / float(per["personnel_thousands"].iloc[0])


def _pick(value, allowed, default):
    """``value`` if it is one of the allowed options, else ``default`` (never raises)."""
    try:
        return value if value in allowed and not isinstance(value, bool) else default
    except TypeError:  # unhashable
        return default


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


#: Allies labelled on the forces chart (the rest are points with a tooltip), and where each label goes.
_LABELLED = {"TUR": "above", "USA": "left", "POL": "above", "GRC": "above", "FRA": "above", "DEU": "below",
             "ITA": "below-left", "GBR": "above"}


def forces_compare(year=2024, us="hide", benchmark=2.0) -> pd.DataFrame:
    """The forces explorer's model: allies' personnel against their spending share in one year.

    Unknown control values fall back to the defaults, so the model never raises for a control value.
    Rows: one per ally shown (``row == 'ally'``) plus one caption row.
    """
    year = int(_pick(year, YEARS, YEARS[-1]))
    us = _pick(us, ("hide", "show"), "hide")
    allowed = [v for v, _ in benchmark_options()] or [2.0]
    try:
        value = float(benchmark) if not isinstance(benchmark, bool) else allowed[0]
    except (TypeError, ValueError, OverflowError):
        value = allowed[0]
    benchmark = min(allowed, key=lambda v: abs(v - value)) if math.isfinite(value) else allowed[0]
    ranked = personnel(year)
    share = spending_share(year)[["iso3", "pct_gdp"]]
    df = ranked.merge(share, on="iso3", how="left")
    n = len(df)
    tur = int(df.loc[df["iso3"] == "TUR", "rank"].iloc[0])
    above = int((df["pct_gdp"] >= benchmark).sum())
    caption = f"{year}: Türkiye {_ordinal(tur)} of {n} allies by personnel; {above} of {n} at or above the line"
    bench_label = dict(benchmark_options()).get(benchmark, f"{benchmark:g}%")
    if us == "hide":
        df = df[df["iso3"] != "USA"]
    df = df.assign(
        row="ally",
        benchmark=benchmark,
        meets=["At or above the line" if p >= benchmark else "Below the line" for p in df["pct_gdp"]],
        label=[f"{c} (#{r})" if i in _LABELLED else "" for c, r, i in zip(df["country"], df["rank"], df["iso3"],
                                                                         strict=True)],
        label_pos=[_LABELLED.get(i, "none") for i in df["iso3"]],
        year_shown=year,
    )
    cap = pd.DataFrame([{"row": "caption", "label": caption, "benchmark": benchmark, "benchmark_label": bench_label,
                         "year_shown": year}])
    cols = ["row", "country", "iso3", "personnel_thousands", "pct_gdp", "rank", "meets", "label", "label_pos",
            "benchmark", "benchmark_label", "year_shown", "source"]
    return pd.concat([df.reindex(columns=cols), cap], ignore_index=True).reindex(columns=cols)


def _forces_view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    kinds = ["At or above the line", "Below the line"]
    base = alt.Chart()
    allies = base.transform_filter("datum.row == 'ally'")
    points = allies.mark_point(filled=True, size=110, opacity=0.9).encode(
        x=alt.X("personnel_thousands:Q", title="Military personnel (thousands)", scale=alt.Scale(zero=True)),
        y=alt.Y("pct_gdp:Q", title="Defence spending (% of GDP)", scale=alt.Scale(domain=[0, 5.5])),
        color=alt.Color("meets:N", scale=colour_scale(kinds), legend=alt.Legend(title="Against the guideline")),
        shape=alt.Shape("meets:N", scale=shape_scale(kinds), legend=alt.Legend(title="Against the guideline")),
        tooltip=[alt.Tooltip("country:N", title="Ally"),
                 alt.Tooltip("personnel_thousands:Q", title="Personnel (thousands)", format=",.1f"),
                 alt.Tooltip("rank:Q", title="Rank by personnel"),
                 alt.Tooltip("pct_gdp:Q", title="Spending (% of GDP)", format=".2f"),
                 alt.Tooltip("year_shown:O", title="Year")],
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
    return f"{cap.iloc[0]}. {len(allies)} allies shown."


def forces_explorer() -> Explorer:
    opts = benchmark_options()
    return Explorer(
        title="Big forces, modest budgets? Allies' personnel against their defence spending",
        description=(f"Scatter plot of every NATO ally: military personnel (thousands) across, defence spending as a "
                     f"share of GDP up, in {YEARS[0]} or {YEARS[1]}, all from NATO's June 2024 release. On NATO's count "
                     f"Türkiye had {personnel_of('TUR', 2024):,g} thousand military personnel in 2024, second only to "
                     f"the United States ({personnel_of('USA', 2024):,g} thousand), while spending "
                     f"{share_of('TUR', 2024):.2f}% of GDP; Poland and Greece had smaller forces but spent more of "
                     f"their GDP. Switch the year to see Poland's force grow, show or hide the United States, and move "
                     f"the guideline line."),
        controls=[
            Choice("year", "Year", list(YEARS), labels=[str(y) for y in YEARS], radio=True),
            Choice("us", "United States", ["hide", "show"], labels=["Hide", "Show"], radio=True),
            Choice("benchmark", "Guideline", [v for v, _ in opts], labels=[lab for _, lab in opts]),
        ],
        model=forces_compare,
        view=_forces_view,
        source=source_line(personnel(2024), spending_share(), guidelines()),
        summary=_forces_summary,
    )


# ---------------------------------------------------------------------------
# The map explorer
# ---------------------------------------------------------------------------

SHADES = {"nato": "NATO membership", "coast": "Black Sea coast"}
LAYERS = {"straits": "The Turkish Straits", "grain": "Grain Initiative ports and route",
          "all": "All ports and the Straits", "none": "No points"}
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


@cached
def _lookup_text() -> str:
    """The shapes as one JSON string, which Vega parses in the browser.

    Inlining the geometry as text rather than as nested lists keeps the chart specification fast to build
    and validate, and avoids a stall seen when a kernel widget output carries deeply nested lists.
    """
    feats = [{"type": "Feature", "id": f["id"], "properties": {}, "geometry": f["geometry"]}
             for f in _shapes_doc()["features"]]
    return json.dumps(feats, separators=(",", ":"), ensure_ascii=False)


def _route_rows() -> list[dict]:
    p = places()
    bos = p[p["short"] == "Bosporus"]
    dar = p[p["short"] == "Dardanelles"]
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


def map_layers(shade="nato", points="straits") -> pd.DataFrame:
    """The map explorer's model: one row per area, place or route vertex to draw.

    ``shade`` colours the countries by NATO membership or by Black Sea coast; ``points`` picks which places
    appear. Unknown values fall back to the defaults, so the model never raises for a control value.
    """
    shade = _pick(shade, SHADES, "nato")
    points = _pick(points, LAYERS, "straits")
    coast = littoral_states()
    rows = []
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
    wanted = {"straits": ["strait"], "grain": ["grain_port", "strait"], "all": list(PLACE_KINDS), "none": []}[points]
    for _, r in p[p["kind"].isin(wanted)].iterrows():
        rows.append({"layer": "place", "id": r["locode"], "name": r["name"], "category": r["kind_label"],
                     "label": r["short"], "lon": r["lon"], "lat": r["lat"], "label_lon": r["label_lon"],
                     "label_lat": r["label_lat"], "status": r["country"],
                     "note": f"{r['note'] or ''} UN/LOCODE {r['locode']}, {r['unlocode_coordinates']}.".strip()})
    if points == "grain":
        rows += _route_rows()
    cols = ["layer", "id", "name", "category", "label", "lon", "lat", "label_lon", "label_lat", "order", "status",
            "note"]
    return pd.DataFrame(rows).reindex(columns=cols)


def _map_view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    lookup = alt.LookupData(data=alt.Data(values=_lookup_text(), format=alt.DataFormat(type="json")), key="id")
    proj = {"type": "mercator"}
    base = alt.Chart()
    # The sea is one rectangle with its own data, so the country shapes, the chart's largest part, are in the
    # chart once (a lookup from this layer too would carry them twice: 63 kB more for a phone to fetch).
    # It is background, hidden from screen readers (aria=False), which the chart's description and table serve.
    sea = (alt.Chart(alt.Data(values=[_sea_feature()])).mark_geoshape(fill="#eef4fa", stroke=None, aria=False)
           .project(**proj))
    countries = (base.transform_filter("datum.layer == 'country'")
                 .transform_lookup(lookup="id", from_=lookup, as_="geo")
                 .mark_geoshape(stroke="#ffffff", strokeWidth=0.6)
                 .encode(shape="geo:G",
                         color=alt.Color("category:N", sort=CATEGORY_ORDER, scale=alt.Scale(range=_MAP_RANGE),
                                         legend=alt.Legend(title="Countries", orient="bottom")),
                         tooltip=[alt.Tooltip("name:N", title="Area"), alt.Tooltip("status:N", title="Status"),
                                  alt.Tooltip("note:N", title="Note")])
                 .project(**proj))
    names = (base.transform_filter("datum.layer == 'country' && isValid(datum.label) && datum.label != ''")
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
                                                                                         "square"]),
                                     legend=alt.Legend(title="Places", orient="bottom")),
                     tooltip=[alt.Tooltip("name:N", title="Place"), alt.Tooltip("category:N", title="Kind"),
                              alt.Tooltip("status:N", title="Listed under"), alt.Tooltip("note:N", title="Note")])
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
                     f"in the course data ({', '.join(coast)}); {len(allies)} of them are NATO allies "
                     f"({', '.join(allies)}). The only sea link between the Black Sea and the Mediterranean runs "
                     f"through the Bosporus and the Dardanelles, both in Türkiye. Switch the places layer to show "
                     f"the cities on the Straits, the three Ukrainian ports of the Grain Initiative with a schematic "
                     f"line to the Straits, or every port in the data; points use UNECE's UN/LOCODE coordinates."),
        controls=[Choice("shade", "Colour countries by", list(SHADES), labels=list(SHADES.values()), radio=True),
                  Choice("points", "Places", list(LAYERS), labels=list(LAYERS.values()))],
        model=map_layers,
        view=_map_view,
        source=source_line(shapes_table(), places()),
        summary=_map_summary,
    )


# ---------------------------------------------------------------------------
# Türkiye in NATO, EU and Black Sea operations
# ---------------------------------------------------------------------------

ORGANISATIONS = ["NATO", "EU", "Türkiye, Romania and Bulgaria"]


@cached
def operations() -> pd.DataFrame:
    """Türkiye's dated contributions to multinational operations, earliest first, with a plotting date."""
    ops = load("turkiye_operations")
    padded = ops["date"].where(ops["date"].str.len() == 10, ops["date"].str.slice(0, 7) + "-01")
    padded = padded.where(padded.str.len() == 10, ops["date"].str.slice(0, 4) + "-01-01")
    ops["when"] = pd.to_datetime(padded, format="%Y-%m-%d")
    return ops.sort_values(["when", "operation"], kind="stable").reset_index(drop=True)


def operations_run_by(organisation: str) -> list[str]:
    """The operations in the data that ``organisation`` runs (``"NATO"``, ``"EU"`` or the three littoral allies)."""
    if organisation not in ORGANISATIONS:
        raise ValueError(f"unknown organisation {organisation!r}; use one of {', '.join(ORGANISATIONS)}")
    ops = operations()
    return sorted(set(ops.loc[ops["organisation"] == organisation, "operation"]))


def operations_commanded() -> list[str]:
    """The operations in which a Turkish officer or ship held command at some date in the data."""
    ops = operations()
    return sorted(set(ops.loc[ops["in_command"], "operation"]))


def operations_table():
    """Every contribution with its date, organisation and a link to its source, as an HTML table (text escaped)."""
    from IPython.display import HTML

    ops = operations()
    by_id = {s["id"]: s for s in ops.attrs["sources"]}
    rows = []
    for _, o in ops.iterrows():
        src = by_id[o["source"]]
        rows.append(f"<tr><td>{html.escape(o['date'])}</td><td>{html.escape(o['operation'])}</td>"
                    f"<td>{html.escape(o['organisation'])}</td><td>{html.escape(o['area'])}</td>"
                    f"<td>{html.escape(o['contribution'])}</td><td>{'yes' if o['in_command'] else 'no'}</td>"
                    f"<td><a href=\"{html.escape(src['path'])}\">{html.escape(src['publisher'])}</a></td></tr>")
    return HTML('<table class="table ck-operations"><caption>Türkiye in NATO, EU and Black Sea operations: dated '
                f'contributions in the course data ({len(ops)} rows)</caption><thead><tr><th scope="col">Date</th>'
                '<th scope="col">Operation</th><th scope="col">Run by</th><th scope="col">Where</th>'
                '<th scope="col">What Türkiye did</th><th scope="col">In command</th><th scope="col">Source</th>'
                "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def operations_figure():
    ops = operations()
    ops["role"] = ops["in_command"].map({True: "Türkiye in command", False: "Türkiye contributes"})
    roles = ["Türkiye in command", "Türkiye contributes"]
    order = list(dict.fromkeys(ops.sort_values("when")["operation"]))
    chart = alt.Chart(ops).mark_point(filled=True, size=140, opacity=0.95).encode(
        x=alt.X("when:T", title="Date", axis=alt.Axis(format="%Y")),
        y=alt.Y("operation:N", title=None, sort=order),
        color=alt.Color("role:N", scale=colour_scale(roles), legend=alt.Legend(title="Role", orient="bottom")),
        shape=alt.Shape("role:N", scale=shape_scale(roles), legend=alt.Legend(title="Role", orient="bottom")),
        tooltip=[alt.Tooltip("date:N", title="Date"), alt.Tooltip("operation:N", title="Operation"),
                 alt.Tooltip("organisation:N", title="Run by"), alt.Tooltip("contribution:N", title="What Türkiye did")],
    ).properties(width=560, height=220)
    led = operations_commanded()
    pts = "; ".join(f"{r.date} {r.operation} ({r.organisation}): {r.contribution}" for r in ops.itertuples())
    return figure(
        chart,
        title=f"Türkiye has held command in {len(led)} of the {ops['operation'].nunique()} operations in the data",
        description=(f"Dot plot of Türkiye's dated contributions to multinational operations, one row per operation; "
                     f"a second colour and shape mark the dates when a Turkish officer or ship took command "
                     f"({', '.join(led)}). Run by NATO: {', '.join(operations_run_by('NATO'))}; by the EU: "
                     f"{', '.join(operations_run_by('EU'))}; by Türkiye, Romania and Bulgaria together: "
                     f"{', '.join(operations_run_by('Türkiye, Romania and Bulgaria'))}. All rows: {pts}."),
        data=ops,
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
                     f"line per published measure, never joined across measures or across years without a figure. "
                     f"In 2024 the SSB headline figure (which includes NATO-project and service exports) is "
                     f"{ssb:,.0f} million and the TİM goods figure {tim:,.0f} million; for 2025 only SSB's figure, "
                     f"{export_value(2025, 'ssb_headline'):,.0f} million, was found. All points: {pts}."),
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


# -- facts: what the content file's answers and texts name -------------------------------------------

#: Timeline titles of the PKK process, for the ordering exercise.
PKK_EVENTS = ("Öcalan calls on PKK to disband", "PKK announces dissolution", "PKK fighters burn their weapons",
              "PKK pulls fighters out of Türkiye", "Peace-process commission adopts report")


def _usd_2024(iso3: str) -> float:
    usd = load("nato_defence_spending_usd")
    row = usd[(usd["iso3"] == iso3) & (usd["year"] == 2024) & (usd["release"] == SPENDING_RELEASE)]
    return float(row["usd_million"].iloc[0])


FACTS = {
    # armed forces (NATO, June 2024 release)
    "tur_personnel_2024": lambda: personnel_of("TUR", 2024),
    "tur_personnel_2014": lambda: personnel_of("TUR", 2014),
    "usa_personnel_2024": lambda: personnel_of("USA", 2024),
    "usa_personnel_2024_m": lambda: round(personnel_of("USA", 2024) / 1000, 1),
    "pol_personnel_2024": lambda: personnel_of("POL", 2024),
    "pol_personnel_2014": lambda: personnel_of("POL", 2014),
    "allies_with_personnel_2024": lambda: len(personnel(2024)),
    "tur_rank_2024": lambda: rank_of("TUR", 2024),
    "tur_rank_2024_without_us": lambda: rank_of("TUR", 2024, exclude=("USA",)),
    "third_largest_2024": lambda: str(personnel(2024)["country"].iloc[2]),
    "tur_pct_gdp_2024": lambda: share_of("TUR", 2024),
    "cost_ratio": lambda: spend_per_person("DEU") / spend_per_person("TUR"),
    "cost_ratio_inverse": lambda: spend_per_person("TUR") / spend_per_person("DEU"),
    "deu_spend_per_person": lambda: spend_per_person("DEU"),
    "budget_ratio": lambda: _usd_2024("DEU") / _usd_2024("TUR"),
    # defence exports
    "ssb_2024": lambda: export_value(2024, "ssb_headline"),
    "tim_2024": lambda: export_value(2024, "tim_goods"),
    "ssb_2025": lambda: export_value(2025, "ssb_headline"),
    "ssb_2024_bn": lambda: export_value(2024, "ssb_headline") / 1000,
    "tim_2024_bn": lambda: export_value(2024, "tim_goods") / 1000,
    "ssb_2025_bn": lambda: export_value(2025, "ssb_headline") / 1000,
    "ssb_goods_2025": lambda: export_value(2025, "ssb_goods"),
    "ssb_services_2025": lambda: export_value(2025, "ssb_services"),
    "export_gap_2024": lambda: export_value(2024, "ssb_headline") - export_value(2024, "tim_goods"),
    "export_gap_2024_wrong_way": lambda: export_value(2024, "tim_goods") - export_value(2024, "ssb_headline"),
    "export_growth_tim": lambda: export_growth(2018, 2024, "tim_goods"),
    "export_growth_mixed": lambda: (export_value(2024, "ssb_headline") / export_value(2018, "tim_goods") - 1) * 100,
    "export_ratio_tim": lambda: export_value(2024, "tim_goods") / export_value(2018, "tim_goods"),
    "export_increase_tim": lambda: export_value(2024, "tim_goods") - export_value(2018, "tim_goods"),
    "export_cagr_tim": lambda: export_cagr(2018, 2024, "tim_goods"),
    # the map and the grain corridor
    "littoral_allies": littoral_allies,
    "littoral_states_count": lambda: len(littoral_states()),
    "odesa_bosporus_km": lambda: distance_km("Odesa", "Istanbul (Bosporus)"),
    "grain_top_destination": lambda: str(grain_destinations().iloc[0]["item"]),
    "grain_minister_mt": lambda: round(grain_total("tass-2023-06-26") / 1e6, 1),
    "grain_usda_mt": lambda: round(grain_total("worldgrain-2023-06") / 1e6, 1),
    # operations and the timeline
    "nato_operations": lambda: operations_run_by("NATO"),
    "operations_commanded": operations_commanded,
    "operations_count": lambda: int(operations()["operation"].nunique()),
    "pkk_order": lambda: order_of(PKK_EVENTS),
}
