"""Deterministic randomness, train/test splits and k-fold CV.

Every random choice draws from a ``numpy.random.SeedSequence`` whose entropy is the config's base
seed and whose spawn key is a stable hash of the names that identify the job (dataset, aug, ...),
so a result never depends on job order or ``--cores``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import numpy as np

from poisonbench.errors import DataError


def seed_sequence(base_seed: int, *keys: object) -> np.random.SeedSequence:
    spawn_key = tuple(zlib.crc32(str(k).encode()) for k in keys)
    return np.random.SeedSequence(entropy=int(base_seed), spawn_key=spawn_key)


def derive_seed(base_seed: int, *keys: object) -> int:
    """A 31-bit integer seed (what scikit-learn's ``random_state`` accepts) for ``keys``."""
    return int(seed_sequence(base_seed, *keys).generate_state(1, dtype=np.uint32)[0] >> 1)


def rng(base_seed: int, *keys: object) -> np.random.Generator:
    return np.random.default_rng(seed_sequence(base_seed, *keys))


def train_fraction(base_seed: int, seed: int, low: float = 0.65, high: float = 0.80) -> float:
    """The seed's train fraction, uniform in [low, high]; shared by every dataset and variant."""
    if not 0 < low <= high < 1:
        raise DataError(f"train fraction range must satisfy 0 < low <= high < 1, got "
                        f"[{low}, {high}]")
    u = rng(base_seed, "train_fraction", seed).random()
    return round(low + (high - low) * u, 4)


def _check_classes(y: np.ndarray, needed: int, what: str) -> None:
    values, counts = np.unique(y, return_counts=True)
    if len(values) < 2:
        raise DataError(f"{what}: only one class present; a binary split needs both")
    if counts.min() < needed:
        raise DataError(
            f"{what}: the minority class has {counts.min()} rows, fewer than the {needed} "
            f"needed; use fewer folds or more data"
        )


def train_test_indices(
    y: np.ndarray, fraction: float, random_state: int, stratify: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted train and test row positions."""
    from sklearn.model_selection import train_test_split

    _check_classes(y, 2, "train/test split")
    idx = np.arange(len(y))
    train, test = train_test_split(idx, train_size=fraction, random_state=random_state,
                                   stratify=y if stratify else None, shuffle=True)
    return np.sort(train), np.sort(test)


def kfold_indices(
    y: np.ndarray, k: int, random_state: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedKFold

    _check_classes(y, k, f"{k}-fold cross-validation")
    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
    yield from folds.split(np.zeros(len(y)), y)
