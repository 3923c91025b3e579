"""What every op implements, and the column types that wire ops together.

An op is loaded from its bundle node (``from_bundle``), declares the columns it reads and writes
(``inputs``/``outputs``), and scores two ways that must give identical numbers:

* ``transform(frame)`` for a batch: a frame maps column names to numpy arrays (scalars as 1-D
  arrays, vectors as 2-D float64 arrays of shape ``(rows, width)`` or ``SparseRows``, strings as
  object arrays with ``None`` for null, lists and maps as object arrays of lists and dicts,
  missing numbers as NaN). Vectorised over rows: no Python loop per row (text ops excepted:
  a string is cut by Python's own string code, one row at a time).
* ``row_step()`` returns a function prepared once at load time that scores one row held in a dict
  of plain Python values (vectors as lists of floats or ``SparseVector``), in place.

Loading and the row path never touch numpy (see ``snowleap.numeric``): an op keeps its parameters
as Python values and builds the arrays its batch math needs on first use.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from snowleap.numeric import BoolArray

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.store import StoredNode

# NOTE: a column is a numpy array, or a ``SparseRows`` for sparse vectors (``ops.sparse``);
# ``Any`` keeps every op's own annotation (``FloatArray``...) the one that is checked.
Frame = dict[str, Any]
Row = dict[str, Any]
RowStep = Callable[[Row], None]
# NOTE: the columns a list is made of, in order: (column, width), width 0 for a scalar.
Pieces = tuple[tuple[str, int], ...]


BaseType = Literal["double", "float", "long", "int", "short", "byte", "boolean", "string"]


@dataclass(frozen=True)
class ColumnType:
    """A frame column's type: a basic type and a shape (scalar, vector of known width, list of
    ``base`` values, map from ``key`` to ``base`` values).

    Batch columns: scalars 1-D arrays; vectors dense 2-D float64 arrays or ``SparseRows``
    (``ops.sparse``); lists and maps 1-D object arrays of Python lists and dicts. Row values:
    plain Python values, vectors lists of floats or ``SparseVector``.
    """

    base: BaseType
    shape: Literal["scalar", "vector", "list", "map"] = "scalar"
    size: int | None = None
    key: BaseType | None = None

    def __str__(self) -> str:
        if self.shape == "scalar":
            return self.base
        if self.shape == "vector":
            return f"vector[{self.size if self.size is not None else '?'}]"
        if self.shape == "map":
            return f"map<{self.key},{self.base}>"
        return f"list<{self.base}>"

    @property
    def is_vector(self) -> bool:
        return self.shape == "vector"


DOUBLE = ColumnType("double")
STRING = ColumnType("string")


def list_of(base: BaseType) -> ColumnType:
    """A list column (``list<string>`` of tokens, ``list<double>``...)."""
    return ColumnType(base, "list")


def map_of(key: BaseType, base: BaseType) -> ColumnType:
    """A map column from ``key`` values to ``base`` values."""
    return ColumnType(base, "map", key=key)


def vector(size: int | None) -> ColumnType:
    """A dense double vector column of the given width (``None`` if the bundle does not say)."""
    return ColumnType("double", "vector", size)


@dataclass(frozen=True)
class Field:
    name: str
    type: ColumnType


class SkipRow(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised by a row step when its op drops the row (``handle_invalid = skip``)."""


class Op(ABC):
    """Base class of every op; subclasses set ``op_name`` to their Bundle.ML op name."""

    op_name: ClassVar[str]

    def __init__(
        self,
        name: str,
        inputs: list[Field],
        outputs: list[Field],
        *,
        ports: NodeShape | None = None,
    ) -> None:
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        # NOTE: the node's sockets as the bundle wrote them (port -> column), for ``describe``;
        # ``None`` for an op built in code rather than loaded from a node.
        self.ports = ports

    @classmethod
    @abstractmethod
    def from_bundle(cls, node: NodeContext) -> Op:
        """Build the op from its node's attributes and shape."""

    @abstractmethod
    def store(self) -> StoredNode:
        """The node MLeap writes for this op (its attributes and ports): ``from_bundle``'s inverse.

        Each op module writes its attribute names and types once, in its ``stored`` function,
        next to ``from_bundle``; the Spark side (``snowleap.spark.stages``) calls it too.
        """

    @abstractmethod
    def transform(self, frame: Frame) -> Frame:
        """Add this op's output columns to ``frame`` (and drop rows it skips); return the frame."""

    @abstractmethod
    def row_step(self) -> RowStep:
        """A function that adds this op's outputs to one row dict; raises ``SkipRow`` to drop it."""

    @classmethod
    def merged_row_step(cls, ops: list[Op]) -> RowStep | None:
        """One row step doing the work of ``ops`` (ops of this class, side by side in a
        pipeline, none reading another's outputs), or ``None`` to run their own steps."""
        return None

    def row_step_after(self, producer: Op) -> RowStep | None:
        """One row step doing ``producer``'s row step and then this op's (``producer`` is the
        op just before this one), or ``None`` to run the two steps."""
        return None

    def concatenated_columns(self) -> Pieces | None:
        """When this op's one output is a list of its inputs' values in order, each input as
        (column, width; 0 for a scalar): what a next op's ``row_step_after`` may read in its
        place; else ``None``."""
        return None

    def leaves(self) -> list[Op]:
        """The ops that do the work, in order: the op itself, or a pipeline's flattened children."""
        return [self]

    def describe(self) -> dict[str, Any]:
        """Name, op and ports, for ``snowleap inspect`` and the serving API's model metadata."""
        described: dict[str, Any] = {
            "name": self.name,
            "op": self.op_name,
            "inputs": {f.name: str(f.type) for f in self.inputs},
            "outputs": {f.name: str(f.type) for f in self.outputs},
        }
        if self.ports is not None:
            described["ports"] = {
                "inputs": [{"port": s.port, "name": s.name} for s in self.ports.inputs],
                "outputs": [{"port": s.port, "name": s.name} for s in self.ports.outputs],
            }
        return described


def keep_rows(frame: Frame, mask: BoolArray) -> Frame:
    """The frame with only the rows where ``mask`` is true (for ops that skip invalid rows)."""
    if bool(mask.all()):
        return frame
    return {name: column[mask] for name, column in frame.items()}


def fed_pieces(producer: Op, column: str) -> Pieces | None:
    """What ``producer`` concatenates into ``column`` when that is its one output (see
    ``Op.concatenated_columns``), for a ``row_step_after`` that reads the pieces instead."""
    if [f.name for f in producer.outputs] != [column]:
        return None
    return producer.concatenated_columns()


def chain_steps(steps: list[RowStep]) -> RowStep:
    """One row step running ``steps`` in order (a single step is returned as it is)."""
    if len(steps) == 1:
        return steps[0]

    def run_all(row: Row) -> None:
        for step in steps:
            step(row)

    return run_all
