"""The topic distribution of one document under a fitted LDA model, as Spark's
``LocalLDAModel`` infers it (``OnlineLDAOptimizer.variationalTopicInference``).

``topics`` is Spark's ``topicsMatrix``: ``vocab_size`` rows of ``k`` topic weights (``lambda``
transposed). At load, ``E[log beta]`` is ``digamma(lambda[t, w]) - digamma(sum_w lambda[t, w])``
per topic (``LDAUtils.dirichletExpectation``) and its exponential is kept per word. A document
of term counts ``cts`` over the words ``ids`` then iterates, from the model's fixed random start
(``breeze_gamma``)::

    phi_norm = exp_e_log_beta[ids] . exp_e_log_theta + 1e-100
    gamma    = exp_e_log_theta * (exp_e_log_beta[ids]^T . (cts / phi_norm)) + alpha
    exp_e_log_theta = exp(digamma(gamma) - digamma(sum(gamma)))

until the mean absolute change of ``gamma`` is at most 1e-3; the distribution is ``gamma`` over
its L1 norm. A document without a non-zero count is all zeros (Spark's ``Vectors.zeros(k)``).
Words of zero count add exact zeros to Spark's sums, so only the non-zero ones are visited.
The dot products are Python's ``sum`` (compensated from 3.12): they round differently from
Spark's BLAS in the last bits only, far inside the 1e-9 parity bar.

``digamma`` is commons-math3's (Breeze's ``digamma`` calls it): the asymptotic series from 49 up,
``digamma(x + 1) - 1 / x`` below, ``-gamma_E - 1 / x`` for ``0 < x <= 1e-5``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import mul, sub, truediv

from snowleap.ops.clustering.breeze_gamma import gamma_draws
from snowleap.ops.jvm_math import divide
from snowleap.ops.jvm_math import log as java_log
from snowleap.ops.linalg import sequential_sum

#: Breeze's Euler-Mascheroni constant in ``Gamma.digamma``
_EULER_GAMMA = 0.5772156649015329
#: ``meanGammaChange`` above which Spark iterates again
CONVERGENCE = 1e-3
#: Spark's ``1e-100`` added to ``phiNorm`` so a word of no weight does not divide by zero
_PHI_FLOOR = 1e-100
#: Spark iterates until convergence without a cap; snowleap stops a document that has not
#: converged after this many rounds (none of Spark's fitted models comes near) with an error
MAX_ROUNDS = 10_000
#: Spark's default ``gammaShape`` (``OnlineLDAOptimizer``), the one MLeap's model assumes
DEFAULT_GAMMA_SHAPE = 100.0
#: The seed Spark 3.5/4.x's ``ml.clustering.LocalLDAModel`` infers with: its constructor seeds
#: the wrapped model with the ``seed`` param's default, ``getClass.getName.hashCode``, before
#: any param is copied in, so every fitted or loaded model uses
#: ``"org.apache.spark.ml.clustering.LocalLDAModel".hashCode()``
SPARK_MODEL_SEED = 1421925485


def commons_digamma(x: float) -> float:
    """commons-math3's ``Gamma.digamma``, the same additions in the same order (up to 48 of
    them below 49: the reference ``digamma`` is checked against, and its path off ``(0, 49)``).

    Its series at 49 and up adds ``1 / (120 x^4)`` where the digamma's series subtracts it, so
    it is about ``3e-9`` off the true digamma; Spark's inference lives with that, and so must
    snowleap's to give Spark's numbers.

    Example
    -------
    >>> commons_digamma(1.0), commons_digamma(49.0)  # the true digamma(1) is -0.5772156649...
    (-0.5772156677920679, 3.8815815072720508)
    """
    if math.isnan(x) or math.isinf(x):
        return x
    if 0.0 < x <= 1e-5:
        return -_EULER_GAMMA - 1.0 / x
    shifted = []
    while not x >= 49.0:  # NOTE: the JVM recursion, unrolled: digamma(x + 1) - 1 / x
        shifted.append(x)
        x = x + 1.0
    result = _commons_series(x)
    for value in reversed(shifted):
        result = result - divide(1.0, value)
    return result


def _commons_series(x: float) -> float:
    f = 1.0 / (x * x)
    return java_log(x) - 0.5 / x - f * ((1.0 / 12) + f * (1.0 / 120 - f / 252.0))


def digamma(x: float) -> float:
    """``commons_digamma`` to within a few ulps, four times faster on ``(1e-5, 49)``.

    There ``commons_digamma(x)`` is ``psi(x + n) - sum(1 / (x + i), i < n)`` with ``psi`` its
    series at ``y = x + n >= 49``; the sum is exactly ``psi(y) - psi(x)`` of the true digamma, so
    the value is the true ``psi(x)`` plus the series' error at ``y``. Here the true ``psi(x)``
    comes from at most 10 shifts and the asymptotic series to ``x^-14`` (error below 1e-16),
    and the error of commons-math3's series at ``y`` is added in closed form.

    Example
    -------
    >>> abs(digamma(1.0) - commons_digamma(1.0)) < 1e-15
    True
    """
    if not (1e-5 < x < 49.0):
        return commons_digamma(x)
    f = 1.0 / (x + math.ceil(49.0 - x)) ** 2
    series_error = f * f * (-1.0 / 60 + f * (1.0 / 126 - f * (1.0 / 240 - f / 132)))
    shifts = 0.0
    while x < 10.0:
        shifts -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    tail = f * (
        1 / 12
        - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760 - f / 12)))))
    )
    return shifts + math.log(x) - 0.5 / x - tail + series_error


def dirichlet_expectation(alpha: Sequence[float]) -> list[float]:
    """``digamma(alpha) - digamma(sum(alpha))`` (``LDAUtils.dirichletExpectation``)."""
    of_total = digamma(sequential_sum(alpha))
    return [digamma(a) - of_total for a in alpha]


class TopicInference:
    """A fitted LDA model's topic inference: ``distribution(ids, counts)`` for one document."""

    def __init__(
        self,
        topics: list[list[float]],
        doc_concentration: list[float],
        topic_concentration: float,
        gamma_shape: float = DEFAULT_GAMMA_SHAPE,
        seed: int = SPARK_MODEL_SEED,
    ) -> None:
        self.topics = topics
        self.vocab_size = len(topics)
        self.k = len(doc_concentration)
        self.doc_concentration = doc_concentration
        self.topic_concentration = topic_concentration
        self.gamma_shape = gamma_shape
        self.seed = seed
        by_topic = [[row[t] for row in topics] for t in range(self.k)]
        e_log_beta = [dirichlet_expectation(weights) for weights in by_topic]
        #: per word, ``exp(E[log beta])`` of each topic (Spark's ``expElogbeta``)
        self.word_weights = [
            [math.exp(e_log_beta[t][w]) for t in range(self.k)] for w in range(self.vocab_size)
        ]
        #: the start of every document's ``gamma``: Spark reseeds its generator per document
        self.start = gamma_draws(gamma_shape, 1.0 / gamma_shape, self.k, seed)

    def distribution(self, ids: Sequence[int], counts: Sequence[float]) -> list[float] | None:
        """The topic distribution of the document with ``counts[i]`` of word ``ids[i]`` (the
        non-zero counts); ``None`` if it has not converged after ``MAX_ROUNDS`` rounds."""
        k = self.k
        if not ids:
            return [0.0] * k
        alpha = self.doc_concentration
        by_word = [self.word_weights[w] for w in ids]
        by_topic = [[row[t] for row in by_word] for t in range(k)]
        gamma = self.start
        theta = _exp_dirichlet_expectation(gamma)
        phi_norm = [sum(map(mul, row, theta)) + _PHI_FLOOR for row in by_word]
        change = 1.0
        rounds = 0
        while change > CONVERGENCE:
            rounds += 1
            if rounds > MAX_ROUNDS:
                return None
            last = gamma
            ratios = list(map(truediv, counts, phi_norm))
            gamma = [
                weight * sum(map(mul, column, ratios)) + a
                for weight, column, a in zip(theta, by_topic, alpha, strict=True)
            ]
            theta = _exp_dirichlet_expectation(gamma)
            phi_norm = [sum(map(mul, row, theta)) + _PHI_FLOOR for row in by_word]
            change = sequential_sum(map(abs, map(sub, gamma, last))) / k
        norm = sequential_sum(map(abs, gamma))
        return [g / norm for g in gamma] if norm != 0.0 else gamma


def _exp_dirichlet_expectation(gamma: Sequence[float]) -> list[float]:
    of_total = digamma(sequential_sum(gamma))
    return [math.exp(digamma(g) - of_total) for g in gamma]
