"""Guards a careful analyst would run on every result, recorded as findings (never silenced).

The paper's Fig. 5 shows R raising an error only when a class is absent from the test set, yet
staying silent when the confusion matrix's diagonal cell for a class is zero. These guards say so.
"""

from __future__ import annotations

from typing import Any


def confusion_findings(cm: list[list[int]], too_good: float = 0.99) -> list[dict[str, Any]]:
    """Findings about a [[TN, FP], [FN, TP]] confusion matrix."""
    (tn, fp), (fn, tp) = cm
    findings: list[dict[str, Any]] = []
    n_neg, n_pos = tn + fp, fn + tp
    total = n_neg + n_pos

    def add(code: str, severity: str, message: str) -> None:
        findings.append({"code": code, "severity": severity, "message": message})

    if n_pos == 0 or n_neg == 0:
        add("single_class_test", "error", "the test set holds one class only")
    if n_pos and tp == 0:
        add("no_true_positives", "error",
            f"no positive test row is predicted positive (0 of {n_pos}): the positive class is "
            f"unlearned although accuracy may look high")
    if n_neg and tn == 0:
        add("no_true_negatives", "error",
            f"no negative test row is predicted negative (0 of {n_neg})")
    if fp + tp == 0 or fn + tn == 0:
        add("constant_prediction", "error", "the model predicts a single class for every row")
    if total and (tn + tp) / total >= too_good:
        add("too_good_to_be_true", "warning",
            f"accuracy {(tn + tp) / total:.4f} >= {too_good}: check for leakage, duplicated "
            f"rows across train and test, or an easy artefact")
    if n_pos and n_neg and min(n_pos, n_neg) / total < 0.05:
        add("rare_class_in_test", "warning",
            f"the minority class is {min(n_pos, n_neg)} of {total} test rows; accuracy says "
            f"little about it")
    return findings
