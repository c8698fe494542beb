"""Chapter 3. Guarding the gates: migration, the 2016 Statement and border security.

Everything a reader of the chapter sees as a number is computed here from four datasets:

* ``sea_arrivals_greece`` (yearly arrivals, some years only partly covered),
* ``sea_arrivals_greece_monthly`` (months around the Statement, with gaps),
* ``refugees_turkiye`` (stocks of *separate* populations: never add them up),
* ``eu_funding_turkiye`` (running totals of funding envelopes: never add rows up),

plus the ``timeline`` dataset for the policy events marked on the arrivals explorer.

Two rules run through the module. A figure that covers only part of a year or month is
never compared with a whole one as a total: it is turned into an average per day over the
days it covers. And a stock of people is always reported with the date it refers to.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import altair as alt
import pandas as pd

from ..charts import PALETTE, colour_scale, dash_scale, figure, shape_scale
from ..data import data_dir, load, resource, source_line
from ..exercises import ChoiceExercise, NumberExercise, register
from ..explorer import Choice, Explorer, Slider
from ..quiz import MultipleChoice, Numeric, Option, Quiz

#: The day from which new arrivals on the Greek islands were to be returned under the Statement.
STATEMENT_IN_FORCE = pd.Timestamp("2016-03-20")
SYRIANS = "Syrians under temporary protection"
OTHERS = "refugees and asylum-seekers of other nationalities (UNHCR)"
HEADLINE = "refugees and asylum-seekers, all nationalities (UNHCR)"
FACILITY = "Facility for Refugees in Türkiye (FRIT), total"

# -- dates written as YYYY, YYYY-MM or YYYY-MM-DD ----------------------------------------

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_span(text) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the period a date string names: '2016' is the whole year.

    Raises ``ValueError`` for anything that is not a real YYYY, YYYY-MM or YYYY-MM-DD date.
    """
    if not isinstance(text, str):
        raise ValueError(f"a date must be text such as '2016-03-20', not {type(text).__name__}")
    match = _PARTIAL_DATE.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        if day:
            start = pd.Timestamp(int(year), int(month), int(day))
            return start, start
        if month:
            start = pd.Timestamp(int(year), int(month), 1)
            return start, start + pd.offsets.MonthEnd(0)
        return pd.Timestamp(int(year), 1, 1), pd.Timestamp(int(year), 12, 31)
    except ValueError:
        raise ValueError(f"'{text}' is not a real calendar date") from None


def _fmt_date(day: pd.Timestamp) -> str:
    return f"{day.day} {day:%B %Y}"


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy safe to hand to Altair: missing text becomes "" (not NaN, which would make invalid JSON).

    With pandas 3, Altair 5.5 writes missing values of text columns as ``NaN``, which browsers
    refuse to parse; numbers and dates are handled by Altair itself.
    """
    out = frame.copy()
    for col in out.columns:
        kind = out[col].dtype
        if pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_datetime64_any_dtype(kind):
            continue
        if pd.api.types.is_bool_dtype(kind):
            continue
        out[col] = [("" if (v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA) else v)
                    for v in out[col].astype(object)]
    return out


def _as_of_text(text: str) -> str:
    """'2021-08-01' -> '1 August 2021'; '2024-01' -> 'January 2024'; '2016' -> '2016'."""
    start, end = date_span(text)
    if start == end:
        return _fmt_date(start)
    return f"{start:%B %Y}" if start.month == end.month else str(start.year)


# -- arrivals ---------------------------------------------------------------------------

def per_day(arrivals, days) -> float:
    """Average arrivals per day: ``arrivals / days``.

    Both must be finite numbers, arrivals >= 0 and days > 0; anything else raises
    ``ValueError`` (a rate over zero days has no meaning).
    """
    for name, value in (("arrivals", arrivals), ("days", days)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if arrivals < 0:
        raise ValueError("arrivals cannot be negative")
    if days <= 0:
        raise ValueError("days must be more than zero")
    return float(arrivals) / float(days)


def _coverage(frame: pd.DataFrame, starts: pd.Series, ends: pd.Series) -> pd.DataFrame:
    """Add start, end (of the days a figure covers), days, per_day, mid and partial columns."""
    out = frame.copy()
    has_as_of = out["as_of"].notna() & (out["as_of"].astype("str").str.len() == 10)
    covered_end = pd.to_datetime(out["as_of"].where(has_as_of), format="%Y-%m-%d").fillna(ends)
    out["start"] = starts.to_numpy()
    out["end"] = covered_end.to_numpy()
    out["partial"] = (has_as_of & (out["end"] < ends)).to_numpy()
    out["days"] = (out["end"] - out["start"]).dt.days + 1
    out["per_day"] = [per_day(int(a), int(d)) for a, d in zip(out["arrivals"], out["days"], strict=True)]
    out["mid"] = out["start"] + (out["end"] - out["start"]) / 2
    return out


def yearly_arrivals(route: str = "sea") -> pd.DataFrame:
    """Arrivals in Greece by year for one route ('sea' or 'land'), with days covered and per-day averages."""
    data = load("sea_arrivals_greece")
    if route not in set(data["route"]):
        raise ValueError(f"unknown route {route!r}; choose one of {sorted(set(data['route']))}")
    rows = data[data["route"] == route].sort_values("year").reset_index(drop=True)
    starts = pd.to_datetime(rows["year"].astype(int).astype(str) + "-01-01")
    ends = pd.to_datetime(rows["year"].astype(int).astype(str) + "-12-31")
    out = _coverage(rows, starts, ends)
    out.attrs = data.attrs
    return out


def monthly_arrivals() -> pd.DataFrame:
    """Monthly sea arrivals around the Statement, with days covered and per-day averages."""
    data = load("sea_arrivals_greece_monthly")
    rows = data.sort_values("month").reset_index(drop=True)
    starts = pd.to_datetime(rows["month"] + "-01")
    ends = starts + pd.offsets.MonthEnd(0)
    out = _coverage(rows, starts, ends)
    out.attrs = data.attrs
    return out


def arrivals(route: str = "sea", year: int | None = None) -> int:
    """The recorded arrivals for a whole year (partial years raise ``ValueError``)."""
    rows = yearly_arrivals(route)
    row = rows[rows["year"] == year]
    if row.empty:
        raise ValueError(f"no {route} arrivals recorded for {year!r}")
    if bool(row["partial"].iloc[0]):
        raise ValueError(f"the {route} figure for {year} covers only part of the year")
    return int(row["arrivals"].iloc[0])


def before_after(before: tuple[str, str] = ("2016-01", "2016-02"),
                 after: tuple[str, str] = ("2016-04", "2016-12")) -> dict:
    """Average monthly sea arrivals in two windows of whole months, and the fall between them.

    Months that are only partly covered (such as March 2016) are left out, and so are
    months with no figure. Returns the means, the months used and ``fall_pct`` =
    (1 - after / before) x 100.
    """
    months = monthly_arrivals()
    whole = months[~months["partial"]]
    for window in (before, after):
        if len(window) != 2 or not all(isinstance(m, str) and re.fullmatch(r"\d{4}-\d{2}", m) for m in window):
            raise ValueError(f"a window is two months written YYYY-MM, got {window!r}")
    picked = {}
    for name, (first, last) in (("before", before), ("after", after)):
        rows = whole[whole["month"].between(first, last)]
        if rows.empty:
            raise ValueError(f"no whole months with data between {first} and {last}")
        picked[name] = rows
    b = float(picked["before"]["arrivals"].mean())
    a = float(picked["after"]["arrivals"].mean())
    return {"before_mean": b, "after_mean": a, "fall_pct": (1 - a / b) * 100,
            "before_months": list(picked["before"]["month"]), "after_months": list(picked["after"]["month"]),
            "before_total": int(picked["before"]["arrivals"].sum()), "after_total": int(picked["after"]["arrivals"].sum())}


# -- events from the course timeline ------------------------------------------------------

EVENT_THEMES = {"migration": ["migration"], "crisis": ["crisis"], "both": ["migration", "crisis"], "none": []}
EVENT_LABELS = ["EU–Türkiye migration decisions", "Crises and shocks", "Both", "No events"]


def policy_events(themes=("migration", "crisis")) -> pd.DataFrame:
    """Timeline events of the given themes that are dated to a month or a day (year-only events are left out)."""
    events = load("timeline")
    unknown = set(themes) - set(events["theme"])
    if unknown:
        raise ValueError(f"unknown theme(s) {sorted(unknown)}; known: {sorted(set(events['theme']))}")
    keep = events["theme"].isin(list(themes)) & (events["date"].str.len() > 4)
    out = events[keep].copy()
    out["when"] = [date_span(d)[0] for d in out["date"]]
    out = out.sort_values("when", kind="stable").reset_index(drop=True)
    out.attrs = events.attrs
    return out


# -- the arrivals explorer ----------------------------------------------------------------

#: Periods a reader can pick, as (label, first day, last day).
PERIODS = [
    ("2014–2024: the whole record", "2014-01-01", "2024-12-31"),
    ("Jul 2015 – Dec 2016: crisis and Statement", "2015-07-01", "2016-12-31"),
    ("2017–2024: after the Statement", "2017-01-01", "2024-12-31"),
    ("2019–2021: Idlib, Evros and after", "2019-01-01", "2021-12-31"),
]
CATEGORIES = ["Whole year", "Part of a year", "Whole month", "Part of a month"]


def arrivals_points() -> pd.DataFrame:
    """Yearly and monthly sea arrivals in one table, as average arrivals per day."""
    frames = []
    for series, rows in (("year", yearly_arrivals("sea")), ("month", monthly_arrivals())):
        part = rows.assign(series=series)
        part["category"] = [f"{'Part of a' if p else 'Whole'} {series}" for p in part["partial"]]
        if series == "year":
            part["label"] = part["year"].astype(int).astype(str)
        else:
            part["label"] = [f"{d:%B %Y}" for d in part["start"]]
        frames.append(part[["series", "category", "label", "start", "end", "days", "mid", "arrivals", "per_day",
                            "partial", "note", "source"]])
    out = pd.concat(frames, ignore_index=True)
    out["covered"] = [f"{_fmt_date(s)} – {_fmt_date(e)}" for s, e in zip(out["start"], out["end"], strict=True)]
    return out


@lru_cache(maxsize=4)
def _arrivals_inputs(stamp: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    return arrivals_points(), policy_events(("migration", "crisis"))


def arrivals_model(period: str = PERIODS[0][0], events: str = "migration") -> pd.DataFrame:
    """Arrival points (per-day averages) and marked events within a period.

    ``kind`` is 'arrivals' or 'event'. Unknown period or event-set names raise ``ValueError``.
    """
    spans = {label: (pd.Timestamp(a), pd.Timestamp(b)) for label, a, b in PERIODS}
    if period not in spans:
        raise ValueError(f"unknown period {period!r}; choose one of {list(spans)}")
    if events not in EVENT_THEMES:
        raise ValueError(f"unknown event set {events!r}; choose one of {list(EVENT_THEMES)}")
    first, last = spans[period]
    pts, all_events = _arrivals_inputs(_data_stamp("sea_arrivals_greece", "sea_arrivals_greece_monthly", "timeline"))
    pts = pts[pts["mid"].between(first, last)].assign(kind="arrivals", when=lambda f: f["mid"])
    frames = [pts]
    if EVENT_THEMES[events]:
        ev = all_events[all_events["theme"].isin(EVENT_THEMES[events]) & all_events["when"].between(first, last)]
        frames.append(pd.DataFrame({"kind": "event", "when": ev["when"], "label": ev["title"],
                                    "event_theme": ev["theme"], "event_date": ev["date"],
                                    "description": ev["description"], "source": ev["source"],
                                    "label_y": label_rows(ev["when"], first, last)}))
    out = pd.concat(frames, ignore_index=True)
    for col in ("series", "category", "covered", "event_theme", "event_date", "description", "note"):
        if col not in out:
            out[col] = None
    if "label_y" not in out:
        out["label_y"] = float("nan")
    return out[["kind", "when", "label", "series", "category", "covered", "arrivals", "days", "per_day",
                "event_theme", "event_date", "description", "note", "source", "label_y"]]


#: Pixel offsets of the rows in which event labels are written, top first.
LABEL_ROWS = [0, 160]


def label_rows(dates, first: pd.Timestamp, last: pd.Timestamp, gap: float = 0.03) -> list[int]:
    """Pixel offset for each event label so that labels of events close in time do not overlap.

    Events closer than ``gap`` (a share of the period's length) to the previous label in a
    row go to the next row; rows are reused from the top once the list runs out.
    """
    span = max((last - first).days, 1)
    min_days = span * gap
    last_in_row: list[pd.Timestamp | None] = [None] * len(LABEL_ROWS)
    out = []
    for when in dates:
        row = next((i for i, prev in enumerate(last_in_row) if prev is None or (when - prev).days >= min_days),
                   len(out) % len(LABEL_ROWS))
        last_in_row[row] = when
        out.append(LABEL_ROWS[row])
    return out


def _arrivals_view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    base = alt.Chart(_tidy(frame))
    x = alt.X("when:T", title="Date (points sit at the middle of the days they cover)",
              axis=alt.Axis(format="%b %Y", labelOverlap=True))
    points = base.transform_filter("datum.kind == 'arrivals'").mark_point(filled=True, size=90, opacity=0.95).encode(
        x=x,
        y=alt.Y("per_day:Q", title="Average sea arrivals per day (people)", axis=alt.Axis(format=",.0f")),
        color=alt.Color("category:N", scale=colour_scale(CATEGORIES), legend=alt.Legend(title="Figure covers")),
        shape=alt.Shape("category:N", scale=shape_scale(CATEGORIES), legend=alt.Legend(title="Figure covers")),
        tooltip=[alt.Tooltip("label:N", title="Period"), alt.Tooltip("covered:N", title="Days covered"),
                 alt.Tooltip("arrivals:Q", title="Arrivals", format=","),
                 alt.Tooltip("per_day:Q", title="Per day", format=",.0f"), alt.Tooltip("note:N", title="Note")],
    )
    event_domain = ["migration", "crisis"]
    rules = base.transform_filter("datum.kind == 'event'").mark_rule(strokeWidth=1.5, color="#444444").encode(
        x=x,
        strokeDash=alt.StrokeDash("event_theme:N", scale=dash_scale(event_domain),
                                  legend=alt.Legend(title="Event marked (timeline theme)")),
        tooltip=[alt.Tooltip("event_date:N", title="Date"), alt.Tooltip("label:N", title="Event"),
                 alt.Tooltip("description:N", title="What happened")],
    )
    labels = base.transform_filter("datum.kind == 'event'").mark_text(
        angle=270, align="right", baseline="bottom", dx=-4, dy=-2, fontSize=10, color="#333333",
        limit=150).encode(x=x, y=alt.Y("label_y:Q", scale=None), text="label:N")
    return alt.layer(rules, labels, points).properties(width=620, height=320)


def _arrivals_summary(frame: pd.DataFrame) -> str:
    pts = frame[frame["kind"] == "arrivals"]
    if pts.empty:
        return "No arrival figures fall in this period."
    hi = pts.loc[pts["per_day"].idxmax()]
    lo = pts.loc[pts["per_day"].idxmin()]
    n_events = int((frame["kind"] == "event").sum())
    return (f"{len(pts)} figures shown. Highest: {hi['label']} at {hi['per_day']:,.0f} a day; "
            f"lowest: {lo['label']} at {lo['per_day']:,.0f} a day. {n_events} events marked.")


def explorer() -> Explorer:
    """Sea arrivals in Greece as averages per day, with policy events from the timeline."""
    pts = arrivals_points()
    top = pts.loc[pts["per_day"].idxmax()]
    whole_years = pts[(pts["series"] == "year") & ~pts["partial"]]
    low = whole_years.loc[whole_years["per_day"].idxmin()]
    return Explorer(
        title="Sea arrivals in Greece and the events around them",
        description=(f"Average sea arrivals per day in Greece, from yearly and monthly figures, with events of the "
                     f"course timeline drawn as dashed vertical lines. The highest average is {top['label']} "
                     f"({top['per_day']:,.0f} a day); the lowest whole year is {low['label']} "
                     f"({low['per_day']:,.0f} a day). Choose a period to zoom in and a set of events to mark; "
                     f"hover over a point or a line to read it. Figures covering only part of a year or month "
                     f"are drawn with their own shape."),
        controls=[
            Choice("period", "Period", [p[0] for p in PERIODS]),
            Choice("events", "Events to mark", list(EVENT_THEMES), labels=EVENT_LABELS),
        ],
        model=arrivals_model,
        view=_arrivals_view,
        source=source_line(yearly_arrivals("sea"), monthly_arrivals(), policy_events(("migration", "crisis"))),
        summary=_arrivals_summary,
    )


def arrivals_figure():
    """Yearly sea arrivals, whole and partial years told apart."""
    rows = yearly_arrivals("sea")
    rows["coverage"] = ["Part of the year (to the date in the label)" if p else "Whole year" for p in rows["partial"]]
    rows["year_label"] = [f"{y} (to {e.day} {e:%b})" if p else str(y) for y, e, p in
                          zip(rows["year"].astype(int), rows["end"], rows["partial"], strict=True)]
    rows["text"] = [f"{a:,}" for a in rows["arrivals"]]
    domain = ["Whole year", "Part of the year (to the date in the label)"]
    bars = alt.Chart(_tidy(rows)).mark_bar().encode(
        x=alt.X("year_label:O", title="Year", sort=None),
        y=alt.Y("arrivals:Q", title="Sea arrivals in Greece (people)", axis=alt.Axis(format=",.0f")),
        color=alt.Color("coverage:N", scale=colour_scale(domain), legend=alt.Legend(title="Figure covers")),
        opacity=alt.Opacity("coverage:N", scale=alt.Scale(domain=domain, range=[1.0, 0.55]), legend=None),
        tooltip=[alt.Tooltip("year_label:N", title="Year"), alt.Tooltip("arrivals:Q", title="Arrivals", format=","),
                 alt.Tooltip("coverage:N", title="Covers"), alt.Tooltip("note:N", title="Note")],
    )
    text = alt.Chart(_tidy(rows)).mark_text(dy=-6, fontSize=10, angle=0, baseline="bottom").encode(
        x=alt.X("year_label:O", sort=None), y="arrivals:Q", text="text:N")
    chart = (bars + text).properties(width=560, height=300)
    y15, y17 = arrivals("sea", 2015), arrivals("sea", 2017)
    whole = rows[~rows["partial"]]
    listing = "; ".join(f"{y}: {a:,}" for y, a in zip(whole["year"].astype(int), whole["arrivals"], strict=True))
    part = rows[rows["partial"]]
    parts = "; ".join(f"{y} (to {_fmt_date(e)}): {a:,}" for y, a, e in
                      zip(part["year"].astype(int), part["arrivals"], part["end"], strict=True))
    return figure(chart,
                  title=f"Sea arrivals in Greece fell from {y15:,} in 2015 to {y17:,} in 2017",
                  description=(f"Bar chart of sea arrivals in Greece by year. Whole years: {listing}. "
                               f"Years covered only in part, shown paler and not comparable as totals: {parts}."),
                  data=rows)


# -- refugees in Türkiye --------------------------------------------------------------------

def population(name: str = SYRIANS) -> pd.DataFrame:
    """Rows of one population group, with the first and last day each as_of refers to, oldest first."""
    data = load("refugees_turkiye")
    if name not in set(data["population"]):
        raise ValueError(f"unknown population {name!r}; the dataset has: {sorted(set(data['population']))}")
    rows = data[data["population"] == name].copy()
    spans = [date_span(a) for a in rows["as_of"]]
    rows["from"] = [s for s, _ in spans]
    rows["to"] = [e for _, e in spans]
    rows["mid"] = rows["from"] + (rows["to"] - rows["from"]) / 2
    rows["day_known"] = rows["as_of"].str.len() == 10
    rows = rows.sort_values(["to", "from"], kind="stable").reset_index(drop=True)
    rows.attrs = data.attrs
    return rows


def latest(name: str = SYRIANS) -> pd.Series:
    """The most recent figure for a population (the row whose as_of period ends last)."""
    return population(name).iloc[-1]


def peak(name: str = SYRIANS) -> pd.Series:
    """The highest figure recorded for a population."""
    rows = population(name)
    return rows.loc[rows["people"].idxmax()]


def headline() -> int:
    """UNHCR's rounded headline for all nationalities ('about 4 million'), the figure the reading repeats."""
    rows = population(HEADLINE)
    values = set(rows["people"])
    if len(values) != 1:
        raise ValueError("UNHCR's headline figure changed between rows; choose one explicitly")
    return int(values.pop())


def share_of_claim(people, claim) -> float:
    """``people`` as a percentage of ``claim``; both positive finite numbers."""
    for name, value in (("people", people), ("claim", claim)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if people < 0 or claim <= 0:
        raise ValueError("people must be >= 0 and the claim > 0")
    return float(people) / float(claim) * 100


def four_million_check() -> dict:
    """The reading's 'around four million' against the latest and peak counts of Syrians."""
    claim = headline()
    last, top = latest(SYRIANS), peak(SYRIANS)
    heads = population(HEADLINE)
    return {"claim": claim, "latest": int(last["people"]), "latest_as_of": last["as_of"],
            "latest_share": share_of_claim(int(last["people"]), claim),
            "peak": int(top["people"]), "peak_as_of": top["as_of"],
            "peak_share": share_of_claim(int(top["people"]), claim),
            "headline_first": heads["as_of"].iloc[0], "headline_last": heads["as_of"].iloc[-1]}


def population_figure():
    """Syrians under temporary protection over time, with UNHCR's headline and other nationalities."""
    groups = {SYRIANS: "Syrians under temporary protection (Turkish authorities)",
              OTHERS: "Other nationalities, refugees and asylum-seekers (UNHCR)",
              HEADLINE: "UNHCR headline, all nationalities ('about')"}
    rows = pd.concat([population(g).assign(group=label) for g, label in groups.items()], ignore_index=True)
    rows["when_text"] = [_as_of_text(a) + ("" if k else " (day not stated)") for a, k in
                         zip(rows["as_of"], rows["day_known"], strict=True)]
    rows.attrs = load("refugees_turkiye").attrs
    domain = list(groups.values())
    enc = dict(
        x=alt.X("mid:T", title="Date of the count", axis=alt.Axis(format="%Y")),
        y=alt.Y("people:Q", title="People (number)", axis=alt.Axis(format=",.0f")),
        color=alt.Color("group:N", scale=colour_scale(domain),
                        legend=alt.Legend(title="Population (separate counts: never add them up)", orient="bottom",
                                          direction="vertical", labelLimit=480, titleLimit=480)),
    )
    tooltip = [alt.Tooltip("group:N", title="Population"), alt.Tooltip("when_text:N", title="As of"),
               alt.Tooltip("people:Q", title="People", format=","), alt.Tooltip("qualifier:N", title="Qualifier"),
               alt.Tooltip("note:N", title="Note")]
    lines = alt.Chart(_tidy(rows)).mark_line(strokeWidth=2).encode(
        **enc, strokeDash=alt.StrokeDash("group:N", scale=dash_scale(domain), legend=None))
    points = alt.Chart(_tidy(rows)).mark_point(filled=True, size=70).encode(
        **enc, shape=alt.Shape("group:N", scale=shape_scale(domain), legend=None), tooltip=tooltip)
    chart = (lines + points).properties(width=560, height=320)
    facts = four_million_check()
    first = population(SYRIANS).iloc[0]
    return figure(chart,
                  title=(f"Syrians under temporary protection peaked at {facts['peak']:,} "
                         f"({_as_of_text(facts['peak_as_of'])}) and numbered {facts['latest']:,} "
                         f"on {_as_of_text(facts['latest_as_of'])}"),
                  description=(f"Line chart of three separate counts. Syrians under temporary protection rose from "
                               f"{int(first['people']):,} ({_as_of_text(first['as_of'])}) to a peak of "
                               f"{facts['peak']:,} on {_as_of_text(facts['peak_as_of'])}, then fell to "
                               f"{facts['latest']:,} on {_as_of_text(facts['latest_as_of'])}. UNHCR's rounded "
                               f"headline for all nationalities stayed at about {facts['claim']:,} from "
                               f"{_as_of_text(facts['headline_first'])} to {_as_of_text(facts['headline_last'])}. "
                               f"UNHCR's count of other nationalities stayed between "
                               f"{int(population(OTHERS)['people'].min()):,} and "
                               f"{int(population(OTHERS)['people'].max()):,}. Year-only figures sit at mid-year."),
                  data=rows)


# -- EU funding -------------------------------------------------------------------------

#: Funding envelopes for the calculator: key -> (instrument, measure, as_of) picking exactly one row.
ENVELOPES = {
    "facility_allocated": (FACILITY, "allocated", "2019-06-12"),
    "facility_disbursed": (FACILITY, "disbursed", "2020-12-31"),
    "extra_2021_2023": ("Additional EUR 3 billion for refugees in Türkiye", "allocated", "2021-06-25"),
    "extra_2024": ("Additional EUR 1 billion for 2024", "allocated", "2024-12-17"),
    "all_stated": ("All EU support for refugees in Türkiye (as stated)", "provided", "2024-12-17"),
}
#: Population counts for the calculator: key -> (population, as_of), or (population, 'peak'/'latest').
POPULATIONS = {
    "syrians_2016": (SYRIANS, "2016"),
    "syrians_peak": (SYRIANS, "peak"),
    "unhcr_headline": (HEADLINE, "2020-01-30"),
    "syrians_latest": (SYRIANS, "latest"),
}


def funding_row(key: str) -> pd.Series:
    """The one ``eu_funding_turkiye`` row behind an envelope of the calculator."""
    if key not in ENVELOPES:
        raise ValueError(f"unknown envelope {key!r}; choose one of {list(ENVELOPES)}")
    instrument, measure, as_of = ENVELOPES[key]
    data = load("eu_funding_turkiye")
    rows = data[(data["instrument"] == instrument) & (data["measure"] == measure) & (data["as_of"] == as_of)]
    if len(rows) != 1:
        raise ValueError(f"envelope {key!r} should match one row of eu_funding_turkiye, found {len(rows)}")
    return rows.iloc[0]


def years_counted(period: str, as_of: str) -> int:
    """Years from an envelope's first year to the later of its last year and the year of the figure.

    '2016-2019' with a figure dated 2019 counts 4 years; the same envelope's disbursements
    reported on 31 December 2020 count 5 (2016 to 2020), because the money was still being paid.
    """
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", str(period))
    if not match:
        raise ValueError(f"'{period}' is not a period written YYYY or YYYY-YYYY")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if last < first:
        raise ValueError(f"period '{period}' ends before it starts")
    return max(last, date_span(as_of)[0].year) - first + 1


def envelope(key: str) -> dict:
    row = funding_row(key)
    qual = "" if row["qualifier"] == "as_published" else f"{row['qualifier']} "
    return {"key": key, "instrument": row["instrument"], "measure": row["measure"],
            "eur_million": float(row["eur_million"]), "qualifier": row["qualifier"], "as_of": row["as_of"],
            "period": row["period"], "years": years_counted(row["period"], row["as_of"]), "source": row["source"],
            "label": (f"{row['instrument']}: {row['measure']}, {qual}EUR {row['eur_million']:,.0f} million "
                      f"(as of {_as_of_text(row['as_of'])})")}


def population_count(key: str) -> dict:
    """The population figure behind a calculator option, with its date and label."""
    if key not in POPULATIONS:
        raise ValueError(f"unknown population count {key!r}; choose one of {list(POPULATIONS)}")
    name, which = POPULATIONS[key]
    if which == "peak":
        row = peak(name)
    elif which == "latest":
        row = latest(name)
    else:
        rows = population(name)
        rows = rows[rows["as_of"] == which]
        if rows.empty:
            raise ValueError(f"no {name} figure as of {which}")
        row = rows.iloc[0]
    qual = "" if row["qualifier"] == "as_published" else f"{row['qualifier']} "
    short = "Syrians under temporary protection" if name == SYRIANS else "UNHCR headline, all nationalities"
    return {"key": key, "population": name, "people": int(row["people"]), "as_of": row["as_of"],
            "qualifier": row["qualifier"], "source": row["source"],
            "label": f"{short}, {_as_of_text(row['as_of'])}: {qual}{int(row['people']):,}"}


def per_person_per_year(eur_million, people, years) -> float:
    """Euros per person per year: ``eur_million x 1,000,000 / people / years``.

    All three must be finite positive numbers (``eur_million`` may be 0); anything else
    raises ``ValueError``.
    """
    for name, value in (("eur_million", eur_million), ("people", people), ("years", years)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if eur_million < 0:
        raise ValueError("eur_million cannot be negative")
    if people <= 0 or years <= 0:
        raise ValueError("people and years must be more than zero")
    return float(eur_million) * 1_000_000 / float(people) / float(years)


def funding_assumptions() -> pd.DataFrame:
    """Every envelope the calculator offers, with its stage, date, years counted and source."""
    rows = [envelope(k) for k in ENVELOPES]
    return pd.DataFrame({"envelope": [r["instrument"] for r in rows], "stage": [r["measure"] for r in rows],
                         "EUR million": [r["eur_million"] for r in rows], "qualifier": [r["qualifier"] for r in rows],
                         "as of": [r["as_of"] for r in rows], "period": [r["period"] for r in rows],
                         "years counted": [r["years"] for r in rows], "source": [r["source"] for r in rows]})


def population_options() -> pd.DataFrame:
    """Every population count the calculator offers, with its date, qualifier and source."""
    rows = [population_count(k) for k in POPULATIONS]
    return pd.DataFrame({"count": [r["population"] for r in rows], "as of": [r["as_of"] for r in rows],
                         "people": [r["people"] for r in rows], "qualifier": [r["qualifier"] for r in rows],
                         "source": [r["source"] for r in rows]})


def _data_stamp(*names: str) -> tuple:
    """Where and when the named datasets were last changed, to key caches on."""
    folder = data_dir()
    return (str(folder), *((folder / resource(n)["path"]).stat().st_mtime for n in names))


@lru_cache(maxsize=4)
def _calculator_inputs(stamp: tuple) -> tuple[dict, dict]:
    return ({k: envelope(k) for k in ENVELOPES}, {k: population_count(k) for k in POPULATIONS})


def funding_model(envelope_key: str = "facility_allocated", population_key: str = "syrians_2016",
                  years: int = 4) -> pd.DataFrame:
    """Euros per person per year for the chosen envelope and years, under every population count.

    One row per population count; ``chosen`` marks the count picked. Bad names or a
    non-positive number of years raise ``ValueError``.
    """
    envelopes, populations = _calculator_inputs(_data_stamp("eu_funding_turkiye", "refugees_turkiye"))
    if envelope_key not in envelopes:
        raise ValueError(f"unknown envelope {envelope_key!r}; choose one of {list(ENVELOPES)}")
    env = envelopes[envelope_key]
    if population_key not in POPULATIONS:
        raise ValueError(f"unknown population count {population_key!r}; choose one of {list(POPULATIONS)}")
    rows = []
    for key in POPULATIONS:
        pop = populations[key]
        value = per_person_per_year(env["eur_million"], pop["people"], years)
        chosen = key == population_key
        rows.append({"basis": pop["label"], "people": pop["people"], "eur_per_person_year": value,
                     "chosen": "Your choice" if chosen else "Other counts",
                     "text": f"EUR {value:,.0f}" + ("  ← your choice" if chosen else ""),
                     "envelope": env["label"], "eur_million": env["eur_million"], "years": years})
    return pd.DataFrame(rows)


def _funding_view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    order = list(dict.fromkeys(frame["basis"]))  # the model lists the counts in calculator order
    domain = ["Your choice", "Other counts"]
    y = alt.Y("basis:N", title=None, sort=order, axis=alt.Axis(labelLimit=420))
    base = alt.Chart(_tidy(frame))  # one data source, so the book's control filter reaches every layer
    bars = base.mark_bar().encode(
        x=alt.X("eur_per_person_year:Q", title="EU money per person per year (EUR)", axis=alt.Axis(format=",.0f")),
        y=y,
        color=alt.Color("chosen:N", scale=alt.Scale(domain=domain, range=[PALETTE[0], "#B9C7D3"]),
                        legend=alt.Legend(title="Population count")),
        tooltip=[alt.Tooltip("basis:N", title="Population count"), alt.Tooltip("envelope:N", title="Money"),
                 alt.Tooltip("years:Q", title="Years"),
                 alt.Tooltip("eur_per_person_year:Q", title="EUR per person per year", format=",.0f")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x="eur_per_person_year:Q", y=y, text="text:N")
    return alt.layer(bars, text).properties(width=420, height=200)


def _funding_summary(frame: pd.DataFrame) -> str:
    row = frame[frame["chosen"] == "Your choice"].iloc[0]
    return (f"{row['envelope']} ÷ {row['basis']} people ÷ {row['years']} year(s) = "
            f"EUR {row['eur_per_person_year']:,.0f} per person per year.")


def funding_explorer() -> Explorer:
    """The funding calculator: which money, which people, how many years."""
    default = funding_model()
    chosen = default[default["chosen"] == "Your choice"].iloc[0]
    env = envelope("facility_allocated")
    return Explorer(
        title="Funding calculator: EU money per refugee per year",
        description=(f"Bar chart of euros per person per year, one bar per population count, for the money and "
                     f"number of years you choose. With the defaults ({env['label']}, spread over "
                     f"{env['years']} years) the result for {chosen['basis']} is EUR "
                     f"{chosen['eur_per_person_year']:,.0f}; the bars for the other counts show how much the "
                     f"choice of denominator matters."),
        controls=[
            Choice("envelope_key", "Money counted", list(ENVELOPES), labels=[envelope(k)["label"] for k in ENVELOPES]),
            Choice("population_key", "People counted", list(POPULATIONS),
                   labels=[population_count(k)["label"] for k in POPULATIONS]),
            Slider("years", "Years the money is spread over", 1, 15, 1, env["years"], unit="years"),
        ],
        model=funding_model,
        view=_funding_view,
        source=source_line(load("eu_funding_turkiye"), load("refugees_turkiye")),
        summary=_funding_summary,
    )


def funding_figure():
    """The Facility's running totals: committed, contracted and disbursed against the EUR 6 billion."""
    data = load("eu_funding_turkiye")
    rows = data[(data["instrument"] == FACILITY) & data["measure"].isin(["committed", "contracted", "disbursed"])].copy()
    rows["when"] = [date_span(a)[0] for a in rows["as_of"]]
    rows["stage"] = rows["measure"]
    rows["amount_text"] = [("" if q == "as_published" else f"{q} ") + f"EUR {v:,.0f} million"
                           for q, v in zip(rows["qualifier"], rows["eur_million"], strict=True)]
    rows = rows.sort_values(["stage", "when"]).reset_index(drop=True)
    rows.attrs = data.attrs
    total = float(funding_row("facility_allocated")["eur_million"])
    domain = ["committed", "contracted", "disbursed"]
    enc = dict(x=alt.X("when:T", title="Date of the Commission's figure", axis=alt.Axis(format="%b %Y")),
               y=alt.Y("eur_million:Q", title="Running total (EUR million)", scale=alt.Scale(domain=[0, total * 1.05]),
                       axis=alt.Axis(format=",.0f")),
               color=alt.Color("stage:N", scale=colour_scale(domain), legend=alt.Legend(title="Stage")))
    lines = alt.Chart(_tidy(rows)).mark_line(interpolate="step-after").encode(
        **enc, strokeDash=alt.StrokeDash("stage:N", scale=dash_scale(domain), legend=None))
    points = alt.Chart(_tidy(rows)).mark_point(filled=True, size=80).encode(
        **enc, shape=alt.Shape("stage:N", scale=shape_scale(domain), legend=None),
        tooltip=[alt.Tooltip("stage:N", title="Stage"), alt.Tooltip("as_of:N", title="As of"),
                 alt.Tooltip("amount_text:N", title="Amount"), alt.Tooltip("note:N", title="Note")])
    ceiling = alt.Chart(pd.DataFrame({"y": [total], "text": [f"Facility total allocated: EUR {total:,.0f} million"]}))
    rule = ceiling.mark_rule(color="#555555", strokeDash=[2, 2]).encode(y="y:Q")
    label = ceiling.mark_text(align="left", dy=-7, x=5, fontSize=11, color="#333333").encode(y="y:Q", text="text:N")
    chart = (rule + label + lines + points).properties(width=560, height=300)
    last = rows[rows["stage"] == "disbursed"].iloc[-1]
    last_contract = rows[rows["stage"] == "contracted"].iloc[-1]
    listing = "; ".join(f"{s} {t} ({_as_of_text(a)})" for s, t, a in zip(rows["stage"], rows["amount_text"], rows["as_of"], strict=True))
    return figure(chart,
                  title=(f"By {_as_of_text(last['as_of'])} the Facility had contracted EUR "
                         f"{last_contract['eur_million']:,.0f} million but paid out {last['amount_text']}"),
                  description=(f"Step lines of the Facility for Refugees in Türkiye's running totals against its "
                               f"EUR {total:,.0f} million allocation. Figures: {listing}. "
                               f"No disbursement figure after {_as_of_text(last['as_of'])} was found."),
                  data=[rows, data[(data["instrument"] == FACILITY) & (data["measure"] == "allocated")]])


# -- exercises ----------------------------------------------------------------------------

def _claim_feedback() -> dict:
    f = four_million_check()
    return {
        "a": (f"Not by the latest count: {f['latest']:,} Syrians on {_as_of_text(f['latest_as_of'])}, about "
              f"{f['latest_share']:.0f}% of {f['claim']:,}. Other nationalities are counted separately and by a "
              f"different agency, so they cannot simply be added on."),
        "b": (f"Yes. UNHCR's rounded headline said about {f['claim']:,} from {_as_of_text(f['headline_first'])} to "
              f"{_as_of_text(f['headline_last'])}, and Syrians peaked at {f['peak']:,} "
              f"({_as_of_text(f['peak_as_of'])}). By {_as_of_text(f['latest_as_of'])} the Syrian count was "
              f"{f['latest']:,}: the claim describes an earlier moment."),
        "c": (f"Too strong: UNHCR itself gave about {f['claim']:,} as its headline between "
              f"{_as_of_text(f['headline_first'])} and {_as_of_text(f['headline_last'])}."),
    }


def _causality_feedback() -> dict:
    ba = before_after()
    jan = monthly_arrivals().set_index("month").loc["2016-01", "arrivals"]
    return {
        "a": ("A before/after comparison shows timing, not cause. The Statement's own preamble lists other measures "
              "already under way, and the Western Balkans route closed days before it."),
        "b": ("Yes. The fall is real and sharp, but several changes coincide with it, so the data alone cannot say how "
              "much each contributed."),
        "c": (f"The data say otherwise: January 2016 alone had {int(jan):,} sea arrivals, and the January–February "
              f"average was {ba['before_mean']:,.0f} a month, against {ba['after_mean']:,.0f} a month after the "
              f"Statement."),
        "d": ("Winter matters, but it cannot explain this: the months after March 2016 include the summer, "
              "and arrivals stayed far below the winter months of January and February 2016."),
    }


def _ba(key: str):
    return lambda: before_after()[key]


def _euros(envelope_key="facility_allocated", population_key="syrians_2016", years=None):
    def compute():
        env = envelope(envelope_key)
        pop = population_count(population_key)
        return per_person_per_year(env["eur_million"], pop["people"], env["years"] if years is None else years)
    return compute


register(
    NumberExercise(
        "ch3-before-after", expected=_ba("fall_pct"), unit="%", abs_tol=0.5,
        hint="Average the whole months in each window (use .mean()), then compute (1 - after / before) x 100.",
        explanation="Monthly arrivals after the Statement were a small fraction of those in early 2016.",
        near=[(lambda: (1 - before_after()["after_total"] / before_after()["before_total"]) * 100,
               "You compared totals, but the windows have different numbers of months (2 before, more after). "
               "Compare averages per month."),
              (lambda: 100 - before_after()["fall_pct"],
               "That is what remained of the earlier level, not the fall. Subtract it from 100."),
              (lambda: (before_after()["before_mean"] / before_after()["after_mean"] - 1) * 100,
               "You divided the wrong way round: measure the fall relative to the earlier level (before).")]),
    NumberExercise(
        "ch3-four-million", expected=lambda: four_million_check()["latest_share"], unit="%", abs_tol=0.5,
        hint="Take the Syrians-under-temporary-protection row with the latest as_of date and divide by 4,000,000.",
        explanation="Always check the date of a count before repeating it.",
        near=[(lambda: four_million_check()["peak_share"],
               "That uses the peak count of 2021, not the latest one. Sort by as_of and take the last row."),
              (lambda: 100.0, "That compares UNHCR's headline with itself; use the latest count of Syrians.")]),
    ChoiceExercise(
        "ch3-claim-verdict",
        options={"a": "The claim holds today: Türkiye hosts around four million refugees.",
                 "b": "The claim matched UNHCR's rounded headline for 2020–2022, but the count of Syrians has fallen "
                      "since; it describes an earlier moment and needs a date.",
                 "c": "The claim was never true at any point."},
        correct="b", feedback={k: v for k, v in _claim_feedback().items()},
        hint="Compare the dates of UNHCR's 'about 4 million' rows with the date of the latest Syrian count."),
    ChoiceExercise(
        "ch3-causality",
        options={"a": "The fall in arrivals proves that the EU–Turkey Statement caused it.",
                 "b": "The fall coincides with the Statement but also with other changes (Türkiye's visa rule for "
                      "Syrians, NATO's Aegean activity, the closure of the Western Balkans route, more Turkish coast "
                      "guard patrols), so the data cannot separate their effects.",
                 "c": "Arrivals had already fallen to their later level before March 2016.",
                 "d": "The fall is just the winter: arrivals always drop in the cold months."},
        correct="b", feedback={k: v for k, v in _causality_feedback().items()},
        hint="List everything else that changed between January and April 2016; the Statement's own text names some."),
    NumberExercise(
        "ch3-euros-per-person", expected=_euros(), unit="EUR per person per year", rel_tol=0.01,
        hint="EUR 6,000 million is 6,000 x 1,000,000 euros. Divide by the people, then by the years.",
        explanation="A large sum becomes a modest yearly amount per person once spread over people and years.",
        near=[(_euros(years=1), "You forgot to spread the money over the years of the envelope (2016–2019)."),
              (_euros(population_key="unhcr_headline"),
               "That uses UNHCR's 'about 4 million' headline; the question asks for the Syrian count for 2016."),
              (_euros(envelope_key="facility_disbursed"),
               "That uses the money disbursed by end-2020 over 5 years; the question asks for the EUR 6 billion "
               "allocated, over the 4 years of the envelope.")]),
)


# -- quiz -----------------------------------------------------------------------------------

def quiz() -> Quiz:
    y15, y17 = arrivals("sea", 2015), arrivals("sea", 2017)
    disbursed, total = envelope("facility_disbursed"), envelope("facility_allocated")
    share = disbursed["eur_million"] / total["eur_million"] * 100
    f = four_million_check()
    return Quiz("ch3", [
        Numeric(f"UNHCR counted {y15:,} sea arrivals in Greece in 2015 and {y17:,} in 2017. How many times smaller "
                f"was the 2017 figure? (one decimal)", round(y15 / y17, 1), 0.2, "times",
                f"{y15:,} ÷ {y17:,} ≈ {y15 / y17:.1f}. The fall is beyond doubt; its causes are the debate."),
        MultipleChoice("Which of these did the EU promise Türkiye in the EU–Turkey Statement of March 2016?", [
            Option("A faster path to visa-free travel for Turkish citizens, more money for refugees and new momentum "
                   "in accession talks", True,
                   "All three were on the table; visa liberalisation then stalled over outstanding benchmarks."),
            Option("Full EU membership by 2018", False, "Membership was never promised; only new accession chapters."),
            Option("Free movement of Syrian refugees from Türkiye to any EU member state", False,
                   "Only a limited one-for-one resettlement scheme was agreed."),
        ]),
        Numeric(f"The Facility's EUR {total['eur_million']:,.0f} million had been fully contracted by "
                f"{_as_of_text(disbursed['as_of'])}, when the Commission reported {disbursed['qualifier']} EUR "
                f"{disbursed['eur_million']:,.0f} million disbursed. What percentage had been paid out? (nearest whole "
                f"number)", round(share), 1.5, "%",
                f"{disbursed['eur_million']:,.0f} ÷ {total['eur_million']:,.0f} ≈ {share:.0f}%. Money is paid as "
                f"projects run, so 'committed', 'contracted' and 'disbursed' are different things."),
        MultipleChoice("Why may you not add the count of Syrians under temporary protection to UNHCR's 'about 4 million' "
                       "headline?", [
            Option("Because the headline already includes the Syrians: the two figures overlap", True,
                   "UNHCR's headline is Syrians plus other nationalities, rounded. Adding them counts Syrians twice."),
            Option("Because they use different currencies", False, "They are counts of people, not money."),
            Option("Because UNHCR does not count refugees in Türkiye", False,
                   "UNHCR publishes counts for Türkiye; the point is that populations overlap."),
        ]),
        MultipleChoice("What did the European Court of Human Rights find in A.R.E. v. Greece (7 January 2025)?", [
            Option("That there was a systematic practice of pushbacks from the Evros region to Türkiye", True,
                   "It was the Court's first judgment on a Greek pushback; Greece denies such a practice."),
            Option("That the EU–Turkey Statement is void", False, "The case concerned one person's removal across the Evros."),
            Option("That Türkiye is a safe third country for all asylum seekers", False,
                   "The Court made no such general ruling."),
        ]),
        MultipleChoice("What did Greece do on 1 March 2020, after Ankara said it would no longer stop people leaving "
                       "for Europe?", [
            Option("It suspended new asylum applications for a month", True,
                   "The UN Special Rapporteur said the suspension had no legal basis in international human rights law."),
            Option("It left NATO's integrated command", False, "Nothing of the sort happened."),
            Option("It opened a humanitarian corridor from Türkiye", False, "It reinforced the border instead."),
        ]),
        Numeric(f"By how many people did the count of Syrians under temporary protection fall between its peak "
                f"({_as_of_text(f['peak_as_of'])}) and the latest figure ({_as_of_text(f['latest_as_of'])})? "
                f"(nearest thousand)", round(f["peak"] - f["latest"], -3), 1000, "people",
                f"{f['peak']:,} − {f['latest']:,} = {f['peak'] - f['latest']:,}. Returns explain much of the fall, "
                f"but naturalisation and onward migration also remove people from the count."),
    ], title="Self-check quiz: Chapter 3")
