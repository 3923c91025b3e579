"""Small bundles and zips for the archive and reader tests: a pipeline scaling ``x`` into ``y``,
zipped the way MLeap zips it or as hand-made entries."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import snowleap
from tests.conftest import double_tensor, string_list, write_bundle_json, write_node

SCALER = {"mean": double_tensor([1.0, 10.0]), "std": double_tensor([2.0, 4.0])}


def scaler_bundle(folder: Path, attributes: dict[str, object] | None = None) -> Path:
    """A two-node bundle: a pipeline whose one child scales ``x`` into ``y``."""
    write_bundle_json(folder)
    write_node(
        folder / "root",
        "pipeline",
        "pipeline",
        {"nodes": {"type": "list", "string": ["scaler"]}},
        {},
        {},
    )
    write_node(
        folder / "root" / "scaler.node",
        "scaler",
        "standard_scaler",
        SCALER if attributes is None else attributes,
        {"input": "x"},
        {"output": "y"},
    )
    return folder


def zip_bytes(folder: Path, wrap: str = "") -> bytes:
    """The folder zipped the way MLeap does (``bundle.json`` at the top), or inside ``wrap/``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, wrap + path.relative_to(folder).as_posix())
    return out.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def entries_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def assert_scales(model: snowleap.Model) -> None:
    # (3 - 1) / 2 = 1, (2 - 10) / 4 = -2
    assert model.transform({"x": np.array([[3.0, 2.0]])})["y"].tolist() == [[1.0, -2.0]]
    assert model.transform_row({"x": [3.0, 2.0]}) == {"x": [3.0, 2.0], "y": [1.0, -2.0]}


def bundle_error(match: str) -> Any:
    return pytest.raises(snowleap.BundleError, match=match)


def unknown_ops_pipeline(folder: Path) -> Path:
    """A pipeline of a standard scaler between three nodes of ops snowleap lacks."""
    write_bundle_json(folder)
    names = ["boost", "scaler", "forest", "boost_again"]
    write_node(folder / "root", "pipeline", "pipeline", {"nodes": string_list(names)}, {}, {})
    wiring = {
        "boost": ("xgboost_regressor", {"features": "raw"}, {"prediction": "x"}),
        "scaler": ("standard_scaler", {"input": "x"}, {"output": "scaled"}),
        "forest": ("lightgbm_classifier", {"features": "scaled"}, {"prediction": "label"}),
        "boost_again": ("xgboost_regressor", {"features": "raw"}, {"prediction": "other"}),
    }
    for name, (op, inputs, outputs) in wiring.items():
        attributes = (
            {"mean": double_tensor([1.0]), "std": double_tensor([2.0])}
            if op == "standard_scaler"
            else {}
        )
        write_node(folder / "root" / f"{name}.node", name, op, attributes, inputs, outputs)
    return folder
