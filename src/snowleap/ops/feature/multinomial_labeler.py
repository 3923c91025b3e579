"""``multinomial_labeler``: the probabilities at or above ``threshold`` and their labels; mirrors
MLeap's extension op ``MultinomialLabelerModel`` (port ``features`` in; ``probabilities``, a
``list<double>``, and ``labels``, a ``list<string>``, out), in index order.

NaN is never at or above the threshold. A vector longer than the label list is refused where an
index without a label passes the threshold (MLeap fails there too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, node_shape
from snowleap.errors import InputError
from snowleap.ops.base import Field, Frame, Op, Row, RowStep, list_of, vector
from snowleap.ops.sparse import dense_batch, dense_row, object_column
from snowleap.ops.vectors import reader_of

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext


class MultinomialLabelerOp(Op):
    op_name = "multinomial_labeler"

    def __init__(
        self,
        name: str,
        features_col: str,
        probabilities_col: str,
        labels_col: str,
        threshold: float,
        labels: list[str],
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name,
            [Field(features_col, vector(None))],
            [Field(probabilities_col, list_of("double")), Field(labels_col, list_of("string"))],
            ports=ports,
        )
        self.features_col = features_col
        self.probabilities_col, self.labels_col = probabilities_col, labels_col
        self.threshold, self.labels = threshold, labels

    @classmethod
    def from_bundle(cls, node: NodeContext) -> MultinomialLabelerOp:
        where = node.node_where
        return cls(
            node.name,
            node.shape.input("features", where),
            node.shape.output("probabilities", where),
            node.shape.output("labels", where),
            node.attributes.get_double("threshold"),
            node.attributes.get_string_list("labels"),
            ports=node.shape,
        )

    def _top(self, values: list[float], row: int | None) -> tuple[list[float], list[str]]:
        threshold, labels = self.threshold, self.labels
        chosen = [(i, v) for i, v in enumerate(values) if v >= threshold]
        if chosen and chosen[-1][0] >= len(labels):
            where = f", row {row}" if row is not None else ""
            raise InputError(
                f"column {self.features_col!r}{where}: index {chosen[-1][0]} passes the threshold "
                f"but the {reader_of(self)} has {len(labels)} labels"
            )
        return [v for _, v in chosen], [labels[i] for i, _ in chosen]

    def transform(self, frame: Frame) -> Frame:
        values = dense_batch(frame[self.features_col], self.features_col, reader_of(self))
        tops = [self._top(row, i) for i, row in enumerate(values.tolist())]
        frame[self.probabilities_col] = object_column([p for p, _ in tops])
        frame[self.labels_col] = object_column([labels for _, labels in tops])
        return frame

    def row_step(self) -> RowStep:
        source, top = self.features_col, self._top
        probabilities_col, labels_col = self.probabilities_col, self.labels_col

        def label(row: Row) -> None:
            row[probabilities_col], row[labels_col] = top(dense_row(row[source]), None)

        return label

    def store(self) -> StoredNode:
        return stored(
            self.name,
            self.features_col,
            self.probabilities_col,
            self.labels_col,
            self.threshold,
            self.labels,
        )


def stored(
    name: str,
    features_col: str,
    probabilities_col: str,
    labels_col: str,
    threshold: float,
    labels: list[str],
) -> StoredNode:
    """The ``multinomial_labeler`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {"threshold": attr.double(threshold), "labels": attr.string_list(labels)}
    shape = node_shape(
        [("features", features_col)],
        [("probabilities", probabilities_col), ("labels", labels_col)],
    )
    return StoredNode(name, shape, StoredModel("multinomial_labeler", attributes))
