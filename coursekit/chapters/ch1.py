"""Chapter 1. The Russian threat returns: war in Ukraine and Europe's rearmament.

Data helpers and pure models over NATO's defence-expenditure figures, the
chapter's figures, its explorer, exercises and quiz.

NATO revises past years in every release, and the course dataset mixes
several releases (each row names its own). Every function here therefore
works on ONE release at a time and says which; where a release does not give
a figure for an ally, the value is missing, never zero.
"""

from __future__ import annotations

import math
import numbers
from functools import lru_cache

import altair as alt
import pandas as pd

from ..charts import DASHES, MARKS, PALETTE, figure, shape_scale
from ..data import load, source_line
from ..exercises import ChoiceExercise, NumberExercise, SetExercise, register
from ..explorer import Choice, Explorer
from ..quiz import MultipleChoice, Numeric, Option, Quiz

# -- constants -----------------------------------------------------------------------------

#: Human names of the NATO publications the rows come from (see the dataset's ``release`` column).
RELEASES = {
    "2019-11": "November 2019 release",
    "2021-03": "March 2021 release",
    "2021-06": "June 2021 release",
    "2022-06": "June 2022 release",
    "2023-03": "Annual Report 2022 (Mar 2023)",
    "2023-07": "July 2023 release",
    "2024-03": "Annual Report 2023 (Mar 2024)",
    "2024-06": "June 2024 release",
    "2025-04": "Annual Report 2024 (Apr 2025)",
    "2025-08": "August 2025 release",
}
SHORT_RELEASES = {
    "2019-11": "Nov 19", "2021-03": "Mar 21", "2021-06": "Jun 21", "2022-06": "Jun 22", "2023-03": "Mar 23",
    "2023-07": "Jul 23", "2024-03": "Mar 24", "2024-06": "Jun 24", "2025-04": "Apr 25", "2025-08": "Aug 25",
}
#: The (year, release) pairs the explorer offers: for each year, the releases that report it best.
VIEWS = [(2014, "2024-06"), (2019, "2019-11"), (2020, "2021-03"), (2021, "2021-06"), (2022, "2022-06"),
         (2023, "2023-07"), (2023, "2024-03"), (2024, "2024-06"), (2024, "2025-04"), (2025, "2025-08")]
#: The release that gives 2014 and 2024 for every ally with armed forces: the default for comparisons.
BASE_RELEASE = "2024-06"

NORTH_AMERICA = ("Canada", "United States")
#: The course's regional groups (a teaching device, not NATO's own categories).
GROUPS = {
    "all": ("All allies", None),
    "frontline": ("Frontline: allies bordering Russia, Belarus or Ukraine",
                  ("Estonia", "Finland", "Hungary", "Latvia", "Lithuania", "Norway", "Poland", "Romania", "Slovakia")),
    "south": ("Southern Europe and the western Balkans",
              ("Albania", "Bulgaria", "Croatia", "Greece", "Italy", "Montenegro", "North Macedonia", "Portugal",
               "Slovenia", "Spain")),
    "west": ("Western, central and northern Europe",
             ("Belgium", "Czechia", "Denmark", "France", "Germany", "Luxembourg", "Netherlands", "Sweden",
              "United Kingdom")),
    "north_america": ("North America", NORTH_AMERICA),
}
REFERENCE = "Türkiye"  # shown in every group for comparison
STATUS = ["at or above the line", "below the line", "no figure in this release"]
SHORT_LINES = {2.0: "2% Wales", 3.5: "3.5% core", 5.0: "5% total"}
STATUS_COLOURS = [PALETTE[0], PALETTE[1], "#8c8c8c"]
AXIS_PCT = "Defence expenditure (% of GDP, NATO definition)"


# -- data helpers ----------------------------------------------------------------------------

def spending() -> pd.DataFrame:
    """All rows of ``nato_defence_spending`` (every release), with provenance in ``.attrs``."""
    return load("nato_defence_spending")


@lru_cache(maxsize=1)
def _allies() -> tuple[str, ...]:
    return tuple(sorted(spending()["country"].unique()))


@lru_cache(maxsize=1)
def _lookup() -> dict:
    """(year, release) -> {ally: (share, source)}: built once, so the explorer's grid stays fast."""
    out: dict = {}
    for row in spending().itertuples(index=False):
        out.setdefault((int(row.year), row.release), {})[row.country] = (float(row.pct_gdp), row.source)
    return out


@lru_cache(maxsize=1)
def _releases() -> tuple[str, ...]:
    return tuple(sorted({r for _, r in _lookup()}))


def allies() -> list[str]:
    """The 31 allies with armed forces that appear in the dataset (Iceland has none and is not listed)."""
    return list(_allies())


def european_allies() -> list[str]:
    """Every ally except the United States and Canada."""
    return [a for a in allies() if a not in NORTH_AMERICA]


def guidelines() -> pd.DataFrame:
    """NATO's summit commitments (Wales 2014, The Hague 2025) as shares of GDP."""
    return load("nato_spending_guidelines")


def guideline(key: str) -> float:
    """The share of GDP of one commitment component, e.g. ``'wales-2pct'`` or ``'hague-core'``."""
    table = guidelines().set_index("id")
    if not isinstance(key, str) or key not in table.index:
        raise ValueError(f"unknown guideline {key!r}; known: {', '.join(table.index)}")
    return float(table.loc[key, "pct_gdp"])


@lru_cache(maxsize=1)
def _lines() -> tuple:
    return ((guideline("wales-2pct"), "2% (Wales 2014)"),
            (guideline("hague-core"), "3.5% core (The Hague 2025)"),
            (guideline("hague-total"), "5% total (The Hague 2025)"))


def lines() -> dict[float, str]:
    """The three lines of the chapter: 2% (Wales), 3.5% core and 5% total (The Hague), from the data."""
    return dict(_lines())


def _check_release(release) -> str:
    if not isinstance(release, str):
        raise TypeError(f"release must be text such as '2024-06', not {type(release).__name__}")
    known = _releases()
    if release not in known:
        raise ValueError(f"unknown release {release!r}; the dataset has: {', '.join(known)}")
    return release


def _check_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        raise TypeError(f"year must be a whole number such as 2024, not {year!r}")
    return int(year)


def _check_country(country) -> str:
    if not isinstance(country, str):
        raise TypeError(f"country must be text such as 'Poland', not {type(country).__name__}")
    if country not in _allies():
        raise ValueError(f"unknown ally {country!r}; known: {', '.join(_allies())}")
    return country


def _check_share(value, name="line") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number of percent, such as 3.5, not {value!r}")
    value = float(value)
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise ValueError(f"{name} must be a percentage between 0 and 100, not {value}")
    return value


def snapshot(year: int = 2024, release: str = BASE_RELEASE) -> pd.DataFrame:
    """One year as one release gives it: a row per ally (all 31), ``pct_gdp`` missing where not reported."""
    year, release = _check_year(year), _check_release(release)
    rows = _lookup().get((year, release))
    if not rows:
        have = sorted(y for y, r in _lookup() if r == release)
        raise ValueError(f"release {release} gives no figure for {year}; it covers {', '.join(map(str, have))}")
    names = allies()
    out = pd.DataFrame({"country": names,
                        "pct_gdp": [rows[c][0] if c in rows else float("nan") for c in names],
                        "source": [rows[c][1] if c in rows else None for c in names]})
    out["reported"] = out["pct_gdp"].notna()
    out = out[["country", "pct_gdp", "reported", "source"]]
    out.attrs = _attrs()
    return out


@lru_cache(maxsize=1)
def _attrs_cached() -> tuple:
    return (spending().attrs,)


def _attrs() -> dict:
    attrs = _attrs_cached()[0]
    return {k: (list(v) if isinstance(v, list) else v) for k, v in attrs.items()}


def _members(group: str) -> list[str]:
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}; known: {', '.join(GROUPS)}")
    names = GROUPS[group][1]
    return allies() if names is None else list(names)


def meeting(year: int = 2024, release: str = BASE_RELEASE, line: float = 2.0, group: str = "all") -> list[str]:
    """Allies of ``group`` whose share in ``release`` for ``year`` is at or above ``line`` (percent of GDP)."""
    line = _check_share(line)
    snap = snapshot(year, release)
    snap = snap[snap["country"].isin(_members(group))]
    return sorted(snap.loc[snap["pct_gdp"] >= line, "country"])


def coverage(year: int = 2024, release: str = BASE_RELEASE, line: float = 2.0, group: str = "all") -> dict:
    """How many allies of ``group`` meet ``line``, how many have a figure, and how many are missing."""
    line = _check_share(line)
    members = _members(group)
    snapshot(year, release)  # validates the year and release
    rows = _lookup()[(int(year), release)]
    values = [rows[c][0] for c in members if c in rows]
    return {"meet": sum(v >= line for v in values), "reported": len(values),
            "missing": len(members) - len(values), "members": len(members)}


def share(country: str, year: int, release: str = BASE_RELEASE) -> float:
    """One ally's share of GDP in one release; ``ValueError`` if that release gives none."""
    country = _check_country(country)
    snap = snapshot(year, release).set_index("country")
    value = snap.loc[country, "pct_gdp"]
    if pd.isna(value):
        raise ValueError(f"release {release} gives no figure for {country} in {year}")
    return float(value)


def change(country: str, start: int = 2014, end: int = 2024, release: str = BASE_RELEASE,
           kind: str = "percent") -> float:
    """Change of an ally's share of GDP between two years of ONE release.

    ``kind``: ``"percent"`` (relative change, %), ``"ratio"`` (end / start) or ``"points"`` (end minus start).
    """
    if kind not in ("percent", "ratio", "points"):
        raise ValueError(f"kind must be 'percent', 'ratio' or 'points', not {kind!r}")
    first, last = share(country, start, release), share(country, end, release)
    if kind == "points":
        return last - first
    if first == 0:
        raise ValueError(f"{country} has a zero share in {start}; a relative change is undefined")
    return last / first if kind == "ratio" else (last / first - 1) * 100


def growth_table(countries=("Türkiye", "Poland", "Germany"), start: int = 2014, end: int = 2024,
                 release: str = BASE_RELEASE) -> pd.DataFrame:
    """Share of GDP in two years of one release, with the change in points and percent."""
    rows = [{"country": c, f"share_{start}": share(c, start, release), f"share_{end}": share(c, end, release),
             "change_points": round(change(c, start, end, release, "points"), 2),
             "change_percent": round(change(c, start, end, release, "percent"), 1)} for c in countries]
    return pd.DataFrame(rows)


def ratios(start: int = 2014, end: int = 2024, release: str = BASE_RELEASE, european: bool = True) -> pd.DataFrame:
    """End-year share over start-year share for every ally with both figures in one release."""
    a, b = snapshot(start, release).set_index("country"), snapshot(end, release).set_index("country")
    table = pd.DataFrame({"start": a["pct_gdp"], "end": b["pct_gdp"]}).dropna()
    if european:
        table = table.drop(index=[c for c in NORTH_AMERICA if c in table.index])
    table["ratio"] = table["end"] / table["start"]
    return table.sort_values("ratio", ascending=False).reset_index()


def doubled(start: int = 2014, end: int = 2024, release: str = BASE_RELEASE, european: bool = True) -> list[str]:
    """Allies whose share of GDP at least doubled between two years of one release."""
    table = ratios(start, end, release, european)
    return sorted(table.loc[table["ratio"] >= 2, "country"])


def group_shares() -> pd.DataFrame:
    """Shares of GDP for groups of allies (European allies and Canada; all allies), August 2025 release."""
    return load("nato_spending_aggregates")


def usd(country: str, year: int, release: str) -> float:
    """Defence spending in million current US dollars for one ally, year and release."""
    country, year = _check_country(country), _check_year(year)
    table = load("nato_defence_spending_usd")
    row = table[(table["country"] == country) & (table["year"] == year) & (table["release"] == release)]
    if row.empty:
        raise ValueError(f"no current-dollar figure for {country} in {year} from release {release!r}")
    return float(row["usd_million"].iloc[0])


def nominal_vs_share(country: str = "Türkiye") -> pd.DataFrame:
    """Every current-dollar and share-of-GDP figure the data hold for one ally, release by release."""
    country = _check_country(country)
    money = load("nato_defence_spending_usd")
    money = money[money["country"] == country][["year", "release", "usd_million"]]
    pct = spending()
    pct = pct[pct["country"] == country][["year", "release", "pct_gdp"]]
    table = money.merge(pct, on=["year", "release"], how="outer").sort_values(["year", "release"])
    table["usd_billion"] = (table["usd_million"] / 1000).round(1)
    table["release"] = table["release"].map(RELEASES)
    return table[["year", "release", "usd_billion", "pct_gdp"]].reset_index(drop=True)


def gdp(country: str = "Türkiye", year: int = 2024, source: str = "hurriyet-2025-02-turkstat") -> float:
    """GDP in billion current US dollars from one named source (vintages differ; see ``gdp_nominal``)."""
    table = load("gdp_nominal")
    row = table[(table["country"] == country) & (table["year"] == year) & (table["source"] == source)]
    if row.empty:
        have = table[(table["country"] == country) & (table["year"] == year)]["source"].tolist()
        raise ValueError(f"no GDP for {country!r} in {year!r} from {source!r}; available sources: {have or 'none'}")
    return float(row["gdp_usd_bn"].iloc[0])


def cost_at_share(gdp_billion: float, share_pct: float) -> float:
    """Spending in billion US dollars that ``share_pct`` percent of a GDP of ``gdp_billion`` would mean."""
    share_pct = _check_share(share_pct, "share_pct")
    if isinstance(gdp_billion, bool) or not isinstance(gdp_billion, numbers.Real):
        raise TypeError(f"gdp_billion must be a number, not {gdp_billion!r}")
    gdp_billion = float(gdp_billion)
    if not math.isfinite(gdp_billion) or gdp_billion < 0:
        raise ValueError(f"gdp_billion must be a non-negative number, not {gdp_billion}")
    return gdp_billion * share_pct / 100


def turkiye_at(share_pct: float = 3.5, year: int = 2024, gdp_source: str = "hurriyet-2025-02-turkstat") -> dict:
    """What Türkiye would spend at ``share_pct`` of its GDP, next to what NATO's June 2024 release estimated."""
    size = gdp("Türkiye", year, gdp_source)
    target = cost_at_share(size, share_pct)
    actual = usd("Türkiye", 2024, "2024-06") / 1000
    return {"gdp_billion": size, "share_pct": float(share_pct), "spending_billion": round(target, 2),
            "nato_2024_estimate_billion": round(actual, 2), "times_2024_estimate": round(target / actual, 2)}


def revisions(country: str = "Türkiye") -> pd.DataFrame:
    """The same ally's share of GDP as each release gives it: rows are years, columns releases."""
    country = _check_country(country)
    rows = spending()
    rows = rows[rows["country"] == country]
    table = rows.pivot(index="year", columns="release", values="pct_gdp")
    return table.rename(columns=RELEASES)


# -- the explorer model ----------------------------------------------------------------------

def view_key(year: int, release: str) -> str:
    return f"{year}|{release}"


def view_label(year: int, release: str) -> str:
    n = int(snapshot(year, release)["reported"].sum())
    return f"{year}: {RELEASES[release]} ({n} of {len(allies())} allies reported)"


def _parse_view(view) -> tuple[int, str]:
    keys = {view_key(y, r): (y, r) for y, r in VIEWS}
    return keys.get(view, VIEWS[-3]) if isinstance(view, str) else VIEWS[-3]


def _line_value(line) -> float:
    options = list(lines())
    try:
        value = float(line)
    except (TypeError, ValueError):
        return options[0]
    if math.isnan(value):
        return options[0]
    return min(options, key=lambda o: abs(o - value))


@lru_cache(maxsize=64)
def _count_rows(group: str, line: float) -> tuple:
    rows = []
    for i, (y, r) in enumerate(VIEWS):
        c = coverage(y, r, line, group)
        rows.append({"kind": "count", "period": f"{y} ({SHORT_RELEASES[r]})", "order": i, "view": view_key(y, r),
                     "n_meet": c["meet"], "n_reported": c["reported"], "members": c["members"],
                     "count_label": f"{c['meet']}/{c['reported']}"})
    return tuple(rows)


def compare(view: str = "2024|2024-06", group: str = "all", line: float = 2.0) -> pd.DataFrame:
    """The explorer's model: one release-year, one group of allies, one line.

    Returns rows of four kinds: ``ally`` (each ally's share and whether it meets the line, missing shown as
    missing), ``count`` (for every year the explorer offers: allies of the group at or above the line and
    allies with a figure), ``line`` (the three NATO lines, the chosen one flagged) and ``summary`` (one
    sentence). Unknown inputs fall back to the defaults; it never raises for a control value.
    """
    year, release = _parse_view(view)
    group = group if isinstance(group, str) and group in GROUPS else "all"
    line = _line_value(line)
    members = _members(group)
    values = _lookup()[(year, release)]
    shown = [c for c in allies() if c in members or c == REFERENCE]
    ranked = sorted((c for c in shown if c in values), key=lambda c: -values[c][0])
    rows = []
    for c in shown:
        in_group = c in members
        v = values[c][0] if c in values else None
        status = STATUS[2] if v is None else STATUS[0] if v >= line else STATUS[1]
        order = (ranked.index(c) + 1 if v is not None else len(shown) + 1) + (0 if in_group else 100)
        rows.append({"kind": "ally", "ally": c if in_group else f"{c} (comparison)", "country": c,
                     "x": 0.0 if v is None else v, "status": status,
                     "value_label": "no figure" if v is None else f"{v:.2f}%", "order": order})
    key = view_key(year, release)
    rows += [dict(r, selected=r["view"] == key) for r in _count_rows(group, line)]
    rows += [{"kind": "line", "line_value": v, "line_label": SHORT_LINES.get(v, label), "selected": v == line}
             for v, label in lines().items()]
    c = coverage(year, release, line, group)
    rows.append({"kind": "summary",
                 "summary": (f"{year}, {RELEASES[release]}: {c['meet']} of the {c['reported']} allies with a figure "
                             f"are at or above {line:g}% of GDP.\n{c['missing']} of the {c['members']} allies in this "
                             f"group have no figure in this release.")})
    return pd.DataFrame(rows)


def _summary(frame: pd.DataFrame) -> str:
    rows = frame.loc[frame["kind"] == "summary", "summary"]
    return rows.iloc[0].replace("\n", " ") if len(rows) else ""


def _view(frame: pd.DataFrame, values: dict | None) -> alt.TopLevelMixin:
    # JSON has no NaN. Each row kind uses its own columns, so fill the others with inert placeholders
    # (the layers filter on ``kind`` and never read them); this keeps the data a plain, fast DataFrame.
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].isna().any():
            numeric = pd.api.types.is_numeric_dtype(frame[col].dropna().infer_objects())
            filler = False if col == "selected" else 0 if numeric else ""
            frame[col] = frame[col].astype(object).where(frame[col].notna(), filler).infer_objects()
    status_colour = alt.Color("status:N", title="Status", scale=alt.Scale(domain=STATUS, range=STATUS_COLOURS),
                              legend=alt.Legend(labelLimit=300))
    status_shape = alt.Shape("status:N", scale=shape_scale(STATUS), legend=None)
    ally = alt.Chart().transform_filter("datum.kind == 'ally'")
    y = alt.Y("ally:N", title=None, sort=alt.EncodingSortField("order", op="min"), axis=alt.Axis(labelLimit=220))
    x = alt.X("x:Q", title=AXIS_PCT, scale=alt.Scale(domain=[0, 5.5], clamp=True))
    tooltip = [alt.Tooltip("country:N", title="Ally"), alt.Tooltip("value_label:N", title="Share of GDP"),
               alt.Tooltip("status:N", title="Status")]
    bars = ally.mark_bar(height={"band": 0.7}, opacity=0.85).encode(x=x, y=y, color=status_colour, tooltip=tooltip)
    dots = ally.mark_point(filled=True, size=70).encode(x=x, y=y, color=status_colour, shape=status_shape,
                                                        tooltip=tooltip)
    labels = ally.mark_text(align="left", dx=7, fontSize=11).encode(x=x, y=y, text="value_label:N")
    rule_base = alt.Chart().transform_filter("datum.kind == 'line'")
    rules = rule_base.mark_rule().encode(
        x=alt.X("line_value:Q"),
        strokeWidth=alt.condition("datum.selected", alt.value(2.5), alt.value(1)),
        strokeDash=alt.condition("datum.selected", alt.value([1, 0]), alt.value(DASHES[1])),
        color=alt.condition("datum.selected", alt.value("#1a1a1a"), alt.value("#999999")))
    rule_text = rule_base.mark_text(align="left", dx=3, dy=-4, fontSize=10, baseline="bottom").encode(
        x=alt.X("line_value:Q"), y=alt.value(0), text="line_label:N",
        color=alt.condition("datum.selected", alt.value("#1a1a1a"), alt.value("#777777")))
    panel_allies = alt.layer(rules, bars, dots, labels, rule_text).properties(
        width=520, height=alt.Step(17))

    count = alt.Chart().transform_filter("datum.kind == 'count'")
    xp = alt.X("period:N", title="Year (NATO release)", sort=alt.EncodingSortField("order", op="min"),
               axis=alt.Axis(labelAngle=-40))
    reported = count.mark_bar(color="#cfcfcf", size=26).encode(
        x=xp, y=alt.Y("n_reported:Q", title="Allies in the group"),
        tooltip=[alt.Tooltip("period:N", title="Year (release)"),
                 alt.Tooltip("n_reported:Q", title="Allies with a figure"),
                 alt.Tooltip("n_meet:Q", title="At or above the line"), alt.Tooltip("members:Q", title="Allies in group")])
    met = count.mark_bar(color=PALETTE[0], size=14).encode(
        x=xp, y="n_meet:Q",
        stroke=alt.condition("datum.selected", alt.value("#000000"), alt.value(None)),
        strokeWidth=alt.condition("datum.selected", alt.value(2), alt.value(0)),
        tooltip=[alt.Tooltip("period:N", title="Year (release)"),
                 alt.Tooltip("n_meet:Q", title="At or above the line"),
                 alt.Tooltip("n_reported:Q", title="Allies with a figure")])
    count_text = count.mark_text(dy=-6, fontSize=10, baseline="bottom").encode(
        x=xp, y="n_reported:Q", text="count_label:N",
        color=alt.condition("datum.selected", alt.value("#000000"), alt.value("#666666")))
    panel_counts = alt.layer(reported, met, count_text).properties(
        width=520, height=170,
        title=alt.TitleParams("Allies at or above the chosen line (blue, narrow) out of allies with a figure "
                              "(grey, wide); label = meet/reported", fontSize=12, fontWeight="normal"))
    summary = alt.Chart().transform_filter("datum.kind == 'summary'").mark_text(
        align="left", baseline="top", fontSize=12, fontWeight="bold", lineBreak="\n", lineHeight=16).encode(
        x=alt.value(0), y=alt.value(0), text="summary:N").properties(width=520, height=32)
    return alt.vconcat(summary, panel_allies, panel_counts, data=frame, spacing=14).resolve_scale(color="independent")


def explorer() -> Explorer:
    frame = spending()
    frame = frame[[(int(y), r) in VIEWS for y, r in zip(frame["year"], frame["release"], strict=True)]]
    views = [view_key(y, r) for y, r in VIEWS]
    return Explorer(
        title="Who meets NATO's lines? Defence spending by ally, year and NATO release",
        description=("Horizontal bars give each ally's defence expenditure as a share of GDP for the chosen year, as one "
                     "NATO release reports it; allies without a figure in that release are listed with 'no figure', "
                     "not drawn as zero. Vertical lines mark the 2% Wales guideline and The Hague's 3.5% core and "
                     "5% total targets; the chosen line is solid. Türkiye is always shown for comparison. The lower "
                     "panel counts, for every year on offer, the allies of the group at or above the chosen line "
                     "(narrow blue bar) against those with a figure (wide grey bar)."),
        controls=[
            Choice("view", "Year and NATO release", views, default=view_key(2024, "2024-06"),
                   labels=[view_label(y, r) for y, r in VIEWS]),
            Choice("group", "Allies", list(GROUPS), labels=[g[0] for g in GROUPS.values()]),
            Choice("line", "Line", list(lines()), labels=list(lines().values()), radio=True),
        ],
        model=compare,
        view=_view,
        source=source_line(frame, guidelines()),
        summary=_summary,
    )


# -- figures ---------------------------------------------------------------------------------

def spending_figure():
    """2014 against 2024 for every ally, June 2024 release (the only release here that gives both for all)."""
    a, b = snapshot(2014, BASE_RELEASE), snapshot(2024, BASE_RELEASE)
    wide = a[["country", "pct_gdp"]].rename(columns={"pct_gdp": "y2014"}).merge(
        b[["country", "pct_gdp"]].rename(columns={"pct_gdp": "y2024"}), on="country")
    long = wide.melt(id_vars="country", var_name="year", value_name="pct_gdp")
    long["year"] = long["year"].str[1:]
    order = wide.sort_values("y2024", ascending=False)["country"].tolist()
    y = alt.Y("country:N", sort=order, title=None)
    line2 = guideline("wales-2pct")
    base = alt.Chart(long)
    span = alt.Chart(wide).mark_rule(color="#b0b0b0").encode(x=alt.X("y2014:Q"), x2="y2024:Q", y=y)
    dots = base.mark_point(filled=True, size=70).encode(
        x=alt.X("pct_gdp:Q", title=AXIS_PCT, scale=alt.Scale(domain=[0, 4.5])), y=y,
        color=alt.Color("year:N", title="Year", scale=alt.Scale(domain=["2014", "2024"], range=[PALETTE[1], PALETTE[0]])),
        shape=alt.Shape("year:N", title="Year", scale=alt.Scale(domain=["2014", "2024"], range=MARKS[:2])),
        tooltip=[alt.Tooltip("country:N", title="Ally"), alt.Tooltip("year:N", title="Year"),
                 alt.Tooltip("pct_gdp:Q", title="% of GDP", format=".2f")])
    rule = alt.Chart(pd.DataFrame({"x": [line2], "label": ["2% guideline (Wales 2014)"]})).mark_rule(
        strokeDash=DASHES[1], color="#1a1a1a").encode(x="x:Q")
    rule_text = alt.Chart(pd.DataFrame({"x": [line2], "label": ["2% guideline"]})).mark_text(
        align="left", dx=3, dy=-4, baseline="bottom", fontSize=10).encode(x="x:Q", y=alt.value(0), text="label:N")
    chart = alt.layer(span, rule, dots, rule_text).properties(width=520, height=alt.Step(15))
    n14, n24, n = len(meeting(2014, BASE_RELEASE)), len(meeting(2024, BASE_RELEASE)), len(allies())
    top = wide.sort_values("y2024", ascending=False).iloc[0]
    met14 = ", ".join(meeting(2014, BASE_RELEASE))
    lower = wide.loc[wide["y2024"] < wide["y2014"], "country"].tolist()
    same = wide.loc[wide["y2024"] == wide["y2014"], "country"].tolist()
    rest = (f" Lower in 2024 than in 2014: {', '.join(lower) or 'none'}; unchanged: {', '.join(same) or 'none'}; "
            f"every other ally is higher.")
    return figure(
        chart,
        title=f"At 2% of GDP: {n14} of {n} allies in 2014, {n24} in 2024 (NATO, June 2024)",
        description=(f"Dot plot of defence expenditure as % of GDP for {n} allies, 2014 (circles) and 2024 estimates "
                     f"(squares), from NATO's June 2024 release, sorted by 2024, with a dashed line at 2%. In 2014 "
                     f"only {met14} were at 2% or more; in 2024, {n24} were. {top['country']} spends the most, "
                     f"{top['y2024']:.2f}% in 2024 against {top['y2014']:.2f}% in 2014.{rest}"),
        data=_with_attrs(pd.concat([a, b]), a))


def _with_attrs(frame: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    frame.attrs = dict(like.attrs)
    return frame


def revisions_figure(country: str = "Türkiye"):
    """One ally's share of GDP as each NATO release gives it: the same year, different numbers."""
    country = _check_country(country)
    rows = spending()
    rows = rows[rows["country"] == country].copy()
    rows["release_name"] = rows["release"].map(RELEASES)
    releases = [RELEASES[r] for r in sorted(rows["release"].unique())]
    rows["value_label"] = rows["pct_gdp"].map(lambda v: f"{v:.2f}")
    rows["kind_label"] = rows["estimate"].map(lambda e: "estimate" if e else "outturn")
    base = alt.Chart(rows).encode(
        x=alt.X("year:O", title="Year the figure refers to", axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("release_name:N", title="NATO release (oldest at the top)", sort=releases,
                axis=alt.Axis(labelLimit=260)),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("release_name:N", title="Release"),
                 alt.Tooltip("pct_gdp:Q", title="% of GDP", format=".2f"),
                 alt.Tooltip("kind_label:N", title="Marked as")])
    cells = base.mark_rect(color="#e8f1f8", stroke="#ffffff", strokeWidth=2)
    text = base.mark_text(fontSize=12).encode(text="value_label:N")
    chart = alt.layer(cells, text).properties(width=alt.Step(58), height=alt.Step(26))
    by_year = rows.groupby("year")["pct_gdp"]
    spread = (by_year.max() - by_year.min()).sort_values(ascending=False)
    worst = int(spread.index[0])
    versions = rows[rows["year"] == worst].sort_values("release")
    seq = " → ".join(f"{v:.2f}%" for v in versions["pct_gdp"])
    detail = "; ".join(f"{r['release_name']}: {r['pct_gdp']:.2f}%" for _, r in versions.iterrows())
    return figure(
        chart,
        title=f"{country}'s {worst} share of GDP: {seq} in {len(versions)} NATO releases",
        description=(f"Table-like chart of {country}'s defence expenditure as % of GDP: columns are the years the "
                     f"figures refer to, rows the NATO releases that published them, each cell printing the value. "
                     f"For {worst}: {detail}. Several years appear in more than one release with different values, "
                     f"so a comparison must use one release."),
        data=rows)


def doubling_figure(start: int = 2014, end: int = 2024, release: str = BASE_RELEASE):
    """Ratio of end-year to start-year share for each European ally (one release), against 'doubled' = 2."""
    table = ratios(start, end, release)
    table["verdict"] = ["doubled or more" if r >= 2 else "less than doubled" for r in table["ratio"]]
    verdicts = ["doubled or more", "less than doubled"]
    order = table["country"].tolist()
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("ratio:Q", title=f"{end} share of GDP divided by {start} share (1 = no change, 2 = doubled)"),
        y=alt.Y("country:N", sort=order, title=None),
        color=alt.Color("verdict:N", title=None, scale=alt.Scale(domain=verdicts, range=PALETTE[:2])),
        tooltip=[alt.Tooltip("country:N", title="Ally"), alt.Tooltip("start:Q", title=str(start), format=".2f"),
                 alt.Tooltip("end:Q", title=str(end), format=".2f"), alt.Tooltip("ratio:Q", format=".2f")],
    ).properties(width=480, height=alt.Step(14))
    text = alt.Chart(table).mark_text(align="left", dx=3, fontSize=10).encode(
        x="ratio:Q", y=alt.Y("country:N", sort=order), text=alt.Text("ratio:Q", format=".2f"))
    two = alt.Chart(pd.DataFrame({"x": [2.0]})).mark_rule(strokeDash=DASHES[1], color="#1a1a1a").encode(x="x:Q")
    k, n = len(doubled(start, end, release)), len(table)
    median = table["ratio"].median()
    data = snapshot(start, release)
    return figure(
        alt.layer(chart, text, two),
        title=f"{k} of {n} European allies doubled their share of GDP, {start}–{end}",
        description=(f"Bars give, for each of {n} European allies, the {end} share of GDP divided by the {start} share, "
                     f"both from NATO's {RELEASES[release]}; a dashed line marks 2 (doubled). {k} allies reach 2 or "
                     f"more: {', '.join(doubled(start, end, release))}. The median ratio is {median:.2f}."),
        data=data)


# -- exercises -------------------------------------------------------------------------------

def _count_2024_any_release() -> int:
    rows = spending()
    return int(((rows["year"] == 2024) & (rows["pct_gdp"] >= 2)).sum())


def _strictly_above(year=2024, release=BASE_RELEASE, line=2.0) -> int:
    snap = snapshot(year, release)
    return int((snap["pct_gdp"] > line).sum())


def _slowest(countries=("Türkiye", "Poland", "Germany")) -> str:
    return min(countries, key=lambda c: change(c))


def _growth_feedback() -> dict[str, str]:
    g = {c: change(c) for c in ("Türkiye", "Poland", "Germany")}
    text = ", ".join(f"{c} {v:+.0f}%" for c, v in g.items())
    base = {c: share(c, 2014) for c in g}
    return {
        "a": f"Yes. Relative changes of the share, 2014 to 2024 (June 2024 release): {text}. Türkiye started at "
             f"{base['Türkiye']:.2f}% of GDP, Germany at {base['Germany']:.2f}% and Poland at {base['Poland']:.2f}%.",
        "b": f"Poland grew the most, not the least: {text}.",
        "c": f"Germany grew faster than one of the others: {text}.",
    }


def _largest_points_rise() -> str:
    a, b = snapshot(2014).set_index("country")["pct_gdp"], snapshot(2024).set_index("country")["pct_gdp"]
    rise = (b - a).dropna().sort_values(ascending=False)
    return (f"Poland's share rose from {share('Poland', 2014):.2f}% to {share('Poland', 2024):.2f}% of GDP; the "
            f"largest rise in percentage points was {rise.index[0]}'s ({rise.iloc[0]:+.2f}).")


def _turkiye_times() -> str:
    t = turkiye_at(guideline("hague-core"))
    return (f"That is {t['times_2024_estimate']:.1f} times NATO's June 2024 estimate of what Türkiye spent in 2024 "
            f"({t['nato_2024_estimate_billion']:.1f} billion dollars).")


_RATIO_OR_POINTS = ("That looks like the ratio 2024/2014 or the change in percentage points (2024 minus 2014). "
                    "The question asks for the relative change in percent: (ratio − 1) × 100.")


def _doubling_verdict_options() -> dict[str, str]:
    k, n = len(doubled()), len(european_allies())
    return {
        "a": "Confirmed: European defence budgets doubled right after February 2022.",
        "b": (f"Partly true at best: measured as a share of GDP in one NATO release, {k} of {n} European allies "
              f"doubled their effort between 2014 and 2024, over a decade rather than overnight; current-dollar "
              f"totals grow faster than shares because they also carry inflation, economic growth and exchange rates."),
        "c": "Refuted: no European ally doubled its defence spending in any sense.",
    }


register(
    SetExercise("ch1-allies-2014", expected=lambda: meeting(2014, BASE_RELEASE), noun="allies",
                aliases={"us": "United States", "usa": "United States", "uk": "United Kingdom",
                         "britain": "United Kingdom", "great britain": "United Kingdom", "turkey": "Türkiye"},
                hint="Filter year == 2014 and release == '2024-06', then keep pct_gdp >= 2."),
    NumberExercise("ch1-count-2024", expected=lambda: len(meeting(2024, BASE_RELEASE)), unit="allies",
                   hint="Keep the rows with year == 2024 AND release == '2024-06', then count pct_gdp >= 2.",
                   explanation="That is NATO's June 2024 estimate; the April 2025 Annual Report revised it.",
                   near=[(_count_2024_any_release,
                          "You counted 2024 rows from several releases, so some allies were counted two or three "
                          "times. Filter on release == '2024-06' as well."),
                         (lambda: len(meeting(2024, "2025-04")),
                          "That is the count in the April 2025 Annual Report (release '2025-04'), or what you get with "
                          "> instead of >= (Slovakia is exactly 2.00). The question asks for the June 2024 release and "
                          "'at or above'.")]),
    NumberExercise("ch1-growth-poland", expected=lambda: change("Poland"), unit="%", abs_tol=0.15,
                   hint="Relative change = (share 2024 / share 2014 − 1) × 100, both from release '2024-06'.",
                   explanation=_largest_points_rise(),
                   near=[(lambda: change("Poland", kind="points"), _RATIO_OR_POINTS),
                         (lambda: change("Poland", kind="ratio"), _RATIO_OR_POINTS),
                         (lambda: (share("Poland", 2024, "2025-04") / share("Poland", 2014) - 1) * 100,
                          "You took the 2024 value from the April 2025 release. Use one release for both years: "
                          "'2024-06'.")]),
    ChoiceExercise("ch1-growth-slowest",
                   options={"a": "Türkiye", "b": "Poland", "c": "Germany"},
                   correct="a", feedback=_growth_feedback(),
                   hint="Use ch1.change(country) for each of the three, or compute share 2024 / share 2014 yourself."),
    NumberExercise("ch1-turkiye-35", expected=lambda: cost_at_share(gdp("Türkiye", 2024), guideline("hague-core")),
                   unit="billion US dollars", rel_tol=0.005,
                   hint="3.5% of GDP = GDP × 3.5 / 100. Take Türkiye's 2024 GDP from the TurkStat row "
                        "(source 'hurriyet-2025-02-turkstat') of gdp_nominal.",
                   explanation=_turkiye_times(),
                   near=[(lambda: cost_at_share(gdp("Türkiye", 2024), guideline("hague-total")),
                          "That is 5% of GDP, the Hague total. The question asks for the 3.5% core-defence level."),
                         (lambda: cost_at_share(gdp("Türkiye", 2024), guideline("wales-2pct")),
                          "That is 2% of GDP, the old Wales guideline. Use 3.5%."),
                         (lambda: cost_at_share(gdp("Türkiye", 2024, "brecorder-2025-10"), 3.5),
                          "You used the later, revised GDP figure (1,358 bn). The question asks for TurkStat's first "
                          "estimate; note how much the choice of GDP vintage moves the answer."),
                         (lambda: cost_at_share(gdp("Türkiye", 2024, "herenews-imf-weo"), 3.5),
                          "You used the IMF projection. The question asks for TurkStat's first estimate.")]),
    NumberExercise("ch1-doubling-count", expected=lambda: len(doubled()), unit="allies",
                   hint="For each European ally (not the US or Canada), divide the 2024 share by the 2014 share, both "
                        "from release '2024-06', and count ratios of 2 or more.",
                   explanation=(f"{len(doubled())} of the {len(european_allies())} European allies doubled their "
                                "share of GDP, and over ten years rather than overnight."),
                   near=[(lambda: int((ratios()["ratio"] > 1).sum()),
                          "That is the number of European allies whose share rose at all. 'Doubled' means a ratio of "
                          "2 or more."),
                         (lambda: len(european_allies()),
                          "That is the number of European allies, not the number that doubled.")]),
    ChoiceExercise("ch1-doubling-verdict", options=_doubling_verdict_options(), correct="b", feedback={
        "a": "The shares of GDP do not support 'doubled' for most allies, and the data compare 2014 with 2024, so "
             "they cannot show a jump 'overnight' after 2022.",
        "b": "Yes. The claim fits a minority of allies over ten years, and looks bigger in current dollars than in "
             "shares of GDP.",
        "c": "Some allies did double their share of GDP; the claim is exaggerated, not wholly false.",
    }, hint="Compare the count you just computed with the number of European allies, and think about what a "
            "current-dollar total includes besides more defence effort."),
)


def exercise_options(exercise_id: str):
    """The lettered options of a choice exercise, displayed as a list (their text is computed from the data)."""
    from ..exercises import exercise

    ex = exercise(exercise_id)
    if not hasattr(ex, "options"):
        raise ValueError(f"{exercise_id!r} is not a choice exercise")
    text = "\n".join(f"- **{k}**: {v}" for k, v in ex.options.items())
    try:
        from IPython.display import Markdown

        return Markdown(text)
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return text


# -- quiz ------------------------------------------------------------------------------------

def _personnel(country: str) -> float:
    table = load("armed_forces_personnel")
    row = table[(table["country"] == country) & (table["year"] == 2024)
                & table["definition"].str.contains("June 2024 release")]
    return float(row["personnel_thousands"].iloc[0])


def quiz() -> Quiz:
    poland25 = share("Poland", 2025, "2025-08")
    missing25 = coverage(2025, "2025-08")["missing"]
    tur = _personnel("Türkiye")
    tl = load("timeline").set_index("title")
    sweden_vote = tl.loc["Turkish parliament ratifies Sweden", "date"]
    joined = tl.loc["Sweden joins NATO", "date"]
    tur_usd14 = usd("Türkiye", 2014, "2025-08") / 1000
    tur_usd25 = usd("Türkiye", 2025, "2025-08") / 1000
    tur_pct25 = share("Türkiye", 2025, "2025-08")
    tur_pct14 = share("Türkiye", 2014, BASE_RELEASE)
    return Quiz("ch1", [
        MultipleChoice("What did NATO leaders agree at the Wales summit on 5 September 2014?", [
            Option("To halt cuts and aim to move towards spending 2% of GDP on defence within a decade", True,
                   "The Defence Investment Pledge: a direction of travel, with no legal force."),
            Option("To spend 5% of GDP on defence by 2035", False, "That is The Hague commitment of June 2025."),
            Option("To admit Finland and Sweden", False, "They applied only after the full-scale invasion of 2022."),
        ]),
        Numeric("In NATO's August 2025 estimates, what share of GDP does Poland spend on defence (in %)?",
                poland25, 0.01, "% of GDP", f"{poland25:.2f}%: the highest of any ally, above The Hague's 3.5% core line."),
        MultipleChoice("You want to compare every ally's 2014 and 2024 shares. Which rows should you use?", [
            Option("Both years from the June 2024 release", True,
                   f"One release, one set of definitions and GDP data; it covers all {len(allies())} allies in both "
                   "years."),
            Option("The newest row for each ally and year, whatever its release", False,
                   "That mixes vintages: NATO revises past years, so differences could come from revisions."),
            Option("The average of all releases", False, "Averaging vintages hides the revisions instead of avoiding them."),
        ]),
        Numeric(f"For how many of the {len(allies())} allies does the course dataset have NO 2025 figure from the "
                "August 2025 release?",
                missing25, 0, "allies", "Missing is not zero: those allies are unknown here, not non-spenders."),
        Numeric("In NATO's June 2024 release, how many military personnel (in thousands) did Türkiye have?",
                float(tur), 1, "thousand",
                f"The same release gives the United States {_personnel('United States'):,.0f} thousand and Poland "
                f"{_personnel('Poland'):,.1f} thousand."),
        MultipleChoice("On what day did Türkiye's parliament approve Sweden's NATO accession?", [
            Option("23 January 2024", True, f"Recorded as {sweden_vote} in the course timeline; Sweden joined on {joined}."),
            Option("4 April 2023", False, "That is the day Finland joined NATO."),
            Option("10 July 2023", False, "That is the day of the Türkiye–Sweden–NATO statement in Vilnius."),
        ]),
        MultipleChoice("What did Russia's draft treaties of 17 December 2021 ask of NATO?", [
            Option("An end to NATO's eastward enlargement, including Ukraine, and no allied military activity in "
                   "Eastern Europe, the South Caucasus and Central Asia", True,
                   "That is Russia's stated position; the allies and the US rejected the core demands in writing."),
            Option("Russia's own membership of NATO", False, "The drafts asked for limits on NATO, not membership."),
            Option("A joint NATO–Russia force in Ukraine", False, "No such proposal was made."),
        ]),
        MultipleChoice(f"NATO's August 2025 release puts Türkiye's spending at {tur_usd14:.1f} bn current dollars in "
                       f"2014 and {tur_usd25:.1f} bn in 2025, while its share of GDP went from {tur_pct14:.2f}% "
                       f"(2014) to {tur_pct25:.2f}% (2025). Why do the dollars grow so much faster?", [
            Option("Current dollars also rise with inflation and economic growth, and move with exchange rates", True,
                   "A share of GDP nets those out; it measures effort relative to the size of the economy."),
            Option("Because NATO counts Türkiye's spending twice", False, "Nothing in the data suggests double counting."),
            Option("Because the share of GDP is measured in euros", False, "Both are NATO figures; the share has no currency."),
        ]),
    ], title="Self-check quiz: Chapter 1")
