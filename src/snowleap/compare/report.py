"""The comparison as a text table and as a PNG chart (matplotlib, the ``compare`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from snowleap.compare.stats import BINS, VariantSummary, roc_points
from snowleap.errors import InputError


def table(summaries: list[VariantSummary]) -> str:
    """Each variant's counts, mean, quantiles, ROC AUC, then the distributions by tenths."""

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.4f}"

    header = ["variant", "sessions", "served", "shadow", "no score", "mean", "p10", "p50", "p90",
              "labelled", "positive", "ROC AUC"]  # fmt: skip
    rows = [
        [
            s.variant,
            str(s.sessions),
            str(s.served),
            str(s.shadow),
            str(s.unscored),
            number(s.mean),
            *(number(v) for v in s.quantiles.values()),
            str(s.labelled),
            str(s.positives),
            number(s.roc_auc),
        ]
        for s in summaries
    ]
    lines = _aligned([header, *rows])
    lines += ["", "share of sessions by probability"]
    bins = [f"{i / BINS:.1f}-{(i + 1) / BINS:.1f}" for i in range(BINS)]
    shares = [
        [s.variant, *(f"{100 * n / max(sum(s.histogram), 1):.1f}%" for n in s.histogram)]
        for s in summaries
    ]
    lines += _aligned([["variant", *bins], *shares])
    versions = [f"{s.variant}: {', '.join(s.versions) or '-'}" for s in summaries]
    lines += ["", "model versions", *(f"  {v}" for v in versions)]
    return "\n".join(lines) + "\n"


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]


def write_png(summaries: list[VariantSummary], path: Path) -> None:
    """Score distributions (share of sessions per probability bin) and, where labels were
    joined, ROC curves; ``InputError`` when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError(
            "--png needs matplotlib: pip install 'snowleap[compare]' (or leave out --png)"
        ) from None
    with_roc = any(roc_points(s.joined) for s in summaries)
    figure, axes = plt.subplots(1, 2 if with_roc else 1, figsize=(11 if with_roc else 6, 4))
    panels: list[Any] = list(axes) if with_roc else [axes]
    edges = [i / BINS for i in range(BINS + 1)]
    for summary in summaries:
        weights = [1 / len(summary.probabilities)] * len(summary.probabilities)
        mean = "-" if summary.mean is None else f"{summary.mean:.3f}"
        label = f"{summary.variant} (n={summary.sessions}, mean {mean})"
        panels[0].hist(
            summary.probabilities, bins=edges, weights=weights, histtype="step", linewidth=2,
            label=label,
        )  # fmt: skip
    panels[0].set(xlabel="purchase probability", ylabel="share of sessions",
                  title="Score distribution by variant")  # fmt: skip
    panels[0].legend()
    if with_roc:
        for summary in summaries:
            points = roc_points(summary.joined)
            if points:
                xs, ys = zip(*points, strict=True)
                label = f"{summary.variant} (AUC {summary.roc_auc:.3f}, n={summary.labelled})"
                panels[1].plot(xs, ys, linewidth=2, label=label)
        panels[1].plot([0, 1], [0, 1], linestyle=":", color="grey")
        panels[1].set(xlabel="false positive rate", ylabel="true positive rate",
                      title="ROC where labels were joined")  # fmt: skip
        panels[1].legend(loc="lower right")
    figure.tight_layout()
    try:
        figure.savefig(path, dpi=100)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the chart ({exc.strerror})") from None
    finally:
        plt.close(figure)
