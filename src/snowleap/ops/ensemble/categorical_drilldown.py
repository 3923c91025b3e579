"""``categorical_drilldown``: a string label picks, row by row, the model that scores the row;
MLeap's runtime-only ensemble (``CategoricalDrilldownModel``; no Spark stage writes it).

The model stores ``labels`` (a string list) and, for label ``i``, a model file in the
sub-folder ``model<i>`` (any op: a regression, a classifier...). The node's port ``label`` is
the label column; every other port is ``drilldown.<port>`` and wires port ``<port>`` of the
sub-models (``drilldown.features``, ``drilldown.prediction``...), so every sub-model reads and
writes the same columns. A row's outputs are those of the sub-model of its label; a label no
sub-model has (or a null one) is an error for that row, as in MLeap (a failed lookup). A row a
sub-model drops (``handle_invalid = skip``) is dropped.

NOTE: MLeap 0.16 defines the format and the rule, but its own runtime cannot load any such
bundle (its loader casts each sub-model to a ``Transformer``, which no op's model is: a
``ClassCastException``); ``tests/parity/test_extension_parity.py`` shows it and has MLeap's
runtime referee each label's sub-model instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.definitions import NodeShape, Socket
from snowleap.bundle.store import StoredModel, StoredNode, node_shape
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import STRING, Field, Frame, Op, Row, RowStep, keep_rows
from snowleap.ops.vectors import reader_of

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import AnyArray

PREFIX = "drilldown."
LABEL_PORT = "label"
# NOTE: a column of the sub-frames no op writes: which rows of the frame a sub-model kept
_ROW = "\0categorical_drilldown_row"


def sub_model_shape(shape: NodeShape, where: str) -> NodeShape:
    """The sub-models' ports: the node's ``drilldown.<port>`` sockets as ``<port>``."""
    for socket in (*shape.inputs, *shape.outputs):
        if socket.port != LABEL_PORT and not socket.port.startswith(PREFIX):
            raise BundleError(
                f"{where}: port {socket.port!r}: a categorical drilldown's ports are "
                f"{LABEL_PORT!r} and '{PREFIX}<port of its models>'"
            )

    def unprefixed(sockets: tuple[Socket, ...]) -> tuple[Socket, ...]:
        return tuple(
            Socket(s.port[len(PREFIX) :], s.name) for s in sockets if s.port.startswith(PREFIX)
        )

    return NodeShape(inputs=unprefixed(shape.inputs), outputs=unprefixed(shape.outputs))


class CategoricalDrilldownOp(Op):
    op_name = "categorical_drilldown"

    def __init__(
        self,
        name: str,
        label_col: str,
        models: dict[str, Op],
        *,
        ports: NodeShape | None = None,
    ) -> None:
        first = next(iter(models.values()))
        super().__init__(
            name, [Field(label_col, STRING), *first.inputs], list(first.outputs), ports=ports
        )
        self.label_col = label_col
        self.models = models

    @classmethod
    def from_bundle(cls, node: NodeContext) -> CategoricalDrilldownOp:
        labels = node.attributes.get_string_list("labels")
        if not labels:
            raise BundleError(f"{node.where}: 'labels' is empty: a drilldown needs a model")
        if len(set(labels)) != len(labels):
            raise BundleError(f"{node.where}: 'labels' names a label twice")
        shape = node.shape
        label_col = shape.input(LABEL_PORT, node.node_where)
        inner = sub_model_shape(shape, node.node_where)
        models: dict[str, Op] = {}
        for i, label in enumerate(labels):
            op = node.load_sub_model(f"model{i}", inner)
            if not isinstance(op, Op):
                raise BundleError(f"{node.where}: model{i} did not load into an op")
            models[label] = op
        first_label, first = next(iter(models.items()))
        for label, op in models.items():
            if (op.inputs, op.outputs) != (first.inputs, first.outputs):
                raise BundleError(
                    f"{node.where}: the model of label {label!r} reads or writes other columns "
                    f"than the model of {first_label!r}: a drilldown's models share their columns"
                )
        return cls(node.name, label_col, models, ports=shape)

    def _unknown(self, row: int | None) -> InputError:
        at = f": row {row}" if row is not None else ""
        return InputError(
            f"column {self.label_col!r} ({reader_of(self)}){at}: a label no model of the "
            f"drilldown has (labels: {len(self.models)})"
        )

    def transform(self, frame: Frame) -> Frame:
        labels = frame[self.label_col]
        rows = labels.shape[0]
        masks = {label: labels == label for label in self.models}
        covered = np.zeros(rows, dtype=bool)
        for mask in masks.values():
            covered |= mask
        if not bool(covered.all()):
            raise self._unknown(int(np.flatnonzero(~covered)[0]))
        names = [f.name for f in self.inputs[1:]]
        results: list[tuple[AnyArray, Frame]] = []
        for label, op in self.models.items():
            where = np.flatnonzero(masks[label])
            if where.size:
                sub = {name: frame[name][where] for name in names}
                sub[_ROW] = where
                results.append((where, op.transform(sub)))
        if not results:
            # NOTE: an empty frame: the first model gives the output columns their types
            op = next(iter(self.models.values()))
            empty = {name: frame[name][:0] for name in names}
            empty[_ROW] = np.zeros(0, dtype=np.intp)
            results.append((empty[_ROW], op.transform(empty)))
        kept = np.zeros(rows, dtype=bool)
        for field in self.outputs:
            column = _gathered(field.name, rows, results)
            frame[field.name] = column
        for _, out in results:
            kept[out[_ROW]] = True
        return keep_rows(frame, kept)

    def row_step(self) -> RowStep:
        steps = {label: op.row_step() for label, op in self.models.items()}
        label_col = self.label_col
        unknown = self._unknown

        def score(row: Row) -> None:
            step = steps.get(row[label_col])
            if step is None:
                raise unknown(None)
            step(row)

        return score

    def describe(self) -> dict[str, Any]:
        return {
            **super().describe(),
            "labels": list(self.models),
            "models": [op.describe() for op in self.models.values()],
        }

    def store(self) -> StoredNode:
        nodes = [op.store() for op in self.models.values()]
        return stored(self.name, self.label_col, list(self.models), nodes)


def _gathered(name: str, rows: int, results: list[tuple[AnyArray, Frame]]) -> AnyArray:
    """One output column of the whole frame from the sub-models' outputs (rows they dropped
    hold a placeholder; the frame drops them)."""
    first = results[0][1][name]
    column: AnyArray = np.zeros((rows, *first.shape[1:]), dtype=first.dtype)
    if first.dtype == object:
        column[:] = None
    for _, out in results:
        column[out[_ROW]] = out[name]
    return column


def stored(name: str, label_col: str, labels: list[str], models: list[StoredNode]) -> StoredNode:
    """The node MLeap writes: ``labels`` and ``model<i>`` sub-folders (each label's model
    file); ports ``label`` and the models' ports as ``drilldown.<port>``."""
    shape = models[0].shape
    ports = node_shape(
        [(LABEL_PORT, label_col), *((PREFIX + s.port, s.name) for s in shape.inputs)],
        [(PREFIX + s.port, s.name) for s in shape.outputs],
    )
    sub_models = {f"model{i}": node.model for i, node in enumerate(models)}
    model = StoredModel(
        "categorical_drilldown", {"labels": attr.string_list(labels)}, sub_models=sub_models
    )
    return StoredNode(name, ports, model)
