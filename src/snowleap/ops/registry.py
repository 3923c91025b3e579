"""The ops snowleap implements, by Bundle.ML op name. Listed explicitly: no import side effects."""

from __future__ import annotations

from snowleap.bundle.reader import NodeContext
from snowleap.errors import UnknownOpError
from snowleap.ops.base import Op
from snowleap.ops.classification.decision_tree_classifier import DecisionTreeClassifierOp
from snowleap.ops.classification.gbt_classifier import GBTClassifierOp
from snowleap.ops.classification.linear_svc import LinearSVCOp
from snowleap.ops.classification.logistic_regression import LogisticRegressionOp
from snowleap.ops.classification.multi_layer_perceptron_classifier import (
    MultiLayerPerceptronClassifierOp,
)
from snowleap.ops.classification.naive_bayes import NaiveBayesOp
from snowleap.ops.classification.one_vs_rest import OneVsRestOp
from snowleap.ops.classification.random_forest_classifier import RandomForestClassifierOp
from snowleap.ops.classification.support_vector_machine import SupportVectorMachineOp
from snowleap.ops.clustering.bisecting_k_means import BisectingKMeansOp
from snowleap.ops.clustering.gaussian_mixture import GaussianMixtureOp
from snowleap.ops.clustering.k_means import KMeansOp
from snowleap.ops.clustering.lda_local_model_op import LdaLocalModelOp
from snowleap.ops.ensemble.categorical_drilldown import CategoricalDrilldownOp
from snowleap.ops.feature.binarizer import BinarizerOp
from snowleap.ops.feature.bucketed_random_projection_lsh import BucketedRandomProjectionLshOp
from snowleap.ops.feature.bucketizer import BucketizerOp
from snowleap.ops.feature.chi_sq_selector import ChiSqSelectorOp
from snowleap.ops.feature.coalesce import CoalesceOp
from snowleap.ops.feature.count_vectorizer import CountVectorizerOp
from snowleap.ops.feature.dct import DctOp
from snowleap.ops.feature.elementwise_product import ElementwiseProductOp
from snowleap.ops.feature.feature_hasher import FeatureHasherOp
from snowleap.ops.feature.hashing_term_frequency import HashingTermFrequencyOp
from snowleap.ops.feature.idf import IdfOp
from snowleap.ops.feature.imputer import ImputerOp
from snowleap.ops.feature.interaction import InteractionOp
from snowleap.ops.feature.map_entry_selector import MapEntrySelectorOp
from snowleap.ops.feature.math_binary import MathBinaryOp
from snowleap.ops.feature.math_unary import MathUnaryOp
from snowleap.ops.feature.max_abs_scaler import MaxAbsScalerOp
from snowleap.ops.feature.min_hash_lsh import MinHashLshOp
from snowleap.ops.feature.min_max_scaler import MinMaxScalerOp
from snowleap.ops.feature.multinomial_labeler import MultinomialLabelerOp
from snowleap.ops.feature.ngram import NGramOp
from snowleap.ops.feature.normalizer import NormalizerOp
from snowleap.ops.feature.one_hot_encoder import OneHotEncoderOp
from snowleap.ops.feature.pca import PcaOp
from snowleap.ops.feature.polynomial_expansion import PolynomialExpansionOp
from snowleap.ops.feature.regex_indexer import RegexIndexerOp
from snowleap.ops.feature.regex_tokenizer import RegexTokenizerOp
from snowleap.ops.feature.reverse_string_indexer import ReverseStringIndexerOp
from snowleap.ops.feature.sklearn_binarizer import SklearnBinarizerOp
from snowleap.ops.feature.sklearn_polynomial_expansion import SklearnPolynomialExpansionOp
from snowleap.ops.feature.standard_scaler import StandardScalerOp
from snowleap.ops.feature.stopwords_remover import StopWordsRemoverOp
from snowleap.ops.feature.string_indexer import StringIndexerOp
from snowleap.ops.feature.string_map import StringMapOp
from snowleap.ops.feature.tokenizer import TokenizerOp
from snowleap.ops.feature.vector_assembler import VectorAssemblerOp
from snowleap.ops.feature.vector_indexer import VectorIndexerOp
from snowleap.ops.feature.vector_slicer import VectorSlicerOp
from snowleap.ops.feature.word_filter import WordFilterOp
from snowleap.ops.feature.word_to_vector import WordToVectorOp
from snowleap.ops.pipeline import PipelineOp
from snowleap.ops.recommendation.als import ALSOp
from snowleap.ops.regression.aft_survival_regression import AFTSurvivalRegressionOp
from snowleap.ops.regression.decision_tree_regression import DecisionTreeRegressionOp
from snowleap.ops.regression.gbt_regression import GBTRegressionOp
from snowleap.ops.regression.generalized_linear_regression import GeneralizedLinearRegressionOp
from snowleap.ops.regression.isotonic_regression import IsotonicRegressionOp
from snowleap.ops.regression.linear_regression import LinearRegressionOp
from snowleap.ops.regression.random_forest_regression import RandomForestRegressionOp
from snowleap.ops.unsupported import UnsupportedOp, unknown_ops_error

OPS: dict[str, type[Op]] = {
    op.op_name: op
    for op in (
        AFTSurvivalRegressionOp,
        ALSOp,
        BinarizerOp,
        BisectingKMeansOp,
        BucketedRandomProjectionLshOp,
        BucketizerOp,
        CategoricalDrilldownOp,
        ChiSqSelectorOp,
        CoalesceOp,
        CountVectorizerOp,
        DctOp,
        DecisionTreeClassifierOp,
        DecisionTreeRegressionOp,
        ElementwiseProductOp,
        FeatureHasherOp,
        GaussianMixtureOp,
        GBTClassifierOp,
        GBTRegressionOp,
        GeneralizedLinearRegressionOp,
        HashingTermFrequencyOp,
        IdfOp,
        ImputerOp,
        InteractionOp,
        IsotonicRegressionOp,
        KMeansOp,
        LdaLocalModelOp,
        LinearRegressionOp,
        LinearSVCOp,
        LogisticRegressionOp,
        MapEntrySelectorOp,
        MathBinaryOp,
        MathUnaryOp,
        MaxAbsScalerOp,
        MinHashLshOp,
        MinMaxScalerOp,
        MultiLayerPerceptronClassifierOp,
        MultinomialLabelerOp,
        NaiveBayesOp,
        NGramOp,
        NormalizerOp,
        OneHotEncoderOp,
        OneVsRestOp,
        PcaOp,
        PipelineOp,
        PolynomialExpansionOp,
        RandomForestClassifierOp,
        RandomForestRegressionOp,
        RegexIndexerOp,
        RegexTokenizerOp,
        ReverseStringIndexerOp,
        SklearnBinarizerOp,
        SklearnPolynomialExpansionOp,
        StandardScalerOp,
        StopWordsRemoverOp,
        StringIndexerOp,
        StringMapOp,
        SupportVectorMachineOp,
        TokenizerOp,
        VectorAssemblerOp,
        VectorIndexerOp,
        VectorSlicerOp,
        WordFilterOp,
        WordToVectorOp,
    )
}


def supported_ops() -> list[str]:
    return sorted(OPS)


class OpLoader:
    """Builds the op each bundle node names. A node of an op snowleap lacks becomes an
    ``UnsupportedOp`` placeholder and is noted, so the whole bundle is read and ``error`` can
    name every missing op at once."""

    def __init__(self) -> None:
        self.unsupported: list[UnsupportedOp] = []

    def __call__(self, node: NodeContext) -> Op:
        op_class = OPS.get(node.op)
        if op_class is None:
            placeholder = UnsupportedOp.from_bundle(node)
            self.unsupported.append(placeholder)
            return placeholder
        return op_class.from_bundle(node)

    def error(self) -> UnknownOpError:
        """The error naming every unsupported node seen (where, op) and the supported ops."""
        return unknown_ops_error(self.unsupported, supported_ops())
