"""``naive_bayes``: the four model types against hand-computed raw scores, softmax
probabilities, Bernoulli's 0/1 rule, legacy model-type names, bad bundles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snowleap.errors import BundleError, InputError
from tests.conftest import Node, OpCase, double_list, double_tensor, long_value

ALL = {"raw_prediction": "raw", "probability": "prob", "prediction": "pred"}
PI = [math.log(0.4), math.log(0.6)]
# theta rows (class 0, class 1), stored column-major: [t00, t10, t01, t11]
THETA = [[math.log(0.2), math.log(0.8)], [math.log(0.7), math.log(0.3)]]
SIGMA = [[1.0, 4.0], [2.0, 0.5]]


def column_major(rows):
    return double_tensor([rows[r][c] for c in range(2) for r in range(2)], [2, 2])


def attributes(model_type="multinomial", theta=THETA, sigma=None, thresholds=None, classes=2):
    found = {
        "num_features": long_value(2),
        "num_classes": long_value(classes),
        "pi": double_tensor(PI),
        "theta": column_major(theta),
        "model_type": {"string": model_type},
    }
    if sigma is not None:
        found["sigma"] = column_major(sigma)
    if thresholds is not None:
        found["thresholds"] = double_list(thresholds)
    return found


def bayes(one_node_model, outputs=ALL, **kwargs):
    return one_node_model("naive_bayes", attributes(**kwargs), {"features": "x"}, outputs)


def dot(row, x):
    return sum(t * v for t, v in zip(row, x, strict=True))


def softmax(values):
    exps = [math.exp(v - max(values)) for v in values]
    return [e / sum(exps) for e in exps]


COUNTS = np.array([[1.0, 2.0], [3.0, 0.0], [0.0, 0.0]])

IDENTITY_CASE = OpCase(
    (Node("naive_bayes", attributes(), {"features": "x"}, ALL),),
    {"x": np.array([[1.0, 2.0], [3.0, 0.0], [0.0, 0.0], [math.nan, 1.0]])},
)


def test_multinomial(one_node_model, score_both) -> None:
    out = score_both(bayes(one_node_model), {"x": COUNTS})
    for x, raw, probability in zip(COUNTS.tolist(), out["raw"], out["prob"], strict=True):
        want = [dot(row, x) + p for row, p in zip(THETA, PI, strict=True)]
        assert raw.tolist() == pytest.approx(want, rel=1e-14)
        assert probability.tolist() == pytest.approx(softmax(want), rel=1e-14)
    assert out["pred"].tolist() == [0.0, 1.0, 1.0]


def test_bernoulli_and_its_0_1_rule(one_node_model, score_both) -> None:
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    out = score_both(bayes(one_node_model, model_type="bernoulli"), {"x": rows})
    for x, raw in zip(rows.tolist(), out["raw"], strict=True):
        # log P(x | class): log p for a 1, log(1 - p) for a 0
        want = [
            p + sum(t if v else math.log(1 - math.exp(t)) for t, v in zip(row, x, strict=True))
            for row, p in zip(THETA, PI, strict=True)
        ]
        assert raw.tolist() == pytest.approx(want, rel=1e-12)
    model = bayes(one_node_model, model_type="bernoulli")
    with pytest.raises(InputError, match=r"column 'x': Bernoulli naive Bayes takes .* 0 or 1"):
        model.transform({"x": np.array([[2.0, 0.0]])})
    with pytest.raises(InputError, match=r"column 'x': Bernoulli"):
        model.transform_row({"x": [0.5, 0.0]})


def test_complement(one_node_model, score_both) -> None:
    out = score_both(bayes(one_node_model, model_type="complement"), {"x": COUNTS})
    for x, raw in zip(COUNTS.tolist(), out["raw"], strict=True):
        dots = [dot(row, x) for row in THETA]
        log_sum_exp = math.log(sum(math.exp(d) for d in dots))
        assert raw.tolist() == pytest.approx([d - log_sum_exp for d in dots], rel=1e-12)


def test_gaussian(one_node_model, score_both) -> None:
    rows = np.array([[0.5, -1.0], [3.0, 2.0]])
    means = [[0.0, 1.0], [2.0, 2.0]]
    out = score_both(
        bayes(one_node_model, model_type="gaussian", theta=means, sigma=SIGMA), {"x": rows}
    )
    for x, raw in zip(rows.tolist(), out["raw"], strict=True):
        want = []
        for p, mu, sd in zip(PI, means, SIGMA, strict=True):
            squares = sum((v - m) ** 2 / s for v, m, s in zip(x, mu, sd, strict=True))
            want.append(p - (squares + sum(map(math.log, sd))) / 2)
        assert raw.tolist() == pytest.approx(want, rel=1e-12)


def test_mleap_runtime_type_names_and_thresholds(one_node_model, score_both) -> None:
    # NOTE: MLeap's runtime writes its case object's name, capitalised.
    plain = score_both(bayes(one_node_model), {"x": COUNTS})
    named = score_both(bayes(one_node_model, model_type="Multinomial"), {"x": COUNTS})
    assert named["raw"].tolist() == plain["raw"].tolist()
    favoured = score_both(bayes(one_node_model, thresholds=[1e-9, 1.0]), {"x": COUNTS})
    assert favoured["pred"].tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model_type": "poisson"}, r"root: 'model_type' 'poisson' is not one of"),
        ({"model_type": "gaussian"}, r"a gaussian model needs its variances 'sigma'"),
        ({"classes": 3}, r"'pi' of 2 values and 'theta' of shape \[2, 2\] do not fit 3 classes"),
    ],
)
def test_bad_bundles(one_node_model, kwargs, message) -> None:
    with pytest.raises(BundleError, match=message):
        bayes(one_node_model, **kwargs)
