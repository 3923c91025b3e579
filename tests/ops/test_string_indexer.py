"""``string_indexer``: legacy and multi-column forms, unseen labels and nulls under each policy."""

from __future__ import annotations

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import DOUBLE, STRING
from tests.conftest import Node, OpCase


def labels(values: list[str]) -> dict[str, object]:
    return {"type": "list", "string": values}


def legacy(values: list[str], handle_invalid: str | None = "error") -> dict[str, object]:
    attributes: dict[str, object] = {"labels": labels(values)}
    if handle_invalid is not None:
        attributes["handle_invalid"] = {"string": handle_invalid}
    return attributes


def test_legacy_labels_give_list_positions(one_node_model, score_both) -> None:
    model = one_node_model(
        "string_indexer", legacy(["a", "b", "c"]), {"input": "s"}, {"output": "i"}
    )
    out = score_both(model, {"s": ["c", "a", "b", "a"]})
    # "c" is labels[2], "a" labels[0], "b" labels[1]; indices are doubles
    assert out["i"].tolist() == [2.0, 0.0, 1.0, 0.0]
    assert out["i"].dtype == np.float64
    assert model.input_schema == {"s": STRING}
    assert model.output_schema == {"i": DOUBLE}


def test_several_columns_with_keep(one_node_model, score_both) -> None:
    model = one_node_model(
        "string_indexer",
        {
            "labels_length": {"int": 2},
            "labels_array_0": labels(["x", "y"]),
            "labels_array_1": labels(["p", "q", "r"]),
            "handle_invalid": {"string": "keep"},
        },
        {"input0": "c0", "input1": "c1"},
        {"output0": "i0", "output1": "i1"},
    )
    out = score_both(model, {"c0": ["y", "zz", None], "c1": ["r", "p", "nope"]})
    # c0: "y" -> 1; unseen "zz" and null -> keep index = 2 labels = 2
    assert out["i0"].tolist() == [1.0, 2.0, 2.0]
    # c1: "r" -> 2, "p" -> 0, unseen "nope" -> keep index = 3 labels = 3
    assert out["i1"].tolist() == [2.0, 0.0, 3.0]
    assert model.input_schema == {"c0": STRING, "c1": STRING}


def test_unseen_label_with_error_raises_naming_it(one_node_model) -> None:
    model = one_node_model("string_indexer", legacy(["a", "b"]), {"input": "s"}, {"output": "i"})
    with pytest.raises(snowleap.InputError, match=r"'s', row 1: unseen label 'z'"):
        model.transform({"s": ["a", "z"]})
    with pytest.raises(snowleap.InputError, match=r"'s': unseen label 'z'"):
        model.transform_row({"s": "z"})


def test_null_with_error_raises(one_node_model) -> None:
    model = one_node_model("string_indexer", legacy(["a", "b"]), {"input": "s"}, {"output": "i"})
    with pytest.raises(snowleap.InputError, match=r"'s', row 0: null value"):
        model.transform({"s": [None, "a"]})
    with pytest.raises(snowleap.InputError, match=r"'s': null value"):
        model.transform_row({"s": None})


def test_missing_handle_invalid_means_error(one_node_model) -> None:
    model = one_node_model(
        "string_indexer", legacy(["a"], handle_invalid=None), {"input": "s"}, {"output": "i"}
    )
    with pytest.raises(snowleap.InputError, match="unseen label 'b'"):
        model.transform_row({"s": "b"})


def test_skip_drops_rows_with_unseen_or_null(one_node_model, score_both) -> None:
    model = one_node_model(
        "string_indexer", legacy(["a", "b"], "skip"), {"input": "s"}, {"output": "i"}
    )
    out = score_both(model, {"s": ["b", "z", None, "a"]})
    # rows 1 ("z", unseen) and 2 (null) are dropped; "b" -> 1, "a" -> 0
    assert out["i"].tolist() == [1.0, 0.0]
    assert out["s"].tolist() == ["b", "a"]
    assert model.transform_row({"s": "z"}) is None
    assert model.transform_row({"s": None}) is None


def test_skip_with_several_columns_drops_a_row_if_any_column_is_invalid(
    one_node_model, score_both
) -> None:
    model = one_node_model(
        "string_indexer",
        {
            "labels_length": {"int": 2},
            "labels_array_0": labels(["x"]),
            "labels_array_1": labels(["p", "q"]),
            "handle_invalid": {"string": "skip"},
        },
        {"input0": "c0", "input1": "c1"},
        {"output0": "i0", "output1": "i1"},
    )
    out = score_both(
        model, {"c0": ["x", "x", "bad", "x"], "c1": ["q", "bad", "p", "p"], "id": [1, 2, 3, 4]}
    )
    # row 2 has c1 "bad", row 3 has c0 "bad": both dropped; rows 1 and 4 stay
    assert out["i0"].tolist() == [0.0, 0.0]
    assert out["i1"].tolist() == [1.0, 0.0]
    assert out["id"].tolist() == [1, 4]


def test_keep_on_legacy_single_column_maps_null_to_label_count(one_node_model, score_both) -> None:
    model = one_node_model(
        "string_indexer", legacy(["a", "b", "c"], "keep"), {"input": "s"}, {"output": "i"}
    )
    out = score_both(model, {"s": [None, "c", "d"]})
    # 3 labels, so null and unseen "d" -> 3.0
    assert out["i"].tolist() == [3.0, 2.0, 3.0]


def test_a_label_listed_twice_takes_its_last_position(one_node_model, score_both) -> None:
    # NOTE: MLeap builds its table with zipWithIndex.toMap, where the last entry wins.
    model = one_node_model(
        "string_indexer", legacy(["a", "b", "a"]), {"input": "s"}, {"output": "i"}
    )
    out = score_both(model, {"s": ["a", "b"]})
    assert out["i"].tolist() == [2.0, 1.0]


def test_labels_are_matched_exactly(one_node_model, score_both) -> None:
    model = one_node_model(
        "string_indexer", legacy(["NY", "ny ", ""], "keep"), {"input": "s"}, {"output": "i"}
    )
    out = score_both(model, {"s": ["ny", "ny ", "", "NY"]})
    # "ny" is not "NY" nor "ny " -> keep index 3; "" is a real label at 2
    assert out["i"].tolist() == [3.0, 1.0, 2.0, 0.0]


def test_empty_batch(one_node_model) -> None:
    model = one_node_model("string_indexer", legacy(["a"]), {"input": "s"}, {"output": "i"})
    out = model.transform({"s": np.array([], dtype=object)})
    assert out["i"].tolist() == []


def test_non_string_input_is_an_input_error(one_node_model) -> None:
    model = one_node_model("string_indexer", legacy(["1"]), {"input": "s"}, {"output": "i"})
    with pytest.raises(snowleap.InputError, match="expected a string"):
        model.transform_row({"s": 1})
    with pytest.raises(snowleap.InputError, match="expected a string"):
        model.transform({"s": np.array(["1", 1], dtype=object)})


def test_label_lists_must_match_ports(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="2 label lists, 1 inputs and 1 outputs"):
        one_node_model(
            "string_indexer",
            {
                "labels_length": {"int": 2},
                "labels_array_0": labels(["a"]),
                "labels_array_1": labels(["b"]),
            },
            {"input0": "s"},
            {"output0": "i"},
        )


def test_missing_labels_array_is_a_bundle_error(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="missing attribute 'labels_array_1'"):
        one_node_model(
            "string_indexer",
            {"labels_length": {"int": 2}, "labels_array_0": labels(["a"])},
            {"input0": "s", "input1": "t"},
            {"output0": "i", "output1": "j"},
        )


def test_unknown_handle_invalid_is_a_bundle_error(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="'handle_invalid' is 'ignore'"):
        one_node_model("string_indexer", legacy(["a"], "ignore"), {"input": "s"}, {"output": "i"})


def test_several_columns_with_error_name_the_invalid_column(one_node_model) -> None:
    model = one_node_model(
        "string_indexer",
        {
            "labels_length": {"int": 2},
            "labels_array_0": labels(["x"]),
            "labels_array_1": labels(["p"]),
            "handle_invalid": {"string": "error"},
        },
        {"input0": "c0", "input1": "c1"},
        {"output0": "i0", "output1": "i1"},
    )
    with pytest.raises(snowleap.InputError, match=r"'c1': unseen label 'q'"):
        model.transform_row({"c0": "x", "c1": "q"})
    with pytest.raises(snowleap.InputError, match=r"'c1', row 1: unseen label 'q'"):
        model.transform({"c0": ["x", "x"], "c1": ["p", "q"]})


def test_column_of_only_nulls_with_keep(one_node_model, score_both) -> None:
    model = one_node_model(
        "string_indexer", legacy(["a", "b"], "keep"), {"input": "s"}, {"output": "i"}
    )
    out = score_both(model, {"s": [None, None]})
    # 2 labels -> keep index 2
    assert out["i"].tolist() == [2.0, 2.0]


class _CollidingLabel(str):
    """A label whose hash equals every other such label's (only a test can build such labels)."""

    def __hash__(self) -> int:
        return 7

    def __eq__(self, other: object) -> bool:
        return str.__eq__(self, other)


def test_batch_lookup_is_exact_when_hashes_collide() -> None:
    from snowleap.ops.feature.string_indexer import LabelIndex

    # GIVEN labels whose hashes collide (the batch lookup then falls back to sorting)
    colliding = LabelIndex((_CollidingLabel("b"), _CollidingLabel("a")))
    values = np.array([_CollidingLabel("a"), None, _CollidingLabel("z")], dtype=object)
    assert colliding.index_batch(values).tolist() == [1.0, -1.0, -1.0]
    # GIVEN a value sharing a label's hash without being equal to it: no match
    mixed = LabelIndex(("b", _CollidingLabel("a")))
    values = np.array([_CollidingLabel("z"), _CollidingLabel("a"), "b", "a2"], dtype=object)
    assert mixed.index_batch(values).tolist() == [-1.0, 1.0, 0.0, -1.0]


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "string_indexer",
            {
                "labels_length": {"int": 2},
                "labels_array_0": labels(["NY", "CA"]),
                "labels_array_1": labels(["x", "y", "x"]),
                "handle_invalid": {"string": "skip"},
            },
            {"input0": "state", "input1": "kind"},
            {"output0": "state_index", "output1": "kind_index"},
        ),
    ),
    {"state": ["CA", None, "NY", "TX", "NY"], "kind": ["y", "x", "z", "x", "x"]},
)
