"""The classifier factory: rf, dt, svm, lr, nb behind one interface.

Every model is a scikit-learn ``Pipeline`` whose encoding/scaling is a step of the pipeline, so it
is fitted on the training split only. Hyperparameters are chosen on the training split only:
random forest by out-of-bag accuracy (no extra fits), the others by stratified 3-fold CV.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from poisonbench.errors import ConfigError
from poisonbench.features import FeatureSpec
from poisonbench.naive_bayes import MixedNB
from poisonbench.svm import RBFSVM

log = logging.getLogger(__name__)

ESTIMATORS = ("random_forest", "decision_tree", "svm", "logistic_regression", "naive_bayes")


@dataclass(frozen=True)
class ClassifierSpec:
    """One ``classifiers:`` config entry."""

    name: str
    estimator: str
    params: dict[str, Any] = field(default_factory=dict)
    search: dict[str, list[Any]] = field(default_factory=dict)
    cv_folds: int = 3
    search_max_rows: int | None = None  # grid search on a stratified subsample of the training

    @classmethod
    def from_config(cls, name: str, entry: dict[str, Any]) -> ClassifierSpec:
        est = entry.get("estimator")
        if est not in ESTIMATORS:
            raise ConfigError(f"classifiers.{name}.estimator must be one of {list(ESTIMATORS)}, "
                              f"not {est!r}")
        return cls(name=name, estimator=est, params=dict(entry.get("params") or {}),
                   search={k: list(v) for k, v in (entry.get("search") or {}).items()},
                   cv_folds=int(entry.get("cv_folds", 3)),
                   search_max_rows=entry.get("search_max_rows"))


def _tree_encoder(spec: FeatureSpec) -> ColumnTransformer:
    return ColumnTransformer(
        [("num", "passthrough", list(spec.numeric)),
         ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                dtype=np.float64), list(spec.categorical))],
        verbose_feature_names_out=False)


def _scaled_onehot(spec: FeatureSpec) -> ColumnTransformer:
    return ColumnTransformer(
        [("num", StandardScaler(), list(spec.numeric)),
         ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False),
          list(spec.categorical))],
        verbose_feature_names_out=False)


def build(spec: ClassifierSpec, features: FeatureSpec, random_state: int,
          n_jobs: int = 1) -> Pipeline:
    """An unfitted pipeline with the entry's fixed params."""
    p = dict(spec.params)
    if spec.estimator == "random_forest":
        model = RandomForestClassifier(random_state=random_state, n_jobs=n_jobs, **p)
        return Pipeline([("encode", _tree_encoder(features)), ("model", model)])
    if spec.estimator == "decision_tree":
        model = DecisionTreeClassifier(random_state=random_state, **p)
        return Pipeline([("encode", _tree_encoder(features)), ("model", model)])
    if spec.estimator == "svm":
        model = RBFSVM(random_state=random_state, **p)
        return Pipeline([("encode", _scaled_onehot(features)), ("model", model)])
    if spec.estimator == "logistic_regression":
        model = LogisticRegression(random_state=random_state, **{"max_iter": 2000, **p})
        return Pipeline([("encode", _scaled_onehot(features)), ("model", model)])
    if spec.estimator == "naive_bayes":
        model = MixedNB(numeric=list(features.numeric), categorical=list(features.categorical),
                        **p)
        return Pipeline([("model", model)])
    raise ConfigError(f"unknown estimator {spec.estimator!r}")


def _grid(search: dict[str, list[Any]]) -> list[dict[str, Any]]:
    keys = sorted(search)
    return [dict(zip(keys, combo, strict=True))
            for combo in itertools.product(*(search[k] for k in keys))]


def _select_rf_oob(spec: ClassifierSpec, features: FeatureSpec, X: pd.DataFrame,
                   y: np.ndarray, random_state: int, n_jobs: int) -> tuple[Pipeline, dict]:
    """ntree x mtry by out-of-bag accuracy; ntree grows with warm_start, so each mtry is one fit."""
    search = dict(spec.search)
    ntrees = sorted(int(n) for n in search.pop("n_estimators", [spec.params.get(
        "n_estimators", 100)]))
    candidates = []
    encoder = _tree_encoder(features).fit(X)
    Xe = encoder.transform(X)
    for combo in _grid(search) or [{}]:
        params = {**spec.params, **combo, "oob_score": True, "warm_start": True,
                  "bootstrap": True}
        params.pop("n_estimators", None)
        rf = RandomForestClassifier(random_state=random_state, n_jobs=n_jobs, **params)
        for n in ntrees:
            rf.set_params(n_estimators=n)
            rf.fit(Xe, y)
            candidates.append({"params": {**combo, "n_estimators": n},
                               "oob_accuracy": float(rf.oob_score_)})
    best = max(candidates, key=lambda c: c["oob_accuracy"])  # first max wins: smallest ntree
    final = build(ClassifierSpec(spec.name, spec.estimator, {**spec.params, **best["params"]}),
                  features, random_state, n_jobs)
    final.fit(X, y)
    return final, {"method": "oob", "chosen": best["params"], "candidates": candidates}


def fit_select(spec: ClassifierSpec, features: FeatureSpec, X: pd.DataFrame, y: np.ndarray,
               random_state: int, n_jobs: int = 1) -> tuple[Pipeline, dict[str, Any]]:
    """Choose hyperparameters on (X, y) only and return the refitted model and the choice."""
    if spec.estimator == "random_forest" and spec.search:
        return _select_rf_oob(spec, features, X, y, random_state, n_jobs)
    pipe = build(spec, features, random_state, n_jobs)
    if not spec.search:
        pipe.fit(X, y)
        return pipe, {"method": "fixed", "chosen": dict(spec.params), "candidates": []}
    grid = {f"model__{k}": v for k, v in spec.search.items()}
    cv = StratifiedKFold(n_splits=spec.cv_folds, shuffle=True, random_state=random_state)
    search = GridSearchCV(pipe, grid, cv=cv, scoring="accuracy", n_jobs=n_jobs, refit=False)
    Xs, ys = X, y
    if spec.search_max_rows and len(X) > spec.search_max_rows:
        from sklearn.model_selection import train_test_split

        keep, _ = train_test_split(np.arange(len(X)), train_size=spec.search_max_rows,
                                   stratify=y, random_state=random_state)
        Xs, ys = X.iloc[np.sort(keep)], y[np.sort(keep)]
    search.fit(Xs, ys)
    chosen = {k.removeprefix("model__"): v for k, v in search.best_params_.items()}
    candidates = [{"params": {k.removeprefix("model__"): v for k, v in p.items()},
                   "cv_accuracy": float(s)}
                  for p, s in zip(search.cv_results_["params"],
                                  search.cv_results_["mean_test_score"], strict=True)]
    final = build(replace(spec, params={**spec.params, **chosen}), features, random_state,
                  n_jobs)
    final.fit(X, y)
    return final, {"method": f"cv{spec.cv_folds}", "chosen": chosen, "candidates": candidates,
                   "search_rows": len(Xs)}


def positive_scores(model: Pipeline, X: pd.DataFrame) -> np.ndarray | None:
    """Scores for the positive class (probability or decision function) for ROC-AUC."""
    if hasattr(model, "predict_proba"):
        try:
            proba = model.predict_proba(X)
        except AttributeError:
            proba = None
        if proba is not None:
            classes = list(model.classes_)
            return proba[:, classes.index(1)] if 1 in classes else np.zeros(len(X))
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=float)
    return None


