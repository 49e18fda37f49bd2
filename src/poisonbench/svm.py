"""An RBF-kernel SVM that stays affordable on 100k-row training sets.

Exact ``SVC`` costs O(n^2) memory and more time; beyond ``max_exact_rows`` training rows the
kernel is approximated with a Nystroem feature map of ``n_components`` landmarks and a linear SVM
is fitted on it (the same model class, an approximate kernel). Which one ran is recorded in
``solver_``.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted


class RBFSVM(ClassifierMixin, BaseEstimator):
    def __init__(self, C: float = 1.0, gamma: str | float = "scale", max_exact_rows: int = 10000,
                 n_components: int = 1000, random_state: int | None = None):
        self.C = C
        self.gamma = gamma
        self.max_exact_rows = max_exact_rows
        self.n_components = n_components
        self.random_state = random_state

    def _gamma(self, X: np.ndarray) -> float:
        if self.gamma == "scale":  # scikit-learn's SVC default
            var = float(np.asarray(X, dtype=float).var())
            return 1.0 / (X.shape[1] * var) if var > 0 else 1.0
        return float(self.gamma)

    def fit(self, X, y):
        from sklearn.kernel_approximation import Nystroem
        from sklearn.pipeline import make_pipeline
        from sklearn.svm import SVC, LinearSVC

        X = np.asarray(X, dtype=float)
        self.classes_ = np.unique(y)
        gamma = self._gamma(X)
        if len(X) <= self.max_exact_rows:
            self.model_ = SVC(C=self.C, kernel="rbf", gamma=gamma,
                              random_state=self.random_state)
            self.solver_ = "exact"
        else:
            self.model_ = make_pipeline(
                Nystroem(kernel="rbf", gamma=gamma, n_components=min(self.n_components, len(X)),
                         random_state=self.random_state),
                LinearSVC(C=self.C, dual="auto", max_iter=5000, random_state=self.random_state))
            self.solver_ = "nystroem"
        self.model_.fit(X, y)
        return self

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.decision_function(np.asarray(X, dtype=float))

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict(np.asarray(X, dtype=float))
