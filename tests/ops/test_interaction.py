"""``interaction``: Spark's product order, nominal features, unlisted zeros, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import DOUBLE, vector
from tests.conftest import Node, OpCase

SCALAR = {"base": "scalar", "isNullable": False}


def tensor_shape(width):
    return {
        "base": "tensor",
        "isNullable": False,
        "tensorShape": {"dimensions": [{"size": width, "name": ""}]},
    }


def interaction(one_node_model, specs, shapes=None, columns=None, num_inputs=None):
    attributes = {"num_inputs": {"int": len(specs) if num_inputs is None else num_inputs}}
    for i, counts in enumerate(specs):
        attributes[f"num_features{i}"] = {"type": "list", "int": counts}
    if shapes is not None:
        attributes["input_shapes"] = {"type": "list", "data_shape": shapes}
    names = columns if columns is not None else [f"c{i}" for i in range(len(specs))]
    inputs = {f"input{i}": name for i, name in enumerate(names)}
    return one_node_model("interaction", attributes, inputs, {"output": "y"})


def test_scalar_times_vector(one_node_model, score_both) -> None:
    model = interaction(one_node_model, [[1], [1, 1]], [SCALAR, tensor_shape(2)])
    assert model.input_schema == {"c0": DOUBLE, "c1": vector(2)}
    assert model.output_schema["y"] == vector(2)
    out = score_both(model, {"c0": np.array([2.0, -1.0]), "c1": np.array([[3.0, 5.0], [0.5, 0.0]])})
    # 2*3 = 6, 2*5 = 10; -1*0.5 = -0.5, -1*0 = -0.0 (== 0)
    assert out["y"].tolist() == [[6.0, 10.0], [-0.5, 0.0]]


def test_first_input_varies_slowest_as_in_spark_docs(one_node_model, score_both) -> None:
    model = interaction(
        one_node_model, [[1], [1, 1, 1], [1, 1, 1]], [SCALAR, tensor_shape(3), tensor_shape(3)]
    )
    columns = {
        "c0": np.array([1.0]),
        "c1": np.array([[1.0, 2.0, 3.0]]),
        "c2": np.array([[8.0, 4.0, 5.0]]),
    }
    out = score_both(model, columns)
    # Spark's own example: vec1[i] * vec2[j] at i*3 + j:
    # 1*8, 1*4, 1*5, 2*8, 2*4, 2*5, 3*8, 3*4, 3*5
    assert out["y"].tolist() == [[8.0, 4.0, 5.0, 16.0, 8.0, 10.0, 24.0, 12.0, 15.0]]


def test_nominal_features_are_one_hot(one_node_model, score_both) -> None:
    # input 0: a nominal scalar with 3 categories; input 1: (numeric, nominal with 2 categories)
    model = interaction(one_node_model, [[3], [1, 2]], [SCALAR, tensor_shape(2)])
    assert model.output_schema["y"] == vector(9)  # 3 * (1 + 2)
    out = score_both(model, {"c0": np.array([2.0, 0.0]), "c1": np.array([[4.0, 1.0], [-1.5, 0.0]])})
    # row 1: input 1 encodes to (4, 0, 1); category 2 of input 0 puts it at 2*3 + (0..2)
    assert out["y"][0].tolist() == [0.0] * 6 + [4.0, 0.0, 1.0]
    # row 2: input 1 encodes to (-1.5, 1, 0) at 0*3 + (0..2)
    assert out["y"][1].tolist() == [-1.5, 1.0, 0.0] + [0.0] * 6


def test_unlisted_categories_stay_zero_but_listed_zeros_multiply(
    one_node_model, score_both
) -> None:
    model = interaction(one_node_model, [[2], [1]], [SCALAR, SCALAR])
    out = score_both(model, {"c0": np.array([0.0]), "c1": np.array([math.inf])})
    # category 0 -> (1, 0); times inf: listed 1*inf = inf, unlisted category 1 stays 0.0
    assert out["y"].tolist() == [[math.inf, 0.0]]
    numeric = interaction(one_node_model, [[1], [1]], [SCALAR, SCALAR])
    out = score_both(numeric, {"c0": np.array([0.0, math.nan]), "c1": np.array([math.inf, 2.0])})
    # a numeric 0 is listed, so 0 * inf = NaN; NaN * 2 = NaN
    assert math.isnan(out["y"][0, 0]) and math.isnan(out["y"][1, 0])


@pytest.mark.parametrize("bad", [2.5, -1.0, 3.0, math.nan, math.inf])
def test_bad_category_index_names_the_column(one_node_model, bad) -> None:
    model = interaction(one_node_model, [[1], [1, 3]], [SCALAR, tensor_shape(2)])
    with pytest.raises(snowleap.InputError, match=r"'c1', row 1, element 1.*0\.\.2"):
        model.transform({"c0": np.array([1.0, 1.0]), "c1": np.array([[1.0, 0.0], [1.0, bad]])})
    with pytest.raises(snowleap.InputError, match=r"'c1', element 1.*0\.\.2"):
        model.transform_row({"c0": 1.0, "c1": [1.0, bad]})
    scalar = interaction(one_node_model, [[3], [1]], [SCALAR, SCALAR])
    with pytest.raises(snowleap.InputError, match=r"'c0'.*0\.\.2"):
        scalar.transform_row({"c0": bad, "c1": 1.0})
    with pytest.raises(snowleap.InputError, match=r"'c0', row 0.*0\.\.2"):
        scalar.transform({"c0": np.array([bad]), "c1": np.array([1.0])})


def test_wrong_width_names_the_column(one_node_model) -> None:
    model = interaction(one_node_model, [[1], [1, 1]], [SCALAR, tensor_shape(2)])
    with pytest.raises(snowleap.InputError, match=r"'c1'.*width 3.*expects 2"):
        model.transform_row({"c0": 1.0, "c1": [1.0, 2.0, 3.0]})
    with pytest.raises(snowleap.InputError, match=r"'c1'.*width 3.*expects 2"):
        model.transform({"c0": np.array([1.0]), "c1": np.ones((1, 3))})
    # an intermediate column is checked by the op itself
    with pytest.raises(
        snowleap.InputError,
        match=r"'c1': vector has width 1, the model expects 2 \(interaction node",
    ):
        model.root.transform({"c0": np.array([1.0]), "c1": np.ones((1, 1))})
    with pytest.raises(snowleap.InputError, match=r"'c1'.*width 1.*expects 2"):
        model.root.row_step()({"c0": 1.0, "c1": [1.0]})


def test_legacy_bundle_without_input_shapes(one_node_model, score_both) -> None:
    # MLeap before 0.9 wrote no input_shapes: one count is a scalar, more is a vector
    model = interaction(one_node_model, [[1], [1, 1]])
    assert model.input_schema == {"c0": DOUBLE, "c1": vector(2)}
    out = score_both(model, {"c0": np.array([3.0]), "c1": np.array([[1.0, -2.0]])})
    assert out["y"].tolist() == [[3.0, -6.0]]  # 3*1, 3*-2


def test_num_inputs_not_matching_ports_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*'num_inputs' is 3.*2 inputs"):
        interaction(one_node_model, [[1], [1]], num_inputs=3)


def test_missing_num_features_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*'num_features1'"):
        interaction(one_node_model, [[1]], columns=["a", "b"], num_inputs=2)


@pytest.mark.parametrize(
    ("specs", "shapes"),
    [
        ([[0], [1]], [SCALAR, SCALAR]),
        ([[1, 1], [1]], [SCALAR, SCALAR]),
        ([[], [1]], None),
    ],
)
def test_bad_counts_name_the_file(one_node_model, specs, shapes) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*'num_features0'"):
        interaction(one_node_model, specs, shapes)


def test_shapes_not_matching_counts_name_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*width 3.*2 counts"):
        interaction(one_node_model, [[1], [1, 1]], [SCALAR, tensor_shape(3)])
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*1 'input_shapes' for 2"):
        interaction(one_node_model, [[1], [1]], [SCALAR])
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*list"):
        interaction(one_node_model, [[1], [1]], [SCALAR, {"base": "list", "isNullable": False}])


def test_huge_output_is_refused(one_node_model) -> None:
    # 1001 numeric features times a nominal feature with 1000 categories: 1,001,000 per row
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*1001000 values per row"):
        interaction(one_node_model, [[1] * 1001, [1000]], [tensor_shape(1001), SCALAR])


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "interaction",
            {
                "num_inputs": {"int": 2},
                "num_features0": {"type": "list", "int": [3]},
                "num_features1": {"type": "list", "int": [1, 2]},
                "input_shapes": {"type": "list", "data_shape": [SCALAR, tensor_shape(2)]},
            },
            {"input0": "c0", "input1": "c1"},
            {"output": "y"},
        ),
    ),
    {"c0": [0.0, 2.0, 1.0], "c1": np.array([[1.5, 1.0], [-2.0, 0.0], [math.nan, 1.0]])},
)
