"""Naive Bayes for mixed data: Gaussian likelihoods for numeric predictors and Laplace-smoothed
categorical likelihoods for categorical ones, summed in log space - as R's ``e1071::naiveBayes``
does - instead of a Gaussian over one-hot columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted


class MixedNB(ClassifierMixin, BaseEstimator):
    def __init__(self, numeric: list[str] | None = None, categorical: list[str] | None = None,
                 alpha: float = 1.0, var_smoothing: float = 1e-9):
        self.numeric = numeric
        self.categorical = categorical
        self.alpha = alpha
        self.var_smoothing = var_smoothing

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> MixedNB:
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        numeric = list(self.numeric or [])
        categorical = list(self.categorical or [])
        counts = np.array([(y == c).sum() for c in self.classes_], dtype=float)
        self.class_log_prior_ = np.log(counts / counts.sum())
        if numeric:
            Xn = X[numeric].to_numpy(dtype=float)
            eps = self.var_smoothing * max(float(np.var(Xn, axis=0).max()), 1e-12)
            self.theta_ = np.array([Xn[y == c].mean(axis=0) for c in self.classes_])
            self.var_ = np.array([Xn[y == c].var(axis=0) for c in self.classes_]) + eps
        self.cat_log_prob_: dict[str, dict[str, np.ndarray]] = {}
        self.cat_unseen_: dict[str, np.ndarray] = {}
        for col in categorical:
            values = X[col].astype(str).to_numpy()
            levels = np.unique(values)
            table = np.array([[np.sum((y == c) & (values == v)) for v in levels]
                              for c in self.classes_], dtype=float) + self.alpha
            denom = table.sum(axis=1, keepdims=True) + self.alpha  # one slot for unseen levels
            logp = np.log(table / denom)
            self.cat_log_prob_[col] = {v: logp[:, i] for i, v in enumerate(levels)}
            self.cat_unseen_[col] = np.log(self.alpha / denom[:, 0])
        self.n_features_in_ = len(numeric) + len(categorical)
        return self

    def _joint_log_likelihood(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "classes_")
        jll = np.tile(self.class_log_prior_, (len(X), 1))
        numeric = list(self.numeric or [])
        if numeric:
            Xn = X[numeric].to_numpy(dtype=float)
            for k in range(len(self.classes_)):
                jll[:, k] += -0.5 * np.sum(np.log(2 * np.pi * self.var_[k]) +
                                           (Xn - self.theta_[k]) ** 2 / self.var_[k], axis=1)
        for col, table in self.cat_log_prob_.items():
            values = X[col].astype(str).to_numpy()
            unseen = self.cat_unseen_[col]
            jll += np.array([table.get(v, unseen) for v in values])
        return jll

    def predict_log_proba(self, X: pd.DataFrame) -> np.ndarray:
        jll = self._joint_log_likelihood(X)
        top = jll.max(axis=1, keepdims=True)
        return jll - (top + np.log(np.exp(jll - top).sum(axis=1, keepdims=True)))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return np.exp(self.predict_log_proba(X))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[np.argmax(self._joint_log_likelihood(X), axis=1)]
