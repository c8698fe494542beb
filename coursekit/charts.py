"""One look for every chart of the course, and a display that works offline.

Charts are Altair (Vega-Lite 5) specifications. They are displayed with the
MIME type ``application/vnd.vegalite.v5+json``: JupyterLab draws it with the
renderer it ships, with no network, and the book turns it into a chart drawn
by the copies of vega served from the site itself (see ``sphinxext``).

Every figure carries a title that states the finding, a source line built
from the data's provenance, a text description for screen readers and, under
the chart, its numbers as an HTML table ("Show the data"), so that nothing a
tooltip says needs a mouse to be read.

The theme below is the light look. The book's page script
(``coursekit/static/coursekit.js``) fits each chart to its text column and, in
dark mode, overlays a dark configuration on the same spec.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import os
import re

import altair as alt

from .data import source_line

__all__ = ["PALETTE", "MARKS", "Figure", "figure", "clean_spec", "data_table", "data_table_html", "VEGALITE_MIME"]

VEGALITE_MIME = "application/vnd.vegalite.v5+json"

#: Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
#: Point shapes and dash patterns that go with the palette, so that colour is never the only cue.
MARKS = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "stroke", "wedge"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3], [10, 4], [3, 1]]

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@alt.theme.register("coursekit", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "background": "#ffffff",
            "padding": 8,
            "font": _FONT,
            "view": {"continuousWidth": 560, "continuousHeight": 300, "discreteWidth": 560, "discreteHeight": 300, "stroke": None},
            "range": {"category": PALETTE},
            "title": {"fontSize": 15, "fontWeight": 600, "anchor": "start", "color": "#1a1a1a", "offset": 10,
                      "subtitleFontSize": 12, "subtitleColor": "#333333"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#333333", "titleColor": "#1a1a1a",
                     "gridColor": "#e6e6e6", "domainColor": "#666666", "tickColor": "#666666"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#333333", "titleColor": "#1a1a1a",
                       "orient": "bottom", "direction": "horizontal", "labelLimit": 240},
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            "text": {"fontSize": 12, "color": "#1a1a1a"},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
            "bar": {"color": PALETTE[0]},
        }
    }


def clean_spec(obj):
    """The spec with every non-finite number (NaN, ±inf, pandas NA) replaced by null, so it is valid JSON."""
    if isinstance(obj, dict):
        return {k: clean_spec(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean_spec(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if obj is not None and not isinstance(obj, (str, int, float, bool)):
        try:
            import pandas as pd

            if pd.isna(obj):
                return None
        except (TypeError, ValueError):
            pass
    return obj


def live_kernel() -> bool:
    """True in a kernel with a front end that can show live widgets (JupyterLab, Notebook, VS Code).

    ``COURSEKIT_STATIC=1`` (set by ``make book`` and the test suite's notebook runs) asks for the
    kernel-free views only: the book never shows widgets, and creating them in a headless run
    can stall nbclient (jupyter/nbclient#312).
    """
    if os.environ.get("COURSEKIT_STATIC") == "1":
        return False
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _renderer(spec: dict, **_) -> dict:
    description = spec.get("description") or "Chart"
    return {VEGALITE_MIME: clean_spec(spec), "text/plain": description}


alt.renderers.register("coursekit", _renderer)
alt.renderers.enable("coursekit")


class Figure:
    """A chart plus the words that make it usable: finding, source, description.

    In a notebook it displays as two outputs: the chart, then a caption with
    the source line and the text description (collapsed). ``spec`` is the
    Vega-Lite JSON, handy in tests.
    """

    def __init__(self, chart: alt.TopLevelMixin, *, title: str, description: str, source: str):
        if not title or not description:
            raise ValueError("a course figure needs a title that states the finding and a text description")
        self.title = title
        self.description = description
        self.source = source
        self.chart = chart.properties(title=title, description=description)

    @property
    def spec(self) -> dict:
        return clean_spec(self.chart.to_dict())

    def caption_html(self, spec: dict | None = None) -> str:
        return caption_html(self.source, self.description, data_table_html(self.spec if spec is None else spec,
                                                                             self.title, self.source))

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {VEGALITE_MIME: self.spec, "text/plain": f"{self.title}. {self.description} {self.source}"}

    def _ipython_display_(self):
        from IPython.display import HTML, display

        bundle = self._repr_mimebundle_()
        display(bundle, raw=True)
        display(HTML(self.caption_html(bundle[VEGALITE_MIME])))


def caption_html(source: str, description: str, table: str = "") -> str:
    """Caption under a chart: the source line, the text alternative and the data table, each in a disclosure."""
    return (
        '<div class="ck-caption">'
        f'<p class="ck-source">{html.escape(source)}</p>'
        '<details class="ck-alt"><summary>Text description of the chart</summary>'
        f"<p>{html.escape(description)}</p></details>{table}</div>"
    )


# ---------------------------------------------------------------------------------------------------------------
# The numbers behind a chart, as a table
# ---------------------------------------------------------------------------------------------------------------

#: Encoding channels whose fields a reader reads off a chart, in the order the table shows them.
_CHANNELS = ("row", "column", "facet", "y", "x", "y2", "x2", "theta", "latitude", "longitude",
             "color", "fill", "stroke", "shape", "size", "opacity", "text")
_COMPOSITES = ("layer", "vconcat", "hconcat", "concat")
#: Most rows a table shows; a chart drawing more says so under its table.
MAX_TABLE_ROWS = 400


def _units(spec: dict, data=None, filters=()):
    """Every single-view spec with the data it draws (inherited from its parents when it has none) and the
    simple filters (``datum.field == 'value'``) that it and its parents apply."""
    data = spec.get("data", data)
    filters = (*filters, *_simple_filters(spec.get("transform")))
    if "spec" in spec and ("facet" in spec or "repeat" in spec):
        yield from _units(spec["spec"], data, filters)
        if "facet" in spec:
            return
    for key in _COMPOSITES:
        for child in spec.get(key, []) or []:
            yield from _units(child, data, filters)
    if "mark" in spec:
        yield spec, data, filters


_TEST = re.compile(r"""^\s*datum(?:\.(\w+)|\[['"]([^'"]+)['"]\])\s*===?\s*(?:'([^']*)'|"([^"]*)"|(-?[\d.]+)|(true|false))\s*$""")


def _simple_filters(transforms) -> list[tuple[str, object]]:
    """(field, value) pairs from filters that test a field against a constant; other filters (on an
    explorer's parameters, or any expression this cannot read) are left to the chart."""
    out = []
    for t in transforms or []:
        expr = t.get("filter") if isinstance(t, dict) else None
        if isinstance(expr, dict) and isinstance(expr.get("field"), str) and "equal" in expr:
            out.append((expr["field"], expr["equal"]))
        elif isinstance(expr, str):
            for part in expr.split("&&"):
                m = _TEST.match(part.strip().strip("()"))
                if m:
                    name = m.group(1) or m.group(2)
                    if m.group(5) is not None:
                        value = float(m.group(5))
                    elif m.group(6) is not None:
                        value = m.group(6) == "true"
                    else:
                        value = m.group(3) if m.group(3) is not None else m.group(4)
                    out.append((name, value))
    return out


def _rows(data, datasets: dict) -> list[dict]:
    if not isinstance(data, dict):
        return []
    if "values" in data and isinstance(data["values"], list):
        return [r for r in data["values"] if isinstance(r, dict)]
    if "name" in data:
        return [r for r in datasets.get(data["name"], []) if isinstance(r, dict)]
    return []


def _title(enc: dict, field_name: str) -> str:
    title = enc.get("title")
    if title is None and isinstance(enc.get("axis"), dict):
        title = enc["axis"].get("title")
    if title is None and isinstance(enc.get("legend"), dict):
        title = enc["legend"].get("title")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title) if title else field_name.replace("_", " ")


def _fields(unit: dict) -> list[tuple[str, str]]:
    """(field, heading) pairs a reader reads off one view: its tooltip's fields, or else its encoded fields.

    Aggregated channels (a count, a sum) are left out: the chart computes them, the data does not hold them.
    """
    encoding = unit.get("encoding", {}) or {}
    tooltip = encoding.get("tooltip")
    if isinstance(tooltip, dict):
        tooltip = [tooltip]
    chosen = tooltip if isinstance(tooltip, list) and tooltip else [encoding.get(c) for c in _CHANNELS]
    out, seen = [], set()
    for enc in chosen:
        for item in (enc, enc.get("condition") if isinstance(enc, dict) else None):
            if (isinstance(item, dict) and isinstance(item.get("field"), str) and not item.get("aggregate")
                    and item["field"] not in seen):
                seen.add(item["field"])
                out.append((item["field"], _title(item, item["field"])))
    return out


def data_table(spec: dict, state: dict | None = None, data=None) -> tuple[list[tuple[str, str]], list[dict], list]:
    """The numbers a chart draws: ``(columns, rows)`` for its main view.

    The main view is the one whose tooltip lists the most fields (tooltips are where a chart gives exact
    values); without tooltips, the one with the most encoded fields found in its data. Columns are those
    fields, headed by their titles (which carry the units); rows are that view's data, in order. ``state``
    (``{column: value}``) keeps only the rows of one setting, as an explorer's controls pick them. The third
    item lists the ``(field, value)`` filters the view applies, which the page script applies again when it
    refills the table for another setting.
    """
    datasets = spec.get("datasets", {}) or {}
    best, best_key = ([], [], []), (-1, -1, -1)
    for unit, unit_data, filters in _units(spec, data):
        rows = [r for r in _rows(unit_data, datasets) if all(_same(r.get(k), v) for k, v in filters)]
        if not rows:
            continue
        if state:
            rows = [r for r in rows if all(_same(r.get(k), v) for k, v in state.items() if k in r)]
        present = set().union(*(r.keys() for r in rows[:50])) if rows else set()
        fields = [(f, t) for f, t in _fields(unit) if f in present]
        tooltip = bool((unit.get("encoding") or {}).get("tooltip"))
        key = (int(tooltip), len(fields), len(rows))
        if fields and key > best_key:
            best, best_key = (fields, rows, list(filters)), key
    return best


def data_tables(spec: dict, state: dict | None = None) -> list[tuple]:
    """``(heading, columns, rows, filters)`` for each panel of a concatenated chart, or for the one view of any other."""
    panels = next((spec[k] for k in ("vconcat", "hconcat", "concat") if isinstance(spec.get(k), list)), None)
    if not panels:
        return [("", *data_table(spec, state))]
    out = []
    for i, panel in enumerate(panels, 1):
        sub = {**panel, "datasets": spec.get("datasets", {})}
        title = panel.get("title")
        title = title.get("text") if isinstance(title, dict) else title
        title = " ".join(title) if isinstance(title, list) else title
        out.append((str(title or f"Panel {i}"), *data_table(sub, state, spec.get("data"))))
    return [t for t in out if t[1] and t[2]]


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def format_cell(value) -> str:
    """A value as the table shows it: numbers with thousands separators and at most 2 decimals
    (3 below 1), ISO timestamps as dates, missing values as an en dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value):,}"
        digits = 3 if abs(value) < 1 else 2
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    text = str(value)
    if len(text) == 19 and text[4] == "-" and text[10] == "T" and text.endswith("T00:00:00"):
        return text[:10]
    return text


def data_table_html(spec: dict, title: str, source: str, state: dict | None = None, note: str = "") -> str:
    """A collapsible, accessible table of the numbers a chart draws ("Show the data"), or "" if it draws none.

    One table per panel of a concatenated chart. Each column header carries ``data-field`` (the field's
    name), so the page script can refill the body for an explorer's current setting.
    """
    tables = [t for t in data_tables(spec, state) if t[1] and t[2]]
    if not tables:
        return ""
    parts = []
    for heading, columns, rows, filters in tables:
        shown = rows[:MAX_TABLE_ROWS]
        head = "".join(f'<th scope="col" data-field="{html.escape(f)}">{html.escape(t)}</th>' for f, t in columns)
        body = "".join("<tr>" + "".join(
            (f'<th scope="row">{html.escape(format_cell(r.get(f)))}</th>' if j == 0 else
             f"<td>{html.escape(format_cell(r.get(f)))}</td>") for j, (f, _) in enumerate(columns)) + "</tr>"
            for r in shown)
        name = f"{title}: {heading}" if len(tables) > 1 else title
        more = (f'<p class="ck-more">The first {MAX_TABLE_ROWS:,} of {len(rows):,} rows are shown.</p>'
                if len(rows) > MAX_TABLE_ROWS else "")
        parts.append(
            f'<div class="ck-table-wrap" tabindex="0" role="region" aria-label="Data: {html.escape(name)}">'
            f'<table class="ck-table" data-filter="{html.escape(json.dumps(filters))}"><caption>{html.escape(name)}. {html.escape(source)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{more}")
    note_html = f'<p class="ck-state" aria-live="polite">{html.escape(note)}</p>' if note else ""
    return f'<details class="ck-data"><summary>Show the data</summary>{note_html}{"".join(parts)}</details>'


def figure(chart: alt.TopLevelMixin, *, title: str, description: str, data=(), source: str | None = None) -> Figure:
    """Wrap an Altair chart as a course figure.

    ``data`` is one dataset (name or DataFrame) or a sequence of them; the
    source line names exactly the sources their rows come from.
    """
    if source is None:
        items = [data] if isinstance(data, str) or hasattr(data, "attrs") else list(data)
        source = source_line(*items)
    return Figure(chart, title=title, description=description, source=source)


def shape_scale(domain: list[str]) -> alt.Scale:
    """Shapes for a categorical field, to pair with colour."""
    return alt.Scale(domain=domain, range=list(itertools.islice(itertools.cycle(MARKS), len(domain))))


def colour_scale(domain: list[str]) -> alt.Scale:
    return alt.Scale(domain=domain, range=list(itertools.islice(itertools.cycle(PALETTE), len(domain))))


def dash_scale(domain: list[str]) -> alt.Scale:
    return alt.Scale(domain=domain, range=list(itertools.islice(itertools.cycle(DASHES), len(domain))))


# ---------------------------------------------------------------------------------------------------------------
# Layout hints: what the page reserves for a chart before drawing it
# ---------------------------------------------------------------------------------------------------------------

_AXIS_H = 38   # an x axis: ticks, labels and title
_TITLE_H = 22  # a panel title


def _text(value) -> str:
    if isinstance(value, dict):
        value = value.get("text", "")
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return str(value or "")


def _distinct(spec: dict, field_name: str, datasets: dict, data=None) -> int:
    values = set()
    for _unit, unit_data, filters in _units(spec, data):
        for r in _rows(unit_data, datasets):
            if field_name in r and all(_same(r.get(k), v) for k, v in filters):
                values.add(json_key(r[field_name]))
    return len(values)


def json_key(value):
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _plot_height(spec: dict, datasets: dict, data=None) -> float:
    """Height of a view or composition as designed (plot areas, x axes and panel titles; no legends)."""
    data = spec.get("data", data)
    title = _TITLE_H if spec.get("title") else 0
    if isinstance(spec.get("vconcat"), list):
        gap = spec.get("spacing", 20)
        parts = [_plot_height(c, datasets, data) for c in spec["vconcat"]]
        return title + sum(parts) + gap * max(0, len(parts) - 1)
    for key in ("hconcat", "concat"):
        if isinstance(spec.get(key), list):
            return title + max([_plot_height(c, datasets, data) for c in spec[key]] or [0])
    if "facet" in spec and isinstance(spec.get("spec"), dict):
        return title + _plot_height(spec["spec"], datasets, data) + 20  # one row; the page scales it by rows
    height = spec.get("height")
    has_x = False
    x_titled = False
    for unit, _d, _f in _units(spec, data):
        enc = unit.get("encoding", {}) or {}
        x = enc.get("x")
        if isinstance(x, dict) and x.get("axis", {}) is not None and (x.get("field") or x.get("aggregate")):
            has_x = True
            x_titled = x_titled or (x.get("title", "") is not None and (x.get("axis") or {}).get("title", "") is not None)
        if height is None:
            height = unit.get("height")
        if isinstance(height, dict) and "step" in height:
            y = enc.get("y") or {}
            n = _distinct(spec, y["field"], datasets, data) if isinstance(y, dict) and y.get("field") else 0
            if n:
                height = height["step"] * n
    if not isinstance(height, (int, float)):
        height = 300 if not isinstance(height, dict) else 20 * 10
    return title + height + ((_AXIS_H if x_titled else _AXIS_H - 16) if has_x else 8)


def layout_hints(spec: dict) -> dict:
    """Numbers from which the page script reserves a chart's height at any width before drawing it.

    ``h``: plot areas, x axes and panel titles, as designed; ``t``: characters of the title and subtitle;
    ``l``: one ``[entries, mean label characters, title characters]`` per legend; ``b``: one
    ``[input, options, characters]`` per bound control; ``f``: ``[panels, columns, panel width, longest
    panel label]`` for a faceted chart; ``x``: characters of the longest discrete x label, drawn on its side; ``m``: ``[width, height]`` of a map, which keeps its shape when narrowed.
    """
    datasets = spec.get("datasets", {}) or {}
    title = spec.get("title")
    hints: dict = {"h": round(_plot_height({k: v for k, v in spec.items() if k != "title"}, datasets)),
                   "t": [len(_text(title)), len(_text(title.get("subtitle"))) if isinstance(title, dict) else 0]}
    legends: dict[str, list] = {}
    for unit, unit_data, filters in _units(spec):
        for channel in ("color", "fill", "stroke", "shape", "size", "strokeDash", "opacity"):
            enc = (unit.get("encoding", {}) or {}).get(channel)
            if not isinstance(enc, dict) or not enc.get("field") or enc.get("legend", {}) is None:
                continue
            if enc["field"] in legends:
                continue
            domain = (enc.get("scale") or {}).get("domain") if isinstance(enc.get("scale"), dict) else None
            if isinstance(domain, list) and enc.get("type") in ("nominal", "ordinal"):
                labels = [str(v) for v in domain]
            elif enc.get("type") in ("nominal", "ordinal"):
                labels = sorted({str(r.get(enc["field"])) for r in _rows(unit_data, datasets)
                                 if all(_same(r.get(k), v) for k, v in filters)})
            else:
                labels = ["0000"] * 5  # a gradient or a few size steps
            legend = enc.get("legend") or {}
            legends[enc["field"]] = [len(labels), round(sum(map(len, labels)) / max(1, len(labels)), 1),
                                     len(_text(legend.get("title", enc.get("title", enc["field"]))))]
    hints["l"] = list(legends.values())
    binds = []
    for param in spec.get("params", []) or []:
        bind = param.get("bind") if isinstance(param, dict) else None
        if isinstance(bind, dict) and "input" in bind:
            labels = bind.get("labels") or [str(o) for o in bind.get("options", [])]
            binds.append([bind["input"], len(labels), len(str(bind.get("name", ""))) + sum(map(len, labels))])
    hints["b"] = binds
    # Discrete x labels that Vega-Lite turns on their side: their length adds to the height.
    longest = 0
    for unit, unit_data, _filters in _units(spec):
        x = (unit.get("encoding", {}) or {}).get("x")
        if (isinstance(x, dict) and x.get("field") and x.get("type") in ("nominal", "ordinal")
                and x.get("axis", {}) is not None and "labelAngle" not in (x.get("axis") or {})):
            longest = max([longest, *(len(str(r.get(x["field"]))) for r in _rows(unit_data, datasets)
                                      if x["field"] in r)])
    if longest:
        hints["x"] = longest
    projected = "projection" in spec or any("projection" in layer for layer in spec.get("layer", []) or [])
    if projected and isinstance(spec.get("width"), (int, float)) and isinstance(spec.get("height"), (int, float)):
        hints["m"] = [spec["width"], spec["height"]]  # a map keeps its shape: narrower means shorter
    if "facet" in spec and isinstance(spec.get("spec"), dict):
        facet = spec["facet"]
        field_name = facet.get("field") if isinstance(facet, dict) else None
        labels = set()
        for _u, unit_data, _f in _units(spec):
            labels.update(str(r.get(field_name)) for r in _rows(unit_data, datasets) if field_name in r)
        width = spec["spec"].get("width", 200)
        hints["f"] = [max(1, len(labels)), spec.get("columns", len(labels)),
                      width if isinstance(width, (int, float)) else 200, max(map(len, labels), default=0)]
    return hints
