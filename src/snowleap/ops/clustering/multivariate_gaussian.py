"""The density of a multivariate Gaussian, as Spark's ``MultivariateGaussian`` computes it.

``sigma = U diag(d) U^T`` (a symmetric eigendecomposition); eigenvalues at or below
``tol = EPSILON * max(d) * len(d)`` count as zero, so a singular covariance gives the density
on the subspace it supports (pseudo-determinant and pseudo-inverse). With ``R = D^(-1/2) U^T``
(rows of zero eigenvalues zero) and ``u = -0.5 * (k log(2 pi) + log pdet(sigma))``::

    logpdf(x) = u - 0.5 * |R mu - R x|^2

The eigendecomposition is cyclic Jacobi in plain Python, done once at load (no numpy on the
load and row paths); Spark's uses LAPACK, so the two agree to rounding (the eigenvectors'
signs do not matter: only ``|R v|`` is used). Both scoring paths use the same ``R`` and add in
the same order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from snowleap.numeric import np
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray

#: Spark's ``Utils.EPSILON``: the machine epsilon of doubles
EPSILON = 2.220446049250313e-16
_MAX_SWEEPS = 100


def symmetric_eigen(matrix: list[list[float]]) -> tuple[list[float], list[list[float]]]:
    """Eigenvalues and eigenvectors (as columns of the second result) of a symmetric matrix."""
    n = len(matrix)
    a = [list(row) for row in matrix]
    v = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    for _ in range(_MAX_SWEEPS):
        off = sum(a[p][q] * a[p][q] for p in range(n) for q in range(p + 1, n))
        scale = sum(a[p][p] * a[p][p] for p in range(n))
        if off == 0.0 or off <= EPSILON * EPSILON * scale * 1e-4:
            break
        for p in range(n):
            for q in range(p + 1, n):
                if a[p][q] != 0.0:
                    _rotate(a, v, p, q)
    return [a[i][i] for i in range(n)], v


def _rotate(a: list[list[float]], v: list[list[float]], p: int, q: int) -> None:
    """One Jacobi rotation zeroing ``a[p][q]`` (and ``a[q][p]``); ``v`` gathers the rotations."""
    theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q])
    if abs(theta) > 1e150:
        t = 0.5 / theta
    else:
        t = math.copysign(1.0, theta) / (abs(theta) + math.sqrt(theta * theta + 1.0))
    c = 1.0 / math.sqrt(t * t + 1.0)
    s = t * c
    for k in range(len(a)):
        akp, akq = a[k][p], a[k][q]
        a[k][p], a[k][q] = c * akp - s * akq, s * akp + c * akq
    for k in range(len(a)):
        apk, aqk = a[p][k], a[q][k]
        a[p][k], a[q][k] = c * apk - s * aqk, s * apk + c * aqk
    a[p][q] = a[q][p] = 0.0
    for k in range(len(v)):
        vkp, vkq = v[k][p], v[k][q]
        v[k][p], v[k][q] = c * vkp - s * vkq, s * vkp + c * vkq


class MultivariateGaussian:
    def __init__(self, mean: list[float], covariance: list[list[float]]) -> None:
        self.mean = mean
        self.covariance = covariance
        eigenvalues, vectors = symmetric_eigen(covariance)
        tol = EPSILON * max(eigenvalues) * len(eigenvalues)
        kept = [value for value in eigenvalues if value > tol]
        if not kept:
            raise ValueError("the covariance matrix has no non-zero eigenvalue")
        log_pseudo_determinant = 0.0
        for value in kept:
            log_pseudo_determinant += math.log(value)
        n = len(mean)
        #: rows of ``R``: each eigenvector scaled by ``1 / sqrt(eigenvalue)`` (zero if dropped)
        self.root_sigma_inv = [
            [(math.sqrt(1.0 / value) if value > tol else 0.0) * vectors[j][i] for j in range(n)]
            for i, value in enumerate(eigenvalues)
        ]
        self.u = -0.5 * (n * math.log(2.0 * math.pi) + log_pseudo_determinant)
        self.root_sigma_inv_mean = [sequential_dot(row, mean) for row in self.root_sigma_inv]
        self._negated_rows = [[-r for r in row] for row in self.root_sigma_inv]

    def logpdf_row(self, x: list[float]) -> float:
        squares = 0.0
        for start, row in zip(self.root_sigma_inv_mean, self._negated_rows, strict=True):
            value = sequential_dot(x, row, start)
            squares += value * value
        return self.u - 0.5 * squares

    def logpdf_batch(self, features: FloatArray) -> FloatArray:
        squares = np.zeros(features.shape[0])
        for start, row in zip(self.root_sigma_inv_mean, self._negated_rows, strict=True):
            value = sequential_dot_batch(features, row, start)
            squares += value * value
        logpdf: FloatArray = self.u - 0.5 * squares
        return logpdf
