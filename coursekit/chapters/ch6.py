"""Chapter 6. Toward a partnership: options, obstacles and scenarios.

The chapter's model is a policy-options scorecard (a simple multi-criteria
analysis). Six options for EU–Türkiye security cooperation are scored from 1
(worst) to 5 (best) on five criteria in the ``policy_options`` dataset. The
scores are the course authors' judgements, each backed by one sourced line of
evidence, not measurements, and averaging ordinal scores is a heuristic: it
makes a choice explicit, it does not measure anything. A reader chooses how
much each criterion matters; an option's weighted score is

    weighted score = sum(weight_c * score_c) / sum(weight_c)

so it always lies between 1 and 5, and multiplying every weight by the same
positive number changes nothing. Two explorers let a reader set the weights
(:func:`explorer`) and see which option wins under which weights
(:func:`winner_explorer`); both work in the book without a kernel.

The scenario section reads (never writes) datasets of chapters 1–5 to build
indicators to watch up to 2030; the refugee and export series come from the
chapter 3 and 4 modules, so each number is computed in one place.
``FACTS`` holds the values the content file ``notebooks/06_partnership.yml`` names.
"""

from __future__ import annotations

import html
import itertools
import math
import numbers
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from ..charts import PALETTE, figure
from ..data import cached, load, source_line, sources
from ..explorer import Choice, Explorer, Slider
from . import ch3, ch4

__all__ = [
    "CRITERIA", "CRITERION_LABELS", "OPTIONS", "SHORT_LABELS", "CODES", "WEIGHT_LEVELS", "MAP_LEVELS", "PAIRS",
    "DEFAULT_PAIR", "ALL_ZERO_MESSAGE", "FACTS",
    "score_table", "validate_scores", "clean_weights", "weighted_scores", "weight_settings", "rank_counts",
    "first_place", "winner_map", "weight_to_win", "explorer", "winner_explorer", "scores_figure", "evidence_table",
    "sensitivity_figure", "rank_figure", "indicator_series", "indicator_table", "indicator_figure", "order_of",
]

#: The five criteria, in the order used everywhere (sliders, tables, weight sequences).
CRITERIA = ("security_benefit", "eu_feasibility", "ankara_feasibility", "cost", "values")
CRITERION_LABELS = {
    "security_benefit": "Security benefit",
    "eu_feasibility": "Feasibility in the EU",
    "ankara_feasibility": "Feasibility in Ankara",
    "cost": "Cost (5 = cheapest)",
    "values": "Values and rule of law",
}
_AXIS_CRITERIA = {"security_benefit": "Security", "eu_feasibility": "EU feasibility",
                  "ankara_feasibility": "Ankara feasibility", "cost": "Cost", "values": "Values"}
_SHORT_CRITERIA = {"security_benefit": "security", "eu_feasibility": "EU", "ankara_feasibility": "Ankara",
                   "cost": "cost", "values": "values"}
#: The explorer's control names (short, because every row of the book's precomputed grid repeats them).
_CONTROL = {"security_benefit": "security", "eu_feasibility": "eu", "ankara_feasibility": "ankara",
            "cost": "cost", "values": "values"}
#: The six options of the dataset, in the order the course presents them.
OPTIONS = ("status_quo", "defence_industrial", "structured_dialogue", "migration_border", "black_sea",
           "accession_revival")
SHORT_LABELS = {
    "status_quo": "Status quo (ad hoc)",
    "defence_industrial": "Defence industry (SAFE)",
    "structured_dialogue": "Security dialogue",
    "migration_border": "Migration compact",
    "black_sea": "Black Sea cooperation",
    "accession_revival": "Accession revival",
}
#: Two-letter codes written in the cells of the winner map (the legend spells them out).
CODES = {"status_quo": "SQ", "defence_industrial": "DI", "structured_dialogue": "SD", "migration_border": "MC",
         "black_sea": "BS", "accession_revival": "AR"}
TIE_CODE, NONE_CODE = "=", "-"
#: Paul Tol's "light" qualitative scheme: colour-blind safe, and dark text stays readable on every colour.
_MAP_COLOURS = {"SQ": "#EEDD88", "DI": "#EE8866", "SD": "#77AADD", "MC": "#FFAABB", "BS": "#44BB99",
                "AR": "#BBCC33", TIE_CODE: "#DDDDDD", NONE_CODE: "#FFFFFF"}
#: Weight levels of the ranking explorer's sliders: 3 levels on 5 sliders give 3**5 = 243 states.
WEIGHT_LEVELS = (0, 1, 2)
#: Weights of the two criteria on the winner map's axes: 0 to 4 in steps of 0.5 (9 x 9 cells).
MAP_LEVELS = tuple(k / 2 for k in range(9))
#: The winner map's pairs of criteria, (across, up), and the one it opens with.
PAIRS = tuple(itertools.combinations(CRITERIA, 2))
DEFAULT_PAIR = ("security_benefit", "ankara_feasibility")
#: Weighted scores closer than this are treated as tied when ranking.
TIE_TOLERANCE = 1e-9
ALL_ZERO_MESSAGE = ("All weights are zero, so nothing would count: every criterion is weighted "
                    "equally instead.")
_MAX_LEVELS = 6  # 6**5 = 7,776 weight settings: the most the sensitivity functions will enumerate


# -- the scores -------------------------------------------------------------

def _aliases() -> dict[str, str]:
    """Lower-case names a reader might use for a criterion -> its id."""
    out = {}
    for c in CRITERIA:
        for name in (c, c.replace("_", " "), CRITERION_LABELS[c], _SHORT_CRITERIA[c]):
            out[name.lower()] = c
    out["security"] = "security_benefit"
    out["eu"] = "eu_feasibility"
    out["ankara"] = "ankara_feasibility"
    return out


def score_table(data: pd.DataFrame | None = None) -> pd.DataFrame:
    """The authors' scores as a table: one row per option, one column per criterion (integers 1–5).

    ``data`` is the long ``policy_options`` dataset (loaded when omitted). Edit a copy of the result
    to re-score an option, or add a row to score an option of your own, then pass it to
    :func:`weighted_scores` as ``scores=``.
    """
    if data is None:
        return _default_table()
    return validate_scores(data).astype(int)


@cached
def _default_table() -> pd.DataFrame:
    return validate_scores(load("policy_options")).astype(int)


def validate_scores(scores) -> pd.DataFrame:
    """Check a score table and return it as floats (options x CRITERIA).

    Accepts the wide form (index = options, columns = the five criteria) or the long form of the
    dataset (columns ``option``, ``criterion``, ``score``). Raises ``TypeError`` for something that is
    not a table and ``ValueError``, naming the option and criterion, for a missing, non-numeric or
    out-of-range score (scores run from 1 to 5).
    """
    if not isinstance(scores, pd.DataFrame):
        raise TypeError(f"scores must be a table (a pandas DataFrame), not {type(scores).__name__}; "
                        "start from ch6.score_table() and edit a copy")
    if scores.attrs:  # provenance is not needed here, and copying it through every step is slow
        scores = scores.copy(deep=False)
        scores.attrs = {}
    if {"option", "criterion", "score"} <= set(scores.columns):
        long = scores
        unknown = sorted(set(map(str, long["criterion"])) - set(CRITERIA))
        if unknown:
            raise ValueError(f"unknown criterion {unknown[0]!r}; the criteria are {', '.join(CRITERIA)}")
        if long.duplicated(subset=["option", "criterion"]).any():
            row = long[long.duplicated(subset=["option", "criterion"])].iloc[0]
            raise ValueError(f"option {row['option']!r} is scored twice on {row['criterion']!r}")
        wide = long.pivot(index="option", columns="criterion", values="score")
    else:
        wide = scores
    missing = [c for c in CRITERIA if c not in wide.columns]
    if missing:
        raise ValueError(f"the score table has no column for {', '.join(missing)}; it needs all of "
                         f"{', '.join(CRITERIA)}")
    if len(wide) == 0:
        raise ValueError("the score table has no options")
    if wide.index.duplicated().any():
        raise ValueError(f"option {wide.index[wide.index.duplicated()][0]!r} appears twice in the score table")
    wide = wide[list(CRITERIA)]
    numeric = all(pd.api.types.is_numeric_dtype(wide[c]) and not pd.api.types.is_bool_dtype(wide[c])
                  for c in CRITERIA)
    if numeric:  # the usual case, kept fast
        values = wide.astype(float)
        is_bool = np.zeros(values.shape, dtype=bool)
    else:
        values = wide.apply(pd.to_numeric, errors="coerce").astype(float)
        is_bool = wide.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy()
    arr = values.to_numpy()
    bad = is_bool | ~np.isfinite(arr) | (arr < 1) | (arr > 5)
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        option, criterion = values.index[i], CRITERIA[j]
        raw = wide.iloc[i, j]
        reason = "not a number from 1 to 5" if (is_bool[i, j] or not np.isfinite(arr[i, j])) else "scores run from 1 to 5"
        raise ValueError(f"the score of {option!r} on {criterion!r} is {raw!r}: {reason}")
    order = [o for o in OPTIONS if o in values.index] + [o for o in values.index if o not in OPTIONS]
    values = values.loc[order]
    values.index.name = "option"
    values.columns.name = None
    return values


# -- the weights ------------------------------------------------------------

def _one_weight(name: str, value) -> tuple[float, str | None]:
    """A weight as a float >= 0, and a note if it had to be changed."""
    if isinstance(value, bool) or value is None:
        return 0.0, f"the weight of {name} ({value!r}) is not a number, so it counts as 0"
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return 0.0, f"the weight of {name} ({value!r}) is not a number, so it counts as 0"
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if not isinstance(value, numbers.Real):
        return 0.0, f"the weight of {name} (a {type(value).__name__}) is not a number, so it counts as 0"
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0, f"the weight of {name} is not a number, so it counts as 0"
    if not math.isfinite(value):
        return 0.0, f"the weight of {name} ({value}) is not a finite number, so it counts as 0"
    if value < 0:
        return 0.0, f"the weight of {name} ({value:g}) is negative; weights cannot be below 0, so it counts as 0"
    return value, None


def clean_weights(weights=None) -> tuple[dict[str, float], list[str]]:
    """Turn a reader's weights into one number >= 0 per criterion, with notes on anything changed.

    ``weights`` is ``None`` (every criterion weighs 1), a mapping from criterion to weight (criteria
    left out weigh 0; names such as ``"security"`` or ``"Feasibility in the EU"`` are understood), or a
    sequence of five weights in the order of :data:`CRITERIA`. Negative, missing, infinite or
    non-numeric weights are clamped to 0 and explained in the notes. An unknown criterion name or a
    sequence of the wrong length raises ``ValueError``; another kind of object raises ``TypeError``.
    """
    if weights is None:
        return {c: 1.0 for c in CRITERIA}, []
    if isinstance(weights, pd.Series):
        weights = weights.to_dict()
    if isinstance(weights, Mapping):
        aliases = _aliases()
        out = {c: 0.0 for c in CRITERIA}
        notes = []
        for key, value in weights.items():
            criterion = aliases.get(str(key).strip().lower())
            if criterion is None:
                raise ValueError(f"unknown criterion {key!r}; use one of {', '.join(CRITERIA)}")
            out[criterion], note = _one_weight(criterion, value)
            if note:
                notes.append(note)
        return out, notes
    if isinstance(weights, (str, bytes)):
        raise TypeError("give the weights as a dict such as {'security_benefit': 2, 'values': 1} "
                        "or as a list of five numbers, not as text")
    try:
        items = list(weights)
    except TypeError:
        raise TypeError(f"weights must be a dict or a list of five numbers, not {type(weights).__name__}") from None
    if len(items) != len(CRITERIA):
        raise ValueError(f"a list of weights needs {len(CRITERIA)} numbers, one per criterion "
                         f"({', '.join(CRITERIA)}); it has {len(items)}")
    out, notes = {}, []
    for criterion, value in zip(CRITERIA, items, strict=True):
        out[criterion], note = _one_weight(criterion, value)
        if note:
            notes.append(note)
    return out, notes


# -- the model ----------------------------------------------------------------

def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _ranks(values: np.ndarray, tol: float = TIE_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """Competition ranks (1 = best; ties share the best rank) and a tie flag, along the last axis."""
    diff = values[..., None, :] - values[..., :, None]  # [..., i, j] = v_j - v_i
    ranks = 1 + (diff > tol).sum(axis=-1)
    tied = (np.abs(diff) <= tol).sum(axis=-1) > 1
    return ranks, tied


def _scores(weight_matrix: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Weighted scores for each row of ``weight_matrix`` (k x 5, all >= 0, row sums > 0) -> k x n."""
    top = weight_matrix.max(axis=1, keepdims=True)
    w = weight_matrix / top  # rescaling changes nothing and keeps huge weights from overflowing
    out = (w @ table.T) / w.sum(axis=1, keepdims=True)
    return np.clip(out, 1.0, 5.0)


def weighted_scores(weights=None, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rank the options for a choice of weights.

    Returns one row per option, best first, with ``score`` (the weighted score, between 1 and 5),
    ``rank`` (1 = best; options within 1e-9 of each other share a rank), ``tied``, ``rank_label``
    (such as ``"1st"`` or ``"=2nd"``), ``bar_label`` and ``note``. If every weight is zero, every
    criterion is weighted equally and ``note`` says so. ``df.attrs['weights']`` holds the weights
    used, as shares of their total.
    """
    w, notes = clean_weights(weights)
    table = score_table() if scores is None else validate_scores(scores)
    return _rank_frame(w, notes, table.to_numpy(dtype=float), [str(o) for o in table.index])


def _rank_frame(w: dict[str, float], notes: list[str], table: np.ndarray, options: list[str]) -> pd.DataFrame:
    """The ranking for clean weights ``w`` over a validated score array (options x criteria)."""
    fallback = sum(w.values()) == 0
    if fallback:
        w = {c: 1.0 for c in CRITERIA}
        notes = [*notes, ALL_ZERO_MESSAGE]
    vector = np.array([[w[c] for c in CRITERIA]], dtype=float)
    values = _scores(vector, table)[0]
    ranks, tied = _ranks(values)
    normed = vector[0] / vector.max()
    shares = dict(zip(CRITERIA, normed / normed.sum(), strict=True))
    order = np.lexsort((np.arange(len(values)), ranks))
    values, ranks, tied = values[order], ranks[order], tied[order]
    options = [options[i] for i in order]
    rank_labels = [("=" if t else "") + _ordinal(int(r)) for r, t in zip(ranks, tied, strict=True)]
    note = " ".join(n[0].upper() + n[1:] + ("" if n.endswith(".") else ".") for n in notes)
    if not note:
        note = "Weights as shares of the total: " + ", ".join(
            f"{_SHORT_CRITERIA[c]} {shares[c]:.0%}" for c in CRITERIA) + "."
    frame = pd.DataFrame({
        "option": options,
        "label": [SHORT_LABELS.get(o, o) for o in options],
        "score": values,
        "rank": ranks.astype(int),
        "tied": tied.astype(bool),
        "rank_label": rank_labels,
        "bar_label": [f"{r} · {v:.2f}" for r, v in zip(rank_labels, values, strict=True)],
        "first": ranks == 1,
        "note": note,
        "show_note": np.arange(len(values)) == 0,
    })
    frame.attrs = {"weights": shares, "fallback": fallback, "notes": list(notes)}
    return frame


# -- sensitivity --------------------------------------------------------------

def weight_settings(levels=WEIGHT_LEVELS) -> np.ndarray:
    """Every combination of ``levels`` on the five criteria, except all zeros (k x 5 array).

    With the explorer's levels 0, 1 and 2 that is 3**5 - 1 = 242 settings.
    """
    try:
        levels = sorted({float(v) for v in levels})
    except (TypeError, ValueError):
        raise ValueError("levels must be a list of numbers such as (0, 1, 2)") from None
    if not levels or any(not math.isfinite(v) or v < 0 for v in levels):
        raise ValueError("levels must be one or more finite numbers of 0 or more, such as (0, 1, 2)")
    if len(levels) > _MAX_LEVELS:
        raise ValueError(f"at most {_MAX_LEVELS} levels ({_MAX_LEVELS}**5 settings); got {len(levels)}")
    grid = np.array(list(itertools.product(levels, repeat=len(CRITERIA))), dtype=float)
    grid = grid[grid.sum(axis=1) > 0]
    if len(grid) == 0:
        raise ValueError("levels must include a number above 0")
    return grid


def rank_counts(levels=WEIGHT_LEVELS, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """How often each option takes each rank over all weight settings (see :func:`weight_settings`).

    Long table: ``option``, ``label``, ``rank`` (1 = best; ties share the best rank), ``settings``
    (how many weight settings give that rank) and ``share`` (percent of all settings).
    """
    if scores is not None:
        return _count_ranks(levels, validate_scores(scores))
    try:
        levels = tuple(levels)
    except TypeError:
        pass  # weight_settings() says what is wrong
    return _rank_counts(levels)


@cached
def _rank_counts(levels) -> pd.DataFrame:
    return _count_ranks(levels, score_table())


def _count_ranks(levels, table: pd.DataFrame) -> pd.DataFrame:
    grid = weight_settings(levels)
    ranks, _ = _ranks(_scores(grid, table.to_numpy(dtype=float)))
    rows = []
    for i, option in enumerate(table.index):
        for r in range(1, len(table) + 1):
            n = int((ranks[:, i] == r).sum())
            rows.append({"option": str(option), "label": SHORT_LABELS.get(option, str(option)), "rank": r,
                         "settings": n, "share": 100 * n / len(grid)})
    return pd.DataFrame(rows)


def first_place(levels=WEIGHT_LEVELS, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each option: in how many weight settings it ranks first or joint first, and what share.

    Columns ``option``, ``label``, ``first`` (count), ``settings`` (total), ``share`` (percent),
    ``best_rank`` and ``worst_rank``; most often first at the top. Shares can add up to more than
    100 because a tie gives every tied option the first place.
    """
    counts = rank_counts(levels, scores)
    total = int(counts.groupby("option")["settings"].sum().iloc[0])
    used = counts[counts["settings"] > 0]
    out = (counts[counts["rank"] == 1][["option", "label", "settings"]].rename(columns={"settings": "first"})
           .merge(used.groupby("option")["rank"].agg(best_rank="min", worst_rank="max").reset_index(), on="option"))
    out["settings"] = total
    out["share"] = 100 * out["first"] / total
    out = out[["option", "label", "first", "settings", "share", "best_rank", "worst_rank"]]
    return out.sort_values(["first", "best_rank"], ascending=[False, True], kind="stable").reset_index(drop=True)


# -- the ranking explorer --------------------------------------------------------------

_HEIGHT = 230


def _explorer_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Only the columns the ranking view draws: the book's grid repeats them for 243 weight settings."""
    out = pd.DataFrame({"label": frame["label"], "score": frame["score"].round(3), "bar_label": frame["bar_label"],
                        "first": frame["first"],
                        "note": [frame["note"].iloc[0]] + [""] * (len(frame) - 1)})
    out.attrs = dict(frame.attrs)
    return out


def _view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField("score", op="max", order="descending"),
              axis=alt.Axis(labelLimit=200))
    bars = alt.Chart().mark_bar(height=22).encode(
        x=alt.X("score:Q", title="Weighted score (1 = worst, 5 = best)", scale=alt.Scale(domain=[0, 5]),
                axis=alt.Axis(values=[0, 1, 2, 3, 4, 5], format="d")),
        y=y,
        color=alt.Color("position:N", title=None,
                        scale=alt.Scale(domain=["Ranked first", "Other options"], range=[PALETTE[1], PALETTE[0]]),
                        legend=alt.Legend(orient="top", direction="horizontal")),
        tooltip=[alt.Tooltip("label:N", title="Option"), alt.Tooltip("bar_label:N", title="Rank and score")],
    ).transform_calculate(position="datum.first ? 'Ranked first' : 'Other options'")
    text = alt.Chart().mark_text(align="left", dx=5, fontSize=12).encode(x="score:Q", y=y, text="bar_label:N")
    note = alt.Chart().mark_text(align="left", baseline="top", fontSize=11, color="#333333").encode(
        x=alt.value(0), y=alt.value(_HEIGHT + 44), text="note:N").transform_filter("datum.note")
    return alt.layer(bars, text, note, data=frame).properties(width=430, height=_HEIGHT)


def _summary(frame: pd.DataFrame) -> str:
    best = frame[frame["first"]]["label"].tolist()
    worst = frame.iloc[-1]
    lead = " and ".join(best)
    verb = "rank joint first" if len(best) > 1 else "ranks first"
    text = (f"{lead} {verb} with {frame['score'].iloc[0]:.2f}; {worst['label']} comes last "
            f"with {worst['score']:.2f}.")
    if frame.attrs.get("fallback"):
        text = ALL_ZERO_MESSAGE + " " + text
    return text


def explorer() -> Explorer:
    """The policy-options scorecard: five weight sliders (0, 1 or 2), one bar per option."""
    data = load("policy_options")
    table = score_table(data)
    values, options = table.to_numpy(dtype=float), [str(o) for o in table.index]
    equal = weighted_scores(scores=table)
    criterion = {v: k for k, v in _CONTROL.items()}

    def model(**weights):
        w, notes = clean_weights({criterion.get(k, k): v for k, v in weights.items()})
        return _explorer_frame(_rank_frame(w, notes, values, options))

    return Explorer(
        title="Your weights, their ranking: six options for EU–Türkiye security cooperation",
        description=("Horizontal bars give each option's weighted score on a scale from 1 (worst) to 5 (best), "
                     "best first, with its rank written beside the bar. Five sliders set how much each criterion "
                     "counts: 0 (ignore), 1 (normal) or 2 (double). The scores behind the bars are the course "
                     "authors' judgements, and averaging them is a heuristic, not a measurement. With equal weights "
                     f"{equal.iloc[0]['label']} comes first and {equal.iloc[-1]['label']} last; weighting security "
                     "and Ankara's feasibility lifts the defence-industrial option, weighting cost and EU "
                     "feasibility lifts the status quo."),
        controls=[Slider(_CONTROL[c], CRITERION_LABELS[c], 0, 2, 1, 1, unit="weight") for c in CRITERIA],
        model=model,
        view=_view,
        source=source_line(data),
        summary=_summary,
    )


# -- which option wins under which weights --------------------------------------------------

def _lower(text: str) -> str:
    """``text`` with its first letter in lower case (names such as "EU" and "Ankara" keep theirs)."""
    return text[:1].lower() + text[1:]


def _pair_id(pair: tuple[str, str]) -> str:
    return f"{_CONTROL[pair[0]]}-{_CONTROL[pair[1]]}"


_PAIR_IDS = {_pair_id(p): p for p in PAIRS}


def _pair(pair) -> tuple[str, str]:
    """Two different criteria from a pair id (``"security-eu"``) or two criterion names."""
    if isinstance(pair, str):
        if pair in _PAIR_IDS:
            return _PAIR_IDS[pair]
        raise ValueError(f"unknown pair {pair!r}; use one of {', '.join(_PAIR_IDS)} or two criterion names")
    try:
        first, second = pair
    except (TypeError, ValueError):
        raise ValueError("a pair is two criteria, such as ('security_benefit', 'values')") from None
    aliases = _aliases()
    names = [aliases.get(str(n).strip().lower()) for n in (first, second)]
    if None in names:
        raise ValueError(f"unknown criterion in {pair!r}; the criteria are {', '.join(CRITERIA)}")
    if names[0] == names[1]:
        raise ValueError("the two axes need two different criteria")
    return names[0], names[1]


def _level(value, name: str) -> float:
    w, note = _one_weight(name, value)
    if note:
        raise ValueError(note.replace("so it counts as 0", "so the map cannot use it"))
    return w


def _winners(weights: np.ndarray, table: pd.DataFrame) -> list[tuple[str, list[str], float]]:
    """For each row of weights (k x 5): the winning option(s) and the top score (NaN if all weights are 0)."""
    names = [str(o) for o in table.index]
    zero = weights.sum(axis=1) == 0
    safe = np.where(zero[:, None], 1.0, weights)
    scores = _scores(safe, table.to_numpy(dtype=float))
    ranks, _ = _ranks(scores)
    out = []
    for k in range(len(weights)):
        if zero[k]:
            out.append(("none", [], float("nan")))
            continue
        first = [names[i] for i in np.flatnonzero(ranks[k] == 1)]
        out.append(("tie" if len(first) > 1 else "one", first, float(scores[k].max())))
    return out


def _legend(option: str) -> str:
    return f"{CODES.get(option, option[:2].upper())}: {SHORT_LABELS.get(option, option)}"


_TIE_LEGEND = f"{TIE_CODE}: Tie for first"
_NONE_LEGEND = f"{NONE_CODE}: No weight at all"


def winner_map(pair=PAIRS[0], others=1, scores: pd.DataFrame | None = None, levels=MAP_LEVELS) -> pd.DataFrame:
    """Which option ranks first as the weights of two criteria move, the other three held at ``others``.

    ``pair`` is two criteria (the first across, the second up) or a pair id such as ``"security-values"``;
    ``levels`` are the weights tried on each axis (0 to 4 in steps of 0.5). One row per cell: ``x`` and
    ``y`` (the two weights), ``legend`` (the winner's code and name, or a tie, or no weight at all when
    every weight is 0), ``tied`` (the tied options' names, else empty) and ``equal`` (True in the cell
    where all five weights are equal).
    """
    across, up = _pair(pair)
    others = _level(others, "the other criteria")
    try:
        levels = sorted({_level(v, "an axis level") for v in levels})
    except TypeError:
        raise ValueError("levels must be a list of numbers such as (0, 1, 2)") from None
    if not levels:
        raise ValueError("levels must hold at least one weight")
    table = score_table() if scores is None else validate_scores(scores)
    cells = list(itertools.product(levels, levels))
    weights = np.array([[x if c == across else y if c == up else others for c in CRITERIA] for x, y in cells])
    rows = []
    for (x, y), (kind, first, _) in zip(cells, _winners(weights, table), strict=True):
        legend = {"none": _NONE_LEGEND, "tie": _TIE_LEGEND}.get(kind) or _legend(first[0])
        rows.append({"x": x, "y": y, "legend": legend,
                     "tied": " and ".join(SHORT_LABELS.get(o, o) for o in first) if kind == "tie" else "",
                     "equal": bool(others > 0 and x == y == others)})
    out = pd.DataFrame(rows)
    out.attrs = {"pair": (across, up), "others": others}
    return out


def weight_to_win(option: str, criterion: str, others=1, levels=MAP_LEVELS) -> float | None:
    """The smallest weight on ``criterion`` (other criteria at ``others``) at which ``option`` ranks first.

    Joint first counts. ``None`` if no weight in ``levels`` puts the option first.
    """
    table = score_table()
    if option not in set(table.index):
        raise ValueError(f"unknown option {option!r}; the options are {', '.join(OPTIONS)}")
    crit = _aliases().get(str(criterion).strip().lower())
    if crit is None:
        raise ValueError(f"unknown criterion {criterion!r}; the criteria are {', '.join(CRITERIA)}")
    others = _level(others, "the other criteria")
    levels = sorted({_level(v, "a level") for v in levels})
    weights = np.array([[w if c == crit else others for c in CRITERIA] for w in levels])
    for w, (_, first, _) in zip(levels, _winners(weights, table), strict=True):
        if option in first:
            return w
    return None


_MAP_SIZE = 300


def _map_view(frame: pd.DataFrame, values: dict | None) -> alt.LayerChart:
    domain = [_legend(o) for o in OPTIONS] + [_TIE_LEGEND, _NONE_LEGEND]
    colours = [_MAP_COLOURS[CODES[o]] for o in OPTIONS] + [_MAP_COLOURS[TIE_CODE], _MAP_COLOURS[NONE_CODE]]
    levels = [float(v) for v in MAP_LEVELS]
    base = alt.Chart().encode(
        x=alt.X("x:O", title="Weight of the first criterion (across)", sort=levels,
                axis=alt.Axis(labelAngle=0, labelExpr="format(datum.value, '.1~f')")),
        y=alt.Y("y:O", title="Weight of the second criterion (up)", sort=list(reversed(levels)),
                axis=alt.Axis(labelExpr="format(datum.value, '.1~f')")),
    )
    tips = [alt.Tooltip("legend:N", title="Ranks first"), alt.Tooltip("tied:N", title="Tied"),
            alt.Tooltip("x:Q", title="Weight across"), alt.Tooltip("y:Q", title="Weight up")]
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=1).encode(
        color=alt.Color("legend:N", scale=alt.Scale(domain=domain, range=colours),
                        legend=alt.Legend(title="Ranks first", orient="bottom", columns=2, labelLimit=220,
                                          symbolStrokeColor="#666666", symbolStrokeWidth=0.5)),
        tooltip=tips)
    codes = base.mark_text(fontSize=11, color="#1a1a1a").encode(text="code:N", tooltip=tips).transform_calculate(
        code="split(datum.legend, ':')[0]")
    equal = base.mark_rect(fill=None, stroke="#000000", strokeWidth=2.5).encode(tooltip=tips).transform_filter(
        "datum.equal")
    return alt.layer(cells, codes, equal, data=frame).properties(width=_MAP_SIZE, height=_MAP_SIZE)


def _map_summary(frame: pd.DataFrame) -> str:
    across, up = frame.attrs.get("pair", PAIRS[0])
    counts = frame["legend"].value_counts()
    parts = [f"{label.split(': ', 1)[1]} in {n}" for label, n in counts.items() if label != _NONE_LEGEND]
    return (f"{CRITERION_LABELS[across]} across, {_lower(CRITERION_LABELS[up])} up, the other three weighted "
            f"{frame.attrs.get('others', 1):g}: of {len(frame)} cells, " + "; ".join(parts) + ".")


def winner_explorer() -> Explorer:
    """The winner map: choose two criteria and the weight of the other three; cells show who ranks first."""
    data = load("policy_options")
    table = score_table(data)
    pair_labels = [f"{CRITERION_LABELS[a]} across, {_lower(CRITERION_LABELS[b])} up" for a, b in PAIRS]
    default = _pair_id(DEFAULT_PAIR)
    first = winner_map(_PAIR_IDS[default], 1, table)
    counts = first["legend"].value_counts()
    lead = counts.index[0].split(": ", 1)[1]

    def model(pair, others):
        pair_ = _PAIR_IDS.get(pair, _PAIR_IDS[default])
        return winner_map(pair_, others, table)

    return Explorer(
        title="Which option wins under which weights",
        description=(f"A grid of {len(MAP_LEVELS)} by {len(MAP_LEVELS)} cells. Across and up are the weights of two "
                     f"criteria, from {MAP_LEVELS[0]:g} to {MAP_LEVELS[-1]:g}; the other three criteria keep the "
                     "weight chosen below. Each cell is coloured, and marked with a two-letter code, by the option "
                     "that ranks first there; the outlined cell is the one where all five weights are equal. "
                     f"With {_lower(CRITERION_LABELS[DEFAULT_PAIR[0]])} across, "
                     f"{_lower(CRITERION_LABELS[DEFAULT_PAIR[1]])} up and the others at 1, {lead} ranks first in "
                     f"{int(counts.iloc[0])} of {len(first)} cells. The scores are the course authors' "
                     "judgements; the map shows how far a ranking built on them depends on the weights."),
        controls=[Choice("pair", "Criteria on the axes", list(_PAIR_IDS), default=default, labels=pair_labels),
                  Slider("others", "Weight of the other three criteria", 0, 2, 1, 1, unit="weight")],
        model=model,
        view=_map_view,
        source=source_line(data),
        summary=_map_summary,
    )


# -- figures ------------------------------------------------------------------------

def scores_figure():
    """Heat map of the 30 judgements, the number written in every cell."""
    data = load("policy_options")
    frame = data.assign(label=data["option"].map(SHORT_LABELS), criterion_label=data["criterion"].map(CRITERION_LABELS),
                        criterion_short=data["criterion"].map(_AXIS_CRITERIA))
    order = [SHORT_LABELS[o] for o in OPTIONS if o in set(data["option"])]
    crit = [_AXIS_CRITERIA[c] for c in CRITERIA]
    base = alt.Chart(frame).encode(
        x=alt.X("criterion_short:N", sort=crit, title="Criterion (5 = best; for cost, 5 = cheapest)",
                axis=alt.Axis(labelAngle=0, labelLimit=120)),
        y=alt.Y("label:N", sort=order, title=None),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color("score:Q", title="Score (1 = worst, 5 = best)", scale=alt.Scale(scheme="blues", domain=[1, 5])),
        tooltip=[alt.Tooltip("label:N", title="Option"), alt.Tooltip("criterion_label:N", title="Criterion"),
                 alt.Tooltip("score:Q", title="Score"), alt.Tooltip("evidence:N", title="Evidence")],
    )
    numbers_ = base.mark_text(fontSize=14, fontWeight=600).encode(
        text="score:Q", color=alt.condition("datum.score >= 4", alt.value("#ffffff"), alt.value("#1a1a1a")))
    chart = (cells + numbers_).properties(width=520, height=250)
    table = score_table(data)
    means = table.mean(axis=1)
    spread = ", ".join(f"{SHORT_LABELS.get(o, o)} {means[o]:.1f}" for o in means.sort_values(ascending=False).index)
    lows = int((data["score"] <= 2).sum())
    floor = int(table.min(axis=1).max())
    return figure(chart, title=f"Every option gives something up: each scores {floor} or lower on at least one criterion",
                  description=(f"Grid of {len(data)} scores, six options by five criteria, each from 1 (worst) to 5 "
                               f"(best), written in the cells; darker cells are higher. {lows} of the {len(data)} "
                               f"scores are 2 or lower. Unweighted averages: {spread}. The scores are the course "
                               "authors' judgements; hover over a cell to read the evidence behind it."),
                  data=data)


class _Table:
    """A small accessible HTML table with a caption and a source line."""

    def __init__(self, header: list[str], rows: list[list[str]], caption: str, source: str):
        self.header, self.rows, self.caption, self.source = header, rows, caption, source

    def _repr_html_(self) -> str:
        e = html.escape
        head = "".join(f'<th scope="col">{e(h)}</th>' for h in self.header)
        body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in self.rows)
        return (f'<div class="ck-table"><table><caption>{e(self.caption)}</caption><thead><tr>{head}</tr></thead>'
                f'<tbody>{body}</tbody></table><p class="ck-source">{e(self.source)}</p></div>')

    def __repr__(self) -> str:
        lines = [self.caption, " | ".join(self.header)] + [" | ".join(map(str, r)) for r in self.rows] + [self.source]
        return "\n".join(lines)


def evidence_table(option: str | None = None) -> _Table:
    """The evidence behind every score (or one option's), with its publisher, as an HTML table."""
    data = load("policy_options")
    if option is not None:
        if option not in set(data["option"]):
            raise ValueError(f"unknown option {option!r}; the options are {', '.join(OPTIONS)}")
        data = data[data["option"] == option]
    order = {(o, c): (i, j) for i, o in enumerate(OPTIONS) for j, c in enumerate(CRITERIA)}
    data = data.iloc[sorted(range(len(data)), key=lambda k: order.get(
        (data["option"].iloc[k], data["criterion"].iloc[k]), (99, 99)))]
    publishers = {s["id"]: s.get("publisher", "") for s in sources(data)}
    rows = [[SHORT_LABELS.get(r.option, r.option), CRITERION_LABELS[r.criterion], str(r.score), r.evidence,
             publishers.get(r.source, r.source)] for r in data.itertuples()]
    return _Table(["Option", "Criterion", "Score", "Evidence (the authors' summary)", "Source"], rows,
                  caption="The evidence behind each score. Scores are judgements by the course authors: argue with them.",
                  source=source_line(data))


def sensitivity_figure(levels=WEIGHT_LEVELS):
    """How often each option ranks first over every weight setting of the ranking explorer."""
    table = first_place(levels)
    table["text"] = [f"{f} of {s} ({p:.0f}%)" for f, s, p in zip(table["first"], table["settings"], table["share"], strict=True)]
    order = table["label"].tolist()
    bars = alt.Chart(table).mark_bar(height=22, color=PALETTE[0]).encode(
        x=alt.X("share:Q", title="Weight settings in which the option ranks first or joint first (%)",
                scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
        tooltip=[alt.Tooltip("label:N", title="Option"), alt.Tooltip("first:Q", title="Settings ranked first"),
                 alt.Tooltip("share:Q", title="Share (%)", format=".1f"),
                 alt.Tooltip("best_rank:Q", title="Best rank"), alt.Tooltip("worst_rank:Q", title="Worst rank")],
    )
    text = bars.mark_text(align="left", dx=5, fontSize=12, color="#1a1a1a").encode(text="text:N")
    chart = (bars + text).properties(width=430, height=230)
    total = int(table["settings"].iloc[0])
    lead = table.iloc[0]
    never = table[table["first"] == 0]["label"].tolist()
    parts = "; ".join(f"{r.label}: {r.first} ({r.share:.0f}%)" for r in table.itertuples())
    title = f"{lead['label']} ranks first under {lead['share']:.0f}% of weightings"
    if never:
        title += f"; {' and '.join(never)} never does"
    return figure(chart, title=title,
                  description=(f"Bars show, for each option, in how many of the {total} weight settings of the "
                               "ranking explorer (each criterion weighted 0, 1 or 2, not all zero) it ranks first or "
                               f"joint first. {parts}. Ties give every tied option a first place, so the shares add "
                               "up to more than 100%."),
                  data=load("policy_options"))


def rank_figure(levels=WEIGHT_LEVELS):
    """Heat map: for each option, the number of weight settings that give it each rank."""
    counts = rank_counts(levels)
    order = first_place(levels)["label"].tolist()
    counts["rank_text"] = counts["rank"].map(_ordinal)
    ranks = [_ordinal(r) for r in sorted(counts["rank"].unique())]
    base = alt.Chart(counts).encode(
        x=alt.X("rank_text:O", sort=ranks, title="Rank (ties share the better rank)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color("settings:Q", title="Weight settings", scale=alt.Scale(scheme="greys")),
        tooltip=[alt.Tooltip("label:N", title="Option"), alt.Tooltip("rank_text:N", title="Rank"),
                 alt.Tooltip("settings:Q", title="Weight settings"), alt.Tooltip("share:Q", title="Share (%)", format=".1f")],
    )
    total = int(counts.groupby("option")["settings"].sum().iloc[0])
    text = base.mark_text(fontSize=12).encode(
        text="settings:Q",
        color=alt.condition(f"datum.settings > {total / 2}", alt.value("#ffffff"), alt.value("#1a1a1a")))
    chart = (cells + text).properties(width=430, height=230)
    modal = counts.loc[counts.groupby("option")["settings"].idxmax()].set_index("label")
    parts = "; ".join(f"{lab}: most often {modal.loc[lab, 'rank_text']} ({int(modal.loc[lab, 'settings'])})"
                      for lab in order)
    last = counts[counts["rank"] == counts["rank"].max()].sort_values("settings", ascending=False).iloc[0]
    return figure(chart,
                  title=f"The bottom of the ranking is stable: {last['label']} is last in {int(last['settings'])} "
                        f"of {total} weightings",
                  description=(f"Grid of options by rank; each cell gives the number of the {total} weight settings "
                               f"(0, 1 or 2 on each criterion) that put the option at that rank, also written in the "
                               f"cell. {parts}."),
                  data=load("policy_options"))


# -- scenario indicators (read-only use of chapters 1–5) ---------------------------------

INDICATORS = {
    "defence": "Türkiye's defence spending (% of GDP)",
    "russian_pipeline": "Russian pipeline gas to Europe (bcm)",
    "syrians": "Syrians under temporary protection (million)",
    "exports": "Turkish defence exports, SSB (billion USD)",
    "uzbek_share": "Türkiye's share of Uzbek trade (%)",
}
#: Indicator series start in this year: 2021 is the last full year before Russia's full-scale invasion.
SINCE = 2021


@cached
def _indicators(since: int = SINCE) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Each indicator from ``since`` on, as (series of year/value, the dataset rows it was computed from)."""
    if isinstance(since, bool) or not isinstance(since, numbers.Integral):
        raise TypeError(f"since must be a year such as 2021, not {since!r}")
    out = {}
    nato = load("nato_defence_spending")
    tur = nato[nato["iso3"] == "TUR"].sort_values(["year", "release"]).groupby("year").tail(1)
    out["defence"] = (pd.DataFrame({"year": tur["year"], "value": tur["pct_gdp"]}), tur)

    flows = load("corridor_flows")
    rp = flows[flows["pipeline"].str.startswith("All Russian pipeline routes")]
    out["russian_pipeline"] = (pd.DataFrame({"year": rp["year"], "value": rp["flow_bcm"]}), rp)

    syr = ch3.population(ch3.SYRIANS).sort_values(["year", "to"], kind="stable").groupby("year").tail(1)
    out["syrians"] = (pd.DataFrame({"year": syr["year"], "value": syr["people"].astype(float) / 1e6}), syr)

    ssb = ch4.exports("ssb_headline")
    out["exports"] = (pd.DataFrame({"year": ssb["year"], "value": ssb["exports_usd_million"] / 1000}), ssb)

    trade = load("central_asia_trade")
    uzb = trade[trade["iso3"] == "UZB"]
    tr = uzb[uzb["partner"] == "Türkiye"].set_index("year")["trade_usd_million"]
    tot = uzb[uzb["partner"] == "Total"].set_index("year")["trade_usd_million"]
    years = sorted(set(tr.index) & set(tot.index))
    share = pd.DataFrame({"year": years, "value": [100 * tr[y] / tot[y] for y in years]})
    out["uzbek_share"] = (share, uzb[uzb["year"].isin(years) & uzb["partner"].isin(["Türkiye", "Total"])])

    for key, (series, rows) in out.items():
        series = series.astype({"year": int, "value": float}).sort_values("year")
        series = series[series["year"] >= since].reset_index(drop=True)
        rows = rows[rows["year"] >= since]
        series.attrs = {}
        out[key] = (series, rows)
    return out


def indicator_series(since: int = SINCE) -> dict[str, pd.DataFrame]:
    """Each indicator's series from ``since`` on: ``year`` and ``value``, keyed as in :data:`INDICATORS`.

    Rules, so that each series stays on one basis: NATO spending keeps, for every year, the figure of
    the latest release; the refugee series keeps, for every year, the latest-dated count of Syrians
    under temporary protection (chapter 3's :func:`~coursekit.chapters.ch3.population`); exports keep
    SSB's headline measure only (chapter 4's :func:`~coursekit.chapters.ch4.exports`); the Uzbek share
    divides trade with Türkiye by total trade in the years that have both.
    """
    return {key: series.copy() for key, (series, _) in _indicators(since).items()}


def indicator_table() -> _Table:
    """First and latest value of each indicator, with the change, as an HTML table."""
    ind = _indicators()
    rows = []
    for key, (frame, _) in ind.items():
        first, last = frame.iloc[0], frame.iloc[-1]
        digits = 2 if key in ("defence", "syrians", "exports") else 1
        change = last["value"] - first["value"]
        rows.append([INDICATORS[key], f"{first['value']:.{digits}f} ({int(first['year'])})",
                     f"{last['value']:.{digits}f} ({int(last['year'])})", f"{change:+.{digits}f}"])
    return _Table(["Indicator", f"First value from {SINCE}", "Latest value", "Change"], rows,
                  caption=f"{len(ind)} indicators to watch up to 2030, from the datasets of chapters 1–5 ({SINCE} onwards)",
                  source=source_line(*[rows_ for _, rows_ in ind.values()]))


def indicator_figure():
    """Small multiples of the indicators, each on its own scale."""
    ind = _indicators()
    long = pd.concat([s.assign(indicator=INDICATORS[k]) for k, (s, _) in ind.items()], ignore_index=True)
    order = [INDICATORS[k] for k in ind]
    base = alt.Chart().encode(
        x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d", values=list(range(SINCE, 2031)), labelOverlap=True),
                scale=alt.Scale(zero=False, nice=False, padding=14)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False, padding=10)),
        tooltip=[alt.Tooltip("indicator:N", title="Indicator"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("value:Q", title="Value", format=".2f")],
    )
    layered = alt.layer(base.mark_line(color=PALETTE[0]), base.mark_point(color=PALETTE[0], size=50, filled=True))
    chart = (layered.properties(width=165, height=130)
             .facet(facet=alt.Facet("indicator:N", sort=order, title=None,
                                    header=alt.Header(labelFontSize=11, labelLimit=260)),
                    columns=3, data=long)
             .resolve_scale(x="independent", y="independent"))
    parts = []
    for key, (frame, _) in ind.items():
        first, last = frame.iloc[0], frame.iloc[-1]
        parts.append(f"{INDICATORS[key]}: {first['value']:.2f} in {int(first['year'])}, "
                     f"{last['value']:.2f} in {int(last['year'])}")
    return figure(chart, title=f"Since {SINCE}, Russian pipeline gas to Europe has shrunk while Türkiye's defence "
                               "effort and exports have grown",
                  description=(f"{len(ind)} small line charts, each on its own scale, of indicators drawn from "
                               f"chapters 1–5, from {SINCE} on. " + "; ".join(parts) + ". Series have few points, "
                               "and some are estimates or figures relayed by the press; see each dataset's notes."),
                  data=[rows for _, rows in ind.values()])


# -- facts: what the content file's answers and texts name ---------------------------------------

#: The weights of the chapter's hand-computation exercise, and the option it asks about.
EX_WEIGHTS = {"security_benefit": 2, "eu_feasibility": 1, "ankara_feasibility": 1, "cost": 0, "values": 0}
EX_OPTION = "defence_industrial"
#: SAFE events of the ordering exercise, by their timeline titles.
SAFE_EVENTS = ("SAFE regulation adopted", "Commission confirms Turkish SAFE request", "UK-EU SAFE talks collapse",
               "Member states endorse Canada's SAFE deal", "First SAFE loans cleared")


def order_of(titles=SAFE_EVENTS) -> list[str]:
    """Timeline titles sorted by their date (chapter 0's timeline)."""
    from . import ch0

    return ch0.order_of(titles)


def _ex_row() -> pd.Series:
    return score_table().loc[EX_OPTION]


def _second_place() -> list[str]:
    frame = weighted_scores()
    return frame.loc[frame["rank"] == 2, "label"].tolist()


def _first(key: str, option: str | None = None) -> float:
    fp = first_place().set_index("option")
    return float(fp.loc[option or weighted_scores().iloc[0]["option"], key])


def _first_share_split() -> float:
    """The equal-weights winner's share when a tie gives each tied option a fraction of the first place."""
    table = score_table()
    ranks, _ = _ranks(_scores(weight_settings(), table.to_numpy(dtype=float)))
    firsts = ranks == 1
    credit = firsts / firsts.sum(axis=1, keepdims=True)
    i = list(table.index).index(weighted_scores().iloc[0]["option"])
    return 100 * credit[:, i].sum() / len(ranks)


def _syrians() -> tuple[float, float]:
    return float(ch3.peak(ch3.SYRIANS)["people"]), float(ch3.latest(ch3.SYRIANS)["people"])


def _russian_pipeline_latest() -> pd.Series:
    return indicator_series()["russian_pipeline"].iloc[-1]


FACTS = {
    # the scorecard by hand
    "ex_score": lambda: float(weighted_scores(EX_WEIGHTS).set_index("option").loc[EX_OPTION, "score"]),
    "ex_raw_sum": lambda: float(sum(EX_WEIGHTS[c] * _ex_row()[c] for c in CRITERIA)),
    "ex_by_five": lambda: float(sum(EX_WEIGHTS[c] * _ex_row()[c] for c in CRITERIA)) / len(CRITERIA),
    "ex_plain_mean": lambda: float(_ex_row().mean()),
    "equal_top_score": lambda: round(float(weighted_scores().iloc[0]["score"]), 2),
    "equal_winner": lambda: weighted_scores().iloc[0]["label"],
    "equal_last": lambda: weighted_scores().iloc[-1]["label"],
    "second_place": _second_place,
    # sensitivity
    "settings_total": lambda: int(first_place()["settings"].iloc[0]),
    "first_count": lambda: int(_first("first")),
    "first_share": lambda: _first("share"),
    "first_share_with_zero": lambda: 100 * _first("first") / (_first("settings") + 1),
    "first_share_split": _first_share_split,
    "accession_first": lambda: int(_first("first", "accession_revival")),
    "ankara_weight_for_di": lambda: weight_to_win("defence_industrial", "ankara_feasibility"),
    "map_cells": lambda: len(MAP_LEVELS) ** 2,
    # chapter 4's defence exports: one measure
    "exports_factor": lambda: ch4.export_value(2024, "tim_goods") / ch4.export_value(2014, "tim_goods"),
    "exports_mixed": lambda: ch4.export_value(2024, "ssb_headline") / ch4.export_value(2014, "tim_goods"),
    "exports_inverse": lambda: ch4.export_value(2014, "tim_goods") / ch4.export_value(2024, "tim_goods"),
    "exports_growth_pct": lambda: ch4.export_growth(2014, 2024, "tim_goods"),
    "exports_tim_2024": lambda: ch4.export_value(2024, "tim_goods") / 1000,
    "exports_ssb_2024": lambda: ch4.export_value(2024, "ssb_headline") / 1000,
    # chapter 3's Syrians under temporary protection
    "syrians_peak": lambda: int(_syrians()[0]),
    "syrians_peak_date": lambda: str(ch3.peak(ch3.SYRIANS)["as_of"]),
    "syrians_latest": lambda: int(_syrians()[1]),
    "syrians_latest_date": lambda: str(ch3.latest(ch3.SYRIANS)["as_of"]),
    "syrians_fall": lambda: 100 * (_syrians()[0] - _syrians()[1]) / _syrians()[0],
    "syrians_fall_vs_latest": lambda: 100 * (_syrians()[0] - _syrians()[1]) / _syrians()[1],
    "syrians_latest_share": lambda: 100 * _syrians()[1] / _syrians()[0],
    "syrians_fall_fraction": lambda: (_syrians()[0] - _syrians()[1]) / _syrians()[0],
    # the timeline and the indicators
    "safe_order": order_of,
    "pipeline_year": lambda: int(_russian_pipeline_latest()["year"]),
    "pipeline_bcm": lambda: float(_russian_pipeline_latest()["value"]),
    "indicator_count": lambda: len(INDICATORS),
}
