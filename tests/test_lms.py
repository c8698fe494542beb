"""The LMS exports (`make lms`): every question in Moodle XML and in IMS QTI 2.1, checked against the content files,
and read back by two independent readers from PyPI (citolab-qti-convert, onyx2moodle)."""

from __future__ import annotations

import html
import importlib.util
import io
import re
import subprocess
import sys
import zipfile
from xml.etree import ElementTree as ET

import pytest

from coursekit import content, render

from conftest import ROOT

spec = importlib.util.spec_from_file_location("lms", ROOT / "tools" / "lms.py")
lms = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lms)

ITEMS = content.items()
NS = {"q": lms.QTI, "cp": lms.CP}


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    out = tmp_path_factory.mktemp("lms")
    assert lms.main(out) == 0, "make lms failed"
    moodle = ET.parse(out / "moodle" / "course-questions.xml").getroot()
    archive = zipfile.ZipFile(out / "qti" / "course-questions-qti21.zip")
    return out, moodle, archive


def _moodle_questions(moodle):
    return {q.findtext("name/text"): q for q in moodle.findall("question") if q.get("type") != "category"}


def test_every_question_is_in_both_exports(exports):
    out, moodle, archive = exports
    questions = _moodle_questions(moodle)
    assert set(questions) == set(ITEMS), "Moodle XML must hold every item of the content files"
    names = {n.split("/")[-1][:-4] for n in archive.namelist() if n.startswith("items/")}
    assert names == set(ITEMS), "the QTI package must hold every item of the content files"
    assert "Every question was exported to both." in (out / "report.txt").read_text(encoding="utf-8")


def test_moodle_has_one_category_per_chapter(exports):
    _, moodle, _ = exports
    cats = [q.findtext("category/text") for q in moodle.findall("question") if q.get("type") == "category"]
    assert len(cats) == len(content.chapters())
    assert all(c.startswith("$course$/top/") for c in cats)


@pytest.mark.parametrize("iid", sorted(ITEMS))
def test_moodle_question_matches_its_item(exports, iid):
    _, moodle, _ = exports
    q = _moodle_questions(moodle)[iid]
    it = ITEMS[iid]
    key = it.public_key()
    answers = q.findall("answer")
    if it.kind == "choice":
        assert q.get("type") == "multichoice" and q.findtext("single") == "true"
        full = [a for a in answers if float(a.get("fraction")) == 100]
        assert len(full) == 1, "exactly one 100% answer"
        for o, a in zip(it.options(), answers):
            assert a.findtext("text") == render.md_inline(o["text"])
            assert a.findtext("feedback/text") == render.md_inline(o["feedback"])
            assert (float(a.get("fraction")) == 100) is o["correct"]
    elif it.kind == "multi":
        assert q.findtext("single") == "false"
        right = sum(float(a.get("fraction")) for a in answers if float(a.get("fraction")) > 0)
        assert abs(right - 100) < 0.01
        for o, a in zip(it.options(), answers):
            assert (float(a.get("fraction")) > 0) is o["correct"]
    elif it.kind == "number":
        assert q.get("type") == "numerical"
        first = answers[0]
        assert float(first.get("fraction")) == 100
        assert float(first.findtext("text")) == key["answer"] and float(first.findtext("tolerance")) == key["tol"]
        slips = answers[1:]
        assert [float(a.findtext("text")) for a in slips] == [n["value"] for n in key["near"]]
        assert [a.findtext("feedback/text") for a in slips] == [render.md_inline(n["feedback"]) for n in key["near"]]
    elif it.kind == "order":
        assert q.get("type") == "ordering"
        shown, right = it.entries()
        text = {e["id"]: render.md_inline(e["text"]) for e in shown}
        assert [a.findtext("text") for a in answers] == [text[i] for i in right]
    elif it.kind == "match":
        assert q.get("type") == "matching"
        lefts, choices, answer = it.pairs()
        rights = {c["id"]: render.plain(c["text"]) for c in choices}
        pairs = {s.findtext("text"): s.findtext("answer/text") for s in q.findall("subquestion") if s.findtext("text")}
        assert pairs == {render.md_inline(left["text"]): rights[answer[left["id"]]] for left in lefts}
    else:
        assert q.get("type") == "essay"
        info = html.unescape(re.sub(r"<[^>]+>", "", q.findtext("graderinfo/text")))  # the HTML as a reader sees it
        assert render.plain(it.text("model_answer"))[:40] in info
    assert [h.findtext("text") for h in q.findall("hint")] == [render.md_inline(h) for h in key.get("hints", [])]


@pytest.mark.parametrize("iid", sorted(ITEMS))
def test_qti_item_matches_its_item(exports, iid):
    _, _, archive = exports
    root = ET.fromstring(archive.read(f"items/{iid}.xml"))
    it = ITEMS[iid]
    key = it.public_key()
    assert root.tag == f"{{{lms.QTI}}}assessmentItem" and root.get("identifier") == iid
    values = [v.text for v in root.findall("q:responseDeclaration/q:correctResponse/q:value", NS)]
    if it.kind == "choice":
        assert values == [o["id"] for o in it.options() if o["correct"]]
        feedback = {m.get("identifier"): "".join(m.itertext()) for m in root.findall("q:modalFeedback", NS)}
        assert feedback == {o["id"]: render.plain(o["feedback"]) for o in it.options()}
    elif it.kind == "multi":
        assert sorted(values) == sorted(o["id"] for o in it.options() if o["correct"])
    elif it.kind == "number":
        assert float(values[0]) == key["answer"]
        first = root.find("q:responseProcessing//q:equal", NS)
        assert first.get("tolerance") == f"{key['tol']!r} {key['tol']!r}"
    elif it.kind == "order":
        assert values == key["answer"]
    elif it.kind == "match":
        assert sorted(values) == sorted(f"{a} {b}" for a, b in key["answer"].items())
    else:
        assert not values and root.find("q:itemBody/q:rubricBlock[@view='scorer']", NS) is not None


def test_manifest_lists_every_item(exports):
    _, _, archive = exports
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    hrefs = [r.get("href") for r in manifest.findall("cp:resources/cp:resource", NS)]
    assert sorted(hrefs) == sorted(n for n in archive.namelist() if n.startswith("items/"))
    assert all(r.get("type") == "imsqti_item_xmlv2p1" for r in manifest.findall("cp:resources/cp:resource", NS))


# -- independent readers -----------------------------------------------------------------------------

def test_citolab_reads_the_package_and_keeps_every_answer(exports, tmp_path):
    """citolab-qti-convert (PyPI) upgrades the package to QTI 3.0: each item and its correct response survive."""
    out, _, archive = exports
    target = tmp_path / "qti3.zip"
    done = subprocess.run([sys.executable, "-m", "qti_convert.cli", "upgrade",
                           str(out / "qti" / "course-questions-qti21.zip"), str(target)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    upgraded = zipfile.ZipFile(target)
    ns = {"q3": "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"}
    for iid, _it in ITEMS.items():
        root = ET.fromstring(upgraded.read(f"items/{iid}.xml"))
        values = [v.text for v in root.findall("q3:qti-response-declaration/q3:qti-correct-response/q3:qti-value", ns)]
        before = [v.text for v in ET.fromstring(archive.read(f"items/{iid}.xml")).findall(
            "q:responseDeclaration/q:correctResponse/q:value", NS)]
        assert values == before, iid


def test_onyx2moodle_reads_the_same_answers(exports, tmp_path):
    """onyx2moodle (PyPI) converts QTI 2.1 items to Moodle XML on its own: its right answers equal ours."""
    _, _, archive = exports
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        for name in archive.namelist():
            if name.startswith("items/"):
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w") as inner:
                    inner.writestr("imsmanifest.xml", archive.read("imsmanifest.xml"))
                    inner.writestr(name.split("/")[-1], archive.read(name))
                zf.writestr("course/" + name.split("/")[-1][:-4] + ".zip", buf.getvalue())
    result = tmp_path / "onyx.xml"
    done = subprocess.run([sys.executable, "-m", "onyx2moodle", "convert", str(outer), "-o", str(result),
                           "--work", str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    read = {q.findtext("name/text"): q for q in ET.parse(result).getroot().findall("question")}
    checked = 0
    for iid, it in ITEMS.items():
        if iid not in read:
            continue
        q = read[iid]
        if it.kind == "choice":
            right = [render.plain(a.findtext("text")) for a in q.findall("answer") if float(a.get("fraction")) > 0]
            assert right == [render.plain(o["text"]) for o in it.options() if o["correct"]], iid
        elif it.kind == "number":
            right = [float(a.findtext("text")) for a in q.findall("answer") if float(a.get("fraction")) > 0]
            assert right and abs(right[0] - it.public_key()["answer"]) <= max(it.public_key()["tol"], 1e-9), iid
        elif it.kind == "match":
            lefts, choices, answer = it.pairs()
            rights = {c["id"]: render.plain(c["text"]) for c in choices}
            pairs = {render.plain(s.findtext("text")): s.findtext("answer/text")
                     for s in q.findall("subquestion") if s.findtext("text")}
            assert pairs == {render.plain(left["text"]): rights[answer[left["id"]]] for left in lefts}, iid
        else:
            continue
        checked += 1
    kinds = [i for i in ITEMS.values() if i.kind in ("choice", "number", "match")]
    assert checked >= 0.8 * len(kinds), f"onyx2moodle read only {checked} of {len(kinds)} choice/number/match items"


# -- bad input ------------------------------------------------------------------------------------------------

def test_before_make_book_it_says_what_to_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(lms, "ROOT", tmp_path)
    assert lms.main(tmp_path / "out") == 1
    assert "make book" in capsys.readouterr().err


def test_a_question_moodle_cannot_grade_is_reported_by_id(monkeypatch):
    raw = {"id": "ch0-many", "kind": "multi", "prompt": "Tick", "hints": ["h"],
           "options": [{"text": f"o{i}", "feedback": "f", "correct": i < 3} for i in range(16)]}
    it = content.Item(raw, "ch0", "quiz", "x.yml", 1)
    with pytest.raises(lms.Unrepresentable, match="grade fraction"):
        lms.moodle_question(it)
    fake = content.Chapter("ch0", "x.yml", "2026-11-30", {it.id: it}, {"quiz": [it.id]})
    monkeypatch.setattr(lms.content, "load_chapter", lambda chapter: fake)
    problems: list[str] = []
    bank = lms.moodle_bank(["ch0"], problems)
    assert problems == ["Moodle XML: ch0-many: Moodle has no grade fraction of -7.692%"]
    assert not [q for q in bank.getroot().findall("question") if q.findtext("name/text") == "ch0-many"]
