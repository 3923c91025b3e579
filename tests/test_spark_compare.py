"""The value comparison behind export_bundle's check and the parity suite (no Spark needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from snowleap.spark import ExportError, mleap_jars
from snowleap.spark.compare import frame_rows, python_value, row_differences, values_agree


def test_numbers_agree_within_relative_tolerance() -> None:
    assert values_agree(1000.0, 1000.0000009)  # 9e-10 relative
    assert not values_agree(1000.0, 1000.000002)  # 2e-9 relative
    assert values_agree(3, 3.0)


def test_rounding_noise_around_zero_agrees() -> None:
    assert values_agree(0.0, 4e-17)
    assert not values_agree(0.0, 1e-9)


def test_missing_numbers_spark_null_equals_nan() -> None:
    assert values_agree(None, float("nan"))
    assert values_agree(float("nan"), float("nan"))
    assert not values_agree(None, 0.0)
    assert not values_agree(float("nan"), 1.0)


def test_strings_and_labels_must_be_identical() -> None:
    assert values_agree("NY", "NY")
    assert not values_agree("NY", "ny")
    assert not values_agree("1.0", 1.0)
    assert not values_agree(None, "NY")


def test_vectors_agree_element_by_element() -> None:
    assert values_agree([1.0, 2.0], [1.0, 2.0000000001])
    assert not values_agree([1.0, 2.0], [1.0, 2.1])
    assert not values_agree([1.0, 2.0], [1.0, 2.0, 0.0])
    assert not values_agree([1.0], 1.0)


def test_python_value_turns_vectors_into_lists() -> None:
    class SparseLike:
        def toArray(self) -> np.ndarray:  # noqa: N802 - pyspark's Vector API
            return np.array([0.0, 2.5, 0.0])

    assert python_value(SparseLike()) == [0.0, 2.5, 0.0]
    assert python_value(np.float64(1.5)) == 1.5
    assert python_value(np.array([1.0, 2.0])) == [1.0, 2.0]
    # an array of one-element vectors (Spark's LSH output) is one flat list, like MLeap's tensor
    assert python_value([SparseLike(), SparseLike()]) == [0.0, 2.5, 0.0, 0.0, 2.5, 0.0]
    assert python_value([[1.0], [2.0]]) == [[1.0], [2.0]]


def test_row_differences_name_row_column_and_both_values() -> None:
    expected = [{"id": 0, "y": 1.0}, {"id": 1, "y": 2.0}]
    actual = [{"id": 0, "y": 1.0}, {"id": 1, "y": 2.5}]
    assert row_differences(expected, actual, ["id", "y"]) == [
        "row 1, column 'y': spark 2.0 != snowleap 2.5"
    ]
    assert row_differences(expected, actual[:1], ["id", "y"]) == [
        "spark kept 2 rows, snowleap kept 1"
    ]


def test_frame_rows_reads_batch_columns_as_plain_rows() -> None:
    frame = {"v": np.array([[1.0, 2.0], [3.0, 4.0]]), "s": np.array(["a", None], dtype=object)}
    assert frame_rows(frame, ["v", "s"]) == [
        {"v": [1.0, 2.0], "s": "a"},
        {"v": [3.0, 4.0], "s": None},
    ]


def test_missing_jars_say_how_to_get_them(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"no MLeap jars in .*make jars"):
        mleap_jars(tmp_path)
