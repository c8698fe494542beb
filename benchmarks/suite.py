"""Tests: wall and CPU time of `make test` from a fresh clone, and of `make test-fast`.

Only with ``--with-tests`` (many minutes); otherwise the last recorded times are shown, marked so. The clone is
of the committed HEAD (uncommitted changes are not in it), so the figure is what a newcomer or CI would see:
creating .venv, fetching the JavaScript, a cold build, then every test.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.harness import OUT, ROOT, Measurement, Options, Row, Section, log, seconds, verdict

RECORD = OUT / "tests.json"
TARGETS_S = {"make test": 600.0, "make test-fast": 120.0}  # wall time, 2 cores


def timed(cmd: list[str], cwd: Path, log_path: Path) -> dict:
    """Run ``cmd``; its wall time, the CPU time of it and its children, and its exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with log_path.open("w", encoding="utf-8") as handle:
        code = subprocess.run(cmd, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "returncode": code,
            "log": str(log_path.relative_to(ROOT))}


def measure() -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    results = {"when": datetime.now(UTC).isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory(prefix="course-bench-clone-") as tmp:
        clone = Path(tmp) / "course"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        results["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True,
                                           text=True).stdout.strip()
        log("tests: `make test` in a fresh clone (set-up, cold build, every test)...")
        results["make test"] = timed(["make", "test"], clone, OUT / "make-test.log")
        log(f"tests: `make test` {results['make test']['seconds']} s; `make test-fast`...")
        results["make test-fast"] = timed(["make", "test-fast"], clone, OUT / "make-test-fast.log")
        shutil.rmtree(clone, ignore_errors=True)
    RECORD.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results


def bench_tests(options: Options) -> Section:
    section = Section("tests", "5. Tests: `make test` from a fresh clone, and `make test-fast`")
    if options.with_tests:
        results, source = measure(), "measured in this run"
    elif RECORD.exists():
        try:
            results = json.loads(RECORD.read_text(encoding="utf-8"))
        except ValueError:
            section.skipped = f"{RECORD.relative_to(ROOT)} is unreadable; pass --with-tests to measure again"
            return section
        source = f"last recorded ({results.get('when', '?')}), not measured in this run; pass --with-tests"
    else:
        section.skipped = "not run (it takes many minutes); pass --with-tests to time `make test` and `make test-fast`"
        return section
    for name, limit in TARGETS_S.items():
        run = results.get(name)
        if not run:
            continue
        passed = run["returncode"] == 0
        met = passed and run["seconds"] <= limit
        why = "" if passed else f"it failed (exit {run['returncode']}; see {run['log']})"
        section.rows.append(Row(
            f"`{name}`" + (" from a fresh clone (set-up, cold build, every test)" if name == "make test" else ""),
            f"{seconds(run['seconds'])} wall, {seconds(run['cpu_seconds'])} CPU",
            "none (the whole suite is the figure)",
            f"≤ {limit / 60:.0f} min wall on 2 cores, passing",
            verdict(met, f"by {seconds(run['seconds'] - limit)}" if run["seconds"] > limit else "", why),
            met,
            run,
        ))
    section.notes.append(f"Source: {source}, commit {results.get('commit', '?')}. CPU time is user + system time of "
                         "make and everything it started; on a shared machine it is steadier than wall time.")
    return section


SECTIONS = [Measurement("tests", "make test and make test-fast", bench_tests, order=50)]
