"""The figures: pure functions of records / tables that write a PNG and a PDF each.

matplotlib and seaborn are imported inside the functions (they are slow to import), with the
non-interactive Agg backend, and every figure gets fixed metadata so reruns give stable files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from poisonbench.io import atomic_path

PALETTE = "colorblind"


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig: Any, png: str | Path, pdf: str | Path | None = None) -> None:
    """Write the figure atomically; no timestamps in the files."""
    plt = _plt()
    with atomic_path(png) as tmp:
        fig.savefig(tmp, format="png", dpi=150, bbox_inches="tight",
                    metadata={"Software": None})
    if pdf is not None:
        with atomic_path(pdf) as tmp:
            fig.savefig(tmp, format="pdf", bbox_inches="tight",
                        metadata={"Creator": None, "Producer": None, "CreationDate": None})
    plt.close(fig)


def accuracy_by_classifier(records: pd.DataFrame, order: list[str]) -> Any:
    """Real vs poisoned accuracy per classifier and dataset, one dot per split seed."""
    plt = _plt()
    import seaborn as sns

    df = records[records["kind"] == "split"].copy()
    df["accuracy (%)"] = 100 * df["accuracy"]
    datasets = sorted(df["dataset"].unique())
    variants = [v for v in order if v in set(df["variant"])]
    fig, axes = plt.subplots(1, len(datasets), figsize=(6 * len(datasets), 4.2), squeeze=False)
    for ax, ds in zip(axes[0], datasets, strict=True):
        sub = df[df["dataset"] == ds]
        sns.boxplot(data=sub, x="classifier", y="accuracy (%)", hue="variant",
                    hue_order=variants, palette=PALETTE, ax=ax, fliersize=0, linewidth=0.8)
        sns.stripplot(data=sub, x="classifier", y="accuracy (%)", hue="variant",
                      hue_order=variants, palette=PALETTE, dodge=True, size=2.5, ax=ax,
                      legend=False, color="k", alpha=0.6)
        ax.set_title(f"{ds}: accuracy over split seeds")
        ax.grid(axis="y", alpha=0.3)
    return fig


def accuracy_vs_size(records: pd.DataFrame) -> Any:
    """Setting II: accuracy against the share of data used, mean with a ±1 std band."""
    plt = _plt()

    df = records[records["kind"] == "split"].copy()
    datasets = sorted(df["dataset"].unique())
    fig, axes = plt.subplots(1, len(datasets), figsize=(5.5 * len(datasets), 4), squeeze=False)
    for ax, ds in zip(axes[0], datasets, strict=True):
        sub = df[df["dataset"] == ds]
        for (variant, metric), style in (
                (("RD", "accuracy"), "-"), (("R-PD", "accuracy"), "-"),
                (("R-PD", "clean_accuracy"), "--")):
            grp = sub[sub["variant"] == variant].groupby("pct")[metric]
            if grp.ngroups == 0:
                continue
            mean, std = 100 * grp.mean(), 100 * grp.std(ddof=1).fillna(0)
            label = f"{variant} {'on clean unseen rows' if metric.startswith('clean') else ''}"
            ax.plot(mean.index, mean.values, style, marker="o", label=label.strip())
            ax.fill_between(mean.index, (mean - std).values, (mean + std).values, alpha=0.2)
        ax.set_xlabel("share of the data (%)")
        ax.set_ylabel("accuracy (%)")
        ax.set_title(ds)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return fig


def confusion_heatmaps(records: pd.DataFrame, order: list[str]) -> Any:
    """Confusion matrices summed over split seeds, shares of each true class: the structure
    that accuracy alone hides."""
    plt = _plt()
    import seaborn as sns

    df = records[records["kind"] == "split"]
    datasets = sorted(df["dataset"].unique())
    variants = [v for v in order if v in set(df["variant"])]
    fig, axes = plt.subplots(len(datasets), len(variants),
                             figsize=(2.6 * len(variants), 2.5 * len(datasets)), squeeze=False)
    for i, ds in enumerate(datasets):
        for j, v in enumerate(variants):
            ax = axes[i][j]
            cms = df[(df["dataset"] == ds) & (df["variant"] == v)]["confusion_matrix"]
            if cms.empty:
                ax.axis("off")
                continue
            cm = np.sum([np.asarray(c) for c in cms], axis=0).astype(float)
            share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
            annot = np.array([[f"{100 * share[a, b]:.1f}%\n{int(cm[a, b])}" for b in range(2)]
                              for a in range(2)])
            sns.heatmap(share, annot=annot, fmt="", vmin=0, vmax=1, cmap="Blues", cbar=False,
                        ax=ax, xticklabels=["pred 0", "pred 1"],
                        yticklabels=["true 0", "true 1"], annot_kws={"fontsize": 8})
            ax.set_title(f"{ds} {v}", fontsize=9)
    fig.tight_layout()
    return fig


def table1_patterns(t1: pd.DataFrame) -> Any:
    """Table 1 quantified: change from D to D' per pattern (symmetric log ratio), coloured by
    whether it moves in the paper's direction."""
    plt = _plt()

    datasets = sorted(t1["dataset"].unique())
    fig, axes = plt.subplots(1, len(datasets), figsize=(6 * len(datasets), 4.5), squeeze=False,
                             sharey=True)
    for ax, ds in zip(axes[0], datasets, strict=True):
        sub = t1[t1["dataset"] == ds]
        change = np.sign(sub["poisoned"] - sub["real"]) * np.log10(
            1 + np.abs(sub["poisoned"] - sub["real"]) / np.maximum(np.abs(sub["real"]), 1e-9))
        colors = ["tab:green" if m else "tab:red" for m in sub["match"]]
        ax.barh(sub["pattern"], change, color=colors)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_title(f"{ds}: D → D′ (green: paper's direction)")
        ax.set_xlabel("signed log10(1 + |Δ| / |real|)")
    fig.tight_layout()
    return fig


def feature_shift(distances: dict[str, dict[str, float]]) -> Any:
    """Per-feature distribution distance between D and D' (KS numeric, TV categorical)."""
    plt = _plt()

    fig, axes = plt.subplots(1, len(distances), figsize=(5.5 * len(distances), 4),
                             squeeze=False)
    for ax, (ds, dist) in zip(axes[0], sorted(distances.items()), strict=True):
        items = sorted(dist.items(), key=lambda kv: kv[1])
        ax.barh([k for k, _ in items], [v for _, v in items], color="tab:purple")
        ax.set_xlim(0, 1)
        ax.set_title(f"{ds}: per-feature shift D → D′")
        ax.set_xlabel("KS statistic / total variation")
    fig.tight_layout()
    return fig


def parse_dot(dot: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Nodes (id -> label) and edges of Snakemake's ``--rulegraph`` DOT text."""
    nodes = {m.group(1): m.group(2)
             for m in re.finditer(r'^\s*(\d+)\[label = "([^"]+)"', dot, flags=re.M)}
    edges = [(a, b) for a, b in re.findall(r"^\s*(\d+) -> (\d+)", dot, flags=re.M)]
    return nodes, edges


def rulegraph(dot: str) -> Any:
    """The workflow's rule graph, drawn in layers (longest path from the sources)."""
    plt = _plt()

    nodes, edges = parse_dot(dot)
    layer = dict.fromkeys(nodes, 0)
    for _ in range(len(nodes)):
        for a, b in edges:
            layer[b] = max(layer[b], layer[a] + 1)
    by_layer: dict[int, list[str]] = {}
    for n in sorted(nodes, key=lambda n: (layer[n], nodes[n])):
        by_layer.setdefault(layer[n], []).append(n)
    pos = {n: (x - (len(ns) - 1) / 2, -lv) for lv, ns in by_layer.items()
           for x, n in enumerate(ns)}
    width = max(len(ns) for ns in by_layer.values())
    fig, ax = plt.subplots(figsize=(max(6, 2.2 * width), 1.1 * (len(by_layer) + 1)))
    for a, b in edges:
        ax.annotate("", xy=pos[b], xytext=pos[a],
                    arrowprops={"arrowstyle": "->", "color": "0.4", "lw": 0.8,
                                "shrinkA": 12, "shrinkB": 12})
    for n, (x, y) in pos.items():
        ax.text(x, y, nodes[n], ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round", "fc": "#e8f0fe", "ec": "#3b6ea5"})
    ax.set_xlim(-width / 2 - 0.5, width / 2 + 0.5)
    ax.set_ylim(-len(by_layer), 0.7)
    ax.axis("off")
    return fig


FIGURES = ("accuracy_by_classifier", "accuracy_vs_size", "confusion_matrices",
           "table1_patterns", "feature_shift")


def render(name: str, inputs: dict[str, Any], variants: dict[str, dict[str, str]]) -> Any:
    """Build figure ``name`` from its inputs (record paths, a table, pattern files)."""
    from poisonbench import io, tables

    order = list(variants)
    if name in ("accuracy_by_classifier", "accuracy_vs_size", "confusion_matrices"):
        records = tables.load_records(inputs["records"], variants)
        if name == "accuracy_by_classifier":
            return accuracy_by_classifier(records, order)
        if name == "accuracy_vs_size":
            return accuracy_vs_size(records)
        return confusion_heatmaps(records, order)
    if name == "table1_patterns":
        return table1_patterns(pd.read_csv(inputs["table1"]))
    if name == "feature_shift":
        found = {}
        for path in inputs["patterns"]:
            data = io.read_json(path)
            ds = Path(path).parts[-4]
            found[ds] = data["problem1"]["b_similar"]["distance"]
        return feature_shift(found)
    raise KeyError(f"unknown figure {name!r}; figures are {FIGURES}")


def snakemake_rulegraph(snakefile: str, config: dict[str, Any], workdir: str) -> str:
    """The DOT text of ``snakemake --rulegraph`` for this config (run without a lock)."""
    import subprocess
    import sys
    import tempfile

    import yaml

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as fh:
        yaml.safe_dump(config, fh)
    try:
        out = subprocess.run(
            [sys.executable, "-m", "snakemake", "--rulegraph", "--nolock", "--quiet", "all",
             "--snakefile", snakefile, "--directory", workdir, "--configfile", fh.name],
            capture_output=True, text=True, check=True)
    finally:
        Path(fh.name).unlink()
    start = out.stdout.find("digraph")
    return out.stdout[start:]
