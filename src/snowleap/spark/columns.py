"""The types of a pipeline's columns, as far as a bundle needs them, followed stage by stage.

A bundle records a few facts about columns that a fitted stage does not hold: the shape of each
input of a vector assembler or binarizer (scalar, or a vector of what width), the width of a
normalizer's or slicer's input, the nominal sizes an interaction expands. The raw input columns'
types come from the sample DataFrame (``export_bundle``) or from the caller (``export-spark
--input-schema``); each stage then declares the columns it adds (``Columns.add``), exactly as
Spark computes them (including Spark's ML attributes where a later stage reads them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from snowleap.bundle.values import DataShape
from snowleap.spark.errors import StageNotExportableError


@dataclass(frozen=True)
class Column:
    """A column's basic type and shape; ``width`` for vectors (``None``: unknown).

    ``nominal`` gives, for a scalar, its number of categories (``None``: numeric); for a
    vector, one such entry per slot (Spark's ``ml_attr`` metadata), or ``None`` if unknown.
    """

    base: str = "double"
    vector: bool = False
    width: int | None = None
    nullable: bool = True
    nominal: tuple[int | None, ...] | None = None
    #: an array of ``base`` values (tokens: an array of strings)
    is_list: bool = False

    def data_shape(self) -> DataShape:
        """The Bundle.ML data shape MLeap records for this column."""
        if self.is_list:
            return DataShape("list", self.nullable)
        if self.vector:
            dims = (self.width,) if self.width is not None else (-1,)
            return DataShape("tensor", self.nullable, dims)
        return DataShape("scalar", self.nullable)

    def slots(self) -> tuple[int | None, ...]:
        """Nominal sizes per assembled slot (``None`` numeric); a scalar is one slot."""
        if not self.vector:
            return self.nominal if self.nominal is not None else (None,)
        if self.nominal is not None:
            return self.nominal
        return (None,) * (self.width or 0)


DOUBLE = Column()
STRING = Column(base="string")
#: Spark's ``array<string>`` of tokens
TOKENS = Column(base="string", is_list=True)
#: Spark's ``IntegerType`` of a cluster index (never null)
INT = Column(base="int", nullable=False)


def vector_column(width: int | None, nominal: Sequence[int | None] | None = None) -> Column:
    return Column(vector=True, width=width, nominal=tuple(nominal) if nominal is not None else None)


def nominal_scalar(categories: int) -> Column:
    return Column(nominal=(categories,))


class Columns:
    """Known column types by name; ``assumed`` lists raw inputs whose type was guessed."""

    def __init__(self, known: Mapping[str, Column] | None = None) -> None:
        self._known: dict[str, Column] = dict(known or {})
        self.assumed: list[str] = []

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def add(self, name: str, column: Column) -> None:
        self._known[name] = column

    def get(self, name: str, stage: str, expected: Column = DOUBLE) -> Column:
        """The type of ``name`` read by ``stage``; a raw input not described is ``expected``.

        NOTE: a saved pipeline does not record its input columns' types; scalar inputs are
        what every stage but the vector-reading ones expects, so they are taken as such, and
        the guess is listed in ``assumed`` (vector-reading stages call ``vector``).
        """
        if name not in self._known:
            self._known[name] = expected
            self.assumed.append(name)
        return self._known[name]

    def vector(self, name: str, stage: str) -> Column:
        """A vector column's type; its width must be known (raw vector inputs: described)."""
        column = self._known.get(name)
        if column is None or name in self.assumed or (column.vector and column.width is None):
            raise StageNotExportableError(
                f"stage {stage} reads vector column {name!r}, whose width the saved model does "
                f"not record: describe it, e.g. --input-schema '{name}=vector:8' "
                "(export_bundle takes it from the sample DataFrame)"
            )
        if not column.vector:
            raise StageNotExportableError(
                f"stage {stage} reads column {name!r} as a vector, but it is a {column.base} scalar"
            )
        return column


def dataframe_column_types(df: Any) -> dict[str, Column]:
    """Column types of a Spark DataFrame's schema; a vector's width from ``ml_attr`` or row 1."""
    from pyspark.ml.linalg import VectorUDT

    known: dict[str, Column] = {}
    first: Any = None
    for field in df.schema.fields:
        if field.dataType.typeName() == "array":
            element = field.dataType.elementType.typeName()
            known[field.name] = Column(
                base=_BASES.get(element, element), is_list=True, nullable=field.nullable
            )
        elif isinstance(field.dataType, VectorUDT):
            width = _attribute_width(field.metadata)
            if width is None:
                # NOTE: MLeap does the same (TypeConverters.getVectorSize): the first row.
                first = first if first is not None else df.select(*df.columns).head()
                value = first[field.name] if first is not None else None
                width = int(value.size) if value is not None else None
            known[field.name] = Column(vector=True, width=width, nullable=field.nullable)
        else:
            known[field.name] = Column(
                base=_BASES.get(field.dataType.typeName(), field.dataType.typeName()),
                nullable=field.nullable,
            )
    return known


_BASES = {"integer": "int", "string": "string", "double": "double", "float": "float"}


def _attribute_width(metadata: Mapping[str, Any]) -> int | None:
    attrs = metadata.get("ml_attr") if metadata else None
    if isinstance(attrs, dict) and isinstance(attrs.get("num_attrs"), int):
        return int(attrs["num_attrs"])
    return None


def parse_input_schema(text: str) -> dict[str, Column]:
    """``"state=string,bathrooms=double,sparse=vector:8"`` as column types.

    Example
    -------
    >>> parse_input_schema("sparse=vector:8,state=string")["sparse"].width
    8
    """
    columns: dict[str, Column] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, kind = item.partition("=")
        kind = kind.strip()
        if not name or not kind:
            raise ValueError(f"input schema entry {item!r} should be NAME=TYPE")
        if kind.startswith("vector"):
            _, _, width = kind.partition(":")
            if not width.isdigit():
                raise ValueError(f"input schema entry {item!r}: write vector:WIDTH, e.g. vector:8")
            columns[name.strip()] = vector_column(int(width))
        elif kind in ("double", "float", "int", "long", "string", "boolean"):
            columns[name.strip()] = Column(base=kind)
        else:
            raise ValueError(f"input schema entry {item!r}: unknown type {kind!r}")
    return columns
