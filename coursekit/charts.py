"""One look for every chart of the course, and a display that works offline.

Charts are Altair (Vega-Lite 5) specifications. They are displayed with the
MIME type ``application/vnd.vegalite.v5+json``: JupyterLab draws it with the
renderer it ships, with no network, and the book turns it into a chart drawn
by the copies of vega served from the site itself (see ``sphinxext``).

Every figure carries a title that states the finding, a source line built
from the data's provenance and a text description for screen readers.
"""

from __future__ import annotations

import html
import itertools
import math
import os

import altair as alt

from .data import source_line

__all__ = ["PALETTE", "MARKS", "Figure", "figure", "clean_spec", "VEGALITE_MIME"]

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
            "title": {"fontSize": 15, "fontWeight": 600, "anchor": "start", "color": "#1a1a1a", "offset": 10},
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

    def caption_html(self) -> str:
        return caption_html(self.source, self.description)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {VEGALITE_MIME: self.spec, "text/plain": f"{self.title}. {self.description} {self.source}"}

    def _ipython_display_(self):
        from IPython.display import HTML, display

        display(self._repr_mimebundle_(), raw=True)
        display(HTML(self.caption_html()))


def caption_html(source: str, description: str) -> str:
    """Caption under a chart: the source line, and the text alternative in a disclosure."""
    return (
        '<div class="ck-caption">'
        f'<p class="ck-source">{html.escape(source)}</p>'
        '<details class="ck-alt"><summary>Text description of the chart</summary>'
        f"<p>{html.escape(description)}</p></details></div>"
    )


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
