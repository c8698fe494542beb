"""Explorers: every explorer's live redraw (model plus chart) after random control moves, against a floor.

The explorers are found by :func:`coursebuild.discover.explorer_cases`, as the tests find them: every code
cell tagged ``explorer`` in every chapter, whatever the function that makes it is called. The floor is the
time to produce the Vega-Lite spec of a 10-bar Altair chart, measured in the same process just before and
just after the explorers.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import time

from benchmarks.harness import ROOT, SEED, Measurement, Options, Row, Section, kilobytes, log, verdict
from coursebuild.discover import explorer_cases

MEDIAN_FLOORS = 2.0  # median redraw ≤ 2 × the floor
P95_FLOORS = 4.0  # 95th percentile ≤ 4 × the floor
MOVES = 50


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_floor_chart(repeats: int) -> list[float]:
    """Milliseconds to build and validate the spec of a trivial 10-bar chart, ``repeats`` times."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame({"x": range(10), "y": range(10)})
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        alt.Chart(frame).mark_bar().encode(x="x:O", y="y:Q").properties(title="floor").to_dict()
        times.append((time.perf_counter() - start) * 1000)
    return times[1:]  # the first call warms Altair's schema caches


def time_explorer(explorer, moves: int, rng: random.Random) -> dict:
    """Move one control at a time to a random allowed value and time the redraw, as the live view does."""
    from coursekit.charts import VEGALITE_MIME

    start = time.perf_counter()
    explorer.render(**explorer.defaults())  # the first draw: the model over every setting, and its chart, once
    first_ms = (time.perf_counter() - start) * 1000
    state = explorer.defaults()
    render_ms, spec_bytes, parts, failures = [], [], {"look-up and swap": []}, 0
    for _ in range(moves):
        control = rng.choice(explorer.controls)
        state[control.name] = rng.choice(control.values())
        start = time.perf_counter()
        bundle, _status = explorer.render(**state)
        render_ms.append((time.perf_counter() - start) * 1000)
        if VEGALITE_MIME not in bundle:
            failures += 1
            continue
        spec_bytes.append(len(json.dumps(bundle[VEGALITE_MIME])))
        # The same redraw again, step by step, to tell where the time goes.
        t0 = time.perf_counter()
        explorer.live_spec(**state)
        parts["look-up and swap"].append((time.perf_counter() - t0) * 1000)
    return {
        "moves": moves,
        "first_draw_ms": round(first_ms, 1),
        "median_ms": round(statistics.median(render_ms), 2),
        "p95_ms": round(percentile(render_ms, 0.95), 2),
        "parts_median_ms": {name: round(statistics.median(ms), 2) for name, ms in parts.items() if ms},
        "spec_median_bytes": int(statistics.median(spec_bytes)) if spec_bytes else 0,
        "failures": failures,
        "render_ms": [round(ms, 2) for ms in render_ms],
    }


def bench_explorers(options: Options) -> Section:
    section = Section("explorers", "3. Explorers: live redraw after a control move (model and chart spec)")
    moves = 10 if options.quick else MOVES
    cases = explorer_cases(ROOT)
    made = []
    for case in cases:  # build every explorer first (imports, data), so the floor and the moves see a warm process
        start = time.perf_counter()
        try:
            made.append((case, case.make(), (time.perf_counter() - start) * 1000))
        except Exception as err:  # one broken explorer is a missed row, not a lost report
            section.rows.append(Row(f"{case.call} ({case.notebook.stem})", "could not be built", "—", "builds",
                                    verdict(False, "", f"{type(err).__name__}: {err}"), False, {"id": case.id}))
    before = time_floor_chart(moves)
    results = []
    for case, explorer, construct_ms in made:
        log(f"explorers: {case.id}")
        result = time_explorer(explorer, moves, random.Random(f"{SEED}-{case.id}"))
        result["construct_ms"] = round(construct_ms, 1)
        results.append((case, explorer, result))
    after = time_floor_chart(moves)
    floor = statistics.median(before + after)
    section.rows.append(Row(
        "Floor: spec of a 10-bar chart (alt.Chart(...).to_dict())",
        f"median {floor:.1f} ms (before the explorers {statistics.median(before):.1f} ms, after "
        f"{statistics.median(after):.1f} ms), p95 {percentile(before + after, 0.95):.1f} ms",
        "the floor", "no target", "floor", None,
        {"median_ms": round(floor, 2), "before_median_ms": round(statistics.median(before), 2),
         "after_median_ms": round(statistics.median(after), 2)}))
    median_limit, p95_limit = MEDIAN_FLOORS * floor, P95_FLOORS * floor
    for case, explorer, result in results:
        over_median = result["median_ms"] - median_limit
        over_p95 = result["p95_ms"] - p95_limit
        met = over_median <= 0 and over_p95 <= 0 and not result["failures"]
        misses = []
        if over_median > 0:
            misses.append(f"median by {over_median:.1f} ms")
        if over_p95 > 0:
            misses.append(f"p95 by {over_p95:.1f} ms")
        why = []
        if result["failures"]:
            why.append(f"{result['failures']} of {moves} moves could not be drawn")
        if not met and result["parts_median_ms"]:
            why.append("median split: " + ", ".join(f"{part} {ms:.1f} ms"
                                                     for part, ms in result["parts_median_ms"].items()))
        section.rows.append(Row(
            f"{case.call} ({case.notebook.stem}): {explorer.title}",
            f"median {result['median_ms']:.1f} ms = {result['median_ms'] / floor:.1f} × floor; "
            f"p95 {result['p95_ms']:.1f} ms = {result['p95_ms'] / floor:.1f} × floor "
            f"(spec {kilobytes(result['spec_median_bytes'])})",
            f"{floor:.1f} ms",
            f"median ≤ {MEDIAN_FLOORS:g} × floor ({median_limit:.1f} ms), p95 ≤ {P95_FLOORS:g} × floor "
            f"({p95_limit:.1f} ms)",
            verdict(met, ", ".join(misses), "; ".join(why)),
            met,
            {**result, "id": case.id, "floor_ms": round(floor, 2)},
        ))
    section.notes.append(
        f"{len(cases)} explorers, found as the tests find them (cells tagged explorer). {moves} moves each: one "
        f"random control to a random value from its values() (seed {SEED}), timing Explorer.render(**values) "
        "in this process, as the live JupyterLab view runs it after a move (the browser's drawing is not "
        "included). The model over every setting and the chart are made once, at the first draw (first_draw_ms "
        "in the data), and reused until data/ changes; a move looks up its setting's rows and swaps them into "
        "a copy of that chart. The floor validates its spec, as the issue defines it.")
    return section


SECTIONS = [Measurement("explorers", "every explorer's live redraw against a floor", bench_explorers, order=30)]
