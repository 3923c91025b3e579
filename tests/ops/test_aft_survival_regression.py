"""``aft_survival_regression``: the Weibull scale as prediction, quantiles, bad bundles."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import DOUBLE, vector
from tests.conftest import Node, OpCase, double_list, double_tensor

BOTH = {"prediction": "p", "quantiles": "q"}


def aft_attributes(
    probabilities=(0.1, 0.5, 0.9), scale=0.5, coefficients=(0.5, -1.0), intercept=1.0
):
    return {
        "coefficients": double_tensor(list(coefficients)),
        "intercept": {"double": intercept},
        "quantile_probabilities": double_list(list(probabilities)),
        "scale": {"double": scale},
    }


def aft(one_node_model, outputs=BOTH, **kwargs):
    return one_node_model(
        "aft_survival_regression", aft_attributes(**kwargs), {"features": "f"}, outputs
    )


def test_prediction_and_quantiles(one_node_model, score_both) -> None:
    model = aft(one_node_model)
    out = score_both(model, {"f": np.array([[2.0, 1.0], [0.0, 0.0]])})
    # lambda = exp(0.5 * 2 - 1 + 1) = e, then exp(1) = e for the zero row too
    assert out["p"].tolist() == [math.e, math.e]
    # the Weibull quantile of q with shape 1/scale: lambda * (-log(1 - q)) ** scale
    want = [math.e * (-math.log(1.0 - q)) ** 0.5 for q in (0.1, 0.5, 0.9)]
    assert out["q"][0].tolist() == pytest.approx(want, rel=1e-15)
    assert model.output_schema == {"p": DOUBLE, "q": vector(3)}
    assert model.input_schema == {"f": vector(2)}


def test_quantiles_are_optional(one_node_model, score_both) -> None:
    model = aft(one_node_model, outputs={"prediction": "p"})
    out = score_both(model, {"f": np.array([[0.0, 1.0]])})
    assert out["p"].tolist() == [1.0]
    assert model.output_schema == {"p": DOUBLE}


def test_overflow_and_nan(one_node_model, score_both) -> None:
    out = score_both(aft(one_node_model), {"f": np.array([[2000.0, 0.0], [math.nan, 0.0]])})
    assert out["p"][0] == math.inf
    assert out["q"][0].tolist() == [math.inf] * 3
    assert math.isnan(out["p"][1])


def test_quantile_probability_outside_0_1(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"quantile probability 1\.0 is not in \(0, 1\)"):
        aft(one_node_model, probabilities=(0.5, 1.0))


def test_scale_is_required(one_node_model) -> None:
    attributes = aft_attributes()
    del attributes["scale"]
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*missing attribute 'scale'"):
        one_node_model("aft_survival_regression", attributes, {"features": "f"}, BOTH)


def test_features_of_wrong_width(one_node_model) -> None:
    model = aft(one_node_model)
    with pytest.raises(snowleap.InputError, match=r"'f'.*width 1.*expects 2"):
        model.transform_row({"f": [1.0]})
    with pytest.raises(snowleap.InputError, match=r"'f'.*width 1.*expects 2"):
        model.transform({"f": np.ones((2, 1))})


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (Node("aft_survival_regression", aft_attributes(), {"features": "f"}, BOTH),),
    {"f": np.array([[0.3, 1.1], [2.0, -0.4], [math.nan, 0.0], [900.0, 0.0]])},
)
