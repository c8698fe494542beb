"""Chapter 5. Central Asia and the art of hedging.

Trade partners of Kazakhstan and Uzbekistan, memberships of regional
organisations, and a hedging indicator: one minus the Herfindahl–Hirschman
index (HHI) of partner shares.

The trade data are deliberately incomplete (only figures seen in a source
were entered), so every function here says which partners it counts:

* ``"recorded"``: the partners with a figure for that country and year,
  whose shares are taken of their own sum. Comparable across years only
  when the same partners are recorded.
* ``"total"``: shares of the reported world total, with everything not
  itemised lumped into one block. Only Uzbekistan has totals. Because the
  block stands for many partners, the indicator computed this way is a
  lower bound of the true one.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping

import altair as alt
import pandas as pd

from ..charts import colour_scale, dash_scale, figure, shape_scale
from ..data import DataError, load, source_line
from ..exercises import ChoiceExercise, Feedback, NumberExercise, register
from ..explorer import Choice, Explorer, Slider
from ..quiz import MultipleChoice, Numeric, Option, Quiz

COUNTRIES = ["Kazakhstan", "Uzbekistan"]
PARTNERS = ["China", "Russia", "EU", "Türkiye"]
TOTAL = "Total"
REST = "Not itemised"
BASES = {
    "recorded": "Partners recorded that year",
    "total": "Share of reported total (rest in one block)",
}
#: Okabe–Ito colours per partner; the grey block is everything not itemised.
PARTNER_COLOURS = {"China": "#D55E00", "Russia": "#0072B2", "EU": "#009E73", "Türkiye": "#CC79A7",
                   REST: "#BBBBBB"}
_DARK = {"China", "Russia", "EU"}  # fills dark enough for white labels

ORGANISATIONS = ["OTS", "CSTO", "EAEU", "CIS", "SCO", "NATO", "NATO PfP", "EU"]
#: The course's analytical grouping of organisations into "vectors" (a teaching device, not an official label).
CAMPS = {"OTS": "Turkic", "CSTO": "Russia-centred", "EAEU": "Russia-centred", "CIS": "Russia-centred",
         "SCO": "China–Russia (SCO)", "NATO": "Euro-Atlantic", "NATO PfP": "Euro-Atlantic", "EU": "Euro-Atlantic"}
CAMP_ORDER = ["Turkic", "Russia-centred", "China–Russia (SCO)", "Euro-Atlantic"]
MEMBER_COUNTRIES = ["Türkiye", "Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan",
                    "Uzbekistan", "Russia", "China", "Hungary"]
CENTRAL_ASIA = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"]
STATUS_CODES = {"member": "M", "associate_member": "A", "candidate": "C", "partner": "P",
                "dialogue_partner": "DP", "observer": "O", "former_member": "F", "none": "–"}
TIES = {
    "full": ("Full membership only", {"member"}),
    "formal": ("Membership, candidacy or associate status", {"member", "associate_member", "candidate"}),
    "any": ("Any formal tie (also partner, observer, dialogue partner)",
            {"member", "associate_member", "candidate", "partner", "dialogue_partner", "observer"}),
}
CAMPS_COLUMN = "Vectors"


# -- data helpers ------------------------------------------------------------

def trade() -> pd.DataFrame:
    """The trade dataset, sorted by country, year and partner (Total last)."""
    df = load("central_asia_trade")
    order = {p: i for i, p in enumerate([*PARTNERS, TOTAL])}
    df = df.assign(_o=df["partner"].map(order)).sort_values(["country", "year", "_o"], kind="stable")
    return df.drop(columns="_o").reset_index(drop=True)


def memberships() -> pd.DataFrame:
    """The memberships dataset with a camp per organisation and a short status code."""
    df = load("regional_memberships")
    return df.assign(camp=df["organisation"].map(CAMPS), code=df["status"].map(STATUS_CODES))


def _check_country(country) -> str:
    if not isinstance(country, str):
        raise TypeError(f"country must be text such as 'Kazakhstan', not {type(country).__name__}")
    if country not in COUNTRIES:
        raise ValueError(f"unknown country {country!r}; choose one of {', '.join(COUNTRIES)}")
    return country


def _check_basis(basis) -> str:
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}; choose one of {', '.join(BASES)}")
    return basis


def _check_factor(factor) -> float:
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real):
        raise TypeError(f"the Türkiye factor must be a number, not {type(factor).__name__}")
    factor = float(factor)
    if not math.isfinite(factor) or factor < 0:
        raise ValueError(f"the Türkiye factor must be a finite number >= 0, got {factor}")
    return factor


# -- the hedging indicator (pure) ---------------------------------------------

def _values(values) -> list[float]:
    """Validate partner values: a non-empty collection of finite, non-negative numbers, not all zero."""
    if isinstance(values, (str, bytes)):
        raise TypeError("partner values must be a collection of numbers, not text")
    if isinstance(values, Mapping):
        values = list(values.values())
    elif isinstance(values, pd.DataFrame):
        raise TypeError("pass one column of values (a Series or list), not a whole table")
    try:
        items = list(values)
    except TypeError:
        raise TypeError(f"partner values must be a collection of numbers, not {type(values).__name__}") from None
    out = []
    for item in items:
        if item is None or item is pd.NA:
            raise ValueError("a partner value is missing; drop partners without a figure first")
        if isinstance(item, (bool, str, bytes)) or not isinstance(item, numbers.Real):
            if type(item).__name__ in ("bool_", "bool"):
                raise TypeError("partner values must be numbers, not True/False")
            raise TypeError(f"partner values must be numbers, got {type(item).__name__} {item!r}")
        value = float(item)
        if not math.isfinite(value):
            raise ValueError("partner values must be finite (no NaN or infinity); drop missing partners first")
        if value < 0:
            raise ValueError(f"partner values cannot be negative, got {value}")
        out.append(value)
    if not out:
        raise ValueError("no partner values: the indicator needs at least one partner")
    if max(out) == 0:
        raise ValueError("all partner values are zero, so shares are undefined")
    return out


def partner_shares(values) -> list[float]:
    """Shares of each value in their sum (scaled first, so huge numbers cannot overflow)."""
    vals = _values(values)
    top = max(vals)
    scaled = [v / top for v in vals]
    total = math.fsum(scaled)
    return [s / total for s in scaled]


def hhi(values) -> float:
    """Herfindahl–Hirschman index of the partner values' shares: 1/n <= HHI <= 1."""
    shares = partner_shares(values)
    h = math.fsum(s * s for s in shares)
    return min(max(h, 1.0 / len(shares)), 1.0)


def hedging_index(values) -> float:
    """One minus the HHI of partner shares.

    0 means all trade with one partner; the maximum, 1 - 1/n, is reached when
    n partners have equal shares. It is always at least 0 and below 1. The
    value depends on which partners are counted, so state the partner set.
    """
    n = len(_values(values))
    return min(max(1.0 - hhi(values), 0.0), 1.0 - 1.0 / n)


def effective_partners(values) -> float:
    """1 / HHI: the number of equal-sized partners that would give the same concentration (1 to n)."""
    return min(max(1.0 / hhi(values), 1.0), float(len(_values(values))))


# -- shares by country and year ----------------------------------------------

def partner_table(country: str, year: int, basis: str = "recorded", turkiye_factor: float = 1.0) -> pd.DataFrame:
    """Partners of ``country`` in ``year`` with their trade (USD million) and share under ``basis``.

    ``turkiye_factor`` multiplies trade with Türkiye (a what-if; 1 = as recorded). Under ``"total"``
    the extra trade is added to the total and the not-itemised block is unchanged.
    Raises ``ValueError`` for an unknown country or basis, a year without partner data, or (for
    ``"total"``) a country-year without a reported total.
    """
    _check_country(country)
    _check_basis(basis)
    factor = _check_factor(turkiye_factor)
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        raise TypeError(f"year must be a whole number, not {type(year).__name__}")
    rows = trade()
    rows = rows[(rows["country"] == country) & (rows["year"] == int(year))]
    parts = rows[rows["partner"] != TOTAL][["partner", "trade_usd_million"]].copy()
    if parts.empty:
        raise ValueError(f"no partner figures for {country} in {year}")
    recorded = float(parts["trade_usd_million"].sum())
    parts["trade_usd_million"] = parts["trade_usd_million"].astype(float)
    parts.loc[parts["partner"] == "Türkiye", "trade_usd_million"] *= factor
    if basis == "total":
        total = rows.loc[rows["partner"] == TOTAL, "trade_usd_million"]
        if total.empty:
            raise ValueError(f"the dataset has no reported total for {country} in {year}, "
                             "so shares of total cannot be computed")
        rest = float(total.iloc[0]) - recorded
        if rest < 0:
            raise DataError("central_asia_trade", f"{country} {year}: partners add up to more than the total")
        parts = pd.concat([parts, pd.DataFrame({"partner": [REST], "trade_usd_million": [rest]})],
                          ignore_index=True)
    parts["share"] = partner_shares(parts["trade_usd_million"])
    return parts.reset_index(drop=True)


def years_with_data(country: str, basis: str = "recorded") -> list[int]:
    """Years where the indicator can be computed: at least two components under ``basis``."""
    _check_country(country)
    _check_basis(basis)
    rows = trade()
    rows = rows[rows["country"] == country]
    out = []
    for year, group in rows.groupby("year"):
        n = int((group["partner"] != TOTAL).sum())
        has_total = bool((group["partner"] == TOTAL).any())
        if (basis == "recorded" and n >= 2) or (basis == "total" and has_total and n >= 1):
            out.append(int(year))
    return out


def hedging_by_year(country: str, basis: str = "recorded", turkiye_factor: float = 1.0) -> pd.DataFrame:
    """Hedging index, effective number of partners and the partners counted, per computable year."""
    records = []
    for year in years_with_data(country, basis):
        table = partner_table(country, year, basis, turkiye_factor)
        values = table["trade_usd_million"]
        records.append({"country": country, "year": year, "basis": basis,
                        "partners": ", ".join(table["partner"]), "n": len(table),
                        "hedging_index": hedging_index(values), "effective_partners": effective_partners(values),
                        "largest": table.loc[table["share"].idxmax(), "partner"]})
    return pd.DataFrame(records, columns=["country", "year", "basis", "partners", "n", "hedging_index",
                                          "effective_partners", "largest"])


# -- explorer 1: partner shares and the hedging index -----------------------------

_CHART_COLUMNS = ["kind", "year", "partner", "trade_usd_million", "share", "y0", "y1", "ymid", "label", "text_colour"]


def shares_model(country: str = "Kazakhstan", basis: str = "recorded", turkiye_factor: float = 1.0) -> pd.DataFrame:
    """Rows for the explorer: bar segments per year and partner, one headline per year, or a note.

    Never raises for valid control values; a country-basis pair without data gives a single note row.
    """
    years = years_with_data(country, basis)
    rows = []
    for year in years:
        table = partner_table(country, year, basis, turkiye_factor)
        y0 = 0.0
        for rec in table.itertuples(index=False):
            y1 = y0 + rec.share
            label = f"{rec.partner} {rec.share:.0%}" if rec.share >= 0.07 else ""
            rows.append({"kind": "segment", "year": str(year), "partner": rec.partner,
                         "trade_usd_million": rec.trade_usd_million, "share": rec.share, "y0": y0, "y1": y1,
                         "ymid": (y0 + y1) / 2, "label": label,
                         "text_colour": "white" if rec.partner in _DARK else "black"})
            y0 = y1
        values = table["trade_usd_million"]
        rows.append({"kind": "headline", "year": str(year), "partner": None, "trade_usd_million": float(values.sum()),
                     "share": 1.0, "y0": 1.0, "y1": 1.0, "ymid": 1.0,
                     "label": f"1−HHI {hedging_index(values):.2f}\n≈{effective_partners(values):.1f} equal partners",
                     "text_colour": "black"})
    if not rows:
        why = ("has no reported world total in the dataset,\nso shares of total cannot be computed.\n"
               "Choose 'Partners recorded that year' instead.") if basis == "total" else \
            "has fewer than two partners recorded in every year."
        rows.append({"kind": "note", "year": None, "partner": None, "trade_usd_million": None, "share": None,
                     "y0": None, "y1": None, "ymid": None, "label": f"{country} {why}", "text_colour": "black"})
    return pd.DataFrame(rows, columns=_CHART_COLUMNS)


def _explorer_model(country: str = "Kazakhstan", basis: str = "recorded", turkiye_pct: float = 100) -> pd.DataFrame:
    """The explorer's model: :func:`shares_model` with the Türkiye what-if given in percent."""
    return shares_model(country, basis, _check_factor(turkiye_pct) / 100)


def _shares_view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    domain = [*PARTNERS, REST]
    colours = [PARTNER_COLOURS[p] for p in domain]
    base = alt.Chart()
    x = alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0))
    bars = base.transform_filter("datum.kind == 'segment'").mark_bar(size=70, stroke="white", strokeWidth=1).encode(
        x=x,
        y=alt.Y("y0:Q", title="Share of the trade counted (%)", scale=alt.Scale(domain=[0, 1.22], nice=False),
                axis=alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1])),
        y2="y1:Q",
        color=alt.Color("partner:N", title="Partner", scale=alt.Scale(domain=domain, range=colours)),
        tooltip=[alt.Tooltip("year:N", title="Year"), alt.Tooltip("partner:N", title="Partner"),
                 alt.Tooltip("trade_usd_million:Q", title="Trade (USD million)", format=",.0f"),
                 alt.Tooltip("share:Q", title="Share", format=".1%")],
    )
    labels = base.transform_filter("datum.kind == 'segment' && datum.label != ''").mark_text(
        fontSize=11, fontWeight="bold").encode(
        x=x, y="ymid:Q", text="label:N",
        color=alt.Color("text_colour:N", scale=alt.Scale(domain=["white", "black"], range=["#ffffff", "#1a1a1a"]),
                        legend=None))
    heads = base.transform_filter("datum.kind == 'headline'").mark_text(
        dy=-24, fontSize=11, lineBreak="\n", baseline="top").encode(
        x=x, y="y1:Q", text="label:N")
    note = base.transform_filter("datum.kind == 'note'").mark_text(fontSize=13, align="center", lineBreak="\n").encode(
        x=alt.value(290), y=alt.value(150), text="label:N")
    return alt.layer(bars, labels, heads, note, data=frame).resolve_scale(color="independent").properties(
        width=580, height=320)


def _shares_summary(frame: pd.DataFrame) -> str:
    heads = frame[frame["kind"] == "headline"]
    if heads.empty:
        return frame["label"].iloc[0].replace("\n", " ")
    return "Hedging index by year: " + "; ".join(f"{r.year}: {r.label}".replace("\n", ", ")
                                                 for r in heads.itertuples()) + "."


def explorer() -> Explorer:
    """Partner shares over time and the hedging index, per country and basis, with a Türkiye what-if."""
    data = trade()
    return Explorer(
        title="How spread are Kazakhstan's and Uzbekistan's trade partners?",
        description=("Stacked bars show, for each year with enough data, the share of each partner in the trade "
                     "counted; the label above each bar gives the hedging index (one minus the Herfindahl index, "
                     "0 = one partner only) and the equivalent number of equal-sized partners. Choose a country, "
                     "what counts as the whole (the partners recorded that year, or the reported world total with "
                     "everything not itemised in one grey block, available for Uzbekistan only), and a what-if "
                     "level for trade with Türkiye (100% = as recorded). Partner coverage differs by year, so compare years only "
                     "when the same partners are shown."),
        controls=[
            Choice("country", "Country", COUNTRIES, default="Kazakhstan", radio=True),
            Choice("basis", "What counts as the whole", list(BASES), labels=list(BASES.values())),
            # Whole-number steps on purpose: the toolkit's FloatSlider readout format is rejected by
            # ipywidgets 8 (".2~f"), so the what-if is expressed in percent of the recorded level.
            Slider("turkiye_pct", "Trade with Türkiye, as % of the recorded level", 100, 500, 50, 100, unit="%"),
        ],
        model=_explorer_model,
        view=_shares_view,
        source=source_line(data),
        summary=_shares_summary,
    )


# -- explorer 2: the membership matrix ----------------------------------------------

def _check_tie(tie) -> str:
    if tie not in TIES:
        raise ValueError(f"unknown tie level {tie!r}; choose one of {', '.join(TIES)}")
    return tie


def camps_engaged(tie: str = "any") -> pd.Series:
    """Number of the four vectors (camps) each country has at least one counted tie with, 0 to 4."""
    statuses = TIES[_check_tie(tie)][1]
    m = memberships()
    counted = m[m["status"].isin(statuses)]
    out = counted.groupby("country")["camp"].nunique()
    return out.reindex(MEMBER_COUNTRIES, fill_value=0).astype(int)


def membership_model(tie: str = "any") -> pd.DataFrame:
    """One row per country and organisation (plus a column with the number of vectors engaged)."""
    statuses = TIES[_check_tie(tie)][1]
    m = memberships()
    weak = set(TIES["any"][1])
    cells = pd.DataFrame({
        "country": m["country"], "column": m["organisation"], "camp": m["camp"], "status": m["status"],
        "label": m["code"], "since": m["since"].fillna(""), "note": m["note"].fillna(""),
    })
    cells["tie"] = [("Counts as a tie" if s in statuses else "Weaker tie, not counted" if s in weak
                     else "No tie or former member") for s in m["status"]]
    cells["text_colour"] = ["white" if t == "Counts as a tie" else "black" for t in cells["tie"]]
    counts = camps_engaged(tie)
    totals = pd.DataFrame({"country": counts.index, "column": CAMPS_COLUMN, "camp": "",
                           "status": "", "label": [str(v) for v in counts.to_numpy()], "since": "",
                           "note": [f"Vectors engaged: {v} of 4" for v in counts.to_numpy()],
                           "tie": "Number of vectors", "text_colour": "black"})
    return pd.concat([cells, totals], ignore_index=True)


def _membership_view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    x = alt.X("column:N", title=None, sort=[*ORGANISATIONS, CAMPS_COLUMN],
              axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold"))
    y = alt.Y("country:N", title=None, sort=MEMBER_COUNTRIES)
    ties = ["Counts as a tie", "Weaker tie, not counted", "No tie or former member", "Number of vectors"]
    rect = alt.Chart().mark_rect(stroke="white", strokeWidth=2).encode(
        x=x, y=y,
        color=alt.Color("tie:N", title="Cell", scale=alt.Scale(domain=ties,
                        range=["#0072B2", "#A6CEE3", "#F2F2F2", "#FFFFFF"])),
        tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("column:N", title="Organisation"),
                 alt.Tooltip("camp:N", title="Vector"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("since:N", title="Since"), alt.Tooltip("note:N", title="Note")],
    )
    text = alt.Chart().mark_text(fontSize=12, fontWeight="bold").encode(
        x=x, y=y, text="label:N",
        color=alt.Color("text_colour:N", scale=alt.Scale(domain=["white", "black"], range=["#ffffff", "#1a1a1a"]),
                        legend=None))
    return alt.layer(rect, text, data=frame).resolve_scale(color="independent").properties(width=600, height=330)


def _membership_summary(frame: pd.DataFrame) -> str:
    totals = frame[frame["column"] == CAMPS_COLUMN]
    best = totals.loc[totals["label"].astype(int) == totals["label"].astype(int).max(), "country"]
    return f"Most vectors engaged ({totals['label'].astype(int).max()} of 4): {', '.join(best)}."


def membership_explorer() -> Explorer:
    """Who belongs to what: the membership matrix, with a choice of which ties count."""
    counts = camps_engaged("any")
    top = ", ".join(counts[counts == counts.max()].index)
    low = ", ".join(counts[counts == counts.min()].index)
    return Explorer(
        title="Who belongs to what: ten states and eight organisations",
        description=("Matrix of ten countries (rows) and eight organisations (columns): OTS, CSTO, EAEU, CIS, SCO, "
                     "NATO, NATO's Partnership for Peace and the EU. Letters give the status: M member, A associate "
                     "member, C candidate, P partner, DP dialogue partner, O observer, F former or suspended member, "
                     "– none. Dark cells count as a tie under the chosen rule. The last column counts how many of four "
                     "vectors (Turkic; Russia-centred: CSTO, EAEU, CIS; China–Russia: SCO; Euro-Atlantic: NATO, PfP, "
                     "EU) a country is tied to. When any formal tie counts, "
                     f"{top} reach {counts.max()} of 4 and {low} {counts.min()}."),
        controls=[Choice("tie", "Count as a tie", list(TIES), default="any", labels=[v[0] for v in TIES.values()])],
        model=membership_model,
        view=_membership_view,
        source=source_line(load("regional_memberships")),
        summary=_membership_summary,
    )


# -- figures ---------------------------------------------------------------------------

def uzbekistan_shares() -> pd.DataFrame:
    """Uzbekistan's trade with each itemised partner as a share of its reported total, by year."""
    t = trade()
    u = t[t["country"] == "Uzbekistan"]
    totals = u[u["partner"] == TOTAL].set_index("year")["trade_usd_million"]
    parts = u[(u["partner"] != TOTAL) & u["year"].isin(totals.index)].copy()
    parts["share"] = parts["trade_usd_million"].to_numpy() / totals.loc[parts["year"]].to_numpy()
    parts["year"] = parts["year"].astype(int)
    return parts.reset_index(drop=True)


def uzbekistan_figure():
    """Line chart: shares of Uzbekistan's total trade by partner, 2021–2024 (only years with a total)."""
    d = uzbekistan_shares()
    cr = d[d["partner"].isin(["China", "Russia"])].groupby("year")["share"].agg(["sum", "count"])
    both = cr[cr["count"] == 2]["sum"]
    present = [p for p in PARTNERS if p in set(d["partner"])]
    chart = alt.Chart(d).mark_line(point=alt.OverlayMarkDef(size=90, filled=True)).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", title="Share of Uzbekistan's reported total trade (%)", axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, max(0.3, float(d["share"].max()) * 1.1)])),
        color=alt.Color("partner:N", title="Partner", scale=alt.Scale(domain=present,
                        range=[PARTNER_COLOURS[p] for p in present])),
        shape=alt.Shape("partner:N", title="Partner", scale=shape_scale(present)),
        strokeDash=alt.StrokeDash("partner:N", title="Partner", scale=dash_scale(present)),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("partner:N", title="Partner"),
                 alt.Tooltip("trade_usd_million:Q", title="Trade (USD million)", format=",.0f"),
                 alt.Tooltip("share:Q", title="Share of total", format=".1%")],
    )
    last = d.sort_values("year").groupby("partner", as_index=False).last()
    names = alt.Chart(last).mark_text(align="left", dx=9, fontSize=12).encode(
        x="year:O", y="share:Q", text="partner:N")
    chart = (chart + names).properties(width=520, height=280)
    points = "; ".join(f"{r.partner} {r.year}: {r.share:.1%}" for r in d.itertuples())
    pairs = list(both.items())
    title = (f"China and Russia together accounted for {pairs[0][1]:.0%} of Uzbekistan's reported trade in "
             f"{pairs[0][0]}" + "".join(f" and {v:.0%} in {y}" for y, v in pairs[1:]))
    description = (f"Lines with distinct markers and dashes show each partner's share of Uzbekistan's reported "
                   f"total trade, for the years with a total ({d['year'].min()}–{d['year'].max()}). Points: {points}. "
                   "A partner with no point in a year has no figure in the dataset for that year; it is not zero.")
    return figure(chart, title=title, description=description, data=d)


def kazakhstan_figure():
    """Grouped bars: Kazakhstan's recorded trade by partner and year (USD billion)."""
    t = trade()
    k = t[(t["country"] == "Kazakhstan") & (t["partner"] != TOTAL)].copy()
    k["usd_bn"] = k["trade_usd_million"] / 1000
    k["year"] = k["year"].astype(int).astype(str)
    y22 = k[k["year"] == "2022"].set_index("partner")["usd_bn"]
    y23 = k[k["year"] == "2023"].set_index("partner")["usd_bn"]
    lead22 = y22.idxmax()
    lead22 = "the EU, counted as one bloc," if lead22 == "EU" else lead22
    china_over = y23.get("China", 0) > y23.get("Russia", float("inf")) and y22.get("China", 0) < y22.get("Russia", 0)
    title = f"In 2022 {lead22} was Kazakhstan's largest recorded partner" + (
        "; in 2023 China overtook Russia" if china_over else "")
    years = sorted(k["year"].unique())
    chart = alt.Chart(k).mark_bar().encode(
        x=alt.X("partner:N", title="Partner", sort=PARTNERS, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("year:N", sort=years),
        y=alt.Y("usd_bn:Q", title="Trade turnover (USD billion, current)"),
        color=alt.Color("year:N", title="Year", scale=colour_scale(years)),
        tooltip=[alt.Tooltip("partner:N", title="Partner"), alt.Tooltip("year:N", title="Year"),
                 alt.Tooltip("usd_bn:Q", title="USD billion", format=".1f")],
    )
    text = alt.Chart(k).mark_text(dy=-7, fontSize=10).encode(
        x=alt.X("partner:N", sort=PARTNERS), xOffset=alt.XOffset("year:N", sort=years), y="usd_bn:Q",
        text=alt.Text("year:N"))
    bars = "; ".join(f"{r.partner} {r.year}: {r.usd_bn:.1f}" for r in k.itertuples())
    missing = [f"{p} {y}" for y in years for p in PARTNERS if not ((k["year"] == y) & (k["partner"] == p)).any()]
    description = (f"Bars of Kazakhstan's trade turnover in USD billion by partner, one bar per year, each labelled "
                   f"with its year: {bars}. No figure in the dataset (not zero): {', '.join(missing)}.")
    return figure((chart + text).properties(width=520, height=280), title=title, description=description,
                  data=load("central_asia_trade").pipe(lambda df: df[df["country"] == "Kazakhstan"]))


# -- exercises ----------------------------------------------------------------------------

def _values_for(country: str, year: int, partners: Iterable[str] | None = None) -> pd.Series:
    t = trade()
    rows = t[(t["country"] == country) & (t["year"] == year) & (t["partner"] != TOTAL)]
    if partners is not None:
        rows = rows[rows["partner"].isin(list(partners))]
    return rows.set_index("partner")["trade_usd_million"]


def uzbekistan_2024_index() -> float:
    return hedging_index(_values_for("Uzbekistan", 2024))


def kazakhstan_2022_ranking() -> list[str]:
    return list(_values_for("Kazakhstan", 2022).sort_values(ascending=False).index)


def eu_turkiye_ratio(country: str = "Kazakhstan", year: int = 2022) -> float:
    v = _values_for(country, year)
    return float(v["EU"] / v["Türkiye"])


def common_partners(country: str = "Kazakhstan", years=(2022, 2023)) -> list[str]:
    sets = [set(_values_for(country, y).index) for y in years]
    common = set.intersection(*sets)
    return [p for p in PARTNERS if p in common]


def common_partner_change(country: str = "Kazakhstan", years=(2022, 2023)) -> float:
    partners = common_partners(country, years)
    a, b = (hedging_index(_values_for(country, y, partners)) for y in years)
    return b - a


def recorded_change(country: str = "Kazakhstan", years=(2022, 2023)) -> float:
    a, b = (hedging_index(_values_for(country, y)) for y in years)
    return b - a


_ALIASES = {"turkey": "turkiye", "turkiye": "turkiye", "european union": "eu", "eu": "eu", "eu27": "eu",
            "eu 27": "eu", "prc": "china", "russian federation": "russia"}


def _canon(name: str) -> str:
    import unicodedata

    key = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower().strip(" .'\"")
    key = " ".join(key.replace("-", " ").split())
    return _ALIASES.get(key, key)


class RankingExercise:
    """Put items in order (largest first). Accepts a list or a comma-separated string; explains slips.

    The toolkit has no ordering exercise, so this one lives in the chapter; it has the same
    ``id``/``check`` interface as the toolkit's exercises.
    """

    def __init__(self, id: str, expected, noun: str = "partners", hint: str = "", explanation: str = "",
                 swapped: dict | None = None):
        self.id, self.expected, self.noun, self.hint, self.explanation = id, expected, noun, hint, explanation
        self.swapped = swapped or {}

    def check(self, answer) -> Feedback:
        if answer is Ellipsis or answer is None:
            return Feedback(False, f"Replace the ... with a list of {self.noun}, largest first, e.g. "
                                   "['China', 'Russia', ...].", self.hint, "missing")
        if isinstance(answer, str):
            items = [a for a in answer.replace(";", ",").replace(">", ",").split(",") if a.strip()]
        else:
            try:
                items = list(answer)
            except TypeError:
                return Feedback(False, f"Give a list of {self.noun} in square brackets, largest first.", "", "invalid")
        if any(not isinstance(i, str) for i in items):
            return Feedback(False, "Every entry should be a partner name in quotes, such as 'EU'.", "", "invalid")
        want = [_canon(p) for p in self.expected()]
        got = [_canon(p) for p in items]
        if got == want:
            return Feedback(True, self.explanation or "That is the right order.")
        if len(set(got)) != len(got):
            return Feedback(False, "A partner appears twice in your list.", self.hint)
        unknown = [i for i, g in zip(items, got, strict=True) if g not in want]
        if unknown:
            return Feedback(False, f"Not a partner recorded for this year: {', '.join(map(str, unknown))}. "
                                   f"Use the names in the 'partner' column.", self.hint)
        if len(got) < len(want):
            return Feedback(False, f"{len(want) - len(got)} of the {len(want)} {self.noun} are missing.", self.hint)
        if got == list(reversed(want)):
            return Feedback(False, "You listed them from smallest to largest; put the largest first.", self.hint)
        wrong = [i for i, (g, w) in enumerate(zip(got, want, strict=False)) if g != w]
        key = tuple(sorted(got[i] for i in wrong))
        if key in self.swapped:
            return Feedback(False, self.swapped[key], self.hint)
        first = wrong[0] + 1
        return Feedback(False, f"The first {first - 1} place(s) are right; from place {first} on the order is off.",
                        self.hint)


register(
    NumberExercise(
        "ch5-hedging-uzb-2024", expected=uzbekistan_2024_index, abs_tol=0.005,
        hint="Select Uzbekistan, 2024 and every partner except 'Total'; divide each value by their sum; "
             "square the shares, add them up, and subtract the sum from 1.",
        explanation="Two large partners and a smaller third give an index not far below the maximum that "
                    "three equal partners would reach (1 − 1/3).",
        near=[(lambda: hhi(_values_for("Uzbekistan", 2024)),
               "That is the Herfindahl index itself. The hedging indicator is one minus it."),
              (lambda: hedging_index([*_values_for("Uzbekistan", 2024),
                                      float(trade().query("country == 'Uzbekistan' and year == 2024 and "
                                                          "partner == 'Total'")["trade_usd_million"].iloc[0])]),
               "You counted the 'Total' row as if it were a partner. Leave it out: it is the sum of all partners."),
              (lambda: hedging_index(partner_table("Uzbekistan", 2024, "total")["trade_usd_million"]),
               "You took shares of the reported total, with the rest as one block. That is a fair variant "
               "(the 'go further' idea), but this exercise counts only the three partners recorded."),
              (lambda: hedging_index(_values_for("Uzbekistan", 2024)[["China", "Russia"]]),
               "You used only China and Russia; the question asks for all three partners recorded in 2024.")],
    ),
    RankingExercise(
        "ch5-rank-kaz-2022", expected=kazakhstan_2022_ranking,
        hint="Filter Kazakhstan and 2022, then sort by trade_usd_million from largest to smallest.",
        explanation="The EU counts as one partner here: as a bloc of 27 states it outweighs both neighbours.",
        swapped={("china", "russia"): "Russia and China are swapped: in 2022 Russia was still slightly ahead "
                                      "in the Kazakh figures (China overtook it in 2023).",
                 ("eu", "russia"): "The EU and Russia are swapped: counted as one bloc, the EU was larger."},
    ),
    NumberExercise(
        "ch5-eu-turkiye-ratio", expected=eu_turkiye_ratio, rel_tol=0.01, unit="times",
        hint="Pick Kazakhstan's 2022 rows for 'EU' and 'Türkiye' and divide the first value by the second.",
        explanation="Kazakhstan's direct trade with the EU was several times its trade with Türkiye.",
        near=[(lambda: 1 / eu_turkiye_ratio(),
               "You divided Türkiye by the EU; the question asks how many times larger the EU figure is."),
              (lambda: (eu_turkiye_ratio() * _values_for("Kazakhstan", 2022)["Türkiye"]
                        - _values_for("Kazakhstan", 2022)["Türkiye"]) / 1000,
               "That is the difference in USD billion, not the ratio. Divide instead of subtracting.")],
    ),
    ChoiceExercise(
        "ch5-claim-verdict",
        options={
            "a": "The ratio refutes the reading: Türkiye plays no role in linking Central Asia to Europe.",
            "b": "The ratio shows that Kazakhstan already trades with the EU directly and on a far larger scale, so "
                 "Türkiye is not a necessary commercial gateway; trade values cannot test the reading's claims "
                 "about routes, politics or example.",
            "c": "The ratio confirms the reading: Türkiye is Kazakhstan's path to Europe.",
        },
        correct="b",
        feedback={
            "a": "Too strong. Trade values say nothing about transit routes (the Middle Corridor crosses the "
                 "Caucasus and can continue through Türkiye) or about political influence.",
            "b": "Yes. On trade, the coupling runs mostly without Türkiye; the claim may still hold for routes or "
                 "politics, which need other evidence.",
            "c": "The data point the other way: most of Kazakhstan's European trade does not go through Türkiye "
                 "as a partner at all.",
        },
        hint="Ask what a ratio of two bilateral trade values can and cannot tell you about a 'path'.",
    ),
    NumberExercise(
        "ch5-common-partners", expected=common_partner_change, abs_tol=0.004,
        hint="Keep only China, Russia and Türkiye (the partners recorded in both years), compute the index for "
             "2022 and for 2023, then subtract 2022 from 2023.",
        explanation="On a like-for-like basis the index barely moved: China's growth made the three-partner "
                    "mix a little more concentrated.",
        near=[(recorded_change,
               "You compared all partners recorded each year. The EU has no 2023 figure, so most of that "
               "drop is an artefact of missing data: use the partners recorded in both years."),
              (lambda: -common_partner_change(),
               "Right size, wrong sign: subtract the 2022 index from the 2023 index.")],
    ),
)


# -- quiz -----------------------------------------------------------------------------

def _status(country: str, organisation: str) -> pd.Series:
    m = memberships()
    return m[(m["country"] == country) & (m["organisation"] == organisation)].iloc[0]


def quiz() -> Quiz:
    m = memberships()
    ots_founded = int(_status("Türkiye", "OTS")["since"])
    ots_full = int(((m["organisation"] == "OTS") & (m["status"] == "member") & m["country"].isin(CENTRAL_ASIA)).sum())
    ots_non_full = ", ".join(m[(m["organisation"] == "OTS") & (m["status"] != "member")
                               & m["country"].isin(CENTRAL_ASIA)]["country"])
    uzb_eaeu = _status("Uzbekistan", "EAEU")
    hun_ots = _status("Hungary", "OTS")
    china23 = uzbekistan_shares().query("partner == 'China' and year == 2023")["share"].iloc[0] * 100
    return Quiz("ch5", [
        Numeric("In which year was the Cooperation Council of Turkic Speaking States, today's Organization of "
                "Turkic States, founded?", ots_founded, 0, "",
                "The Nakhchivan Agreement was signed on 3 October 2009; the body took its present name in 2021."),
        Numeric("How many of the five Central Asian states are full members of the Organization of Turkic States?",
                ots_full, 0, "states",
                f"Kazakhstan, Kyrgyzstan and Uzbekistan are members; not full members: {ots_non_full}."),
        MultipleChoice("Uzbekistan keeps its distance from Russia-led bodies. Which statement matches the data?", [
            Option("Its CSTO membership is suspended, and it is only an observer in the EAEU", True,
                   f"Its CSTO membership was suspended in 2012 at its own request, and it became an EAEU "
                   f"observer in {uzb_eaeu['since']}."),
            Option("It is a full member of both the CSTO and the EAEU", False,
                   "Kazakhstan is; Uzbekistan suspended its CSTO membership in 2012 and only observes the EAEU."),
            Option("It belongs to neither the CIS nor the SCO", False,
                   "It is a member of both; it was a founding member of the SCO in 2001."),
        ]),
        Numeric("What share of Uzbekistan's reported total trade was with China in 2023? Answer in percent, "
                "one decimal.", round(china23, 1), 0.2, "%",
                "China's figure divided by Uzbekistan's reported world total for 2023."),
        MultipleChoice("A country trades with exactly one partner. What is its hedging index (1 − HHI)?", [
            Option("0", True, "One partner has a share of 1, so the HHI is 1 and the index is 0."),
            Option("1", False, "1 would need infinitely many tiny partners; one partner gives the opposite."),
            Option("0.5", False, "0.5 is the maximum for two equal partners."),
        ]),
        MultipleChoice("Which EU member state takes part in the Organization of Turkic States?", [
            Option(f"Hungary, as an observer since {hun_ots['since']}", True,
                   "Hungary is the only EU member state in the OTS, a link between the two that bypasses Ankara."),
            Option("Cyprus, as an observer", False,
                   "Cyprus objected in 2022 when the Turkish Cypriot administration was given observer status."),
            Option("None", False, "Look at the OTS column of the membership explorer."),
        ]),
        MultipleChoice("Why can the chapter not compute partners' shares of Kazakhstan's total trade?", [
            Option("The dataset holds no reported world total for Kazakhstan", True,
                   "Without a total, shares can only be taken of the partners recorded, which changes between years."),
            Option("Kazakhstan does not publish trade statistics", False,
                   "It does; the course could not find a retrievable source for the yearly total, so it left the "
                   "row out rather than estimate it."),
            Option("The EU is not a country", False, "Blocs can be partners; the EU is one row in the data."),
        ]),
    ], title="Self-check quiz: Chapter 5")
