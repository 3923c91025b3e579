"""``stopwords_remover``: drops the tokens found in ``stop_words``; mirrors MLeap's
``StopWordsRemoverModel`` (Spark's ``StopWordsRemover``, one node per column).

Case-insensitive unless ``case_sensitive``: tokens and stop words are compared lower-cased
(Python's ``str.lower``, Java's ``toLowerCase`` outside a Turkish locale). A null token is kept,
as in Spark; a null list is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.ops.cell_map import CellFunction, CellMapOp, require_tokens
from snowleap.ops.feature.tokenizer import TOKENS

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext


class StopWordsRemoverOp(CellMapOp):
    op_name = "stopwords_remover"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        stop_words: list[str],
        case_sensitive: bool,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, input_col, output_col, TOKENS, TOKENS, ports=ports)
        self.stop_words = stop_words
        self.case_sensitive = case_sensitive

    @classmethod
    def from_bundle(cls, node: NodeContext) -> StopWordsRemoverOp:
        attributes = node.attributes
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            attributes.get_string_list("stop_words"),
            attributes.get_bool("case_sensitive"),
            ports=node.shape,
        )

    def cell_function(self) -> CellFunction:
        if self.case_sensitive:
            exact = frozenset(self.stop_words)

            def remove_exact(value: Any) -> list[Any]:
                return [t for t in require_tokens(value) if t not in exact]

            return remove_exact
        lowered = frozenset(word.lower() for word in self.stop_words)

        def remove_any_case(value: Any) -> list[Any]:
            return [t for t in require_tokens(value) if t is None or t.lower() not in lowered]

        return remove_any_case

    def store(self) -> StoredNode:
        return stored(
            self.name, self.input_col, self.output_col, self.stop_words, self.case_sensitive
        )


def stored(
    name: str, input_col: str, output_col: str, stop_words: list[str], case_sensitive: bool
) -> StoredNode:
    """The ``stopwords_remover`` node MLeap writes."""
    attributes = {
        "stop_words": attr.string_list(stop_words),
        "case_sensitive": attr.boolean(case_sensitive),
    }
    return simple_node(name, "stopwords_remover", input_col, output_col, attributes)
