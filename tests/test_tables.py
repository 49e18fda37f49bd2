"""Tables are pure functions of records: checked on hand-made records."""

import json

import pandas as pd
import pytest

from poisonbench import tables

VARIANTS = {"RD": {"aug": "none", "poison": "none"}, "R-PD": {"aug": "none", "poison": "paper"}}


def _record(path, dataset, poison, seed=None, folds=None, acc=0.8, train=70, test=30):
    kind = "split" if folds is None else "cv"
    wc = {"dataset": dataset, "aug": "none", "poison": poison, "clf": "rf"}
    wc.update({"seed": seed} if folds is None else {"folds": folds})
    rows = {"total": train + test, "per_class": {}}
    rows.update({"train": train, "test": test} if kind == "split"
                else {"train_mean": train, "test_mean": test})
    metrics = {m: acc for m in tables.METRICS}
    metrics["per_class"] = {"negative": {"precision": 0.9, "recall": 0.95}}
    rec = {"kind": kind, "wildcards": wc, "rows": rows, "metrics": metrics}
    path.write_text(json.dumps(rec))
    return path


@pytest.fixture
def records(tmp_path):
    paths = []
    for i, (acc, train) in enumerate([(0.80, 70), (0.84, 75), (0.88, 80)]):
        paths.append(_record(tmp_path / f"rd{i}.json", "adult", "none", seed=i, acc=acc,
                             train=train, test=100 - train))
        paths.append(_record(tmp_path / f"pd{i}.json", "adult", "paper", seed=i, acc=0.99,
                             train=train, test=100 - train))
    paths.append(_record(tmp_path / "rdcv.json", "adult", "none", folds=10, acc=0.85))
    return tables.load_records(paths, VARIANTS)


def test_table2_mean_std_and_cv_in_percent(records):
    t2 = tables.table2(records, VARIANTS, metrics=("accuracy",))
    rd = t2[t2["variant"] == "RD"].iloc[0]
    assert rd["mean"] == pytest.approx(84.0)
    assert rd["std"] == pytest.approx(4.0)
    assert rd["cv"] == pytest.approx(85.0)
    assert rd["n_seeds"] == 3
    pd_row = t2[t2["variant"] == "R-PD"].iloc[0]
    assert pd_row["mean"] == pytest.approx(99.0) and pd.isna(pd_row["cv"])
    assert list(t2["variant"]) == ["RD", "R-PD"]  # the paper's column order
    md = tables.table2_markdown(t2, VARIANTS)
    assert "| adult | rf | 84.00 ± 4.00 (85.00) | 99.00 ± 0.00 (–) |" in md


def test_table3_sizes_are_means_over_seeds(records):
    t3 = tables.table3(records, VARIANTS)
    rd = t3[t3["variant"] == "RD"].iloc[0]
    assert rd["total_records"] == 100
    assert rd["train_size"] == pytest.approx(75.0) and rd["test_size"] == pytest.approx(25.0)
    assert (rd["train_min"], rd["train_max"]) == (70, 80)


def test_compare_puts_each_reported_cell_beside_ours(records):
    t2 = tables.table2(records, VARIANTS)
    t3 = tables.table3(records, VARIANTS)
    reported = pd.DataFrame([
        {"table": "table2", "dataset": "adult", "setting": "I", "classifier": "rf",
         "metric": "accuracy", "variant": "RD", "column": "random_splits_mean", "value": 86.07},
        {"table": "table3", "dataset": "adult", "setting": "I", "classifier": None,
         "metric": "total_records", "variant": "RD", "column": None, "value": 32561},
        {"table": "table2", "dataset": "stroke", "setting": "I", "classifier": "rf",
         "metric": "accuracy", "variant": "RD", "column": "random_splits_mean", "value": 94.62},
    ])
    cmp = tables.compare(tables.paper_cells(t2, t3), reported)
    assert len(cmp) == 2  # stroke was not run: no row
    acc = cmp[cmp["table"] == "table2"].iloc[0]
    assert acc["ours"] == pytest.approx(84.0)
    assert acc["difference"] == pytest.approx(84.0 - 86.07)
    assert cmp[cmp["table"] == "table3"].iloc[0]["ours"] == 100
