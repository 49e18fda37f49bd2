"""Fit one classifier on one split (or k folds) of one dataset variant and build its record.

Besides the paper's score on the (possibly poisoned) test rows, every record carries the score
on **clean rows the model never saw** - neither as rows nor as copies - mapped into the poisoned
data's columns: the accuracy a user would really get.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from poisonbench import __version__, audit, metrics, models, splits
from poisonbench.errors import DataError
from poisonbench.features import ORIGIN, FeatureSpec

log = logging.getLogger(__name__)

RECORD_SCHEMA = "poisonbench.run/1"

# (training rows, random_state) -> (oversampled training rows, report); honest placement only
Oversampler = Callable[[pd.DataFrame, int], tuple[pd.DataFrame, dict[str, Any]]]


@dataclass(frozen=True)
class RunKey:
    """The wildcards that identify a fitted model (minus the seed / fold count)."""

    dataset: str
    aug: str
    poison: str
    clf: str

    def split_seed(self, base_seed: int, seed: int | str) -> int:
        # independent of the classifier: every classifier sees the same split of a variant
        return splits.derive_seed(base_seed, "split", self.dataset, self.aug, self.poison, seed)

    def model_seed(self, base_seed: int, seed: int | str) -> int:
        return splits.derive_seed(base_seed, "model", self.dataset, self.aug, self.poison,
                                  self.clf, seed)

    def wildcards(self) -> dict[str, str]:
        return {"dataset": self.dataset, "aug": self.aug, "poison": self.poison, "clf": self.clf}


@dataclass(frozen=True)
class EvalOptions:
    """How a run is evaluated; poisoning's processing/output errors change these
    (``provenance["evaluation"]``), a clean run keeps the defaults."""

    stratify: bool = True
    guards: bool = True
    hyperparameter_search: bool = True
    classifier_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    report: str = "full"

    @classmethod
    def from_provenance(cls, provenance: dict[str, Any] | None) -> EvalOptions:
        ev = dict((provenance or {}).get("evaluation") or {})
        return cls(stratify=bool(ev.get("stratify", True)),
                   guards=bool(ev.get("guards", True)),
                   hyperparameter_search=bool(ev.get("hyperparameter_search", True)),
                   classifier_params=dict(ev.get("classifier_params", {})),
                   report=str(ev.get("report", "full")))

    def classifier(self, clf: models.ClassifierSpec) -> models.ClassifierSpec:
        """The classifier as this evaluation runs it (poor hyperparameters, no search...)."""
        params = {**clf.params, **self.classifier_params.get(clf.estimator, {})}
        search = clf.search if self.hyperparameter_search else {}
        return replace(clf, params=params, search=search)

    def as_dict(self) -> dict[str, Any]:
        return {"stratify": self.stratify, "guards": self.guards,
                "hyperparameter_search": self.hyperparameter_search,
                "classifier_params": self.classifier_params, "report": self.report}


@dataclass(frozen=True)
class CleanReference:
    """The clean data and the map from clean rows into the poisoned data's columns."""

    clean: pd.DataFrame
    project: Callable[[pd.DataFrame], pd.DataFrame]


def versions() -> dict[str, str]:
    import sklearn

    return {"poisonbench": __version__, "scikit-learn": sklearn.__version__,
            "pandas": pd.__version__, "numpy": np.__version__}


def _class_counts(y: np.ndarray, labels: tuple[str, str]) -> dict[str, int]:
    return {labels[0]: int((y == 0).sum()), labels[1]: int((y == 1).sum())}


def subsample(data: pd.DataFrame, features: FeatureSpec, pct: int,
              random_state: int) -> pd.DataFrame:
    """Setting II: a random stratified ``pct`` % of the rows (order kept)."""
    if pct >= 100:
        return data
    _, y = features.xy(data)
    keep, _ = splits.train_test_indices(y, pct / 100, random_state)
    return data.iloc[keep].reset_index(drop=True)


def split_rows(data: pd.DataFrame, features: FeatureSpec, key: RunKey, seed: int,
               base_seed: int, fraction_range: tuple[float, float],
               options: EvalOptions) -> tuple[np.ndarray, np.ndarray, float, int]:
    """The seed's train/test row positions (shared by fitting and honest CTGAN training)."""
    _, y = features.xy(data)
    fraction = splits.train_fraction(base_seed, seed, *fraction_range)
    split_seed = key.split_seed(base_seed, seed)
    train, test = splits.train_test_indices(y, fraction, split_seed, stratify=options.stratify)
    return train, test, fraction, split_seed


def _guard(y_train: np.ndarray, y_test: np.ndarray, options: EvalOptions, what: str) -> None:
    """R's behaviour (the paper's Fig. 5a): stop when a split lacks a class, unless disabled."""
    for name, y in (("training", y_train), ("test", y_test)):
        if len(np.unique(y)) < 2:
            if options.guards:
                raise DataError(f"{what}: the {name} split holds one class only; stopping "
                                f"(a run with guards disabled records it instead)")
            log.warning("%s: the %s split holds one class only (guards disabled)", what, name)


def _fit_and_score(clf: models.ClassifierSpec, features: FeatureSpec, train: pd.DataFrame,
                   test: pd.DataFrame, random_state: int, n_jobs: int,
                   clean: pd.DataFrame | None) -> dict[str, Any]:
    X_train, y_train = features.xy(train)
    X_test, y_test = features.xy(test)
    t0 = time.perf_counter()
    model, selection = models.fit_select(clf, features, X_train, y_train, random_state, n_jobs)
    t1 = time.perf_counter()
    y_pred = model.predict(X_test)
    y_score = models.positive_scores(model, X_test)
    t2 = time.perf_counter()
    out = {"selection": selection, "metrics": metrics.score(y_test, y_pred, y_score),
           "timing": {"fit_seconds": round(t1 - t0, 3), "predict_seconds": round(t2 - t1, 3)},
           "clean_test": None}
    if clean is not None and len(clean):
        Xc, yc = features.xy(clean)
        clean_metrics = metrics.score(yc, model.predict(Xc), models.positive_scores(model, Xc))
        out["clean_test"] = {"rows": len(clean),
                             "per_class": {"0": int((yc == 0).sum()), "1": int((yc == 1).sum())},
                             "metrics": clean_metrics}
    return out


def _unseen_clean(reference: CleanReference | None, train: pd.DataFrame) -> pd.DataFrame | None:
    """Clean rows whose origin is not among the training rows' (no row, no copy was seen)."""
    if reference is None:
        return None
    seen = set(train[ORIGIN].to_numpy().tolist()) if ORIGIN in train else set()
    clean = reference.clean
    unseen = clean[~clean[ORIGIN].isin(seen)]
    return reference.project(unseen).reset_index(drop=True)


def _oversample(train: pd.DataFrame, oversampler: Oversampler | None,
                random_state: int) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    if oversampler is None:
        return train, None
    return oversampler(train.reset_index(drop=True), random_state)


def _header(kind: str, key: RunKey, run: dict[str, Any], clf: models.ClassifierSpec,
            options: EvalOptions, features: FeatureSpec, labels: tuple[str, str],
            base_seed: int) -> dict[str, Any]:
    return {
        "schema": RECORD_SCHEMA,
        "kind": kind,
        "wildcards": {**key.wildcards(), **run},
        "params": {"classifier": {"estimator": clf.estimator, "params": clf.params,
                                  "search": clf.search},
                   "base_seed": base_seed},
        "evaluation": options.as_dict(),
        "versions": versions(),
        "labels": {"negative": labels[0], "positive": labels[1]},
        "features": {"numeric": list(features.numeric),
                     "categorical": list(features.categorical)},
    }


def run_split(data: pd.DataFrame, features: FeatureSpec, clf: models.ClassifierSpec, key: RunKey,
              seed: int, base_seed: int, fraction_range: tuple[float, float], n_jobs: int = 1,
              options: EvalOptions | None = None, reference: CleanReference | None = None,
              oversampler: Oversampler | None = None, size_pct: int = 100) -> dict[str, Any]:
    """One random split (the paper's "ten random splits"), one fitted model, one record."""
    options = options or EvalOptions()
    run_clf = options.classifier(clf)
    labels = features.labels(data)
    data = subsample(data, features, size_pct,
                     splits.derive_seed(base_seed, "size", *key.wildcards().values(), size_pct,
                                        seed))
    train_idx, test_idx, fraction, split_seed = split_rows(data, features, key, seed, base_seed,
                                                           fraction_range, options)
    train, test = data.iloc[train_idx], data.iloc[test_idx]
    _guard(features.xy(train)[1], features.xy(test)[1], options, f"{key} seed {seed}")
    model_seed = key.model_seed(base_seed, seed)
    train_fit, aug_report = _oversample(train, oversampler, model_seed)
    out = _fit_and_score(run_clf, features, train_fit, test, model_seed, n_jobs,
                         _unseen_clean(reference, train))
    _, y = features.xy(data)
    y_train, y_fit, y_test = (features.xy(f)[1] for f in (train, train_fit, test))
    log.info("%s seed %d: accuracy %.4f (train %d, test %d)", key, seed,
             out["metrics"]["accuracy"], len(train_fit), len(test))
    record = _header("split", key, {"seed": seed}, run_clf, options, features, labels, base_seed)
    record["params"].update(train_fraction=fraction, split_random_state=split_seed,
                            model_random_state=model_seed, size_pct=size_pct)
    if size_pct != 100:
        record["wildcards"]["pct"] = size_pct
    record.update({
        "selection": out["selection"],
        "rows": {"total": len(y), "train": len(train_fit), "test": len(test),
                 "train_before_oversampling": len(train),
                 "per_class": {"total": _class_counts(y, labels),
                               "train": _class_counts(y_fit, labels),
                               "train_before_oversampling": _class_counts(y_train, labels),
                               "test": _class_counts(y_test, labels)}},
        "metrics": out["metrics"],
        "clean_test": out["clean_test"],
        "oversampling": aug_report,
        "audit": audit.confusion_findings(out["metrics"]["confusion_matrix"]),
        "timing": out["timing"],
    })
    return record


def run_cv(data: pd.DataFrame, features: FeatureSpec, clf: models.ClassifierSpec, key: RunKey,
           folds: int, base_seed: int, n_jobs: int = 1, options: EvalOptions | None = None,
           reference: CleanReference | None = None,
           oversampler: Oversampler | None = None) -> dict[str, Any]:
    """Stratified k-fold CV: k fits, metrics per fold and their mean (the paper's brackets)."""
    options = options or EvalOptions()
    run_clf = options.classifier(clf)
    _, y = features.xy(data)
    labels = features.labels(data)
    split_seed = key.split_seed(base_seed, f"cv{folds}")
    per_fold, clean_folds = [], []
    timing = {"fit_seconds": 0.0, "predict_seconds": 0.0}
    for i, (train_idx, test_idx) in enumerate(splits.kfold_indices(y, folds, split_seed)):
        train, test = data.iloc[train_idx], data.iloc[test_idx]
        model_seed = key.model_seed(base_seed, f"cv{folds}-{i}")
        train_fit, _ = _oversample(train, oversampler, model_seed)
        out = _fit_and_score(run_clf, features, train_fit, test, model_seed, n_jobs,
                             _unseen_clean(reference, train))
        per_fold.append({"fold": i, "train": len(train_fit), "test": len(test),
                         "selection": out["selection"]["chosen"], **out["metrics"]})
        if out["clean_test"] is not None:
            clean_folds.append({"fold": i, "rows": out["clean_test"]["rows"],
                                **out["clean_test"]["metrics"]})
        for k in timing:
            timing[k] = round(timing[k] + out["timing"][k], 3)
    mean = metrics.mean_metrics(per_fold)
    log.info("%s %d-fold CV: mean accuracy %.4f", key, folds, mean["accuracy"])
    record = _header("cv", key, {"folds": folds}, run_clf, options, features, labels, base_seed)
    record["params"]["split_random_state"] = split_seed
    record.update({
        "rows": {"total": len(y), "per_class": {"total": _class_counts(y, labels)},
                 "train_mean": float(np.mean([f["train"] for f in per_fold])),
                 "test_mean": float(np.mean([f["test"] for f in per_fold]))},
        "folds": per_fold,
        "metrics": mean,
        "clean_test": ({"rows_mean": float(np.mean([f["rows"] for f in clean_folds])),
                        "metrics": metrics.mean_metrics(clean_folds), "folds": clean_folds}
                       if clean_folds else None),
        "audit": audit.confusion_findings(mean["confusion_matrix"]),
        "timing": timing,
    })
    return record


@dataclass(frozen=True)
class Variant:
    """One dataset variant ready to evaluate: D', its features, how to evaluate it, and the
    clean data to score models on."""

    data: pd.DataFrame
    features: FeatureSpec
    options: EvalOptions
    reference: CleanReference


def load_variant(data_path: str, provenance_path: str, clean_path: str, target: str,
                 positive: str) -> Variant:
    from poisonbench import io, poison

    data = io.read_parquet(data_path)
    provenance = io.read_json(provenance_path)
    clean = io.read_parquet(clean_path)
    features = FeatureSpec.from_frame(data, target, str(positive))

    def project(frame: pd.DataFrame) -> pd.DataFrame:
        return poison.project(frame, provenance) if provenance.get("operators") else frame

    return Variant(data, features, EvalOptions.from_provenance(provenance),
                   CleanReference(clean, project))


def honest_oversampler(spec: Any, target: str, positive: str,
                       model: Any = None) -> Oversampler | None:
    """For an honest placement, a function that oversamples a training split; else None."""
    if spec.placement != "honest" or spec.method == "none":
        return None
    from poisonbench import augment

    def oversample(train: pd.DataFrame, random_state: int):
        return augment.augment_training_split(train, target, str(positive), spec, random_state,
                                              model)

    return oversample
