"""``Model``: a loaded bundle, ready to score batches (``transform``) and single rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from snowleap.bundle.archive import BundleSource
from snowleap.bundle.definitions import BundleInfo
from snowleap.bundle.reader import read_bundle
from snowleap.errors import InputError
from snowleap.input_conversion import row_converter, row_ready_type, to_frame
from snowleap.ops.base import ColumnType, Field, Frame, Op, SkipRow
from snowleap.ops.registry import load_op


class Model:
    """A Bundle.ML pipeline loaded into snowleap's runtime.

    Example
    -------
    >>> model = snowleap.load("bundle.zip")                           # doctest: +SKIP
    >>> model.transform({"state": ["NY"], "bathrooms": [2.0], ...})  # doctest: +SKIP
    """

    def __init__(self, info: BundleInfo, root: Op) -> None:
        self.info = info
        self.root = root
        # NOTE: the row path is prepared here, once, so scoring a row is only the steps' work.
        self._row_step = root.row_step()
        self._converters = tuple(
            (field.name, row_ready_type(field), row_converter(field)) for field in root.inputs
        )

    @property
    def input_schema(self) -> dict[str, ColumnType]:
        """The columns a caller must supply, with their types, in the order ops first read them."""
        return {field.name: field.type for field in self.root.inputs}

    @property
    def output_schema(self) -> dict[str, ColumnType]:
        """The columns the pipeline adds, in the order it adds them."""
        return {field.name: field.type for field in self.root.outputs}

    @property
    def input_fields(self) -> list[Field]:
        return list(self.root.inputs)

    @property
    def ops(self) -> list[str]:
        """The distinct op names the pipeline uses, sorted."""
        return sorted({leaf.op_name for leaf in self.root.leaves()})

    def transform(self, columns: Mapping[str, Any]) -> Frame:
        """Score a batch: input columns in, every column (inputs, intermediates, outputs) out."""
        frame = to_frame(columns, self.root.inputs)
        return self.root.transform(frame)

    def transform_row(self, row: Mapping[str, Any]) -> dict[str, Any] | None:
        """Score one row of plain Python values; ``None`` if an op skips the row."""
        values = dict(row)
        try:
            for name, ready, convert in self._converters:
                value = values[name]
                # NOTE: most values arrive as the exact type the model wants (a float for a
                # double); skipping the converter call for them halves the input cost of a row.
                if value.__class__ is not ready:
                    values[name] = convert(value)
        except KeyError as exc:
            raise InputError(f"missing input column {exc.args[0]!r}") from None
        try:
            self._row_step(values)
        except SkipRow:
            return None
        return values

    def describe(self) -> dict[str, Any]:
        """Bundle identity, ops and schemas, as ``snowleap inspect`` prints them."""
        return {
            "name": self.info.name,
            "uid": self.info.uid,
            "format": self.info.format,
            "mleap_version": self.info.version,
            "timestamp": self.info.timestamp,
            "ops": self.ops,
            "input_schema": {name: str(t) for name, t in self.input_schema.items()},
            "output_schema": {name: str(t) for name, t in self.output_schema.items()},
            "root": self.root.describe(),
        }


def load(source: BundleSource) -> Model:
    """Load a Bundle.ML bundle from a ``.zip`` path, a folder, zip bytes or a binary file object."""
    info, root = read_bundle(source, load_op)
    return Model(info=info, root=root)
