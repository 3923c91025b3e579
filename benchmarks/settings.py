"""How much work a benchmark run does, and where it keeps its files.

``full`` is what ``make bench`` runs (sized to finish in well under 15 minutes on a 2-core
machine); ``quick`` is for development on a shared machine: the same steps, fewer repetitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
WORK_DIR = RESULTS_DIR / "work"


@dataclass(frozen=True)
class Settings:
    """Repetition counts for one run."""

    name: str
    bench_rows: int  # distinct rows every contender scores and is checked on
    row_iterations: int  # single-row calls timed per in-process contender
    jvm_row_iterations: int
    pyspark_row_repeats: int
    batch_sizes: tuple[int, ...]
    pyspark_batch_sizes: tuple[int, ...]
    batch_seconds: float  # time budget per batch size (at least 3 repeats)
    cold_start_runs: int
    serve_requests: int
    serve_concurrency: int
    handler_repeats: int


FULL = Settings(
    name="full",
    bench_rows=1000,
    row_iterations=20000,
    jvm_row_iterations=200000,
    pyspark_row_repeats=30,
    batch_sizes=(1, 100, 10_000, 100_000),
    pyspark_batch_sizes=(1, 100, 10_000, 100_000),
    batch_seconds=1.0,
    cold_start_runs=5,
    serve_requests=2000,
    serve_concurrency=4,
    handler_repeats=300,
)

QUICK = Settings(
    name="quick",
    bench_rows=200,
    row_iterations=2000,
    jvm_row_iterations=20000,
    pyspark_row_repeats=5,
    batch_sizes=(1, 100, 10_000),
    pyspark_batch_sizes=(1, 100),
    batch_seconds=0.2,
    cold_start_runs=2,
    serve_requests=200,
    serve_concurrency=2,
    handler_repeats=30,
)


def batch_repeats(size: int) -> int:
    """How many timed ``transform`` runs a batch of ``size`` rows gets (median taken)."""
    if size <= 1:
        return 300
    if size <= 100:
        return 100
    if size <= 10_000:
        return 7
    return 3
