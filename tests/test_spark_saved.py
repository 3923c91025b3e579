"""The pieces of the writer's Spark side that need no Spark: Spark's saved vectors, matrices and
trees as MLeap writes them, stage folders, the input-schema option."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from snowleap.bundle.definitions import TreeNodeDef
from snowleap.spark.columns import parse_input_schema
from snowleap.spark.errors import SavedModelError
from snowleap.spark.saved import FittedStage, read_saved_model
from snowleap.spark.stages.common import matrix_rows, tree_nodes, vector_values

STAGE = FittedStage("org.example.Stage", "Stage_1", Path("saved"), {}, {}, {})


def test_vectors_dense_and_sparse() -> None:
    assert vector_values({"type": 1, "values": [1.0, 2.5]}, STAGE, "v") == [1.0, 2.5]
    sparse = {"type": 0, "size": 4, "indices": [1, 3], "values": [5.0, -1.0]}
    assert vector_values(sparse, STAGE, "v") == [0.0, 5.0, 0.0, -1.0]
    with pytest.raises(SavedModelError, match=r"Stage_1.*v is not a vector"):
        vector_values({"type": 0, "values": [1.0]}, STAGE, "v")


def test_matrices_in_every_spark_layout() -> None:
    rows = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    column_major = {"type": 1, "numRows": 2, "numCols": 3, "values": [1, 4, 2, 5, 3, 6]}
    assert matrix_rows(column_major, STAGE, "m") == rows
    row_major = {**column_major, "values": [1, 2, 3, 4, 5, 6], "isTransposed": True}
    assert matrix_rows(row_major, STAGE, "m") == rows
    # CSC of [[1, 0, 3], [0, 5, 0]]
    csc = {
        "type": 0,
        "numRows": 2,
        "numCols": 3,
        "colPtrs": [0, 1, 2, 3],
        "rowIndices": [0, 1, 0],
        "values": [1.0, 5.0, 3.0],
        "isTransposed": False,
    }
    assert matrix_rows(csc, STAGE, "m") == [[1.0, 0.0, 3.0], [0.0, 5.0, 0.0]]
    csr = {**csc, "colPtrs": [0, 2, 3], "rowIndices": [0, 2, 1], "values": [1.0, 3.0, 5.0]}
    csr["isTransposed"] = True
    assert matrix_rows(csr, STAGE, "m") == [[1.0, 0.0, 3.0], [0.0, 5.0, 0.0]]


def node(
    id_: int, left: int = -1, right: int = -1, split: Any = None, stats: Any = None, pred: float = 0
) -> dict[str, Any]:
    return {
        "id": id_,
        "prediction": pred,
        "impurityStats": stats or [],
        "leftChild": left,
        "rightChild": right,
        "split": split
        or {"featureIndex": -1, "leftCategoriesOrThreshold": [], "numCategories": -1},
    }


def test_trees_come_out_depth_first_with_mleaps_category_side() -> None:
    # GIVEN Spark's node rows in id order (root 0 splits categories {0} | {1, 2, 3} on feature 2,
    # its left child 1 splits x0 <= 0.5), listed out of order
    rows = [
        node(4, pred=9.0, stats=[0.0, 4.0]),
        node(
            0,
            1,
            4,
            {"featureIndex": 2, "leftCategoriesOrThreshold": [1.0, 2.0, 3.0], "numCategories": 4},
        ),
        node(2, pred=1.0, stats=[3.0, 0.0]),
        node(1, 2, 3, {"featureIndex": 0, "leftCategoriesOrThreshold": [0.5], "numCategories": -1}),
        node(3, pred=2.0, stats=[1.0, 1.0]),
    ]
    # WHEN written as MLeap writes trees, THEN pre-order, and the categorical split keeps the
    # shorter side: the right categories {0}, is_left False
    assert tree_nodes(rows, impurities=True, where="t") == [
        TreeNodeDef(
            "categorical", feature_index=2, categories=(0.0,), is_left=False, num_categories=4
        ),
        TreeNodeDef("continuous", feature_index=0, threshold=0.5),
        TreeNodeDef("leaf", values=(3.0, 0.0)),
        TreeNodeDef("leaf", values=(1.0, 1.0)),
        TreeNodeDef("leaf", values=(0.0, 4.0)),
    ]
    assert tree_nodes(rows, impurities=False, where="t")[-1] == TreeNodeDef("leaf", values=(9.0,))


def test_a_tree_without_root_or_with_a_cycle_is_refused() -> None:
    with pytest.raises(SavedModelError, match="no root"):
        tree_nodes([node(1)], impurities=False, where="data")
    looped = [
        node(0, 1, 0, {"featureIndex": 0, "leftCategoriesOrThreshold": [0.5], "numCategories": -1}),
        node(1),
    ]
    with pytest.raises(SavedModelError, match="do not link into one tree"):
        tree_nodes(looped, impurities=False, where="data")


def saved_stage(folder: Path, doc: dict[str, Any]) -> None:
    (folder / "metadata").mkdir(parents=True)
    (folder / "metadata" / "part-00000").write_text(json.dumps(doc) + "\n")


def test_pipeline_stage_folders_padded_as_spark_pads_them(tmp_path: Path) -> None:
    uids = [f"Binarizer_{i}" for i in range(11)]
    saved_stage(
        tmp_path,
        {"class": "org.apache.spark.ml.PipelineModel", "uid": "P", "paramMap": {"stageUids": uids}},
    )
    for index, uid in enumerate(uids):
        saved_stage(
            tmp_path / "stages" / f"{index:02d}_{uid}",
            {
                "class": "org.apache.spark.ml.feature.Binarizer",
                "uid": uid,
                "paramMap": {"threshold": "NaN"},
            },
        )
    root = read_saved_model(tmp_path)
    assert [child.uid for child in root.children] == uids
    threshold = root.children[3].param("threshold")
    assert threshold != threshold  # Spark's JSON "NaN" is NaN


def test_input_schema_option() -> None:
    schema = parse_input_schema("sparse=vector:8, state=string,n=long")
    assert schema["sparse"].vector and schema["sparse"].width == 8
    assert schema["state"].base == "string" and schema["n"].base == "long"
    for bad in ("x", "x=vector", "x=tensor"):
        with pytest.raises(ValueError, match="input schema entry"):
            parse_input_schema(bad)
