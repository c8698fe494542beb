"""Chapter 2. Energy security and the "winter weapon": gas, corridors and Türkiye.

Data helpers for the EU's gas imports (a table of published figures on *different* bases), the pipelines
through and around Türkiye and their flows; a pure "replace Russian gas" scenario model and its explorer;
the chapter's figures; and ``FACTS``, the values the content file (``notebooks/02_energy_security.yml``)
and the teaching kit name.

Every number the chapter shows is read from ``data/`` here. Each headline figure comes from one named
release, chosen in ``RUSSIA_SERIES``: the IEA for 2021, the Commission's roadmap for 2024 and Gas
Infrastructure Europe's import data for 2025. The scenario's *baseline* comes from the datasets; the
*slider ranges* are teaching assumptions, not data, and the notebook says so.
"""

from __future__ import annotations

import json
import math
import numbers

import altair as alt
import pandas as pd

from ..charts import PALETTE, colour_scale, dash_scale, figure, shape_scale
from ..data import cached, load, source_line
from ..explorer import Explorer, Slider

RUSSIA = "Russia"
#: The release behind each year's headline figure for Russian gas (volume in bcm and share of imports).
RUSSIA_SERIES = {
    2021: "iea-10point-2022-03",   # IEA, March 2022: 155 bcm, around 45% of imports, close to 40% of consumption
    2024: "ec-com-2025-440",       # Commission roadmap, 6 May 2025: 52 bcm (32 pipeline + 20 LNG), around 19%
    2025: "gie-2025-actualno",     # Gas Infrastructure Europe, January 2026: 38.0 bcm, 12.1%
}
#: The two supplier maps compared in section 3.
SUPPLIER_MAPS = {2021: "ec-statement-2022-03", 2025: "gie-2025-actualno"}
SUPPLIERS = ["Russia", "Norway", "United States", "Algeria", "Qatar"]

NORWAY_PIPES = "Norwegian pipeline network (Gassco, all deliveries)"
TAP = "TAP (Trans Adriatic Pipeline)"
SGC = "Southern Gas Corridor (Azerbaijani exports to Europe)"
TURKSTREAM_EU = "TurkStream string 2 (European string)"
GAZPROM_ALL = "All Russian pipeline routes to Europe (Gazprom)"
STRANDZHA = "Strandzha-1/Malkoclar interconnection (Türkiye to Bulgaria)"
IMPORT_CUT = "reduction in EU gas imports from renewables and energy savings"
IMPORT_DEPENDENCY = "EU natural gas import dependency rate"

#: The scenario's levers, in the order the chart shows them.
LEVERS = {
    "extra_lng": "Extra LNG imports",
    "extra_norway": "Extra Norwegian pipeline gas",
    "sgc_expansion": "Southern Gas Corridor expansion",
    "demand_cut": "Lower EU gas demand",
}
BASELINE_LABEL = "Russian gas to replace (2021)"
GAP_LABEL = "Remaining gap"
ACTUAL_LABEL = "Still imported from Russia in 2025 (actual)"
COMPONENTS = [BASELINE_LABEL, *LEVERS.values(), GAP_LABEL, ACTUAL_LABEL]
COMPONENT_COLOURS = ["#000000", PALETTE[0], PALETTE[4], PALETTE[2], PALETTE[1], PALETTE[5], "#999999"]

#: Slider ranges of the scenario: teaching assumptions (bcm per year), NOT data.
LNG_RANGE = (0, 80, 20)
NORWAY_RANGE = (0, 12, 4)
DEMAND_RANGE = (0, 75, 25)


def _integral_step(room: float) -> float:
    """A whole-number slider step for the TAP expansion (0 to ``room``): five or four steps if whole, else 1.

    Every slider here uses whole numbers, which keeps the readouts clean in JupyterLab and the book.
    """
    for n in (5, 4, 2):
        if float(room / n).is_integer() and room / n >= 1:
            return room / n
    return 1.0


# -- data helpers -------------------------------------------------------------------------------------------

def _one(frame: pd.DataFrame, what: str, **match) -> pd.Series:
    """The single row of ``frame`` matching every ``column=value``; a clear error otherwise."""
    keep = pd.Series(True, index=frame.index)
    for column, value in match.items():
        if column not in frame.columns:
            raise KeyError(f"{what}: no column {column!r} in the dataset")
        keep &= frame[column] == value
    rows = frame[keep.fillna(False)]
    if len(rows) != 1:
        raise LookupError(f"{what}: expected exactly one matching row, found {len(rows)} ({match})")
    return rows.iloc[0]


def imports() -> pd.DataFrame:
    """``eu_gas_imports``: every published figure, with its coverage, route, share_of and basis."""
    return load("eu_gas_imports")


@cached
def russia_share_series(include_partial: bool = True) -> pd.DataFrame:
    """Russia's published share of *total* EU gas imports, one row per year and source.

    Keeps rows for Russia (pipeline + LNG) whose share is of total imports. Single-month figures are dropped;
    ``include_partial=False`` also drops the January–November 2022 and the dated-statement rows, leaving
    full calendar years only. The ``basis`` column must travel with the numbers: they are not one series.
    """
    df = imports()
    keep = (df["supplier"] == RUSSIA) & (df["route"] == "total") & (df["share_of"] == "total imports")
    keep &= df["share_pct"].notna() & (df["coverage"] != "November only")
    if not include_partial:
        keep &= df["coverage"] == "full year"
    out = df[keep.fillna(False)].sort_values(["year", "source"]).reset_index(drop=True)
    out["label"] = out["coverage"].where(out["coverage"] == "full year", out["coverage"].str.split(" \\(").str[0])
    return out


def lowest_share_year() -> int:
    """The calendar year (full-year figures only) with the lowest published Russian share of EU imports."""
    series = russia_share_series(include_partial=False)
    return int(series.loc[series["share_pct"].idxmin(), "year"])


def _series_source(year: int) -> str:
    if year not in RUSSIA_SERIES:
        raise KeyError(f"no headline figure for Russian gas in {year}; the chapter has {sorted(RUSSIA_SERIES)}")
    return RUSSIA_SERIES[year]


def russia_volume(year: int) -> float:
    """Russian gas imported by the EU in ``year`` (bcm), from the release named in ``RUSSIA_SERIES``."""
    row = _one(imports(), f"Russian volume {year}", year=year, supplier=RUSSIA, route="total",
               share_of="total imports", source=_series_source(year))
    return float(row["bcm"])


def russia_share(year: int) -> float:
    """Russia's share of total EU gas imports in ``year`` (percent), from the release in ``RUSSIA_SERIES``."""
    row = _one(imports(), f"Russian share {year}", year=year, supplier=RUSSIA, route="total",
               share_of="total imports", source=_series_source(year))
    return float(row["share_pct"])


def russia_consumption_share(year: int = 2021) -> float:
    """Russia's share of EU gas *consumption* as the headline release for ``year`` states it (percent)."""
    row = _one(imports(), f"Russian share of consumption {year}", year=year, supplier=RUSSIA, route="total",
               share_of="EU gas consumption", source=_series_source(year))
    return float(row["share_pct"])


def volume_fall_pct(first: int = 2021, last: int = 2025) -> float:
    """Percentage fall of the Russian volume between two years of the headline series."""
    a, b = russia_volume(first), russia_volume(last)
    return (a - b) / a * 100


@cached
def supplier_map() -> pd.DataFrame:
    """Each main supplier's share of EU gas imports in 2021 and 2025, one row per supplier and year.

    The two years come from different publishers and bases (``SUPPLIER_MAPS``), which the ``basis`` and
    ``source`` columns keep. A supplier missing from a year's release is missing here too, never zero.
    """
    df = imports()
    frames = []
    for year, source in SUPPLIER_MAPS.items():
        keep = (df["year"] == year) & (df["source"] == source) & (df["share_of"] == "total imports")
        keep &= df["supplier"].isin(SUPPLIERS) & df["share_pct"].notna()
        frames.append(df[keep.fillna(False)])
    out = pd.concat(frames).sort_values(["year", "share_pct"], ascending=[True, False]).reset_index(drop=True)
    out["period"] = out["year"].astype(str)
    return out


def supplier_share(supplier: str, year: int) -> float:
    """A supplier's share of EU gas imports in one of the two supplier maps (percent)."""
    rows = supplier_map()
    row = _one(rows, f"{supplier} share {year}", supplier=supplier, year=year)
    return float(row["share_pct"])


def total_imports(year: int = 2025) -> float:
    """All EU gas imports in ``year`` (bcm), as the headline release for that year gives them."""
    return float(_one(imports(), f"EU gas imports {year}", year=year, supplier="All suppliers",
                      source=_series_source(year))["bcm"])


def lng_imports(year: int) -> float:
    """All EU LNG imports in ``year`` (bcm): one row per year in the data."""
    return float(_one(imports(), f"LNG {year}", year=year, supplier="All LNG suppliers", route="LNG")["bcm"])


def us_lng_share(year: int = 2025) -> float:
    """The United States' share of EU *LNG* imports in ``year`` (percent), headline release."""
    return float(_one(imports(), f"US share of LNG {year}", year=year, supplier="United States",
                      share_of="LNG imports", source=_series_source(year))["share_pct"])


#: Where two releases give the same route and year, the first in this list is shown.
ROUTE_SOURCES = ["ec-com-2025-440", "ec-com-2024-101", "ec-simson-2023-lngworldwide", "gie-2025-actualno",
                 "iea-10point-2022-energydigital", "bruegel-tass-teleborsa-2025-01"]


@cached
def route_volumes() -> pd.DataFrame:
    """Volumes (bcm) by route: Russian pipeline gas, Russian LNG and all LNG imports, one value per year.

    Where two releases give a figure for the same route and year, the one earlier in ``ROUTE_SOURCES``
    is kept (official releases first); the ``source`` column says which.
    """
    df = imports()
    keep = df["bcm"].notna() & (
        ((df["supplier"] == RUSSIA) & df["route"].isin(["pipeline", "LNG"]))
        | ((df["supplier"] == "All LNG suppliers") & (df["route"] == "LNG"))
    )
    out = df[keep.fillna(False)].copy()
    out["series"] = out.apply(lambda r: "All LNG imports" if r["supplier"] == "All LNG suppliers"
                              else ("Russian pipeline gas" if r["route"] == "pipeline" else "Russian LNG"), axis=1)
    unknown = set(out["source"]) - set(ROUTE_SOURCES)
    if unknown:
        raise LookupError(f"route volumes: rank the new source(s) {sorted(unknown)} in ROUTE_SOURCES")
    out["rank"] = out["source"].map(ROUTE_SOURCES.index)
    out = out.sort_values(["series", "year", "rank"]).drop_duplicates(["series", "year"])
    return out.drop(columns="rank").reset_index(drop=True)


def flows() -> pd.DataFrame:
    """``corridor_flows``: annual flows through corridors near Türkiye, plus Russian and Norwegian context."""
    return load("corridor_flows")


def flow(pipeline: str, year: int, destination: str | None = None) -> float:
    """One reported annual flow (bcm)."""
    df = flows()
    match = {"pipeline": pipeline, "year": year}
    if destination is not None:
        match["destination"] = destination
    return float(_one(df, f"flow of {pipeline} in {year}", **match)["flow_bcm"])


FLOW_ROUTES = ["Russian gas via TurkStream", "Azerbaijani gas via TANAP and TAP"]


@cached
def flows_into_europe() -> pd.DataFrame:
    """Russian gas via TurkStream's European string and Azerbaijani gas via the Southern Gas Corridor, by year."""
    df = flows()
    keep = ((df["pipeline"] == SGC) & (df["destination"] == "Europe")) | (
        (df["pipeline"] == TURKSTREAM_EU) & df["destination"].str.startswith("Europe"))
    out = df[keep.fillna(False)].copy()
    out["route"] = out["pipeline"].map({SGC: FLOW_ROUTES[1], TURKSTREAM_EU: FLOW_ROUTES[0]})
    return out.sort_values(["route", "year"]).reset_index(drop=True)


def corridors() -> pd.DataFrame:
    """``gas_corridors``: pipelines through and around Türkiye."""
    return load("gas_corridors")


def corridor_table() -> pd.DataFrame:
    """A readable table of the pipelines: start year, capacity, possible expansion, status, what they carry."""
    df = corridors()
    table = df[["pipeline", "start_year", "capacity_bcm_per_year", "expandable_to_bcm", "status", "supplies"]]
    return table.rename(columns={"pipeline": "Pipeline", "start_year": "First gas (year)",
                                 "capacity_bcm_per_year": "Capacity (bcm/yr)",
                                 "expandable_to_bcm": "Expandable to (bcm/yr)", "status": "Status",
                                 "supplies": "Carries"}).set_index("Pipeline")


def demand() -> pd.DataFrame:
    """``eu_gas_demand``: demand indicators (mixed units; read the unit column)."""
    return load("eu_gas_demand")


def demand_value(period: str, indicator: str) -> float:
    return float(_one(demand(), f"{indicator} ({period})", period=period, indicator=indicator)["value"])


def consumption_share_estimate(year: int = 2021) -> float:
    """Rough share of EU gas *consumption* supplied by Russia: share of imports x import dependency / 100.

    An approximation for teaching (it treats the import share as applying to net imports); see the exercise.
    """
    return russia_share(year) * demand_value(str(year), IMPORT_DEPENDENCY) / 100


def tap_capacity() -> tuple[float, float]:
    """TAP's design capacity and the capacity it can be expanded to (bcm/yr)."""
    row = _one(corridors(), "TAP capacity", pipeline=TAP)
    return float(row["capacity_bcm_per_year"]), float(row["expandable_to_bcm"])


def tap_doubling_pct() -> float:
    """Extra gas from expanding TAP to its maximum, as a percentage of Russia's 2021 volume."""
    design, maximum = tap_capacity()
    return (maximum - design) / russia_volume(2021) * 100


def lifeline_pct(year: int = 2025) -> float:
    """Azerbaijani gas delivered to Europe through the Southern Gas Corridor, as % of Russia's 2021 volume."""
    return flow(SGC, year, "Europe") / russia_volume(2021) * 100


# -- the "replace Russian gas" scenario ------------------------------------------------------------------------

@cached
def scenario_baseline() -> dict:
    """The scenario's fixed numbers, each read from one dataset row (bcm or bcm per year)."""
    design, maximum = tap_capacity()
    return {
        "russia_2021": russia_volume(2021),
        "russia_2025": russia_volume(2025),
        "lng_2021": lng_imports(2021),
        "lng_2022": lng_imports(2022),
        "norway_2021": flow(NORWAY_PIPES, 2021),
        "norway_2022": flow(NORWAY_PIPES, 2022),
        "tap_design": design,
        "tap_max": maximum,
        "sgc_2021": flow(SGC, 2021, "Europe"),
        "import_cut": demand_value("2022/2024", IMPORT_CUT),
    }


_BASELINE_TEXT = {
    "russia_2021": ("Russian gas imported by the EU, 2021 (IEA)", "bcm", "eu_gas_imports"),
    "russia_2025": ("Russian gas imported by the EU, 2025 (Gas Infrastructure Europe)", "bcm", "eu_gas_imports"),
    "lng_2021": ("EU LNG imports, 2021", "bcm", "eu_gas_imports"),
    "lng_2022": ("EU LNG imports, 2022", "bcm", "eu_gas_imports"),
    "norway_2021": ("Norwegian pipeline deliveries (Gassco, incl. UK), 2021", "bcm", "corridor_flows"),
    "norway_2022": ("Norwegian pipeline deliveries (Gassco, incl. UK), 2022", "bcm", "corridor_flows"),
    "tap_design": ("TAP design capacity", "bcm/yr", "gas_corridors"),
    "tap_max": ("TAP capacity after full expansion", "bcm/yr", "gas_corridors"),
    "sgc_2021": ("Azerbaijani gas to Europe via the corridor, 2021", "bcm", "corridor_flows"),
    "import_cut": ("Cut in EU gas imports from renewables and savings, 2022-2024 (Commission: 'more than')",
                   "bcm/yr", "eu_gas_demand"),
}


def baseline_table() -> pd.DataFrame:
    """The scenario baseline as a table a reader can check: what, value, unit, dataset."""
    base = scenario_baseline()
    rows = [{"Baseline figure": _BASELINE_TEXT[k][0], "Value": v, "Unit": _BASELINE_TEXT[k][1],
             "Dataset": _BASELINE_TEXT[k][2]} for k, v in base.items()]
    return pd.DataFrame(rows).set_index("Baseline figure")


def _lever_value(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number of bcm per year, not {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number of bcm per year")
    if value < 0:
        raise ValueError(f"{name} cannot be negative ({value:g} bcm/yr); the scenario only adds supply or cuts demand")
    return value


def replace_russian_gas(extra_lng=0.0, extra_norway=0.0, sgc_expansion=0.0, demand_cut=0.0,
                        base: dict | None = None) -> pd.DataFrame:
    """How far four levers go towards replacing the EU's 2021 Russian gas volume.

    Each lever is in bcm per year, measured against 2021: extra LNG imports, extra Norwegian pipeline gas,
    extra Southern Gas Corridor capacity (TAP expansion, assumed fully used for the EU) and lower EU demand.
    Returns one row per component (the 2021 Russian volume, the four levers, the remaining gap and, for
    comparison, the Russian volume actually still imported in 2025) with ``bcm`` (>= 0), ``share_pct`` (percent
    of the 2021 Russian volume, rounded to 0.1, >= 0; the gap's is within 0–100) and a ``label`` for the chart.

    Raises ``TypeError`` for non-numbers, ``ValueError`` for negative or non-finite values or a TAP expansion
    beyond the capacity the pipeline can reach.
    """
    rows = _scenario_rows(extra_lng, extra_norway, sgc_expansion, demand_cut,
                          scenario_baseline() if base is None else base)
    return pd.DataFrame(rows, columns=["component", "bcm", "share_pct", "label"])


def _scenario_rows(extra_lng, extra_norway, sgc_expansion, demand_cut, base: dict) -> list[tuple]:
    """The model's rows as plain tuples (component, bcm, share_pct, label): shared by the table and the grid."""
    values = {"extra_lng": extra_lng, "extra_norway": extra_norway, "sgc_expansion": sgc_expansion,
              "demand_cut": demand_cut}
    levers = {k: _lever_value(k, v) for k, v in values.items()}
    room = base["tap_max"] - base["tap_design"]
    if levers["sgc_expansion"] > room + 1e-9:
        raise ValueError(f"sgc_expansion of {levers['sgc_expansion']:g} bcm/yr exceeds TAP's expansion room "
                         f"({room:g} bcm/yr: from {base['tap_design']:g} to {base['tap_max']:g})")
    target = base["russia_2021"]
    covered = sum(levers.values())
    gap = max(0.0, target - covered)
    surplus = max(0.0, covered - target)
    actual = base["russia_2025"]
    rows = [(BASELINE_LABEL, target, f"{target:g} bcm = 100%")]
    rows += [(LEVERS[k], v, f"{v:g} bcm ({v / target:.0%})") for k, v in levers.items()]
    rows.append((GAP_LABEL, gap, f"0 bcm: covered, {surplus:g} to spare" if surplus > 0
                 else f"{gap:g} bcm ({gap / target:.0%})"))
    rows.append((ACTUAL_LABEL, actual, f"{actual:g} bcm ({actual / target:.0%})"))
    return [(name, bcm, round(bcm / target * 100, 1), label) for name, bcm, label in rows]


def scenario_summary(frame: pd.DataFrame) -> str:
    """One sentence on a scenario result: how much is covered, and what gap remains."""
    by = frame.set_index("component")["bcm"]
    target, gap = float(by[BASELINE_LABEL]), float(by[GAP_LABEL])
    covered = float(by[list(LEVERS.values())].sum())
    if gap <= 0:
        return (f"The four levers add up to {covered:g} bcm a year, enough to replace all {target:g} bcm of "
                f"Russia's 2021 gas in this scenario.")
    return (f"The four levers replace {covered:g} of {target:g} bcm ({covered / target:.0%}); "
            f"{gap:g} bcm ({gap / target:.0%}) of Russia's 2021 volume is still uncovered.")


#: Short codes used in the explorer's precomputed grid (keeps the book page light); the view maps them back.
CODES = dict(zip(["base", "lng", "norway", "sgc", "demand", "gap", "actual"], COMPONENTS, strict=True))
_CODE_OF = {v: k for k, v in CODES.items()}


def _compact(rows: list[tuple]) -> pd.DataFrame:
    """The model's rows with short column names and component codes, for the explorer's grid."""
    return pd.DataFrame([(_CODE_OF[name], bcm, pct, label) for name, bcm, pct, label in rows],
                        columns=["k", "bcm", "pct", "lab"])


def _expand(compact: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"component": compact["k"].map(CODES), "bcm": compact["bcm"], "share_pct": compact["pct"],
                         "label": compact["lab"]})


def _name_expr() -> str:
    expr = json.dumps(COMPONENTS[-1])
    for code, name in reversed(list(CODES.items())[:-1]):
        expr = f"datum.k == {json.dumps(code)} ? {json.dumps(name)} : ({expr})"
    return expr


def _scenario_view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    x = alt.X("bcm:Q", title="Billion cubic metres a year (bcm)", scale=alt.Scale(domain=[0, 200], clamp=True))
    y = alt.Y("name:N", title=None, sort=COMPONENTS, axis=alt.Axis(labelLimit=320))
    colour = alt.Color("name:N", scale=alt.Scale(domain=COMPONENTS, range=COMPONENT_COLOURS), legend=None)
    tooltip = [alt.Tooltip("name:N", title="Component"), alt.Tooltip("bcm:Q", title="bcm a year", format=".1f"),
               alt.Tooltip("pct:Q", title="% of 2021 Russian volume", format=".1f")]
    bars = alt.Chart().mark_bar(height=22).encode(x=x, y=y, color=colour, tooltip=tooltip)
    text = alt.Chart().mark_text(align="left", dx=4).encode(x=x, y=y, text="lab:N")
    return (alt.layer(bars, text, data=frame).transform_calculate(name=_name_expr())
            .properties(width=430, height=240))


def explorer() -> Explorer:
    """The "replace Russian gas" explorer: four whole-number sliders, 480 precomputed states for the book."""
    base = scenario_baseline()
    room = base["tap_max"] - base["tap_design"]
    if room < 1:
        raise ValueError(f"TAP's expansion room in gas_corridors is {room:g} bcm/yr; the explorer needs at least 1")
    sgc_max = float(math.floor(room))  # whole numbers only (see _integral_step)
    imp, fl = imports(), flows()
    used = [
        imp[imp["source"].isin([RUSSIA_SERIES[2021], RUSSIA_SERIES[2025]]) & (imp["supplier"] == RUSSIA)
            & (imp["share_of"] == "total imports")],
        imp[(imp["supplier"] == "All LNG suppliers") & (imp["year"] <= 2022)],
        fl[(fl["pipeline"] == NORWAY_PIPES) | ((fl["pipeline"] == SGC) & (fl["year"] == 2021))],
        corridors()[corridors()["pipeline"] == TAP],
        demand()[demand()["indicator"] == IMPORT_CUT],
    ]
    return Explorer(
        title="Replace Russia's 2021 gas: how far do four levers go?",
        description=(f"Horizontal bars in billion cubic metres a year. The top bar is the {base['russia_2021']:g} bcm "
                     "of Russian gas the EU imported in 2021 by the IEA's estimate (100%). Four sliders set extra LNG "
                     "imports, extra Norwegian pipeline gas, an expansion of the Southern Gas Corridor's TAP pipeline "
                     f"(up to {room:g} bcm a year, the room between its design and maximum capacity) and lower EU gas "
                     "demand, all measured against 2021; each bar is labelled with its share of the 2021 volume. The "
                     "'Remaining gap' bar is what is left uncovered; the last bar shows the Russian volume the EU "
                     f"actually still imported in 2025 ({base['russia_2025']:g} bcm, Gas Infrastructure Europe's data). "
                     "Slider ranges are teaching assumptions, not data."),
        controls=[
            Slider("lng", "Extra LNG imports vs 2021", *LNG_RANGE, default=0, unit="bcm/yr"),
            Slider("norway", "Extra Norwegian gas vs 2021", *NORWAY_RANGE, default=0, unit="bcm/yr"),
            Slider("sgc", "TAP expansion", 0, sgc_max, _integral_step(sgc_max), default=0, unit="bcm/yr"),
            Slider("demand", "Lower EU demand vs 2021", *DEMAND_RANGE, default=0, unit="bcm/yr"),
        ],
        model=lambda lng, norway, sgc, demand: _compact(_scenario_rows(lng, norway, sgc, demand, base)),
        view=_scenario_view,
        source=source_line(*used),
        summary=lambda compact: scenario_summary(_expand(compact)),
    )


# -- figures and the tables behind them ---------------------------------------------------------------------

BASES = ["volume", "energy", "trade statistics", "unspecified"]


def share_table() -> pd.DataFrame:
    """The data of the share figure, as a reader-facing table."""
    data = russia_share_series()
    return data[["year", "coverage", "basis", "share_pct", "approximate", "source"]].rename(columns={
        "year": "Year", "coverage": "Period", "basis": "How measured", "share_pct": "Share of EU gas imports (%)",
        "approximate": "Approximate", "source": "Source id"})


def share_figure():
    data = russia_share_series()
    full = russia_share_series(include_partial=False)
    low = full.loc[full["share_pct"].idxmin()]
    top = full.loc[full["share_pct"].idxmax()]
    plot = data[["year", "share_pct", "coverage", "basis", "source", "label"]]
    points = (
        alt.Chart(plot)
        .mark_point(filled=True, size=140)
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share_pct:Q", title="Russia's share of EU gas imports (%)", scale=alt.Scale(domain=[0, 50])),
            color=alt.Color("basis:N", title="How the source measures", scale=colour_scale(BASES)),
            shape=alt.Shape("basis:N", title="How the source measures", scale=shape_scale(BASES)),
            tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("share_pct:Q", title="Share (%)"),
                     alt.Tooltip("coverage:N", title="Period"), alt.Tooltip("basis:N", title="Basis"),
                     alt.Tooltip("source:N", title="Source id")],
        )
    )
    full_year = plot["coverage"] == "full year"
    # Full-year values are labelled above their point, part-year ones to the right of it, so that two figures
    # for the same year (a full year and a dated statement) never print on top of each other.
    labels = alt.Chart(plot[full_year]).mark_text(dy=-14).encode(x="year:O", y="share_pct:Q",
                                                                 text=alt.Text("share_pct:Q", format=".4~f"))
    side = alt.Chart(plot[~full_year]).mark_text(dx=10, align="left").encode(
        x="year:O", y="share_pct:Q", text=alt.Text("share_pct:Q", format=".4~f"))
    notes = alt.Chart(plot[~full_year]).mark_text(dy=16, fontSize=11).encode(
        x="year:O", y="share_pct:Q", text="label:N")
    chart = alt.layer(points, labels, side, notes).properties(width=520, height=280)
    pts = "; ".join(f"{r.year} ({r.coverage}, {r.basis}): {r.share_pct:g}%" for r in data.itertuples())
    return figure(
        chart,
        title=(f"Russia's share of EU gas imports fell from about {top['share_pct']:g}% in {int(top['year'])} "
               f"to {low['share_pct']:g}% in {int(low['year'])}, measured in several ways"),
        description=("Points, one per published figure, of Russia's share of total EU gas imports. Shape and colour "
                     "show how each source measures, so the points are not one consistent series. " + pts + "."),
        data=data,
    )


ROUTES = ["Russian pipeline gas", "Russian LNG", "All LNG imports"]


def routes_table() -> pd.DataFrame:
    data = route_volumes()
    return data[["series", "year", "bcm", "approximate", "source"]].rename(columns={
        "series": "Series", "year": "Year", "bcm": "bcm", "approximate": "Approximate", "source": "Source id"})


def routes_figure():
    data = route_volumes()
    plot = data[["year", "bcm", "series", "approximate", "source"]]
    pipe = data[data["series"] == "Russian pipeline gas"].set_index("year")["bcm"]
    lng = data[data["series"] == "All LNG imports"].set_index("year")["bcm"]
    enc = dict(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("bcm:Q", title="Imports (bcm)"),
        color=alt.Color("series:N", title="Series", scale=colour_scale(ROUTES), sort=ROUTES),
    )
    lines = alt.Chart(plot).mark_line().encode(
        **enc, strokeDash=alt.StrokeDash("series:N", scale=dash_scale(ROUTES), title="Series", sort=ROUTES))
    pts = alt.Chart(plot).mark_point(filled=True, size=90).encode(
        **enc, shape=alt.Shape("series:N", scale=shape_scale(ROUTES), title="Series", sort=ROUTES),
        tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("bcm:Q", title="bcm"), alt.Tooltip("approximate:N", title="Approximate"),
                 alt.Tooltip("source:N", title="Source id")])
    above = alt.Chart(plot[plot["series"] != "Russian LNG"]).mark_text(dy=-12).encode(
        x="year:O", y="bcm:Q", text=alt.Text("bcm:Q", format=".4~f"))
    below = alt.Chart(plot[plot["series"] == "Russian LNG"]).mark_text(dy=16).encode(
        x="year:O", y="bcm:Q", text=alt.Text("bcm:Q", format=".4~f"))
    chart = alt.layer(lines, pts, above, below).properties(width=520, height=280)
    desc = "; ".join(f"{r.series} {r.year}: {r.bcm:g} bcm" + (" (approximate)" if r.approximate else "")
                     for r in data.itertuples())
    return figure(
        chart,
        title=(f"Russian pipeline gas fell from {pipe.iloc[0]:g} bcm ({pipe.index[0]}) to {pipe.iloc[-1]:g} bcm "
               f"({pipe.index[-1]}) while LNG imports rose to {lng.iloc[-1]:g} bcm ({lng.index[-1]})"),
        description=("Lines with points of EU gas import volumes by route, one value per year from the releases in the "
                     "table below (IEA, Commission, Gas Infrastructure Europe, and TASS calculations on Bruegel data "
                     "for Russian LNG in 2022 and 2023), so small differences between years may reflect the source. "
                     + desc + "."),
        data=data,
    )


def supplier_table() -> pd.DataFrame:
    data = supplier_map()
    return data[["year", "supplier", "share_pct", "basis", "source"]].rename(columns={
        "year": "Year", "supplier": "Supplier", "share_pct": "Share of EU gas imports (%)", "basis": "How measured",
        "source": "Source id"})


def supplier_figure():
    data = supplier_map()
    plot = data[["period", "supplier", "share_pct", "basis", "source"]]
    years = [str(y) for y in SUPPLIER_MAPS]
    bars = alt.Chart(plot).mark_bar().encode(
        y=alt.Y("supplier:N", title=None, sort=SUPPLIERS),
        yOffset=alt.YOffset("period:N", sort=years),
        x=alt.X("share_pct:Q", title="Share of EU gas imports (%)", scale=alt.Scale(domain=[0, 50])),
        color=alt.Color("period:N", title="Year", scale=colour_scale(years), sort=years),
        tooltip=[alt.Tooltip("supplier:N", title="Supplier"), alt.Tooltip("period:N", title="Year"),
                 alt.Tooltip("share_pct:Q", title="Share (%)"), alt.Tooltip("basis:N", title="Basis"),
                 alt.Tooltip("source:N", title="Source id")])
    text = alt.Chart(plot).mark_text(align="left", dx=3).encode(
        y=alt.Y("supplier:N", sort=SUPPLIERS), yOffset=alt.YOffset("period:N", sort=years),
        x="share_pct:Q", text=alt.Text("share_pct:Q", format=".4~f"))
    chart = alt.layer(bars, text).properties(width=460, height=300)
    by = data.set_index(["supplier", "year"])["share_pct"]
    desc = "; ".join(f"{r.supplier} {r.year}: {r.share_pct:g}%" for r in data.itertuples())
    missing = [s for s in SUPPLIERS if (s, 2025) not in by.index]
    return figure(
        chart,
        title=(f"From Russia to Norway and the United States: Russia fell from about {by[(RUSSIA, 2021)]:g}% to "
               f"{by[(RUSSIA, 2025)]:g}% of EU gas imports, the US rose from {by[('United States', 2021)]:g}% to "
               f"{by[('United States', 2025)]:g}%"),
        description=("Horizontal bars, two per supplier, of the share of EU gas imports from the main suppliers in 2021 "
                     "(the Commission's statement of March 2022, basis not stated) and 2025 (Gas Infrastructure "
                     "Europe's import volumes). The two years come from different publishers. " + desc + "."
                     + (f" No 2025 share was found for {', '.join(missing)}." if missing else "")),
        data=data,
    )


def flows_table() -> pd.DataFrame:
    data = flows_into_europe()
    return data[["route", "year", "flow_bcm", "destination", "approximate", "source"]].rename(columns={
        "route": "Route", "year": "Year", "flow_bcm": "bcm", "destination": "Destination",
        "approximate": "Approximate", "source": "Source id"})


def corridor_figure():
    data = flows_into_europe()
    plot = data[["year", "flow_bcm", "route", "destination", "source"]]
    ts = data[data["route"] == FLOW_ROUTES[0]].set_index("year")["flow_bcm"]
    sgc = data[data["route"] == FLOW_ROUTES[1]].set_index("year")["flow_bcm"]
    enc = dict(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("flow_bcm:Q", title="Gas delivered to Europe (bcm)", scale=alt.Scale(domain=[0, 20])),
        color=alt.Color("route:N", title="Route through Türkiye", scale=colour_scale(FLOW_ROUTES), sort=FLOW_ROUTES),
    )
    lines = alt.Chart(plot).mark_line().encode(
        **enc, strokeDash=alt.StrokeDash("route:N", scale=dash_scale(FLOW_ROUTES), title="Route through Türkiye",
                                         sort=FLOW_ROUTES))
    pts = alt.Chart(plot).mark_point(filled=True, size=100).encode(
        **enc, shape=alt.Shape("route:N", scale=shape_scale(FLOW_ROUTES), title="Route through Türkiye",
                               sort=FLOW_ROUTES),
        tooltip=[alt.Tooltip("route:N", title="Route"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("flow_bcm:Q", title="bcm"), alt.Tooltip("destination:N", title="Destination"),
                 alt.Tooltip("source:N", title="Source id")])
    text = alt.Chart(plot).mark_text(dy=-12).encode(x="year:O", y="flow_bcm:Q",
                                                    text=alt.Text("flow_bcm:Q", format=".4~f"))
    chart = alt.layer(lines, pts, text).properties(width=520, height=260)
    desc = "; ".join(f"{r.route} {r.year}: {r.flow_bcm:g} bcm" + (" (approximate)" if r.approximate else "")
                     for r in data.itertuples())
    last = int(min(ts.index.max(), sgc.index.max()))
    return figure(
        chart,
        title=(f"Across Türkiye in {last}, Russian gas via TurkStream ({ts[last]:g} bcm) outweighed "
               f"Azerbaijani gas ({sgc[last]:g} bcm)"),
        description=("Lines with points of annual gas deliveries to Europe through two routes that cross Türkiye. "
                     "Years missing from a line were not found in any source. 'Europe' includes non-EU countries "
                     "such as Serbia. " + desc + "."),
        data=data,
    )


# -- facts: what the content file's answers and texts, and the teaching kit, name -------------------------------

def _council_jan_nov_basis() -> str:
    return str(_one(imports(), "Jan-Nov 2022", year=2022, coverage="January-November", supplier=RUSSIA)["basis"])


FACTS = {
    # Russian gas in EU imports
    "lowest_share_year": lowest_share_year,
    "russia_2021_bcm": lambda: russia_volume(2021),
    "russia_2021_share": lambda: russia_share(2021),
    "russia_2021_consumption_share": lambda: russia_consumption_share(2021),
    "russia_2024_bcm": lambda: russia_volume(2024),
    "russia_2024_share": lambda: russia_share(2024),
    "russia_2025_bcm": lambda: russia_volume(2025),
    "russia_2025_share": lambda: russia_share(2025),
    "eu_imports_2025": lambda: total_imports(2025),
    "volume_fall_pct": volume_fall_pct,
    "share_points_fall": lambda: russia_share(2021) - russia_share(2025),
    "volume_fall_bcm": lambda: russia_volume(2021) - russia_volume(2025),
    "volume_left_pct": lambda: russia_volume(2025) / russia_volume(2021) * 100,
    "jan_nov_basis": _council_jan_nov_basis,
    # the new map of imports
    "lng_2021": lambda: lng_imports(2021),
    "lng_2022": lambda: lng_imports(2022),
    "lng_2025": lambda: lng_imports(2025),
    "norway_2021_gassco": lambda: flow(NORWAY_PIPES, 2021),
    "norway_2022_gassco": lambda: flow(NORWAY_PIPES, 2022),
    "norway_share_2021": lambda: supplier_share("Norway", 2021),
    "norway_share_2025": lambda: supplier_share("Norway", 2025),
    "algeria_share_2021": lambda: supplier_share("Algeria", 2021),
    "us_share_2021": lambda: supplier_share("United States", 2021),
    "us_share_2025": lambda: supplier_share("United States", 2025),
    "us_share_rise": lambda: supplier_share("United States", 2025) - supplier_share("United States", 2021),
    "us_lng_share_2025": us_lng_share,
    "import_cut": lambda: demand_value("2022/2024", IMPORT_CUT),
    # the claim of "a third"
    "dependency_2021": lambda: demand_value("2021", IMPORT_DEPENDENCY),
    "consumption_estimate": consumption_share_estimate,
    "share_over_dependency": lambda: russia_share(2021) / demand_value("2021", IMPORT_DEPENDENCY) * 100,
    "one_third": lambda: 100 / 3,
    # corridors through Türkiye
    "tap_design": lambda: tap_capacity()[0],
    "tap_max": lambda: tap_capacity()[1],
    "tap_doubling_pct": tap_doubling_pct,
    "tap_max_pct": lambda: tap_capacity()[1] / russia_volume(2021) * 100,
    "tap_extra_over_pipeline": lambda: (tap_capacity()[1] - tap_capacity()[0])
    / float(_one(imports(), "Russian pipeline 2021", year=2021, supplier=RUSSIA, route="pipeline")["bcm"]) * 100,
    "tap_extra_over_2025": lambda: (tap_capacity()[1] - tap_capacity()[0]) / russia_volume(2025) * 100,
    "sgc_2021": lambda: flow(SGC, 2021, "Europe"),
    "sgc_2025": lambda: flow(SGC, 2025, "Europe"),
    "lifeline_pct": lifeline_pct,
    "sgc_increase_pct": lambda: (flow(SGC, 2025, "Europe") - flow(SGC, 2021, "Europe")) / russia_volume(2021) * 100,
    "sgc_over_2025_russia": lambda: flow(SGC, 2025, "Europe") / russia_volume(2025) * 100,
    "turkstream_2024": lambda: flow(TURKSTREAM_EU, 2024, "Europe (all countries served via the Türkiye-Bulgaria border)"),
    "turkstream_2025": lambda: flow(TURKSTREAM_EU, 2025, "Europe (all countries served via the Türkiye-Bulgaria border)"),
    "all_routes_2022": lambda: flow(GAZPROM_ALL, 2022),
    "all_routes_2025": lambda: flow(GAZPROM_ALL, 2025),
    "strandzha_2025": lambda: flow(STRANDZHA, 2025),
}
