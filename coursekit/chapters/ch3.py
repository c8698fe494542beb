"""Chapter 3. Guarding the gates: migration, the 2016 Statement and border security.

Everything a reader of the chapter sees as a number is computed here from six datasets:

* ``sea_arrivals_greece`` (yearly arrivals, some years only partly covered, some years without a figure),
* ``sea_arrivals_greece_monthly`` (months around the Statement, with gaps),
* ``refugees_turkiye`` (stocks of *separate* populations: never add them up),
* ``syria_returns_turkiye`` (the Turkish authorities' running totals of returns to Syria),
* ``return_intentions`` (surveys of refugees that ask different people different questions),
* ``eu_funding_turkiye`` (running totals of funding envelopes: never add rows up),

plus the ``timeline`` dataset for the policy events marked on the arrivals explorer.

Three rules run through the module. A figure that covers only part of a year or month is never
compared with a whole one as a total: it is turned into an average per day over the days it covers.
A period with no figure stays missing (never zero), and every chart that spans it says so. And a
stock of people is always reported with the date it refers to.
"""

from __future__ import annotations

import math
import re

import altair as alt
import pandas as pd

from ..charts import PALETTE, colour_scale, dash_scale, figure, shape_scale
from ..data import cached, load, source_line
from ..explorer import Choice, Explorer, Slider

#: The day from which new arrivals on the Greek islands were to be returned under the Statement.
STATEMENT_IN_FORCE = pd.Timestamp("2016-03-20")
SYRIANS = "Syrians under temporary protection"
OTHERS = "refugees and asylum-seekers of other nationalities (UNHCR)"
HEADLINE = "refugees and asylum-seekers, all nationalities (UNHCR)"
FACILITY = "Facility for Refugees in Türkiye (FRIT), total"
#: The span the yearly chart covers: from the first year in the data to the last whole year before the
#: chapter's evidence ends. A year in this span without a figure is drawn as missing.
YEARS = (2014, 2025)
#: The months the monthly series is meant to cover, around the Statement.
MONTHS = ("2015-07", "2016-12")
MISSING = "No figure found (missing, not zero)"


class MissingFigure(ValueError):
    """No figure was found for a period: the value is missing, which is not the same as zero."""


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


def as_of_text(text: str) -> str:
    """'2021-08-01' -> '1 August 2021'; '2024-01' -> 'January 2024'; '2016' -> '2016'."""
    start, end = date_span(text)
    if start == end:
        return _fmt_date(start)
    return f"{start:%B %Y}" if start.month == end.month else str(start.year)


def _listing(items: list[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


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
    """Add start, end (of the days a figure covers), days, period_days, per_day, mid and partial columns."""
    out = frame.copy()
    has_as_of = out["as_of"].notna() & (out["as_of"].astype("str").str.len() == 10)
    covered_end = pd.to_datetime(out["as_of"].where(has_as_of), format="%Y-%m-%d").fillna(ends)
    out["start"] = starts.to_numpy()
    out["end"] = covered_end.to_numpy()
    out["period_end"] = ends.to_numpy()
    out["partial"] = (has_as_of & (out["end"] < ends)).to_numpy()
    out["days"] = (out["end"] - out["start"]).dt.days + 1
    out["period_days"] = (out["period_end"] - out["start"]).dt.days + 1
    out["per_day"] = [per_day(int(a), int(d)) for a, d in zip(out["arrivals"], out["days"], strict=True)]
    out["mid"] = out["start"] + (out["end"] - out["start"]) / 2
    out["covered"] = [f"{_fmt_date(s)} – {_fmt_date(e)}" for s, e in zip(out["start"], out["end"], strict=True)]
    return out


@cached
def yearly_arrivals(route: str = "sea") -> pd.DataFrame:
    """Arrivals in Greece by year for one route ('sea' or 'land'), with the days covered and per-day averages."""
    data = load("sea_arrivals_greece")
    if route not in set(data["route"]):
        raise ValueError(f"unknown route {route!r}; choose one of {sorted(set(data['route']))}")
    rows = data[data["route"] == route].sort_values("year").reset_index(drop=True)
    starts = pd.to_datetime(rows["year"].astype(int).astype(str) + "-01-01")
    ends = pd.to_datetime(rows["year"].astype(int).astype(str) + "-12-31")
    out = _coverage(rows, starts, ends)
    out.attrs = data.attrs
    return out


@cached
def monthly_arrivals() -> pd.DataFrame:
    """Monthly sea arrivals around the Statement, with the days covered and per-day averages (months with a figure only)."""
    data = load("sea_arrivals_greece_monthly")
    rows = data.sort_values("month").reset_index(drop=True)
    starts = pd.to_datetime(rows["month"] + "-01")
    ends = starts + pd.offsets.MonthEnd(0)
    out = _coverage(rows, starts, ends)
    out.attrs = data.attrs
    return out


def _month_text(month: str) -> str:
    return f"{pd.Timestamp(month + '-01'):%B %Y}"


def months_between(first: str = MONTHS[0], last: str = MONTHS[1]) -> pd.DataFrame:
    """Every month from ``first`` to ``last`` (YYYY-MM), with its figure or an explicit gap.

    ``status`` is 'whole month', 'part of a month' or ``MISSING``; ``arrivals`` is missing (not 0)
    where no figure was found.
    """
    for month in (first, last):
        if not isinstance(month, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise ValueError(f"a month is written YYYY-MM, got {month!r}")
    if first > last:
        raise ValueError(f"the first month {first} comes after the last {last}")
    months = [f"{p.year}-{p.month:02d}" for p in pd.period_range(first, last, freq="M")]
    known = monthly_arrivals().set_index("month")
    rows = []
    for month in months:
        if month in known.index:
            row = known.loc[month]
            rows.append({"month": month, "status": "part of a month" if row["partial"] else "whole month",
                         "arrivals": int(row["arrivals"]), "days": int(row["days"]), "per_day": float(row["per_day"]),
                         "covered": row["covered"], "source": row["source"]})
        else:
            rows.append({"month": month, "status": MISSING, "arrivals": pd.NA, "days": pd.NA, "per_day": float("nan"),
                         "covered": "", "source": ""})
    out = pd.DataFrame(rows)
    out["arrivals"] = out["arrivals"].astype("Int64")
    out["days"] = out["days"].astype("Int64")
    out["label"] = [_month_text(m) for m in out["month"]]
    return out


def year_figure(route: str = "sea", year: int | None = None) -> dict:
    """The recorded figure for one year, with the days it covers.

    A figure covering only part of the year is returned with ``partial`` set and the day it stops;
    compare it with others through ``per_day``. A year with no figure raises :class:`MissingFigure`.
    """
    rows = yearly_arrivals(route)
    row = rows[rows["year"] == year]
    if row.empty:
        raise MissingFigure(f"no {route} arrivals figure was found for {year!r}: it is missing, not zero")
    r = row.iloc[0]
    return {"year": int(r["year"]), "route": route, "arrivals": int(r["arrivals"]), "start": r["start"], "end": r["end"],
            "days": int(r["days"]), "period_days": int(r["period_days"]), "partial": bool(r["partial"]),
            "per_day": float(r["per_day"]), "to": _fmt_date(r["end"]), "source": r["source"]}


def arrivals(route: str = "sea", year: int | None = None) -> int:
    """The recorded arrivals for a year, whatever part of the year the figure covers (see :func:`year_figure`)."""
    return year_figure(route, year)["arrivals"]


def month_figure(month: str) -> dict:
    """The recorded figure for one month (YYYY-MM); a month with no figure raises :class:`MissingFigure`."""
    row = months_between(month, month).iloc[0]
    if row["status"] == MISSING:
        raise MissingFigure(f"no figure was found for {row['label']}: it is missing, not zero")
    known = monthly_arrivals().set_index("month").loc[month]
    return {"month": month, "arrivals": int(row["arrivals"]), "days": int(row["days"]), "per_day": float(row["per_day"]),
            "partial": row["status"] == "part of a month", "to": _fmt_date(known["end"]), "end": known["end"],
            "source": row["source"]}


def per_day_ratio(first: int, second: int, route: str = "sea") -> float:
    """How many times higher the daily average was in year ``first`` than in year ``second``."""
    a, b = year_figure(route, first), year_figure(route, second)
    if b["per_day"] == 0:
        raise ValueError(f"the {second} figure is zero, so no ratio can be taken")
    return a["per_day"] / b["per_day"]


def before_after(before: tuple[str, str] = ("2016-01", "2016-02"),
                 after: tuple[str, str] = ("2016-04", "2016-12")) -> dict:
    """Average monthly sea arrivals in two windows of whole months, and the fall between them.

    Months covered only in part (such as March 2016) are left out, and so are months with no figure:
    they are listed, never counted as zero. Returns the means, the months used, the months missing
    and ``fall_pct`` = (1 - after / before) x 100.
    """
    picked = {}
    for name, window in (("before", before), ("after", after)):
        if (not isinstance(window, (tuple, list)) or len(window) != 2
                or not all(isinstance(m, str) and re.fullmatch(r"\d{4}-\d{2}", m) for m in window)):
            raise ValueError(f"a window is two months written YYYY-MM, got {window!r}")
        months = months_between(*window)
        whole = months[months["status"] == "whole month"]
        if whole.empty:
            raise MissingFigure(f"no whole month with a figure between {window[0]} and {window[1]}")
        picked[name] = (whole, months)
    (b_rows, b_all), (a_rows, a_all) = picked["before"], picked["after"]
    b, a = float(b_rows["arrivals"].mean()), float(a_rows["arrivals"].mean())
    return {"before_mean": b, "after_mean": a, "fall_pct": (1 - a / b) * 100,
            "before_months": list(b_rows["month"]), "after_months": list(a_rows["month"]),
            "before_total": int(b_rows["arrivals"].sum()), "after_total": int(a_rows["arrivals"].sum()),
            "missing_months": list(pd.concat([b_all, a_all]).query("status == @MISSING")["month"]),
            "partial_months": list(pd.concat([b_all, a_all]).query("status == 'part of a month'")["month"])}


def yearly_series(route: str = "sea", first: int = YEARS[0], last: int = YEARS[1]) -> pd.DataFrame:
    """Every year from ``first`` to ``last`` with its figure or an explicit gap (``status`` = ``MISSING``)."""
    known = yearly_arrivals(route).set_index("year")
    rows = []
    for year in range(first, last + 1):
        if year in known.index:
            r = known.loc[year]
            status = "Part of the year (to the date in the label)" if r["partial"] else "Whole year"
            label = f"{year} (to {r['end'].day} {r['end']:%b})" if r["partial"] else str(year)
            rows.append({"year": year, "status": status, "year_label": label, "arrivals": int(r["arrivals"]),
                         "text": f"{int(r['arrivals']):,}", "details": f"Covers {r['covered']}. {r['note']}",
                         "source": r["source"]})
        else:
            rows.append({"year": year, "status": MISSING, "year_label": str(year), "arrivals": pd.NA,
                         "text": "no figure", "details": f"No {route} arrivals figure for {year} was found: missing, not zero.",
                         "source": ""})
    out = pd.DataFrame(rows)
    out["arrivals"] = out["arrivals"].astype("Int64")
    out.attrs = load("sea_arrivals_greece").attrs
    return out


# -- events from the course timeline ------------------------------------------------------

EVENT_THEMES = {"migration": ["migration"], "crisis": ["crisis"], "both": ["migration", "crisis"], "none": []}
EVENT_LABELS = ["EU–Türkiye migration decisions", "Crises and shocks", "Both", "No events"]


@cached
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


def event_order(titles) -> list[str]:
    """Timeline titles sorted by their date (unknown titles raise ``KeyError`` naming them)."""
    events = load("timeline").set_index("title")
    missing = [t for t in titles if t not in events.index]
    if missing:
        raise KeyError(f"not in the timeline: {missing}")
    return sorted(titles, key=lambda t: date_span(events.loc[t, "date"])[0])


# -- the arrivals explorer ----------------------------------------------------------------

#: Periods a reader can pick, as (label, first day, last day).
PERIODS = [
    ("2014–2025: the whole record", "2014-01-01", "2025-12-31"),
    ("Jul 2015 – Dec 2016: crisis and Statement", "2015-07-01", "2016-12-31"),
    ("2017–2025: after the Statement", "2017-01-01", "2025-12-31"),
    ("2019–2021: Idlib, Evros and after", "2019-01-01", "2021-12-31"),
]
CATEGORIES = ["Whole year", "Part of a year", "Whole month", "Part of a month"]


@cached
def arrivals_points() -> pd.DataFrame:
    """Yearly and monthly sea arrivals in one table, as average arrivals per day, with the periods lacking a figure.

    ``kind`` is 'arrivals' for a figure and 'gap' for a year (in ``YEARS``) or a month (in ``MONTHS``) with no figure.
    """
    frames = []
    for series, rows in (("year", yearly_arrivals("sea")), ("month", monthly_arrivals())):
        part = rows.assign(series=series, kind="arrivals")
        part["category"] = [f"{'Part of a' if p else 'Whole'} {series}" for p in part["partial"]]
        part["label"] = (part["year"].astype(int).astype(str) if series == "year"
                         else [f"{d:%B %Y}" for d in part["start"]])
        part["details"] = [n if isinstance(n, str) and n else "No note in the data." for n in part["note"]]
        frames.append(part[["kind", "series", "category", "label", "start", "end", "days", "mid", "arrivals", "per_day",
                            "covered", "details", "source"]])
    gaps = []
    years = yearly_series("sea")
    for year in years.loc[years["status"] == MISSING, "year"]:
        gaps.append({"kind": "gap", "series": "year", "label": f"No yearly figure found for {year}",
                     "start": pd.Timestamp(year, 1, 1), "end": pd.Timestamp(year, 12, 31)})
    months = months_between()
    for month, label in zip(months.loc[months["status"] == MISSING, "month"], months.loc[months["status"] == MISSING, "label"],
                            strict=True):
        start = pd.Timestamp(month + "-01")
        gaps.append({"kind": "gap", "series": "month", "label": f"No monthly figure found for {label}",
                     "start": start, "end": start + pd.offsets.MonthEnd(0)})
    gap_frame = pd.DataFrame(gaps)
    gap_frame["mid"] = gap_frame["start"] + (gap_frame["end"] - gap_frame["start"]) / 2
    gap_frame["gap"] = MISSING
    out = pd.concat([*frames, gap_frame], ignore_index=True)
    return out


def arrivals_model(period: str = PERIODS[0][0], events: str = "migration") -> pd.DataFrame:
    """Arrival points (per-day averages), periods with no figure, and marked events within a period.

    ``kind`` is 'arrivals', 'gap' or 'event'. Unknown period or event-set names raise ``ValueError``.
    """
    spans = {label: (pd.Timestamp(a), pd.Timestamp(b)) for label, a, b in PERIODS}
    if period not in spans:
        raise ValueError(f"unknown period {period!r}; choose one of {list(spans)}")
    if events not in EVENT_THEMES:
        raise ValueError(f"unknown event set {events!r}; choose one of {list(EVENT_THEMES)}")
    first, last = spans[period]
    pts = arrivals_points()
    pts = pts[pts["mid"].between(first, last)].assign(when=lambda f: f["mid"].where(f["kind"] == "arrivals", f["start"]))
    frames = [pts]
    if EVENT_THEMES[events]:
        all_events = policy_events(("migration", "crisis"))
        ev = all_events[all_events["theme"].isin(EVENT_THEMES[events]) & all_events["when"].between(first, last)]
        frames.append(pd.DataFrame({"kind": "event", "when": ev["when"], "label": ev["title"],
                                    "event_theme": ev["theme"], "event_date": ev["date"],
                                    "description": ev["description"], "source": ev["source"],
                                    "label_y": label_rows(ev["when"], first, last)}))
    out = pd.concat(frames, ignore_index=True)
    for col in ("series", "category", "covered", "event_theme", "event_date", "description", "details", "gap"):
        if col not in out:
            out[col] = None
    for col in ("label_y", "arrivals", "days", "per_day"):
        if col not in out:
            out[col] = float("nan")
    if "end" not in out:
        out["end"] = pd.NaT
    return out[["kind", "when", "end", "label", "series", "category", "covered", "arrivals", "days", "per_day",
                "event_theme", "event_date", "description", "details", "gap", "source", "label_y"]]


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
    base = alt.Chart(frame)  # one data source, so the book's control filter reaches every layer
    x = alt.X("when:T", title="Date (points sit at the middle of the days they cover)",
              axis=alt.Axis(format="%b %Y", labelOverlap=True))
    gaps = base.transform_filter("datum.kind == 'gap'").mark_rect(opacity=0.45).encode(
        x=x, x2="end:T",
        fill=alt.Fill("gap:N", scale=alt.Scale(domain=[MISSING], range=["#C8CDD3"]), legend=alt.Legend(title=None)),
        tooltip=[alt.Tooltip("label:N", title="Gap")],
    )
    points = base.transform_filter("datum.kind == 'arrivals'").mark_point(filled=True, size=90, opacity=0.95).encode(
        x=x,
        y=alt.Y("per_day:Q", title="Average sea arrivals per day (people)", axis=alt.Axis(format=",.0f")),
        color=alt.Color("category:N", scale=colour_scale(CATEGORIES), legend=alt.Legend(title="Figure covers")),
        shape=alt.Shape("category:N", scale=shape_scale(CATEGORIES), legend=alt.Legend(title="Figure covers")),
        tooltip=[alt.Tooltip("label:N", title="Period"), alt.Tooltip("covered:N", title="Days covered"),
                 alt.Tooltip("arrivals:Q", title="Arrivals", format=","),
                 alt.Tooltip("per_day:Q", title="Per day", format=",.0f"), alt.Tooltip("details:N", title="Note")],
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
    return alt.layer(gaps, rules, labels, points).properties(width=620, height=320)


def _arrivals_summary(frame: pd.DataFrame) -> str:
    pts = frame[frame["kind"] == "arrivals"]
    if pts.empty:
        return "No arrival figures fall in this period."
    hi = pts.loc[pts["per_day"].idxmax()]
    lo = pts.loc[pts["per_day"].idxmin()]
    n_events = int((frame["kind"] == "event").sum())
    gaps = frame[frame["kind"] == "gap"]
    gap_text = (f" {len(gaps)} period(s) with no figure, shaded grey: missing, not zero." if len(gaps)
                else " Every year or month in this period that the data are meant to cover has a figure.")
    return (f"{len(pts)} figures shown. Highest: {hi['label']} at {hi['per_day']:,.0f} a day; "
            f"lowest: {lo['label']} at {lo['per_day']:,.0f} a day. {n_events} events marked.{gap_text}")


def explorer() -> Explorer:
    """Sea arrivals in Greece as averages per day, with policy events from the timeline and the gaps in the record."""
    pts = arrivals_points()
    figures = pts[pts["kind"] == "arrivals"]
    top = figures.loc[figures["per_day"].idxmax()]
    whole_years = figures[figures["category"] == "Whole year"]
    low = whole_years.loc[whole_years["per_day"].idxmin()]
    gaps = pts[pts["kind"] == "gap"]["label"].str.replace("No (yearly|monthly) figure found for ", "", regex=True)
    return Explorer(
        title="Sea arrivals in Greece and the events around them",
        description=(f"Average sea arrivals per day in Greece, from yearly and monthly figures, with events of the "
                     f"course timeline drawn as dashed vertical lines. The highest average is {top['label']} "
                     f"({top['per_day']:,.0f} a day); the lowest whole year is {low['label']} "
                     f"({low['per_day']:,.0f} a day). Periods with no figure are shaded grey and are missing, not "
                     f"zero: {_listing(list(gaps))}. Choose a period to zoom in and a set of events to mark; hover "
                     f"over a point, a line or a shaded band to read it. Figures covering only part of a year or month "
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
    """Yearly sea arrivals: whole years, part years and years with no figure told apart."""
    rows = yearly_series("sea")
    domain = ["Whole year", "Part of the year (to the date in the label)", MISSING]
    base = alt.Chart(rows)
    x = alt.X("year_label:O", title="Year", sort=None)
    bars = base.transform_filter(f"datum.status != '{MISSING}'").mark_bar().encode(
        x=x,
        y=alt.Y("arrivals:Q", title="Sea arrivals in Greece (people)", axis=alt.Axis(format=",.0f")),
        color=alt.Color("status:N", scale=alt.Scale(domain=domain, range=[PALETTE[0], PALETTE[1], "#8A939C"]),
                        legend=alt.Legend(title="Figure covers")),
        tooltip=[alt.Tooltip("year_label:N", title="Year"), alt.Tooltip("arrivals:Q", title="Arrivals", format=","),
                 alt.Tooltip("details:N", title="Covers")],
    )
    text = base.transform_filter(f"datum.status != '{MISSING}'").mark_text(dy=-6, fontSize=10, baseline="bottom").encode(
        x=x, y="arrivals:Q", text="text:N")
    missing = base.transform_filter(f"datum.status == '{MISSING}'").mark_text(
        angle=270, align="left", dx=4, fontSize=11, color="#4D5560").encode(
        x=x, y=alt.datum(0), text="text:N", color=alt.Color("status:N", scale=alt.Scale(domain=domain), legend=None),
        tooltip=[alt.Tooltip("details:N", title="No figure")])
    chart = (bars + text + missing).properties(width=560, height=300)
    f15, f17 = year_figure("sea", 2015), year_figure("sea", 2017)
    whole = rows[rows["status"] == "Whole year"]
    part = rows[rows["status"] == domain[1]]
    gaps = rows[rows["status"] == MISSING]
    listing = "; ".join(f"{y}: {a:,}" for y, a in zip(whole["year"], whole["arrivals"], strict=True))
    parts = "; ".join(f"{lab}: {a:,}" for lab, a in zip(part["year_label"], part["arrivals"], strict=True))
    return figure(chart,
                  title=(f"Sea arrivals in Greece fell from {f15['arrivals']:,} in 2015 (to {f15['to']}) "
                         f"to {f17['arrivals']:,} in 2017"),
                  description=(f"Bar chart of sea arrivals in Greece by year. Whole years: {listing}. "
                               f"Years covered only in part, shown in orange and not comparable as totals: {parts}. "
                               f"No figure was found for {_listing([str(y) for y in gaps['year']])}: those years "
                               f"are labelled 'no figure' and are missing, not zero."),
                  data=yearly_arrivals("sea"))


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


def peak_figures() -> pd.DataFrame:
    """The two official statements of the peak: the highest exact count, and UNHCR's rounded figure.

    One row per publisher kind: ``exact`` (the highest figure published as a count) and ``rounded``
    (the highest figure published with a rounding word, UNHCR's 'more than 3.7 million').
    """
    rows = population(SYRIANS)
    exact = rows[rows["qualifier"] == "as_published"]
    rounded = rows[rows["qualifier"] != "as_published"]
    if exact.empty or rounded.empty:
        raise ValueError("the peak needs both an exact count and a rounded statement in refugees_turkiye")
    out = pd.concat([exact.loc[[exact["people"].idxmax()]].assign(kind="exact"),
                     rounded.loc[[rounded["people"].idxmax()]].assign(kind="rounded")], ignore_index=True)
    out["when"] = [as_of_text(a) for a in out["as_of"]]
    out["publisher"] = [next(s["publisher"] for s in rows.attrs["sources"] if s["id"] == sid) for sid in out["source"]]
    return out


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
    """Syrians under temporary protection over time, with UNHCR's rounded figures and other nationalities."""
    syrians = population(SYRIANS)
    parts = [syrians[syrians["qualifier"] == "as_published"].assign(group="Syrians under temporary protection (Turkish authorities)"),
             syrians[syrians["qualifier"] != "as_published"].assign(group="Syrians, UNHCR's rounded figure"),
             population(OTHERS).assign(group="Other nationalities, refugees and asylum-seekers (UNHCR)"),
             population(HEADLINE).assign(group="UNHCR headline, all nationalities ('about')")]
    rows = pd.concat(parts, ignore_index=True)
    rows["when_text"] = [as_of_text(a) + ("" if k else " (day not stated)") for a, k in
                         zip(rows["as_of"], rows["day_known"], strict=True)]
    rows["how"] = [("exact count" if q == "as_published" else f"'{q}' (rounded)") for q in rows["qualifier"]]
    rows.attrs = load("refugees_turkiye").attrs
    domain = list(dict.fromkeys(rows["group"]))
    enc = dict(
        x=alt.X("mid:T", title="Date of the count", axis=alt.Axis(format="%Y")),
        y=alt.Y("people:Q", title="People (number)", axis=alt.Axis(format=",.0f")),
        color=alt.Color("group:N", scale=colour_scale(domain),
                        legend=alt.Legend(title="Population (separate counts: never add them up)", orient="bottom",
                                          direction="vertical", labelLimit=480, titleLimit=480)),
    )
    tooltip = [alt.Tooltip("group:N", title="Population"), alt.Tooltip("when_text:N", title="As of"),
               alt.Tooltip("people:Q", title="People", format=","), alt.Tooltip("how:N", title="Stated as")]
    base = alt.Chart(rows)
    lines = base.mark_line(strokeWidth=2).encode(**enc, strokeDash=alt.StrokeDash("group:N", scale=dash_scale(domain), legend=None))
    points = base.mark_point(filled=True, size=70).encode(
        **enc, shape=alt.Shape("group:N", scale=shape_scale(domain), legend=None), tooltip=tooltip)
    chart = (lines + points).properties(width=560, height=320)
    facts = four_million_check()
    peaks = peak_figures().set_index("kind")
    first = syrians.iloc[0]
    return figure(chart,
                  title=(f"Syrians under temporary protection peaked at {facts['peak']:,} "
                         f"({as_of_text(facts['peak_as_of'])}) and numbered {facts['latest']:,} "
                         f"on {as_of_text(facts['latest_as_of'])}"),
                  description=(f"Line chart of four separate counts. The Turkish authorities' count of Syrians under "
                               f"temporary protection rose from {int(first['people']):,} ({as_of_text(first['as_of'])}) "
                               f"to {facts['peak']:,} on {as_of_text(facts['peak_as_of'])}, then fell to "
                               f"{facts['latest']:,} on {as_of_text(facts['latest_as_of'])}. UNHCR put the number of "
                               f"Syrians at {peaks.loc['rounded', 'qualifier']} {int(peaks.loc['rounded', 'people']):,} "
                               f"on {peaks.loc['rounded', 'when']}. UNHCR's rounded headline for all nationalities "
                               f"stayed at about {facts['claim']:,} from {as_of_text(facts['headline_first'])} to "
                               f"{as_of_text(facts['headline_last'])}. UNHCR's count of other nationalities stayed "
                               f"between {int(population(OTHERS)['people'].min()):,} and "
                               f"{int(population(OTHERS)['people'].max()):,}. Year-only figures sit at mid-year."),
                  data=rows)


# -- returns to Syria -------------------------------------------------------------------------

RETURN_COUNTS = {"2024-12-08": "since the fall of Assad (8 December 2024)", "2016": "since 2016 (the ministry's count)"}


def returns(since: str = "2024-12-08") -> pd.DataFrame:
    """The Turkish authorities' running totals of returns to Syria counted from ``since``, oldest first."""
    data = load("syria_returns_turkiye")
    if since not in RETURN_COUNTS:
        raise ValueError(f"unknown count {since!r}; choose one of {list(RETURN_COUNTS)}")
    rows = data[data["since"] == since].sort_values("as_of").reset_index(drop=True)
    rows["when"] = pd.to_datetime(rows["as_of"])
    rows.attrs = data.attrs
    return rows


def returns_between(first: str, last: str, since: str = "2024-12-08") -> int:
    """Returns added between two dated running totals: the later total minus the earlier one."""
    rows = returns(since).set_index("as_of")
    for day in (first, last):
        if day not in rows.index:
            raise MissingFigure(f"no running total counted {RETURN_COUNTS[since]} is dated {day}; "
                                f"the dated totals are {list(rows.index)}")
    if last <= first:
        raise ValueError("the second date must come after the first")
    return int(rows.loc[last, "people"]) - int(rows.loc[first, "people"])


def returns_figure():
    """The two running totals of returns announced by the Turkish authorities."""
    rows = pd.concat([returns(s).assign(count=label) for s, label in RETURN_COUNTS.items()], ignore_index=True)
    rows["when_text"] = [as_of_text(a) for a in rows["as_of"]]
    rows.attrs = load("syria_returns_turkiye").attrs
    domain = list(RETURN_COUNTS.values())
    enc = dict(x=alt.X("when:T", title="Date the total runs to", axis=alt.Axis(format="%b %Y")),
               y=alt.Y("people:Q", title="Syrians who returned, running total", axis=alt.Axis(format=",.0f"),
                       scale=alt.Scale(zero=True)),
               color=alt.Color("count:N", scale=colour_scale(domain),
                               legend=alt.Legend(title="Counted (the two overlap: never add them)", direction="vertical",
                                                 labelLimit=400, titleLimit=400)))
    base = alt.Chart(rows)
    lines = base.mark_line().encode(**enc, strokeDash=alt.StrokeDash("count:N", scale=dash_scale(domain), legend=None))
    points = base.mark_point(filled=True, size=80).encode(
        **enc, shape=alt.Shape("count:N", scale=shape_scale(domain), legend=None),
        tooltip=[alt.Tooltip("count:N", title="Counted"), alt.Tooltip("when_text:N", title="To"),
                 alt.Tooltip("people:Q", title="Returned", format=","), alt.Tooltip("note:N", title="Announced")])
    chart = (lines + points).properties(width=560, height=280)
    recent = returns("2024-12-08").iloc[-1]
    long = returns("2016").iloc[-1]
    listing = "; ".join(f"{c} to {t}: {p:,}" for c, t, p in zip(rows["count"], rows["when_text"], rows["people"], strict=True))
    return figure(chart,
                  title=(f"By the Turkish government's count, {int(recent['people']):,} Syrians had returned since "
                         f"Assad's fall by {as_of_text(recent['as_of'])}, and {int(long['people']):,} since 2016 by "
                         f"{as_of_text(long['as_of'])}"),
                  description=(f"Points joined by lines: running totals of Syrians who returned from Türkiye to Syria, "
                               f"as announced by the Interior Ministry and its migration presidency. {listing}. The totals "
                               f"are the government's own; no independent count was found."),
                  data=rows)


# -- refugees' own views: surveys --------------------------------------------------------------

@cached
def intentions() -> pd.DataFrame:
    """The surveys of Syrian refugees' return intentions, one row per published answer share."""
    return load("return_intentions")


def survey_share(survey: str, answer: str) -> float:
    """The published share (%) of one answer in one survey; unknown pairs raise ``KeyError`` naming what exists."""
    rows = intentions()
    row = rows[(rows["survey"] == survey) & (rows["answer"] == answer)]
    if row.empty:
        known = sorted(set(zip(rows["survey"], rows["answer"])))
        raise KeyError(f"no share for {answer!r} in {survey!r}; known: {known}")
    return float(row["pct"].iloc[0])


def surveys_asking_turkiye(asked: bool = True) -> list[str]:
    """The surveys (each named without its round) that did, or did not, ask Syrian refugees in Türkiye."""
    rows = intentions()
    return list(dict.fromkeys(s.split(",")[0] for s in rows.loc[rows["includes_turkiye"] == asked, "survey"]))


def intentions_figure():
    """Every published share, one bar each, grouped by survey and marked by whether refugees in Türkiye were asked.

    Each survey is a panel with its own heading; each answer is written above its bar, so the chart stays
    narrow enough for a phone.
    """
    rows = intentions()
    no = "No: Lebanon, Jordan, Iraq, Egypt only"
    rows["asked"] = ["Yes" if t else no for t in rows["includes_turkiye"]]
    rows["panel"] = rows["survey"] + " (" + rows["fieldwork"] + ")"
    rows["text"] = [f"{a}: {p:g}%" for a, p in zip(rows["answer"], rows["pct"], strict=True)]
    rows.attrs = load("return_intentions").attrs
    y = alt.Y("answer:N", title=None, sort=None, axis=None)
    colour = alt.Color("asked:N", scale=alt.Scale(domain=["Yes", no], range=[PALETTE[2], PALETTE[5]]),
                       legend=alt.Legend(title="Were Syrians in Türkiye asked?", direction="vertical",
                                         orient="bottom", titleLimit=300))
    tooltip = [alt.Tooltip("survey:N", title="Survey"), alt.Tooltip("hosts:N", title="Asked in"),
               alt.Tooltip("answer:N", title="Answer"), alt.Tooltip("pct:Q", title="Share (%)"),
               alt.Tooltip("note:N", title="Note")]
    panels = []
    names = list(dict.fromkeys(rows["panel"]))
    for panel in names:
        part = rows[rows["panel"] == panel]
        base = alt.Chart(part)
        x_title = "Share of respondents (%)" if panel == names[-1] else None  # named once, under the last panel
        bars = base.mark_bar(size=12, yOffset=7).encode(
            x=alt.X("pct:Q", title=x_title, scale=alt.Scale(domain=[0, 100])), y=y,
            color=colour, tooltip=tooltip)
        text = base.mark_text(align="left", baseline="bottom", yOffset=-1).encode(x=alt.datum(0), y=y, text="text:N")
        panels.append(alt.layer(bars, text).properties(
            width=300, height=alt.Step(34),
            title=alt.TitleParams(panel, anchor="start", fontSize=12, fontWeight=600, limit=0)))
    # One panel per survey, stacked: each keeps its own answers (a vconcat reserves its true height on the page).
    chart = alt.vconcat(*panels, spacing=10).resolve_scale(color="shared")
    listing = "; ".join(f"{p}, {t}" for p, t in zip(rows["panel"], rows["text"], strict=True))
    excluded = _listing(surveys_asking_turkiye(False))
    return figure(chart,
                  title="Three surveys, three questions: only two asked Syrians in Türkiye",
                  description=(f"Horizontal bars, one per published share, grouped by survey. {listing}. The rows of "
                               f"{excluded} come from Lebanon, Jordan, Iraq and Egypt only; the shares answer "
                               f"different questions and cannot be compared as one series."),
                  data=rows)


# -- EU funding -------------------------------------------------------------------------

#: Funding envelopes for the calculator: key -> (instrument, measure, as_of) picking exactly one row.
ENVELOPES = {
    "facility_allocated": (FACILITY, "allocated", "2019-06-12"),
    "facility_disbursed": (FACILITY, "disbursed", "2020-12-31"),
    "extra_2021_2023": ("Additional EUR 3 billion for refugees in Türkiye", "allocated", "2021-06-25"),
    "extra_2024": ("Additional EUR 1 billion for 2024", "allocated", "2024-12-17"),
    "eu_2025_2027": ("EU support for refugees in Türkiye 2025-2027", "allocated", "2024-02"),
    "all_stated": ("All EU support for refugees in Türkiye (as stated)", "provided", "2024-12-17"),
    "all_since_2016": ("All EU support since 2016 (as stated)", "provided", "2025"),
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
                      f"(as of {as_of_text(row['as_of'])})")}


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
            "label": f"{short}, {as_of_text(row['as_of'])}: {qual}{int(row['people']):,}"}


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


def euros_per_person(envelope_key: str = "facility_allocated", population_key: str = "syrians_2016",
                     years: int | None = None) -> float:
    """The calculator's result for one envelope and one population count (years default to the envelope's own)."""
    env, pop = envelope(envelope_key), population_count(population_key)
    return per_person_per_year(env["eur_million"], pop["people"], env["years"] if years is None else years)


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


@cached
def _calculator_inputs() -> tuple[dict, dict]:
    return ({k: envelope(k) for k in ENVELOPES}, {k: population_count(k) for k in POPULATIONS})


def funding_model(envelope_key: str = "facility_allocated", population_key: str = "syrians_2016",
                  years: int = 4) -> pd.DataFrame:
    """Euros per person per year for the chosen envelope and years, under every population count.

    One row per population count; ``chosen`` marks the count picked. Bad names or a
    non-positive number of years raise ``ValueError``.
    """
    envelopes, populations = _calculator_inputs()
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
    base = alt.Chart(frame)  # one data source, so the book's control filter reaches every layer
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
    rows["when_text"] = [as_of_text(a) for a in rows["as_of"]]
    rows = rows.sort_values(["stage", "when"]).reset_index(drop=True)
    rows.attrs = data.attrs
    total = float(funding_row("facility_allocated")["eur_million"])
    domain = ["committed", "contracted", "disbursed"]
    enc = dict(x=alt.X("when:T", title="Date of the Commission's figure", axis=alt.Axis(format="%b %Y")),
               y=alt.Y("eur_million:Q", title="Running total (EUR million)", scale=alt.Scale(domain=[0, total * 1.05]),
                       axis=alt.Axis(format=",.0f")),
               color=alt.Color("stage:N", scale=colour_scale(domain), legend=alt.Legend(title="Stage")))
    base = alt.Chart(rows)
    lines = base.mark_line(interpolate="step-after").encode(
        **enc, strokeDash=alt.StrokeDash("stage:N", scale=dash_scale(domain), legend=None))
    points = base.mark_point(filled=True, size=80).encode(
        **enc, shape=alt.Shape("stage:N", scale=shape_scale(domain), legend=None),
        tooltip=[alt.Tooltip("stage:N", title="Stage"), alt.Tooltip("when_text:N", title="As of"),
                 alt.Tooltip("amount_text:N", title="Amount")])
    ceiling = alt.Chart(pd.DataFrame({"y": [total], "text": [f"Facility total allocated: EUR {total:,.0f} million"]}))
    rule = ceiling.mark_rule(color="#555555", strokeDash=[2, 2]).encode(y="y:Q")
    label = ceiling.mark_text(align="left", dy=-7, x=5, fontSize=11, color="#333333").encode(y="y:Q", text="text:N")
    chart = (rule + label + lines + points).properties(width=560, height=300)
    last = rows[rows["stage"] == "disbursed"].iloc[-1]
    last_contract = rows[rows["stage"] == "contracted"].iloc[-1]
    listing = "; ".join(f"{s} {t} ({as_of_text(a)})" for s, t, a in zip(rows["stage"], rows["amount_text"], rows["as_of"], strict=True))
    return figure(chart,
                  title=(f"By {as_of_text(last['as_of'])} the Facility had contracted EUR "
                         f"{last_contract['eur_million']:,.0f} million but paid out {last['amount_text']}"),
                  description=(f"Step lines of the Facility for Refugees in Türkiye's running totals against its "
                               f"EUR {total:,.0f} million allocation. Figures: {listing}. "
                               f"No disbursement figure after {as_of_text(last['as_of'])} was found."),
                  data=[rows, data[(data["instrument"] == FACILITY) & (data["measure"] == "allocated")]])


# -- facts: what the content file's answers and texts (and the seminar page) name ---------------------

ORDER_EVENTS = ("EU-Turkey Statement", "Türkiye stops holding back migrants", "Assad government falls",
                "EU lifts economic sanctions on Syria", "Visa cascade for Turkish citizens")


def _ba(key: str):
    return lambda: before_after()[key]


def _march_days(after: bool) -> int:
    m = month_figure("2016-03")
    start = pd.Timestamp("2016-03-01")
    if after:
        return max((m["end"] - STATEMENT_IN_FORCE).days + 1, 0)
    return (min(m["end"], STATEMENT_IN_FORCE - pd.Timedelta(days=1)) - start).days + 1


def _peak(kind: str, field: str):
    def compute():
        row = peak_figures().set_index("kind").loc[kind]
        return int(row["people"]) if field == "people" else str(row[field])
    return compute


def _returns_latest(since: str, field: str):
    def compute():
        row = returns(since).iloc[-1]
        return int(row["people"]) if field == "people" else as_of_text(row["as_of"])
    return compute


def _returns_first(since: str, field: str):
    def compute():
        row = returns(since).iloc[0]
        return int(row["people"]) if field == "people" else as_of_text(row["as_of"])
    return compute


def _share(survey: str, answer: str):
    return lambda: survey_share(survey, answer)


def _fig(year: int, field: str):
    return lambda: year_figure("sea", year)[field]


def _missing_after_months() -> str:
    missing = before_after()["missing_months"]
    return _listing([f"{pd.Timestamp(m + '-01'):%B}" for m in missing]) + " 2016"


def _fall_with_march() -> float:
    """The slip of counting the part-month of March 2016 as a whole month of the 'after' window."""
    months = months_between("2016-03", "2016-12")
    after = months[months["status"] != MISSING]["arrivals"].astype(float).mean()
    return (1 - after / before_after()["before_mean"]) * 100


RPIS = "UNHCR RPIS, flash survey"
IRC = "IRC rapid intentions survey, latest round"
AREDA = "Areda Survey after the fall of Assad"

FACTS = {
    # arrivals
    "arrivals_2015": _fig(2015, "arrivals"),
    "arrivals_2015_to": _fig(2015, "to"),
    "arrivals_2015_days": _fig(2015, "days"),
    "arrivals_2016": _fig(2016, "arrivals"),
    "arrivals_2017": _fig(2017, "arrivals"),
    "arrivals_2019": _fig(2019, "arrivals"),
    "per_day_2015": _fig(2015, "per_day"),
    "per_day_2017": _fig(2017, "per_day"),
    "ratio_2015_2017": lambda: per_day_ratio(2015, 2017),
    "ratio_2015_2017_inverse": lambda: 1 / per_day_ratio(2015, 2017),
    "ratio_2015_2016": lambda: per_day_ratio(2015, 2016),
    "arrivals_jan_2016": lambda: month_figure("2016-01")["arrivals"],
    "arrivals_feb_2016": lambda: month_figure("2016-02")["arrivals"],
    "arrivals_march_2016": lambda: month_figure("2016-03")["arrivals"],
    "march_2016_to": lambda: month_figure("2016-03")["to"],
    "march_2016_days_before": lambda: _march_days(after=False),
    "march_2016_days_after": lambda: _march_days(after=True),
    "before_mean": _ba("before_mean"),
    "after_mean": _ba("after_mean"),
    "fall_pct": _ba("fall_pct"),
    "fall_pct_totals": lambda: (1 - before_after()["after_total"] / before_after()["before_total"]) * 100,
    "fall_remaining": lambda: 100 - before_after()["fall_pct"],
    "fall_wrong_way": lambda: (before_after()["before_mean"] / before_after()["after_mean"] - 1) * 100,
    "fall_with_march": _fall_with_march,
    "after_months_used": lambda: len(before_after()["after_months"]),
    "after_months_missing": lambda: len(before_after()["missing_months"]),
    "after_months_missing_list": _missing_after_months,
    "monthly_gaps": lambda: int((months_between()["status"] == MISSING).sum()),
    "latest_partial_year": lambda: int(yearly_arrivals("sea").query("partial")["year"].max()),
    "latest_partial_to": lambda: year_figure("sea", int(yearly_arrivals("sea").query("partial")["year"].max()))["to"],
    "last_whole_year": lambda: int(yearly_arrivals("sea").query("~partial")["year"].max()),
    # refugees in Türkiye
    "syrians_peak": _peak("exact", "people"),
    "syrians_peak_date": _peak("exact", "when"),
    "unhcr_syrians_peak": _peak("rounded", "people"),
    "unhcr_syrians_peak_qualifier": _peak("rounded", "qualifier"),
    "unhcr_syrians_peak_date": _peak("rounded", "when"),
    "syrians_latest": lambda: int(latest()["people"]),
    "syrians_latest_date": lambda: as_of_text(latest()["as_of"]),
    "syrians_2016": lambda: population_count("syrians_2016")["people"],
    "syrians_fall": lambda: int(peak()["people"]) - int(latest()["people"]),
    "syrians_fall_wrong_sign": lambda: int(latest()["people"]) - int(peak()["people"]),
    "syrians_sum_wrong": lambda: int(peak()["people"]) + int(latest()["people"]),
    "headline": headline,
    "headline_first": lambda: as_of_text(four_million_check()["headline_first"]),
    "headline_last": lambda: as_of_text(four_million_check()["headline_last"]),
    "latest_share": lambda: four_million_check()["latest_share"],
    "peak_share": lambda: four_million_check()["peak_share"],
    # returns
    "returns_recent": _returns_latest("2024-12-08", "people"),
    "returns_recent_date": _returns_latest("2024-12-08", "date"),
    "returns_first": _returns_first("2024-12-08", "people"),
    "returns_first_date": _returns_first("2024-12-08", "date"),
    "returns_added": lambda: returns_between(returns("2024-12-08")["as_of"].iloc[0], returns("2024-12-08")["as_of"].iloc[-1]),
    "returns_added_wrong_sum": lambda: int(returns("2024-12-08")["people"].iloc[0] + returns("2024-12-08")["people"].iloc[-1]),
    "returns_since_2016": _returns_latest("2016", "people"),
    "returns_since_2016_date": _returns_latest("2016", "date"),
    # surveys
    "rpis_12m": _share(RPIS, "intend to return within 12 months"),
    "rpis_12m_before": _share("UNHCR RPIS, 9th round", "intend to return within 12 months"),
    "rpis_one_day": _share(RPIS, "hope to return one day"),
    "irc_latest": _share(IRC, "intend to return"),
    "irc_march": _share("IRC rapid intentions survey, March round", "intend to return"),
    "areda_asap": _share(AREDA, "want to return as soon as possible"),
    "areda_conditions": _share(AREDA, "would return if conditions in Syria improve"),
    "areda_stay": _share(AREDA, "want to stay in Türkiye"),
    "areda_undecided": _share(AREDA, "undecided"),
    "areda_open": lambda: survey_share(AREDA, "want to return as soon as possible")
    + survey_share(AREDA, "would return if conditions in Syria improve"),
    "surveys_asking_turkiye": surveys_asking_turkiye,
    # funding
    "facility_total": lambda: envelope("facility_allocated")["eur_million"],
    "facility_disbursed": lambda: envelope("facility_disbursed")["eur_million"],
    "facility_disbursed_date": lambda: as_of_text(envelope("facility_disbursed")["as_of"]),
    "disbursed_share": lambda: envelope("facility_disbursed")["eur_million"] / envelope("facility_allocated")["eur_million"] * 100,
    "euros_per_person": euros_per_person,
    "euros_per_person_one_year": lambda: euros_per_person(years=1),
    "euros_per_person_headline": lambda: euros_per_person(population_key="unhcr_headline"),
    "euros_per_person_latest": lambda: euros_per_person(population_key="syrians_latest"),
    "eu_2025_2027": lambda: envelope("eu_2025_2027")["eur_million"],
    "all_since_2016": lambda: envelope("all_since_2016")["eur_million"],
    "all_since_2011": lambda: envelope("all_stated")["eur_million"],
    # the same sums in billions, as the teaching kit writes them
    "facility_total_bn": lambda: envelope("facility_allocated")["eur_million"] / 1000,
    "all_since_2011_bn": lambda: envelope("all_stated")["eur_million"] / 1000,
    "all_since_2016_bn": lambda: envelope("all_since_2016")["eur_million"] / 1000,
    "eu_2025_2027_bn": lambda: envelope("eu_2025_2027")["eur_million"] / 1000,
    "headline_m": lambda: headline() / 1_000_000,
    # timeline
    "order_events": lambda: event_order(ORDER_EVENTS),
}
