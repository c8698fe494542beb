"""Chapter 0. Introduction: the timeline of EU–Türkiye security relations."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..charts import colour_scale, figure, shape_scale
from ..data import load, source_line
from ..exercises import ChoiceExercise, NumberExercise, TextExercise, register
from ..explorer import Choice, Explorer
from ..quiz import MultipleChoice, Numeric, Option, Quiz

THEMES = ["security", "diplomacy", "accession", "migration", "energy", "crisis"]
#: Periods a reader can pick, as (label, first year, last year).
PERIODS = [
    ("All years", 1952, 2026),
    ("Cold War and candidacy, 1952–1999", 1952, 1999),
    ("Talks open and stall, 2000–2015", 2000, 2015),
    ("Estrangement, 2016–2021", 2016, 2021),
    ("War and courtship, 2022–2026", 2022, 2026),
]


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


# -- exercises -------------------------------------------------------------

def _count(theme: str) -> int:
    return int((timeline()["theme"] == theme).sum())


def _busiest_decade(theme: str) -> str:
    counts = counts_by_decade()[theme]
    return f"{int(counts.idxmax())}s"


ORDER_EVENTS = {
    "A": "Sweden joins NATO",
    "B": "Turkish parliament ratifies Sweden",
    "C": "Finland joins NATO",
    "D": "Russia's full-scale invasion of Ukraine",
}


def order_of(events: dict[str, str] = ORDER_EVENTS) -> str:
    """Letters of ``events`` sorted by their date in the timeline."""
    tl = timeline().set_index("title")
    return "".join(sorted(events, key=lambda k: tl.loc[events[k], "when"]))


def pace(first: int, last: int, themes=("security", "diplomacy")) -> float:
    """Events of the given themes per year between two years (inclusive)."""
    tl = timeline()
    n = int((tl["year"].between(first, last) & tl["theme"].isin(themes)).sum())
    return n / (last - first + 1)


register(
    NumberExercise("ch0-events-total", expected=lambda: len(timeline()), unit="events",
                   hint="len() of the table gives its number of rows.",
                   explanation="Each row of the dataset is one event."),
    NumberExercise("ch0-migration-events", expected=lambda: _count("migration"), unit="events",
                   hint="Filter the rows whose theme is 'migration', then count them.",
                   near=[(lambda: len(timeline()), "That is every event in the timeline; keep only the migration theme.")]),
    TextExercise("ch0-accession-decade", accepted=lambda: [_busiest_decade("accession"),
                                                              _busiest_decade("accession").rstrip("s")],
                 hint="Use counts_by_decade() and look down the 'accession' column.",
                 explanation="Candidacy, the opening of talks and the freezing of chapters all fall in it."),
    TextExercise("ch0-order", accepted=lambda: [order_of()],
                 hint="Find each title in the timeline and compare the dates. Write the four letters with no spaces.",
                 explanation="The war came first; Finland joined in 2023, and Sweden only after Ankara's ratification."),
    NumberExercise("ch0-pace-ratio", expected=lambda: pace(2022, 2025) / pace(2016, 2021), rel_tol=0.02,
                   unit="times", hint="Count events per year in each period, then divide the later rate by the earlier.",
                   near=[(lambda: pace(2016, 2021) / pace(2022, 2025),
                          "You divided the earlier rate by the later one; the question asks how many times faster.")]),
    ChoiceExercise("ch0-pace-claim", options={
        "a": "The data prove that relations improved after 2022.",
        "b": "The data are consistent with a faster pace of security contacts after 2022, but a count of events "
             "chosen by the course authors cannot measure how close the relationship is.",
        "c": "The data show no change in pace.",
    }, correct="b", feedback={
        "a": "A count of events shows activity, not its quality: several post-2022 events are disputes, such as the SAFE veto.",
        "b": "Yes: the rate rises, but the timeline is a selection, and activity is not the same as agreement.",
        "c": "Compare the two rates you computed: they differ.",
    }, hint="Think about what the timeline is: a list chosen by people, not a census of contacts."),
)


def _year(title: str) -> int:
    return int(timeline().set_index("title").loc[title, "year"])


def quiz() -> Quiz:
    return Quiz("ch0", [
        Numeric("In which year did Türkiye join NATO?", _year("Türkiye and Greece join NATO"), 0, "",
                "Türkiye and Greece joined together, in the alliance's first enlargement."),
        MultipleChoice("Which came first?", [
            Option("Candidate status at the Helsinki summit", True,
                   f"Helsinki ({_year('Candidate status at Helsinki')}) came before talks opened "
                   f"({_year('Accession negotiations open')})."),
            Option("The opening of accession negotiations", False,
                   f"Talks opened in {_year('Accession negotiations open')}, after candidacy was granted."),
            Option("Both happened in the same year", False,
                   f"{_year('Accession negotiations open') - _year('Candidate status at Helsinki')} years separate "
                   "them: candidacy first, then the opening of talks."),
        ]),
        Numeric("In which year did the EU–Turkey Statement on migration come into effect?",
                _year("EU-Turkey Statement"), 0, "", "It was agreed on 18 March 2016, after the 2015 Aegean crisis."),
        MultipleChoice("What does 'co-responsibility' in the course's introduction refer to?", [
            Option("Poland's prime minister asking Türkiye to share responsibility for peace in Ukraine", True,
                   "Donald Tusk used the word in Ankara in March 2025."),
            Option("A clause of the 1963 Ankara Agreement", False, "The Ankara Agreement is about association and trade."),
            Option("A NATO summit declaration", False, "The word came from a bilateral visit, not a NATO text."),
        ]),
        MultipleChoice("Which statement about the course's data is right?", [
            Option("Every row of every dataset names its source", True,
                   "Each CSV has a source column pointing to publisher, title, URL and date seen."),
            Option("The timeline is a complete list of all EU–Türkiye contacts", False,
                   "It is a selection of key events, chosen by the course authors."),
            Option("Charts fetch their numbers live from the publishers", False,
                   "Everything is stored in data/ so the course works offline."),
        ]),
    ], title="Self-check quiz: Chapter 0")


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
