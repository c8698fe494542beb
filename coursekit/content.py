"""Exercises, quizzes and review questions: written as data, shown and checked everywhere.

Each chapter's items live in one YAML file beside its notebook
(``notebooks/01_russian_threat.yml``): the question, the options with their
feedback, hints, the solution and the explanation, written the way a teacher
writes them. Where an answer comes from the data, the file names a *fact*
(``answer: {fact: allies_2pct_2024}``) and the chapter's module computes it
(``FACTS`` in ``coursekit/chapters/chN.py``). Any text may quote a fact:
``{poland_share_2025:.2f}`` is replaced by its value.

One id names an item everywhere: the notebook shows it with ``show(id)``,
the book renders the same item as a form checked in the browser
(``static/items.js``), JupyterLab as a widget, ``check(id, answer)`` grades a
computed answer, and the student edition and the LMS exports read the same
file. Grading lives in :mod:`coursekit.grader` and its JavaScript twin.

``python -m coursekit.content`` checks every content file and exits with the
file, the line and what to change at the first problems it finds.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import numbers
import random
import string
import sys
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path

import yaml

from .data import DataError, cached, fingerprint

__all__ = ["ContentError", "Item", "chapter_file", "check", "item", "items", "load_chapter", "show", "validate_all"]

KINDS = ("choice", "multi", "number", "order", "match", "open")
SECTIONS = ("pretest", "exercises", "quiz", "review", "posttest")
SCHEMA_PATH = Path(__file__).with_name("content.schema.json")


class ContentError(ValueError):
    """A content file is malformed: names the file, the line and what to change."""

    def __init__(self, problems: list[tuple[str, int | None, str]]):
        self.problems = problems
        super().__init__("\n".join(f"{path}{f', line {line}' if line else ''}: {text}" for path, line, text in problems))


# -- where the files are -----------------------------------------------------------------------

def notebooks_dir() -> Path:
    """The folder of the chapter notebooks and their content files (``COURSEKIT_NOTEBOOKS`` wins)."""
    import os

    env = os.environ.get("COURSEKIT_NOTEBOOKS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent / "notebooks"
    if here.is_dir():
        return here
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "notebooks").is_dir():
            return folder / "notebooks"
    raise ContentError([("notebooks/", None, "the course's notebooks folder was not found; run from inside the "
                                             "course folder or set COURSEKIT_NOTEBOOKS")])


def content_files() -> list[Path]:
    return sorted(notebooks_dir().glob("[0-9][0-9]_*.yml"))


def chapter_file(chapter: str) -> Path:
    """The content file of ``chapter`` (``"ch1"``)."""
    number = int(chapter[2:]) if chapter.startswith("ch") and chapter[2:].isdigit() else None
    found = [p for p in content_files() if number is not None and int(p.name[:2]) == number]
    if not found:
        raise ContentError([(str(notebooks_dir()), None, f"no content file for chapter {chapter!r}: expected "
                                                          f"notebooks/{number or 0:02d}_<slug>.yml")])
    return found[0]


# -- reading YAML with line numbers ----------------------------------------------------------------

class _Lines(dict):
    """Path inside the document (a tuple of keys and indexes) -> line number."""

    def at(self, path) -> int | None:
        path = tuple(path)
        while path not in self and path:
            path = path[:-1]
        return self.get(path)


def _construct(node, path, lines: _Lines, problems, file: str, loader):
    """Plain Python data from a composed YAML node, noting the line of every value on the way."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in out:
                problems.append((file, key_node.start_mark.line + 1,
                                 f"the field '{key}' appears twice in the same block; keep one"))
            out[key] = _construct(value_node, (*path, key), lines, problems, file, loader)
            lines[(*path, key)] = key_node.start_mark.line + 1  # a field is where its name is written
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, (*path, i), lines, problems, file, loader) for i, v in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    # YAML reads an unquoted date (2026-11-30) as a date: keep dates as the text the author wrote.
    return node.value if hasattr(value, "isoformat") else value


def _read_yaml(path: Path) -> tuple[dict, _Lines]:
    file = _rel(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError([(file, None, "file not found")]) from None
    except UnicodeDecodeError as err:
        raise ContentError([(file, None, f"not UTF-8 text (byte {err.start}); save the file as UTF-8")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        what = getattr(err, "problem", None) or str(err)
        raise ContentError([(file, mark.line + 1 if mark else None,
                             f"not valid YAML ({what}); check the indentation and quote text that contains ': '")]) from None
    if node is None:
        raise ContentError([(file, 1, "the file is empty; start with 'chapter: chN'")])
    lines, problems = _Lines(), []
    loader = yaml.SafeLoader("")
    try:
        data = _construct(node, (), lines, problems, file, loader)
    finally:
        loader.dispose()
    if problems:
        raise ContentError(problems)
    return data, lines


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(notebooks_dir().resolve().parent))
    except ValueError:
        return str(path)


# -- the schema, and what a schema cannot say ----------------------------------------------------------

@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


_ITEM_FIELDS = sorted(json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]["item"]["properties"])


def _friendly(error) -> str:
    """One line saying what is wrong and how to fix it, from a JSON Schema error."""
    where = "/".join(str(p) for p in error.absolute_path)
    field_name = next((p for p in reversed(error.absolute_path) if isinstance(p, str)), "")
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1]
        return f"missing field '{missing}': add a line '{missing}: ...' to this block"
    if v == "additionalProperties":
        extra = [p for p in error.instance if p not in error.schema.get("properties", {})]
        known = list(error.schema.get("properties", {}))
        tips = []
        for name in extra:
            close = get_close_matches(name, known, n=1)
            tips.append(f"unknown field '{name}'" + (f" (did you mean '{close[0]}'?)" if close else
                                                     f"; known fields: {', '.join(known)}"))
        return "; ".join(tips)
    if v == "enum" and field_name == "kind":
        return f"unknown item kind {error.instance!r}: use one of {', '.join(KINDS)}"
    if v == "pattern" and field_name == "id":
        return f"the id {error.instance!r} should look like 'ch1-short-name' (lower case, digits and hyphens)"
    if v == "pattern" and field_name == "evidence_as_of":
        return f"write the date as YYYY-MM-DD, for example 2026-11-30 (got {error.instance!r})"
    if v == "type":
        return f"'{where}' should be {error.validator_value} (got {type(error.instance).__name__})"
    if v in ("minItems", "maxItems"):
        return f"'{where}' has {len(error.instance)} entries; it needs {v[:3]}imum {error.validator_value}"
    if v == "minLength":
        return f"'{where}' is empty; write some text or remove the field"
    if v == "oneOf" and field_name in ("value", "tolerance"):
        return f"'{where}' should be a number or {{fact: name}}" if field_name == "value" else \
            f"'{where}' should be a number (absolute) or {{abs: 0.5}} or {{rel: 0.02}}"
    return f"'{where or 'file'}': {error.message}"


def _check_schema(data, lines: _Lines, file: str) -> list:
    problems = []
    for error in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        # With several failing branches, report the most specific error.
        best = error
        while best.context:
            best = min(best.context, key=lambda e: -len(e.absolute_path))
        problems.append((file, lines.at(best.absolute_path), _friendly(best)))
    return problems


# -- facts -------------------------------------------------------------------------------------------

def _facts_module(chapter: str):
    return importlib.import_module(f"coursekit.chapters.{chapter}")


def fact_names(chapter: str) -> list[str]:
    return sorted(getattr(_facts_module(chapter), "FACTS", {}))


@cached
def fact(chapter: str, name: str):
    """The value of fact ``name`` of ``chapter``, computed from the data (cached until the data change)."""
    table = getattr(_facts_module(chapter), "FACTS", {})
    if name not in table:
        close = get_close_matches(name, list(table), n=1)
        raise KeyError(f"unknown fact '{name}'" + (f" (did you mean '{close[0]}'?)" if close else "")
                       + f"; the facts of {chapter} are defined in FACTS in coursekit/chapters/{chapter}.py")
    try:
        value = table[name]()
    except DataError as err:
        raise RuntimeError(f"fact '{name}' could not be computed: dataset file {err}") from None
    except Exception as err:
        raise RuntimeError(f"fact '{name}' (coursekit/chapters/{chapter}.py) raised {type(err).__name__}: {err}") from None
    return value


def _plain(value):
    """A fact's value as plain JSON-able Python (numpy and pandas scalars included)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def _show_value(value, spec: str = "") -> str:
    value = _plain(value)
    if isinstance(value, list):
        return ", ".join(_show_value(v, spec) for v in value)
    if spec:
        return format(value, spec)
    # Whole numbers below 10,000 (years above all) are written without a thousands separator.
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


class _FactFormatter(string.Formatter):
    def __init__(self, chapter: str):
        self.chapter = chapter
        self.used: list[str] = []

    def get_value(self, key, args, kwargs):
        self.used.append(str(key))
        return fact(self.chapter, str(key))

    def format_field(self, value, format_spec):
        return _show_value(value, format_spec)


def fill(text: str, chapter: str) -> str:
    """``text`` with every ``{fact}`` or ``{fact:.2f}`` replaced by the fact's value."""
    return _FactFormatter(chapter).format(text) if "{" in text else text


def placeholders(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


# -- items --------------------------------------------------------------------------------------------

def _opaque(*parts) -> str:
    return "k" + hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()[:7]


def _rng(item_id: str) -> random.Random:
    return random.Random(int(hashlib.sha256(item_id.encode()).hexdigest(), 16))


@dataclass
class Item:
    """One self-check item of a chapter, as written in its content file (text not yet filled in)."""

    raw: dict
    chapter: str
    section: str
    file: str
    line: int | None
    number: int = 0  # position within its section, from 1
    _key: dict | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.raw["id"]

    @property
    def kind(self) -> str:
        return self.raw["kind"]

    def text(self, name: str, default: str = "") -> str:
        value = self.raw.get(name)
        return fill(value, self.chapter) if isinstance(value, str) else default

    def hints(self) -> list[str]:
        return [fill(h, self.chapter) for h in self.raw.get("hints", [])]

    def solution(self) -> dict:
        sol = self.raw.get("solution") or {}
        return {"text": fill(sol["text"], self.chapter) if "text" in sol else "", "code": sol.get("code", "")}

    def _answer(self):
        ref = self.raw.get("answer")
        return _plain(fact(self.chapter, ref["fact"])) if ref else None

    def _tolerance(self, spec, answer: float) -> float:
        if spec is None:
            return 0.0
        if isinstance(spec, (int, float)):
            return float(spec)
        return max(float(spec.get("abs", 0)), float(spec.get("rel", 0)) * abs(answer))

    # The options as shown: shuffled once per item, seeded by its id, the same in every front end.
    def options(self) -> list[dict]:
        answer = self._answer()
        wanted = None if answer is None else {str(a) for a in (answer if isinstance(answer, list) else [answer])}
        out = []
        for opt in self.raw.get("options", []):
            value = opt.get("value", opt["text"])
            correct = bool(opt.get("correct")) if wanted is None else str(value) in wanted
            out.append({"id": _opaque(self.id, opt["text"]), "text": fill(opt["text"], self.chapter),
                        "feedback": fill(opt["feedback"], self.chapter), "correct": correct, "value": value})
        _rng(self.id).shuffle(out)
        return out

    def entries(self) -> tuple[list[dict], list[str]]:
        """Ordering items: the entries as shown (shuffled, never already in order) and the right order of ids."""
        entries = [{"id": _opaque(self.id, e["text"]), "text": fill(e["text"], self.chapter),
                    "value": e.get("value", e["text"])} for e in self.raw.get("entries", [])]
        answer = self._answer()
        if answer is None:
            right = [e["id"] for e in entries]
        else:
            by_value = {str(e["value"]): e["id"] for e in entries}
            right = [by_value[str(v)] for v in answer]
        shown = list(entries)
        _rng(self.id).shuffle(shown)
        if [e["id"] for e in shown] == right:
            shown = shown[1:] + shown[:1]
        return shown, right

    def pairs(self) -> tuple[list[dict], list[dict], dict]:
        """Matching items: the left entries, the right choices (shuffled, with distractors) and the key."""
        lefts, rights, key = [], {}, {}
        for pair in self.raw.get("pairs", []):
            left_id, right_id = _opaque(self.id, "left", pair["left"]), _opaque(self.id, "right", pair["right"])
            lefts.append({"id": left_id, "text": fill(pair["left"], self.chapter)})
            rights[right_id] = fill(pair["right"], self.chapter)
            key[left_id] = right_id
        for extra in self.raw.get("distractors", []):
            rights[_opaque(self.id, "right", extra)] = fill(extra, self.chapter)
        choices = [{"id": i, "text": t} for i, t in rights.items()]
        _rng(self.id).shuffle(choices)
        return lefts, choices, key

    def key(self) -> dict:
        """What the grader needs: the kind, the answer and what to say (the same in Python and JavaScript)."""
        version = fingerprint()
        if self._key is not None and self._key.get("_data") == version:
            return self._key
        key = {"id": self.id, "kind": self.kind, "hints": self.hints(),
               "explanation": self.text("explanation")}
        if self.kind == "number":
            answer = self._answer()
            if isinstance(answer, bool) or not isinstance(answer, (int, float)):
                raise ValueError(f"fact '{self.raw['answer']['fact']}' gives {answer!r}, but a number item needs "
                                 "a fact that gives a number")
            answer = float(answer)
            tol = self._tolerance(self.raw.get("tolerance"), answer)
            key.update(answer=answer, tol=tol, unit=self.text("unit"), near=[
                {"value": float(_plain(fact(self.chapter, n["value"]["fact"])) if isinstance(n["value"], dict)
                                else n["value"]),
                 "tol": self._tolerance(n.get("tolerance"), answer) if "tolerance" in n else tol,
                 "feedback": fill(n["feedback"], self.chapter)} for n in self.raw.get("near", [])])
        elif self.kind in ("choice", "multi"):
            key["options"] = [{k: o[k] for k in ("id", "correct", "feedback")} for o in self.options()]
        elif self.kind == "order":
            key["answer"] = self.entries()[1]
        elif self.kind == "match":
            key["answer"] = self.pairs()[2]
        self._key = {**key, "_data": version}
        return self._key

    def public_key(self) -> dict:
        return {k: v for k, v in self.key().items() if not k.startswith("_")}


# -- loading and checking a chapter -------------------------------------------------------------------

@dataclass
class Chapter:
    chapter: str
    file: str
    evidence_as_of: str
    items: dict[str, Item]
    sections: dict[str, list[str]]

    def section(self, name: str) -> list[Item]:
        return [self.items[i] for i in self.sections.get(name, [])]


def _semantic(data: dict, lines: _Lines, file: str, chapter: str) -> list:
    problems = []
    try:
        known = set(fact_names(chapter))
    except ImportError as err:
        return [(file, lines.at(("chapter",)), f"the chapter module coursekit/chapters/{chapter}.py cannot be "
                                               f"imported ({err})")]
    ids: dict[str, int] = {}
    for section in SECTIONS:
        for n, raw in enumerate(data.get(section, [])):
            path = (section, n)
            line = lines.at(path)
            iid = raw["id"]

            def at(*sub, _path=path):
                return lines.at((*_path, *sub))

            if not iid.startswith(chapter + "-"):
                problems.append((file, at("id"), f"the id '{iid}' should start with '{chapter}-' in this chapter's file"))
            if iid in ids:
                problems.append((file, at("id"), f"the id '{iid}' is used twice (first on line {ids[iid]}); "
                                                 "give each item its own id"))
            ids.setdefault(iid, line)
            # Facts named anywhere in the item must exist.
            refs = []
            if isinstance(raw.get("answer"), dict):
                refs.append((raw["answer"]["fact"], at("answer")))
            for k, near in enumerate(raw.get("near", [])):
                if isinstance(near.get("value"), dict):
                    refs.append((near["value"]["fact"], at("near", k, "value")))
            for text_path, text in texts(raw):
                try:
                    names = placeholders(text)
                except ValueError as err:
                    problems.append((file, at(*text_path), f"a '{{' or '}}' is unbalanced ({err}); write {{{{ or }}}} "
                                                           "for a literal brace"))
                    continue
                refs += [(name.split(".")[0].split("[")[0], at(*text_path)) for name in names]
            for name, where in refs:
                if name not in known:
                    close = get_close_matches(name, sorted(known), n=1)
                    problems.append((file, where, f"unknown fact '{name}'" + (f": did you mean '{close[0]}'?" if close
                                     else f": add it to FACTS in coursekit/chapters/{chapter}.py")))
            kind = raw["kind"]
            if kind == "choice" and "answer" not in raw:
                n_right = sum(bool(o.get("correct")) for o in raw["options"])
                if n_right != 1:
                    problems.append((file, at("options"), f"item '{iid}' has {n_right} options marked 'correct: true'; "
                                                          "a choice item needs exactly one (use kind: multi for several)"))
            if kind == "multi" and "answer" not in raw:
                n_right = sum(bool(o.get("correct")) for o in raw["options"])
                if not 0 < n_right < len(raw["options"]):
                    problems.append((file, at("options"), f"item '{iid}' marks {n_right} of {len(raw['options'])} options "
                                                          "correct; a multi item needs at least one right and one wrong"))
            if kind in ("choice", "multi") and "answer" in raw and any("correct" in o for o in raw["options"]):
                problems.append((file, at("answer"), f"item '{iid}' names a fact as its answer and also marks options "
                                                     "'correct:'; keep one of the two"))
            if kind in ("choice", "multi"):
                option_texts = [o["text"] for o in raw["options"]]
                if len(set(option_texts)) != len(option_texts):
                    problems.append((file, at("options"), f"item '{iid}' has two options with the same text"))
            if kind == "order" and len({e["text"] for e in raw["entries"]}) != len(raw["entries"]):
                problems.append((file, at("entries"), f"item '{iid}' has two entries with the same text"))
            if kind == "match":
                lefts = [p["left"] for p in raw["pairs"]]
                rights = [p["right"] for p in raw["pairs"]] + list(raw.get("distractors", []))
                if len(set(lefts)) != len(lefts) or len(set(rights)) != len(rights):
                    problems.append((file, at("pairs"), f"item '{iid}' repeats a left or right text; each must be unique"))
            if section == "review" and "reviews" not in raw:
                problems.append((file, line, f"review item '{iid}' needs 'reviews: chN' naming the earlier chapter it revisits"))
            if section in ("pretest", "posttest") and "concept" not in raw:
                problems.append((file, line, f"item '{iid}' needs 'concept: name' so the pre-test and the capstone "
                                             "can be matched"))
            if kind != "open" and section in ("exercises", "quiz", "review") and not raw.get("hints") and kind != "number":
                problems.append((file, line, f"item '{iid}' needs at least one hint ('hints:' with a list)"))
    return problems


def texts(raw: dict):
    """Every reader-facing text of an item, with its path inside the item."""
    for name in ("prompt", "explanation", "unit", "model_answer"):
        if isinstance(raw.get(name), str):
            yield (name,), raw[name]
    for i, hint in enumerate(raw.get("hints", [])):
        yield ("hints", i), hint
    for name in ("text",):
        if isinstance((raw.get("solution") or {}).get(name), str):
            yield ("solution", name), raw["solution"][name]
    for i, opt in enumerate(raw.get("options", [])):
        yield ("options", i, "text"), opt["text"]
        yield ("options", i, "feedback"), opt["feedback"]
    for i, entry in enumerate(raw.get("entries", [])):
        yield ("entries", i, "text"), entry["text"]
    for i, pair in enumerate(raw.get("pairs", [])):
        yield ("pairs", i, "left"), pair["left"]
        yield ("pairs", i, "right"), pair["right"]
    for i, near in enumerate(raw.get("near", [])):
        yield ("near", i, "feedback"), near["feedback"]
    for i, rule in enumerate(raw.get("rubric", [])):
        yield ("rubric", i), rule
    for i, extra in enumerate(raw.get("distractors", [])):
        yield ("distractors", i), extra


def _resolve(chapter: Chapter, lines: _Lines, data: dict) -> list:
    """Compute every fact an item uses; report a fact that raises or does not fit its item."""
    problems = []
    for section in SECTIONS:
        for n, raw in enumerate(data.get(section, [])):
            it = chapter.items[raw["id"]]
            where = lines.at((section, n))
            try:
                key = it.key()
                for _path, text in texts(raw):
                    fill(text, chapter.chapter)
            except (RuntimeError, KeyError, ValueError, TypeError, IndexError) as err:
                message = err.args[0] if err.args else str(err)
                problems.append((chapter.file, lines.at((section, n, "answer")) or where,
                                 f"item '{it.id}': {message}"))
                continue
            if it.kind in ("choice", "multi") and "answer" in raw:
                n_right = sum(o["correct"] for o in key["options"])
                value = it._answer()
                if it.kind == "choice" and n_right != 1:
                    problems.append((chapter.file, lines.at((section, n, "answer")),
                                     f"item '{it.id}': fact '{raw['answer']['fact']}' gives {value!r}, which matches "
                                     f"{n_right} options; it must match the 'value' (or text) of exactly one option"))
                if it.kind == "multi" and not 0 < n_right < len(key["options"]):
                    problems.append((chapter.file, lines.at((section, n, "answer")),
                                     f"item '{it.id}': fact '{raw['answer']['fact']}' gives {value!r}, which matches "
                                     f"{n_right} options; list every right option and at least one wrong one"))
                wanted = value if isinstance(value, list) else [value]
                values = {str(o.get("value", o["text"])) for o in raw["options"]}
                missing = [v for v in wanted if str(v) not in values]
                if missing:
                    problems.append((chapter.file, lines.at((section, n, "options")),
                                     f"item '{it.id}': the fact gives {missing!r}, which no option has as its value; "
                                     "add an option for it"))
    return problems


@cached
def _load_chapter(path_str: str, text_hash: str) -> Chapter:
    path = Path(path_str)
    file = _rel(path)
    data, lines = _read_yaml(path)
    problems = _check_schema(data, lines, file)
    if problems:
        raise ContentError(problems)
    chapter = data["chapter"]
    expected = f"ch{int(path.name[:2])}"
    if chapter != expected:
        raise ContentError([(file, lines.at(("chapter",)), f"this file belongs to chapter '{expected}' "
                                                            f"(its name starts with {path.name[:2]}); write 'chapter: {expected}'")])
    problems = _semantic(data, lines, file, chapter)
    if problems:
        raise ContentError(problems)
    items, sections = {}, {}
    for section in SECTIONS:
        sections[section] = []
        for n, raw in enumerate(data.get(section, [])):
            items[raw["id"]] = Item(raw, chapter, section, file, lines.at((section, n)), number=n + 1)
            sections[section].append(raw["id"])
    result = Chapter(chapter, file, str(data["evidence_as_of"]), items, sections)
    problems = _resolve(result, lines, data)
    if problems:
        raise ContentError(problems)
    return result


def load_chapter(chapter: str) -> Chapter:
    """A chapter's items, checked: the schema, the facts and every answer. Raises :class:`ContentError`."""
    path = chapter_file(chapter)
    return _load_chapter(str(path), hashlib.sha256(path.read_bytes()).hexdigest())


def chapters() -> list[str]:
    return [f"ch{int(p.name[:2])}" for p in content_files()]


def items() -> dict[str, Item]:
    """Every item of the course, by id (loads every content file)."""
    out = {}
    for chapter in chapters():
        for iid, it in load_chapter(chapter).items.items():
            if iid in out:
                raise ContentError([(it.file, it.line, f"the id '{iid}' is also used in {out[iid].file}; ids are unique "
                                                       "across the course")])
            out[iid] = it
    return out


def item(item_id: str) -> Item:
    chapter = item_id.split("-", 1)[0]
    if chapter not in chapters():
        raise KeyError(item_id)
    found = load_chapter(chapter).items
    if item_id not in found:
        raise KeyError(item_id)
    return found[item_id]


def validate_all() -> list[str]:
    """Check every content file; return one line per problem (empty when all is well)."""
    out = []
    seen: dict[str, str] = {}
    for path in content_files():
        chapter = f"ch{int(path.name[:2])}"
        try:
            loaded = load_chapter(chapter)
        except ContentError as err:
            out += str(err).splitlines()
            continue
        for iid, it in loaded.items.items():
            if iid in seen:
                out.append(f"{it.file}, line {it.line}: the id '{iid}' is also used in {seen[iid]}; ids are unique "
                           "across the course")
            seen[iid] = it.file
    return out


def strip_solutions(text: str) -> str:
    """A content file's text without its ``solution:`` blocks (for the student edition), comments kept."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    drop: list[tuple[int, int]] = []

    def walk(n):
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                if key.value == "solution" and isinstance(value, yaml.MappingNode):
                    # A block ends where the next token starts: at the start of a line (or its indent and "- ").
                    mark = value.end_mark
                    before = text.splitlines()[mark.line][: mark.column] if mark.line < len(text.splitlines()) else ""
                    end = mark.line if before.strip() in ("", "-") else mark.line + 1
                    drop.append((key.start_mark.line, end))
                else:
                    walk(value)
        elif isinstance(n, yaml.SequenceNode):
            for v in n.value:
                walk(v)

    walk(node)
    lines = text.splitlines(keepends=True)
    for start, end in sorted(drop, reverse=True):
        del lines[start:end]
    return "".join(lines)


def main(argv=None) -> int:
    problems = validate_all()
    if problems:
        print("The course's content files have problems:", file=sys.stderr)
        for line in problems:
            print("  " + line, file=sys.stderr)
        return 1
    print(f"content files: {len(content_files())} checked, {len(items())} items, all answers computed")
    return 0


# -- showing items -----------------------------------------------------------------------------------------

from . import render  # noqa: E402  (rendering needs the classes above)


def show(ref: str):
    """Display an item (``"ch1-count-2024"``) or a section of a chapter (``"ch1:quiz"``)."""
    return render.Display(ref)


def check(item_id: str, answer):
    """Check a computed ``answer`` to an item; always answers with feedback, never raises for a bad answer."""
    return render.check(item_id, answer)


if __name__ == "__main__":
    sys.exit(main())
