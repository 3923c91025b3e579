"""Parity of the feature ops: Spark's transform = snowleap = MLeap's runtime, JSON and protobuf."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import snowleap
from snowleap.errors import BundleError
from tests.parity.data import ParityData

Parity = Callable[..., dict[str, Any]]

FORMAT_PARAMS = [
    pytest.param(("protobuf",), id="protobuf"),
    pytest.param(("json",), id="json"),
]


def fit(stages: list[Any], df: Any) -> Any:
    from pyspark.ml import Pipeline

    return Pipeline(stages=stages).fit(df)


def assembled(*columns: str) -> Any:
    from pyspark.ml.feature import VectorAssembler

    return VectorAssembler(inputCols=list(columns), outputCol="features")


@pytest.mark.parametrize("handle_invalid", ["error", "skip", "keep"])
def test_string_indexer(parity: Parity, data: ParityData, handle_invalid: str) -> None:
    from pyspark.ml.feature import StringIndexer

    indexer = StringIndexer(inputCol="color", outputCol="color_index", handleInvalid=handle_invalid)
    scored = data.clean if handle_invalid == "error" else data.dirty
    parity(fit([indexer], data.train), scored.select("color"))


@pytest.mark.parametrize(("drop_last", "handle_invalid"), [(True, "error"), (False, "keep")])
def test_one_hot_encoder(
    parity: Parity, data: ParityData, drop_last: bool, handle_invalid: str
) -> None:
    from pyspark.ml.feature import OneHotEncoder, StringIndexer

    stages = [
        StringIndexer(inputCol="size", outputCol="size_index"),
        OneHotEncoder(
            inputCol="size_index",
            outputCol="size_vec",
            dropLast=drop_last,
            handleInvalid=handle_invalid,
        ),
    ]
    parity(fit(stages, data.train), data.clean.select("size"))


def test_vector_assembler(parity: Parity, data: ParityData) -> None:
    parity(fit([assembled("x2", "sparse", "x3")], data.train), data.clean)


@pytest.mark.parametrize(("with_mean", "with_std"), [(True, True), (False, True), (True, False)])
def test_standard_scaler(parity: Parity, data: ParityData, with_mean: bool, with_std: bool) -> None:
    from pyspark.ml.feature import StandardScaler

    scaler = StandardScaler(
        inputCol="features", outputCol="scaled", withMean=with_mean, withStd=with_std
    )
    parity(fit([assembled("x2", "x3", "constant"), scaler], data.train), data.clean)


def test_min_max_scaler(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import MinMaxScaler

    scaler = MinMaxScaler(inputCol="features", outputCol="scaled", min=-1.0, max=2.0)
    parity(fit([assembled("x2", "x3", "constant"), scaler], data.train), data.clean)


def test_pca(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import PCA

    pca = PCA(inputCol="features", outputCol="components", k=2)
    parity(fit([assembled("x1", "x2", "x3"), pca], data.train), data.clean)


def test_reverse_string_indexer(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import IndexToString, StringIndexer

    indexer = StringIndexer(inputCol="color", outputCol="color_index")
    to_string = IndexToString(
        inputCol="color_index",
        outputCol="color_again",
        labels=fit([indexer], data.train).stages[0].labels,
    )
    parity(fit([indexer, to_string], data.train), data.clean.select("color"))


def test_max_abs_scaler(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import MaxAbsScaler

    scaler = MaxAbsScaler(inputCol="sparse", outputCol="scaled")
    parity(fit([scaler], data.train), data.clean)


@pytest.mark.parametrize("formats", FORMAT_PARAMS)
@pytest.mark.parametrize("handle_invalid", ["error", "keep", "skip"])
def test_bucketizer(
    parity: Parity, data: ParityData, handle_invalid: str, formats: tuple[str, ...]
) -> None:
    from pyspark.ml.feature import Bucketizer

    bucketizer = Bucketizer(
        inputCol="x1",
        outputCol="x1_bucket",
        splits=[float("-inf"), -2.0, 0.0, 0.5, 3.0, float("inf")],
        handleInvalid=handle_invalid,
    )
    scored = data.clean if handle_invalid == "error" else data.dirty
    parity(fit([bucketizer], data.train), scored.select("x1"), formats)


def test_binarizer(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import Binarizer

    parity(
        fit([Binarizer(inputCol="x2", outputCol="x2_high", threshold=40.0)], data.train), data.clean
    )


def normalized(p: float) -> list[Any]:
    from pyspark.ml.feature import Normalizer

    return [assembled("x1", "x2", "x3"), Normalizer(inputCol="features", outputCol="normed", p=p)]


@pytest.mark.parametrize("p", [1.0, 2.0, 3.5])
def test_normalizer(parity: Parity, data: ParityData, p: float) -> None:
    parity(fit(normalized(p), data.train), data.clean)


def test_normalizer_max_norm(parity: Parity, data: ParityData) -> None:
    parity(fit(normalized(float("inf")), data.train), data.clean, ("protobuf",))


def test_normalizer_max_norm_json_is_refused_like_mleap(
    data: ParityData, mleap_runtime: Any, tmp_path: Any
) -> None:
    # NOTE: in JSON, MLeap 0.16 stores p = Infinity as null, which reads back as NaN: MLeap's own
    # runtime then refuses to score ("we require that you specify a p>=1. You specified p=NaN").
    # snowleap refuses at load time, naming the attribute, rather than guess the lost value; its
    # writer writes the same null (spray's rule) and so refuses to hand out that bundle.
    import snowleap
    from snowleap.spark import ExportError, write_bundle
    from tests.parity.parity import usable_writers

    model = fit(normalized(float("inf")), data.train)
    with pytest.raises(ExportError, match=r"does not load.*p_norm"):
        write_bundle(model, data.clean, tmp_path / "ours.zip")
    assert not (tmp_path / "ours.zip").exists()
    if "mleap" not in usable_writers(("mleap",)):
        return
    path = write_bundle(model, data.clean, tmp_path / "n.zip", writer="mleap")
    with pytest.raises(BundleError, match="p_norm"):
        snowleap.load(path)
    with pytest.raises(Exception, match=r"p>=1\. You specified p=NaN"):
        mleap_runtime.transform(mleap_runtime.load(path), data.clean.limit(3).collect(), "id")


def test_interaction(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import Interaction, OneHotEncoder, StringIndexer

    stages = [
        StringIndexer(inputCol="size", outputCol="size_index"),
        OneHotEncoder(inputCol="size_index", outputCol="size_vec"),
        assembled("x1", "x3"),
        Interaction(inputCols=["x2", "size_vec", "features"], outputCol="crossed"),
    ]
    parity(fit(stages, data.train), data.clean)


@pytest.mark.parametrize("degree", [2, 3])
def test_polynomial_expansion(parity: Parity, data: ParityData, degree: int) -> None:
    from pyspark.ml.feature import PolynomialExpansion

    stages = [
        assembled("x1", "x3"),
        PolynomialExpansion(inputCol="features", outputCol="poly", degree=degree),
    ]
    parity(fit(stages, data.train), data.clean)


def test_vector_slicer(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import VectorSlicer

    parity(
        fit([VectorSlicer(inputCol="sparse", outputCol="sliced", indices=[6, 0, 3])], data.train),
        data.clean,
    )


def test_elementwise_product(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import ElementwiseProduct
    from pyspark.ml.linalg import Vectors

    weights = Vectors.dense([0.5, -2.0, 0.0, 1.0, 3.25, 1.0, 1.0, -0.125])
    product = ElementwiseProduct(inputCol="sparse", outputCol="weighted", scalingVec=weights)
    parity(fit([product], data.train), data.clean)


def test_dct(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import DCT

    stages = [
        assembled("x1", "x2", "x3", "constant"),
        DCT(inputCol="features", outputCol="frequencies"),
        DCT(inputCol="frequencies", outputCol="signal", inverse=True),
    ]
    parity(fit(stages, data.train), data.clean)


def test_chi_sq_selector(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import ChiSqSelector, StringIndexer

    stages = [
        StringIndexer(inputCol="color", outputCol="color_index"),
        StringIndexer(inputCol="size", outputCol="size_index"),
        assembled("color_index", "x2", "size_index", "constant"),
        ChiSqSelector(featuresCol="features", outputCol="chi", labelCol="label3", numTopFeatures=2),
    ]
    parity(fit(stages, data.train), data.clean.select("color", "size", "x2", "constant"))


def vector_indexer_tree(handle_invalid: str) -> list[Any]:
    """Indexed categories feeding a tree: its splits on them are categorical."""
    from pyspark.ml.classification import DecisionTreeClassifier
    from pyspark.ml.feature import StringIndexer, VectorIndexer

    return [
        StringIndexer(inputCol="color", outputCol="color_index", handleInvalid="keep"),
        StringIndexer(inputCol="size", outputCol="size_index"),
        assembled("x2", "color_index", "size_index", "constant"),
        VectorIndexer(
            inputCol="features", outputCol="indexed", maxCategories=6, handleInvalid=handle_invalid
        ),
        DecisionTreeClassifier(featuresCol="indexed", labelCol="label", maxDepth=4, seed=3),
    ]


@pytest.mark.parametrize("handle_invalid", ["error", "keep"])
def test_vector_indexer(parity: Parity, data: ParityData, handle_invalid: str) -> None:
    # NOTE: the dirty rows' unseen and null colors index to 5, a value the indexer never saw
    model = fit(vector_indexer_tree(handle_invalid), data.train)
    tree = model.stages[-1]
    assert len(tree.toDebugString.split("in {")) > 1, "the tree should split on categories"
    scored = data.clean if handle_invalid == "error" else data.dirty
    parity(model, scored.select("color", "size", "x2", "constant"))


def test_vector_indexer_skip(parity: Parity, data: ParityData) -> None:
    model = fit(vector_indexer_tree("skip"), data.train)
    parity(
        model,
        data.dirty.select("color", "size", "x2", "constant"),
        ("json",),
        no_mleap_runtime="MLeap's vector indexer gives a null vector where Spark drops the row",
    )


def test_bucketed_random_projection_lsh(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import BucketedRandomProjectionLSH

    lsh = BucketedRandomProjectionLSH(
        inputCol="features", outputCol="hashes", bucketLength=4.0, numHashTables=3, seed=11
    )
    parity(fit([assembled("x1", "x2", "x3"), lsh], data.train), data.clean)


MIN_HASH_OVERFLOW = (
    "MLeap's MinHash multiplies in 32-bit Int and overflows where Spark's uses 64-bit "
    "(test_min_hash_lsh_mleap_overflows shows MLeap's numbers)"
)


def min_hash_pipeline(data: ParityData) -> Any:
    from pyspark.ml.feature import MinHashLSH, VectorAssembler

    # NOTE: x3 is never 0, so every row has a non-zero entry (Spark refuses one without)
    stages = [
        VectorAssembler(inputCols=["sparse", "x3"], outputCol="features"),
        MinHashLSH(inputCol="features", outputCol="hashes", numHashTables=3, seed=5),
    ]
    return fit(stages, data.train)


def test_min_hash_lsh(parity: Parity, data: ParityData) -> None:
    parity(min_hash_pipeline(data), data.clean, no_mleap_runtime=MIN_HASH_OVERFLOW)


def test_min_hash_lsh_mleap_overflows(mleap_runtime: Any, data: ParityData, tmp_path: Any) -> None:
    """MLeap's runtime on snowleap's bundle: its hashes are the 32-bit overflowing formula's."""
    from snowleap.ops.feature.min_hash_lsh import HASH_PRIME
    from snowleap.spark import export_bundle
    from snowleap.spark.compare import python_value

    model = min_hash_pipeline(data)
    bundle = tmp_path / "min-hash.zip"
    export_bundle(model, data.clean, bundle, format="json")
    # the coefficients as the bundle holds them (Spark's, by test_min_hash_lsh)
    pairs = snowleap.load(bundle).root.leaves()[-1].function.coefficients

    def int32(value: int) -> int:
        return (value + 2**31) % 2**32 - 2**31

    def java_rem(a: int, b: int) -> int:
        return a - b * int(a / b)

    rows = model.transform(data.clean).select("sparse", "x3", "hashes").limit(200).collect()
    scored = mleap_runtime.transform(mleap_runtime.load(bundle), rows, "row_id")
    overflowed = 0
    for row, mleap_row in zip(rows, scored, strict=True):
        # NOTE: toArray, not python_value: pyspark 4 hands back the SparseVector itself
        features = [*row["sparse"].toArray().tolist(), row["x3"]]
        present = [i for i, v in enumerate(features) if v != 0.0]
        expected = [
            float(min(java_rem(int32(int32((1 + i) * a) + b), HASH_PRIME) for i in present))
            for a, b in pairs
        ]
        assert mleap_row["hashes"] == expected
        overflowed += mleap_row["hashes"] != python_value(row["hashes"])
    assert overflowed > 100, "MLeap's and Spark's hashes differ on most rows"


def test_vector_indexer_declares_its_categorical_slots(parity: Parity, data: ParityData) -> None:
    # NOTE: Interaction expands each nominal slot the indexer declares (5 colors, 3 sizes, one
    # constant; the 0/1 label is a binary slot, kept numeric), so its output proves the metadata.
    # Three slots never 0 keep Spark's assembled vectors dense: Spark's Interaction skips the
    # zeros of a sparse vector, category 0 included, where snowleap's frames are dense.
    from pyspark.ml.feature import Interaction, StringIndexer, VectorIndexer

    stages = [
        StringIndexer(inputCol="color", outputCol="color_index"),
        StringIndexer(inputCol="size", outputCol="size_index"),
        assembled("color_index", "size_index", "constant", "label", "x3", "x2"),
        VectorIndexer(inputCol="features", outputCol="indexed", maxCategories=6),
        Interaction(inputCols=["indexed", "x1"], outputCol="crossed"),
    ]
    columns = ("color", "size", "constant", "label", "x1", "x2", "x3")
    parity(fit(stages, data.train), data.clean.select(*columns))
