"""The data package: valid, typed, sourced, and failing loudly and precisely when broken."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import coursekit
from coursekit.data import DataError, datasets, load, resource, source_line, sources

from conftest import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "data"


def test_frictionless_validates_the_course_data():
    from frictionless import validate

    report = validate(str(ROOT / "data" / "datapackage.json"))
    problems = [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors][:10]
    assert report.valid, problems


@pytest.mark.parametrize("name", datasets())
def test_every_dataset_loads_with_sources(name):
    frame = load(name) if resource(name).get("schema") else None
    res = resource(name)
    for key in ("title", "description", "licenses", "sources"):
        assert res.get(key), f"{name}: resource lacks {key}"
    for src in res["sources"]:
        for key in ("id", "title", "publisher", "path", "seen"):
            assert src.get(key), f"{name}: source {src.get('id')} lacks {key}"
        assert src["path"].startswith("http"), f"{name}: source {src['id']} has no URL"
    if frame is not None:
        assert len(frame) > 0
        assert "source" in frame.columns, f"{name}: every row must name its source"
        assert frame["source"].notna().all()
        assert frame.attrs["sources"], "sources are attached to the DataFrame"
        for field in res["schema"]["fields"]:
            if field.get("type") in ("number", "integer"):
                assert pd.api.types.is_numeric_dtype(frame[field["name"]]), f"{name}.{field['name']} typed"


def test_every_source_is_used_or_documented():
    for name in datasets():
        res = resource(name)
        if not res.get("schema"):
            continue
        used = set(load(name)["source"])
        listed = {s["id"] for s in res["sources"]}
        assert used <= listed


def test_load_returns_an_independent_copy():
    name = datasets()[0]
    first = load(name)
    first.iloc[0, 0] = None
    assert load(name).iloc[0, 0] is not None


def test_unknown_dataset_names_the_known_ones():
    with pytest.raises(DataError, match="no dataset named 'nope'.*Known datasets"):
        load("nope")


def test_source_line_names_only_sources_of_the_rows_shown():
    name = "timeline"
    frame = load(name)
    first = frame[frame["source"] == frame["source"].iloc[0]]
    line = source_line(first)
    assert line.startswith("Source: ")
    assert len(sources(first)) == 1
    assert sources(first)[0]["title"] in line


# -- broken data fails with file, line and column ---------------------------------------

@pytest.fixture
def fixture_dir(tmp_path, monkeypatch):
    target = tmp_path / "data"
    shutil.copytree(FIXTURE, target)
    monkeypatch.setenv("COURSEKIT_DATA", str(target))
    return target


def _expect(fixture_dir, *, line=None, column=None, match=None):
    with pytest.raises(DataError) as info:
        load("sample")
    err = info.value
    assert "sample.csv" in err.path or "datapackage.json" in err.path
    if line is not None:
        assert err.line == line, str(err)
        assert f"line {line}" in str(err)
    if column is not None:
        assert err.column == column, str(err)
        assert f"column '{column}'" in str(err)
    if match:
        assert match in str(err)
    return err


def test_fixture_loads_typed(fixture_dir):
    frame = load("sample")
    assert list(frame.columns) == ["country", "year", "value", "flag", "kind", "source"]
    assert str(frame["year"].dtype) == "Int64"
    assert frame["value"].dtype == "float64"
    assert pd.isna(frame.loc[3, "value"])
    assert frame["flag"].tolist()[:2] == [True, False]


def test_missing_file(fixture_dir):
    (fixture_dir / "sample.csv").unlink()
    _expect(fixture_dir, match="file not found")


def test_missing_package(fixture_dir):
    (fixture_dir / "datapackage.json").unlink()
    with pytest.raises(DataError, match="datapackage.json: file not found"):
        load("sample")


def test_malformed_json_names_the_line(fixture_dir):
    path = fixture_dir / "datapackage.json"
    path.write_text(path.read_text().replace('"resources": [', '"resources": [,', 1))
    with pytest.raises(DataError, match=r"datapackage.json, line \d+: not valid JSON"):
        load("sample")


def test_corrupted_csv_row_has_too_many_cells(fixture_dir):
    path = fixture_dir / "sample.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2] + ",extra"
    path.write_text("\n".join(lines) + "\n")
    _expect(fixture_dir, line=3, match="7 cells where the header has 6")


def test_unterminated_quote(fixture_dir):
    path = fixture_dir / "sample.csv"
    path.write_text(path.read_text() + 'Gamma,2022,"1.0,true,a,s1\n')
    _expect(fixture_dir, match="malformed CSV")


# One cell (or header name) corrupted at a time: (old text, new text, line, column, message).
CORRUPTIONS = {
    "wrong column in header": ("country,year,value", "country,yr,value", 1, "yr", "where the schema expects 'year'"),
    "text where a number belongs": (",1.5,", ",one and a half,", 2, "value", "is not a number"),
    "value outside schema": (",3.0,", ",300,", 4, "value", "above the maximum 100"),
    "year below minimum": (",2021,2.5,", ",1999,2.5,", 3, "year", "below the minimum 2000"),
    "value not in enum": (",true,a,s1", ",true,z,s1", 2, "kind", "not one of the allowed values"),
    "required value missing": ("Beta & Co,2020", ",2020", 4, "country", "required"),
}


@pytest.mark.parametrize("case", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_corrupted_cell_is_named(fixture_dir, case):
    old, new, line, column, match = CORRUPTIONS[case]
    path = fixture_dir / "sample.csv"
    path.write_text(path.read_text().replace(old, new, 1))
    _expect(fixture_dir, line=line, column=column, match=match)


def test_missing_column(fixture_dir):
    path = fixture_dir / "sample.csv"
    rows = [",".join(r.split(",")[:5]) for r in path.read_text().splitlines()]
    path.write_text("\n".join(rows) + "\n")
    _expect(fixture_dir, line=1, column="source", match="missing column")


def test_unknown_source_id(fixture_dir):
    pkg = json.loads((fixture_dir / "datapackage.json").read_text())
    pkg["resources"][0]["schema"]["fields"][-1]["constraints"].pop("enum")
    (fixture_dir / "datapackage.json").write_text(json.dumps(pkg))
    path = fixture_dir / "sample.csv"
    path.write_text(path.read_text().replace("3.0,,a,s2", "3.0,,a,s9", 1))
    _expect(fixture_dir, line=4, column="source", match="source 's9' is not among")


def test_duplicate_primary_key(fixture_dir):
    path = fixture_dir / "sample.csv"
    path.write_text(path.read_text() + "Beta & Co,2021,4.0,true,a,s2\n")
    _expect(fixture_dir, line=6, column="country", match="duplicate row")


def _set_constraint(fixture_dir, field: str, **constraints):
    path = fixture_dir / "datapackage.json"
    pkg = json.loads(path.read_text())
    for f in pkg["resources"][0]["schema"]["fields"]:
        if f["name"] == field:
            f.setdefault("constraints", {}).update(constraints)
    path.write_text(json.dumps(pkg))


def test_unique_constraint_is_enforced(fixture_dir):
    _set_constraint(fixture_dir, "value", unique=True)
    load("sample")  # the fixture's values are all different
    path = fixture_dir / "sample.csv"
    path.write_text(path.read_text().replace(",2.5,", ",1.5,", 1))
    err = _expect(fixture_dir, line=3, column="value", match="must be unique")
    assert "'1.5' appears twice" in str(err)


def test_unique_constraint_of_the_course_data_is_enforced(tmp_path, monkeypatch):
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    monkeypatch.setenv("COURSEKIT_DATA", str(target))
    res = resource("gas_corridors")
    assert any(f.get("constraints", {}).get("unique") for f in res["schema"]["fields"])
    path = target / res["path"]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[1])  # the same pipeline twice
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"line {len(lines)}, column 'pipeline'.*(unique|duplicate)"):
        load("gas_corridors")


def test_pattern_constraint_is_enforced(fixture_dir):
    _set_constraint(fixture_dir, "kind", pattern="[a-z]")
    path = fixture_dir / "sample.csv"
    path.write_text(path.read_text().replace(",true,a,s1", ",true,A,s1", 1))
    _expect(fixture_dir, line=2, column="kind")


def test_non_finite_number(fixture_dir):
    path = fixture_dir / "sample.csv"
    path.write_text(path.read_text().replace("2021,,true", "2021,inf,true", 1))
    _expect(fixture_dir, line=5, column="value", match="not a finite number")


def test_invalid_descriptor_names_the_package(fixture_dir):
    _set_constraint(fixture_dir, "year", minimum="not a number at all")
    with pytest.raises(DataError, match="datapackage.json"):
        load("sample")


def test_each_file_version_is_validated_once(fixture_dir, monkeypatch):
    import coursekit.data as data

    calls = []
    real = data._validate
    monkeypatch.setattr(data, "_validate", lambda *a: calls.append(a[0]) or real(*a))
    data._load_validated.cache_clear()
    for _ in range(3):
        load("sample")
    assert len(calls) == 1
    path = fixture_dir / "sample.csv"
    path.write_text(path.read_text().replace(",1.5,", ",1.25,", 1))
    assert load("sample")["value"].iloc[0] == 1.25
    assert len(calls) == 2


def test_not_utf8(fixture_dir):
    (fixture_dir / "sample.csv").write_bytes("country\n\xe9\n".encode("latin-1"))
    _expect(fixture_dir, match="not UTF-8")


def test_empty_file(fixture_dir):
    (fixture_dir / "sample.csv").write_text("")
    _expect(fixture_dir, line=1, match="empty")


def test_package_api_is_small_and_documented():
    for name in coursekit.__all__:
        assert getattr(coursekit, name).__doc__ or name.isupper(), f"coursekit.{name} lacks a docstring"
