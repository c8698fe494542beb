"""The content files: every item loads, every fact computes, every answer is reachable, and the checks are fair.

One generic test for every item of the course: nothing here names a particular question, so adding,
changing or removing an item in a YAML file needs no change to the tests.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import content, grader, render

from conftest import ROOT, chapter_notebooks

CHAPTERS = content.chapters()
ITEMS = content.items()
IDS = sorted(ITEMS)


def test_every_chapter_has_a_content_file():
    notebooks = {f"ch{int(p.name[:2])}" for p in chapter_notebooks()}
    assert notebooks and set(CHAPTERS) == notebooks, "each chapter notebook has notebooks/NN_slug.yml beside it"


def test_all_content_files_validate():
    assert content.validate_all() == []


@pytest.fixture(params=IDS)
def it(request) -> content.Item:
    return ITEMS[request.param]


def _correct_response(it: content.Item, key: dict):
    if it.kind == "number":
        return repr(key["answer"])
    if it.kind == "choice":
        return next(o["id"] for o in key["options"] if o["correct"])
    if it.kind == "multi":
        return [o["id"] for o in key["options"] if o["correct"]]
    if it.kind in ("order", "match"):
        return key["answer"]
    return "An answer written by a student."


def test_the_right_answer_is_reachable_and_graded_right(it):
    key = it.public_key()
    result = grader.grade(key, _correct_response(it, key), 0)
    assert result["verdict"] == ("submitted" if it.kind == "open" else "correct"), result
    if it.kind == "choice":
        assert sum(o["correct"] for o in key["options"]) == 1
    if it.kind == "multi":
        assert 0 < sum(o["correct"] for o in key["options"]) < len(key["options"])


def test_a_wrong_answer_is_graded_wrong(it):
    key = it.public_key()
    if it.kind == "open":
        return
    if it.kind == "number":
        wrong = repr(key["answer"] + 10 * max(key["tol"], 1) + 1)
    elif it.kind == "choice":
        wrong = next(o["id"] for o in key["options"] if not o["correct"])
    elif it.kind == "multi":
        wrong = [o["id"] for o in key["options"] if not o["correct"]][:1]
    elif it.kind == "order":
        wrong = list(reversed(key["answer"]))
    else:
        ids = list(key["answer"].values())
        wrong = dict(zip(key["answer"], ids[1:] + ids[:1]))
    result = grader.grade(key, wrong, 0)
    assert result["verdict"] == "wrong" and result["message"].startswith("Not quite"), result


def test_solution_code_computes_the_answer(it):
    code = it.solution()["code"]
    if not code:
        assert it.kind != "number", f"{it.id}: a number item needs solution code that computes its answer"
        return
    import importlib

    import coursekit

    namespace = {"load": coursekit.load, "pd": __import__("pandas"), "check": coursekit.check,
                 it.chapter: importlib.import_module(f"coursekit.chapters.{it.chapter}")}
    exec(compile(code, f"{it.file}:{it.id}", "exec"), namespace)  # the course's own solution code
    assert "answer" in namespace, f"{it.id}: the solution code should set `answer`"
    if it.kind != "open":
        result = render.check(it.id, namespace["answer"])
        render._TRIES.pop(it.id, None)
        assert result.correct, f"{it.id}: the solution's answer is graded {result['verdict']}: {result['message']}"


_NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?")


def _numbers(text: str) -> set[float]:
    out = set()
    for token in _NUMBER.findall(text):
        try:
            out.add(float(token.replace(",", "")))
        except ValueError:
            pass
    return out


def test_no_number_item_gives_its_answer_away(it):
    """Nothing shown before the answer is found (prompt, hints, misconception feedback) contains it."""
    if it.kind != "number":
        return
    key = it.public_key()
    shown = " ".join([it.text("prompt"), it.text("unit"), *key["hints"], *(n["feedback"] for n in key["near"])])
    answer, tol = key["answer"], max(key["tol"], 1e-9)
    for number in _numbers(shown):
        for factor in (1, 100, 0.01):
            assert abs(number * factor - answer) > tol, (
                f"{it.id}: '{number}' in the prompt, a hint or a feedback text would be accepted as the answer")


def test_near_misses_are_not_the_answer(it):
    if it.kind != "number":
        return
    key = it.public_key()
    for near in key["near"]:
        assert abs(near["value"] - key["answer"]) > key["tol"], f"{it.id}: a misconception equals the right answer"


def test_ordering_is_never_shown_already_solved(it):
    if it.kind == "order":
        shown, right = it.entries()
        assert [e["id"] for e in shown] != right


# -- fairness across the whole book ----------------------------------------------------------------

def _choice_items():
    return [i for i in ITEMS.values() if i.kind == "choice"]


def test_keys_are_spread_over_the_positions():
    positions = Counter()
    for it in _choice_items():
        options = it.options()
        positions[next(n for n, o in enumerate(options) if o["correct"])] += 1
    total = sum(positions.values())
    assert total >= 5
    worst = max(positions.values())
    assert worst <= total / 2, f"one option position holds {worst} of {total} correct answers: {dict(positions)}"


def test_the_right_option_is_not_usually_the_longest():
    longest = 0
    items = _choice_items()
    for it in items:
        options = it.options()
        lengths = [len(o["text"]) for o in options]
        right = next(n for n, o in enumerate(options) if o["correct"])
        if lengths[right] == max(lengths) and lengths.count(max(lengths)) == 1:
            longest += 1
    assert longest <= len(items) / 2, f"the correct option is the longest in {longest} of {len(items)} items"


def test_options_are_shuffled_the_same_way_every_time():
    for it in _choice_items()[:5]:
        assert [o["id"] for o in it.options()] == [o["id"] for o in it.options()]


# -- the notebooks show exactly the items of their content file ----------------------------------------

SHOW = re.compile(r"""show\(\s*["']([\w:-]+)["']\s*\)""")


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.stem)
def test_notebook_shows_every_item_once(path):
    nb = nbformat.read(path, as_version=4)
    chapter = f"ch{int(path.name[:2])}"
    loaded = content.load_chapter(chapter)
    refs = [m for c in nb.cells if c.cell_type == "code" for m in SHOW.findall(c.source)]
    shown = Counter()
    for ref in refs:
        if ":" in ref:
            name, section = ref.split(":")
            assert name == chapter and section in loaded.sections, f"{path.name}: unknown section {ref}"
            shown.update(loaded.sections[section])
        else:
            assert ref in loaded.items, f"{path.name}: show({ref!r}) names no item of {chapter}"
            shown[ref] += 1
    for iid, it in loaded.items.items():
        assert shown[iid] == 1, f"{path.name}: item {iid} ({it.section}) is shown {shown[iid]} times"
    labels = set(re.findall(r"^\(([\w-]+)\)=", "\n".join(c.source for c in nb.cells if c.cell_type == "markdown"), re.M))
    for iid in loaded.sections["exercises"]:
        assert iid in labels, f"{path.name}: exercise {iid} needs a heading with the label ({iid})= above it"


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.stem)
def test_no_question_text_left_in_python(path):
    module = (ROOT / "coursekit" / "chapters" / f"ch{int(path.name[:2])}.py").read_text(encoding="utf-8")
    for banned in ("register(", "Quiz(", "MultipleChoice(", "Numeric(", "Option("):
        assert banned not in module, f"{path.name}: question text belongs in the content file, not in Python ({banned})"


# -- course-level practice -------------------------------------------------------------------------------

def test_pretest_concepts_come_back_in_the_capstone():
    pre = {i.raw["concept"] for i in ITEMS.values() if i.section == "pretest"}
    post = {i.raw["concept"] for i in ITEMS.values() if i.section == "posttest"}
    assert len(pre) >= 5, "chapter 0 has a diagnostic pre-test of at least five concepts"
    assert pre <= post, f"concepts of the pre-test not tested again in the capstone: {sorted(pre - post)}"


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if int(c[2:]) >= 2])
def test_review_questions_revisit_earlier_chapters(chapter):
    review = content.load_chapter(chapter).section("review")
    assert len(review) >= 3, f"{chapter} ends with three review questions on earlier chapters"
    for it in review:
        assert int(it.raw["reviews"][2:]) < int(chapter[2:]), f"{it.id} reviews a later chapter"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_ten_checkable_items_per_chapter(chapter):
    loaded = content.load_chapter(chapter)
    checkable = [i for i in loaded.items.values() if i.kind != "open"]
    assert len(checkable) >= 10, f"{chapter} offers {len(checkable)} items to attempt; the standard asks for 10"
    assert len(loaded.section("quiz")) >= 5 and len(loaded.section("exercises")) >= 3


def test_new_kinds_are_used():
    kinds = Counter(i.kind for i in ITEMS.values())
    assert len({"order", "match", "multi", "open"} & set(kinds)) >= 3, kinds


# -- bad content files fail with the file, the line and what to change ------------------------------------

GOOD = """\
chapter: ch0
evidence_as_of: "2026-11-30"
exercises:
  - id: ch0-x
    kind: choice
    prompt: Which?
    options:
      - text: Right
        correct: true
        feedback: Yes.
      - text: Wrong
        feedback: No.
    hints: [Think.]
"""

BROKEN = {
    "missing field": (GOOD.replace("        feedback: No.\n", ""), 11, "missing field 'feedback'"),
    "two correct options": (GOOD.replace("      - text: Wrong\n", "      - text: Wrong\n        correct: true\n"),
                            7, "2 options marked 'correct: true'"),
    "unknown fact": (GOOD.replace("    prompt: Which?", "    prompt: Which of {no_such_fact}?"), 6,
                     "unknown fact 'no_such_fact'"),
    "duplicate id": (GOOD + GOOD.split("exercises:\n")[1], 14, "the id 'ch0-x' is used twice"),
    "unknown kind": (GOOD.replace("kind: choice", "kind: essay"), 5, "unknown item kind 'essay'"),
    "typo in a field": (GOOD.replace("    hints:", "    hnits:"), 4, "did you mean 'hints'"),
    "bad indentation": (GOOD.replace("      - text: Wrong", "    - text: Wrong"), 11, "not valid YAML"),
    "fact of the wrong kind": (GOOD.replace("kind: choice", "kind: number").replace(
        "    options:", "    answer: {fact: nordic_order}\n    solution: {text: x}\n    options:"), 7,
        "needs a fact that gives a number"),
    "wrong chapter": (GOOD.replace("chapter: ch0", "chapter: ch3"), 1, "write 'chapter: ch0'"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_names_file_line_and_fix(name, tmp_path, monkeypatch):
    text, line, phrase = BROKEN[name]
    (tmp_path / "00_intro.yml").write_text(textwrap.dedent(text), encoding="utf-8")
    (tmp_path / "00_intro.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("COURSEKIT_NOTEBOOKS", str(tmp_path))
    with pytest.raises(content.ContentError) as err:
        content.load_chapter("ch0")
    message = str(err.value)
    assert "00_intro.yml" in message and f"line {line}:" in message and phrase in message, message
    problems = content.validate_all()
    assert problems and all("00_intro.yml" in p for p in problems)


def test_a_fact_that_raises_names_the_fact(tmp_path, monkeypatch):
    from coursekit.chapters import ch0

    def broken():
        raise ValueError("the timeline has no 2031")

    monkeypatch.setitem(ch0.FACTS, "broken_fact", broken)
    content.fact.cache_clear()
    text = GOOD.replace("kind: choice", "kind: number").replace(
        "    options:", "    answer: {fact: broken_fact}\n    solution: {text: x}\n    options:")
    (tmp_path / "00_intro.yml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("COURSEKIT_NOTEBOOKS", str(tmp_path))
    with pytest.raises(content.ContentError) as err:
        content.load_chapter("ch0")
    assert "fact 'broken_fact'" in str(err.value) and "the timeline has no 2031" in str(err.value)
    assert "line 7:" in str(err.value)


def test_the_good_file_loads(tmp_path, monkeypatch):
    (tmp_path / "00_intro.yml").write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("COURSEKIT_NOTEBOOKS", str(tmp_path))
    assert list(content.load_chapter("ch0").items) == ["ch0-x"]


@pytest.mark.parametrize("path", content.content_files(), ids=lambda p: p.stem)
def test_student_edition_drops_every_solution_and_nothing_else(path, tmp_path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    stripped = content.strip_solutions(text)
    (tmp_path / path.name).write_text(stripped, encoding="utf-8")
    (tmp_path / path.with_suffix(".ipynb").name).write_text("{}", encoding="utf-8")
    monkeypatch.setenv("COURSEKIT_NOTEBOOKS", str(tmp_path))
    chapter = f"ch{int(path.name[:2])}"
    student = content.load_chapter(chapter)
    monkeypatch.delenv("COURSEKIT_NOTEBOOKS")
    teacher = content.load_chapter(chapter)
    assert list(student.items) == list(teacher.items)
    for iid, it in student.items.items():
        assert "solution" not in it.raw, iid
        assert it.public_key() == teacher.items[iid].public_key(), f"{iid}: the student's checks must be the same"
    assert "solution:" not in stripped


ANYTHING = st.one_of(
    st.none(), st.just(...), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.complex_numbers(allow_nan=False),
    st.binary(max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(IDS + ["ch9-no-such-item", "", "<b>"]), ANYTHING)
def test_check_answers_any_input_with_feedback_and_never_raises(item_id, answer):
    """``check(id, answer)`` in a notebook: whatever a student passes, a verdict and a message, never a traceback."""
    from coursekit import check

    result = check(item_id, answer)
    assert result.get("verdict") in {"correct", "wrong", "partial", "invalid", "submitted"}, result
    assert str(result).strip() and "Traceback" not in str(result)
    assert isinstance(result._repr_html_(), str)


def test_check_never_evaluates_what_it_is_given(tmp_path):
    from coursekit import check

    marker = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(marker)!r}).write_text('x')"
    for item_id in IDS:
        check(item_id, payload)
        check(item_id, [payload])
    assert not marker.exists()


def test_feedback_escapes_what_the_student_typed():
    from coursekit import check

    for item_id in IDS:
        html = check(item_id, "<script>alert(1)</script>")._repr_html_()
        assert "<script>" not in html, item_id
