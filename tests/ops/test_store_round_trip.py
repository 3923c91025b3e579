"""Every op's store side against its load side: op -> attributes -> op, for each op in ``OPS``.

Each op's ``IDENTITY_CASE`` is loaded, stored (``Op.store``: the node MLeap writes for it),
written by snowleap's bundle writer in JSON and protobuf and loaded again. The reloaded model
must score the case exactly as the original did, and storing it again must give the very same
files (attributes, their types and shapes, ports, tree files): the two directions of an op,
written side by side in its module, cannot drift apart. A new op gets this check for free.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pytest

import snowleap
from snowleap.bundle.writer import bundle_files, write_bundle
from snowleap.ops.registry import OPS
from snowleap.ops.sparse import SparseRows
from tests.conftest import OpCase, same_value
from tests.ops.test_every_op import op_test_module, ops_used


def stored_files(model: snowleap.Model, fmt: str) -> dict[str, bytes]:
    files = bundle_files(model.root.store(), fmt)
    del files["bundle.json"]  # a fresh uid and timestamp every time
    return files


@pytest.mark.parametrize("fmt", ["json", "protobuf"])
@pytest.mark.parametrize("op_name", sorted(OPS))
def test_op_to_attributes_to_op(
    op_name: str, fmt: Literal["json", "protobuf"], tmp_path: Path
) -> None:
    # GIVEN the op's identity case, loaded
    case = getattr(op_test_module(op_name), "IDENTITY_CASE", None)
    assert isinstance(case, OpCase), f"tests/ops/test_{op_name}.py defines no IDENTITY_CASE"
    original = case.load(tmp_path / "case", fmt)
    # WHEN its ops are stored and written by snowleap's writer, and loaded back
    path = write_bundle(original.root.store(), tmp_path / f"stored.{fmt}.zip", fmt)
    reloaded = snowleap.load(path)
    # THEN the same ops, the same outputs, and storing again writes the same files
    assert op_name in ops_used(reloaded.root)
    assert list(reloaded.input_schema) == list(original.input_schema)
    assert list(reloaded.output_schema) == list(original.output_schema)
    want, got = original.transform(dict(case.columns)), reloaded.transform(dict(case.columns))
    for column in original.output_schema:
        if isinstance(want[column], SparseRows) or want[column].dtype == object:
            assert same_value(list(got[column]), list(want[column])), column
        else:
            np.testing.assert_array_equal(got[column], want[column], column)
    assert stored_files(reloaded, fmt) == stored_files(original, fmt)
