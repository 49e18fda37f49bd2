"""Poisoning operators built from the paper's eight omission/commission errors, and recipes.

The paper (Majeed & Hwang 2024, "Building a classifier with poisoned data") adopts eight errors
from Chanda & Banerjee: input OI4, OI5, CI2; processing OP2, OP3, CP2; output OO4, CO1, and says
in words what it did with them (reduced salient information, excluded diverse constituents,
deleted features, extreme imbalance, altered feature values, poor hyperparameters, improper
division, distorted distribution; Table 1 adds flipped labels). It gives no code, so each of those
phrases is one small operator here; where the mapping from phrase to code is ours, the operator's
docstring says so.

Every operator is a frozen dataclass of its parameters with ``apply(df, target, positive,
random_state) -> (frame, record)``. Operators never drop or reorder rows; they only append, so the
first ``n`` rows of D' are D's ``n`` rows (possibly with changed cells), and the record holds
exactly what is needed to undo the step (:func:`reconstruct`) and to map new clean rows into D's
poisoned coding (:func:`project`). Records are plain JSON (lists, dicts, str, int, float).

Processing and output errors do not touch the data: they return the frame unchanged and put their
effect under ``"evaluation"`` (overrides the evaluation stage applies, e.g. ``stratify: false``).
"""

from __future__ import annotations

import logging
import math
import types
import typing
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from poisonbench.errors import ConfigError, DataError
from poisonbench.features import ORIGIN, FeatureSpec
from poisonbench.imbalance import class_counts
from poisonbench.splits import derive_seed

log = logging.getLogger(__name__)

PROVENANCE_SCHEMA = "poisonbench.provenance/1"

PAPER_RECIPE: list[dict[str, Any]] = [
    {"op": "collapse_rare", "min_share": 0.02},
    {"op": "coarsen_domain", "bins": 8, "k": 2, "max_categories": 3},
    {"op": "drop_features", "k": 2, "by": "random"},
    {"op": "vary_feature_overlap", "k": 1, "fraction": 0.2},
    {"op": "distort_distribution", "mode": "swap", "k": 1, "rate": 0.1},
    {"op": "label_flip", "strategy": "model_guided", "rate": 1.0, "leaf": 20, "rounds": 3},
    {"op": "amplify_imbalance", "factor": 4.0},
    {"op": "poor_hyperparameters"},
    {"op": "improper_division"},
    {"op": "disable_guards"},
    {"op": "accuracy_only"},
]
"""The ``paper`` recipe (also in config.yaml as ``poisonings.paper``), in order:

1. ``collapse_rare min_share=0.02``               OI5  exclude diverse constituents
2. ``coarsen_domain bins=8 k=2 max_categories=3`` OI4  reduce salient information
3. ``drop_features k=2 by=random``                CI2  "randomly removed some features"
4. ``vary_feature_overlap k=1 fraction=0.2``      CO1  a fifth of each class takes the other
   class's values of the most salient numeric predictor
5. ``distort_distribution mode=swap k=1 rate=0.1`` CI2 alter values, distort the distribution
6. ``label_flip model_guided rate=1.0 leaf=20 rounds=3`` CI2 flip every label that a smooth
   out-of-fold surrogate disagrees with, three rounds; no class below 0.5 % of the rows
7. ``amplify_imbalance factor=4``                 CI2  extreme imbalance: 3 copies per majority row
8. ``poor_hyperparameters``                       CP2  random parameter values
9. ``improper_division``                          OP2  unstratified split after duplication
10. ``disable_guards``                            OP3  no stop on a missing class / collapse
11. ``accuracy_only``                             OO4  hide the confusion matrix

Steps 1-5 damage what the features say about the label; step 6 then rewrites the labels to what
the damaged features can express, so they become easy to learn; step 7 makes the majority
dominate and fills any test split with copies of training rows. Together they give the paper's
near-perfect accuracy on D' while a model trained on D' does poorly on clean rows it never saw.
Steps 8-11 change only how D' is evaluated. (Placing step 4 after step 6 keeps more class overlap
in D' but costs up to 1.7 points of accuracy on Adult, below the paper's 99 %.)
"""


# --------------------------------------------------------------------------------------------
# small helpers


def _py(values: Any) -> list[Any]:
    """Plain-Python list (JSON-safe) of a Series / array."""
    return [v.item() if isinstance(v, np.generic) else v for v in pd.Series(values).tolist()]


def _other_label(df: pd.DataFrame, target: str, positive: str) -> str:
    return FeatureSpec.from_frame(df, target, positive).labels(df)[0]


def _flip_values(labels: np.ndarray, positive: str, negative: str) -> np.ndarray:
    return np.where(labels == positive, negative, positive).astype(object)


def _majority_minority(y: pd.Series) -> tuple[str, str]:
    counts = class_counts(y)
    if len(counts) < 2:
        raise DataError(f"the target holds a single class {list(counts)}; this operator needs "
                        f"both classes")
    ordered = sorted(counts, key=lambda k: (-counts[k], k))
    return ordered[0], ordered[-1]


def _ordinal(df: pd.DataFrame, spec: FeatureSpec) -> np.ndarray:
    """Predictors as floats; categoricals as codes of their sorted categories."""
    out = np.empty((len(df), len(spec.predictors)), dtype=np.float64)
    for j, col in enumerate(spec.predictors):
        if col in spec.numeric:
            out[:, j] = df[col].to_numpy(dtype=np.float64)
        else:
            values = df[col].astype(str).to_numpy()
            _, codes = np.unique(values, return_inverse=True)
            out[:, j] = codes
    return out


def salience(df: pd.DataFrame, target: str, positive: str, random_state: int,
             max_rows: int = 20000) -> dict[str, float]:
    """Mutual information of each predictor with the target (sklearn's estimator, fixed seed).

    Categoricals are ordinal-coded and marked discrete. Frames above ``max_rows`` are estimated on
    a seeded subsample so that a large amplified frame stays cheap; ties keep column order.
    """
    from sklearn.feature_selection import mutual_info_classif

    spec = FeatureSpec.from_frame(df, target, positive)
    if not spec.predictors:
        return {}
    X = _ordinal(df, spec)
    _, y = spec.xy(df)
    if len(y) > max_rows:
        pick = np.sort(np.random.default_rng(random_state).choice(len(y), max_rows,
                                                                  replace=False))
        X, y = X[pick], y[pick]
    discrete = np.array([c in spec.categorical for c in spec.predictors])
    if len(np.unique(y)) < 2:
        return dict.fromkeys(spec.predictors, 0.0)
    mi = mutual_info_classif(X, y, discrete_features=discrete, random_state=random_state)
    return {c: float(v) for c, v in zip(spec.predictors, mi, strict=True)}


def _most_salient(scores: dict[str, float], columns: list[str], k: int) -> list[str]:
    """The ``k`` columns (0 = all) with the highest score, in descending order of score."""
    ranked = sorted(columns, key=lambda c: (-scores.get(c, 0.0), columns.index(c)))
    return ranked if k == 0 else ranked[:k]


def _is_int(series: pd.Series) -> bool:
    return series.dtype.kind in "iu"


def _as_dtype(values: np.ndarray, like: pd.Series) -> np.ndarray:
    """Values cast back to ``like``'s dtype; integer columns are rounded so they stay integral."""
    if _is_int(like):
        return np.rint(values).astype(like.dtype)
    return values.astype(like.dtype)


def _cell_changes(before: pd.Series, after: pd.Series) -> dict[str, Any] | None:
    """The old values of the cells that differ (or the whole old column when most differ)."""
    b = before.to_numpy(dtype=object)
    a = after.to_numpy(dtype=object)
    diff = np.flatnonzero(b != a)
    if len(diff) == 0:
        return None
    if len(diff) > len(b) // 2:
        return {"positions": None, "old": _py(before)}
    return {"positions": diff.tolist(), "old": _py(before.iloc[diff])}


class _Record:
    """Collects what one operator did, in the shape :func:`reconstruct` reads."""

    def __init__(self, op: Operator, df: pd.DataFrame) -> None:
        self.data: dict[str, Any] = {
            "op": op.name, "code": op.code, "params": op.params(),
            "rows_before": len(df), "columns_before": [str(c) for c in df.columns],
            "dtypes_before": {str(c): str(df[c].dtype) for c in df.columns},
        }

    def added(self, sources: np.ndarray, origins: np.ndarray | None, jittered: bool) -> None:
        if len(sources):
            self.data["rows_added"] = {
                "count": len(sources), "source_positions": [int(i) for i in sources],
                "origins": None if origins is None else [int(o) for o in origins],
                "jittered": jittered}

    def flipped(self, positions: np.ndarray, old: np.ndarray, new: np.ndarray) -> None:
        order = np.argsort(positions, kind="stable")
        self.data["labels_flipped"] = {
            "count": len(positions), "positions": [int(p) for p in positions[order]],
            "old": [str(v) for v in old[order]], "new": [str(v) for v in new[order]]}

    def dropped(self, col: str, values: pd.Series) -> None:
        self.data.setdefault("columns_dropped", {})[col] = {"values": _py(values)}

    def recoded(self, col: str, before: pd.Series, after: pd.Series,
                mapping: dict[str, Any]) -> None:
        change = _cell_changes(before, after)
        entry = {"mapping": mapping, **(change or {"positions": [], "old": []})}
        self.data.setdefault("columns_recoded", {})[col] = entry

    def changed(self, col: str, before: pd.Series, after: pd.Series) -> None:
        change = _cell_changes(before, after)
        if change is not None:
            self.data.setdefault("values_changed", {})[col] = change

    def evaluation(self, overrides: dict[str, Any]) -> None:
        self.data["evaluation"] = overrides

    def detail(self, **kw: Any) -> None:
        self.data.setdefault("details", {}).update(kw)

    def finish(self, out: pd.DataFrame) -> dict[str, Any]:
        self.data["rows_after"] = len(out)
        self.data["columns_after"] = [str(c) for c in out.columns]
        return self.data


def _append(df: pd.DataFrame, sources: np.ndarray) -> pd.DataFrame:
    """Copies of rows ``sources`` appended after ``df`` (``_origin`` travels with the copy)."""
    copies = df.iloc[sources]
    return pd.concat([df, copies], ignore_index=True)


# --------------------------------------------------------------------------------------------
# operators


OPERATORS: dict[str, type[Operator]] = {}


def register(cls: type[Operator]) -> type[Operator]:
    OPERATORS[cls.name] = cls
    return cls


@dataclass(frozen=True)
class Operator:
    """Base: parameter checking and the apply/record protocol shared by all operators."""

    name: ClassVar[str] = ""
    code: ClassVar[str] = ""
    choices: ClassVar[dict[str, tuple[str, ...]]] = {}

    def params(self) -> dict[str, Any]:
        return asdict(self)

    def check(self) -> None:
        """Raise ``ValueError`` naming the parameter whose value is invalid."""
        hints = typing.get_type_hints(type(self))
        for f in fields(self):
            value = getattr(self, f.name)
            allowed = _allowed_types(hints[f.name])
            ok = any(isinstance(value, t) and not (isinstance(value, bool) and t is not bool)
                     for t in allowed)
            if not ok:
                names = "/".join("null" if t is type(None) else t.__name__ for t in allowed)
                raise ValueError(f"parameter {f.name!r} must be {names}, got {value!r}")
            if f.name in self.choices and value not in self.choices[f.name]:
                raise ValueError(f"parameter {f.name!r} must be one of "
                                 f"{list(self.choices[f.name])}, got {value!r}")
        self._check()

    def _check(self) -> None:
        """Operator-specific value checks."""

    def apply(self, df: pd.DataFrame, target: str, positive: str,
              random_state: int) -> tuple[pd.DataFrame, dict[str, Any]]:
        """D' (D's rows first, appended rows after) and the record that undoes this step."""
        try:
            self.check()
        except ValueError as exc:
            raise ConfigError(f"{self.name}: {exc}") from None
        if target not in df.columns:
            raise DataError(f"{self.name}: target column {target!r} is not in the frame")
        frame = df.reset_index(drop=True)
        record = _Record(self, frame)
        out = self._apply(frame.copy(), target, str(positive), int(random_state), record)
        return out, record.finish(out)

    def _apply(self, df: pd.DataFrame, target: str, positive: str, random_state: int,
               record: _Record) -> pd.DataFrame:
        raise NotImplementedError


def _allowed_types(hint: Any) -> tuple[type, ...]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = typing.get_args(hint)
    else:
        args = (hint,)
    out: list[type] = []
    for a in args:
        out.append(a)
        if a is float:
            out.append(int)
    return tuple(out)


def _need(cond: bool, message: str) -> None:
    if not cond:
        raise ValueError(message)


@register
@dataclass(frozen=True)
class LabelFlip(Operator):
    """Flipped class labels (Table 1, "Yes"): CI2, a commission on the input - our mapping.

    ``random`` flips round(rate x n) random labels; ``minority_to_majority`` flips that many
    minority labels (all of them at most). ``model_guided`` flips the labels that out-of-fold
    predictions of a small random forest (``trees``, ``folds``, ``leaf`` = min_samples_leaf)
    disagree with, surest first, for ``rounds`` rounds, so that the labels become a function the
    features can express: accuracy on D' becomes near-perfect while the model no longer knows the
    true labels. ``rate`` caps the flips (1.0 = every disagreement); no class is flipped below
    ``min_share`` of the rows, so both classes survive for splitting.
    """

    name: ClassVar[str] = "label_flip"
    code: ClassVar[str] = "CI2"
    choices: ClassVar[dict[str, tuple[str, ...]]] = {
        "strategy": ("random", "minority_to_majority", "model_guided")}

    strategy: str = "random"
    rate: float = 0.1
    trees: int = 50
    folds: int = 5
    leaf: int = 1
    rounds: int = 1
    min_share: float = 0.005

    def _check(self) -> None:
        _need(0 <= self.rate <= 1, f"parameter 'rate' must be in [0, 1], got {self.rate}")
        _need(self.trees >= 1, f"parameter 'trees' must be >= 1, got {self.trees}")
        _need(self.folds >= 2, f"parameter 'folds' must be >= 2, got {self.folds}")
        _need(self.leaf >= 1, f"parameter 'leaf' must be >= 1, got {self.leaf}")
        _need(self.rounds >= 1, f"parameter 'rounds' must be >= 1, got {self.rounds}")
        _need(0 <= self.min_share < 0.5,
              f"parameter 'min_share' must be in [0, 0.5), got {self.min_share}")

    def _apply(self, df, target, positive, random_state, record):
        original = df[target].astype(str).to_numpy(dtype=object)
        negative = _other_label(df, target, positive)
        n = len(df)
        count = round(self.rate * n)
        gen = np.random.default_rng(random_state)
        labels = original.copy()
        if self.strategy == "random":
            positions = gen.choice(n, size=count, replace=False) if count else np.array([], int)
            labels[positions] = _flip_values(labels[positions], positive, negative)
        elif self.strategy == "minority_to_majority":
            _, minority = _majority_minority(df[target])
            pool = np.flatnonzero(labels == minority)
            if count > len(pool):
                log.warning("label_flip: %d flips requested but the minority class has %d rows;"
                            " flipping all of them", count, len(pool))
            positions = gen.choice(pool, size=min(count, len(pool)), replace=False)
            labels[positions] = _flip_values(labels[positions], positive, negative)
            record.detail(requested=count)
        else:
            per_round = []
            floor = math.ceil(self.min_share * n)
            for r in range(self.rounds):
                budget = count - sum(per_round)
                if budget <= 0:
                    break
                seed = derive_seed(random_state, "round", r)
                candidates = self._disagreements(df.assign(**{target: labels}), target,
                                                 positive, seed)
                chosen = []
                sizes = {lab: int((labels == lab).sum()) for lab in (positive, negative)}
                for i in candidates:
                    if len(chosen) == budget:
                        break
                    if sizes[labels[i]] - 1 < floor:
                        continue
                    sizes[labels[i]] -= 1
                    chosen.append(i)
                chosen_arr = np.asarray(chosen, dtype=np.int64)
                labels[chosen_arr] = _flip_values(labels[chosen_arr], positive, negative)
                per_round.append(len(chosen))
                if not chosen:
                    break
            record.detail(flips_per_round=per_round)
        positions = np.flatnonzero(labels != original)
        df[target] = pd.Series(labels, dtype=df[target].dtype)
        record.flipped(positions, original[positions], labels[positions])
        log.info("label_flip %s: %d of %d labels flipped", self.strategy, len(positions), n)
        return df

    def _disagreements(self, df: pd.DataFrame, target: str, positive: str,
                       random_state: int) -> np.ndarray:
        """Rows whose label out-of-fold surrogate predictions disagree with, surest first."""
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        spec = FeatureSpec.from_frame(df, target, positive)
        X = _ordinal(df, spec)
        _, y = spec.xy(df)
        if len(np.unique(y)) < 2 or not spec.predictors:
            return np.array([], dtype=np.int64)
        if int(np.bincount(y).min()) < self.folds:
            log.warning("label_flip model_guided: a class has fewer than %d rows; no surrogate "
                        "can be fitted, nothing flipped", self.folds)
            return np.array([], dtype=np.int64)
        cv = StratifiedKFold(self.folds, shuffle=True, random_state=random_state)
        model = RandomForestClassifier(n_estimators=self.trees, random_state=random_state,
                                       min_samples_leaf=self.leaf, n_jobs=1)
        proba = cross_val_predict(model, X, y, cv=cv, method="predict_proba")[:, 1]
        predicted = (proba > 0.5).astype(np.int64)
        disagree = np.flatnonzero(predicted != y)
        confidence = np.abs(proba[disagree] - 0.5)
        return disagree[np.argsort(-confidence, kind="stable")]


@register
@dataclass(frozen=True)
class DropFeatures(Operator):
    """Deleted features ("randomly removed some features"): CI2 in the paper's list.

    ``by=salience`` removes the ``k`` predictors with the highest mutual information with the
    target, the most damaging choice; ``random`` is the paper's wording.
    """

    name: ClassVar[str] = "drop_features"
    code: ClassVar[str] = "CI2"
    choices: ClassVar[dict[str, tuple[str, ...]]] = {"by": ("random", "salience")}

    k: int = 1
    by: str = "random"

    def _check(self) -> None:
        _need(self.k >= 1, f"parameter 'k' must be >= 1, got {self.k}")

    def _apply(self, df, target, positive, random_state, record):
        spec = FeatureSpec.from_frame(df, target, positive)
        predictors = spec.predictors
        if self.k >= len(predictors):
            raise DataError(f"drop_features: k={self.k} would leave no predictor (the frame has "
                            f"{len(predictors)}); lower k")
        if self.by == "random":
            gen = np.random.default_rng(random_state)
            chosen = [predictors[i] for i in sorted(gen.choice(len(predictors), self.k,
                                                               replace=False))]
        else:
            scores = salience(df, target, positive, random_state)
            chosen = _most_salient(scores, predictors, self.k)
            record.detail(salience=scores)
        for col in chosen:
            record.dropped(col, df[col])
        log.info("drop_features: dropped %s", chosen)
        return df.drop(columns=chosen)


@register
@dataclass(frozen=True)
class CoarsenDomain(Operator):
    """Reduced salient information (Table 1 "Reduced", domain "Low"): OI4.

    Numeric predictors with more than ``bins`` distinct values are replaced by the median of
    their quantile bin (integers stay integral); the ``k`` most informative categoricals keep
    their ``max_categories - 1`` most frequent categories and merge the rest into the most
    frequent of the rest, so values stay within the observed domain.
    """

    name: ClassVar[str] = "coarsen_domain"
    code: ClassVar[str] = "OI4"

    bins: int = 5
    k: int = 2
    max_categories: int = 3

    def _check(self) -> None:
        _need(self.bins == 0 or self.bins >= 2,
              f"parameter 'bins' must be 0 (no binning) or >= 2, got {self.bins}")
        _need(self.k >= 0, f"parameter 'k' must be >= 0, got {self.k}")
        _need(self.max_categories >= 1,
              f"parameter 'max_categories' must be >= 1, got {self.max_categories}")

    def _apply(self, df, target, positive, random_state, record):
        spec = FeatureSpec.from_frame(df, target, positive)
        if self.bins:
            for col in spec.numeric:
                values = df[col].to_numpy(dtype=np.float64)
                if len(np.unique(values)) <= self.bins:
                    continue
                edges = np.unique(np.quantile(values, np.linspace(0, 1, self.bins + 1)))
                inner = edges[1:-1]
                idx = np.searchsorted(inner, values, side="right")
                reps = []
                for b in range(len(inner) + 1):
                    members = values[idx == b]
                    reps.append(float(np.median(members)) if len(members) else float(edges[b]))
                rep = _as_dtype(np.asarray(reps), df[col])
                after = pd.Series(rep[idx], dtype=df[col].dtype)
                mapping = {"kind": "bins", "inner_edges": [float(e) for e in inner],
                           "values": _py(pd.Series(rep))}
                record.recoded(col, df[col], after, mapping)
                df[col] = after
        if self.k and spec.categorical:
            scores = salience(df, target, positive, random_state)
            chosen = _most_salient(scores, list(spec.categorical), self.k)
            for col in chosen:
                counts = df[col].value_counts()
                if len(counts) <= self.max_categories:
                    continue
                ordered = sorted(counts.index, key=lambda v: (-counts[v], v))
                keep, rest = ordered[:self.max_categories - 1], ordered[self.max_categories - 1:]
                mapping = {str(v): str(v) for v in keep} | {str(v): str(rest[0]) for v in rest}
                after = df[col].map(mapping).astype(df[col].dtype)
                record.recoded(col, df[col], after, {"kind": "categories", "map": mapping})
                df[col] = after
            record.detail(merged=chosen)
        return df


@register
@dataclass(frozen=True)
class CollapseRare(Operator):
    """Excluded diverse constituents (Table 1 diversity "Moderate"): OI5.

    Categories holding less than ``min_share`` of a column become the column's most frequent
    category, so rare groups vanish from the data the model sees.
    """

    name: ClassVar[str] = "collapse_rare"
    code: ClassVar[str] = "OI5"

    min_share: float = 0.01

    def _check(self) -> None:
        _need(0 < self.min_share < 1,
              f"parameter 'min_share' must be in (0, 1), got {self.min_share}")

    def _apply(self, df, target, positive, random_state, record):
        spec = FeatureSpec.from_frame(df, target, positive)
        for col in spec.categorical:
            counts = df[col].value_counts()
            share = counts / len(df)
            mode = sorted(counts.index, key=lambda v: (-counts[v], v))[0]
            rare = sorted(str(v) for v in share.index[share < self.min_share] if v != mode)
            if not rare:
                continue
            mapping = {v: str(mode) for v in rare}
            after = df[col].map(lambda v, m=mapping: m.get(v, v)).astype(df[col].dtype)
            record.recoded(col, df[col], after, {"kind": "categories", "map": mapping})
            df[col] = after
        return df


@register
@dataclass(frozen=True)
class DistortDistribution(Operator):
    """Distorted true data distribution / altered feature values: CI2 - our mapping.

    ``shift`` adds ``shift`` standard deviations to the ``k`` most salient numeric predictors of
    positive rows (0 = all numeric; clipped to the observed range, integers kept integral).
    ``swap`` exchanges the values of the ``k`` most salient predictors (0 = all) between
    ``rate`` x min(class sizes) random positive/negative row pairs, which changes correlations and
    class-conditional distributions while leaving every marginal unchanged.
    """

    name: ClassVar[str] = "distort_distribution"
    code: ClassVar[str] = "CI2"
    choices: ClassVar[dict[str, tuple[str, ...]]] = {"mode": ("shift", "swap")}

    mode: str = "shift"
    shift: float = 0.5
    rate: float = 0.2
    k: int = 0
    clip: bool = True

    def _check(self) -> None:
        _need(0 <= self.rate <= 1, f"parameter 'rate' must be in [0, 1], got {self.rate}")
        _need(self.k >= 0, f"parameter 'k' must be >= 0, got {self.k}")
        _need(math.isfinite(self.shift), f"parameter 'shift' must be finite, got {self.shift}")

    def _apply(self, df, target, positive, random_state, record):
        spec = FeatureSpec.from_frame(df, target, positive)
        _, y = spec.xy(df)
        pool = list(spec.numeric) if self.mode == "shift" else spec.predictors
        if not pool:
            return df
        scores = salience(df, target, positive, random_state) if self.k else {}
        chosen = _most_salient(scores, pool, self.k)
        record.detail(columns=chosen)
        if self.mode == "shift":
            rows = y == 1
            for col in chosen:
                values = df[col].to_numpy(dtype=np.float64)
                moved = values.copy()
                moved[rows] += self.shift * float(np.std(values))
                if self.clip:
                    moved = np.clip(moved, values.min(), values.max())
                after = pd.Series(_as_dtype(moved, df[col]), dtype=df[col].dtype)
                record.changed(col, df[col], after)
                df[col] = after
            return df
        gen = np.random.default_rng(random_state)
        pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
        m = round(self.rate * min(len(pos), len(neg)))
        a = gen.choice(pos, m, replace=False)
        b = gen.choice(neg, m, replace=False)
        for col in chosen:
            values = df[col].to_numpy(copy=True)
            values[a], values[b] = df[col].to_numpy()[b], df[col].to_numpy()[a]
            after = pd.Series(values, dtype=df[col].dtype)
            record.changed(col, df[col], after)
            df[col] = after
        record.detail(pairs=m)
        return df


@register
@dataclass(frozen=True)
class AmplifyImbalance(Operator):
    """Extreme class imbalance (Table 1 "Very high"): CI2 - our mapping.

    Appends copies of majority-class rows until IR reaches ``target_ir`` or the majority grows by
    ``factor``; every majority row is copied as evenly as possible. With ``jitter`` > 0 the copies
    are near-copies (Gaussian noise of ``jitter`` std on numeric predictors, clipped to the
    observed range, integers kept integral). Copies in both train and test splits are what make a
    memorising model look perfect.
    """

    name: ClassVar[str] = "amplify_imbalance"
    code: ClassVar[str] = "CI2"

    target_ir: float | None = None
    factor: float | None = None
    jitter: float = 0.0

    def _check(self) -> None:
        _need((self.target_ir is None) != (self.factor is None),
              "set exactly one of 'target_ir' and 'factor'")
        _need(self.target_ir is None or self.target_ir >= 1,
              f"parameter 'target_ir' must be >= 1, got {self.target_ir}")
        _need(self.factor is None or self.factor >= 1,
              f"parameter 'factor' must be >= 1, got {self.factor}")
        _need(self.jitter >= 0, f"parameter 'jitter' must be >= 0, got {self.jitter}")

    def _apply(self, df, target, positive, random_state, record):
        majority, minority = _majority_minority(df[target])
        labels = df[target].astype(str).to_numpy()
        pool = np.flatnonzero(labels == majority)
        c_big, c_small = len(pool), int((labels == minority).sum())
        if self.target_ir is not None:
            extra = max(0, math.ceil(self.target_ir * c_small) - c_big)
        else:
            extra = round((float(self.factor) - 1) * c_big)
        gen = np.random.default_rng(random_state)
        full, rest = divmod(extra, c_big)
        parts = [gen.permutation(pool) for _ in range(full)]
        parts.append(np.sort(gen.choice(pool, rest, replace=False)))
        sources = np.concatenate(parts).astype(np.int64)
        out = _append(df, sources)
        if self.jitter > 0 and extra:
            spec = FeatureSpec.from_frame(df, target, positive)
            for col in spec.numeric:
                values = df[col].to_numpy(dtype=np.float64)
                noisy = out[col].to_numpy(dtype=np.float64)[len(df):]
                noisy = noisy + gen.normal(0.0, self.jitter * float(np.std(values)), extra)
                noisy = np.clip(noisy, values.min(), values.max())
                column = out[col].to_numpy(copy=True)
                column[len(df):] = _as_dtype(noisy, df[col])
                out[col] = pd.Series(column, dtype=df[col].dtype)
        origins = df[ORIGIN].to_numpy()[sources] if ORIGIN in df.columns else None
        record.added(sources, origins, self.jitter > 0)
        record.detail(majority=majority, minority=minority,
                      ir_before=c_big / c_small if c_small else None,
                      ir_after=(c_big + extra) / c_small if c_small else None)
        log.info("amplify_imbalance: %d majority copies appended (IR %.2f -> %.2f)", extra,
                 c_big / max(c_small, 1), (c_big + extra) / max(c_small, 1))
        return out


@register
@dataclass(frozen=True)
class InjectDuplicates(Operator):
    """Repetitive instances leaking across the split: CI2 - our mapping.

    Appends ``rate`` x n exact copies of random rows (without replacement while possible).
    """

    name: ClassVar[str] = "inject_duplicates"
    code: ClassVar[str] = "CI2"

    rate: float = 0.1

    def _check(self) -> None:
        _need(self.rate >= 0, f"parameter 'rate' must be >= 0, got {self.rate}")

    def _apply(self, df, target, positive, random_state, record):
        n = len(df)
        count = round(self.rate * n)
        gen = np.random.default_rng(random_state)
        sources = np.sort(gen.choice(n, count, replace=count > n)).astype(np.int64)
        out = _append(df, sources)
        origins = df[ORIGIN].to_numpy()[sources] if ORIGIN in df.columns else None
        record.added(sources, origins, False)
        return out


@register
@dataclass(frozen=True)
class VaryFeatureOverlap(Operator):
    """Models built "by varying feature overlaps" (Table 1 overlap "More"): CO1.

    In the ``k`` most salient numeric predictors (numeric and categorical with ``categorical``),
    a ``fraction`` of the rows of the moving ``classes`` move ``strength`` of the way to the value
    at the same quantile of the other class (an observed value when ``strength`` is 1); a moving
    categorical value is replaced, with probability ``strength``, by a draw from the other
    class's categories. The class-conditional distributions then overlap more.
    """

    name: ClassVar[str] = "vary_feature_overlap"
    code: ClassVar[str] = "CO1"
    choices: ClassVar[dict[str, tuple[str, ...]]] = {
        "classes": ("both", "majority", "minority")}

    k: int = 2
    fraction: float = 0.3
    strength: float = 1.0
    classes: str = "both"
    categorical: bool = False

    def _check(self) -> None:
        _need(self.k >= 0, f"parameter 'k' must be >= 0, got {self.k}")
        _need(0 <= self.fraction <= 1,
              f"parameter 'fraction' must be in [0, 1], got {self.fraction}")
        _need(0 <= self.strength <= 1,
              f"parameter 'strength' must be in [0, 1], got {self.strength}")

    def _apply(self, df, target, positive, random_state, record):
        spec = FeatureSpec.from_frame(df, target, positive)
        _, y = spec.xy(df)
        pool = spec.predictors if self.categorical else list(spec.numeric)
        if not pool or len(np.unique(y)) < 2:
            return df
        scores = salience(df, target, positive, random_state) if self.k else {}
        chosen = _most_salient(scores, pool, self.k)
        gen = np.random.default_rng(random_state)
        big = 1 if (y == 1).sum() > (y == 0).sum() else 0
        moving = {"both": (0, 1), "majority": (big,), "minority": (1 - big,)}[self.classes]
        movers = {c: np.sort(gen.choice(np.flatnonzero(y == c),
                                        round(self.fraction * int((y == c).sum())),
                                        replace=False)) for c in moving}
        for col in chosen:
            if col in spec.categorical:
                values = df[col].to_numpy(dtype=object)
                moved = values.copy()
                for c in moving:
                    rows = movers[c]
                    draws = gen.choice(values[y != c], len(rows))
                    take = gen.random(len(rows)) < self.strength
                    moved[rows[take]] = draws[take]
                after = pd.Series(moved, dtype=df[col].dtype)
            else:
                values = df[col].to_numpy(dtype=np.float64)
                moved = values.copy()
                for c in moving:
                    own, other = values[y == c], values[y != c]
                    rows = movers[c]
                    q = np.searchsorted(np.sort(own), values[rows], side="right") / len(own)
                    goal = np.quantile(other, np.clip(q, 0, 1), method="inverted_cdf")
                    moved[rows] = (1 - self.strength) * values[rows] + self.strength * goal
                after = pd.Series(_as_dtype(moved, df[col]), dtype=df[col].dtype)
            record.changed(col, df[col], after)
            df[col] = after
        record.detail(columns=chosen)
        return df


@register
@dataclass(frozen=True)
class PoorHyperparameters(Operator):
    """Random values in the parameters: CP2.

    Draws hyperparameters from extreme ranges without any validation - for random forests a tiny
    ntree in [``ntree_min``, ``ntree_max``] and mtry of 1 or all predictors; fully grown trees
    with a random splitter; weakly regularised SVM (C in [10, 316], kept moderate so fits on an
    amplified D' stay tractable) and LR (C in [100, 10000]) - and turns hyperparameter search
    off. The evaluation stage applies them (``evaluation.classifier_params`` per estimator).
    """

    name: ClassVar[str] = "poor_hyperparameters"
    code: ClassVar[str] = "CP2"

    ntree_min: int = 3
    ntree_max: int = 15

    def _check(self) -> None:
        _need(1 <= self.ntree_min <= self.ntree_max,
              f"parameters 'ntree_min'/'ntree_max' must satisfy 1 <= min <= max, got "
              f"{self.ntree_min}/{self.ntree_max}")

    def _apply(self, df, target, positive, random_state, record):
        gen = np.random.default_rng(random_state)
        params = {
            "random_forest": {
                "n_estimators": int(gen.integers(self.ntree_min, self.ntree_max + 1)),
                "max_features": [1, None][int(gen.integers(0, 2))]},
            "decision_tree": {"max_depth": None, "min_samples_leaf": 1,
                              "splitter": ["best", "random"][int(gen.integers(0, 2))]},
            "svm": {"C": float(10 ** gen.uniform(1, 2.5)), "gamma": "scale"},
            "logistic_regression": {"C": float(10 ** gen.uniform(2, 4))},
        }
        record.evaluation({"classifier_params": params, "hyperparameter_search": False})
        return df


@register
@dataclass(frozen=True)
class ImproperDivision(Operator):
    """Improper division of train and test data: OP2 - our mapping (an omitted check).

    The split ignores class proportions and is made after duplication, so copies of a row land
    in both train and test.
    """

    name: ClassVar[str] = "improper_division"
    code: ClassVar[str] = "OP2"

    stratify: bool = False
    after_duplication: bool = True

    def _apply(self, df, target, positive, random_state, record):
        record.evaluation({"stratify": self.stratify,
                           "split_after_duplication": self.after_duplication})
        return df


@register
@dataclass(frozen=True)
class DisableGuards(Operator):
    """No logic to stop execution in case of failure: OP3.

    Runs go on when a class is missing from a split or the model collapses to one class.
    """

    name: ClassVar[str] = "disable_guards"
    code: ClassVar[str] = "OP3"

    def _apply(self, df, target, positive, random_state, record):
        record.evaluation({"guards": False})
        return df


@register
@dataclass(frozen=True)
class AccuracyOnly(Operator):
    """Hidden confusion-matrix structure, accuracy reported alone: OO4."""

    name: ClassVar[str] = "accuracy_only"
    code: ClassVar[str] = "OO4"

    def _apply(self, df, target, positive, random_state, record):
        record.evaluation({"report": "accuracy_only"})
        return df


# --------------------------------------------------------------------------------------------
# recipes


def _build(step: dict[str, Any]) -> Operator:
    params = {k: v for k, v in step.items() if k != "op"}
    return OPERATORS[step["op"]](**params)


def validate_recipe(name: str, steps: list[dict]) -> None:
    """Raise ConfigError naming the recipe, the step and the bad op or parameter."""
    where = f"poisonings.{name}.steps"
    if not isinstance(steps, list):
        raise ConfigError(f"{where} must be a list of steps, got {type(steps).__name__}")
    for i, step in enumerate(steps):
        if not isinstance(step, dict) or "op" not in step:
            raise ConfigError(f"{where}[{i}] must be a mapping with an 'op' key, got {step!r}")
        op = step["op"]
        if op not in OPERATORS:
            raise ConfigError(f"{where}[{i}]: unknown op {op!r}; known ops are "
                              f"{sorted(OPERATORS)}")
        known = [f.name for f in fields(OPERATORS[op])]
        unknown = sorted(set(step) - {"op", *known})
        if unknown:
            raise ConfigError(f"{where}[{i}] ({op}): unknown parameter {unknown[0]!r}; {op} "
                              f"takes {known}")
        try:
            _build(step).check()
        except ValueError as exc:
            raise ConfigError(f"{where}[{i}] ({op}): {exc}") from None


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


def apply_recipe(df: pd.DataFrame, target: str, positive: str, steps: list[dict],
                 random_state: int) -> tuple[pd.DataFrame, dict]:
    """Apply ``steps`` in order, each with its own derived seed; return D' and its provenance."""
    validate_recipe("<recipe>", steps)
    if target not in df.columns:
        raise DataError(f"target column {target!r} is not in the frame; columns are "
                        f"{list(df.columns)}")
    frame = df.reset_index(drop=True)
    records: list[dict[str, Any]] = []
    evaluation: dict[str, Any] = {}
    for i, step in enumerate(steps):
        op = _build(step)
        seed = derive_seed(random_state, "poison", i, op.name)
        frame, record = op.apply(frame, target, positive, seed)
        record["step"] = i
        record["seed"] = seed
        records.append(record)
        _merge(evaluation, record.get("evaluation", {}))
    dropped = [c for r in records for c in r.get("columns_dropped", {})]
    provenance = {
        "schema": PROVENANCE_SCHEMA,
        "steps": [dict(s) for s in steps],
        "random_state": int(random_state),
        "target": target,
        "positive": str(positive),
        "operators": records,
        "evaluation": evaluation,
        "rows_before": len(df),
        "rows_after": len(frame),
        "rows_added": sum(r.get("rows_added", {}).get("count", 0) for r in records),
        "labels_flipped": sum(r.get("labels_flipped", {}).get("count", 0) for r in records),
        "columns_before": [str(c) for c in df.columns],
        "columns_after": [str(c) for c in frame.columns],
        "columns_dropped": dropped,
        "columns_recoded": sorted({c for r in records for c in r.get("columns_recoded", {})}),
        "values_changed": sorted({c for r in records for c in r.get("values_changed", {})}),
        "codes": sorted({r["code"] for r in records}),
    }
    return frame, provenance


def _restore(frame: pd.DataFrame, col: str, change: dict[str, Any], dtype: str) -> None:
    if change["positions"] is None:
        frame[col] = pd.Series(change["old"], dtype=object).astype(dtype)
        return
    values = frame[col].to_numpy(dtype=object).copy()
    if change["positions"]:
        values[np.asarray(change["positions"], dtype=np.int64)] = np.asarray(
            change["old"], dtype=object)
    frame[col] = pd.Series(values, dtype=object).astype(dtype)


def reconstruct(d_prime: pd.DataFrame, provenance: dict) -> pd.DataFrame:
    """Rebuild D exactly (values, dtypes, column order) by undoing each step in reverse."""
    if len(d_prime) != provenance["rows_after"] or [str(c) for c in d_prime.columns] != \
            provenance["columns_after"]:
        raise DataError(
            f"this frame ({len(d_prime)} rows, columns {list(d_prime.columns)}) is not the D' "
            f"the provenance describes ({provenance['rows_after']} rows, columns "
            f"{provenance['columns_after']}); pass the matching data.parquet")
    target = provenance["target"]
    frame = d_prime.reset_index(drop=True).copy()
    for record in reversed(provenance["operators"]):
        dtypes = record["dtypes_before"]
        frame = frame.iloc[:record["rows_before"]].reset_index(drop=True)
        for key in ("values_changed", "columns_recoded"):
            for col, change in record.get(key, {}).items():
                _restore(frame, col, change, dtypes[col])
        flips = record.get("labels_flipped")
        if flips and flips["count"]:
            _restore(frame, target, {"positions": flips["positions"], "old": flips["old"]},
                     dtypes[target])
        for col, entry in record.get("columns_dropped", {}).items():
            frame[col] = pd.Series(entry["values"], dtype=object).astype(dtypes[col])
        frame = frame[record["columns_before"]]
        frame = frame.astype({c: dtypes[c] for c in frame.columns})
    return frame


def project(clean: pd.DataFrame, provenance: dict) -> pd.DataFrame:
    """Map clean rows into D′'s coding (dropped columns, recoded values), leaving labels alone.

    Evaluation needs this to score a model trained on D′ against clean rows it never saw: the
    schema-level steps apply, the row-level poisoning (flips, swaps, shifts, copies) does not.
    """
    frame = clean.reset_index(drop=True).copy()
    for record in provenance["operators"]:
        for col, entry in record.get("columns_recoded", {}).items():
            mapping = entry["mapping"]
            if mapping["kind"] == "bins":
                idx = np.searchsorted(np.asarray(mapping["inner_edges"], dtype=np.float64),
                                      frame[col].to_numpy(dtype=np.float64), side="right")
                frame[col] = pd.Series(np.asarray(mapping["values"])[idx],
                                       dtype=frame[col].dtype)
            else:
                table = mapping["map"]
                frame[col] = frame[col].map(lambda v, t=table: t.get(v, v)).astype(
                    frame[col].dtype)
        dropped = [c for c in record.get("columns_dropped", {}) if c in frame.columns]
        frame = frame.drop(columns=dropped)
    return frame
