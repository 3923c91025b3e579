"""``polynomial_expansion``: every monomial of the features up to a degree; mirrors MLeap's
``PolynomialExpansionModel`` (Spark's ``PolynomialExpansion``), including its output order."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import combinations_with_replacement
from math import comb
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.vector_map import (
    MAX_OUTPUT_WIDTH,
    RowFunction,
    VectorFunction,
    VectorMapOp,
    optional_size,
)

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import FloatArray, IndexArray

Step = tuple[int, int, int]


def expansion_width(features: int, degree: int) -> int:
    """Number of output terms: monomials of degree 1..``degree`` in ``features`` variables."""
    return comb(features + degree, degree) - 1


@dataclass(frozen=True)
class ExpansionPlan:
    """How to compute every term from a lower one: ``term = parent * x[feature]``.

    Slot 0 holds the constant 1; term ``t`` of the output is slot ``t + 1``. ``levels`` groups
    the steps (slot, parent slot, feature) by degree so a parent is always computed before its
    children; within a level the steps are independent.
    """

    width: int
    levels: tuple[tuple[Step, ...], ...]

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for level in self.levels for step in level)

    @cached_property
    def batch_levels(self) -> tuple[tuple[IndexArray, IndexArray, IndexArray], ...]:
        """Each level's targets, parents and features as index arrays, for the batch path."""
        return tuple(
            (
                np.array([slot for slot, _, _ in level], dtype=np.intp),
                np.array([parent for _, parent, _ in level], dtype=np.intp),
                np.array([feature for _, _, feature in level], dtype=np.intp),
            )
            for level in self.levels
        )


def plan_expansion(features: int, degree: int) -> ExpansionPlan:
    """Every term as (slot, parent slot, feature), grouped by degree.

    A term is a multiset of features (ascending). Spark builds its product from the highest
    feature down, so the last factor is its lowest feature, and dropping that factor gives its
    parent: ``term = parent * x[lowest]``.
    """
    levels = []
    previous: dict[tuple[int, ...], int] = {(): 0}
    for order in range(1, degree + 1):
        current: dict[tuple[int, ...], int] = {}
        level = []
        for term in combinations_with_replacement(range(features), order):
            slot = spark_position(term, degree) + 1
            current[term] = slot
            level.append((slot, previous[term[1:]], term[0]))
        levels.append(tuple(level))
        previous = current
    return ExpansionPlan(expansion_width(features, degree), tuple(levels))


def spark_position(term: tuple[int, ...], degree: int) -> int:
    """Where Spark's recursive expansion writes a term (features ascending, repeats allowed).

    Spark's recursion takes the features from last to first and, for each, the exponents 0, 1,
    ...; exponent ``j`` of feature ``k`` with degree ``r`` left skips ``comb(k + r - j, r - j)``
    slots per smaller exponent. Summed (hockey-stick identity) an exponent ``e`` skips
    ``comb(k + r + 1, r) - comb(k + r - e + 1, r - e)`` slots. The constant term is slot -1.
    """
    position = -1
    remaining = degree
    for feature, exponent in _exponents_descending(term):
        position += comb(feature + remaining + 1, remaining) - comb(
            feature + remaining - exponent + 1, remaining - exponent
        )
        remaining -= exponent
    return position


def _exponents_descending(term: tuple[int, ...]) -> list[tuple[int, int]]:
    exponents: dict[int, int] = {}
    for feature in term:
        exponents[feature] = exponents.get(feature, 0) + 1
    return sorted(exponents.items(), reverse=True)


def expand_batch(plan: ExpansionPlan, values: FloatArray) -> FloatArray:
    """Every term for every row, level by level (vectorised over rows and terms)."""
    slots = np.zeros((values.shape[0], plan.width + 1))
    slots[:, 0] = 1.0
    with np.errstate(invalid="ignore", over="ignore", under="ignore"):
        for targets, parents, features in plan.batch_levels:
            parent = slots[:, parents]
            product = parent * values[:, features]
            # NOTE: Spark stops expanding once a partial product is 0 and leaves those terms at
            # +0.0, so 0 * inf gives 0 (not NaN) and -0.0 never appears.
            slots[:, targets] = np.where((parent != 0.0) & (product != 0.0), product, 0.0)
    return slots[:, 1:]


def expand_row(plan: ExpansionPlan) -> RowFunction:
    """One row's terms with the same products as ``expand_batch``, prepared for ``plan``."""
    steps = plan.steps
    template = [1.0] + [0.0] * plan.width

    def expand(values: list[float]) -> list[float]:
        slots = template.copy()
        for target, parent, feature in steps:
            factor = slots[parent]
            if factor != 0.0:
                product = factor * values[feature]
                if product != 0.0:
                    slots[target] = product
        return slots[1:]

    return expand


class PolynomialExpansion(VectorFunction):
    """All monomials of degree 1..``degree`` of the input features, in Spark's order.

    For features ``(x, y)`` and degree 2 the output is ``(x, x*x, y, x*y, y*y)``. Without a
    declared input width (bundles before MLeap 0.9) a plan is built per width met, and kept.

    Example
    -------
    >>> PolynomialExpansion(2, 2).row_function()([2.0, 3.0])
    [2.0, 4.0, 3.0, 6.0, 9.0]
    """

    def __init__(self, degree: int, size: int | None) -> None:
        self.degree = degree
        self.size = size
        self._plans: dict[int, ExpansionPlan] = {}
        if size is not None:
            self._plans[size] = plan_expansion(size, degree)

    @property
    def input_size(self) -> int | None:
        return self.size

    @property
    def output_size(self) -> int | None:
        return None if self.size is None else expansion_width(self.size, self.degree)

    def width_problem(self, width: int) -> str | None:
        terms = expansion_width(width, self.degree)
        if terms > MAX_OUTPUT_WIDTH:
            return (
                f"which expands to {terms} terms at degree {self.degree} (limit {MAX_OUTPUT_WIDTH})"
            )
        return None

    def _plan(self, width: int) -> ExpansionPlan:
        plan = self._plans.get(width)
        if plan is None:
            plan = self._plans[width] = plan_expansion(width, self.degree)
        return plan

    def apply_batch(self, values: FloatArray) -> FloatArray:
        return expand_batch(self._plan(values.shape[1]), values)

    def row_function(self) -> RowFunction:
        if self.size is not None:
            return expand_row(self._plan(self.size))
        by_width: dict[int, RowFunction] = {}

        def expand_any_width(values: list[float]) -> list[float]:
            expand = by_width.get(len(values))
            if expand is None:
                expand = by_width[len(values)] = expand_row(self._plan(len(values)))
            return expand(values)

        return expand_any_width


class PolynomialExpansionOp(VectorMapOp):
    op_name = "polynomial_expansion"

    @classmethod
    def function_from(cls, attributes: Attributes) -> PolynomialExpansion:
        where = attributes.where
        degree = attributes.get_long("degree")
        if degree < 1:
            raise BundleError(
                f"{where}: polynomial_expansion 'degree' should be >= 1, got {degree}"
            )
        # NOTE: bundles written before MLeap 0.9 have no input_size: the width comes with the data.
        size = optional_size(attributes, "input_size")
        if size is not None and expansion_width(size, degree) > MAX_OUTPUT_WIDTH:
            raise BundleError(
                f"{where}: polynomial_expansion of {size} features at degree {degree} gives "
                f"{expansion_width(size, degree)} terms (limit {MAX_OUTPUT_WIDTH})"
            )
        return PolynomialExpansion(degree, size)

    def store(self) -> StoredNode:
        return stored(
            self.name,
            self.input_col,
            self.output_col,
            self._function().degree,
            self._function().size,
        )

    def _function(self) -> PolynomialExpansion:
        assert isinstance(self.function, PolynomialExpansion), (
            "from_bundle builds it with function_from"
        )
        return self.function


def stored(
    name: str, input_col: str, output_col: str, degree: int, input_size: int | None
) -> StoredNode:
    """The ``polynomial_expansion`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {"degree": attr.long(degree)}
    if input_size is not None:
        attributes["input_size"] = attr.long(input_size)
    return simple_node(name, "polynomial_expansion", input_col, output_col, attributes)
