"""``regex_indexer``: the index of the first regular expression found anywhere in a string;
mirrors MLeap's extension op ``RegexIndexerModel`` (Scala's unanchored ``findFirstMatchIn``).

A string no expression matches gets ``default_value``; without one it is refused (MLeap fails on
it). NOTE: the expressions are Java's; snowleap compiles them with Python's ``re``, which reads
the common syntax the same way. A pattern ``re`` cannot compile, or one using Java-only syntax
(possessive quantifiers, ``\\p{...}`` classes, ``(?<name>`` is fine), is refused at load with the
pattern's position, rather than matching differently.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import STRING, ColumnType, Field, Frame, Op, Row, RowStep

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext

INT = ColumnType("int")
#: Java regex constructs Python's ``re`` would read differently or not at all.
_JAVA_ONLY = re.compile(r"\\[pP]\{|[*+?}]\+|\\[zZ]|\\[hHvVR]|\(\?[a-z]*[dU]")


def compile_java_regex(pattern: str, where: str, position: int) -> re.Pattern[str]:
    if _JAVA_ONLY.search(pattern):
        raise BundleError(
            f"{where}: regex_indexer expression {position} uses Java-only syntax snowleap "
            "cannot reproduce exactly"
        )
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise BundleError(
            f"{where}: regex_indexer expression {position} does not compile ({exc.msg})"
        ) from None


class RegexIndexerOp(Op):
    op_name = "regex_indexer"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        lookup: list[tuple[str, int]],
        default_index: int | None,
        *,
        where: str = "",
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, [Field(input_col, STRING)], [Field(output_col, INT)], ports=ports)
        self.input_col, self.output_col = input_col, output_col
        self.lookup = lookup
        self.default_index = default_index
        self._compiled = [
            (compile_java_regex(p, where or name, i), index) for i, (p, index) in enumerate(lookup)
        ]

    @classmethod
    def from_bundle(cls, node: NodeContext) -> RegexIndexerOp:
        attributes = node.attributes
        patterns = attributes.get_string_list("regexes")
        indices = attributes.get_int_list("indices")
        if len(patterns) != len(indices):
            raise BundleError(
                f"{node.attributes.where}: regex_indexer has {len(patterns)} 'regexes' but "
                f"{len(indices)} 'indices'"
            )
        default = attributes.get_int("default_value") if "default_value" in attributes else None
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            list(zip(patterns, indices, strict=True)),
            default,
            where=node.attributes.where,
            ports=node.shape,
        )

    def _index(self, value: str | None, row: int | None) -> int:
        if value is not None:
            for pattern, index in self._compiled:
                if pattern.search(value) is not None:
                    return index
        if self.default_index is None:
            # NOTE: the string is not quoted: it may be a caller's personal data.
            where = f", row {row}" if row is not None else ""
            what = "a null" if value is None else "a value no expression matches"
            raise InputError(
                f"column {self.input_col!r}{where}: {what}, and the regex_indexer node "
                f"{self.name!r} has no default_value"
            )
        return self.default_index

    def transform(self, frame: Frame) -> Frame:
        strings = frame[self.input_col].tolist()
        indices = [self._index(s, i) for i, s in enumerate(strings)]
        frame[self.output_col] = np.asarray(indices, dtype=np.int32)
        return frame

    def row_step(self) -> RowStep:
        source, target, index = self.input_col, self.output_col, self._index

        def apply(row: Row) -> None:
            row[target] = index(row[source], None)

        return apply

    def store(self) -> StoredNode:
        return stored(self.name, self.input_col, self.output_col, self.lookup, self.default_index)


def stored(
    name: str,
    input_col: str,
    output_col: str,
    lookup: list[tuple[str, int]],
    default_index: int | None,
) -> StoredNode:
    """The ``regex_indexer`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {
        "regexes": attr.string_list([p for p, _ in lookup]),
        "indices": attr.int_list([i for _, i in lookup]),
    }
    if default_index is not None:
        attributes["default_value"] = attr.int32(default_index)
    return simple_node(name, "regex_indexer", input_col, output_col, attributes)
