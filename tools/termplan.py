"""Term plans: the week-by-week schedule of the course, on the schedule page and as a calendar.

The plans live in ``book/teaching/schedule.yml``. The schedule page shows them (the
``course-schedule`` directive of ``tools/teaching_kit.py``) and ``make schedule`` writes them as an
iCalendar file (RFC 5545) that any calendar application imports::

    make schedule START=2027-02-15 [WEEKS=7|14]

Study time per week is the sum of the chapters' study times, from ``coursekit.studytime`` (the figure
each chapter states in its header and the course map shows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from coursekit.studytime import minutes as _studytime

ROOT = Path(__file__).resolve().parent.parent
PLAN_FILE = ROOT / "book" / "teaching" / "schedule.yml"
NOTEBOOKS = ROOT / "notebooks"
TEACHING = ROOT / "book" / "teaching"
COURSE_TITLE = "Europe, Türkiye and the new security order"


def chapter_minutes(chapter: str) -> int:
    """The study time the chapter states (its header, the course map): coursekit.studytime's total."""
    return int(_studytime(chapter)["total"])


class PlanError(ValueError):
    """A malformed plan file: the message names the file and the line."""


@dataclass
class Due:
    what: str
    day: int  # days after the week's class day (negative: before it)


@dataclass
class Week:
    number: int
    chapters: list[str]
    reading: str
    seminar: str | None  # a page of book/teaching, e.g. "seminar-01"
    in_class: str
    due: list[Due] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(chapter_minutes(ch) for ch in self.chapters)


@dataclass
class Plan:
    weeks_total: int
    title: str
    summary: str
    weights: str
    weeks: list[Week]


# -- reading the plan file --------------------------------------------------------------------

class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping (as the key ``__line__``)."""


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _notebook(chapter: str) -> Path:
    found = sorted(NOTEBOOKS.glob(f"{chapter}_*.ipynb"))
    if not re.fullmatch(r"\d\d", str(chapter)) or not found:
        raise KeyError(chapter)
    return found[0]


def chapter_docname(chapter: str) -> str:
    """The book page of a chapter, e.g. '01' -> 'notebooks/01_russian_threat'."""
    return f"notebooks/{_notebook(chapter).stem}"


def page_title(docname: str) -> str:
    """The first heading of a page in book/teaching or of a chapter notebook."""
    if docname.startswith("notebooks/"):
        cells = json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))["cells"]
        text = "".join(cells[0]["source"])
    else:
        text = (TEACHING / f"{docname}.md").read_text(encoding="utf-8")
    match = re.search(r"^# (.+)$", text, re.M)
    return match.group(1).strip() if match else docname


def chapter_short_title(chapter: str) -> str:
    """'Chapter 1. The Russian threat returns' (the part of the title before the colon)."""
    return page_title(chapter_docname(chapter)).split(":")[0].strip()


def load(path: Path = PLAN_FILE) -> dict[int, Plan]:
    """Read and check the plan file; every problem names the file and the line."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except FileNotFoundError:
        raise PlanError(f"{path}: file not found") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise PlanError(f"{path}{where}: not valid YAML ({getattr(err, 'problem', err)})") from None

    def fail(node, message):
        line = node.get("__line__") if isinstance(node, dict) else None
        raise PlanError(f"{path}{f', line {line}' if line else ''}: {message}")

    if not isinstance(raw, dict) or not isinstance(raw.get("plans"), list) or not raw["plans"]:
        fail(raw if isinstance(raw, dict) else {}, "expected a mapping with a non-empty list 'plans'")
    plans: dict[int, Plan] = {}
    for entry in raw["plans"]:
        if not isinstance(entry, dict):
            fail(raw, "each plan must be a mapping with 'weeks', 'title', 'summary', 'weights' and 'schedule'")
        unknown = set(entry) - {"weeks", "title", "summary", "weights", "schedule", "__line__"}
        if unknown:
            fail(entry, f"unknown key(s) {sorted(unknown)} in a plan")
        for key in ("title", "summary", "weights"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                fail(entry, f"the plan needs a text '{key}'")
        total = entry.get("weeks")
        schedule = entry.get("schedule")
        if not isinstance(total, int) or total < 1:
            fail(entry, "'weeks' must be a whole number of weeks")
        if total in plans:
            fail(entry, f"there are two plans of {total} weeks")
        if not isinstance(schedule, list) or len(schedule) != total:
            fail(entry, f"'schedule' must list exactly {total} weeks, one entry per week")
        weeks = []
        for number, item in enumerate(schedule, start=1):
            if not isinstance(item, dict):
                fail(entry, f"week {number} must be a mapping")
            unknown = set(item) - {"chapters", "reading", "seminar", "in_class", "due", "__line__"}
            if unknown:
                fail(item, f"week {number}: unknown key(s) {sorted(unknown)}")
            chapters = item.get("chapters", [])
            if not isinstance(chapters, list) or not all(isinstance(c, str) for c in chapters):
                fail(item, f"week {number}: 'chapters' must be a list of chapter numbers in quotes, e.g. [\"01\"]")
            for chapter in chapters:
                try:
                    _notebook(chapter)
                except KeyError:
                    fail(item, f"week {number}: there is no chapter '{chapter}' in notebooks/")
            seminar = item.get("seminar")
            if seminar is not None and not (TEACHING / f"{seminar}.md").exists():
                fail(item, f"week {number}: 'seminar: {seminar}' is not a page in book/teaching/")
            in_class = item.get("in_class", "")
            if not isinstance(in_class, str) or (seminar is None and not in_class.strip()):
                fail(item, f"week {number}: say what happens in class ('seminar' and/or 'in_class')")
            reading = item.get("reading", "")
            if not isinstance(reading, str):
                fail(item, f"week {number}: 'reading' must be text")
            dues = []
            for due in item.get("due", []) or []:
                if not isinstance(due, dict) or not isinstance(due.get("what"), str) or not due["what"].strip():
                    fail(due if isinstance(due, dict) else item, f"week {number}: each 'due' entry needs a text 'what'")
                day = due.get("day", 0)
                if not isinstance(day, int) or isinstance(day, bool) or not -6 <= day <= 60:
                    fail(due, f"week {number}: 'day' (days after the week's class day) must be a whole number "
                              "from -6 to 60")
                dues.append(Due(due["what"].strip(), day))
            weeks.append(Week(number, chapters, reading.strip(), seminar, in_class.strip(), dues))
        plans[total] = Plan(total, entry["title"].strip(), entry["summary"].strip(), entry["weights"].strip(), weeks)
    return plans


# -- text for the page and the calendar ------------------------------------------------------

def format_minutes(total: int) -> str:
    """45 -> '45 min', 90 -> '1 h 30 min', 120 -> '2 h', 0 -> '—'."""
    if total <= 0:
        return "—"
    hours, mins = divmod(total, 60)
    if not hours:
        return f"{mins} min"
    return f"{hours} h" + (f" {mins} min" if mins else "")


def due_label(due: Due) -> str:
    if due.day == 0:
        return f"{due.what} (by class)"
    if due.day < 0:
        return f"{due.what} ({'the day' if due.day == -1 else f'{-due.day} days'} before class)"
    if due.day % 7 == 0:
        weeks = due.day // 7
        return f"{due.what} ({weeks} week{'s' if weeks > 1 else ''} after class)"
    return f"{due.what} ({due.day} days after class)"


def markdown_table(plan: Plan) -> str:
    """The plan as a MyST table, with links to the chapters and seminar pages."""
    rows = ["| Week | Reading | Notebook | In class | Due | Study time |", "| --- | --- | --- | --- | --- | --- |"]
    for week in plan.weeks:
        notebooks = "<br>".join(f"{{doc}}`{chapter_short_title(c)} </{chapter_docname(c)}>`" for c in week.chapters)
        in_class = [f"{{doc}}`{page_title(week.seminar).split(':')[0]} <{week.seminar}>`"] if week.seminar else []
        if week.in_class:
            in_class.append(week.in_class)
        dues = "<br>".join(due_label(d) for d in week.due)
        cells = [str(week.number), week.reading or "—", notebooks or "—", "; ".join(in_class), dues or "—",
                 format_minutes(week.minutes)]
        rows.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    total = sum(w.minutes for w in plan.weeks)
    rows.append(f"| | | | | **Chapters in all** | **{format_minutes(total)}** |")
    return "\n".join(rows)


def week_description(week: Week) -> str:
    lines = []
    if week.chapters:
        lines.append("Study before class: " + "; ".join(
            f"{chapter_short_title(c)} (notebook {_notebook(c).name}, about {chapter_minutes(c)} min)"
            for c in week.chapters))
    if week.reading:
        lines.append(f"Reading: {week.reading}")
    in_class = " ".join(x for x in [page_title(week.seminar) if week.seminar else "", week.in_class] if x)
    lines.append(f"In class: {in_class}")
    if week.due:
        lines.append("Due: " + "; ".join(due_label(d) for d in week.due))
    lines.append(f"Study time for the chapters: {format_minutes(week.minutes)}")
    return "\n".join(lines)


# -- iCalendar (RFC 5545) ------------------------------------------------------------------

def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545, 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets (RFC 5545, 3.1), never inside a character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with one space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def parse_start(text: str | None) -> dt.date:
    """The first class day, from 'YYYY-MM-DD'; anything else raises ValueError with a friendly message."""
    example = "for example START=2027-02-15"
    if not text or not str(text).strip():
        raise ValueError(f"give the first class day as START=YYYY-MM-DD, {example}")
    text = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"START={text!r} is not a date in the form YYYY-MM-DD ({example})")
    try:
        start = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"START={text} is not a real calendar date ({example})") from None
    if not 2000 <= start.year <= 2100:
        raise ValueError(f"START={text}: the year should lie between 2000 and 2100 ({example})")
    return start


def calendar(plan: Plan, start: dt.date, stamp: dt.datetime | None = None) -> str:
    """The plan as an iCalendar stream: one all-day event per week (the class day) and one per deadline."""
    if stamp is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        stamp = (dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit()
                 else dt.datetime.now(dt.UTC))
    dtstamp = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{COURSE_TITLE} ({plan.weeks_total} weeks from {start.isoformat()})"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Europe Türkiye security course//Term plan//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]

    def event(uid_key: str, day: dt.date, summary: str, description: str, categories: str):
        uid = uuid.uuid5(uuid.NAMESPACE_URL, f"europe-turkiye-course/{plan.weeks_total}/{start}/{uid_key}")
        lines.extend([
            "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(day + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_escape(summary)}", f"DESCRIPTION:{_escape(description)}",
            f"CATEGORIES:{_escape(categories)}", "TRANSP:TRANSPARENT", "END:VEVENT"])

    for week in plan.weeks:
        day = start + dt.timedelta(weeks=week.number - 1)
        what = page_title(week.seminar) if week.seminar else week.in_class.split(".")[0]
        event(f"week{week.number:02d}", day, f"Week {week.number}: {what}", week_description(week), "Class")
        for index, due in enumerate(week.due, start=1):
            event(f"week{week.number:02d}-due{index}", day + dt.timedelta(days=due.day), f"Due: {due.what}",
                  f"Week {week.number} of {plan.weeks_total}: {due.what}", "Deadline")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the term plan as an iCalendar (.ics) file.")
    parser.add_argument("--start", default=os.environ.get("START"), help="first class day, YYYY-MM-DD")
    parser.add_argument("--weeks", default=os.environ.get("WEEKS") or "14", help="7 or 14")
    parser.add_argument("--out", default=str(ROOT / "_build" / "schedule"), help="output folder")
    args = parser.parse_args(argv)
    try:
        plans = load()
    except PlanError as err:
        print(f"make schedule: {err}", file=sys.stderr)
        return 1
    try:
        start = parse_start(args.start)
    except ValueError as err:
        print(f"make schedule: {err}", file=sys.stderr)
        return 2
    weeks = str(args.weeks).strip()
    if not weeks.isdigit() or int(weeks) not in plans:
        options = " or ".join(str(n) for n in sorted(plans))
        print(f"make schedule: WEEKS={weeks} is not a plan of this course; use WEEKS={options}", file=sys.stderr)
        return 2
    plan = plans[int(weeks)]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"course-{plan.weeks_total}-weeks-from-{start.isoformat()}.ics"
    path.write_bytes(calendar(plan, start).encode("utf-8"))
    last = start + dt.timedelta(weeks=plan.weeks_total - 1)
    print(f"Wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
          f"{plan.title.lower()}, classes on {start:%A}s from {start:%d %B %Y} to {last:%d %B %Y}. "
          "Import it into any calendar application.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
