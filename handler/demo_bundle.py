"""A small hand-set bundle that scores session features, for demos and tests.

It stands in for the trained default bundle (``bundles/snowleap-default.zip``, written by
``make train``) wherever that is not there yet: a pipeline of a ``vector_assembler`` over three
session features and a binary ``logistic_regression`` with fixed coefficients, in Bundle.ML's
JSON format. ``python handler/demo_bundle.py out.zip`` writes it.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

FEATURES = ("n_page_views", "n_product_views", "n_add_to_basket")
# NOTE: chosen so hand-worked probabilities are simple: a session of 3 page views, 1 product
# view and 1 add-to-basket has margin 0 (probability 0.5) with the default intercept.
COEFFICIENTS = (-0.5, 0.5, 2.0)


def _node(name: str, inputs: dict[str, str], outputs: dict[str, str]) -> dict[str, Any]:
    return {
        "name": name,
        "shape": {
            "inputs": [{"port": p, "name": n} for p, n in inputs.items()],
            "outputs": [{"port": p, "name": n} for p, n in outputs.items()],
        },
    }


def demo_bundle(*, intercept: float = -1.0, name: str = "snowleap-demo") -> bytes:
    """The zipped bundle.

    Example
    -------
    >>> import snowleap
    >>> snowleap.load(demo_bundle()).ops
    ['logistic_regression', 'vector_assembler']
    """
    files: dict[str, Any] = {
        "bundle.json": {
            "uid": "5ca1ab1e-0000-4000-8000-000000000000",
            "name": name,
            "format": "json",
            "version": "0.23.0",
            "timestamp": "2026-11-26T00:00:00",
        },
        "root/model.json": {
            "op": "pipeline",
            "attributes": {"nodes": {"type": "list", "string": ["assembler", "classifier"]}},
        },
        "root/node.json": _node("pipeline", {}, {}),
        "root/assembler.node/model.json": {
            "op": "vector_assembler",
            "attributes": {
                "input_shapes": {
                    "type": "list",
                    "data_shape": [{"base": "scalar", "isNullable": False} for _ in FEATURES],
                }
            },
        },
        "root/assembler.node/node.json": _node(
            "assembler", {f"input{i}": f for i, f in enumerate(FEATURES)}, {"output": "features"}
        ),
        "root/classifier.node/model.json": {
            "op": "logistic_regression",
            "attributes": {
                "coefficients": {
                    "type": "tensor",
                    "double": list(COEFFICIENTS),
                    "shape": {"dimensions": [{"size": len(COEFFICIENTS), "name": ""}]},
                },
                "intercept": {"double": intercept},
                "num_classes": {"long": 2},
            },
        },
        "root/classifier.node/node.json": _node(
            "classifier",
            {"features": "features"},
            {
                "raw_prediction": "rawPrediction",
                "probability": "probability",
                "prediction": "prediction",
            },
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, document in files.items():
            archive.writestr(path, json.dumps(document))
    return buffer.getvalue()


if __name__ == "__main__":
    Path(sys.argv[1]).write_bytes(demo_bundle())
