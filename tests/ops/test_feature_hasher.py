"""``feature_hasher``: numeric columns by name, categorical ones by ``name=value``, collisions
add up, nulls add nothing. Expected slots were computed by Spark 3.5's ``FeatureHasher``."""

from __future__ import annotations

import math
from typing import Any

import pytest

import snowleap
from snowleap.ops.base import vector
from snowleap.ops.feature.feature_hasher import java_string
from snowleap.ops.sparse import SparseRows, SparseVector
from tests.conftest import Node, OpCase, string_list

SCALAR = {"base": "scalar", "isNullable": True}


def hasher(width: int, categorical: list[str]) -> dict[str, Any]:
    return {
        "num_features": {"long": width},
        "categorical_cols": string_list(categorical),
        "input_shapes": {"type": "list", "data_shape": [SCALAR, SCALAR, SCALAR]},
        "basic_types": {"type": "list", "basic_type": ["double", "string", "boolean"]},
        "input_names": string_list(["real", "city", "flag"]),
    }


PORTS = {"input0": "real", "input1": "city", "input2": "flag"}
IDENTITY_CASE = OpCase(
    (Node("feature_hasher", hasher(1 << 18, []), PORTS, {"output": "h"}),),
    {"real": [2.5, None, 0.0], "city": ["NY", "Zürich", None], "flag": [True, False, True]},
)


def test_slots_and_values(tmp_path, score_both) -> None:
    model = IDENTITY_CASE.load(tmp_path / "b")
    out = score_both(model, IDENTITY_CASE.columns)
    assert isinstance(out["h"], SparseRows)
    first = out["h"][0]
    assert first.size == 1 << 18 and len(first.indices) == 3 and 2.5 in first.values
    # a null real and a null city add nothing
    assert len(out["h"][1].indices) == 2 and len(out["h"][2].indices) == 2
    assert model.output_schema == {"h": vector(1 << 18)}


def test_everything_collides_in_one_slot(one_node_model) -> None:
    model = one_node_model("feature_hasher", hasher(1, ["real"]), PORTS, {"output": "h"})
    row = model.transform_row({"real": 7.0, "city": "a", "flag": False})
    # three categorical features (real is listed categorical) in the only slot
    assert row["h"] == SparseVector(1, [0], [3.0])


def test_values_written_as_java_writes_them() -> None:
    assert [java_string(v) for v in (True, 1.0, 1e7, "x", 3)] == ["true", "1.0", "1.0E7", "x", "3"]
    assert java_string(math.nan) == "NaN"


def test_mismatched_attributes_are_refused(one_node_model) -> None:
    attributes = hasher(8, [])
    attributes["input_names"] = string_list(["real"])
    with pytest.raises(snowleap.BundleError, match=r"should be as many"):
        one_node_model("feature_hasher", attributes, PORTS, {"output": "h"})
