"""The store side of each op: its Bundle.ML attributes and ports, by MLeap op name.

Each function takes what the op is (its columns and its model) and returns the ``StoredNode``
MLeap 0.16 writes for it (``mleap-spark/.../bundle/ops/<family>/XxxOp.scala``), in the form MLeap
0.16's runtime reads (where newer MLeaps write more, for instance ``labels_length`` +
``labels_array_i`` of a multi-column string indexer, 0.16 reads only ``labels``; such stages are
written as one node per column by the Spark layer).

NOTE: these belong next to each op's ``from_bundle`` in ``snowleap.ops`` (both directions in one
place); they wait here until the op house rules (issue 9) have moved the op modules.
"""

from __future__ import annotations

from collections.abc import Sequence

from snowleap.bundle import store
from snowleap.bundle.definitions import TreeNodeDef
from snowleap.bundle.store import StoredModel, StoredNode, node_shape, numbered
from snowleap.bundle.values import DataShape, Value

Columns = Sequence[str]


def _simple(
    name: str, op: str, input_col: str, output_col: str, attributes: dict[str, Value]
) -> StoredNode:
    return StoredNode(
        name,
        node_shape([("input", input_col)], [("output", output_col)]),
        StoredModel(op, attributes),
    )


def pipeline(name: str, children: Sequence[StoredNode]) -> StoredNode:
    return StoredNode(
        name,
        node_shape(),
        StoredModel(
            "pipeline", {"nodes": store.string_list([c.name for c in children])}, children=children
        ),
    )


def string_indexer(
    name: str, input_col: str, output_col: str, labels: Sequence[str], handle_invalid: str
) -> StoredNode:
    attributes = {
        "labels": store.string_list(labels),
        "handle_invalid": store.string(handle_invalid),
    }
    return _simple(name, "string_indexer", input_col, output_col, attributes)


def reverse_string_indexer(
    name: str, input_col: str, output_col: str, labels: Sequence[str]
) -> StoredNode:
    attributes = {
        "labels": store.string_list(labels),
        "input_shape": store.data_shape(DataShape("scalar", False)),
    }
    return _simple(name, "reverse_string_indexer", input_col, output_col, attributes)


def one_hot_encoder(
    name: str,
    inputs: Columns,
    outputs: Columns,
    category_sizes: Sequence[int],
    drop_last: bool,
    handle_invalid: str,
) -> StoredNode:
    return StoredNode(
        name,
        node_shape(numbered("input", inputs), numbered("output", outputs)),
        StoredModel(
            "one_hot_encoder",
            {
                "category_sizes": store.int_list(category_sizes),
                "drop_last": store.boolean(drop_last),
                "handle_invalid": store.string(handle_invalid),
            },
        ),
    )


def bucketizer(
    name: str, input_col: str, output_col: str, splits: Sequence[float], handle_invalid: str
) -> StoredNode:
    attributes = {
        "splits": store.double_list(splits),
        "handle_invalid": store.string(handle_invalid),
    }
    return _simple(name, "bucketizer", input_col, output_col, attributes)


def binarizer(
    name: str, input_col: str, output_col: str, threshold: float, input_shape: DataShape
) -> StoredNode:
    attributes = {
        "threshold": store.double(threshold),
        "input_shapes": store.data_shape(input_shape),
    }
    return _simple(name, "binarizer", input_col, output_col, attributes)


def imputer(
    name: str,
    input_col: str,
    output_col: str,
    surrogate: float,
    missing: float,
    strategy: str,
    nullable_input: bool,
) -> StoredNode:
    attributes = {
        "surrogate_value": store.double(surrogate),
        "missing_value": store.double(missing),
        "strategy": store.string(strategy),
        "nullable_input": store.boolean(nullable_input),
    }
    return _simple(name, "imputer", input_col, output_col, attributes)


def vector_assembler(
    name: str, inputs: Columns, output_col: str, shapes: Sequence[DataShape]
) -> StoredNode:
    return StoredNode(
        name,
        node_shape(numbered("input", inputs), [("output", output_col)]),
        StoredModel("vector_assembler", {"input_shapes": store.data_shape_list(shapes)}),
    )


def standard_scaler(
    name: str,
    input_col: str,
    output_col: str,
    mean: Sequence[float] | None,
    std: Sequence[float] | None,
) -> StoredNode:
    attributes: dict[str, Value] = {}
    if mean is not None:
        attributes["mean"] = store.vector(mean)
    if std is not None:
        attributes["std"] = store.vector(std)
    return _simple(name, "standard_scaler", input_col, output_col, attributes)


def min_max_scaler(
    name: str,
    input_col: str,
    output_col: str,
    original_min: Sequence[float],
    original_max: Sequence[float],
    min_value: float,
    max_value: float,
) -> StoredNode:
    attributes = {
        "min": store.vector(original_min),
        "max": store.vector(original_max),
        "minValue": store.double(min_value),
        "maxValue": store.double(max_value),
    }
    return _simple(name, "min_max_scaler", input_col, output_col, attributes)


def max_abs_scaler(
    name: str, input_col: str, output_col: str, max_abs: Sequence[float]
) -> StoredNode:
    return _simple(name, "max_abs_scaler", input_col, output_col, {"maxAbs": store.vector(max_abs)})


def pca(
    name: str, input_col: str, output_col: str, rows: int, cols: int, column_major: Sequence[float]
) -> StoredNode:
    """``column_major``: the principal components as Spark's ``DenseMatrix.values`` hold them."""
    components = store.tensor("double", (rows, cols), column_major)
    return _simple(name, "pca", input_col, output_col, {"principal_components": components})


def normalizer(name: str, input_col: str, output_col: str, p: float, input_size: int) -> StoredNode:
    attributes = {"p_norm": store.double(p), "input_size": store.int32(input_size)}
    return _simple(name, "normalizer", input_col, output_col, attributes)


def polynomial_expansion(
    name: str, input_col: str, output_col: str, degree: int, input_size: int
) -> StoredNode:
    attributes = {"degree": store.long(degree), "input_size": store.long(input_size)}
    return _simple(name, "polynomial_expansion", input_col, output_col, attributes)


def vector_slicer(
    name: str, input_col: str, output_col: str, indices: Sequence[int], input_size: int
) -> StoredNode:
    attributes = {
        "indices": store.long_list(indices),
        "names": store.string_list([]),
        "named_indices": store.int_list([]),
        "input_size": store.int32(input_size),
    }
    return _simple(name, "vector_slicer", input_col, output_col, attributes)


def elementwise_product(
    name: str, input_col: str, output_col: str, scaling_vec: Sequence[float]
) -> StoredNode:
    attributes = {"scaling_vec": store.vector(scaling_vec)}
    return _simple(name, "elementwise_product", input_col, output_col, attributes)


def interaction(
    name: str,
    inputs: Columns,
    output_col: str,
    shapes: Sequence[DataShape],
    num_features: Sequence[Sequence[int]],
) -> StoredNode:
    attributes: dict[str, Value] = {
        "num_inputs": store.int32(len(num_features)),
        "input_shapes": store.data_shape_list(shapes),
    }
    for index, sizes in enumerate(num_features):
        attributes[f"num_features{index}"] = store.int_list(sizes)
    return StoredNode(
        name,
        node_shape(numbered("input", inputs), [("output", output_col)]),
        StoredModel("interaction", attributes),
    )


# -- models ------------------------------------------------------------------------------------


def _predictor(
    name: str, op: str, features_col: str, outputs: Sequence[tuple[str, str]], model: StoredModel
) -> StoredNode:
    return StoredNode(name, node_shape([("features", features_col)], outputs), model)


def linear_regression(
    name: str,
    features_col: str,
    prediction_col: str,
    coefficients: Sequence[float],
    intercept: float,
) -> StoredNode:
    model = StoredModel(
        "linear_regression",
        {"coefficients": store.vector(coefficients), "intercept": store.double(intercept)},
    )
    return _predictor(name, model.op, features_col, [("prediction", prediction_col)], model)


def logistic_regression(
    name: str,
    features_col: str,
    outputs: Sequence[tuple[str, str]],
    num_classes: int,
    coefficient_rows: Sequence[Sequence[float]],
    intercepts: Sequence[float],
    thresholds: Sequence[float] | None,
    threshold: float,
) -> StoredNode:
    """Binary models as MLeap writes them (``coefficients``, ``intercept``, ``threshold``);
    more classes as ``coefficient_matrix`` (column-major values, MLeap's ``cm.toArray``)."""
    classes = len(intercepts)
    attributes: dict[str, Value] = {"num_classes": store.long(num_classes)}
    if classes == 1:
        attributes["coefficients"] = store.vector(coefficient_rows[0])
        attributes["intercept"] = store.double(intercepts[0])
        attributes["threshold"] = store.double(threshold)
    else:
        width = len(coefficient_rows[0])
        column_major = [coefficient_rows[r][c] for c in range(width) for r in range(classes)]
        attributes["coefficient_matrix"] = store.tensor("double", (classes, width), column_major)
        attributes["intercept_vector"] = store.vector(intercepts)
        if thresholds is not None:
            attributes["thresholds"] = store.double_list(thresholds)
    model = StoredModel("logistic_regression", attributes)
    return _predictor(name, model.op, features_col, outputs, model)


def decision_tree(
    op: str,
    nodes: Sequence[TreeNodeDef],
    num_features: int,
    num_classes: int | None,
    thresholds: Sequence[float] | None = None,
) -> StoredModel:
    """A decision tree model folder (``decision_tree_classifier`` / ``_regression``)."""
    attributes: dict[str, Value] = {"num_features": store.long(num_features)}
    if num_classes is not None:
        attributes["num_classes"] = store.long(num_classes)
    if thresholds is not None:
        attributes["thresholds"] = store.double_list(thresholds)
    return StoredModel(op, attributes, trees={"tree": list(nodes)})


def tree_predictor(
    name: str,
    features_col: str,
    outputs: Sequence[tuple[str, str]],
    model: StoredModel,
) -> StoredNode:
    return _predictor(name, model.op, features_col, outputs, model)


def tree_ensemble(
    op: str,
    trees: Sequence[StoredModel],
    weights: Sequence[float],
    num_features: int,
    num_classes: int | None,
    thresholds: Sequence[float] | None = None,
) -> StoredModel:
    """A forest or boosted ensemble: its trees in folders ``tree0``, ``tree1``..."""
    names = [f"tree{i}" for i in range(len(trees))]
    attributes: dict[str, Value] = {"num_features": store.long(num_features)}
    if num_classes is not None:
        attributes["num_classes"] = store.long(num_classes)
    attributes["tree_weights"] = store.double_list(weights)
    attributes["trees"] = store.string_list(names)
    if thresholds is not None:
        attributes["thresholds"] = store.double_list(thresholds)
    return StoredModel(op, attributes, sub_models=dict(zip(names, trees, strict=True)))
