"""The grader of every self-check item, in Python (JupyterLab and ``check()``).

Its twin, ``coursekit/static/grader.js``, grades the same items in the book.
Both read their rules and every message from ``coursekit/grading.json``, and
``tests/grading_cases.yml`` runs one table of cases through both, so the
kernel and the book cannot drift apart.

An item is graded from its *key* (built by :mod:`coursekit.content`): the
kind, the answer and what to say. A response is never evaluated as code.
A try that cannot be read (empty, text for a number, ``1e400``) gets a
friendly message and does not count as a try.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

__all__ = ["spec", "parse_number", "grade", "message", "label"]

SPEC_PATH = Path(__file__).with_name("grading.json")


@lru_cache(maxsize=1)
def spec() -> dict:
    """The grading rules and messages shared with the book's grader."""
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def message(kind: str, **values) -> str:
    return spec()["messages"][kind].format(**values)


def label(name: str, **values) -> str:
    return spec()["labels"][name].format(**values)


@lru_cache(maxsize=1)
def _patterns() -> dict:
    rules = spec()["number"]
    return {name: re.compile(rules[name]) for name in
            ("thousands_with_decimals", "ambiguous_comma", "decimal_comma", "number")}


def parse_number(raw) -> tuple[float | None, str]:
    """Read a typed number the way a reader means it.

    Returns ``(value, "")`` or ``(None, problem)`` where the problem is one of
    ``empty``, ``unreadable``, ``ambiguous`` or ``nonfinite`` (a message kind).
    Accepts a Unicode minus, spaces, a trailing percent sign, a decimal comma
    (``3,5``) and thousands commas with decimals (``1,234.5``); refuses
    ``3,500``, which could mean 3.5 or 3500.
    """
    rules, pat = spec()["number"], _patterns()
    text = str(raw).strip(rules["trim"])
    if not text:
        return None, "empty"
    for sign in rules["minus_signs"]:
        text = text.replace(sign, "-")
    for space in rules["spaces"]:
        text = text.replace(space, "")
    if text.endswith(rules["percent_sign"]):
        text = text[: -len(rules["percent_sign"])]
    if pat["thousands_with_decimals"].fullmatch(text):
        text = text.replace(",", "")
    elif pat["ambiguous_comma"].fullmatch(text):
        return None, "ambiguous"
    elif pat["decimal_comma"].fullmatch(text):
        text = text.replace(",", ".")
    if not pat["number"].fullmatch(text):
        return None, "unreadable"
    value = float(text)
    if not math.isfinite(value):
        return None, "nonfinite"
    return value, ""


def _shown(raw) -> str:
    """The reader's input as it is echoed back (trimmed, shortened)."""
    text = str(raw).strip(spec()["number"]["trim"])
    return text if len(text) <= 40 else text[:39] + "…"


def _result(key: dict, verdict: str, kind: str, tries: int, text: str = "", **values) -> dict:
    body = message(kind, **values)
    if text:
        body = f"{body} {text}"
    hints = key.get("hints") or []
    hint = hints[min(tries, len(hints)) - 1] if verdict == "wrong" and hints and tries > 0 else ""
    return {"verdict": verdict, "kind": kind, "message": body, "hint": hint, "tries": tries,
            "solution": verdict == "correct" or tries >= spec()["solution_after"]}


def _within(value: float, target: float, tol: float) -> bool:
    return abs(value - target) <= max(tol, spec()["number"]["min_tolerance"])


def _grade_number(key: dict, response, tries: int) -> dict:
    value, problem = parse_number(response)
    if problem:
        kind = "empty-number" if problem == "empty" else problem
        return _result(key, "invalid", kind, tries, input=_shown(response))
    answer, tol = float(key["answer"]), float(key["tol"])
    if _within(value, answer, tol):
        return _result(key, "correct", "correct", tries, key.get("explanation", ""))
    tries += 1
    for near in key.get("near", []):
        if _within(value, float(near["value"]), float(near.get("tol", tol))):
            return _result(key, "wrong", "near", tries, near["feedback"])
    for factor in spec()["number"]["scale_factors"]:
        if answer != 0 and _within(value * factor, answer, tol):
            return _result(key, "wrong", "scale", tries)
    kind = "too-high" if value > answer else "too-low"
    return _result(key, "wrong", kind, tries, input=_shown(response))


def _as_list(response) -> list:
    if response is None or response == "":
        return []
    if isinstance(response, (list, tuple)):
        return [r for r in response if r not in (None, "")]
    return [response]


def _grade_choice(key: dict, response, tries: int) -> dict:
    options = {o["id"]: o for o in key["options"]}
    picked = response[0] if isinstance(response, (list, tuple)) and len(response) == 1 else response
    if not isinstance(picked, str) or picked not in options:
        return _result(key, "invalid", "empty-choice", tries)
    option = options[picked]
    if option["correct"]:
        return _result(key, "correct", "correct", tries, " ".join(t for t in (option.get("feedback", ""),
                                                                              key.get("explanation", "")) if t))
    return _result(key, "wrong", "wrong", tries + 1, option.get("feedback", ""))


def _grade_multi(key: dict, response, tries: int) -> dict:
    options = {o["id"]: o for o in key["options"]}
    picked = {r for r in _as_list(response) if isinstance(r, str) and r in options}
    if not picked:
        return _result(key, "invalid", "empty-multi", tries)
    right = {i for i, o in options.items() if o["correct"]}
    if picked == right:
        return _result(key, "correct", "correct", tries, key.get("explanation", ""))
    return _result(key, "wrong", "partial-multi", tries + 1, hits=len(picked & right), extra=len(picked - right),
                   missing=len(right - picked))


def _grade_order(key: dict, response, tries: int) -> dict:
    answer = list(key["answer"])
    got = [r for r in _as_list(response) if isinstance(r, str)]
    if sorted(got) != sorted(answer):
        return _result(key, "invalid", "empty-order", tries)
    if got == answer:
        return _result(key, "correct", "correct", tries, key.get("explanation", ""))
    hits = sum(a == b for a, b in zip(got, answer))
    return _result(key, "wrong", "partial-order", tries + 1, hits=hits, total=len(answer))


def _grade_match(key: dict, response, tries: int) -> dict:
    answer = dict(key["answer"])
    got = response if isinstance(response, dict) else {}
    if any(not isinstance(got.get(left), str) or not got.get(left) for left in answer):
        return _result(key, "invalid", "empty-match", tries)
    hits = sum(got[left] == right for left, right in answer.items())
    if hits == len(answer):
        return _result(key, "correct", "correct", tries, key.get("explanation", ""))
    return _result(key, "wrong", "partial-match", tries + 1, hits=hits, total=len(answer))


def _grade_open(key: dict, response, tries: int) -> dict:
    if not isinstance(response, str) or not response.strip():
        return _result(key, "invalid", "empty-open", tries)
    return {"verdict": "submitted", "kind": "submitted", "message": message("submitted"), "hint": "",
            "tries": tries + 1, "solution": True}


_GRADERS = {"number": _grade_number, "choice": _grade_choice, "multi": _grade_multi, "order": _grade_order,
            "match": _grade_match, "open": _grade_open}


def grade(key: dict, response, tries: int = 0) -> dict:
    """Grade one response to the item whose key is ``key``, after ``tries`` wrong tries.

    Returns ``verdict`` (correct, wrong, invalid or submitted), ``kind`` (which
    message), ``message`` (begins with "Correct" or "Not quite"), ``hint`` (the
    next hint after a wrong try), ``tries`` (wrong tries so far) and
    ``solution`` (whether the reader may now open the solution).
    """
    return _GRADERS[key["kind"]](key, response, int(tries))
