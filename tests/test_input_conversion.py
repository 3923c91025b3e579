"""Converting caller input: the row converters' fast path and the batch string check."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snowleap.errors import InputError
from snowleap.input_conversion import row_converter, row_ready_type, to_column, to_frame
from snowleap.ops.base import DOUBLE, STRING, ColumnType, Field, vector

X = Field("x", DOUBLE)
S = Field("s", STRING)
LONG = Field("n", ColumnType("long"))
V = Field("v", vector(2))


@pytest.mark.parametrize(("field", "ready"), [(X, float), (S, str), (LONG, int), (V, None)])
def test_ready_type_is_what_the_converter_returns_unchanged(field: Field, ready: type) -> None:
    assert row_ready_type(field) is ready
    if ready is not None:
        value = ready(1) if ready is not str else "NY"
        assert row_converter(field)(value) is value


@pytest.mark.parametrize(
    ("value", "expected"), [(2, 2.0), (np.float64(1.5), 1.5), (np.int32(3), 3.0)]
)
def test_numbers_of_other_types_become_floats(value: object, expected: float) -> None:
    converted = row_converter(X)(value)
    assert converted == expected and converted.__class__ is float


def test_booleans_are_one_and_zero_on_both_paths_as_mleap_casts_them() -> None:
    assert row_converter(X)(True) == 1.0 and row_converter(X)(np.bool_(False)) == 0.0
    assert to_column([True, False], X).tolist() == [1.0, 0.0]
    assert to_column(np.array([True, None], dtype=object), X)[0] == 1.0
    assert to_column(np.array([np.bool_(True)], dtype=object), X).tolist() == [1.0]


def test_missing_number_becomes_nan() -> None:
    assert math.isnan(row_converter(X)(None))


@pytest.mark.parametrize("value", ["2.0", [1.0], np.str_("1")])
def test_non_numbers_are_input_errors(value: object) -> None:
    with pytest.raises(InputError, match=r"column 'x': expected a number"):
        row_converter(X)(value)


def test_strings_pass_including_subclasses_and_none() -> None:
    convert = row_converter(S)
    assert convert(None) is None
    assert convert(np.str_("CA")) == "CA"
    with pytest.raises(InputError, match=r"column 's': expected a string, got 3"):
        convert(3)


def test_vectors_are_always_copied_to_lists_of_floats() -> None:
    value = [1, 2.5]
    converted = row_converter(V)(value)
    assert converted == [1.0, 2.5] and converted is not value
    assert all(v.__class__ is float for v in converted)


def test_batch_string_column_accepts_str_none_and_str_subclasses() -> None:
    column = np.array(["NY", None, np.str_("CA")], dtype=object)
    assert to_column(column, S).tolist() == ["NY", None, "CA"]
    assert to_column(["a", "b"], S).tolist() == ["a", "b"]


def test_batch_string_column_names_the_first_bad_row() -> None:
    column = np.array(["NY", None, 3, 4.0], dtype=object)
    with pytest.raises(InputError, match=r"column 's', row 2: expected a string, got 3"):
        to_column(column, S)


def test_batch_number_column_with_nulls_and_ints() -> None:
    column = to_column([1, None, 2.5], X)
    assert column.dtype == np.float64
    assert column[0] == 1.0 and math.isnan(column[1]) and column[2] == 2.5


def test_batch_number_column_names_the_first_value_that_is_no_number() -> None:
    with pytest.raises(InputError, match=r"column 'x', row 1: expected a number, got '2'"):
        to_column([1.0, "2", 3.0], X)
    with pytest.raises(InputError, match=r"column 'x', row 1: .* too large for a double"):
        to_column([1, 10**400], X)


def test_to_frame_keeps_the_callers_column_order_and_other_columns() -> None:
    frame = to_frame({"id": ["a", "b"], "x": [1.0, None], "s": ["NY", None]}, [X, S])
    assert list(frame) == ["id", "x", "s"]
    assert frame["id"].dtype == object and frame["id"].tolist() == ["a", "b"]
    assert frame["x"].dtype == np.float64 and math.isnan(frame["x"][1])
    assert frame["s"].tolist() == ["NY", None]
