"""Every metric a record carries, from ``sklearn.metrics``, with the positive class = 1."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import metrics as skm


def score(y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray | None) -> dict[str, Any]:
    """Metrics for a binary problem coded 0/1 (1 = positive label).

    The confusion matrix is [[TN, FP], [FN, TP]]. ROC-AUC is null when the test set holds one
    class or the model gives no scores; per-class precision/recall are reported for both labels
    because the paper's precision/recall are those of the majority class.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    cm = skm.confusion_matrix(y_true, y_pred, labels=[0, 1])
    per_class_p = skm.precision_score(y_true, y_pred, labels=[0, 1], average=None,
                                      zero_division=0)
    per_class_r = skm.recall_score(y_true, y_pred, labels=[0, 1], average=None, zero_division=0)
    per_class_f = skm.f1_score(y_true, y_pred, labels=[0, 1], average=None, zero_division=0)
    auc = None
    if y_score is not None and len(np.unique(y_true)) == 2:
        auc = float(skm.roc_auc_score(y_true, y_score))
    return {
        "accuracy": float(skm.accuracy_score(y_true, y_pred)),
        "precision": float(per_class_p[1]),
        "recall": float(per_class_r[1]),
        "f1": float(per_class_f[1]),
        "balanced_accuracy": float(skm.balanced_accuracy_score(y_true, y_pred)),
        "mcc": float(skm.matthews_corrcoef(y_true, y_pred)),
        "roc_auc": auc,
        "confusion_matrix": cm.astype(int).tolist(),
        "per_class": {
            "negative": {"precision": float(per_class_p[0]), "recall": float(per_class_r[0]),
                         "f1": float(per_class_f[0]), "support": int(cm[0].sum())},
            "positive": {"precision": float(per_class_p[1]), "recall": float(per_class_r[1]),
                         "f1": float(per_class_f[1]), "support": int(cm[1].sum())},
        },
    }


SCALAR_METRICS = ("accuracy", "precision", "recall", "f1", "balanced_accuracy", "mcc", "roc_auc")


def mean_metrics(folds: list[dict[str, Any]]) -> dict[str, Any]:
    """Average scalar metrics over folds (ignoring nulls) and sum the confusion matrices."""
    out: dict[str, Any] = {}
    for name in SCALAR_METRICS:
        vals = [f[name] for f in folds if f.get(name) is not None]
        out[name] = float(np.mean(vals)) if vals else None
    out["confusion_matrix"] = np.sum([f["confusion_matrix"] for f in folds], axis=0).tolist()
    return out
