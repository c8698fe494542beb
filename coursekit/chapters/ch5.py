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
from ..data import DataError, cached, load, source_line
from ..explorer import Choice, Explorer, Slider

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

@cached
def trade() -> pd.DataFrame:
    """The trade dataset, sorted by country, year and partner (Total last)."""
    df = load("central_asia_trade")
    order = {p: i for i, p in enumerate([*PARTNERS, TOTAL])}
    df = df.assign(_o=df["partner"].map(order)).sort_values(["country", "year", "_o"], kind="stable")
    return df.drop(columns="_o").reset_index(drop=True)


@cached
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

@cached
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


# -- the Middle Corridor ------------------------------------------------------------------

@cached
def corridor() -> pd.DataFrame:
    """Cargo carried on the Trans-Caspian International Transport Route, by year (Kazakh ministry series)."""
    return load("middle_corridor_cargo").sort_values("year").reset_index(drop=True)


def corridor_change(first: int, last: int) -> float:
    """Change in cargo on the route from ``first`` to ``last``, in percent of the ``first`` year's volume."""
    volumes = corridor().set_index("year")["cargo_mt"]
    for year in (first, last):
        if isinstance(year, bool) or not isinstance(year, numbers.Integral):
            raise TypeError(f"year must be a whole number, not {type(year).__name__}")
        if year not in volumes.index:
            raise ValueError(f"no corridor volume for {year}; the series covers "
                             f"{volumes.index.min()}–{volumes.index.max()}")
    return float((volumes[last] / volumes[first] - 1) * 100)


def corridor_figure():
    """Bars: cargo on the Middle Corridor by year, in million tonnes."""
    d = corridor()
    d = d.assign(label=d["year"].astype(str))
    peak = d.loc[d["cargo_mt"].idxmax()]
    last = d.iloc[-1]
    fell = last["cargo_mt"] < peak["cargo_mt"]
    title = (f"Cargo on the Middle Corridor grew about {peak['cargo_mt'] / d['cargo_mt'].iloc[0]:.0f}-fold to "
             f"{int(peak['year'])}" + (f", then fell in {int(last['year'])}" if fell else ""))
    bars = alt.Chart(d).mark_bar(color=PARTNER_COLOURS["Russia"]).encode(
        x=alt.X("label:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cargo_mt:Q", title="Cargo (million tonnes)"),
        tooltip=[alt.Tooltip("label:N", title="Year"), alt.Tooltip("cargo_mt:Q", title="Million tonnes", format=".2f")],
    )
    text = alt.Chart(d).mark_text(dy=-7, fontSize=11).encode(
        x="label:O", y="cargo_mt:Q", text=alt.Text("cargo_mt:Q", format=".1f"))
    values = "; ".join(f"{int(r.year)}: {r.cargo_mt:.2f}" for r in d.itertuples())
    description = (f"Bars of cargo carried on the Trans-Caspian International Transport Route each year, in million "
                   f"tonnes, as counted by Kazakhstan's Ministry of Transport: {values}.")
    return figure((bars + text).properties(width=480, height=260), title=title, description=description, data=d)


# -- facts: what the content file's answers and texts name -------------------------------------------

#: Timeline titles for the ordering exercise on the South Caucasus route.
CORRIDOR_EVENTS = ("Azerbaijani offensive and exodus from Karabakh", "First EU-Central Asia summit",
                   "Armenia and Azerbaijan sign Washington declaration", "OTS summit in Gabala")


def recorded_values(country: str, year: int, partners: Iterable[str] | None = None) -> pd.Series:
    """Trade (USD million) by partner for ``country`` in ``year``, without the Total row; optionally some partners."""
    _check_country(country)
    t = trade()
    rows = t[(t["country"] == country) & (t["year"] == year) & (t["partner"] != TOTAL)]
    if partners is not None:
        rows = rows[rows["partner"].isin(list(partners))]
    if rows.empty:
        raise ValueError(f"no partner figures for {country} in {year}")
    return rows.set_index("partner")["trade_usd_million"].astype(float)


def ranking(country: str, year: int) -> list[str]:
    """Recorded partners of ``country`` in ``year``, largest trade first."""
    return list(recorded_values(country, year).sort_values(ascending=False, kind="stable").index)


def common_partners(country: str, years=(2022, 2023)) -> list[str]:
    """Partners with a figure for ``country`` in every one of ``years``, in the course's partner order."""
    common = set.intersection(*(set(recorded_values(country, y).index) for y in years))
    return [p for p in PARTNERS if p in common]


def index_change(country: str, first: int, last: int, like_for_like: bool = True) -> float:
    """Hedging index in ``last`` minus that in ``first``: over the partners recorded in both years, or each year's own."""
    partners = common_partners(country, (first, last)) if like_for_like else None
    a, b = (hedging_index(recorded_values(country, y, partners)) for y in (first, last))
    return b - a


def share_of_total(country: str, year: int, partner: str) -> float:
    """``partner``'s trade as a percentage of ``country``'s reported world total in ``year``."""
    table = partner_table(country, year, "total")
    row = table[table["partner"] == partner]
    if row.empty:
        raise ValueError(f"no figure for {partner} in {country}'s {year} data")
    return float(row["share"].iloc[0] * 100)


def status(country: str, organisation: str) -> pd.Series:
    """The membership row of ``country`` in ``organisation``."""
    m = memberships()
    row = m[(m["country"] == country) & (m["organisation"] == organisation)]
    if row.empty:
        raise ValueError(f"no membership row for {country} in {organisation}")
    return row.iloc[0]


def ots_full_members() -> int:
    """Central Asian states that are full members of the Organization of Turkic States."""
    m = memberships()
    return int(((m["organisation"] == "OTS") & (m["status"] == "member") & m["country"].isin(CENTRAL_ASIA)).sum())


def _timeline_order(titles) -> list[str]:
    from . import ch0

    return ch0.order_of(titles)


def _uzb(year: int) -> pd.Series:
    return recorded_values("Uzbekistan", year)


def _uzb_total(year: int) -> float:
    t = trade()
    return float(t.query("country == 'Uzbekistan' and year == @year and partner == 'Total'")["trade_usd_million"].iloc[0])


FACTS = {
    # the hedging indicator, Uzbekistan 2024
    "uzb_index_2024": lambda: hedging_index(_uzb(2024)),
    "uzb_hhi_2024": lambda: hhi(_uzb(2024)),
    "uzb_index_2024_with_total": lambda: hedging_index([*_uzb(2024), _uzb_total(2024)]),
    "uzb_index_2024_of_total": lambda: hedging_index(partner_table("Uzbekistan", 2024, "total")["trade_usd_million"]),
    "uzb_index_2024_china_russia": lambda: hedging_index(_uzb(2024)[["China", "Russia"]]),
    "uzb_effective_2024": lambda: effective_partners(_uzb(2024)),
    # Kazakhstan: ranking, EU against Türkiye, like-for-like change
    "kaz_order_2022": lambda: ranking("Kazakhstan", 2022),
    "kaz_largest_2022": lambda: ranking("Kazakhstan", 2022)[0],
    "eu_turkiye_ratio": lambda: float(recorded_values("Kazakhstan", 2022)["EU"] / recorded_values("Kazakhstan", 2022)["Türkiye"]),
    "turkiye_eu_ratio": lambda: float(recorded_values("Kazakhstan", 2022)["Türkiye"] / recorded_values("Kazakhstan", 2022)["EU"]),
    "eu_turkiye_gap_bn": lambda: float(recorded_values("Kazakhstan", 2022)["EU"] - recorded_values("Kazakhstan", 2022)["Türkiye"]) / 1000,
    "kaz_change_like_for_like": lambda: index_change("Kazakhstan", 2022, 2023),
    "kaz_change_like_for_like_reversed": lambda: -index_change("Kazakhstan", 2022, 2023),
    "kaz_change_recorded": lambda: index_change("Kazakhstan", 2022, 2023, like_for_like=False),
    "kaz_china_2023_bn": lambda: recorded_values("Kazakhstan", 2023)["China"] / 1000,
    "kaz_russia_2023_bn": lambda: recorded_values("Kazakhstan", 2023)["Russia"] / 1000,
    # Uzbekistan: shares of the reported total
    "uzb_china_share_2023": lambda: share_of_total("Uzbekistan", 2023, "China"),
    "uzb_russia_share_2025": lambda: round(share_of_total("Uzbekistan", 2025, "Russia"), 1),
    "uzb_total_2025_bn": lambda: _uzb_total(2025) / 1000,
    # memberships
    "ots_founded": lambda: int(status("Türkiye", "OTS")["since"]),
    "ots_full_members": ots_full_members,
    "uzb_eaeu_since": lambda: int(status("Uzbekistan", "EAEU")["since"]),
    "hungary_ots_since": lambda: int(status("Hungary", "OTS")["since"]),
    # the Middle Corridor
    "corridor_change_2025": lambda: corridor_change(2024, 2025),
    "corridor_change_2025_reversed": lambda: corridor_change(2025, 2024),
    "corridor_fall_pct": lambda: -corridor_change(2024, 2025),
    "corridor_drop_mt": lambda: float(corridor().set_index("year")["cargo_mt"].pipe(lambda v: v[2024] - v[2025])),
    "corridor_2024_mt": lambda: float(corridor().set_index("year").loc[2024, "cargo_mt"]),
    "corridor_2025_mt": lambda: float(corridor().set_index("year").loc[2025, "cargo_mt"]),
    "corridor_first_year": lambda: int(corridor()["year"].min()),
    # the timeline
    "corridor_order": lambda: _timeline_order(CORRIDOR_EVENTS),
}
