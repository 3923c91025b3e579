"""A vector assembler feeding a forest: with the extension the two are one C step, without it two
Python steps; both must give the same bits (shared by the forest classifier's and regressor's
tests)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import snowleap
from snowleap.ops.sparse import SparseVector
from snowleap.ops.tree.compiled import pure_python_trees
from tests.conftest import Node, load_bundle, same_value, write_bundle

#: an assembler's inputs: a scalar 'a', then a vector 'v' of one value
ROWS: list[dict[str, Any]] = [
    {"a": 0.0, "v": [0.0]},
    {"a": 2.0, "v": [3.0]},
    {"a": math.nan, "v": [math.nan]},
    {"a": 1.0, "v": [-0.0]},
    # a sparse vector takes the Python steps (the C step hands the row back)
    {"a": 1.0, "v": SparseVector(1, [0], [4.0])},
]


def assembled_forest(folder: Path, forest: Node) -> snowleap.Model:
    """A vector assembler (a scalar, then a vector of one) feeding ``forest``."""
    scalar = {"base": "scalar", "isNullable": True}
    vector = {
        "base": "tensor",
        "isNullable": True,
        "tensorShape": {"dimensions": [{"size": 1, "name": ""}]},
    }
    assembler = Node(
        "vector_assembler",
        {"input_shapes": {"type": "list", "data_shape": [scalar, vector]}},
        {"input0": "a", "input1": "v"},
        {"output": "features"},
    )
    return load_bundle(write_bundle(folder, [assembler, forest]))


def assert_one_step_of_the_same_bits(folder: Path, forest: Node) -> snowleap.Model:
    """The compiled model (one step) scores ``ROWS`` as the pure-Python one (two steps) does,
    and refuses a wrong width with the same error; returns the compiled model."""
    compiled = assembled_forest(folder / "compiled", forest)
    with pure_python_trees():
        pure = assembled_forest(folder / "pure", forest)
    assert len(compiled._row_plan._steps) == 1
    assert len(pure._row_plan._steps) == 2
    for row in ROWS:
        mine, oracle = compiled.transform_row(row), pure.transform_row(row)
        assert mine is not None and oracle is not None
        assert list(mine) == list(oracle)
        assert all(same_value(mine[name], oracle[name]) for name in oracle)
    for model in (compiled, pure):
        with pytest.raises(snowleap.InputError, match=r"'v'.*width 2"):
            model.transform_row({"a": 0.0, "v": [0.0, 1.0]})
    return compiled
