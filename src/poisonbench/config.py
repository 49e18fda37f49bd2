"""Checks of config.yaml that a JSON Schema cannot express: cross-references between sections.

Called at Snakefile parse time, so it stays cheap (no pandas / scikit-learn import).
"""

from __future__ import annotations

from typing import Any

from poisonbench.errors import ConfigError

AXES = {"datasets": "datasets", "augmentations": "augmentations",
        "poisonings": "poisonings", "classifiers": "classifiers"}


def _close(name: str, options: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(name, options, n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def check(config: dict[str, Any]) -> None:
    """Raise ConfigError naming the first key that refers to something undefined."""
    grid = config["grid"]
    for axis, section in AXES.items():
        defined = list(config[section])
        for name in grid[axis]:
            if name not in defined:
                raise ConfigError(
                    f"grid.{axis} names {name!r}, which is not defined under {section}: "
                    f"(defined: {defined}){_close(name, defined)}"
                )
    for variant, pair in config["variants"].items():
        for key, section in (("aug", "augmentations"), ("poison", "poisonings")):
            if pair[key] not in config[section]:
                defined = list(config[section])
                raise ConfigError(
                    f"variants.{variant}.{key} is {pair[key]!r}, which is not defined under "
                    f"{section}: (defined: {defined}){_close(pair[key], defined)}"
                )
    lo, hi = config["splits"]["train_fraction"]
    if lo > hi:
        raise ConfigError(f"splits.train_fraction must be [low, high] with low <= high, "
                          f"got {[lo, hi]}")
    for name, entry in config["poisonings"].items():
        if entry["steps"]:
            from poisonbench import poison

            poison.validate_recipe(name, entry["steps"])


def variant_of(config: dict[str, Any], aug: str, poison: str) -> str:
    """The paper's column name for an (aug, poison) pair, or 'aug/poison' when it has none."""
    for variant, pair in config["variants"].items():
        if pair["aug"] == aug and pair["poison"] == poison:
            return variant
    return f"{aug}/{poison}"
