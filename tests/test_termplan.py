"""Term plans: the schedule page, its study times, and the calendar that `make schedule` writes."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import icalendar
import pytest
from bs4 import BeautifulSoup

from coursekit import studytime

from conftest import ROOT, SITE, toc_files

sys.path.insert(0, str(ROOT / "tools"))
import termplan  # noqa: E402

PLANS = termplan.load()
START = dt.date(2027, 2, 15)


def test_there_is_a_seven_and_a_fourteen_week_plan():
    assert sorted(PLANS) == [7, 14]
    for weeks, plan in PLANS.items():
        assert len(plan.weeks) == weeks
        assert [w.number for w in plan.weeks] == list(range(1, weeks + 1))


@pytest.mark.parametrize("weeks", [7, 14])
def test_every_chapter_and_the_memo_are_in_each_plan(weeks):
    plan = PLANS[weeks]
    chapters = sorted(c for w in plan.weeks for c in w.chapters)
    assert chapters == [p.stem[:2] for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    dues = " ".join(d.what for w in plan.weeks for d in w.due)
    assert "Policy memo" in dues and "Position paper" in dues
    assert "simulation" in {w.seminar for w in plan.weeks}


def test_the_schedule_page_is_in_the_table_of_contents():
    assert "book/teaching/schedule" in toc_files()


def _stated_minutes(chapter_page: str) -> int | None:
    """The study time a chapter states in its header line ("Study time: about N minutes"), if it has one."""
    soup = BeautifulSoup((SITE / f"{chapter_page}.html").read_text(encoding="utf-8"), "html.parser")
    about = soup.select_one("p.ck-about")
    return int(re.search(r"Study time: about (\d+) minutes", about.get_text()).group(1)) if about else None


@pytest.mark.parametrize("weeks", [7, 14])
def test_study_time_on_the_page_is_the_chapters_study_time(weeks):
    soup = BeautifulSoup((SITE / "book" / "teaching" / "schedule.html").read_text(encoding="utf-8"), "html.parser")
    section = soup.find(id={7: "seven-weeks", 14: "fourteen-weeks"}[weeks])
    rows = section.select("table tbody tr")
    plan = PLANS[weeks]
    assert len(rows) == weeks + 1  # and the total
    for week, row in zip(plan.weeks, rows):
        cells = [c.get_text(" ", strip=True) for c in row.find_all("td")]
        assert cells[0] == str(week.number)
        expected = sum(studytime.minutes(c)["total"] for c in week.chapters)
        assert cells[-1] == termplan.format_minutes(expected), (weeks, week.number, cells[-1], expected)
        for chapter in week.chapters:
            link = row.select_one(f'a[href$="{termplan.chapter_docname(chapter).split("/")[1]}.html"]')
            assert link is not None, f"week {week.number}: no link to chapter {chapter}"
        if week.seminar:
            assert row.select_one(f'a[href$="{week.seminar}.html"]') is not None
    total = sum(studytime.minutes(c)["total"] for w in plan.weeks for c in w.chapters)
    assert termplan.format_minutes(total) in rows[-1].get_text(" ", strip=True)


def test_chapters_that_state_their_study_time_state_the_same_figure():
    stated = {c: _stated_minutes(termplan.chapter_docname(c)) for c in [f"{n:02d}" for n in range(7)]}
    checked = {c: m for c, m in stated.items() if m is not None}
    assert checked, "no chapter states its study time in its header (p.ck-about)"
    for chapter, minutes in checked.items():
        assert termplan.chapter_minutes(chapter) == minutes == studytime.minutes(chapter)["total"], chapter


@pytest.mark.parametrize("minutes, text", [(0, "—"), (45, "45 min"), (60, "1 h"), (90, "1 h 30 min"), (300, "5 h")])
def test_format_minutes(minutes, text):
    assert termplan.format_minutes(minutes) == text


# -- the calendar ------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=[7, 14])
def ics(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"ics{request.param}")
    assert termplan.main(["--start", START.isoformat(), "--weeks", str(request.param), "--out", str(out)]) == 0
    files = list(out.glob("*.ics"))
    assert len(files) == 1
    return request.param, files[0].read_bytes()


def test_calendar_lines_follow_rfc5545(ics):
    _, raw = ics
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines), "every line ends with CRLF"
    for line in lines:
        assert len(line) <= 75, f"unfolded line of {len(line)} octets: {line[:40]!r}"
        line.decode("utf-8")  # folding never splits a character
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    assert b"VERSION:2.0" in lines and any(x.startswith(b"PRODID:") for x in lines)


def test_calendar_reads_back_with_an_independent_parser(ics):
    weeks, raw = ics
    cal = icalendar.Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    plan = PLANS[weeks]
    assert len(events) == weeks + sum(len(w.due) for w in plan.weeks)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    for event in events:
        assert isinstance(event.decoded("DTSTAMP"), dt.datetime) and event.decoded("DTSTAMP").tzinfo is not None
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and end - start == dt.timedelta(days=1)
    classes = [e for e in events if str(e["CATEGORIES"].cats[0]) == "Class"]
    assert [e.decoded("DTSTART") for e in classes] == [START + dt.timedelta(weeks=n) for n in range(weeks)]
    for week, event in zip(plan.weeks, classes):
        description = str(event["DESCRIPTION"])
        assert description == termplan.week_description(week)  # escaping and folding undone exactly
        assert f"Study time for the chapters: {termplan.format_minutes(week.minutes)}" in description
        assert str(event["SUMMARY"]).startswith(f"Week {week.number}: ")
    deadlines = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events if str(e["CATEGORIES"].cats[0]) == "Deadline"}
    memo = [day for summary, day in deadlines.items() if "Policy memo" in summary]
    assert memo and memo[0] > START + dt.timedelta(weeks=weeks - 1) - dt.timedelta(days=1)


def test_the_same_plan_gets_the_same_uids(tmp_path):
    a = termplan.calendar(PLANS[7], START, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    b = termplan.calendar(PLANS[7], START, dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    uid = re.compile(r"^UID:.*$", re.M)
    assert uid.findall(a) == uid.findall(b) and a != b  # re-importing updates the entries


def test_folding_keeps_multibyte_characters_whole():
    line = "DESCRIPTION:" + "Türkiye–AB güvenlik işbirliği; " * 12
    folded = termplan._fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)


@pytest.mark.parametrize("text, phrase", [
    ("2027-02-30", "not a real calendar date"), ("15/02/2027", "YYYY-MM-DD"), ("", "give the first class day"),
    (None, "give the first class day"), ("next monday", "YYYY-MM-DD"), ("1890-01-06", "between 2000 and 2100"),
])
def test_bad_start_dates_are_explained(text, phrase):
    with pytest.raises(ValueError, match=phrase):
        termplan.parse_start(text)


@pytest.mark.parametrize("args, phrase", [
    (["START=2027-02-30"], "START=2027-02-30 is not a real calendar date"),
    (["START=2027-02-15", "WEEKS=9"], "WEEKS=9 is not a plan of this course; use WEEKS=7 or 14"),
    ([], "give the first class day as START=YYYY-MM-DD"),
])
def test_make_schedule_explains_bad_input(args, phrase, tmp_path):
    result = subprocess.run(["make", "--no-print-directory", "schedule", *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert phrase in result.stderr and "Traceback" not in result.stderr


def test_make_schedule_writes_the_calendar():
    result = subprocess.run(["make", "--no-print-directory", "schedule", "START=2027-02-15", "WEEKS=7"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    path = ROOT / "_build" / "schedule" / "course-7-weeks-from-2027-02-15.ics"
    assert path.exists() and len(list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))) > 7


# -- a malformed plan file stops the build with file and line ----------------------------------

GOOD_WEEK = '      - chapters: ["01"]\n        seminar: seminar-01\n'


def _plan(body: str) -> str:
    return f"plans:\n  - weeks: 1\n    title: T\n    summary: S\n    weights: W\n    schedule:\n{body}"


@pytest.mark.parametrize("text, line, phrase", [
    (_plan('      - chapters: ["09"]\n        seminar: seminar-01\n'), 7, "no chapter '09'"),
    (_plan('      - chapters: ["01"]\n        seminar: seminar-99\n'), 7, "not a page in book/teaching"),
    (_plan('      - chapters: ["01"]\n'), 7, "say what happens in class"),
    (_plan(GOOD_WEEK + GOOD_WEEK), 2, "exactly 1 weeks"),
    (_plan('      - seminar: seminar-01\n        due:\n          - {what: Memo, day: 99}\n'), 9, "'day'"),
    (_plan('      - seminar: seminar-01\n        lecture: yes\n'), 7, "unknown key"),
    ("plans:\n  - weeks: 1\n    title: [unclosed\n", 4, "not valid YAML"),
    ("plans: []\n", None, "non-empty list 'plans'"),
])
def test_malformed_plan_file_names_file_and_line(tmp_path, text, line, phrase):
    path = tmp_path / "schedule.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(termplan.PlanError) as err:
        termplan.load(path)
    message = str(err.value)
    assert str(path) in message and phrase in message
    if line:
        assert f"line {line}" in message
