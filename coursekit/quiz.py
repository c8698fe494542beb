"""Self-check quizzes that work in JupyterLab and in the book without a kernel.

A quiz displays as one output with two MIME types: ipywidgets for
JupyterLab (widget view) and plain HTML form controls for the book, which
``coursekit.js`` (served by the site) wires up. Both explain why an answer
is right or wrong, and both are usable with the keyboard alone. Nothing is
stored about the reader.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass

__all__ = ["Option", "MultipleChoice", "Numeric", "Quiz"]


@dataclass
class Option:
    text: str
    correct: bool = False
    why: str = ""


@dataclass
class MultipleChoice:
    question: str
    options: list[Option]

    def __post_init__(self):
        if sum(o.correct for o in self.options) != 1:
            raise ValueError(f"question {self.question!r} needs exactly one correct option")

    def grade(self, index) -> tuple[bool, str]:
        try:
            index = int(index)
        except (TypeError, ValueError, OverflowError):
            return False, "Choose one of the options first."
        if not 0 <= index < len(self.options):
            return False, "Choose one of the options first."
        opt = self.options[index]
        lead = "Correct." if opt.correct else "Not quite."
        return opt.correct, f"{lead} {opt.why}".strip()


@dataclass
class Numeric:
    question: str
    answer: float
    tolerance: float
    unit: str = ""
    why: str = ""

    def grade(self, value) -> tuple[bool, str]:
        try:
            number = float(str(value).strip().replace(",", ".").rstrip("%"))
        except (TypeError, ValueError, OverflowError):
            return False, "Type a number, such as 3.5 (no units or separators)."
        if not math.isfinite(number):
            return False, "Type a number, such as 3.5 (no units or separators)."
        if abs(number - self.answer) <= self.tolerance:
            return True, f"Correct. {self.why}".strip()
        hint = "too high" if number > self.answer else "too low"
        return False, f"Not quite: that is {hint}. {self.why}".strip()


class Quiz:
    """A list of questions with an id unique in the book (used for HTML ids)."""

    def __init__(self, quiz_id: str, questions: list, title: str = "Self-check quiz"):
        if len(questions) < 1:
            raise ValueError("a quiz needs questions")
        self.id = "".join(ch if ch.isalnum() else "-" for ch in quiz_id)
        self.title = title
        self.questions = questions

    # -- book: plain HTML, no kernel --------------------------------------
    def to_html(self) -> str:
        e = html.escape
        parts = [f'<form class="ck-quiz" id="quiz-{self.id}" aria-label="{e(self.title)}" novalidate>',
                 f'<p class="ck-quiz-title"><strong>{e(self.title)}</strong> '
                 f"({len(self.questions)} questions; answers are checked in your browser and not stored)</p>"]
        for n, q in enumerate(self.questions, 1):
            qid = f"{self.id}-q{n}"
            parts.append(f'<fieldset class="ck-q" id="{qid}">')
            parts.append(f"<legend>{n}. {e(q.question)}</legend>")
            if isinstance(q, MultipleChoice):
                payload = [{"ok": o.correct, "why": o.why} for o in q.options]
                parts.append(f'<div class="ck-options" data-kind="choice" data-key="{e(json.dumps(payload))}">')
                for i, opt in enumerate(q.options):
                    parts.append(f'<label class="ck-option"><input type="radio" name="{qid}" value="{i}"> '
                                 f"{e(opt.text)}</label>")
                parts.append("</div>")
            else:
                payload = {"answer": q.answer, "tol": q.tolerance, "why": q.why}
                unit = f' <span class="ck-unit">{e(q.unit)}</span>' if q.unit else ""
                parts.append(f'<div class="ck-options" data-kind="number" data-key="{e(json.dumps(payload))}">'
                             f'<label>Your answer: <input type="text" inputmode="decimal" name="{qid}" '
                             f'autocomplete="off"></label>{unit}</div>')
            parts.append(f'<button type="button" class="ck-check">Check answer {n}</button>')
            parts.append('<p class="ck-qfeedback" aria-live="polite"></p></fieldset>')
        parts.append("</form>")
        return "".join(parts)

    # -- JupyterLab: ipywidgets ------------------------------------------
    def widget(self):
        import ipywidgets as w

        rows = []
        for n, q in enumerate(self.questions, 1):
            label = w.HTML(f"<p><strong>{n}. {html.escape(q.question)}</strong></p>")
            if isinstance(q, MultipleChoice):
                control = w.RadioButtons(options=[(o.text, i) for i, o in enumerate(q.options)], value=None,
                                         layout=w.Layout(width="auto"))
            else:
                control = w.Text(placeholder=f"a number{(' in ' + q.unit) if q.unit else ''}",
                                 description="Answer", style={"description_width": "initial"})
            button = w.Button(description=f"Check answer {n}", tooltip=f"Check answer {n}")
            out = w.HTML()

            def on_click(_, q=q, control=control, out=out):
                ok, text = q.grade(control.value)
                mark = "✓" if ok else "✗"
                out.value = f'<p class="ck-qfeedback" aria-live="polite">{mark} {html.escape(text)}</p>'

            button.on_click(on_click)
            rows.append(w.VBox([label, control, button, out]))
        box = w.VBox([w.HTML(f"<p><strong>{html.escape(self.title)}</strong></p>"), *rows])
        box.add_class("ck-quiz")
        return box

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .charts import live_kernel

        bundle = {"text/html": self.to_html(), "text/plain": f"{self.title}: {len(self.questions)} questions"}
        if live_kernel():
            bundle.update({k: v for k, v in self.widget()._repr_mimebundle_().items() if k != "text/plain"})
        return bundle
