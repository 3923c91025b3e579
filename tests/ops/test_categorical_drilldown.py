"""``categorical_drilldown``: the label picks each row's model (regressions, a classifier with
skipping inputs upstream), both paths, unknown and null labels, bad bundles."""

from __future__ import annotations

import numpy as np
import pytest

from snowleap.errors import BundleError, InputError
from tests.conftest import Node, OpCase, double_tensor, load_bundle, string_list, write_bundle


def regression(coefficients, intercept):
    return (
        "linear_regression",
        {"coefficients": double_tensor(coefficients), "intercept": {"double": intercept}},
    )


MODELS = {
    "mobile": regression([2.0, -1.0], 0.5),
    "desktop": regression([0.0, 10.0], -3.0),
    "tablet": regression([1.0, 1.0], 0.0),
}
INPUTS = {"label": "device", "drilldown.features": "f"}
OUTPUTS = {"drilldown.prediction": "price"}


def drilldown_node(models=MODELS, inputs=INPUTS, outputs=OUTPUTS, labels=None):
    return Node(
        "categorical_drilldown",
        {"labels": string_list(labels if labels is not None else list(models))},
        inputs,
        outputs,
        sub_models={f"model{i}": model for i, model in enumerate(models.values())},
    )


def load(tmp_path, node=None, fmt="json"):
    return load_bundle(write_bundle(tmp_path / "drilldown", [node or drilldown_node()]), fmt)


FEATURES = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 4.0], [1.0, 1.0]])
DEVICES = np.array(["mobile", "desktop", "tablet", "mobile", "desktop"], dtype=object)

IDENTITY_CASE = OpCase((drilldown_node(),), {"device": DEVICES, "f": FEATURES})


@pytest.mark.parametrize("fmt", ["json", "protobuf"])
def test_each_row_scored_by_its_labels_model(tmp_path, score_both, fmt) -> None:
    model = load(tmp_path, fmt=fmt)
    out = score_both(model, {"device": DEVICES, "f": FEATURES})
    # mobile: 2a - b + 0.5; desktop: 10b - 3; tablet: a + b
    assert out["price"].tolist() == [0.5, -13.0, 1.0, -7.5, 7.0]
    assert list(model.input_schema) == ["device", "f"]
    assert list(model.output_schema) == ["price"]


def test_a_classifier_per_label(tmp_path, score_both) -> None:
    models = {
        "a": ("logistic_regression", {**regression([1.0], 0.0)[1], "num_classes": {"long": 2}}),
        "b": ("logistic_regression", {**regression([-1.0], 0.0)[1], "num_classes": {"long": 2}}),
    }
    outputs = {"drilldown.probability": "prob", "drilldown.prediction": "pred"}
    model = load(tmp_path, drilldown_node(models, outputs=outputs))
    out = score_both(
        model, {"device": np.array(["a", "b", "b"], dtype=object), "f": np.array([[2.0]] * 3)}
    )
    assert out["pred"].tolist() == [1.0, 0.0, 0.0]
    assert out["prob"][0][1] == out["prob"][1][0]


def test_unknown_and_null_labels(tmp_path) -> None:
    model = load(tmp_path)
    with pytest.raises(InputError, match=r"column 'device' \(categorical_drilldown .*\): row 1"):
        model.transform({"device": np.array(["mobile", "watch"], dtype=object), "f": FEATURES[:2]})
    with pytest.raises(InputError, match=r"column 'device'.*a label no model of the drilldown"):
        model.transform_row({"device": None, "f": [1.0, 2.0]})


def test_empty_batch(tmp_path) -> None:
    out = load(tmp_path).transform({"device": np.array([], dtype=object), "f": np.zeros((0, 2))})
    assert out["price"].tolist() == []


def test_store_keeps_the_prefixed_ports(tmp_path) -> None:
    node = load(tmp_path).root.store()
    assert [(s.port, s.name) for s in node.shape.inputs] == [
        ("label", "device"),
        ("drilldown.features", "f"),
    ]
    assert sorted(node.model.sub_models) == ["model0", "model1", "model2"]


@pytest.mark.parametrize(
    ("node", "message"),
    [
        (drilldown_node(labels=[]), r"'labels' is empty"),
        (drilldown_node(labels=["x", "x", "y"]), r"'labels' names a label twice"),
        (
            drilldown_node(inputs={"label": "device", "features": "f"}),
            r"port 'features': a categorical drilldown's ports are 'label' and 'drilldown\.",
        ),
        (
            drilldown_node(
                {"a": MODELS["mobile"], "b": ("binarizer", {"threshold": {"double": 0.0}})}
            ),
            r"model1",
        ),
    ],
)
def test_bad_bundles(tmp_path, node, message) -> None:
    with pytest.raises(BundleError, match=message):
        load(tmp_path, node)
