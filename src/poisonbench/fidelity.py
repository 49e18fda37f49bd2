"""How far synthetic minority rows are from the real ones, and whether a model can tell them apart.

Two views. Per column: the Kolmogorov-Smirnov statistic (numeric) or the total-variation
distance (categorical) between the real and the synthetic minority rows, each in [0, 1]. Jointly:
a random forest trained to separate real from synthetic rows, scored by 5-fold cross-validated
ROC-AUC. 0.5 means indistinguishable; near 1 means a classifier trained on the augmented data can
learn the shortcut "synthetic means minority" and look good on a test set that holds synthetic
rows (the paper's placement) for the wrong reason.

Rows with identical predictors are kept in the same fold (grouped CV): otherwise a forest that
memorises a row scores its exact copy (random oversampling, a generator that copies) as the other
class and pushes the AUC below 0.5 for no reason. Exact copies are reported separately.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from poisonbench.errors import DataError
from poisonbench.features import ORIGIN, FeatureSpec

log = logging.getLogger(__name__)

SEPARABLE_AUC = 0.75
"""Above this discriminator AUC a classifier can learn 'synthetic means minority'."""


def ks_distance(real: pd.Series, synthetic: pd.Series) -> float:
    from scipy.stats import ks_2samp

    a = pd.to_numeric(real, errors="coerce").dropna().to_numpy(dtype=np.float64)
    b = pd.to_numeric(synthetic, errors="coerce").dropna().to_numpy(dtype=np.float64)
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    return float(ks_2samp(a, b).statistic)


def tv_distance(real: pd.Series, synthetic: pd.Series) -> float:
    """Half the L1 distance between the two category frequency vectors."""
    p = real.astype(str).value_counts(normalize=True)
    q = synthetic.astype(str).value_counts(normalize=True)
    if len(p) == 0 or len(q) == 0:
        return float("nan")
    cats = p.index.union(q.index)
    return float(0.5 * np.abs(p.reindex(cats, fill_value=0) - q.reindex(cats, fill_value=0)).sum())


def _row_keys(frame: pd.DataFrame) -> pd.Series:
    """One hashable key per row of predictors (floats rounded so that copies compare equal)."""
    parts = frame.copy()
    for col in parts.columns:
        if pd.api.types.is_float_dtype(parts[col]):
            parts[col] = parts[col].round(9)
    return pd.util.hash_pandas_object(parts.astype(str), index=False)


def discriminator_auc(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    features: FeatureSpec,
    random_state: int,
    folds: int = 5,
    n_estimators: int = 200,
) -> dict[str, Any]:
    """Cross-validated ROC-AUC of a random forest separating real (0) from synthetic (1) rows."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OrdinalEncoder

    if min(len(real), len(synthetic)) < folds:
        raise DataError(f"the discriminator needs at least {folds} real and {folds} synthetic "
                        f"rows, got {len(real)} and {len(synthetic)}")
    cols = features.predictors
    X = pd.concat([real[cols], synthetic[cols]], ignore_index=True)
    for col in features.categorical:
        X[col] = X[col].astype(str)
    y = np.r_[np.zeros(len(real), dtype=np.int64), np.ones(len(synthetic), dtype=np.int64)]
    groups = pd.factorize(_row_keys(X))[0]
    encode = ColumnTransformer(
        [("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                dtype=np.float64), list(features.categorical))],
        remainder="passthrough",
    )
    model = Pipeline([
        ("encode", encode),
        ("forest", RandomForestClassifier(n_estimators=n_estimators, min_samples_leaf=2,
                                          random_state=random_state, n_jobs=1)),
    ])
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=random_state)
    scores: list[float] = []
    for train, test in splitter.split(X, y, groups):
        if len(np.unique(y[test])) < 2:  # a fold of one class has no AUC
            continue
        model.fit(X.iloc[train], y[train])
        scores.append(float(roc_auc_score(y[test], model.predict_proba(X.iloc[test])[:, 1])))
    if not scores:
        raise DataError("no cross-validation fold held both real and synthetic rows")
    auc = float(np.mean(scores))
    return {
        "auc": auc,
        "auc_std": float(np.std(scores)),
        "fold_aucs": scores,
        "folds": len(scores),
        "separable": bool(auc > SEPARABLE_AUC),
        "threshold": SEPARABLE_AUC,
        "model": f"RandomForest(n_estimators={n_estimators}, min_samples_leaf=2), ordinal "
                 f"categories, {folds}-fold stratified CV grouped by identical rows",
    }


def fidelity_report(
    real_minority: pd.DataFrame,
    synthetic: pd.DataFrame,
    target: str,
    random_state: int,
    max_rows: int | None = 5000,
    n_estimators: int = 200,
) -> dict[str, Any]:
    """Per-column distances, their mean, exact copies, and the real-vs-synthetic AUC.

    Column types come from ``real_minority``'s dtypes; ``target`` and ``_origin`` are ignored.
    ``max_rows`` caps each side for the discriminator (a seeded subsample; distances always use
    every row), which keeps the forest cheap on large datasets.
    """
    if target not in real_minority.columns:
        raise DataError(f"target column {target!r} is not in the real rows")
    features = FeatureSpec.from_frame(real_minority, target, "")
    missing = [c for c in features.predictors if c not in synthetic.columns]
    if missing:
        raise DataError(f"synthetic rows lack the columns {missing}")
    if len(real_minority) == 0 or len(synthetic) == 0:
        raise DataError(f"fidelity needs real and synthetic rows, got {len(real_minority)} and "
                        f"{len(synthetic)}")
    columns: dict[str, dict[str, Any]] = {}
    for col in features.numeric:
        columns[col] = {"type": "numeric", "metric": "ks",
                        "distance": ks_distance(real_minority[col], synthetic[col])}
    for col in features.categorical:
        columns[col] = {"type": "categorical", "metric": "tv",
                        "distance": tv_distance(real_minority[col], synthetic[col])}
    distances = [c["distance"] for c in columns.values() if np.isfinite(c["distance"])]
    worst = max(columns, key=lambda c: columns[c]["distance"]) if columns else None

    real_keys = set(_row_keys(real_minority[features.predictors]))
    synth_keys = _row_keys(synthetic[features.predictors].reset_index(drop=True))
    copies = int(synth_keys.isin(real_keys).sum())

    rng = np.random.default_rng(random_state)

    def cap(frame: pd.DataFrame) -> pd.DataFrame:
        if max_rows is None or len(frame) <= max_rows:
            return frame
        return frame.iloc[np.sort(rng.choice(len(frame), size=max_rows, replace=False))]

    disc = discriminator_auc(cap(real_minority), cap(synthetic), features, random_state,
                             n_estimators=n_estimators)
    report = {
        "rows_real": len(real_minority),
        "rows_synthetic": len(synthetic),
        "columns": columns,
        "mean_distance": float(np.mean(distances)) if distances else float("nan"),
        "max_distance": float(max(distances)) if distances else float("nan"),
        "worst_column": worst,
        "exact_copies": copies,
        "exact_copy_share": copies / len(synthetic),
        "discriminator": disc,
        "auc": disc["auc"],
        "separable": disc["separable"],
        "max_rows": max_rows,
        "random_state": int(random_state),
    }
    log.info("fidelity: %d real vs %d synthetic rows, mean distance %.3f (worst %s), "
             "discriminator AUC %.3f%s", len(real_minority), len(synthetic),
             report["mean_distance"], worst, disc["auc"],
             " - a classifier can learn 'synthetic means minority'" if disc["separable"] else "")
    return report


def added_rows_mask(aug_df: pd.DataFrame) -> np.ndarray:
    """Rows the augmentation added: synthetic (``_origin == -1``) or a repeat of an earlier origin.

    Originals come first in an augmented frame, so ``duplicated(keep='first')`` finds the copies
    random oversampling appended.
    """
    if ORIGIN not in aug_df.columns:
        raise DataError(f"the augmented frame has no {ORIGIN!r} column to tell real from "
                        f"synthetic rows")
    origin = aug_df[ORIGIN].to_numpy(dtype=np.int64)
    return (origin == -1) | (pd.Series(origin).duplicated(keep="first").to_numpy() &
                             (origin != -1))


def fidelity_from_augmented(
    aug_df: pd.DataFrame, target: str, minority: str, random_state: int, **kwargs: Any
) -> dict[str, Any]:
    """``fidelity_report`` of the rows an oversampler added vs the real minority rows.

    A frame with nothing added (``none``) gives ``{"available": False, ...}`` instead of an error,
    so every augmentation variant can be reported the same way.
    """
    added = added_rows_mask(aug_df)
    labels = aug_df[target].astype(str).to_numpy()
    real = aug_df[~added & (labels == str(minority))]
    synthetic = aug_df[added & (labels == str(minority))]
    if len(synthetic) == 0:
        return {"available": False, "reason": "no rows were added", "rows_real": len(real),
                "rows_synthetic": 0}
    if len(real) == 0:
        raise DataError(f"the augmented frame holds no real rows of the minority {minority!r}")
    report = fidelity_report(real, synthetic, target, random_state, **kwargs)
    report["available"] = True
    report["synthetic_by_origin"] = int((aug_df[ORIGIN].to_numpy() == -1).sum())
    return report
