"""Per-variant score distributions and ROC AUC."""

from __future__ import annotations

import math
from dataclasses import dataclass

from snowleap.compare.logs import SessionScores

BINS = 10


@dataclass(frozen=True)
class VariantSummary:
    """One variant's scores: how many, their distribution, and how well they rank outcomes."""

    variant: str
    sessions: int
    served: int
    shadow: int
    unscored: int
    mean: float | None
    quantiles: dict[str, float | None]
    histogram: list[int]
    labelled: int
    positives: int
    roc_auc: float | None
    versions: list[str]
    probabilities: list[float]
    joined: list[tuple[float, bool]]


def compare(scores: SessionScores, labels: dict[str, bool] | None = None) -> list[VariantSummary]:
    """One summary per variant, the champion first."""
    order = sorted(scores.scores, key=lambda name: (name != "champion", name))
    return [_summary(name, scores, labels) for name in order]


def _summary(name: str, scores: SessionScores, labels: dict[str, bool] | None) -> VariantSummary:
    by_session = scores.scores[name]
    values = sorted(p for p in by_session.values() if p is not None)
    histogram = [0] * BINS
    for value in values:
        histogram[min(int(value * BINS), BINS - 1)] += 1
    joined = [
        (p, labels[key]) for key, p in by_session.items() if p is not None and key in labels
    ] if labels else []  # fmt: skip
    positives = sum(1 for _, label in joined if label)
    return VariantSummary(
        variant=name,
        sessions=len(by_session),
        served=scores.served.get(name, 0),
        shadow=scores.shadow.get(name, 0),
        unscored=len(by_session) - len(values),
        mean=sum(values) / len(values) if values else None,
        quantiles={f"p{q}": _quantile(values, q / 100) for q in (10, 50, 90)},
        histogram=histogram,
        labelled=len(joined),
        positives=positives,
        roc_auc=roc_auc([p for p, _ in joined], [label for _, label in joined]),
        versions=sorted(scores.versions.get(name, set())),
        probabilities=values,
        joined=joined,
    )


def _quantile(ordered: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default method)."""
    if not ordered:
        return None
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def roc_auc(scores: list[float], labels: list[bool]) -> float | None:
    """Area under the ROC curve: the chance a positive outscores a negative, ties counting half
    (the Mann-Whitney statistic, from average ranks); ``None`` without both classes.

    Example
    -------
    >>> roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True])
    0.75
    """
    positives = sum(labels)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return None
    ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: pair[0])
    rank_sum = 0.0
    start = 0
    while start < len(ranked):
        end = start
        while end + 1 < len(ranked) and ranked[end + 1][0] == ranked[start][0]:
            end += 1
        average_rank = (start + end) / 2 + 1
        rank_sum += average_rank * sum(1 for _, label in ranked[start : end + 1] if label)
        start = end + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def roc_points(joined: list[tuple[float, bool]]) -> list[tuple[float, float]]:
    """The ROC curve's (false positive rate, true positive rate) at every distinct threshold."""
    positives = sum(1 for _, label in joined if label)
    negatives = len(joined) - positives
    if positives == 0 or negatives == 0:
        return []
    points = [(0.0, 0.0)]
    true_pos = false_pos = 0
    ranked = sorted(joined, key=lambda pair: -pair[0])
    for index, (score, label) in enumerate(ranked):
        true_pos += label
        false_pos += not label
        if index + 1 == len(ranked) or ranked[index + 1][0] != score:
            points.append((false_pos / negatives, true_pos / positives))
    return points
