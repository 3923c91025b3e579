"""What a leaf adds, computed once at load for every leaf: a forest's normalised votes."""

from __future__ import annotations

from array import array

from snowleap.ops.linalg import sequential_sum
from snowleap.ops.tree.compiled import compiled_walker


def vote_shares(counts: array[float], width: int) -> array[float]:
    """Each leaf's class counts divided by their sum (``0.0 + c0 + c1 ...``), zeros for a zero
    sum: MLeap's per-row division, done once. Compiled when the extension loads (same bits)."""
    out = array("d", bytes(8 * len(counts)))
    module = compiled_walker()
    if module is not None:
        module.vote_shares(counts, width, out)
        return out
    for start in range(0, len(counts), width):
        leaf = counts[start : start + width]
        total = sequential_sum(leaf)
        if total != 0.0:
            for k, count in enumerate(leaf):
                out[start + k] = count / total
    return out
