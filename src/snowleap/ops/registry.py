"""The ops snowleap implements, by Bundle.ML op name: a table of names and modules.

An op's module is imported the first time a bundle names the op (``OPS[name]``), not when the
registry is: a bundle of five ops imports five op modules, and a Lambda cold start does not pay
for the sixty others. The table is explicit (no import side effects, no scanning of folders);
each module defines the op class whose ``op_name`` is its key (``tests/ops/test_every_op.py``
checks every entry).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Final

from snowleap.errors import UnknownOpError
from snowleap.ops.unsupported import UnsupportedOp, unknown_ops_error

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.ops.base import Op

#: Bundle.ML op name -> its module under ``snowleap.ops``.
OP_MODULES: Final[dict[str, str]] = {
    "aft_survival_regression": "regression.aft_survival_regression",
    "als": "recommendation.als",
    "binarizer": "feature.binarizer",
    "bisecting_k_means": "clustering.bisecting_k_means",
    "bucketed_random_projection_lsh": "feature.bucketed_random_projection_lsh",
    "bucketizer": "feature.bucketizer",
    "categorical_drilldown": "ensemble.categorical_drilldown",
    "chi_sq_selector": "feature.chi_sq_selector",
    "coalesce": "feature.coalesce",
    "count_vectorizer": "feature.count_vectorizer",
    "dct": "feature.dct",
    "decision_tree_classifier": "classification.decision_tree_classifier",
    "decision_tree_regression": "regression.decision_tree_regression",
    "elementwise_product": "feature.elementwise_product",
    "feature_hasher": "feature.feature_hasher",
    "gaussian_mixture": "clustering.gaussian_mixture",
    "gbt_classifier": "classification.gbt_classifier",
    "gbt_regression": "regression.gbt_regression",
    "generalized_linear_regression": "regression.generalized_linear_regression",
    "hashing_term_frequency": "feature.hashing_term_frequency",
    "idf": "feature.idf",
    "imputer": "feature.imputer",
    "interaction": "feature.interaction",
    "isotonic_regression": "regression.isotonic_regression",
    "k_means": "clustering.k_means",
    "lda_local_model_op": "clustering.lda_local_model_op",
    "linear_regression": "regression.linear_regression",
    "linear_svc": "classification.linear_svc",
    "logistic_regression": "classification.logistic_regression",
    "map_entry_selector": "feature.map_entry_selector",
    "math_binary": "feature.math_binary",
    "math_unary": "feature.math_unary",
    "max_abs_scaler": "feature.max_abs_scaler",
    "min_hash_lsh": "feature.min_hash_lsh",
    "min_max_scaler": "feature.min_max_scaler",
    "multi_layer_perceptron_classifier": "classification.multi_layer_perceptron_classifier",
    "multinomial_labeler": "feature.multinomial_labeler",
    "naive_bayes": "classification.naive_bayes",
    "ngram": "feature.ngram",
    "normalizer": "feature.normalizer",
    "one_hot_encoder": "feature.one_hot_encoder",
    "one_vs_rest": "classification.one_vs_rest",
    "pca": "feature.pca",
    "pipeline": "pipeline",
    "polynomial_expansion": "feature.polynomial_expansion",
    "random_forest_classifier": "classification.random_forest_classifier",
    "random_forest_regression": "regression.random_forest_regression",
    "regex_indexer": "feature.regex_indexer",
    "regex_tokenizer": "feature.regex_tokenizer",
    "reverse_string_indexer": "feature.reverse_string_indexer",
    "sklearn_binarizer": "feature.sklearn_binarizer",
    "sklearn_polynomial_expansion": "feature.sklearn_polynomial_expansion",
    "standard_scaler": "feature.standard_scaler",
    "stopwords_remover": "feature.stopwords_remover",
    "string_indexer": "feature.string_indexer",
    "string_map": "feature.string_map",
    "support_vector_machine": "classification.support_vector_machine",
    "tokenizer": "feature.tokenizer",
    "vector_assembler": "feature.vector_assembler",
    "vector_indexer": "feature.vector_indexer",
    "vector_slicer": "feature.vector_slicer",
    "word_filter": "feature.word_filter",
    "word_to_vector": "feature.word_to_vector",
}


class _LazyOps(Mapping[str, "type[Op]"]):
    """Op name -> op class, each class's module imported on first lookup (then kept)."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self._modules = modules
        self._classes: dict[str, type[Op]] = {}

    def __getitem__(self, name: str) -> type[Op]:
        found = self._classes.get(name)
        if found is None:
            found = self._classes[name] = _op_class(name, self._modules[name])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, name: object) -> bool:
        return name in self._modules


def _op_class(name: str, module: str) -> type[Op]:
    """The class of ``module`` whose ``op_name`` is ``name``."""
    from snowleap.ops.base import Op

    loaded = importlib.import_module(f"snowleap.ops.{module}")
    for value in vars(loaded).values():
        if (
            isinstance(value, type)
            and issubclass(value, Op)
            and value.__module__ == loaded.__name__
            and getattr(value, "op_name", None) == name
        ):
            return value
    raise LookupError(f"snowleap.ops.{module} defines no op class named {name!r}")


OPS: Final[Mapping[str, type[Op]]] = _LazyOps(OP_MODULES)


def supported_ops() -> list[str]:
    return sorted(OP_MODULES)


class OpLoader:
    """Builds the op each bundle node names. A node of an op snowleap lacks becomes an
    ``UnsupportedOp`` placeholder and is noted, so the whole bundle is read and ``error`` can
    name every missing op at once."""

    def __init__(self) -> None:
        self.unsupported: list[UnsupportedOp] = []

    def __call__(self, node: NodeContext) -> Op:
        if node.op not in OPS:
            placeholder = UnsupportedOp.from_bundle(node)
            self.unsupported.append(placeholder)
            return placeholder
        return OPS[node.op].from_bundle(node)

    def error(self) -> UnknownOpError:
        """The error naming every unsupported node seen (where, op) and the supported ops."""
        return unknown_ops_error(self.unsupported, supported_ops())
