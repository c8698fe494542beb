"""Chapter 0. Introduction: the timeline of EU–Türkiye security relations."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..charts import colour_scale, figure, shape_scale
from ..data import cached, load, source_line
from ..explorer import Choice, Explorer

THEMES = ["security", "diplomacy", "accession", "migration", "energy", "crisis"]
#: Periods a reader can pick, as (label, first year, last year).
PERIODS = [
    ("All years", 1952, 2026),
    ("Cold War and candidacy, 1952–1999", 1952, 1999),
    ("Talks open and stall, 2000–2015", 2000, 2015),
    ("Estrangement, 2016–2021", 2016, 2021),
    ("War and courtship, 2022–2026", 2022, 2026),
]


@cached
def timeline() -> pd.DataFrame:
    """The timeline with a plotting date (``when``) for events dated to a month or year only."""
    events = load("timeline")
    padded = events["date"].str.pad(10, side="right", fillchar="-").str.replace(r"-(?=-|$)", "-01", regex=True)
    when = pd.to_datetime(events["date"].where(events["date"].str.len() == 10, padded.str[:10]), format="%Y-%m-%d")
    events["when"] = when
    events["decade"] = (events["year"] // 10 * 10).astype(int)
    return events.sort_values("when", kind="stable").reset_index(drop=True)


def filter_events(theme: str = "all", period: str = PERIODS[0][0]) -> pd.DataFrame:
    """Events of one theme (or ``"all"``) within a named period. Unknown values fall back to all."""
    events = timeline()
    first, last = next(((a, b) for label, a, b in PERIODS if label == period), (PERIODS[0][1], PERIODS[0][2]))
    keep = events["year"].between(first, last)
    if theme in THEMES:
        keep &= events["theme"] == theme
    return events[keep].reset_index(drop=True)


def counts_by_decade(events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Number of events per decade and theme (zeros included)."""
    events = timeline() if events is None else events
    table = events.groupby(["decade", "theme"]).size().unstack(fill_value=0)
    table = table.reindex(columns=THEMES, fill_value=0)
    return table


def _view(frame: pd.DataFrame, values: dict | None) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_point(filled=True, size=110, opacity=0.9)
        .encode(
            x=alt.X("when:T", title="Date", axis=alt.Axis(format="%Y", labelOverlap=True)),
            y=alt.Y("theme:N", title="Theme", sort=THEMES, scale=alt.Scale(domain=THEMES)),
            color=alt.Color("theme:N", scale=colour_scale(THEMES), legend=alt.Legend(title="Theme")),
            shape=alt.Shape("theme:N", scale=shape_scale(THEMES), legend=None),
            tooltip=[alt.Tooltip("date:N", title="Date"), alt.Tooltip("title:N", title="Event"),
                     alt.Tooltip("description:N", title="What happened"), alt.Tooltip("theme:N", title="Theme")],
        )
        .properties(width=620, height=260)
    )


def _summary(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "No events match this choice."
    return f"{len(frame)} events shown, from {frame['date'].iloc[0]} to {frame['date'].iloc[-1]}."


def explorer() -> Explorer:
    events = timeline()
    return Explorer(
        title="Seventy years of EU–Türkiye security relations, by theme",
        description=("Timeline of dated events from 1952 to 2026, one row of points per theme (security, diplomacy, "
                     "accession, migration, energy, crisis). Choose a theme and a period to filter; hover over or "
                     "focus a point to read the event. Accession events cluster between 1987 and 2018, while "
                     "security and diplomacy events crowd the years after 2022."),
        controls=[
            Choice("theme", "Theme", ["all", *THEMES], labels=["All themes", *[t.capitalize() for t in THEMES]]),
            Choice("period", "Period", [p[0] for p in PERIODS]),
        ],
        model=lambda theme, period: filter_events(theme, period),
        view=_view,
        source=source_line(events),
        summary=_summary,
    )


def decade_figure():
    table = counts_by_decade().reset_index().melt(id_vars="decade", var_name="theme", value_name="events")
    table["decade"] = table["decade"].astype(str) + "s"
    busiest = table.groupby("decade")["events"].sum().idxmax()
    chart = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("decade:O", title="Decade"),
            y=alt.Y("events:Q", title="Events in the course timeline", stack=True),
            color=alt.Color("theme:N", scale=colour_scale(THEMES), sort=THEMES, legend=alt.Legend(title="Theme")),
            order=alt.Order("theme:N"),
            tooltip=["decade:N", "theme:N", "events:Q"],
        )
        .properties(width=520, height=260)
    )
    counts = table.groupby("decade")["events"].sum()
    text = "; ".join(f"{d}: {n}" for d, n in counts.items())
    return figure(chart, title=f"The {busiest} crowd the timeline with security and diplomacy",
                  description=f"Stacked bars of timeline events per decade, split by theme. Totals per decade: {text}.",
                  data=load("timeline"))


# -- facts: what the content file's answers and texts name -------------------------------------------

NORDIC_EVENTS = ("Sweden joins NATO", "Turkish parliament ratifies Sweden", "Finland joins NATO",
                 "Russia's full-scale invasion of Ukraine")


def order_of(titles=NORDIC_EVENTS) -> list[str]:
    """Timeline titles sorted by their date."""
    tl = timeline().set_index("title")
    return sorted(titles, key=lambda t: tl.loc[t, "when"])


def pace(first: int, last: int, themes=("security", "diplomacy")) -> float:
    """Events of the given themes per year between two years (inclusive)."""
    tl = timeline()
    n = int((tl["year"].between(first, last) & tl["theme"].isin(themes)).sum())
    return n / (last - first + 1)


def _events(first: int, last: int, themes=("security", "diplomacy")) -> int:
    tl = timeline()
    return int((tl["year"].between(first, last) & tl["theme"].isin(themes)).sum())


def year_of(title: str) -> int:
    """The year of a timeline event, by its title."""
    return int(timeline().set_index("title").loc[title, "year"])


FACTS = {
    "all_events": lambda: len(timeline()),
    "migration_events": lambda: int((timeline()["theme"] == "migration").sum()),
    "nordic_order": order_of,
    "pace_late": lambda: pace(2022, 2025),
    "pace_early": lambda: pace(2016, 2021),
    "pace_ratio": lambda: pace(2022, 2025) / pace(2016, 2021),
    "pace_ratio_inverse": lambda: pace(2016, 2021) / pace(2022, 2025),
    "count_ratio": lambda: _events(2022, 2025) / _events(2016, 2021),
    "nato_year": lambda: year_of("Türkiye and Greece join NATO"),
    "customs_union_year": lambda: year_of("Customs union takes effect"),
    "candidate_year": lambda: year_of("Candidate status at Helsinki"),
    "talks_year": lambda: year_of("Accession negotiations open"),
    "statement_year": lambda: year_of("EU-Turkey Statement"),
}


def timeline_table():
    """Every event with its date, theme and a link to its source, as an HTML table (all text escaped)."""
    import html

    from IPython.display import HTML

    events = timeline()
    by_id = {s["id"]: s for s in events.attrs["sources"]}
    rows = []
    for _, e in events.iterrows():
        src = by_id[e["source"]]
        rows.append(
            f"<tr><td>{html.escape(e['date'])}</td><td>{html.escape(e['title'])}</td>"
            f"<td>{html.escape(e['theme'])}</td><td>{html.escape(e['description'])}</td>"
            f"<td><a href=\"{html.escape(src['path'])}\">{html.escape(src['publisher'])}</a></td></tr>")
    return HTML('<table class="table ck-timeline"><caption>Events in the course timeline, with their sources '
                f'({len(events)} events)</caption><thead><tr><th scope="col">Date</th><th scope="col">Event</th>'
                '<th scope="col">Theme</th><th scope="col">What happened</th><th scope="col">Source</th></tr>'
                "</thead><tbody>" + "".join(rows) + "</tbody></table>")
