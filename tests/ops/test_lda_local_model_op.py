"""``lda_local_model_op``: the JVM's random start (commons-math3's Mersenne Twister, Breeze's
Gamma sampler) bit for bit, digamma to the JVM's last bits, the inference against an independent
numpy version of Spark's update, dense and sparse counts, empty documents, bad counts and bad
bundles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snowleap.errors import BundleError, InputError
from snowleap.ops.clustering.breeze_gamma import CommonsMersenneTwister, gamma_draws
from snowleap.ops.clustering.lda_inference import SPARK_MODEL_SEED, commons_digamma, digamma
from snowleap.ops.sparse import SparseVector
from tests.conftest import Node, OpCase, double_list, double_tensor, long_value

# vocabulary of 5 words (rows) by 3 topics (columns): Spark's topicsMatrix
TOPICS = [
    [5.0, 0.4, 1.2],
    [0.3, 6.0, 0.9],
    [2.5, 2.0, 0.7],
    [0.6, 0.8, 7.5],
    [1.1, 3.3, 0.5],
]
ALPHA = [0.31, 0.34, 0.3]
PORTS = ({"features": "counts"}, {"prediction": "topics"})


def attributes(topics=TOPICS, alpha=ALPHA, vocab_size=None, extra=None):
    column_major = [row[t] for t in range(len(topics[0])) for row in topics]
    values = {
        "vocabSize": {"int": len(topics) if vocab_size is None else vocab_size},
        "docConcentration": double_list(alpha),
        "topicConcentration": {"double": 1.0 / 3.0},
        "topicMatrix": double_tensor(column_major, [len(topics), len(topics[0])]),
    }
    values.update(extra or {})
    return values


def lda(one_node_model, **kwargs):
    return one_node_model("lda_local_model_op", attributes(**kwargs), *PORTS)


ROWS = np.array(
    [
        [3.0, 0.0, 1.0, 0.0, 2.0],
        [0.0, 4.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [1.0, 1.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.0, 9.0, 0.0],
    ]
)

IDENTITY_CASE = OpCase((Node("lda_local_model_op", attributes(), *PORTS),), {"counts": ROWS})


def java_string_hash(text: str) -> int:
    value = 0
    for character in text:
        value = (31 * value + ord(character)) & 0xFFFFFFFF
    return value - (1 << 32) if value >> 31 else value


# NOTE: these figures are the JVM's, printed by a Java probe against Spark 3.5.9's jars
# (commons-math3 3.6.1's MersenneTwister and Breeze 2.1's Gamma; Spark 4.x ships the same two)
JVM_FIRST_DOUBLES = {7: [0.8081671403801955, 0.2162209380373481]}
JVM_GAUSSIANS_AFTER_THEM = {7: [-0.3928217315000082, 0.8866442441746596, -0.5363018341034259]}
JVM_GAMMA_100 = {
    7: [1.0604234252576379, 0.8422300336132145, 0.9440789511533142, 0.9534856585215274],
    -1: [1.1495206258491024, 1.0169011477578742, 1.124804279322584, 0.9301474732099427],
    -5273346128427063022: [1.0248597163727733, 1.2593299378567828, 1.0500064524223591],
}
JVM_GAMMA_SMALL_SHAPES = {
    0.5: [1.9168499444099392, 0.20018773379708166, 0.7766511753440909],  # Gamma(0.5, 2)
    1.0: [0.2129863849467989, 1.5314545327801083, 1.1508234321414383],  # Gamma(1, 1)
}
JVM_DIGAMMA = {
    0.37: -2.7953014136954253,
    123.4: 4.811373775044403,
    1e-6: -1000000.5772156649,
    1.0: -0.5772156677920679,
    0.5: -1.963510028796937,
    49.0: 3.8815815072720508,
}


def test_the_generator_is_commons_maths_mersenne_twister() -> None:
    generator = CommonsMersenneTwister(7)
    assert [generator.next_double() for _ in range(2)] == JVM_FIRST_DOUBLES[7]
    assert [generator.next_gaussian() for _ in range(3)] == JVM_GAUSSIANS_AFTER_THEM[7]


@pytest.mark.parametrize("seed", sorted(JVM_GAMMA_100))
def test_gamma_draws_are_breezes(seed: int) -> None:
    expected = JVM_GAMMA_100[seed]
    assert gamma_draws(100.0, 0.01, len(expected), seed) == expected


@pytest.mark.parametrize("shape", sorted(JVM_GAMMA_SMALL_SHAPES))
def test_gamma_draws_of_small_shapes_are_breezes(shape: float) -> None:
    expected = JVM_GAMMA_SMALL_SHAPES[shape]
    assert gamma_draws(shape, 1.0 / shape, len(expected), 7) == expected


def test_digamma_is_commons_maths() -> None:
    for x, expected in JVM_DIGAMMA.items():
        assert commons_digamma(x) == expected
        assert digamma(x) == pytest.approx(expected, rel=1e-14)
    # the fast digamma against commons-math3's additions all over (0, 60)
    rng = np.random.default_rng(3)
    for x in [*rng.uniform(1e-6, 60.0, 2000).tolist(), *range(1, 50), 10.0 - 1e-13]:
        assert digamma(x) == pytest.approx(commons_digamma(x), rel=4e-15, abs=4e-15), x
    # NOTE: commons-math3's series is 3e-9 off the true digamma(1) = -euler; Spark lives with it
    euler = 0.5772156649015329
    assert digamma(1.0) == pytest.approx(-euler, rel=1e-8)
    assert digamma(0.5) == pytest.approx(-euler - 2 * math.log(2), rel=1e-8)
    assert math.isnan(digamma(math.nan)) and digamma(math.inf) == math.inf


def reference_distribution(counts: list[float], seed: int = SPARK_MODEL_SEED) -> list[float]:
    """Spark's ``variationalTopicInference`` written out with numpy, from the same start and
    with commons-math3's digamma (checked against the JVM above)."""
    digamma_of = np.vectorize(commons_digamma)

    lam = np.array(TOPICS).T  # topics x vocabulary
    e_log_beta = digamma_of(lam) - digamma_of(lam.sum(axis=1))[:, None]
    beta = np.exp(e_log_beta).T  # vocabulary x topics
    ids = [i for i, c in enumerate(counts) if c != 0]
    if not ids:
        return [0.0] * len(ALPHA)
    cts = np.array([counts[i] for i in ids])
    beta_d = beta[ids]
    gamma = np.array(gamma_draws(100.0, 0.01, len(ALPHA), seed))

    def theta_of(g):
        return np.exp(digamma_of(g) - digamma_of(g.sum()))

    theta = theta_of(gamma)
    change = 1.0
    while change > 1e-3:
        last = gamma
        gamma = theta * (beta_d.T @ (cts / (beta_d @ theta + 1e-100))) + np.array(ALPHA)
        theta = theta_of(gamma)
        change = np.abs(gamma - last).sum() / len(ALPHA)
    return (gamma / np.abs(gamma).sum()).tolist()


def test_distributions_follow_sparks_update(one_node_model, score_both) -> None:
    out = score_both(lda(one_node_model), {"counts": ROWS})
    for counts, distribution in zip(ROWS.tolist(), out["topics"].tolist(), strict=True):
        assert distribution == pytest.approx(reference_distribution(counts), rel=1e-12)
    assert out["topics"].shape == (5, 3)
    assert out["topics"][2].tolist() == [0.0, 0.0, 0.0]  # no word: Spark's Vectors.zeros(k)
    assert np.sum(out["topics"][[0, 1, 3, 4]], axis=1) == pytest.approx([1.0] * 4, rel=1e-15)
    # the word of topic 2 alone pulls the document to topic 2
    assert int(np.argmax(out["topics"][4])) == 2


def test_a_seed_attribute_moves_the_start(one_node_model, score_both) -> None:
    seeded = lda(one_node_model, extra={"seed": long_value(7)})
    out = score_both(seeded, {"counts": ROWS[:1]})
    assert out["topics"][0].tolist() == pytest.approx(reference_distribution(ROWS[0].tolist(), 7))
    default = score_both(lda(one_node_model), {"counts": ROWS[:1]})
    assert out["topics"][0].tolist() != default["topics"][0].tolist()


def test_without_a_seed_it_is_sparks_local_lda_models() -> None:
    assert java_string_hash("org.apache.spark.ml.clustering.LocalLDAModel") == SPARK_MODEL_SEED


def test_sparse_and_dense_counts_agree(one_node_model, score_both) -> None:
    model = lda(one_node_model)
    dense = score_both(model, {"counts": ROWS})
    rows = [{"counts": SparseVector.from_dense(row)} for row in ROWS.tolist()]
    for row, expected in zip(rows, dense["topics"].tolist(), strict=True):
        assert model.transform_row(row)["topics"] == expected
    # an explicit zero in a sparse vector is no word
    explicit = SparseVector(5, [0, 1, 2, 4], [3.0, 0.0, 1.0, 2.0])
    assert model.transform_row({"counts": explicit})["topics"] == dense["topics"][0].tolist()


def test_negative_count_is_an_error(one_node_model) -> None:
    model = lda(one_node_model)
    bad = np.array([[1.0, 0.0, 0.0, 0.0, 0.0], [0.0, -2.0, 0.0, 0.0, 0.0]])
    with pytest.raises(InputError, match=r"column 'counts', row 1: a term count is negative"):
        model.transform({"counts": bad})
    with pytest.raises(InputError, match=r"column 'counts': a term count is negative"):
        model.transform_row({"counts": bad[1].tolist()})


def test_wrong_width_is_an_error(one_node_model) -> None:
    with pytest.raises(
        InputError, match=r"column 'counts': vector has width 4, the model expects 5"
    ):
        lda(one_node_model).transform_row({"counts": [1.0, 0.0, 0.0, 0.0]})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vocab_size": 6}, r"'topicMatrix' of 5 x 3 for 'vocabSize' 6"),
        ({"alpha": [0.3, 0.3]}, r"2 'docConcentration' values"),
        ({"alpha": [0.3, 0.0, 0.3]}, r"must be positive"),
        ({"extra": {"gamma_shape": {"double": -1.0}}}, r"'gamma_shape' must be positive"),
    ],
)
def test_bad_bundles(one_node_model, kwargs, message) -> None:
    with pytest.raises(BundleError, match=message):
        lda(one_node_model, **kwargs)


def test_a_document_that_does_not_converge_is_an_error(one_node_model, monkeypatch) -> None:
    from snowleap.ops.clustering import lda_inference

    model = lda(one_node_model)
    # GIVEN a cap of one round, which no document's first change (from 1.0) stays under
    monkeypatch.setattr(lda_inference, "MAX_ROUNDS", 1)
    with pytest.raises(InputError, match=r"column 'counts', row 0: the topic inference did not"):
        model.transform({"counts": ROWS[:1]})
    with pytest.raises(InputError, match=r"column 'counts': the topic inference did not converge"):
        model.transform_row({"counts": ROWS[0].tolist()})
    # an empty document needs no round
    assert model.transform_row({"counts": ROWS[2].tolist()})["topics"] == [0.0, 0.0, 0.0]


def test_the_writer_refuses_an_lda_stage_without_output() -> None:
    from pathlib import Path

    from snowleap.spark.columns import Columns
    from snowleap.spark.errors import StageNotExportableError
    from snowleap.spark.saved import FittedStage
    from snowleap.spark.stages.clustering import lda as lda_stage

    # GIVEN a fitted LDA whose topicDistributionCol is emptied (Spark's transform then adds none)
    stage = FittedStage(
        "org.apache.spark.ml.clustering.LocalLDAModel",
        "LDA_1",
        Path("saved"),
        {"topicDistributionCol": ""},
        {"featuresCol": "features", "topicDistributionCol": "topicDistribution"},
        {},
    )
    with pytest.raises(StageNotExportableError, match=r"LDA_1.*topicDistributionCol is empty"):
        lda_stage.nodes(stage, Columns())
