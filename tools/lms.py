"""Export every question of the course to a learning platform: Moodle XML and an IMS QTI 2.1 package.

``make lms`` (after ``make book``) writes, from the same content files the book uses:

* ``_build/lms/moodle/course-questions.xml``: a Moodle XML question bank, one category per chapter;
* ``_build/lms/qti/course-questions-qti21.zip``: an IMS QTI 2.1 content package (``imsmanifest.xml`` and
  one ``assessmentItem`` per question) for Canvas, Blackboard and Brightspace;
* ``_build/lms/report.txt``: what was exported, and every question a format cannot represent, by id
  with the reason (never dropped silently).

The exports carry the instructor's view: right answers, tolerances, feedback on every option, hints,
and the model answer of open questions as grader information.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coursekit import content, render  # noqa: E402
from coursekit.grader import label  # noqa: E402

OUT = ROOT / "_build" / "lms"
COURSE = "Europe, Türkiye and the new security order"
QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"

#: Moodle accepts only these grade fractions (percent) for an answer.
MOODLE_FRACTIONS = [100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
                    12.5, 11.11111, 10, 5, 0]


class Unrepresentable(Exception):
    """A question a format cannot carry: reported by id with the reason."""


def chapter_title(chapter: str) -> str:
    from coursekit.studytime import notebook_path

    text = notebook_path(chapter).read_text(encoding="utf-8")
    found = re.search(r'"#\s+([^"\\]+)', text)
    return found.group(1).strip() if found else chapter


def _html(text: str) -> str:
    return render.md(text)


def _fraction(value: float) -> str:
    best = min(MOODLE_FRACTIONS, key=lambda f: abs(f - abs(value)))
    if abs(best - abs(value)) > 0.01:
        raise Unrepresentable(f"Moodle has no grade fraction of {value:.4g}%")
    return f"{best if value >= 0 else -best:g}"


# -- Moodle XML ------------------------------------------------------------------------------------

def _text(parent, tag: str, html: str, fmt: str = "html", **attrs):
    node = ET.SubElement(parent, tag, {"format": fmt, **attrs} if fmt else attrs)
    ET.SubElement(node, "text").text = html
    return node


def _plain(parent, tag: str, value) -> ET.Element:
    node = ET.SubElement(parent, tag)
    node.text = str(value)
    return node


def moodle_question(it: content.Item) -> ET.Element:
    key = it.public_key()
    kinds = {"choice": "multichoice", "multi": "multichoice", "number": "numerical", "order": "ordering",
             "match": "matching", "open": "essay"}
    q = ET.Element("question", {"type": kinds[it.kind]})
    name = ET.SubElement(q, "name")
    ET.SubElement(name, "text").text = it.id
    prompt = _html(it.text("prompt"))
    if it.kind == "number" and key.get("unit"):
        prompt += f"<p>({label('unit', unit=key['unit'])})</p>"
    _text(q, "questiontext", prompt)
    _text(q, "generalfeedback", _html(key.get("explanation", "")) if key.get("explanation") else "")
    _plain(q, "defaultgrade", "1")
    _plain(q, "penalty", "0.3333333")
    _plain(q, "hidden", "0")
    _plain(q, "idnumber", it.id)
    if it.kind in ("choice", "multi"):
        options = it.options()
        right = [o for o in options if o["correct"]]
        wrong = [o for o in options if not o["correct"]]
        _plain(q, "single", "true" if it.kind == "choice" else "false")
        _plain(q, "shuffleanswers", "true")
        _plain(q, "answernumbering", "abc")
        for o in options:
            if it.kind == "choice":
                fraction = "100" if o["correct"] else "0"
            else:
                fraction = _fraction(100 / len(right)) if o["correct"] else _fraction(-100 / len(wrong))
            answer = _text(q, "answer", render.md_inline(o["text"]), fraction=fraction)
            _text(answer, "feedback", render.md_inline(o["feedback"]))
    elif it.kind == "number":
        answer = _text(q, "answer", repr(key["answer"]), fmt="moodle_auto_format", fraction="100")
        _plain(answer, "tolerance", repr(key["tol"]))
        _text(answer, "feedback", render.md_inline(key.get("explanation") or label("check")))
        for near in key["near"]:
            slip = _text(q, "answer", repr(near["value"]), fmt="moodle_auto_format", fraction="0")
            _plain(slip, "tolerance", repr(near["tol"]))
            _text(slip, "feedback", render.md_inline(near["feedback"]))
        _plain(q, "unitgradingtype", "0")
        _plain(q, "showunits", "3")
    elif it.kind == "order":
        shown, right = it.entries()
        text = {e["id"]: e["text"] for e in shown}
        _plain(q, "layouttype", "VERTICAL")
        _plain(q, "selecttype", "ALL")
        _plain(q, "selectcount", "0")
        _plain(q, "gradingtype", "ABSOLUTE_POSITION")
        _plain(q, "showgrading", "SHOW")
        _plain(q, "numberingstyle", "none")
        for position, eid in enumerate(right, 1):
            _text(q, "answer", render.md_inline(text[eid]), fmt="html", fraction=str(position))
    elif it.kind == "match":
        lefts, choices, answer = it.pairs()
        right_text = {c["id"]: c["text"] for c in choices}
        _plain(q, "shuffleanswers", "true")
        for left in lefts:
            sub = _text(q, "subquestion", render.md_inline(left["text"]))
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = render.plain(right_text[answer[left["id"]]])
        for extra in [c for c in choices if c["id"] not in answer.values()]:
            sub = _text(q, "subquestion", "")
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = render.plain(extra["text"])
    elif it.kind == "open":
        _plain(q, "responseformat", "editor")
        _plain(q, "responserequired", "1")
        _plain(q, "responsefieldlines", "10")
        _plain(q, "attachments", "0")
        rubric = "".join(f"<li>{render.md_inline(r)}</li>" for r in it.raw.get("rubric", []))
        _text(q, "graderinfo", f"<p><strong>{label('model_answer')}</strong></p>{_html(it.text('model_answer'))}"
                               f"<p><strong>{label('rubric')}</strong></p><ul>{rubric}</ul>")
        _text(q, "responsetemplate", "")
    for hint in key.get("hints", []):
        _text(q, "hint", render.md_inline(hint))
    return q


def moodle_bank(chapters: list[str], problems: list[str]) -> ET.ElementTree:
    quiz = ET.Element("quiz")
    for chapter in chapters:
        cat = ET.SubElement(quiz, "question", {"type": "category"})
        _text(cat, "category", f"$course$/top/{COURSE}/{chapter_title(chapter)}", fmt="")
        _text(cat, "info", f"Questions of {chapter_title(chapter)}, from notebooks/{content.chapter_file(chapter).name}")
        for it in content.load_chapter(chapter).items.values():
            try:
                quiz.append(moodle_question(it))
            except Unrepresentable as err:
                problems.append(f"Moodle XML: {it.id}: {err}")
    ET.indent(quiz)
    return ET.ElementTree(quiz)


# -- IMS QTI 2.1 ----------------------------------------------------------------------------------

def q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


def _xhtml(parent: ET.Element, html: str):
    """Append an HTML fragment (from the course's Markdown) as QTI-namespaced XHTML."""
    html = re.sub(r"<(br|hr)\s*>", r"<\1/>", html)
    wrapper = ET.fromstring(f"<div>{html}</div>")

    def copy(src, dst):
        node = ET.SubElement(dst, q(src.tag), {k: v for k, v in src.attrib.items() if k in ("href",)})
        node.text, node.tail = src.text, src.tail
        for child in src:
            copy(child, node)

    if wrapper.text and wrapper.text.strip():
        p = ET.SubElement(parent, q("p"))
        p.text = wrapper.text
    for child in wrapper:
        copy(child, parent)


def _inline(parent: ET.Element, html: str):
    wrapper = ET.fromstring(f"<span>{html}</span>")
    parent.text = (parent.text or "") + (wrapper.text or "")
    for child in wrapper:
        node = ET.SubElement(parent, q(child.tag))
        node.text, node.tail = child.text, child.tail
        for grand in child:
            node.append(grand)


def _value(parent, value, base="identifier"):
    node = ET.SubElement(parent, q("value"))
    node.text = str(value)
    return node


def _rp_score(rp: ET.Element, condition: ET.Element):
    cond = ET.SubElement(rp, q("responseCondition"))
    if_ = ET.SubElement(cond, q("responseIf"))
    if_.append(condition)
    s = ET.SubElement(if_, q("setOutcomeValue"), {"identifier": "SCORE"})
    ET.SubElement(s, q("baseValue"), {"baseType": "float"}).text = "1"
    else_ = ET.SubElement(cond, q("responseElse"))
    s = ET.SubElement(else_, q("setOutcomeValue"), {"identifier": "SCORE"})
    ET.SubElement(s, q("baseValue"), {"baseType": "float"}).text = "0"


def _match_correct() -> ET.Element:
    m = ET.Element(q("match"))
    ET.SubElement(m, q("variable"), {"identifier": "RESPONSE"})
    ET.SubElement(m, q("correct"), {"identifier": "RESPONSE"})
    return m


def qti_item(it: content.Item) -> ET.Element:
    key = it.public_key()
    item = ET.Element(q("assessmentItem"), {
        f"{{{XSI}}}schemaLocation": f"{QTI} {QTI_XSD}", "identifier": it.id, "title": it.id,
        "adaptive": "false", "timeDependent": "false"})
    cardinality = {"choice": "single", "multi": "multiple", "number": "single", "order": "ordered",
                   "match": "multiple", "open": "single"}[it.kind]
    base = {"choice": "identifier", "multi": "identifier", "number": "float", "order": "identifier",
            "match": "directedPair", "open": "string"}[it.kind]
    rd = ET.SubElement(item, q("responseDeclaration"), {"identifier": "RESPONSE", "cardinality": cardinality,
                                                        "baseType": base})
    if it.kind != "open":
        correct = ET.SubElement(rd, q("correctResponse"))
        if it.kind in ("choice", "multi"):
            for o in it.options():
                if o["correct"]:
                    _value(correct, o["id"])
        elif it.kind == "number":
            _value(correct, repr(key["answer"]))
        elif it.kind == "order":
            for eid in key["answer"]:
                _value(correct, eid)
        elif it.kind == "match":
            for left, right in key["answer"].items():
                _value(correct, f"{left} {right}")
    od = ET.SubElement(item, q("outcomeDeclaration"), {"identifier": "SCORE", "cardinality": "single",
                                                       "baseType": "float"})
    ET.SubElement(ET.SubElement(od, q("defaultValue")), q("value")).text = "0"
    ET.SubElement(item, q("outcomeDeclaration"), {"identifier": "FEEDBACK", "cardinality": "multiple",
                                                  "baseType": "identifier"})
    body = ET.SubElement(item, q("itemBody"))
    if it.kind == "open":
        block = ET.SubElement(body, q("rubricBlock"), {"view": "scorer"})
        _xhtml(block, f"<p><strong>{label('model_answer')}</strong></p>{_html(it.text('model_answer'))}"
                      f"<p><strong>{label('rubric')}</strong></p><ul>"
                      + "".join(f"<li>{render.md_inline(r)}</li>" for r in it.raw.get("rubric", [])) + "</ul>")
    _xhtml(body, _html(it.text("prompt")))
    if it.kind in ("choice", "multi"):
        ci = ET.SubElement(body, q("choiceInteraction"), {"responseIdentifier": "RESPONSE", "shuffle": "true",
                                                          "maxChoices": "1" if it.kind == "choice" else "0"})
        for o in it.options():
            sc = ET.SubElement(ci, q("simpleChoice"), {"identifier": o["id"]})
            _inline(sc, render.md_inline(o["text"]))
    elif it.kind == "number":
        p = ET.SubElement(body, q("p"))
        ET.SubElement(p, q("textEntryInteraction"), {"responseIdentifier": "RESPONSE", "expectedLength": "12"})
        if key.get("unit"):
            ET.SubElement(p, q("span")).text = " " + key["unit"]
    elif it.kind == "order":
        oi = ET.SubElement(body, q("orderInteraction"), {"responseIdentifier": "RESPONSE", "shuffle": "true"})
        for e in it.entries()[0]:
            sc = ET.SubElement(oi, q("simpleChoice"), {"identifier": e["id"]})
            _inline(sc, render.md_inline(e["text"]))
    elif it.kind == "match":
        lefts, choices, answer = it.pairs()
        mi = ET.SubElement(body, q("matchInteraction"), {"responseIdentifier": "RESPONSE", "shuffle": "true",
                                                         "maxAssociations": str(len(lefts))})
        first = ET.SubElement(mi, q("simpleMatchSet"))
        for left in lefts:
            node = ET.SubElement(first, q("simpleAssociableChoice"), {"identifier": left["id"], "matchMax": "1"})
            _inline(node, render.md_inline(left["text"]))
        second = ET.SubElement(mi, q("simpleMatchSet"))
        for choice in choices:
            node = ET.SubElement(second, q("simpleAssociableChoice"), {"identifier": choice["id"], "matchMax": "1"})
            node.text = render.plain(choice["text"])
    else:
        ET.SubElement(body, q("extendedTextInteraction"), {"responseIdentifier": "RESPONSE", "expectedLines": "10"})
    rp = ET.SubElement(item, q("responseProcessing"))
    feedback: list[tuple[str, str]] = []
    if it.kind == "number":
        cond = ET.SubElement(rp, q("responseCondition"))
        branch = ET.SubElement(cond, q("responseIf"))
        targets = [("CORRECT", key["answer"], key["tol"], key.get("explanation", "") or label("check"))]
        targets += [(f"NEAR{n}", near["value"], near["tol"], near["feedback"]) for n, near in enumerate(key["near"], 1)]
        for n, (ident, value, tol, text) in enumerate(targets):
            if n:
                branch = ET.SubElement(cond, q("responseElseIf"))
            eq = ET.SubElement(branch, q("equal"), {"toleranceMode": "absolute", "tolerance": f"{tol!r} {tol!r}",
                                                    "includeLowerBound": "true", "includeUpperBound": "true"})
            ET.SubElement(eq, q("variable"), {"identifier": "RESPONSE"})
            ET.SubElement(eq, q("baseValue"), {"baseType": "float"}).text = repr(value)
            s = ET.SubElement(branch, q("setOutcomeValue"), {"identifier": "SCORE"})
            ET.SubElement(s, q("baseValue"), {"baseType": "float"}).text = "1" if n == 0 else "0"
            s = ET.SubElement(branch, q("setOutcomeValue"), {"identifier": "FEEDBACK"})
            ET.SubElement(s, q("baseValue"), {"baseType": "identifier"}).text = ident
            feedback.append((ident, text))
    elif it.kind == "open":
        pass
    else:
        _rp_score(rp, _match_correct())
        if it.kind in ("choice", "multi"):
            s = ET.SubElement(rp, q("setOutcomeValue"), {"identifier": "FEEDBACK"})
            ET.SubElement(s, q("variable"), {"identifier": "RESPONSE"})
            feedback = [(o["id"], o["feedback"]) for o in it.options()]
    for ident, text in feedback:
        mf = ET.SubElement(item, q("modalFeedback"), {"outcomeIdentifier": "FEEDBACK", "identifier": ident,
                                                      "showHide": "show"})
        _inline(mf, render.md_inline(text))
    return item


def qti_package(chapters: list[str], target: Path, problems: list[str]) -> list[str]:
    ET.register_namespace("", QTI)
    ET.register_namespace("xsi", XSI)
    files: dict[str, bytes] = {}
    resources = []
    for chapter in chapters:
        for it in content.load_chapter(chapter).items.values():
            try:
                tree = qti_item(it)
            except Unrepresentable as err:
                problems.append(f"QTI 2.1: {it.id}: {err}")
                continue
            ET.indent(tree)
            name = f"items/{it.id}.xml"
            files[name] = ET.tostring(tree, encoding="utf-8", xml_declaration=True)
            resources.append((it, name))
    ET.register_namespace("", CP)
    manifest = ET.Element(f"{{{CP}}}manifest", {"identifier": "europe-turkiye-security-questions",
                                               f"{{{XSI}}}schemaLocation": f"{CP} {CP_XSD}"})
    meta = ET.SubElement(manifest, f"{{{CP}}}metadata")
    ET.SubElement(meta, f"{{{CP}}}schema").text = "QTIv2.1 Package"
    ET.SubElement(meta, f"{{{CP}}}schemaversion").text = "1.0.0"
    ET.SubElement(manifest, f"{{{CP}}}organizations")
    res_root = ET.SubElement(manifest, f"{{{CP}}}resources")
    for it, name in resources:
        res = ET.SubElement(res_root, f"{{{CP}}}resource", {"identifier": f"res-{it.id}",
                                                             "type": "imsqti_item_xmlv2p1", "href": name})
        ET.SubElement(res, f"{{{CP}}}file", {"href": name})
    ET.indent(manifest)
    files = {"imsmanifest.xml": ET.tostring(manifest, encoding="utf-8", xml_declaration=True), **files}
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return [it.id for it, _ in resources]


def main(out: Path = OUT) -> int:
    if not (ROOT / "_build" / "html" / "index.html").exists():
        print("make lms: the book is not built yet; run 'make book' first.", file=sys.stderr)
        return 1
    problems = content.validate_all()
    if problems:
        print("make lms: the content files have problems:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    chapters = content.chapters()
    problems = []
    (out / "moodle").mkdir(parents=True, exist_ok=True)
    moodle_bank(chapters, problems).write(out / "moodle" / "course-questions.xml", encoding="utf-8",
                                          xml_declaration=True)
    exported = qti_package(chapters, out / "qti" / "course-questions-qti21.zip", problems)
    total = len(content.items())
    lines = [f"{total} questions in {len(chapters)} chapters.",
             f"Moodle XML: {out / 'moodle' / 'course-questions.xml'}",
             f"QTI 2.1:    {out / 'qti' / 'course-questions-qti21.zip'} ({len(exported)} items)"]
    lines += ["Not exported:"] + [f"  {p}" for p in problems] if problems else ["Every question was exported to both."]
    (out / "report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
