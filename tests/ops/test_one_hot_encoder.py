"""``one_hot_encoder``: current and legacy forms, drop_last, error/keep, invalid indices."""

from __future__ import annotations

import math
import re
from functools import partial

import pytest

import snowleap
from snowleap.ops.base import DOUBLE, vector
from snowleap.ops.tree.compiled import pure_python_trees
from tests.conftest import Node, OpCase, load_bundle, write_bundle


def current(sizes: list[int], drop_last: bool, handle_invalid: str) -> dict[str, object]:
    return {
        "category_sizes": {"type": "list", "int": sizes},
        "drop_last": {"boolean": drop_last},
        "handle_invalid": {"string": handle_invalid},
    }


def encoder(one_node_model, attributes: dict[str, object]) -> snowleap.Model:
    return one_node_model("one_hot_encoder", attributes, {"input0": "c"}, {"output0": "v"})


def test_no_drop_last_error_has_one_slot_per_category(one_node_model, score_both) -> None:
    model = encoder(one_node_model, current([3], drop_last=False, handle_invalid="error"))
    out = score_both(model, {"c": [0.0, 2.0, 1.0]})
    assert out["v"].tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    assert model.input_schema == {"c": DOUBLE}
    assert model.output_schema == {"v": vector(3)}


def test_drop_last_makes_the_last_category_all_zeros(one_node_model, score_both) -> None:
    model = encoder(one_node_model, current([3], drop_last=True, handle_invalid="error"))
    out = score_both(model, {"c": [0.0, 1.0, 2.0]})
    # 3 categories - 1 dropped = width 2; category 2 has no slot
    assert out["v"].tolist() == [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
    assert model.output_schema == {"v": vector(2)}


def test_keep_without_drop_last_adds_an_invalid_slot(one_node_model, score_both) -> None:
    model = encoder(one_node_model, current([3], drop_last=False, handle_invalid="keep"))
    out = score_both(model, {"c": [1.0, 5.0, -1.0, 2.0]})
    # width 3 + 1 invalid slot = 4; 5 (too large) and -1 (negative) go to slot 3
    assert out["v"].tolist() == [
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
        [0.0, 0.0, 0.0, 1.0],
        [0.0, 0.0, 1.0, 0.0],
    ]


def test_keep_with_drop_last_drops_the_invalid_slot(one_node_model, score_both) -> None:
    model = encoder(one_node_model, current([3], drop_last=True, handle_invalid="keep"))
    out = score_both(model, {"c": [2.0, 9.0, -3.0]})
    # width 3 + 1 invalid - 1 dropped = 3; category 2 keeps its slot, invalid ones are all zeros
    assert out["v"].tolist() == [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]


@pytest.mark.parametrize(
    ("index", "problem"),
    [
        (3.0, "is not one of the 3 categories"),
        (-1.0, "is negative"),
        (1.5, "must be a whole number"),
        (math.nan, "must be a whole number"),
        (2.0**31, "must be a whole number"),
        (math.inf, "must be a whole number"),
    ],
)
def test_invalid_index_with_error(one_node_model, index: float, problem: str) -> None:
    model = encoder(one_node_model, current([3], drop_last=False, handle_invalid="error"))
    with pytest.raises(snowleap.InputError, match=rf"'c': one_hot_encoder index .* {problem}"):
        model.transform_row({"c": index})
    pattern = rf"'c', row 1: one_hot_encoder index .*{problem}"
    with pytest.raises(snowleap.InputError, match=pattern):
        model.transform({"c": [0.0, index]})


@pytest.mark.parametrize("index", [1.5, math.nan, None, 2.0**40])
def test_non_whole_index_raises_even_with_keep(one_node_model, index: float | None) -> None:
    model = encoder(one_node_model, current([3], drop_last=False, handle_invalid="keep"))
    with pytest.raises(snowleap.InputError, match="must be a whole number"):
        model.transform_row({"c": index})
    with pytest.raises(snowleap.InputError, match=r"row 0: .*must be a whole number"):
        model.transform({"c": [index]})


def test_several_columns(one_node_model, score_both) -> None:
    model = one_node_model(
        "one_hot_encoder",
        current([2, 3], drop_last=False, handle_invalid="error"),
        {"input0": "a", "input1": "b"},
        {"output0": "va", "output1": "vb"},
    )
    out = score_both(model, {"a": [1.0, 0.0], "b": [0.0, 2.0]})
    assert out["va"].tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert out["vb"].tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    assert model.output_schema == {"va": vector(2), "vb": vector(3)}


def test_legacy_size_with_drop_last_defaults_to_keep(one_node_model, score_both) -> None:
    # NOTE: a legacy 'size' is the vector width; MLeap reads it as category_sizes [size] with
    # handle_invalid keep, so index == size (Spark's dropped last category) is all zeros.
    model = one_node_model(
        "one_hot_encoder",
        {"size": {"long": 2}, "drop_last": {"boolean": True}},
        {"input": "c"},
        {"output": "v"},
    )
    out = score_both(model, {"c": [0.0, 1.0, 2.0, 7.0]})
    assert out["v"].tolist() == [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [0.0, 0.0]]
    assert model.output_schema == {"v": vector(2)}


def test_legacy_size_without_drop_last_defaults_to_error(one_node_model, score_both) -> None:
    model = one_node_model(
        "one_hot_encoder",
        {"size": {"long": 3}, "drop_last": {"boolean": False}},
        {"input": "c"},
        {"output": "v"},
    )
    out = score_both(model, {"c": [2.0, 0.0]})
    assert out["v"].tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    with pytest.raises(snowleap.InputError, match="not one of the 3 categories"):
        model.transform_row({"c": 3.0})


def test_legacy_size_with_explicit_error_and_drop_last(one_node_model, score_both) -> None:
    model = one_node_model(
        "one_hot_encoder",
        {
            "size": {"long": 3},
            "drop_last": {"boolean": True},
            "handle_invalid": {"string": "error"},
        },
        {"input": "c"},
        {"output": "v"},
    )
    out = score_both(model, {"c": [0.0, 2.0]})
    # 3 - 1 dropped = width 2
    assert out["v"].tolist() == [[1.0, 0.0], [0.0, 0.0]]


def test_skip_is_refused(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="'handle_invalid' is 'skip'"):
        encoder(one_node_model, current([3], drop_last=True, handle_invalid="skip"))


def test_current_form_needs_handle_invalid(one_node_model) -> None:
    attributes = current([3], drop_last=True, handle_invalid="error")
    del attributes["handle_invalid"]
    with pytest.raises(snowleap.BundleError, match="missing attribute 'handle_invalid'"):
        encoder(one_node_model, attributes)


def test_sizes_must_match_ports(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="2 category sizes, 1 inputs and 1 outputs"):
        encoder(one_node_model, current([3, 4], drop_last=True, handle_invalid="error"))


def test_rows_get_fresh_vectors(one_node_model) -> None:
    model = encoder(one_node_model, current([2], drop_last=False, handle_invalid="error"))
    first = model.transform_row({"c": 0.0})
    assert first is not None
    first["v"][1] = 99.0
    second = model.transform_row({"c": 0.0})
    assert second is not None
    assert second["v"] == [1.0, 0.0]


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (Node("one_hot_encoder", current([3], True, "keep"), {"input0": "c"}, {"output0": "v"}),),
    {"c": [0.0, 1.0, 2.0, 3.0, -1.0]},
)


def test_a_width_beyond_the_tensor_limit_is_refused_at_load(one_node_model) -> None:
    # NOTE: refused before any table or vector of that width is built (a BundleError, not a
    # MemoryError or an out-of-memory kill)
    with pytest.raises(snowleap.BundleError, match=r"vectors of 2000000001 values.*MAX_TENSOR"):
        encoder(one_node_model, current([2_000_000_000], drop_last=False, handle_invalid="keep"))


def test_many_categories_score_the_same_without_the_slot_table(one_node_model) -> None:
    # 100,000 categories is past the row step's slot table: the checks alone give each slot;
    # keep + drop_last: every category keeps its slot, an invalid index is all zeros
    model = encoder(one_node_model, current([100_000], drop_last=True, handle_invalid="keep"))
    labels = [0.0, 99_999.0, -0.0, 123_456.0, -4.0]
    batch = model.transform({"c": labels})["v"]
    for row, (label, slot) in enumerate(zip(labels, [0, 99_999, 0, None, None], strict=True)):
        one_hot = model.transform_row({"c": label})["v"]
        assert one_hot == batch[row].tolist()
        assert len(one_hot) == 100_000
        assert sum(one_hot) == (0.0 if slot is None else 1.0)
        assert slot is None or one_hot[slot] == 1.0
    with pytest.raises(snowleap.InputError, match="must be a whole number"):
        model.transform_row({"c": 2.5})


@pytest.mark.parametrize("drop_last", [True, False])
@pytest.mark.parametrize("handle_invalid", ["keep", "error"])
def test_the_compiled_row_step_encodes_as_the_python_step(
    tmp_path, drop_last: bool, handle_invalid: str
) -> None:
    attributes = current([3, 2], drop_last=drop_last, handle_invalid=handle_invalid)
    ports = ({"input0": "c", "input1": "d"}, {"output0": "v", "output1": "w"})
    node = Node("one_hot_encoder", attributes, *ports)
    model = load_bundle(write_bundle(tmp_path / "compiled", [node]))
    with pure_python_trees():
        pure = load_bundle(write_bundle(tmp_path / "pure", [node]))
    (step,) = model._row_plan._steps
    (python_step,) = pure._row_plan._steps
    assert isinstance(step, partial)
    # THEN the same vectors, -0.0 and a dropped or invalid category (the Python step's) included
    for c, d in [(0.0, 1.0), (-0.0, 0.0), (2.0, 1.0), (1.0, 5.0), (math.nan, 0.0), (0.5, 0.0)]:
        mine, oracle = {"c": c, "d": d}, {"c": c, "d": d}
        try:
            python_step(oracle)
        except snowleap.InputError as error:
            with pytest.raises(snowleap.InputError, match=re.escape(str(error))):
                step(mine)
            continue
        step(mine)
        assert mine == oracle
