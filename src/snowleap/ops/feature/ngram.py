"""``ngram``: each run of ``n`` consecutive tokens joined by a space; mirrors MLeap's
``NGramModel`` (Spark's ``NGram``: ``sliding(n).withPartial(false)``).

Fewer than ``n`` tokens give no n-gram at all. A null token is written ``null``, as Scala's
``mkString`` writes it; a null list is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.ops.cell_map import CellFunction, CellMapOp, require_tokens
from snowleap.ops.feature.tokenizer import TOKENS

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext


def ngrams(tokens: list[str], n: int) -> list[str]:
    """The ``n``-grams of ``tokens``, in order."""
    return [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def _written(tokens: list[str | None]) -> list[str]:
    return [token if token is not None else "null" for token in tokens]


class NGramOp(CellMapOp):
    op_name = "ngram"

    def __init__(
        self, name: str, input_col: str, output_col: str, n: int, *, ports: NodeShape | None = None
    ) -> None:
        super().__init__(name, input_col, output_col, TOKENS, TOKENS, ports=ports)
        self.n = n

    @classmethod
    def from_bundle(cls, node: NodeContext) -> NGramOp:
        n = node.attributes.get_long("n")
        if n < 1:
            raise BundleError(f"{node.where}: ngram 'n' should be at least 1, got {n}")
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            n,
            ports=node.shape,
        )

    def cell_function(self) -> CellFunction:
        n = self.n

        def join(value: Any) -> list[str]:
            tokens = require_tokens(value)
            return ngrams(_written(tokens) if None in tokens else tokens, n)

        return join

    def store(self) -> StoredNode:
        return stored(self.name, self.input_col, self.output_col, self.n)


def stored(name: str, input_col: str, output_col: str, n: int) -> StoredNode:
    """The ``ngram`` node MLeap writes."""
    return simple_node(name, "ngram", input_col, output_col, {"n": attr.long(n)})
