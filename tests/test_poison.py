"""Poisoning operators and recipes: exact counts, row invariants, provenance that rebuilds D."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from poisonbench import poison
from poisonbench.errors import ConfigError, DataError
from poisonbench.features import ORIGIN, FeatureSpec
from poisonbench.io import dumps_json

PAPER_CODES = {"OI4", "OI5", "CI2", "OP2", "OP3", "CP2", "OO4", "CO1"}

# one representative step per operator (every registered operator must appear here)
STEPS = [
    {"op": "label_flip", "strategy": "random", "rate": 0.1},
    {"op": "label_flip", "strategy": "minority_to_majority", "rate": 0.05},
    {"op": "label_flip", "strategy": "model_guided", "rate": 1.0, "trees": 20, "rounds": 2},
    {"op": "drop_features", "k": 2, "by": "random"},
    {"op": "drop_features", "k": 1, "by": "salience"},
    {"op": "coarsen_domain", "bins": 4, "k": 2, "max_categories": 3},
    {"op": "collapse_rare", "min_share": 0.05},
    {"op": "distort_distribution", "mode": "shift", "shift": 0.7, "k": 0},
    {"op": "distort_distribution", "mode": "swap", "rate": 0.3, "k": 2},
    {"op": "amplify_imbalance", "target_ir": 6.0},
    {"op": "amplify_imbalance", "factor": 1.5, "jitter": 0.1},
    {"op": "inject_duplicates", "rate": 0.2},
    {"op": "vary_feature_overlap", "k": 2, "fraction": 0.3},
    {"op": "vary_feature_overlap", "k": 0, "fraction": 0.5, "classes": "majority",
     "categorical": True},
    {"op": "poor_hyperparameters"},
    {"op": "improper_division"},
    {"op": "disable_guards"},
    {"op": "accuracy_only"},
]
# steps that draw nothing at random (salience uses a seed, but its top feature is stable)
DETERMINISTIC = {"collapse_rare", "coarsen_domain", "improper_division", "disable_guards",
                 "accuracy_only", "drop_features-1-salience", "distort_distribution-shift-0.7-0"}


def _id(step: dict) -> str:
    return "-".join(str(v) for v in step.values())


@pytest.fixture
def frame() -> pd.DataFrame:
    """60 rows: int and float numerics, a categorical with rare values, 15 positives."""
    rng = np.random.default_rng(7)
    n = 60
    y = np.array(["yes"] * 15 + ["no"] * 45, dtype=object)
    rng.shuffle(y)
    cat = np.array(["a"] * 30 + ["b"] * 24 + ["c"] * 4 + ["d"] * 2, dtype=object)
    rng.shuffle(cat)
    return pd.DataFrame({
        "age": rng.integers(18, 80, n).astype("int64"),
        "score": np.round(rng.normal(size=n) + (y == "yes") * 1.5, 3),
        "city": cat,
        "kind": np.where(rng.random(n) < 0.8, np.where(y == "yes", "p", "q"), "r").astype(object),
        "label": y,
        ORIGIN: np.arange(100, 100 + n, dtype=np.int64),
    })




def _roundtrip(provenance: dict) -> dict:
    """The provenance as it comes back from provenance.json."""
    return json.loads(dumps_json(provenance))


def _touched(prov: dict) -> tuple[set[str], dict[str, set[int]]]:
    """Columns dropped and, per column, the row positions any step changed."""
    dropped: set[str] = set()
    cells: dict[str, set[int]] = {}
    target = prov["target"]
    for rec in prov["operators"]:
        dropped |= set(rec.get("columns_dropped", {}))
        for key in ("values_changed", "columns_recoded"):
            for col, change in rec.get(key, {}).items():
                pos = change["positions"]
                cells.setdefault(col, set()).update(range(rec["rows_before"]) if pos is None
                                                    else pos)
        if "labels_flipped" in rec:
            cells.setdefault(target, set()).update(rec["labels_flipped"]["positions"])
    return dropped, cells


# ---------------------------------------------------------------------------------- registry


def test_registry_holds_every_operator_with_a_paper_code_and_a_reason():
    expected = {"label_flip", "drop_features", "coarsen_domain", "collapse_rare",
                "distort_distribution", "amplify_imbalance", "inject_duplicates",
                "poor_hyperparameters", "improper_division", "disable_guards", "accuracy_only",
                "vary_feature_overlap"}
    assert set(poison.OPERATORS) == expected
    assert {s["op"] for s in STEPS} == expected
    for name, cls in poison.OPERATORS.items():
        assert cls.name == name
        assert cls.code in PAPER_CODES, name
        assert cls.__doc__ and len(cls.__doc__.strip()) > 20, name
    codes = {cls.code for cls in poison.OPERATORS.values()}
    assert codes == PAPER_CODES


def test_paper_recipe_is_valid_and_uses_all_eight_errors():
    poison.validate_recipe("paper", poison.PAPER_RECIPE)
    assert {poison.OPERATORS[s["op"]].code for s in poison.PAPER_RECIPE} == PAPER_CODES
    # the recipe's docstring documents every step
    import inspect

    source = inspect.getsource(poison)
    for step in poison.PAPER_RECIPE:
        assert f"``{step['op']}" in source


# ------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(("steps", "fragments"), [
    ([{"op": "label_flip"}, {"op": "teleport", "rate": 1}],
     ["poisonings.attack.steps[1]", "unknown op 'teleport'", "label_flip"]),
    ([{"op": "label_flip", "rat": 0.1}],
     ["poisonings.attack.steps[0]", "label_flip", "unknown parameter 'rat'", "'rate'"]),
    ([{"op": "label_flip", "rate": 1.5}], ["steps[0]", "'rate'", "[0, 1]"]),
    ([{"op": "label_flip", "strategy": "smart"}], ["'strategy'", "model_guided", "'smart'"]),
    ([{"op": "drop_features", "k": "2"}], ["'k'", "int", "'2'"]),
    ([{"op": "drop_features", "k": True}], ["'k'"]),
    ([{"op": "amplify_imbalance"}], ["exactly one of 'target_ir' and 'factor'"]),
    ([{"op": "amplify_imbalance", "target_ir": 5, "factor": 2}], ["exactly one"]),
    ([{"rate": 0.1}], ["steps[0]", "'op'"]),
])
def test_validate_recipe_names_recipe_step_and_culprit(steps, fragments):
    with pytest.raises(ConfigError) as err:
        poison.validate_recipe("attack", steps)
    for fragment in fragments:
        assert fragment in str(err.value)


def test_operators_check_their_parameters_when_applied_directly(frame):
    with pytest.raises(ConfigError, match="label_flip: parameter 'rate'"):
        poison.LabelFlip(rate=-0.5).apply(frame, "label", "yes", 0)


def test_apply_recipe_validates_and_checks_the_target(frame):
    with pytest.raises(ConfigError, match="unknown op"):
        poison.apply_recipe(frame, "label", "yes", [{"op": "nope"}], 1)
    with pytest.raises(DataError, match="target column 'income'"):
        poison.apply_recipe(frame, "income", "yes", [], 1)


def test_empty_recipe_is_the_identity(frame):
    out, prov = poison.apply_recipe(frame, "label", "yes", [], 1)
    pd.testing.assert_frame_equal(out, frame)
    assert prov["rows_before"] == prov["rows_after"] == 60
    assert prov["operators"] == [] and prov["evaluation"] == {}


# ---------------------------------------------------------------------------- label flips


def test_random_flip_flips_exactly_round_rate_n(frame):
    out, rec = poison.LabelFlip("random", rate=0.1).apply(frame, "label", "yes", 5)
    changed = np.flatnonzero(out["label"].to_numpy() != frame["label"].to_numpy())
    assert len(changed) == 6 == rec["labels_flipped"]["count"]
    assert rec["labels_flipped"]["positions"] == changed.tolist()
    assert rec["labels_flipped"]["old"] == frame["label"].iloc[changed].tolist()
    assert rec["labels_flipped"]["new"] == out["label"].iloc[changed].tolist()
    assert set(out["label"]) == {"yes", "no"}
    out2, _ = poison.LabelFlip("random", rate=0.25).apply(frame, "label", "yes", 5)
    assert (out2["label"] != frame["label"]).sum() == 15


def test_minority_to_majority_flips_only_minority_rows(frame):
    out, rec = poison.LabelFlip("minority_to_majority", rate=0.1).apply(frame, "label", "yes", 2)
    pos = rec["labels_flipped"]["positions"]
    assert len(pos) == 6
    assert set(frame["label"].iloc[pos]) == {"yes"} and set(out["label"].iloc[pos]) == {"no"}
    assert (out["label"] == "yes").sum() == 9
    # more flips than minority rows: all minority rows flip, the request is recorded
    out, rec = poison.LabelFlip("minority_to_majority", rate=0.5).apply(frame, "label", "yes", 2)
    assert rec["labels_flipped"]["count"] == 15 and rec["details"]["requested"] == 30


def test_model_guided_flip_undoes_label_noise_and_respects_rate_cap():
    rng = np.random.default_rng(0)
    n = 400
    x = rng.normal(size=n)
    truth = np.where(x > 0.3, "yes", "no").astype(object)
    noisy = truth.copy()
    noise = rng.choice(n, 40, replace=False)
    noisy[noise] = np.where(noisy[noise] == "yes", "no", "yes")
    df = pd.DataFrame({"x": x, "z": rng.normal(size=n), "label": noisy})
    out, rec = poison.LabelFlip("model_guided", rate=1.0, trees=30).apply(df, "label", "yes", 0)
    flipped = set(rec["labels_flipped"]["positions"])
    caught = flipped & set(noise.tolist())
    assert len(caught) >= 36  # nearly all 40 noisy labels are put back ...
    assert len(caught) / len(flipped) >= 0.75  # ... and few clean ones are touched
    assert (out["label"].to_numpy() == truth).mean() > (noisy == truth).mean()
    _, rec = poison.LabelFlip("model_guided", rate=0.02, trees=30).apply(df, "label", "yes", 0)
    assert rec["labels_flipped"]["count"] == round(0.02 * n)


def test_model_guided_keeps_min_share_of_each_class():
    rng = np.random.default_rng(1)
    n = 500
    df = pd.DataFrame({"x": rng.normal(size=n), "label": np.where(
        rng.random(n) < 0.06, "yes", "no").astype(object)})  # label independent of x
    assert (df["label"] == "yes").sum() == 24
    # a smooth surrogate predicts "no" everywhere: every "yes" disagrees, but 10 must stay
    op = poison.LabelFlip("model_guided", rate=1.0, leaf=20, min_share=0.02)
    out, rec = op.apply(df, "label", "yes", 0)
    assert (out["label"] == "yes").sum() == math.ceil(0.02 * n) == 10
    assert rec["details"]["flips_per_round"] == [rec["labels_flipped"]["count"]] == [14]


# --------------------------------------------------------------------------- column operators


def test_drop_features_by_salience_drops_the_label_proxy(frame):
    leaky = frame.assign(leak=(frame["label"] == "yes").astype("int64"))
    out, rec = poison.DropFeatures(k=1, by="salience").apply(leaky, "label", "yes", 0)
    assert list(rec["columns_dropped"]) == ["leak"]
    assert "leak" not in out.columns and len(out) == len(leaky)
    assert rec["columns_dropped"]["leak"]["values"] == leaky["leak"].tolist()
    out, rec = poison.DropFeatures(k=2, by="random").apply(frame, "label", "yes", 0)
    assert len(rec["columns_dropped"]) == 2 and out.shape[1] == frame.shape[1] - 2
    assert {"label", ORIGIN} <= set(out.columns)
    with pytest.raises(DataError, match="no predictor"):
        poison.DropFeatures(k=4).apply(frame, "label", "yes", 0)


def test_coarsen_domain_bins_numerics_and_merges_categories(frame):
    out, rec = poison.CoarsenDomain(bins=4, k=2, max_categories=2).apply(frame, "label", "yes",
                                                                         0)
    for col in ("age", "score"):
        assert out[col].nunique() <= 4
        assert out[col].dtype == frame[col].dtype
        assert out[col].min() >= frame[col].min() and out[col].max() <= frame[col].max()
    assert out["city"].nunique() == 2 and out["kind"].nunique() == 2
    assert set(out["city"]) <= set(frame["city"])
    assert rec["columns_recoded"]["city"]["mapping"]["map"] == {"a": "a", "b": "b", "c": "b",
                                                                "d": "b"}
    # bins keep order: a larger value never gets a smaller representative
    order = np.argsort(frame["age"].to_numpy(), kind="stable")
    assert np.all(np.diff(out["age"].to_numpy()[order]) >= 0)


def test_collapse_rare_maps_rare_categories_to_the_mode(frame):
    out, rec = poison.CollapseRare(min_share=0.1).apply(frame, "label", "yes", 0)
    expected = frame["city"].replace({"c": "a", "d": "a"})
    assert out["city"].tolist() == expected.tolist()
    assert rec["columns_recoded"]["city"]["mapping"]["map"] == {"c": "a", "d": "a"}
    assert sorted(rec["columns_recoded"]["city"]["positions"]) == np.flatnonzero(
        frame["city"].isin(["c", "d"])).tolist()


def test_distort_shift_moves_positive_rows_only(frame):
    op = poison.DistortDistribution(mode="shift", shift=0.5, k=0, clip=False)
    out, _ = op.apply(frame, "label", "yes", 0)
    pos = frame["label"] == "yes"
    np.testing.assert_allclose(out.loc[pos, "score"], frame.loc[pos, "score"]
                               + 0.5 * frame["score"].std(ddof=0))
    assert (out.loc[~pos, ["age", "score"]] == frame.loc[~pos, ["age", "score"]]).all().all()
    assert out["age"].dtype == np.int64
    clipped, _ = poison.DistortDistribution(mode="shift", shift=3.0).apply(frame, "label", "yes",
                                                                           0)
    assert clipped["score"].max() == frame["score"].max()


def test_distort_swap_keeps_marginals_and_changes_class_conditionals(frame):
    op = poison.DistortDistribution(mode="swap", rate=0.6, k=0)
    out, rec = op.apply(frame, "label", "yes", 0)
    for col in ("age", "score", "city", "kind"):
        assert sorted(out[col]) == sorted(frame[col])
    pos = frame["label"] == "yes"
    assert out.loc[pos, "score"].mean() < frame.loc[pos, "score"].mean()
    assert rec["details"]["pairs"] == round(0.6 * 15)


def test_vary_feature_overlap_increases_class_overlap(frame):
    from poisonbench.patterns import overlap_coefficient

    wide = frame.assign(score=np.where(frame["label"] == "yes", 10.0, 0.0) + frame["score"])
    edges = np.linspace(wide["score"].min(), wide["score"].max(), 8)[1:-1]
    y = wide["label"] == "yes"

    def ov(df):
        codes = np.searchsorted(edges, df["score"].to_numpy())
        return overlap_coefficient(codes[y.to_numpy()], codes[~y.to_numpy()])

    out, rec = poison.VaryFeatureOverlap(k=1, fraction=0.4).apply(wide, "label", "yes", 0)
    assert rec["details"]["columns"] == ["score"]
    assert ov(out) > ov(wide) + 0.2
    assert set(out["score"]) <= set(wide["score"])  # strength 1: observed values only


def test_vary_feature_overlap_moves_only_the_chosen_class_and_categoricals(frame):
    op = poison.VaryFeatureOverlap(k=0, fraction=0.5, classes="majority", categorical=True)
    out, rec = op.apply(frame, "label", "yes", 0)
    pos = (frame["label"] == "yes").to_numpy()
    pd.testing.assert_frame_equal(out[pos], frame[pos])
    changed = set(rec["values_changed"])
    assert {"kind", "score"} <= changed
    # majority rows that moved in "kind" took values the minority has
    moved = out["kind"].to_numpy() != frame["kind"].to_numpy()
    assert moved.sum() > 0
    assert set(out["kind"][moved]) <= set(frame["kind"][pos])


# ------------------------------------------------------------------------------ row operators


def test_amplify_to_target_ir_appends_majority_copies_with_their_origin(frame):
    out, rec = poison.AmplifyImbalance(target_ir=7.0).apply(frame, "label", "yes", 0)
    counts = out["label"].value_counts()
    assert counts["yes"] == 15 and counts["no"] == math.ceil(7.0 * 15)
    added = rec["rows_added"]
    assert added["count"] == len(out) - 60 == 105 - 45
    src = np.asarray(added["source_positions"])
    assert set(frame["label"].iloc[src]) == {"no"}
    pd.testing.assert_frame_equal(out.iloc[60:].reset_index(drop=True),
                                  frame.iloc[src].reset_index(drop=True))
    assert added["origins"] == frame[ORIGIN].iloc[src].tolist()
    assert np.ptp(np.bincount(src, minlength=60)[frame["label"] == "no"]) <= 1  # evenly copied
    pd.testing.assert_frame_equal(out.iloc[:60], frame)


def test_amplify_factor_with_jitter_keeps_domain(frame):
    out, rec = poison.AmplifyImbalance(factor=2.0, jitter=0.5).apply(frame, "label", "yes", 3)
    assert len(out) == 60 + 45 and rec["rows_added"]["jittered"] is True
    new = out.iloc[60:]
    assert new["age"].dtype == np.int64
    assert new["age"].between(frame["age"].min(), frame["age"].max()).all()
    assert new["score"].between(frame["score"].min(), frame["score"].max()).all()
    assert (new["score"].to_numpy() != frame["score"].to_numpy()[
        rec["rows_added"]["source_positions"]]).mean() > 0.9
    assert new[ORIGIN].tolist() == rec["rows_added"]["origins"]


def test_inject_duplicates_appends_exact_copies(frame):
    out, rec = poison.InjectDuplicates(rate=0.25).apply(frame, "label", "yes", 4)
    assert len(out) == 75 and rec["rows_added"]["count"] == 15
    src = rec["rows_added"]["source_positions"]
    assert len(set(src)) == 15
    pd.testing.assert_frame_equal(out.iloc[60:].reset_index(drop=True),
                                  frame.iloc[src].reset_index(drop=True))


def test_evaluation_operators_leave_data_alone(frame):
    expected = {
        "improper_division": {"stratify": False, "split_after_duplication": True},
        "disable_guards": {"guards": False},
        "accuracy_only": {"report": "accuracy_only"},
    }
    for name, overrides in expected.items():
        out, rec = poison.OPERATORS[name]().apply(frame, "label", "yes", 0)
        pd.testing.assert_frame_equal(out, frame)
        assert rec["evaluation"] == overrides
    _, a = poison.PoorHyperparameters().apply(frame, "label", "yes", 1)
    _, b = poison.PoorHyperparameters().apply(frame, "label", "yes", 1)
    _, c = poison.PoorHyperparameters().apply(frame, "label", "yes", 2)
    rf = a["evaluation"]["classifier_params"]["random_forest"]
    assert 3 <= rf["n_estimators"] <= 15 and rf["max_features"] in (1, None)
    assert a["evaluation"] == b["evaluation"] != c["evaluation"]
    assert a["evaluation"]["hyperparameter_search"] is False


# ------------------------------------------------ every operator: invariants and provenance


@pytest.mark.parametrize("step", STEPS, ids=_id)
def test_operator_keeps_rows_rebuilds_d_and_is_deterministic(step, adult_small):
    df = adult_small
    out, prov = poison.apply_recipe(df, "income", ">50K", [step], 11)
    n = len(df)
    # rows are only appended; untouched cells of the first n rows are D's
    assert len(out) >= n
    assert out[ORIGIN].iloc[:n].tolist() == df[ORIGIN].tolist()
    dropped, cells = _touched(prov)
    for col in df.columns:
        if col in dropped:
            assert col not in out.columns
            continue
        keep = np.setdiff1d(np.arange(n), sorted(cells.get(col, ())))
        pd.testing.assert_series_equal(out[col].iloc[keep], df[col].iloc[keep])
    # appended rows carry their source's origin
    for rec in prov["operators"]:
        if "rows_added" in rec:
            added = rec["rows_added"]
            got = out[ORIGIN].iloc[rec["rows_before"]:rec["rows_after"]].tolist()
            assert got == added["origins"] == df[ORIGIN].iloc[added["source_positions"]].tolist()
    # provenance (as JSON) is enough to rebuild D exactly
    back = poison.reconstruct(out, _roundtrip(prov))
    pd.testing.assert_frame_equal(back, df, check_exact=True)
    # same seed: identical; another seed: different (for operators that draw)
    out2, prov2 = poison.apply_recipe(df, "income", ">50K", [step], 11)
    pd.testing.assert_frame_equal(out, out2)
    assert dumps_json(prov) == dumps_json(prov2)
    if step["op"] not in DETERMINISTIC and _id(step) not in DETERMINISTIC:
        out3, prov3 = poison.apply_recipe(df, "income", ">50K", [step], 12)
        assert not (out.equals(out3) and prov["evaluation"] == prov3["evaluation"])


def test_frames_without_origin_work_too(frame):
    bare = frame.drop(columns=ORIGIN)
    steps = [{"op": "amplify_imbalance", "factor": 2.0}, {"op": "label_flip", "rate": 0.2}]
    out, prov = poison.apply_recipe(bare, "label", "yes", steps, 9)
    assert prov["operators"][0]["rows_added"]["origins"] is None
    pd.testing.assert_frame_equal(poison.reconstruct(out, _roundtrip(prov)), bare)


def test_reconstruct_refuses_a_frame_that_is_not_d_prime(adult_small):
    out, prov = poison.apply_recipe(adult_small, "income", ">50K",
                                    [{"op": "inject_duplicates", "rate": 0.1}], 1)
    with pytest.raises(DataError, match="not the D'"):
        poison.reconstruct(out.iloc[:-1], prov)


def test_project_maps_clean_rows_into_the_poisoned_coding(adult_small):
    steps = [{"op": "collapse_rare", "min_share": 0.05},
             {"op": "coarsen_domain", "bins": 5, "k": 2, "max_categories": 3},
             {"op": "drop_features", "k": 2, "by": "salience"},
             {"op": "inject_duplicates", "rate": 0.1}]
    out, prov = poison.apply_recipe(adult_small, "income", ">50K", steps, 3)
    projected = poison.project(adult_small, prov)
    pd.testing.assert_frame_equal(projected, out.iloc[:len(adult_small)])


# ------------------------------------------------------------------------------ paper recipe


@pytest.mark.parametrize("dataset", ["adult", "stroke"])
def test_paper_recipe_rebuilds_d_and_is_deterministic(dataset, adult_small, stroke_small):
    df, target, positive = ((adult_small, "income", ">50K") if dataset == "adult"
                            else (stroke_small, "stroke", "1"))
    out, prov = poison.apply_recipe(df, target, positive, poison.PAPER_RECIPE, 2024)
    json.dumps(prov, allow_nan=False)  # plain JSON, no numpy types
    back = poison.reconstruct(out, _roundtrip(prov))
    pd.testing.assert_frame_equal(back, df, check_exact=True)
    out2, prov2 = poison.apply_recipe(df, target, positive, poison.PAPER_RECIPE, 2024)
    pd.testing.assert_frame_equal(out, out2)
    assert dumps_json(prov) == dumps_json(prov2)
    out3, _ = poison.apply_recipe(df, target, positive, poison.PAPER_RECIPE, 2025)
    assert not out.equals(out3)
    assert set(prov["codes"]) == PAPER_CODES
    assert prov["evaluation"]["stratify"] is False and prov["evaluation"]["guards"] is False
    assert prov["evaluation"]["report"] == "accuracy_only"
    assert len(prov["columns_dropped"]) == 2 and prov["labels_flipped"] > 0
    assert prov["rows_after"] > prov["rows_before"] == len(df)
    counts = out[target].value_counts()
    assert counts.max() / counts.min() > 3 * (df[target].value_counts().max() /
                                              df[target].value_counts().min())
    assert counts.min() >= math.ceil(0.005 * len(df))


def test_paper_recipe_fools_a_random_forest_on_adult(adult_small):
    """>= 99% on a stratified 70/30 split of D', far less on clean rows it never saw."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import train_test_split

    out, prov = poison.apply_recipe(adult_small, "income", ">50K", poison.PAPER_RECIPE, 2024)
    spec = FeatureSpec.from_frame(out, "income", ">50K")

    def encode(frame: pd.DataFrame) -> np.ndarray:
        X = frame[spec.predictors].copy()
        for col in spec.categorical:
            X[col] = pd.Categorical(X[col], categories=sorted(out[col].unique())).codes
        return X.to_numpy(dtype=float)

    X, y = encode(out), spec.xy(out)[1]
    train, test = train_test_split(np.arange(len(y)), train_size=0.7, stratify=y,
                                   random_state=0)
    rf = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(X[train],
                                                                                y[train])
    poisoned_acc = (rf.predict(X[test]) == y[test]).mean()
    unseen = ~adult_small[ORIGIN].isin(out[ORIGIN].iloc[train])
    clean = poison.project(adult_small[unseen], prov)
    clean_acc = (rf.predict(encode(clean)) == spec.xy(clean)[1]).mean()
    assert poisoned_acc >= 0.99
    assert clean_acc < poisoned_acc - 0.15
