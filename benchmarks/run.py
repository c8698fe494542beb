"""Measure how fast the course is for the people who use it, on this machine: ``make bench``.

Every module of ``benchmarks/`` that defines ``SECTIONS`` contributes sections (see ``benchmarks/harness.py``);
each figure is reported beside its floor and target. Writes ``_build/bench/report.md`` and ``report.json``
and prints the markdown. Options: ``make bench BENCH_ARGS="--quick"`` (fewer runs, no build section),
``--with-tests`` (also time ``make test`` and ``make test-fast``), ``--only explorers notebooks`` (measure these;
the other sections are carried over from the last report and marked so).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import OUT, ROOT, Options, Row, Section, log, machine, measurements, write_report  # noqa: E402


def carried_over(keys: set[str]) -> dict[str, Section]:
    """Sections of the last report, for a run that measures only some."""
    try:
        report = json.loads((OUT / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for data in report.get("sections", []):
        if data.get("key") in keys:
            rows = [Row(**{k: r.get(k, "") for k in ("figure", "measured", "floor", "target", "verdict")},
                        met=r.get("met"), data=r.get("data", {})) for r in data.get("rows", [])]
            notes = [*data.get("notes", []), f"Carried over from the run of {report.get('generated', '?')} "
                                             f"(commit {report.get('commit', '?')}); not measured in this run."]
            out[data["key"]] = Section(data["key"], data.get("title", data["key"]), rows, notes, data.get("skipped"))
    return out


def main(argv: list[str] | None = None) -> int:
    available = measurements()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="for development: no build section, fewer runs, loads and explorer moves")
    parser.add_argument("--with-tests", action="store_true",
                        help="also run `make test` and `make test-fast` and time them (many minutes)")
    parser.add_argument("--only", nargs="+", choices=[m.key for m in available], help="measure only these sections")
    # `make bench BENCH_ARGS="--quick"` passes options through the environment.
    args = parser.parse_args(shlex.split(os.environ.get("BENCH_ARGS", "")) + (sys.argv[1:] if argv is None else argv))
    options = Options(quick=args.quick, with_tests=args.with_tests)
    meta = {**machine(), "mode": "quick" if args.quick else "full"}
    chosen = [m for m in available if not args.only or m.key in args.only]
    previous = carried_over({m.key for m in available} - {m.key for m in chosen}) if args.only else {}
    sections = []
    for measurement in available:
        if measurement in chosen:
            log(f"{measurement.key}: {measurement.title}")
            sections.append(measurement.run(options))
        elif measurement.key in previous:
            sections.append(previous[measurement.key])
    meta["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    markdown = write_report(meta, sections)
    print(markdown)
    print(f"Written: {(OUT / 'report.md').relative_to(ROOT)} and {(OUT / 'report.json').relative_to(ROOT)}. "
          "Run `make book` to show it on the Build status page.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
