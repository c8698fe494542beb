"""One grader, two front ends: the same cases through coursekit/grader.py and coursekit/static/grader.js."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import grader

from conftest import ROOT

TABLE = yaml.safe_load((ROOT / "tests" / "grading_cases.yml").read_text(encoding="utf-8"))
KEYS, CASES = TABLE["keys"], TABLE["cases"]
NODE = shutil.which("node")


def js(batch: list[dict]) -> list[dict]:
    """Run the book's grader in node on a batch of jobs."""
    if NODE is None:
        pytest.fail("node is needed to test the book's grader (apt-get install nodejs npm)")
    done = subprocess.run([NODE, str(ROOT / "tests" / "js" / "grade.js")], input=json.dumps(batch),
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def _case_id(case) -> str:
    return f"{case[0]}:{json.dumps(case[1], ensure_ascii=True)}:{case[2]}"


def _expect(case, result):
    name, response, tries, verdict, kind, *rest = case
    assert result["verdict"] == verdict, (case, result)
    assert result["kind"] == kind, (case, result)
    first = result["message"].split(":")[0].split(".")[0]
    if verdict in ("correct", "wrong", "invalid"):
        assert first in ("Correct", "Not quite"), f"feedback must begin with 'Correct' or 'Not quite': {result}"
    if rest:
        hints = KEYS[name].get("hints", [])
        assert result["hint"] == (hints[rest[0] - 1] if rest[0] else ""), (case, result)
    if len(rest) > 1:
        assert result["solution"] is rest[1], (case, result)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_python_grader(case):
    _expect(case, grader.grade(KEYS[case[0]], case[1], case[2]))


def test_javascript_grader_agrees_on_every_case():
    results = js([{"key": KEYS[c[0]], "response": c[1], "tries": c[2]} for c in CASES])
    for case, result in zip(CASES, results):
        _expect(case, result)
        assert result == grader.grade(KEYS[case[0]], case[1], case[2]), case


def test_the_table_covers_every_kind_and_verdict():
    kinds = {KEYS[c[0]]["kind"] for c in CASES}
    assert kinds == {"number", "choice", "multi", "order", "match", "open"}
    assert {c[3] for c in CASES} == {"correct", "wrong", "invalid", "submitted"}
    for odd in ("", "twenty", "3,5", "1e400", "\u22122.25", "23 %"):
        assert any(c[1] == odd or (isinstance(c[1], str) and c[1].startswith(odd[:2]) and odd) for c in CASES), odd


def test_wrong_numbers_never_echo_the_answer():
    """The first feedback on a wrong number says which way to go, and gives no number but the reader's own."""
    key = KEYS["count"]
    for raw in ("24", "22", "100", "0"):
        result = grader.grade(key, raw, 0)
        numbers = {float(n) for n in __import__("re").findall(r"-?\d+(?:\.\d+)?", result["message"] + result["hint"])}
        assert float(key["answer"]) not in numbers, result


# -- property tests: odd input never breaks either grader, and both always agree ---------------------------

typed = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="0123456789.,-+eE %\u2212\u00a0 ", max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)


@settings(max_examples=300, deadline=None)
@given(typed)
def test_python_grader_never_raises(raw):
    result = grader.grade(KEYS["share"], raw, 0)
    assert result["verdict"] in ("correct", "wrong", "invalid")
    assert result["message"].startswith(("Correct", "Not quite"))
    value, problem = grader.parse_number(raw)
    assert (value is None) == bool(problem)


@settings(max_examples=25, deadline=None)
@given(st.lists(typed, min_size=20, max_size=40))
def test_javascript_agrees_with_python_on_generated_input(raws):
    jobs = [{"key": KEYS["share"], "response": r, "tries": 1} for r in raws] + [{"parse": r} for r in raws]
    results = js(jobs)
    for raw, result in zip(raws, results[: len(raws)]):
        assert result == grader.grade(KEYS["share"], raw, 1), raw
    for raw, parsed in zip(raws, results[len(raws):]):
        value, problem = grader.parse_number(raw)
        assert parsed["problem"] == problem, raw
        assert (parsed["value"] is None and value is None) or float(parsed["value"]) == value, raw


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["kw", "kf", "kr", "ks", "kx", ""]), max_size=5), min_size=5, max_size=20))
def test_orderings_agree(orders):
    results = js([{"key": KEYS["sequence"], "response": o, "tries": 0} for o in orders])
    for order, result in zip(orders, results):
        assert result == grader.grade(KEYS["sequence"], order, 0), order
