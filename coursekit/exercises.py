"""Auto-checked exercises with specific feedback.

A chapter registers its exercises with :func:`register`; a notebook cell
calls ``check("ch1-allies-2014", answer)``. The expected answer is computed
from the course data by the package, so neither the notebook nor the
student edition shows it in plain text. Student input is only ever
inspected as a value: it is never evaluated as code.

Whatever a student passes (text for a number, ``None``, ``NaN``, a whole
table, the untouched ``...`` placeholder) the check answers with a friendly
message and never raises.
"""

from __future__ import annotations

import html
import math
import numbers
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Feedback", "NumberExercise", "ChoiceExercise", "SetExercise", "TextExercise",
           "register", "check", "exercise", "registry"]

_REGISTRY: dict[str, object] = {}


@dataclass
class Feedback:
    """The result of a check: right or not, and what to say to the student."""

    correct: bool
    message: str
    hint: str = ""
    status: str = ""  # "correct", "wrong", "invalid" or "missing"

    def __post_init__(self):
        if not self.status:
            self.status = "correct" if self.correct else "wrong"

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        mark = "✓ Correct." if self.correct else ("✗ Not yet." if self.status == "wrong" else "⚠ Check your input.")
        text = f"{mark} {self.message}"
        return text + (f"\nHint: {self.hint}" if self.hint else "")

    def _repr_html_(self) -> str:
        icon = {"correct": "✓ Correct.", "wrong": "✗ Not yet.", "invalid": "⚠ Check your input.",
                "missing": "✎ Your turn."}[self.status]
        hint = f'<p class="ck-hint"><strong>Hint:</strong> {html.escape(self.hint)}</p>' if self.hint else ""
        return (f'<div class="ck-feedback ck-{self.status}" role="status">'
                f"<p><strong>{icon}</strong> {html.escape(self.message)}</p>{hint}</div>")

    def __repr__(self) -> str:
        return str(self)


def _missing(answer) -> bool:
    return answer is Ellipsis or answer is None


def _as_number(answer) -> tuple[float | None, str]:
    """Turn a student's answer into a float, or explain why it is not one."""
    if _missing(answer):
        return None, "missing"
    if isinstance(answer, bool):
        return None, "You gave True/False; this exercise wants a number."
    try:  # a one-element pandas or numpy result is fine
        import numpy as np
        import pandas as pd

        if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray)):
            size = answer.size
            if size != 1:
                return None, (f"Your answer is a table or array with {size} values; this exercise wants one number. "
                              "Pick one value, e.g. with .iloc[0], .sum() or .mean().")
            answer = answer.item() if hasattr(answer, "item") else answer.to_numpy().item()
    except ImportError:
        pass
    if isinstance(answer, str):
        text = answer.strip().replace("\u2212", "-")
        cleaned = text.rstrip("%").replace(" ", "")
        try:
            float(cleaned)
        except ValueError:
            return None, (f"You typed the text {answer!r}. Write a number without quotes, "
                          "units or thousands separators, for example 3.5 or 1200.")
        return None, (f"You typed the number as text ({answer!r}). Remove the quotation marks: "
                      f"answer = {cleaned}")
    if isinstance(answer, numbers.Number) and not isinstance(answer, complex):
        value = float(answer)
        if math.isnan(value):
            return None, ("Your answer is NaN (not a number), which usually means a missing value "
                          "slipped into a calculation. Check the rows you selected.")
        if math.isinf(value):
            return None, "Your answer is infinite; check for a division by zero."
        return value, ""
    return None, f"Your answer is of type {type(answer).__name__}; this exercise wants a single number."


@dataclass
class NumberExercise:
    """A numeric answer, right within a tolerance.

    ``expected`` is a function, so the answer is computed from the data when
    checked. ``near`` maps likely wrong answers (as functions too) to a
    message explaining the slip.
    """

    id: str
    expected: Callable[[], float]
    unit: str = ""
    abs_tol: float = 0.0
    rel_tol: float = 0.0
    hint: str = ""
    explanation: str = ""
    near: Sequence[tuple[Callable[[], float], str]] = ()

    def check(self, answer) -> Feedback:
        value, problem = _as_number(answer)
        if problem == "missing":
            return Feedback(False, "Replace the ... with your answer, then run the cell again.", self.hint, "missing")
        if value is None:
            return Feedback(False, problem, "", "invalid")
        target = float(self.expected())
        tol = max(self.abs_tol, self.rel_tol * abs(target), 1e-9)
        unit = f" {self.unit}" if self.unit else ""
        if abs(value - target) <= tol:
            return Feedback(True, f"{_fmt(value)}{unit} is right. {self.explanation}".strip())
        for wrong, message in self.near:
            if abs(value - float(wrong())) <= tol:
                return Feedback(False, message, self.hint)
        if target != 0 and abs(value) > 0 and (
                abs(value * 100 - target) <= tol * 1 or abs(value / 100 - target) <= tol):
            return Feedback(False, "Your answer is off by a factor of 100: check whether the question "
                                   "wants a share (0 to 1) or a percentage (0 to 100).", self.hint)
        direction = "too high" if value > target else "too low"
        return Feedback(False, f"{_fmt(value)}{unit} is {direction}.", self.hint)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3g}" if abs(value) < 10 else f"{value:,.2f}"


def _norm(text) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


@dataclass
class ChoiceExercise:
    """Pick one option, by its letter or its text. Each option may carry its own feedback."""

    id: str
    options: dict[str, str]  # letter -> option text
    correct: str
    feedback: dict[str, str] = field(default_factory=dict)  # letter -> why
    hint: str = ""

    def check(self, answer) -> Feedback:
        if _missing(answer):
            return Feedback(False, "Replace the ... with a letter such as 'a', then run the cell again.",
                            self.hint, "missing")
        if not isinstance(answer, str):
            return Feedback(False, f"Give the letter of your choice as text in quotes, for example 'b' "
                                   f"(you gave {type(answer).__name__}).", "", "invalid")
        key = _norm(answer).strip("() .")
        if key not in self.options:
            matches = [k for k, text in self.options.items() if _norm(text) == key]
            if not matches:
                letters = ", ".join(f"'{k}'" for k in self.options)
                return Feedback(False, f"{answer!r} is not one of the options; answer with one of {letters}.",
                                "", "invalid")
            key = matches[0]
        if key == self.correct:
            return Feedback(True, self.feedback.get(key, "That is the best answer."))
        return Feedback(False, self.feedback.get(key, "That is not the best answer."), self.hint)


@dataclass
class SetExercise:
    """Name a set of items (e.g. countries), in any order and spelling of case/accents."""

    id: str
    expected: Callable[[], Iterable[str]]
    noun: str = "items"
    aliases: dict[str, str] = field(default_factory=dict)  # normalised alias -> canonical
    hint: str = ""

    def _canon(self, item) -> str:
        key = _norm(item)
        return _norm(self.aliases.get(key, key))

    def check(self, answer) -> Feedback:
        if _missing(answer):
            return Feedback(False, f"Replace the ... with a list of {self.noun}, e.g. ['France', 'Poland'].",
                            self.hint, "missing")
        if isinstance(answer, str):
            items = [a for a in answer.replace(";", ",").split(",") if a.strip()]
        else:
            try:
                items = list(answer)
            except TypeError:
                return Feedback(False, f"Give a list of {self.noun} in square brackets, e.g. ['France', 'Poland'].",
                                "", "invalid")
        if any(not isinstance(i, str) for i in items):
            return Feedback(False, "Every entry should be a name in quotes; some are not text.", "", "invalid")
        got = {self._canon(i) for i in items}
        want = {self._canon(i) for i in self.expected()}
        if got == want:
            return Feedback(True, f"All {len(want)} {self.noun} are right.")
        missing, extra = len(want - got), len(got - want)
        parts = []
        if extra:
            wrong = ", ".join(sorted(i for i in items if self._canon(i) in (got - want)))
            parts.append(f"these do not belong: {wrong}")
        if missing:
            parts.append(f"{missing} {self.noun} {'is' if missing == 1 else 'are'} missing")
        return Feedback(False, "Close, but " + "; ".join(parts) + ".", self.hint)


@dataclass
class TextExercise:
    """A short text answer (a name, a year written as text), compared leniently."""

    id: str
    accepted: Sequence[str] | Callable[[], Sequence[str]]
    hint: str = ""
    explanation: str = ""

    def check(self, answer) -> Feedback:
        accepted = self.accepted() if callable(self.accepted) else self.accepted
        if _missing(answer):
            return Feedback(False, "Replace the ... with your answer in quotes, then run the cell again.",
                            self.hint, "missing")
        if not isinstance(answer, (str, int)) or isinstance(answer, bool):
            return Feedback(False, f"Write your answer as text in quotes (you gave {type(answer).__name__}).",
                            "", "invalid")
        if _norm(answer).replace(" ", "") in {_norm(a).replace(" ", "") for a in accepted}:
            return Feedback(True, self.explanation or "Right.")
        return Feedback(False, f"{str(answer)!r} is not what we are looking for.", self.hint)


def register(*exercises) -> None:
    for ex in exercises:
        if ex.id in _REGISTRY and _REGISTRY[ex.id] is not ex:
            raise ValueError(f"exercise id {ex.id!r} is registered twice")
        _REGISTRY[ex.id] = ex


def registry() -> dict:
    """Every exercise of every chapter (imports all chapter modules)."""
    from . import chapters

    chapters.load_all()
    return dict(_REGISTRY)


def exercise(exercise_id: str):
    from . import chapters

    if exercise_id not in _REGISTRY:
        chapters.load_for(str(exercise_id))
    if exercise_id not in _REGISTRY:
        reg = registry()
        if exercise_id not in reg:
            raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(sorted(reg))}")
    return _REGISTRY[exercise_id]


def check(exercise_id: str, answer) -> Feedback:
    """Check ``answer`` for exercise ``exercise_id``; always returns feedback, never raises for bad answers."""
    try:
        ex = exercise(exercise_id)
    except KeyError as err:
        return Feedback(False, str(err.args[0]), "", "invalid")
    try:
        return ex.check(answer)
    except Exception as err:  # a safety net: a student never sees a traceback from a checker
        return Feedback(False, f"The checker could not read this answer ({type(err).__name__}). "
                               "Try a plain number or text.", "", "invalid")
