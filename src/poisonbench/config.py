"""Checks of config.yaml that a JSON Schema cannot express: cross-references between sections.

Called at Snakefile parse time, so it stays cheap (no pandas / scikit-learn import).
"""

from __future__ import annotations

from typing import Any

from poisonbench.errors import ConfigError

RUN = "results/runs/{dataset}/{aug}/{poison}/{clf}"


def _close(name: str, options: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(name, options, n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _exists(name: str, section: str, config: dict[str, Any], where: str) -> None:
    defined = list(config[section])
    if name not in defined:
        raise ConfigError(f"{where} names {name!r}, which is not defined under {section}: "
                          f"(defined: {defined}){_close(name, defined)}")


def check(config: dict[str, Any]) -> None:
    """Raise ConfigError naming the first key that refers to something undefined."""
    for variant, pair in config["variants"].items():
        _exists(pair["aug"], "augmentations", config, f"variants.{variant}.aug")
        _exists(pair["poison"], "poisonings", config, f"variants.{variant}.poison")
    for exp, entry in config["experiments"].items():
        where = f"experiments.{exp}"
        for name in entry["datasets"]:
            _exists(name, "datasets", config, f"{where}.datasets")
        for name in entry.get("variants", []):
            _exists(name, "variants", config, f"{where}.variants")
        for name in entry.get("augmentations", []):
            _exists(name, "augmentations", config, f"{where}.augmentations")
        for name in entry.get("poisonings", []):
            _exists(name, "poisonings", config, f"{where}.poisonings")
        for name in entry["classifiers"]:
            _exists(name, "classifiers", config, f"{where}.classifiers")
        if not entry.get("variants") and not (entry.get("augmentations") and
                                              entry.get("poisonings")):
            raise ConfigError(f"{where} needs `variants`, or both `augmentations` and "
                              f"`poisonings`")
    for name in config["run"]:
        _exists(name, "experiments", config, "run")
    lo, hi = config["splits"]["train_fraction"]
    if lo > hi:
        raise ConfigError(f"splits.train_fraction must be [low, high] with low <= high, "
                          f"got {[lo, hi]}")
    for name, entry in config["poisonings"].items():
        if entry["steps"]:
            from poisonbench import poison

            poison.validate_recipe(name, entry["steps"])
    from poisonbench.augment import AugmentSpec

    for name, entry in config["augmentations"].items():
        AugmentSpec.from_config(name, entry)


def pairs(config: dict[str, Any], experiment: dict[str, Any]) -> list[tuple[str, str]]:
    """The (augmentation, poisoning) pairs of an experiment, variants first, without repeats."""
    out = [(config["variants"][v]["aug"], config["variants"][v]["poison"])
           for v in experiment.get("variants", [])]
    out += [(a, p) for a in experiment.get("augmentations", [])
            for p in experiment.get("poisonings", [])]
    return list(dict.fromkeys(out))


def expand_experiments(config: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every record each experiment in ``run`` needs: one dict per (cell, seed | CV | size)."""
    folds = config["splits"]["cv_folds"]
    out: dict[str, list[dict[str, Any]]] = {}
    for name in config["run"]:
        exp = config["experiments"][name]
        seeds = range(min(exp.get("n_seeds", config["splits"]["n_seeds"]),
                          config["splits"]["n_seeds"]))
        cells = []
        sizes = [round(100 * f) for f in exp.get("fractions", [1.0])]
        for dataset in exp["datasets"]:
            for aug, poison in pairs(config, exp):
                for clf in exp["classifiers"]:
                    base = {"dataset": dataset, "aug": aug, "poison": poison, "clf": clf}
                    run = RUN.format(**base)
                    for pct in sizes:
                        for seed in seeds:
                            path = (f"{run}/seed{seed}.json" if pct == 100
                                    else f"{run}/size{pct}/seed{seed}.json")
                            cells.append({**base, "kind": "split", "seed": seed, "pct": pct,
                                          "path": path})
                    if exp.get("cv"):
                        cells.append({**base, "kind": "cv", "folds": folds, "pct": 100,
                                      "path": f"{run}/cv{folds}.json"})
        out[name] = cells
    return out
