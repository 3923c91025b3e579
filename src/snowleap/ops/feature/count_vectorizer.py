"""``count_vectorizer``: counts the tokens of a fitted ``vocabulary`` into a sparse vector (slot =
the word's position); mirrors MLeap's ``CountVectorizerModel`` (Spark's ``CountVectorizerModel``).

Unseen tokens count towards the row's length but have no slot. A slot is kept if its count is at
least ``min_tf`` (a count when ``min_tf >= 1``, else a fraction of the row's token count); with
``binary`` a kept slot holds 1.0. The output is always sparse. A null list is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.ops.base import vector
from snowleap.ops.cell_map import CellFunction, CellMapOp, require_tokens
from snowleap.ops.feature.tokenizer import TOKENS
from snowleap.ops.sparse import SparseVector

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext


def count_terms(
    tokens: list[Any], slots: dict[str, int], min_tf: float, binary: bool
) -> SparseVector:
    """Spark's ``CountVectorizerModel`` on one token list."""
    counts: dict[int, float] = {}
    for token in tokens:
        slot = slots.get(token)
        if slot is not None:
            counts[slot] = counts.get(slot, 0.0) + 1.0
    threshold = min_tf if min_tf >= 1.0 else len(tokens) * min_tf
    indices = sorted(i for i, count in counts.items() if count >= threshold)
    values = [1.0] * len(indices) if binary else [counts[i] for i in indices]
    return SparseVector(len(slots), indices, values)


class CountVectorizerOp(CellMapOp):
    op_name = "count_vectorizer"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        vocabulary: list[str],
        binary: bool,
        min_tf: float,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, input_col, output_col, TOKENS, vector(len(vocabulary)), ports=ports)
        self.vocabulary = vocabulary
        self.binary = binary
        self.min_tf = min_tf
        # NOTE: a word listed twice keeps its last position, as Scala's zipWithIndex.toMap
        self._slots = {word: i for i, word in enumerate(vocabulary)}

    @classmethod
    def from_bundle(cls, node: NodeContext) -> CountVectorizerOp:
        attributes = node.attributes
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            attributes.get_string_list("vocabulary"),
            attributes.get_bool("binary"),
            attributes.get_double("min_tf"),
            ports=node.shape,
        )

    def cell_function(self) -> CellFunction:
        slots, min_tf, binary = self._slots, self.min_tf, self.binary

        def count(value: Any) -> SparseVector:
            return count_terms(require_tokens(value), slots, min_tf, binary)

        return count

    def store(self) -> StoredNode:
        return stored(
            self.name, self.input_col, self.output_col, self.vocabulary, self.binary, self.min_tf
        )


def stored(
    name: str, input_col: str, output_col: str, vocabulary: list[str], binary: bool, min_tf: float
) -> StoredNode:
    """The ``count_vectorizer`` node MLeap writes."""
    attributes = {
        "vocabulary": attr.string_list(vocabulary),
        "binary": attr.boolean(binary),
        "min_tf": attr.double(min_tf),
    }
    return simple_node(name, "count_vectorizer", input_col, output_col, attributes)
