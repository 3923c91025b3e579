"""Plumbing shared by ops that turn one vector column into another vector column.

Scalers, normalizers, slicers, projections and expansions all read port ``input`` (or
``input0``) and write port ``output``; only their math differs. Each such op supplies a
``VectorFunction`` (the math: numpy for batches, plain Python for one row) and ``VectorMapOp``
does the rest: ports, column types, width checks with errors naming the column, both paths.
A function keeps its parameters as Python lists (the row path and loading never import numpy)
and builds the arrays of its batch math on first use.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from snowleap.ops.base import Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.sparse import dense_batch, dense_row
from snowleap.ops.vectors import VECTORS, reader_of, shape_error, width_error

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import FloatArray

RowFunction = Callable[[list[float]], list[float]]

# NOTE: ops whose output width grows combinatorially (polynomial expansion, interaction) refuse to
# go beyond this: MLeap allows up to 2**31 but a hostile bundle or input must not allocate
# gigabytes, and a million features is far beyond any model served this way.
MAX_OUTPUT_WIDTH = 1_000_000


class VectorFunction(ABC):
    """The math of a vector-to-vector op, free of frames and bundles.

    ``apply_batch`` maps a ``(rows, input_size)`` float64 array to ``(rows, output_size)``;
    ``row_function`` returns a plain-Python function doing the same to one list of floats, with
    the same operations in the same order, so both give identical numbers.
    """

    @property
    @abstractmethod
    def input_size(self) -> int | None:
        """Width of the input vectors, or ``None`` when the bundle does not fix it."""

    @property
    @abstractmethod
    def output_size(self) -> int | None:
        """Width of the output vectors, or ``None`` when it depends on the input's width."""

    @abstractmethod
    def apply_batch(self, values: FloatArray) -> FloatArray:
        """The outputs for a ``(rows, width)`` array of inputs."""

    @abstractmethod
    def row_function(self) -> RowFunction:
        """A function of one input vector (list of floats), prepared once at load time."""

    def compiled_row_step(self, source: str, target: str, fallback: RowStep) -> RowStep | None:
        """``fallback``'s work (row[target] from the list row[source]) as one C call that hands
        rows of another shape to ``fallback``; ``None`` where the function has none."""
        return None

    def width_problem(self, width: int) -> str | None:
        """Why an input of this width cannot be scored, for inputs of undeclared width."""
        return None


class VectorMapOp(Op):
    """An op reading one vector column and writing one vector column through a function."""

    op_name: ClassVar[str]

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        function: VectorFunction,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name,
            [Field(input_col, vector(function.input_size))],
            [Field(output_col, vector(function.output_size))],
            ports=ports,
        )
        self.input_col = input_col
        self.output_col = output_col
        self.function = function

    @classmethod
    @abstractmethod
    def function_from(cls, attributes: Attributes) -> VectorFunction:
        """The op's math, built from its model attributes (errors name the model file)."""

    @classmethod
    def from_bundle(cls, node: NodeContext) -> VectorMapOp:
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            cls.function_from(node.attributes),
            ports=node.shape,
        )

    def _problem(self, width: int) -> int | str | None:
        """``None`` if vectors of ``width`` can be scored, else what ``width_error`` says."""
        size = self.function.input_size
        if size is not None:
            return None if width == size else size
        return self.function.width_problem(width)

    def transform(self, frame: Frame) -> Frame:
        values = dense_batch(frame[self.input_col], self.input_col, reader_of(self))
        if values.ndim != 2:
            raise shape_error(self.input_col, values.shape, VECTORS, reader_of(self))
        problem = self._problem(values.shape[1])
        if problem is not None:
            raise width_error(self.input_col, values.shape[1], problem, reader_of(self))
        frame[self.output_col] = self.function.apply_batch(values)
        return frame

    def row_step(self) -> RowStep:
        source, target = self.input_col, self.output_col
        apply = self.function.row_function()
        reader = reader_of(self)
        size = self.function.input_size
        if size is not None:

            def step_fixed_width(row: Row) -> None:
                values = row[source]
                if len(values) != size:
                    raise width_error(source, len(values), size, reader)
                # NOTE: a list is the common case; only a sparse vector needs expanding.
                row[target] = apply(values if values.__class__ is list else dense_row(values))

            compiled = self.function.compiled_row_step(source, target, step_fixed_width)
            return step_fixed_width if compiled is None else compiled
        problem_of = self.function.width_problem

        def step_any_width(row: Row) -> None:
            values = row[source]
            problem = problem_of(len(values))
            if problem is not None:
                raise width_error(source, len(values), problem, reader)
            row[target] = apply(dense_row(values))

        return step_any_width


def optional_size(attributes: Attributes, name: str) -> int | None:
    """A width attribute such as ``input_size``, or ``None`` if absent or zero.

    NOTE: MLeap writes some sizes as ``int`` and others as ``long`` and older versions write none;
    proto3 drops zero values, so zero means "not given" here.
    """
    if name not in attributes:
        return None
    size = attributes.get_int(name) or attributes.get_long(name)
    return size if size > 0 else None
