"""Which module turns which fitted Spark class into bundle nodes. Listed explicitly.

Each module names the Spark classes it reads (``SPARK_CLASSES``) and has
``nodes(stage, columns) -> list[StoredNode]``: it reads the stage's params and model data, adds
the columns the stage computes to ``columns``, and knows nothing of files. Adding a stage is one
module and one line in ``_MODULES``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from snowleap.bundle.store import StoredNode
from snowleap.ops import pipeline as pipeline_op
from snowleap.spark.columns import Columns
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import PIPELINE_MODELS, TUNING_MODELS, FittedStage
from snowleap.spark.stages.classification import (
    decision_tree_classifier,
    gbt_classifier,
    linear_svc,
    logistic_regression,
    multi_layer_perceptron_classifier,
    naive_bayes,
    one_vs_rest,
    random_forest_classifier,
)
from snowleap.spark.stages.clustering import bisecting_k_means, gaussian_mixture, k_means, lda
from snowleap.spark.stages.feature import (
    binarizer,
    bucketizer,
    chi_sq_selector,
    count_vectorizer,
    dct,
    elementwise_product,
    feature_hasher,
    feature_selector,
    hashing_tf,
    idf,
    imputer,
    index_to_string,
    interaction,
    lsh,
    max_abs_scaler,
    min_max_scaler,
    ngram,
    normalizer,
    one_hot_encoder,
    pca,
    polynomial_expansion,
    regex_tokenizer,
    robust_scaler,
    standard_scaler,
    stopwords_remover,
    string_indexer,
    tokenizer,
    vector_assembler,
    vector_indexer,
    vector_slicer,
    word2vec,
)
from snowleap.spark.stages.recommendation import als
from snowleap.spark.stages.regression import (
    aft_survival_regression,
    decision_tree_regression,
    gbt_regression,
    generalized_linear_regression,
    isotonic_regression,
    linear_regression,
    random_forest_regression,
)

StageNodes = Callable[[FittedStage, Columns], list[StoredNode]]

_MODULES: tuple[ModuleType, ...] = (
    aft_survival_regression,
    als,
    binarizer,
    bisecting_k_means,
    bucketizer,
    chi_sq_selector,
    count_vectorizer,
    dct,
    decision_tree_classifier,
    decision_tree_regression,
    elementwise_product,
    feature_hasher,
    feature_selector,
    gaussian_mixture,
    gbt_classifier,
    gbt_regression,
    generalized_linear_regression,
    hashing_tf,
    idf,
    imputer,
    index_to_string,
    interaction,
    isotonic_regression,
    k_means,
    lda,
    linear_regression,
    linear_svc,
    logistic_regression,
    lsh,
    max_abs_scaler,
    min_max_scaler,
    multi_layer_perceptron_classifier,
    naive_bayes,
    ngram,
    normalizer,
    one_hot_encoder,
    one_vs_rest,
    pca,
    polynomial_expansion,
    random_forest_classifier,
    random_forest_regression,
    regex_tokenizer,
    robust_scaler,
    standard_scaler,
    stopwords_remover,
    string_indexer,
    tokenizer,
    vector_assembler,
    vector_indexer,
    vector_slicer,
    word2vec,
)

STAGES: dict[str, StageNodes] = {
    spark_class: module.nodes for module in _MODULES for spark_class in module.SPARK_CLASSES
}


def stage_nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    """The nodes of one fitted stage; a pipeline is one node holding its stages' nodes.

    A tuning model (``CrossValidatorModel``, ``TrainValidationSplitModel``) is its best model
    under the tuning model's uid, as MLeap's ``CrossValidatorOp`` writes it.
    """
    if stage.class_name in PIPELINE_MODELS:
        children = [node for child in stage.children for node in stage_nodes(child, columns)]
        return [pipeline_op.stored(stage.uid, children)]
    if stage.class_name in TUNING_MODELS:
        best = stage_nodes(stage.children[0], columns)
        if len(best) == 1:
            node = best[0]
            return [StoredNode(stage.uid, node.shape, node.model)]
        return [pipeline_op.stored(stage.uid, best)]
    convert = STAGES.get(stage.class_name)
    if convert is None:
        raise StageNotExportableError(_no_op_message(stage))
    return convert(stage, columns)


def _no_op_message(stage: FittedStage) -> str:
    where = f"stage {stage.description} ({stage.class_name})"
    return (
        f"{where}: no Bundle.ML op writes this Spark class; replace the stage by ones snowleap "
        f"exports ({', '.join(sorted(c.rsplit('.', 1)[-1] for c in STAGES))})"
    )


def root_node(stage: FittedStage, columns: Columns) -> StoredNode:
    """The bundle's root: the stage's single node, or a pipeline of the nodes it became."""
    nodes = stage_nodes(stage, columns)
    return nodes[0] if len(nodes) == 1 else pipeline_op.stored(stage.uid, nodes)
