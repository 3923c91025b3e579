"""``dct``: the orthonormal DCT-II and its inverse, against the formula and numpy-free sums;
round trip, NaN, width and attribute errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase


def dct_attributes(size: int, inverse: bool) -> dict[str, object]:
    return {"inverse": {"boolean": inverse}, "input_size": {"int": size}}


def dct(one_node_model, size, inverse=False, output="y"):
    return one_node_model("dct", dct_attributes(size, inverse), {"input": "x"}, {"output": output})


def reference_dct(x: list[float]) -> list[float]:
    """DCT-II with orthonormal scaling, straight from its definition."""
    n = len(x)
    return [
        math.sqrt((1 if k == 0 else 2) / n)
        * math.fsum(x[i] * math.cos(math.pi * (i + 0.5) * k / n) for i in range(n))
        for k in range(n)
    ]


def test_forward_transform_is_the_orthonormal_dct_ii(one_node_model, score_both) -> None:
    model = dct(one_node_model, 4)
    assert model.input_schema["x"] == vector(4)
    assert model.output_schema["y"] == vector(4)
    rows = [[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [-5.5, 1e-3, 7.0, 1e6]]
    out = score_both(model, {"x": np.array(rows)})
    for row, got in zip(rows, out["y"].tolist(), strict=True):
        assert got == pytest.approx(reference_dct(row), rel=1e-12, abs=1e-9)
    # a constant signal has only the DC term: 2 * sqrt(4) * ... = (1+2+3+4)/2
    assert out["y"][0, 0] == pytest.approx(5.0, rel=1e-15)
    assert out["y"][1].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_inverse_undoes_the_forward_transform(pipeline_model, score_both) -> None:
    model = pipeline_model(
        [
            ("forward", "dct", dct_attributes(3, False), {"input": "x"}, {"output": "f"}),
            ("back", "dct", dct_attributes(3, True), {"input": "f"}, {"output": "y"}),
        ]
    )
    x = np.array([[1.0, -2.0, 0.25], [3e5, 0.0, -1.0]])
    out = score_both(model, {"x": x})
    assert out["y"] == pytest.approx(x, rel=1e-12, abs=1e-9)


def test_nan_spreads_to_every_output(one_node_model, score_both) -> None:
    out = score_both(dct(one_node_model, 2), {"x": np.array([[math.nan, 1.0]])})
    assert all(math.isnan(v) for v in out["y"][0])


def test_wrong_width_names_the_column(one_node_model) -> None:
    model = dct(one_node_model, 3)
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*expects 3"):
        model.transform_row({"x": [1.0, 2.0]})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 4.*expects 3"):
        model.transform({"x": np.ones((2, 4))})


@pytest.mark.parametrize("size", [0, -1, 5000])
def test_unusable_input_size_is_refused(one_node_model, size: int) -> None:
    with pytest.raises(snowleap.BundleError, match=rf"model\.json: dct 'input_size' is {size}"):
        dct(one_node_model, size)


def test_missing_inverse_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*'inverse'"):
        one_node_model("dct", {"input_size": {"int": 2}}, {"input": "x"}, {"output": "y"})


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node("dct", dct_attributes(3, False), {"input": "x"}, {"output": "f"}),
        Node("dct", dct_attributes(3, True), {"input": "f"}, {"output": "y"}),
    ),
    {"x": np.array([[1.5, 3.0, -2.0], [math.nan, 1.0, 0.0], [-0.0, 1e300, 7.0], [0.0, 0.0, 0.0]])},
)
