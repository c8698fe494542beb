"""The shared toolkit: checkers, explorers, quizzes, figures and the student edition."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import Choice, Explorer, Slider, figure
from coursekit.charts import VEGALITE_MIME, caption_html

anything = st.one_of(
    st.none(), st.just(...), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.lists(st.integers(), max_size=4), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.complex_numbers(allow_nan=False, allow_infinity=False), st.binary(max_size=5),
)


# -- explorers -------------------------------------------------------------------------

def _model(k=1, s="a"):
    if not 1 <= k <= 5:
        raise AssertionError("model got an unclamped value")
    return pd.DataFrame({"x": [1, 2, 3], "y": [k, 2 * k, 3 * k], "s": [s] * 3})


def _view(frame, values):
    return alt.Chart(frame).mark_bar().encode(x="x:O", y="y:Q")


EXP = Explorer("Title", "Description", [Slider("k", "K", 1, 5, 1, 2, unit="x"), Choice("s", "S", ["a", "b"])],
               _model, _view, "Source: test.")


def test_explorer_grid_covers_every_state():
    grid = EXP.grid()
    assert len(grid) == 5 * 2 * 3
    assert set(grid["ctl_k"]) == {1, 2, 3, 4, 5} and set(grid["ctl_s"]) == {"a", "b"}


def test_static_chart_binds_every_control():
    spec = EXP.static_chart().to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert params["p_k"]["bind"]["input"] == "range" and params["p_k"]["value"] == 2
    assert params["p_s"]["bind"]["input"] == "select"
    assert "p_k" in json.dumps(spec["transform"]) and "p_s" in json.dumps(spec["transform"])


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.floats(allow_nan=True), st.integers(-10**6, 10**6), st.text(max_size=5), st.none()),
       st.one_of(st.text(max_size=3), st.none(), st.integers()))
def test_explorer_clamps_any_input(k, s):
    vals = EXP.clamp(k=k, s=s)
    assert 1 <= vals["k"] <= 5 and vals["s"] in {"a", "b"}
    assert EXP.compute(k=k, s=s)["y"].between(1, 15).all()


def test_unknown_control_is_refused():
    with pytest.raises(TypeError, match="unknown control"):
        EXP.clamp(z=1)


def test_explorer_bundle_has_both_views(monkeypatch):
    bundle = EXP._repr_mimebundle_()
    assert VEGALITE_MIME in bundle  # the book's kernel-free view
    assert bundle[VEGALITE_MIME]["description"] == "Description"
    assert "application/vnd.jupyter.widget-view+json" not in bundle  # no kernel here, or static mode
    import coursekit.explorer as explorer_module

    monkeypatch.setattr(explorer_module, "live_kernel", lambda: True)
    live = EXP._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in live and VEGALITE_MIME in live


def test_live_widget_redraws_on_change():
    pytest.importorskip("ipywidgets")
    box = EXP.widget()
    slider = box.children[0]
    before = json.dumps(box.last_bundle[VEGALITE_MIME]["datasets"], sort_keys=True)
    slider.value = 5
    after = json.dumps(box.last_bundle[VEGALITE_MIME]["datasets"], sort_keys=True)
    assert before != after


def test_decimal_slider_builds_a_live_widget():
    pytest.importorskip("ipywidgets")
    slider = Slider("x", "Share", 0.0, 1.0, 0.25, 0.5, unit="%")
    assert slider.values() == [0.0, 0.25, 0.5, 0.75, 1.0]
    widget = slider.widget()
    widget.value = 0.75
    assert widget.value == 0.75


def test_render_reports_model_errors_without_raising():
    broken = Explorer("T", "D", [Slider("k", "K", 1, 5, 1, 2)], lambda k: 1 / 0, _view, "S")
    bundle, status = broken.render(k=3)
    assert "could not be drawn" in status and VEGALITE_MIME not in bundle


@settings(max_examples=40, deadline=None)
@given(st.integers(-3, 9), st.sampled_from(["a", "b", "zz", None]))
def test_live_redraw_shows_the_models_rows_for_the_setting(k, s):
    """A move swaps in exactly the rows the model gives for the (clamped) setting, and sets the chart's
    inputs to it, so the live chart is the book's chart at that setting."""
    bundle, _ = EXP.render(k=k, s=s)
    spec = bundle[VEGALITE_MIME]
    vals = EXP.clamp(k=k, s=s)
    shown = [r for rows in spec["datasets"].values() for r in rows]
    expected = EXP.model(**vals).to_dict("records")
    assert [{c: r[c] for c in ("x", "y", "s")} for r in shown] == expected
    assert {r["ctl_k"] for r in shown} == {vals["k"]} and {r["ctl_s"] for r in shown} == {vals["s"]}
    params = {p["name"]: p for p in spec["params"]}
    assert params["p_k"]["value"] == vals["k"] and params["p_s"]["value"] == vals["s"]
    assert all("bind" not in p for p in spec["params"]), "the live chart shows the widget controls, not its own"


def test_live_redraw_neither_runs_the_model_nor_builds_a_chart():
    calls = {"model": 0, "view": 0}

    def model(k=1):
        calls["model"] += 1
        return _model(k)

    def view(frame, values):
        calls["view"] += 1
        return _view(frame, values)

    exp = Explorer("T", "D", [Slider("k", "K", 1, 5, 1, 2)], model, view, "S")
    exp.render(k=2)  # the first draw builds the table of every setting and its chart
    assert calls == {"model": 5, "view": 1}
    for k in (1, 5, 3, 4, 2, 5):
        exp.render(k=k)
    assert calls == {"model": 5, "view": 1}


def test_explorer_table_is_rebuilt_when_the_data_change(monkeypatch):
    import coursekit.explorer as explorer_module

    calls = []
    exp = Explorer("T", "D", [Slider("k", "K", 1, 2, 1, 1)], lambda k: calls.append(k) or _model(k), _view, "S")
    monkeypatch.setattr(explorer_module, "fingerprint", lambda: "data-v1")
    exp.render(k=1)
    exp.render(k=2)
    assert len(calls) == 2
    monkeypatch.setattr(explorer_module, "fingerprint", lambda: "data-v2")
    exp.render(k=1)
    assert len(calls) == 4, "a change in data/ must recompute the model"


def test_explorer_whose_layers_do_not_use_the_model_table_is_refused():
    other = pd.DataFrame({"x": [1], "y": [1]})
    exp = Explorer("T", "D", [Slider("k", "K", 1, 2, 1, 1)], _model,
                   lambda f, v: alt.Chart(other).mark_bar().encode(x="x:O", y="y:Q"), "S")
    bundle, status = exp.render(k=1)
    assert "could not be drawn" in status and "control columns" in status


# -- figures ---------------------------------------------------------------------------

def test_figure_needs_title_and_description():
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q")
    with pytest.raises(ValueError):
        figure(chart, title="", description="x", source="s")
    fig = figure(chart, title="Finding", description="Alt text", source="Source: X.")
    assert fig.spec["title"] == "Finding" and fig.spec["description"] == "Alt text"
    assert fig._repr_mimebundle_()[VEGALITE_MIME]["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")


def test_missing_values_become_valid_json():
    frame = pd.DataFrame({"x": [1.0, float("nan"), 3.0], "y": pd.array([1, None, 3], dtype="Int64")})
    fig = figure(alt.Chart(frame).mark_point().encode(x="x:Q", y="y:Q"), title="T", description="D", source="S")
    json.dumps(fig.spec, allow_nan=False)  # raises on NaN
    json.dumps(EXP._repr_mimebundle_()[VEGALITE_MIME], allow_nan=False)


def test_missing_text_is_null_not_nan_text():
    def model(k=1):
        return pd.DataFrame([{"x": 1, "label": None}, {"x": 2, "label": "b"}]).astype({"label": "str"})

    exp = Explorer("T", "D", [Slider("k", "K", 1, 2, 1, 1)], model,
                   lambda f, v: alt.Chart(f).mark_text().encode(x="x:Q", text="label:N"), "S")
    text = json.dumps(exp._repr_mimebundle_()[VEGALITE_MIME], allow_nan=False)
    assert '"nan"' not in text
    bundle, _ = exp.render(k=2)
    assert '"nan"' not in json.dumps(bundle[VEGALITE_MIME], allow_nan=False)


def test_caption_escapes_markup():
    html = caption_html("Source: <script>alert(1)</script>", "desc <b>x</b>")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html


def test_default_renderer_is_offline():
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q")
    bundle = alt.renderers.get()(chart.to_dict())
    assert VEGALITE_MIME in bundle and "text/html" not in bundle
