"""``count_vectorizer``: vocabulary slots, unseen words, ``min_tf`` as count or fraction, binary."""

from __future__ import annotations

from typing import Any

from snowleap.ops.base import vector
from snowleap.ops.sparse import SparseRows, SparseVector
from tests.conftest import Node, OpCase, string_list

VOCABULARY = ["the", "cat", "é", "😀"]


def vectorizer(min_tf: float, binary: bool) -> dict[str, Any]:
    return {
        "vocabulary": string_list(VOCABULARY),
        "binary": {"boolean": binary},
        "min_tf": {"double": min_tf},
    }


IDENTITY_CASE = OpCase(
    (Node("count_vectorizer", vectorizer(1.0, False), {"input": "t"}, {"output": "c"}),),
    {"t": [["the", "cat", "the", "dog"], [], ["unseen"], ["😀", "é", "é"]]},
)


def test_counts_seen_words(tmp_path, score_both) -> None:
    model = IDENTITY_CASE.load(tmp_path / "b")
    out = score_both(model, IDENTITY_CASE.columns)
    assert isinstance(out["c"], SparseRows)
    assert out["c"].tolist() == [
        SparseVector(4, [0, 1], [2.0, 1.0]),
        SparseVector(4, [], []),
        SparseVector(4, [], []),
        SparseVector(4, [2, 3], [2.0, 1.0]),
    ]
    assert model.output_schema == {"c": vector(4)}


def test_min_tf_as_a_fraction_counts_unseen_words_too(one_node_model, score_both) -> None:
    model = one_node_model(
        "count_vectorizer", vectorizer(0.4, False), {"input": "t"}, {"output": "c"}
    )
    # 5 tokens: a word is kept from 0.4 * 5 = 2 occurrences
    out = score_both(model, {"t": [["the", "the", "cat", "x", "y"]]})
    assert out["c"][0] == SparseVector(4, [0], [2.0])


def test_binary_with_a_count_threshold(one_node_model, score_both) -> None:
    model = one_node_model(
        "count_vectorizer", vectorizer(2.0, True), {"input": "t"}, {"output": "c"}
    )
    out = score_both(model, {"t": [["cat", "cat", "cat", "the"]]})
    assert out["c"][0] == SparseVector(4, [1], [1.0])
