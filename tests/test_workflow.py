"""The real workflow, end to end, on a tiny config over subsampled real data."""

from __future__ import annotations

import json
import re

import jsonschema
import pandas as pd
import pytest
import yaml
from conftest import ROOT, copy_workflow
from workflow_helpers import snakemake, tiny_config

from poisonbench.config import expand_experiments
from poisonbench.io import read_parquet

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, data_dir):
    work = copy_workflow(tmp_path_factory.mktemp("tiny"))
    proc = snakemake(work, data_dir=data_dir)
    return work, proc


def test_tables_hold_both_datasets_and_sensible_numbers(tiny_run):
    work, _ = tiny_run
    t2 = pd.read_csv(work / "results/tables/table2.csv")
    acc = t2[(t2["metric"] == "accuracy") & (t2["variant"] == "RD")].set_index("dataset")
    assert set(acc.index) == {"adult", "stroke"}
    assert (acc["n_seeds"] == 3).all()
    # RF on 2,000 Adult rows: ~80-87 %; Stroke is ~95 % majority, so RF sits near that
    assert 75 < acc.loc["adult", "mean"] < 90
    assert 90 < acc.loc["stroke", "mean"] < 97
    assert acc["cv"].notna().all() and (acc["std"] > 0).all()
    # balanced accuracy exposes the stroke minority that accuracy hides
    bal = t2[(t2["metric"] == "balanced_accuracy") & (t2["variant"] == "RD")]
    bal = bal.set_index("dataset")
    assert bal.loc["stroke", "mean"] < acc.loc["stroke", "mean"] - 20

    t3 = pd.read_csv(work / "results/tables/table3.csv")
    t3 = t3[t3["variant"] == "RD"].set_index("dataset")
    assert t3.loc["adult", "total_records"] == 2000
    assert t3.loc["stroke", "total_records"] == 1500
    for ds in ("adult", "stroke"):
        row = t3.loc[ds]
        assert row["train_size"] + row["test_size"] == pytest.approx(row["total_records"])
        assert 0.65 * row["total_records"] - 1 <= row["train_min"]
        assert row["train_max"] <= 0.80 * row["total_records"] + 1

    cmp = pd.read_csv(work / "results/tables/paper_comparison.csv")
    cell = cmp[(cmp["table"] == "table2") & (cmp["dataset"] == "adult") &
               (cmp["column"] == "random_splits_mean") & (cmp["variant"] == "RD")].iloc[0]
    assert cell["paper"] == 86.07
    assert cell["ours"] == pytest.approx(acc.loc["adult", "mean"])
    assert cell["difference"] == pytest.approx(cell["ours"] - 86.07, abs=1e-3)
    md = (work / "results/tables/table2.md").read_text()
    assert re.search(r"\| adult \| rf \| \d+\.\d\d ± \d+\.\d\d \(\d+\.\d\d\) \|", md)


def test_records_follow_the_schema_and_the_profile_is_right(tiny_run):
    work, _ = tiny_run
    schema = json.loads((ROOT / "workflow/schemas/run_record.schema.json").read_text())
    records = sorted((work / "results/runs").rglob("*.json"))
    expected = {c["path"] for cells in expand_experiments(tiny_config()).values() for c in cells}
    assert {str(p.relative_to(work)) for p in records} == expected
    for path in records:
        rec = json.loads(path.read_text())
        jsonschema.validate(rec, schema)
        cm = rec["metrics"]["confusion_matrix"]
        if rec["kind"] == "split":
            assert sum(map(sum, cm)) == rec["rows"]["test"]
    prof = json.loads((work / "results/data/stroke/profile.json").read_text())
    counts = prof["class_counts"]
    assert prof["imbalance_ratio"] == pytest.approx(counts["0"] / counts["1"])
    assert prof["balanced"] is False and prof["rows"] == 1500


def test_augmented_variants_in_both_placements(tiny_run):
    work, _ = tiny_run
    t3 = pd.read_csv(work / "results/tables/table3.csv").set_index(["dataset", "variant"])
    prof = json.loads((work / "results/data/stroke/profile.json").read_text())
    majority = max(prof["class_counts"].values())
    # paper placement: the whole dataset is balanced to |c_M| = |c_m| before splitting
    assert t3.loc[("stroke", "AD"), "total_records"] == 2 * majority
    # honest placement: the data stays real; only each training split is oversampled
    assert t3.loc[("stroke", "AD-honest"), "total_records"] == 1500
    rec = json.loads((work / "results/runs/stroke/ctgan_honest/none/rf/seed0.json").read_text())
    before = rec["rows"]["per_class"]["train_before_oversampling"]
    after = rec["rows"]["per_class"]["train"]
    assert after["1"] == after["0"] == before["0"]  # training split balanced exactly
    assert rec["rows"]["test"] + rec["rows"]["train_before_oversampling"] == 1500
    assert rec["oversampling"]["synthetic_rows"] == before["0"] - before["1"]
    # the honest model is also scored on clean rows it never saw: here, its test rows
    assert rec["clean_test"]["rows"] == rec["rows"]["test"]
    assert rec["clean_test"]["metrics"]["accuracy"] == rec["metrics"]["accuracy"]
    fid = work / "results/data/stroke/ctgan/fidelity.json"
    assert not fid.exists() or json.loads(fid.read_text())["discriminator"]["auc"] >= 0.5


def test_poisoned_variant_inflates_accuracy_but_not_on_clean_rows(tiny_run):
    work, _ = tiny_run
    t2 = pd.read_csv(work / "results/tables/table2.csv")
    acc = t2.set_index(["dataset", "variant", "metric"])["mean"]
    for ds in ("adult", "stroke"):
        assert acc[(ds, "R-PD", "accuracy")] > acc[(ds, "RD", "accuracy")]
        assert acc[(ds, "R-PD", "accuracy")] > 98
        # the poisoned model on clean rows it never saw: far below what it reports
        assert acc[(ds, "R-PD", "clean_accuracy")] < acc[(ds, "R-PD", "accuracy")] - 5
        # for RD, clean unseen rows are exactly the test rows
        assert acc[(ds, "RD", "clean_accuracy")] == pytest.approx(acc[(ds, "RD", "accuracy")])
    rec = json.loads((work / "results/runs/adult/none/paper/rf/seed0.json").read_text())
    assert rec["evaluation"]["stratify"] is False and rec["evaluation"]["guards"] is False
    assert rec["params"]["classifier"]["search"] == {}  # poor hyperparameters: no search
    assert rec["params"]["classifier"]["params"]["n_estimators"] <= 15


def test_provenance_rebuilds_the_clean_data(tiny_run):
    from poisonbench import poison

    work, _ = tiny_run
    for ds in ("adult", "stroke"):
        base = read_parquet(work / f"results/data/{ds}/none/base.parquet")
        data = read_parquet(work / f"results/data/{ds}/none/paper/data.parquet")
        prov = json.loads((work / f"results/data/{ds}/none/paper/provenance.json").read_text())
        assert len(data) > len(base)  # rows are only ever added
        pd.testing.assert_frame_equal(poison.reconstruct(data, prov), base)


def test_table1_problem1_and_ablation(tiny_run):
    work, _ = tiny_run
    t1 = pd.read_csv(work / "results/tables/table1.csv")
    assert sorted(t1.groupby("dataset").size().tolist()) == [10, 10]
    assert t1.groupby("dataset")["match"].sum().min() >= 8
    p1 = pd.read_csv(work / "results/tables/problem1.csv").set_index("dataset")
    assert p1["c_holds"].all() and p1["a_reconstructed_identical"].all()
    abl = pd.read_csv(work / "results/tables/ablation.csv")
    assert set(abl["recipe"]) == {"none", "paper", "op_flip_random", "op_amplify_imbalance"}
    assert (abl[abl["recipe"] == "none"][["delta_accuracy"]] == 0).all().all()
    flip = abl[abl["recipe"] == "op_flip_random"].set_index("dataset")
    assert (flip["delta_accuracy"] < 0).all()  # 10 % random flips cost accuracy
    paper = abl[abl["recipe"] == "paper"].set_index("dataset")
    assert (paper["delta_accuracy"] > 0).all()


def test_tables_4_to_7_figures_and_the_paper_comparison(tiny_run):
    work, _ = tiny_run
    for name in ("table2", "table3", "table4", "table5", "table6", "table7"):
        for ext in ("csv", "md", "tex"):
            assert (work / f"results/tables/{name}.{ext}").stat().st_size > 100
    t7 = pd.read_csv(work / "results/tables/table7.csv")
    acc = t7[t7["metric"] == "accuracy"]
    assert set(acc["classifier"]) == {"rf", "dt", "svm", "lr", "nb"}
    assert set(acc["variant"]) == {"RD", "R-PD"} and (acc["n_seeds"] == 2).all()
    t5 = pd.read_csv(work / "results/tables/table5.csv")
    assert set(t5["pct"]) == {50, 100} and set(t5["nature"]) == {"real", "poisoned"}
    t6 = pd.read_csv(work / "results/tables/table6.csv").set_index(["variant", "pct"])
    assert t6.loc[("RD", 50), "total_records"] == 750
    t4 = pd.read_csv(work / "results/tables/table4.csv")
    assert t4[["precision", "recall", "precision_negative", "recall_negative"]].notna().all().all()
    cmp = pd.read_csv(work / "results/tables/paper_comparison.csv")
    assert {"table2", "table3", "table4", "table5", "table6", "table7"} <= set(cmp["table"])
    assert (cmp["difference"] - (cmp["ours"] - cmp["paper"])).abs().max() < 1e-3
    for fig in ("accuracy_by_classifier", "accuracy_vs_size", "confusion_matrices",
                "table1_patterns", "feature_shift", "rulegraph"):
        png = (work / f"results/figures/{fig}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
        assert (work / f"results/figures/{fig}.pdf").read_bytes()[:4] == b"%PDF"
    assert "fit_split" in (work / "results/figures/rulegraph.dot").read_text()


def test_the_html_report_holds_every_table_and_figure(tiny_run, data_dir):
    work, _ = tiny_run
    snakemake(work, "--report", "results/report.html", data_dir=data_dir)
    html = (work / "results/report.html").read_text(errors="replace")
    for name in ("table2.md", "table7.md", "ablation.md", "accuracy_vs_size.png",
                 "confusion_matrices.png", "rulegraph.png"):
        assert name in html


def test_a_second_run_does_nothing(tiny_run, data_dir):
    work, _ = tiny_run
    proc = snakemake(work, "--dry-run", data_dir=data_dir)
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_default_config_plans_the_expected_jobs(tmp_path, data_dir, default_config):
    from poisonbench.config import expand_experiments, pairs

    work = copy_workflow(tmp_path)
    proc = snakemake(work, "--dry-run", "--quiet", "rules", data_dir=data_dir, configfile=None)
    counts = {k: int(v) for k, v in re.findall(r"^(\w+)\s+(\d+)$", proc.stdout, flags=re.M)}
    cells = {c["path"]: c for cs in expand_experiments(default_config).values() for c in cs}
    kinds = [(c["kind"], c["pct"]) for c in cells.values()]
    assert counts["fit_split"] == kinds.count(("split", 100))
    assert counts.get("fit_size", 0) == sum(k == "split" and p != 100 for k, p in kinds)
    assert counts["fit_cv"] == kinds.count(("cv", 100))
    datasets = {c["dataset"] for c in cells.values()}
    assert counts["fetch"] == counts["preprocess"] == len(datasets)
    variants = {(c["dataset"], c["aug"], c["poison"]) for c in cells.values()}
    assert counts["poison"] == len(variants)
    honest = {v for v in variants
              if default_config["augmentations"][v[1]].get("placement") == "honest"
              and default_config["augmentations"][v[1]]["method"] == "ctgan"}
    assert counts.get("train_ctgan_split", 0) == len(honest) * default_config["splits"]["n_seeds"]
    run = default_config["run"]
    assert len(pairs(default_config, default_config["experiments"][run[0]])) >= 1


def _bad_config(tmp_path, change) -> Path:  # noqa: F821
    cfg = yaml.safe_load((ROOT / "tests/configs/tiny.yaml").read_text())
    change(cfg)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


@pytest.mark.parametrize(
    ("change", "target", "message"),
    [
        (lambda c: c["datasets"]["stroke"].update(sha256="0" * 64),
         "results/data/stroke/clean.parquet", "SHA-256 mismatch"),
        (lambda c: c["datasets"]["stroke"].update(target="has_stroke"),
         "results/data/stroke/clean.parquet", "target column 'has_stroke' of dataset 'stroke'"),
        (lambda c: c["datasets"]["stroke"].update(positive="yes"),
         "results/data/stroke/clean.parquet", "positive label 'yes' is not among"),
    ],
    ids=["checksum", "missing-target", "wrong-positive"],
)
def test_bad_input_stops_with_one_clear_message(tmp_path, data_dir, change, target, message):
    work = copy_workflow(tmp_path / "w")
    proc = snakemake(work, target, data_dir=data_dir, configfile=_bad_config(tmp_path, change),
                     check=False)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert not (work / target).exists()


def test_a_single_class_dataset_is_refused(tmp_path, data_dir):
    import hashlib

    src = (data_dir / "healthcare-dataset-stroke-data.csv").read_text().splitlines()
    one_class = "\n".join([src[0], *[ln for ln in src[1:] if ln.endswith(",0")][:300]]) + "\n"
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "one.csv").write_text(one_class)

    def change(cfg):
        cfg["datasets"]["stroke"] = {"file": "one.csv", "max_rows": None,
                                     "sha256": hashlib.sha256(one_class.encode()).hexdigest()}

    cfg_path = _bad_config(tmp_path, change)
    cfg = yaml.safe_load(cfg_path.read_text())
    cfg["datasets"]["stroke"].pop("max_rows")
    cfg_path.write_text(yaml.safe_dump(cfg))
    work = copy_workflow(tmp_path / "w")
    proc = snakemake(work, "results/data/stroke/clean.parquet", data_dir=folder,
                     configfile=cfg_path, check=False)
    assert proc.returncode != 0
    assert "target 'stroke' has a single class ['0']" in proc.stderr
    assert not (work / "results/data/stroke/clean.parquet").exists()


@pytest.mark.parametrize(
    ("override", "message"),
    [("run=[setting1, settin1]", "did you mean 'setting1'"),
     ("splits={n_seeds: 3, train_fraction: [0.65, 0.8], cv_folds: 3, n_sedes: 2}",
      "n_sedes")],
    ids=["unknown-experiment-name", "misspelled-key"],
)
def test_config_typos_are_caught_before_anything_runs(tmp_path, data_dir, override, message):
    work = copy_workflow(tmp_path)
    proc = snakemake(work, "--dry-run", config=(override,), data_dir=data_dir, check=False)
    assert proc.returncode != 0
    assert message in proc.stdout + proc.stderr
