"""The tree walkers a test can force: the pure-Python ones and, where it loads, the compiled."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

from snowleap.ops.tree.compiled import FORCE_PURE_PYTHON, compiled_walker
from snowleap.ops.tree.layout import TreeLayout
from snowleap.ops.tree.scoring import TreeScorer
from snowleap.ops.tree.walk import Combine

WALKERS = ("python", "compiled")


def scorer_with(
    walker: str,
    monkeypatch: Any,
    layout: TreeLayout,
    outputs: array[float],
    width: int,
    combine: Combine,
    weights: Sequence[float] = (),
) -> TreeScorer:
    """A scorer that uses ``walker``; the compiled one must load (the package builds it)."""
    if walker == "python":
        monkeypatch.setenv(FORCE_PURE_PYTHON, "1")
    else:
        monkeypatch.delenv(FORCE_PURE_PYTHON, raising=False)
        assert compiled_walker() is not None, "snowleap._treewalk did not load"
    scorer = TreeScorer(layout, outputs, width, combine, weights)
    assert scorer.compiled == (walker == "compiled")
    return scorer
