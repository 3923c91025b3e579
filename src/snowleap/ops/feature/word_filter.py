"""``word_filter``: keeps the tokens made only of letters and longer than ``length``; mirrors
MLeap's ``WordLengthFilterModel`` (an MLeap extension op; no Spark stage writes it).

As on the JVM, both tests read UTF-16 units: a character outside the Basic Multilingual Plane is
two surrogates, neither of them a letter, so a token holding one is dropped; "letter" is Java's
``Character.isLetter`` (Unicode categories Lu, Ll, Lt, Lm, Lo: Python's ``str.isalpha``). An
empty token is all letters (vacuously) and of length 0. A null token or list is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.ops.cell_map import CellError, CellFunction, CellMapOp, require_tokens
from snowleap.ops.feature.tokenizer import TOKENS

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext


def is_kept(word: str, length: int) -> bool:
    """MLeap's rule: every UTF-16 unit a letter, and more than ``length`` units."""
    return all(c.isalpha() and c <= "\uffff" for c in word) and len(word) > length


class WordFilterOp(CellMapOp):
    op_name = "word_filter"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        length: int,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, input_col, output_col, TOKENS, TOKENS, ports=ports)
        self.length = length

    @classmethod
    def from_bundle(cls, node: NodeContext) -> WordFilterOp:
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            node.attributes.get_int("length"),
            ports=node.shape,
        )

    def cell_function(self) -> CellFunction:
        length = self.length

        def keep(value: Any) -> list[str]:
            tokens = require_tokens(value)
            if None in tokens:
                raise CellError("a token is null")
            return [word for word in tokens if is_kept(word, length)]

        return keep

    def store(self) -> StoredNode:
        return stored(self.name, self.input_col, self.output_col, self.length)


def stored(name: str, input_col: str, output_col: str, length: int) -> StoredNode:
    """The ``word_filter`` node MLeap writes."""
    return simple_node(name, "word_filter", input_col, output_col, {"length": attr.int32(length)})
