"""The training report's metrics, against definitions worked out independently here."""

from __future__ import annotations

import itertools
import random

import pytest
from training.evaluation import best_f1_threshold, decision_metrics, pr_auc, roc_auc


def pairwise_auc(scores: list[float], labels: list[float]) -> float:
    """P(a random buyer scores above a random non-buyer), ties counting half."""
    buyers = [s for s, y in zip(scores, labels, strict=True) if y == 1.0]
    others = [s for s, y in zip(scores, labels, strict=True) if y == 0.0]
    wins = sum(
        1.0 if b > o else 0.5 if b == o else 0.0 for b, o in itertools.product(buyers, others)
    )
    return wins / (len(buyers) * len(others))


def test_roc_auc_is_the_pairwise_probability_with_ties() -> None:
    rng = random.Random(4)
    scores = [round(rng.random(), 1) for _ in range(300)]  # many ties
    labels = [1.0 if rng.random() < s else 0.0 for s in scores]
    assert roc_auc(scores, labels) == pytest.approx(pairwise_auc(scores, labels), abs=1e-12)


def test_pr_auc_and_the_threshold_on_a_worked_example() -> None:
    scores = [0.9, 0.8, 0.7, 0.6]
    labels = [1.0, 0.0, 1.0, 0.0]
    # PR points (recall, precision): (0, 1), (.5, 1), (.5, .5), (1, 2/3), (1, .5)
    assert pr_auc(scores, labels) == pytest.approx(0.5 * 1 + 0.5 * (0.5 + 2 / 3) / 2)
    # F1 after each score: 2/3, 1/2, 4/5, 2/3: the best takes the top three, cut below 0.7
    threshold = best_f1_threshold(scores, labels)
    assert threshold == pytest.approx(0.65)
    assert decision_metrics(scores, labels, threshold) == {
        "precision": pytest.approx(2 / 3),
        "recall": 1.0,
        "flagged_share": 0.75,
    }
