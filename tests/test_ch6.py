"""Chapter 6: the policy-options scorecard, its sensitivity analysis, the scenario indicators,
exercises and quiz. Expected values are recomputed here from the datasets with plain pandas."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit import check, load
from coursekit.chapters import ch6
from coursekit.exercises import exercise

CRITERIA = ["security_benefit", "eu_feasibility", "ankara_feasibility", "cost", "values"]


def wide_scores() -> pd.DataFrame:
    """The authors' scores pivoted with pandas alone (options x criteria)."""
    df = load("policy_options")
    return df.pivot(index="option", columns="criterion", values="score")[CRITERIA].astype(float)


def plain_weighted(weights: dict) -> pd.Series:
    """sum(w * s) / sum(w) per option, computed independently of the package."""
    w = pd.Series({c: float(weights.get(c, 0)) for c in CRITERIA})
    table = wide_scores()
    return (table * w).sum(axis=1) / w.sum()


# -- the dataset ------------------------------------------------------------------

def test_dataset_is_six_options_by_five_criteria_with_sources():
    df = load("policy_options")
    assert len(df) == 30
    assert set(df["criterion"]) == set(CRITERIA)
    assert df.groupby("option").size().eq(5).all()
    assert df["score"].between(1, 5).all()
    assert df["evidence"].str.len().gt(20).all() and df["source"].notna().all()
    assert "judgement" in load("policy_options").attrs["description"]


def test_score_table_matches_the_data():
    table = ch6.score_table()
    pd.testing.assert_frame_equal(table.astype(float), wide_scores().loc[list(ch6.OPTIONS)], check_names=False)
    assert list(table.columns) == CRITERIA
    assert table.dtypes.eq(int).all()


# -- validating scores --------------------------------------------------------------

def test_validate_scores_accepts_long_and_wide_forms():
    long = load("policy_options")
    pd.testing.assert_frame_equal(ch6.validate_scores(long), ch6.validate_scores(ch6.score_table()))


@pytest.mark.parametrize("bad", [[1, 2, 3], "scores", None, 4, {"a": 1}])
def test_validate_scores_refuses_non_tables(bad):
    with pytest.raises(TypeError, match="table"):
        ch6.validate_scores(bad)


@pytest.mark.parametrize("value, message", [(6, "from 1 to 5"), (0, "from 1 to 5"), ("high", "not a number"),
                                            (float("nan"), "not a number"), (True, "not a number"),
                                            (float("inf"), "not a number")])
def test_validate_scores_names_the_bad_cell(value, message):
    table = ch6.score_table().astype(object)
    table.loc["black_sea", "cost"] = value
    with pytest.raises(ValueError, match=message) as err:
        ch6.validate_scores(table)
    assert "black_sea" in str(err.value) and "cost" in str(err.value)


def test_validate_scores_other_problems():
    table = ch6.score_table()
    with pytest.raises(ValueError, match="no column for values"):
        ch6.validate_scores(table.drop(columns="values"))
    with pytest.raises(ValueError, match="no options"):
        ch6.validate_scores(table.iloc[0:0])
    with pytest.raises(ValueError, match="twice"):
        ch6.validate_scores(pd.concat([table, table.iloc[[0]]]))
    long = load("policy_options")
    long.loc[0, "criterion"] = "popularity"
    with pytest.raises(ValueError, match="unknown criterion 'popularity'"):
        ch6.validate_scores(long)
    dup = pd.concat([load("policy_options"), load("policy_options").iloc[[0]]])
    with pytest.raises(ValueError, match="scored twice"):
        ch6.validate_scores(dup)


def test_scores_as_numeric_text_are_accepted():
    table = ch6.score_table().astype(object)
    table.loc["black_sea", "cost"] = "4"
    assert ch6.validate_scores(table).loc["black_sea", "cost"] == 4.0


# -- weights ---------------------------------------------------------------------------

def test_clean_weights_forms():
    assert ch6.clean_weights(None) == ({c: 1.0 for c in CRITERIA}, [])
    w, notes = ch6.clean_weights({"security": 2, "Feasibility in the EU": "1", "values": 0})
    assert w == {"security_benefit": 2.0, "eu_feasibility": 1.0, "ankara_feasibility": 0.0, "cost": 0.0, "values": 0.0}
    assert notes == []
    w, _ = ch6.clean_weights([1, 2, 0, 0, 1])
    assert w["eu_feasibility"] == 2.0 and w["values"] == 1.0
    w, _ = ch6.clean_weights(pd.Series({"cost": 3}))
    assert w["cost"] == 3.0


@pytest.mark.parametrize("value", [-1, -0.5, "abc", None, float("nan"), float("inf"), -float("inf"), True, [1], object()])
def test_bad_weight_values_clamp_to_zero_with_a_note(value):
    w, notes = ch6.clean_weights({"security_benefit": value, "cost": 1})
    assert w["security_benefit"] == 0.0 and w["cost"] == 1.0
    assert len(notes) == 1 and "security_benefit" in notes[0] and "counts as 0" in notes[0]


def test_clean_weights_refuses_unknown_names_and_wrong_shapes():
    with pytest.raises(ValueError, match="unknown criterion 'popularity'"):
        ch6.clean_weights({"popularity": 2})
    with pytest.raises(ValueError, match="needs 5 numbers"):
        ch6.clean_weights([1, 2, 3])
    with pytest.raises(TypeError, match="not as text"):
        ch6.clean_weights("1,1,1,1,1")
    with pytest.raises(TypeError, match="dict or a list"):
        ch6.clean_weights(3)


# -- the model -------------------------------------------------------------------------

def test_equal_weights_are_the_plain_average():
    frame = ch6.weighted_scores().set_index("option")
    expected = wide_scores().mean(axis=1)
    for option, value in expected.items():
        assert frame.loc[option, "score"] == pytest.approx(value)
    assert frame["rank"].min() == 1
    assert list(ch6.weighted_scores()["score"]) == sorted(expected, reverse=True)


def test_weighted_scores_match_an_independent_computation():
    weights = {"security_benefit": 2, "eu_feasibility": 1, "ankara_feasibility": 1, "cost": 0, "values": 0}
    got = ch6.weighted_scores(weights).set_index("option")["score"]
    pd.testing.assert_series_equal(got.sort_index(), plain_weighted(weights).sort_index(), check_names=False)


def test_ties_share_a_rank_and_are_labelled():
    frame = ch6.weighted_scores()
    scores = plain_weighted({c: 1 for c in CRITERIA})
    second = scores.sort_values(ascending=False).iloc[1]
    tied = set(scores[np.isclose(scores, second)].index)
    if len(tied) > 1:
        rows = frame[frame["option"].isin(tied)]
        assert rows["rank"].nunique() == 1 and rows["tied"].all()
        assert rows["rank_label"].str.startswith("=").all()


def test_all_zero_weights_fall_back_to_equal_weights_with_a_message():
    zero = ch6.weighted_scores({c: 0 for c in CRITERIA})
    equal = ch6.weighted_scores()
    pd.testing.assert_series_equal(zero["score"], equal["score"])
    assert zero.attrs["fallback"] is True
    assert zero["note"].iloc[0] == ch6.ALL_ZERO_MESSAGE
    assert equal.attrs["fallback"] is False and "20%" in equal["note"].iloc[0]


def test_negative_weights_clamp_and_are_reported():
    frame = ch6.weighted_scores({"security_benefit": -3, "values": 1})
    only_values = ch6.weighted_scores({"values": 1})
    pd.testing.assert_series_equal(frame["score"], only_values["score"])
    assert "negative" in frame["note"].iloc[0]


def test_a_student_can_rescore_and_add_an_option():
    mine = ch6.score_table()
    mine.loc["structured_dialogue", "eu_feasibility"] = 2
    mine.loc["intelligence_compact"] = [4, 3, 3, 4, 3]
    frame = ch6.weighted_scores(scores=mine).set_index("option")
    assert frame.loc["structured_dialogue", "score"] == pytest.approx(mine.loc["structured_dialogue"].mean())
    assert frame.loc["intelligence_compact", "label"] == "intelligence_compact"
    assert len(frame) == 7
    assert ch6.score_table().loc["structured_dialogue", "eu_feasibility"] == wide_scores().loc[
        "structured_dialogue", "eu_feasibility"], "the dataset itself is untouched"


def test_the_narratives_claims_about_the_ranking_hold():
    """Statements made in the explorer description and the chapter text."""
    first = lambda w: ch6.weighted_scores(w).iloc[0]["option"]  # noqa: E731
    scores = plain_weighted({c: 1 for c in CRITERIA})
    assert first(None) == scores.idxmax()
    assert first({"security_benefit": 2, "ankara_feasibility": 2}) == "defence_industrial"
    assert first({"cost": 2, "eu_feasibility": 2}) == "status_quo"
    assert ch6.weighted_scores().iloc[-1]["option"] == "accession_revival"
    values_only = ch6.weighted_scores({"values": 1})
    assert set(values_only.loc[values_only["rank"] == 1, "option"]) == set(
        wide_scores()["values"][wide_scores()["values"] == wide_scores()["values"].max()].index)


def test_the_sensitivity_claims_in_the_text_hold():
    """'The dialogue wins under most weightings and has no very low score'; 'accession revival is never first,
    whatever the weights' (defence-industrial cooperation matches or beats it on every criterion)."""
    table = wide_scores()
    counts, n = independent_first_counts()
    assert counts["structured_dialogue"] / n > 0.5 and table.loc["structured_dialogue"].min() >= 3
    better, worse = table.loc["defence_industrial"], table.loc["accession_revival"]
    assert (better >= worse).all() and (better > worse).any(), "the text says defence-industrial dominates"


# -- property tests ----------------------------------------------------------------------

weird = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6),
                  st.text(max_size=5), st.none(), st.booleans(),
                  st.floats(min_value=0, max_value=1e308), st.floats(min_value=0, max_value=1e-300))


@given(st.lists(weird, min_size=5, max_size=5))
@settings(max_examples=300, deadline=None)
def test_no_weights_break_the_model_and_scores_stay_in_bounds(weights):
    frame = ch6.weighted_scores(weights)
    assert len(frame) == 6
    assert frame["score"].between(1, 5).all() and frame["score"].notna().all()
    assert frame["rank"].between(1, 6).all() and (frame["rank"] == 1).any()
    assert frame["note"].str.len().gt(0).all()
    assert list(frame["rank"]) == sorted(frame["rank"])


@given(st.lists(st.integers(0, 3), min_size=5, max_size=5).filter(any),
       st.floats(min_value=0.01, max_value=1000, allow_nan=False))
@settings(max_examples=300, deadline=None)
def test_scaling_all_weights_leaves_the_ranking_unchanged(weights, factor):
    a = ch6.weighted_scores(weights).set_index("option")
    b = ch6.weighted_scores([w * factor for w in weights]).set_index("option").loc[a.index]
    assert list(a["rank"]) == list(b["rank"])
    np.testing.assert_allclose(a["score"], b["score"], rtol=1e-12)


@given(st.lists(st.lists(st.integers(1, 5), min_size=5, max_size=5), min_size=1, max_size=8),
       st.lists(st.floats(min_value=0, max_value=100), min_size=5, max_size=5))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_score_table_gives_scores_between_its_min_and_max(rows, weights):
    table = pd.DataFrame(rows, columns=CRITERIA, index=[f"o{i}" for i in range(len(rows))])
    frame = ch6.weighted_scores(weights, scores=table).set_index("option")
    lo, hi = table.min(axis=1), table.max(axis=1)
    assert (frame["score"] >= lo[frame.index] - 1e-9).all() and (frame["score"] <= hi[frame.index] + 1e-9).all()


control_values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-100, 100),
                           st.text(max_size=4), st.none(), st.booleans())


EXPLORER = ch6.explorer()


@given(st.fixed_dictionaries({c: control_values for c in CRITERIA}))
@settings(max_examples=200, deadline=None)
def test_the_explorer_never_raises_and_stays_in_bounds(values):
    frame = EXPLORER.compute(**values)
    assert frame["score"].between(1, 5).all() and len(frame) == 6
    assert frame["rank"].between(1, 6).all()


@given(st.fixed_dictionaries({c: control_values for c in CRITERIA}))
@settings(max_examples=25, deadline=None)
def test_the_explorer_draws_any_control_values(values):
    assert EXPLORER.spec(**values)["layer"]


# -- the explorer ------------------------------------------------------------------------------

def test_explorer_grid_is_small_and_complete():
    e = ch6.explorer()
    grid = e.grid()
    states = grid[[f"ctl_{c}" for c in CRITERIA]].drop_duplicates()
    assert len(states) == 3 ** 5 < 600
    assert len(grid) == len(states) * 6 < 20_000
    spec = e.static_chart().to_dict()
    assert len(spec["params"]) == 5 and all("bind" in p for p in spec["params"])


def test_every_control_changes_the_chart():
    e = ch6.explorer()
    base = e.compute()["score"].to_numpy()
    for c in CRITERIA:
        changed = [not np.allclose(e.compute(**{c: v})["score"].to_numpy(), base) for v in (0, 2)]
        assert any(changed), f"moving {c} changes nothing"


def test_explorer_unknown_control_is_refused():
    with pytest.raises(TypeError, match="unknown control"):
        ch6.explorer().compute(popularity=2)


# -- sensitivity -----------------------------------------------------------------------------------

def independent_first_counts(levels=(0, 1, 2)):
    table = wide_scores()
    counts = dict.fromkeys(table.index, 0)
    n = 0
    for combo in itertools.product(levels, repeat=5):
        if sum(combo) == 0:
            continue
        n += 1
        s = (table * pd.Series(combo, index=CRITERIA)).sum(axis=1) / sum(combo)
        for option in s[s >= s.max() - 1e-9].index:
            counts[option] += 1
    return counts, n


def test_first_place_counts_match_a_brute_force_loop():
    counts, n = independent_first_counts()
    fp = ch6.first_place().set_index("option")
    assert n == 242 and (fp["settings"] == n).all()
    for option, k in counts.items():
        assert fp.loc[option, "first"] == k
        assert fp.loc[option, "share"] == pytest.approx(100 * k / n)
    assert list(fp["first"]) == sorted(fp["first"], reverse=True)


def test_rank_counts_add_up():
    rc = ch6.rank_counts()
    assert (rc.groupby("option")["settings"].sum() == 242).all()
    assert rc["share"].between(0, 100).all()
    assert set(rc["rank"]) == set(range(1, 7))


def test_weight_settings_and_bad_levels():
    assert len(ch6.weight_settings()) == 242
    assert len(ch6.weight_settings((0, 1))) == 31
    assert len(ch6.weight_settings((2, 0, 1, 1))) == 242, "duplicates and order do not matter"
    for bad in [(), (-1, 1), (0,), (0, float("nan")), ("a", "b"), None, tuple(range(7))]:
        with pytest.raises(ValueError):
            ch6.weight_settings(bad)


def test_sensitivity_accepts_rescored_tables():
    mine = ch6.score_table()
    mine.loc["accession_revival"] = 5
    fp = ch6.first_place(scores=mine).set_index("option")
    assert fp.loc["accession_revival", "share"] == 100


# -- figures and tables -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["scores_figure", "sensitivity_figure", "rank_figure", "indicator_figure"])
def test_figures_build_with_a_finding_a_description_and_a_source(name):
    fig = getattr(ch6, name)()
    assert fig.title and len(fig.description) > 80
    assert fig.source.startswith("Source:") and "not recorded" not in fig.source
    assert fig.spec


def test_sensitivity_figure_states_the_computed_numbers():
    counts, n = independent_first_counts()
    fig = ch6.sensitivity_figure()
    best = max(counts, key=counts.get)
    assert f"{counts[best]} (" in fig.description and str(n) in fig.description


def test_evidence_table():
    html = ch6.evidence_table()._repr_html_()
    assert html.count("<tr>") == 31 and "<caption>" in html and "Source:" in html
    assert ch6.evidence_table("black_sea")._repr_html_().count("<tr>") == 6
    with pytest.raises(ValueError, match="unknown option"):
        ch6.evidence_table("nuclear_sharing")


# -- scenario indicators ------------------------------------------------------------------------------

def test_indicators_match_independent_computations():
    series = ch6.indicator_series()
    nato = load("nato_defence_spending")
    tur = nato[nato["iso3"] == "TUR"]
    latest_year = tur["year"].max()
    latest = tur[tur["year"] == latest_year].sort_values("release")["pct_gdp"].iloc[-1]
    assert series["defence"].iloc[-1]["value"] == pytest.approx(latest)
    ref = load("refugees_turkiye")
    syr = ref[ref["population"] == "Syrians under temporary protection"].sort_values("as_of")
    assert series["syrians"].iloc[-1]["value"] == pytest.approx(syr["people"].iloc[-1] / 1e6)
    exp = load("turkiye_defence_exports")
    ssb = exp[exp["measure"] == "ssb_headline"].sort_values("year")
    assert series["exports"].iloc[-1]["value"] == pytest.approx(ssb["exports_usd_million"].iloc[-1] / 1000)
    trade = load("central_asia_trade")
    uzb = trade[(trade["iso3"] == "UZB") & (trade["year"] == series["uzbek_share"]["year"].iloc[0])]
    share = 100 * uzb.loc[uzb["partner"] == "Türkiye", "trade_usd_million"].iloc[0] / uzb.loc[
        uzb["partner"] == "Total", "trade_usd_million"].iloc[0]
    assert series["uzbek_share"]["value"].iloc[0] == pytest.approx(share)
    for frame in series.values():
        assert len(frame) >= 2 and frame["year"].min() >= ch6.SINCE and frame["year"].is_monotonic_increasing


def test_indicator_inputs_are_only_read():
    before = load("refugees_turkiye").copy()
    ch6.indicator_series()
    pd.testing.assert_frame_equal(before, load("refugees_turkiye"))


def test_indicator_series_bad_input_and_table():
    with pytest.raises(TypeError, match="year"):
        ch6.indicator_series("2021")
    html = ch6.indicator_table()._repr_html_()
    assert html.count("<tr>") == 7 and "Source:" in html


# -- exercises ------------------------------------------------------------------------------------------

def test_weighted_score_exercise():
    weights = {"security_benefit": 2, "eu_feasibility": 1, "ankara_feasibility": 1, "cost": 0, "values": 0}
    row = wide_scores().loc["defence_industrial"]
    expected = sum(weights[c] * row[c] for c in CRITERIA) / sum(weights.values())
    assert exercise("ch6-weighted-score").expected() == pytest.approx(expected)
    assert check("ch6-weighted-score", expected).correct
    raw = check("ch6-weighted-score", sum(weights[c] * row[c] for c in CRITERIA))
    assert not raw.correct and "weighted sum" in raw.message
    by5 = check("ch6-weighted-score", sum(weights[c] * row[c] for c in CRITERIA) / 5)
    assert not by5.correct and "number of criteria" in by5.message
    assert "plain average" in check("ch6-weighted-score", row.mean()).message
    assert check("ch6-weighted-score", "3,75").status == "invalid"
    assert check("ch6-weighted-score", ...).status == "missing"


def test_second_place_exercise():
    s = plain_weighted({c: 1 for c in CRITERIA})
    ordered = sorted(set(s.round(9)), reverse=True)
    expected = set(s[np.isclose(s, ordered[1])].index)
    assert set(exercise("ch6-second-place").expected()) == expected
    labels = [ch6.SHORT_LABELS[o] for o in expected]
    assert check("ch6-second-place", labels).correct
    assert check("ch6-second-place", list(expected)).correct
    first = s.idxmax()
    wrong = check("ch6-second-place", [first])
    assert not wrong.correct and "do not belong" in wrong.message


def test_first_share_exercise():
    counts, n = independent_first_counts()
    s = plain_weighted({c: 1 for c in CRITERIA})
    winner = s.idxmax()
    expected = 100 * counts[winner] / n
    assert exercise("ch6-first-share").expected() == pytest.approx(expected)
    assert check("ch6-first-share", round(expected, 1)).correct
    assert "number of settings" in check("ch6-first-share", counts[winner]).message
    assert "243" in check("ch6-first-share", 100 * counts[winner] / (n + 1)).message


def test_exports_growth_exercise():
    ex = load("turkiye_defence_exports")
    tim = ex[ex["measure"] == "tim_goods"].set_index("year")["exports_usd_million"]
    ssb = ex[ex["measure"] == "ssb_headline"].set_index("year")["exports_usd_million"]
    expected = tim[2024] / tim[2014]
    assert exercise("ch6-exports-growth").expected() == pytest.approx(expected)
    assert check("ch6-exports-growth", round(expected, 2)).correct
    assert "two different measures" in check("ch6-exports-growth", ssb[2024] / tim[2014]).message
    assert "earlier year" in check("ch6-exports-growth", tim[2014] / tim[2024]).message
    assert "percentage increase" in check("ch6-exports-growth", 100 * (expected - 1)).message


def test_syrians_fall_exercise():
    ref = load("refugees_turkiye")
    syr = ref[ref["population"] == "Syrians under temporary protection"]
    peak = syr["people"].max()
    latest = syr.sort_values("as_of")["people"].iloc[-1]
    expected = 100 * (peak - latest) / peak
    assert exercise("ch6-syrians-fall").expected() == pytest.approx(expected)
    assert check("ch6-syrians-fall", round(expected, 2)).correct
    assert check("ch6-syrians-fall", (peak - latest) / peak).status == "wrong"  # a share, not a percentage
    assert "factor of 100" in check("ch6-syrians-fall", (peak - latest) / peak).message
    assert "relative to the peak" in check("ch6-syrians-fall", 100 * (peak - latest) / latest).message


def test_scenario_choice_exercise():
    assert check("ch6-scenario-signal", "b").correct
    assert check("ch6-scenario-signal", "B").correct
    for wrong in "acd":
        fb = check("ch6-scenario-signal", wrong)
        assert not fb.correct and len(fb.message) > 40
    assert check("ch6-scenario-signal", "z").status == "invalid"
    assert check("ch6-scenario-signal", 2).status == "invalid"


# -- quiz ---------------------------------------------------------------------------------------------

def test_quiz_has_enough_questions_with_explanations():
    from coursekit.quiz import MultipleChoice

    q = ch6.quiz()
    assert len(q.questions) >= 5
    for question in q.questions:
        if isinstance(question, MultipleChoice):
            assert all(o.why for o in question.options)
        else:
            assert question.why
    html = q.to_html()
    assert html.count("<fieldset") == len(q.questions)


def test_quiz_numbers_come_from_the_data():
    from coursekit.quiz import Numeric

    numeric = [x for x in ch6.quiz().questions if isinstance(x, Numeric)]
    answers = {x.question.split("?")[0][:40]: x.answer for x in numeric}
    s = plain_weighted({c: 1 for c in CRITERIA})
    counts, _ = independent_first_counts()
    tl = load("timeline")
    flows = load("corridor_flows")
    rp = flows[flows["pipeline"].str.startswith("All Russian pipeline routes")].sort_values("year")
    expected = [round(s.max(), 2), counts["accession_revival"],
                int(tl.loc[tl["title"] == "Council declares talks at a standstill", "year"].iloc[0]),
                rp["flow_bcm"].iloc[-1]]
    assert sorted(answers.values()) == sorted(expected)
    q = numeric[0]
    assert q.grade(str(q.answer))[0] and not q.grade("abc")[0] and not q.grade(q.answer + 5)[0]
    assert not math.isnan(q.answer)
