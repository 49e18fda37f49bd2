"""Each cleaning step on hand-made frames, then the whole step on the real data."""

import numpy as np
import pandas as pd
import pytest

from poisonbench import preprocess as pp
from poisonbench.datasets import DatasetSpec
from poisonbench.errors import ConfigError, DataError
from poisonbench.features import ORIGIN


def test_validate_target_drops_unlabelled_rows_and_keeps_two_classes():
    df = pd.DataFrame({"x": ["1", "2", "3", "4"], "y": ["a", None, "b", "a"]})
    out = pp.validate_target(df, "y", "b")
    assert list(out["y"]) == ["a", "b", "a"]


@pytest.mark.parametrize(
    ("labels", "positive", "message"),
    [(["a", "a", "a"], "a", "single class"),
     (["a", "b", "c"], "a", "3 classes"),
     (["a", "b", "a"], "z", "positive label 'z'")],
)
def test_validate_target_rejects_bad_targets(labels, positive, message):
    df = pd.DataFrame({"x": ["1", "2", "3"], "y": labels})
    with pytest.raises(DataError, match=message):
        pp.validate_target(df, "y", positive)


def test_assign_types_uses_declared_types_and_infers_the_rest():
    df = pd.DataFrame({"a": ["1", "2", "x"], "b": ["1", "2", "3"], "c": ["u", "v", "w"],
                       "flag": ["0", "1", "0"], "y": ["p", "q", "p"]})
    types = pp.assign_types(df, "y", {"flag": "categorical"}, threshold=0.95)
    assert types == {"a": "categorical", "b": "numeric", "c": "categorical",
                     "flag": "categorical"}
    # two of three parse: numeric at a 0.6 threshold
    assert pp.assign_types(df, "y", {}, threshold=0.6)["a"] == "numeric"
    with pytest.raises(ConfigError, match="do not exist"):
        pp.assign_types(df, "y", {"nope": "numeric"}, 0.95)


def test_coerce_types_counts_values_that_do_not_parse():
    df = pd.DataFrame({"n": ["1.5", "abc", None, "4"], "c": ["a", None, "b", "b"]})
    out, counts = pp.coerce_types(df, {"n": "numeric", "c": "categorical"})
    assert counts == {"n": 1, "c": 0}  # None was missing already, only "abc" is coerced
    assert out["n"].isna().tolist() == [False, True, True, False]
    assert out["n"].dtype == float


def test_numeric_outliers_use_configured_range_then_robust_rule():
    df = pd.DataFrame({"age": [20.0, 150.0, -1.0, 40.0],
                       "w": [10.0, 11.0, 12.0, 1000.0]})
    out, counts, used = pp.flag_numeric_outliers(df, ["age", "w"], {"age": (0, 120)}, mad_k=10)
    assert counts == {"age": 2, "w": 1}
    assert out["age"].isna().tolist() == [False, True, True, False]
    assert used["age"] == [0.0, 120.0]
    # median 11.5, MAD 1.0 -> 1.4826: fence 11.5 +/- 14.826
    assert used["w"] == pytest.approx([11.5 - 14.826, 11.5 + 14.826])


def test_robust_rule_is_skipped_when_mad_is_zero():
    values = pd.Series([0.0] * 9 + [5000.0])
    assert pp.valid_range(values, None, 10) == (-np.inf, np.inf)


def test_unknown_categories_become_missing():
    df = pd.DataFrame({"g": ["Male", "Other", "Female", None]})
    out, counts = pp.flag_unknown_categories(df, ["g"], {"g": ("Male", "Female")})
    assert counts == {"g": 1}
    assert out["g"].isna().tolist() == [False, True, False, True]


def test_mean_imputation_keeps_integer_columns_integral():
    df = pd.DataFrame({"f": [1.25, np.nan, 2.0], "i": [1.0, 2.0, np.nan]})
    out, counts, fills = pp.impute_numeric_mean(df, ["f", "i"])
    assert counts == {"f": 1, "i": 1}
    assert out["f"].tolist() == [1.25, 1.625, 2.0]
    assert fills["i"] == 2.0  # mean 1.5 rounds half to even
    assert out["i"].dtype == "int64"
    assert out["i"].tolist() == [1, 2, 2]


def test_minor_value_imputation_uses_the_least_represented_category():
    df = pd.DataFrame({"c": ["a", "a", "a", "b", "b", "c", None, None]})
    out, counts, fills = pp.impute_categorical_minor(df, ["c"])
    assert fills == {"c": "c"} and counts == {"c": 2}
    assert out["c"].tolist() == ["a", "a", "a", "b", "b", "c", "c", "c"]
    # ties are broken by sorted order, and "mode" is available as an option
    assert pp.minor_value(pd.Series(["z", "y", "x", "x"])) == "y"
    _, _, mode_fill = pp.impute_categorical_minor(df, ["c"], how="mode")
    assert mode_fill == {"c": "a"}


def test_only_adjacent_identical_rows_are_removed():
    df = pd.DataFrame({"a": [1, 1, 2, 1, 1, 1], "b": ["x", "x", "y", "x", "x", "z"]})
    out, removed = pp.drop_adjacent_duplicates(df)
    # rows 1 and 4 repeat the row right above; row 3 repeats row 0 but not adjacently
    assert removed == 2
    assert out.to_dict("list") == {"a": [1, 2, 1, 1], "b": ["x", "y", "x", "z"]}


def test_preprocess_end_to_end_on_a_hand_made_frame():
    raw = pd.DataFrame({
        "age": ["30", "40", "abc", "500", "50", "50"],
        "city": ["A", "B", None, "A", "C", "C"],
        "y": ["0", "1", "0", "1", "0", "0"],
    })
    spec = DatasetSpec(name="toy", file="toy.csv", sha256="0" * 64, target="y", positive="1",
                       types={"age": "numeric"}, ranges={"age": (0, 120)})
    clean, report = pp.preprocess(raw, spec, pp.CleaningOptions())
    # "abc" is not coercible, 500 is out of range: both get the mean of 30, 40, 50, 50 = 42.5
    # -> 42 (integral column); the missing city gets the minor value "B"
    assert clean["age"].tolist() == [30, 40, 42, 42, 50]
    assert clean["city"].tolist() == ["A", "B", "B", "A", "C"]
    assert report["adjacent_duplicates_removed"] == 1
    assert report["columns"]["age"]["not_coercible"] == 1
    assert report["columns"]["age"]["outliers_replaced"] == 1
    assert report["columns"]["age"]["imputed"] == 2
    assert report["columns"]["city"]["imputed"] == 1
    assert clean[ORIGIN].tolist() == [0, 1, 2, 3, 4]


def test_real_data_is_cleaned_as_documented(clean_adult, clean_stroke):
    assert len(clean_adult) == 32561  # no adjacent duplicates in Adult: the paper's 32,561
    assert len(clean_stroke) == 5110
    assert clean_adult.isna().sum().sum() == 0 and clean_stroke.isna().sum().sum() == 0
    assert "?" not in set(clean_adult["workclass"])
    assert set(clean_stroke["gender"]) == {"Female", "Male"}
    assert clean_stroke["bmi"].between(10, 60).all()
    assert (clean_stroke["stroke"] == "1").sum() == 249
    assert clean_adult["age"].dtype == "int64"
