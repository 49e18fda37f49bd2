"""The paper's cleaning of a raw table, step by step, with a report of everything it changed.

Order (each step a function with its own tests):

1. ``validate_target``       - binary target, positive label present, rows without a label dropped
2. ``assign_types``          - each predictor is numeric or categorical (config, else inferred)
3. ``coerce_types``          - numeric values that do not parse become missing (counted)
4. ``flag_numeric_outliers`` - values outside the valid [min, max] range become missing
5. ``flag_unknown_categories`` - categories outside the known set become missing
6. ``impute_numeric_mean``   - missing numeric values get the column mean
7. ``impute_categorical_minor`` - missing categorical values get the column's minor value
8. ``drop_adjacent_duplicates`` - a row identical to the row just above it is removed

The clean frame gets a last column ``_origin`` (its row number) that later stages carry along.

Outliers are handled "identically to missing values in order to preserve data size" (the paper),
which is why steps 4-5 only mark values missing and steps 6-7 fill them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from poisonbench.datasets import CATEGORICAL, NUMERIC, DatasetSpec
from poisonbench.errors import ConfigError, DataError
from poisonbench.features import ORIGIN

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleaningOptions:
    """Choices the paper leaves open; defaults are the documented decisions."""

    numeric_threshold: float = 0.95  # share of parseable values for an undeclared column
    outlier_mad_k: float = 10.0  # robust rule when no range is configured
    categorical_impute: str = "minor"  # "minor" (the paper) or "mode"

    @classmethod
    def from_config(cls, entry: dict[str, Any] | None) -> CleaningOptions:
        entry = entry or {}
        opts = cls(**{k: entry[k] for k in ("numeric_threshold", "outlier_mad_k",
                                            "categorical_impute") if k in entry})
        if opts.categorical_impute not in ("minor", "mode"):
            raise ConfigError(
                f"preprocess.categorical_impute must be 'minor' or 'mode', "
                f"not {opts.categorical_impute!r}"
            )
        return opts


def validate_target(df: pd.DataFrame, target: str, positive: str, where: str = "") -> pd.DataFrame:
    """Drop unlabelled rows and insist on exactly two classes, one of them ``positive``."""
    if target not in df.columns:
        raise DataError(f"{where}target column {target!r} does not exist; columns are "
                        f"{list(df.columns)}")
    labelled = df[df[target].notna() & (df[target].astype(str) != "")].copy()
    labelled[target] = labelled[target].astype(str)
    classes = sorted(labelled[target].unique())
    if len(classes) < 2:
        raise DataError(
            f"{where}target {target!r} has a single class {classes}; a binary classifier needs "
            f"two. Check the file and the target column."
        )
    if len(classes) > 2:
        raise DataError(
            f"{where}target {target!r} has {len(classes)} classes {classes[:10]}; poisonbench "
            f"handles binary targets. Map or drop the extra labels before running."
        )
    if positive not in classes:
        raise DataError(
            f"{where}positive label {positive!r} is not among the target's classes {classes}; "
            f"fix the dataset's 'positive' in config.yaml."
        )
    return labelled


def assign_types(
    df: pd.DataFrame, target: str, declared: dict[str, str], threshold: float
) -> dict[str, str]:
    """Declared types win; otherwise a column is numeric when ``threshold`` of its values parse."""
    unknown = [c for c in declared if c not in df.columns]
    if unknown:
        raise ConfigError(f"types given for columns that do not exist: {unknown}; columns are "
                          f"{list(df.columns)}")
    bad = {c: t for c, t in declared.items() if t not in (NUMERIC, CATEGORICAL)}
    if bad:
        raise ConfigError(f"types must be 'numeric' or 'categorical', got {bad}")
    types: dict[str, str] = {}
    for col in df.columns:
        if col == target:
            continue
        if col in declared:
            types[col] = declared[col]
            continue
        observed = df[col].dropna()
        parsed = pd.to_numeric(observed, errors="coerce")
        share = parsed.notna().mean() if len(observed) else 0.0
        types[col] = NUMERIC if share >= threshold else CATEGORICAL
    return types


def coerce_types(df: pd.DataFrame,
                 types: dict[str, str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Numeric columns become float; unparseable values become missing and are counted."""
    out = df.copy()
    coerced: dict[str, int] = {}
    for col, kind in types.items():
        if kind == NUMERIC:
            before = out[col].notna()
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
            coerced[col] = int((before & out[col].isna()).sum())
        else:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
            coerced[col] = 0
    return out, coerced


def valid_range(
    values: pd.Series, configured: tuple[float | None, float | None] | None, mad_k: float
) -> tuple[float, float]:
    """The configured [min, max], or the robust rule median +/- k * 1.4826 * MAD (MAD > 0)."""
    if configured is not None:
        lo, hi = configured
        return (-np.inf if lo is None else float(lo), np.inf if hi is None else float(hi))
    observed = values.dropna()
    if observed.empty:
        return (-np.inf, np.inf)
    median = float(observed.median())
    mad = float((observed - median).abs().median()) * 1.4826
    if mad == 0.0:
        return (-np.inf, np.inf)
    return (median - mad_k * mad, median + mad_k * mad)


def flag_numeric_outliers(
    df: pd.DataFrame,
    numeric: list[str],
    ranges: dict[str, tuple[float | None, float | None]],
    mad_k: float,
) -> tuple[pd.DataFrame, dict[str, int], dict[str, list[float]]]:
    out = df.copy()
    counts: dict[str, int] = {}
    used: dict[str, list[float]] = {}
    for col in numeric:
        lo, hi = valid_range(out[col], ranges.get(col), mad_k)
        mask = out[col].notna() & ((out[col] < lo) | (out[col] > hi))
        counts[col] = int(mask.sum())
        used[col] = [lo, hi]
        out.loc[mask, col] = np.nan
    return out, counts, used


def flag_unknown_categories(
    df: pd.DataFrame, categorical: list[str], known: dict[str, tuple[str, ...]]
) -> tuple[pd.DataFrame, dict[str, int]]:
    out = df.copy()
    counts: dict[str, int] = {}
    for col in categorical:
        if col not in known:
            counts[col] = 0
            continue
        mask = out[col].notna() & ~out[col].isin(known[col])
        counts[col] = int(mask.sum())
        out.loc[mask, col] = None
    return out, counts


def _is_integral(values: pd.Series) -> bool:
    observed = values.dropna()
    return bool(len(observed)) and bool(np.all(np.equal(np.mod(observed, 1), 0)))


def impute_numeric_mean(
    df: pd.DataFrame, numeric: list[str]
) -> tuple[pd.DataFrame, dict[str, int], dict[str, float]]:
    """Fill with the mean of the available values; integer columns get the rounded mean."""
    out = df.copy()
    counts: dict[str, int] = {}
    fills: dict[str, float] = {}
    for col in numeric:
        missing = out[col].isna()
        integral = _is_integral(out[col])
        if out[col].notna().sum() == 0:
            raise DataError(f"numeric column {col!r} has no usable value at all; drop it or "
                            f"declare it categorical")
        fill = float(out[col].mean())
        if integral:
            fill = float(np.round(fill))
        counts[col] = int(missing.sum())
        fills[col] = fill
        out[col] = out[col].fillna(fill)
        if integral:
            out[col] = out[col].astype("int64")
    return out, counts, fills


def minor_value(values: pd.Series) -> str:
    """The least represented observed category (ties: the first in sorted order)."""
    counts = values.dropna().value_counts()
    least = counts[counts == counts.min()].index
    return sorted(map(str, least))[0]


def impute_categorical_minor(
    df: pd.DataFrame, categorical: list[str], how: str = "minor"
) -> tuple[pd.DataFrame, dict[str, int], dict[str, str]]:
    out = df.copy()
    counts: dict[str, int] = {}
    fills: dict[str, str] = {}
    for col in categorical:
        missing = out[col].isna()
        if out[col].notna().sum() == 0:
            raise DataError(f"categorical column {col!r} has no usable value at all; drop it")
        fill = minor_value(out[col]) if how == "minor" else str(out[col].mode().sort_values()[0])
        counts[col] = int(missing.sum())
        fills[col] = fill
        out[col] = out[col].where(~missing, fill).astype(str)
    return out, counts, fills


def drop_adjacent_duplicates(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Remove a row when it equals (every column) the row immediately above it."""
    if df.empty:
        return df.copy(), 0
    same_as_previous = df.eq(df.shift(1)).all(axis=1)
    same_as_previous.iloc[0] = False
    return df.loc[~same_as_previous].reset_index(drop=True), int(same_as_previous.sum())


def subsample(df: pd.DataFrame, target: str, n: int, seed: int) -> pd.DataFrame:
    """A stratified subsample of ``n`` rows that keeps the file's row order."""
    from sklearn.model_selection import train_test_split

    if n >= len(df):
        return df
    keep, _ = train_test_split(df.index.to_numpy(), train_size=n, stratify=df[target],
                               random_state=seed)
    return df.loc[np.sort(keep)].reset_index(drop=True)


def preprocess(
    raw: pd.DataFrame, spec: DatasetSpec, options: CleaningOptions, seed: int = 0
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Clean ``raw`` as the paper describes; return the clean frame and a report of changes."""
    where = f"dataset {spec.name!r}: "
    n_raw = len(raw)
    df = validate_target(raw, spec.target, spec.positive, where)
    n_unlabelled = n_raw - len(df)
    if spec.max_rows:
        df = subsample(df.reset_index(drop=True), spec.target, int(spec.max_rows), seed)
    try:
        types = assign_types(df, spec.target, spec.types, options.numeric_threshold)
    except ConfigError as exc:
        raise ConfigError(f"datasets.{spec.name}: {exc}") from None
    numeric = [c for c, t in types.items() if t == NUMERIC]
    categorical = [c for c, t in types.items() if t == CATEGORICAL]
    unknown_ranges = [c for c in list(spec.ranges) + list(spec.categories) if c not in types]
    if unknown_ranges:
        raise ConfigError(f"datasets.{spec.name}: ranges/categories name unknown predictors "
                          f"{unknown_ranges}; predictors are {list(types)}")

    missing_raw = {c: int(df[c].isna().sum()) for c in types}
    df, coerced = coerce_types(df, types)
    df, outliers, used_ranges = flag_numeric_outliers(df, numeric, spec.ranges,
                                                      options.outlier_mad_k)
    df, unknown = flag_unknown_categories(df, categorical, spec.categories)
    df, num_imputed, num_fill = impute_numeric_mean(df, numeric)
    df, cat_imputed, cat_fill = impute_categorical_minor(df, categorical,
                                                         options.categorical_impute)
    df, n_dupes = drop_adjacent_duplicates(df)
    validate_target(df, spec.target, spec.positive, where)

    columns = {}
    for col, kind in types.items():
        columns[col] = {
            "type": kind,
            "missing_in_raw": missing_raw[col],
            "not_coercible": coerced[col],
            "outliers_replaced": outliers.get(col, unknown.get(col, 0)),
            "imputed": num_imputed.get(col, cat_imputed.get(col, 0)),
            "fill_value": num_fill.get(col, cat_fill.get(col)),
        }
        if kind == NUMERIC:
            columns[col]["valid_range"] = [None if not np.isfinite(v) else v
                                           for v in used_ranges[col]]
            columns[col]["integer"] = bool(df[col].dtype.kind == "i")
    report = {
        "dataset": spec.name,
        "rows_raw": n_raw,
        "rows_unlabelled_dropped": n_unlabelled,
        "rows_after_subsample": n_raw - n_unlabelled if not spec.max_rows else min(
            int(spec.max_rows), n_raw - n_unlabelled),
        "adjacent_duplicates_removed": n_dupes,
        "rows_clean": len(df),
        "target": spec.target,
        "positive": spec.positive,
        "numeric": numeric,
        "categorical": categorical,
        "columns": columns,
        "options": {"numeric_threshold": options.numeric_threshold,
                    "outlier_mad_k": options.outlier_mad_k,
                    "categorical_impute": options.categorical_impute},
    }
    log.info("%s%d raw rows -> %d clean rows", where, n_raw, len(df))
    clean = df[[*types, spec.target]].reset_index(drop=True)
    clean[ORIGIN] = np.arange(len(clean), dtype=np.int64)
    return clean, report
