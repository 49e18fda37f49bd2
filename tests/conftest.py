"""Shared fixtures: the real data folder, hand-made frames, and a copy of the workflow."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("POISONBENCH_DATA_DIR", ROOT.parent / "shared" / "data")).resolve()


def pytest_report_header(config):
    return f"poisonbench data_dir: {DATA_DIR}"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (DATA_DIR / "adult.data").is_file():
        pytest.skip(f"real datasets not found in {DATA_DIR} (set POISONBENCH_DATA_DIR)")
    return DATA_DIR


@pytest.fixture(scope="session")
def default_config() -> dict:
    return yaml.safe_load((ROOT / "config.yaml").read_text())


def _clean(name: str, data_dir: Path, config: dict) -> pd.DataFrame:
    from poisonbench import datasets, preprocess

    spec = datasets.DatasetSpec.from_config(name, config["datasets"][name])
    raw = datasets.read_raw(data_dir / spec.file, spec)
    clean, _ = preprocess.preprocess(raw, spec, preprocess.CleaningOptions())
    return clean


@pytest.fixture(scope="session")
def clean_adult(data_dir, default_config):
    """The real Adult data cleaned by the library (full size, with ``_origin``)."""
    return _clean("adult", data_dir, default_config)


@pytest.fixture(scope="session")
def clean_stroke(data_dir, default_config):
    return _clean("stroke", data_dir, default_config)


def _small(clean: pd.DataFrame, target: str) -> pd.DataFrame:
    from poisonbench.preprocess import subsample

    df = subsample(clean.drop(columns="_origin"), target, 1500, seed=3)
    return df.assign(_origin=np.arange(len(df), dtype=np.int64))


@pytest.fixture(scope="session")
def adult_small(clean_adult) -> pd.DataFrame:
    """1,500 stratified real Adult rows, origins renumbered."""
    return _small(clean_adult, "income")


@pytest.fixture(scope="session")
def stroke_small(clean_stroke) -> pd.DataFrame:
    return _small(clean_stroke, "stroke")


@pytest.fixture
def small_frame() -> pd.DataFrame:
    """40 rows, two numeric and two categorical predictors, an imbalanced target."""
    rng = np.random.default_rng(0)
    n = 40
    y = np.array(["yes"] * 10 + ["no"] * 30)
    return pd.DataFrame({
        "num_a": rng.normal(size=n) + (y == "yes") * 2.0,
        "num_b": rng.integers(0, 10, size=n).astype("int64"),
        "cat_a": rng.choice(["x", "y", "z"], size=n).astype(object),
        "cat_b": np.where(y == "yes", "p", "q").astype(object),
        "label": y.astype(object),
    })


WORKFLOW_FILES = [
    "Snakefile", "config.yaml", "workflow", "scripts", "src", "envs", "resources/paper",
]


def copy_workflow(dest: Path) -> Path:
    """A fresh copy of the workflow (no results), as a user's clone would be."""
    for item in WORKFLOW_FILES:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (dest / item).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / item)
    return dest
