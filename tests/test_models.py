"""The classifier factory: training-only preprocessing, hyperparameter selection, mixed NB."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from poisonbench import evaluate, models
from poisonbench.errors import ConfigError
from poisonbench.features import FeatureSpec
from poisonbench.naive_bayes import MixedNB


@pytest.fixture
def frame(small_frame):
    spec = FeatureSpec.from_frame(small_frame, "label", "yes")
    X, y = spec.xy(small_frame)
    return spec, X, y


def test_feature_spec_reads_types_from_dtypes(small_frame):
    small_frame["_origin"] = range(len(small_frame))
    spec = FeatureSpec.from_frame(small_frame, "label", "yes")
    assert spec.numeric == ("num_a", "num_b")
    assert spec.categorical == ("cat_a", "cat_b")
    X, y = spec.xy(small_frame)
    assert "_origin" not in X.columns and y.sum() == 10


def test_unknown_estimator_is_a_config_error():
    with pytest.raises(ConfigError, match=r"classifiers\.foo\.estimator must be one of"):
        models.ClassifierSpec.from_config("foo", {"estimator": "xgboost"})


def test_rf_selection_uses_oob_and_records_every_candidate(frame):
    spec, X, y = frame
    clf = models.ClassifierSpec("rf", "random_forest", {},
                                {"n_estimators": [10, 30], "max_features": ["sqrt", 1.0]})
    model, sel = models.fit_select(clf, spec, X, y, random_state=0)
    assert sel["method"] == "oob"
    assert len(sel["candidates"]) == 4
    best = max(c["oob_accuracy"] for c in sel["candidates"])
    assert sel["chosen"] in [c["params"] for c in sel["candidates"]
                             if c["oob_accuracy"] == best]
    assert model.named_steps["model"].n_estimators == sel["chosen"]["n_estimators"]


@pytest.mark.parametrize("estimator", ["decision_tree", "svm", "logistic_regression",
                                       "naive_bayes"])
def test_other_estimators_fit_predict_and_handle_unseen_categories(frame, estimator):
    spec, X, y = frame
    clf = models.ClassifierSpec(estimator, estimator)
    model, sel = models.fit_select(clf, spec, X, y, random_state=0)
    X_new = X.copy()
    X_new.loc[0, "cat_a"] = "never-seen"
    pred = model.predict(X_new)
    assert set(pred) <= {0, 1}
    assert sel["method"] == "fixed"
    if estimator != "svm":
        assert models.positive_scores(model, X_new).shape == (len(X),)


def test_cv_selection_for_non_forest_models(frame):
    spec, X, y = frame
    clf = models.ClassifierSpec("dt", "decision_tree", {}, {"max_depth": [1, 3]})
    _, sel = models.fit_select(clf, spec, X, y, random_state=0)
    assert sel["method"] == "cv3" and sel["chosen"]["max_depth"] in (1, 3)
    assert len(sel["candidates"]) == 2


def test_preprocessing_is_fitted_on_the_training_rows_only(frame):
    spec, X, y = frame
    clf = models.ClassifierSpec("lr", "logistic_regression")
    model, _ = models.fit_select(clf, spec, X.iloc[:20], y[:20], random_state=0)
    scaler = model.named_steps["encode"].named_transformers_["num"]
    assert scaler.mean_[0] == pytest.approx(X["num_a"].iloc[:20].mean())


def test_mixed_naive_bayes_matches_a_hand_computation():
    X = pd.DataFrame({"x": [0.0, 2.0, 4.0, 6.0], "c": ["a", "a", "b", "b"]})
    y = np.array([0, 0, 1, 1])
    nb = MixedNB(numeric=["x"], categorical=["c"], alpha=1.0, var_smoothing=0.0).fit(X, y)
    # class 0: x ~ N(1, 1), P(c=a|0) = (2+1)/(2+2+1) = 0.6; class 1: x ~ N(5, 1), P(a|1) = 0.2
    q = pd.DataFrame({"x": [3.0], "c": ["a"]})
    l0 = 0.5 * norm.pdf(3, 1, 1) * 0.6
    l1 = 0.5 * norm.pdf(3, 5, 1) * 0.2
    assert nb.predict_proba(q)[0, 0] == pytest.approx(l0 / (l0 + l1))
    assert nb.predict(q)[0] == 0
    # an unseen category gets the smoothing mass alpha / (n_c + k + alpha) = 1/5 in each class
    unseen = pd.DataFrame({"x": [3.0], "c": ["zzz"]})
    assert nb.predict_proba(unseen)[0, 0] == pytest.approx(0.5)


def test_run_split_record_is_complete_and_deterministic(small_frame):
    spec = FeatureSpec.from_frame(small_frame, "label", "yes")
    clf = models.ClassifierSpec("rf", "random_forest", {"n_estimators": 10})
    key = evaluate.RunKey("toy", "none", "none", "rf")
    r1 = evaluate.run_split(small_frame, spec, clf, key, seed=0, base_seed=1,
                            fraction_range=(0.65, 0.8))
    r2 = evaluate.run_split(small_frame, spec, clf, key, seed=0, base_seed=1,
                            fraction_range=(0.65, 0.8))
    r1.pop("timing"), r2.pop("timing")
    assert r1 == r2
    rows = r1["rows"]
    assert rows["train"] + rows["test"] == rows["total"] == 40
    assert rows["per_class"]["test"]["yes"] + rows["per_class"]["train"]["yes"] == 10
    assert 0.65 <= r1["params"]["train_fraction"] <= 0.80
    cm = np.array(r1["metrics"]["confusion_matrix"])
    assert cm.sum() == rows["test"]
    assert r1["metrics"]["accuracy"] == pytest.approx(np.trace(cm) / cm.sum())


def test_rbf_svm_switches_to_a_kernel_approximation_on_large_data():
    from poisonbench.svm import RBFSVM

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] ** 2 + X[:, 1] ** 2 > 1.5).astype(int)  # not linearly separable
    exact = RBFSVM(C=10, max_exact_rows=1000, random_state=0).fit(X, y)
    approx = RBFSVM(C=10, max_exact_rows=100, n_components=200, random_state=0).fit(X, y)
    assert exact.solver_ == "exact" and approx.solver_ == "nystroem"
    # both learn the circle, which a linear model cannot
    assert (exact.predict(X) == y).mean() > 0.9
    assert (approx.predict(X) == y).mean() > 0.9
    assert approx.decision_function(X).shape == (400,)


def test_grid_search_can_run_on_a_training_subsample(frame):
    spec, X, y = frame
    clf = models.ClassifierSpec("lr", "logistic_regression", {}, {"C": [0.1, 1.0]},
                                search_max_rows=20)
    model, sel = models.fit_select(clf, spec, X, y, random_state=0)
    assert sel["search_rows"] == 20
    # the chosen model is refitted on every training row
    assert model.named_steps["encode"].named_transformers_["num"].n_samples_seen_ == len(X)
