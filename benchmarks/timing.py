"""Percentiles of a list of timings (the in-process loops live in ``runtime_bench``)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``samples`` by the nearest-rank rule."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    rank = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[rank]


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """Median, p99 and mean of per-call times, in microseconds."""
    return {
        "calls": len(seconds),
        "median_us": percentile(seconds, 0.5) * 1e6,
        "p99_us": percentile(seconds, 0.99) * 1e6,
        "mean_us": sum(seconds) / len(seconds) * 1e6,
    }
