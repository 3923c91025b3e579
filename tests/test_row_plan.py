"""``RowPlan``: the row path's input check (one C call, else the converters) and the merged
steps of ops side by side (string indexers), with and without the compiled extension."""

from __future__ import annotations

from functools import partial

import pytest

import snowleap
from snowleap.ops.tree.compiled import pure_python_trees
from snowleap.row_plan import plan_steps
from tests.conftest import string_list

COLUMNS = ("a", "b", "c")
# NOTE: six or more plain inputs, so the compiled input check (one C call) is the one used.
WIDE = ("a", "b", "c", "d", "e")


def indexers(policies: tuple[str, ...], columns: tuple[str, ...] = COLUMNS) -> list:
    return [
        (
            f"index_{column}",
            "string_indexer",
            {"labels": string_list(["x", "y"]), "handle_invalid": {"string": policy}},
            {"input": column},
            {"output": f"{column}_index"},
        )
        for column, policy in zip(columns, policies, strict=True)
    ]


def indexed_pipeline(pipeline_model):
    nodes = indexers(("error",) * len(WIDE), WIDE)
    assembled = ["n", *(f"{column}_index" for column in WIDE)]
    nodes.append(
        (
            "assemble",
            "vector_assembler",
            {},
            {f"input{i}": column for i, column in enumerate(assembled)},
            {"output": "features"},
        )
    )
    return pipeline_model(nodes)


@pytest.mark.parametrize("compiled", [True, False])
def test_side_by_side_indexers_share_one_step(pipeline_model, compiled: bool) -> None:
    if compiled:
        model = indexed_pipeline(pipeline_model)
    else:
        with pure_python_trees():
            model = indexed_pipeline(pipeline_model)
    # THEN the indexers are one step (one C call with the extension) before the assembler's,
    # and the input check is the C one
    steps = model._row_plan._steps
    assert len(steps) == 2
    assert isinstance(steps[0], partial) == compiled
    # AND a row of exactly typed inputs is checked, copied and scored in one C call
    assert (model._row_plan._run is not None) == compiled
    assert (model._row_plan._check is not None) == compiled
    given = {"a": "y", "b": "x", "c": "y", "d": "x", "e": "y"}
    row = model.transform_row({**given, "n": 2.0})
    assert row is not None
    assert row["features"] == [2.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    # AND an int for a double is converted (the fast check sends it to the converters)
    converted = model.transform_row({**given, "n": 2})
    assert converted == row
    assert converted is not None and converted["n"].__class__ is float
    # AND the first invalid column, in order, is the one the error names, with its node
    with pytest.raises(snowleap.InputError, match=r"column 'b': unseen label 'z'.*'index_b'"):
        model.transform_row({**given, "b": "z", "c": "zz", "n": 1.0})
    with pytest.raises(snowleap.InputError, match=r"missing input column 'c'"):
        model.transform_row({name: v for name, v in given.items() if name != "c"} | {"n": 1.0})
    with pytest.raises(snowleap.InputError, match=r"column 'a': expected a string"):
        model.transform_row({**given, "a": 3, "n": 1.0})


def test_indexers_of_other_policies_keep_their_own_steps(pipeline_model) -> None:
    model = pipeline_model(indexers(("keep", "skip", "keep")))
    assert len(plan_steps(model.root.leaves())) == 3
    assert model.transform_row({"a": "q", "b": "y", "c": None}) == {
        "a": "q",
        "b": "y",
        "c": None,
        "a_index": 2.0,
        "b_index": 1.0,
        "c_index": 2.0,
    }
    assert model.transform_row({"a": "x", "b": "q", "c": "x"}) is None


@pytest.mark.parametrize("policy", ["keep", "skip"])
def test_merged_keep_and_skip(pipeline_model, policy: str) -> None:
    model = pipeline_model(indexers((policy,) * 3))
    assert len(plan_steps(model.root.leaves())) == 1
    scored = model.transform_row({"a": "x", "b": "y", "c": "x"})
    assert scored is not None
    assert [scored[f"{c}_index"] for c in COLUMNS] == [0.0, 1.0, 0.0]
    unseen = model.transform_row({"a": "x", "b": None, "c": "x"})
    if policy == "skip":
        assert unseen is None
    else:
        assert unseen is not None
        assert unseen["b_index"] == 2.0
