"""The build status page reads its figures safely."""

import json

from coursekit import buildstatus


def test_report_is_rendered_escaped(tmp_path, monkeypatch):
    (tmp_path / "_config.yml").write_text("title: x\n")
    report = tmp_path / "_build" / "bench" / "report.json"
    report.parent.mkdir(parents=True)
    report.write_text(json.dumps({"generated": "2026-11-21", "mode": "full", "commit": "abc", "cpus": 2, "sections": [
        {"title": "Explorers", "skipped": "", "rows": [{"figure": "<b>ch1</b>", "measured": "40 ms",
                                                         "target": "≤ 50 ms", "verdict": "met"}]}]}))
    monkeypatch.chdir(tmp_path)
    html = buildstatus.latest_figures_html()
    assert "&lt;b&gt;ch1&lt;/b&gt;" in html and "40 ms" in html and "met" in html


def test_missing_or_broken_report_never_raises(tmp_path, monkeypatch):
    (tmp_path / "_config.yml").write_text("title: x\n")
    monkeypatch.chdir(tmp_path)
    assert "No figures yet" in buildstatus.latest_figures_html()
    broken = tmp_path / "_build" / "bench" / "report.json"
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json")
    assert "could not be read" in buildstatus.latest_figures_html()
    assert not (tmp_path / "_build" / ".jupyter_cache").exists()
