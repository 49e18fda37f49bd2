"""Which columns of a cleaned frame are numeric predictors, categorical predictors, the target.

Cleaned frames carry their types in their dtypes (numbers vs strings), so every later stage can
recover the split from the frame itself plus the target name; no side file is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from poisonbench.errors import DataError

ORIGIN = "_origin"
"""Reserved column carried from augmentation on: the clean row a row comes from (-1: synthetic).

It lets poisoning record which rows are copies of which, and lets evaluation find the clean rows
a model never saw, neither as rows nor as copies. It is never a predictor."""


@dataclass(frozen=True)
class FeatureSpec:
    target: str
    positive: str
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]

    @property
    def predictors(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    @classmethod
    def from_frame(cls, df: pd.DataFrame, target: str, positive: str) -> FeatureSpec:
        if target not in df.columns:
            raise DataError(f"target column {target!r} is not in the frame; columns are "
                            f"{list(df.columns)}")
        cols = [c for c in df.columns if c not in (target, ORIGIN)]
        numeric = tuple(c for c in cols if
                        pd.api.types.is_numeric_dtype(df[c]) and
                        not pd.api.types.is_bool_dtype(df[c]))
        categorical = tuple(c for c in cols if c not in numeric)
        return cls(target=target, positive=str(positive), numeric=numeric,
                   categorical=categorical)

    def xy(self, df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        """Predictors and a 0/1 target (1 = the positive label)."""
        return df[self.predictors], (df[self.target].astype(str) == self.positive).to_numpy(
            dtype=np.int64)

    def labels(self, df: pd.DataFrame) -> tuple[str, str]:
        """(negative label, positive label) as strings."""
        others = sorted(set(df[self.target].astype(str)) - {self.positive})
        return (others[0] if others else "not " + self.positive, self.positive)
