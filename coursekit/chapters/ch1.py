"""Chapter 1. The Russian threat returns: war in Ukraine and Europe's rearmament.

Data helpers and pure models over NATO's defence-expenditure figures, the
EU's ammunition pledge, its sanctions packages and two parliaments' votes; the
chapter's figures, its explorer, and ``FACTS``: the values its questions name
(the questions themselves are in ``notebooks/01_russian_threat.yml``).

NATO revises past years in every release, and the course dataset mixes
several releases (each row names its own). Every function here therefore
works on ONE release at a time and says which; where a release does not give
a figure for an ally, the value is missing, never zero.
"""

from __future__ import annotations

import math
import numbers

import altair as alt
import pandas as pd

from ..charts import DASHES, MARKS, PALETTE, figure, shape_scale
from ..data import cached, load, source_line
from ..explorer import Choice, Explorer

# -- constants -----------------------------------------------------------------------------

#: Human names of the NATO publications the rows come from (see the dataset's ``release`` column).
RELEASES = {
    "2019-11": "November 2019 release",
    "2021-03": "March 2021 release",
    "2021-06": "June 2021 release",
    "2022-06": "June 2022 release",
    "2023-07": "July 2023 release",
    "2024-03": "Annual Report 2023 (Mar 2024)",
    "2024-06": "June 2024 release",
    "2025-04": "Annual Report 2024 (Apr 2025)",
    "2025-08": "August 2025 release",
}
SHORT_RELEASES = {
    "2019-11": "Nov 19", "2021-03": "Mar 21", "2021-06": "Jun 21", "2022-06": "Jun 22", "2023-07": "Jul 23",
    "2024-03": "Mar 24", "2024-06": "Jun 24", "2025-04": "Apr 25", "2025-08": "Aug 25",
}
#: The (year, release) pairs the explorer offers: for each year, the releases that report it for more than a
#: handful of allies. The March 2021 and April 2025 releases are left out: after the source clean-up the data
#: keep only one or two of their figures (see data/README.md).
VIEWS = [(2014, "2024-06"), (2019, "2019-11"), (2021, "2021-06"), (2022, "2022-06"), (2023, "2023-07"),
         (2023, "2024-03"), (2024, "2024-06"), (2025, "2025-08")]
#: The release that gives 2014 and 2024 for every ally with armed forces: the default for comparisons.
BASE_RELEASE = "2024-06"
#: The newest release in the data. NATO's 2026 release was not found, so the course's spending data end here.
LATEST_RELEASE = "2025-08"
DEFAULT_VIEW = (2024, BASE_RELEASE)

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

#: Türkiye's GDP for the what-if: TÜİK's first annual estimate of 2025 (released 2 March 2026), an outturn.
TURKIYE_GDP_SOURCE = "tuik-2026-03-gdp-2025"
#: The Turkish government's Medium-Term Programme projection of 2025 GDP, made before the year (a likely slip).
TURKIYE_GDP_PROJECTION = "hurriyet-2025-02-mtp"

#: Timeline events of Russia's revisionism beyond Ukraine and its nuclear signalling (titles in data/timeline.csv).
REVISIONISM_EVENTS = ("War in Georgia begins", "Russia annexes Crimea", "Russia suspends New START",
                      "Nuclear weapons for Belarus announced", "Russia updates its nuclear doctrine",
                      "Poland invokes Article 4")


# -- data helpers ----------------------------------------------------------------------------

def spending() -> pd.DataFrame:
    """All rows of ``nato_defence_spending`` (every release), with provenance in ``.attrs``."""
    return load("nato_defence_spending")


@cached
def _allies() -> tuple[str, ...]:
    return tuple(sorted(spending()["country"].unique()))


@cached
def _lookup() -> dict:
    """(year, release) -> {ally: (share, source)}: built once per data version, so the explorer's grid stays fast."""
    out: dict = {}
    for row in spending().itertuples(index=False):
        out.setdefault((int(row.year), row.release), {})[row.country] = (float(row.pct_gdp), row.source)
    return out


@cached
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


@cached
def _lines() -> tuple:
    return ((guideline("wales-2pct"), "2% (Wales 2014)"),
            (guideline("hague-core"), "3.5% core (The Hague 2025)"),
            (guideline("hague-total"), "5% total (The Hague 2025)"))


def lines() -> dict[float, str]:
    """The three lines of the chapter: 2% (Wales), 3.5% core and 5% total (The Hague), from the data."""
    return dict(_lines())


def release_name(release: str) -> str:
    """The human name of a NATO release (its code if the chapter has no name for it)."""
    return RELEASES.get(release, f"release {release}")


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


def _attrs() -> dict:
    attrs = spending().attrs
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


def group_median(group: str, year: int = 2024, release: str = BASE_RELEASE) -> float:
    """The median share of GDP of the allies of ``group`` that have a figure in one release.

    A description of the groups, not a model: the data hold no measure of distance from Russia, so they cannot
    say how much geography explains.
    """
    snap = snapshot(year, release)
    values = snap.loc[snap["country"].isin(_members(group)), "pct_gdp"].dropna()
    if values.empty:
        raise ValueError(f"no ally of group {group!r} has a figure for {year} in release {release}")
    return float(values.median())


def group_shares() -> pd.DataFrame:
    """Shares of GDP for groups of allies (European allies and Canada; all allies), from NATO's June 2024 release."""
    return load("nato_spending_aggregates")


def group_share(group: str, year: int, release: str = BASE_RELEASE) -> float:
    """One group's share of GDP, as NATO computes it, from ``nato_spending_aggregates``."""
    table = group_shares()
    row = table[(table["group"] == group) & (table["year"] == year) & (table["release"] == release)]
    if row.empty:
        raise ValueError(f"no aggregate for {group!r} in {year} from release {release!r}; "
                         f"groups: {', '.join(sorted(table['group'].unique()))}")
    return float(row["pct_gdp"].iloc[0])


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
    table["release"] = table["release"].map(release_name)
    return table[["year", "release", "usd_billion", "pct_gdp"]].reset_index(drop=True)


def personnel(country: str, year: int = 2024, release: str = "June 2024 release") -> float:
    """NATO's count of an ally's military personnel (thousands), from the named release only."""
    country, year = _check_country(country), _check_year(year)
    table = load("armed_forces_personnel")
    row = table[(table["country"] == country) & (table["year"] == year)
                & table["definition"].str.contains(release, regex=False)]
    if row.empty:
        raise ValueError(f"no personnel figure for {country} in {year} from the {release}")
    return float(row["personnel_thousands"].iloc[0])


def gdp(country: str = "Türkiye", year: int = 2025, source: str = TURKIYE_GDP_SOURCE) -> float:
    """GDP in billion current US dollars from one named source (vintages differ; see ``gdp_nominal``)."""
    table = load("gdp_nominal")
    row = table[(table["country"] == country) & (table["year"] == year) & (table["source"] == source)]
    if row.empty:
        have = table[(table["country"] == country) & (table["year"] == year)]["source"].tolist()
        raise ValueError(f"no GDP for {country!r} in {year!r} from {source!r}; available sources: {have or 'none'}")
    return float(row["gdp_usd_bn"].iloc[0])


def gdp_basis(source: str = TURKIYE_GDP_SOURCE) -> str:
    """Whether a GDP row is an ``outturn`` or a ``projection``."""
    table = load("gdp_nominal")
    rows = table[table["source"] == source]
    if rows.empty:
        raise ValueError(f"no GDP row from source {source!r}")
    return str(rows["basis"].iloc[0])


def cost_at_share(gdp_billion: float, share_pct: float) -> float:
    """Spending in billion US dollars that ``share_pct`` percent of a GDP of ``gdp_billion`` would mean."""
    share_pct = _check_share(share_pct, "share_pct")
    if isinstance(gdp_billion, bool) or not isinstance(gdp_billion, numbers.Real):
        raise TypeError(f"gdp_billion must be a number, not {gdp_billion!r}")
    gdp_billion = float(gdp_billion)
    if not math.isfinite(gdp_billion) or gdp_billion < 0:
        raise ValueError(f"gdp_billion must be a non-negative number, not {gdp_billion}")
    return gdp_billion * share_pct / 100


def turkiye_at(share_pct: float = 3.5, year: int = 2025, gdp_source: str = TURKIYE_GDP_SOURCE) -> dict:
    """What Türkiye would spend at ``share_pct`` of its GDP, next to what NATO's August 2025 release estimated."""
    size = gdp("Türkiye", year, gdp_source)
    target = cost_at_share(size, share_pct)
    actual = usd("Türkiye", 2025, LATEST_RELEASE) / 1000
    return {"gdp_billion": size, "gdp_basis": gdp_basis(gdp_source), "share_pct": float(share_pct),
            "spending_billion": round(target, 2), "nato_2025_estimate_billion": round(actual, 2),
            "times_2025_estimate": round(target / actual, 2)}


def revisions(country: str = "Türkiye") -> pd.DataFrame:
    """The same ally's share of GDP as each release gives it: rows are years, columns releases."""
    country = _check_country(country)
    rows = spending()
    rows = rows[rows["country"] == country]
    table = rows.pivot(index="year", columns="release", values="pct_gdp")
    return table.rename(columns=release_name)


# -- the EU's ammunition pledge, its sanctions and two parliaments' votes -----------------------

def ammunition(basis: str | None = None) -> pd.DataFrame:
    """Rows of ``ammunition_supply``, optionally of one ``basis`` (pledge, delivered, expected, capacity, funding)."""
    table = load("ammunition_supply")
    if basis is None:
        return table
    known = sorted(table["basis"].unique())
    if basis not in known:
        raise ValueError(f"unknown basis {basis!r}; the dataset has: {', '.join(known)}")
    return table[table["basis"] == basis].reset_index(drop=True)


def _one(table: pd.DataFrame, what: str) -> pd.Series:
    if len(table) != 1:
        raise ValueError(f"expected one row for {what}, found {len(table)}")
    return table.iloc[0]


def pledge() -> pd.Series:
    """The one-million-rounds pledge of March 2023: its quantity and its deadline (``refers_to``)."""
    return _one(ammunition("pledge"), "the pledge")


def delivered(on_or_before: str | None = None) -> pd.DataFrame:
    """Cumulative deliveries of the one-million pledge as reported, in date order (optionally up to a date)."""
    table = ammunition("delivered").sort_values("date").reset_index(drop=True)
    if on_or_before is not None:
        table = table[table["date"] <= on_or_before].reset_index(drop=True)
    return table


def share_by_deadline() -> float:
    """Percent of the pledge that the EU expected to have delivered by the deadline (its January 2024 forecast)."""
    expected = _one(ammunition("expected"), "the deadline forecast")
    return float(expected["quantity"]) / float(pledge()["quantity"]) * 100


def months_between(start: str, end: str) -> int:
    """Whole calendar months from ``start`` to ``end`` (dates or months written YYYY-MM[-DD])."""
    a, b = pd.Period(str(start)[:7], "M"), pd.Period(str(end)[:7], "M")
    return (b - a).n


def pledge_met() -> pd.Series:
    """The first report of deliveries reaching the pledged quantity."""
    rows = delivered()
    met = rows[rows["quantity"] >= float(pledge()["quantity"])]
    if met.empty:
        raise ValueError("no report shows the pledge met")
    return met.iloc[0]


def months_late() -> int:
    """Months between the pledge's deadline and the first report that it was met."""
    return months_between(pledge()["refers_to"], pledge_met()["date"])


def capacity(refers_to: str) -> float:
    """Stated annual production capacity (rounds a year) for a date or period (YYYY-MM)."""
    rows = ammunition("capacity")
    row = rows[rows["refers_to"] == refers_to]
    if row.empty:
        raise ValueError(f"no capacity figure for {refers_to!r}; the dataset has: {', '.join(rows['refers_to'])}")
    return float(row["quantity"].iloc[0])


def sanctions() -> pd.DataFrame:
    """The EU's sanctions packages of 2025–2026 (``eu_sanctions_packages``), in order."""
    return load("eu_sanctions_packages").sort_values("package").reset_index(drop=True)


def vessels_listed(package: int) -> int:
    """Ships on the EU's shadow-fleet list after an adopted package, as reported."""
    table = sanctions().set_index("package")
    if package not in table.index or pd.isna(table.loc[package, "vessels_listed"]):
        raise ValueError(f"no shadow-fleet total after package {package!r}; adopted packages: "
                         f"{', '.join(map(str, table.index[table['status'] == 'adopted']))}")
    return int(table.loc[package, "vessels_listed"])


def votes() -> pd.DataFrame:
    """Recorded parliamentary votes (``parliament_votes``)."""
    return load("parliament_votes")


def vote(date: str) -> pd.Series:
    """One recorded vote, by its date (YYYY-MM-DD)."""
    table = votes()
    row = table[table["date"] == pd.Timestamp(date)]
    if row.empty:
        raise ValueError(f"no recorded vote on {date!r}; dates: {', '.join(table['date'].dt.strftime('%Y-%m-%d'))}")
    return row.iloc[0]


def margin(date: str) -> int:
    """Yes votes above the qualified majority a vote needed (``ValueError`` for a simple-majority vote)."""
    row = vote(date)
    if pd.isna(row["required"]):
        raise ValueError(f"the vote of {date} needed a simple majority; it has no qualified-majority threshold")
    return int(row["yes"]) - int(row["required"])


# -- the timeline ------------------------------------------------------------------------------

def events(titles=REVISIONISM_EVENTS) -> pd.DataFrame:
    """Timeline rows with the given titles, in date order (``ValueError`` names a title that is not there)."""
    table = load("timeline")
    missing = [t for t in titles if t not in set(table["title"])]
    if missing:
        raise ValueError(f"not in the timeline: {', '.join(missing)}")
    rows = table[table["title"].isin(titles)].copy()
    rows["key"] = rows["date"].str.pad(10, side="right", fillchar="0")
    return rows.sort_values("key", kind="stable").drop(columns="key").reset_index(drop=True)


def date_of(title: str) -> str:
    """The date of a timeline event, by its title."""
    return str(events((title,))["date"].iloc[0])


def _long_date(iso: str) -> str:
    when = pd.Timestamp(iso)
    return f"{when.day} {when:%B %Y}"


# -- the explorer model ----------------------------------------------------------------------

def view_key(year: int, release: str) -> str:
    return f"{year}|{release}"


def view_label(year: int, release: str) -> str:
    n = int(snapshot(year, release)["reported"].sum())
    return f"{year}: {release_name(release)} ({n} of {len(allies())} allies reported)"


def _parse_view(view) -> tuple[int, str]:
    keys = {view_key(y, r): (y, r) for y, r in VIEWS}
    return keys.get(view, DEFAULT_VIEW) if isinstance(view, str) else DEFAULT_VIEW


def _line_value(line) -> float:
    options = list(lines())
    try:
        value = float(line)
    except (TypeError, ValueError):
        return options[0]
    if math.isnan(value):
        return options[0]
    return min(options, key=lambda o: abs(o - value))


@cached
def _count_rows(group: str, line: float) -> tuple:
    rows = []
    for i, (y, r) in enumerate(VIEWS):
        c = coverage(y, r, line, group)
        rows.append({"kind": "count", "period": f"{y} ({SHORT_RELEASES[r]})", "order": i, "view": view_key(y, r),
                     "n_meet": c["meet"], "n_reported": c["reported"], "members": c["members"],
                     "count_label": f"{c['meet']}/{c['reported']}"})
    return tuple(rows)


def compare(view: str = view_key(*DEFAULT_VIEW), group: str = "all", line: float = 2.0) -> pd.DataFrame:
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
                 "summary": (f"{year}, {release_name(release)}: {c['meet']} of the {c['reported']} allies with a "
                             f"figure are at or above {line:g}% of GDP.\n{c['missing']} of the {c['members']} allies "
                             f"in this group have no figure in this release.")})
    return pd.DataFrame(rows)


def _summary(frame: pd.DataFrame) -> str:
    rows = frame.loc[frame["kind"] == "summary", "summary"]
    return rows.iloc[0].replace("\n", " ") if len(rows) else ""


def _view(frame: pd.DataFrame, values: dict | None) -> alt.TopLevelMixin:
    # Each row kind uses its own columns; the others stay missing and the course's one cleaner
    # (charts.clean_spec, applied to every spec the explorer emits) turns them into JSON nulls.
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
            Choice("view", "Year and NATO release", views, default=view_key(*DEFAULT_VIEW),
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
    rows["release_name"] = rows["release"].map(release_name)
    releases = [release_name(r) for r in sorted(rows["release"].unique())]
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
    text = base.mark_text(fontSize=12, color="#1a1a1a").encode(text="value_label:N")
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
                     f"both from NATO's {release_name(release)}; a dashed line marks 2 (doubled). {k} allies reach 2 or "
                     f"more: {', '.join(doubled(start, end, release))}. The median ratio is {median:.2f}."),
        data=data)


def ammunition_figure():
    """The one-million pledge against the deliveries the EU reported, month by month."""
    goal = pledge()
    points = pd.concat([ammunition("delivered"), ammunition("expected")], ignore_index=True)
    points["when"] = pd.to_datetime(points["refers_to"].str.pad(10, side="right", fillchar="-")
                                    .str.replace("---", "-01", regex=False))
    points["kind"] = points["basis"].map({"delivered": "reported delivered", "expected": "forecast for the deadline"})
    points["thousands"] = points["quantity"] / 1000
    kinds = ["reported delivered", "forecast for the deadline"]
    deadline = pd.Timestamp(goal["refers_to"])
    x = alt.X("when:T", title="Date the figure refers to", axis=alt.Axis(format="%b %Y", labelAngle=-30),
              scale=alt.Scale(domain=[pd.Timestamp("2023-03-01").isoformat(), pd.Timestamp("2025-01-01").isoformat()]))
    yv = alt.Y("thousands:Q", title="Rounds of artillery ammunition (thousands)", scale=alt.Scale(domain=[0, 1100]))
    base = alt.Chart(points)
    dots = base.mark_point(filled=True, size=90).encode(
        x=x, y=yv, color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=PALETTE[:2])),
        shape=alt.Shape("kind:N", scale=shape_scale(kinds), legend=None),
        tooltip=[alt.Tooltip("when:T", title="Refers to", format="%d %b %Y"), alt.Tooltip("measure:N", title="What"),
                 alt.Tooltip("quantity:Q", title="Rounds", format=","), alt.Tooltip("speaker:N", title="Stated by")])
    path = base.transform_filter("datum.kind == 'reported delivered'").mark_line(color=PALETTE[0]).encode(x=x, y=yv)
    target = pd.DataFrame({"thousands": [float(goal["quantity"]) / 1000], "label": ["pledge: one million rounds"]})
    goal_rule = alt.Chart(target).mark_rule(strokeDash=DASHES[1], color="#1a1a1a").encode(y="thousands:Q")
    goal_text = alt.Chart(target).mark_text(align="left", dx=4, dy=-6, fontSize=10).encode(
        x=alt.value(0), y="thousands:Q", text="label:N")
    due = pd.DataFrame({"when": [deadline.isoformat()], "label": ["deadline"]})
    due_rule = alt.Chart(due).mark_rule(strokeDash=DASHES[2], color="#666666").encode(x="when:T")
    due_text = alt.Chart(due).mark_text(align="left", dx=4, dy=8, fontSize=10, baseline="top").encode(
        x="when:T", y=alt.value(0), text="label:N")
    chart = alt.layer(goal_rule, goal_text, due_rule, due_text, path, dots).properties(width=480, height=260)
    late = months_late()
    rows = ", ".join(f"{r['quantity']:,.0f} ({_long_date(r['date'])})" for _, r in delivered().iterrows())
    expected = _one(ammunition("expected"), "the deadline forecast")
    return figure(
        chart,
        title=f"The EU's million shells for Ukraine arrived about {late} months after the deadline",
        description=(f"Dots give the cumulative number of artillery rounds the EU reported as delivered to Ukraine "
                     f"under its pledge of {_long_date(goal['date'])}: {rows}. A separate marker shows the forecast of "
                     f"{_long_date(expected['date'])} for the deadline, {expected['quantity']:,.0f} rounds. A dashed "
                     f"line marks the pledged million and a dotted line the deadline, {_long_date(goal['refers_to'])}."),
        data=_with_attrs(pd.concat([ammunition("pledge"), points]), ammunition()))


# -- facts: what the content file's answers and texts name -------------------------------------------

def _count_2024_any_release() -> int:
    rows = spending()
    return int(((rows["year"] == 2024) & (rows["pct_gdp"] >= 2)).sum())


def _strictly_above(year=2024, release=BASE_RELEASE, line=2.0) -> int:
    snap = snapshot(year, release)
    return int((snap["pct_gdp"] > line).sum())


def slowest(countries=("Türkiye", "Poland", "Germany")) -> str:
    """The ally of ``countries`` whose share of GDP grew least, relative to its start (June 2024 release)."""
    return min(countries, key=lambda c: change(c))


def _growth_text(countries=("Türkiye", "Poland", "Germany")) -> str:
    return ", ".join(f"{c} {change(c):+.0f}% (from {share(c, 2014):.2f}% to {share(c, 2024):.2f}% of GDP)"
                     for c in countries)


def _at_floor(year=2025, release=LATEST_RELEASE) -> list[str]:
    snap = snapshot(year, release)
    return sorted(snap.loc[snap["pct_gdp"] == guideline("wales-2pct"), "country"])


FACTS = {
    # NATO spending, one release at a time
    "allies_count": lambda: len(allies()),
    "european_count": lambda: len(european_allies()),
    "allies_2pct_2014": lambda: meeting(2014, BASE_RELEASE),
    "allies_2pct_2014_count": lambda: len(meeting(2014, BASE_RELEASE)),
    "allies_2pct_2024": lambda: len(meeting(2024, BASE_RELEASE)),
    "allies_2pct_2024_all_releases": _count_2024_any_release,
    "allies_above_2pct_2024": _strictly_above,
    "poland_share_2014": lambda: share("Poland", 2014),
    "greece_share_2014": lambda: share("Greece", 2014),
    "poland_share_2024": lambda: share("Poland", 2024),
    "poland_share_2025": lambda: share("Poland", 2025, LATEST_RELEASE),
    "lithuania_share_2025": lambda: share("Lithuania", 2025, LATEST_RELEASE),
    "latvia_share_2025": lambda: share("Latvia", 2025, LATEST_RELEASE),
    "estonia_share_2025": lambda: share("Estonia", 2025, LATEST_RELEASE),
    "norway_share_2025": lambda: share("Norway", 2025, LATEST_RELEASE),
    "denmark_share_2025": lambda: share("Denmark", 2025, LATEST_RELEASE),
    "spain_share_2024": lambda: share("Spain", 2024),
    "greece_share_2024": lambda: share("Greece", 2024),
    "poland_growth_pct": lambda: change("Poland"),
    "poland_growth_points": lambda: change("Poland", kind="points"),
    "poland_growth_ratio": lambda: change("Poland", kind="ratio"),
    "poland_growth_to_2025": lambda: (share("Poland", 2025, LATEST_RELEASE) / share("Poland", 2014) - 1) * 100,
    "slowest_grower": slowest,
    "growth_three": _growth_text,
    "doubled_count": lambda: len(doubled()),
    "doubled_names": doubled,
    "rose_count": lambda: int((ratios()["ratio"] > 1).sum()),
    "doubling_median": lambda: float(ratios()["ratio"].median()),
    "missing_2025": lambda: coverage(2025, LATEST_RELEASE)["missing"],
    "reported_2025": lambda: coverage(2025, LATEST_RELEASE)["reported"],
    "allies_core_2025": lambda: coverage(2025, LATEST_RELEASE, guideline("hague-core"))["meet"],
    "allies_at_floor_2025": lambda: len(_at_floor()),
    "frontline_median_2024": lambda: group_median("frontline"),
    "south_median_2024": lambda: group_median("south"),
    "west_median_2024": lambda: group_median("west"),
    "europe_canada_2014": lambda: group_share("European allies and Canada", 2014),
    "europe_canada_2024": lambda: group_share("European allies and Canada", 2024),
    "turkiye_share_2014": lambda: share("Türkiye", 2014),
    "turkiye_share_2023_july": lambda: share("Türkiye", 2023, "2023-07"),
    "turkiye_share_2023_march": lambda: share("Türkiye", 2023, "2024-03"),
    "turkiye_share_2023_august": lambda: share("Türkiye", 2023, LATEST_RELEASE),
    "turkiye_share_2024": lambda: share("Türkiye", 2024),
    "turkiye_share_2025": lambda: share("Türkiye", 2025, LATEST_RELEASE),
    "turkiye_usd_2014": lambda: usd("Türkiye", 2014, LATEST_RELEASE) / 1000,
    "turkiye_usd_2025": lambda: usd("Türkiye", 2025, LATEST_RELEASE) / 1000,
    "turkiye_personnel_2024": lambda: personnel("Türkiye"),
    "us_personnel_2024": lambda: personnel("United States"),
    "poland_personnel_2014": lambda: personnel("Poland", 2014),
    "poland_personnel_2024": lambda: personnel("Poland"),
    # the what-if: Türkiye at The Hague's lines, on TÜİK's 2025 outturn
    "turkiye_gdp_2025": lambda: gdp("Türkiye", 2025),
    "turkiye_core_2025": lambda: cost_at_share(gdp("Türkiye", 2025), guideline("hague-core")),
    "turkiye_total_2025": lambda: cost_at_share(gdp("Türkiye", 2025), guideline("hague-total")),
    "turkiye_wales_2025": lambda: cost_at_share(gdp("Türkiye", 2025), guideline("wales-2pct")),
    "turkiye_core_projection": lambda: cost_at_share(gdp("Türkiye", 2025, TURKIYE_GDP_PROJECTION),
                                                     guideline("hague-core")),
    "turkiye_core_times": lambda: turkiye_at(guideline("hague-core"))["times_2025_estimate"],
    "hague_core": lambda: guideline("hague-core"),
    # the EU's ammunition pledge
    "shells_pledged": lambda: float(pledge()["quantity"]),
    "shells_expected_deadline": lambda: float(_one(ammunition("expected"), "forecast")["quantity"]),
    "shells_delivered_jan_2024": lambda: float(delivered("2024-01-31")["quantity"].iloc[-1]),
    "shells_share_deadline": share_by_deadline,
    "shells_share_deadline_delivered": lambda: float(delivered("2024-01-31")["quantity"].iloc[-1])
    / float(pledge()["quantity"]) * 100,
    "shells_months_late": months_late,
    "shells_met_date": lambda: _long_date(pledge_met()["date"]),
    "capacity_war_start": lambda: capacity("2022-02"),
    "capacity_march_2023": lambda: capacity("2023-03"),
    "capacity_target_2025": lambda: capacity("2025-12"),
    "capacity_growth_kubilius": lambda: capacity("2025-12") / capacity("2022-02"),
    "capacity_growth_breton_base": lambda: capacity("2025-12") / capacity("2023-03"),
    "asap_million_euros": lambda: float(_one(ammunition("funding"), "ASAP")["quantity"]),
    # sanctions packages
    "vessels_after_16": lambda: vessels_listed(16),
    "vessels_after_19": lambda: vessels_listed(19),
    "vessels_growth_16_19": lambda: vessels_listed(19) / vessels_listed(16),
    "vessels_growth_inverse": lambda: vessels_listed(16) / vessels_listed(19),
    "vessels_increase_16_19": lambda: vessels_listed(19) - vessels_listed(16),
    "package_20_blocked": lambda: _long_date(sanctions().set_index("package").loc[20, "decided"].isoformat()),
    # votes
    "bundestag_2022_yes": lambda: int(vote("2022-06-03")["yes"]),
    "bundestag_2022_required": lambda: int(vote("2022-06-03")["required"]),
    "bundestag_2022_margin": lambda: margin("2022-06-03"),
    "bundestag_2025_margin": lambda: margin("2025-03-18"),
    "bundestag_2025_yes_minus_no": lambda: int(vote("2025-03-18")["yes"]) - int(vote("2025-03-18")["no"]),
    "bundestag_2025_yes": lambda: int(vote("2025-03-18")["yes"]),
    "bundestag_2025_required": lambda: int(vote("2025-03-18")["required"]),
    "sweden_vote_yes": lambda: int(vote("2024-01-23")["yes"]),
    "sweden_vote_no": lambda: int(vote("2024-01-23")["no"]),
    # the timeline
    "revisionism_order": lambda: events()["title"].tolist(),
    "sweden_vote_date": lambda: _long_date(date_of("Turkish parliament ratifies Sweden")),
    "sweden_join_date": lambda: _long_date(date_of("Sweden joins NATO")),
    "finland_join_date": lambda: _long_date(date_of("Finland joins NATO")),
    "ep_accession_vote_date": lambda: _long_date(date_of("Parliament: accession cannot resume")),
}
