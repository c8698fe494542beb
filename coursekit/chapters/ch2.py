"""Chapter 2. Energy security and the "winter weapon": gas, corridors and Türkiye.

Data helpers for the EU's gas imports (a table of published figures on *different* bases), the pipelines
through and around Türkiye and their flows; a pure "replace Russian gas" scenario model and its explorer;
the chapter's figures, exercises and quiz.

Every number the chapter shows is read from ``data/`` here. The scenario's *baseline* (Russia's 2021 volume,
LNG and Norwegian supply in 2021, TAP's capacity, the demand cut the Commission reports) comes from the
datasets; the *slider ranges* are teaching assumptions, not data, and the notebook says so.
"""

from __future__ import annotations

import json
import math
import numbers

import altair as alt
import pandas as pd

from ..charts import PALETTE, colour_scale, dash_scale, figure, shape_scale
from ..data import load, source_line
from ..exercises import ChoiceExercise, NumberExercise, TextExercise, register
from ..explorer import Explorer, Slider
from ..quiz import MultipleChoice, Numeric, Option, Quiz

RUSSIA = "Russia"
EC_HEADLINE = "ec-repowereu-3y-2025"  # the Commission's headline series for Russia (150 bcm / 45% in 2021)
NORWAY_PIPES = "Norwegian pipeline network (Gassco, all deliveries)"
TAP = "TAP (Trans Adriatic Pipeline)"
SGC = "Southern Gas Corridor (Azerbaijani exports to Europe)"
TURKSTREAM_EU = "TurkStream string 2 (European string)"
GAZPROM_ALL = "All Russian pipeline routes to Europe (Gazprom)"
DEMAND_SAVED = "gas saved per year by demand reduction"
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
ACTUAL_LABEL = "Still imported from Russia in 2024 (actual)"
COMPONENTS = [BASELINE_LABEL, *LEVERS.values(), GAP_LABEL, ACTUAL_LABEL]
COMPONENT_COLOURS = ["#000000", PALETTE[0], PALETTE[4], PALETTE[2], PALETTE[1], PALETTE[5], "#999999"]

#: Slider ranges of the scenario: teaching assumptions (bcm per year), NOT data.
LNG_RANGE = (0, 80, 20)
NORWAY_RANGE = (0, 12, 4)
DEMAND_RANGE = (0, 75, 25)


def _integral_step(room: float) -> float:
    """A whole-number slider step for the TAP expansion (0 to ``room``).

    Every slider here uses whole numbers: the live FloatSlider of the first toolkit version rejected its own
    readout format, and whole numbers keep the readouts clean. Prefers five or four steps; falls back to 1.
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


def russia_share_series(include_partial: bool = True) -> pd.DataFrame:
    """Russia's published share of *total* EU gas imports, one row per year and source.

    Keeps rows for Russia (pipeline + LNG) whose share is of total imports. Single-month figures are dropped;
    ``include_partial=False`` also drops the January–November 2022 and the 2025 statement rows, leaving
    full calendar years only. The ``basis`` column must travel with the numbers: they are not one series.
    """
    df = imports()
    keep = (df["supplier"] == RUSSIA) & (df["route"] == "total") & (df["share_of"] == "total imports")
    keep &= df["share_pct"].notna() & (df["coverage"] != "November only")
    if not include_partial:
        keep &= df["coverage"] == "full year"
    out = df[keep.fillna(False)].sort_values("year").reset_index(drop=True)
    out["label"] = out["coverage"].where(out["coverage"] == "full year", out["coverage"].str.split(" \\(").str[0])
    return out


def lowest_share_year() -> int:
    """The calendar year (full-year figures only) with the lowest published Russian share of EU imports."""
    series = russia_share_series(include_partial=False)
    return int(series.loc[series["share_pct"].idxmin(), "year"])


def russia_volume(year: int) -> float:
    """Russian gas imported by the EU in ``year`` (bcm), in the Commission's headline series."""
    row = _one(imports(), f"Russian volume {year}", year=year, supplier=RUSSIA, route="total", basis="volume",
               source=EC_HEADLINE)
    return float(row["bcm"])


def russia_share(year: int) -> float:
    """Russia's share of total EU gas imports in ``year`` (percent), in the Commission's headline series."""
    row = _one(imports(), f"Russian share {year}", year=year, supplier=RUSSIA, route="total", source=EC_HEADLINE)
    return float(row["share_pct"])


def volume_fall_pct(first: int = 2021, last: int = 2024) -> float:
    """Percentage fall of the Russian volume between two years (Commission series)."""
    a, b = russia_volume(first), russia_volume(last)
    return (a - b) / a * 100


def route_volumes() -> pd.DataFrame:
    """Volumes (bcm) by route: Russian pipeline gas, Russian LNG and all LNG imports, by year and source."""
    df = imports()
    keep = df["bcm"].notna() & (
        ((df["supplier"] == RUSSIA) & df["route"].isin(["pipeline", "LNG"]))
        | ((df["supplier"] == "All LNG suppliers") & (df["route"] == "LNG"))
    )
    out = df[keep.fillna(False)].copy()
    out["series"] = out.apply(lambda r: "All LNG imports" if r["supplier"] == "All LNG suppliers"
                              else ("Russian pipeline gas" if r["route"] == "pipeline" else "Russian LNG"), axis=1)
    return out.sort_values(["series", "year"]).reset_index(drop=True)


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


def flows_into_europe() -> pd.DataFrame:
    """Russian gas via TurkStream's European string and Azerbaijani gas via the Southern Gas Corridor, by year."""
    df = flows()
    keep = ((df["pipeline"] == SGC) & (df["destination"] == "Europe")) | (
        (df["pipeline"] == TURKSTREAM_EU) & df["destination"].str.startswith("Europe"))
    out = df[keep.fillna(False)].copy()
    out["route"] = out["pipeline"].map({SGC: "Azerbaijani gas via TANAP and TAP",
                                        TURKSTREAM_EU: "Russian gas via TurkStream"})
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
    """Rough share of EU gas *consumption* supplied by Russia: share of imports x import dependency.

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


def lifeline_pct(year: int = 2023) -> float:
    """Azerbaijani gas delivered to Europe through the Southern Gas Corridor, as % of Russia's 2021 volume."""
    return flow(SGC, year, "Europe") / russia_volume(2021) * 100


# -- the "replace Russian gas" scenario ------------------------------------------------------------------------

def scenario_baseline() -> dict:
    """The scenario's fixed numbers, each read from one dataset row (bcm or bcm per year)."""
    imp = imports()
    design, maximum = tap_capacity()
    return {
        "russia_2021": russia_volume(2021),
        "russia_2024": russia_volume(2024),
        "lng_2021": float(_one(imp, "LNG 2021", year=2021, supplier="All LNG suppliers", route="LNG")["bcm"]),
        "lng_2022": float(_one(imp, "LNG 2022", year=2022, supplier="All LNG suppliers", route="LNG")["bcm"]),
        "norway_2021": flow(NORWAY_PIPES, 2021),
        "norway_2022": flow(NORWAY_PIPES, 2022),
        "tap_design": design,
        "tap_max": maximum,
        "sgc_2021": flow(SGC, 2021, "Europe"),
        "demand_saved": demand_value("2022-08/2025-01", DEMAND_SAVED),
    }


_BASELINE_TEXT = {
    "russia_2021": ("Russian gas imported by the EU, 2021", "bcm", "eu_gas_imports"),
    "russia_2024": ("Russian gas imported by the EU, 2024", "bcm", "eu_gas_imports"),
    "lng_2021": ("EU LNG imports, 2021", "bcm", "eu_gas_imports"),
    "lng_2022": ("EU LNG imports, 2022", "bcm", "eu_gas_imports"),
    "norway_2021": ("Norwegian pipeline deliveries (Gassco, incl. UK), 2021", "bcm", "corridor_flows"),
    "norway_2022": ("Norwegian pipeline deliveries (Gassco, incl. UK), 2022", "bcm", "corridor_flows"),
    "tap_design": ("TAP design capacity", "bcm/yr", "gas_corridors"),
    "tap_max": ("TAP capacity after full expansion", "bcm/yr", "gas_corridors"),
    "sgc_2021": ("Azerbaijani gas to Europe via the corridor, 2021", "bcm", "corridor_flows"),
    "demand_saved": ("Gas saved per year by EU demand reduction (Aug 2022-Jan 2025)", "bcm/yr", "eu_gas_demand"),
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
    comparison, the Russian volume actually still imported in 2024) with ``bcm`` (>= 0), ``share_pct`` (percent
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
    actual = base["russia_2024"]
    rows = [(BASELINE_LABEL, target, f"{target:g} bcm = 100%")]
    rows += [(LEVERS[k], v, f"{v:g} bcm ({v / target:.0%})") for k, v in levers.items()]
    rows.append((GAP_LABEL, gap, f"0 bcm: covered, {surplus:g} to spare" if surplus > 0
                 else f"{gap:g} bcm ({gap / target:.0%})"))
    rows.append((ACTUAL_LABEL, actual, f"{actual:g} bcm ({actual / target:.0%})"))
    return [(name, bcm, round(bcm / target * 100, 1), label) for name, bcm, label in rows]


def scenario_summary(frame: pd.DataFrame) -> str:
    """One sentence for screen readers and the live explorer's status line."""
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
    used = [
        imports().query("supplier == 'Russia' and route == 'total' and source == @EC_HEADLINE"),
        imports().query("supplier == 'All LNG suppliers' and year <= 2022"),
        flows()[(flows()["pipeline"] == NORWAY_PIPES) | ((flows()["pipeline"] == SGC) & (flows()["year"] == 2021))],
        corridors()[corridors()["pipeline"] == TAP],
        demand()[demand()["indicator"] == DEMAND_SAVED],
    ]
    return Explorer(
        title="Replace Russia's 2021 gas: how far do four levers go?",
        description=(f"Horizontal bars in billion cubic metres a year. The top bar is the {base['russia_2021']:g} bcm "
                     "of Russian gas the EU imported in 2021 (100%). Four sliders set extra LNG imports, extra "
                     "Norwegian pipeline gas, an expansion of the Southern Gas Corridor's TAP pipeline (up to "
                     f"{room:g} bcm a year, the room between its design and maximum capacity) and lower EU gas "
                     "demand, all measured against 2021; each bar is labelled with its share of the 2021 volume. The "
                     "'Remaining gap' bar is what is left uncovered; the last bar shows the Russian volume the EU "
                     f"actually still imported in 2024 ({base['russia_2024']:g} bcm). Slider ranges are teaching assumptions, not data."),
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


# -- figures ---------------------------------------------------------------------------------------------------

BASES = ["volume", "energy", "trade statistics", "unspecified"]


def _plain(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Only the plotted columns, with missing text as "" so the chart JSON never carries NaN."""
    out = frame[columns].copy()
    for column in columns:
        if not pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].astype(object).where(out[column].notna(), "").astype(str)
    return out


def share_figure():
    data = russia_share_series()
    plot = _plain(data, ["year", "share_pct", "coverage", "basis", "source", "label"])
    full = data[data["coverage"] == "full year"].set_index("year")["share_pct"]
    first, low, last = 2021, int(full.idxmin()), int(full.index.max())
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
    labels = (
        alt.Chart(plot)
        .mark_text(dy=-14)
        .encode(x="year:O", y="share_pct:Q", text=alt.Text("share_pct:Q", format=".4~f"))
    )
    notes = alt.Chart(plot[plot["coverage"] != "full year"]).mark_text(dy=16, fontSize=11, color="#333333").encode(
        x="year:O", y="share_pct:Q", text="label:N")
    chart = alt.layer(points, labels, notes).properties(width=520, height=280)
    pts = "; ".join(f"{r.year} ({r.coverage}, {r.basis}): {r.share_pct:g}%" for r in data.itertuples())
    return figure(
        chart,
        title=(f"Russia's share of EU gas imports fell from {full[first]:g}% in {first} to {full[low]:g}% in {low}, "
               f"then rose to {full[last]:g}% in {last}"),
        description=("Points, one per published figure, of Russia's share of total EU gas imports. Shape and colour "
                     "show how each source measures, so the points are not one consistent series. " + pts + "."),
        data=data,
    )


ROUTES = ["Russian pipeline gas", "Russian LNG", "All LNG imports"]


def routes_figure():
    data = route_volumes()
    plot = _plain(data, ["year", "bcm", "series", "approximate", "source"])
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
               f"({pipe.index[-1]}) while LNG imports jumped to {lng.iloc[-1]:g} bcm ({lng.index[-1]})"),
        description=("Lines with points of EU gas import volumes by route, from several sources (Commission, IEA, "
                     "and TASS calculations on Bruegel data for Russian LNG after 2021), so small differences between "
                     "years may reflect the source. " + desc + "."),
        data=data,
    )


FLOW_ROUTES = ["Russian gas via TurkStream", "Azerbaijani gas via TANAP and TAP"]


def corridor_figure():
    data = flows_into_europe()
    plot = _plain(data, ["year", "flow_bcm", "route", "destination", "source"])
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
    desc = "; ".join(f"{r.route} {r.year}: {r.flow_bcm:g} bcm" for r in data.itertuples())
    return figure(
        chart,
        title=(f"Across Türkiye, Russian gas via TurkStream ({ts.iloc[-1]:g} bcm, {ts.index[-1]}) now outweighs "
               f"Azerbaijani gas ({sgc.iloc[-1]:g} bcm, {sgc.index[-1]})"),
        description=("Lines with points of annual gas deliveries to Europe through two routes that cross Türkiye. "
                     "Years missing from a line were not found in any source. 'Europe' includes non-EU countries "
                     "such as Serbia. " + desc + "."),
        data=data,
    )


# -- exercises ---------------------------------------------------------------------------------------------------

def _iea_total_2021() -> float:
    df = imports()
    rows = df[(df["year"] == 2021) & (df["supplier"] == RUSSIA) & df["route"].isin(["pipeline", "LNG"])
              & (df["source"] == "iea-10point-2022-energydigital")]
    return float(rows["bcm"].sum())


def _pipeline_2021() -> float:
    return float(_one(imports(), "Russian pipeline 2021", year=2021, supplier=RUSSIA, route="pipeline")["bcm"])


register(
    TextExercise(
        "ch2-lowest-year",
        accepted=lambda: [str(lowest_share_year())],
        hint=("Keep rows where supplier is 'Russia', route is 'total', share_of is 'total imports' and coverage is "
              "'full year'; then look for the smallest share_pct. Write the year in quotes, e.g. '2020'."),
        explanation=("Right. Note that the share rose again the following year: Russian LNG and TurkStream flows "
                     "grew while total imports fell."),
    ),
    NumberExercise(
        "ch2-volume-fall", expected=volume_fall_pct, unit="%", abs_tol=0.5,
        hint="Use the two Commission rows (basis 'volume', route 'total'): (2021 volume − 2024 volume) / 2021 volume × 100.",
        explanation="The volume fell by about two thirds, more than the share did, because total imports also fell.",
        near=[
            (lambda: russia_share(2021) - russia_share(2024),
             "That is the fall of Russia's share in percentage points. The question asks by what percent the volume fell."),
            (lambda: russia_volume(2021) - russia_volume(2024),
             "That is the fall in bcm. Divide it by the 2021 volume and multiply by 100 to get a percentage."),
            (lambda: russia_volume(2024) / russia_volume(2021) * 100,
             "That is the share of the 2021 volume still imported in 2024; the fall is 100 minus this."),
        ],
    ),
    NumberExercise(
        "ch2-tap-double", expected=tap_doubling_pct, unit="%", abs_tol=0.1,
        hint=("Take TAP's capacity and expandable_to_bcm from gas_corridors. The extra gas is the difference. Divide it "
              "by Russia's 2021 volume in the Commission series and multiply by 100."),
        explanation="Doubling TAP would replace well under a tenth of what Russia supplied in 2021.",
        near=[
            (lambda: tap_capacity()[1] / russia_volume(2021) * 100,
             "You used the whole capacity after doubling. Only the extra capacity is new gas."),
            (lambda: (tap_capacity()[1] - tap_capacity()[0]) / _iea_total_2021() * 100,
             "You divided by the IEA's 155 bcm (pipeline + LNG). The question asks for the Commission's 2021 figure."),
            (lambda: (tap_capacity()[1] - tap_capacity()[0]) / _pipeline_2021() * 100,
             "You divided by Russian pipeline gas only. Use the total 2021 Russian volume in the Commission series."),
        ],
    ),
    NumberExercise(
        "ch2-third-claim", expected=consumption_share_estimate, unit="%", abs_tol=0.3,
        hint=("Multiply Russia's 2021 share of imports (Commission) by the 2021 import dependency rate in eu_gas_demand, "
              "then divide by 100."),
        explanation=("This rough estimate is above 'a third' but well below Russia's share of imports. Whether the "
                     "reading's claim holds depends on the denominator: imports or consumption."),
        near=[
            (lambda: russia_share(2021), "That is Russia's share of imports. Scale it by how much of EU consumption was imported."),
            (lambda: russia_share(2021) / demand_value("2021", IMPORT_DEPENDENCY) * 100,
             "You divided by the import dependency. Multiply instead: the imported part of consumption is the smaller one."),
            (lambda: 100 / 3, "That is the reading's 'a third'. Compute the estimate from the data instead."),
        ],
    ),
    NumberExercise(
        "ch2-lifeline", expected=lifeline_pct, unit="%", abs_tol=0.1,
        hint=("In corridor_flows, take the Southern Gas Corridor row for 2023 with destination 'Europe'. Divide it by "
              "Russia's 2021 volume (Commission) and multiply by 100."),
        explanation="Every bcm counts in a crisis. Even so, the corridor's whole flow was under a tenth of what Russia used to send.",
        near=[
            (lambda: (flow(SGC, 2023, "Europe") - flow(SGC, 2021, "Europe")) / russia_volume(2021) * 100,
             "That is only the increase since 2021. The question asks about the corridor's whole 2023 flow."),
            (lambda: flow(SGC, 2023, "Europe") / _pipeline_2021() * 100,
             "You divided by Russian pipeline gas only. Use the total 2021 Russian volume in the Commission series."),
        ],
    ),
    ChoiceExercise(
        "ch2-bridge-verdict",
        options={
            "a": "The Southern Gas Corridor replaced most of the Russian gas the EU lost after 2021.",
            "b": ("The corridor is a real but small source of non-Russian gas, and Türkiye's territory also carries the "
                  "EU's last Russian pipeline gas, so the 'bridge' carries both."),
            "c": "Since 2022 no Russian gas reaches the EU through Türkiye.",
        },
        correct="b",
        feedback={
            "a": "Compare the corridor's flow with Russia's 2021 volume (previous exercise). It is under a tenth.",
            "b": ("Yes. The corridor matters most to south-eastern Europe, and TurkStream's European string carried more "
                  "gas in 2024 than the corridor did in its latest reported year."),
            "c": "Look at the TurkStream rows in corridor_flows: its European string still delivers Russian gas.",
        },
        hint="Compare the flows in corridor_flows for TurkStream's European string and for the Southern Gas Corridor.",
    ),
)


# -- quiz --------------------------------------------------------------------------------------------------------

def quiz() -> Quiz:
    base = scenario_baseline()
    jan_nov = _one(imports(), "Jan-Nov 2022", year=2022, coverage="January-November", supplier=RUSSIA)
    eastmed = _one(corridors(), "EastMed", pipeline="EastMed pipeline")
    return Quiz("ch2", [
        Numeric("In the Commission's figures, what percentage of EU gas imports came from Russia in 2021?",
                russia_share(2021), 0.5, "%",
                f"The Commission gives {russia_share(2021):g}% ({russia_volume(2021):g} bcm) for 2021."),
        MultipleChoice("Since Ukrainian transit ended on 1 January 2025, which pipeline route still brings Russian gas into the EU?", [
            Option("TurkStream, through Turkish Thrace and Bulgaria", True,
                   "Its European string crosses the Türkiye–Bulgaria border and continues towards Serbia and Hungary."),
            Option("Blue Stream", False, "Blue Stream ends in Türkiye and has no onward link to the EU."),
            Option("The Trans Adriatic Pipeline (TAP)", False, "TAP carries Azerbaijani gas, not Russian gas."),
        ]),
        Numeric("What is TAP's design capacity, in bcm per year (gas_corridors)?", base["tap_design"], 0.05, "bcm/yr",
                f"TAP was built for {base['tap_design']:g} bcm a year and can be expanded to {base['tap_max']:g}."),
        MultipleChoice("The Council's share of Russian gas for January–November 2022 is measured in…", [
            Option("energy (terawatt-hours)", jan_nov["basis"] == "energy",
                   "The infographic gives terawatt-hours, so its shares cannot be mixed blindly with shares of bcm."),
            Option("volume (bcm)", jan_nov["basis"] == "volume", "Check the basis column: these are shares of energy."),
            Option("the value of imports in euros", False, "Check the basis column: these are shares of energy."),
        ]),
        Numeric("How many bcm of LNG did the EU import in 2022 (Commissioner Simson's figure)?", base["lng_2022"], 0.5,
                "bcm", f"Up from {base['lng_2021']:g} bcm in 2021: LNG did most of the replacing."),
        MultipleChoice("What is the status of the EastMed pipeline in the course data?", [
            Option("Proposed: an intergovernmental agreement exists, but it has not been built", eastmed["status"] == "proposed",
                   "Greece, Cyprus and Israel signed an agreement in January 2020; the US withdrew its backing in January 2022."),
            Option("Operating since 2020", eastmed["status"] == "operating", "Check the status column: it has not been built."),
            Option("Cancelled by the EU", False, "The EU has not formally cancelled it. It is still listed as a proposal."),
        ]),
        MultipleChoice("Which statement about Norway's pipeline deliveries (Gassco) is supported by the data?", [
            Option("They rose only a little from 2021 to 2022, so Norway could not replace Russian volumes on its own", True,
                   f"{base['norway_2021']:g} bcm in 2021, {base['norway_2022']:g} bcm in 2022: the pipes were close to full."),
            Option("They doubled in 2022", False, f"From {base['norway_2021']:g} to {base['norway_2022']:g} bcm is far from doubling."),
            Option("They fell in 2022", False, f"They rose, from {base['norway_2021']:g} to {base['norway_2022']:g} bcm."),
        ]),
    ], title="Self-check quiz: Chapter 2")
