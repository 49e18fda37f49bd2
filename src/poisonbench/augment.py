"""Balancing the minority class: random oversampling, SMOTE-NC and CTGAN (the paper's CTGAN-MOS).

Every oversampler has one contract (``oversample``): the input rows come back unchanged and in
order, followed by new minority rows only, until the imbalance ratio reaches ``target_ir``. New
rows carry ``_origin = -1`` when they are synthetic and the source row's ``_origin`` when they are
copies (random oversampling), so later stages can tell real from synthetic rows.

Generated rows are forced into the observed domain of the real minority rows
(``enforce_domain``): a synthetic row with a negative age or an unseen category is a giveaway that
a classifier can exploit ("synthetic means minority"), so every correction is counted and
reported rather than hidden.

Placement. The paper augments the whole dataset and splits afterwards (``placement: paper``), so
synthetic rows reach the test set and are scored as if they were real. ``placement: honest``
splits first and augments the training split only (``augment_training_split``); the test set then
holds real rows only. Both are offered so that the difference can be measured.

torch and ctgan are imported inside the functions that need them: they are slow to import and
most jobs never touch them.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from poisonbench.errors import ConfigError, DataError
from poisonbench.features import ORIGIN, FeatureSpec
from poisonbench.imbalance import class_counts, imbalance_ratio
from poisonbench.io import atomic_path

log = logging.getLogger(__name__)

OVERSAMPLERS = ("none", "ros", "smotenc", "ctgan")
PLACEMENTS = ("paper", "honest")
DEVICES = ("auto", "cpu", "cuda")
CTGAN_PAC = 10  # ctgan's default ``pac``: the discriminator sees packs of 10 rows

_KEYS = ("method", "target_ir", "placement", "epochs", "batch_size", "device", "k_neighbors",
         "log_every")


@dataclass(frozen=True)
class AugmentSpec:
    """One ``augment:`` config entry. Only the keys of its method matter; the rest are ignored."""

    name: str
    method: str = "none"
    target_ir: float = 1.0
    placement: str = "paper"
    epochs: int = 300
    batch_size: int = 500
    device: str = "auto"
    k_neighbors: int = 5
    log_every: int = 10

    @classmethod
    def from_config(cls, name: str, entry: dict[str, Any] | None) -> AugmentSpec:
        where = f"augment.{name}"
        entry = dict(entry or {})
        unknown = sorted(set(entry) - set(_KEYS))
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {unknown}; allowed keys are {list(_KEYS)}")
        method = entry.get("method", name if name in OVERSAMPLERS else None)
        if method not in OVERSAMPLERS:
            raise ConfigError(f"{where}.method: {method!r} is not an oversampler; choose one of "
                              f"{list(OVERSAMPLERS)}")
        values: dict[str, Any] = {"name": name, "method": method}
        if "target_ir" in entry:
            values["target_ir"] = _number(entry["target_ir"], f"{where}.target_ir", float, 1.0,
                                          "a number >= 1 (1.0 means |c_M| = |c_m|)")
        if "placement" in entry:
            if entry["placement"] not in PLACEMENTS:
                raise ConfigError(f"{where}.placement: {entry['placement']!r} is not one of "
                                  f"{list(PLACEMENTS)}")
            values["placement"] = entry["placement"]
        if "device" in entry:
            if entry["device"] not in DEVICES:
                raise ConfigError(f"{where}.device: {entry['device']!r} is not one of "
                                  f"{list(DEVICES)}")
            values["device"] = entry["device"]
        for key in ("epochs", "k_neighbors", "log_every"):
            if key in entry:
                values[key] = _number(entry[key], f"{where}.{key}", int, 1, "an integer >= 1")
        if "batch_size" in entry:
            size = _number(entry["batch_size"], f"{where}.batch_size", int, CTGAN_PAC,
                           f"a positive multiple of {CTGAN_PAC}")
            if size % CTGAN_PAC:
                raise ConfigError(f"{where}.batch_size: {size} must be a multiple of {CTGAN_PAC} "
                                  f"(CTGAN's discriminator packs {CTGAN_PAC} rows together)")
            values["batch_size"] = size
        return cls(**values)

    def params(self) -> dict[str, Any]:
        """The resolved parameters that affect the output (for records and Snakemake params)."""
        out: dict[str, Any] = {"method": self.method, "target_ir": self.target_ir,
                               "placement": self.placement}
        if self.method == "smotenc":
            out["k_neighbors"] = self.k_neighbors
        if self.method == "ctgan":
            out.update(epochs=self.epochs, batch_size=self.batch_size, device=self.device)
        return out


def _number(value: Any, where: str, kind: type, low: float, what: str) -> Any:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and kind is int:
        ok = float(value).is_integer()
    if ok:
        ok = math.isfinite(value) and value >= low
    if not ok:
        raise ConfigError(f"{where}: {value!r} is not {what}")
    return kind(value)


# --------------------------------------------------------------------------- counting


def rows_needed(y: pd.Series | np.ndarray, minority: str, target_ir: float) -> int:
    """The smallest k >= 0 with c_M / (c_m + k) <= target_ir (1.0 gives c_M - c_m)."""
    if not target_ir >= 1 or not math.isfinite(target_ir):
        raise ConfigError(f"target_ir must be a finite number >= 1, got {target_ir}")
    counts = class_counts(pd.Series(np.asarray(y)))
    if str(minority) not in counts:
        raise DataError(f"minority label {minority!r} is not among the classes {list(counts)}")
    c_m = counts[str(minority)]
    others = [v for k, v in counts.items() if k != str(minority)]
    if not others:
        raise DataError(f"only the class {minority!r} is present; balancing needs two classes")
    c_big = max(others)
    k = max(0, math.ceil(c_big / target_ir) - c_m)
    # correct float rounding in the division so that the definition holds exactly
    while k > 0 and c_big / (c_m + k - 1) <= target_ir:
        k -= 1
    while c_big / (c_m + k) > target_ir:
        k += 1
    return k


def minority_label(y: pd.Series) -> str:
    """The smaller class (ties: the label that sorts last, matching ``imbalance.profile``)."""
    counts = class_counts(y)
    if len(counts) != 2:
        raise DataError(f"balancing needs exactly two classes, found {list(counts)}")
    (a, ca), (b, cb) = counts.items()
    return a if ca < cb else b


def ensure_origin(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with an int64 ``_origin``; a frame without one is a clean frame (row i -> i)."""
    if ORIGIN in df.columns:
        origin = df[ORIGIN]
        if origin.isna().any() or not pd.api.types.is_integer_dtype(origin):
            raise DataError(f"column {ORIGIN!r} must hold integers (clean row index, -1 for "
                            f"synthetic rows)")
        return df
    out = df.copy()
    out[ORIGIN] = np.arange(len(df), dtype=np.int64)
    return out


# --------------------------------------------------------------------------- domain validity


def _is_integer_column(s: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(s) and not pd.api.types.is_bool_dtype(s)


def enforce_domain(
    synthetic: pd.DataFrame, reference: pd.DataFrame, features: FeatureSpec
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Force generated rows into the observed domain of ``reference`` (real rows) and count fixes.

    Numeric values are clipped into the reference's [min, max]; integer columns (int64 in the
    reference) are rounded and cast to int64; missing numeric values get the reference mean;
    categories outside the reference's set (or missing) become the reference's most frequent
    category; the target becomes the reference's label when the reference holds a single class
    (the minority rows). The result has the reference's columns, order and dtypes.
    """
    out = pd.DataFrame(index=pd.RangeIndex(len(synthetic)))
    columns: dict[str, dict[str, int]] = {}
    touched = np.zeros(len(synthetic), dtype=bool)
    outside = np.zeros(len(synthetic), dtype=bool)  # touched for more than integer rounding
    missing_cols = [c for c in features.predictors if c not in synthetic.columns]
    if missing_cols:
        raise DataError(f"generated rows lack the columns {missing_cols}")
    if len(reference) == 0:
        raise DataError("the reference frame for domain checks is empty")

    for col in features.numeric:
        ref = reference[col]
        values = pd.to_numeric(synthetic[col], errors="coerce").to_numpy(dtype=np.float64)
        lo, hi = float(ref.min()), float(ref.max())
        missing = ~np.isfinite(values)
        values = np.where(missing, float(ref.mean()), values)
        low, high = values < lo, values > hi
        values = np.clip(values, lo, hi)
        counts = {"missing": int(missing.sum()), "clipped_low": int(low.sum()),
                  "clipped_high": int(high.sum())}
        fixed = missing | low | high
        outside |= fixed
        if _is_integer_column(ref):
            rounded = (values != np.rint(values)) & ~missing  # an imputed mean is not counted twice
            values = np.rint(values)
            counts["rounded"] = int(rounded.sum())
            fixed |= rounded
            out[col] = values.astype(np.int64)
        else:
            out[col] = values.astype(np.float64)
        touched |= fixed
        columns[col] = counts

    for col in features.categorical:
        ref = reference[col].astype(str)
        known = set(ref.unique())
        fallback = sorted(ref.value_counts().items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        raw = synthetic[col]
        missing = raw.isna().to_numpy()
        values = raw.astype(str).to_numpy(dtype=object)
        unknown = ~missing & ~np.isin(values, list(known))
        bad = missing | unknown
        values[bad] = fallback
        out[col] = pd.Series(values, dtype=object)
        columns[col] = {"missing": int(missing.sum()), "unknown_category": int(unknown.sum())}
        touched |= bad
        outside |= bad

    target = features.target
    labels = reference[target].astype(str).unique()
    if len(labels) == 1:
        label = str(labels[0])
        if target in synthetic.columns:
            wrong = (synthetic[target].astype(str) != label).to_numpy()
            columns[target] = {"relabelled": int(wrong.sum())}
            touched |= wrong
            outside |= wrong
        out[target] = pd.Series([label] * len(synthetic), dtype=object)
    elif target in synthetic.columns:
        out[target] = synthetic[target].astype(str).to_numpy(dtype=object)
    else:
        raise DataError(f"generated rows lack the target {target!r} and the reference holds "
                        f"{len(labels)} classes, so the label cannot be inferred")

    if ORIGIN in reference.columns:
        out[ORIGIN] = (synthetic[ORIGIN].to_numpy(dtype=np.int64) if ORIGIN in synthetic.columns
                       else np.full(len(synthetic), -1, dtype=np.int64))
    order = [c for c in reference.columns if c in out.columns]
    report = {
        "columns": columns,
        "corrections": int(sum(sum(c.values()) for c in columns.values())),
        "rows_corrected": int(touched.sum()),
        "rows_out_of_domain": int(outside.sum()),
        "rows": len(synthetic),
    }
    return out[order], report


# --------------------------------------------------------------------------- CTGAN


def resolve_device(device: str) -> str:
    """``auto``: ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda`` without one is an error."""
    import torch

    if device not in DEVICES:
        raise ConfigError(f"device {device!r} is not one of {list(DEVICES)}")
    has_cuda = bool(torch.cuda.is_available())
    if device == "auto":
        return "cuda" if has_cuda else "cpu"
    if device == "cuda" and not has_cuda:
        raise ConfigError("device 'cuda' was requested but torch sees no CUDA GPU; set the "
                          "augment entry's device to 'auto' or 'cpu'")
    return device


@contextmanager
def _one_torch_thread() -> Iterator[None]:
    """Run torch on one CPU thread, restoring the previous setting afterwards.

    Two reasons: float reductions depend on the thread count, so a fixed count keeps CTGAN's rows
    the same whatever machine or ``--cores`` runs the job; and with several jobs per machine,
    torch's spinning OpenMP threads oversubscribe the cores (measured on 2 cores with other jobs
    running: 4 Adult epochs took 37 s with 2 threads and 8 s with 1).
    """
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _loss_rows(model: Any) -> list[tuple[int, float, float]]:
    losses = getattr(model, "loss_values", None)
    if losses is None or len(losses) == 0:
        return []
    arr = losses.iloc[:, :3].to_numpy()
    return [(int(e), float(g), float(d)) for e, g, d in arr]


class _LossLogger:
    """Logs CTGAN's per-epoch losses while it trains.

    ctgan appends one row per epoch to ``model.loss_values`` (and would otherwise only report
    progress through a tqdm bar on stderr); a daemon thread polls that frame so that long
    trainings show progress in the job's log. Training itself is untouched.
    """

    def __init__(self, model: Any, epochs: int, log_every: int, poll_seconds: float = 2.0):
        self.model, self.epochs, self.every = model, epochs, max(1, int(log_every))
        self.poll = poll_seconds
        self.logged = 0
        self.start = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="ctgan-losses")

    def __enter__(self) -> _LossLogger:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if exc[0] is None:
            self._drain()

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            self._drain()

    def _drain(self) -> None:
        rows = _loss_rows(self.model)
        for epoch, g, d in rows[self.logged:]:
            done = epoch + 1
            if done % self.every == 0 or done in (1, self.epochs):
                log.info("ctgan epoch %d/%d: generator loss %.4f, discriminator loss %.4f "
                         "(logged at %.1f s)", done, self.epochs, g, d,
                         time.perf_counter() - self.start)
        self.logged = len(rows)


def train_ctgan(
    minority: pd.DataFrame,
    discrete_columns: list[str] | tuple[str, ...],
    epochs: int = 300,
    batch_size: int = 500,
    device: str = "auto",
    random_state: int = 0,
    log_every: int = 10,
) -> Any:
    """Train a CTGAN on the minority-class rows (CTGAN-MOS) and return it.

    Pass the predictor columns only: ``_origin`` is dropped here, the target must not be a
    column (it is constant in minority rows; the caller restores it). Numeric columns are fed as
    floats so that rounding to integers happens, and is counted, in ``enforce_domain``. The same
    ``random_state`` on the same device gives the same model (CPU, where torch runs on one thread
    for that reason; CUDA kernels may differ between runs).
    """
    import torch
    from ctgan import CTGAN

    data = minority.drop(columns=[ORIGIN], errors="ignore").reset_index(drop=True)
    if len(data) < 2:
        raise DataError(f"CTGAN needs at least 2 minority rows to train, got {len(data)}")
    if data.shape[1] == 0:
        raise DataError("CTGAN got no predictor columns to train on")
    discrete = [c for c in discrete_columns if c in data.columns]
    extra = [c for c in discrete_columns if c not in data.columns]
    if extra:
        raise DataError(f"discrete columns {extra} are not in the training frame")
    if data.isna().any().any():
        bad = [c for c in data.columns if data[c].isna().any()]
        raise DataError(f"CTGAN training rows have missing values in {bad}; clean the data first")
    for col in data.columns:
        if col in discrete:
            data[col] = data[col].astype(str)
        else:
            data[col] = data[col].astype(np.float64)
    if batch_size % CTGAN_PAC:
        raise ConfigError(f"batch_size {batch_size} must be a multiple of {CTGAN_PAC}")

    dev = resolve_device(device)
    model = CTGAN(epochs=int(epochs), batch_size=int(batch_size), enable_gpu=(dev == "cuda"),
                  verbose=False, pac=CTGAN_PAC)
    model.set_device(torch.device(dev))
    model.set_random_state(int(random_state))
    log.info("ctgan: training on %d minority rows x %d columns (%d discrete), %d epochs, "
             "batch %d, device %s, seed %d", len(data), data.shape[1], len(discrete), epochs,
             batch_size, dev, random_state)
    start = time.perf_counter()
    with _one_torch_thread(), _LossLogger(model, int(epochs), log_every):
        model.fit(data, discrete_columns=discrete)
    seconds = time.perf_counter() - start
    model.poisonbench_info = {  # travels with the pickled model
        "columns": list(data.columns),
        "discrete_columns": discrete,
        "rows": len(data),
        "epochs": int(epochs),
        "batch_size": int(batch_size),
        "device": dev,
        "random_state": int(random_state),
        "train_seconds": round(seconds, 3),
    }
    log.info("ctgan: trained in %.1f s (%.3f s per epoch)", seconds, seconds / max(epochs, 1))
    return model


def sample_ctgan(model: Any, n: int, random_state: int) -> pd.DataFrame:
    """``n`` rows from ``model``; reseeded first, so the same seed gives the same rows."""
    if n <= 0:
        info = getattr(model, "poisonbench_info", {})
        return pd.DataFrame(columns=info.get("columns", []))
    model.set_random_state(int(random_state))
    with _one_torch_thread():
        return model.sample(int(n)).reset_index(drop=True)


def save_ctgan(model: Any, path: str | Path) -> None:
    """Pickle the model with ctgan's own ``save`` (moved to CPU), atomically."""
    with atomic_path(path) as tmp:
        model.save(str(tmp))


def load_ctgan(path: str | Path, device: str = "auto") -> Any:
    import torch
    from ctgan import CTGAN

    if not Path(path).is_file():
        raise DataError(f"{path}: no CTGAN model file; rerun the training step")
    model = CTGAN.load(str(path))
    model.set_device(torch.device(resolve_device(device)))
    return model


def ctgan_training_frame(df: pd.DataFrame, target: str, positive: str) -> tuple[
        pd.DataFrame, FeatureSpec, str]:
    """The minority rows' predictors (what CTGAN trains on), the feature spec and the label."""
    features = FeatureSpec.from_frame(df, target, positive)
    minority = minority_label(df[target])
    rows = df[df[target].astype(str) == minority]
    return rows[features.predictors].reset_index(drop=True), features, minority


# --------------------------------------------------------------------------- oversampling


def _new_rows_ros(df: pd.DataFrame, y: pd.Series, minority: str, k: int,
                  random_state: int) -> pd.DataFrame:
    from imblearn.over_sampling import RandomOverSampler

    n_target = int((y == minority).sum()) + k
    sampler = RandomOverSampler(sampling_strategy={minority: n_target},
                                random_state=random_state)
    sampler.fit_resample(np.arange(len(df)).reshape(-1, 1), y.to_numpy())
    source = np.asarray(sampler.sample_indices_)[len(df):]
    return df.iloc[source].reset_index(drop=True)


def _new_rows_smote(df: pd.DataFrame, y: pd.Series, features: FeatureSpec, minority: str,
                    k: int, spec: AugmentSpec, random_state: int) -> tuple[pd.DataFrame, str]:
    from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC

    n_min = int((y == minority).sum())
    if n_min <= spec.k_neighbors:
        raise DataError(f"SMOTE needs more minority rows ({n_min}) than k_neighbors "
                        f"({spec.k_neighbors}); lower augment.{spec.name}.k_neighbors")
    strategy = {minority: n_min + k}
    # plain arrays, not a DataFrame: imblearn casts a DataFrame's output back to the input dtypes,
    # which would truncate interpolated integers silently instead of rounding them (counted)
    X = df[features.predictors].copy()
    for col in features.categorical:
        X[col] = X[col].astype(str)
    for col in features.numeric:
        X[col] = X[col].astype(np.float64)
    X = X.to_numpy(dtype=object)
    if features.numeric and features.categorical:
        cats = [features.predictors.index(c) for c in features.categorical]
        sampler: Any = SMOTENC(categorical_features=cats, k_neighbors=spec.k_neighbors,
                               sampling_strategy=strategy, random_state=random_state)
        variant = "SMOTENC"
    elif features.numeric:
        X = X.astype(np.float64)
        sampler = SMOTE(k_neighbors=spec.k_neighbors, sampling_strategy=strategy,
                        random_state=random_state)
        variant = "SMOTE"
    else:
        sampler = SMOTEN(k_neighbors=spec.k_neighbors, sampling_strategy=strategy,
                         random_state=random_state)
        variant = "SMOTEN"
    X_res, y_res = sampler.fit_resample(X, y.to_numpy())
    X_res = pd.DataFrame(np.asarray(X_res, dtype=object), columns=features.predictors)
    new = X_res.iloc[len(df):].reset_index(drop=True)
    if len(new) != k or not (np.asarray(y_res)[len(df):] == minority).all():
        raise DataError(f"{variant} returned {len(new)} new rows, expected {k} minority rows")
    new[features.target] = minority
    return new, variant


def oversample(
    df: pd.DataFrame,
    target: str,
    positive: str,
    spec: AugmentSpec,
    random_state: int,
    model: Any = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Add minority rows to ``df`` until its IR reaches ``spec.target_ir``.

    Returns ``df``'s rows unchanged and first (with an ``_origin`` added when missing: row i of a
    clean frame is origin i), then the new rows, plus a report. ``model`` is a trained CTGAN to
    sample from; without one, a CTGAN is trained on ``df``'s minority rows with ``random_state``.
    """
    if spec.method not in OVERSAMPLERS:
        raise ConfigError(f"augment.{spec.name}.method: {spec.method!r} is not one of "
                          f"{list(OVERSAMPLERS)}")
    df = ensure_origin(df.reset_index(drop=True))
    features = FeatureSpec.from_frame(df, target, positive)
    y = df[target].astype(str)
    counts_before = class_counts(y)
    minority = minority_label(y)
    report: dict[str, Any] = {
        "name": spec.name,
        "method": spec.method,
        "params": spec.params(),
        "random_state": int(random_state),
        "minority": minority,
        "rows_before": len(df),
        "class_counts_before": counts_before,
        "imbalance_ratio_before": imbalance_ratio(y),
        "target_ir": spec.target_ir,
    }
    k = 0 if spec.method == "none" else rows_needed(y, minority, spec.target_ir)
    new = df.iloc[:0]
    domain: dict[str, Any] | None = None
    minority_rows = df[y == minority]
    if k > 0 and spec.method == "ros":
        new = _new_rows_ros(df, y, minority, k, random_state)
    elif k > 0 and spec.method == "smotenc":
        raw, variant = _new_rows_smote(df, y, features, minority, k, spec, random_state)
        report["variant"] = variant
        new, domain = enforce_domain(raw, minority_rows, features)
    elif k > 0 and spec.method == "ctgan":
        if model is None:
            model = train_ctgan(minority_rows[features.predictors], features.categorical,
                                spec.epochs, spec.batch_size, spec.device, random_state,
                                spec.log_every)
            report["ctgan_trained_here"] = True
        else:
            report["ctgan_trained_here"] = False
        info = getattr(model, "poisonbench_info", {})
        columns = info.get("columns")
        if columns is not None and sorted(columns) != sorted(features.predictors):
            raise DataError(f"the CTGAN model was trained on columns {columns}, but the frame's "
                            f"predictors are {features.predictors}; retrain it on this data")
        # the training time stays out of the report so that equal inputs give equal reports
        report["ctgan"] = {k: v for k, v in info.items() if k != "train_seconds"}
        raw = sample_ctgan(model, k, random_state)
        new, domain = enforce_domain(raw, minority_rows, features)
    if spec.method in ("smotenc", "ctgan"):
        report["domain"] = domain or {"columns": {}, "corrections": 0, "rows_corrected": 0,
                                      "rows_out_of_domain": 0, "rows": 0}
    if len(new) and spec.method != "ros":
        new[ORIGIN] = np.int64(-1)
    out = pd.concat([df, new[df.columns]], ignore_index=True) if len(new) else df.copy()
    for col in df.columns:  # concat of empty/object frames must not change the dtypes
        if out[col].dtype != df[col].dtype:
            out[col] = out[col].astype(df[col].dtype)
    y_out = out[target].astype(str)
    report.update({
        "rows_added": int(len(out) - len(df)),
        "rows_after": len(out),
        "synthetic_rows": int((out[ORIGIN].to_numpy()[len(df):] == -1).sum()),
        "class_counts_after": class_counts(y_out),
        "imbalance_ratio_after": imbalance_ratio(y_out),
    })
    log.info("augment %s (%s): %d -> %d rows, IR %.3f -> %.3f", spec.name, spec.method,
             len(df), len(out), report["imbalance_ratio_before"], report["imbalance_ratio_after"])
    return out, report


def augment_training_split(
    train_df: pd.DataFrame,
    target: str,
    positive: str,
    spec: AugmentSpec,
    random_state: int,
    model: Any = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The honest placement: oversample a training split only; the test split stays real.

    Call it once per split seed after splitting. A CTGAN ``model`` passed here must have been
    trained on this training split's minority rows; one trained on the whole dataset has seen
    the test rows and leaks them into the synthetic rows.
    """
    out, report = oversample(train_df, target, positive, spec, random_state, model)
    report["placement"] = "honest"
    return out, report


def fit_minority_ctgan(df: pd.DataFrame, target: str, positive: str, spec: AugmentSpec,
                       random_state: int) -> Any:
    """CTGAN-MOS: a CTGAN trained on ``df``'s minority rows with the entry's settings."""
    rows, features, _ = ctgan_training_frame(df, target, positive)
    return train_ctgan(rows, features.categorical, spec.epochs, spec.batch_size, spec.device,
                       random_state, spec.log_every)


def augment_dataset(clean: pd.DataFrame, target: str, positive: str, spec: AugmentSpec,
                    random_state: int, model: Any = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The dataset-level step of the workflow.

    Paper placement: oversample the whole dataset now (synthetic rows can reach the test set).
    Honest placement: return the real rows unchanged; each training split is oversampled at fit
    time (``augment_training_split``), so test rows are real and unseen by the generator.
    """
    if spec.placement == "honest" and spec.method != "none":
        y = clean[target].astype(str)
        report = {"name": spec.name, "method": spec.method, "params": spec.params(),
                  "placement": "honest", "deferred_to_training_split": True,
                  "rows_before": len(clean), "rows_after": len(clean), "rows_added": 0,
                  "class_counts_before": class_counts(y),
                  "imbalance_ratio_before": imbalance_ratio(y)}
        return ensure_origin(clean.reset_index(drop=True)), report
    return oversample(clean, target, positive, spec, random_state, model)
