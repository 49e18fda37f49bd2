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

SEEDS = list(range(config["splits"]["n_seeds"]))
FOLDS = config["splits"]["cv_folds"]
EXPERIMENTS = pbconfig.expand_experiments(config)  # name -> list of run cells


def _alternatives(names):
    return "|".join(re.escape(n) for n in names)


wildcard_constraints:
    dataset=_alternatives(config["datasets"]),
    aug=_alternatives(config["augmentations"]),
    poison=_alternatives(config["poisonings"]),
    clf=_alternatives(config["classifiers"]),
    seed=r"\d+",
    folds=r"\d+",
    pct=r"\d+",


def get_dataset(wildcards):
    """The dataset's config entry: a param of every rule that reads it, so edits rerun them."""
    return config["datasets"][wildcards.dataset]


def get_augmentation(wildcards):
    return config["augmentations"][wildcards.aug]


def get_recipe(wildcards):
    return config["poisonings"][wildcards.poison]


def get_classifier(wildcards):
    return config["classifiers"][wildcards.clf]


def is_honest_ctgan(aug):
    entry = config["augmentations"][aug]
    return entry.get("method") == "ctgan" and entry.get("placement") == "honest"


def get_ctgan_model(wildcards):
    """The cached CTGAN an augment job samples from (paper placement), else nothing."""
    entry = config["augmentations"][wildcards.aug]
    if entry.get("method") == "ctgan" and entry.get("placement", "paper") == "paper":
        return f"results/models/{wildcards.dataset}/{wildcards.aug}/ctgan.pkl"
    return []


def get_split_model(wildcards):
    """Honest placement: the CTGAN trained on this seed's training split only."""
    if is_honest_ctgan(wildcards.aug):
        w = wildcards
        return f"results/models/{w.dataset}/{w.aug}/{w.poison}/ctgan_seed{w.seed}.pkl"
    return []


def get_size_pct(wildcards):
    return int(wildcards.pct)


def get_records(experiment):
    """Every record of one experiment (the inputs of its tables)."""
    return [cell["path"] for cell in EXPERIMENTS[experiment]]


TABLE_EXPERIMENT = {
    "table2": "setting1",
    "table3": "setting1",
    "table4": "setting1",
    "table5": "setting2",
    "table6": "setting2",
    "table7": "setting3",
}


def get_table_names():
    return [t for t, exp in TABLE_EXPERIMENT.items() if exp in EXPERIMENTS]


def get_table_records(wildcards):
    return get_records(TABLE_EXPERIMENT[wildcards.table])


def get_paper_table_names(wildcards=None):
    return get_table_names()


def get_paper_tables(wildcards=None):
    return [f"results/tables/{t}.csv" for t in get_table_names()]


def get_experiment_records(name):
    def _records(wildcards=None):
        return get_records(name)

    return _records


PATTERNS_VARIANT = "R-PD"  # Table 1 and Problem 1 compare RD's data with this variant's


def get_table1_datasets(wildcards=None):
    return sorted({c["dataset"] for c in EXPERIMENTS.get("setting1", [])})


def get_table1_patterns(wildcards=None):
    pair = config["variants"][PATTERNS_VARIANT]
    return [
        f"results/data/{ds}/{pair['aug']}/{pair['poison']}/patterns.json"
        for ds in get_table1_datasets()
    ]


FIGURES = {
    "accuracy_by_classifier": "setting3",
    "accuracy_vs_size": "setting2",
    "confusion_matrices": "setting1",
    "table1_patterns": "setting1",
    "feature_shift": "setting1",
}


def get_figure_names():
    names = [f for f, exp in FIGURES.items() if exp in EXPERIMENTS]
    if PATTERNS_VARIANT not in config["variants"]:
        names = [f for f in names if f not in ("table1_patterns", "feature_shift")]
    return names


def get_figure_inputs(wildcards):
    name = wildcards.figure
    if name == "table1_patterns":
        return {"table1": "results/tables/table1.csv"}
    if name == "feature_shift":
        return {"patterns": get_table1_patterns()}
    return {"records": get_records(FIGURES[name])}


def get_profiles(wildcards=None):
    datasets = sorted({c["dataset"] for cells in EXPERIMENTS.values() for c in cells})
    return expand("results/data/{dataset}/profile.json", dataset=datasets)


def get_all_targets():
    targets = get_profiles()
    targets += [f"results/tables/{t}.csv" for t in get_table_names()]
    if get_table_names():
        targets.append("results/tables/paper_comparison.csv")
    if "setting1" in EXPERIMENTS:
        if PATTERNS_VARIANT in config["variants"]:
            targets += ["results/tables/table1.csv", "results/tables/problem1.csv"]
        targets += expand(
            "results/data/{dataset}/{aug}/fidelity.json",
            dataset=get_table1_datasets(),
            aug=[a for a, e in config["augmentations"].items() if a != "none"
                 and e.get("placement", "paper") == "paper"
                 and any(c["aug"] == a for c in EXPERIMENTS["setting1"])],
        )
    if "ablation" in EXPERIMENTS:
        targets.append("results/tables/ablation.csv")
    targets += [f"results/figures/{f}.png" for f in get_figure_names()]
    targets.append("results/figures/rulegraph.png")
    return targets
