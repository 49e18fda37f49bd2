"""The paper's Table 1 made measurable, and Problem 1's conditions (a) and (b) checked.

Table 1 says in words how poisoned data differs from real data ("Class imbalance: High / Very
high", ...). Each of its ten patterns gets one number here, computed the same way on D and on D',
plus the paper's expected direction and whether our D' moves that way. Numeric predictors are
discretised with bins taken from D (up to 20 quantile bins) wherever a histogram is needed, so
both frames are measured on the same grid and a coarsened D' is not flattered by its own grid.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from poisonbench.features import ORIGIN, FeatureSpec

log = logging.getLogger(__name__)

HIST_BINS = 20

# (pattern as in the paper's Table 1, metric, expected direction of D' vs D, paper real, paper D')
TABLE1: tuple[tuple[str, str, str, str, str], ...] = (
    ("Class imbalance", "imbalance_ratio", "higher", "High", "Very high"),
    ("Number of features/predictors", "n_predictors", "lower", "More", "Less"),
    ("Overlapped feature values", "mean_shared_value_mass", "higher", "Less", "More"),
    ("Majority to minority class sample ratio", "c_M/c_m", "higher", "Low", "High"),
    ("Features' domain values", "mean_domain_size", "lower", "High", "Low"),
    ("Flipped class labels", "flipped_labels", "yes", "No", "Yes"),
    ("Distortion of true data distribution", "mean_distance_to_D", "yes", "No", "Yes"),
    ("Correlation b/w feature values", "correlation_difference_frobenius", "yes", "Consistent",
     "Inconsistent"),
    ("Salient information", "mean_mutual_information", "lower", "Not reduced", "Reduced"),
    ("Diversity in predictors' values", "mean_entropy", "lower", "High", "Moderate"),
)


def _spec(df: pd.DataFrame, target: str, positive: str = "") -> FeatureSpec:
    return FeatureSpec.from_frame(df, target, positive)


def _edges(values: pd.Series) -> np.ndarray:
    """Inner bin edges: one bin per value for a column with few values, else up to HIST_BINS
    quantile bins of the real column."""
    x = values.to_numpy(dtype=np.float64)
    distinct = np.unique(x)
    if len(distinct) <= HIST_BINS:
        return (distinct[1:] + distinct[:-1]) / 2
    return np.unique(np.quantile(x, np.linspace(0, 1, HIST_BINS + 1)))[1:-1]


def _grid(real: pd.DataFrame, target: str) -> dict[str, np.ndarray]:
    spec = _spec(real, target)
    return {c: _edges(real[c]) for c in spec.numeric}


def _codes(series: pd.Series, edges: np.ndarray | None) -> np.ndarray:
    """A discrete version of a column: bin index for numeric (real's grid), the value otherwise."""
    if edges is not None and pd.api.types.is_numeric_dtype(series):
        return np.searchsorted(edges, series.to_numpy(dtype=np.float64), side="right")
    return series.astype(str).to_numpy()


def _distribution(codes: np.ndarray) -> pd.Series:
    return pd.Series(codes).value_counts(normalize=True)


def _entropy(codes: np.ndarray) -> float:
    p = _distribution(codes).to_numpy()
    return float(-(p * np.log(p)).sum())


def overlap_coefficient(a: np.ndarray, b: np.ndarray) -> float:
    """sum_v min(p_a(v), p_b(v)): 1 when two samples share one distribution, 0 when disjoint."""
    pa, pb = _distribution(a), _distribution(b)
    both = pa.index.union(pb.index)
    return float(np.minimum(pa.reindex(both, fill_value=0), pb.reindex(both, fill_value=0)).sum())


def mutual_information(x: np.ndarray, y: np.ndarray) -> float:
    """Plug-in MI (nats) between a discrete predictor and the label."""
    if len(x) == 0:
        return 0.0
    joint = pd.crosstab(pd.Series(x), pd.Series(y)).to_numpy(dtype=np.float64)
    joint /= joint.sum()
    px, py = joint.sum(axis=1, keepdims=True), joint.sum(axis=0, keepdims=True)
    nz = joint > 0
    return float((joint[nz] * np.log(joint[nz] / (px @ py)[nz])).sum())


def feature_distance(a: pd.Series, b: pd.Series) -> float:
    """KS statistic for numeric columns, total variation for categorical ones."""
    if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
        from scipy.stats import ks_2samp

        if len(a) == 0 or len(b) == 0:
            return 1.0
        return float(ks_2samp(a.to_numpy(dtype=np.float64), b.to_numpy(dtype=np.float64),
                              method="asymp").statistic)
    pa, pb = _distribution(a.astype(str).to_numpy()), _distribution(b.astype(str).to_numpy())
    both = pa.index.union(pb.index)
    return float(0.5 * np.abs(pa.reindex(both, fill_value=0) -
                              pb.reindex(both, fill_value=0)).sum())


def distances(real: pd.DataFrame, other: pd.DataFrame, target: str) -> dict[str, float]:
    """Per shared predictor distance between D and another frame."""
    shared = [c for c in _spec(real, target).predictors if c in other.columns]
    return {c: feature_distance(real[c], other[c]) for c in shared}


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else 0.0


def _ir(y: pd.Series) -> float:
    counts = y.astype(str).value_counts()
    if len(counts) < 2:
        return float("inf")
    return float(counts.max() / counts.min())


def shared_value_mass(minority: np.ndarray, majority: np.ndarray) -> float:
    """Share of the minority class's rows whose exact value also occurs in the majority class."""
    if len(minority) == 0:
        return 0.0
    return float(np.isin(minority, np.unique(majority)).mean())


def _class_overlap(df: pd.DataFrame, target: str, positive: str,
                   grid: dict[str, np.ndarray] | None) -> float:
    """Mean over predictors of a between-class overlap of values.

    With ``None``: the shared-value mass (minority rows whose value the majority also has), the
    literal "overlapped feature values" and the Table 1 metric. It is one-sided on purpose:
    symmetric measures shrink with the minority's size alone (a 26-row class leaves most
    histogram bins empty), and poisoned data is extremely imbalanced. With ``grid`` (D's bins):
    the symmetric overlap coefficient of the class-conditional histograms, reported alongside.
    """
    spec = _spec(df, target, positive)
    _, y = spec.xy(df)
    if len(np.unique(y)) < 2:
        return 0.0
    small = 1 if (y == 1).sum() < (y == 0).sum() else 0
    values = []
    for col in spec.predictors:
        if grid is None:
            codes = _codes(df[col], None)
            values.append(shared_value_mass(codes[y == small], codes[y != small]))
        else:
            codes = _codes(df[col], grid.get(col))
            values.append(overlap_coefficient(codes[y == 1], codes[y == 0]))
    return _mean(values)


def _mean_mi(df: pd.DataFrame, target: str, grid: dict[str, np.ndarray]) -> float:
    spec = _spec(df, target)
    y = df[target].astype(str).to_numpy()
    return _mean([mutual_information(_codes(df[c], grid.get(c)), y) for c in spec.predictors])


def _encoded(df: pd.DataFrame, columns: list[str], categories: dict[str, list[str]]) -> np.ndarray:
    out = np.empty((len(df), len(columns)), dtype=np.float64)
    for j, col in enumerate(columns):
        if col in categories:
            out[:, j] = pd.Categorical(df[col].astype(str), categories=categories[col]).codes
        else:
            out[:, j] = df[col].to_numpy(dtype=np.float64)
    return out


def _correlation(x: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(x, rowvar=False) if x.shape[1] > 1 else np.ones((1, 1))
    return np.nan_to_num(np.atleast_2d(corr), nan=0.0)


def correlation_difference(real: pd.DataFrame, other: pd.DataFrame, target: str) -> float:
    """Frobenius norm of the change in the Pearson correlation matrix of shared predictors.

    Categoricals are coded by D's sorted categories (values D never had get -1).
    """
    spec = _spec(real, target)
    shared = [c for c in spec.predictors if c in other.columns]
    if len(shared) < 2:
        return 0.0
    categories = {c: sorted(real[c].astype(str).unique()) for c in spec.categorical
                  if c in shared}
    a = _correlation(_encoded(real, shared, categories))
    b = _correlation(_encoded(other, shared, categories))
    return float(np.linalg.norm(a - b, ord="fro"))


def net_flips(provenance: dict | None, real: pd.DataFrame | None = None,
              poisoned: pd.DataFrame | None = None, target: str | None = None) -> int:
    """Labels of D's rows that differ in D' (a row flipped twice back counts zero).

    From the provenance when there is one; otherwise by comparing D's rows with the first n rows
    of D' (operators only append, so row i of D is row i of D').
    """
    if provenance is not None:
        first: dict[int, str] = {}
        last: dict[int, str] = {}
        for record in provenance.get("operators", []):
            flips = record.get("labels_flipped") or {}
            for pos, old, new in zip(flips.get("positions", []), flips.get("old", []),
                                     flips.get("new", []), strict=True):
                first.setdefault(pos, old)
                last[pos] = new
        return sum(first[p] != last[p] for p in first)
    if real is None or poisoned is None or target is None or len(poisoned) < len(real):
        return 0
    head = poisoned.iloc[:len(real)]
    if ORIGIN in real.columns and ORIGIN in head.columns and not np.array_equal(
            real[ORIGIN].to_numpy(), head[ORIGIN].to_numpy()):
        log.warning("D' does not start with D's rows; flipped labels cannot be counted")
        return 0
    return int((real[target].astype(str).to_numpy() != head[target].astype(str).to_numpy()).sum())


def _direction_holds(expected: str, real: float, poisoned: float) -> bool:
    if expected == "higher":
        return bool(poisoned > real)
    if expected == "lower":
        return bool(poisoned < real)
    return bool(real == 0 and poisoned > 0)


def table1_patterns(real: pd.DataFrame, poisoned: pd.DataFrame, target: str, positive: str,
                    provenance: dict | None) -> list[dict]:
    """One row per Table 1 pattern: our metric on D and D', the paper's direction, a match flag."""
    positive = str(positive)
    grid = _grid(real, target)
    rs, ps = _spec(real, target, positive), _spec(poisoned, target, positive)
    real_counts = real[target].astype(str).value_counts()
    big, small = sorted(real_counts.index, key=lambda k: (-real_counts[k], k))[0], sorted(
        real_counts.index, key=lambda k: (real_counts[k], k))[0]

    def ratio(df: pd.DataFrame) -> tuple[float, dict[str, int]]:
        counts = df[target].astype(str).value_counts()
        c_big, c_small = int(counts.get(big, 0)), int(counts.get(small, 0))
        return (c_big / c_small if c_small else float("inf")), {"c_M": c_big, "c_m": c_small,
                                                                "majority": big,
                                                                "minority": small}

    dist = distances(real, poisoned, target)
    r_ratio, r_counts = ratio(real)
    p_ratio, p_counts = ratio(poisoned)
    values: dict[str, tuple[float, float]] = {
        "imbalance_ratio": (_ir(real[target]), _ir(poisoned[target])),
        "n_predictors": (len(rs.predictors), len(ps.predictors)),
        "mean_shared_value_mass": (_class_overlap(real, target, positive, None),
                                   _class_overlap(poisoned, target, positive, None)),
        "c_M/c_m": (r_ratio, p_ratio),
        "mean_domain_size": (_mean([real[c].nunique() for c in rs.predictors]),
                             _mean([poisoned[c].nunique() for c in ps.predictors])),
        "flipped_labels": (0, net_flips(provenance, real, poisoned, target)),
        "mean_distance_to_D": (0.0, _mean(list(dist.values()))),
        "correlation_difference_frobenius": (0.0, correlation_difference(real, poisoned,
                                                                         target)),
        "mean_mutual_information": (_mean_mi(real, target, grid),
                                    _mean_mi(poisoned, target, grid)),
        "mean_entropy": (_mean([_entropy(_codes(real[c], None)) for c in rs.predictors]),
                         _mean([_entropy(_codes(poisoned[c], None)) for c in ps.predictors])),
    }
    rows = []
    for pattern, metric, expected, paper_real, paper_poisoned in TABLE1:
        r, p = values[metric]
        row: dict[str, Any] = {
            "pattern": pattern, "metric": metric, "real": r, "poisoned": p,
            "expected": expected, "paper_real": paper_real, "paper_poisoned": paper_poisoned,
            "match": _direction_holds(expected, r, p)}
        if metric == "c_M/c_m":
            row["real_counts"], row["poisoned_counts"] = r_counts, p_counts
        if metric == "mean_shared_value_mass":
            row["secondary"] = {
                "metric": "mean_histogram_overlap_coefficient",
                "real": _class_overlap(real, target, positive, grid),
                "poisoned": _class_overlap(poisoned, target, positive, grid)}
        rows.append(row)
    return rows


def _row_hashes(df: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(df.reset_index(drop=True), index=False).to_numpy()


def contained_share(small: pd.DataFrame, big: pd.DataFrame) -> float:
    """Share of ``small``'s rows found in ``big`` as a multiset (a row used at most once)."""
    if len(small) == 0:
        return 1.0
    hs, hb = _row_hashes(small), _row_hashes(big)
    us, cs = np.unique(hs, return_counts=True)
    ub, cb = np.unique(hb, return_counts=True)
    _, i, j = np.intersect1d(us, ub, return_indices=True)
    return float(np.minimum(cs[i], cb[j]).sum() / len(small))


def _containment(real: pd.DataFrame, poisoned: pd.DataFrame, predictors: list[str],
                 target: str) -> dict[str, Any]:
    with_labels = [*predictors, target] if target in poisoned.columns else predictors
    share = contained_share(real[predictors], poisoned[predictors])
    share_l = contained_share(real[with_labels], poisoned[with_labels])
    return {"share_rows": share, "share_rows_with_labels": share_l,
            "contained": share == 1.0, "contained_with_labels": share_l == 1.0}


def problem1(real: pd.DataFrame, poisoned: pd.DataFrame, target: str, provenance: dict) -> dict:
    """Problem 1 (a) D ⊆ D' and (b) D' ~ D, measured; (c) needs fitted models, so it is left out.

    (a) is checked on the predictors D' retains, as multisets: ``strict`` compares values as
    they are; ``projected`` first recodes D the way D' was recoded (binning, merged
    categories), so only row-level poisoning (swaps, shifts, flips) breaks containment;
    ``reconstructed`` rebuilds D from D' and its provenance, which must contain D entirely.
    """
    from poisonbench.poison import project, reconstruct

    rs = _spec(real, target)
    retained = [c for c in rs.predictors if c in poisoned.columns]
    a: dict[str, Any] = {
        "retained_predictors": retained,
        "dropped_predictors": [c for c in rs.predictors if c not in poisoned.columns],
        "strict": _containment(real, poisoned, retained, target),
    }
    if provenance:
        projected = project(real, provenance)
        a["projected"] = _containment(projected, poisoned, retained, target)
        rebuilt = reconstruct(poisoned, provenance)
        a["reconstructed"] = _containment(real, rebuilt, rs.predictors, target)
        a["reconstructed"]["identical"] = bool(rebuilt.equals(real))
    dist = distances(real, poisoned, target)
    return {
        "a_subset": a,
        "b_similar": {"distance": dist, "mean_distance": _mean(list(dist.values())),
                      "measure": "KS statistic (numeric), total variation (categorical)"},
        "c_accuracy": {"computed": False,
                       "note": "compare acc(D') with acc(D) from the run records; no model is "
                               "fitted here"},
    }
