"""Table 1 patterns and Problem 1, on a frame small enough to compute by hand, then on the real
data poisoned by the paper recipe."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from poisonbench import patterns, poison
from poisonbench.features import ORIGIN

ROOT = Path(__file__).resolve().parents[1]


def H(*p: float) -> float:
    return -sum(x * math.log(x) for x in p if x > 0)


@pytest.fixture
def real() -> pd.DataFrame:
    return pd.DataFrame({
        "x": np.array([1, 2, 3, 4, 5, 6], dtype=np.int64),
        "z": [0.5, 1.5, 0.5, 1.5, 0.5, 1.5],
        "c": np.array(list("aabbcc"), dtype=object),
        "y": np.array(list("ppnnnn"), dtype=object),
        ORIGIN: np.arange(6, dtype=np.int64),
    })


@pytest.fixture
def poisoned() -> pd.DataFrame:
    """z dropped, x coarsened, c's "c" merged into "b", row 1 flipped, row 5 copied."""
    return pd.DataFrame({
        "x": np.array([2, 2, 4, 4, 4, 4, 4], dtype=np.int64),
        "c": np.array(list("aabbbbb"), dtype=object),
        "y": np.array(list("pnnnnnn"), dtype=object),
        ORIGIN: np.array([0, 1, 2, 3, 4, 5, 5], dtype=np.int64),
    })




def _rows(real, poisoned, provenance=None, target="y", positive="p"):
    return {r["metric"]: r for r in patterns.table1_patterns(real, poisoned, target, positive,
                                                             provenance)}


def test_table1_has_the_papers_ten_patterns_in_order(real, poisoned):
    rows = patterns.table1_patterns(real, poisoned, "y", "p", None)
    paper = pd.read_csv(ROOT / "resources" / "paper" / "table1_patterns.csv")
    assert [r["pattern"] for r in rows] == paper["pattern"].tolist()
    assert [r["paper_real"] for r in rows] == paper["real_data"].tolist()
    assert [r["paper_poisoned"] for r in rows] == paper["poisoned_data"].tolist()
    for r in rows:
        assert set(r) >= {"pattern", "metric", "real", "poisoned", "expected", "match"}
        assert r["expected"] in ("higher", "lower", "yes")
        assert isinstance(r["match"], bool)


def test_table1_values_computed_by_hand(real, poisoned):
    rows = _rows(real, poisoned)
    v = {m: (r["real"], r["poisoned"]) for m, r in rows.items()}
    assert v["imbalance_ratio"] == (2.0, 6.0)
    assert v["n_predictors"] == (3, 2)
    assert v["c_M/c_m"] == (2.0, 6.0)
    assert rows["c_M/c_m"]["poisoned_counts"] == {"c_M": 6, "c_m": 1, "majority": "n",
                                                  "minority": "p"}
    assert v["mean_domain_size"] == pytest.approx((11 / 3, 2.0))
    assert v["flipped_labels"] == (0, 1)  # no provenance: row-by-row comparison
    # shared-value mass (minority rows whose value the majority has): in D only z's values are
    # shared; in D' the one "p" row has x=2 and c="a", which the flipped row 1 also has
    assert v["mean_shared_value_mass"] == pytest.approx((1 / 3, 1.0))
    # KS(x) = 1/3 (at t = 4: 4/6 vs 1), TV(c) = 8/21
    assert v["mean_distance_to_D"] == pytest.approx((0.0, (1 / 3 + 8 / 21) / 2))
    r_real = 8 / math.sqrt(70)  # corr([1..6], [0,0,1,1,2,2]); in D' c is a function of x
    assert v["correlation_difference_frobenius"] == pytest.approx(
        (0.0, math.sqrt(2) * (1 - r_real)))
    h = H(1 / 3, 2 / 3)  # x and c determine y in D, z is independent of y
    assert v["mean_mutual_information"] == pytest.approx(
        (2 * h / 3, H(1 / 7, 6 / 7) - 2 / 7 * math.log(2)))
    assert v["mean_entropy"] == pytest.approx((math.log(36) / 3, H(2 / 7, 5 / 7)))
    match = {m: r["match"] for m, r in rows.items()}
    assert all(match.values()) and len(match) == 10
    # a pattern going the other way is reported as such: a D' with a richer x domain
    richer = _rows(real, poisoned.assign(x=np.arange(1, 8, dtype=np.int64)))
    assert richer["mean_domain_size"]["poisoned"] == (7 + 2) / 2
    assert not richer["mean_domain_size"]["match"]


def test_identical_data_matches_no_pattern(real):
    rows = _rows(real, real.copy())
    assert not any(r["match"] for r in rows.values())
    assert rows["flipped_labels"]["poisoned"] == 0
    assert rows["mean_distance_to_D"]["poisoned"] == 0
    assert rows["correlation_difference_frobenius"]["poisoned"] == 0


def test_flip_count_comes_from_provenance_and_nets_out_flip_backs(real, poisoned):
    prov = {"operators": [
        {"labels_flipped": {"positions": [1, 3], "old": ["p", "n"], "new": ["n", "p"]}},
        {"labels_flipped": {"positions": [3], "old": ["p"], "new": ["n"]}},
    ]}
    assert patterns.net_flips(prov) == 1
    assert _rows(real, poisoned, prov)["flipped_labels"]["poisoned"] == 1
    assert patterns.net_flips(None, real, poisoned, "y") == 1


def test_building_blocks():
    assert patterns.overlap_coefficient(np.array([0, 0, 1, 1]), np.array([1, 1, 1, 2])) == 0.5
    assert patterns.shared_value_mass(np.array([0, 0, 1]), np.array([1, 2])) == 1 / 3
    assert patterns.shared_value_mass(np.array(list("ab")), np.array(list("bab"))) == 1.0
    assert patterns.mutual_information(np.array([0, 0, 1, 1]), np.array(list("aabb"))) == (
        pytest.approx(math.log(2)))
    assert patterns.mutual_information(np.array([0, 1, 0, 1]), np.array(list("aabb"))) == (
        pytest.approx(0.0))
    assert patterns.feature_distance(pd.Series([1.0, 2.0]), pd.Series([3.0, 4.0])) == 1.0
    assert patterns.feature_distance(pd.Series(list("aab")), pd.Series(list("abb"))) == (
        pytest.approx(1 / 3))
    small = pd.DataFrame({"a": [1, 1, 2]})
    assert patterns.contained_share(small, pd.DataFrame({"a": [1, 2, 2]})) == 2 / 3
    assert patterns.contained_share(small, pd.DataFrame({"a": [2, 1, 1, 3]})) == 1.0


@pytest.mark.parametrize("dataset", ["adult", "stroke"])
def test_paper_recipe_moves_every_pattern_the_papers_way(dataset, adult_small, stroke_small):
    df, target, positive = ((adult_small, "income", ">50K") if dataset == "adult"
                            else (stroke_small, "stroke", "1"))
    out, prov = poison.apply_recipe(df, target, positive, poison.PAPER_RECIPE, 2024)
    rows = patterns.table1_patterns(df, out, target, positive, prov)
    assert [r["pattern"] for r in rows if not r["match"]] == []
    by = {r["metric"]: r for r in rows}
    assert by["flipped_labels"]["poisoned"] == prov["labels_flipped"]
    assert by["n_predictors"]["real"] - by["n_predictors"]["poisoned"] == 2
    assert by["imbalance_ratio"]["poisoned"] > 3 * by["imbalance_ratio"]["real"]


def test_problem1_on_a_schema_only_recipe(adult_small):
    steps = [{"op": "collapse_rare", "min_share": 0.05},
             {"op": "coarsen_domain", "bins": 5, "k": 1, "max_categories": 3},
             {"op": "drop_features", "k": 1, "by": "random"},
             {"op": "inject_duplicates", "rate": 0.2}]
    out, prov = poison.apply_recipe(adult_small, "income", ">50K", steps, 5)
    result = patterns.problem1(adult_small, out, "income", prov)
    a = result["a_subset"]
    assert len(a["dropped_predictors"]) == 1
    assert a["strict"]["share_rows"] < 0.1 and not a["strict"]["contained"]
    assert a["projected"]["share_rows"] == 1.0 and a["projected"]["contained_with_labels"]
    assert a["reconstructed"]["identical"] and a["reconstructed"]["contained_with_labels"]
    b = result["b_similar"]
    assert list(b["distance"]) == a["retained_predictors"]
    assert b["mean_distance"] == pytest.approx(np.mean(list(b["distance"].values())))
    assert 0 < b["mean_distance"] < 0.5
    assert result["c_accuracy"]["computed"] is False


def test_problem1_label_flips_break_containment_with_labels_only(adult_small):
    out, prov = poison.apply_recipe(adult_small, "income", ">50K",
                                    [{"op": "label_flip", "strategy": "random", "rate": 0.1}], 5)
    a = patterns.problem1(adult_small, out, "income", prov)["a_subset"]
    assert a["strict"]["share_rows"] == 1.0 and a["strict"]["contained"]
    assert a["strict"]["share_rows_with_labels"] == pytest.approx(0.9, abs=0.005)
    assert not a["strict"]["contained_with_labels"]
    assert a["reconstructed"]["identical"]
    assert patterns.problem1(adult_small, out, "income", prov)["b_similar"]["mean_distance"] == 0
