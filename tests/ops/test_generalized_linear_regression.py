"""``generalized_linear_regression``: every family/link pair Spark fits, the families'
projections, link prediction and offset, tweedie powers, bad bundles."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import DOUBLE, vector
from tests.conftest import Node, OpCase, double_tensor

MAX = sys.float_info.max
ETAS = [-1.5, 0.25, 2.0]  # features [eta, 0] against coefficients [1, 3], intercept 0


def glm_attributes(family, link=None, coefficients=(1.0, 3.0), intercept=0.0, **powers):
    found = {
        "coefficients": double_tensor(list(coefficients)),
        "intercept": {"double": intercept},
        "family": {"string": family},
    }
    if link is not None:
        found["link"] = {"string": link}
    for name, value in powers.items():
        found[name] = {"double": value}
    return found


def glm(one_node_model, family, link=None, inputs=None, outputs=None, **kwargs):
    return one_node_model(
        "generalized_linear_regression",
        glm_attributes(family, link, **kwargs),
        inputs or {"features": "f"},
        outputs or {"prediction": "p", "link_prediction": "eta"},
    )


def features(etas):
    return {"f": np.array([[eta, 0.0] for eta in etas])}


# Each pair Spark's GeneralizedLinearRegression accepts, with its mean as a function of eta
# written out here from the definitions (before the family's projection, which these etas avoid).
PAIRS = {
    ("gaussian", "identity"): lambda eta: eta,
    ("gaussian", "log"): math.exp,
    ("gaussian", "inverse"): lambda eta: 1.0 / eta,
    ("binomial", "logit"): lambda eta: 1.0 / (1.0 + math.exp(-eta)),
    ("binomial", "probit"): lambda eta: 0.5 * (1.0 + math.erf(eta / math.sqrt(2.0))),
    ("binomial", "cloglog"): lambda eta: 1.0 - math.exp(-math.exp(eta)),
    ("poisson", "log"): math.exp,
    ("poisson", "identity"): lambda eta: eta,
    ("poisson", "sqrt"): lambda eta: eta * eta,
    ("gamma", "inverse"): lambda eta: 1.0 / eta,
    ("gamma", "identity"): lambda eta: eta,
    ("gamma", "log"): math.exp,
}


@pytest.mark.parametrize(("family", "link"), sorted(PAIRS))
def test_every_family_and_link(one_node_model, score_both, family, link) -> None:
    model = glm(one_node_model, family, link)
    etas = [0.25, 2.0, 0.7]
    out = score_both(model, features(etas))
    assert out["eta"].tolist() == etas
    assert out["p"].tolist() == pytest.approx([PAIRS[family, link](eta) for eta in etas], rel=1e-15)
    assert model.output_schema == {"eta": DOUBLE, "p": DOUBLE}
    assert model.input_schema == {"f": vector(2)}


@pytest.mark.parametrize(
    ("family", "default"),
    [("gaussian", "identity"), ("binomial", "logit"), ("poisson", "log"), ("gamma", "inverse")],
)
def test_no_link_is_the_family_default(one_node_model, score_both, family, default) -> None:
    implicit = score_both(glm(one_node_model, family), features([0.25, 2.0]))["p"]
    explicit = score_both(glm(one_node_model, family, default), features([0.25, 2.0]))["p"]
    assert implicit.tolist() == explicit.tolist()


def test_binomial_mean_is_kept_inside_0_and_1(one_node_model, score_both) -> None:
    out = score_both(glm(one_node_model, "binomial", "logit"), features([-800.0, 50.0, 0.0]))
    assert out["p"].tolist() == [1e-16, 1.0 - 1e-16, 0.5]


def test_positive_families_keep_the_mean_above_zero(one_node_model, score_both) -> None:
    # identity of a negative eta, inverse of 0 (infinity), log of an overflow
    poisson = score_both(glm(one_node_model, "poisson", "identity"), features([-2.0, 3.0]))
    assert poisson["p"].tolist() == [1e-16, 3.0]
    gamma = score_both(glm(one_node_model, "gamma", "inverse"), features([0.0, -1e-320, 4.0]))
    assert gamma["p"].tolist() == [MAX, 1e-16, 0.25]
    overflow = score_both(glm(one_node_model, "gamma", "log"), features([1000.0]))
    assert overflow["p"].tolist() == [MAX]


def test_gaussian_infinities_become_the_largest_doubles(one_node_model, score_both) -> None:
    out = score_both(glm(one_node_model, "gaussian", "inverse"), features([0.0, -1e-320, math.nan]))
    assert out["p"].tolist()[:2] == [MAX, -MAX]
    assert math.isnan(out["p"][2])


def test_offset_is_added_to_the_linear_predictor(one_node_model, score_both) -> None:
    model = glm(
        one_node_model,
        "poisson",
        "log",
        inputs={"features": "f", "offset": "exposure"},
        intercept=0.5,
    )
    columns = {**features([1.0, 2.0]), "exposure": np.array([math.log(10.0), 0.0])}
    out = score_both(model, columns)
    assert out["eta"].tolist() == [1.0 + 0.5 + math.log(10.0), 2.5]
    assert out["p"].tolist() == [math.exp(1.5 + math.log(10.0)), math.exp(2.5)]
    assert model.input_schema == {"f": vector(2), "exposure": DOUBLE}


def test_link_prediction_is_optional(one_node_model, score_both) -> None:
    model = glm(one_node_model, "gaussian", outputs={"prediction": "p"})
    assert score_both(model, features([1.25]))["p"].tolist() == [1.25]
    assert model.output_schema == {"p": DOUBLE}


def test_tweedie_default_link_is_the_power_one_minus_variance_power(one_node_model, score_both):
    # variance power 1.5: link power -0.5, so mean = eta ** (1 / -0.5) = eta ** -2
    model = glm(one_node_model, "tweedie", variance_power=1.5)
    out = score_both(model, features([2.0, 0.5, -2.0]))
    assert out["p"].tolist() == [0.25, 4.0, 0.25]
    described = model.describe()["root"]
    assert (described["family"], described["link"], described["link_power"]) == (
        "tweedie",
        "power",
        -0.5,
    )


def test_tweedie_power_link_of_a_negative_eta_is_nan(one_node_model, score_both) -> None:
    # Java's pow(-4, 1/3) is NaN (Python's math.pow raises); the positive projection keeps NaN
    model = glm(one_node_model, "tweedie", variance_power=3.0, link_power=3.0)
    out = score_both(model, features([8.0, -4.0]))
    assert out["p"][0] == pytest.approx(2.0, rel=1e-15)
    assert math.isnan(out["p"][1])


@pytest.mark.parametrize(
    ("variance_power", "link_power", "same_as"),
    [
        (1.0, 0.0, ("poisson", "log")),
        (2.0, None, ("gamma", "inverse")),
        (0.0, 1.0, ("gaussian", "identity")),
        (1.0, 0.5, ("poisson", "sqrt")),
    ],
)
def test_tweedie_powers_that_name_a_pair(
    one_node_model, score_both, variance_power, link_power, same_as
) -> None:
    powers = {"variance_power": variance_power}
    if link_power is not None:
        powers["link_power"] = link_power
    tweedie = glm(one_node_model, "tweedie", **powers)
    assert tuple(tweedie.describe()["root"][k] for k in ("family", "link")) == same_as
    named = glm(one_node_model, *same_as)
    rows = features([0.25, 2.0, -1.0])
    assert score_both(tweedie, rows)["p"].tolist() == score_both(named, rows)["p"].tolist()


def test_gaussian_tweedie_with_a_power_link(one_node_model, score_both) -> None:
    # variance power 0 is the Gaussian family (its projection), link power 2: mean = sqrt(eta)
    model = glm(one_node_model, "tweedie", variance_power=0.0, link_power=2.0)
    out = score_both(model, features([4.0, -4.0]))
    assert out["p"][0] == 2.0
    assert math.isnan(out["p"][1])


def test_unknown_family_and_link(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"unknown family 'normal'"):
        glm(one_node_model, "normal")
    with pytest.raises(snowleap.BundleError, match=r"unknown link 'softplus'"):
        glm(one_node_model, "gaussian", "softplus")
    with pytest.raises(snowleap.BundleError, match=r"tweedie family needs 'variance_power'"):
        glm(one_node_model, "tweedie")


def test_features_of_wrong_width(one_node_model) -> None:
    model = glm(one_node_model, "gaussian")
    with pytest.raises(snowleap.InputError, match=r"'f'.*width 3.*expects 2"):
        model.transform_row({"f": [1.0, 2.0, 3.0]})
    with pytest.raises(snowleap.InputError, match=r"'f'.*width 3.*expects 2"):
        model.transform({"f": np.ones((2, 3))})


def test_family_is_required(one_node_model) -> None:
    attributes = glm_attributes("gaussian")
    del attributes["family"]
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*missing attribute 'family'"):
        one_node_model(
            "generalized_linear_regression", attributes, {"features": "f"}, {"prediction": "p"}
        )


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "generalized_linear_regression",
            glm_attributes("binomial", "probit", coefficients=(0.7, -1.3), intercept=0.1),
            {"features": "f", "offset": "o"},
            {"prediction": "p", "link_prediction": "eta"},
        ),
    ),
    {
        "f": np.array([[0.3, 1.1], [2.0, -0.4], [math.nan, 0.0], [-9.0, 3.0]]),
        "o": np.array([0.0, 0.25, 1.0, -0.5]),
    },
)
