"""MLeap 0.16's op registry by Bundle.ML op names (each op class's ``opName``): the 62 ops of
``ml.combust.mleap.registry.builtin-ops`` (combust/mleap, ``mleap-runtime/src/main/resources/
reference.conf`` at tag v0.16.0) and ``tensorflow``, the one other op Bundle.ML itself names
(``Bundle.BuiltinOps.tensorflow``, registered by mleap-tensorflow): 63. The XGBoost ops
(``xgboost.classifier``, ``xgboost.regression``) are a separate project's (mleap-xgboost)."""

from __future__ import annotations

MLEAP_0_16_OPS = frozenset(
    {
        # classification
        "decision_tree_classifier",
        "gbt_classifier",
        "logistic_regression",
        "naive_bayes",
        "multi_layer_perceptron_classifier",
        "one_vs_rest",
        "random_forest_classifier",
        "support_vector_machine",
        "linear_svc",
        # clustering
        "gaussian_mixture",
        "k_means",
        "bisecting_k_means",
        "lda_local_model_op",
        # feature
        "binarizer",
        "sklearn_binarizer",
        "bucketed_random_projection_lsh",
        "bucketizer",
        "chi_sq_selector",
        "coalesce",
        "count_vectorizer",
        "dct",
        "elementwise_product",
        "feature_hasher",
        "hashing_term_frequency",
        "idf",
        "imputer",
        "interaction",
        "math_binary",
        "math_unary",
        "max_abs_scaler",
        "min_hash_lsh",
        "min_max_scaler",
        "multinomial_labeler",
        "ngram",
        "normalizer",
        "one_hot_encoder",
        "pca",
        "polynomial_expansion",
        "sklearn_polynomial_expansion",
        "reverse_string_indexer",
        "standard_scaler",
        "stopwords_remover",
        "string_indexer",
        "string_map",
        "tokenizer",
        "vector_assembler",
        "vector_indexer",
        "vector_slicer",
        "word_to_vector",
        "regex_tokenizer",
        "regex_indexer",
        "word_filter",
        # regression
        "aft_survival_regression",
        "decision_tree_regression",
        "gbt_regression",
        "generalized_linear_regression",
        "isotonic_regression",
        "linear_regression",
        "random_forest_regression",
        # ensemble, recommendation, pipeline
        "categorical_drilldown",
        "als",
        "pipeline",
        # mleap-tensorflow
        "tensorflow",
    }
)
