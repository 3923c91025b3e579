"""``regex_tokenizer``: cuts a string at a pattern's matches (``match_gaps``) or keeps its matches,
then drops tokens shorter than ``token_min_length``; mirrors MLeap's ``RegexTokenizerModel``
(Spark's ``RegexTokenizer``).

The text is lower-cased first when ``lowercase_text`` (Spark's ``toLowercase``). Splitting follows
Java's ``split`` (``ops.java_strings``); lengths count UTF-16 units as Java's ``length`` does (an
emoji is 2). The pattern is Java's; one Python's ``re`` cannot read the same way is refused at
load, naming it. A null string is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.ops.base import STRING
from snowleap.ops.cell_map import CellFunction, CellMapOp, require_text
from snowleap.ops.feature.tokenizer import TOKENS
from snowleap.ops.java_strings import java_length, java_pattern, java_split

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext


class RegexTokenizerOp(CellMapOp):
    op_name = "regex_tokenizer"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        pattern: str,
        match_gaps: bool,
        min_length: int,
        lowercase: bool,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, input_col, output_col, STRING, TOKENS, ports=ports)
        self.pattern = pattern
        self.match_gaps = match_gaps
        self.min_length = min_length
        self.lowercase = lowercase
        self._compiled = java_pattern(pattern, f"regex_tokenizer node {name!r}")

    @classmethod
    def from_bundle(cls, node: NodeContext) -> RegexTokenizerOp:
        attributes = node.attributes
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            attributes.get_string("regex"),
            attributes.get_bool("match_gaps"),
            attributes.get_int("token_min_length"),
            attributes.get_bool("lowercase_text"),
            ports=node.shape,
        )

    def cell_function(self) -> CellFunction:
        pattern, gaps, lowercase = self._compiled, self.match_gaps, self.lowercase
        min_length = self.min_length

        def cut(value: object) -> list[str]:
            text = require_text(value)
            if lowercase:
                text = text.lower()
            if gaps:
                tokens = java_split(pattern, text)
            else:
                tokens = [match.group(0) for match in pattern.finditer(text)]
            return [t for t in tokens if java_length(t) >= min_length]

        return cut

    def store(self) -> StoredNode:
        return stored(
            self.name,
            self.input_col,
            self.output_col,
            self.pattern,
            self.match_gaps,
            self.min_length,
            self.lowercase,
        )


def stored(
    name: str,
    input_col: str,
    output_col: str,
    pattern: str,
    match_gaps: bool,
    min_length: int,
    lowercase: bool,
) -> StoredNode:
    """The ``regex_tokenizer`` node MLeap writes."""
    attributes = {
        "regex": attr.string(pattern),
        "match_gaps": attr.boolean(match_gaps),
        "token_min_length": attr.int32(min_length),
        "lowercase_text": attr.boolean(lowercase),
    }
    return simple_node(name, "regex_tokenizer", input_col, output_col, attributes)
