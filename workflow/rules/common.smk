# Config validation, wildcard constraints and the get_* input functions. Parse-time code here
# runs in every cluster job too, so it stays cheap: no pandas, no scikit-learn.
import re
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

SRC = str(Path(workflow.basedir) / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)

from poisonbench import config as pbconfig  # noqa: E402
from poisonbench.errors import ConfigError  # noqa: E402
from poisonbench.scripting import export_library_path  # noqa: E402

# scripts run in fresh interpreters (and conda envs): they import the library from src/
export_library_path(SRC)

validate(config, "../schemas/config.schema.yaml")
try:
    pbconfig.check(config)
except ConfigError as exc:
    raise WorkflowError(f"config: {exc}") from None

GRID = config["grid"]
SEEDS = list(range(config["splits"]["n_seeds"]))
FOLDS = config["splits"]["cv_folds"]


def _alternatives(names):
    return "|".join(re.escape(n) for n in names)


wildcard_constraints:
    dataset=_alternatives(config["datasets"]),
    aug=_alternatives(config["augmentations"]),
    poison=_alternatives(config["poisonings"]),
    clf=_alternatives(config["classifiers"]),
    seed=r"\d+",
    folds=r"\d+",


def get_dataset(wildcards):
    """The dataset's config entry: a param of every rule that reads it, so edits rerun them."""
    return config["datasets"][wildcards.dataset]


def get_augmentation(wildcards):
    return config["augmentations"][wildcards.aug]


def get_recipe(wildcards):
    return config["poisonings"][wildcards.poison]


def get_classifier(wildcards):
    return config["classifiers"][wildcards.clf]


def get_run_records(wildcards=None):
    """Every per-seed and CV record of the grid (the tables' inputs)."""
    return expand(
        "results/runs/{dataset}/{aug}/{poison}/{clf}/{run}.json",
        dataset=GRID["datasets"],
        aug=GRID["augmentations"],
        poison=GRID["poisonings"],
        clf=GRID["classifiers"],
        run=[f"seed{s}" for s in SEEDS] + [f"cv{FOLDS}"],
    )


def get_profiles(wildcards=None):
    return expand("results/data/{dataset}/profile.json", dataset=GRID["datasets"])


def get_all_targets():
    return [
        *get_profiles(),
        "results/tables/table2.csv",
        "results/tables/table3.csv",
        "results/tables/paper_comparison.csv",
    ]
