"""``word_to_vector``: mean of known words' vectors over the sentence length; sqrt kernel."""

from __future__ import annotations

import math
from typing import Any

import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase, double_list, string_list


def word2vec(kernel: str | None = None, indices: list[int] | None = None) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "words": string_list(["cat", "dog", "😀"]),
        "word_vectors": double_list([1.0, 2.0, -1.0, 0.5, 0.25, 4.0]),
    }
    if indices is not None:
        attributes["indices"] = {"type": "list", "long": indices}
    if kernel is not None:
        attributes["kernel"] = {"string": kernel}
    return attributes


IDENTITY_CASE = OpCase(
    (Node("word_to_vector", word2vec("default", [0, 1, 2]), {"input": "t"}, {"output": "v"}),),
    {"t": [["cat", "dog"], [], ["unseen"], ["😀", "cat", "zebra", "cat"]]},
)


def test_mean_over_the_sentence_length(tmp_path, score_both) -> None:
    model = IDENTITY_CASE.load(tmp_path / "b")
    out = score_both(model, IDENTITY_CASE.columns)
    assert out["v"].tolist() == [
        [0.0, 1.25],  # ([1, 2] + [-1, 0.5]) / 2
        [0.0, 0.0],  # empty: zeros (Spark's empty sparse vector holds the same values)
        [0.0, 0.0],  # unseen words count, add nothing
        [0.5625, 2.0],  # ([0.25, 4] + 2 * [1, 2]) / 4
    ]
    assert model.output_schema == {"v": vector(2)}


def test_indices_order_the_vectors(one_node_model) -> None:
    model = one_node_model(
        "word_to_vector", word2vec(None, [2, 0, 1]), {"input": "t"}, {"output": "v"}
    )
    # "cat" is row 2 of the flat vectors: [0.25, 4.0]
    assert model.transform_row({"t": ["cat"]})["v"] == [0.25, 4.0]


def test_sqrt_kernel_divides_by_the_norm(one_node_model, score_both) -> None:
    model = one_node_model("word_to_vector", word2vec("sqrt"), {"input": "t"}, {"output": "v"})
    out = score_both(model, {"t": [["cat", "cat"]]})
    norm = math.sqrt(2.0**2 + 4.0**2)
    assert out["v"].tolist() == [[2.0 / norm, 4.0 / norm]]


def test_bad_bundles(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"kernel 'cosine' is not one of"):
        one_node_model("word_to_vector", word2vec("cosine"), {"input": "t"}, {"output": "v"})
    with pytest.raises(snowleap.BundleError, match=r"'indices' should number the words"):
        one_node_model("word_to_vector", word2vec(None, [0, 0, 1]), {"input": "t"}, {"output": "v"})
