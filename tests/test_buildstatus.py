"""The build status page shows the latest benchmark report safely: escaped, with targets met and missed."""

import json

from coursebuild import buildstatus


def write_report(root, sections, **meta):
    path = root / "_build" / "bench" / "report.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"generated": "2026-11-21", "mode": "full", "commit": "abc", "cpus": 2, **meta,
                                "sections": sections}), encoding="utf-8")
    return path


def test_report_is_rendered_escaped_with_met_and_missed_counted(tmp_path):
    write_report(tmp_path, [
        {"title": "Explorers", "skipped": "", "notes": ["<i>note</i>"], "rows": [
            {"figure": "<b>ch1</b>", "measured": "40 ms", "target": "≤ 19 ms", "verdict": "missed by 21 ms", "met": False},
            {"figure": "ch2", "measured": "10 ms", "target": "≤ 19 ms", "verdict": "met", "met": True},
            {"figure": "Floor", "measured": "9.5 ms", "target": "the floor", "verdict": "floor", "met": None}]},
        {"title": "Tests", "skipped": "not run", "rows": []}])
    html = buildstatus.report_html(tmp_path)
    assert "&lt;b&gt;ch1&lt;/b&gt;" in html and "<b>ch1" not in html and "&lt;i&gt;note" in html
    assert "1 of 2 targets met" in html  # the floor is not a target
    assert "missed by 21 ms" in html and "✘" in html and "✔ met" in html
    assert "not measured (not run)" in html


def test_missing_or_broken_report_never_raises(tmp_path):
    assert "No benchmark report yet" in buildstatus.report_html(tmp_path)
    assert buildstatus.report_digest(tmp_path) == "none"
    path = write_report(tmp_path, [])
    path.write_text("{not json")
    assert "could not be read" in buildstatus.report_html(tmp_path)
    assert buildstatus.report_digest(tmp_path) != "none"
    assert not (tmp_path / "_build" / ".jupyter_cache").exists()


def test_digest_follows_the_report_content(tmp_path):
    path = write_report(tmp_path, [])
    first = buildstatus.report_digest(tmp_path)
    path.write_text(path.read_text() + " ")
    assert buildstatus.report_digest(tmp_path) != first
