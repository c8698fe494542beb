"""Build: a cold ``make book``, then rebuilds after no change and after typical edits, in a copy of the checkout.

Each rebuild is compared with the cold build of the same copy and with what should happen: a rebuild with
nothing changed costs at most 10 % of the cold build; an edit re-reads exactly the pages and re-executes
exactly the notebooks that depend on what changed (the dependencies come from ``coursebuild/deps.py``,
which ``tests/test_execution.py`` checks against what the notebooks actually read).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.harness import OUT, ROOT, Measurement, Options, Row, Section, log, seconds, verdict
from coursebuild.deps import Project
from coursebuild.discover import chapter_notebooks, executed_pages

NO_CHANGE_SHARE = 0.10  # a rebuild with nothing changed costs at most 10 % of a cold build
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def git_files() -> list[str]:
    """Tracked files plus untracked files that are not ignored: what a fresh clone plus current edits holds."""
    names: set[str] = set()
    for args in (["ls-files", "-z"], ["ls-files", "-z", "--others", "--exclude-standard"]):
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True).stdout
        names.update(n for n in out.decode().split("\0") if n)
    return sorted(names)


def copy_checkout(dest: Path) -> int:
    count = 0
    for name in git_files():
        src = ROOT / name
        if not src.is_file():  # deleted in the working tree but still tracked
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / name)
        count += 1
    # The installed environment and the JavaScript libraries are shared, not copied: make finds them up to date.
    (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    (dest / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return count


def make_book(book: Path, name: str) -> dict:
    """One ``make book`` in the copy, timed, with what its output says it did."""
    env = {**os.environ, "PYTHONPATH": str(book)}  # the copy's coursekit and coursebuild, not this checkout's
    start = time.perf_counter()
    proc = subprocess.run(["make", "--no-print-directory", "book"], cwd=book, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    text = ANSI.sub("", proc.stdout + proc.stderr)
    log_path = OUT / f"build-{name}.log"
    log_path.write_text(text, encoding="utf-8")

    def rel(path: str) -> str:
        p = Path(path)
        return p.relative_to(book).with_suffix("").as_posix() if p.is_relative_to(book) else path

    updating = re.search(r"(\d+) added, (\d+) changed, \d+ removed", text)  # Sphinx's "updating environment"
    return {
        "seconds": round(elapsed, 2),
        "returncode": proc.returncode,
        "skipped": "nothing changed since the last build" in text,
        "executed": sorted(rel(p) for p in re.findall(r"^(\S+?): Executing notebook", text, re.M)),
        "reread_count": sum(map(int, updating.groups())) if updating else 0,
        "reread": sorted(set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", text))),
        "log": str(log_path.relative_to(ROOT)),
    }


def edit_notebook(path: Path, kind: str) -> None:
    """Append a sentence to the first markdown cell ("prose") or a comment to the first code cell ("code")."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == ("markdown" if kind == "prose" else "code"))
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    cell["source"] = source + ("\n\nThe benchmark added this sentence." if kind == "prose" else "\n# edited by the benchmark")
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def edit_csv(path: Path) -> str:
    """Quote one unquoted text cell of the first data row: new bytes, the same table."""

    def field(value: str) -> str:  # as csv writes it, minimally quoted (an empty cell stays empty)
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow([value])
        return out.getvalue() if value else ""

    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(csv.reader(io.StringIO(lines[1])))
    for index, value in enumerate(row):
        if value and field(value) == value and not re.fullmatch(r"[-+0-9.eE]+", value):
            ending = lines[1][len(lines[1].rstrip("\r\n")):]
            lines[1] = ",".join(f'"{v}"' if i == index else field(v) for i, v in enumerate(row)) + ending
            path.write_text("".join(lines), encoding="utf-8")
            return value
    raise ValueError(f"{path.name}: no text cell to quote in its first row")


def pick_dataset(book: Path) -> tuple[str, Path, list[str]]:
    """A CSV dataset read by few notebooks (two if possible), with its readers according to coursebuild.deps."""
    project = Project(book)
    readers: dict[str, list[str]] = {}
    for page in executed_pages(book):
        for name in project.deps(page).datasets:
            readers.setdefault(name, []).append(page.relative_to(book).with_suffix("").as_posix())
    csvs = {n: r for n, r in readers.items() if str(project.datapackage[n].get("path", "")).endswith(".csv")}
    name = min(csvs, key=lambda n: (abs(len(csvs[n]) - 2), n))
    return name, book / "data" / project.datapackage[name]["path"], sorted(csvs[name])


def scenario_row(figure: str, run: dict, cold: dict, target: str, expect_reread: set[str] | None,
                 expect_executed: set[str], limit: float | None = None, note: str = "") -> Row:
    share = run["seconds"] / cold["seconds"] if cold["seconds"] else float("nan")
    executed, reread = set(run["executed"]), set(run["reread"])
    problems = []
    if run["returncode"]:
        problems.append(f"the build failed (exit {run['returncode']}; see {run['log']})")
    if executed != expect_executed:
        problems.append(f"executed {sorted(executed) or 'nothing'}, expected {sorted(expect_executed) or 'nothing'}")
    if expect_reread is not None and (reread != expect_reread or run["reread_count"] != len(expect_reread)):
        problems.append(f"re-read {sorted(reread) or 'nothing'} ({run['reread_count']} pages), "
                        f"expected {sorted(expect_reread) or 'nothing'}")
    slow = limit is not None and run["seconds"] > limit
    met = not problems and not slow
    what = "skipped: nothing changed" if run["skipped"] else (
        f"re-read {run['reread_count']} page(s){': ' + ', '.join(sorted(reread)) if reread else ''}; "
        f"executed {', '.join(sorted(executed)) or 'no notebook'}")
    return Row(figure, f"{seconds(run['seconds'])} = {share:.0%} of cold; {what}" + (f" ({note})" if note else ""),
               f"cold build {seconds(cold['seconds'])}", target,
               verdict(met, f"by {seconds(run['seconds'] - limit)}" if slow else "", "; ".join(problems)), met,
               {**run, "share_of_cold": round(share, 4)})


def bench_build(options: Options) -> Section:
    section = Section("build", "1. Build: cold, then after no change and after one edit, in a copy of the checkout")
    if options.quick:
        section.skipped = "skipped with --quick"
        return section
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="course-bench-build-") as tmp:
        book = Path(tmp)
        files = copy_checkout(book)
        log(f"build: copied {files} files to {book}; cold build (executes every notebook)...")
        cold = make_book(book, "cold")
        log(f"build: cold {cold['seconds']} s; rebuild with nothing changed...")
        same = make_book(book, "no-change")

        (book / "README.md").write_text((book / "README.md").read_text(encoding="utf-8") + "\n", encoding="utf-8")
        log("build: an edit no page depends on (README.md)...")
        unused = make_book(book, "unused-file")

        chapter = chapter_notebooks(book)[1]  # chapter 1
        page = chapter.relative_to(book).with_suffix("").as_posix()
        edit_notebook(chapter, "prose")
        log(f"build: a prose edit in {page}...")
        prose = make_book(book, "prose-edit")
        edit_notebook(chapter, "code")
        log(f"build: a code edit in {page}...")
        code = make_book(book, "code-edit")

        dataset, data_file, readers = pick_dataset(book)
        quoted = edit_csv(data_file)
        log(f"build: an edit of data/{data_file.name} (read by {', '.join(readers)})...")
        data = make_book(book, "csv-edit")

    cold_ok = cold["returncode"] == 0 and len(cold["executed"]) > 0
    section.rows.append(Row(
        "Cold build: `make book` in a fresh copy (no _build)",
        f"{seconds(cold['seconds'])}; {len(cold['executed'])} notebooks executed, {cold['reread_count']} pages read",
        "the floor of the rebuilds", "no target",
        "reference" if cold_ok else f"build failed (exit {cold['returncode']}; see {cold['log']})",
        None if cold_ok else False, cold))
    limit = NO_CHANGE_SHARE * cold["seconds"]
    section.rows.append(scenario_row(
        "`make book` again, nothing changed", same, cold,
        f"≤ {NO_CHANGE_SHARE:.0%} of cold ({seconds(limit)}); nothing re-read or executed", set(), set(), limit))
    section.rows.append(scenario_row(
        "An edit no page depends on (a blank line added to README.md)", unused, cold,
        "nothing re-read or executed (Sphinx starts and finds nothing to do)", set(), set()))
    section.rows.append(scenario_row(
        f"A prose edit in one chapter (a sentence added to {page})", prose, cold,
        "re-reads only that page; executes no notebook (its code is unchanged, so are its outputs)", {page}, set()))
    section.rows.append(scenario_row(
        f"A code edit in one chapter (a comment added to a code cell of {page})", code, cold,
        "re-reads only that page; executes exactly that notebook", {page}, {page}))
    section.rows.append(scenario_row(
        f"A data edit: data/{data_file.name} ({dataset}), same values, new bytes", data, cold,
        f"executes exactly the notebooks that read it: {', '.join(readers)}", None, set(readers),
        note=f"the cell '{quoted}' quoted"))
    section.notes.append(
        f"`make book` in a temporary copy of the {files} tracked and untracked (not ignored) files, with .venv "
        "and node_modules linked in and PYTHONPATH set to the copy, so the copy's coursekit and coursebuild run. "
        "Rebuilds run in this order in the same copy; each edit is kept for the next. The readers of the edited "
        "dataset are those coursebuild/deps.py derives (tests/test_execution.py checks them against what each "
        "notebook reads). Re-read pages are counted from Sphinx's 'updating environment' line and named from "
        "its 'reading sources' lines; executed notebooks from MyST-NB's 'Executing notebook' lines. "
        "Logs: _build/bench/build-*.log.")
    section.notes.append(
        "A prose edit executes nothing: the execution cache keys a notebook on its code cells, and prose cannot "
        "change an output; the page is re-read and its new text published. A code edit executes that notebook.")
    return section


SECTIONS = [Measurement("build", "cold build and incremental rebuilds", bench_build, order=10)]
