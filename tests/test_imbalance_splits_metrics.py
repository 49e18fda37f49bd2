"""IR (Eq. 1-2), deterministic splits, metrics against hand-computed confusion matrices."""

import numpy as np
import pandas as pd
import pytest

from poisonbench import imbalance, metrics, splits
from poisonbench.errors import DataError


def test_imbalance_ratio_and_decision():
    y = pd.Series(["a"] * 80 + ["b"] * 20)
    assert imbalance.imbalance_ratio(y) == 4.0  # the paper's Fig. 1 example: IR = 4
    prof = imbalance.profile(y, threshold=1.5)
    assert prof["majority"] == "a" and prof["minority"] == "b"
    assert prof["balanced"] is False
    assert imbalance.profile(pd.Series(["a"] * 52 + ["b"] * 48), 1.5)["balanced"] is True
    with pytest.raises(DataError, match="two classes"):
        imbalance.imbalance_ratio(pd.Series(["a", "a"]))


def test_train_fraction_is_in_range_and_deterministic():
    fractions = [splits.train_fraction(7, s, 0.65, 0.80) for s in range(50)]
    assert all(0.65 <= f <= 0.80 for f in fractions)
    assert fractions == [splits.train_fraction(7, s, 0.65, 0.80) for s in range(50)]
    assert len(set(fractions)) > 40
    assert splits.train_fraction(8, 0) != splits.train_fraction(7, 0)


def test_split_is_stratified_deterministic_and_disjoint():
    y = np.array([0] * 90 + [1] * 10)
    tr1, te1 = splits.train_test_indices(y, 0.7, random_state=3)
    tr2, te2 = splits.train_test_indices(y, 0.7, random_state=3)
    tr3, _ = splits.train_test_indices(y, 0.7, random_state=4)
    assert np.array_equal(tr1, tr2) and np.array_equal(te1, te2)
    assert not np.array_equal(tr1, tr3)
    assert len(tr1) == 70 and len(te1) == 30
    assert set(tr1).isdisjoint(te1)
    assert y[tr1].sum() == 7 and y[te1].sum() == 3


def test_derived_seeds_depend_on_every_key():
    a = splits.derive_seed(1, "split", "adult", "none", "none", 0)
    assert a == splits.derive_seed(1, "split", "adult", "none", "none", 0)
    assert a != splits.derive_seed(1, "split", "adult", "none", "none", 1)
    assert a != splits.derive_seed(1, "split", "stroke", "none", "none", 0)
    assert 0 <= a < 2**31


def test_kfold_covers_every_row_once_and_refuses_tiny_minority():
    y = np.array([0] * 30 + [1] * 10)
    tests = [te for _, te in splits.kfold_indices(y, 5, random_state=0)]
    assert sorted(np.concatenate(tests).tolist()) == list(range(40))
    assert all(y[te].sum() == 2 for te in tests)
    with pytest.raises(DataError, match="minority class has 3 rows, fewer than the 5"):
        list(splits.kfold_indices(np.array([0] * 30 + [1] * 3), 5, 0))


def test_metrics_match_a_hand_computed_confusion_matrix():
    # TN=5, FP=1, FN=2, TP=2
    y_true = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
    y_pred = np.array([0, 0, 0, 0, 0, 1, 0, 0, 1, 1])
    m = metrics.score(y_true, y_pred, y_score=y_pred.astype(float))
    assert m["confusion_matrix"] == [[5, 1], [2, 2]]
    assert m["accuracy"] == pytest.approx(7 / 10)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 4)
    assert m["f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert m["balanced_accuracy"] == pytest.approx((5 / 6 + 2 / 4) / 2)
    mcc = (2 * 5 - 1 * 2) / np.sqrt((2 + 1) * (2 + 2) * (5 + 1) * (5 + 2))
    assert m["mcc"] == pytest.approx(mcc)
    assert m["per_class"]["negative"]["precision"] == pytest.approx(5 / 7)
    assert m["per_class"]["negative"]["recall"] == pytest.approx(5 / 6)
    assert m["roc_auc"] == pytest.approx((5 / 6 + 2 / 4) / 2)


def test_metrics_survive_a_single_class_test_set():
    m = metrics.score(np.array([0, 0, 0]), np.array([0, 0, 0]), np.array([0.1, 0.2, 0.3]))
    assert m["accuracy"] == 1.0 and m["roc_auc"] is None
    assert m["confusion_matrix"] == [[3, 0], [0, 0]]
