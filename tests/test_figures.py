"""Figures without a mouse and before they are drawn: the data table under every chart, the layout hints
from which the page reserves a chart's height, and the renderer that moves large specs out of the page."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from coursekit.charts import clean_spec, data_table, data_table_html, figure, format_cell, layout_hints
from coursekit.explorer import Choice, Explorer, Slider


def _frame():
    return pd.DataFrame({"country": ["Greece", "Poland", "Türkiye"], "year": [2024, 2024, 2024],
                         "pct": [3.08, 4.12, 2.09], "note": ["", "estimate", ""]})


def test_table_holds_the_tooltip_fields_with_their_titles():
    chart = alt.Chart(_frame()).mark_bar().encode(
        x=alt.X("pct:Q", title="Defence spending (% of GDP)"), y=alt.Y("country:N", title="Ally"),
        tooltip=[alt.Tooltip("country:N", title="Ally"), alt.Tooltip("pct:Q", title="% of GDP")])
    columns, rows, _ = data_table(chart.to_dict())
    assert columns == [("country", "Ally"), ("pct", "% of GDP")]
    assert [r["pct"] for r in rows] == [3.08, 4.12, 2.09]


def test_table_without_tooltips_uses_the_encoded_fields_and_skips_aggregates():
    chart = alt.Chart(_frame()).mark_bar().encode(x=alt.X("count():Q"), y=alt.Y("country:N", title="Ally"),
                                                  color=alt.Color("note:N", title="Note"))
    columns, rows, _ = data_table(chart.to_dict())
    assert columns == [("country", "Ally"), ("note", "Note")]
    assert len(rows) == 3


def test_table_applies_a_layers_constant_filter_and_picks_the_layer_with_the_tooltip():
    frame = pd.concat([_frame().assign(kind="ally"), pd.DataFrame({"kind": ["line"], "pct": [2.0]})])
    base = alt.Chart(frame)
    rule = base.transform_filter("datum.kind == 'line'").mark_rule().encode(x="pct:Q")
    bars = base.transform_filter(alt.datum.kind == "ally").mark_bar().encode(
        x="pct:Q", y="country:N", tooltip=[alt.Tooltip("country:N", title="Ally"), alt.Tooltip("pct:Q")])
    columns, rows, filters = data_table(alt.layer(rule, bars).to_dict())
    assert [c for c, _ in columns] == ["country", "pct"]
    assert [r["country"] for r in rows] == ["Greece", "Poland", "Türkiye"]
    assert filters == [("kind", "ally")]


def test_figure_caption_holds_an_accessible_table_with_units_and_source():
    chart = alt.Chart(_frame()).mark_point().encode(
        x=alt.X("pct:Q", title="Share of GDP (%)"), y=alt.Y("country:N", title="Ally"),
        tooltip=[alt.Tooltip("country:N", title="Ally"), alt.Tooltip("pct:Q", title="Share of GDP (%)")])
    fig = figure(chart, title="Poland spends most", description="Points, one per ally.", source="Source: NATO, 2024.")
    soup = BeautifulSoup(fig.caption_html(), "html.parser")
    details = soup.select_one("details.ck-data")
    assert details and details.summary.get_text() == "Show the data"
    table = details.table
    assert "Poland spends most" in table.caption.get_text() and "Source: NATO, 2024." in table.caption.get_text()
    assert [th.get_text() for th in table.thead.find_all("th")] == ["Ally", "Share of GDP (%)"]
    assert all(th["scope"] == "col" for th in table.thead.find_all("th"))
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]
    assert rows == [["Greece", "3.08"], ["Poland", "4.12"], ["Türkiye", "2.09"]]
    assert table.tbody.tr.th["scope"] == "row"
    wrap = soup.select_one(".ck-table-wrap")
    assert wrap["tabindex"] == "0" and wrap["role"] == "region" and wrap["aria-label"]


def test_table_escapes_markup_in_the_data():
    frame = pd.DataFrame({"a": ["<script>x</script>"], "b": [1]})
    html = data_table_html(alt.Chart(frame).mark_bar().encode(x="b:Q", y="a:N").to_dict(), "T", "S")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_chart_without_data_has_no_table():
    assert data_table_html(alt.Chart().mark_rule().encode(x=alt.datum(2)).to_dict(), "T", "S") == ""


@pytest.mark.parametrize("value, shown", [(1234567, "1,234,567"), (3.0, "3"), (2.345, "2.35"), (0.12345, "0.123"),
                                          (float("nan"), "–"), (None, "–"), ("2015-03-01T00:00:00", "2015-03-01"),
                                          (True, "yes"), ("Poland", "Poland")])
def test_cells_are_formatted_for_reading(value, shown):
    assert format_cell(value) == shown


def _explorer():
    def model(level, who):
        return pd.DataFrame({"who": [who], "level": [level], "value": [level * (2 if who == "b" else 1)]})

    def view(frame, values):
        return alt.Chart(frame).mark_bar().encode(
            x=alt.X("value:Q", title="Value (bcm)"), y="who:N",
            tooltip=[alt.Tooltip("who:N", title="Who"), alt.Tooltip("value:Q", title="Value (bcm)")])

    return Explorer(title="T", description="D", source="Source: S.", model=model, view=view,
                    controls=[Slider("level", "Level", 0, 4, 1, 2, unit="bcm"),
                              Choice("who", "Who", ["a", "b"], labels=["Alpha", "Beta"])])


def test_explorer_table_shows_the_default_setting_and_names_it():
    soup = BeautifulSoup(_explorer().caption_html(), "html.parser")
    assert soup.select_one(".ck-state").get_text() == "Numbers for the setting shown: Level: 2 bcm; Who: Alpha."
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in soup.select("table.ck-table tbody tr")]
    assert rows == [["a", "2"]]
    assert [th["data-field"] for th in soup.select("table.ck-table thead th")] == ["who", "value"]


def test_layout_hints_count_title_legends_and_controls():
    frame = _frame()
    chart = alt.Chart(frame).mark_point().encode(x="pct:Q", y="country:N", color=alt.Color("country:N"))
    spec = chart.properties(title="A title of twenty-six chars", width=500, height=200).add_params(
        alt.param(name="p", value=1, bind=alt.binding_range(min=0, max=2, step=1, name="Level "))).to_dict()
    hints = layout_hints(spec)
    assert hints["t"] == [len("A title of twenty-six chars"), 0]
    assert hints["h"] == 200 + 38  # the plot and its x axis
    assert hints["l"] == [[3, round((6 + 6 + 7) / 3, 1), len("country")]]
    assert hints["b"] == [["range", 0, len("Level ")]]


def test_layout_hints_resolve_step_heights_from_the_data():
    spec = alt.Chart(_frame()).mark_bar().encode(x="pct:Q", y="country:N").properties(
        height=alt.Step(20)).to_dict()
    assert layout_hints(spec)["h"] == 3 * 20 + 38


def test_renderer_moves_large_specs_to_files(tmp_path):
    from coursebuild.sphinxext import INLINE_SPEC_LIMIT, VegaLiteRenderer, _externalise_specs

    class Data:
        mime_type = "application/vnd.vegalite.v5+json"

        def __init__(self, content):
            self.content = content

    small = alt.Chart(_frame()).mark_bar().encode(x="pct:Q", y="country:N").to_dict()
    big_frame = pd.DataFrame({"x": range(3000), "y": range(3000)})
    big = alt.Chart(big_frame).mark_point().encode(x="x:Q", y="y:Q").to_dict()
    body = "".join(VegaLiteRenderer.handle_mime(None, Data(s), False)[0].astext() for s in (small, big))

    class App:
        outdir = str(tmp_path)

    context = {"body": body, "pathto": lambda name, resource=0: "../" + name}
    _externalise_specs(App(), "notebooks/x", context)
    out = context["body"]
    assert out.count('class="ck-vega"') == 2 and out.count('class="ck-spec"') == 1
    files = list((tmp_path / "_static" / "ck-charts").glob("*.json"))
    assert len(files) == 1 and f'data-src="../_static/ck-charts/{files[0].name}"' in out
    text = files[0].read_text(encoding="utf-8")
    assert len(text) > INLINE_SPEC_LIMIT and json.loads(text) == clean_spec(big)
    assert "data-ck-size" in out
