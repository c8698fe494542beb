"""Load the course datasets with their provenance.

Every dataset is a CSV file in ``data/`` described by a resource in
``data/datapackage.json`` (the Frictionless Data Package standard). The loader
checks the file against the resource's whole table schema with Frictionless
(types, required cells, enums, ranges, primary key, unique columns, and each
row's ``source`` among the resource's sources) and fails with the file, line
and column of the first problem, so a broken data file can never slip a wrong
number into a chapter. Each version of a file is validated once per session.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import math
import os
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = ["DataError", "cached", "data_dir", "datasets", "fingerprint", "load", "resource", "source_line", "sources"]


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


def _package(folder: str) -> dict:
    path = Path(folder) / "datapackage.json"
    if not path.exists():
        raise DataError(path, "file not found")
    stat = path.stat()
    return _package_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _package_cached(path: str, mtime_ns: int, size: int) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
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


_TRUE = {"true", "True", "TRUE", "1"}
_DTYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "str"}


def _validator():
    """Frictionless, with one course-specific check: each row's ``source`` is among the resource's sources.

    Imported on first use, so that ``import coursekit`` stays quick.
    """
    global _CHECK
    if _CHECK is None:
        from frictionless import Check, errors

        class UnknownSourceError(errors.CellError):
            type = "unknown-source"
            title = "Unknown source"
            description = "A row names a source that the resource does not list under 'sources'."
            template = "{note}"

        class NonFiniteNumberError(errors.CellError):
            type = "non-finite-number"
            title = "Non-finite number"
            description = "A number cell holds NaN or infinity."
            template = "{note}"

        class CourseChecks(Check):
            """Rows name a listed source; numbers are finite."""

            type = "course-checks"
            Errors = [UnknownSourceError, NonFiniteNumberError]

            def __init__(self, known: set[str], numbers: list[str]):
                super().__init__()
                self.known, self.numbers = known, numbers

            def validate_row(self, row):
                sid = row.get("source") if "source" in row.field_names else None
                if sid is not None and sid not in self.known:
                    yield UnknownSourceError.from_row(
                        row, note=f"source '{sid}' is not among the resource's sources", field_name="source")
                for name in self.numbers:
                    value = row.get(name)
                    if value is not None and not math.isfinite(value):
                        yield NonFiniteNumberError.from_row(
                            row, note=f"'{row.cells[row.field_names.index(name)]}' is not a finite number",
                            field_name=name)

        _CHECK = CourseChecks
    return _CHECK


_CHECK = None

# The order in which problems of one row are reported: the shape of the row first, then its cells, then keys.
_RANK = {"extra-cell": 0, "missing-cell": 0, "blank-row": 1, "type-error": 2, "constraint-error": 3,
         "non-finite-number": 2, "unknown-source": 4, "primary-key": 5, "unique-error": 6}

_TYPE_HINTS = {
    "integer": "is not a whole number",
    "number": "is not a number (use a dot for decimals, no separators)",
    "boolean": "is not true or false",
    "date": "is not a date written YYYY-MM-DD (or not a real calendar date)",
}


def _friendly(err, fields: dict[str, dict], key: list[str], rows: list[list[str]]) -> tuple[str, str | None]:
    """(message, column) in the course's words for one Frictionless error."""
    kind, name = err.type, getattr(err, "field_name", None)
    cell = getattr(err, "cell", None)
    constraints = fields.get(name, {}).get("constraints", {})
    if kind == "type-error":
        return f"'{cell}' {_TYPE_HINTS.get(fields[name].get('type'), 'has the wrong type')}", name
    if kind == "constraint-error":
        which = re.match(r'constraint "(\w+)"', err.note or "")
        which = which.group(1) if which else ""
        if which == "required":
            return "a value is required but the cell is empty", name
        if which == "enum":
            return f"'{cell}' is not one of the allowed values ({', '.join(map(str, constraints['enum']))})", name
        if which == "minimum":
            return f"{cell} is below the minimum {constraints['minimum']}", name
        if which == "maximum":
            return f"{cell} is above the maximum {constraints['maximum']}", name
        if which == "pattern":
            return f"'{cell}' does not have the expected form ({constraints['pattern']})", name
        if which in ("maxLength", "minLength"):
            return f"text longer or shorter than allowed ({which} {constraints[which]})", name
        return f"'{cell}' breaks the constraint {err.note}", name
    if kind == "primary-key":
        row = rows[err.row_number - 2]
        names = list(fields)
        values = ", ".join(f"{k}={row[names.index(k)]}" for k in key)
        return f"duplicate row for {values} (primary key {', '.join(key)})", key[0]
    if kind == "unique-error":
        first = re.search(r"position (\d+)", err.note or "")
        where = f" (first on line {first.group(1)})" if first else ""
        return f"'{cell}' appears twice in column '{name}', whose values must be unique{where}", name
    if kind == "blank-row":
        return "empty line inside the table", None
    if kind in ("unknown-source", "non-finite-number"):
        return err.note, name
    return err.message, name


def _validate(path: Path, text: str, res: dict) -> list[list[str]]:
    """Check ``text`` (the CSV at ``path``) against the resource's schema; return its data rows as text.

    The CSV syntax is read strictly first (Frictionless forgives an unclosed quote); everything the
    schema says (header, types, required cells, enums, ranges, patterns, primary key, unique
    columns) is then checked by Frictionless, plus the course's own check that each row's
    ``source`` is one the resource lists.
    """
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    names = list(fields)
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    rows, lines = [], []
    try:
        header = next(reader, None)
        if header is None:
            raise DataError(path, "the file is empty; a header row is expected", line=1)
        for row in reader:
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as err:
        raise DataError(path, f"malformed CSV ({err})", line=reader.line_num) from None
    if not rows:
        raise DataError(path, "the table has a header but no rows", line=2)

    from frictionless import Checklist, FrictionlessException, Resource

    descriptor = {k: v for k, v in res.items() if k not in ("sources", "licenses")}
    descriptor.update(path=path.name, format="csv", encoding="utf-8")
    numbers = [n for n, f in fields.items() if f.get("type") == "number"]
    check = _validator()({s["id"] for s in res.get("sources", [])}, numbers)
    try:
        resource = Resource(descriptor, basepath=str(path.parent))
        report = resource.validate(checklist=Checklist(checks=[check]), limit_errors=1000)
    except FrictionlessException as err:
        raise DataError(path.parent / "datapackage.json", f"resource '{res['name']}' is not a valid descriptor "
                        f"({err.error.message})") from None
    except (TypeError, ValueError) as err:  # e.g. a constraint whose bound does not fit the field's type
        raise DataError(path.parent / "datapackage.json", f"resource '{res['name']}': the schema cannot be "
                        f"applied ({err})") from None
    problems = [e for task in report.tasks for e in task.errors] or list(report.errors)
    if not problems:
        return rows

    label = [e for e in problems if e.type in ("incorrect-label", "missing-label", "extra-label", "blank-label",
                                                "duplicate-label")]
    if label:
        err = label[0]
        if err.type == "incorrect-label":
            return _raise(path, f"header has '{err.label}' where the schema expects '{err.field_name}'", 1,
                          err.label or f"#{err.field_number}")
        missing = [n for n in names if n not in header]
        extra = [h for h in header if h not in names]
        if err.type == "missing-label":
            return _raise(path, f"missing column(s) {', '.join(missing)}", 1, missing[0] if missing else err.field_name)
        return _raise(path, f"unexpected column(s) {', '.join(extra)}", 1, extra[0] if extra else err.label)
    rowed = [e for e in problems if getattr(e, "row_number", None)]
    if not rowed:
        return _raise(path, problems[0].note or problems[0].message, None, None)
    err = min(rowed, key=lambda e: (e.row_number, _RANK.get(e.type, 9)))
    line = lines[err.row_number - 2] if err.row_number - 2 < len(lines) else None
    if err.type in ("extra-cell", "missing-cell"):
        row = rows[err.row_number - 2]
        return _raise(path, f"{len(row)} cells where the header has {len(names)}", line,
                      names[min(len(row), len(names)) - 1])
    key = res["schema"].get("primaryKey") or []
    message, column = _friendly(err, fields, [key] if isinstance(key, str) else list(key), rows)
    return _raise(path, message, line, column)


def _raise(path, problem, line, column):
    raise DataError(path, problem, line=line, column=column)


def _typed(rows: list[list[str]], res: dict) -> pd.DataFrame:
    """A DataFrame of ``rows`` (already validated) with one dtype per schema type."""
    out = {}
    for i, field in enumerate(res["schema"]["fields"]):
        kind = field.get("type", "string")
        raw = [r[i].strip() for r in rows]
        if kind == "integer":
            out[field["name"]] = pd.Series([int(v) if v else None for v in raw], dtype="Int64")
        elif kind == "number":
            out[field["name"]] = pd.Series([float(v) if v else float("nan") for v in raw], dtype="float64")
        elif kind == "boolean":
            out[field["name"]] = pd.Series([(v in _TRUE) if v else None for v in raw], dtype="boolean")
        elif kind == "date":
            out[field["name"]] = pd.to_datetime(pd.Series([v or None for v in raw]))
        else:
            out[field["name"]] = pd.Series([v or None for v in raw], dtype=_DTYPES.get(kind, "object"))
    return pd.DataFrame(out)


@lru_cache(maxsize=64)
def _load_validated(path: str, descriptor: str, digest: str) -> pd.DataFrame:
    """Validate and type one CSV; cached by the file's content and its descriptor, so each version is checked once."""
    res = json.loads(descriptor)
    file = Path(path)
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataError(file, f"not UTF-8 text (byte {err.start})") from None
    return _typed(_validate(file, text, res), res)


def _frame(folder: Path, res: dict) -> pd.DataFrame:
    path = folder / res["path"]
    if not path.exists():
        raise DataError(path, "file not found (is the dataset listed in datapackage.json under the right path?)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return _load_validated(str(path), json.dumps(res, sort_keys=True), digest)


def load(name: str) -> pd.DataFrame:
    """Return dataset ``name`` as a typed DataFrame.

    ``df.attrs`` carries ``name``, ``title``, ``description`` and ``sources``
    (publisher, title, URL and the date it was seen), which charts use for
    their source line. A fresh copy is returned each call, so changing it in
    a notebook never changes what another cell loads.
    """
    res = resource(name)
    frame = _frame(data_dir(), res).copy()
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


# -- one cache for everything computed from the data ----------------------------------------

_FINGERPRINT: dict = {}


def fingerprint() -> str:
    """A hash of the content of every file in the data folder.

    The files are re-read only when one of them changes size or modification time, so
    calling this is cheap; the hash itself depends only on what the files contain.
    """
    global _FINGERPRINT
    folder = data_dir()
    files = sorted(p for p in folder.iterdir() if p.is_file())
    stats = (str(folder), tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files))
    if _FINGERPRINT.get("stats") != stats:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        _FINGERPRINT = {"stats": stats, "value": digest.hexdigest()}
    return _FINGERPRINT["value"]


def cached(func):
    """Memoise ``func`` on its arguments and on the content of the data folder.

    The one caching helper of the course: a result is reused until a data file changes, and
    then computed afresh. Tables come back as copies, so a caller may change what it gets.
    Calls with unhashable arguments are computed every time.
    """
    memo: dict = {}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        version = fingerprint()
        if memo.get("__version__") != version:
            memo.clear()
            memo["__version__"] = version
        try:
            key = (args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:
            return func(*args, **kwargs)
        if key not in memo:
            memo[key] = func(*args, **kwargs)
        value = memo[key]
        if isinstance(value, (pd.DataFrame, pd.Series)):
            return value.copy()
        if isinstance(value, (list, dict, set)):
            return type(value)(value)
        return value

    wrapper.cache_clear = memo.clear
    return wrapper
