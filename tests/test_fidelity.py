"""Fidelity of synthetic minority rows: per-column distances and a real-vs-synthetic AUC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from poisonbench.errors import DataError
from poisonbench.features import ORIGIN
from poisonbench.fidelity import (
    SEPARABLE_AUC,
    added_rows_mask,
    fidelity_from_augmented,
    fidelity_report,
    ks_distance,
    tv_distance,
)

TARGET = "y"


def minority_rows(n: int = 200, seed: int = 0, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.integers(40, 80, n).astype(np.int64) + int(shift * 10),
        "glucose": rng.normal(100 + shift * 30, 15, n),
        "smokes": rng.choice(["never", "former", "yes"], n, p=[0.5, 0.3, 0.2]),
        "sex": rng.choice(["F", "M"], n),
        TARGET: "1",
    })


def test_distances_known_values():
    assert ks_distance(pd.Series(range(10)), pd.Series(range(10, 20))) == 1.0
    assert ks_distance(pd.Series([1.0, 2.0, 3.0]), pd.Series([3.0, 1.0, 2.0])) == 0.0
    assert ks_distance(pd.Series([1, 2, 3, 4]), pd.Series([3, 4, 5, 6])) == 0.5
    assert tv_distance(pd.Series(list("aabb")), pd.Series(list("aaaa"))) == 0.5
    assert tv_distance(pd.Series(list("ab")), pd.Series(list("cd"))) == 1.0
    assert tv_distance(pd.Series(list("abc")), pd.Series(list("cab"))) == 0.0


def test_a_copy_of_the_real_rows_is_indistinguishable():
    real = minority_rows()
    report = fidelity_report(real, real.copy(), TARGET, random_state=0)
    assert set(report["columns"]) == {"age", "glucose", "smokes", "sex"}
    assert all(c["distance"] == 0.0 for c in report["columns"].values())
    assert report["columns"]["age"]["metric"] == "ks"
    assert report["columns"]["smokes"]["metric"] == "tv"
    assert report["mean_distance"] == 0.0
    assert report["exact_copy_share"] == 1.0
    assert report["auc"] == pytest.approx(0.5, abs=0.05)
    assert report["separable"] is False


def test_an_independent_sample_of_the_same_distribution_is_not_separable():
    report = fidelity_report(minority_rows(seed=0), minority_rows(seed=1), TARGET, 0)
    assert 0.0 < report["mean_distance"] < 0.15
    assert report["exact_copies"] == 0
    assert 0.35 < report["auc"] < 0.65
    assert not report["separable"]


def test_shifted_synthetic_rows_are_separable():
    real = minority_rows(seed=0)
    fake = minority_rows(seed=1, shift=2.0)
    fake["smokes"] = "never"
    report = fidelity_report(real, fake, TARGET, 0)
    assert report["auc"] > 0.95 and report["auc"] > SEPARABLE_AUC
    assert report["separable"] is True
    assert report["columns"]["glucose"]["distance"] > 0.9
    assert report["columns"]["smokes"]["distance"] == pytest.approx(
        1 - (real["smokes"] == "never").mean())
    assert report["worst_column"] in ("age", "glucose")


def test_report_is_deterministic_and_caps_rows():
    real, fake = minority_rows(300, seed=0), minority_rows(300, seed=3, shift=0.3)
    a = fidelity_report(real, fake, TARGET, 4, max_rows=100, n_estimators=50)
    b = fidelity_report(real, fake, TARGET, 4, max_rows=100, n_estimators=50)
    assert a == b
    assert a["rows_real"] == 300  # distances use every row; only the forest is capped


def test_fidelity_from_augmented_uses_origin_and_minority_only():
    real = minority_rows(100, seed=0)
    real[ORIGIN] = np.arange(100, dtype=np.int64)
    majority = minority_rows(150, seed=9, shift=3.0).assign(**{TARGET: "0"})
    majority[ORIGIN] = np.arange(100, 250, dtype=np.int64)
    synthetic = minority_rows(120, seed=5, shift=3.0)  # far from the real minority
    synthetic[ORIGIN] = -1
    aug = pd.concat([real, majority, synthetic], ignore_index=True)
    report = fidelity_from_augmented(aug, TARGET, "1", 0)
    assert report["available"] is True
    assert (report["rows_real"], report["rows_synthetic"]) == (100, 120)
    assert report["auc"] > 0.95

    none = pd.concat([real, majority], ignore_index=True)
    assert fidelity_from_augmented(none, TARGET, "1", 0)["available"] is False


def test_random_oversampling_copies_count_as_added_rows():
    real = minority_rows(100, seed=0)
    real[ORIGIN] = np.arange(100, dtype=np.int64)
    copies = real.sample(150, replace=True, random_state=1)
    aug = pd.concat([real, copies], ignore_index=True)
    mask = added_rows_mask(aug)
    assert mask.tolist() == [False] * 100 + [True] * 150
    report = fidelity_from_augmented(aug, TARGET, "1", 0)
    assert report["exact_copy_share"] == 1.0
    assert report["synthetic_by_origin"] == 0
    assert report["auc"] == pytest.approx(0.5, abs=0.05)  # copies are grouped with their source


def test_fidelity_errors_name_the_problem():
    real = minority_rows(50)
    with pytest.raises(DataError, match="glucose"):
        fidelity_report(real, real.drop(columns=["glucose"]), TARGET, 0)
    with pytest.raises(DataError, match="at least 5"):
        fidelity_report(real, real.head(3), TARGET, 0)
    with pytest.raises(DataError, match=ORIGIN):
        fidelity_from_augmented(real, TARGET, "1", 0)
