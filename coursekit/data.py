"""Load the course datasets with their provenance.

Every dataset is a CSV file in ``data/`` described by a resource in
``data/datapackage.json`` (the Frictionless Data Package standard). The loader
checks each cell against the resource's table schema and fails with the file,
line and column of the first problem, so a broken data file can never slip a
wrong number into a chapter.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = ["DataError", "data_dir", "datasets", "load", "resource", "source_line", "sources"]


class DataError(ValueError):
    """A data file is missing, malformed or breaks its schema.

    The message always names the file, and where it applies the line (as an
    editor counts it, the header being line 1) and the column.
    """

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None, column: str | None = None):
        self.path = str(path)
        self.line = line
        self.column = column
        self.problem = problem
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {problem}")


def data_dir() -> Path:
    """The folder holding ``datapackage.json``.

    ``COURSEKIT_DATA`` wins; then the ``data/`` folder next to the package (an
    editable install from a clone); then a ``data/`` folder found by walking up
    from the working directory, so notebooks find their data wherever
    JupyterLab was started inside the clone.
    """
    env = os.environ.get("COURSEKIT_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent / "data"
    if (here / "datapackage.json").exists():
        return here
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "data" / "datapackage.json").exists():
            return folder / "data"
    raise DataError("data/datapackage.json", "the course data folder was not found; "
                    "run from inside the course folder or set COURSEKIT_DATA")


@lru_cache(maxsize=4)
def _package(folder: str) -> dict:
    path = Path(folder) / "datapackage.json"
    if not path.exists():
        raise DataError(path, "file not found")
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as err:
        raise DataError(path, f"not valid JSON ({err.msg})", line=err.lineno) from None


def datasets() -> list[str]:
    """Names of all datasets in the course data package."""
    return [res["name"] for res in _package(str(data_dir()))["resources"]]


def resource(name: str) -> dict:
    """The datapackage resource descriptor of dataset ``name``."""
    package = _package(str(data_dir()))
    for res in package["resources"]:
        if res["name"] == name:
            _note_read(name)
            return res
    known = ", ".join(sorted(r["name"] for r in package["resources"]))
    raise DataError(data_dir() / "datapackage.json", f"no dataset named '{name}'. Known datasets: {known}")


def _note_read(name: str) -> None:
    """With ``COURSEKIT_RECORD_READS=<file>``, append each dataset name read to that file.

    Every read of a dataset (``load``, ``sources``, a chapter's own reader) looks up its descriptor here. The
    execution tests use the record to check the book's dependency tracking (``coursebuild/deps.py``).
    """
    record = os.environ.get("COURSEKIT_RECORD_READS")
    if record:
        with open(record, "a", encoding="utf-8") as handle:
            handle.write(name + "\n")


_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}


@dataclass
class _Field:
    name: str
    type: str
    constraints: dict

    def parse(self, raw: str):
        """Convert one CSV cell; raise ValueError with a readable reason."""
        c = self.constraints
        if raw == "":
            if c.get("required"):
                raise ValueError("a value is required but the cell is empty")
            return None
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d+", raw):
                raise ValueError(f"'{raw}' is not a whole number")
            value = int(raw)
        elif self.type == "number":
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"'{raw}' is not a number (use a dot for decimals, no separators)") from None
            if not math.isfinite(value):
                raise ValueError(f"'{raw}' is not a finite number")
        elif self.type == "boolean":
            if raw in _TRUE:
                value = True
            elif raw in _FALSE:
                value = False
            else:
                raise ValueError(f"'{raw}' is not true or false")
        elif self.type == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                raise ValueError(f"'{raw}' is not a date written YYYY-MM-DD")
            try:
                value = pd.Timestamp(raw)
            except ValueError:
                raise ValueError(f"'{raw}' is not a real calendar date") from None
        else:
            value = raw
        if "enum" in c and value not in c["enum"]:
            allowed = ", ".join(map(str, c["enum"]))
            raise ValueError(f"'{raw}' is not one of the allowed values ({allowed})")
        if "minimum" in c and value < _bound(c["minimum"], self.type):
            raise ValueError(f"{raw} is below the minimum {c['minimum']}")
        if "maximum" in c and value > _bound(c["maximum"], self.type):
            raise ValueError(f"{raw} is above the maximum {c['maximum']}")
        if "pattern" in c and not re.fullmatch(c["pattern"], raw):
            raise ValueError(f"'{raw}' does not have the expected form ({c['pattern']})")
        if "maxLength" in c and len(raw) > c["maxLength"]:
            raise ValueError(f"text longer than {c['maxLength']} characters")
        return value


def _bound(value, kind):
    return pd.Timestamp(value) if kind == "date" else value


_DTYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "str"}


def _read(path: Path, res: dict) -> pd.DataFrame:
    if not path.exists():
        raise DataError(path, "file not found (is the dataset listed in datapackage.json under the right path?)")
    fields = [_Field(f["name"], f.get("type", "string"), f.get("constraints", {})) for f in res["schema"]["fields"]]
    names = [f.name for f in fields]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataError(path, f"not UTF-8 text (byte {err.start})") from None
    rows = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = next(rows)
    except StopIteration:
        raise DataError(path, "the file is empty; a header row is expected", line=1) from None
    except csv.Error as err:
        raise DataError(path, f"malformed CSV ({err})", line=1) from None
    for i, (got, want) in enumerate(zip(header, names)):
        if got != want:
            raise DataError(path, f"header has '{got}' where the schema expects '{want}'", line=1, column=got or f"#{i + 1}")
    if len(header) != len(names):
        extra = header[len(names):] or names[len(header):]
        kind = "unexpected" if len(header) > len(names) else "missing"
        raise DataError(path, f"{kind} column(s) {', '.join(extra)}", line=1, column=extra[0])

    columns: dict[str, list] = {n: [] for n in names}
    lines: list[int] = []
    try:
        for row in rows:
            line = rows.line_num
            if not row:
                raise DataError(path, "empty line inside the table", line=line)
            if len(row) != len(fields):
                raise DataError(path, f"{len(row)} cells where the header has {len(fields)}", line=line,
                                column=names[min(len(row), len(names)) - 1])
            for field, raw in zip(fields, row):
                try:
                    columns[field.name].append(field.parse(raw.strip()))
                except ValueError as err:
                    raise DataError(path, str(err), line=line, column=field.name) from None
            lines.append(line)
    except csv.Error as err:
        raise DataError(path, f"malformed CSV ({err})", line=rows.line_num) from None
    if not lines:
        raise DataError(path, "the table has a header but no rows", line=2)

    frame = pd.DataFrame({f.name: pd.Series(columns[f.name], dtype=_DTYPES.get(f.type, "object"))
                          if f.type != "date" else pd.to_datetime(pd.Series(columns[f.name]))
                          for f in fields})
    key = res["schema"].get("primaryKey")
    if key:
        key = [key] if isinstance(key, str) else key
        dup = frame.duplicated(subset=key, keep="first")
        if dup.any():
            i = int(dup.to_numpy().nonzero()[0][0])
            values = ", ".join(f"{k}={frame.iloc[i][k]}" for k in key)
            raise DataError(path, f"duplicate row for {values} (primary key {', '.join(key)})", line=lines[i], column=key[0])
    if "source" in frame:
        known = {s["id"] for s in res.get("sources", [])}
        for i, sid in enumerate(frame["source"]):
            if sid not in known:
                raise DataError(path, f"source '{sid}' is not among the resource's sources", line=lines[i], column="source")
    return frame


@lru_cache(maxsize=64)
def _load_cached(folder: str, name: str, mtime: float) -> pd.DataFrame:
    res = resource(name)
    return _read(Path(folder) / res["path"], res)


def load(name: str) -> pd.DataFrame:
    """Return dataset ``name`` as a typed DataFrame.

    ``df.attrs`` carries ``name``, ``title``, ``description`` and ``sources``
    (publisher, title, URL and the date it was seen), which charts use for
    their source line. A fresh copy is returned each call, so changing it in
    a notebook never changes what another cell loads.
    """
    folder = data_dir()
    res = resource(name)
    path = folder / res["path"]
    mtime = path.stat().st_mtime if path.exists() else -1.0
    frame = _load_cached(str(folder), name, mtime).copy()
    frame.attrs = {
        "name": name,
        "title": res.get("title", name),
        "description": res.get("description", ""),
        "sources": [dict(s) for s in res.get("sources", [])],
    }
    return frame


def sources(data) -> list[dict]:
    """The sources behind ``data``: a dataset name or a loaded DataFrame.

    For a DataFrame with a ``source`` column, only the sources its rows use
    are returned, so a chart of a subset names exactly what it shows.
    """
    if isinstance(data, str):
        return [dict(s) for s in resource(data).get("sources", [])]
    listed = data.attrs.get("sources", [])
    if "source" in getattr(data, "columns", []):
        used = set(data["source"].dropna())
        return [s for s in listed if s["id"] in used]
    return list(listed)


def source_line(*datas) -> str:
    """One line naming the publishers and titles behind the given data."""
    seen, parts = set(), []
    for data in datas:
        for src in sources(data):
            key = (src.get("publisher"), src.get("title"))
            if key in seen:
                continue
            seen.add(key)
            parts.append(f"{src.get('publisher', 'Unknown publisher')}, “{src.get('title', '')}” (seen {src.get('seen', 'n.d.')})")
    return "Source: " + "; ".join(parts) + "." if parts else "Source: not recorded."
