"""Held-out metrics of the session model, in plain Python over collected scores.

Computed on the driver from rows sorted first (score, label), so the same model gives the very
same figures whatever the cluster: the cluster test compares a standalone run with a local one.
ROC AUC counts ties as half (Mann-Whitney); PR AUC is the trapezoid under the precision-recall
curve at every distinct score, starting at recall 0 with the first precision, as Spark's
``BinaryClassificationMetrics.areaUnderPR`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

CALIBRATION_BINS = 10


def _by_score_descending(scores: Sequence[float], labels: Sequence[float]) -> list[list[float]]:
    """(positives, count) of each distinct score, from the highest down."""
    pairs = sorted(zip(scores, labels, strict=True), key=lambda p: (-p[0], p[1]))
    return [
        [sum(label for _, label in group_list), float(len(group_list))]
        for group_list in (list(group) for _, group in groupby(pairs, key=lambda p: p[0]))
    ]


def roc_points(scores: Sequence[float], labels: Sequence[float]) -> tuple[list[float], list[float]]:
    """False and true positive rates at every distinct score threshold, high to low."""
    positives = sum(labels)
    negatives = len(labels) - positives
    fpr, tpr = [0.0], [0.0]
    tp = fp = 0.0
    for group_positives, count in _by_score_descending(scores, labels):
        tp += group_positives
        fp += count - group_positives
        fpr.append(fp / negatives if negatives else 0.0)
        tpr.append(tp / positives if positives else 0.0)
    return fpr, tpr


def roc_auc(scores: Sequence[float], labels: Sequence[float]) -> float:
    fpr, tpr = roc_points(scores, labels)
    return sum((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2 for i in range(1, len(fpr)))


def pr_auc(scores: Sequence[float], labels: Sequence[float]) -> float:
    positives = sum(labels)
    if not positives:
        return 0.0
    recall, precision = [], []
    tp = seen = 0.0
    for group_positives, count in _by_score_descending(scores, labels):
        tp += group_positives
        seen += count
        recall.append(tp / positives)
        precision.append(tp / seen)
    recall, precision = [0.0, *recall], [precision[0], *precision]
    return sum(
        (recall[i] - recall[i - 1]) * (precision[i] + precision[i - 1]) / 2
        for i in range(1, len(recall))
    )


def brier(scores: Sequence[float], labels: Sequence[float]) -> float:
    """Mean squared error of the probabilities: lower is better calibrated and sharper."""
    return sum((s - y) ** 2 for s, y in zip(scores, labels, strict=True)) / len(scores)


def best_f1_threshold(scores: Sequence[float], labels: Sequence[float]) -> float:
    """The threshold with the best F1 of "buy" (``score > threshold``) on these sessions.

    It lies halfway between the lowest score taken as "buy" and the next score below it, so no
    session it was chosen on sits exactly on it (``>`` and ``>=`` decide alike).
    """
    positives = sum(labels)
    groups = sorted(set(scores), reverse=True)
    counts = _by_score_descending(scores, labels)
    best, best_at = -1.0, 0
    tp = seen = 0.0
    for at, (group_positives, count) in enumerate(counts):
        tp += group_positives
        seen += count
        f1 = 2 * tp / (seen + positives) if seen + positives else 0.0
        if f1 > best:
            best, best_at = f1, at
    below = groups[best_at + 1] if best_at + 1 < len(groups) else 0.0
    return (groups[best_at] + below) / 2


def decision_metrics(
    scores: Sequence[float], labels: Sequence[float], threshold: float
) -> dict[str, float]:
    """Precision, recall and the share of sessions flagged "buy" at ``threshold``."""
    flagged = [y for s, y in zip(scores, labels, strict=True) if s > threshold]
    positives = sum(labels)
    return {
        "precision": sum(flagged) / len(flagged) if flagged else 0.0,
        "recall": sum(flagged) / positives if positives else 0.0,
        "flagged_share": len(flagged) / len(scores) if scores else 0.0,
    }


def calibration_table(scores: Sequence[float], labels: Sequence[float]) -> list[dict[str, float]]:
    """Sessions in equal-width bins of predicted buy probability: predicted vs observed."""
    table = []
    for b in range(CALIBRATION_BINS):
        low, high = b / CALIBRATION_BINS, (b + 1) / CALIBRATION_BINS
        members = [
            (s, y)
            for s, y in zip(scores, labels, strict=True)
            if low <= s < high or (b == CALIBRATION_BINS - 1 and s == 1.0)
        ]
        if members:
            table.append(
                {
                    "bin": f"[{low:.1f}, {high:.1f})",
                    "sessions": float(len(members)),
                    "mean_predicted": sum(s for s, _ in members) / len(members),
                    "observed_buy_rate": sum(y for _, y in members) / len(members),
                }
            )
    return table


def summary(
    raw: Sequence[float], calibrated: Sequence[float], labels: Sequence[float], threshold: float
) -> dict[str, float]:
    """One slice of held-out rows: size, buy rate, ranking and calibration, the decision."""
    if not labels:
        return {"sessions": 0.0}
    return {
        "sessions": float(len(labels)),
        "buy_rate": sum(labels) / len(labels),
        "roc_auc": roc_auc(calibrated, labels),
        "pr_auc": pr_auc(calibrated, labels),
        "roc_auc_uncalibrated": roc_auc(raw, labels),
        "brier_uncalibrated": brier(raw, labels),
        "brier": brier(calibrated, labels),
        "mean_probability": sum(calibrated) / len(calibrated),
        **decision_metrics(calibrated, labels, threshold),
    }
