"""``polynomial_expansion``: Spark's term order, its zero short-cut, NaN, widths, attributes."""

from __future__ import annotations

import math
from math import comb

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase


def expansion(one_node_model, degree, input_size=None):
    attributes = {"degree": {"long": degree}}
    if input_size is not None:
        attributes["input_size"] = {"long": input_size}
    return one_node_model("polynomial_expansion", attributes, {"input": "x"}, {"output": "y"})


def spark_expand_dense(values: list[float], degree: int) -> list[float]:
    """Spark's PolynomialExpansion.expandDense, transcribed literally (an independent check)."""

    def poly_size(features: int, d: int) -> int:
        return comb(features + d, d)

    out = [0.0] * (poly_size(len(values), degree) - 1)

    def expand(last: int, d: int, multiplier: float, cur: int) -> int:
        if multiplier == 0.0:
            pass
        elif d == 0 or last < 0:
            if cur >= 0:
                out[cur] = multiplier
        else:
            v, alpha, i, start = values[last], multiplier, 0, cur
            while i <= d and alpha != 0.0:
                start = expand(last - 1, d - i, alpha, start)
                i += 1
                alpha *= v
        return cur + poly_size(last + 1, d)

    expand(len(values) - 1, degree, 1.0, -1)
    return out


def test_degree_two_in_spark_order(one_node_model, score_both) -> None:
    model = expansion(one_node_model, 2, input_size=2)
    assert model.input_schema["x"] == vector(2)
    assert model.output_schema["y"] == vector(5)  # C(2 + 2, 2) - 1
    out = score_both(model, {"x": np.array([[2.0, 3.0]])})
    # (x, x*x, y, x*y, y*y) = (2, 4, 3, 6, 9)
    assert out["y"].tolist() == [[2.0, 4.0, 3.0, 6.0, 9.0]]


def test_degree_three_matches_spark_documentation(one_node_model, score_both) -> None:
    model = expansion(one_node_model, 3, input_size=2)
    out = score_both(model, {"x": np.array([[2.0, 1.0]])})
    # x, x^2, x^3, y, xy, x^2y, y^2, xy^2, y^3 with x = 2, y = 1
    assert out["y"].tolist() == [[2.0, 4.0, 8.0, 1.0, 2.0, 4.0, 1.0, 2.0, 1.0]]


def test_zero_stops_the_expansion_before_infinity(one_node_model, score_both) -> None:
    model = expansion(one_node_model, 2, input_size=2)
    out = score_both(model, {"x": np.array([[math.inf, 0.0], [0.0, math.inf]])})
    # y = 0 first: Spark stops at the 0 partial product, so y, x*y, y*y stay 0 (not inf*0 = NaN)
    assert out["y"][0].tolist() == [math.inf, math.inf, 0.0, 0.0, 0.0]
    # y = inf first: x*y is built as inf * 0 = NaN, which Spark keeps
    first, second, third, fourth, fifth = out["y"][1].tolist()
    assert (first, second, third, fifth) == (0.0, 0.0, math.inf, math.inf)
    assert math.isnan(fourth)


def test_skipped_terms_are_positive_zero(one_node_model, score_both) -> None:
    model = expansion(one_node_model, 2, input_size=2)
    out = score_both(model, {"x": np.array([[-0.0, 2.0]])})
    # x = -0.0 is never written: x, x*x, x*y stay +0.0; y = 2, y*y = 4
    assert out["y"].tolist() == [[0.0, 0.0, 2.0, 0.0, 4.0]]
    assert all(math.copysign(1.0, v) == 1.0 for v in out["y"][0])


def test_nan_spreads_to_its_terms(one_node_model, score_both) -> None:
    model = expansion(one_node_model, 2, input_size=2)
    out = score_both(model, {"x": np.array([[math.nan, 1.0]])})
    # x, x*x, x*y are NaN; y = 1, y*y = 1
    got = out["y"][0].tolist()
    assert [math.isnan(v) for v in got] == [True, True, False, True, False]
    assert (got[2], got[4]) == (1.0, 1.0)


@pytest.mark.parametrize(("features", "degree"), [(1, 4), (3, 2), (4, 3), (5, 4)])
def test_matches_spark_recursion_on_random_data(
    one_node_model, score_both, features, degree
) -> None:
    rng = np.random.default_rng(features * 10 + degree)
    values = rng.choice([0.0, -0.0, 1.5, -2.0, 0.5, 3.0, math.inf, math.nan], size=(40, features))
    model = expansion(one_node_model, degree, input_size=features)
    out = score_both(model, {"x": values})
    for row, got in zip(values.tolist(), out["y"].tolist(), strict=True):
        want = spark_expand_dense(row, degree)
        assert len(got) == len(want)
        for a, b in zip(got, want, strict=True):
            assert (math.isnan(a) and math.isnan(b)) or (
                a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
            ), (row, got, want)


def test_legacy_bundle_without_input_size_takes_any_width(one_node_model, score_both) -> None:
    # MLeap before 0.9 wrote no input_size
    model = expansion(one_node_model, 2)
    assert model.input_schema["x"] == vector(None)
    assert score_both(model, {"x": np.array([[3.0]])})["y"].tolist() == [[3.0, 9.0]]
    out = score_both(model, {"x": np.array([[2.0, 3.0]])})
    assert out["y"].tolist() == [[2.0, 4.0, 3.0, 6.0, 9.0]]


def test_wrong_width_names_the_column(one_node_model) -> None:
    model = expansion(one_node_model, 2, input_size=3)
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*expects 3"):
        model.transform_row({"x": [1.0, 2.0]})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*expects 3"):
        model.transform({"x": np.ones((1, 2))})


def test_degree_below_one_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*'degree' should be >= 1"):
        expansion(one_node_model, 0)


def test_missing_degree_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*missing attribute 'degree'"):
        one_node_model("polynomial_expansion", {}, {"input": "x"}, {"output": "y"})


def test_huge_expansion_is_refused(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*terms \(limit"):
        expansion(one_node_model, 10, input_size=100)
    legacy = expansion(one_node_model, 10)
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 100.*terms"):
        legacy.transform_row({"x": [1.0] * 100})


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "polynomial_expansion",
            {"degree": {"long": 3}, "input_size": {"long": 2}},
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[2.0, 3.0], [0.0, math.inf], [-1.5, math.nan], [1e200, 1e200]])},
)
