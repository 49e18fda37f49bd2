"""Oversamplers: exact target IR, domain validity, determinism, and the CTGAN life cycle."""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from poisonbench.augment import (
    AugmentSpec,
    augment_training_split,
    ctgan_training_frame,
    enforce_domain,
    load_ctgan,
    oversample,
    rows_needed,
    sample_ctgan,
    save_ctgan,
    train_ctgan,
)
from poisonbench.errors import ConfigError, DataError
from poisonbench.features import ORIGIN, FeatureSpec
from poisonbench.imbalance import class_counts, imbalance_ratio

TARGET, POSITIVE, MINORITY = "label", "yes", "yes"
METHODS = ("ros", "smotenc", "ctgan")


def toy_frame(n_major: int = 90, n_minor: int = 30, seed: int = 0) -> pd.DataFrame:
    """A mixed-type frame with IR 3; the minority lives in a narrower range than the majority."""
    rng = np.random.default_rng(seed)
    n = n_major + n_minor
    label = np.array(["no"] * n_major + ["yes"] * n_minor, dtype=object)
    rng.shuffle(label)
    minor = label == "yes"
    age = np.where(minor, rng.integers(50, 80, n), rng.integers(18, 90, n)).astype(np.int64)
    score = np.where(minor, rng.normal(5, 1, n), rng.normal(0, 2, n)).astype(np.float64)
    color = np.where(minor, rng.choice(["red", "green"], n),
                     rng.choice(["red", "green", "blue"], n)).astype(object)
    size = rng.choice(["S", "L"], n).astype(object)
    return pd.DataFrame({
        "age": age, "score": score, "color": color, "size": size, TARGET: label,
        ORIGIN: np.arange(100, 100 + 2 * n, 2, dtype=np.int64),  # not 0..n-1: must be kept
    })


@pytest.fixture(scope="module")
def toy() -> pd.DataFrame:
    return toy_frame()


@pytest.fixture(scope="module")
def toy_model(toy: pd.DataFrame):
    features = FeatureSpec.from_frame(toy, TARGET, POSITIVE)
    minority = toy[toy[TARGET] == MINORITY][features.predictors]
    return train_ctgan(minority, features.categorical, epochs=3, batch_size=100, device="cpu",
                       random_state=0, log_every=1)


def spec_for(method: str, target_ir: float = 1.0) -> AugmentSpec:
    entry = {"method": method, "target_ir": target_ir, "epochs": 3, "batch_size": 100,
             "device": "cpu", "k_neighbors": 5}
    return AugmentSpec.from_config(method, entry)


def run(df: pd.DataFrame, method: str, target_ir: float, seed: int, model=None):
    return oversample(df, TARGET, POSITIVE, spec_for(method, target_ir), seed,
                      model=model if method == "ctgan" else None)


def assert_valid_new_rows(out: pd.DataFrame, df: pd.DataFrame, method: str) -> None:
    n = len(df)
    new = out.iloc[n:]
    real_min = df[df[TARGET] == MINORITY]
    assert (new[TARGET] == MINORITY).all()
    assert list(out.columns) == list(df.columns)
    assert out.dtypes.equals(df.dtypes)
    for col in ("age", "score"):
        assert new[col].min() >= real_min[col].min()
        assert new[col].max() <= real_min[col].max()
    assert new["age"].dtype == np.int64
    for col in ("color", "size"):
        assert set(new[col]) <= set(real_min[col])
    if method == "ros":
        assert new[ORIGIN].isin(real_min[ORIGIN]).all()
    else:
        assert (new[ORIGIN] == -1).all()


# --------------------------------------------------------------------------- config


def test_spec_from_config_reads_every_key():
    spec = AugmentSpec.from_config("gan", {"method": "ctgan", "target_ir": 1.5,
                                           "placement": "honest", "epochs": 10,
                                           "batch_size": 200, "device": "cpu",
                                           "k_neighbors": 3})
    assert (spec.method, spec.target_ir, spec.placement, spec.epochs, spec.batch_size,
            spec.device, spec.k_neighbors) == ("ctgan", 1.5, "honest", 10, 200, "cpu", 3)
    assert AugmentSpec.from_config("ros", None).method == "ros"  # method defaults to the name
    assert AugmentSpec.from_config("none", {}).method == "none"


@pytest.mark.parametrize("entry, key", [
    ({"method": "gan"}, "method"),
    ({"method": "ros", "ratio": 1}, "ratio"),
    ({"method": "ros", "target_ir": 0.5}, "target_ir"),
    ({"method": "ros", "target_ir": "1"}, "target_ir"),
    ({"method": "ctgan", "placement": "after"}, "placement"),
    ({"method": "ctgan", "epochs": 0}, "epochs"),
    ({"method": "ctgan", "epochs": True}, "epochs"),
    ({"method": "ctgan", "epochs": 2.5}, "epochs"),
    ({"method": "ctgan", "batch_size": 64}, "batch_size"),
    ({"method": "ctgan", "device": "gpu"}, "device"),
    ({"method": "smotenc", "k_neighbors": -1}, "k_neighbors"),
])
def test_spec_rejects_bad_entries_naming_the_key(entry, key):
    with pytest.raises(ConfigError, match=key):
        AugmentSpec.from_config("custom", entry)


def test_spec_without_method_needs_a_known_name():
    with pytest.raises(ConfigError, match="method"):
        AugmentSpec.from_config("balanced", {"target_ir": 1.0})


# --------------------------------------------------------------------------- rows_needed


def test_rows_needed_known_values():
    y = pd.Series(["a"] * 10 + ["b"] * 3)
    assert rows_needed(y, "b", 1.0) == 7
    assert rows_needed(y, "b", 2.0) == 2  # 10/5 = 2 <= 2, 10/4 = 2.5 > 2
    assert rows_needed(y, "b", 3.0) == 1
    assert rows_needed(y, "b", 4.0) == 0
    assert rows_needed(y, "a", 1.0) == 0  # "a" is already the larger class
    with pytest.raises(ConfigError):
        rows_needed(y, "b", 0.9)
    with pytest.raises(DataError, match="'c'"):
        rows_needed(y, "c", 1.0)


@pytest.mark.parametrize("target_ir", [1.0, 1.1, 1.3, 1.5, 2.0, 2.7, 3.0])
def test_rows_needed_is_the_smallest_k_reaching_the_target(target_ir):
    for c_big in (7, 10, 33, 100, 4861, 24720):
        for c_small in (1, 3, 7, 249, 7841):
            if c_small > c_big:
                continue
            y = np.array(["M"] * c_big + ["m"] * c_small)
            k = rows_needed(y, "m", target_ir)
            assert c_big / (c_small + k) <= target_ir
            assert k == 0 or c_big / (c_small + k - 1) > target_ir


# --------------------------------------------------------------------------- oversamplers


def test_none_returns_the_frame_unchanged(toy):
    out, report = run(toy, "none", 1.0, 0)
    pd.testing.assert_frame_equal(out, toy)
    assert report["rows_added"] == 0
    assert report["imbalance_ratio_after"] == report["imbalance_ratio_before"] == 3.0


@pytest.mark.parametrize("target_ir", [1.0, 2.0])
@pytest.mark.parametrize("method", METHODS)
def test_oversampler_reaches_target_ir_with_valid_minority_rows(toy, toy_model, method,
                                                                target_ir):
    out, report = run(toy, method, target_ir, 7, toy_model)
    expected = {1.0: 60, 2.0: 15}[target_ir]  # 90 vs 30 minority rows
    assert report["rows_added"] == len(out) - len(toy) == expected
    assert imbalance_ratio(out[TARGET]) == pytest.approx(target_ir)
    assert class_counts(out[TARGET]) == {"no": 90, "yes": 30 + expected}
    assert report["imbalance_ratio_after"] == pytest.approx(target_ir)
    # the original rows come first, unchanged, with their own _origin
    pd.testing.assert_frame_equal(out.iloc[: len(toy)], toy)
    assert_valid_new_rows(out, toy, method)


@pytest.mark.parametrize("method", METHODS)
def test_oversampler_is_deterministic(toy, toy_model, method):
    a, _ = run(toy, method, 1.0, 11, toy_model)
    b, _ = run(toy, method, 1.0, 11, toy_model)
    c, _ = run(toy, method, 1.0, 12, toy_model)
    pd.testing.assert_frame_equal(a, b)
    assert not a.iloc[len(toy):].reset_index(drop=True).equals(
        c.iloc[len(toy):].reset_index(drop=True))


def test_ros_copies_real_minority_rows_with_their_origin(toy):
    out, report = run(toy, "ros", 1.0, 3)
    new = out.iloc[len(toy):]
    by_origin = toy.set_index(ORIGIN)
    for _, row in new.iterrows():
        source = by_origin.loc[row[ORIGIN]]
        assert source[TARGET] == MINORITY
        assert list(source[["age", "score", "color", "size"]]) == list(
            row[["age", "score", "color", "size"]])
    assert report["synthetic_rows"] == 0


def test_smotenc_interpolates_new_rows(toy):
    out, report = run(toy, "smotenc", 1.0, 3)
    assert report["variant"] == "SMOTENC"
    new = out.iloc[len(toy):]
    real = toy[toy[TARGET] == MINORITY]
    # interpolated, not copied: most new scores are not real scores
    assert (~new["score"].isin(real["score"])).mean() > 0.8
    assert report["domain"]["columns"]["age"]["rounded"] > 0  # integer column was interpolated


def test_smote_variants_without_categorical_or_numeric_columns(toy):
    numeric_only = toy.drop(columns=["color", "size"])
    out, report = oversample(numeric_only, TARGET, POSITIVE, spec_for("smotenc"), 0)
    assert report["variant"] == "SMOTE" and imbalance_ratio(out[TARGET]) == 1.0
    categorical_only = toy.drop(columns=["age", "score"])
    out, report = oversample(categorical_only, TARGET, POSITIVE, spec_for("smotenc"), 0)
    assert report["variant"] == "SMOTEN" and imbalance_ratio(out[TARGET]) == 1.0
    assert set(out[ORIGIN].iloc[len(toy):]) == {-1}


def test_smotenc_needs_more_rows_than_neighbours(toy):
    tiny = pd.concat([toy[toy[TARGET] == "no"], toy[toy[TARGET] == "yes"].head(4)])
    with pytest.raises(DataError, match="k_neighbors"):
        oversample(tiny, TARGET, POSITIVE, spec_for("smotenc"), 0)


def test_minority_is_found_by_counts_not_by_positive_label(toy):
    out, report = oversample(toy, TARGET, "no", spec_for("ros"), 0)
    assert report["minority"] == "yes"
    assert (out[TARGET].iloc[len(toy):] == "yes").all()


def test_frame_without_origin_gets_row_positions(toy):
    bare = toy.drop(columns=[ORIGIN])
    out, _ = run(bare, "ros", 1.0, 0)
    assert out[ORIGIN].iloc[: len(bare)].tolist() == list(range(len(bare)))
    pd.testing.assert_frame_equal(out.iloc[: len(bare)].drop(columns=[ORIGIN]), bare)


def test_honest_placement_augments_only_the_training_split(toy):
    train, test = toy.iloc[:80], toy.iloc[80:]
    out, report = augment_training_split(train, TARGET, POSITIVE, spec_for("smotenc"), 0)
    assert report["placement"] == "honest"
    assert imbalance_ratio(out[TARGET]) == 1.0
    assert not set(out[ORIGIN]) & set(test[ORIGIN])  # test rows never reach the training set


# --------------------------------------------------------------------------- domain


def test_enforce_domain_fixes_and_counts_every_violation(toy):
    features = FeatureSpec.from_frame(toy, TARGET, POSITIVE)
    reference = toy[toy[TARGET] == MINORITY]
    lo, hi = reference["age"].min(), reference["age"].max()
    s_hi = reference["score"].max()
    synthetic = pd.DataFrame({
        "age": [lo - 5.0, hi + 3.0, 60.4, np.nan, 61.0],
        "score": [s_hi + 1.0, 5.0, 5.0, 5.0, np.nan],
        "color": ["blue", "red", "purple", None, "green"],
        "size": ["S", "L", "S", "L", "M"],
        TARGET: ["yes", "no", "yes", "yes", "yes"],
    })
    fixed, report = enforce_domain(synthetic, reference, features)
    cols = report["columns"]
    assert cols["age"] == {"missing": 1, "clipped_low": 1, "clipped_high": 1, "rounded": 1}
    assert cols["score"] == {"missing": 1, "clipped_low": 0, "clipped_high": 1}
    # blue occurs in the majority only: unknown to the minority reference
    assert cols["color"] == {"missing": 1, "unknown_category": 2}
    assert cols["size"] == {"missing": 0, "unknown_category": 1}
    assert cols[TARGET] == {"relabelled": 1}
    assert report["corrections"] == 11 and report["rows_corrected"] == 5
    assert report["rows_out_of_domain"] == 5  # row 2 is also out of domain (purple)
    _, only_rounding = enforce_domain(synthetic.iloc[[2]].assign(color="red"), reference, features)
    assert (only_rounding["rows_corrected"], only_rounding["rows_out_of_domain"]) == (1, 0)
    assert fixed["age"].dtype == np.int64
    assert fixed["age"].tolist()[:3] == [lo, hi, 60]
    assert fixed["age"].iloc[3] == round(reference["age"].mean())
    assert fixed["score"].iloc[0] == s_hi
    counts = reference["color"].value_counts()
    mode = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]  # ties: first by name
    assert fixed["color"].tolist() == [mode, "red", mode, mode, "green"]
    assert (fixed[TARGET] == "yes").all()
    assert (fixed[ORIGIN] == -1).all()
    assert list(fixed.columns) == list(toy.columns)


# --------------------------------------------------------------------------- CTGAN


def test_ctgan_training_frame_holds_minority_predictors_only(toy):
    rows, features, minority = ctgan_training_frame(toy, TARGET, "no")
    assert minority == MINORITY and len(rows) == 30
    assert list(rows.columns) == features.predictors == ["age", "score", "color", "size"]
    pd.testing.assert_frame_equal(
        rows, toy[toy[TARGET] == MINORITY][features.predictors].reset_index(drop=True))


def test_ctgan_rejects_cuda_without_a_gpu(toy):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    features = FeatureSpec.from_frame(toy, TARGET, POSITIVE)
    with pytest.raises(ConfigError, match="cuda"):
        train_ctgan(toy[features.predictors], features.categorical, epochs=1, batch_size=100,
                    device="cuda", random_state=0, log_every=1)


def test_ctgan_model_for_other_columns_is_refused(toy, toy_model):
    other = toy.rename(columns={"score": "points"})
    with pytest.raises(DataError, match="trained on columns"):
        oversample(other, TARGET, POSITIVE, spec_for("ctgan"), 0, model=toy_model)


def _data_dir() -> Path:
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    return Path(os.environ.get("POISONBENCH_DATA_DIR", default))


@pytest.fixture(scope="module")
def stroke_subsample() -> pd.DataFrame:
    from poisonbench.datasets import DatasetSpec, read_raw
    from poisonbench.preprocess import CleaningOptions, preprocess

    path = _data_dir() / "healthcare-dataset-stroke-data.csv"
    if not path.is_file():
        pytest.skip(f"{path} is not available (set POISONBENCH_DATA_DIR)")
    spec = DatasetSpec(name="stroke", file=path.name, sha256="-", target="stroke", positive="1",
                       drop=("id",), na_values=("N/A",),
                       types={"hypertension": "categorical", "heart_disease": "categorical"})
    clean, _ = preprocess(read_raw(path, spec), spec, CleaningOptions())
    clean[ORIGIN] = np.arange(len(clean), dtype=np.int64)
    minority = clean[clean["stroke"] == "1"]  # all 249 stroke rows
    majority = clean[clean["stroke"] == "0"].iloc[::12]  # 406 rows
    return pd.concat([minority, majority]).sort_index().reset_index(drop=True)


def test_ctgan_trains_on_stroke_minority_and_balances_it(stroke_subsample, caplog):
    df = stroke_subsample
    features = FeatureSpec.from_frame(df, "stroke", "1")
    minority = df[df["stroke"] == "1"]
    with caplog.at_level(logging.INFO, logger="poisonbench.augment"):
        model = train_ctgan(minority[features.predictors], features.categorical, epochs=3,
                            batch_size=500, device="auto", random_state=5, log_every=1)
    epochs = [r.getMessage() for r in caplog.records if "ctgan epoch" in r.getMessage()]
    assert len(epochs) == 3 and epochs[-1].startswith("ctgan epoch 3/3: generator loss")
    assert len(model.loss_values) == 3
    info = model.poisonbench_info
    assert info["rows"] == len(minority) == 249
    assert info["device"] == "cpu" or info["device"] == "cuda"
    assert "stroke" not in info["columns"] and ORIGIN not in info["columns"]
    assert sorted(info["columns"]) == sorted(features.predictors)

    spec = AugmentSpec.from_config("ctgan", {"method": "ctgan", "epochs": 3})
    out, report = oversample(df, "stroke", "1", spec, 9, model=model)
    n_major = int((df["stroke"] == "0").sum())
    assert report["rows_added"] == n_major - 249
    assert imbalance_ratio(out["stroke"]) == 1.0
    pd.testing.assert_frame_equal(out.iloc[: len(df)], df)
    new = out.iloc[len(df):]
    assert (new["stroke"] == "1").all() and (new[ORIGIN] == -1).all()
    for col in features.numeric:
        assert minority[col].min() <= new[col].min() <= new[col].max() <= minority[col].max()
    for col in features.categorical:
        assert set(new[col]) <= set(minority[col])
    # three epochs leave the generator rough: clipping must have happened and been counted
    assert report["domain"]["corrections"] > 0
    assert report["domain"]["rows_corrected"] <= len(new)


def test_ctgan_same_seed_same_rows_and_save_load_round_trip(stroke_subsample, tmp_path):
    import torch

    df = stroke_subsample
    features = FeatureSpec.from_frame(df, "stroke", "1")
    minority = df[df["stroke"] == "1"][features.predictors]

    def train(seed: int):
        return train_ctgan(minority, features.categorical, epochs=2, batch_size=500,
                           device="cpu", random_state=seed, log_every=1)

    # training must not disturb the global torch/numpy random streams
    previous_threads = torch.get_num_threads()
    torch.manual_seed(123)
    np.random.seed(123)
    torch.set_num_threads(1)
    try:
        a = train(1)
    finally:
        torch.set_num_threads(previous_threads)
    after_torch, after_np = torch.rand(1), np.random.rand()
    torch.manual_seed(123)
    np.random.seed(123)
    assert torch.rand(1) == after_torch and np.random.rand() == after_np

    previous = torch.get_num_threads()
    torch.set_num_threads(2)  # the thread count must not change the model
    try:
        b = train(1)
        assert torch.get_num_threads() == 2  # restored after training
    finally:
        torch.set_num_threads(previous)
    c = train(2)
    rows_a = sample_ctgan(a, 200, random_state=4)
    pd.testing.assert_frame_equal(rows_a, sample_ctgan(b, 200, random_state=4))
    pd.testing.assert_frame_equal(rows_a, sample_ctgan(a, 200, random_state=4))  # reseeded
    assert not rows_a.equals(sample_ctgan(c, 200, random_state=4))
    assert not rows_a.equals(sample_ctgan(a, 200, random_state=5))

    path = tmp_path / "models" / "ctgan.pkl"
    save_ctgan(a, path)
    assert path.is_file() and not list(path.parent.glob("*.part"))
    loaded = load_ctgan(path, device="cpu")
    pd.testing.assert_frame_equal(rows_a, sample_ctgan(loaded, 200, random_state=4))
    assert loaded.poisonbench_info == a.poisonbench_info
    with pytest.raises(DataError, match="no CTGAN model"):
        load_ctgan(tmp_path / "missing.pkl")


def test_ctgan_output_is_float_before_domain_enforcement(toy, toy_model):
    raw = sample_ctgan(toy_model, 50, random_state=0)
    assert raw["age"].dtype == np.float64  # rounding is ours, so it is counted
    assert not math.isnan(raw["score"].sum())


def test_ctgan_trains_and_samples_on_one_torch_thread(toy, monkeypatch):
    """Float reductions depend on the thread count; one thread keeps rows machine-independent."""
    import torch
    from ctgan import CTGAN

    seen: list[tuple[str, int]] = []
    fit, sample = CTGAN.fit, CTGAN.sample

    def spy_fit(self, *args, **kwargs):
        seen.append(("fit", torch.get_num_threads()))
        return fit(self, *args, **kwargs)

    def spy_sample(self, *args, **kwargs):
        seen.append(("sample", torch.get_num_threads()))
        return sample(self, *args, **kwargs)

    monkeypatch.setattr(CTGAN, "fit", spy_fit)
    monkeypatch.setattr(CTGAN, "sample", spy_sample)
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        run(toy, "ctgan", 1.0, 0)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(previous)
    assert seen == [("fit", 1), ("sample", 1)]
