"""Items on screen: HTML for the book (checked by ``static/items.js``) and widgets for JupyterLab.

Both front ends show the same item from its content file, in the same
order of options, and grade with the same rules (:mod:`coursekit.grader`).
Every word they show comes from the content file or from ``grading.json``.
"""

from __future__ import annotations

import html
import json
import math
import numbers
import re
import unicodedata
from functools import lru_cache

from . import content, grader
from .grader import label

__all__ = ["Display", "Result", "check", "item_html", "section_html"]

e = html.escape


@lru_cache(maxsize=1)
def _md():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def md(text: str) -> str:
    """Markdown to HTML (raw HTML in the text is shown as text, never run)."""
    return _md().render(text or "").strip()


def md_inline(text: str) -> str:
    return _md().renderInline(text or "")


def plain(text: str) -> str:
    """Markdown inline text as plain text (for widget labels)."""
    return html.unescape(re.sub(r"<[^>]+>", "", md_inline(text)))


def _json_attr(data) -> str:
    # Inside <script type="application/json">: no markup character can close the element.
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)
            .replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


# -- the book: HTML ----------------------------------------------------------------------------------

def _answer_html(it: content.Item, key: dict) -> str:
    base = f"ck-{it.id}"
    kind = it.kind
    if kind == "number":
        unit = key.get("unit", "")
        unit_html = f' <span class="ck-unit">{e(unit)}</span>' if unit else ""
        return (f'<label class="ck-number" for="{base}-in"><span class="ck-answer-label">{e(label("your_answer"))}</span> '
                f'<input type="text" id="{base}-in" inputmode="decimal" autocomplete="off" spellcheck="false" '
                f'autocapitalize="off" enterkeyhint="done">{unit_html}</label>')
    if kind in ("choice", "multi"):
        kind_attr = "radio" if kind == "choice" else "checkbox"
        rows = "".join(
            f'<label class="ck-option" for="{base}-{o["id"]}"><input type="{kind_attr}" name="{base}" '
            f'id="{base}-{o["id"]}" value="{o["id"]}"> <span>{md_inline(o["text"])}</span></label>'
            for o in it.options())
        return (f'<fieldset class="ck-options"><legend class="ck-answer-label">{e(label("your_answer"))}</legend>'
                f"{rows}</fieldset>")
    if kind == "order":
        shown, _ = it.entries()
        total = len(shown)
        rows = "".join(
            f'<li class="ck-entry" data-value="{x["id"]}"><span class="ck-entry-text">{md_inline(x["text"])}</span>'
            f'<span class="ck-entry-moves"><button type="button" class="ck-up" '
            f'aria-label="{e(label("move_up"))}: {e(plain(x["text"]))}">↑</button>'
            f'<button type="button" class="ck-down" aria-label="{e(label("move_down"))}: {e(plain(x["text"]))}">↓</button>'
            f"</span></li>" for x in shown)
        return (f'<ol class="ck-order" aria-label="{e(label("your_answer"))}" data-total="{total}">{rows}</ol>'
                f'<p class="ck-order-status visually-hidden" aria-live="polite"></p>')
    if kind == "match":
        lefts, choices, _ = it.pairs()
        opts = f'<option value="">{e(label("choose"))}</option>' + "".join(
            f'<option value="{c["id"]}">{e(plain(c["text"]))}</option>' for c in choices)
        rows = "".join(
            f'<div class="ck-match-row"><label for="{base}-{left["id"]}">{md_inline(left["text"])}</label>'
            f'<select id="{base}-{left["id"]}" data-left="{left["id"]}">{opts}</select></div>' for left in lefts)
        return f'<div class="ck-match">{rows}</div>'
    if kind == "open":
        return (f'<label class="ck-open" for="{base}-in"><span class="ck-answer-label">{e(label("your_answer"))}</span>'
                f'<textarea id="{base}-in" rows="5"></textarea></label>')
    raise ValueError(kind)


def _solution_html(it: content.Item) -> str:
    parts = []
    if it.kind == "open":
        parts.append(f'<p class="ck-solution-title">{e(label("model_answer"))}</p>{md(it.text("model_answer"))}')
        rubric = "".join(f"<li>{md_inline(content.fill(r, it.chapter))}</li>" for r in it.raw.get("rubric", []))
        parts.append(f'<p class="ck-solution-title">{e(label("rubric"))}</p><ul class="ck-rubric">{rubric}</ul>')
    sol = it.solution()
    if sol["text"] or sol["code"]:
        parts.append(f'<p class="ck-solution-title">{e(label("solution"))}</p>')
        if sol["text"]:
            parts.append(md(sol["text"]))
        if sol["code"]:
            parts.append(f'<pre class="ck-code"><code class="language-python">{e(sol["code"].rstrip())}</code></pre>')
    return "".join(parts)


def item_html(it: content.Item, number: int | None = None) -> str:
    """One item as the book shows it: prompt, inputs, a check button, a feedback region, the hidden solution."""
    key = it.public_key()
    base = f"ck-{it.id}"
    # An exercise has its own heading in the notebook; questions in a set are numbered.
    lead = f'<span class="ck-number-label">{number}.</span> ' if number else ""
    solution = _solution_html(it)
    has_solution = bool(solution)
    return (
        f'<div class="ck-item" id="{base}" data-item="{e(it.id)}" data-kind="{it.kind}" data-chapter="{it.chapter}">'
        f'<div class="ck-prompt">{lead}{md(it.text("prompt"))}</div>'
        f'<div class="ck-answer">{_answer_html(it, key)}</div>'
        f'<div class="ck-actions"><button type="button" class="ck-check">{e(label("check"))}</button>'
        + (f'<button type="button" class="ck-show-solution" aria-expanded="false" aria-controls="{base}-solution" '
           f'hidden>{e(label("show_solution"))}</button>' if has_solution else "")
        + "</div>"
        '<div class="ck-feedback" role="status" aria-live="polite"></div>'
        + (f'<div class="ck-solution" id="{base}-solution" hidden>{solution}</div>' if has_solution else "")
        + f'<script type="application/json" class="ck-key">{_json_attr(key)}</script></div>'
    )


def section_html(chapter: str, section: str) -> str:
    loaded = content.load_chapter(chapter)
    its = loaded.section(section)
    if not its:
        raise KeyError(f"{chapter} has no '{section}' items")
    title = label({"exercises": "exercise"}.get(section, section))
    body = "".join(item_html(it, n) for n, it in enumerate(its, 1))
    # The notebook gives the section its heading; the set says how many questions and where answers stay.
    return (f'<section class="ck-set" data-set="{chapter}:{section}" aria-label="{e(title)}">'
            f'<p class="ck-privacy">{e(label("questions", n=len(its)))} {e(label("privacy"))}</p>{body}</section>')


# -- JupyterLab: widgets ----------------------------------------------------------------------------------

def feedback_html(result: dict) -> str:
    hint = (f'<p class="ck-hint"><strong>{e(label("hint"))}:</strong> {md_inline(result["hint"])}</p>'
            if result.get("hint") else "")
    return (f'<div class="ck-feedback ck-{e(result["verdict"])}" role="status">'
            f"<p>{md_inline(result['message'])}</p>{hint}</div>")


def _controls(it: content.Item):
    """The widget for an item's answer, and a function reading the response from it."""
    import ipywidgets as w

    kind = it.kind
    if kind == "number":
        unit = it.text("unit")
        box = w.Text(placeholder=label("unit", unit=unit) if unit else "", description=label("your_answer"),
                     style={"description_width": "initial"}, layout=w.Layout(width="min(100%, 22rem)"))
        return box, lambda: box.value
    if kind == "choice":
        radio = w.RadioButtons(options=[(plain(o["text"]), o["id"]) for o in it.options()], value=None,
                               layout=w.Layout(width="auto"))
        return radio, lambda: radio.value
    if kind == "multi":
        boxes = [(o["id"], w.Checkbox(description=plain(o["text"]), indent=False, value=False,
                                      layout=w.Layout(width="auto"))) for o in it.options()]
        return w.VBox([b for _, b in boxes]), lambda: [i for i, b in boxes if b.value]
    if kind == "order":
        shown, _ = it.entries()
        order = [x["id"] for x in shown]
        text = {x["id"]: plain(x["text"]) for x in shown}
        box = w.VBox()

        def draw():
            rows = []
            for pos, iid in enumerate(order):
                up = w.Button(description="↑", tooltip=f"{label('move_up')}: {text[iid]}", disabled=pos == 0,
                              layout=w.Layout(width="3rem"))
                down = w.Button(description="↓", tooltip=f"{label('move_down')}: {text[iid]}",
                                disabled=pos == len(order) - 1, layout=w.Layout(width="3rem"))
                up.on_click(lambda _, p=pos: move(p, -1))
                down.on_click(lambda _, p=pos: move(p, 1))
                rows.append(w.HBox([w.Label(f"{pos + 1}. {text[iid]}", layout=w.Layout(flex="1")), up, down]))
            box.children = rows

        def move(pos, step):
            other = pos + step
            if 0 <= other < len(order):
                order[pos], order[other] = order[other], order[pos]
                draw()

        draw()
        return box, lambda: list(order)
    if kind == "match":
        lefts, choices, _ = it.pairs()
        options = [(label("choose"), "")] + [(plain(c["text"]), c["id"]) for c in choices]
        rows = [(left["id"], w.Dropdown(options=options, value="", description=plain(left["text"]),
                                        style={"description_width": "initial"}, layout=w.Layout(width="auto")))
                for left in lefts]
        return w.VBox([d for _, d in rows]), lambda: {i: d.value for i, d in rows}
    area = w.Textarea(rows=5, placeholder=label("your_answer"), layout=w.Layout(width="100%"))
    return area, lambda: area.value


def item_widget(it: content.Item, number: int | None = None):
    import ipywidgets as w

    key = it.public_key()
    lead = f"{number}. " if number else ""
    prompt = w.HTML(f'<div class="ck-prompt">{e(lead)}{md(it.text("prompt"))}</div>')
    control, read = _controls(it)
    button = w.Button(description=label("check"), button_style="primary")
    out = w.HTML()
    solution = _solution_html(it)
    sol_button = w.Button(description=label("show_solution"), layout=w.Layout(display="none"))
    sol_box = w.HTML(f'<div class="ck-solution">{solution}</div>', layout=w.Layout(display="none"))
    state = {"tries": 0}

    def on_check(_):
        result = grader.grade(key, read(), state["tries"])
        state["tries"] = result["tries"]
        out.value = feedback_html(result)
        if solution and result["solution"]:
            sol_button.layout.display = ""

    def on_solution(_):
        opening = sol_box.layout.display == "none"
        sol_box.layout.display = "" if opening else "none"
        sol_button.description = label("hide_solution") if opening else label("show_solution")

    button.on_click(on_check)
    sol_button.on_click(on_solution)
    box = w.VBox([prompt, control, w.HBox([button, sol_button]), out, sol_box])
    box.add_class("ck-item")
    return box


class Display:
    """What ``show()`` returns: the book's HTML, plus the live widget in JupyterLab."""

    def __init__(self, ref: str):
        self.ref = ref
        if ":" in ref:
            self.chapter, self.section = ref.split(":", 1)
            self.items = content.load_chapter(self.chapter).section(self.section)
            if not self.items:
                raise KeyError(f"{ref!r}: chapter {self.chapter} has no items in section '{self.section}'")
        else:
            self.chapter, self.section = None, None
            self.items = [content.item(ref)]

    def to_html(self) -> str:
        if self.section:
            return section_html(self.chapter, self.section)
        return item_html(self.items[0])

    def widget(self):
        import ipywidgets as w

        if not self.section:
            return item_widget(self.items[0])
        head = w.HTML(f'<p class="ck-privacy">{e(label("questions", n=len(self.items)))}</p>')
        return w.VBox([head, *[item_widget(it, n) for n, it in enumerate(self.items, 1)]])

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .charts import live_kernel

        bundle = {"text/html": self.to_html(), "text/plain": ", ".join(it.id for it in self.items)}
        if live_kernel():
            bundle.update({k: v for k, v in self.widget()._repr_mimebundle_().items() if k != "text/plain"})
        return bundle


# -- check(): a computed answer from a notebook cell -----------------------------------------------------

class Result(dict):
    """The grader's verdict on a computed answer; true when correct."""

    def __bool__(self) -> bool:
        return self.get("verdict") == "correct"

    @property
    def correct(self) -> bool:
        return bool(self)

    def __str__(self) -> str:
        hint = f"\n{label('hint')}: {self['hint']}" if self.get("hint") else ""
        return f"{self['message']}{hint}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return feedback_html(self)


_TRIES: dict[str, int] = {}


def _norm(text) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def _scalar(answer):
    """A one-value pandas or numpy result as a plain value; a larger one as ('many', size)."""
    size = getattr(answer, "size", None)
    if size is not None and hasattr(answer, "shape") and not isinstance(answer, (str, bytes)):
        if size != 1:
            return ("many", int(size))
        answer = answer.item() if hasattr(answer, "item") else answer.to_numpy().item()
    return answer


def _invalid(kind: str, tries: int, **values) -> Result:
    return Result(verdict="invalid", kind=kind, message=grader.message(kind, **values), hint="", tries=tries,
                  solution=False)


def _response(it: content.Item, answer, tries: int):
    """Translate a computed answer into the response the grader reads, or a Result explaining why not."""
    kind = it.kind
    if answer is Ellipsis or answer is None:
        return _invalid(f"empty-{'number' if kind == 'number' else kind}", tries)
    if kind == "number":
        answer = _scalar(answer)
        if isinstance(answer, tuple):
            return _invalid("many-values", tries, size=answer[1])
        if isinstance(answer, bool):
            return _invalid("not-a-number", tries, what="True/False")
        if isinstance(answer, numbers.Real):
            value = float(answer)
            if math.isnan(value):
                return _invalid("nan", tries)
            if math.isinf(value):
                return _invalid("nonfinite", tries, input=str(answer))
            return str(int(answer)) if isinstance(answer, numbers.Integral) else repr(value)
        if isinstance(answer, str):
            return answer
        return _invalid("not-a-number", tries, what=type(answer).__name__)

    def find(value, options):
        want = _norm(value)
        for o in options:
            if want in (_norm(o["text"]), _norm(o.get("value", o["text"]))):
                return o["id"]
        return None

    if kind in ("choice", "open"):
        if not isinstance(answer, str):
            return _invalid("not-text", tries)
        if kind == "open":
            return answer
        found = find(answer, it.options())
        return found if found else _invalid("not-an-option", tries, input=answer)
    if kind in ("multi", "order"):
        if isinstance(answer, str):
            answer = [a for a in re.split(r"[;,]", answer) if a.strip()]
        answer = _scalar(answer) if hasattr(answer, "tolist") else answer
        try:
            values = list(answer.tolist() if hasattr(answer, "tolist") else answer)
        except TypeError:
            return _invalid("not-a-list", tries)
        options = it.options() if kind == "multi" else it.entries()[0]
        ids = []
        for value in values:
            found = find(value, options) if isinstance(value, str) else None
            if found is None:
                return _invalid("not-an-option", tries, input=str(value))
            ids.append(found)
        return ids
    if kind == "match":
        if not isinstance(answer, dict):
            return _invalid("not-a-list", tries)
        lefts, choices, _ = it.pairs()
        response = {}
        for left, right in answer.items():
            lid, rid = find(left, lefts), find(right, choices) if isinstance(right, str) else None
            if lid is None or rid is None:
                return _invalid("not-an-option", tries, input=str(left if lid is None else right))
            response[lid] = rid
        return response
    raise ValueError(kind)


def check(item_id: str, answer) -> Result:
    """Grade a computed answer (a number, a list, a table with one value) against an item; never raises."""
    try:
        it = content.item(item_id)
    except (KeyError, content.ContentError):
        return _invalid("unknown-item", 0, input=item_id)
    tries = _TRIES.get(item_id, 0)
    try:
        response = _response(it, answer, tries)
        if isinstance(response, Result):
            return response
        result = Result(grader.grade(it.public_key(), response, tries))
    except Exception:  # a safety net: a student never sees a traceback from a checker
        return _invalid("checker-failed", tries)
    _TRIES[item_id] = result["tries"]
    return result
