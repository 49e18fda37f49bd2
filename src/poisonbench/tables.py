"""The paper's tables as pure functions of per-run records (no refitting to rebuild a table).

Every table is written as CSV (tidy, full precision rounded to 4 decimals) and Markdown (the
paper's layout, percentages). ``paper_cells`` turns our tables into the paper's tidy keys
(table, dataset, classifier, metric, variant, column) so ``compare`` can put each reported
number beside ours. The paper's numbers are only ever read by ``compare``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from poisonbench.io import read_json

METRICS = ("accuracy", "precision", "recall", "f1", "balanced_accuracy", "mcc", "roc_auc")
PAPER_KEYS = ["table", "dataset", "classifier", "metric", "variant", "column"]


def variant_name(variants: dict[str, dict[str, str]], aug: str, poison: str) -> str:
    for name, pair in variants.items():
        if pair["aug"] == aug and pair["poison"] == poison:
            return name
    return f"{aug}/{poison}"


def load_records(paths: Iterable[str | Path], variants: dict[str, dict[str, str]]) -> pd.DataFrame:
    """One flat row per record: wildcards, variant, kind, row counts and scalar metrics."""
    rows: list[dict[str, Any]] = []
    for path in paths:
        rec = read_json(path)
        wc = rec["wildcards"]
        row: dict[str, Any] = {
            "dataset": wc["dataset"], "aug": wc["aug"], "poison": wc["poison"],
            "classifier": wc["clf"], "kind": rec["kind"],
            "seed": wc.get("seed"), "folds": wc.get("folds"),
            "variant": variant_name(variants, wc["aug"], wc["poison"]),
            "total": rec["rows"]["total"],
            "train": rec["rows"].get("train", rec["rows"].get("train_mean")),
            "test": rec["rows"].get("test", rec["rows"].get("test_mean")),
        }
        for m in METRICS:
            row[m] = rec["metrics"].get(m)
        neg = rec["metrics"].get("per_class", {}).get("negative", {})
        row["precision_negative"] = neg.get("precision")
        row["recall_negative"] = neg.get("recall")
        clean = (rec.get("clean_test") or {}).get("metrics") or {}
        row["clean_accuracy"] = clean.get("accuracy")
        row["clean_balanced_accuracy"] = clean.get("balanced_accuracy")
        row["pct"] = wc.get("pct", 100)
        row["confusion_matrix"] = rec["metrics"].get("confusion_matrix")
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.sort_values(["dataset", "classifier", "aug", "poison", "kind", "seed", "folds"],
                          na_position="first", kind="stable").reset_index(drop=True)


def _order(df: pd.DataFrame, variants: dict[str, dict[str, str]]) -> pd.DataFrame:
    order = {v: i for i, v in enumerate(variants)}
    return df.assign(_v=df["variant"].map(lambda v: order.get(v, len(order)))).sort_values(
        ["dataset", "classifier", "_v", "variant"], kind="stable").drop(columns="_v")


HONEST_METRICS = ("accuracy", "balanced_accuracy", "mcc", "clean_accuracy",
                  "clean_balanced_accuracy")


def table2(records: pd.DataFrame, variants: dict[str, dict[str, str]],
           metrics: Iterable[str] = HONEST_METRICS) -> pd.DataFrame:
    """Mean and std over split seeds, and the CV mean (the paper's brackets), in percent."""
    out = []
    keys = ["dataset", "classifier", "variant", "aug", "poison"]
    splits = records[records["kind"] == "split"]
    cv = records[records["kind"] == "cv"]
    for key, grp in splits.groupby(keys, sort=False):
        cv_grp = cv
        for k, v in zip(keys, key, strict=True):
            cv_grp = cv_grp[cv_grp[k] == v]
        for m in metrics:
            vals = grp[m].dropna().astype(float)
            cvv = cv_grp[m].dropna().astype(float)
            out.append({**dict(zip(keys, key, strict=True)), "metric": m,
                        "mean": round(100 * vals.mean(), 4) if len(vals) else np.nan,
                        "std": round(100 * vals.std(ddof=1), 4) if len(vals) > 1 else np.nan,
                        "n_seeds": len(vals),
                        "cv": round(100 * cvv.iloc[0], 4) if len(cvv) else np.nan})
    return _order(pd.DataFrame(out), variants).reset_index(drop=True)


def table3(records: pd.DataFrame, variants: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Record counts and train/test sizes (mean, min, max over seeds) per dataset and variant."""
    splits = records[records["kind"] == "split"]
    first_clf = splits.groupby(["dataset", "variant"])["classifier"].transform("min")
    splits = splits[splits["classifier"] == first_clf]  # sizes do not depend on the classifier
    rows = []
    for (dataset, variant), grp in splits.groupby(["dataset", "variant"], sort=False):
        rows.append({"dataset": dataset, "classifier": grp["classifier"].iloc[0],
                     "variant": variant,
                     "total_records": int(grp["total"].iloc[0]),
                     "train_size": round(float(grp["train"].mean()), 1),
                     "test_size": round(float(grp["test"].mean()), 1),
                     "train_min": int(grp["train"].min()), "train_max": int(grp["train"].max()),
                     "test_min": int(grp["test"].min()), "test_max": int(grp["test"].max()),
                     "n_seeds": len(grp)})
    return _order(pd.DataFrame(rows), variants).drop(columns="classifier").reset_index(drop=True)


def paper_cells(t2: pd.DataFrame | None = None, t3: pd.DataFrame | None = None,
                t4: pd.DataFrame | None = None, t5: pd.DataFrame | None = None,
                t6: pd.DataFrame | None = None, t7: pd.DataFrame | None = None) -> pd.DataFrame:
    """Our numbers under the paper's tidy keys (only for the tables given)."""
    cells: list[dict[str, Any]] = []
    if t2 is not None:
        for r in t2[(t2["metric"] == "accuracy") & (t2["classifier"] == "rf")].itertuples():
            base = {"table": "table2", "dataset": r.dataset, "classifier": "rf",
                    "metric": "accuracy", "variant": r.variant}
            cells.append({**base, "column": "random_splits_mean", "ours": r.mean})
            cells.append({**base, "column": "cv10", "ours": r.cv})
    if t3 is not None:
        for r in t3.itertuples():
            for metric in ("total_records", "train_size", "test_size"):
                cells.append({"table": "table3", "dataset": r.dataset, "classifier": "",
                              "metric": metric, "variant": r.variant, "column": "",
                              "ours": getattr(r, metric)})
    if t4 is not None:
        # the paper's precision/recall are those of the majority class (R's first factor level)
        for r in t4.itertuples():
            for metric, ours in (("precision", r.precision_negative),
                                 ("recall", r.recall_negative)):
                cells.append({"table": "table4", "dataset": r.dataset, "classifier": "rf",
                              "metric": metric, "variant": r.variant, "column": "",
                              "ours": ours})
    if t5 is not None:
        for r in t5[t5["metric"] == "accuracy"].itertuples():
            cells.append({"table": "table5", "dataset": r.dataset, "classifier": "rf",
                          "metric": "accuracy", "variant": r.nature, "column": f"{r.pct}%",
                          "ours": r.mean})
    if t6 is not None:
        for r in t6[t6["nature"] == "real"].itertuples():
            for metric in ("total_records", "train_size", "test_size"):
                cells.append({"table": "table6", "dataset": r.dataset, "classifier": "",
                              "metric": metric, "variant": "", "column": f"{r.pct}%",
                              "ours": getattr(r, metric)})
    if t7 is not None:
        for r in t7[t7["metric"] == "accuracy"].itertuples():
            cells.append({"table": "table7", "dataset": r.dataset, "classifier": r.classifier,
                          "metric": "accuracy", "variant": r.variant,
                          "column": "random_splits_mean", "ours": r.mean})
    return pd.DataFrame(cells, columns=[*PAPER_KEYS, "ours"])


def compare(ours: pd.DataFrame, reported: pd.DataFrame) -> pd.DataFrame:
    """Every reported cell whose key we produced, with ours beside it and ours - paper."""
    rep = reported.rename(columns={"value": "paper"}).copy()
    for k in PAPER_KEYS:
        rep[k] = rep[k].fillna("").astype(str)
    ours = ours.copy()
    for k in PAPER_KEYS:
        ours[k] = ours[k].fillna("").astype(str)
    merged = rep.merge(ours, on=PAPER_KEYS, how="inner")
    merged["difference"] = (merged["ours"] - merged["paper"]).round(4)
    return merged[[*PAPER_KEYS, "setting", "paper", "ours", "difference"]].reset_index(drop=True)


def _fmt(x: float, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}f}"


def table2_markdown(t2: pd.DataFrame, variants: dict[str, dict[str, str]]) -> str:
    """The paper's layout: a row per dataset/classifier, a column per variant, 'mean ± std (cv)'."""
    parts = []
    titles = {"accuracy": "Accuracy (%)", "balanced_accuracy": "Balanced accuracy (%)",
              "mcc": "MCC (×100)",
              "clean_accuracy": "Accuracy on clean rows the model never saw (%)",
              "clean_balanced_accuracy": "Balanced accuracy on clean unseen rows (%)"}
    for metric, grp in t2.groupby("metric", sort=False):
        cols = [v for v in [*variants, *sorted(set(grp["variant"]) - set(variants))]
                if v in set(grp["variant"])]
        lines = [f"### {titles.get(metric, metric)}: mean ± std over split seeds "
                 f"(10-fold CV in brackets)", "",
                 "| dataset | classifier | " + " | ".join(cols) + " |",
                 "|---|---|" + "---|" * len(cols)]
        for (dataset, clf), rows in grp.groupby(["dataset", "classifier"], sort=False):
            cells = []
            for v in cols:
                r = rows[rows["variant"] == v]
                if r.empty:
                    cells.append("")
                else:
                    r = r.iloc[0]
                    cells.append(f"{_fmt(r['mean'])} ± {_fmt(r['std'])} ({_fmt(r['cv'])})")
            lines.append(f"| {dataset} | {clf} | " + " | ".join(cells) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def frame_markdown(df: pd.DataFrame, title: str) -> str:
    """A plain Markdown rendering of a tidy table (no optional dependency on tabulate)."""
    cols = list(df.columns)
    lines = [f"### {title}", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.itertuples(index=False):
        cells = [_fmt(v, 2) if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def to_csv_text(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n", float_format="%.4f")


ABLATION_METRICS = ("accuracy", "balanced_accuracy", "clean_accuracy", "clean_balanced_accuracy")


def ablation(records: pd.DataFrame, baseline: str = "none") -> pd.DataFrame:
    """Per dataset and recipe: mean metrics over seeds and their deltas from the clean baseline,
    sorted by accuracy inflation (largest first)."""
    splits = records[records["kind"] == "split"]
    means = splits.groupby(["dataset", "classifier", "aug", "poison"], sort=True)[
        list(ABLATION_METRICS)].mean().reset_index()
    rows = []
    for (dataset, clf, aug), grp in means.groupby(["dataset", "classifier", "aug"], sort=True):
        base = grp[grp["poison"] == baseline]
        if base.empty:
            continue
        base = base.iloc[0]
        for r in grp.itertuples(index=False):
            row = {"dataset": dataset, "classifier": clf, "aug": aug, "recipe": r.poison,
                   "n_seeds": int(((splits["dataset"] == dataset) &
                                   (splits["poison"] == r.poison) &
                                   (splits["classifier"] == clf) &
                                   (splits["aug"] == aug)).sum())}
            for m in ABLATION_METRICS:
                row[m] = round(100 * getattr(r, m), 4)
                row[f"delta_{m}"] = round(100 * (getattr(r, m) - base[m]), 4)
            rows.append(row)
    out = pd.DataFrame(rows)
    return out.sort_values(["dataset", "classifier", "delta_accuracy"],
                           ascending=[True, True, False], kind="stable").reset_index(drop=True)


def table1(patterns: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """Table 1 quantified: per dataset and pattern, our number on D and D' beside the paper's
    qualitative direction, and whether ours moves that way."""
    rows = []
    for dataset, prows in patterns.items():
        for r in prows:
            rows.append({"dataset": dataset, "pattern": r["pattern"], "metric": r["metric"],
                         "real": round(float(r["real"]), 4),
                         "poisoned": round(float(r["poisoned"]), 4),
                         "paper_real": r["paper_real"], "paper_poisoned": r["paper_poisoned"],
                         "expected_direction": r["expected"], "match": bool(r["match"])})
    return pd.DataFrame(rows)


def problem1(problems: dict[str, dict[str, Any]], records: pd.DataFrame,
             variants: dict[str, dict[str, str]], real: str = "RD",
             poisoned: str = "R-PD") -> pd.DataFrame:
    """Problem 1 measured: (a) D ⊆ D', (b) D' ~ D, (c) acc(D') vs acc(D) (and on clean rows)."""
    splits = records[records["kind"] == "split"]
    rows = []
    for dataset, prob in problems.items():
        a, b = prob["a_subset"], prob["b_similar"]
        acc = {}
        for v in (real, poisoned):
            sel = splits[(splits["dataset"] == dataset) & (splits["variant"] == v)]
            acc[v] = sel.groupby("classifier")[["accuracy", "clean_accuracy"]].mean()
        for clf in sorted(acc[real].index.intersection(acc[poisoned].index)):
            rows.append({
                "dataset": dataset, "classifier": clf,
                "a_strict_share_of_D_in_Dprime": round(a["strict"]["share_rows"], 4),
                "a_projected_share_of_D_in_Dprime": round(a.get("projected", {}).get(
                    "share_rows", np.nan), 4),
                "a_reconstructed_identical": bool(a.get("reconstructed", {}).get("identical")),
                "b_mean_distance": round(b["mean_distance"], 4),
                "c_acc_D": round(100 * acc[real].loc[clf, "accuracy"], 4),
                "c_acc_Dprime": round(100 * acc[poisoned].loc[clf, "accuracy"], 4),
                "c_acc_Dprime_on_clean_unseen": round(
                    100 * acc[poisoned].loc[clf, "clean_accuracy"], 4),
                "c_holds": bool(acc[poisoned].loc[clf, "accuracy"] >
                                acc[real].loc[clf, "accuracy"]),
            })
    return pd.DataFrame(rows)


def table4(records: pd.DataFrame, variants: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Precision and recall (%), mean over seeds: for the positive class and for the majority
    class (which is what the paper's values correspond to)."""
    splits = records[records["kind"] == "split"]
    cols = ["precision", "recall", "precision_negative", "recall_negative"]
    out = (100 * splits.groupby(["dataset", "classifier", "variant"], sort=False)[cols].mean())
    out = out.round(4).reset_index()
    return _order(out, variants).reset_index(drop=True)


NATURE = {"RD": "real", "R-PD": "poisoned", "AD": "real", "A-PD": "poisoned"}


def table5(records: pd.DataFrame, variants: dict[str, dict[str, str]],
           metrics: Iterable[str] = ("accuracy", "balanced_accuracy", "mcc", "clean_accuracy")
           ) -> pd.DataFrame:
    """Setting II: mean (std) over seeds per dataset, variant and data-size share."""
    splits = records[records["kind"] == "split"]
    rows = []
    for (dataset, variant, pct), grp in splits.groupby(["dataset", "variant", "pct"],
                                                       sort=True):
        for m in metrics:
            vals = grp[m].dropna().astype(float)
            rows.append({"dataset": dataset, "variant": variant,
                         "nature": NATURE.get(variant, variant), "pct": int(pct), "metric": m,
                         "mean": round(100 * vals.mean(), 4) if len(vals) else np.nan,
                         "std": round(100 * vals.std(ddof=1), 4) if len(vals) > 1 else np.nan,
                         "n_seeds": len(vals)})
    return pd.DataFrame(rows)


def table6(records: pd.DataFrame, variants: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Setting II sizes: records, mean train and test rows per data-size share."""
    splits = records[records["kind"] == "split"]
    rows = []
    for (dataset, variant, pct), grp in splits.groupby(["dataset", "variant", "pct"],
                                                       sort=True):
        rows.append({"dataset": dataset, "variant": variant,
                     "nature": NATURE.get(variant, variant), "pct": int(pct),
                     "total_records": int(grp["total"].iloc[0]),
                     "train_size": round(float(grp["train"].mean()), 1),
                     "test_size": round(float(grp["test"].mean()), 1), "n_seeds": len(grp)})
    return pd.DataFrame(rows)


def table7(records: pd.DataFrame, variants: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Setting III: Table 2's layout for every classifier (no CV in the paper's Table 7)."""
    return table2(records, variants)


def wide(df: pd.DataFrame, index: list[str], column: str, value: str = "mean") -> pd.DataFrame:
    """A pivot for Markdown/LaTeX layouts (e.g. data-size shares as columns)."""
    return df.pivot_table(index=index, columns=column, values=value, sort=False).reset_index()


def to_latex(df: pd.DataFrame, caption: str, label: str) -> str:
    """A booktabs LaTeX table (numbers to two decimals)."""
    cols = list(df.columns)
    lines = ["\\begin{table}[ht]", "\\centering", f"\\caption{{{caption}}}",
             f"\\label{{{label}}}", "\\begin{tabular}{" + "l" * len(cols) + "}",
             "\\toprule", " & ".join(_tex(c) for c in cols) + " \\\\", "\\midrule"]
    for row in df.itertuples(index=False):
        cells = [_fmt(v, 2) if isinstance(v, float) else _tex(str(v)) for v in row]
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}", "\\end{table}"]
    return "\n".join(lines) + "\n"


def _tex(text: str) -> str:
    for a, b in (("\\", "\\textbackslash{}"), ("_", "\\_"), ("%", "\\%"), ("&", "\\&"),
                 ("#", "\\#"), ("±", "$\\pm$"), ("'", "$'$")):
        text = str(text).replace(a, b)
    return text


TABLES = {
    "table2": ("Table 2: accuracy, real vs poisoned (RF; mean ± std over split seeds, "
               "10-fold CV in brackets)", table2),
    "table3": ("Table 3: records, train and test sizes (mean over split seeds)", table3),
    "table4": ("Table 4: precision and recall (%, RF; positive class and majority class)",
               table4),
    "table5": ("Table 5: accuracy by data size (RF; mean over split seeds)", table5),
    "table6": ("Table 6: data sizes by share of the data", table6),
    "table7": ("Table 7: accuracy of five classifiers (mean ± std over split seeds)", table7),
}


def render(name: str, records: pd.DataFrame,
           variants: dict[str, dict[str, str]]) -> tuple[pd.DataFrame, str, str]:
    """One of the paper's tables from records: the tidy frame, Markdown and LaTeX."""
    title, build = TABLES[name]
    df = build(records, variants)
    if name in ("table2", "table7"):
        md = f"## {title}\n\n" + table2_markdown(df, variants)
        shown = df[df["metric"] == "accuracy"]
    elif name == "table5":
        shown = wide(df[df["metric"].isin(["accuracy", "clean_accuracy"])],
                     ["dataset", "nature", "metric"], "pct")
        shown.columns = [f"{c}%" if isinstance(c, int | np.integer) else c for c in shown.columns]
        md = frame_markdown(shown, title)
    else:
        shown = df
        md = frame_markdown(df, title)
    return df, md, to_latex(shown, title.replace("±", "$\\pm$"), f"tab:{name}")
