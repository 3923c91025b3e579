"""``Model``: a loaded bundle, ready to score batches (``transform``) and single rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from snowleap.bundle.archive import BundleSource
from snowleap.bundle.definitions import BundleInfo
from snowleap.bundle.reader import read_bundle
from snowleap.errors import BundleError
from snowleap.input_conversion import to_frame
from snowleap.ops.base import ColumnType, Field, Frame, Op
from snowleap.ops.registry import OpLoader, supported_ops
from snowleap.ops.unsupported import UnsupportedOp, partial_schemas
from snowleap.row_plan import RowPlan


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
        self._row_plan = RowPlan(root)

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
        return self._row_plan(row)

    def describe(self) -> dict[str, Any]:
        """Bundle identity, ops and schemas, as ``snowleap inspect`` prints them."""
        return _description(
            self.info,
            self.root,
            self.ops,
            {name: str(t) for name, t in self.input_schema.items()},
            {name: str(t) for name, t in self.output_schema.items()},
        )


def _description(
    info: BundleInfo, root: Op, ops: list[str], inputs: dict[str, str], outputs: dict[str, str]
) -> dict[str, Any]:
    return {
        "name": info.name,
        "uid": info.uid,
        "format": info.format,
        "mleap_version": info.version,
        "timestamp": info.timestamp,
        "ops": ops,
        "input_schema": inputs,
        "output_schema": outputs,
        "root": root.describe(),
    }


def _read_ops(source: BundleSource) -> tuple[BundleInfo, Op, OpLoader]:
    loader = OpLoader()
    try:
        info, root = read_bundle(source, loader)
    except BundleError as exc:
        # NOTE: a node holding an unsupported one (one-vs-rest around an unknown classifier)
        # may refuse its placeholder; the missing op is the cause to report.
        if loader.unsupported:
            raise loader.error() from exc
        raise
    return info, root, loader


def load(source: BundleSource) -> Model:
    """Load a Bundle.ML bundle from a ``.zip`` path, a folder, zip bytes or a binary file object.

    A bundle using ops snowleap does not implement raises one ``UnknownOpError`` naming every
    such node and op, and the supported ops.
    """
    info, root, loader = _read_ops(source)
    if loader.unsupported:
        raise loader.error()
    return Model(info=info, root=root)


def inspect(source: BundleSource) -> dict[str, Any]:
    """``Model.describe`` of a bundle, even one using ops snowleap lacks (``snowleap inspect``):
    such nodes are marked ``"unsupported": true`` and listed under ``"unsupported"``, their
    columns typed ``?``; ``"supported_ops"`` lists what the runtime implements."""
    info, root, loader = _read_ops(source)
    if loader.unsupported:
        inputs, outputs = partial_schemas(root)
        ops = sorted(
            {
                leaf.bundle_op if isinstance(leaf, UnsupportedOp) else leaf.op_name
                for leaf in root.leaves()
            }
        )
        described = _description(info, root, ops, inputs, outputs)
    else:
        described = Model(info=info, root=root).describe()
    described["unsupported"] = [
        {"node": node.name, "op": node.bundle_op, "where": node.where}
        for node in loader.unsupported
    ]
    described["supported_ops"] = supported_ops()
    return described
