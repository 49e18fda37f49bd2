"""The imbalance ratio IR = c_M / c_m (the paper's Eq. 1) and the balanced decision (Eq. 2)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from poisonbench.errors import DataError


def class_counts(y: pd.Series) -> dict[str, int]:
    counts = y.astype(str).value_counts()
    return {str(k): int(v) for k, v in sorted(counts.items())}


def imbalance_ratio(y: pd.Series) -> float:
    """c_M / c_m over the classes present; +inf never happens since one class is an error."""
    counts = class_counts(y)
    if len(counts) < 2:
        raise DataError(f"imbalance ratio needs two classes, found {list(counts)}")
    return max(counts.values()) / min(counts.values())


def profile(y: pd.Series, threshold: float) -> dict[str, Any]:
    """Class counts, majority/minority labels, IR and whether IR <= threshold (balanced)."""
    if threshold < 1:
        raise DataError(f"imbalance threshold must be >= 1, got {threshold}")
    counts = class_counts(y)
    ir = imbalance_ratio(y)
    majority = max(sorted(counts), key=lambda k: counts[k])
    minority = min(sorted(counts), key=lambda k: counts[k])
    if majority == minority:  # exactly balanced: keep them distinct, deterministic
        majority, minority = sorted(counts)
    return {
        "class_counts": counts,
        "majority": majority,
        "minority": minority,
        "imbalance_ratio": ir,
        "threshold": threshold,
        "balanced": bool(ir <= threshold),
    }
