"""``tokenizer``: lower-cases a string and splits it at each whitespace character; mirrors MLeap's
``TokenizerModel`` (Spark's ``Tokenizer``: ``text.toLowerCase.split("\\s")``).

Java's split rules hold (``ops.java_strings``): ``""`` gives ``[""]``, a run of two spaces an
empty token between them, trailing separators nothing; ``\\s`` is ASCII whitespace only, as in
Java. A null string is refused, as Spark and MLeap fail on it. The node has no attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from snowleap.bundle.store import StoredNode, simple_node
from snowleap.ops.base import STRING, list_of
from snowleap.ops.cell_map import CellFunction, CellMapOp, require_text
from snowleap.ops.java_strings import java_pattern, java_split

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext

TOKENS = list_of("string")
_WHITESPACE = java_pattern(r"\s", "tokenizer")


def tokenize(text: str) -> list[str]:
    """Spark's ``Tokenizer`` on one string."""
    return java_split(_WHITESPACE, text.lower())


class TokenizerOp(CellMapOp):
    op_name = "tokenizer"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> TokenizerOp:
        source = node.shape.standard_input(node.node_where)
        target = node.shape.output("output", node.node_where)
        return cls(node.name, source, target, STRING, TOKENS, ports=node.shape)

    def cell_function(self) -> CellFunction:
        def cut(value: object) -> list[str]:
            return tokenize(require_text(value))

        return cut

    def store(self) -> StoredNode:
        return stored(self.name, self.input_col, self.output_col)


def stored(name: str, input_col: str, output_col: str) -> StoredNode:
    """The ``tokenizer`` node MLeap writes: no attributes."""
    return simple_node(name, "tokenizer", input_col, output_col, {})
