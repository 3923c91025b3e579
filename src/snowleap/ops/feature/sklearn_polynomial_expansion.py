"""``sklearn_polynomial_expansion``: scikit-learn's ``PolynomialFeatures`` as MLeap's serializer
writes it: ``combinations``, the feature names sklearn gives (``"1,x0,x1,x0^2,x0 x1,x1^2"``),
each output the product of its terms ``x<index>[^<power>]`` (``"1"``, no term, is 1.0).

Mirrors MLeap's ``PolynomialFeaturesModel``: a product starts at 1.0 and multiplies the terms'
``pow(x, power)`` in the order written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops import jvm_math
from snowleap.ops.vector_map import (
    MAX_OUTPUT_WIDTH,
    RowFunction,
    VectorFunction,
    VectorMapOp,
)

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import FloatArray

_TERM = re.compile(r"x(\d+)(?:\^(\d+))?")
Polynomial = list[tuple[int, int]]


def parse_combinations(combinations: str) -> list[Polynomial]:
    """Each comma-separated combination as its ``(index, power)`` terms.

    Example
    -------
    >>> parse_combinations("1,x0,x0 x1^2")
    [[], [(0, 1)], [(0, 1), (1, 2)]]
    """
    return [
        [(int(m.group(1)), int(m.group(2) or "1")) for m in _TERM.finditer(part)]
        for part in combinations.split(",")
    ]


class Polynomials(VectorFunction):
    """The value of each polynomial (a product of ``x[i] ** p`` terms) at the input."""

    def __init__(self, polynomials: list[Polynomial], combinations: str) -> None:
        self.polynomials = polynomials
        self.combinations = combinations
        indices = [i for poly in polynomials for i, _ in poly]
        self.needed_width = max(indices) + 1 if indices else 0

    @property
    def input_size(self) -> None:
        return None

    @property
    def output_size(self) -> int:
        return len(self.polynomials)

    def width_problem(self, width: int) -> str | None:
        if width < self.needed_width:
            return f"the combinations use feature {self.needed_width - 1}"
        return None

    def _value(self, values: list[float], poly: Polynomial) -> float:
        product = 1.0
        for index, power in poly:
            product *= jvm_math.java_pow(values[index], float(power))
        return product

    def apply_batch(self, values: FloatArray) -> FloatArray:
        # NOTE: the row path's very arithmetic, row by row in C-level maps per polynomial.
        columns = values.T.tolist()
        out = np.empty((values.shape[0], len(self.polynomials)))
        for j, poly in enumerate(self.polynomials):
            product = [1.0] * values.shape[0]
            for index, power in poly:
                powers = map(jvm_math.java_pow, columns[index], [float(power)] * len(product))
                product = list(map(float.__mul__, product, powers))
            out[:, j] = product
        return out

    def row_function(self) -> RowFunction:
        polynomials, value = self.polynomials, self._value

        def expand(values: list[float]) -> list[float]:
            return [value(values, poly) for poly in polynomials]

        return expand


class SklearnPolynomialExpansionOp(VectorMapOp):
    op_name = "sklearn_polynomial_expansion"

    @classmethod
    def function_from(cls, attributes: Attributes) -> Polynomials:
        combinations = attributes.get_string("combinations")
        polynomials = parse_combinations(combinations)
        if len(polynomials) > MAX_OUTPUT_WIDTH:
            raise BundleError(
                f"{attributes.where}: sklearn_polynomial_expansion has {len(polynomials)} "
                f"combinations, more than snowleap's limit of {MAX_OUTPUT_WIDTH}"
            )
        return Polynomials(polynomials, combinations)

    def store(self) -> StoredNode:
        function = self.function
        assert isinstance(function, Polynomials), "from_bundle builds it with function_from"
        return stored(self.name, self.input_col, self.output_col, function.combinations)


def stored(name: str, input_col: str, output_col: str, combinations: str) -> StoredNode:
    """The ``sklearn_polynomial_expansion`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {"combinations": attr.string(combinations)}
    return simple_node(name, "sklearn_polynomial_expansion", input_col, output_col, attributes)
