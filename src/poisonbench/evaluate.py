"""Fit one classifier on one split (or k folds) of one dataset variant and build its record."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from poisonbench import __version__, audit, metrics, models, splits
from poisonbench.features import FeatureSpec

log = logging.getLogger(__name__)

RECORD_SCHEMA = "poisonbench.run/1"


@dataclass(frozen=True)
class RunKey:
    """The wildcards that identify a fitted model (minus the seed / fold count)."""

    dataset: str
    aug: str
    poison: str
    clf: str

    def split_seed(self, base_seed: int, seed: int) -> int:
        # independent of the classifier: every classifier sees the same split of a variant
        return splits.derive_seed(base_seed, "split", self.dataset, self.aug, self.poison, seed)

    def model_seed(self, base_seed: int, seed: int | str) -> int:
        return splits.derive_seed(base_seed, "model", self.dataset, self.aug, self.poison,
                                  self.clf, seed)


def versions() -> dict[str, str]:
    import sklearn

    return {"poisonbench": __version__, "scikit-learn": sklearn.__version__,
            "pandas": pd.__version__, "numpy": np.__version__}


def _class_counts(y: np.ndarray, labels: tuple[str, str]) -> dict[str, int]:
    return {labels[0]: int((y == 0).sum()), labels[1]: int((y == 1).sum())}


def fit_and_score(clf: models.ClassifierSpec, features: FeatureSpec, X_train: pd.DataFrame,
                  y_train: np.ndarray, X_test: pd.DataFrame, y_test: np.ndarray,
                  random_state: int, n_jobs: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    model, selection = models.fit_select(clf, features, X_train, y_train, random_state, n_jobs)
    t1 = time.perf_counter()
    y_pred = model.predict(X_test)
    y_score = models.positive_scores(model, X_test)
    t2 = time.perf_counter()
    scored = metrics.score(y_test, y_pred, y_score)
    return {"model": model, "selection": selection, "metrics": scored,
            "timing": {"fit_seconds": round(t1 - t0, 3), "predict_seconds": round(t2 - t1, 3)}}


def run_split(data: pd.DataFrame, features: FeatureSpec, clf: models.ClassifierSpec, key: RunKey,
              seed: int, base_seed: int, fraction_range: tuple[float, float],
              n_jobs: int = 1) -> dict[str, Any]:
    """One random stratified train/test split (the paper's "ten random splits")."""
    X, y = features.xy(data)
    labels = features.labels(data)
    fraction = splits.train_fraction(base_seed, seed, *fraction_range)
    split_seed = key.split_seed(base_seed, seed)
    train, test = splits.train_test_indices(y, fraction, split_seed)
    model_seed = key.model_seed(base_seed, seed)
    out = fit_and_score(clf, features, X.iloc[train], y[train], X.iloc[test], y[test],
                        model_seed, n_jobs)
    log.info("%s seed %d: accuracy %.4f (train %d, test %d)", key, seed,
             out["metrics"]["accuracy"], len(train), len(test))
    return {
        "schema": RECORD_SCHEMA,
        "kind": "split",
        "wildcards": {"dataset": key.dataset, "aug": key.aug, "poison": key.poison,
                      "clf": key.clf, "seed": seed},
        "params": {"classifier": {"estimator": clf.estimator, "params": clf.params,
                                  "search": clf.search},
                   "train_fraction": fraction, "base_seed": base_seed,
                   "split_random_state": split_seed, "model_random_state": model_seed},
        "selection": out["selection"],
        "versions": versions(),
        "labels": {"negative": labels[0], "positive": labels[1]},
        "features": {"numeric": list(features.numeric),
                     "categorical": list(features.categorical)},
        "rows": {"total": len(y), "train": len(train), "test": len(test),
                 "per_class": {"total": _class_counts(y, labels),
                               "train": _class_counts(y[train], labels),
                               "test": _class_counts(y[test], labels)}},
        "metrics": out["metrics"],
        "audit": audit.confusion_findings(out["metrics"]["confusion_matrix"]),
        "timing": out["timing"],
    }


def run_cv(data: pd.DataFrame, features: FeatureSpec, clf: models.ClassifierSpec, key: RunKey,
           folds: int, base_seed: int, n_jobs: int = 1) -> dict[str, Any]:
    """Stratified k-fold CV: k fits, metrics per fold and their mean (the paper's brackets)."""
    X, y = features.xy(data)
    labels = features.labels(data)
    split_seed = key.split_seed(base_seed, f"cv{folds}")
    per_fold = []
    timing = {"fit_seconds": 0.0, "predict_seconds": 0.0}
    for i, (train, test) in enumerate(splits.kfold_indices(y, folds, split_seed)):
        out = fit_and_score(clf, features, X.iloc[train], y[train], X.iloc[test], y[test],
                            key.model_seed(base_seed, f"cv{folds}-{i}"), n_jobs)
        per_fold.append({"fold": i, "train": len(train), "test": len(test),
                         "selection": out["selection"]["chosen"], **out["metrics"]})
        for k in timing:
            timing[k] = round(timing[k] + out["timing"][k], 3)
    mean = metrics.mean_metrics(per_fold)
    log.info("%s %d-fold CV: mean accuracy %.4f", key, folds, mean["accuracy"])
    return {
        "schema": RECORD_SCHEMA,
        "kind": "cv",
        "wildcards": {"dataset": key.dataset, "aug": key.aug, "poison": key.poison,
                      "clf": key.clf, "folds": folds},
        "params": {"classifier": {"estimator": clf.estimator, "params": clf.params,
                                  "search": clf.search},
                   "base_seed": base_seed, "split_random_state": split_seed},
        "versions": versions(),
        "labels": {"negative": labels[0], "positive": labels[1]},
        "features": {"numeric": list(features.numeric),
                     "categorical": list(features.categorical)},
        "rows": {"total": len(y), "per_class": {"total": _class_counts(y, labels)},
                 "train_mean": float(np.mean([f["train"] for f in per_fold])),
                 "test_mean": float(np.mean([f["test"] for f in per_fold]))},
        "folds": per_fold,
        "metrics": mean,
        "audit": audit.confusion_findings(mean["confusion_matrix"]),
        "timing": timing,
    }
