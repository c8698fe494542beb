"""Explorers: one model, two front ends.

An explorer is a pure model function (``model(**values) -> DataFrame``), a
view that draws one state of it (``view(frame, values) -> alt.Chart``) and a
list of controls. It displays as one notebook output carrying two MIME types:

* ``application/vnd.jupyter.widget-view+json``: live ipywidgets controls
  (JupyterLab keeps this one); a control move shows the book's chart at that
  setting, with only its data swapped;
* ``application/vnd.vegalite.v5+json``: the model precomputed at build time
  over every combination of control values, with the controls bound as
  Vega-Lite inputs that pick the matching state (the book keeps this one,
  so its controls work with no kernel).

Both views draw from one table: the model over every combination of control
values (``grid``), computed once and reused until a file in ``data/`` changes
(keyed on the data's content, like :func:`coursekit.data.cached`). The chart
is built once from it; a live redraw picks the rows of the new setting and
swaps them into that chart, so a move costs a look-up, not a model run and a
chart build.

Inputs outside a control's range are clamped, never passed on.
"""

from __future__ import annotations

import copy
import html
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from .charts import VEGALITE_MIME, caption_html, clean_spec, data_table_html, live_kernel
from .data import fingerprint

__all__ = ["Slider", "Choice", "Explorer"]


@dataclass
class Slider:
    """A numeric control: from ``min`` to ``max`` in steps of ``step``."""

    name: str
    label: str
    min: float
    max: float
    step: float
    default: float
    unit: str = ""

    def __post_init__(self):
        if not (self.min < self.max and self.step > 0):
            raise ValueError(f"slider {self.name}: need min < max and step > 0")
        self.default = self.clamp(self.default)

    @property
    def integral(self) -> bool:
        return all(float(v).is_integer() for v in (self.min, self.max, self.step))

    def values(self) -> list[float]:
        n = int(round((self.max - self.min) / self.step))
        vals = [round(self.min + i * self.step, 10) for i in range(n + 1)]
        return [int(v) for v in vals] if self.integral else vals

    def clamp(self, value) -> float:
        """Nearest allowed value; non-numbers fall back to the default."""
        if isinstance(value, bool):
            return self.default
        try:
            value = float(value)
        except (TypeError, ValueError, OverflowError):
            return self.default
        if math.isnan(value):
            return self.default
        value = min(max(value, self.min), self.max)
        snapped = round(self.min + round((value - self.min) / self.step) * self.step, 10)
        snapped = min(snapped, self.max)
        return int(snapped) if self.integral else snapped

    def widget(self):
        import ipywidgets as w

        cls = w.IntSlider if self.integral else w.FloatSlider
        return cls(value=self.default, min=self.min, max=self.max, step=self.step,
                   description=self.label, continuous_update=False,
                   readout_format="d" if self.integral else ".2f",
                   style={"description_width": "initial"}, layout=w.Layout(width="100%", max_width="560px"))

    def binding(self):
        name = f"{self.label} ({self.unit})" if self.unit else self.label
        return alt.binding_range(min=self.min, max=self.max, step=self.step, name=name + " ")


@dataclass
class Choice:
    """A choice among labelled options (a drop-down, or radio buttons when few)."""

    name: str
    label: str
    options: Sequence
    default: object = None
    labels: Sequence[str] | None = None
    radio: bool = False

    def __post_init__(self):
        self.options = list(self.options)
        if not self.options:
            raise ValueError(f"choice {self.name}: no options")
        self.labels = [str(o) for o in self.options] if self.labels is None else list(self.labels)
        if self.default not in self.options:
            self.default = self.options[0]

    def values(self) -> list:
        return list(self.options)

    def clamp(self, value):
        return value if value in self.options else self.default

    def widget(self):
        import ipywidgets as w

        pairs = list(zip(self.labels, self.options))
        if self.radio:
            return w.ToggleButtons(options=pairs, value=self.default, description=self.label,
                                   style={"description_width": "initial", "button_width": "auto"})
        return w.Dropdown(options=pairs, value=self.default, description=self.label,
                          style={"description_width": "initial"}, layout=w.Layout(width="max-content"))

    def binding(self):
        if self.radio:
            return alt.binding_radio(options=self.options, labels=self.labels, name=self.label + " ")
        return alt.binding_select(options=self.options, labels=self.labels, name=self.label + " ")


@dataclass
class Explorer:
    """An interactive chart of a model over its controls.

    ``view(frame, values)`` must build the chart from the model's output
    alone (``values`` is ``None``): the chart is built once, over every
    setting, and each view picks its setting's rows.
    """

    title: str
    description: str
    controls: list
    model: Callable[..., pd.DataFrame]
    view: Callable[[pd.DataFrame, dict | None], alt.TopLevelMixin]
    source: str
    summary: Callable[[pd.DataFrame], str] | None = None
    _names: list = field(init=False, repr=False)
    _prepared: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        self._names = [c.name for c in self.controls]
        if len(set(self._names)) != len(self._names):
            raise ValueError("explorer controls need distinct names")

    # -- the model side -------------------------------------------------
    def defaults(self) -> dict:
        return {c.name: c.default for c in self.controls}

    def clamp(self, **values) -> dict:
        """Complete and clamp control values: unknown names are refused."""
        unknown = set(values) - set(self._names)
        if unknown:
            raise TypeError(f"unknown control(s): {', '.join(sorted(unknown))}; known: {', '.join(self._names)}")
        out = self.defaults()
        for c in self.controls:
            if c.name in values:
                out[c.name] = c.clamp(values[c.name])
        return out

    def compute(self, **values) -> pd.DataFrame:
        return self.model(**self.clamp(**values))

    def chart(self, **values) -> alt.TopLevelMixin:
        vals = self.clamp(**values)
        return self.view(self.model(**vals), vals).properties(title=self.title, description=self.description)

    def spec(self, **values) -> dict:
        """The Vega-Lite spec of one state: what the live view draws after a control move."""
        return clean_spec(self.chart(**values).to_dict())

    def grid(self) -> pd.DataFrame:
        """The model over every combination of control values, with the controls as columns ``ctl_<name>``."""
        return self._prepare()["grid"].copy()

    def _compute_grid(self) -> pd.DataFrame:
        frames = []
        for combo in itertools.product(*(c.values() for c in self.controls)):
            vals = dict(zip(self._names, combo))
            frames.append(self.model(**vals).assign(**{f"ctl_{k}": v for k, v in vals.items()}))
        return pd.concat(frames, ignore_index=True)

    def _prepare(self) -> dict:
        """The grid, the chart built from it, and each setting's rows: made once per content of ``data/``."""
        version = fingerprint()
        if self._prepared.get("version") != version:
            grid = self._compute_grid()
            spec = clean_spec(self._static_from(grid).to_dict())
            self._prepared = {"version": version, "grid": grid, "spec": spec, **self._live_parts(grid, spec)}
        return self._prepared

    # -- the static (book) view ------------------------------------------
    def _static_from(self, grid: pd.DataFrame) -> alt.TopLevelMixin:
        params = [alt.param(name=f"p_{c.name}", value=c.default, bind=c.binding()) for c in self.controls]
        tests = []
        for c in self.controls:
            col, par = f"datum['ctl_{c.name}']", f"p_{c.name}"
            if isinstance(c, Slider):
                tests.append(f"abs({col} - {par}) < {c.step / 2}")
            else:
                tests.append(f"{col} == {par}")
        chart = self.view(grid, None)
        chart = chart.add_params(*params).transform_filter(" && ".join(tests))
        return chart.properties(title=self.title, description=self.description)

    def static_chart(self) -> alt.TopLevelMixin:
        """The book's chart: every setting, picked by Vega-Lite inputs bound to the controls."""
        return self._static_from(self._prepare()["grid"])

    def static_spec(self) -> dict:
        """The book's chart as a Vega-Lite spec (built once per content of ``data/``)."""
        return copy.deepcopy(self._prepare()["spec"])

    # -- the live (JupyterLab) view --------------------------------------
    def _live_parts(self, grid: pd.DataFrame, spec: dict) -> dict:
        """What a live redraw needs: the chart without its data and inputs, and each setting's rows and frame."""
        ctl = [f"ctl_{n}" for n in self._names]
        keyed = {name: rows for name, rows in spec.get("datasets", {}).items()
                 if rows and isinstance(rows[0], dict) and all(c in rows[0] for c in ctl)}
        if not keyed:
            raise ValueError(f"explorer '{self.title}': its chart has no data with the control columns "
                             "(build every layer from the model's table)")
        skeleton = copy.deepcopy({k: v for k, v in spec.items() if k != "datasets"})  # the book's spec stays whole
        for p in _walk_params(skeleton):
            if str(p.get("name", "")).startswith("p_"):
                p.pop("bind", None)  # JupyterLab shows the ipywidgets controls instead
        rows: dict = {}
        for name, records in keyed.items():
            for record in records:
                rows.setdefault(tuple(record[c] for c in ctl), {}).setdefault(name, []).append(record)
        frames = {}
        if self.summary:
            for key, part in grid.groupby(ctl, sort=False):
                frames[key if isinstance(key, tuple) else (key,)] = part.drop(columns=ctl).reset_index(drop=True)
        return {"skeleton": skeleton, "rows": rows, "frames": frames, "empty": dict.fromkeys(keyed, []),
                "datasets": {k: v for k, v in spec.get("datasets", {}).items() if k not in keyed}}

    def live_spec(self, **values) -> tuple[dict, dict]:
        """The book's chart at one setting (its inputs set to it, holding only that setting's rows), and the
        clamped values."""
        vals = self.clamp(**values)
        return self._live_spec(vals, self._prepare()), vals

    def _key(self, vals: dict) -> tuple:
        return tuple(vals[n] for n in self._names)

    def _live_spec(self, vals: dict, ready: dict) -> dict:
        spec = copy.deepcopy(ready["skeleton"])
        for p in _walk_params(spec):
            name = str(p.get("name", ""))
            if name.startswith("p_") and name[2:] in vals:
                p["value"] = vals[name[2:]]
        spec["datasets"] = {**ready["datasets"], **ready["empty"], **ready["rows"].get(self._key(vals), {})}
        return spec

    def render(self, **values) -> tuple[dict, str]:
        """One live redraw: the chart bundle and a status line, never an exception."""
        try:
            vals, ready = self.clamp(**values), self._prepare()  # one look at data/ per move
            spec = self._live_spec(vals, ready)
            status = ""
            if self.summary:
                frame = ready["frames"].get(self._key(vals))
                frame = self.model(**vals) if frame is None else frame
                status = f'<p class="ck-status" aria-live="polite">{html.escape(self.summary(frame))}</p>'
            return {VEGALITE_MIME: spec, "text/plain": self.description}, status
        except Exception as err:  # shown in the explorer, never a traceback
            return ({"text/plain": "This setting could not be drawn."},
                    f'<p class="ck-status" role="alert">This setting could not be drawn: {html.escape(str(err))}</p>')

    def widget(self):
        import ipywidgets as w

        controls = [c.widget() for c in self.controls]
        out = w.Output(layout=w.Layout(min_height="320px"))
        status = w.HTML()
        box = w.VBox([*controls, status, out])
        box.add_class("ck-explorer")

        def redraw(*_):
            bundle, status.value = self.render(**{c.name: wd.value for c, wd in zip(self.controls, controls)})
            box.last_bundle = bundle
            # Write the output widget's state directly rather than capturing display(): the front end
            # shows the same bundle, with no round trip through the kernel's output capture (which can
            # stall headless runners on large charts).
            out.outputs = ({"output_type": "display_data", "metadata": {}, "data": bundle},)

        for wd in controls:
            wd.observe(redraw, names="value")
        redraw()
        return box

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {VEGALITE_MIME: self.static_spec(), "text/plain": f"{self.title}. {self.description}"}
        if live_kernel():
            bundle.update({k: v for k, v in self.widget()._repr_mimebundle_().items() if k != "text/plain"})
        return bundle

    def setting_text(self, values: dict | None = None) -> str:
        """The controls' setting in words, as the data table under the chart names it."""
        values = self.clamp(**(values or {}))
        parts = []
        for c in self.controls:
            value = values[c.name]
            if isinstance(c, Choice):
                value = c.labels[c.options.index(value)]
            elif c.unit:
                value = f"{value} {c.unit}"
            parts.append(f"{c.label}: {value}")
        return "Numbers for the setting shown: " + "; ".join(parts) + "."

    def caption_html(self, spec: dict | None = None) -> str:
        """Source, text description and the numbers of the default setting (the page script refills the
        table when a reader moves a control)."""
        spec = self.static_spec() if spec is None else spec
        state = {f"ctl_{k}": v for k, v in self.defaults().items()}
        table = data_table_html(spec, self.title, self.source, state=state, note=self.setting_text())
        return caption_html(self.source, self.description, table)

    def _ipython_display_(self):
        from IPython.display import HTML, display

        bundle = self._repr_mimebundle_()
        display(bundle, raw=True)
        display(HTML(self.caption_html(bundle[VEGALITE_MIME])))


def _walk_params(node):
    """Every ``params`` entry anywhere in a spec (top level, layers, concatenations), as live references."""
    if isinstance(node, dict):
        for p in node.get("params", []) or []:
            if isinstance(p, dict):
                yield p
        for key, value in node.items():
            if key not in ("params", "datasets", "data"):
                yield from _walk_params(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_params(item)
