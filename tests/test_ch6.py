"""Chapter 6: the policy-options scorecard, its sensitivity analysis (the ranking explorer and the winner map),
the scenario indicators and the facts the content file names. Expected values are recomputed here from the
datasets with plain pandas; nothing here restates a question's answer."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit import load
from coursekit.chapters import ch3, ch4, ch6
from coursekit.charts import clean_spec

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
WINNERS = ch6.winner_explorer()
CONTROLS = ["security", "eu", "ankara", "cost", "values"]


@given(st.fixed_dictionaries({c: control_values for c in CONTROLS}))
@settings(max_examples=200, deadline=None)
def test_the_explorer_never_raises_and_stays_in_bounds(values):
    frame = EXPLORER.compute(**values)
    assert frame["score"].between(1, 5).all() and len(frame) == 6
    assert frame["first"].any() and frame["note"].iloc[0]


@given(st.fixed_dictionaries({c: control_values for c in CONTROLS}))
@settings(max_examples=25, deadline=None)
def test_the_explorer_draws_any_control_values(values):
    assert EXPLORER.spec(**values)["layer"]


@given(st.one_of(st.sampled_from([ch6._pair_id(p) for p in ch6.PAIRS]), st.text(max_size=8), st.none(),
                 st.integers()), control_values)
@settings(max_examples=100, deadline=None)
def test_the_winner_explorer_never_raises(pair, others):
    frame = WINNERS.compute(pair=pair, others=others)
    assert len(frame) == len(ch6.MAP_LEVELS) ** 2
    assert frame["legend"].notna().all()
    bundle, status = WINNERS.render(pair=pair, others=others)
    assert "could not be drawn" not in status



# -- the ranking explorer --------------------------------------------------------------------

def test_explorer_grid_is_small_complete_and_lean():
    grid = EXPLORER.grid()
    states = grid[[f"ctl_{c}" for c in CONTROLS]].drop_duplicates()
    assert len(states) == 3 ** 5 and len(grid) == len(states) * 6
    assert set(grid.columns) == {"label", "score", "bar_label", "first", "note", *(f"ctl_{c}" for c in CONTROLS)}
    assert (grid.groupby([f"ctl_{c}" for c in CONTROLS])["note"].apply(lambda s: (s != "").sum()) == 1).all(), \
        "the note is written once per state"
    spec = EXPLORER.static_chart().to_dict()
    assert len(spec["params"]) == 5 and all("bind" in p for p in spec["params"])


def test_explorer_matches_the_model():
    weights = {"security": 2, "eu": 0, "ankara": 1, "cost": 1, "values": 0}
    frame = EXPLORER.compute(**weights).set_index("label")["score"]
    expected = plain_weighted({"security_benefit": 2, "eu_feasibility": 0, "ankara_feasibility": 1, "cost": 1,
                               "values": 0})
    for option, value in expected.items():
        assert frame[ch6.SHORT_LABELS[option]] == pytest.approx(value, abs=1e-3)


def test_every_control_changes_the_chart():
    base = EXPLORER.compute()["score"].to_numpy()
    for c in CONTROLS:
        changed = [not np.allclose(EXPLORER.compute(**{c: v})["score"].to_numpy(), base) for v in (0, 2)]
        assert any(changed), f"moving {c} changes nothing"


def test_explorer_unknown_control_is_refused():
    with pytest.raises(TypeError, match="unknown control"):
        EXPLORER.compute(popularity=2)
    with pytest.raises(TypeError, match="unknown control"):
        WINNERS.compute(weights=2)


# -- which option wins under which weights -------------------------------------------------------------

def brute_winner(weights: dict) -> set[str]:
    s = plain_weighted(weights)
    return set(s[s >= s.max() - 1e-9].index)


@pytest.mark.parametrize("pair", ch6.PAIRS[:4])
@pytest.mark.parametrize("others", [0, 1, 2])
def test_winner_map_matches_a_brute_force_loop(pair, others):
    frame = ch6.winner_map(pair, others)
    assert len(frame) == 81 and sorted(set(frame["x"])) == list(ch6.MAP_LEVELS)
    by_code = {v: k for k, v in ch6.CODES.items()}
    for row in frame.itertuples():
        weights = {c: others for c in CRITERIA}
        weights[pair[0]], weights[pair[1]] = row.x, row.y
        code = row.legend.split(":")[0]
        if sum(weights.values()) == 0:
            assert code == ch6.NONE_CODE
            continue
        winners = brute_winner(weights)
        if len(winners) > 1:
            assert code == ch6.TIE_CODE and all(ch6.SHORT_LABELS[o] in row.tied for o in winners)
        else:
            assert by_code[code] in winners and row.tied == ""
    equal = frame[frame["equal"]]
    assert len(equal) == (1 if others in (1, 2) else 0)
    if len(equal):
        assert equal.iloc[0]["x"] == equal.iloc[0]["y"] == others


def test_winner_map_accepts_names_and_ids_and_refuses_nonsense():
    by_id = ch6.winner_map("security-ankara", 1)
    by_name = ch6.winner_map(("Security", "Feasibility in Ankara"), 1)
    pd.testing.assert_frame_equal(by_id, by_name)
    assert by_id.attrs["pair"] == ch6.DEFAULT_PAIR
    for bad, message in [("security-popularity", "unknown pair"), (("security", "security"), "two different"),
                         (("security", "popularity"), "unknown criterion"), (3, "two criteria"),
                         (("a", "b", "c"), "two criteria")]:
        with pytest.raises(ValueError, match=message):
            ch6.winner_map(bad, 1)
    for bad in [-1, float("nan"), float("inf"), "x", None]:
        with pytest.raises(ValueError, match="cannot use it"):
            ch6.winner_map(ch6.DEFAULT_PAIR, bad)
    with pytest.raises(ValueError):
        ch6.winner_map(ch6.DEFAULT_PAIR, 1, levels=[])
    with pytest.raises(ValueError):
        ch6.winner_map(ch6.DEFAULT_PAIR, 1, levels=5)


def test_winner_map_uses_rescored_tables():
    mine = ch6.score_table()
    mine.loc["accession_revival"] = 5
    frame = ch6.winner_map(ch6.DEFAULT_PAIR, 1, scores=mine)
    assert (frame.loc[frame["legend"] != frame["legend"].iloc[0], "legend"].str.startswith("AR")).all()
    assert frame["legend"].iloc[1:].str.startswith("AR").all()


def test_weight_to_win_matches_the_map_and_says_never():
    w = ch6.weight_to_win("defence_industrial", "ankara_feasibility", others=1)
    assert w is not None
    for level in ch6.MAP_LEVELS:
        weights = {c: 1 for c in CRITERIA}
        weights["ankara_feasibility"] = level
        assert ("defence_industrial" in brute_winner(weights)) == (level >= w), level
    assert ch6.weight_to_win("accession_revival", "security_benefit") is None
    with pytest.raises(ValueError, match="unknown option"):
        ch6.weight_to_win("nuclear_sharing", "security")
    with pytest.raises(ValueError, match="unknown criterion"):
        ch6.weight_to_win("black_sea", "popularity")


def test_winner_explorer_grid_and_controls():
    grid = WINNERS.grid()
    states = grid[["ctl_pair", "ctl_others"]].drop_duplicates()
    assert len(states) == len(ch6.PAIRS) * 3 and len(grid) == len(states) * 81
    spec = WINNERS.static_chart().to_dict()
    assert {p["name"] for p in spec["params"]} == {"p_pair", "p_others"} and all("bind" in p for p in spec["params"])
    assert len(json.dumps(clean_spec(spec))) < 450_000, "the book's precomputed grid stays light"
    moved = [WINNERS.compute(pair=p, others=1)["legend"].tolist() for p in ("security-ankara", "cost-values")]
    assert moved[0] != moved[1], "choosing another pair changes the map"
    assert WINNERS.compute(others=0)["legend"].tolist() != WINNERS.compute(others=2)["legend"].tolist()


def test_the_map_shows_every_winner_in_its_legend():
    spec = WINNERS.static_chart().to_dict()
    domain = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert set(WINNERS.grid()["legend"]) <= set(domain)
    assert len(set(spec["layer"][0]["encoding"]["color"]["scale"]["range"])) == len(domain), "one colour per entry"


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



def test_defence_industrial_wins_only_where_ankaras_priorities_dominate():
    """The chapter says: it ranks first only where security and Ankara's feasibility outweigh EU feasibility and values."""
    table = wide_scores()
    found = 0
    for combo in itertools.product((0, 1, 2), repeat=5):
        if not any(combo):
            continue
        w = dict(zip(CRITERIA, combo, strict=True))
        if "defence_industrial" in brute_winner(w):
            found += 1
            assert w["security_benefit"] + w["ankara_feasibility"] > w["eu_feasibility"] + w["values"], w
    assert found > 0 and table.loc["defence_industrial", "ankara_feasibility"] == table["ankara_feasibility"].max()


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
    assert "Council of the European Union" in ch6.evidence_table("defence_industrial")._repr_html_()
    with pytest.raises(ValueError, match="unknown option"):
        ch6.evidence_table("nuclear_sharing")


# -- scenario indicators: chapters 3 and 4 compute, chapter 6 reads -------------------------------------

def test_indicators_match_independent_computations():
    series = ch6.indicator_series()
    assert set(series) == set(ch6.INDICATORS)
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


def test_refugee_and_export_figures_come_from_chapters_3_and_4(monkeypatch):
    """Chapter 6 calls the chapter 3 and 4 functions instead of re-implementing them."""
    real_population, real_value = ch3.population, ch4.export_value

    def population(name=ch3.SYRIANS):
        rows = real_population(name)
        rows["people"] = rows["people"] * 2
        return rows

    monkeypatch.setattr(ch3, "population", population)
    monkeypatch.setattr(ch4, "export_value", lambda year, measure: 10.0 * real_value(year, measure))
    ch6._indicators.cache_clear()
    try:
        doubled = ch6.indicator_series()["syrians"]
        syr = real_population(ch3.SYRIANS)
        assert doubled["value"].iloc[-1] == pytest.approx(2 * syr.iloc[-1]["people"] / 1e6)
        assert ch6.FACTS["exports_tim_2024"]() == pytest.approx(10 * real_value(2024, "tim_goods") / 1000)
    finally:
        ch6._indicators.cache_clear()


def test_indicator_inputs_are_only_read():
    before = load("refugees_turkiye").copy()
    ch6.indicator_series()
    pd.testing.assert_frame_equal(before, load("refugees_turkiye"))


def test_indicator_series_bad_input_and_table():
    with pytest.raises(TypeError, match="year"):
        ch6.indicator_series("2021")
    html = ch6.indicator_table()._repr_html_()
    assert html.count("<tr>") == len(ch6.INDICATORS) + 1 and "Source:" in html


# -- the facts the content file names --------------------------------------------------------------------

def test_every_fact_computes():
    for name, fact in ch6.FACTS.items():
        value = fact()
        assert value is not None and value == value, name  # not None, not NaN


def test_score_facts_match_plain_pandas():
    weights = ch6.EX_WEIGHTS
    row = wide_scores().loc[ch6.EX_OPTION]
    assert ch6.FACTS["ex_score"]() == pytest.approx(sum(weights[c] * row[c] for c in CRITERIA) / sum(weights.values()))
    equal = plain_weighted({c: 1 for c in CRITERIA}).sort_values(ascending=False)
    assert ch6.FACTS["equal_top_score"]() == pytest.approx(equal.iloc[0], abs=0.005)
    second = sorted(set(equal.round(9)), reverse=True)[1]
    assert set(ch6.FACTS["second_place"]()) == {ch6.SHORT_LABELS[o] for o in equal[np.isclose(equal, second)].index}
    counts, n = independent_first_counts()
    assert ch6.FACTS["first_share"]() == pytest.approx(100 * counts[equal.index[0]] / n)
    assert ch6.FACTS["settings_total"]() == n and ch6.FACTS["accession_first"]() == counts["accession_revival"]


def test_data_facts_match_plain_pandas():
    exp = load("turkiye_defence_exports")
    tim = exp[exp["measure"] == "tim_goods"].set_index("year")["exports_usd_million"]
    assert ch6.FACTS["exports_factor"]() == pytest.approx(tim[2024] / tim[2014])
    ref = load("refugees_turkiye")
    syr = ref[ref["population"] == "Syrians under temporary protection"]
    peak, latest = syr["people"].max(), syr.sort_values("as_of")["people"].iloc[-1]
    assert ch6.FACTS["syrians_fall"]() == pytest.approx(100 * (peak - latest) / peak)
    assert ch6.FACTS["syrians_peak"]() == peak and ch6.FACTS["syrians_latest"]() == latest


def test_safe_events_are_in_the_timeline_in_date_order():
    tl = load("timeline").set_index("title")
    order = ch6.FACTS["safe_order"]()
    assert sorted(order) == sorted(ch6.SAFE_EVENTS)
    dates = [tl.loc[t, "date"] for t in order]
    assert dates == sorted(dates) and all(len(d) == 10 for d in dates)
    with pytest.raises(KeyError):
        ch6.order_of(("An event that never happened",))


def test_the_restored_cost_score_is_sourced_to_the_regulation():
    df = load("policy_options")
    row = df[(df["option"] == "defence_industrial") & (df["criterion"] == "cost")]
    assert len(row) == 1
    src = {s["id"]: s for s in load("policy_options").attrs["sources"]}[row["source"].iloc[0]]
    assert src["publisher"] == "Council of the European Union" and "eur-lex.europa.eu" in src["path"]
